/**
 * Hand-written SVG charts for the dashboard (site front page and `djyc status --format pdf`). Pure: data in,
 * an <svg> string out; no DOM, no I/O.
 *
 * Print and black-and-white first: every series has both its own grey level and its own pattern (solid,
 * hatching, dots, cross-hatching, outline), every bar and segment carries its number as a direct label, and a
 * legend names the series — colour is never the only cue. All text is escaped (labels are record text).
 */
import { escapeHtml } from './html.js';
import { isWide } from './text-table.js';

export interface FillStyle {
  /** Name for the legend key in tests and for CSS hooks. */
  key: string;
  /** Darkness: chooses the label colour drawn over the fill. */
  dark: boolean;
}

/** The fills in order of use; series i gets fill i (mod the list). */
export const FILLS: FillStyle[] = [
  { key: 'solid', dark: true },
  { key: 'hatch', dark: false },
  { key: 'grey', dark: false },
  { key: 'dots', dark: false },
  { key: 'cross', dark: false },
  { key: 'outline', dark: false },
];

const INK = '#1a1a1a';
const ACCENT = '#8f1d14'; // the notice-board red, dark enough to print as near-black
const GREY = '#a8a8a8';
const TRACK = '#f3f3f3';
const FONT = 13;
const SMALL = 11.5;

/** Approximate advance width of a string in this chart font: CJK and full-width forms are 1 em, the rest ~0.56 em. */
export function textWidth(text: string, size = FONT): number {
  let w = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    w += isWide(cp) ? 1 : ch === ' ' ? 0.3 : /[0-9]/.test(ch) ? 0.55 : 0.58;
  }
  return w * size;
}

/** Shortens `text` with an ellipsis so that it fits `width` (the full text goes into a <title>). */
export function fitText(text: string, width: number, size = FONT): string {
  if (textWidth(text, size) <= width) return text;
  const chars = [...text];
  while (chars.length > 1 && textWidth(chars.join('') + '…', size) > width) chars.pop();
  return chars.join('') + '…';
}

function num(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

function r1(n: number): string {
  return (Math.round(n * 10) / 10).toString();
}

/** <defs> with one pattern per fill, ids prefixed so that several charts can share a page. */
function defs(id: string): string {
  const p = (name: string, body: string, size = 6): string =>
    `<pattern id="${id}-${name}" patternUnits="userSpaceOnUse" width="${size}" height="${size}">${body}</pattern>`;
  return (
    '<defs>' +
    p('hatch', `<rect width="6" height="6" fill="#fff"/><path d="M-1,1 l2,-2 M0,6 l6,-6 M5,7 l2,-2" stroke="${ACCENT}" stroke-width="1.6"/>`) +
    p('dots', `<rect width="5" height="5" fill="#fff"/><circle cx="2.5" cy="2.5" r="1.25" fill="${INK}"/>`, 5) +
    p('cross', `<rect width="7" height="7" fill="#fff"/><path d="M0,0 L7,7 M7,0 L0,7" stroke="#555" stroke-width="1"/>`, 7) +
    '</defs>'
  );
}

function fillAttr(id: string, i: number): string {
  switch (FILLS[i % FILLS.length]!.key) {
    case 'solid':
      return `fill="${ACCENT}"`;
    case 'hatch':
      return `fill="url(#${id}-hatch)"`;
    case 'grey':
      return `fill="${GREY}"`;
    case 'dots':
      return `fill="url(#${id}-dots)"`;
    case 'cross':
      return `fill="url(#${id}-cross)"`;
    default:
      return 'fill="#fff"';
  }
}

/** A label drawn over any fill: dark text with a white halo, or white text on the dark solid fill. */
function labelOn(x: number, y: number, text: string, fill: number, anchor = 'middle'): string {
  const dark = FILLS[fill % FILLS.length]!.dark;
  const style = dark
    ? `fill="#fff"`
    : `fill="${INK}" stroke="#fff" stroke-width="3" stroke-linejoin="round" paint-order="stroke"`;
  return `<text x="${r1(x)}" y="${r1(y)}" text-anchor="${anchor}" dominant-baseline="central" font-size="${SMALL}" font-weight="700" ${style}>${escapeHtml(text)}</text>`;
}

function open(id: string, width: number, height: number, title: string, desc: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="${id}" viewBox="0 0 ${width} ${r1(height)}" width="${width}" height="${r1(height)}" role="img" aria-labelledby="${id}-t ${id}-d" font-size="${FONT}" fill="${INK}">` +
    `<title id="${id}-t">${escapeHtml(title)}</title><desc id="${id}-d">${escapeHtml(desc)}</desc>` +
    defs(id)
  );
}

function emptyChart(id: string, width: number, title: string, message: string): string {
  return `${open(id, width, 40, title, message)}<text x="0" y="24" fill="#555">${escapeHtml(message)}</text></svg>`;
}

function checkId(id: string): void {
  if (!/^[A-Za-z][\w-]*$/.test(id)) throw new Error(`chart id must be a plain identifier: ${id}`);
}

// ---- horizontal bars --------------------------------------------------------------------------------------

export interface BarDatum {
  label: string;
  value: number;
  /** When given, the bar is drawn as value out of total over a track (coverage: 8 of 10). */
  total?: number;
  /** Text after the bar instead of the plain number (e.g. "8/10 80%"). */
  valueText?: string;
  /** Fill index (default 0). */
  fill?: number;
}

export interface BarsOptions {
  /** Unique element id in the page; pattern ids derive from it. */
  id: string;
  title: string;
  data: BarDatum[];
  width?: number;
  /** Scale maximum for absolute bars (default: the largest value). */
  max?: number;
  /** Shown when there is nothing to draw. */
  emptyText?: string;
}

/** Horizontal bars, one per datum: label at the left, bar, number after the bar. */
export function horizontalBars(o: BarsOptions): string {
  checkId(o.id);
  const width = o.width ?? 640;
  if (o.data.length === 0) return emptyChart(o.id, width, o.title, o.emptyText ?? '—');
  const row = 24;
  const barH = 15;
  const labelW = Math.min(width * 0.38, widest(o.data.map((d) => textWidth(d.label))) + 8);
  const valueTexts = o.data.map((d) => d.valueText ?? num(d.value));
  const valueW = widest(valueTexts.map((t) => textWidth(t, SMALL))) + 10;
  const plotX = labelW + 6;
  const plotW = Math.max(40, width - plotX - valueW);
  const max = Math.max(o.max ?? 0, widest(o.data.map((d) => d.value)), 1);
  const height = o.data.length * row + 6;
  let s = open(o.id, width, height, o.title, o.data.map((d, i) => `${d.label}：${valueTexts[i]}`).join('；'));
  o.data.forEach((d, i) => {
    const y = 3 + i * row;
    const cy = y + row / 2;
    const label = fitText(d.label, labelW - 6);
    s += `<g><title>${escapeHtml(`${d.label}：${valueTexts[i]}`)}</title>`;
    s += `<text x="${r1(labelW)}" y="${r1(cy)}" text-anchor="end" dominant-baseline="central">${escapeHtml(label)}</text>`;
    const fill = d.fill ?? 0;
    let end: number;
    if (d.total !== undefined) {
      const share = d.total > 0 ? Math.min(1, d.value / d.total) : 0;
      s += `<rect x="${plotX}" y="${r1(cy - barH / 2)}" width="${r1(plotW)}" height="${barH}" fill="${TRACK}" stroke="#777" stroke-width="0.75"/>`;
      const w = share * plotW;
      if (w > 0) s += `<rect x="${plotX}" y="${r1(cy - barH / 2)}" width="${r1(w)}" height="${barH}" ${fillAttr(o.id, fill)} stroke="${INK}" stroke-width="0.75"/>`;
      end = plotX + plotW;
    } else {
      const w = (d.value / max) * plotW;
      if (w > 0) s += `<rect x="${plotX}" y="${r1(cy - barH / 2)}" width="${r1(w)}" height="${barH}" ${fillAttr(o.id, fill)} stroke="${INK}" stroke-width="0.75"/>`;
      else s += `<line x1="${plotX}" y1="${r1(cy - barH / 2)}" x2="${plotX}" y2="${r1(cy + barH / 2)}" stroke="${INK}" stroke-width="1.5"/>`;
      end = plotX + w;
    }
    s += `<text x="${r1(end + 6)}" y="${r1(cy)}" dominant-baseline="central" font-size="${SMALL}" font-weight="700">${escapeHtml(valueTexts[i]!)}</text></g>`;
  });
  s += `<line x1="${plotX}" y1="0" x2="${plotX}" y2="${r1(height)}" stroke="${INK}" stroke-width="1"/>`;
  return `${s}</svg>`;
}

// ---- funnel -----------------------------------------------------------------------------------------------

export interface FunnelStage {
  label: string;
  value: number;
  /** Optional second figure printed after the value, e.g. "当前 3". */
  note?: string;
}

export interface FunnelOptions {
  id: string;
  title: string;
  stages: FunnelStage[];
  width?: number;
  emptyText?: string;
}

/** A funnel: one centred bar per stage, width proportional to its value, joined by shaded trapezoids. */
export function funnel(o: FunnelOptions): string {
  checkId(o.id);
  const width = o.width ?? 640;
  if (o.stages.length === 0) return emptyChart(o.id, width, o.title, o.emptyText ?? '—');
  const barH = 20;
  const gap = 8;
  const labelW = Math.min(width * 0.3, Math.max(...o.stages.map((s) => textWidth(s.label))) + 8);
  const texts = o.stages.map((s) => (s.note ? `${num(s.value)}（${s.note}）` : num(s.value)));
  const valueW = Math.max(...texts.map((t) => textWidth(t, SMALL))) + 12;
  const plotX = labelW + 8;
  const plotW = Math.max(60, width - plotX - valueW);
  const cx = plotX + plotW / 2;
  const max = Math.max(1, ...o.stages.map((s) => s.value));
  const minW = 3;
  const height = o.stages.length * (barH + gap) - gap + 4;
  let s = open(o.id, width, height, o.title, o.stages.map((st, i) => `${st.label}：${texts[i]}`).join('；'));
  const widths = o.stages.map((st) => Math.max(minW, (st.value / max) * plotW));
  o.stages.forEach((st, i) => {
    const y = 2 + i * (barH + gap);
    const w = widths[i]!;
    if (i > 0) {
      const pw = widths[i - 1]!;
      const py = y - gap;
      s += `<path d="M${r1(cx - pw / 2)},${r1(py)} L${r1(cx + pw / 2)},${r1(py)} L${r1(cx + w / 2)},${r1(y)} L${r1(cx - w / 2)},${r1(y)} Z" fill="#e2e2e2"/>`;
    }
    s += `<g><title>${escapeHtml(`${st.label}：${texts[i]}`)}</title>`;
    s += `<text x="${r1(labelW)}" y="${r1(y + barH / 2)}" text-anchor="end" dominant-baseline="central">${escapeHtml(fitText(st.label, labelW - 6))}</text>`;
    // Grey levels step down the funnel, so stages differ in print even without the labels.
    const shade = st.value === 0 ? '#fff' : i === 0 ? ACCENT : `url(#${o.id}-hatch)`;
    s += `<rect x="${r1(cx - w / 2)}" y="${r1(y)}" width="${r1(w)}" height="${barH}" fill="${shade}" stroke="${INK}" stroke-width="0.75"/>`;
    s += `<text x="${r1(plotX + plotW + 8)}" y="${r1(y + barH / 2)}" dominant-baseline="central" font-size="${SMALL}" font-weight="700">${escapeHtml(texts[i]!)}</text></g>`;
  });
  return `${s}</svg>`;
}

// ---- stacked bars -----------------------------------------------------------------------------------------

export interface StackSeries {
  key: string;
  label: string;
}

export interface StackRow {
  label: string;
  /** One value per series, in series order. */
  values: number[];
}

export interface StackedOptions {
  id: string;
  title: string;
  series: StackSeries[];
  rows: StackRow[];
  width?: number;
  /** Scale maximum (default: the largest row total). */
  max?: number;
  emptyText?: string;
}

/** Stacked horizontal bars with a legend: each series has its own fill, each segment its number. */
export function stackedBars(o: StackedOptions): string {
  checkId(o.id);
  const width = o.width ?? 640;
  const rows = o.rows.filter((r) => r.values.some((v) => v > 0));
  if (rows.length === 0 || o.series.length === 0) return emptyChart(o.id, width, o.title, o.emptyText ?? '—');
  // Legend: swatch + label, wrapped over as many lines as needed.
  const legendRow = 20;
  const items: { x: number; line: number; i: number }[] = [];
  let lx = 0;
  let line = 0;
  o.series.forEach((se, i) => {
    const w = 18 + 6 + textWidth(se.label, SMALL) + 16;
    if (lx > 0 && lx + w > width) {
      line++;
      lx = 0;
    }
    items.push({ x: lx, line, i });
    lx += w;
  });
  const legendH = (line + 1) * legendRow + 6;
  const row = 26;
  const barH = 17;
  const labelW = Math.min(width * 0.38, widest(rows.map((r) => textWidth(r.label))) + 8);
  const totals = rows.map((r) => r.values.reduce((a, b) => a + b, 0));
  const totalW = widest(totals.map((t) => textWidth(`= ${num(t)}`, SMALL))) + 10;
  const plotX = labelW + 6;
  const plotW = Math.max(60, width - plotX - totalW);
  const max = Math.max(o.max ?? 0, widest(totals), 1);
  const height = legendH + rows.length * row + 4;
  const desc = rows.map((r, k) => `${r.label}：${o.series.map((se, i) => `${se.label} ${num(r.values[i] ?? 0)}`).join('，')}，合计 ${num(totals[k]!)}`).join('；');
  let s = open(o.id, width, height, o.title, desc);
  s += '<g class="legend">';
  for (const it of items) {
    const y = 2 + it.line * legendRow;
    s += `<rect x="${r1(it.x)}" y="${y + 2}" width="18" height="12" ${fillAttr(o.id, it.i)} stroke="${INK}" stroke-width="0.75"/>`;
    s += `<text x="${r1(it.x + 24)}" y="${y + 8}" dominant-baseline="central" font-size="${SMALL}">${escapeHtml(o.series[it.i]!.label)}</text>`;
  }
  s += '</g>';
  rows.forEach((r, k) => {
    const y = legendH + k * row;
    const cy = y + row / 2;
    s += `<g><title>${escapeHtml(`${r.label}：${o.series.map((se, i) => `${se.label} ${num(r.values[i] ?? 0)}`).join('，')}`)}</title>`;
    s += `<text x="${r1(labelW)}" y="${r1(cy)}" text-anchor="end" dominant-baseline="central">${escapeHtml(fitText(r.label, labelW - 6))}</text>`;
    let x = plotX;
    r.values.forEach((v, i) => {
      if (!(v > 0)) return;
      const w = (v / max) * plotW;
      s += `<rect x="${r1(x)}" y="${r1(cy - barH / 2)}" width="${r1(w)}" height="${barH}" ${fillAttr(o.id, i)} stroke="${INK}" stroke-width="0.75"/>`;
      if (w >= textWidth(num(v), SMALL) + 6) s += labelOn(x + w / 2, cy, num(v), i);
      x += w;
    });
    s += `<text x="${r1(x + 6)}" y="${r1(cy)}" dominant-baseline="central" font-size="${SMALL}" font-weight="700">${escapeHtml(`= ${num(totals[k]!)}`)}</text></g>`;
  });
  s += `<line x1="${plotX}" y1="${legendH - 2}" x2="${plotX}" y2="${r1(height)}" stroke="${INK}" stroke-width="1"/>`;
  return `${s}</svg>`;
}

/** The largest of the numbers (-Infinity for none, as Math.max()), folded: a spread of a chart of thousands of bars overflows the stack. */
function widest(values: number[]): number {
  return values.reduce((m, v) => Math.max(m, v), -Infinity);
}
