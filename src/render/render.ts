/**
 * Forms to files: view models (forms.ts) through the templates (templates.ts) into HTML documents, and
 * through the engine (engine.ts, one browser for the whole batch) into PDFs. No terminal here: progress goes
 * to a callback; the CLI draws it.
 */
import path from 'node:path';
import type { Browser } from 'puppeteer-core';
import { readPhoneRoster } from '../core/privacy.js';
import { RecordIndex, type Repository } from '../core/repo.js';
import type { ProgrammeRecord } from '../core/types.generated.js';
import { renderPdfs, type RenderJob, type RenderResult } from './engine.js';
import { buildView, fileBase, formTitle, recordLabel, type FormTarget, type ViewContext } from './forms.js';
import { IMAGE_TYPES, readInside, recordPathProblem, sniffType, typeMismatch } from '../core/containment.js';
import { renderDocument } from './templates.js';
import type { Lang } from './browser.js';
import { writeFileAtomic } from './pdf.js';

/** Largest asset (logo) read into a form. */
const MAX_ASSET_BYTES = 5 * 1024 * 1024;

export interface ContextOptions {
  public?: boolean;
  today?: string;
}

/** Everything a view needs from a loaded repository. Reads the phone roster when one is configured. */
export function viewContext(repo: Repository, programme: ProgrammeRecord, opts: ContextOptions = {}): ViewContext {
  const index = new RecordIndex(repo);
  return {
    index,
    programme,
    roster: readPhoneRoster(repo.root, repo.config),
    public: opts.public,
    today: opts.today,
    // The containment rule (containment.ts): a plain path under attachments/, no link on the way, a regular file
    // within the size limit, and an image by its content as its extension says; else the form shows no logo.
    readAsset: (rel) => {
      if (recordPathProblem(rel)) return undefined;
      const read = readInside(repo.root, rel, MAX_ASSET_BYTES);
      if (!read.ok || typeMismatch(rel, read.bytes)) return undefined;
      const type = sniffType(read.bytes);
      return type && IMAGE_TYPES.has(type) ? read.bytes : undefined;
    },
  };
}

export interface FormDocument {
  target: FormTarget;
  /** Printed title (with the region when the form asks for it). */
  title: string;
  /** Annex number and title, e.g. “附件4 党组织领办项目结项书”: the group in a pack's contents. */
  group: string;
  /** Which record (and member or unit) this copy is for, e.g. “王华：牵头制定……”. */
  item: string;
  /** group：item — for bookmarks, lists and the PDF's metadata. */
  label: string;
  html: string;
}

function shorten(s: string, max: number): string {
  const chars = [...s.replace(/\s+/g, ' ').trim()];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : chars.join('');
}

export function formDocument(ctx: ViewContext, target: FormTarget): FormDocument {
  const title = formTitle(ctx.programme, target.form);
  const group = target.form.annex ? `${target.form.annex} ${title}` : title;
  const view = buildView(ctx, target);
  let item = shorten(recordLabel(ctx.index, target.record), 30);
  if (target.member) item = `${ctx.index.get('member', target.member)?.data.name ?? target.member}：${item}`;
  if (target.unit) {
    const org = ctx.index.get('organisation', target.unit)?.data;
    item = `${org?.short_name ?? org?.name ?? target.unit}：${item}`;
  }
  const label = target.record.kind === 'programme' ? group : `${group}：${item}`;
  return { target, title, group, item, label, html: renderDocument(target.form.template, view, label) };
}

export interface FormOutput {
  target: FormTarget;
  label: string;
  group?: string;
  item?: string;
  out: string;
  ok: boolean;
  pages?: number;
  bytes?: number;
  error?: string;
  missingGlyphs?: string[];
}

export interface RenderFormsOptions {
  /** Folder for the files (named by fileBase); or `outFile` for a single form. */
  outDir?: string;
  outFile?: string;
  format?: 'pdf' | 'html';
  lang?: Lang;
  browser?: Browser;
  pageNumbers?: 'auto' | 'never';
  onProgress?: (done: number, total: number, output: FormOutput) => void;
}

/** Output path of each target: outFile for a single one, else <outDir>/<fileBase>.<ext>, made unique. */
export function outputPaths(programme: ProgrammeRecord, targets: FormTarget[], opts: RenderFormsOptions): string[] {
  const ext = opts.format === 'html' ? 'html' : 'pdf';
  if (opts.outFile && targets.length === 1) return [path.resolve(opts.outFile)];
  const dir = path.resolve(opts.outDir ?? '.');
  const used = new Set<string>();
  return targets.map((t) => {
    const base = `${t.form.id}_${fileBase(programme, t)}`;
    let name = `${base}.${ext}`;
    for (let n = 2; used.has(name); n++) name = `${base}-${n}.${ext}`;
    used.add(name);
    // Names come from record data (sanitised by fileBase); whatever they say, the file stays in the folder named.
    const file = path.join(dir, name);
    if (path.dirname(file) !== dir) throw new Error(`output name escapes ${dir}: ${name}`);
    return file;
  });
}

/**
 * Renders forms to PDF (one browser for the whole batch, through the engine) or to HTML files. Never throws
 * for one form's failure: it is in the result. Throws when no browser can be found or launched.
 */
export async function renderForms(ctx: ViewContext, targets: FormTarget[], opts: RenderFormsOptions = {}): Promise<FormOutput[]> {
  const outs = outputPaths(ctx.programme, targets, opts);
  const docs: Array<FormDocument | undefined> = [];
  const early: Array<FormOutput | undefined> = [];
  targets.forEach((t, i) => {
    try {
      docs.push(formDocument(ctx, t));
    } catch (err) {
      docs.push(undefined);
      early[i] = { target: t, label: t.form.title, out: outs[i]!, ok: false, error: (err as Error).message };
    }
  });
  const total = targets.length;
  let done = 0;
  const results: FormOutput[] = new Array(total);
  const report = (i: number, o: FormOutput) => {
    results[i] = o;
    done++;
    opts.onProgress?.(done, total, o);
  };
  early.forEach((o, i) => o && report(i, o));

  if (opts.format === 'html') {
    for (let i = 0; i < total; i++) {
      const d = docs[i];
      if (!d) continue;
      try {
        const data = Buffer.from(d.html, 'utf8');
        await writeFileAtomic(outs[i]!, data);
        report(i, { target: d.target, label: d.label, group: d.group, item: d.item, out: outs[i]!, ok: true, bytes: data.length });
      } catch (err) {
        report(i, { target: d.target, label: d.label, out: outs[i]!, ok: false, error: (err as Error).message });
      }
    }
    return results;
  }

  const jobs: RenderJob[] = [];
  const jobIndex: number[] = [];
  docs.forEach((d, i) => {
    if (!d) return;
    jobs.push({ id: d.target.key + ':' + d.target.form.id, html: d.html, out: outs[i]!, title: d.label });
    jobIndex.push(i);
  });
  if (jobs.length === 0) return results;
  const toOutput = (k: number, r: RenderResult): FormOutput => {
    const d = docs[jobIndex[k]!]!;
    return { target: d.target, label: d.label, group: d.group, item: d.item, out: r.out, ok: r.ok, pages: r.pages, bytes: r.bytes, error: r.error, missingGlyphs: r.missingGlyphs };
  };
  const byId = new Map(jobs.map((j, k) => [j, k]));
  await renderPdfs(jobs, {
    browser: opts.browser,
    lang: opts.lang,
    pageNumbers: opts.pageNumbers,
    onProgress: (_d, _t, job, r) => {
      const k = byId.get(job)!;
      report(jobIndex[k]!, toOutput(k, r));
    },
  });
  return results;
}
