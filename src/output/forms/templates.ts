/**
 * Handlebars for the official forms: one template per form in templates/forms/<name>.hbs, partials in
 * templates/forms/_<name>.hbs (used as {{> name}}), one shared layout stylesheet templates/forms/_forms.css
 * (placed after the engine's _base.css). Every template is compiled once per process.
 *
 * Record text is data, never template source: templates use {{double-stash}} only (a test greps for
 * triple-stash), and every helper below escapes what it is given before wrapping it in markup. No helper
 * puts a value into an href or style attribute.
 *
 * A template may start with a meta comment, e.g. {{!-- djyc-form {"per": "member"} --}}:
 *   per: "member"  one form per member of a task (党员领办任务结项书 has a single 申报人);
 *   per: "unit"    one form per unit of a project: the lead unit and each co-organiser (组团式 申报表).
 */
import Handlebars from 'handlebars';
import { chineseDate } from '../../domain/dates.js';
import { formPartials, formTemplateSource, formsStylesheet } from '../../assets/templates.js';
import { mapSymbols } from '../charmap.js';
import { wrapDocument } from '../html.js';
import type { TemplateMeta } from './targets.js';


const hb = Handlebars.create();
const esc = (v: unknown): string => hb.escapeExpression(v === undefined || v === null ? '' : String(v));
const safe = (html: string) => new hb.SafeString(html);
const isEmpty = (v: unknown): boolean => v === undefined || v === null || (typeof v === 'string' && v.trim() === '') || (Array.isArray(v) && v.length === 0);

/**
 * A text is "long" when it may not fit on one page inside its cell: then its row is allowed to break across
 * pages (tr.long); every other row stays whole and moves to the next page when it does not fit. The estimate
 * counts wrapped lines at `perLine` characters (a full-width cell at 四号 holds about 24).
 */
export const LONG_TEXT_LINES = 22;

export function estimateLines(v: unknown, perLine = 24): number {
  if (typeof v !== 'string') return 0;
  return paragraphs(v).reduce((n, p) => n + Math.max(1, Math.ceil([...p].length / perLine)), 0);
}

export function isLongText(v: unknown, perLine = 24): boolean {
  return estimateLines(v, perLine) > LONG_TEXT_LINES;
}

/** Paragraphs of a record text: split at line breaks, blank lines dropped, each trimmed. */
export function paragraphs(v: unknown): string[] {
  if (typeof v !== 'string') return v === undefined || v === null ? [] : [String(v)];
  return v
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter(Boolean);
}

const CN_DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
/** 1 → 一, 2 → 两 (as in “领办以下两项工作”), 10 → 十, 12 → 十二, 25 → 二十五; other numbers stay Arabic. */
export function cnCount(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > 99) return String(n);
  if (n === 2) return '两';
  if (n < 10) return CN_DIGITS[n]!;
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  return `${tens === 1 ? '' : CN_DIGITS[tens]}十${ones ? CN_DIGITS[ones] : ''}`;
}

/** Ordinal numerals for （一）（二）…: 1 → 一, 2 → 二, 12 → 十二. */
export function cnOrdinal(n: number): string {
  return n === 2 ? '二' : cnCount(n);
}

const BLANK_DATE = '<span class="date-blank"><span class="gap y"></span>年<span class="gap"></span>月<span class="gap"></span>日</span>';

hb.registerHelper({
  /** A check box, ticked when `on` is truthy. */
  check(on: unknown) {
    return safe(`<span class="check${on ? ' on' : ''}"></span>`);
  },
  /** Choices [{label, on}] as check boxes with their labels. */
  choices(list: unknown) {
    if (!Array.isArray(list)) return '';
    return safe(
      list
        .map((c: { label?: unknown; on?: unknown }) => `<span class="choice"><span class="check${c?.on ? ' on' : ''}"></span>${esc(c?.label)}</span>`)
        .join(''),
    );
  },
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
  /** Inline text with line breaks kept (escaped). */
  lines(value: unknown) {
    return safe(paragraphs(value).map(esc).join('<br>'));
  },
  /** The value, or an underlined blank to fill by hand: {{blank value "w8"}}. */
  blank(value: unknown, width: unknown) {
    if (!isEmpty(value)) return safe(`<span class="filled">${esc(value)}</span>`);
    const w = typeof width === 'string' && /^w(2|4|8|12)$/.test(width) ? ` ${width}` : '';
    return safe(`<span class="blank${w}"></span>`);
  },
  /** A label stacked one character per line (for a narrow first column). */
  vlabel(label: unknown) {
    return safe(`<span class="vertical-label">${[...String(label ?? '')].map(esc).join('<br>')}</span>`);
  },
  /** "long" when a text may not fit on a page, so that its row may break across pages: {{long text}}. */
  long(...values: unknown[]) {
    return values.slice(0, -1).some((v) => isLongText(v)) ? 'long' : '';
  },
  inc(i: unknown) {
    return Number(i) + 1;
  },
  cnCount(n: unknown) {
    return cnCount(Number(n));
  },
  cnOrd(n: unknown) {
    return cnOrdinal(Number(n));
  },
  eq(a: unknown, b: unknown) {
    return a === b;
  },
  or(...values: unknown[]) {
    return values.slice(0, -1).find((v) => !isEmpty(v)) ?? '';
  },
  empty(v: unknown) {
    return isEmpty(v);
  },
  join(list: unknown, sep: unknown) {
    if (!Array.isArray(list)) return '';
    return list.filter((v) => !isEmpty(v)).join(typeof sep === 'string' ? sep : '、');
  },
  /** Blank rows to pad a table to at least `min` rows: {{#each (pad team 3)}}. */
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

interface Compiled {
  meta: TemplateMeta;
  render: (view: object) => string;
}
const compiled = new Map<string, Compiled>();

const META = /^\s*\{\{!--\s*djyc-form\s+(\{[\s\S]*?\})\s*--\}\}/;

export function parseMeta(source: string): TemplateMeta {
  const m = META.exec(source);
  if (!m) return {};
  const raw = JSON.parse(m[1]!) as TemplateMeta;
  return { per: raw.per === 'member' || raw.per === 'unit' ? raw.per : undefined };
}

function compile(name: string): Compiled {
  let c = compiled.get(name);
  if (c) return c;
  const source = formTemplateSource(name);
  loadPartials();
  const fn = hb.compile(source, { strict: false, preventIndent: true });
  c = { meta: parseMeta(source), render: (view) => fn(view) };
  compiled.set(name, c);
  return c;
}

export function templateMeta(name: string): TemplateMeta {
  return compile(name).meta;
}

/** The body HTML of a template for a view, with Word's symbol-font characters made printable (charmap.ts). */
export function renderBody(name: string, view: object): string {
  return mapSymbols(compile(name).render(view));
}

/** A complete HTML document (for the engine, or for preview) of a template and its view. */
export function renderDocument(name: string, view: object, title: string): string {
  return wrapDocument({ title, css: formsStylesheet(), body: renderBody(name, view), lang: 'zh-CN' });
}
