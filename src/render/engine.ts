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
import { breakLongRuns } from './linebreak.js';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, HTTPRequest, Page } from 'puppeteer-core';
import { PDFDocument } from 'pdf-lib';
import { closeBrowser, launchBrowser, type Lang } from './browser.js';
import { FONT_CSS_URL, FONT_ORIGIN, fontResponse, uncoveredChars } from './fonts.js';
import { decodeEntities, escapeHtml } from './html.js';
import { setMeta, stampPageNumbers, takeMarkers, writeFileAtomic } from './pdf.js';

export interface RenderJob {
  id: string;
  /** A complete HTML document (see wrapDocument); record text in it must already be HTML-escaped. */
  html: string;
  /** Output path of the PDF. */
  out: string;
  /** PDF document title; defaults to the document's <title>, then to id. */
  title?: string;
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
  /** Forms per batch document (default 40; 1 prints every form on its own). Bounds Chromium's memory. */
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

/** The policy every document carries: nothing may load except the bundled fonts and data: URLs. */
export const CSP = `default-src 'none'; font-src ${FONT_ORIGIN} data:; img-src data:; style-src 'unsafe-inline' ${FONT_ORIGIN}`;
const CSP_META = `<meta http-equiv="Content-Security-Policy" content="${CSP}">`;

const here = path.dirname(fileURLToPath(import.meta.url));
/** templates/forms/_base.css, from src/render or dist/render alike. */
export const BASE_CSS_PATH = path.resolve(here, '../../templates/forms/_base.css');
let baseCss: string | undefined;
export function baseStylesheet(): string {
  baseCss ??= readFileSync(BASE_CSS_PATH, 'utf8');
  return baseCss;
}

export interface WrapOptions {
  title: string;
  /** The template's own CSS, placed after the base stylesheet. */
  css?: string;
  /** The form's HTML (record text already escaped). */
  body: string;
  /** Document language (default zh-CN: it picks Chinese glyph forms). */
  lang?: string;
}

/**
 * A complete document: the CSP first, the font stylesheet (served by the engine from memory — ~0.5 MB, so
 * linked rather than inlined), the base stylesheet, then the template's CSS and body.
 */
export function wrapDocument({ title, css = '', body, lang = 'zh-CN' }: WrapOptions): string {
  return (
    `<!DOCTYPE html>\n<html lang="${escapeHtml(lang)}">\n<head>\n<meta charset="utf-8">\n${CSP_META}\n` +
    `<title>${escapeHtml(title)}</title>\n<link rel="stylesheet" href="${FONT_CSS_URL}">\n` +
    `<style>\n${baseStylesheet()}</style>\n` +
    (css ? `<style>\n${css.replace(/<\/style/gi, '<\\/style')}\n</style>\n` : '') +
    // Long runs without a break opportunity get some before layout (linebreak.ts): layout time stays linear.
    `</head>\n<body>\n${breakLongRuns(body)}\n</body>\n</html>\n`
  );
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

  async close(): Promise<void> {
    await Promise.all(this.owned.map((b) => closeBrowser(b)));
  }
}

async function answerRequest(req: HTTPRequest): Promise<void> {
  if (req.isInterceptResolutionHandled()) return;
  const url = req.url();
  try {
    if (url.startsWith('data:')) return await req.continue();
    const res = url.startsWith(FONT_ORIGIN + '/') ? await fontResponse(url) : undefined;
    if (!res) {
      // A blocked navigation (meta refresh, link target) must not replace the document with an error page:
      // ERR_ABORTED cancels a navigation without committing one.
      return await req.abort(req.isNavigationRequest() ? 'aborted' : 'blockedbyclient');
    }
    await req.respond({
      status: 200,
      contentType: res.contentType,
      // The page's origin is opaque (about:blank), so fonts are CORS requests; let the memory and HTTP
      // caches keep them across documents.
      headers: { 'Cache-Control': 'public, max-age=31536000, immutable', 'Access-Control-Allow-Origin': '*' },
      body: res.body,
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
    await page.setRequestInterception(true);
    page.on('request', (req) => void answerRequest(req));
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
  timeout: { zh: (s: number) => `渲染超时（${s} 秒）`, en: (s: number) => `rendering timed out after ${s} s` },
  crashed: { zh: '浏览器页面崩溃', en: 'the browser page crashed' },
  browserDied: { zh: '浏览器进程意外退出', en: 'the browser process died' },
  markers: { zh: '无法确定各表单的页码范围', en: 'could not map pages to forms' },
  duplicateOut: { zh: (id: string) => `输出路径与“${id}”重复`, en: (id: string) => `same output path as "${id}"` },
  failed: { zh: '渲染失败：', en: 'rendering failed: ' },
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
    timer = setTimeout(() => reject(new RenderFailure(TEXT.timeout[lang](Math.round(timeoutMs / 1000)))), timeoutMs);
    onError = () => reject(new RenderFailure(TEXT.crashed[lang]));
    onGone = () => reject(new RenderFailure(TEXT.browserDied[lang], true));
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
    if (!browser.connected) throw new RenderFailure(TEXT.browserDied[lang], true);
    throw new RenderFailure(err instanceof Error ? err.message : String(err));
  } finally {
    clearTimeout(timer);
    if (onError) page.off('error', onError);
    if (onGone) browser.off('disconnected', onGone);
  }
}

// ---- page numbers ---------------------------------------------------------------------------------------

let numberSheet: { pages: number; doc: Promise<PDFDocument> } | undefined;

/** A PDF whose page n shows "— n —" (DJYC Song 14 pt, centred, its top 7 mm below the text block of a
 * GB/T 9704 page), rendered once per process by Chromium so that the digits are an embedded subset font. */
function pageNumberSheet(page: Page, needed: number, timeoutMs: number): Promise<PDFDocument> {
  if (numberSheet && numberSheet.pages >= needed) return numberSheet.doc;
  const pages = Math.max(32, 2 ** Math.ceil(Math.log2(needed)));
  let body = '';
  for (let n = 1; n <= pages; n++) body += `<div class="n"><span>— ${n} —</span></div>`;
  const html =
    `<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">${CSP_META}` +
    `<link rel="stylesheet" href="${FONT_CSS_URL}"><style>` +
    '@page{size:210mm 297mm;margin:0}html,body{margin:0;background:transparent}' +
    '.n{position:relative;height:290mm;break-after:page}.n:last-child{break-after:auto}' +
    '.n span{position:absolute;left:0;right:0;top:269mm;text-align:center;font:400 14pt/1 "DJYC Song";white-space:pre}' +
    `</style></head><body>${body}</body></html>`;
  const doc = (async () => {
    await page.setContent(html, { waitUntil: 'load', timeout: timeoutMs });
    const bytes = await page.pdf({ preferCSSPageSize: true, omitBackground: true, tagged: false, timeout: timeoutMs });
    return PDFDocument.load(bytes);
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
  const lang: Lang = opts.lang ?? 'zh';
  const concurrency = Math.max(1, Math.floor(opts.concurrency ?? 2));
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const numbering = opts.pageNumbers ?? 'auto';
  const total = jobs.length;
  const results: Array<RenderResult | undefined> = new Array(total);
  const attempts: number[] = new Array(total).fill(0);
  let done = 0;

  const finish = (i: number, r: Omit<RenderResult, 'id' | 'out' | 'attempts' | 'missingGlyphs'>): void => {
    if (results[i]) return; // each job ends exactly once
    const missing = uncoveredChars(parsed[i]?.body ?? '');
    results[i] = {
      id: jobs[i].id,
      out: jobs[i].out,
      attempts: attempts[i],
      ...r,
      ...(missing.length ? { missingGlyphs: missing } : {}),
    };
    done++;
    try {
      opts.onProgress?.(done, total, jobs[i], results[i]!);
    } catch {
      // A progress callback's error is not the render's.
    }
  };

  // Two jobs writing one file would race: the later ones fail up front.
  const parsed: Array<Parsed | undefined> = new Array(total);
  const byOut = new Map<string, number>();
  const todo: number[] = [];
  jobs.forEach((job, i) => {
    const key = path.resolve(job.out);
    const first = byOut.get(key);
    if (first !== undefined) {
      parsed[i] = parseDocument(job.html);
      finish(i, { ok: false, error: TEXT.duplicateOut[lang](jobs[first].id) });
      return;
    }
    byOut.set(key, i);
    parsed[i] = parseDocument(job.html);
    todo.push(i);
  });
  if (todo.length === 0) return results as RenderResult[];

  // Group by head, then cut each group into chunks; spread small batches over the workers.
  const groups = new Map<string, number[]>();
  for (const i of todo) {
    const k = parsed[i]!.key;
    const g = groups.get(k);
    if (g) g.push(i);
    else groups.set(k, [i]);
  }
  const maxChunk = Math.max(1, Math.floor(opts.chunkSize ?? 40));
  const size = Math.max(1, Math.min(maxChunk, Math.ceil(todo.length / concurrency)));
  const queue: Unit[] = [];
  for (const g of groups.values()) {
    for (let k = 0; k < g.length; k += size) queue.push({ indices: g.slice(k, k + size), retries: 0 });
  }

  const session = new BrowserSession(opts.browser, lang);

  /** Prints a unit and writes its PDFs; what it could not finish goes back on the queue (see requeue). */
  const runUnit = async (unit: Unit, worker: { page?: Page }): Promise<void> => {
    const idx = unit.indices.filter((i) => !results[i]);
    if (idx.length === 0) return;
    idx.forEach((i) => attempts[i]++);
    const nonce = randomBytes(8).toString('hex');
    const prefix = `${MARK_ORIGIN}${nonce}/`;
    const html = assemble(
      idx.map((i) => parsed[i]!),
      prefix,
    );
    const unitTimeout = timeoutMs * Math.max(1, Math.ceil(idx.length / 10));
    let failure: RenderFailure | undefined;
    try {
      const browser = await session.get();
      if (!worker.page || worker.page.isClosed() || worker.page.browser() !== browser || !browser.connected) {
        closeQuietly(worker.page);
        worker.page = await newLockedPage(browser);
      }
      const page = worker.page;
      const bytes = await printOnPage(page, html, unitTimeout, lang);
      const doc = await PDFDocument.load(bytes);
      const starts = formStarts(doc, prefix, idx.length, lang);
      const ends = starts.map((s, k) => (k + 1 < starts.length ? starts[k + 1] : doc.getPageCount()));
      const longest = Math.max(...starts.map((s, k) => ends[k] - s));
      const sheet =
        numbering === 'auto' && longest > 1
          ? await pageNumberSheet(page, longest, timeoutMs).catch((err) => {
              throw new RenderFailure(`${TEXT.failed[lang]}${(err as Error).message}`, !page.browser().connected);
            })
          : undefined;

      const leftovers: number[] = [];
      for (let k = 0; k < idx.length; k++) {
        const i = idx[k];
        try {
          const count = ends[k] - starts[k];
          let out: PDFDocument;
          if (idx.length === 1) {
            out = doc; // a lone form: edit the printed document in place
          } else {
            out = await PDFDocument.create();
            const pages = await out.copyPages(doc, range(starts[k], ends[k]));
            pages.forEach((p) => out.addPage(p));
          }
          if (sheet && count > 1) await stampPageNumbers(out, out.getPages(), sheet);
          setMeta(out, { title: jobs[i].title ?? parsed[i]!.title ?? jobs[i].id, lang: langOf(parsed[i]!.htmlAttrs) });
          const data = await out.save();
          await writeFileAtomic(jobs[i].out, data);
          finish(i, { ok: true, pages: count, bytes: data.length });
        } catch (err) {
          // A write error (disk full, permissions) is retried like any other failure of this form.
          leftovers.push(i);
          failure = new RenderFailure((err as Error).message);
        }
      }
      if (leftovers.length === 0) return;
      requeue(unit, leftovers, failure!);
      return;
    } catch (err) {
      failure = err instanceof RenderFailure ? err : new RenderFailure(err instanceof Error ? err.message : String(err));
      if (isLaunchError(err)) throw err;
      closeQuietly(worker.page);
      worker.page = undefined;
    }
    requeue(unit, idx, failure);
  };

  /** What happens after a failure: a batch is retried whole once if the browser died under it, else its
   * forms go on one by one; a single form is retried once, then reported as failed. */
  const requeue = (unit: Unit, idx: number[], failure: RenderFailure): void => {
    if (idx.length > 1) {
      if (failure.browserDied && unit.retries === 0) queue.unshift({ indices: idx, retries: 1 });
      else queue.unshift(...idx.map((i) => ({ indices: [i], retries: 0 })));
      return;
    }
    if (unit.retries === 0) {
      queue.unshift({ indices: idx, retries: 1 });
      return;
    }
    const reason = failure.message.startsWith(TEXT.failed[lang]) ? failure.message : `${TEXT.failed[lang]}${failure.message}`;
    finish(idx[0], { ok: false, error: reason });
  };

  let fatal: unknown;
  let active = 0;
  let waiting: Array<() => void> = [];
  const wakeAll = (): void => {
    const w = waiting;
    waiting = [];
    w.forEach((f) => f());
  };
  // Workers share the queue. An idle worker waits while another is busy, since a failed batch puts its
  // forms back on the queue and both workers should then take them.
  const worker = async (): Promise<void> => {
    const state: { page?: Page } = {};
    try {
      while (fatal === undefined) {
        const unit = queue.shift();
        if (!unit) {
          if (active === 0) break;
          await new Promise<void>((resolve) => waiting.push(resolve));
          continue;
        }
        active++;
        try {
          await runUnit(unit, state);
        } catch (err) {
          fatal = err;
        } finally {
          active--;
          wakeAll();
        }
      }
    } finally {
      closeQuietly(state.page);
    }
  };

  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    await session.close();
  }
  if (fatal !== undefined) throw fatal;
  return results.map((r, i) => r ?? { id: jobs[i].id, out: jobs[i].out, ok: false, attempts: attempts[i], error: TEXT.failed[lang] });
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
      if (!Number.isInteger(k) || k < 0 || k >= count || starts[k] !== -1) throw new RenderFailure(TEXT.markers[lang]);
      starts[k] = page;
    }
  }
  const ok = starts[0] === 0 && starts.every((s, k) => s >= 0 && (k === 0 || s > starts[k - 1]));
  if (!ok) throw new RenderFailure(TEXT.markers[lang]);
  return starts;
}

function isLaunchError(err: unknown): boolean {
  return err instanceof Error && (err.name === 'BrowserNotFoundError' || /Failed to launch the browser process/i.test(err.message));
}
