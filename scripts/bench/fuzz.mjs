#!/usr/bin/env node
// How long bad input takes (the speed half of test/property.test.ts, which checks only that the result is right):
// - 1,500 records with random byte edits (insertions, deletions, replacements, 200-byte repetitions), each
//   analysed and validated in a repository of valid records: the slowest one and all of them;
// - an alias bomb (ten levels of nine aliases) and a 2 MiB file: how long the parser takes to refuse them;
// - `djyc validate` (a real process, Chinese and English) on a repository holding 40 mutated records.
// Prints wall time, CPU (user+sys) and peak RSS; exits 1 when a target is missed:
// one record ≤ 2 s, the 1,500 ≤ 60 s, the bomb ≤ 2 s, each CLI run ≤ 60 s.
//
//   npx tsc -p tsconfig.json && node scripts/bench/fuzz.mjs [--runs 1500] [--seed 42]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const PKG = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(PKG, 'bin', 'djyc');
const dist = (p) => pathToFileURL(path.join(PKG, 'dist', p)).href;
const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : def;
};
const RUNS = Number(arg('runs', 1500));
let seed = Number(arg('seed', 42)) >>> 0;

let records, kinds, parallel, yaml, validate;
try {
  records = await import(dist('store/records.js'));
  kinds = await import(dist('domain/kinds.js'));
  parallel = await import(dist('store/parallel.js'));
  yaml = await import(dist('store/yaml.js'));
  validate = await import(dist('store/validate.js'));
} catch (err) {
  console.error(`dist/ is missing or stale: build first (npx tsc -p tsconfig.json).\n${err.message}`);
  process.exit(2);
}

/** A small seeded generator (mulberry32): the same edits on every run. */
function random() {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const int = (n) => Math.floor(random() * n);

const SAMPLES = [
  ['organisation', { id: 'org-a', name: '中共某区教育局机关支部委员会', short_name: '教育局支部', type: '党支部', parent: 'org-top', secretary: 'm-1' }],
  ['member', { id: 'm-1', name: '张三', organisation: 'org-a', admin_title: '科长', party_title: '支部书记', phone: '13800138000', exemptions: [{ programme: 'shuangling-2020', reason: '长期病假' }] }],
  ['project', { id: 'p-1', programme: 'shuangling-2020', number: '2020-001', title: '“红色课堂”进社区', categories: ['呼应群众普遍期待'], source: '自行申报', lead: 'org-a', leader: 'm-1', team: [{ member: 'm-2', role: '组员' }], goals: '第一行\n第二行\n', start: '2020-05-01', due: '2020-11-30', stage: 'implementing', history: [{ stage: 'proposed', date: '2020-03-05', by: '张三' }, { stage: 'implementing', from: 'proposed', date: '2020-05-11' }] }],
  ['task', { id: 't-1', programme: 'shuangling-2020', project: 'p-1', members: ['m-1', 'm-2'], content: '走访困难党员 #3 户：每月一次', due: '2020-10-31', stage: 'claimed' }],
  ['report', { id: 'r-1', programme: 'shuangling-2020', subject: 'p-1', quarter: '2020Q3', progress: '完成 80%，见附件', responsible: 'm-1' }],
  ['evaluation', { id: 'ev-1', programme: 'shuangling-2020', subject: 'p-1', stars: { overall: 4 }, bonus_points: 12.5, poll: { participants: 20, votes: { 好: 15, 较好: 5 } } }],
].map(([kind, data]) => [kind, records.serializeRecord(kind, data)]);

/** One to four random byte edits, as test/property.test.ts makes them. */
function mutateBytes(text) {
  let bytes = Buffer.from(text);
  for (let n = 1 + int(4); n > 0; n--) {
    const at = int(bytes.length + 1);
    const chunk = Buffer.from(Array.from({ length: 1 + int(4) }, () => int(256)));
    const op = int(4);
    if (op === 0) bytes = Buffer.concat([bytes.subarray(0, at), chunk, bytes.subarray(at)]);
    else if (op === 1) bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + chunk.length)]);
    else if (op === 2) bytes = Buffer.concat([bytes.subarray(0, at), chunk, bytes.subarray(at + chunk.length)]);
    else bytes = Buffer.concat([bytes.subarray(0, at), Buffer.alloc(200, chunk[0]), bytes.subarray(at)]);
  }
  return bytes;
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'djyc-bench-fuzz-'));
function validateWith(kind, bytes) {
  const file = `records/${kinds.KIND_DIRS[kind]}/${kind}-x.yaml`;
  const result = parallel.analyseBytes(kind, file, bytes, new Map());
  if (!result.ok) return;
  const recs = SAMPLES.filter(([k]) => k !== kind).map(([k, text]) => ({ kind: k, id: `${k}-s`, file: `records/${kinds.KIND_DIRS[k]}/${k}-s.yaml`, data: yaml.parseRecordText('x', text).parsed.data, text }));
  recs.push({ kind, id: `${kind}-x`, file, data: result.data, text: Buffer.from(bytes).toString('utf8') });
  validate.validateRepository({ root: tmp, config: { djyc: 1 }, records: recs, loadProblems: [], unparsed: [] }, { today: '2020-06-01', only: new Set([file]) });
}

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
/** Peak RSS of this process so far. */
const peak = () => process.resourceUsage().maxRSS * 1024;
const rows = [];
const misses = [];
const row = (what, wall, cpuSeconds, rssBytes, target, ok) => {
  rows.push(`| ${what} | ${wall.toFixed(2)} s | ${cpuSeconds.toFixed(2)} s | ${(rssBytes / 2 ** 20).toFixed(0)} MB | ${target} | ${ok ? 'ok' : 'MISSED'} |`);
  if (!ok) misses.push(what);
};

// 1. Random byte edits, in process.
{
  const w0 = performance.now();
  const c0 = cpu();
  let slowest = 0;
  for (let i = 0; i < RUNS; i++) {
    const [kind, text] = SAMPLES[int(SAMPLES.length)];
    const bytes = mutateBytes(text);
    const t = performance.now();
    validateWith(kind, bytes);
    slowest = Math.max(slowest, (performance.now() - t) / 1000);
  }
  const wall = (performance.now() - w0) / 1000;
  row(`${RUNS} mutated records (in process)`, wall, cpu() - c0, peak(), '≤ 60 s', wall <= 60);
  row('the slowest of them', slowest, slowest, peak(), '≤ 2 s', slowest <= 2);
}

// 2. The alias bomb and a huge input.
{
  const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 9 }, (_, i) => {
    const [p, q] = [String.fromCharCode(97 + i), String.fromCharCode(98 + i)];
    return `${q}: &${q} [${Array(9).fill(`*${p}`).join(',')}]`;
  })].join('\n');
  let w0 = performance.now();
  let c0 = cpu();
  const r = yaml.parseRecordBytes('bomb.yaml', Buffer.from(`id: m-1\n${bomb}\n`));
  let wall = (performance.now() - w0) / 1000;
  row('alias bomb refused', wall, cpu() - c0, peak(), '≤ 2 s', !r.ok && wall <= 2);
  w0 = performance.now();
  c0 = cpu();
  const big = yaml.parseRecordBytes('big.yaml', Buffer.alloc(2 * 1024 * 1024, 0x61));
  wall = (performance.now() - w0) / 1000;
  row('2 MiB file refused', wall, cpu() - c0, peak(), '≤ 2 s', !big.ok && wall <= 2);
}

// 3. The CLI on a repository of mutated records (a real process each, measured by /usr/bin/time when present).
{
  const repo = path.join(tmp, 'repo');
  const init = spawnSync(process.execPath, [BIN, 'init', repo, '--programme', 'shuangling', '--year', '2020'], { encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'b@b', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'b@b' } });
  if (init.status !== 0) throw new Error(`init failed: ${init.stderr}`);
  for (let i = 0; i < 40; i++) {
    const [kind, text] = SAMPLES[int(SAMPLES.length)];
    fs.writeFileSync(path.join(repo, 'records', kinds.KIND_DIRS[kind], `${kind}-${i}.yaml`), mutateBytes(text));
  }
  const timeBin = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
  for (const lang of ['zh', 'en']) {
    const args = [BIN, 'validate', '--lang', lang, '--today', '2020-06-01'];
    const stats = path.join(tmp, 'time.txt');
    const w0 = performance.now();
    const r = timeBin
      ? spawnSync(timeBin, ['-o', stats, '-f', '%U %S %M', process.execPath, ...args], { cwd: repo, encoding: 'utf8' })
      : spawnSync(process.execPath, args, { cwd: repo, encoding: 'utf8' });
    const wall = (performance.now() - w0) / 1000;
    const [u, s, kb] = timeBin ? fs.readFileSync(stats, 'utf8').trim().split('\n').pop().split(/\s+/).map(Number) : [NaN, NaN, NaN];
    row(`djyc validate --lang ${lang}, 40 mutated records`, wall, u + s, kb * 1024, '≤ 60 s', r.status === 1 && wall <= 60);
  }
}

fs.rmSync(tmp, { recursive: true, force: true });
console.log(`| bad input (${os.availableParallelism()} cores, node ${process.version}) | wall | CPU | peak RSS | target | |\n|---|---|---|---|---|---|\n${rows.join('\n')}`);
if (misses.length) {
  console.error(`missed: ${misses.join('; ')}`);
  process.exit(1);
}
