/**
 * Forms to files: view models (output/forms) through their layouts into HTML documents and through the PDF engine
 * (pdf/engine.ts, one browser for the whole batch) into PDFs, or into Word documents (output/docx, no browser).
 * Every PDF and .docx carries a verification stamp (commands/verification.ts). No terminal here: progress goes to
 * a callback; the CLI draws it.
 */
import { writeAtomic } from '../store/files.js';
import path from 'node:path';
import type { Browser } from 'puppeteer-core';
import type { ProgrammeRecord } from '../domain/types.generated.js';
import { renderPdfs, type RenderJob, type RenderResult } from '../pdf/engine.js';
import { type ViewContext } from '../output/forms/views.js';
import type { Lang } from '../domain/i18n.js';
import { RecordIndex, type Repository } from '../domain/records.js';
import { readPhoneRoster } from '../store/roster.js';
import { readAttachment } from '../store/attachments.js';
import { formDocument, type FormDocument } from '../output/forms/document.js';
import { fileBase, type FormTarget } from '../output/forms/targets.js';
import { IMAGE_TYPES, sniffType } from '../domain/paths.js';
import { layoutMeta, loadLayout } from '../output/forms/layout.js';
import { MAX_FIT, type FitLevel } from '../output/forms/html.js';
import { formHtmlDocument } from '../output/forms/templates.js';
import { overlayHtml, qrPng, VERIFY_KEY, type Stamp } from '../output/forms/verification.js';
import type { DocxSection } from '../output/docx/document.js';
import { RefusedError } from '../domain/errors.js';
import { formContent, gitState, stampOf, type GitState } from './verification.js';
import type { DocxJob } from './docx-batch.js';

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
    // The containment rule (store/attachments.ts): a plain path under attachments/, no link on the way, a regular file
    // within the size limit, and an image by its content as its extension says; else the form shows no logo.
    readAsset: (rel) => {
      const r = readAttachment(repo.root, rel, MAX_ASSET_BYTES);
      if (!r.ok) return undefined;
      const type = sniffType(r.bytes);
      return type && IMAGE_TYPES.has(type) ? r.bytes : undefined;
    },
  };
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
  /** Verification code printed on the form (PDF and .docx). */
  code?: string;
  /** The verification payload (QR code text), for the metadata of files that merge forms. */
  stampText?: string;
  /** Rendered from uncommitted changes (草稿). */
  draft?: boolean;
  /** A one-page form set tighter to stay on one page (1 leading, 2 小四 tables, 3 五号); absent when as designed. */
  fit?: FitLevel;
}

export type FormFormat = 'pdf' | 'html' | 'docx';

export interface RenderFormsOptions {
  /** Folder for the files (named by fileBase); or `outFile` for a single form. */
  outDir?: string;
  outFile?: string;
  format?: FormFormat;
  lang?: Lang;
  /** Refuse (RefusedError, nothing written) when a form's records have uncommitted changes. */
  final?: boolean;
  /** Git state of the repository, when the caller has read it already. */
  git?: GitState;
  /** .docx: threads in all (default one per core, at most 4). */
  threads?: number;
  browser?: Browser;
  pageNumbers?: 'auto' | 'never';
  onProgress?: (done: number, total: number, output: FormOutput) => void;
}

/** Output path of each target: outFile for a single one, else <outDir>/<fileBase>.<ext>, made unique. */
export function outputPaths(programme: ProgrammeRecord, targets: FormTarget[], opts: RenderFormsOptions): string[] {
  const ext = opts.format ?? 'pdf';
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

  const stamps = opts.format === 'html' ? [] : stampsOf(ctx, docs, opts);
  const base = (i: number) => (stamps[i] ? { code: stamps[i]!.code, draft: stamps[i]!.draft, stampText: stamps[i]!.text } : {});

  if (opts.format === 'docx') {
    // Word code is loaded only for Word files (a PDF form starts faster without it).
    const { writeDocxBatch } = await import('./docx-batch.js');
    const jobs: DocxJob[] = [];
    const jobIndex: number[] = [];
    docs.forEach((d, i) => {
      if (!d) return;
      jobs.push({ layout: d.target.form.template, view: d.view, stamp: stamps[i], title: d.label, out: outs[i]! });
      jobIndex.push(i);
    });
    await writeDocxBatch(jobs, {
      threads: opts.threads,
      onDone: (k, r) => {
        const i = jobIndex[k]!;
        const d = docs[i]!;
        report(i, r.ok ? { target: d.target, label: d.label, group: d.group, item: d.item, out: outs[i]!, ok: true, bytes: r.bytes, ...base(i) } : { target: d.target, label: d.label, out: outs[i]!, ok: false, error: r.error });
      },
    });
    return results;
  }

  if (opts.format === 'html') {
    for (let i = 0; i < total; i++) {
      const d = docs[i];
      if (!d) continue;
      try {
        const data = Buffer.from(d.html, 'utf8');
        writeAtomic(outs[i]!, data);
        report(i, { target: d.target, label: d.label, group: d.group, item: d.item, out: outs[i]!, ok: true, bytes: data.length });
      } catch (err) {
        report(i, { target: d.target, label: d.label, out: outs[i]!, ok: false, error: (err as Error).message });
      }
    }
    return results;
  }

  // A one-page form (layout `pages: 1`) that spills is printed again tighter (fit levels), and reported once.
  const jobOf = (i: number, fit: FitLevel): RenderJob => {
    const d = docs[i]!;
    const stamp = stamps[i];
    return {
      id: d.target.key + ':' + d.target.form.id,
      html: fit ? formHtmlDocument(d.target.form.template, d.view, d.label, '', fit) : d.html,
      out: outs[i]!,
      title: d.label,
      ...(stamp ? { overlay: () => overlayHtml(stamp), meta: { keywords: [`djyc-verify:${stamp.code}`], custom: { [VERIFY_KEY]: stamp.text } } } : {}),
    };
  };
  const toOutput = (i: number, r: RenderResult, fit: FitLevel): FormOutput => {
    const d = docs[i]!;
    return { target: d.target, label: d.label, group: d.group, item: d.item, out: r.out, ok: r.ok, pages: r.pages, bytes: r.bytes, error: r.error, missingGlyphs: r.missingGlyphs, ...(fit ? { fit } : {}), ...base(i) };
  };
  let pending = docs.flatMap((d, i) => (d ? [i] : []));
  for (let fit: FitLevel = 0; pending.length; fit = (fit + 1) as FitLevel) {
    const jobs = pending.map((i) => jobOf(i, fit));
    const indexOf = new Map(jobs.map((j, k) => [j, pending[k]!]));
    const again: number[] = [];
    await renderPdfs(jobs, {
      browser: opts.browser,
      lang: opts.lang,
      pageNumbers: opts.pageNumbers,
      onProgress: (_d, _t, job, r) => {
        const i = indexOf.get(job)!;
        if (r.ok && (r.pages ?? 1) > 1 && fit < MAX_FIT && layoutMeta(docs[i]!.target.form.template).pages === 1) again.push(i);
        else report(i, toOutput(i, r, fit));
      },
    });
    pending = again;
  }
  return results;
}

/** The stamp of every form; with `final`, refuses when any form would be a draft (nothing is written then). */
function stampsOf(ctx: ViewContext, docs: Array<FormDocument | undefined>, opts: RenderFormsOptions): Array<Stamp | undefined> {
  const contents = docs.map((d) => (d ? formContent(ctx, d.target, d.view) : undefined));
  const files = new Set(contents.flatMap((c) => c?.records.map((r) => r.file) ?? []));
  // A few forms: git is asked about their records only, not about every file of the repository.
  const state = opts.git ?? gitState(ctx.index.repo, files.size <= 200 ? [...files] : undefined);
  const stamps = docs.map((d, i) => (d ? stampOf(ctx, d.target, d.view, state, contents[i]) : undefined));
  if (opts.final) {
    const drafts = docs.filter((d, i) => d && stamps[i]?.draft).map((d) => d!.label);
    if (drafts.length) {
      const list = drafts.slice(0, 5).join('\n  ');
      const more = drafts.length > 5 ? `\n  …（共 ${drafts.length} 份）` : '';
      throw new RefusedError(
        `--final：以下表单的记录有未提交的修改（或记录库不在 git 中），请先提交再生成定稿：\n  ${list}${more}`,
        `--final: the records of these forms have uncommitted changes (or the repository is not in git); commit them first:\n  ${list}${more.replace(/（共 (\d+) 份）/, '($1 in all)')}`,
      );
    }
  }
  return stamps;
}

/** One .docx of forms, a section each (with their stamps). */
export async function docxOf(forms: Array<{ doc: FormDocument; stamp?: Stamp }>, title: string, extra: { before?: DocxSection[]; after?: DocxSection[] } = {}): Promise<Buffer> {
  const [{ formDocxChildren }, { docxDocument }] = await Promise.all([import('../output/docx/form.js'), import('../output/docx/document.js')]);
  const sections: DocxSection[] = [...(extra.before ?? [])];
  for (const { doc, stamp } of forms) {
    sections.push({ children: formDocxChildren(loadLayout(doc.target.form.template), doc.view), stamp, qr: stamp ? qrPng(stamp.text) : undefined });
  }
  sections.push(...(extra.after ?? []));
  return docxDocument(sections, { title, keywords: forms.flatMap((f) => (f.stamp ? [`djyc-verify:${f.stamp.code}`] : [])) });
}

/**
 * Renders forms into one .docx (a section per form, a page break between them). Throws RefusedError with `final`
 * when a form would be a draft; throws when the file cannot be written.
 */
export async function renderDocxBundle(ctx: ViewContext, targets: FormTarget[], out: string, opts: { title: string; final?: boolean; git?: GitState }): Promise<{ out: string; forms: FormOutput[]; bytes: number }> {
  const docs = targets.map((t) => formDocument(ctx, t));
  const stamps = stampsOf(ctx, docs, { final: opts.final, git: opts.git });
  const data = await docxOf(
    docs.map((doc, i) => ({ doc, stamp: stamps[i] })),
    opts.title,
  );
  writeAtomic(path.resolve(out), data);
  const forms = docs.map((d, i): FormOutput => ({ target: d.target, label: d.label, group: d.group, item: d.item, out: path.resolve(out), ok: true, code: stamps[i]?.code, draft: stamps[i]?.draft, stampText: stamps[i]?.text }));
  return { out: path.resolve(out), forms, bytes: data.length };
}
