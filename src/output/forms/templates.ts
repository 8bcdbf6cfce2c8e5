/**
 * Handlebars for djyc's own printed documents: the pack's cover, contents and list of supporting files, the public
 * notice of claims and the page-number sheet (templates/forms/_<name>.hbs, also usable as partials {{> name}}).
 * The official forms are layouts, not handlebars (layout.ts, html.ts). Every template is compiled once per process.
 *
 * Record text is data, never template source: templates use {{double-stash}} only (a test greps for
 * triple-stash), and every helper below escapes what it is given before wrapping it in markup.
 */
import Handlebars from 'handlebars';
import { chineseDate } from '../../domain/dates.js';
import { formPartials, formTemplateSource, formsStylesheet } from '../../assets/templates.js';
import { mapSymbols } from '../charmap.js';
import { wrapDocument } from '../html.js';
import { loadLayout } from './layout.js';
import { layoutHtml, type FitLevel } from './html.js';
import { isEmpty, paragraphs } from './text.js';

const hb = Handlebars.create();
const esc = (v: unknown): string => hb.escapeExpression(v === undefined || v === null ? '' : String(v));
const safe = (html: string) => new hb.SafeString(html);

const BLANK_DATE = '<span class="date-blank"><span class="gap y"></span>年<span class="gap"></span>月<span class="gap"></span>日</span>';

hb.registerHelper({
  /** 2020-04-15 → 2020年4月15日; nothing → “年　月　日” with room to write. */
  cnDate(date: unknown) {
    const text = typeof date === 'string' ? chineseDate(date) : '';
    return safe(text ? `<span class="date">${esc(text)}</span>` : BLANK_DATE);
  },
  /** A record text as paragraphs (escaped). */
  text(value: unknown) {
    return safe(
      paragraphs(value)
        .map((p) => `<p>${esc(p)}</p>`)
        .join(''),
    );
  },
  join(list: unknown, sep: unknown) {
    if (!Array.isArray(list)) return '';
    return list.filter((v) => !isEmpty(v)).join(typeof sep === 'string' ? sep : '、');
  },
  /** Blank rows to pad a table to at least `min` rows: {{#each (pad list 3)}}. */
  pad(list: unknown, min: unknown) {
    const arr = Array.isArray(list) ? [...list] : [];
    while (arr.length < Number(min)) arr.push(null);
    return arr;
  },
});

let partialsLoaded = false;
function loadPartials(): void {
  if (partialsLoaded) return;
  partialsLoaded = true;
  for (const [name, source] of formPartials()) hb.registerPartial(name, source);
}

const compiled = new Map<string, (view: object) => string>();

function compile(name: string): (view: object) => string {
  let c = compiled.get(name);
  if (c) return c;
  loadPartials();
  const fn = hb.compile(formTemplateSource(name), { strict: false, preventIndent: true });
  c = (view) => fn(view);
  compiled.set(name, c);
  return c;
}

/** The body HTML of one of djyc's own documents (`_name`) for a view, Word's symbol-font characters made printable. */
export function renderBody(name: string, view: object): string {
  return mapSymbols(compile(name)(view));
}

/** A complete HTML document (for the engine, or for preview) of one of djyc's own documents. */
export function renderDocument(name: string, view: object, title: string): string {
  return wrapDocument({ title, css: formsStylesheet(), body: renderBody(name, view), lang: 'zh-CN' });
}

/** A complete HTML document of a form: its layout over its view. */
export function formHtmlDocument(layoutName: string, view: Record<string, unknown>, title: string, extraBody = '', fit: FitLevel = 0): string {
  return wrapDocument({ title, css: formsStylesheet(), body: mapSymbols(layoutHtml(loadLayout(layoutName), view, fit)) + extraBody, lang: 'zh-CN' });
}
