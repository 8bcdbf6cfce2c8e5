/**
 * A form layout as HTML for the PDF engine: the same classes the forms stylesheet (templates/forms/_forms.css)
 * has always styled — ruled tables with closed edges at page breaks, check boxes drawn in CSS, blanks to write in,
 * stacked labels. Every piece of text, from the layout or from a record, is escaped here and nowhere else; no value
 * ever reaches an attribute except the logo, which must be a data: URL of an image.
 */
import type { BlockDef, CellDef, ExpandedRow, Inline, Layout, Para, Part, Run, Scope, SignPart, TableDef } from './layout.js';
import { boxParts, choicesOf, dateRun, expandRows, guarded, headingRuns, heightOf, inlineRuns, listOf, lookup, rowFlows, rowKeptWithPrevious, runsText } from './layout.js';
import { paragraphs } from './text.js';

/** Escapes text for HTML content and attribute values (the characters handlebars escapes). */
export function esc(v: unknown): string {
  const s = v === undefined || v === null ? '' : String(v);
  return s.replace(/[&<>"'`=]/g, (c) => ESCAPES[c]!);
}
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#x27;', '`': '&#x60;', '=': '&#x3D;' };

const BLANK_DATE = '<span class="date-blank"><span class="gap y"></span>年<span class="gap"></span>月<span class="gap"></span>日</span>';
/** Minimum heights the stylesheet has a class for (h-N); others go inline. */
const HEIGHT_CLASSES = new Set([10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 70, 80, 90, 100, 110, 120]);

function runHtml(r: Run): string {
  switch (r.t) {
    case 'label':
      return esc(r.text);
    case 'value':
      return r.filled ? `<span class="filled">${esc(r.text)}</span>` : esc(r.text);
    case 'blank':
      return `<span class="blank${r.width ? ` w${r.width}` : ''}"></span>`;
    case 'date':
      return r.text ? `<span class="date">${esc(r.text)}</span>` : BLANK_DATE;
    case 'break':
      return '<br>';
  }
}

export function inlineHtml(scope: Scope, inline: Inline | undefined): string {
  return inlineRuns(scope, inline).map(runHtml).join('');
}

/** A heading line: literal text in the heading face, values in the body face (span.val). */
function headingHtml(scope: Scope, inline: Inline): string {
  let out = '';
  let val = '';
  for (const r of inlineRuns(scope, inline)) {
    if (r.t === 'label' || r.t === 'break') {
      if (val) out += `<span class="val">${val}</span>`;
      val = '';
      out += runHtml(r);
    } else val += runHtml(r);
  }
  return val ? `${out}<span class="val">${val}</span>` : out;
}

function textHtml(v: unknown): string {
  return paragraphs(v)
    .map((p) => `<p>${esc(p)}</p>`)
    .join('');
}

function choicesHtml(scope: Scope, list: Parameters<typeof choicesOf>[1]): string {
  return choicesOf(scope, list)
    .map((c) => `<span class="choice"><span class="check${c.on ? ' on' : ''}"></span>${esc(c.label)}</span>`)
    .join('');
}

function signHtml(scope: Scope, s: SignPart): string {
  let html = inlineHtml(scope, s.sign);
  if (s.space) html += '<span class="sig-space"></span>';
  if (s.date !== undefined) {
    html += `<span class="gap-s"></span>${runHtml(dateRun(s.date === true ? undefined : lookup(scope, s.date)))}`;
  }
  return `<div class="sig-row">${html}</div>`;
}

function partHtml(scope: Scope, p: Part): string {
  if ('text' in p) return `<div class="op-text">${textHtml(lookup(scope, p.text))}</div>`;
  if ('choices' in p) return `<div class="choices-row${p.small ? ' small' : ''}">${choicesHtml(scope, p.choices)}</div>`;
  if ('line' in p) return `<div>${inlineHtml(scope, p.line)}</div>`;
  if ('each' in p) return listOf(scope, p.each).map((item, k) => `<p>${inlineHtml({ ...scope, item, n: k + 1 }, p.p)}</p>`).join('');
  return signHtml(scope, p);
}

function place(c: Exclude<CellDef, string>, rowspan: number | undefined): string {
  return `${c.span && c.span > 1 ? ` colspan="${c.span}"` : ''}${rowspan && rowspan > 1 ? ` rowspan="${rowspan}"` : ''}`;
}

function heightAttr(classes: string[], h: number | undefined): { cls: string[]; style: string } {
  if (h === undefined) return { cls: classes, style: '' };
  if (HEIGHT_CLASSES.has(h)) return { cls: [...classes, `h-${h}`], style: '' };
  return { cls: classes, style: ` style="height:calc(var(--hs) * ${Math.round(h)}mm)"` };
}

function cellHtml(scope: Scope, c: CellDef, tag: 'td' | 'th', rowspan?: number): string {
  if (typeof c === 'string') return tag === 'th' ? `<th>${inlineHtml(scope, c)}</th>` : `<td class="label">${inlineHtml(scope, c)}</td>`;
  const at = place(c, rowspan);
  if ('label' in c) {
    const inner = c.vertical ? `<span class="vertical-label">${[...runsText(inlineRuns(scope, c.label))].map(esc).join('<br>')}</span>` : inlineHtml(scope, c.label);
    return tag === 'th' ? `<th${at}>${inner}</th>` : `<td class="label"${at}>${inner}</td>`;
  }
  const td = (classes: string[], inner: string, h?: number) => {
    const { cls, style } = heightAttr(classes, h);
    return `<${tag}${at}${cls.length ? ` class="${cls.join(' ')}"` : ''}${style}>${inner}</${tag}>`;
  };
  if ('value' in c) return td([...(c.align === 'center' ? ['num'] : c.align === 'right' ? ['right'] : []), ...(c.top ? ['box'] : [])], inlineHtml(scope, c.value));
  if ('text' in c) return td(['box'], textHtml(lookup(scope, c.text)), heightOf(scope, c.height));
  if ('box' in c) {
    const { body, foot } = boxParts(c);
    const h = heightOf(scope, c.height);
    if (!foot.length) return td(['box'], body.map((p) => partHtml(scope, p)).join(''), h);
    // The opinion at the top, the seal or signature and the date at the foot of the cell (room for a round seal).
    const inner = `<div class="opinion"${h ? ` style="min-height:calc(var(--hs) * ${Math.round(h)}mm)"` : ''}><div class="op-body">${body.map((p) => partHtml(scope, p)).join('')}</div><div class="op-foot">${foot.map((p) => partHtml(scope, p)).join('')}</div></div>`;
    return td(['box', 'opinion-cell'], inner);
  }
  if ('choices' in c) return td(['choices-row', ...(c.small ? ['small'] : [])], choicesHtml(scope, c.choices));
  const src = lookup(scope, c.logo);
  // Only an image data: URL built by the view model (views.ts imageDataUrl) may become an attribute.
  const img = typeof src === 'string' && /^data:image\/(png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/=]+$/.test(src) ? `<img src="${src}" alt="">` : '';
  return td(['logo-cell'], img, heightOf(scope, c.height));
}

/**
 * A table; `note` (the 注 under it) goes in as its last row, borderless and kept with the row above, so that it
 * never starts a page alone (Chromium keeps table rows together, not a block after a table).
 */
function tableHtml(scope: Scope, t: TableDef, note?: string): string {
  const cols = t.columns.length;
  const classes = ['form', ...(t.style === 'list' ? ['list'] : []), ...(t.dense ? ['dense'] : [])];
  const edges = t.edges ?? true;
  const edge = `<tr class="page-edge"><td colspan="${cols}"></td></tr>`;
  const rowHtml = (row: ExpandedRow, tag: 'td' | 'th') => {
    const cls = [...(tag === 'td' && rowFlows(row, t) ? ['long'] : []), ...(tag === 'td' && rowKeptWithPrevious(row) ? ['keep'] : [])];
    return `<tr${cls.length ? ` class="${cls.join(' ')}"` : ''}>${row.cells.map((c) => cellHtml(row.scope, c.cell, tag, c.rowspan)).join('')}</tr>`;
  };
  const head = expandRows(scope, t.header).map((r) => rowHtml(r, 'th')).join('\n');
  let html = `<table class="${classes.join(' ')}">\n<colgroup>${t.columns.map((w) => `<col style="width:${Number(w)}%">`).join('')}</colgroup>\n`;
  if (head || edges) html += `<thead>${head || edge}</thead>\n`;
  const noteRow = note ? `\n<tr class="keep note-row"><td colspan="${cols}"><div class="note">${note}</div></td></tr>` : '';
  html += `<tbody>\n${expandRows(scope, t.rows).map((r) => rowHtml(r, 'td')).join('\n')}${noteRow}\n</tbody>\n`;
  if (edges) html += `<tfoot>${edge}</tfoot>\n`;
  return `${html}</table>`;
}

function paraHtml(scope: Scope, p: Para): string {
  const cls = (style: string | undefined) => (style === 'heading' ? ' class="sec-head"' : style ? ` class="${style}"` : '');
  if ('sign' in p) {
    const lines = p.sign.map((l, i) => `<p${i === p.sign.length - 1 && p.sign.length > 1 ? ' class="date-line-r"' : ''}>${inlineHtml(scope, l)}</p>`);
    return `<div class="sign-block">${lines.join('')}</div>`;
  }
  if ('each' in p) {
    const items = listOf(scope, p.each);
    if (items.length === 0) return (p.else ?? []).map((l) => `<p${cls(p.style)}>${inlineHtml(scope, l)}</p>`).join('\n');
    return items.map((item, k) => `<p${cls(p.style)}>${inlineHtml({ ...scope, item, n: k + 1 }, p.p)}</p>`).join('\n');
  }
  if ('p' in p) {
    if (!guarded(scope, p)) return '';
    return `<p${cls(p.style)}>${p.style === 'heading' ? headingHtml(scope, p.p) : inlineHtml(scope, p.p)}</p>`;
  }
  const v = lookup(scope, p.text);
  return paragraphs(v).length ? textHtml(v) : p.else !== undefined ? `<p>${inlineHtml(scope, p.else)}</p>` : '';
}

function blockHtml(scope: Scope, b: BlockDef): string {
  if (!guarded(scope, b)) return '';
  if ('line' in b) return `<div class="form-line">${b.line.map((l) => `<span>${inlineHtml(scope, l)}</span>`).join('')}</div>`;
  if ('subtitle' in b) return `<div class="form-subtitle-line">${inlineHtml(scope, b.subtitle)}</div>`;
  if ('note' in b) return `<div class="note">${inlineHtml(scope, b.note)}</div>`;
  if ('table' in b) return tableHtml(scope, b.table);
  return `<div class="doc">\n${b.prose.map((p) => paraHtml(scope, p)).filter(Boolean).join('\n')}\n</div>`;
}

/** How tightly a one-page form is set to stay on one page: 0 as designed, 1 tighter leading, 2 小四 tables, 3 五号. */
export type FitLevel = 0 | 1 | 2 | 3;
export const MAX_FIT: FitLevel = 3;

/** The body HTML of a form: heading, then its blocks (inside a .fit-N wrapper when set tighter). */
export function layoutHtml(layout: Layout, view: Record<string, unknown>, fit: FitLevel = 0): string {
  const body = layoutBodyHtml(layout, view);
  return fit ? `<div class="fit-${fit}">\n${body}\n</div>` : body;
}

function layoutBodyHtml(layout: Layout, view: Record<string, unknown>): string {
  const scope: Scope = { view };
  const { annex, title } = headingRuns(layout, scope);
  const parts: string[] = [];
  if (annex) parts.push(`<div class="annex-label">${annex.map(runHtml).join('')}</div>`);
  parts.push(`<h1 class="form-title">${title.map(runHtml).join('')}</h1>`);
  for (let i = 0; i < layout.body.length; i++) {
    const b = layout.body[i]!;
    const next = layout.body[i + 1];
    // A note under a table whose rows all stay whole rides in the table (the page-edge rows that close split
    // rows would rule a line under it).
    const splits = 'table' in b && (b.table.edges ?? true) && expandRows(scope, b.table.rows).some((r) => rowFlows(r, b.table));
    if ('table' in b && !splits && guarded(scope, b) && next && 'note' in next && guarded(scope, next)) {
      parts.push(tableHtml(scope, { ...b.table, edges: false }, inlineHtml(scope, next.note)));
      i++;
      continue;
    }
    const html = blockHtml(scope, b);
    if (html) parts.push(html);
  }
  return parts.join('\n');
}
