#!/usr/bin/env node
// A second floor for "one form": a cold Chromium printing one short paragraph of Chinese in one of djyc's fonts,
// through djyc's own PDF engine (its launch, page lock, font serving, pdf-lib write) — no records, no git, no
// overlay. Whatever a form adds to it is djyc's; what it adds to the blank page is the cost of any Chinese text.
// scripts/bench/run.mjs measures it in the same run as the blank page and one form.
//
//   node scripts/bench/chinese-pdf.mjs out.pdf
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const PKG = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const out = process.argv[2];
if (!out) {
  process.stderr.write('usage: node scripts/bench/chinese-pdf.mjs <out.pdf>\n');
  process.exit(2);
}
const load = (rel) => import(pathToFileURL(path.join(PKG, 'dist', rel)).href);
const { renderPdfs } = await load('pdf/engine.js');
const { CSP_META, FONT_CSS_URL } = await load('output/html.js');
const text = '党组织领办项目承诺书：围绕中心、服务群众，把党建工作项目化、清单化、责任化，按季度报送执行书，结项后接受验收评价。';
const html =
  `<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">${CSP_META}<title>floor</title>` +
  `<link rel="stylesheet" href="${FONT_CSS_URL}"><style>body{font:16pt/1.6 "DJYC Fang"}</style></head>` +
  `<body><p>${text}</p></body></html>`;
const [r] = await renderPdfs([{ id: 'chinese', html, out }], { concurrency: 1, pageNumbers: 'never' });
if (!r.ok) {
  process.stderr.write(`${r.error}\n`);
  process.exit(1);
}
