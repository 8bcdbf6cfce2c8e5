/**
 * Two writers never both win (issue 10, hole 5). Every check that decides a write — one report per subject and
 * quarter, the next project number, stage guards, claims, the member's one commitment — runs under the write lock on
 * the state read under it. 20 rounds each of `report`, `advance --to approved`, `claim` and `task add`, raced by two
 * real processes on the real lock: two long-lived writers, each with the built command functions loaded once
 * (a round costs two operations, not two Node start-ups); each round both get their operation, and once both hold it
 * both are told to go at the same moment. After every round exactly one wins (the other is refused: exit code 1,
 * RefusedError, a clear message) or both apply in order, and the repository validates. Each kind of race has a
 * repository and a pair of writers of its own, the repository holding only what that race needs (every operation
 * loads the whole repository); the four kinds run side by side, as an operation mostly waits for git and the disk.
 * Two of the races run once more through bin/djyc, for the loser's exit code and message (no stack trace).
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
import type { RecordEntry } from '../src/domain/records.js';

const TODAY = '2020-12-20';
const ENV = { DJYC_TODAY: TODAY, DJYC_LOCK_WAIT_MS: '60000', DJYC_USER: 'race', GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t', NO_COLOR: '1' };
const P = 'shuangling-2020';
const ROUNDS = 20;

type Outcome = { ok: true; result: Record<string, any> } | { ok: false; exit: number; name: string; message: string };

/** A process with djyc's write operations loaded (the built ones, as bin/djyc runs them): armed with one, it runs it on "go". */
class Writer {
  private child: ChildProcess;
  private next?: (m: unknown) => void;

  constructor(script: string) {
    this.child = fork(script, [], { env: { ...process.env, ...ENV }, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    this.child.on('message', (m) => {
      const next = this.next;
      this.next = undefined;
      next?.(m);
    });
  }

  private reply<T>(): Promise<T> {
    return new Promise((resolve) => (this.next = resolve as (m: unknown) => void));
  }

  ready(): Promise<void> {
    return this.reply<void>();
  }

  /** Hands over an operation; resolves once the writer holds it, ready to go. */
  arm(op: string, args: Record<string, unknown>): Promise<void> {
    const armed = this.reply<void>();
    this.child.send({ kind: 'arm', op, args });
    return armed;
  }

  /** Runs the armed operation; resolves with its outcome. */
  go(): Promise<Outcome> {
    const done = this.reply<Outcome>();
    this.child.send({ kind: 'go' });
    return done;
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
let armed;
process.on('message', async (m) => {
  if (m.kind === 'arm') {
    armed = m;
    process.send('armed');
    return;
  }
  const { op, args } = armed;
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
const APPROVED = [['proposed', '2020-03-10'], ['approved', '2020-04-10']] as [string, string][];

/** A 双领一创 2020 repository with the committee, two branches, three members, and what `body` adds; committed. */
function raceRepo(body: (project: (id: string, text: string) => void, write: (rel: string, text: string) => void) => void): string {
  const repo = initRepo('shuangling', 2020);
  dirs.push(path.dirname(repo));
  write(repo, 'records/organisations/org-gw.yaml', 'id: org-gw\nname: 区级机关工委\ntype: 机关工委\n');
  for (const o of ['a', 'b']) write(repo, `records/organisations/org-${o}.yaml`, `id: org-${o}\nname: ${o} 支部\ntype: 党支部\nparent: org-gw\n`);
  for (const m of ['a1', 'a2', 'b1']) write(repo, `records/members/m-${m}.yaml`, `id: m-${m}\nname: 党员${m}\norganisation: org-${m[0]}\n`);
  const project = (id: string, text: string) => write(repo, `records/projects/${id}.yaml`, `id: ${id}\nprogramme: ${P}\ntitle: 项目 ${id}\ncategories: [呼应群众普遍期待]\nsource: 自行申报\nproposed_by: org-a\n${text}`);
  body(project, (rel, text) => write(repo, rel, text));
  git(repo, ['add', '-A']);
  git(repo, ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'race fixture']);
  expect(state(repo).errors).toEqual([]);
  return repo;
}

/** The claimed projects of org-a and their commitment (claimed: task rounds; implementing with a task each: reports). */
function claimedRepo(claimed: number, implementing: number): string {
  return raceRepo((project, w) => {
    const ids: string[] = [];
    let n = 100;
    for (let i = 1; i <= claimed; i++) {
      ids.push(`p-t${i}`);
      project(`p-t${i}`, `number: "2020-${++n}"\nlead: org-a\nstage: claimed\napproval: { date: "2020-04-10", by: org-gw }\n${history(...APPROVED, ['claimed', '2020-04-20'])}`);
    }
    for (let i = 1; i <= implementing; i++) {
      ids.push(`p-r${i}`);
      project(`p-r${i}`, `number: "2020-${++n}"\nlead: org-a\nstart: "2020-05-01"\nstage: implementing\napproval: { date: "2020-04-10", by: org-gw }\n${history(...APPROVED, ['claimed', '2020-04-20'], ['published', '2020-05-05'], ['implementing', '2020-05-11'])}`);
      w(`records/tasks/t-r${i}.yaml`, `id: t-r${i}\nprogramme: ${P}\nproject: p-r${i}\nmembers: [m-a1]\ncontent: 任务 ${i}\nstage: implementing\n${history(['claimed', '2020-04-28'], ['implementing', '2020-05-11'])}`);
    }
    w('records/commitments/c-a.yaml', `id: c-a\nprogramme: ${P}\ntype: organisation\norganisation: org-a\nitems:\n${ids.map((p) => `  - project: ${p}\n`).join('')}signed_on: "2020-04-20"\n`);
    if (implementing) {
      const tasks = Array.from({ length: implementing }, (_, i) => `  - task: t-r${i + 1}\n`).join('');
      w('records/commitments/c-m-a1.yaml', `id: c-m-a1\nprogramme: ${P}\ntype: member\norganisation: org-a\nmember: m-a1\nitems:\n${tasks}signed_on: "2020-04-28"\n`);
    }
  });
}

/** The repository as read from disk: its records, and its errors (coverage rules — members without a task after
 * the window — are about the campaign, not the race). */
function state(repo: string): { records: RecordEntry[]; errors: string[] } {
  const loaded = loadRepository(repo, { cache: false });
  const errors = validateRepository(loaded, { today: TODAY })
    .filter((p) => p.severity === 'error' && !COVERAGE_RULES.has(p.rule))
    .map((p) => `${p.file}:${p.line}:${p.col} ${p.rule} ${JSON.stringify(p.params)}`);
  return { records: loaded.records, errors };
}

const data = (r: RecordEntry) => r.data as Record<string, any>;

const dirs: string[] = [];
const writers: Writer[] = [];
let script: string;

beforeAll(() => {
  const dir = tempDir('djyc-race-');
  dirs.push(dir);
  script = writerScript(dir);
});

afterAll(() => {
  for (const w of writers) w.stop();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

type Race = (opA: string, argsA: Record<string, unknown>, opB: string, argsB: Record<string, unknown>) => Promise<Outcome[]>;

/** Two writers for one kind of race on one repository; a race arms both, then tells both to go. */
async function pair(root: string): Promise<Race> {
  const [a, b] = [new Writer(script), new Writer(script)];
  writers.push(a, b);
  await Promise.all([a.ready(), b.ready()]);
  return async (opA, argsA, opB, argsB) => {
    await Promise.all([a.arm(opA, { root, ...argsA }), b.arm(opB, { root, ...argsB })]);
    return Promise.all([a.go(), b.go()]);
  };
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

/** The repository after a round: it validates; returns its records for the round's own checks. */
function afterRound(repo: string, round: number): RecordEntry[] {
  const s = state(repo);
  expect(s.errors, `round ${round}`).toEqual([]);
  return s.records;
}

let reportRepo: string;
let advanceRepo: string;

describe('20 rounds of two concurrent writers of each kind', () => {
  it.concurrent('report: one report per subject and quarter — exactly one of two wins', async () => {
    const repo = (reportRepo = claimedRepo(0, 7));
    const race = await pair(repo);
    const subjects = ['p-r1', 'p-r2', 'p-r3', 'p-r4', 'p-r5', 'p-r6', 'p-r7', 't-r1', 't-r2', 't-r3'];
    for (let i = 0; i < ROUNDS; i++) {
      const subject = subjects[i % subjects.length]!;
      const quarter = ['2020Q3', '2020Q4'][Math.floor(i / subjects.length)]!;
      expectOneWins(await race('report', { subject, quarter, progress: `A 的进展 ${i}` }, 'report', { subject, quarter, progress: `B 的进展 ${i}` }), /执行书已填报/);
      const records = afterRound(repo, i);
      expect(records.filter((r) => r.kind === 'report' && data(r).subject === subject && data(r).quarter === quarter)).toHaveLength(1);
    }
  });

  it.concurrent('advance --to approved: two projects get two numbers in order; one project is approved once', async () => {
    const repo = (advanceRepo = raceRepo((project) => {
      for (let i = 1; i <= 31; i++) project(`p-v${i}`, `stage: proposed\n${history(['proposed', '2020-03-10'])}`);
    }));
    const race = await pair(repo);
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
      const numbers = afterRound(repo, i).filter((r) => r.kind === 'project' && data(r).number).map((r) => data(r).number);
      expect(new Set(numbers).size).toBe(numbers.length);
    }
  });

  it.concurrent('claim: two organisations, one project — one leads; one organisation, two projects — one commitment holds both', async () => {
    const repo = raceRepo((project) => {
      let n = 100;
      for (let i = 1; i <= 30; i++) project(`p-c${i}`, `number: "2020-${++n}"\nstage: approved\napproval: { date: "2020-04-10", by: org-gw }\n${history(...APPROVED)}`);
    });
    const race = await pair(repo);
    let c = 0;
    for (let i = 0; i < ROUNDS; i++) {
      if (i % 2 === 0) {
        const project = `p-c${++c}`;
        expectOneWins(await race('claim', { project, org: 'org-a' }, 'claim', { project, org: 'org-b' }), /已由 .* 领办/);
      } else {
        const [x, y] = [`p-c${++c}`, `p-c${++c}`];
        expectBoth(await race('claim', { project: x, org: 'org-b' }, 'claim', { project: y, org: 'org-b' }));
      }
      const records = afterRound(repo, i);
      const commitments = records.filter((r) => r.kind === 'commitment' && data(r).type === 'organisation' && data(r).organisation === 'org-b');
      expect(commitments.length).toBeLessThanOrEqual(1);
      const leadsOfB = records.filter((r) => r.kind === 'project' && data(r).lead === 'org-b').map((r) => r.id).sort();
      const items = (commitments[0] ? data(commitments[0]).items : []) as { project: string }[];
      expect(items.map((it) => it.project).sort()).toEqual(leadsOfB);
    }
  });

  it.concurrent('task add: two tasks for one member on one project both apply, in order, on one commitment', async () => {
    const repo = claimedRepo(ROUNDS, 0);
    const race = await pair(repo);
    for (let i = 1; i <= ROUNDS; i++) {
      const project = `p-t${i}`;
      expectBoth(await race('task', { project, members: ['m-a2'], content: `甲任务 ${i}` }, 'task', { project, members: ['m-a2'], content: `乙任务 ${i}` }));
      const records = afterRound(repo, i);
      const tasks = records.filter((r) => r.kind === 'task' && data(r).members.includes('m-a2')).map((r) => r.id);
      expect(tasks).toHaveLength(2 * i);
      const commitments = records.filter((r) => r.kind === 'commitment' && data(r).member === 'm-a2');
      expect(commitments).toHaveLength(1);
      expect((data(commitments[0]!).items as { task: string }[]).map((x) => x.task).sort()).toEqual(tasks.sort());
      // Both history entries are on the project: neither edit was lost.
      const p = records.find((r) => r.id === project)!;
      expect((data(p).history as { note?: string }[]).filter((h) => /认领任务/.test(h.note ?? ''))).toHaveLength(2);
    }
    expect(git(repo, ['status', '--porcelain'])).toBe('');
  });
});

describe('the same race through the CLI', () => {
  function cli(cwd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, ...ENV } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    });
  }

  it('the loser is refused with exit 1 and one clear line, no stack trace', async () => {
    const cases: [string, string[], string[], RegExp][] = [
      [reportRepo, ['report', 'p-r1', '--quarter', '2020Q2', '--progress', '甲'], ['report', 'p-r1', '--quarter', '2020Q2', '--progress', '乙'], /执行书已填报/],
      [advanceRepo, ['advance', 'p-v31', '--to', 'approved'], ['advance', 'p-v31', '--to', 'approved'], /不能将/],
    ];
    for (const [repo, x, y, refusal] of cases) {
      expect(repo, 'the rounds above made the repositories').toBeDefined();
      const results = await Promise.all([cli(repo, x), cli(repo, y)]);
      const codes = results.map((r) => r.code).sort();
      expect(codes, JSON.stringify(results)).toEqual([0, 1]);
      const loser = results.find((r) => r.code === 1)!;
      expect(loser.stderr).toMatch(refusal);
      expect(loser.stderr).toMatch(/^错误：/);
      expect(loser.stderr).not.toMatch(/\n\s+at |内部错误/);
      expect(state(repo).errors).toEqual([]);
    }
  });
});
