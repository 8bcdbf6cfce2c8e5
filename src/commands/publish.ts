/**
 * `djyc publish`: loads the repository, checks the brand logos it would copy, builds the site (output/site) and
 * writes it atomically: built in a temporary sibling folder, then swapped in with a rename. An existing folder is
 * replaced only if an earlier `djyc publish` made it (it holds .djyc-site).
 */
import { recordsAsOf, type Dated } from '../domain/as-of.js';
import fs from 'node:fs';
import path from 'node:path';
import { loadRepository } from '../store/repo.js';
import { readAttachment } from '../store/attachments.js';
import { recordPathProblem } from '../domain/paths.js';
import { today as todayIn } from '../store/clock.js';
import { ProblemsError, UsageError, RefusedError } from '../domain/errors.js';
import { findUnmaskedPhones } from '../domain/privacy.js';
import { RECORDS_DIR } from '../domain/kinds.js';
import { T, type Lang, type Text } from '../domain/i18n.js';
import type { Repository } from '../domain/records.js';
import { SITE_MARKER, siteFiles, type SiteBuild, type SiteFile } from '../output/site/site.js';
import type { SiteOptions } from '../output/site/data.js';
import { chooseProgramme, yearSelector } from '../domain/years.js';

export interface PublishOptions {
  /** Programme id (default: the programme of today's year, see domain/years.ts). */
  programme?: string;
  /** Output folder (absolute). */
  out: string;
  today?: string;
  lang?: Lang;
  /** Days ahead counted as due soon on the dashboard. */
  within?: number;
  /** Publish the records as they stood on `today` (rebuilt from their history: domain/as-of.ts). */
  asOf?: boolean;
  /** What the site's date means (see domain/as-of.ts). */
  dated?: Dated;
}

export interface PublishResult {
  out: string;
  programme: string;
  pages: number;
  files: number;
  bytes: number;
  /** What was published: the programme's public flags. */
  sections: { claims: boolean; progress: boolean; brands: boolean; selections: boolean };
  projects: number;
  hiddenProjects: number;
  /** Every programme published (the top one is `programme`; the others under years/<id>/). */
  years?: string[];
  warnings: Text[];
}

const LOGO_TYPES: Record<string, string> = { '.png': 'png', '.jpg': 'jpg', '.jpeg': 'jpg', '.gif': 'gif', '.webp': 'webp', '.svg': 'svg' };
const LOGO_MAX_BYTES = 4 * 1024 * 1024;

/**
 * Checks a logo path from a record by the containment rule (store/attachments.ts: a plain path under attachments/, no
 * link on the way, a regular file, its content the image its extension says) and returns its bytes, or a warning.
 */
function logoFile(root: string, logo: string): { bytes?: Uint8Array; ext?: string; warning?: Text } {
  if (recordPathProblem(logo)) {
    return { warning: T(`品牌标识“${logo}”不是 attachments/ 中的规范路径，未发布`, `brand logo "${logo}" is not a plain path under attachments/; not published`) };
  }
  const ext = path.extname(logo).toLowerCase();
  if (!LOGO_TYPES[ext]) return { warning: T(`品牌标识“${logo}”不是 PNG/JPEG/GIF/WebP/SVG 图片，未发布`, `brand logo "${logo}" is not a PNG/JPEG/GIF/WebP/SVG image; not published`) };
  const read = readAttachment(root, logo, LOGO_MAX_BYTES);
  if (!read.ok) {
    if (read.rule === 'path-missing') return { warning: T(`找不到品牌标识文件“${logo}”，未发布`, `brand logo "${logo}" not found; not published`) };
    if (read.rule === 'path-symlink') return { warning: T(`品牌标识“${logo}”经过符号链接，未发布`, `brand logo "${logo}" goes through a symbolic link; not published`) };
    if (read.rule === 'path-type-mismatch') {
      const expected = (read.expected ?? '').toUpperCase();
      return { warning: T(`品牌标识“${logo}”的内容不是 ${expected} 图片，未发布`, `brand logo "${logo}" is not a ${expected} image; not published`) };
    }
    return { warning: T(`品牌标识“${logo}”不是普通文件或超过 4 MB，未发布`, `brand logo "${logo}" is not a regular file or exceeds 4 MB; not published`) };
  }
  // An image must not smuggle a phone number onto the site (SVG is text; look at raster metadata too).
  if (findUnmaskedPhones(read.bytes.toString('latin1')).length) {
    return { warning: T(`品牌标识“${logo}”中含有手机号码，未发布`, `brand logo "${logo}" contains a phone number; not published`) };
  }
  return { bytes: read.bytes, ext: LOGO_TYPES[ext] };
}

/**
 * Builds every file of the site in memory (pure apart from reading the repository's logos). With several
 * programmes (one round a year), the chosen one is published at the top and each other one, whole, under
 * years/<programme>/; every page carries the year selector linking them.
 */
export function buildSite(repo: Repository, options: PublishOptions): SiteBuild {
  const today = options.today ?? todayIn();
  const lang = options.lang ?? 'zh';
  const choice = chooseProgramme(repo, options.programme, today);
  const main = choice.programme.id;
  const entries = yearSelector(choice.all, main);
  const sameYear = (y: number) => entries.filter((e) => e.year === y).length > 1;
  const selector = (base: string, self: string) =>
    entries.length > 1
      ? entries.map((e) => ({
          label: lang === 'en' ? `${e.period}${sameYear(e.year) ? ` ${e.name}` : ''}` : `${e.period} 年${sameYear(e.year) ? ` ${e.name}` : ''}`,
          href: e.id === main ? `${base}index.html` : `${base}years/${e.id}/index.html`,
          current: e.id === self,
        }))
      : undefined;
  const logos = (logo: string) => {
    const r = logoFile(repo.root, logo);
    return r.bytes ? { bytes: r.bytes, type: r.ext } : r;
  };
  const build = (programme: string, base: string) =>
    siteFiles(repo, { programme, today, lang, within: options.within, dated: options.dated, years: selector(base, programme) } satisfies SiteOptions, logos);
  const top = build(main, '');
  for (const other of choice.all.filter((p) => p.id !== main)) {
    const sub = build(other.id, '../../');
    for (const [file, content] of sub.files) if (file !== SITE_MARKER) top.files.set(`years/${other.id}/${file}`, content);
    top.result.pages += sub.result.pages;
    top.result.warnings.push(...sub.result.warnings);
  }
  top.result.years = entries.map((e) => e.id);
  return top;
}

/** Refuses output folders that would mix the site with the records or the repository itself. */
function checkOut(root: string, out: string): void {
  const rel = path.relative(root, out);
  const inside = !rel.startsWith('..') && !path.isAbsolute(rel);
  const top = rel.split(path.sep)[0];
  if (rel === '' || (!inside && path.relative(out, root).split(path.sep)[0] !== '..') || (inside && [RECORDS_DIR, '.git', 'schemas', 'attachments', '.github', '.vscode'].includes(top!))) {
    throw new UsageError(
      `不能把网站发布到 ${out}：请选择记录库的 records/、attachments/ 等目录以外的文件夹（例如 -o site/）`,
      `cannot publish the site to ${out}: choose a folder outside records/, attachments/ and the repository's own folders (e.g. -o site/)`,
    );
  }
}

/** Writes the files into a temporary sibling folder, then swaps it in place of `out`. */
export function writeSite(files: Map<string, SiteFile>, out: string): { files: number; bytes: number } {
  const parent = path.dirname(out);
  fs.mkdirSync(parent, { recursive: true });
  if (fs.existsSync(out)) {
    const st = fs.lstatSync(out);
    const entries = st.isDirectory() ? fs.readdirSync(out) : null;
    if (!entries || (entries.length > 0 && !entries.includes(SITE_MARKER))) {
      throw new RefusedError(
        `${out} 已存在且不是 djyc 发布的网站，为免覆盖，未做任何更改（请换一个文件夹或先移走它）`,
        `${out} exists and was not made by djyc publish; nothing was changed so as not to overwrite it (choose another folder or move it away)`,
      );
    }
  }
  const tmp = `${out}.djyc-tmp-${process.pid}`;
  const old = `${out}.djyc-old-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  let bytes = 0;
  try {
    for (const [rel, f] of files) {
      const dest = path.join(tmp, ...rel.split('/'));
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      if ('text' in f) {
        fs.writeFileSync(dest, f.text);
        bytes += Buffer.byteLength(f.text);
      } else if ('bytes' in f) {
        fs.writeFileSync(dest, f.bytes);
        bytes += f.bytes.byteLength;
      } else {
        fs.copyFileSync(f.copy, dest);
        bytes += fs.statSync(dest).size;
      }
    }
    if (fs.existsSync(out)) {
      fs.renameSync(out, old);
      try {
        fs.renameSync(tmp, out);
      } catch (err) {
        fs.renameSync(old, out);
        throw err;
      }
      fs.rmSync(old, { recursive: true, force: true });
    } else {
      fs.renameSync(tmp, out);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return { files: files.size, bytes };
}

/** `djyc publish`: loads the repository, builds the site and writes it atomically to `opts.out`. */
export function publishSite(root: string, opts: PublishOptions): PublishResult {
  const out = path.resolve(opts.out);
  checkOut(root, out);
  const loaded = loadRepository(root);
  const repo = opts.asOf && opts.today ? recordsAsOf(loaded, opts.today) : loaded;
  const errors = repo.loadProblems.filter((p) => p.severity === 'error');
  if (errors.length) {
    throw new ProblemsError(errors, '记录文件有错误，无法发布（未写入任何文件）', 'record files have errors; nothing was published');
  }
  const { files, result } = buildSite(repo, { ...opts, out });
  const written = writeSite(files, out);
  return { ...result, out, ...written };
}
