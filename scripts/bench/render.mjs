#!/usr/bin/env node
// Benchmark of the PDF engine: forms per second for the batch path (one browser, chunks printed once and
// split with pdf-lib) against a naive baseline that launches a browser per form, with peak memory.
//
//   npx tsc -p tsconfig.json && node scripts/bench/render.mjs [--forms 200] [--naive 20] [--out DIR]
//
// Memory is sampled every 100 ms: the summed RSS of every process below this one (Chromium's browser,
// zygote, renderer and GPU/utility processes; shared pages are counted once per process, so the sum
// overstates), the same tree's summed PSS (shared pages split fairly; every 500 ms), and Node's own RSS.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dist = (p) => pathToFileURL(path.join(root, 'dist/pdf', p)).href;
let engine, browserMod, fonts, pdf;
try {
  engine = await import(dist('engine.js'));
  browserMod = await import(dist('browser.js'));
  fonts = await import(dist('fonts.js'));
  pdf = await import(dist('pdf.js'));
} catch (err) {
  console.error(`dist/pdf is missing or stale: build first (npx tsc -p tsconfig.json).\n${err.message}`);
  process.exit(2);
}

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const FORMS = Number(arg('forms', 200));
const NAIVE = Number(arg('naive', 20));
const PAGE_PER_FORM = Number(arg('single', 60));
const outRoot = arg('out', '') || mkdtempSync(path.join(os.tmpdir(), 'djyc-bench-'));

// ---- a realistic single-page form ------------------------------------------------------------------
const surnames = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗';
const given = '建国红梅志强秀英海燕立新晓东丽华文军春生';
const orgs = ['第一党支部', '机关第二党支部', '社区联合党支部', '教工第三党支部', '离退休党支部'];
const topics = ['“红色领航”基层治理提升', '党员先锋岗创建', '“党建+”乡村振兴', '书记项目：老旧小区改造', '志愿服务常态化'];
const pick = (s, n) => s[n % s.length];

function formHtml(n) {
  const name = pick(surnames, n) + pick(given, n * 3) + pick(given, n * 7 + 1);
  const rows = [
    ['项目名称', `${pick(topics, n)}项目（第${n + 1}号）`],
    ['领办党组织', pick(orgs, n)],
    ['项目负责人', `${name}　　联系电话：138****${String(1000 + n).slice(-4)}`],
    ['项目类别', '<span class="check on"></span>书记项目　<span class="check"></span>支部项目　<span class="check"></span>党员项目'],
    ['实施周期', `2024年${(n % 9) + 1}月至2024年${(n % 9) + 4}月`],
    ['项目目标', '围绕中心、服务大局，推动党建工作与业务工作深度融合，解决群众急难愁盼问题，形成可复制、可推广的经验做法。'],
    ['主要措施', '一是建强组织体系；二是建立项目清单，明确责任人和完成时限；三是开展党员承诺践诺；四是定期督导评估，及时总结推广。'],
  ];
  const trs = rows.map(([k, v]) => `<tr><td class="label">${k}</td><td>${v}</td></tr>`).join('');
  const body =
    `<div class="annex-label">附件${(n % 3) + 1}</div><h1 class="form-title">党建项目申报表</h1>` +
    `<table><colgroup><col style="width:24%"><col></colgroup><tbody>${trs}` +
    `<tr><td class="label">支部意见</td><td><div class="sig"><p>签字（盖章）：<span class="blank w8"></span></p><p>年　月　日</p></div></td></tr>` +
    `</tbody></table><p class="note">注：本表一式三份，报党委组织部。</p>`;
  return engine.wrapDocument({ title: `党建项目申报表-${n + 1}`, body });
}

// ---- memory sampling ----------------------------------------------------------------------------------
const PAGE = 4096;
/** Summed RSS, and PSS when asked (proportional: shared pages split between the processes sharing them;
 * reading it costs CPU, so it is sampled less often), of every process below this one. */
function treeMemory(withPss) {
  const children = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ppid = Number(fields[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push({ pid: Number(d), rss: Number(fields[21]) * PAGE });
    } catch {
      // the process ended while we looked
    }
  }
  const tree = [];
  const stack = [process.pid];
  while (stack.length) {
    for (const c of children.get(stack.pop()) ?? []) {
      tree.push(c);
      stack.push(c.pid);
    }
  }
  let rss = 0;
  let pss = 0;
  for (const c of tree) {
    rss += c.rss;
    if (!withPss) continue;
    try {
      const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${c.pid}/smaps_rollup`, 'utf8'));
      pss += m ? Number(m[1]) * 1024 : c.rss;
    } catch {
      pss += c.rss;
    }
  }
  return { rss, pss };
}

async function measure(label, fn) {
  const peak = { rss: 0, pss: 0, node: 0, sum: 0 };
  let ticks = 0;
  const sample = (withPss = ticks++ % 5 === 0) => {
    const t = treeMemory(withPss);
    const n = process.memoryUsage().rss;
    peak.rss = Math.max(peak.rss, t.rss);
    peak.pss = Math.max(peak.pss, t.pss);
    peak.node = Math.max(peak.node, n);
    peak.sum = Math.max(peak.sum, t.rss + n);
  };
  const timer = setInterval(sample, 100);
  const t0 = performance.now();
  const count = await fn();
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(timer);
  sample(true);
  return { label, count, seconds, rate: count / seconds, peak };
}

// ---- the runs -------------------------------------------------------------------------------------------
const htmls = Array.from({ length: FORMS }, (_, n) => formHtml(n));
const jobsIn = (dir, n) =>
  htmls.slice(0, n).map((html, k) => ({ id: `f${k + 1}`, html, out: path.join(outRoot, dir, `f${k + 1}.pdf`) }));

function check(results) {
  const bad = results.filter((r) => !r.ok);
  if (bad.length) throw new Error(`${bad.length} forms failed: ${bad[0].id}: ${bad[0].error}`);
  const multi = results.filter((r) => r.pages !== 1);
  if (multi.length) console.warn(`warning: ${multi.length} forms are not single-page`);
  return results.length;
}

/** The naive way: a fresh browser per form (fonts still served from memory, so the output is the same). */
async function naiveOne(job) {
  const browser = await browserMod.launchBrowser();
  try {
    const page = await browser.newPage();
    await page.setJavaScriptEnabled(false);
    await page.setRequestInterception(true);
    page.on('request', async (req) => {
      const res = await fonts.fontResponse(req.url());
      if (res) await req.respond({ status: 200, contentType: res.contentType, headers: { 'Access-Control-Allow-Origin': '*' }, body: res.body });
      else await req.abort();
    });
    await page.setContent(job.html, { waitUntil: 'load' });
    const bytes = await page.pdf({ format: 'A4', preferCSSPageSize: true, printBackground: true, tagged: false });
    await pdf.writeFileAtomic(job.out, bytes);
  } finally {
    await browserMod.closeBrowser(browser);
  }
}

// Warm the OS file cache and Node's font cache once, so that neither run pays for the first disk read.
await engine.renderPdfs(jobsIn('warm', 4), { chunkSize: 2 });

const runs = [];
runs.push(await measure(`batch path (renderPdfs, ${FORMS} forms)`, async () => check(await engine.renderPdfs(jobsIn('batch', FORMS)))));
runs.push(
  await measure(`page per form (renderPdfs chunkSize 1, ${PAGE_PER_FORM} forms)`, async () =>
    check(await engine.renderPdfs(jobsIn('single', PAGE_PER_FORM), { chunkSize: 1 })),
  ),
);
runs.push(
  await measure(`naive: browser per form (${NAIVE} forms)`, async () => {
    for (const job of jobsIn('naive', NAIVE)) await naiveOne(job);
    return NAIVE;
  }),
);

const size = (dir) => {
  const files = readdirSync(path.join(outRoot, dir));
  const total = files.reduce((s, f) => s + readFileSync(path.join(outRoot, dir, f)).length, 0);
  return total / files.length / 1024;
};
const mb = (b) => `${(b / 2 ** 20).toFixed(0)} MB`;
console.log(`\nPDF engine benchmark — ${os.cpus().length} cores, Node ${process.version}\n`);
console.log(
  'run'.padEnd(52),
  'forms/s'.padStart(8),
  'time'.padStart(7),
  'Chromium RSS'.padStart(13),
  'PSS'.padStart(8),
  'Node RSS'.padStart(9),
  'RSS sum'.padStart(8),
);
for (const r of runs) {
  console.log(
    r.label.padEnd(52),
    r.rate.toFixed(1).padStart(8),
    `${r.seconds.toFixed(1)}s`.padStart(7),
    mb(r.peak.rss).padStart(13),
    mb(r.peak.pss).padStart(8),
    mb(r.peak.node).padStart(9),
    mb(r.peak.sum).padStart(8),
  );
}
const [batch, single, naive] = runs;
console.log(`\nbatch vs naive: ${(batch.rate / naive.rate).toFixed(1)}×   batch vs page per form: ${(batch.rate / single.rate).toFixed(1)}×`);
console.log(
  `average PDF size: batch ${size('batch').toFixed(0)} KB, page per form ${size('single').toFixed(0)} KB, naive ${size('naive').toFixed(0)} KB`,
);
console.log('(peaks sampled every 100 ms: RSS and PSS summed over the Chromium process tree; Node = this process; RSS sum = both)');
if (!arg('out', '')) rmSync(outRoot, { recursive: true, force: true });
else console.log(`PDFs kept in ${outRoot}`);
