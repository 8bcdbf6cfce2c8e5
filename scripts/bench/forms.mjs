#!/usr/bin/env node
// Benchmark of the official forms: from records to PDFs, as `djyc render --all` and `djyc pack` do it.
// Prints the time to build the views and HTML (the layouts, no browser), then forms per second for a batch
// through one browser, then the time of a submission pack (forms, cover, contents, merge, numbering).
//
//   npx tsc -p tsconfig.json && node scripts/bench/forms.mjs [--repo DIR] [--rounds 3]
//
// Without --repo it builds the demo repository first (seed 000, ~100 commits; its time is printed apart).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dist = (p) => pathToFileURL(path.join(root, 'dist', p)).href;
let demo, repoMod, programmeMod, targetsMod, documentMod, render, pack, browserMod;
try {
  demo = await import(dist('demo/demo.js'));
  repoMod = await import(dist('store/repo.js'));
  programmeMod = await import(dist('domain/programme.js'));
  targetsMod = await import(dist('output/forms/targets.js'));
  documentMod = await import(dist('output/forms/document.js'));
  render = await import(dist('commands/render.js'));
  pack = await import(dist('commands/pack.js'));
  browserMod = await import(dist('pdf/browser.js'));
} catch (err) {
  console.error(`dist/ is missing or stale: build first (npx tsc -p tsconfig.json).\n${err.message}`);
  process.exit(2);
}

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const ROUNDS = Number(arg('rounds', 3));
const tmp = mkdtempSync(path.join(os.tmpdir(), 'djyc-bench-forms-'));
const s = (ms) => (ms / 1000).toFixed(2);

let repoDir = arg('repo', '');
if (!repoDir) {
  const t = Date.now();
  const r = await demo.buildDemo(path.join(tmp, 'repo'));
  repoDir = r.root;
  console.log(`demo repository: ${r.steps.length} commits in ${s(Date.now() - t)} s (workflow operations, not rendering)`);
}

const repo = repoMod.loadRepository(repoDir);
const programme = programmeMod.resolveProgramme(repo);
const ctx = render.viewContext(repo, programme, { today: '2020-12-30' });
const targets = targetsMod.selectTargets(ctx.index, programme, {});

// Views and HTML only.
let t = Date.now();
let bytes = 0;
for (const target of targets) bytes += documentMod.formDocument(ctx, target).html.length;
const htmlMs = Date.now() - t;
console.log(`views + HTML: ${targets.length} forms in ${s(htmlMs)} s (${(htmlMs / targets.length).toFixed(1)} ms/form, ${(bytes / targets.length / 1024).toFixed(0)} KiB/form)`);

// PDFs through one browser.
t = Date.now();
const browser = await browserMod.launchBrowser();
console.log(`browser launch: ${s(Date.now() - t)} s`);
try {
  const rates = [];
  for (let round = 1; round <= ROUNDS; round++) {
    t = Date.now();
    const out = await render.renderForms(ctx, targets, { outDir: path.join(tmp, `pdf-${round}`), browser });
    const ms = Date.now() - t;
    const failed = out.filter((o) => !o.ok).length;
    const pages = out.reduce((n, o) => n + (o.pages ?? 0), 0);
    rates.push(targets.length / (ms / 1000));
    console.log(`round ${round}: ${targets.length} forms, ${pages} pages, ${failed} failed, ${s(ms)} s → ${(targets.length / (ms / 1000)).toFixed(1)} forms/s`);
  }
  console.log(`batch: best ${Math.max(...rates).toFixed(1)} forms/s, median ${rates.sort((a, b) => a - b)[Math.floor(rates.length / 2)].toFixed(1)} forms/s`);

  const org = demo.DEMO_PACK_ORG;
  t = Date.now();
  const p = await pack.buildPack({ repo, programme, org, pack: demo.DEMO_PACK, out: path.join(tmp, 'pack.pdf'), today: '2020-11-12', browser });
  console.log(`pack "${p.pack.label}" of ${org}: ${p.parts.length} parts, ${p.pages} pages in ${s(Date.now() - t)} s`);
  t = Date.now();
  const n = await pack.buildNotice({ repo, programme, org: 'org-hs-gongwei', out: path.join(tmp, 'notice.pdf'), today: '2020-05-01', browser });
  console.log(`notice: ${n.projects} projects, ${n.tasks} tasks, ${n.pages} page(s) in ${s(Date.now() - t)} s`);
} finally {
  await browserMod.closeBrowser(browser);
  rmSync(tmp, { recursive: true, force: true });
}
