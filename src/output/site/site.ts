/**
 * `djyc publish`: the programme's public notice board (党务公开栏) as a static website, built from the records.
 *
 * Pages: index.html (the programme, its calendar, the dashboard), claims.html (领办公示: each organisation's
 * projects, each member's task and finish date), progress.html (进度公示: stage, quarterly reports filed and
 * missing, closure, acceptance), brands.html (品牌展示), selections.html (年度评选), organisations.html, one page
 * per organisation (orgs/<id>.html) and per project (projects/<id>.html), search.html. Everything is reachable and
 * readable with JavaScript off; only the search box runs a few lines of script over assets/search-index.js.
 *
 * Publication rules
 * - Only what the programme marks as public (`public: {claims, progress, brands, selections}`; a missing flag
 *   counts as not public) and never a project marked `public: false` (nor its tasks, reports or selection entries).
 * - No phone number is ever written: member and expert phone fields are not read, and every text passes through
 *   redactPhones (13912345678 pasted into a project's text becomes 139****5678).
 * - Self-contained: relative links only, fonts copied from the ones djyc ships (only the unicode-range slices
 *   the pages use), logos copied in, a Content-Security-Policy that allows nothing from elsewhere.
 * - Written atomically: the site is built in a temporary sibling folder, then swapped in with a rename. An existing
 *   folder is replaced only if an earlier `djyc publish` made it (it holds .djyc-site). *
 * This module builds every file of the site in memory, pure but for the logos, which the caller checks
 * (commands/publish.ts writes the site).
 */
import { redactPhones } from '../../domain/privacy.js';
import { renderTemplate } from './view.js';
import { codePoints, selectFonts } from './fonts.js';
import { decodeEntities } from '../html.js';
import { summary, type Repository } from '../../domain/records.js';
import { packageVersion } from '../../assets/paths.js';
import { siteAsset } from '../../assets/templates.js';
import { SiteData, type PageContext, nav, period, SITE_CSP, type SiteOptions } from './data.js';
import { indexPage, claimsPage, progressPage } from './notice-pages.js';
import { brandsPage, selectionsPage, organisationsPage, organisationPage, projectPage } from './record-pages.js';
import { searchEntries, searchPage, scriptJson } from './search.js';
import type { Text } from '../../domain/i18n.js';

/** A file of the site: text, bytes already read and checked (logos), or a file of djyc's own to copy (fonts). */
export type SiteFile = { text: string } | { bytes: Uint8Array } | { copy: string };

export const SITE_MARKER = '.djyc-site';

/** What a built site holds, and what it published. */
export interface SiteBuild {
  files: Map<string, SiteFile>;
  result: {
    programme: string;
    pages: number;
    /** What was published: the programme's public flags. */
    sections: { claims: boolean; progress: boolean; brands: boolean; selections: boolean };
    projects: number;
    hiddenProjects: number;
    /** Programmes published with it (the year selector), when there are several. */
    years?: string[];
    warnings: Text[];
  };
}

function pageText(html: string): string {
  return decodeEntities(html.replace(/<(script|style)\b[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]+>/g, ' '));
}

/** Text set in the title face: the band title, page titles, brand names, logo stand-ins. */
function titleText(html: string): string {
  const out: string[] = [];
  const re = /<(\w+)[^>]*class="(?:band-title|page-title|brand-name|logo none)"[^>]*>([\s\S]*?)<\/\1>/g;
  for (const m of html.matchAll(re)) out.push(decodeEntities(m[2]!.replace(/<[^>]+>/g, '')));
  return out.join(' ');
}

/** Builds every file of the site in memory; `logoFor` reads and checks a brand's logo (its bytes and type, or a warning). */
export function siteFiles(repo: Repository, opts: SiteOptions, logoFor: (logo: string) => { bytes?: Uint8Array; type?: string; warning?: Text }): SiteBuild {
  const d = new SiteData(repo, opts);
  const warnings: Text[] = [];
  const files = new Map<string, SiteFile>();
  const t = d.t;
  const site = {
    htmlLang: d.lang === 'en' ? 'en' : 'zh-CN',
    csp: SITE_CSP,
    version: packageVersion(),
    programme: {
      name: d.p.name,
      shortTitle: d.p.short_name ?? d.p.name,
      issuer: d.p.issuer ?? '',
      document: d.p.document ?? '',
      period: period(d.p, d.lang),
    },
    nav: nav(d),
    years: opts.years && opts.years.length > 1 ? opts.years : undefined,
    t,
    generatedOn: opts.today,
  };

  // Logos first: the gallery links them.
  const logos = new Map<string, string>();
  if (d.pages.brands) {
    for (const b of d.ledger.brands) {
      const logo = summary(d.index.get('brand', b.id))?.logo;
      if (!logo) continue;
      const r = logoFor(logo);
      if (r.warning) warnings.push(r.warning);
      if (!r.bytes) continue;
      const name = `assets/logos/${b.id}.${r.type}`;
      files.set(name, { bytes: r.bytes });
      logos.set(b.id, name);
    }
  }

  const pages: [string, string, PageContext][] = [['index.html', 'index', indexPage(d)]];
  if (d.pages.claims) pages.push(['claims.html', 'claims', claimsPage(d)]);
  if (d.pages.progress) pages.push(['progress.html', 'progress', progressPage(d)]);
  if (d.pages.brands) pages.push(['brands.html', 'brands', brandsPage(d, logos)]);
  if (d.pages.selections) pages.push(['selections.html', 'selections', selectionsPage(d)]);
  pages.push(['organisations.html', 'organisations', organisationsPage(d)]);
  for (const id of d.coverageByOrg.keys()) pages.push([`orgs/${id}.html`, 'organisation', organisationPage(d, id)]);
  if (d.pages.projectPages) for (const pr of d.projects) pages.push([`projects/${pr.id}.html`, 'project', projectPage(d, pr)]);
  const entries = searchEntries(d);
  pages.push(['search.html', 'search', searchPage(d, entries)]);

  const textChars = new Set<number>();
  const titleChars = new Set<number>();
  for (const [file, template, ctx] of pages) {
    // Relative links: page contexts hold site-relative hrefs; the templates prefix {{root}} where they build
    // links themselves, and tables built for subfolder pages already carry it.
    const html = renderTemplate(template, { ...ctx, site, t });
    files.set(file, { text: html });
    codePoints(pageText(html), textChars);
    codePoints(titleText(html), titleChars);
  }

  const searchData = {
    entries: entries.map((e) => [e.title, e.url, e.kind, e.extra]),
    t: {
      prompt: d.tr('请输入要查找的字词。', 'Type a word to search for.'),
      found: d.tr('“{q}”共找到 {n} 条结果：', '{n} results for "{q}":'),
      none: d.tr('没有找到与“{q}”相关的内容。', 'Nothing found for "{q}".'),
    },
  };
  const searchIndex = redactPhones(`window.DJYC_SEARCH = ${scriptJson(searchData)};\n`);
  files.set('assets/search-index.js', { text: searchIndex });
  codePoints(searchIndex, textChars);
  files.set('assets/search.js', { text: siteAsset('search.js') });
  files.set('assets/site.css', { text: siteAsset('site.css') });

  const fonts = selectFonts(textChars, titleChars);
  files.set('assets/fonts.css', { text: fonts.css });
  for (const [name, file] of fonts.files) files.set(`assets/fonts/${name}`, { copy: file });
  files.set(SITE_MARKER, { text: `${JSON.stringify({ generator: 'djyc publish', programme: d.p.id, date: opts.today })}\n` });

  return {
    files,
    result: {
      programme: d.p.id,
      pages: pages.length,
      sections: d.pub,
      projects: d.projects.length,
      hiddenProjects: d.hidden.size,
      warnings,
    },
  };
}

/** Refuses output folders that would mix the site with the records or the repository itself. */
