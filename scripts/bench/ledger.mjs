#!/usr/bin/env node
// Benchmark of the ledger and deadlines computations on a records repository (e.g. a city made with
// scripts/bench/gen-city.mjs): load time, computeLedger, computeDeadlines, xlsx size and time, peak RSS.
//
//   npx tsc -p tsconfig.json && node scripts/bench/gen-city.mjs /tmp/city --scale 0.25
//   node scripts/bench/ledger.mjs /tmp/city [--today 2021-01-20]
import fs from 'node:fs';
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
  console.error('usage: node scripts/bench/ledger.mjs <records repository> [--today YYYY-MM-DD]');
  process.exit(2);
}
const today = arg('today', '2021-01-20');
let repoMod, ledgerMod, deadlinesMod, tablesMod, createMod;
try {
  repoMod = await import(dist('store/repo.js'));
  ledgerMod = await import(dist('domain/ledger.js'));
  deadlinesMod = await import(dist('domain/deadlines.js'));
  tablesMod = await import(dist('output/ledger-tables.js'));
  createMod = await import(dist('commands/create.js'));
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
const [ledger, ledgerSeconds] = await time(() => ledgerMod.computeLedger(repo, { today }));
const [deadlines, deadlineSeconds] = await time(() => deadlinesMod.computeDeadlines(repo, { today }));
const programme = createMod.resolveProgramme(repo);
const [xlsx, xlsxSeconds] = await time(() => tablesMod.tablesToXlsx(ledger, tablesMod.ledgerTables(ledger, programme, 'zh')));
clearInterval(sample);
peak = Math.max(peak, process.memoryUsage().rss);

console.log(JSON.stringify({
  records: repo.records.length,
  projects: ledger.totals.projects,
  tasks: ledger.totals.tasks,
  obligations: ledger.obligations.length,
  deadlineItems: deadlines.items.length,
  seconds: { load: +load.toFixed(3), ledger: +ledgerSeconds.toFixed(3), deadlines: +deadlineSeconds.toFixed(3), xlsx: +xlsxSeconds.toFixed(3) },
  xlsxBytes: xlsx.length,
  peakRssMB: Math.round(peak / 1024 / 1024),
}, null, 2));
