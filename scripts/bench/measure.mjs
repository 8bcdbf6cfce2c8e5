// Running one command for the benchmark: wall time, CPU time (user + sys) of its whole process tree, peak memory.
//
// CPU comes from scripts/bench/treetime.py, a child subreaper: every process of the tree (Chromium's helpers
// too, which outlive their parents) is reaped by it, so their CPU counts. Without python3 it falls back to GNU
// time, which misses reparented processes (said in the result). Memory is sampled from /proc while the command
// runs: the summed RSS of every process of the tree (shared pages count once per process, so a Chromium tree is
// overstated), optionally the summed PSS (shared pages split between their users), and GNU/rusage's largest
// single process, whichever is larger for the peak.
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PAGE = 4096;

function findPython() {
  for (const p of ['/usr/bin/python3', '/usr/local/bin/python3', ...(process.env.PATH ?? '').split(':').map((d) => path.join(d, 'python3'))]) {
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      // next
    }
  }
  return undefined;
}
export const PYTHON = findPython();
const TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
export const CPU_METHOD = PYTHON ? 'whole process tree (subreaper)' : TIME ? 'GNU time: processes reparented away from the tree are missed' : 'unavailable';

/** pid → [child pids], from one pass over /proc. */
function processTable() {
  const kids = new Map();
  const info = new Map();
  for (const d of fs.readdirSync('/proc')) {
    if (d.charCodeAt(0) > 57) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const f = stat.slice(close + 2).split(' ');
      const ppid = Number(f[1]);
      const pid = Number(d);
      let list = kids.get(ppid);
      if (!list) kids.set(ppid, (list = []));
      list.push(pid);
      info.set(pid, { rss: Number(f[21]) * PAGE, comm: stat.slice(stat.indexOf('(') + 1, close) });
    } catch {
      // ended while we looked
    }
  }
  return { kids, info };
}

/** The processes below `root` (not `root` itself). */
export function descendants(root) {
  const { kids, info } = processTable();
  const out = [];
  const stack = [root];
  while (stack.length) {
    for (const c of kids.get(stack.pop()) ?? []) {
      out.push({ pid: c, ...info.get(c) });
      stack.push(c);
    }
  }
  return out;
}

function pss(pid) {
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

let seq = 0;
/**
 * Runs `cmd args` in `cwd`; stdout and stderr go to files (a program ending with process.exit() loses piped
 * output), and are returned as text. `withPss` also samples PSS (costly: for Chromium runs).
 */
export async function measure(cmd, args, { cwd, env = {}, scratch, withPss = false, sampleMs = withPss ? 100 : 250 } = {}) {
  const n = seq++;
  const outFile = path.join(scratch, `out-${n}`);
  const errFile = path.join(scratch, `err-${n}`);
  const resFile = path.join(scratch, `res-${n}.json`);
  const out = fs.openSync(outFile, 'w');
  const err = fs.openSync(errFile, 'w');
  const argv = PYTHON ? [PYTHON, [path.join(HERE, 'treetime.py'), resFile, '--', cmd, ...args]] : TIME ? [TIME, ['-o', resFile, '-f', '%e %U %S %M %x', cmd, ...args]] : [cmd, args];
  const t0 = performance.now();
  const child = spawn(argv[0], argv[1], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', out, err] });
  fs.closeSync(out);
  fs.closeSync(err);
  const peak = { rss: 0, pss: 0 };
  let ticks = 0;
  const sample = () => {
    const tree = descendants(child.pid);
    let rss = 0;
    for (const p of tree) rss += p.rss ?? 0;
    peak.rss = Math.max(peak.rss, rss);
    if (withPss && ticks++ % 3 === 0) {
      let sum = 0;
      for (const p of tree) sum += pss(p.pid);
      peak.pss = Math.max(peak.pss, sum);
    }
  };
  const timer = setInterval(sample, sampleMs);
  const status = await new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  clearInterval(timer);
  const outerWall = (performance.now() - t0) / 1000;
  const result = { stdout: fs.readFileSync(outFile, 'utf8'), stderr: fs.readFileSync(errFile, 'utf8') };
  fs.rmSync(outFile, { force: true });
  fs.rmSync(errFile, { force: true });
  let r = {};
  try {
    const text = fs.readFileSync(resFile, 'utf8');
    if (PYTHON) r = JSON.parse(text);
    else {
      const [wall, user, sys, maxrss, code] = text.trim().split('\n').pop().split(' ').map(Number);
      r = { wall, user, sys, maxrss_kb: maxrss, code };
    }
  } catch {
    r = { wall: outerWall, code: status.code ?? 128 };
  }
  fs.rmSync(resFile, { force: true });
  const largest = (r.maxrss_kb ?? 0) * 1024;
  return {
    ...result,
    code: r.code ?? status.code,
    wall: r.wall ?? outerWall,
    user: r.user ?? NaN,
    sys: r.sys ?? NaN,
    cpu: (r.user ?? NaN) + (r.sys ?? NaN),
    /** Peak summed RSS of the tree (MB), at least the largest single process. */
    rss: Math.max(peak.rss, largest) / 2 ** 20,
    pss: peak.pss / 2 ** 20,
    largest: largest / 2 ** 20,
    lingered: r.lingered ?? [],
    lingerSeconds: r.linger_seconds ?? 0,
  };
}

/** git gc / maintenance / repack processes working in `dir` (ours would slow whatever runs next). */
export function backgroundGit(dir) {
  const found = [];
  const real = fs.realpathSync(dir);
  for (const d of fs.readdirSync('/proc')) {
    if (d.charCodeAt(0) > 57) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0').filter(Boolean);
      if (!cmdline.length || !/(^|\/)git$/.test(cmdline[0]) || !cmdline.some((a) => /^(gc|maintenance|repack|prune|commit-graph|multi-pack-index|pack-objects)$/.test(a))) continue;
      const cwd = fs.readlinkSync(`/proc/${d}/cwd`);
      if (cwd === real || cwd.startsWith(`${real}/`)) found.push(`${d}: ${cmdline.join(' ')}`);
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}
