import puppeteer from 'puppeteer-core';
import { PDFDocument, PDFName, PDFDict, PDFArray, PDFString } from 'pdf-lib';
import fs from 'fs';
const b = await puppeteer.launch({ executablePath: '/usr/lib/chromium/chromium', args: ['--no-sandbox'], headless: true });
const p = await b.newPage();
await p.setJavaScriptEnabled(false);
const form = (i, rows) => `<section class="f" style="break-before:page;position:relative"><a class="m" href="https://djyc.invalid/m/${i}" style="position:absolute;left:0;top:0;width:1px;height:1px"></a><h1>Form ${i}</h1><table border=1>${Array.from({length: rows}, (_, r) => `<tr><td>row ${r}</td></tr>`).join('')}</table></section>`;
const html = `<!doctype html><html><head><style>@page{size:A4;margin:20mm} section:first-child{break-before:auto}</style></head><body>${form(0,3)}${form(1,100)}${form(2,3)}${form(3,60)}</body></html>`;
await p.setContent(html, { waitUntil: 'load' });
try { console.log('evaluate:', await p.evaluate(() => document.querySelectorAll('section').length)); } catch (e) { console.log('evaluate failed', e.message); }
const pdf = await p.pdf({ preferCSSPageSize: true, printBackground: true });
const doc = await PDFDocument.load(pdf);
doc.getPages().forEach((pg, i) => {
  const annots = pg.node.lookup(PDFName.of('Annots'));
  const uris = [];
  if (annots instanceof PDFArray) for (let k = 0; k < annots.size(); k++) { const a = annots.lookup(k, PDFDict); const act = a.lookup(PDFName.of('A')); if (act) uris.push(act.lookup(PDFName.of('URI'))?.decodeText?.() ?? String(act.lookup(PDFName.of('URI')))); }
  console.log('page', i, uris);
});
await b.close();
