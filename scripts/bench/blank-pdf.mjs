#!/usr/bin/env node
// The floor for "one form": a cold Chromium printing a blank page, as a whole process like `djyc render`
// (Node start, puppeteer-core import, browser launch with djyc's own flags and a fresh profile, page.pdf of
// about:blank in A4, write the file, close). scripts/bench/run.mjs measures it in the same run as one form.
//
//   node scripts/bench/blank-pdf.mjs out.pdf
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const PKG = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const out = process.argv[2];
if (!out) {
  process.stderr.write('usage: node scripts/bench/blank-pdf.mjs <out.pdf>\n');
  process.exit(2);
}
// djyc's flags and its way of finding the browser, so that the floor runs the same Chromium the same way.
const { chromiumArgs, findChromium } = await import(pathToFileURL(path.join(PKG, 'dist/pdf/browser.js')).href);
const { default: puppeteer } = await import('puppeteer-core');
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'djyc-bench-blank-'));
try {
  const browser = await puppeteer.launch({ executablePath: findChromium(), headless: true, args: chromiumArgs(profile) });
  try {
    const page = await browser.newPage();
    await page.goto('about:blank');
    const bytes = await page.pdf({ format: 'A4', printBackground: true });
    fs.writeFileSync(out, bytes);
  } finally {
    await browser.close();
  }
} finally {
  fs.rmSync(profile, { recursive: true, force: true, maxRetries: 3, retryDelay: 50 });
}
