// The Word forms read by a real word processor: every form of the five examples as .docx, converted by LibreOffice
// (headless, Debian's libreoffice-writer-nogui, one soffice run for all of them) to PDF, then read back with
// pdftotext and compared as images with the same forms printed by Chromium. Slow (≈ 1–2 minutes).
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import mammoth from 'mammoth';
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRepository } from '../src/store/repo.js';
import { resolveProgramme } from '../src/domain/programme.js';
import { selectTargets } from '../src/output/forms/targets.js';
import { formDocument } from '../src/output/forms/document.js';
import { layoutHtml } from '../src/output/forms/html.js';
import { loadLayout } from '../src/output/forms/layout.js';
import { docxOf, renderForms, viewContext, type FormOutput } from '../src/commands/render.js';
import { closeBrowser, launchBrowser } from '../src/pdf/browser.js';
import { ROOT, callTimeout, requireTool, tempDir } from './helpers.js';
import { firstOutOfOrder, LABELS, squash } from './forms-labels.js';
import { docxParts, EXAMPLES, partText } from './docx-helpers.js';

const hasSoffice = spawnSync('soffice', ['--version'], { encoding: 'utf8' }).status === 0;

const raw = (pdf: string): string => execFileSync('pdftotext', ['-raw', '-enc', 'UTF-8', pdf, '-'], { encoding: 'utf8' });
/**
 * Without quotation marks and check boxes: LibreOffice draws “ ” ☐ ☑ from a fallback font where the requested face
 * is not installed, and pdftotext then reads them out of order with the characters around them (the Word XML test
 * checks them).
 */
const unquoted = (s: string): string => s.replace(/[“”‘’"'☐☑]/g, '');
const pageCount = (pdf: string): number => Number(/^Pages:\s+(\d+)/m.exec(execFileSync('pdfinfo', [pdf], { encoding: 'utf8' }))![1]);

// ---- a coarse picture of a page -----------------------------------------------------------------------------
// Page 1 in grey at 24 dpi (≈ 1 mm a pixel): where its ruled lines are, and how its ink is spread over a 6 × 8 grid.
// Fonts differ between LibreOffice and Chromium (text wraps and rows grow differently), so positions are compared
// with a tolerance; a lost table, shifted columns, wrong margins or missing blocks of text are far outside it.

interface Picture {
  rows: number[];
  cols: number[];
  ink: number[];
}

function picture(pdf: string): Picture {
  const pgm = execFileSync('pdftoppm', ['-gray', '-r', '24', '-f', '1', '-l', '1', pdf], { maxBuffer: 1 << 24 });
  let off = 0;
  const fields: number[] = [];
  while (fields.length < 4) {
    while (pgm[off] === 0x20 || pgm[off] === 0x0a) off++;
    let s = '';
    while (pgm[off] !== 0x20 && pgm[off] !== 0x0a) s += String.fromCharCode(pgm[off++]!);
    fields.push(fields.length === 0 ? 0 : Number(s));
  }
  off++;
  const [, w, h] = fields as [number, number, number, number];
  const dark = (x: number, y: number) => pgm[off + y * w + x]! < 160;
  const lines = (n: number, m: number, at: (i: number, j: number) => boolean, share: number) => {
    const out: number[] = [];
    let start = -1;
    for (let i = 0; i <= n; i++) {
      let c = 0;
      if (i < n) for (let j = 0; j < m; j++) if (at(i, j)) c++;
      const on = i < n && c / m > share;
      if (on && start < 0) start = i;
      if (!on && start >= 0) {
        out.push((start + i - 1) / 2);
        start = -1;
      }
    }
    return out;
  };
  const rows = lines(h, w, (y, x) => dark(x, y), 0.4);
  const cols = lines(w, h, (x, y) => dark(x, y), 0.25);
  const ink: number[] = [];
  for (let gy = 0; gy < 8; gy++)
    for (let gx = 0; gx < 6; gx++) {
      let s = 0;
      let c = 0;
      for (let y = Math.floor((gy * h) / 8); y < Math.floor(((gy + 1) * h) / 8); y++)
        for (let x = Math.floor((gx * w) / 6); x < Math.floor(((gx + 1) * w) / 6); x++) {
          s += 255 - pgm[off + y * w + x]!;
          c++;
        }
      ink.push(s / c);
    }
  return { rows: rows.map((y) => y - (rows[0] ?? 0)), cols, ink };
}

/** Mean distance from each line of the shorter list to the nearest of the other (0 when both have none). */
function lineDistance(a: number[], b: number[]): number {
  if (!a.length && !b.length) return 0;
  if (!a.length || !b.length) return Infinity;
  const [s, l] = a.length <= b.length ? [a, b] : [b, a];
  return s.reduce((n, x) => n + Math.min(...l.map((y) => Math.abs(x - y))), 0) / s.length;
}

function correlation(a: number[], b: number[]): number {
  const ma = a.reduce((x, y) => x + y, 0) / a.length;
  const mb = b.reduce((x, y) => x + y, 0) / b.length;
  let num = 0;
  let da = 0;
  let db = 0;
  a.forEach((x, i) => {
    num += (x - ma) * (b[i]! - mb);
    da += (x - ma) ** 2;
    db += (b[i]! - mb) ** 2;
  });
  return da && db ? num / Math.sqrt(da * db) : 0;
}

/** Why two pages do not look alike, or undefined when they do. */
export function unlike(a: Picture, b: Picture): string | undefined {
  if (Math.abs(a.rows.length - b.rows.length) > 1) return `${a.rows.length} ruled rows against ${b.rows.length}`;
  // Lines of text are a little taller in LibreOffice's substitute faces than in Chromium's: a page of many
  // wrapped lines (the brand form with its three opinions) ends up to 9 mm lower on average.
  if (lineDistance(a.rows, b.rows) > 9) return `rows ${lineDistance(a.rows, b.rows).toFixed(1)} mm apart on average`;
  if (Math.abs(a.cols.length - b.cols.length) > 1) return `${a.cols.length} ruled columns against ${b.cols.length}`;
  if (lineDistance(a.cols, b.cols) > 2) return `columns ${lineDistance(a.cols, b.cols).toFixed(1)} mm apart on average`;
  const r = correlation(a.ink, b.ink);
  if (r < 0.5) return `ink spread differently (correlation ${r.toFixed(2)})`;
  return undefined;
}

describe('forms as Word files, read by LibreOffice', () => {
  requireTool(hasSoffice, 'LibreOffice (soffice)');
  const tmp = tempDir('djyc-docx-lo-');
  const forms: Array<{ example: string; docx: FormOutput; pdf: FormOutput; lo: string; parts: Record<string, string>; content: string }> = [];
  let longLo = '';
  let longText = '';
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
    for (const name of EXAMPLES) {
      const repo = loadRepository(path.join(ROOT, 'examples', name));
      const programme = resolveProgramme(repo);
      const ctx = viewContext(repo, programme, { today: '2020-12-30' });
      // Two records of each form per example (the first and the last): every form of the seeds, with different data,
      // at a fraction of the cost of all ~190 (the PDF batch tests print them all).
      const all = selectTargets(ctx.index, programme, {});
      const targets = all.filter((t) => {
        const same = all.filter((x) => x.form.id === t.form.id);
        return t === same[0] || t === same[same.length - 1];
      });
      const docx = await renderForms(ctx, targets, { format: 'docx', outDir: path.join(tmp, 'docx', name) });
      const pdf = await renderForms(ctx, targets, { outDir: path.join(tmp, 'pdf', name), browser });
      expect([...docx, ...pdf].filter((o) => !o.ok).map((o) => `${o.label}: ${o.error}`)).toEqual([]);
      docx.forEach((d, i) => {
        const lo = path.join(tmp, 'lo', name, `${path.basename(d.out, '.docx')}.pdf`);
        // What the form shows apart from its seal and signature rows, notes and signature blocks.
        const html = layoutHtml(loadLayout(d.target.form.template), formDocument(ctx, d.target).view);
        const content = squash(html.replace(/<tr class="[^"]*\bkeep\b[^"]*">.*?<\/tr>|<div class="(?:note|sign-block)">.*?<\/div>/gs, '').replace(/<[^>]+>/g, ''));
        forms.push({ example: name, docx: d, pdf: pdf[i]!, lo, parts: docxParts(fs.readFileSync(d.out)), content });
      });
      if (name === 'huishan-2020') {
        // A 5,000-character 理由依据.
        const t = targets.find((x) => x.form.id === 'apply')!;
        const doc = formDocument(ctx, t);
        longText = Array.from({ length: 100 }, (_, i) => `第${i + 1}段：围绕群众普遍关注的热点、呼声强烈的难点和工作中长期存在亟待解决的问题，机关党员下沉一线开展调研走访（${i + 1}）。`).join('\n');
        const view = { ...doc.view, project: { ...(doc.view.project as object), reason: longText } };
        fs.mkdirSync(path.join(tmp, 'docx', 'long'), { recursive: true });
        fs.writeFileSync(path.join(tmp, 'docx', 'long', 'long.docx'), await docxOf([{ doc: { ...doc, view } }], 'long'));
        longLo = path.join(tmp, 'lo', 'long', 'long.pdf');
      }
    }
    await closeBrowser(browser);
    // One soffice run for every file (LibreOffice's start-up is most of its cost; its own profile, so that another
    // LibreOffice running does not interfere): linked into one folder under names unique across the examples, the
    // PDFs moved back to lo/<example>/ afterwards.
    const flat = path.join(tmp, 'docx-all');
    fs.mkdirSync(flat);
    const names = new Map<string, { dir: string; base: string }>();
    for (const dir of fs.readdirSync(path.join(tmp, 'docx'))) {
      for (const f of fs.readdirSync(path.join(tmp, 'docx', dir))) {
        const flatName = `${dir}--${f}`;
        fs.linkSync(path.join(tmp, 'docx', dir, f), path.join(flat, flatName));
        names.set(`${path.basename(flatName, '.docx')}.pdf`, { dir, base: `${path.basename(f, '.docx')}.pdf` });
      }
    }
    const files = [...names.keys()].map((n) => path.join(flat, `${path.basename(n, '.pdf')}.docx`));
    const r = spawnSync('soffice', [`-env:UserInstallation=file://${tmp}/lo-profile`, '--headless', '--convert-to', 'pdf', '--outdir', path.join(tmp, 'lo-all'), ...files], { encoding: 'utf8', timeout: callTimeout() });
    expect(r.status, r.stderr).toBe(0);
    for (const [pdfName, { dir, base }] of names) {
      fs.mkdirSync(path.join(tmp, 'lo', dir), { recursive: true });
      if (fs.existsSync(path.join(tmp, 'lo-all', pdfName))) fs.renameSync(path.join(tmp, 'lo-all', pdfName), path.join(tmp, 'lo', dir, base));
    }
  }, 480_000);

  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('converts every form of every example, with the seed\'s labels in order and every text of the file', () => {
    expect(forms.length).toBeGreaterThanOrEqual(28);
    expect(new Set(forms.map((f) => f.docx.target.form.template)).size).toBe(15); // with 004's 品牌创建档案
    for (const f of forms) {
      const key = path.relative(tmp, f.lo);
      expect(fs.existsSync(f.lo), `${key} was not converted`).toBe(true);
      const text = unquoted(raw(f.lo));
      expect(firstOutOfOrder(text, LABELS[f.docx.target.form.template]!.map(unquoted)), `${key}: label missing or out of order`).toBeUndefined();
      // Every paragraph of the Word file (labels and the record's values) is in what LibreOffice printed.
      // The archive's “→” comes from LibreOffice's fallback font on its own baseline, and pdftotext reads it out of
      // line: arrows are left out of the comparison.
      const noArrow = (t: string) => t.replace(/→/g, '');
      const printed = noArrow(squash(text));
      for (const para of unquoted(partText(f.parts['word/document.xml']!)).split('\n').map(squash).filter(Boolean)) expect(printed, key).toContain(noArrow(para));
      expect(printed).toContain(f.docx.code!);
    }
  });

  it('is opened by a second, independent reader (mammoth) without error: every file', async () => {
    for (const f of forms) {
      const r = await mammoth.extractRawText({ buffer: fs.readFileSync(f.docx.out) });
      expect(r.messages.filter((m) => m.type === 'error'), f.docx.out).toEqual([]);
      expect(squash(r.value), f.docx.out).toContain(squash(LABELS[f.docx.target.form.template]!.find((l) => !/^附/.test(l))!));
    }
  });

  it('keeps A4 and the GB/T 9704 margins (37 / 35 / 28 / 26 mm)', () => {
    for (const f of forms.filter((_, i) => i % 9 === 0)) {
      expect(execFileSync('pdfinfo', [f.lo], { encoding: 'utf8' })).toMatch(/Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)/);
      const words = [...execFileSync('pdftotext', ['-bbox', '-f', '1', '-l', '1', f.lo, '-'], { encoding: 'utf8' }).matchAll(/xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)"/g)].map((m) => m.slice(1).map(Number) as [number, number, number, number]);
      const mm = (v: number) => (v * 25.4) / 72;
      // The text block: everything above the footer (page number, verification code) at the foot of the page.
      const body = words.filter((w) => mm(w[3]) < 262.5);
      expect(mm(Math.min(...body.map((w) => w[0]))), f.lo).toBeGreaterThan(27.5);
      expect(mm(Math.min(...body.map((w) => w[1]))), f.lo).toBeGreaterThan(36);
      // On the right, a line may end in one punctuation mark hanging into the margin (LibreOffice hangs it).
      expect(mm(Math.max(...body.map((w) => w[2]))), f.lo).toBeLessThan(210 - 26 + 5.7);
      expect(body.filter((w) => mm(w[2]) > 210 - 25.5).every((w) => mm(w[2]) - mm(w[0]) > 20)).toBe(true);
    }
  });

  it('looks like the form Chromium prints: pages, ruled rows and columns, ink', () => {
    const differ: string[] = [];
    for (const f of forms) {
      const lo = pageCount(f.lo);
      // Chromium moves some rows of 002 附2 to a second page where Word's narrower line spacing does not (issue 14).
      if (Math.abs(lo - f.pdf.pages!) > 1) differ.push(`${f.lo}: ${lo} pages against ${f.pdf.pages}`);
      // Where one of them moved the last rows (kept together with the seal row) to a second page, page 1 differs
      // by those rows: compare the pages of forms that both printed alike.
      if (lo !== f.pdf.pages) continue;
      // The brand archive (品牌创建档案) runs over pages with the brand's history, and Word and Chromium break its
      // lists at different rows: its pages differ by the rows one of them carried over.
      if (f.docx.target.form.template === 'brand-archive') continue;
      const why = unlike(picture(f.lo), picture(f.pdf.out));
      if (why) differ.push(`${path.basename(f.lo)}: ${why}`);
    }
    expect(differ).toEqual([]);
    // The comparison can fail: a table form against a prose one, and a page against an empty one.
    const table = forms.find((f) => f.docx.target.form.template === 'shuangling-apply')!;
    const prose = forms.find((f) => f.docx.target.form.template === 'org-commitment')!;
    expect(unlike(picture(table.lo), picture(prose.pdf.out))).toBeDefined();
    expect(unlike(picture(table.lo), { rows: [], cols: [], ink: new Array(48).fill(0) })).toBeDefined();
  });

  it('never leaves a seal or signature row, or a note, alone on a page (Chromium\'s PDF and LibreOffice\'s)', () => {
    const alone: string[] = [];
    let continued = 0;
    for (const f of forms) {
      for (const [file, pages] of [[f.pdf.out, f.pdf.pages!], [f.lo, pageCount(f.lo)]] as const) {
        for (let p = 2; p <= pages; p++) {
          continued++;
          const page = squash(execFileSync('pdftotext', ['-raw', '-enc', 'UTF-8', '-f', String(p), '-l', String(p), file, '-'], { encoding: 'utf8' }))
            .replace(/—\d+—/g, '')
            .replace(/验证码[0-9A-Z]{5}-[0-9A-Z]{5}.*$/, '');
          // Some run of four characters of the page (a label or a value) is one of the form's other rows or paragraphs.
          let shown = false;
          for (let i = 0; i + 4 <= page.length && !shown; i++) shown = f.content.includes(page.slice(i, i + 4));
          if (!shown) alone.push(`${path.basename(file)} page ${p}: ${page.slice(0, 40)}`);
        }
      }
    }
    expect(continued).toBeGreaterThan(0);
    expect(alone).toEqual([]);
  });

  it('loses no text of a 5,000-character field', () => {
    expect([...longText.replace(/\n/g, '')].length).toBeGreaterThanOrEqual(5000);
    const text = squash(raw(longLo)).replace(/—\d+—/g, '').replace(/验证码[0-9A-Z]{5}-[0-9A-Z]{5}用djycverify核对记录/g, '');
    expect(pageCount(longLo)).toBeGreaterThanOrEqual(2);
    for (const para of longText.split('\n')) expect(text).toContain(squash(para));
  });
});
