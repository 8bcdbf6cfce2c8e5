#!/usr/bin/env node
// Benchmark of the Word forms: 200 forms of the five example repositories (examples/*, every form they reach, taken
// in turn until there are 200) rendered as .docx (no browser) and, for comparison, as PDF through one browser; both
// with their verification stamps, as `djyc render --all --format docx|pdf` does. Prints forms per second, wall and
// CPU time (user+sys of this process and its worker threads; Chromium's own CPU is not in it) and peak memory.
//
//   npx tsc -p tsconfig.json && node scripts/bench/docx.mjs [--forms 200] [--rounds 3] [--threads N] [--no-pdf]
//
// Target: ≥ 200 .docx/s on 2 cores.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dist = (p) => pathToFileURL(path.join(root, 'dist', p)).href;
let repoMod, programmeMod, targetsMod, render, browserMod;
try {
  repoMod = await import(dist('store/repo.js'));
  programmeMod = await import(dist('domain/programme.js'));
  targetsMod = await import(dist('output/forms/targets.js'));
  render = await import(dist('commands/render.js'));
  browserMod = await import(dist('pdf/browser.js'));
} catch (err) {
  console.error(`dist/ is missing or stale: build first (npx tsc -p tsconfig.json).\n${err.message}`);
  process.exit(2);
}

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const FORMS = Number(arg('forms', 200));
const ROUNDS = Number(arg('rounds', 3));
const THREADS = arg('threads', '') ? Number(arg('threads', '')) : undefined;
const PDF = !process.argv.includes('--no-pdf');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'djyc-bench-docx-'));

// The forms: every example's targets, in turn, until there are FORMS of them (each batch is one repository's).
const sets = [];
for (const name of ['huishan-2020', 'dangjian-plus-2017', 'jinhua-2017', 'wxit-shuji-2017', 'genhe-brands-2020']) {
  const repo = repoMod.loadRepository(path.join(root, 'examples', name));
  const programme = programmeMod.resolveProgramme(repo);
  const ctx = render.viewContext(repo, programme, { today: '2020-12-30' });
  sets.push({ name, ctx, targets: targetsMod.selectTargets(ctx.index, programme, {}) });
}
const batches = sets.map((s) => ({ ...s, take: [] }));
for (let n = 0, k = 0; n < FORMS; k++) {
  const b = batches[k % batches.length];
  const t = b.targets[Math.floor(k / batches.length) % b.targets.length];
  if (!t) continue;
  b.take.push(t);
  n++;
}
console.log(`${FORMS} forms from ${batches.map((b) => `${b.name} ${b.take.length}`).join(', ')}; ${os.availableParallelism()} cores, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);

let peak = 0;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 50);
async function measure(label, format, extra = {}) {
  const rates = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let done = 0;
    let failed = 0;
    for (const b of batches) {
      // Distinct file names: a form taken twice gets -2 (outputPaths).
      const out = await render.renderForms(b.ctx, b.take, { outDir: path.join(tmp, `${format}-${round}`, b.name), format, ...extra });
      done += out.filter((o) => o.ok).length;
      failed += out.filter((o) => !o.ok).length;
    }
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    rates.push(done / (ms / 1000));
    console.log(`${label} round ${round}: ${done} forms, ${failed} failed, ${(ms / 1000).toFixed(2)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s CPU → ${(done / (ms / 1000)).toFixed(1)} forms/s`);
  }
  rates.sort((a, b) => a - b);
  return { best: rates[rates.length - 1], median: rates[Math.floor(rates.length / 2)] };
}

try {
  const docx = await measure('docx', 'docx', THREADS ? { threads: THREADS } : {});
  let pdf;
  if (PDF) {
    const browser = await browserMod.launchBrowser();
    try {
      pdf = await measure('pdf ', 'pdf', { browser });
    } finally {
      await browserMod.closeBrowser(browser);
    }
  }
  console.log(`docx: best ${docx.best.toFixed(1)} forms/s, median ${docx.median.toFixed(1)} forms/s (target ≥ 200)`);
  if (pdf) console.log(`pdf:  best ${pdf.best.toFixed(1)} forms/s, median ${pdf.median.toFixed(1)} forms/s (one browser)`);
  console.log(`peak RSS of this process: ${(peak / 1048576).toFixed(0)} MB`);
} finally {
  clearInterval(sampler);
  rmSync(tmp, { recursive: true, force: true });
}
