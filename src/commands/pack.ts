/**
 * Submission packs and the public notice of claims.
 *
 * A pack is what an organisation submits at one step of its programme (programme `packs:`): every form of
 * the pack for the organisation's records that reached the form's stage, as one PDF with a cover page, a table
 * of contents, one PDF bookmark per document, an appendix list of the supporting files the records reference
 * (依据性/印证性文件材料), and page numbers running through the whole pack (the cover unnumbered).
 *
 * The notice (领办公示) is public: phone numbers are masked.
 *
 * One browser serves every print of a pack (forms, contents, page-number sheet).
 */
import fs from 'node:fs';
import { writeAtomic } from '../store/files.js';
import os from 'node:os';
import path from 'node:path';
import { PDFDocument } from '@pdfme/pdf-lib';
import type { Browser } from 'puppeteer-core';
import { chineseDate } from '../domain/dates.js';
import { RefusedError, UsageError } from '../domain/errors.js';
import { findWindow, windowOccurrences } from '../domain/programme.js';
import type { ProgrammeRecord } from '../domain/types.generated.js';
import { closeBrowser, launchBrowser } from '../pdf/browser.js';
import type { Lang } from '../domain/i18n.js';
import { renderPdfs } from '../pdf/engine.js';
import { attachmentsOf, claimsNoticeView } from '../output/forms/views.js';
import { mergePdfs, stampPageNumbers } from '../pdf/pdf.js';
import { renderDocxBundle, renderForms, viewContext, type FormOutput } from './render.js';
import { renderBody, renderDocument } from '../output/forms/templates.js';
import type { Repository } from '../domain/records.js';
import { today as todayIn } from '../store/clock.js';
import { formsStylesheet } from '../assets/templates.js';
import { wrapDocument } from '../output/html.js';
import { selectTargets, type PackDef } from '../output/forms/targets.js';
import { attachmentPresent } from '../store/attachments.js';

/**
 * The pack to build: the one named, else the one whose calendar window holds today, else the last one whose
 * window has begun, else the first.
 */
export function choosePack(programme: ProgrammeRecord, id: string | undefined, today: string): PackDef {
  const packs = programme.packs ?? [];
  if (packs.length === 0) {
    throw new UsageError(`方案“${programme.id}”没有定义报送材料包（packs）`, `programme "${programme.id}" defines no packs`);
  }
  if (id) {
    const found = packs.find((p) => p.id === id) ?? packs.find((p) => p.label === id);
    if (!found) {
      const known = packs.map((p) => `${p.id}（${p.label}）`).join('、');
      throw new UsageError(`方案“${programme.id}”中没有材料包“${id}”（可用：${known}）`, `programme "${programme.id}" has no pack "${id}" (available: ${packs.map((p) => p.id).join(', ')})`);
    }
    return found;
  }
  const dated = packs.flatMap((p) => {
    const w = findWindow(programme, p.window);
    return w ? windowOccurrences(programme, w).map((dates) => ({ p, dates })) : [];
  });
  const open = dated.find((x) => x.dates.start <= today && today <= x.dates.end);
  if (open) return open.p;
  const begun = dated.filter((x) => x.dates.start <= today).sort((a, b) => a.dates.start.localeCompare(b.dates.start)).pop();
  return begun?.p ?? packs[0]!;
}

export interface PackOptions {
  repo: Repository;
  programme: ProgrammeRecord;
  org: string;
  /** Pack id (programme `packs:`); default: see choosePack. */
  pack?: string;
  out: string;
  lang?: Lang;
  today?: string;
  /** Reuse a browser (not closed). */
  browser?: Browser;
  onProgress?: (done: number, total: number, output: FormOutput) => void;
  /** pdf (default): cover, contents, forms, list of supporting files; docx: the forms, a section each. */
  format?: 'pdf' | 'docx';
  /** Refuse when a form's records have uncommitted changes. */
  final?: boolean;
}

export interface PackPart {
  title: string;
  /** First page, counting the cover as page 0 (so the printed number on that page). */
  page: number;
  pages: number;
}

export interface PackResult {
  out: string;
  pack: PackDef;
  pages: number;
  parts: PackPart[];
  attachments: number;
  missingAttachments: number;
  failures: FormOutput[];
}

function requireOrg(repo: Repository, id: string) {
  const org = repo.records.find((r) => r.kind === 'organisation' && r.id === id);
  if (!org) throw new UsageError(`党组织“${id}”不存在`, `organisation "${id}" does not exist`);
  return org.data as { name: string; short_name?: string };
}

/** Renders one internal document (cover, contents, list) to a PDF; throws with the engine's reason on failure. */
async function printOne(name: string, view: object, title: string, out: string, browser: Browser, lang: Lang, css?: string): Promise<number> {
  const html = css ? wrapDocument({ title, css, body: renderBody(name, view), lang: 'zh-CN' }) : renderDocument(name, view, title);
  const [r] = await renderPdfs([{ id: name, html, out, title }], { browser, lang, pageNumbers: 'never' });
  if (!r?.ok) throw new RefusedError(`无法生成${title}：${r?.error ?? ''}`, `could not print ${title}: ${r?.error ?? ''}`);
  return r.pages ?? 1;
}

/** A PDF whose page n shows “— n —” where GB/T 9704 puts page numbers; stamped onto the merged pack. */
async function numberSheet(count: number, out: string, browser: Browser, lang: Lang): Promise<PDFDocument> {
  const pages = Array.from({ length: count }, (_, i) => ({ n: i + 1, even: i % 2 === 1 }));
  await printOne('_page-numbers', { pages }, '页码', out, browser, lang, `${formsStylesheet()}\n@page { size: A4; margin: 0; }\nbody { line-height: 1; }`);
  return PDFDocument.load(fs.readFileSync(out), { updateMetadata: false });
}

export async function buildPack(opts: PackOptions): Promise<PackResult> {
  const lang = opts.lang ?? 'zh';
  const today = opts.today ?? todayIn();
  const { repo, programme } = opts;
  const orgData = requireOrg(repo, opts.org);
  const pack = choosePack(programme, opts.pack, today);
  const ctx = viewContext(repo, programme, { today });
  const unknown = pack.forms.filter((f) => !(programme.forms ?? []).some((x) => x.id === f));
  if (unknown.length) {
    throw new UsageError(`材料包“${pack.id}”引用了方案中没有的表单：${unknown.join('、')}`, `pack "${pack.id}" names forms the programme does not define: ${unknown.join(', ')}`);
  }
  // The programme's form order within the pack's order.
  const targets = pack.forms.flatMap((f) => selectTargets(ctx.index, programme, { forms: [f], org: opts.org, includeUnreached: false }));
  if (targets.length === 0) {
    throw new RefusedError(
      `${orgData.name}在“${pack.label}”环节没有可报送的材料：材料包中的表单（${pack.forms.join('、')}）没有该组织已达到相应阶段的记录`,
      `${orgData.name} has nothing to submit for "${pack.label}": no record of this organisation has reached the stage of the pack's forms (${pack.forms.join(', ')})`,
    );
  }

  if (opts.format === 'docx') {
    // One Word file an office edits: the forms, each in its own section (a page break between annexes).
    const title = `${orgData.name}${pack.label}报送材料`;
    const r = await renderDocxBundle(ctx, targets, opts.out, { title, final: opts.final });
    const parts = r.forms.map((f) => ({ title: f.label, page: 0, pages: 0 }));
    return { out: r.out, pack, pages: 0, parts, attachments: 0, missingAttachments: 0, failures: [] };
  }

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'djyc-pack-'));
  const browser = opts.browser ?? (await launchBrowser({ lang }));
  try {
    // 1. The forms, unnumbered (the pack is numbered as a whole).
    const outputs = await renderForms(ctx, targets, { outDir: path.join(tmp, 'forms'), browser, lang, pageNumbers: 'never', onProgress: opts.onProgress, final: opts.final });
    const failures = outputs.filter((o) => !o.ok);
    if (failures.length) return { out: opts.out, pack, pages: 0, parts: [], attachments: 0, missingAttachments: 0, failures };

    // 2. The appendix list of supporting files.
    const attachments = attachmentsOf(ctx.index, targets, programme).map((a, i) => {
      // Present only when it passes the containment rule (a link or a path out of attachments/ counts as not found).
      const exists = attachmentPresent(repo.root, a.path);
      return { ...a, index: i + 1, exists, state: a.path ? (exists ? '已随附' : '文件未找到') : '纸质材料' };
    });
    const listed: Array<{ title: string; group?: string; item?: string; path: string; pages: number }> = outputs.map((o) => ({ title: o.label, group: o.group, item: o.item, path: o.out, pages: o.pages ?? 1 }));
    if (attachments.length) {
      const file = path.join(tmp, 'attachments.pdf');
      const pages = await printOne('_pack-attachments', { attachments, org: ctx.index.get('organisation', opts.org)?.data, pack }, '附件材料清单', file, browser, lang);
      listed.push({ title: '附件材料清单', path: file, pages });
    }

    // 3. Cover and contents; the contents are printed again if their own length changes the page numbers.
    const cover = path.join(tmp, 'cover.pdf');
    const dateText = chineseDate(today);
    const coverView = { org: ctx.index.get('organisation', opts.org)?.data, programme, pack, date: dateText, count: targets.length };
    await printOne('_pack-cover', coverView, `${pack.label}报送材料`, cover, browser, lang);
    const tocFile = path.join(tmp, 'toc.pdf');
    let tocPages = 1;
    let entries: Array<{ title: string; page: number }> = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      let page = tocPages + 1; // numbers start at 1 on the first contents page
      entries = listed.map((l) => {
        const e = { title: l.title, page };
        page += l.pages;
        return e;
      });
      // Contents grouped by form: the annex and title once, then one line per copy.
      const groups: Array<{ title: string; page?: number; items: Array<{ title: string; page: number }> }> = [];
      listed.forEach((l, i) => {
        const page = entries[i]!.page;
        if (!l.group || !l.item) return void groups.push({ title: l.title, page, items: [] });
        const last = groups[groups.length - 1];
        if (last && last.title === l.group && last.page === undefined) last.items.push({ title: l.item, page });
        else groups.push({ title: l.group, items: [{ title: l.item, page }] });
      });
      const printed = await printOne('_pack-toc', { groups, pack }, '目录', tocFile, browser, lang);
      if (printed === tocPages) break;
      tocPages = printed;
    }

    // 4. Merge with bookmarks, then number every page after the cover.
    const merged = path.join(tmp, 'merged.pdf');
    const title = `${orgData.name}${pack.label}报送材料`;
    await mergePdfs(
      [
        { title: '封面', path: cover },
        { title: '目录', path: tocFile },
        ...listed.map((l) => ({ title: l.title, path: l.path })),
      ],
      merged,
      { outline: true, title, verify: outputs.map((o) => o.stampText).filter((t): t is string => !!t) },
    );
    const doc = await PDFDocument.load(fs.readFileSync(merged), { updateMetadata: false });
    const numbered = doc.getPages().slice(1);
    const sheet = await numberSheet(numbered.length, path.join(tmp, 'numbers.pdf'), browser, lang);
    await stampPageNumbers(doc, numbered, sheet);
    writeAtomic(path.resolve(opts.out), await doc.save());

    const parts: PackPart[] = [
      { title: '封面', page: 0, pages: 1 },
      { title: '目录', page: 1, pages: tocPages },
      ...entries.map((e, i) => ({ title: e.title, page: e.page, pages: listed[i]!.pages })),
    ];
    return {
      out: path.resolve(opts.out),
      pack,
      pages: doc.getPageCount(),
      parts,
      attachments: attachments.length,
      missingAttachments: attachments.filter((a) => a.path && !a.exists).length,
      failures: [],
    };
  } finally {
    if (!opts.browser) await closeBrowser(browser);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

export interface NoticeOptions {
  repo: Repository;
  programme: ProgrammeRecord;
  org: string;
  out: string;
  lang?: Lang;
  today?: string;
  browser?: Browser;
  format?: 'pdf' | 'html';
  /** The notice period (公示期): given, else the programme's `public.notice_window`. */
  from?: string;
  until?: string;
}

/**
 * The notice period (公示期): `from`/`until` when given, else the dates of the programme's `public.notice_window`
 * (the occurrence holding today, or the next one); undefined when neither says.
 */
export function noticePeriod(programme: ProgrammeRecord, today: string, from?: string, until?: string): { from: string; until: string } | undefined {
  const w = findWindow(programme, programme.public?.notice_window);
  const occ = w ? windowOccurrences(programme, w).find((o) => o.end >= today) ?? windowOccurrences(programme, w).pop() : undefined;
  const start = from ?? occ?.start;
  const end = until ?? occ?.end;
  if (!start || !end) {
    if (from || until) throw new UsageError('公示期须有起止日期：请同时给出 --from 和 --until（或在方案 public.notice_window 中指定公示期窗口）', 'a notice period has a start and an end: give --from and --until (or name the window in public.notice_window)');
    return undefined;
  }
  if (end < start) throw new UsageError(`公示期结束日期 ${end} 早于开始日期 ${start}`, `the notice period ends (${end}) before it starts (${start})`);
  return { from: start, until: end };
}

export interface NoticeResult {
  out: string;
  projects: number;
  tasks: number;
  pages: number;
  period?: { from: string; until: string };
}

/** The public notice of an organisation's claims (领办公示), phone numbers masked. */
export async function buildNotice(opts: NoticeOptions): Promise<NoticeResult> {
  const lang = opts.lang ?? 'zh';
  const today = opts.today ?? todayIn();
  const orgData = requireOrg(opts.repo, opts.org);
  // The notice is public: the programme's public flags govern it as they govern the site.
  if (opts.programme.public?.claims !== true) {
    throw new RefusedError(`方案“${opts.programme.id}”未公开领办情况（public.claims），不生成领办公示`, `programme "${opts.programme.id}" does not make claims public (public.claims): no notice`);
  }
  const period = noticePeriod(opts.programme, today, opts.from, opts.until);
  const ctx = viewContext(opts.repo, opts.programme, { today, public: true });
  const view = claimsNoticeView(ctx, opts.org);
  if (!view) {
    throw new RefusedError(`${orgData.name}尚未领办项目，没有可公示的内容`, `${orgData.name} leads no project yet: nothing to publish`);
  }
  const title = `${opts.programme.project?.label ?? '项目'}领办公示`;
  const html = renderDocument('_notice', { ...view, title, date: chineseDate(today), period: period ? `${chineseDate(period.from)}至${chineseDate(period.until)}` : '' }, `${orgData.name}${title}`);
  const out = path.resolve(opts.out);
  const counts = { projects: view.project_count as number, tasks: view.task_count as number, ...(period ? { period } : {}) };
  if (opts.format === 'html') {
    writeAtomic(out, Buffer.from(html, 'utf8'));
    return { out, ...counts, pages: 0 };
  }
  const [r] = await renderPdfs([{ id: 'notice', html, out, title: `${orgData.name}${title}` }], { browser: opts.browser, lang });
  if (!r?.ok) throw new RefusedError(`无法生成领办公示：${r?.error ?? ''}`, `could not print the notice: ${r?.error ?? ''}`);
  return { out, ...counts, pages: r.pages ?? 1 };
}
