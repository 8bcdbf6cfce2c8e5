/**
 * Two writers never both win (issue 10, hole 5). Every check that decides a write — one report per subject and
 * quarter, the next project number, stage guards, claims, the member's one commitment — runs under the write lock on
 * the state read under it. Two real processes race in each round (kept running between rounds so a round costs an
 * operation, not a Node start-up; both are told to go at the same moment): 20 rounds each of `report`,
 * `advance --to approved`, `claim` and `task add`. After every round exactly one wins (the other is refused: exit
 * 1, a clear message) or both apply in order, and the repository validates. The same races through the real CLI
 * check the loser's exit code and message (no stack trace).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, git, initRepo, tempDir } from './helpers.js';
import { loadRepository } from '../src/store/repo.js';
import { COVERAGE_RULES } from '../src/domain/checks.js';
import { validateRepository } from '../src/store/validate.js';

const TODAY = '2020-12-20';
const ENV = { DJYC_TODAY: TODAY, DJYC_LOCK_WAIT_MS: '60000', DJYC_USER: 'race', GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t', NO_COLOR: '1' };
const P = 'shuangling-2020';
const ROUNDS = 20;

type Outcome = { ok: true; result: Record<string, any> } | { ok: false; exit: number; name: string; message: string };

/** A process that runs djyc's write operations (the built ones, as bin/djyc does) when told to. */
class Writer {
  private child: ChildProcess;
  private waiting?: (o: Outcome) => void;

  constructor(script: string) {
    this.child = fork(script, [], { env: { ...process.env, ...ENV }, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    this.child.on('message', (m) => this.waiting?.(m as Outcome));
  }

  ready(): Promise<void> {
    return new Promise((resolve) => this.child.once('message', () => resolve()));
  }

  run(op: string, args: Record<string, unknown>): Promise<Outcome> {
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.child.send({ op, args });
    });
  }

  stop(): void {
    this.child.kill();
  }
}

function writerScript(dir: string): string {
  const file = path.join(dir, 'writer.mjs');
  const mod = (p: string) => JSON.stringify(pathToFileURL(path.join(ROOT, 'dist/commands', p)).href);
  fs.writeFileSync(file, `
import { fileReport } from ${mod('reports.js')};
import { advance } from ${mod('advance.js')};
import { claim } from ${mod('claim.js')};
import { addTask } from ${mod('tasks.js')};
const ops = { report: fileReport, advance, claim, task: addTask };
process.on('message', async ({ op, args }) => {
  try {
    const r = await ops[op](args);
    process.send({ ok: true, result: { commit: r.commit, number: r.number, report: r.report, task: r.task, commitments: r.commitments } });
  } catch (err) {
    process.send({ ok: false, exit: err.exitCode ?? -1, name: err.name, message: String(err.message) });
  }
});
process.send('ready');
`);
  return file;
}

function write(repo: string, rel: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(repo, rel)), { recursive: true });
  fs.writeFileSync(path.join(repo, rel), text);
}

const history = (...steps: [string, string][]) => `history:\n${steps.map(([stage, date], i) => `  - stage: ${stage}\n${i ? `    from: ${steps[i - 1]![0]}\n` : ''}    date: "${date}"\n    by: 机关工委\n`).join('')}`;

/** Projects at every stage the races need: proposed (advance), approved (claim), claimed (task), implementing (report). */
function fixture(): string {
  const repo = initRepo('shuangling', 2020);
  write(repo, 'records/organisations/org-gw.yaml', 'id: org-gw\nname: 区级机关工委\ntype: 机关工委\n');
  for (const o of ['a', 'b']) write(repo, `records/organisations/org-${o}.yaml`, `id: org-${o}\nname: ${o} 支部\ntype: 党支部\nparent: org-gw\n`);
  for (const m of ['a1', 'a2', 'b1']) write(repo, `records/members/m-${m}.yaml`, `id: m-${m}\nname: 党员${m}\norganisation: org-${m[0]}\n`);
  const project = (id: string, body: string) => write(repo, `records/projects/${id}.yaml`, `id: ${id}\nprogramme: ${P}\ntitle: 项目 ${id}\ncategories: [呼应群众期待]\nsource: 自行申报\nproposed_by: org-a\n${body}`);
  let n = 100;
  for (let i = 1; i <= 31; i++) project(`p-v${i}`, `stage: proposed\n${history(['proposed', '2020-03-10'])}`);
  for (let i = 1; i <= 31; i++) project(`p-c${i}`, `number: "2020-${++n}"\nstage: approved\napproval: { date: "2020-04-10", by: org-gw }\n${history(['proposed', '2020-03-10'], ['approved', '2020-04-10'])}`);
  const claimed: string[] = [];
  for (let i = 1; i <= ROUNDS; i++) {
    claimed.push(`p-t${i}`);
    project(`p-t${i}`, `number: "2020-${++n}"\nlead: org-a\nstage: claimed\napproval: { date: "2020-04-10", by: org-gw }\n${history(['proposed', '2020-03-10'], ['approved', '2020-04-10'], ['claimed', '2020-04-20'])}`);
  }
  for (let i = 1; i <= 7; i++) {
    claimed.push(`p-r${i}`);
    project(`p-r${i}`, `number: "2020-${++n}"\nlead: org-a\nstart: "2020-05-01"\nstage: implementing\napproval: { date: "2020-04-10", by: org-gw }\n${history(['proposed', '2020-03-10'], ['approved', '2020-04-10'], ['claimed', '2020-04-20'], ['published', '2020-05-05'], ['implementing', '2020-05-11'])}`);
    write(repo, `records/tasks/t-r${i}.yaml`, `id: t-r${i}\nprogramme: ${P}\nproject: p-r${i}\nmembers: [m-a1]\ncontent: 任务 ${i}\nstage: implementing\n${history(['claimed', '2020-04-28'], ['implementing', '2020-05-11'])}`);
  }
  write(repo, 'records/commitments/c-a.yaml', `id: c-a\nprogramme: ${P}\ntype: organisation\norganisation: org-a\nitems:\n${claimed.map((p) => `  - project: ${p}\n`).join('')}signed_on: "2020-04-20"\n`);
  write(repo, 'records/commitments/c-m-a1.yaml', `id: c-m-a1\nprogramme: ${P}\ntype: member\norganisation: org-a\nmember: m-a1\nitems:\n${[1, 2, 3, 4, 5, 6, 7].map((i) => `  - task: t-r${i}\n`).join('')}signed_on: "2020-04-28"\n`);
  git(repo, ['add', '-A']);
  git(repo, ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'race fixture']);
  return repo;
}

/** Validation errors (coverage rules — members without a task after the window — are about the campaign, not the race). */
function errors(repo: string): string[] {
  const problems = validateRepository(loadRepository(repo, { cache: false }), { today: TODAY });
  return problems.filter((p) => p.severity === 'error' && !COVERAGE_RULES.has(p.rule)).map((p) => `${p.file}:${p.line}:${p.col} ${p.rule} ${JSON.stringify(p.params)}`);
}

const dataOf = (repo: string) => loadRepository(repo, { cache: false }).records;

let repo: string;
let a: Writer;
let b: Writer;
const dirs: string[] = [];

beforeAll(async () => {
  repo = fixture();
  dirs.push(path.dirname(repo));
  expect(errors(repo)).toEqual([]);
  const dir = tempDir('djyc-race-');
  dirs.push(dir);
  const script = writerScript(dir);
  a = new Writer(script);
  b = new Writer(script);
  await Promise.all([a.ready(), b.ready()]);
}, 120_000);

afterAll(() => {
  a?.stop();
  b?.stop();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** Both writers at once; returns both outcomes. */
async function race(opA: string, argsA: Record<string, unknown>, opB: string, argsB: Record<string, unknown>): Promise<[Outcome, Outcome]> {
  return Promise.all([a.run(opA, { root: repo, ...argsA }), b.run(opB, { root: repo, ...argsB })]);
}

function expectOneWins(outcomes: Outcome[], refusal: RegExp): void {
  const won = outcomes.filter((o) => o.ok);
  const lost = outcomes.filter((o): o is Extract<Outcome, { ok: false }> => !o.ok);
  expect(won.length, JSON.stringify(outcomes)).toBe(1);
  expect(lost[0]!.exit).toBe(1);
  expect(lost[0]!.name).toBe('RefusedError');
  expect(lost[0]!.message).toMatch(refusal);
}

function expectBoth(outcomes: Outcome[]): void {
  expect(outcomes.every((o) => o.ok), JSON.stringify(outcomes)).toBe(true);
}

describe('20 rounds of two concurrent writers of each kind', () => {
  it('report: one report per subject and quarter — exactly one of two wins', async () => {
    const subjects = ['p-r1', 'p-r2', 'p-r3', 'p-r4', 'p-r5', 'p-r6', 'p-r7', 't-r1', 't-r2', 't-r3'];
    for (let i = 0; i < ROUNDS; i++) {
      const subject = subjects[i % subjects.length]!;
      const quarter = ['2020Q3', '2020Q4'][Math.floor(i / subjects.length)]!;
      const outcomes = await race('report', { subject, quarter, progress: `A 的进展 ${i}` }, 'report', { subject, quarter, progress: `B 的进展 ${i}` });
      expectOneWins(outcomes, /执行书已填报/);
      expect(errors(repo), `round ${i}`).toEqual([]);
      expect(dataOf(repo).filter((r) => r.kind === 'report' && (r.data as any).subject === subject && (r.data as any).quarter === quarter)).toHaveLength(1);
    }
  }, 300_000);

  it('advance --to approved: two projects get two numbers in order; one project is approved once', async () => {
    let v = 0;
    for (let i = 0; i < ROUNDS; i++) {
      const same = i % 2 === 1;
      const first = `p-v${++v}`;
      const second = same ? first : `p-v${++v}`;
      const outcomes = await race('advance', { id: first, to: 'approved' }, 'advance', { id: second, to: 'approved' });
      if (same) expectOneWins(outcomes, /不能将|已有项目编号|approved/);
      else {
        expectBoth(outcomes);
        const numbers = outcomes.map((o) => (o.ok ? o.result.number : ''));
        expect(new Set(numbers).size, JSON.stringify(numbers)).toBe(2);
      }
      expect(errors(repo), `round ${i}`).toEqual([]);
      const numbers = dataOf(repo).filter((r) => r.kind === 'project' && (r.data as any).number).map((r) => (r.data as any).number);
      expect(new Set(numbers).size).toBe(numbers.length);
    }
  }, 300_000);

  it('claim: two organisations, one project — one leads; one organisation, two projects — one commitment holds both', async () => {
    let c = 0;
    for (let i = 0; i < ROUNDS; i++) {
      if (i % 2 === 0) {
        const project = `p-c${++c}`;
        const outcomes = await race('claim', { project, org: 'org-a' }, 'claim', { project, org: 'org-b' });
        expectOneWins(outcomes, /已由 .* 领办/);
      } else {
        const [x, y] = [`p-c${++c}`, `p-c${++c}`];
        expectBoth(await race('claim', { project: x, org: 'org-b' }, 'claim', { project: y, org: 'org-b' }));
      }
      expect(errors(repo), `round ${i}`).toEqual([]);
      const commitments = dataOf(repo).filter((r) => r.kind === 'commitment' && (r.data as any).type === 'organisation' && (r.data as any).organisation === 'org-b');
      expect(commitments.length).toBeLessThanOrEqual(1);
      const leadsOfB = dataOf(repo).filter((r) => r.kind === 'project' && (r.data as any).lead === 'org-b').map((r) => r.id).sort();
      expect(((commitments[0]?.data as any)?.items ?? []).map((it: { project: string }) => it.project).sort()).toEqual(leadsOfB);
    }
  }, 300_000);

  it('task add: two tasks for one member on one project both apply, in order, on one commitment', async () => {
    for (let i = 1; i <= ROUNDS; i++) {
      const project = `p-t${i}`;
      expectBoth(await race('task', { project, members: ['m-a2'], content: `甲任务 ${i}` }, 'task', { project, members: ['m-a2'], content: `乙任务 ${i}` }));
      expect(errors(repo), `round ${i}`).toEqual([]);
      const records = dataOf(repo);
      const tasks = records.filter((r) => r.kind === 'task' && (r.data as any).members.includes('m-a2')).map((r) => r.id);
      expect(tasks).toHaveLength(2 * i);
      const commitments = records.filter((r) => r.kind === 'commitment' && (r.data as any).member === 'm-a2');
      expect(commitments).toHaveLength(1);
      expect(((commitments[0]!.data as any).items as { task: string }[]).map((x) => x.task).sort()).toEqual(tasks.sort());
      // Both history entries are on the project: neither edit was lost.
      const p = records.find((r) => r.id === project)!;
      expect(((p.data as any).history as { note?: string }[]).filter((h) => /认领任务/.test(h.note ?? ''))).toHaveLength(2);
    }
    expect(git(repo, ['status', '--porcelain'])).toBe('');
  }, 300_000);
});

describe('the same race through the CLI', () => {
  function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [BIN, ...args], { cwd: repo, env: { ...process.env, ...ENV } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    });
  }

  it('the loser is refused with exit 1 and one clear line, no stack trace', async () => {
    const cases: [string[], string[], RegExp][] = [
      [['report', 'p-r1', '--quarter', '2020Q2', '--progress', '甲'], ['report', 'p-r1', '--quarter', '2020Q2', '--progress', '乙'], /执行书已填报/],
      [['advance', 'p-v31', '--to', 'approved'], ['advance', 'p-v31', '--to', 'approved'], /不能将/],
      [['claim', 'p-c31', '--org', 'org-a'], ['claim', 'p-c31', '--org', 'org-b'], /已由/],
    ];
    for (const [x, y, refusal] of cases) {
      const results = await Promise.all([cli(x), cli(y)]);
      const codes = results.map((r) => r.code).sort();
      expect(codes, JSON.stringify(results)).toEqual([0, 1]);
      const loser = results.find((r) => r.code === 1)!;
      expect(loser.stderr).toMatch(refusal);
      expect(loser.stderr).toMatch(/^错误：/);
      expect(loser.stderr).not.toMatch(/\n\s+at |内部错误/);
      expect(errors(repo)).toEqual([]);
    }
  }, 120_000);
});
