#!/usr/bin/env node
// Lopsided repositories: where a lookup by search instead of by key makes a command quadratic. The cities of
// run.mjs spread 111,000 files evenly and show none of these; an office's own data may be shaped otherwise.
//
//   node scripts/bench/shapes.mjs [--scale 1] [--only chain,branch,tasks,holder,dupes,approvals,wide,ranked,history] [--keep DIR]
//
// Each shape is built twice, at n and 2n, on a copy of a `djyc demo` repository (双领一创, Huishan 2020), one commit:
//   chain      n organisations, each the parent of the next (a tree n levels deep)             n = 1,500
//   branch     one 党支部 of n members                                                        n = 10,000
//   tasks      one project of n member tasks, a commitment and two quarterly reports each     n = 2,500
//   holder     one member holding n tasks of one project (with their commitments, reports)    n = 2,500
//   dupes      n projects that share one project number (validate reports each)               n = 1,000
//   approvals  n proposed projects of one organisation, approved at once (each gets a number) n = 1,000
//   wide       one task claimed by all n members of a branch, a commitment of each naming it  n = 2,500
//   ranked     one selection (十佳 list) of n organisations, each entry ranked                 n = 2,500
//   history    one project whose history has n entries (years of notes)                       n = 2,500
// With --keep DIR, the demo and every shape's repositories stay in DIR (to run a command on them again).
// Then each command runs once per size (cache cleared before the cold validate): wall time, CPU time (user+sys)
// and peak RSS, and the growth from n to 2n by CPU time. A command whose work follows the records grows ≈ 2× (less,
// with start-up); ≈ 4× is quadratic and marked ✗ (over 3×).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { measure, CPU_METHOD } from './measure.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PKG = path.resolve(HERE, '../..');
const BIN = path.join(PKG, 'bin', 'djyc');
const argv = process.argv.slice(2);
const arg = (name, def) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] && !argv[i + 1].startsWith('--') ? argv[i + 1] : def;
};
const SCALE = Number(arg('scale', 1));
const ONLY = arg('only', 'chain,branch,tasks,holder,dupes,approvals,wide,ranked,history').split(',');
const TODAY = '2020-12-20';
const log = (s) => process.stderr.write(`[shapes ${new Date().toTimeString().slice(0, 8)}] ${s}\n`);
if (!fs.existsSync(path.join(PKG, 'dist', 'cli', 'main.js'))) {
  console.error('dist/ is missing: run `npm run build` first.');
  process.exit(2);
}

const pad = (i) => String(i).padStart(5, '0');
const HEAD = (kind) => `# yaml-language-server: $schema=../../schemas/${kind}.schema.json\n`;
function writer(repo) {
  return (dir, id, body) => fs.writeFileSync(path.join(repo, 'records', dir, `${id}.yaml`), `${HEAD(dir.replace(/s$/, ''))}id: ${id}\n${body}`);
}

/** A project in implementing led by `org`, its organisation commitment, and `n` tasks of `holders` members. */
function project(w, org, n, holders) {
  w('organisations', org, `name: 中共${org}支部委员会\ntype: 党支部\nunit: ${org}单位\nparent: org-hs-gongwei\nsecretary: m-${org}-00000\n`);
  for (let i = 0; i < holders; i++) w('members', `m-${org}-${pad(i)}`, `name: 党员${org}${i}\norganisation: ${org}\n`);
  const p = `p-2020-${org}`;
  w('projects', p, `programme: shuangling-2020\nnumber: 2020-099\ntitle: ${org}的大项目\ncategories:\n  - 服务高质量发展任务\nsource: 自行申报\nproposed_by: ${org}\nlead: ${org}\nleader: m-${org}-00000\ncontact: m-${org}-00000\nreason: 原因\ngoals: 目标\ncontent: 内容\nmeasures: 措施\nstart: 2020-05-01\ndue: 2020-11-15\napproval:\n  date: 2020-04-10\n  by: org-hs-gongwei\nstage: implementing\nhistory:\n  - stage: proposed\n    date: 2020-03-20\n    by: m-${org}-00000\n  - stage: approved\n    from: proposed\n    date: 2020-04-10\n    by: 工委\n  - stage: claimed\n    from: approved\n    date: 2020-04-20\n    by: 书记\n  - stage: published\n    from: claimed\n    date: 2020-05-06\n    by: 工委\n  - stage: implementing\n    from: published\n    date: 2020-05-11\n    by: 书记\n`);
  w('commitments', `c-2020-${org}`, `programme: shuangling-2020\ntype: organisation\norganisation: ${org}\nitems:\n  - text: 承诺\ncomplete_by: 2020-11-15\nsigned_on: 2020-04-25\n`);
  const quarters = [['2020Q2', '2020-07-05'], ['2020Q3', '2020-10-05']];
  for (const [q, d] of quarters) w('reports', `r-2020-${org}-p-${q.slice(4).toLowerCase()}`, `programme: shuangling-2020\nsubject: ${p}\nquarter: ${q}\nprogress: 进展\nresponsible: m-${org}-00000\nsubmitted_on: ${d}\n`);
  for (let i = 0; i < n; i++) {
    const m = `m-${org}-${pad(i % holders)}`;
    const t = `t-2020-${org}-${pad(i)}`;
    w('tasks', t, `programme: shuangling-2020\nproject: ${p}\nmembers:\n  - ${m}\ncontent: 任务内容${i}\ndue: 2020-10-31\nstage: implementing\nhistory:\n  - stage: claimed\n    date: 2020-04-28\n    by: 党员\n  - stage: implementing\n    from: claimed\n    date: 2020-05-11\n    by: 党员\n`);
    w('commitments', `c-2020-${org}-${pad(i)}`, `programme: shuangling-2020\ntype: member\norganisation: ${org}\nmember: ${m}\nposition: 职务\nitems:\n  - task: ${t}\n    text: 任务内容${i}\ncomplete_by: 2020-10-31\nsigned_on: 2020-04-28\n`);
    for (const [q, d] of quarters) w('reports', `r-2020-${org}-${pad(i)}-${q.slice(4).toLowerCase()}`, `programme: shuangling-2020\nsubject: ${t}\nquarter: ${q}\nprogress: 进展\nresponsible: ${m}\nsubmitted_on: ${d}\n`);
  }
  return p;
}

const SHAPES = {
  chain: {
    n: 1500,
    build(w, n) {
      for (let i = 0; i < n; i++) w('organisations', `org-ch-${pad(i)}`, `name: 链式党组织${i}\ntype: ${i % 2 ? '党支部' : '党总支'}\nunit: 链单位${i}\nparent: ${i === 0 ? 'org-hs-gongwei' : `org-ch-${pad(i - 1)}`}\n`);
      return { org: 'org-hs-gongwei', subject: 'org-ch-00000' };
    },
  },
  branch: {
    n: 10000,
    build(w, n) {
      w('organisations', 'org-big', `name: 中共大支部委员会\ntype: 党支部\nunit: 大单位\nparent: org-hs-gongwei\nsecretary: m-big-00000\n`);
      for (let i = 0; i < n; i++) w('members', `m-big-${pad(i)}`, `name: 党员${i}\norganisation: org-big\n`);
      return { org: 'org-big', subject: 'org-big' };
    },
  },
  tasks: {
    n: 2500,
    build: (w, n) => ({ org: 'org-tk', subject: project(w, 'org-tk', n, 200) }),
  },
  holder: {
    n: 2500,
    build: (w, n) => ({ org: 'org-one', subject: project(w, 'org-one', n, 1), member: 'm-org-one-00000' }),
  },
  dupes: {
    n: 1000,
    build(w, n) {
      for (let i = 0; i < n; i++) w('projects', `p-2020-dup-${pad(i)}`, `programme: shuangling-2020\nnumber: 2020-999\ntitle: 重号项目${i}\ncategories:\n  - 服务高质量发展任务\nsource: 自行申报\nproposed_by: org-hs-jiaoyu\nstage: proposed\nhistory:\n  - stage: proposed\n    date: 2020-03-20\n    by: m-hs-li-min\n`);
      return { org: 'org-hs-jiaoyu', subject: 'p-2020-dup-00000' };
    },
  },
  wide: {
    n: 2500,
    build(w, n) {
      const p = project(w, 'org-wd', 0, n);
      const t = 't-2020-org-wd-all';
      const members = Array.from({ length: n }, (_, i) => `  - m-org-wd-${pad(i)}\n`).join('');
      w('tasks', t, `programme: shuangling-2020\nproject: ${p}\nmembers:\n${members}content: 全体党员的任务\ndue: 2020-10-31\nstage: implementing\nhistory:\n  - stage: claimed\n    date: 2020-04-28\n    by: 党员\n  - stage: implementing\n    from: claimed\n    date: 2020-05-11\n    by: 党员\n`);
      for (let i = 0; i < n; i++) w('commitments', `c-2020-org-wd-${pad(i)}`, `programme: shuangling-2020\ntype: member\norganisation: org-wd\nmember: m-org-wd-${pad(i)}\nposition: 职务\nitems:\n  - task: ${t}\n    text: 全体党员的任务\ncomplete_by: 2020-10-31\nsigned_on: 2020-04-28\n`);
      for (const [q, d] of [['q2', '2020-07-05'], ['q3', '2020-10-05']]) w('reports', `r-2020-org-wd-all-${q}`, `programme: shuangling-2020\nsubject: ${t}\nquarter: 2020${q.toUpperCase()}\nprogress: 进展\nresponsible: m-org-wd-00000\nsubmitted_on: ${d}\n`);
      return { org: 'org-wd', subject: t };
    },
  },
  ranked: {
    n: 2500,
    build(w, n) {
      for (let i = 0; i < n; i++) w('organisations', `org-rk-${pad(i)}`, `name: 评选党组织${i}\ntype: 党支部\nunit: 评选单位${i}\nparent: org-hs-gongwei\n`);
      const entries = Array.from({ length: n }, (_, i) => `  - subject: org-rk-${pad(i)}\n    rank: ${i + 1}\n    reason: 经评审确定\n`).join('');
      w('selections', 'sel-2020-all', `programme: shuangling-2020\naward: top-ten-organisations\ntitle: 评选\ndecided_on: 2021-01-22\ndecision:\n  by: 区委区级机关工委\nentries:\n${entries}`);
      return { org: 'org-hs-gongwei', subject: 'sel-2020-all' };
    },
  },
  history: {
    n: 2500,
    build(w, n) {
      const notes = Array.from({ length: n }, (_, i) => `  - stage: proposed\n    date: 2020-03-20\n    by: m-hs-li-min\n    note: 第${i}次补充说明\n`).join('');
      w('projects', 'p-2020-long', `programme: shuangling-2020\ntitle: 历史很长的项目\ncategories:\n  - 服务高质量发展任务\nsource: 自行申报\nproposed_by: org-hs-jiaoyu\nstage: proposed\nhistory:\n  - stage: proposed\n    date: 2020-03-20\n    by: m-hs-li-min\n${notes}`);
      return { org: 'org-hs-jiaoyu', subject: 'p-2020-long' };
    },
  },
  approvals: {
    n: 1000,
    build(w, n) {
      for (let i = 0; i < n; i++) w('projects', `p-2020-new-${pad(i)}`, `programme: shuangling-2020\ntitle: 新项目${i}\ncategories:\n  - 服务高质量发展任务\nsource: 自行申报\nproposed_by: org-hs-jiaoyu\nstage: proposed\nhistory:\n  - stage: proposed\n    date: 2020-03-20\n    by: m-hs-li-min\n`);
      return { org: 'org-hs-jiaoyu', subject: 'p-2020-new-00000' };
    },
  },
};

const COMMANDS = (s) => [
  ['validate (cold)', ['validate', '--today', TODAY], { cold: true }],
  ['validate (warm)', ['validate', '--today', TODAY]],
  ['deadlines --format json', ['deadlines', '--format', 'json', '--today', TODAY]],
  ['ledger --format csv', ['ledger', '--format', 'csv', '--today', TODAY]],
  ['status', ['status', '--today', TODAY]],
  ['todo', ['todo', '--today', TODAY]],
  ['find', ['find', '党员']],
  [`show`, ['show', s.member ?? s.subject, '--today', TODAY]],
  ['advance --org --dry-run', ['advance', '--org', s.org, '--dry-run']],
  ['publish', ['publish', '-o', '{scratch}/site', '--today', TODAY]],
  ['render --format html', ['render', s.subject, '--format', 'html', '-o', '{scratch}/html', '--today', TODAY]],
];

const work = arg('keep') ? path.resolve(arg('keep')) : fs.mkdtempSync(path.join(os.tmpdir(), 'djyc-shapes-'));
fs.mkdirSync(work, { recursive: true });
const scratch = fs.mkdtempSync(path.join(work, 'scratch-'));
log(`demo repository (djyc demo --no-pdf) in ${work}`);
execFileSync(process.execPath, [BIN, 'demo', '--no-pdf', '-o', path.join(work, 'demo')], { stdio: 'ignore' });
const GIT = ['-c', 'user.name=bench', '-c', 'user.email=bench@example.com', '-c', 'gc.auto=0'];

const rows = [];
for (const name of ONLY) {
  const shape = SHAPES[name];
  if (!shape) {
    console.error(`unknown shape "${name}" (known: ${Object.keys(SHAPES).join(', ')})`);
    process.exit(2);
  }
  const results = [];
  for (const n of [shape.n * SCALE, 2 * shape.n * SCALE]) {
    const repo = path.join(work, `${name}-${n}`);
    fs.rmSync(repo, { recursive: true, force: true });
    fs.cpSync(path.join(work, 'demo', 'repo'), repo, { recursive: true });
    const s = shape.build(writer(repo), n);
    execFileSync('git', [...GIT, 'add', '-A'], { cwd: repo });
    execFileSync('git', [...GIT, 'commit', '-qm', `${name} ${n}`], { cwd: repo });
    const cache = path.join(scratch, `cache-${name}-${n}`);
    const byCommand = new Map();
    for (const [label, args, opts] of COMMANDS(s)) {
      if (opts?.cold) fs.rmSync(cache, { recursive: true, force: true });
      const out = fs.mkdtempSync(path.join(scratch, 'out-'));
      const r = await measure(process.execPath, [BIN, ...args.map((a) => a.replace('{scratch}', out))], { cwd: repo, scratch, env: { DJYC_CACHE_DIR: cache } });
      fs.rmSync(out, { recursive: true, force: true });
      // Exit 1 is an answer here (problems found, a move refused); 2 and above are failures.
      if (r.code > 1) log(`${name} ${n}: ${label} exited ${r.code}: ${r.stderr.trim().split('\n').slice(-2).join(' | ')}`);
      byCommand.set(label, r);
      log(`${name} ${n}: ${label} ${r.wall.toFixed(2)} s, ${r.cpu.toFixed(2)} s CPU, ${Math.round(r.rss)} MB`);
    }
    results.push({ n, byCommand });
    if (!arg('keep')) fs.rmSync(repo, { recursive: true, force: true });
  }
  const [a, b] = results;
  for (const [label, small] of a.byCommand) {
    const big = b.byCommand.get(label);
    rows.push({ shape: name, label, a: a.n, b: b.n, small, big, growth: big.cpu / small.cpu });
  }
}
fs.rmSync(scratch, { recursive: true, force: true });
if (!arg('keep')) fs.rmSync(work, { recursive: true, force: true });

const f = (r) => `${r.wall.toFixed(2)} s / ${r.cpu.toFixed(2)} s / ${Math.round(r.rss)} MB`;
console.log(`Lopsided repositories (${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}; CPU: ${CPU_METHOD}). Wall / CPU / peak RSS at n and 2n; growth = CPU(2n) / CPU(n), ✗ over 3×.\n`);
console.log('| shape | command | n | at n | at 2n | growth |');
console.log('|---|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.shape} | ${r.label} | ${r.a.toLocaleString('en')} | ${f(r.small)} | ${f(r.big)} | ${r.growth.toFixed(2)}× ${r.growth > 3 ? '✗' : '✓'} |`);
process.exitCode = rows.some((r) => r.growth > 3) ? 1 : 0;
