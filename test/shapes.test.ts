/**
 * Shapes no generator makes, where a lookup by search instead of by key turns a command quadratic (a repository of
 * 111,000 evenly spread files shows none of them).
 *
 * The organisation tree: orgSubtree finds what a scan of every organisation repeated
 * until nothing is added finds, in the same order, on random forests in any file order (children before their
 * parents included) and with loops; orgLoops names every organisation on a loop of parents and no other, and walks a
 * chain of 20,000 levels (the check it serves used to take each chain's square for every organisation).
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers.js';
import { RecordIndex, orgSubtree, type RecordEntry, type Repository } from '../src/domain/records.js';
import { orgLoops } from '../src/domain/checks.js';
import { loadRepository } from '../src/store/repo.js';
import { computeTodo } from '../src/domain/todo.js';
import { validateRepository } from '../src/store/validate.js';
import { textTable } from '../src/output/text-table.js';
import { conflictUnits } from '../src/domain/panel.js';
import { lineDiff } from '../src/commands/workspace.js';

// Not a speed target: the linear code takes 0.3–2 s here, the quadratic code it replaced 40 s to minutes.
const GUARD = 30_000;

const repoOf = (orgs: [string, string | undefined][]): Repository => ({
  root: '/nowhere',
  config: { djyc: 1 } as Repository['config'],
  records: orgs.map(([id, parent]) => ({ kind: 'organisation', id, file: `records/organisations/${id}.yaml`, data: { id, name: id, ...(parent ? { parent } : {}) }, text: '' }) as unknown as RecordEntry),
  loadProblems: [],
  unparsed: [],
});

/** The definition: scan every organisation, add those whose parent is in, until a scan adds nothing. */
function subtreeByScans(index: RecordIndex, org: string): string[] {
  const out = new Set<string>([org]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const o of index.all('organisation')) {
      const parent = (o.data as { parent?: string }).parent;
      if (!out.has(o.id) && parent && out.has(parent)) {
        out.add(o.id);
        grew = true;
      }
    }
  }
  return [...out];
}

function loopsByWalking(orgs: [string, string | undefined][]): string[] {
  const parent = new Map(orgs);
  return orgs
    .filter(([id]) => {
      const seen = new Set<string>();
      for (let p = parent.get(id); p !== undefined && !seen.has(p); p = parent.get(p)) {
        if (p === id) return true;
        seen.add(p);
      }
      return false;
    })
    .map(([id]) => id);
}

function random(seed: number) {
  return () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

describe('organisation tree', () => {
  it('orgSubtree: the same organisations in the same order as repeated scans, on 200 random forests', () => {
    const rnd = random(7);
    for (let n = 0; n < 200; n++) {
      const size = 1 + Math.floor(rnd() * 40);
      const ids = Array.from({ length: size }, (_, i) => `org-${i}`);
      // Parents among earlier ids (a forest), some organisations without one, a few loops and dangling parents.
      const orgs: [string, string | undefined][] = ids.map((id, i) => {
        const r = rnd();
        if (i === 0 || r < 0.1) return [id, undefined];
        if (r < 0.13) return [id, `org-${Math.floor(rnd() * size)}`];
        if (r < 0.15) return [id, 'org-missing'];
        return [id, ids[Math.floor(rnd() * i)]];
      });
      // Any file order: children often come before their parents.
      for (let i = orgs.length - 1; i > 0; i--) {
        const j = Math.floor(rnd() * (i + 1));
        [orgs[i], orgs[j]] = [orgs[j]!, orgs[i]!];
      }
      const index = new RecordIndex(repoOf(orgs));
      for (const [id] of orgs) expect([...orgSubtree(index, id)], `forest ${n}, ${id}`).toEqual(subtreeByScans(index, id));
      const loops = orgLoops(index);
      expect([...loops.keys()].sort(), `forest ${n}`).toEqual(loopsByWalking(orgs).sort());
      for (const [id, { loop, at }] of loops) {
        expect(loop[at]).toBe(id);
        loop.forEach((o, i) => expect(orgs.find(([x]) => x === o)![1]).toBe(loop[(i + 1) % loop.length]));
      }
    }
  });

  it('a chain of 20,000 levels: one subtree, no loop; closed at the top, every level is on the loop', () => {
    const depth = 20_000;
    const chain: [string, string | undefined][] = Array.from({ length: depth }, (_, i) => [`org-${depth - 1 - i}`, i === depth - 1 ? undefined : `org-${depth - 2 - i}`]);
    const open = new RecordIndex(repoOf(chain));
    expect(orgSubtree(open, 'org-0').size).toBe(depth);
    expect(orgLoops(open).size).toBe(0);
    chain[depth - 1] = ['org-0', `org-${depth - 1}`];
    const closed = orgLoops(new RecordIndex(repoOf(chain)));
    expect(closed.size).toBe(depth);
    const { loop, at } = closed.get('org-5')!;
    expect([0, 1, 2].map((i) => loop[(at + i) % depth])).toEqual(['org-5', 'org-4', 'org-3']);
  }, GUARD);
});

describe('todo on a branch of 20,000 members', () => {
  // Each member without a task is one person with one item in the organisation's group: found by key (a search of
  // the group's people for each of them took 40 s here).
  it('lists every member once, with the one command that helps', () => {
    const repo = loadRepository(path.join(ROOT, 'examples', 'huishan-2020'));
    const org = repo.records.find((r) => r.kind === 'organisation' && (r.data as { parent?: string }).parent)!;
    const members = Array.from({ length: 20_000 }, (_, n) => `m-big-${n}`);
    for (const [n, id] of members.entries()) repo.records.push({ kind: 'member', id, file: `records/members/${id}.yaml`, data: { id, name: `党员${n}`, organisation: org.id }, text: '' } as unknown as RecordEntry);
    const todo = computeTodo(repo, { today: '2020-12-20', fileExists: () => true });
    const group = todo.groups.find((g) => g.org?.id === org.id)!;
    const listed = group.people.filter((p) => p.person?.id.startsWith('m-big-'));
    expect(listed.map((p) => p.person!.id)).toEqual(members);
    for (const p of listed) expect(p.items.length).toBe(1);
  }, GUARD);
});

describe('tables of 250,000 rows', () => {
  // Column widths are folded over the rows: Math.max(...widths) of this many rows threw "Maximum call stack size exceeded".
  it('are laid out', () => {
    const rows = Array.from({ length: 250_000 }, (_, n) => [`p-${n}`, n % 7 ? '项目' : '一个较长的项目名称']);
    const lines = textTable(['编号', '名称'], rows).split('\n');
    expect(lines.length).toBe(250_002);
    expect(lines[1]).toBe(`${'─'.repeat(8)}  ${'─'.repeat(18)}`);
  });
});

describe('a panel for a project whose organisations loop', () => {
  // Two organisations of one 单位, each the other's parent: the walk up to the unit's 党委 stopped only at another
  // unit, and never ended here.
  it('names both as conflicts and ends', () => {
    const repo = repoOf([['org-a', 'org-b'], ['org-b', 'org-a']]);
    for (const r of repo.records) (r.data as { unit?: string }).unit = '同一单位';
    repo.records.push({ kind: 'project', id: 'p-1', file: 'records/projects/p-1.yaml', data: { id: 'p-1', lead: 'org-a' }, text: '' } as unknown as RecordEntry);
    const index = new RecordIndex(repo);
    const { orgs, units } = conflictUnits(index, index.get('project', 'p-1')!);
    expect([...orgs].sort()).toEqual(['org-a', 'org-b']);
    expect([...units]).toEqual(['同一单位']);
  }, GUARD);
});

describe('the line diff a write prints', () => {
  /** The full table over both texts, as lineDiff was: the reference for how many lines change. */
  function changedByTable(a: string[], b: string[]): number {
    const lcs = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
    for (let i = a.length - 1; i >= 0; i--) for (let j = b.length - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    return a.length + b.length - 2 * lcs[0]![0]!;
  }
  /** Applies a diff: the kept lines of `a` with its removals and additions at the lines its markers name. */
  function apply(a: string[], diff: string[]): string[] {
    const out: string[] = [];
    let i = 0;
    for (const line of diff) {
      if (line.startsWith('@@ ')) {
        const at = Number(line.slice(3)) - 1;
        while (out.length < at) out.push(a[i++]!);
      } else if (line.startsWith('- ')) i++;
      else out.push(line.slice(2));
    }
    while (i < a.length) out.push(a[i++]!);
    return out;
  }

  it('turns one text into the other with the fewest changed lines, on 500 random pairs', () => {
    const rnd = random(11);
    for (let n = 0; n < 500; n++) {
      const words = ['a', 'b', 'c', 'd', '- x', '  y: 1'];
      const a = Array.from({ length: Math.floor(rnd() * 12) }, () => words[Math.floor(rnd() * words.length)]!);
      const b = rnd() < 0.5 ? a.map((l) => (rnd() < 0.2 ? words[Math.floor(rnd() * words.length)]! : l)) : Array.from({ length: Math.floor(rnd() * 12) }, () => words[Math.floor(rnd() * words.length)]!);
      if (rnd() < 0.3) b.push('a', 'b');
      if (!b.length) b.push('a');
      const diff = lineDiff(a.length ? `${a.join('\n')}\n` : '', `${b.join('\n')}\n`);
      expect(apply(a, diff), `pair ${n}`).toEqual(b);
      expect(diff.filter((l) => !l.startsWith('@@')).length, `pair ${n}`).toBe(changedByTable(a, b));
    }
  });

  it('an entry appended to a history of 20,000 lines is one hunk at its line', () => {
    const before = Array.from({ length: 20_000 }, (_, n) => `  - stage: claimed\n    date: 2020-04-${String((n % 28) + 1).padStart(2, '0')}`).join('\n');
    const diff = lineDiff(`${before}\n`, `${before}\n  - stage: implementing\n`);
    expect(diff).toEqual(['@@ 40001', '+   - stage: implementing']);
  }, GUARD);
});

describe('5,000 projects with one number', () => {
  // Each is flagged; its message names the first ten others and how many more (it listed all 4,999: 25 million ids).
  it('are each reported with a message of bounded length', () => {
    const repo = loadRepository(path.join(ROOT, 'examples', 'huishan-2020'));
    const model = repo.records.find((r) => r.kind === 'project' && (r.data as { number?: string }).number)!;
    for (let n = 0; n < 5_000; n++) {
      const id = `p-2020-dup-${n}`;
      repo.records.push({ kind: 'project', id, file: `records/projects/${id}.yaml`, data: { ...(model.data as object), id, number: '2020-999' }, text: '' } as unknown as RecordEntry);
    }
    const found = validateRepository(repo, { today: '2020-12-20' }).filter((p) => p.rule === 'number-duplicate');
    expect(found.length).toBe(5_000);
    const others = String(found[0]!.params!.others);
    expect(others).toBe(`${Array.from({ length: 10 }, (_, n) => `p-2020-dup-${n + 1}`).join(', ')} … (+4989)`);
  }, GUARD);
});
