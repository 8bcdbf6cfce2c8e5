#!/usr/bin/env node
// `npm run bench`: djyc against ajv-cli on two city-scale repositories, interleaved, with wall time, CPU time of the
// whole process tree and peak memory; the targets of issue 18 marked ✓/✗. Prints one Markdown table, both cities
// side by side.
//
//   npm run bench                                   (builds first; cities are generated once into .bench-cache/)
//   node scripts/bench/run.mjs [--profile city,offices] [--rounds 3] [--skip forms,batch,planted] [--fast]
//                              [--scale 1] [--json FILE] [--verbose]
//
// Cities (profiles):
//   city     the project's own (scripts/bench/gen-city.mjs): 99,000 files of ≈ 360 B written by djyc's serializer,
//            dates quoted, a flat tree (2,000 branches under one 机关工委), today 2020-06-01;
//   offices  written like offices write (scripts/bench/gen-offices.mjs): 111,000 files, ≈ 57 MB, projects ≈ 2.5 KB
//            of prose in block scalars, comments, varied key order and quoting, unquoted dates, CRLF files, a
//            三级 tree (党委 → 党总支 → 党支部), one commitment per member task, reports for every project and
//            task, closures and evaluations for part of them, today 2020-12-20.
// Each round, on each city, runs in turn (the order alternates between rounds, ajv-cli between djyc runs):
//   ajv-cli 5 (schema only, every record file, one process per kind, YAML 1.2 through scripts/bench/ajv-yaml12.cjs;
//   its "valid" lines must equal the file count), cold `djyc validate` (cache removed), warm `djyc validate`
//   (nothing changed), `djyc validate --changed main` on a branch changing 10 files, `djyc deadlines --format
//   json` and `djyc ledger --format csv` (each run twice: the second answer, from the memo, must print the same;
//   its time is informational), `djyc status`, `djyc todo`, `djyc find` and `djyc show <project>` (informational); `node -e 0`,
//   `djyc --version`, `djyc --help`; a cold Chromium printing a
//   blank page (scripts/bench/blank-pdf.mjs), one paragraph of Chinese through djyc's PDF engine
//   (scripts/bench/chinese-pdf.mjs, informational) and one record's form (`djyc render <id> --form apply -o x.pdf`);
//   a batch of ≥ 1,000 forms (`djyc render --org <党委> -o dir`, offices city). Then 20 planted errors in a copy of
//   the offices city: `djyc validate` must report each one with its file, line and column.
// --skip takes: validate (ajv-cli and the validate, deadlines, ledger and lookup runs), forms (blank page, Chinese paragraph, one form),
// batch, planted, startup; --fast = --skip forms,batch,planted. `--skip validate,planted` measures start-up and forms.
//
// A repository this project did not generate (an office's own, or a city someone else wrote):
//   node scripts/bench/run.mjs --repo DIR [--today YYYY-MM-DD] [--form-record ID:FORM] [--batch-org ORG]
// measures the same rows on a clone of DIR's committed state (DIR itself is never touched; its current branch becomes
// the clone's `main`). Problems in its records are allowed there: ajv-cli's and djyc's runs must only finish (ajv-cli's
// "valid" count is printed beside the file count). The pull request edits the same fields as on the cities where the
// records have them, else adds a comment line; the one-form, find and show rows need --form-record, the batch row --batch-org; the
// planted errors are skipped when the repository lacks a kind they need. --repo alone measures only that repository
// (add --profile to measure cities too). scripts/bench/restyle.mjs makes such a repository out of a city.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { measure, backgroundGit, CPU_METHOD } from './measure.mjs';
import { configureRepo, GIT_ENV } from './gen-offices.mjs';
import { plantErrors, parseStylish, checkPlants } from './plant.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PKG = path.resolve(HERE, '../..');
const BIN = path.join(PKG, 'bin', 'djyc');
const AJV = path.join(PKG, 'node_modules', 'ajv-cli', 'dist', 'index.js');
const CACHE = path.join(PKG, '.bench-cache');
const log = (s) => process.stderr.write(`[bench ${new Date().toTimeString().slice(0, 8)}] ${s}\n`);

const argv = process.argv.slice(2);
const arg = (name, def) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] && !argv[i + 1].startsWith('--') ? argv[i + 1] : def;
};
const EXTERNAL = arg('repo');
const PROFILES = arg('profile', EXTERNAL ? '' : 'city,offices').split(',').filter(Boolean);
const ROUNDS = Math.max(1, Number(arg('rounds', 3)));
const SCALE = Number(arg('scale', 1));
const SKIP = new Set([...arg('skip', '').split(','), ...(argv.includes('--fast') ? ['forms', 'batch', 'planted'] : [])].filter(Boolean));
const VERBOSE = argv.includes('--verbose');
const JSON_OUT = arg('json', path.join(CACHE, 'last-run.json'));
for (const p of PROFILES) {
  if (!['city', 'offices'].includes(p)) {
    console.error(`unknown profile "${p}" (known: city, offices)`);
    process.exit(2);
  }
}
if (!fs.existsSync(path.join(PKG, 'dist', 'cli', 'main.js'))) {
  console.error('dist/ is missing: run `npm run bench` (or npx tsc -p tsconfig.json) first.');
  process.exit(2);
}

// ---- the cities, generated once per generator version ----------------------------------------------------------
const GENERATORS = {
  city: { module: 'gen-city.mjs', fn: 'generateCity', label: "project's city" },
  offices: { module: 'gen-offices.mjs', fn: 'generateOffices', label: 'offices city' },
};
async function ensureCity(profile) {
  const mod = await import(pathToFileURL(path.join(HERE, GENERATORS[profile].module)).href);
  const dir = path.join(CACHE, `${profile}-v${mod.GENERATOR_VERSION}-scale-${SCALE}`);
  const repo = path.join(dir, 'repo');
  const ready = path.join(dir, 'READY.json');
  let info;
  try {
    info = JSON.parse(fs.readFileSync(ready, 'utf8'));
  } catch {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    log(`${profile}: generating (scale ${SCALE}, generator v${mod.GENERATOR_VERSION}) into ${path.relative(PKG, dir)} — once; later runs reuse it`);
    const t = performance.now();
    const { sample: _sample, ...rest } = await mod[GENERATORS[profile].fn](repo, { scale: SCALE, log: (s) => log(`${profile}: ${s}`) });
    info = { ...rest, seconds: Math.round((performance.now() - t) / 100) / 10 };
    fs.writeFileSync(ready, JSON.stringify(info, null, 2));
  }
  configureRepo(repo);
  return { profile, repo, info, today: info.today ?? mod.TODAY };
}

/**
 * A repository we did not generate: cloned (its committed state) into the cache folder, so that the runs may branch,
 * edit and commit in it. Counts and bytes as the generators report them.
 */
function ensureExternal(dir) {
  // `npm run bench` runs in the package's folder: a relative path is the caller's (npm's INIT_CWD).
  const src = path.resolve(process.env.INIT_CWD ?? process.cwd(), dir);
  if (!fs.existsSync(path.join(src, 'records')) || !fs.existsSync(path.join(src, 'djyc.yaml'))) {
    console.error(`--repo ${dir}: not a djyc records repository (no djyc.yaml and records/)`);
    process.exit(2);
  }
  const [formId, form] = (arg('form-record') ?? '').split(':');
  if (arg('form-record') && !(formId && form)) {
    console.error('--form-record takes ID:FORM (a record id and one of its forms, e.g. p-2021-001:apply)');
    process.exit(2);
  }
  const batchOrg = arg('batch-org');
  // djyc's own default: the date in China.
  const today = arg('today', new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date()));
  if (!/^\d{4}-\d{2}-\d{2}$/.test(today)) {
    console.error(`--today takes YYYY-MM-DD, not "${today}"`);
    process.exit(2);
  }
  const repo = path.join(CACHE, 'external', 'repo');
  rmTree(path.dirname(repo));
  fs.mkdirSync(path.dirname(repo), { recursive: true });
  log(`${path.basename(src)}: cloning its committed state into ${path.relative(PKG, repo)}`);
  try {
    execFileSync('git', ['clone', '-q', src, repo], { stdio: ['ignore', 'ignore', 'pipe'] });
    execFileSync('git', ['checkout', '-q', '-B', 'main'], { cwd: repo, stdio: 'ignore' });
  } catch (e) {
    console.error(`--repo ${dir}: git clone failed: ${String(e.stderr ?? e.message).trim()}`);
    process.exit(2);
  }
  configureRepo(repo);
  const counts = {};
  let files = 0;
  let bytes = 0;
  for (const d of fs.readdirSync(path.join(repo, 'records'), { withFileTypes: true })) {
    if (!d.isDirectory()) continue;
    const names = yamlFiles({ repo }, d.name);
    if (!names.length) continue;
    counts[d.name] = names.length;
    files += names.length;
    for (const f of names) bytes += fs.statSync(path.join(repo, 'records', d.name, f)).size;
  }
  const info = { files, bytes, counts, ...(formId && form ? { formRecord: { id: formId, form } } : {}), ...(batchOrg ? { batchOrg: { id: batchOrg } } : {}) };
  return { profile: path.basename(src), external: true, source: src, repo, info, today };
}

// ---- helpers --------------------------------------------------------------------------------------------------
const SCRATCH = fs.mkdtempSync(path.join(os.tmpdir(), 'djyc-bench-'));
process.on('exit', () => fs.rmSync(SCRATCH, { recursive: true, force: true }));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));
const ENV = { NO_COLOR: '1', CI: '1', FORCE_COLOR: '0' };
const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return NaN;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const loadavg = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');
const fail = (what, r) => {
  console.error(`${what} failed (exit ${r.code}):\n${r.stdout.slice(0, 2000)}\n${r.stderr.slice(0, 2000)}`);
  process.exit(1);
};

const backgroundSeen = [];
/** Before each measured run: no git gc / maintenance of ours may be running (we disable them; this checks). */
async function quietGit(c) {
  let found = backgroundGit(c.repo);
  if (!found.length) return;
  backgroundSeen.push(...found);
  log(`${c.profile}: background git in the repository, waiting for it: ${found.join('; ')}`);
  const until = Date.now() + 300_000;
  while (found.length && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 500));
    found = backgroundGit(c.repo);
  }
}

async function run(c, label, cmd, args, opts = {}) {
  await quietGit(c);
  const r = await measure(cmd, args, { cwd: c.repo, env: { ...ENV, ...opts.env }, scratch: SCRATCH, withPss: opts.withPss });
  if (r.lingered.length) log(`${c.profile}: ${label}: processes outlived the command by ${r.lingerSeconds} s: ${r.lingered.join(', ')}`);
  if (VERBOSE) log(`${c.profile}: ${label}: wall ${r.wall.toFixed(2)} s, cpu ${r.cpu.toFixed(2)} s, rss ${Math.round(r.rss)} MB, exit ${r.code}`);
  (c.runs[label] ??= []).push(r);
  return r;
}
const djyc = (c, label, args, opts) => run(c, label, process.execPath, [BIN, ...args], opts);

const git = (c, args) => execFileSync('git', args, { cwd: c.repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...GIT_ENV } });
function resetRepo(c) {
  git(c, ['checkout', '-q', '-f', 'main']);
  try {
    git(c, ['branch', '-q', '-D', 'bench-pr']);
  } catch {
    // none
  }
  git(c, ['clean', '-q', '-fd', '--', 'records']);
}
/** Removes djyc's caches from the repository (cold run). */
function clearCache(c) {
  const gitDir = path.join(c.repo, '.git');
  for (const e of fs.readdirSync(gitDir)) if (e.startsWith('djyc')) fs.rmSync(path.join(gitDir, e), { recursive: true, force: true });
}
/** rm -rf: Node's rmSync takes minutes over 111,000 files on a busy machine. */
const rmTree = (dir) => execFileSync('rm', ['-rf', '--', dir]);
const clean = (r) => r.code === 0 && /未发现问题|no problems/.test(r.stdout);
/** A validate that did its job: on the cities, nothing to report; on a repository we did not generate, problems are allowed (exit 1). */
const finished = (c, r) => (c.external ? r.code === 0 || r.code === 1 : clean(r));

// ---- the runs -------------------------------------------------------------------------------------------------
/** The record files of a kind folder, sorted; none when the folder is missing (a repository we did not generate may lack one). */
const yamlFiles = (c, dir) => (fs.existsSync(path.join(c.repo, 'records', dir)) ? fs.readdirSync(path.join(c.repo, 'records', dir)).filter((f) => f.endsWith('.yaml')).sort() : []);
const KIND_DIRS = { programme: 'programmes', organisation: 'organisations', member: 'members', expert: 'experts', project: 'projects', task: 'tasks', commitment: 'commitments', report: 'reports', closure: 'closures', evaluation: 'evaluations', brand: 'brands', selection: 'selections' };

/** ajv-cli on every record file, one process per kind; the "valid" lines must cover every file. */
async function ajvRun(c) {
  await quietGit(c);
  const total = { wall: 0, cpu: 0, rss: 0, files: 0, valid: 0 };
  for (const [kind, dir] of Object.entries(KIND_DIRS)) {
    const files = yamlFiles(c, dir).length;
    if (!files) continue;
    const r = await measure(process.execPath, [AJV, 'validate', '-s', `schemas/${kind}.schema.json`, '-r', 'schemas/common.schema.json', '-d', `records/${dir}/*.yaml`, '--spec=draft7', '-c', 'ajv-formats', '-c', path.join(HERE, 'ajv-yaml12.cjs'), '--strict=false', '--all-errors'], { cwd: c.repo, env: ENV, scratch: SCRATCH });
    const ok = (r.stdout.match(/ valid$/gm) ?? []).length;
    const bad = (r.stderr.match(/ invalid$/gm) ?? []).length;
    if (c.external ? r.code > 1 || ok + bad !== files : r.code !== 0 || bad || ok !== files) fail(`ajv-cli on ${c.profile} records/${dir} (${ok} valid, ${bad} invalid, of ${files} files)`, r);
    total.wall += r.wall;
    total.cpu += r.cpu;
    total.rss = Math.max(total.rss, r.rss);
    total.files += files;
    total.valid += ok;
  }
  if (VERBOSE) log(`${c.profile}: ajv-cli: wall ${total.wall.toFixed(2)} s, cpu ${total.cpu.toFixed(2)} s, ${total.valid}/${total.files} valid`);
  (c.runs.ajv ??= []).push(total);
  c.ajvValid = total;
  return total;
}

async function cold(c) {
  clearCache(c);
  const r = await djyc(c, 'cold', ['validate', '--today', c.today], { env: { DJYC_STATS: '1' } });
  if (!finished(c, r)) fail(`${c.profile}: cold djyc validate`, r);
}
async function warm(c) {
  const r = await djyc(c, 'warm', ['validate', '--today', c.today], { env: { DJYC_STATS: '1' } });
  if (!finished(c, r)) fail(`${c.profile}: warm djyc validate`, r);
  // Informational: the cache should have answered (djyc's own statistics line, when it prints one).
  const m = /"analysed":(\d+)/.exec(r.stderr);
  if (m) (c.warmAnalysed ??= []).push(Number(m[1]));
}

/** A pull request: 10 files edited on a branch (new contents every round), `validate --changed main`. */
async function changed(c, round) {
  git(c, ['checkout', '-q', '-B', 'bench-pr', 'main']);
  const edits = [];
  const editSome = (dir, count, edit) => {
    const files = yamlFiles(c, dir);
    for (let k = 0; edits.filter((e) => e.dir === dir).length < count && k < files.length; k++) {
      const rel = `records/${dir}/${files[(round * 997 + k * 131) % files.length]}`;
      if (edits.some((e) => e.rel === rel)) continue;
      const abs = path.join(c.repo, rel);
      const before = fs.readFileSync(abs, 'utf8');
      const after = edit(before);
      if (after === before) continue;
      fs.writeFileSync(abs, after);
      edits.push({ dir, rel });
    }
  };
  const day = (n) => String(n).padStart(2, '0');
  // Real edits of data (not comments): tasks' and a project's due dates, members' titles.
  editSome('tasks', 5, (t) => t.replace(/^(due: ["']?)\d{4}-\d{2}-\d{2}/m, `$1${c.today.slice(0, 4)}-10-${day(10 + round)}`));
  editSome('members', 4, (t) => t.replace(/^admin_title: [^\r\n]*/m, `admin_title: 副科长（第${round + 1}次调整）`));
  editSome('projects', 1, (t) => t.replace(/^(due: ["']?)\d{4}-\d{2}-\d{2}/m, `$1${c.today.slice(0, 4)}-11-${day(20 + round)}`));
  // A repository we did not generate may not have those fields: a comment line makes up the count (the file changes).
  if (c.external) for (const dir of Object.keys(c.info.counts).filter((d) => d !== 'programmes')) editSome(dir, 10 - edits.length + edits.filter((e) => e.dir === dir).length, (t) => `${t}${t.endsWith('\n') ? '' : '\n'}# bench: pull request ${round + 1}\n`);
  if (edits.length !== 10) throw new Error(`${c.profile}: could only edit ${edits.length} files for the pull request`);
  git(c, ['commit', '-q', '-am', `bench: pull request ${round + 1}`]);
  try {
    const r = await djyc(c, 'changed', ['validate', '--changed', 'main', '--today', c.today], { env: { DJYC_STATS: '1' } });
    if (!finished(c, r)) fail(`${c.profile}: djyc validate --changed main`, r);
  } finally {
    resetRepo(c);
  }
}

/**
 * A report, then the same report again (informational: answered from its memo, which must print the same). djyc
 * keeps a memo only for folders that had settled (none modified in the last 2 s, see djyc's memo.ts): a report run
 * right after the pull-request step's checkout waits for that first, unmeasured, as a person at a terminal would.
 */
async function report(c, label, args) {
  const records = path.join(c.repo, 'records');
  const newest = Math.max(...fs.readdirSync(records).map((d) => fs.statSync(path.join(records, d)).mtimeMs));
  const wait = newest + 2500 - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  const r = await djyc(c, label, args);
  if (r.code !== 0) fail(`${c.profile}: djyc ${args.join(' ')}`, r);
  const again = await djyc(c, `${label}Again`, args);
  if (again.code !== 0 || again.stdout !== r.stdout) fail(`${c.profile}: djyc ${args.join(' ')} run again printed something else`, again);
  return Buffer.byteLength(r.stdout);
}
async function deadlines(c) {
  c.deadlinesBytes = await report(c, 'deadlines', ['deadlines', '--today', c.today, '--format', 'json']);
}
async function ledger(c) {
  c.ledgerBytes = await report(c, 'ledger', ['ledger', '--today', c.today, '--format', 'csv']);
}
/**
 * Lookups an office runs every day, on the whole city (informational: no target of issue 18, but a lookup that grows
 * with the square of the records shows here: todo took 347 s on the offices city before its lookups were indexed).
 */
async function lookups(c) {
  const id = c.info.formRecord?.id;
  // find: a part of the sample project's id, which every record of its year shares (thousands of matches).
  for (const [label, args] of [['status', ['status', '--today', c.today]], ['todo', ['todo', '--today', c.today]], ...(id ? [['find', ['find', id.slice(0, 6)]], ['show', ['show', id, '--today', c.today]]] : [])]) {
    const r = await djyc(c, label, args);
    if (r.code !== 0) fail(`${c.profile}: djyc ${args.join(' ')}`, r);
  }
}
async function startup(c) {
  for (let k = 0; k < 3; k++) {
    const n = await run(c, 'node', process.execPath, ['-e', '0']);
    const v = await djyc(c, 'version', ['--version']);
    const h = await djyc(c, 'help', ['--help']);
    const ch = await djyc(c, 'cmdhelp', ['validate', '--help']);
    if (n.code !== 0 || v.code !== 0 || h.code !== 0 || ch.code !== 0) fail(`${c.profile}: startup`, [n, v, h, ch].find((x) => x.code !== 0));
  }
}
async function blank(c) {
  const out = path.join(SCRATCH, 'blank.pdf');
  const r = await run(c, 'blank', process.execPath, [path.join(HERE, 'blank-pdf.mjs'), out], { withPss: true });
  if (r.code !== 0 || !fs.readFileSync(out).subarray(0, 5).equals(Buffer.from('%PDF-'))) fail(`${c.profile}: blank page in Chromium`, r);
  fs.rmSync(out, { force: true });
}
async function chinese(c) {
  const out = path.join(SCRATCH, 'chinese.pdf');
  const r = await run(c, 'chinese', process.execPath, [path.join(HERE, 'chinese-pdf.mjs'), out], { withPss: true });
  if (r.code !== 0 || !fs.readFileSync(out).subarray(0, 5).equals(Buffer.from('%PDF-'))) fail(`${c.profile}: one paragraph of Chinese in Chromium`, r);
  fs.rmSync(out, { force: true });
}
async function oneForm(c) {
  if (!c.info.formRecord) return;
  const out = path.join(SCRATCH, 'form.pdf');
  const { id, form } = c.info.formRecord;
  const r = await djyc(c, 'form', ['render', id, '--form', form, '-o', out, '--today', c.today], { withPss: true });
  if (r.code !== 0 || !fs.existsSync(out) || !fs.readFileSync(out).subarray(0, 5).equals(Buffer.from('%PDF-'))) fail(`${c.profile}: djyc render ${id} --form ${form}`, r);
  fs.rmSync(out, { force: true });
}
async function batch(c) {
  const dir = path.join(SCRATCH, 'batch');
  fs.rmSync(dir, { recursive: true, force: true });
  const r = await djyc(c, 'batch', ['render', '--org', c.info.batchOrg.id, '-o', dir, '--today', c.today, '--json'], { withPss: true });
  let report;
  try {
    report = JSON.parse(r.stdout);
  } catch {
    fail(`${c.profile}: djyc render --org ${c.info.batchOrg.id} (no JSON result)`, r);
  }
  const pdfs = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.pdf')).length : 0;
  const failed = report.outputs.filter((o) => !o.ok).length;
  if (r.code !== 0 || failed || pdfs !== report.outputs.length) fail(`${c.profile}: batch of forms (${pdfs} PDFs, ${failed} failed)`, r);
  (c.batch ??= []).push({ forms: pdfs, own: report.forms_per_second });
  fs.rmSync(dir, { recursive: true, force: true });
}

/** 20 planted errors in a copy of the city: each reported with file, line and column? */
async function planted(c) {
  const copy = path.join(CACHE, `planted-${c.profile}`);
  rmTree(copy);
  log(`${c.profile}: copying the city to plant 20 errors`);
  execFileSync('git', ['clone', '-q', c.repo, copy], { stdio: 'ignore' });
  try {
    configureRepo(copy);
    let plants;
    try {
      plants = plantErrors(copy);
    } catch (e) {
      // A repository we did not generate may lack a kind of record an error is planted in.
      log(`${c.profile}: planted errors skipped: ${e.message}`);
      return;
    }
    const g = (args) => execFileSync('git', args, { cwd: copy, stdio: 'ignore', env: { ...process.env, ...GIT_ENV } });
    g(['checkout', '-q', '-b', 'planted']);
    g(['add', '-A', 'records']);
    g(['commit', '-q', '-m', 'bench: 20 planted errors']);
    const pc = { profile: c.profile, repo: copy, runs: {} };
    const full = await djyc(pc, 'planted', ['validate', '--today', c.today, '--format', 'stylish']);
    const pr = await djyc(pc, 'planted-changed', ['validate', '--changed', 'main', '--today', c.today, '--format', 'stylish']);
    const result = (r) => ({ run: r, code: r.code, ...checkPlants(plants, parseStylish(r.stdout)) });
    c.planted = { plants, full: result(full), changed: result(pr) };
  } finally {
    rmTree(copy);
  }
}

// ---- main -----------------------------------------------------------------------------------------------------
const cities = [];
for (const p of PROFILES) cities.push({ ...(await ensureCity(p)), runs: {} });
if (EXTERNAL) cities.push({ ...ensureExternal(EXTERNAL), runs: {} });
if (!cities.length) {
  console.error('nothing to measure: give --profile and/or --repo');
  process.exit(2);
}
const machine = `${os.cpus().length} × ${os.cpus()[0]?.model?.trim() ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
log(`machine: ${machine}; load average ${loadavg()}; CPU time: ${CPU_METHOD}`);

for (const c of cities) {
  resetRepo(c);
  c.loadStart = loadavg();
  c.started = new Date().toISOString();
  log(`${c.profile}: ${c.info.files.toLocaleString('en')} files; ${ROUNDS} rounds; load average ${c.loadStart}`);
  const orders = [
    [ajvRun, cold, warm, changed, deadlines, ledger, lookups],
    [cold, warm, ajvRun, ledger, changed, deadlines, lookups],
  ];
  if (SKIP.has('validate')) {
    // The forms read the repository through djyc's cache, as they would after any validate: fill it first, unmeasured
    // (a new build of djyc starts from an empty cache).
    log(`${c.profile}: filling djyc's cache (validate, not measured)`);
    // spawnSync: problems in the city (exit 1) are no reason to stop here.
    spawnSync(process.execPath, [BIN, 'validate', '--today', c.today, '--format', 'json'], { cwd: c.repo, stdio: 'ignore', env: { ...process.env, ...ENV } });
  }
  for (let round = 0; round < ROUNDS; round++) {
    log(`${c.profile}: round ${round + 1}/${ROUNDS} (load ${loadavg()})`);
    (c.roundLoads ??= []).push(os.loadavg()[0].toFixed(1));
    if (!SKIP.has('validate')) for (const step of orders[round % 2]) await step(c, round);
    if (!SKIP.has('startup')) await startup(c);
    if (!SKIP.has('forms')) {
      if (round % 2) {
        await oneForm(c);
        await chinese(c);
        await blank(c);
      } else {
        await blank(c);
        await chinese(c);
        await oneForm(c);
      }
    }
    if (!SKIP.has('batch') && c.info.batchOrg) await batch(c);
  }
  c.loadEnd = loadavg();
  if (!SKIP.has('planted') && (c.profile === 'offices' || c.external)) await planted(c);
}

// ---- the table ------------------------------------------------------------------------------------------------
const s = (x) => (Number.isFinite(x) ? `${x < 10 ? x.toFixed(2) : x.toFixed(1)} s` : '—');
const mb = (x) => (Number.isFinite(x) && x > 0 ? `${Math.round(x)} MB` : '—');
const ratio = (x) => (Number.isFinite(x) ? `${x.toFixed(2)}×` : '—');
const mark = (ok) => (ok === undefined ? '' : ok ? '✓' : '✗');
const stat = (c, label) => {
  const runs = c.runs[label];
  if (!runs?.length) return undefined;
  return { wall: median(runs.map((r) => r.wall)), cpu: median(runs.map((r) => r.cpu)), rss: Math.max(...runs.map((r) => r.rss)), pss: Math.max(...runs.map((r) => r.pss ?? 0)), n: runs.length };
};

/** Rows: label, target text, per city a function giving { cells, ok }. */
function cityCells(c) {
  const ajv = stat(c, 'ajv');
  const warmS = stat(c, 'warm');
  const nodeS = stat(c, 'node');
  const blankS = stat(c, 'blank');
  // An informational row: its wall time beside warm validate's.
  const beside = (label) => row(label, () => undefined, { ratio: warmS && stat(c, label) ? `${ratio(stat(c, label).wall / warmS.wall)} warm validate` : '—' });
  const vsNode = (label) => (nodeS && stat(c, label) ? `${ratio(stat(c, label).wall / nodeS.wall)} / ${ratio(stat(c, label).cpu / nodeS.cpu)} node` : '—');
  const vsBlank = (label) => (blankS && stat(c, label) ? `${ratio(stat(c, label).wall / blankS.wall)} / ${ratio(stat(c, label).cpu / blankS.cpu)} blank` : '—');
  const vsAjv = (x) => (x && ajv ? `${ratio(x.wall / ajv.wall)} / ${ratio(x.cpu / ajv.cpu)}` : '—');
  const base = (x) => (x ? [s(x.wall), s(x.cpu), mb(x.rss)] : ['—', '—', '—']);
  const row = (label, checks = () => undefined, extra = {}) => {
    const x = stat(c, label);
    const ok = x ? checks(x) : undefined;
    return { cells: [...base(x), extra.ratio ?? vsAjv(x)], ok };
  };
  const all = (...xs) => (xs.some((v) => v === undefined) ? undefined : xs.every(Boolean));
  const out = {
    ajv: { cells: [...base(ajv), '1.00× / 1.00×'] },
    cold: row('cold', (x) => all(x.cpu <= ajv.cpu, x.wall <= ajv.wall, x.rss < 500)),
    warm: row('warm', (x) => all(x.wall <= 0.2 * ajv.wall, x.rss < 500)),
    changed: row('changed', (x) => all(x.wall <= 0.2 * ajv.wall, x.rss < 500)),
    deadlines: row('deadlines', (x) => all(warmS && x.wall <= 1.5 * warmS.wall)),
    ledger: row('ledger', (x) => all(warmS && x.wall <= 1.5 * warmS.wall)),
    deadlinesAgain: beside('deadlinesAgain'),
    ledgerAgain: beside('ledgerAgain'),
    status: beside('status'),
    todo: beside('todo'),
    find: beside('find'),
    show: beside('show'),
    node: row('node'),
    version: row('version', (x) => all(nodeS && x.wall <= 3 * nodeS.wall), { ratio: vsNode('version') }),
    help: row('help', (x) => all(nodeS && x.wall <= 3 * nodeS.wall), { ratio: vsNode('help') }),
    cmdhelp: row('cmdhelp', (x) => all(nodeS && x.wall <= 3 * nodeS.wall), { ratio: vsNode('cmdhelp') }),
    blank: { cells: [...base(blankS), blankS ? `PSS ${mb(blankS.pss)}` : '—'] },
    chinese: row('chinese', () => undefined, { ratio: vsBlank('chinese') }),
    form: row('form', (x) => all(blankS && x.wall <= 1.2 * blankS.wall), {
      ratio: blankS && stat(c, 'form') ? `${vsBlank('form')}; ${ratio(stat(c, 'form').wall / (stat(c, 'chinese')?.wall ?? NaN))} Chinese paragraph; PSS ${mb(stat(c, 'form').pss)}` : '—',
    }),
  };
  const b = stat(c, 'batch');
  if (b && c.batch?.length) {
    const forms = c.batch[0].forms;
    const rate = forms / b.wall;
    out.batch = { cells: [s(b.wall), s(b.cpu), mb(b.rss), `${forms} forms: ${rate.toFixed(1)}/s (djyc's own count ${median(c.batch.map((x) => x.own)).toFixed(1)}/s); PSS ${mb(b.pss)}`], ok: forms >= 1000 ? rate >= 100 : undefined };
  } else {
    out.batch = { cells: ['—', '—', '—', c.info.batchOrg ? 'skipped' : c.external ? 'no --batch-org' : 'no 党委 of ≥ 1,000 forms (flat tree)'] };
  }
  if (c.planted) {
    const p = c.planted;
    out.planted = { cells: [s(p.full.run.wall), s(p.full.run.cpu), mb(p.full.run.rss), `${p.full.found}/${p.plants.length} found (--changed: ${p.changed.found}/${p.plants.length})`], ok: p.full.found === p.plants.length };
  } else {
    out.planted = { cells: ['—', '—', '—', c.profile === 'offices' || c.external ? 'skipped' : '—'] };
  }
  return out;
}

const ROWS = [
  ['ajv', 'ajv-cli 5, schema only (js-yaml, YAML 1.2 plugin), every file', 'baseline'],
  ['cold', '`djyc validate`, cold (no cache)', 'CPU ≤ 1.0× ajv, wall ≤ 1.0×, RSS < 500 MB'],
  ['warm', '`djyc validate`, warm (nothing changed)', 'wall ≤ 0.2× ajv, RSS < 500 MB'],
  ['changed', '`djyc validate --changed main`, 10 files changed on a branch', 'wall ≤ 0.2× ajv, RSS < 500 MB'],
  ['deadlines', '`djyc deadlines --format json`', '≤ 1.5× warm validate'],
  ['ledger', '`djyc ledger --format csv`', '≤ 1.5× warm validate'],
  ['deadlinesAgain', 'the same `deadlines` again, nothing changed (its memo; informational)', ''],
  ['ledgerAgain', 'the same `ledger` again, nothing changed (its memo; informational)', ''],
  ['status', '`djyc status` (the dashboard; informational)', ''],
  ['todo', '`djyc todo` (every project, task and brand; informational)', ''],
  ['find', '`djyc find p-2020` (thousands of matches; informational)', ''],
  ['show', '`djyc show <project>` (informational)', ''],
  ['node', '`node -e 0`', ''],
  ['version', '`djyc --version`', '≤ 3× node -e 0'],
  ['help', '`djyc --help`', '≤ 3× node -e 0'],
  ['cmdhelp', '`djyc validate --help`', '≤ 3× node -e 0'],
  ['blank', 'cold Chromium, blank page to PDF (puppeteer-core, djyc\'s flags)', 'floor for one form'],
  ['chinese', 'cold Chromium, one paragraph of Chinese in one of djyc\'s fonts, through djyc\'s PDF engine (no records; informational: the floor for any Chinese form)', ''],
  ['form', '`djyc render <project> --form apply -o x.pdf`', '≤ 1.2× blank page'],
  ['batch', '`djyc render --org <党委> -o dir` (forms/s over the whole command)', '≥ 100 forms/s'],
  ['planted', 'planted errors in a copy of the city: `djyc validate` reports each at its file:line:col', 'all found'],
];

const cells = cities.map(cityCells);
const head = ['run', 'target', ...cities.flatMap((c) => [`${c.profile}: wall`, 'CPU', 'peak RSS', '× ajv (wall / CPU)', ''])];
const lines = [];
const version = JSON.parse(fs.readFileSync(path.join(PKG, 'package.json'), 'utf8')).version;
const commit = (() => {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: PKG, encoding: 'utf8' }).trim();
  } catch {
    return '?';
  }
})();
lines.push(`djyc ${version} (${commit}) — city-scale benchmark, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`);
lines.push('');
for (const c of cities) {
  const i = c.info;
  lines.push(
    `- **${c.profile}** (${c.external ? `a repository this project did not generate: ${c.source}, committed state` : `${GENERATORS[c.profile].label}, generator v${i.version ?? 1}`}): ${i.files.toLocaleString('en')} files, ${(i.bytes / 1e6).toFixed(1)} MB (mean ${Math.round(i.bytes / i.files)} B); ` +
      Object.entries(i.counts).map(([k, v]) => `${v.toLocaleString('en')} ${k}`).join(', ') +
      (i.tree ? `; tree ${Object.entries(i.tree).map(([k, v]) => `${v} ${k}`).join(' / ')}` : '') +
      (i.crlfFiles !== undefined ? `; ${i.crlfFiles.toLocaleString('en')} CRLF files, ${i.bomFiles} with BOM, ${i.blockScalars.toLocaleString('en')} block scalars, ${i.commentLines.toLocaleString('en')} comment lines${i.wrappedValues !== undefined ? `, ${i.wrappedValues.toLocaleString('en')} values wrapped by hand, ${i.tabLines.toLocaleString('en')} lines with a pasted tab` : ''}` : '') +
      `; today ${c.today}. ` + (c.ajvValid ? `ajv-cli: ${c.ajvValid.valid.toLocaleString('en')} "valid" of ${c.ajvValid.files.toLocaleString('en')} files. ` : '') +
      `Load average ${c.loadStart} at start, ${c.loadEnd} at end (1-minute load as each round began: ${c.roundLoads?.join(', ')}).` +
      (c.info.batchOrg && c.batch ? ` Batch: ${c.info.batchOrg.name ? `${c.info.batchOrg.name} (${c.info.batchOrg.id})` : c.info.batchOrg.id}.` : ''),
  );
}
lines.push(
  `- Machine: ${machine}. ${ROUNDS} round(s), interleaved (ajv-cli between djyc runs, order alternating); median wall and CPU, highest peak RSS. ` +
    `CPU = user + sys of the ${CPU_METHOD}; peak RSS = summed over the process tree (Chromium's processes share pages: PSS in the blank-page row). ` +
    `Background git gc/maintenance in the cities while measuring: ${backgroundSeen.length ? `${backgroundSeen.length} seen (waited for)` : 'none'}.`,
);
lines.push('');
lines.push(`| ${head.join(' | ')} |`);
lines.push(`|${head.map((h, k) => (k < 2 ? '---' : /wall|CPU|RSS/.test(h) ? '---:' : h === '' ? ':-:' : '---')).join('|')}|`);
for (const [key, label, target] of ROWS) {
  const row = [label, target];
  for (const cc of cells) {
    const x = cc[key] ?? { cells: ['—', '—', '—', '—'] };
    row.push(...x.cells, mark(x.ok));
  }
  lines.push(`| ${row.join(' | ')} |`);
}
for (const c of cities) {
  if (!c.planted) continue;
  lines.push('');
  lines.push(
    `Planted errors (${c.profile}): \`djyc validate\` found ${c.planted.full.found}/${c.planted.plants.length}, \`validate --changed main\` found ${c.planted.changed.found}/${c.planted.plants.length} ` +
      `(found = a problem of the planted rule at the planted file and line, with a column). Knock-on problems on other files (references to a record that no longer loads, the other half of a duplicate): ${c.planted.full.others.length}.`,
  );
  lines.push('');
  c.planted.full.results.forEach((p, k) => {
    const at = p.at.map((a) => `${a.file}${a.line ? `:${a.line}` : ''}`).join(' or ');
    const got = p.found ? `${p.hit.file}:${p.hit.line}:${p.hit.col} [${p.hit.rule}]` : p.near.length ? `got instead: ${p.near.slice(0, 3).map((x) => `${x.line}:${x.col} [${x.rule}]`).join(', ')}` : 'nothing reported for the file';
    const ch = c.planted.changed.results[k];
    lines.push(`${String(k + 1).padStart(2)}. ${p.found ? '✓' : '✗'} ${p.what}: ${at} → ${got}${ch.found ? '' : ' (not found by --changed)'}`);
  });
  if (VERBOSE) for (const o of c.planted.full.others) lines.push(`    knock-on: ${o.file}:${o.line}:${o.col} [${o.rule}] ${o.message}`);
}
if (cities.some((c) => c.warmAnalysed?.some((n) => n > 0))) lines.push('', `Note: a warm run re-analysed files (djyc's own statistics): ${cities.map((c) => `${c.profile} ${c.warmAnalysed?.join(',')}`).join('; ')}.`);
process.stdout.write(`${lines.join('\n')}\n`);

// Raw figures for later comparison.
fs.mkdirSync(path.dirname(JSON_OUT), { recursive: true });
const raw = cities.map((c) => ({
  profile: c.profile, info: c.info, today: c.today, loadStart: c.loadStart, loadEnd: c.loadEnd, roundLoads: c.roundLoads, batch: c.batch,
  runs: Object.fromEntries(Object.entries(c.runs).map(([k, rs]) => [k, rs.map(({ stdout: _o, stderr: _e, ...r }) => r)])),
  planted: c.planted && { full: c.planted.full.found, changed: c.planted.changed.found, planted: c.planted.plants.length, results: c.planted.full.results.map(({ near: _n, ...r }) => r), others: c.planted.full.others },
}));
fs.writeFileSync(JSON_OUT, JSON.stringify({ date: new Date().toISOString(), commit, machine, rounds: ROUNDS, cpuMethod: CPU_METHOD, backgroundSeen, cities: raw }, null, 2));
log(`raw figures: ${path.relative(process.cwd(), JSON_OUT)}`);
