#!/usr/bin/env node
// Benchmark of `djyc publish` and `djyc status` on a records repository (e.g. a city made with
// scripts/bench/gen-city.mjs): load time, dashboard, site build and write, pages, bytes, fonts, status PDF, peak RSS.
//
//   npx tsc -p tsconfig.json && node scripts/bench/gen-city.mjs /tmp/city --scale 0.1
//   node scripts/bench/publish.mjs /tmp/city [--today 2021-01-20] [--out /tmp/city-site] [--pdf]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dist = (p) => pathToFileURL(path.join(root, 'dist', p)).href;
const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const dir = process.argv[2];
if (!dir || dir.startsWith('--') || !fs.existsSync(path.join(dir, 'djyc.yaml'))) {
  console.error('usage: node scripts/bench/publish.mjs <records repository> [--today YYYY-MM-DD] [--out DIR] [--pdf]');
  process.exit(2);
}
const today = arg('today', '2021-01-20');
const out = path.resolve(arg('out', path.join(os.tmpdir(), `djyc-bench-site-${process.pid}`)));
let repoMod, siteMod, statusMod;
try {
  repoMod = await import(dist('store/repo.js'));
  siteMod = await import(dist('commands/publish.js'));
  statusMod = await import(dist('output/status.js'));
} catch (err) {
  console.error(`dist/ is missing or stale: build first (npx tsc -p tsconfig.json).\n${err.message}`);
  process.exit(2);
}

let peak = 0;
const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
const time = async (fn) => {
  const t = performance.now();
  const value = await fn();
  return [value, (performance.now() - t) / 1000];
};

const [repo, load] = await time(() => repoMod.loadRepository(path.resolve(dir)));
const [dashboards, dashboardSeconds] = await time(() => statusMod.statusDashboards(repo, { today }));
const [built, buildSeconds] = await time(() => siteMod.buildSite(repo, { out, today }));
const [written, writeSeconds] = await time(() => siteMod.writeSite(built.files, out));
const fonts = [...built.files.keys()].filter((f) => f.startsWith('assets/fonts/'));
const fontBytes = fonts.reduce((a, f) => a + fs.statSync(path.join(out, f)).size, 0);
const biggest = [...built.files.entries()]
  .filter(([, f]) => 'text' in f)
  .map(([name, f]) => [name, Buffer.byteLength(f.text)])
  .sort((a, b) => b[1] - a[1])
  .slice(0, 3);
let pdf;
if (process.argv.includes('--pdf')) {
  const file = path.join(out + '-status.pdf');
  const [r, s] = await time(() => statusMod.renderStatusPdf(dashboards, file));
  pdf = { seconds: +s.toFixed(3), pages: r.pages, bytes: r.bytes };
}
clearInterval(sample);
peak = Math.max(peak, process.memoryUsage().rss);

console.log(JSON.stringify({
  records: repo.records.length,
  projects: dashboards[0]?.totals.projects,
  tasks: dashboards[0]?.totals.tasks,
  pages: built.result.pages,
  files: written.files,
  siteMB: +(written.bytes / 1024 / 1024).toFixed(1),
  fontFiles: fonts.length,
  fontMB: +(fontBytes / 1024 / 1024).toFixed(1),
  biggestPages: Object.fromEntries(biggest.map(([n, b]) => [n, `${Math.round(b / 1024)} KB`])),
  seconds: { load: +load.toFixed(3), dashboard: +dashboardSeconds.toFixed(3), build: +buildSeconds.toFixed(3), write: +writeSeconds.toFixed(3) },
  ...(pdf ? { statusPdf: pdf } : {}),
  peakRssMB: Math.round(peak / 1024 / 1024),
  out,
}, null, 2));
