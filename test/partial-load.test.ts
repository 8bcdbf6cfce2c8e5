// One record's forms from a partial load (store/partial.ts: the record, what it refers to, what refers to it, found
// with git grep) print exactly what they print from the whole repository: every record of every example, every form
// its programme has for it, compared as HTML, label and verification digest. In process, on real git copies.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, git, tempDir, useEnv } from './helpers.js';
import { loadRepository } from '../src/store/repo.js';
import { loadForRecord } from '../src/store/partial.js';
import { indexedTree, referrerCandidates, refreshReferrerIndex } from '../src/store/referrers.js';
import { viewContext } from '../src/commands/render.js';
import { formContent } from '../src/commands/verification.js';
import { selectTargets } from '../src/output/forms/targets.js';
import { formDocument } from '../src/output/forms/document.js';
import { RecordIndex, type Repository } from '../src/domain/records.js';
import { resolveProgramme } from '../src/domain/programme.js';
import type { ProgrammeRecord } from '../src/domain/types.generated.js';

const EXAMPLES = fs.readdirSync(path.join(ROOT, 'examples')).filter((n) => fs.existsSync(path.join(ROOT, 'examples', n, 'djyc.yaml')));
const base = tempDir('djyc-partial-');
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

function copyRepo(name: string, as = name): string {
  const dir = path.join(base, as);
  fs.cpSync(path.join(ROOT, 'examples', name), dir, { recursive: true });
  git(dir, ['init', '-q']);
  git(dir, ['add', '-A']);
  git(dir, ['-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'examples']);
  return dir;
}

/** What `djyc render <id>` would print for every form of the programme (reached or not), from a repository. */
function forms(repo: Repository, programmeId: string, id: string) {
  const index = new RecordIndex(repo);
  const programme = resolveProgramme(index, programmeId) as ProgrammeRecord;
  const ctx = viewContext(repo, programme, { today: '2020-12-20' });
  return selectTargets(index, programme, { record: id, includeUnreached: true }).map((t) => {
    const doc = formDocument(ctx, t);
    const content = formContent(ctx, t, doc.view);
    return { key: `${t.form.id}:${t.key}`, label: doc.label, html: doc.html, sha256: content.sha256, files: content.records.map((r) => r.file) };
  });
}

describe('partial load for one record’s forms', () => {
  for (const name of EXAMPLES) {
    it(`${name}: every record’s forms are the same as from the full load`, async () => {
      const dir = copyRepo(name);
      const full = loadRepository(dir);
      const index = new RecordIndex(full);
      let compared = 0;
      for (const p of index.all('programme')) {
        // Two records of each form and kind (programmes are not named by id on the command line), and two closures
        // and evaluations (named, they print their subject's forms): every layout and every kind of lookup.
        const groups = new Map<string, Set<string>>();
        const add = (key: string, rid: string) => {
          const g = groups.get(key) ?? new Set<string>();
          if (g.size < 2) g.add(rid);
          groups.set(key, g);
        };
        for (const t of selectTargets(index, p.data, { includeUnreached: true })) if (t.record.kind !== 'programme') add(`${t.form.id}|${t.record.kind}`, t.record.id);
        for (const k of ['closure', 'evaluation'] as const) for (const r of index.all(k)) if ((r.data as { programme?: string }).programme === p.id) add(k, r.id);
        const ids = new Set([...groups.values()].flatMap((g) => [...g]));
        for (const id of ids) {
          const partial = await loadForRecord(dir, id);
          expect(partial, `${id}: partial load`).toBeDefined();
          expect(partial!.records.length).toBeLessThan(full.records.length);
          const want = forms(full, p.id, id);
          const got = forms(partial!, p.id, id);
          expect(got.map((g) => g.key), id).toEqual(want.map((w) => w.key));
          got.forEach((g, i) => expect(g, `${id} ${g.key}`).toEqual(want[i]));
          compared += got.length;
        }
      }
      expect(compared).toBeGreaterThan(0);
    });
  }

  describe('what git grep must find, and when to load everything', () => {
    let dir: string;
    let project: string;
    let full0: string;
    beforeAll(() => {
      dir = copyRepo('huishan-2020', 'edge');
      const full = new RecordIndex(loadRepository(dir));
      const task = full.all('task')[0]!;
      full0 = task.id;
      project = (task.data as { project: string }).project;
    });

    const taskFile = (n: string) => path.join(dir, 'records', 'tasks', `${n}.yaml`);
    const copyTask = (n: string, edit: (text: string) => string) => {
      const first = `${full0}.yaml`;
      fs.writeFileSync(taskFile(n), edit(fs.readFileSync(path.join(dir, 'records', 'tasks', first), 'utf8')).replace(/^id: .*$/m, `id: ${n}`));
    };
    const taskIds = async () => {
      const r = await loadForRecord(dir, project);
      expect(r).toBeDefined();
      return r!.records.filter((x) => x.kind === 'task').map((x) => x.id);
    };

    it('finds untracked, ignored and backslash-escaped references', async () => {
      copyTask('t-2020-untracked', (t) => t);
      fs.writeFileSync(path.join(dir, '.gitignore'), 'records/tasks/t-2020-ignored.yaml\n');
      copyTask('t-2020-ignored', (t) => t);
      // \x2d is "-": the id is not in the file as written.
      copyTask('t-2020-escaped', (t) => t.replace(/^project: .*$/m, `project: "${project.replace(/-/g, '\\x2d')}"`));
      const ids = await taskIds();
      expect(ids).toEqual(expect.arrayContaining(['t-2020-untracked', 't-2020-ignored', 't-2020-escaped']));
      const full = new RecordIndex(loadRepository(dir));
      expect(full.where('task', 'project', project).map((t) => t.id).sort()).toEqual(ids.filter((i) => full.get('task', i)?.data.project === project).sort());
    });

    it('loads everything when the id is not a record file, the file does not parse, or git would search indexed copies', async () => {
      const full = new RecordIndex(loadRepository(dir));
      const named = full.get('project', project)!;
      expect(await loadForRecord(dir, (named.data as { title: string }).title)).toBeUndefined();
      expect(await loadForRecord(dir, 'no-such-record')).toBeUndefined();
      const prog = full.all('programme')[0]!;
      expect(await loadForRecord(dir, prog.id)).toBeUndefined();
      fs.writeFileSync(taskFile('t-2020-broken'), 'id: [unclosed\n');
      expect(await loadForRecord(dir, 't-2020-broken')).toBeUndefined();
      // References it cannot follow by file name, or find with git grep as written.
      copyTask('t-2020-slash', (t) => t.replace(/^project: .*$/m, 'project: a/b'));
      expect(await loadForRecord(dir, 't-2020-slash')).toBeUndefined();
      copyTask('t-2020-space', (t) => t.replace(/^project: .*$/m, 'project: "p 1"'));
      expect(await loadForRecord(dir, 't-2020-space')).toBeUndefined();
      expect(await loadForRecord(dir, full0)).toBeDefined();
      const tracked = named.file;
      git(dir, ['update-index', '--assume-unchanged', tracked]);
      expect(await loadForRecord(dir, project)).toBeUndefined();
      git(dir, ['update-index', '--no-assume-unchanged', tracked]);
      expect(await loadForRecord(dir, project)).toBeDefined();
      fs.rmSync(path.join(dir, '.git'), { recursive: true, force: true });
      expect(await loadForRecord(dir, project)).toBeUndefined();
    });
  });

  describe('the referrer index (store/referrers.ts): the same records as git grep, whatever happened since it was built', () => {
    let dir: string;
    const ids: string[] = [];
    const commit = (msg: string) => git(dir, ['-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-am', msg]);
    const files = (r: Repository | undefined) => r?.records.map((x) => x.file);
    /** Every id tried: answered from the index (which must answer), and the same records as the search through every file. */
    const sameAsGrep = async (state: string) => {
      for (const id of ids) {
        expect(await referrerCandidates(dir, [id]), `${state}: ${id}: index answers`).toBeDefined();
        const indexed = await loadForRecord(dir, id);
        const grepped = await loadForRecord(dir, id, { index: false });
        expect(files(indexed), `${state}: ${id}`).toEqual(files(grepped));
      }
      // Many ids at once (over 32: one pass over the index's lines) find what each id finds alone.
      const union = new Set<string>();
      for (const id of ids) for (const f of (await referrerCandidates(dir, [id]))!) union.add(f);
      const many = [...ids, ...Array.from({ length: 40 }, (_, n) => `m-nobody-${n}`)];
      expect(await referrerCandidates(dir, many), `${state}: all ids at once`).toEqual([...union].sort());
    };
    // The index is built from a load git vouched for (the cache's witness), which small repositories skip.
    useEnv({ DJYC_CACHE_MIN: '0', DJYC_GIT_KEYS_MIN: '0', DJYC_LISTING_SETTLE_MS: '0' });
    beforeAll(() => {
      dir = copyRepo('huishan-2020', 'indexed');
      const full = new RecordIndex(loadRepository(dir));
      const tasks = full.all('task');
      // Projects (their tasks, reports, closures refer to them), tasks and the members holding them.
      for (const p of full.all('project').slice(0, 4)) ids.push(p.id);
      for (const t of tasks.slice(0, 3)) ids.push(t.id, ...((t.data as { members?: string[] }).members ?? []).slice(0, 1));
    });

    it('answers for a clean tree, then after edits, untracked and ignored files, staging, commits, deletions and reverts', async () => {
      const taskDir = path.join(dir, 'records', 'tasks');
      const [a, b] = [ids[0]!, ids[1]!];
      const someTask = fs.readdirSync(taskDir).filter((n) => n.endsWith('.yaml')).sort();
      const t0 = path.join(taskDir, someTask[0]!);
      const t1 = path.join(taskDir, someTask[1]!);
      const t2 = path.join(taskDir, someTask[2]!);
      const original = fs.readFileSync(t1, 'utf8');
      // Dirty while the index is built: vouched for by no tree (then reverted to HEAD's content below).
      fs.writeFileSync(t1, original.replace(/^project: .*$/m, `project: ${b}`));
      refreshReferrerIndex(loadRepository(dir));
      await sameAsGrep('built on a dirty tree');
      fs.writeFileSync(t1, original);
      await sameAsGrep('reverted to HEAD');
      // A task moved to another project, unstaged; then staged; then committed (HEAD is no longer the indexed tree).
      fs.writeFileSync(t0, fs.readFileSync(t0, 'utf8').replace(/^project: .*$/m, `project: ${a}`));
      await sameAsGrep('edited');
      git(dir, ['add', '-A']);
      await sameAsGrep('staged');
      commit('move a task');
      await sameAsGrep('committed');
      // New files, untracked and ignored, referring to the first project; a deleted one.
      fs.writeFileSync(path.join(taskDir, 't-2020-new.yaml'), fs.readFileSync(t2, 'utf8').replace(/^id: .*$/m, 'id: t-2020-new').replace(/^project: .*$/m, `project: ${a}`));
      fs.writeFileSync(path.join(dir, '.gitignore'), 'records/tasks/t-2020-hidden.yaml\n');
      fs.writeFileSync(path.join(taskDir, 't-2020-hidden.yaml'), fs.readFileSync(t2, 'utf8').replace(/^id: .*$/m, 'id: t-2020-hidden').replace(/^project: .*$/m, `project: ${a}`));
      fs.rmSync(t2);
      await sameAsGrep('untracked, ignored, deleted');
      expect((await loadForRecord(dir, a))!.records.map((r) => r.id)).toEqual(expect.arrayContaining(['t-2020-new', 't-2020-hidden']));
      git(dir, ['add', '-A']);
      commit('more tasks');
      // Rebuilt for the new HEAD, then a file restored to the old content.
      refreshReferrerIndex(loadRepository(dir));
      fs.writeFileSync(t0, fs.readFileSync(t0, 'utf8').replace(/^project: .*$/m, `project: ${b}`));
      await sameAsGrep('rebuilt, then edited');
      // Staged away from the first project while the index is built (for a new HEAD), then reset to HEAD: git lists
      // it nowhere then.
      git(dir, ['checkout', '-q', 'HEAD', '--', '.']);
      fs.appendFileSync(t1, '# reviewed\n');
      commit('a comment');
      const ofA = fs.readdirSync(taskDir).map((n) => path.join(taskDir, n)).find((f) => new RegExp(`^project: ${a}$`, 'm').test(fs.readFileSync(f, 'utf8')))!;
      fs.writeFileSync(ofA, fs.readFileSync(ofA, 'utf8').replace(/^project: .*$/m, `project: ${b}`));
      git(dir, ['add', '-A']);
      refreshReferrerIndex(loadRepository(dir));
      expect(indexedTree(dir)).toBe(git(dir, ['rev-parse', 'HEAD^{tree}']).trim());
      git(dir, ['reset', '-q', '--hard']);
      await sameAsGrep('staged while built, then reset');
    });

    it('is kept when the cache sweeps away what older runs left', async () => {
      refreshReferrerIndex(loadRepository(dir));
      const file = path.join(dir, '.git', 'djyc-cache', 'referrers.txt');
      const long = new Date(Date.now() - 3_600_000);
      fs.utimesSync(file, long, long);
      // A cached load that saves a new segment sweeps the cache folder.
      fs.appendFileSync(path.join(dir, git(dir, ['ls-files', 'records/tasks']).split('\n')[0]!), '# touched\n');
      loadRepository(dir);
      expect(fs.existsSync(file)).toBe(true);
      await sameAsGrep('after a sweep');
    });

    it('does not answer when git would not look at a file, the index is torn or of another build', async () => {
      refreshReferrerIndex(loadRepository(dir));
      const id = ids[0]!;
      expect(await referrerCandidates(dir, [id])).toBeDefined();
      const tracked = git(dir, ['ls-files', 'records/tasks']).split('\n')[0]!;
      git(dir, ['update-index', '--skip-worktree', tracked]);
      expect(await referrerCandidates(dir, [id])).toBeUndefined();
      git(dir, ['update-index', '--no-skip-worktree', tracked]);
      const file = path.join(dir, '.git', 'djyc-cache', 'referrers.txt');
      const whole = fs.readFileSync(file, 'utf8');
      // Torn: the last line lost.
      fs.writeFileSync(file, whole.slice(0, whole.lastIndexOf('\n', whole.length - 2) + 1));
      expect(await referrerCandidates(dir, [id])).toBeUndefined();
      const [head, ...rest] = whole.split('\n');
      fs.writeFileSync(file, [JSON.stringify({ ...JSON.parse(head!), code: 'another build' }), ...rest].join('\n'));
      expect(await referrerCandidates(dir, [id])).toBeUndefined();
      fs.writeFileSync(file, whole);
      expect(await referrerCandidates(dir, [id])).toBeDefined();
      // Still the same forms: the search through every file.
      expect(files(await loadForRecord(dir, id))).toEqual(files(await loadForRecord(dir, id, { index: false })));
    });
  });
});
