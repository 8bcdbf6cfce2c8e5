#!/usr/bin/env node
// `npm run bench`: city-scale figures for `djyc validate`, printed as a Markdown table.
//
//   npm run bench                     (builds first; the city is generated once into .bench-cache/)
//   node scripts/bench/run.mjs [--scale 1] [--runs 3] [--keep-cache]
//
// Measures, on the same synthetic repository (scripts/bench/gen-city.mjs: ≈ 2,000 organisations, 40,000 members,
// 5,000 projects, 40,000 tasks, 12,000 commitments and reports — 99,000 files of ≈ 360 B):
// - ajv-cli (schema only, js-yaml) on every record file, one run per kind; its exit codes and the number of
//   "valid" lines are checked, so it really validated every file;
// - cold `djyc validate` (no cache: parse, schemas, references, programme rules, positions);
// - warm `djyc validate` (nothing changed: the content cache answers, cross-record checks still run);
// - a pull request changing 10 files (`djyc validate --changed main`, base checks included);
// - peak memory (max RSS) of each djyc run; `djyc --version` against `node -e 0`;
// - `djyc deadlines` and `djyc ledger` on the same repository.
// Targets: cold ≤ ajv-cli; warm and pull request ≤ ajv-cli / 5; peak < 500 MB; --version ≤ 3 × node -e 0.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync, execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const PKG = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(PKG, 'bin', 'djyc');
const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] && !process.argv[i + 1].startsWith('--') ? process.argv[i + 1] : def;
};
const SCALE = Number(arg('scale', 1));
const RUNS = Math.max(1, Number(arg('runs', 3)));
const TODAY = '2020-06-01';
const CACHE = path.join(PKG, '.bench-cache');
const CITY = path.join(CACHE, `city-v1-scale-${SCALE}`);
const REPO = path.join(CITY, 'repo');
const log = (s) => process.stderr.write(`[bench] ${s}\n`);

if (!fs.existsSync(path.join(PKG, 'dist', 'cli', 'main.js'))) {
  console.error('dist/ is missing: run `npm run bench` (or npx tsc -p tsconfig.json) first.');
  process.exit(2);
}

// ---- the city, generated once ----------------------------------------------------------------------------------
const READY = path.join(CITY, 'READY.json');
let info;
try {
  info = JSON.parse(fs.readFileSync(READY, 'utf8'));
} catch {
  fs.rmSync(CITY, { recursive: true, force: true });
  fs.mkdirSync(CITY, { recursive: true });
  log(`generating the city (scale ${SCALE}) into ${CITY} — once; later runs reuse it`);
  const { generateCity } = await import(pathToFileURL(path.join(PKG, 'scripts/bench/gen-city.mjs')).href);
  const t = performance.now();
  const { sample: _sample, ...rest } = await generateCity(REPO, { scale: SCALE, log });
  info = { ...rest, seconds: Math.round((performance.now() - t) / 100) / 10 };
  fs.writeFileSync(READY, JSON.stringify(info, null, 2));
}
// A previous interrupted run may have left the pull-request branch checked out.
const git = (args, opts = {}) => execFileSync('git', args, { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...opts });
const gitEnv = { ...process.env, GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'bench@localhost', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'bench@localhost' };
git(['checkout', '-q', '-f', 'main']);
try {
  git(['branch', '-q', '-D', 'bench-pr']);
} catch {
  /* none */
}
git(['clean', '-q', '-fd', '--', 'records']);

// ---- running things --------------------------------------------------------------------------------------------
const TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

const OUT = fs.mkdtempSync(path.join(os.tmpdir(), 'djyc-bench-'));
process.on('exit', () => fs.rmSync(OUT, { recursive: true, force: true }));

/**
 * Runs a command; wall seconds, exit code, output, peak RSS (MB, of the process tree's largest process). Output
 * goes to files, not pipes: a program that ends with process.exit() (ajv-cli does) loses piped output.
 */
function measure(cmd, args, { cwd = REPO, env = {} } = {}) {
  const fullEnv = { ...process.env, NO_COLOR: '1', CI: '1', DJYC_TODAY: TODAY, ...env };
  const argv = TIME ? [TIME, ['-f', '__RSS__%M', cmd, ...args]] : [cmd, args];
  const outFile = path.join(OUT, 'stdout');
  const errFile = path.join(OUT, 'stderr');
  const out = fs.openSync(outFile, 'w');
  const err = fs.openSync(errFile, 'w');
  const t = performance.now();
  const r = spawnSync(argv[0], argv[1], { cwd, env: fullEnv, stdio: ['ignore', out, err] });
  const seconds = (performance.now() - t) / 1000;
  fs.closeSync(out);
  fs.closeSync(err);
  r.stdout = fs.readFileSync(outFile, 'utf8');
  let stderr = fs.readFileSync(errFile, 'utf8');
  let rss;
  const m = /__RSS__(\d+)\s*$/.exec(stderr);
  if (m) {
    rss = Number(m[1]) / 1024;
    stderr = stderr.slice(0, m.index);
  }
  return { seconds, code: r.status, stdout: r.stdout ?? '', stderr, rss };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const djyc = (args, opts) => measure(process.execPath, [BIN, ...args], opts);
const fail = (what, r) => {
  console.error(`${what} failed (exit ${r.code}):\n${r.stdout.slice(0, 2000)}\n${r.stderr.slice(0, 2000)}`);
  process.exit(1);
};
const clearCache = () => fs.rmSync(path.join(REPO, '.git', 'djyc-cache'), { recursive: true, force: true });
const load = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');
const loadBefore = load();

// ---- djyc --version vs node -e 0 -------------------------------------------------------------------------------
log('startup: djyc --version vs node -e 0');
const nodeStart = median(Array.from({ length: 7 }, () => measure(process.execPath, ['-e', '0']).seconds));
const versionRuns = Array.from({ length: 7 }, () => djyc(['--version']));
if (versionRuns.some((r) => r.code !== 0)) fail('djyc --version', versionRuns[0]);
const version = median(versionRuns.map((r) => r.seconds));

// ---- ajv-cli on every record file --------------------------------------------------------------------------------
log('ajv-cli on every record file (one run per kind)');
const AJV = path.join(PKG, 'node_modules', 'ajv-cli', 'dist', 'index.js');
const KIND_DIRS = { programme: 'programmes', organisation: 'organisations', member: 'members', expert: 'experts', project: 'projects', task: 'tasks', commitment: 'commitments', report: 'reports', closure: 'closures', evaluation: 'evaluations', brand: 'brands', selection: 'selections' };
const ajvRuns = [];
for (let run = 0; run < RUNS; run++) {
  let seconds = 0;
  let checked = 0;
  let valid = 0;
  let rss = 0;
  for (const [kind, dir] of Object.entries(KIND_DIRS)) {
    const files = fs.readdirSync(path.join(REPO, 'records', dir)).filter((f) => f.endsWith('.yaml')).length;
    if (!files) continue;
    const r = measure(process.execPath, [AJV, 'validate', '-s', `schemas/${kind}.schema.json`, '-r', 'schemas/common.schema.json', '-d', `records/${dir}/*.yaml`, '--spec=draft7', '-c', 'ajv-formats', '--strict=false', '--all-errors']);
    const ok = (r.stdout.match(/ valid$/gm) ?? []).length;
    const bad = (r.stderr.match(/ invalid$/gm) ?? []).length;
    if (ok + bad !== files) fail(`ajv-cli on records/${dir} (${ok + bad} of ${files} files reported)`, r);
    if (r.code !== 0 || bad) fail(`ajv-cli on records/${dir} (${bad} invalid)`, r);
    seconds += r.seconds;
    checked += files;
    valid += ok;
    rss = Math.max(rss, r.rss ?? 0);
  }
  ajvRuns.push({ seconds, checked, valid, rss });
}
const ajv = median(ajvRuns.map((r) => r.seconds));
const ajvFiles = ajvRuns[0].checked;

// ---- djyc validate: cold, warm -----------------------------------------------------------------------------------
const expectClean = (what, r) => {
  if (r.code !== 0 || !/未发现问题|no problems/.test(r.stdout)) fail(what, r);
};
log('djyc validate, cold (no cache)');
const cold = [];
for (let run = 0; run < RUNS; run++) {
  clearCache();
  const r = djyc(['validate', '--today', TODAY], { env: { DJYC_STATS: '1' } });
  expectClean('cold djyc validate', r);
  cold.push(r);
}
log('djyc validate, warm (nothing changed)');
const warm = [];
djyc(['validate', '--today', TODAY]);
for (let run = 0; run < Math.max(RUNS, 5); run++) {
  const r = djyc(['validate', '--today', TODAY], { env: { DJYC_STATS: '1' } });
  expectClean('warm djyc validate', r);
  if (!/"analysed":0\b/.test(r.stderr)) fail('warm djyc validate (the cache did not answer)', r);
  warm.push(r);
}

// ---- a pull request that changes 10 files ------------------------------------------------------------------------
log('a pull request changing 10 files: djyc validate --changed main');
const pick = (dir, n, from) => fs.readdirSync(path.join(REPO, 'records', dir)).filter((f) => f.endsWith('.yaml')).sort().slice(from, from + n).map((f) => `records/${dir}/${f}`);
const pr = [];
for (let run = 0; run < RUNS; run++) {
  git(['checkout', '-q', '-B', 'bench-pr', 'main']);
  // Ten real edits (new contents each run, so the cache has never seen them): tasks, members, a project.
  const files = [...pick('tasks', 5, run * 5), ...pick('members', 4, run * 4), ...pick('projects', 1, run)];
  for (const f of files) {
    const abs = path.join(REPO, f);
    let text = fs.readFileSync(abs, 'utf8');
    if (f.includes('/tasks/')) text = text.replace(/^content: (.*)$/m, (_, c) => `content: ${c}（第 ${run + 1} 次修改）`);
    else if (f.includes('/members/')) text = text.replace(/^admin_title: .*$/m, `admin_title: 副科长${run + 1}`);
    else text = text.replace(/^goals: (.*)$/m, (_, c) => `goals: ${c}（修订 ${run + 1}）`);
    fs.writeFileSync(abs, text);
  }
  git(['commit', '-q', '-am', `bench: pull request ${run + 1}`], { env: gitEnv });
  const r = djyc(['validate', '--changed', 'main', '--today', TODAY], { env: { DJYC_STATS: '1' } });
  expectClean('djyc validate --changed main', r);
  pr.push(r);
  git(['checkout', '-q', '-f', 'main']);
  git(['branch', '-q', '-D', 'bench-pr']);
}

// ---- other commands on the same repository -----------------------------------------------------------------------
const others = [];
for (const [name, args] of [['deadlines', ['deadlines', '--today', TODAY, '--format', 'json']], ['ledger', ['ledger', '--today', TODAY, '--format', 'csv']]]) {
  const help = djyc([name, '--help']);
  if (help.code !== 0) {
    others.push({ name, note: `skipped: \`djyc ${name}\` is not available in this build` });
    continue;
  }
  log(`djyc ${name}`);
  djyc(args);
  const runs = Array.from({ length: RUNS }, () => djyc(args));
  if (runs.some((r) => r.code !== 0)) {
    others.push({ name, note: `failed: exit ${runs.find((r) => r.code !== 0).code}: ${runs.find((r) => r.code !== 0).stderr.trim().split('\n')[0]}` });
    continue;
  }
  others.push({ name, seconds: median(runs.map((r) => r.seconds)), rss: Math.max(...runs.map((r) => r.rss ?? 0)), bytes: runs[0].stdout.length });
}

// ---- the table ---------------------------------------------------------------------------------------------------
const s = (x) => `${x.toFixed(2)} s`;
const mb = (x) => (x ? `${Math.round(x)} MB` : '—');
const peak = (runs) => Math.max(...runs.map((r) => r.rss ?? 0));
const coldT = median(cold.map((r) => r.seconds));
const warmT = median(warm.map((r) => r.seconds));
const prT = median(pr.map((r) => r.seconds));
const mark = (ok) => (ok ? '✓' : '✗');
const rows = [
  ['ajv-cli 5, schemas only (js-yaml), every record file', s(ajv), mb(Math.max(...ajvRuns.map((r) => r.rss))), 'baseline', ''],
  ['`djyc validate`, cold (no cache)', s(coldT), mb(peak(cold)), `≤ ajv-cli (${s(ajv)})`, mark(coldT <= ajv)],
  ['`djyc validate`, warm (nothing changed)', s(warmT), mb(peak(warm)), `≤ ajv-cli / 5 (${s(ajv / 5)})`, mark(warmT <= ajv / 5)],
  ['pull request changing 10 files: `djyc validate --changed main`', s(prT), mb(peak(pr)), `≤ ajv-cli / 5 (${s(ajv / 5)})`, mark(prT <= ajv / 5)],
  ['peak memory of the djyc runs above', mb(Math.max(peak(cold), peak(warm), peak(pr))), '', '< 500 MB', mark(Math.max(peak(cold), peak(warm), peak(pr)) < 500)],
  ['`node -e 0`', s(nodeStart), '', '', ''],
  ['`djyc --version`', s(version), '', `≤ 3 × node -e 0 (${s(nodeStart * 3)})`, mark(version <= nodeStart * 3)],
  ...others.map((o) => (o.note ? [`\`djyc ${o.name}\``, o.note, '', '', ''] : [`\`djyc ${o.name}\` (${o.name === 'ledger' ? 'CSV' : 'JSON'}, ${Math.round(o.bytes / 1024)} KiB)`, s(o.seconds), mb(o.rss), '', ''])),
];
const cpu = os.cpus();
const lines = [
  `djyc ${JSON.parse(fs.readFileSync(path.join(PKG, 'package.json'), 'utf8')).version} — city-scale benchmark (${new Date().toISOString().slice(0, 10)})`,
  '',
  `Repository: ${info.files.toLocaleString('en')} record files, ${(info.bytes / 1e6).toFixed(1)} MB (mean ${Math.round(info.bytes / info.files)} B): ` +
    Object.entries(info.counts).map(([k, v]) => `${v.toLocaleString('en')} ${k}`).join(', ') + `; ajv-cli checked ${ajvFiles.toLocaleString('en')} files, all valid.`,
  `Machine: ${cpu.length} × ${cpu[0]?.model?.trim() ?? 'cpu'}, Node ${process.version}, ${os.platform()}; load average ${loadBefore} → ${load()}. Median of ${RUNS} runs (warm: ${warm.length}); files in the page cache.`,
  '',
  '| measurement | time | peak memory | target | |',
  '|---|---:|---:|---|:-:|',
  ...rows.map((r) => `| ${r.join(' | ')} |`),
];
process.stdout.write(`${lines.join('\n')}\n`);
if (process.argv.includes('--verbose')) {
  for (const [label, runs] of [['cold', cold], ['warm', warm], ['pr', pr]]) {
    for (const r of runs) process.stderr.write(`${label}: ${r.seconds.toFixed(2)} s ${mb(r.rss)} ${r.stderr.trim().split('\n').filter((l) => l.startsWith('djyc load')).join(' ')}\n`);
  }
}
