/**
 * The PDF engine: complete HTML documents in, one PDF per document out. It knows nothing of records.
 *
 * Fast path: jobs whose documents share the same <head> (the same template CSS) are concatenated, in chunks,
 * into one document with a forced page break between forms; Chromium prints the chunk once and pdf-lib
 * splits it into per-form PDFs. Each form starts with an invisible link whose URI names the form, so the
 * page each form starts on is read back from the PDF's own link annotations: exact, whatever the layout.
 * A chunk that fails falls back to printing its forms one by one; each form is retried once; a dead browser
 * is relaunched. Every job ends exactly once in the results, as ok or failed with a reason.
 *
 * Security (record text is data): JavaScript is off before any content is set, every request except the
 * font origin is aborted, content goes in with setContent (never a file:// URL), and every document
 * carries a default-src 'none' Content-Security-Policy.
 */
import { randomBytes } from 'node:crypto';
import { writeAtomicAsync } from '../store/files.js';
import path from 'node:path';
import type { Browser, CDPSession, Page, Protocol } from 'puppeteer-core';
import { PDFDocument } from '@pdfme/pdf-lib';
import { closeBrowser, launchBrowser } from './browser.js';
import { T, say, type Lang } from '../domain/i18n.js';
import { fontResponse, uncoveredChars } from './fonts.js';
import { CSP_META, FONT_CSS_URL, FONT_ORIGIN, decodeEntities } from '../output/html.js';
import { copyPagesSharing, setMeta, stampOverlay, stampPageNumbers, takeMarkers } from './pdf.js';

export interface RenderJob {
  id: string;
  /** A complete HTML document (see wrapDocument); record text in it must already be HTML-escaped. */
  html: string;
  /** Output path of the PDF. */
  out: string;
  /** PDF document title; defaults to the document's <title>, then to id. */
  title?: string;
  /**
   * A one-page A4 overlay stamped on every page of the PDF (a footer, a watermark), or a function that makes it
   * (called once, while the form's batch document prints: a batch of forms starts printing sooner).
   */
  overlay?: Overlay | (() => Overlay);
  /** Extra metadata: keywords, and custom Info entries (name → text). */
  meta?: { keywords?: string[]; custom?: Record<string, string> };
}

/**
 * An HTML body fragment laid out on the whole sheet (margins 0) and its CSS, and PDF drawing operators to add over
 * it, in CSS pixels from the sheet's top-left corner, y downward (a QR code is drawn so much faster than printed).
 * Record text in the HTML must already be escaped.
 */
export interface Overlay {
  css: string;
  body: string;
  vector?: string;
}

export interface RenderOptions {
  /** Chromium pages working at once (default 2). */
  concurrency?: number;
  /** Time allowed per form (default 30 s); a batch of n forms gets this × ceil(n/10). */
  timeoutMs?: number;
  /** Called once per job, when it has ended (ok or failed). */
  onProgress?: (done: number, total: number, job: RenderJob, result: RenderResult) => void;
  /** Reuse this browser (it is not closed; if it dies, the engine launches its own and closes that). */
  browser?: Browser;
  /** Language of failure reasons (default zh). */
  lang?: Lang;
  /**
   * Forms per batch document (default 80; 1 prints every form on its own). Bounds Chromium's memory: a renderer
   * peaked at ≈ 350 MB with 80 one-page forms (≈ 300 MB with 40), and each print costs a fixed part of Chromium's
   * time (a 1,095-form batch took 8–15 % less wall time with 80 than with 40).
   */
  chunkSize?: number;
  /** 'auto' (default): stamp "— n —" on forms of more than one page; 'never': no page numbers. */
  pageNumbers?: 'auto' | 'never';
}

export interface RenderResult {
  id: string;
  out: string;
  ok: boolean;
  /** Pages in the PDF (ok only). */
  pages?: number;
  /** Size of the PDF in bytes (ok only). */
  bytes?: number;
  /** Prints this form went through: 1 normally; more after a failed batch or a retry. */
  attempts: number;
  /** Why it failed (failed only). */
  error?: string;
  /** Characters no bundled font covers (drawn from a system font or as a box), if any. */
  missingGlyphs?: string[];
}

// ---- documents ----------------------------------------------------------------------------------------

interface Parsed {
  /** Jobs with the same key can share one batch document. */
  key: string;
  /** Text of the document's <title>, if any. */
  title?: string;
  htmlAttrs: string;
  head: string;
  bodyAttrs: string;
  body: string;
}

/** Splits a document into the parts a batch document is assembled from. The title is dropped from the
 * head (it differs per form and goes into the PDF's metadata instead). */
export function parseDocument(html: string): Parsed {
  const htmlAttrs = /<html\b([^>]*)>/i.exec(html)?.[1] ?? ' lang="zh-CN"';
  const headMatch = /<head\b[^>]*>([\s\S]*?)<\/head\s*>/i.exec(html);
  const titleRe = /<title\b[^>]*>([\s\S]*?)<\/title\s*>/i;
  const head = headMatch?.[1] ?? '';
  const title = titleRe.exec(head)?.[1].trim();
  const bodyOpen = /<body\b([^>]*)>/i.exec(html);
  let body: string;
  let bodyAttrs = '';
  if (bodyOpen) {
    bodyAttrs = bodyOpen[1];
    const start = bodyOpen.index + bodyOpen[0].length;
    let end = html.lastIndexOf('</body>');
    if (end < start) end = html.toLowerCase().lastIndexOf('</body');
    body = html.slice(start, end < start ? undefined : end);
  } else {
    // A fragment, or a document without <body>: everything after </head> is the body.
    body = headMatch ? html.slice(headMatch.index + headMatch[0].length) : html;
    body = body.replace(/<\/?html\b[^>]*>/gi, '');
  }
  const shared = head.replace(titleRe, '');
  return {
    key: `${htmlAttrs}\u0000${shared}\u0000${bodyAttrs}`,
    title: title ? decodeEntities(title) : undefined,
    htmlAttrs,
    head: shared,
    bodyAttrs,
    body,
  };
}

const MARK_ORIGIN = 'https://djyc.invalid/form/';
// The wrapper is a custom element, so that no template rule for div/section can touch it.
const BATCH_CSS =
  'djyc-form{display:block!important;position:relative!important}' +
  'djyc-form+djyc-form{break-before:page!important}' +
  'a.djyc-mark{display:block!important;position:absolute!important;left:0!important;top:0!important;' +
  'width:1px!important;height:1px!important;margin:0!important;padding:0!important;border:0!important}';

/** One document holding forms `parts` (all with the same head), each behind a forced page break and
 * starting with a marker link <prefix><i>. A single form goes through the same path, so a form prints the
 * same alone as in a batch. */
function assemble(parts: Parsed[], prefix: string): string {
  const first = parts[0];
  let html =
    `<!DOCTYPE html>\n<html${first.htmlAttrs}>\n<head>\n<meta charset="utf-8">\n${CSP_META}\n<title>djyc</title>\n` +
    `${first.head}\n<style>${BATCH_CSS}</style>\n</head>\n<body${first.bodyAttrs}>\n`;
  parts.forEach((p, i) => {
    html += `<djyc-form><a class="djyc-mark" href="${prefix}${i}"></a>${p.body}</djyc-form>\n`;
  });
  return html + '</body>\n</html>\n';
}

// ---- browser and pages --------------------------------------------------------------------------------

class BrowserSession {
  private current?: Browser;
  private launching?: Promise<Browser>;
  private readonly owned: Browser[] = [];
  private usedExternal = false;
  constructor(
    private readonly external: Browser | undefined,
    private readonly lang: Lang,
  ) {}

  /** A connected browser: the caller's, or ours, relaunched if it died. */
  async get(): Promise<Browser> {
    if (this.current?.connected) return this.current;
    this.launching ??= (async () => {
      let b: Browser;
      if (this.external && !this.usedExternal && this.external.connected) {
        b = this.external;
      } else {
        b = await launchBrowser({ lang: this.lang });
        this.owned.push(b);
      }
      this.usedExternal = true;
      this.current = b;
      return b;
    })().finally(() => {
      this.launching = undefined;
    });
    return this.launching;
  }

  /** True for a browser this run launched (closed at its end), false for the caller's. */
  owns(browser: Browser): boolean {
    return this.owned.includes(browser);
  }

  async close(): Promise<void> {
    await Promise.all(this.owned.map((b) => closeBrowser(b)));
  }
}

// Locked pages left open on a caller's browser between renders, for the next render on that browser: a page keeps the
// fonts it has loaded in its renderer's memory cache, where a new page is sent and decodes them all again (a host that
// prints again and again — a test worker, a long-running service — saves that per call).
const idlePages = new WeakMap<Browser, Page[]>();
const MAX_IDLE_PAGES = 4;

async function takePage(browser: Browser): Promise<Page> {
  const idle = idlePages.get(browser);
  while (idle?.length) {
    const page = idle.pop()!;
    if (!page.isClosed()) return page;
  }
  return newLockedPage(browser);
}

/** Hands a page that printed without a failure back for the next render on its browser (or closes it). */
function releasePage(page: Page): void {
  const browser = page.browser();
  const idle = idlePages.get(browser) ?? [];
  if (page.isClosed() || !browser.connected || idle.length >= MAX_IDLE_PAGES) return closeQuietly(page);
  idle.push(page);
  idlePages.set(browser, idle);
}

/**
 * Answers a paused request: the bundled fonts and their stylesheet from memory, data: URLs go through, anything
 * else is refused. Through the DevTools Fetch domain directly (not puppeteer's request interception, whose base64
 * encoding of the font files in JavaScript took ≈ 0.15 s of one form's critical path).
 */
async function answerRequest(session: CDPSession, paused: Protocol.Fetch.RequestPausedEvent): Promise<void> {
  const { requestId } = paused;
  const url = paused.request.url;
  try {
    if (url.startsWith('data:')) return void (await session.send('Fetch.continueRequest', { requestId }));
    const res = url.startsWith(FONT_ORIGIN + '/') ? await fontResponse(url) : undefined;
    if (!res) {
      // A blocked navigation (meta refresh, link target) must not replace the document with an error page:
      // Aborted cancels a navigation without committing one.
      return void (await session.send('Fetch.failRequest', { requestId, errorReason: paused.resourceType === 'Document' ? 'Aborted' : 'BlockedByClient' }));
    }
    await session.send('Fetch.fulfillRequest', {
      requestId,
      responseCode: 200,
      // The page's origin is opaque (about:blank), so fonts are CORS requests; let the memory and HTTP
      // caches keep them across documents.
      responseHeaders: [
        { name: 'Content-Type', value: res.contentType },
        { name: 'Content-Length', value: String(res.body.byteLength) },
        { name: 'Cache-Control', value: 'public, max-age=31536000, immutable' },
        { name: 'Access-Control-Allow-Origin', value: '*' },
      ],
      body: res.body.toString('base64'),
    });
  } catch {
    // The page went away while we answered.
  }
}

async function newLockedPage(browser: Browser): Promise<Page> {
  const page = await browser.newPage();
  try {
    // Order matters: no script may run and nothing may load before the first content arrives.
    await page.setJavaScriptEnabled(false);
    const session = await page.createCDPSession();
    session.on('Fetch.requestPaused', (paused) => void answerRequest(session, paused));
    await session.send('Fetch.enable', { patterns: [{ urlPattern: '*' }] });
    return page;
  } catch (err) {
    await page.close().catch(() => undefined);
    throw err;
  }
}

function closeQuietly(page: Page | undefined): void {
  if (!page || page.isClosed()) return;
  void Promise.race([page.close(), new Promise((r) => setTimeout(r, 2_000).unref())]).catch(() => undefined);
}

class RenderFailure extends Error {
  constructor(
    message: string,
    /** The browser died during the attempt: not the forms' fault. */
    readonly browserDied = false,
  ) {
    super(message);
  }
}

const TEXT = {
  timeout: (seconds: number) => T(`渲染超时（${seconds} 秒）`, `rendering timed out after ${seconds} s`),
  crashed: T('浏览器页面崩溃', 'the browser page crashed'),
  browserDied: T('浏览器进程意外退出', 'the browser process died'),
  markers: T('无法确定各表单的页码范围', 'could not map pages to forms'),
  duplicateOut: (id: string) => T(`输出路径与“${id}”重复`, `same output path as "${id}"`),
  failed: T('渲染失败：', 'rendering failed: '),
};

/**
 * Prints `html` on `page` with a deadline. Rejects with RenderFailure on timeout, page crash or browser
 * death; the page should not be reused after a rejection.
 */
async function printOnPage(page: Page, html: string, timeoutMs: number, lang: Lang): Promise<Uint8Array> {
  let timer: NodeJS.Timeout | undefined;
  let onError: ((e: Error) => void) | undefined;
  let onGone: (() => void) | undefined;
  const browser = page.browser();
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RenderFailure(say(lang, TEXT.timeout(Math.round(timeoutMs / 1000))))), timeoutMs);
    onError = () => reject(new RenderFailure(say(lang, TEXT.crashed)));
    onGone = () => reject(new RenderFailure(say(lang, TEXT.browserDied), true));
    page.once('error', onError);
    browser.once('disconnected', onGone);
  });
  const work = (async () => {
    await page.setContent(html, { waitUntil: 'load', timeout: timeoutMs });
    return page.pdf({
      format: 'A4',
      preferCSSPageSize: true,
      printBackground: true,
      // Defaults for documents without an @page rule; _base.css sets the same (GB/T 9704-2012).
      margin: { top: '37mm', bottom: '35mm', left: '28mm', right: '26mm' },
      // The structure tree would not survive splitting the batch document; untagged is also faster.
      tagged: false,
      outline: false,
      timeout: timeoutMs,
    });
  })();
  work.catch(() => undefined);
  try {
    return await Promise.race([work, guard]);
  } catch (err) {
    if (err instanceof RenderFailure) throw err;
    if (!browser.connected) throw new RenderFailure(say(lang, TEXT.browserDied), true);
    throw new RenderFailure(err instanceof Error ? err.message : String(err));
  } finally {
    clearTimeout(timer);
    if (onError) page.off('error', onError);
    if (onGone) browser.off('disconnected', onGone);
  }
}

/**
 * pdf-lib parses (and writes) in slices of 100 (50) objects with a setTimeout between them, for pages that must stay
 * responsive; here that only added a timer's wait every few objects of every form (they are awaited in turn anyway).
 */
const WHOLE = { parseSpeed: Infinity } as const;

// ---- page numbers ---------------------------------------------------------------------------------------

let numberSheet: { pages: number; doc: Promise<PDFDocument> } | undefined;

/** A PDF whose page n shows "— n —" (DJYC Song 14 pt, its top 7 mm below the text block of a GB/T 9704 page;
 * odd pages at the right of the block, even at the left, one character in), rendered once per process by Chromium
 * so that the digits are an embedded subset font. */
function pageNumberSheet(page: Page, needed: number, timeoutMs: number): Promise<PDFDocument> {
  if (numberSheet && numberSheet.pages >= needed) return numberSheet.doc;
  const pages = Math.max(32, 2 ** Math.ceil(Math.log2(needed)));
  let body = '';
  for (let n = 1; n <= pages; n++) body += `<div class="n${n % 2 ? '' : ' even'}"><span>— ${n} —</span></div>`;
  const html =
    `<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">${CSP_META}` +
    `<link rel="stylesheet" href="${FONT_CSS_URL}"><style>` +
    '@page{size:210mm 297mm;margin:0}html,body{margin:0;background:transparent}' +
    '.n{position:relative;height:290mm;break-after:page}.n:last-child{break-after:auto}' +
    '.n span{position:absolute;left:calc(28mm + 14pt);right:calc(26mm + 14pt);top:269mm;text-align:right;font:400 14pt/1 "DJYC Song";white-space:pre}' +
    '.n.even span{text-align:left}' +
    `</style></head><body>${body}</body></html>`;
  const doc = (async () => {
    await page.setContent(html, { waitUntil: 'load', timeout: timeoutMs });
    const bytes = await page.pdf({ preferCSSPageSize: true, omitBackground: true, tagged: false, timeout: timeoutMs });
    return PDFDocument.load(bytes, WHOLE);
  })();
  const entry = { pages, doc };
  numberSheet = entry;
  doc.catch(() => {
    if (numberSheet === entry) numberSheet = undefined;
  });
  return doc;
}

// ---- the batch ------------------------------------------------------------------------------------------

interface Unit {
  /** Indexes into jobs. */
  indices: number[];
  /** Earlier failed attempts of this unit. */
  retries: number;
}

/**
 * Renders every job to its PDF. Never throws for a job's failure (it is reported in the result); throws only
 * when no browser can be found or launched at all (BrowserNotFoundError, launch errors).
 */
export async function renderPdfs(jobs: RenderJob[], opts: RenderOptions = {}): Promise<RenderResult[]> {
  const run = new BatchRun(jobs, opts);
  if (run.plan()) await run.work();
  return run.results();
}

/** One call of renderPdfs: the jobs, their state, and the queue of units the workers take from. */
class BatchRun {
  private readonly lang: Lang;
  private readonly concurrency: number;
  private readonly timeoutMs: number;
  private readonly numbering: 'auto' | 'never';
  private readonly done: Array<RenderResult | undefined>;
  private readonly attempts: number[];
  private readonly parsed: Array<Parsed | undefined>;
  /** Overlays made from jobs' functions (a retried form keeps its own). */
  private readonly overlays: Array<Overlay | undefined> = [];
  private readonly queue: Unit[] = [];
  private readonly session: BrowserSession;
  private finished = 0;

  constructor(
    private readonly jobs: RenderJob[],
    private readonly opts: RenderOptions,
  ) {
    this.lang = opts.lang ?? 'zh';
    this.concurrency = Math.max(1, Math.floor(opts.concurrency ?? 2));
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.numbering = opts.pageNumbers ?? 'auto';
    this.done = new Array(jobs.length);
    this.attempts = new Array(jobs.length).fill(0);
    this.parsed = new Array(jobs.length);
    this.session = new BrowserSession(opts.browser, this.lang);
  }

  /** Ends a job, exactly once, and reports progress. */
  private finish(i: number, r: Omit<RenderResult, 'id' | 'out' | 'attempts' | 'missingGlyphs'>): void {
    if (this.done[i]) return;
    const job = this.jobs[i]!;
    const missing = uncoveredChars(this.parsed[i]?.body ?? '');
    const result: RenderResult = { id: job.id, out: job.out, attempts: this.attempts[i]!, ...r, ...(missing.length ? { missingGlyphs: missing } : {}) };
    this.done[i] = result;
    this.finished++;
    try {
      this.opts.onProgress?.(this.finished, this.jobs.length, job, result);
    } catch {
      // A progress callback's error is not the render's.
    }
  }

  /**
   * Parses the documents and cuts them into units: jobs with the same head, in chunks spread over the workers.
   * Two jobs writing one file would race: the later ones fail up front. False when nothing is left to print.
   */
  plan(): boolean {
    const byOut = new Map<string, number>();
    const todo: number[] = [];
    this.jobs.forEach((job, i) => {
      this.parsed[i] = parseDocument(job.html);
      const key = path.resolve(job.out);
      const first = byOut.get(key);
      if (first !== undefined) {
        this.finish(i, { ok: false, error: say(this.lang, TEXT.duplicateOut(this.jobs[first]!.id)) });
        return;
      }
      byOut.set(key, i);
      todo.push(i);
    });
    const groups = new Map<string, number[]>();
    for (const i of todo) {
      const k = this.parsed[i]!.key;
      const g = groups.get(k);
      if (g) g.push(i);
      else groups.set(k, [i]);
    }
    const maxChunk = Math.max(1, Math.floor(this.opts.chunkSize ?? 80));
    const size = Math.max(1, Math.min(maxChunk, Math.ceil(todo.length / this.concurrency)));
    for (const g of groups.values()) {
      for (let k = 0; k < g.length; k += size) this.queue.push({ indices: g.slice(k, k + size), retries: 0 });
    }
    return todo.length > 0;
  }

  /**
   * Runs the workers over the shared queue. An idle worker waits while another is busy, since a failed batch
   * puts its forms back on the queue and both workers should then take them.
   */
  async work(): Promise<void> {
    let fatal: unknown;
    let active = 0;
    let waiting: Array<() => void> = [];
    const wakeAll = (): void => {
      const w = waiting;
      waiting = [];
      w.forEach((f) => f());
    };
    const worker = async (): Promise<void> => {
      const state: { page?: Page } = {};
      try {
        while (fatal === undefined) {
          const unit = this.queue.shift();
          if (!unit) {
            if (active === 0) break;
            await new Promise<void>((resolve) => waiting.push(resolve));
            continue;
          }
          active++;
          try {
            await this.runUnit(unit, state);
          } catch (err) {
            fatal = err;
          } finally {
            active--;
            wakeAll();
          }
        }
      } finally {
        // A page of the caller's browser goes back to the pool; ours close with the browser.
        if (state.page && !this.session.owns(state.page.browser())) releasePage(state.page);
        else closeQuietly(state.page);
      }
    };
    try {
      await Promise.all(Array.from({ length: this.concurrency }, worker));
    } finally {
      await this.session.close();
    }
    if (fatal !== undefined) throw fatal;
  }

  results(): RenderResult[] {
    return this.done.map((r, i) => r ?? { id: this.jobs[i]!.id, out: this.jobs[i]!.out, ok: false, attempts: this.attempts[i]!, error: say(this.lang, TEXT.failed) });
  }

  /** Prints a unit as one document and writes its PDFs; what it could not finish goes back on the queue. */
  private async runUnit(unit: Unit, worker: { page?: Page }): Promise<void> {
    const idx = unit.indices.filter((i) => !this.done[i]);
    if (idx.length === 0) return;
    idx.forEach((i) => this.attempts[i]!++);
    const prefix = `${MARK_ORIGIN}${randomBytes(8).toString('hex')}/`;
    const html = assemble(idx.map((i) => this.parsed[i]!), prefix);
    const unitTimeout = this.timeoutMs * Math.max(1, Math.ceil(idx.length / 10));
    try {
      const browser = await this.session.get();
      if (!worker.page || worker.page.isClosed() || worker.page.browser() !== browser || !browser.connected) {
        closeQuietly(worker.page);
        worker.page = await takePage(browser);
      }
      const printing = printOnPage(worker.page, html, unitTimeout, this.lang);
      printing.catch(() => undefined);
      // Made while Chromium lays the document out.
      const overlayOf = new Map(idx.flatMap((i) => this.overlayOf(i)));
      const doc = await PDFDocument.load(await printing, WHOLE);
      const overlays = await this.printOverlays(overlayOf, worker.page, unitTimeout);
      const failed = await this.writeForms(doc, idx, prefix, worker.page, overlayOf, overlays);
      if (failed) this.requeue(unit, failed.indices, failed.failure);
    } catch (err) {
      const failure = err instanceof RenderFailure ? err : new RenderFailure(err instanceof Error ? err.message : String(err));
      if (isLaunchError(err)) throw err;
      closeQuietly(worker.page);
      worker.page = undefined;
      this.requeue(unit, idx, failure);
    }
  }

  /** A job's overlay as [job index, overlay], made on first use; none when it has none. */
  private overlayOf(i: number): Array<[number, Overlay]> {
    const given = this.jobs[i]!.overlay;
    const overlay = typeof given === 'function' ? (this.overlays[i] ??= given()) : given;
    return overlay ? [[i, overlay]] : [];
  }

  /** Prints the overlays of a unit's jobs, one page each, in one document: job index → its page there. */
  private async printOverlays(overlayOf: Map<number, Overlay>, page: Page, timeoutMs: number): Promise<{ doc: PDFDocument; pageOf: Map<number, number> } | undefined> {
    const withOverlay = [...overlayOf.keys()];
    if (withOverlay.length === 0) return undefined;
    const css = [...new Set(withOverlay.map((i) => overlayOf.get(i)!.css))].join('\n');
    const body = withOverlay.map((i) => `<div class="djyc-sheet">${overlayOf.get(i)!.body}</div>`).join('');
    const html =
      `<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">${CSP_META}<link rel="stylesheet" href="${FONT_CSS_URL}"><style>` +
      '@page{size:210mm 297mm;margin:0}html,body{margin:0;background:transparent}' +
      '.djyc-sheet{position:relative;width:210mm;height:297mm;overflow:hidden;break-after:page}.djyc-sheet:last-child{break-after:auto}' +
      `${css.replace(/<\/style/gi, '<\\/style')}</style></head><body>${body}</body></html>`;
    await page.setContent(html, { waitUntil: 'load', timeout: timeoutMs });
    const bytes = await page.pdf({ preferCSSPageSize: true, omitBackground: true, tagged: false, timeout: timeoutMs });
    const doc = await PDFDocument.load(bytes, WHOLE);
    if (doc.getPageCount() !== withOverlay.length) throw new RenderFailure(say(this.lang, TEXT.markers));
    return { doc, pageOf: new Map(withOverlay.map((i, k) => [i, k])) };
  }

  /** Splits a printed unit into its forms (numbering pages where they run over one, stamping overlays) and writes each PDF. */
  private async writeForms(
    doc: PDFDocument,
    idx: number[],
    prefix: string,
    page: Page,
    overlayOf: Map<number, Overlay>,
    overlays?: { doc: PDFDocument; pageOf: Map<number, number> },
  ): Promise<{ indices: number[]; failure: RenderFailure } | undefined> {
    const starts = formStarts(doc, prefix, idx.length, this.lang);
    const ends = starts.map((s, k) => (k + 1 < starts.length ? starts[k + 1]! : doc.getPageCount()));
    const longest = Math.max(...starts.map((s, k) => ends[k]! - s));
    const sheet =
      this.numbering === 'auto' && longest > 1
        ? await pageNumberSheet(page, longest, this.timeoutMs).catch((err) => {
            throw new RenderFailure(`${say(this.lang, TEXT.failed)}${(err as Error).message}`, !page.browser().connected);
          })
        : undefined;
    const leftovers: number[] = [];
    let failure: RenderFailure | undefined;
    const writes: Promise<void>[] = [];
    for (let k = 0; k < idx.length; k++) {
      const i = idx[k]!;
      try {
        const count = ends[k]! - starts[k]!;
        let out: PDFDocument;
        if (idx.length === 1) {
          out = doc; // a lone form: edit the printed document in place
        } else {
          out = await PDFDocument.create();
          const pages = await copyPagesSharing(doc, out, range(starts[k]!, ends[k]!));
          pages.forEach((p) => out.addPage(p));
        }
        if (sheet && count > 1) await stampPageNumbers(out, out.getPages(), sheet);
        const o = overlays?.pageOf.get(i);
        if (overlays && o !== undefined) await stampOverlay(out, out.getPages(), overlays.doc, o, overlayOf.get(i)!.vector);
        const job = this.jobs[i]!;
        setMeta(out, { title: job.title ?? this.parsed[i]!.title ?? job.id, lang: langOf(this.parsed[i]!.htmlAttrs), keywords: job.meta?.keywords, custom: job.meta?.custom });
        // Without object streams: pdf-lib would deflate them in JavaScript, a large part of a batch's time.
        const data = await out.save({ useObjectStreams: false, objectsPerTick: Infinity });
        // Written while the next forms are cut (the fsync waits in the thread pool, not here).
        writes.push(
          writeAtomicAsync(this.jobs[i]!.out, data).then(
            () => this.finish(i, { ok: true, pages: count, bytes: data.length }),
            (err: Error) => {
              leftovers.push(i);
              failure = new RenderFailure(err.message);
            },
          ),
        );
      } catch (err) {
        // A write error (disk full, permissions) is retried like any other failure of this form.
        leftovers.push(i);
        failure = new RenderFailure((err as Error).message);
      }
    }
    await Promise.all(writes);
    return leftovers.length ? { indices: leftovers, failure: failure! } : undefined;
  }

  /** After a failure: a batch is retried whole once if the browser died under it, else its forms go on one by
   * one; a single form is retried once, then reported as failed. */
  private requeue(unit: Unit, idx: number[], failure: RenderFailure): void {
    if (idx.length > 1) {
      if (failure.browserDied && unit.retries === 0) this.queue.unshift({ indices: idx, retries: 1 });
      else this.queue.unshift(...idx.map((i) => ({ indices: [i], retries: 0 })));
      return;
    }
    if (unit.retries === 0) {
      this.queue.unshift({ indices: idx, retries: 1 });
      return;
    }
    const failed = say(this.lang, TEXT.failed);
    this.finish(idx[0]!, { ok: false, error: failure.message.startsWith(failed) ? failure.message : `${failed}${failure.message}` });
  }
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, k) => from + k);
}

function langOf(htmlAttrs: string): string {
  return /\blang\s*=\s*["']?([A-Za-z-]+)/.exec(htmlAttrs)?.[1] ?? 'zh-CN';
}

/** Page index where each of `count` forms starts, from the marker links; throws if they do not add up. */
function formStarts(doc: PDFDocument, prefix: string, count: number, lang: Lang): number[] {
  const found = takeMarkers(doc, prefix);
  const starts: number[] = new Array(count).fill(-1);
  for (const [page, suffixes] of found) {
    for (const s of suffixes) {
      const k = Number(s);
      if (!Number.isInteger(k) || k < 0 || k >= count || starts[k] !== -1) throw new RenderFailure(say(lang, TEXT.markers));
      starts[k] = page;
    }
  }
  const ok = starts[0] === 0 && starts.every((s, k) => s >= 0 && (k === 0 || s > starts[k - 1]));
  if (!ok) throw new RenderFailure(say(lang, TEXT.markers));
  return starts;
}

function isLaunchError(err: unknown): boolean {
  return err instanceof Error && (err.name === 'BrowserNotFoundError' || /Failed to launch the browser process/i.test(err.message));
}
