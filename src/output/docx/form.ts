/**
 * A form layout as Word content (the `docx` package): the same layout and view model as the HTML for the PDF, drawn
 * as real Word tables and paragraphs that an office can edit in Word or WPS.
 *
 * - Tables: fixed column widths from the layout, merged cells as gridSpan/vMerge, header rows repeated on every page,
 *   rows that may not break across pages unless they hold a long text, rows kept with the next where the layout says.
 * - Text: record text is text (runs of plain text: never a field, never markup); characters XML cannot hold are
 *   dropped. Check boxes are ☐/☑ characters; blanks to write in are underlined spaces; empty cells keep their height.
 * - Fonts as offices name them: 仿宋_GB2312 body, 方正小标宋简体 title, 黑体 headings, set in every font slot.
 */
import {
  AlignmentType,
  BorderStyle,
  HeightRule,
  ImageRun,
  LineRuleType,
  Paragraph,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  TabStopType,
  TextRun,
  UnderlineType,
  VerticalAlignTable,
  WidthType,
  type IRunOptions,
  type ParagraphChild,
} from 'docx';
import type { BlockDef, CellDef, ChoiceList, Layout, Para, Part, Run, Scope, SignPart, TableDef } from '../forms/layout.js';
import { boxParts, choicesOf, dateRun, expandRows, guarded, headingRuns, heightOf, inlineRuns, listOf, lookup, rowFlows, rowKeptWithPrevious, runsText, type ExpandedRow } from '../forms/layout.js';
import { estimateLines, paragraphs } from '../forms/text.js';

// ---- page and type ------------------------------------------------------------------------------------------

/** Fonts as offices have them installed, with the alternatives Word and WPS fall back to (see document.ts). */
export const FONTS = {
  body: '仿宋_GB2312',
  bodyAlt: '仿宋',
  title: '方正小标宋简体',
  titleAlt: '宋体',
  heading: '黑体',
} as const;

/** Sizes in 号, as half-points. */
export const SIZE = { er: 44, san: 32, si: 28, xiaosi: 24, wu: 21, xiaowu: 18 } as const;

export const mm = (v: number): number => Math.round((v * 1440) / 25.4);
/** GB/T 9704-2012: A4, margins top 37, bottom 35, left 28, right 26 mm. */
export const PAGE = { width: mm(210), height: mm(297), top: mm(37), bottom: mm(35), left: mm(28), right: mm(26) } as const;
export const TEXT_WIDTH = PAGE.width - PAGE.left - PAGE.right;

export const fontOf = (name: string) => ({ ascii: name, hAnsi: name, eastAsia: name, cs: name });

/** Prose: 三号 on a 28.9 pt line (22 lines fill the text block). */
const PROSE_LINE = 578;

// ---- text ---------------------------------------------------------------------------------------------------

/** Drops what XML 1.0 cannot hold (control characters, unpaired surrogates): Word refuses such a file. */
export function xmlSafe(s: string): string {
  return s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '');
}

const IDEO = '\u3000';
const BLANK_DATE = `${IDEO.repeat(3)}年${IDEO.repeat(2)}月${IDEO.repeat(2)}日`;

type RunStyle = Pick<IRunOptions, 'size' | 'font' | 'bold'>;

function textRun(text: string, style: RunStyle, extra: Partial<IRunOptions> = {}): TextRun {
  return new TextRun({ ...style, ...extra, text: xmlSafe(text) });
}

/** Runs of an inline text; `valueStyle` for values in a heading (body face) when it differs. */
function docxRuns(runs: Run[], style: RunStyle, valueStyle: RunStyle = style): TextRun[] {
  const out: TextRun[] = [];
  let brk = 0;
  const push = (text: string, s: RunStyle, extra: Partial<IRunOptions> = {}) => {
    out.push(textRun(text, s, brk ? { ...extra, break: brk } : extra));
    brk = 0;
  };
  for (const r of runs) {
    switch (r.t) {
      case 'break':
        brk++;
        break;
      case 'label':
        push(r.text, style);
        break;
      case 'value':
        push(r.text, valueStyle);
        break;
      case 'blank':
        push(IDEO.repeat(r.width || 6), valueStyle, { underline: { type: UnderlineType.SINGLE } });
        break;
      case 'date':
        push(r.text || BLANK_DATE, valueStyle);
        break;
    }
  }
  if (brk) out.push(new TextRun({ ...style, break: brk }));
  return out;
}

/** Rough width of runs in em (CJK one, Latin half, blanks their width) for placing a sign block. */
function emWidth(runs: Run[]): number {
  let em = 0;
  let line = 0;
  const chars = textEm;
  for (const r of runs) {
    if (r.t === 'break') {
      em = Math.max(em, line);
      line = 0;
    } else if (r.t === 'blank') line += r.width || 6;
    else if (r.t === 'date') line += r.text ? chars(r.text) : 10;
    else line += chars(r.text);
  }
  return Math.max(em, line);
}

// ---- tables ---------------------------------------------------------------------------------------------------

interface TableStyle {
  size: number;
  dense: boolean;
  list: boolean;
}

const cellMargins = { top: 60, bottom: 60, left: 100, right: 100 };

function para(children: ParagraphChild[], opts: ConstructorParameters<typeof Paragraph>[0] & object = {}): Paragraph {
  return new Paragraph({ ...(opts as object), children });
}

/**
 * Text is set flush left, not justified: LibreOffice drops the comma that ends a full justified line of Chinese
 * (it neither hangs nor draws it); left-aligned, every character of the record prints. Full-width characters
 * line up the same either way.
 */
const TEXT_ALIGN = AlignmentType.LEFT;

function textParas(v: unknown, size: number): Paragraph[] {
  return paragraphs(v).map((p) => para([textRun(p, { size })], { alignment: TEXT_ALIGN, indent: { firstLine: size * 20 } }));
}

/** Width of a text in em (CJK one, Latin about half). */
const textEm = (s: string) => [...s].reduce((n, c) => n + (c.charCodeAt(0) < 0x2e80 ? 0.55 : 1), 0);

/**
 * Check-box choices on as many lines as they need, never breaking inside one: Word breaks Chinese text anywhere,
 * so the line breaks are placed here from the cell's width (`width` in twips).
 */
function choicesParagraph(scope: Scope, list: ChoiceList, size: number, width: number): Paragraph {
  const perLine = (width - cellMargins.left - cellMargins.right) / (size * 10) - 0.5;
  const runs: TextRun[] = [];
  let used = 0;
  choicesOf(scope, list).forEach((c, i) => {
    const text = `${c.on ? '☑' : '☐'}${c.label}`;
    const w = textEm(text);
    const wrap = i > 0 && used + 2 + w > perLine;
    const lead = i === 0 || wrap ? '' : IDEO + IDEO;
    runs.push(textRun(lead + text, { size }, wrap ? { break: 1 } : {}));
    used = (wrap || i === 0 ? 0 : used + 2) + w;
  });
  return para(runs);
}

function signParagraph(scope: Scope, s: SignPart, size: number, before = 80): Paragraph {
  const runs: Run[] = [...inlineRuns(scope, s.sign)];
  if (s.space) runs.push({ t: 'label', text: IDEO.repeat(7) });
  if (s.date !== undefined) runs.push({ t: 'label', text: IDEO.repeat(2) }, dateRun(s.date === true ? undefined : lookup(scope, s.date)));
  return para(docxRuns(runs, { size }), { alignment: AlignmentType.RIGHT, indent: { right: size * 20 }, spacing: { before } });
}

/**
 * The paragraphs of an opinion cell: the opinion at the top, the seal or signature and the date at the foot. Word
 * has no "push to the bottom" inside a cell, so the space above the foot is what the cell's height leaves after
 * the opinion's estimated lines (over-estimated: a line too many leaves the sign a little higher, never the row
 * taller than asked).
 */
function boxParas(scope: Scope, c: Extract<CellDef, { box: Part[] }>, size: number, width: number, heightMm: number | undefined): Paragraph[] {
  const { body, foot } = boxParts(c);
  const top = body.flatMap((p) => partParas(scope, p, size, width));
  if (!foot.length) return top;
  const line = lineTwips(size);
  const room = heightMm ? mm(heightMm) - cellMargins.top - cellMargins.bottom - (bodyLines(scope, c, size, width) + 1) * line - foot.length * (line + 80) : 0;
  return [...top, ...foot.map((p, i) => signParagraph(scope, p as SignPart, size, i === 0 ? Math.max(80, room) : 80))];
}

/** Room for a round seal (Ø 40–42 mm) over the sign and the date, below the opinion: as in the PDF (.op-foot). */
const SEAL_MM = 40;
const lineTwips = (size: number): number => Math.ceil(size * 10 * 1.4); // half-points × 10 × line height

/** Estimated lines of the opinion above a box's sign (over-estimated, like the PDF's text). */
function bodyLines(scope: Scope, c: Extract<CellDef, { box: Part[] }>, size: number, width: number): number {
  const perLine = Math.max(1, Math.floor((width - cellMargins.left - cellMargins.right) / (size * 10)));
  return boxParts(c).body.reduce((n, p) => n + ('text' in p ? estimateLines(lookup(scope, p.text), perLine) : 'choices' in p ? 2 : 'each' in p ? listOf(scope, p.each).length : 1), 0);
}

/** Minimum height of a box cell in mm: the layout's, and for a box with a seal or signature, the opinion and 40 mm under it. */
function boxHeight(scope: Scope, c: Extract<CellDef, { box: Part[] }>, size: number, width: number): number | undefined {
  const h = heightOf(scope, c.height);
  if (!boxParts(c).foot.length) return h;
  // The 40 mm hold the sign and the date as well (as the PDF's .op-foot does).
  const opinion = (bodyLines(scope, c, size, width) * lineTwips(size) + cellMargins.top + cellMargins.bottom) * (25.4 / 1440);
  return Math.max(h ?? 0, Math.ceil(opinion + SEAL_MM));
}

function partParas(scope: Scope, p: Part, size: number, width: number): Paragraph[] {
  if ('text' in p) return textParas(lookup(scope, p.text), size);
  if ('choices' in p) return [choicesParagraph(scope, p.choices, p.small ? SIZE.xiaosi : size, width)];
  if ('line' in p) return [para(docxRuns(inlineRuns(scope, p.line), { size }))];
  if ('each' in p) return listOf(scope, p.each).map((item, k) => para(docxRuns(inlineRuns({ ...scope, item, n: k + 1 }, p.p), { size }), { indent: { firstLine: size * 20 } }));
  return [signParagraph(scope, p, size)];
}

const PX_PER_MM = 96 / 25.4;

/** An image from a data: URL, sized like the PDF's (28 mm high, at most 80 mm wide). */
function logoRun(src: unknown, heightMm = 28): ImageRun | undefined {
  if (typeof src !== 'string') return undefined;
  const m = /^data:image\/(png|jpeg|gif|svg\+xml);base64,([A-Za-z0-9+/=]+)$/.exec(src);
  if (!m) return undefined;
  const data = Buffer.from(m[2]!, 'base64');
  const size = imageSize(m[1]!, data);
  if (!size) return undefined;
  let h = heightMm * PX_PER_MM;
  let w = (h * size.width) / size.height;
  const maxW = 80 * PX_PER_MM;
  if (w > maxW) {
    h = (h * maxW) / w;
    w = maxW;
  }
  const transformation = { width: Math.round(w), height: Math.round(h) };
  if (m[1] === 'svg+xml') return new ImageRun({ type: 'svg', data, fallback: { type: 'png', data: TRANSPARENT_PNG }, transformation });
  return new ImageRun({ type: m[1] === 'jpeg' ? 'jpg' : (m[1] as 'png' | 'gif'), data, transformation });
}

/** A 1×1 transparent PNG: the fallback Word requires beside an SVG image (Word 2016 and later draw the SVG). */
const TRANSPARENT_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4//8/AwAI/AL+p5qgoAAAAABJRU5ErkJggg==', 'base64');

/** Pixel size of a PNG, JPEG, GIF or SVG image. */
export function imageSize(type: string, data: Buffer): { width: number; height: number } | undefined {
  if (type === 'png' && data.length > 24) return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
  if (type === 'gif' && data.length > 10) return { width: data.readUInt16LE(6), height: data.readUInt16LE(8) };
  if (type === 'jpeg') {
    let i = 2;
    while (i + 9 < data.length) {
      if (data[i] !== 0xff) return undefined;
      const marker = data[i + 1]!;
      const len = data.readUInt16BE(i + 2);
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) return { height: data.readUInt16BE(i + 5), width: data.readUInt16BE(i + 7) };
      i += 2 + len;
    }
    return undefined;
  }
  if (type === 'svg+xml') {
    const head = data.subarray(0, 4096).toString('utf8');
    const tag = /<svg\b[^>]*>/i.exec(head)?.[0] ?? '';
    const num = (name: string) => Number(new RegExp(`\\b${name}\\s*=\\s*["']\\s*([\\d.]+)`, 'i').exec(tag)?.[1]);
    const vb = /\bviewBox\s*=\s*["']\s*[-\d.]+[\s,]+[-\d.]+[\s,]+([\d.]+)[\s,]+([\d.]+)/i.exec(tag);
    const width = num('width') || Number(vb?.[1]);
    const height = num('height') || Number(vb?.[2]);
    return width > 0 && height > 0 ? { width, height } : { width: 1, height: 1 };
  }
  return undefined;
}

function cellWidth(columns: number[], start: number, span: number): number {
  const total = columns.reduce((a, b) => a + b, 0);
  return Math.round((TEXT_WIDTH * columns.slice(start, start + span).reduce((a, b) => a + b, 0)) / total);
}

interface Built {
  cell: TableCell;
  /** Minimum height in mm asked by the cell. */
  height?: number;
}

function buildCell(scope: Scope, c: CellDef, ts: TableStyle, width: number, header: boolean, rowspan?: number): Built {
  const size = ts.size;
  const common = {
    width: { size: width, type: WidthType.DXA },
    margins: cellMargins,
    ...(typeof c !== 'string' && c.span && c.span > 1 ? { columnSpan: c.span } : {}),
    ...(rowspan && rowspan > 1 ? { rowSpan: rowspan } : {}),
  };
  const labelStyle: RunStyle = header && ts.list ? { size, font: fontOf(FONTS.heading) } : { size };
  const centre = (runs: TextRun[]) => new TableCell({ ...common, verticalAlign: VerticalAlignTable.CENTER, children: [para(runs, { alignment: AlignmentType.CENTER })] });
  if (typeof c === 'string') return { cell: centre(docxRuns(inlineRuns(scope, c), labelStyle)) };
  if ('label' in c) {
    const runs = c.vertical ? [...runsText(inlineRuns(scope, c.label))].flatMap((ch, i): Run[] => (i ? [{ t: 'break' }, { t: 'label', text: ch }] : [{ t: 'label', text: ch }])) : inlineRuns(scope, c.label);
    return { cell: centre(docxRuns(runs, labelStyle)) };
  }
  if ('value' in c) {
    const alignment = c.align === 'center' ? AlignmentType.CENTER : c.align === 'right' ? AlignmentType.RIGHT : TEXT_ALIGN;
    return { cell: new TableCell({ ...common, verticalAlign: c.top ? VerticalAlignTable.TOP : VerticalAlignTable.CENTER, children: [para(docxRuns(inlineRuns(scope, c.value), { size }), { alignment })] }) };
  }
  const top = (children: Paragraph[], height?: number): Built => ({
    cell: new TableCell({ ...common, verticalAlign: VerticalAlignTable.TOP, children: children.length ? children : [para([])] }),
    height,
  });
  if ('text' in c) return top(textParas(lookup(scope, c.text), size), heightOf(scope, c.height));
  if ('box' in c) {
    const h = boxHeight(scope, c, size, width);
    return top(boxParas(scope, c, size, width, h), h);
  }
  if ('choices' in c) return { cell: new TableCell({ ...common, verticalAlign: VerticalAlignTable.CENTER, children: [choicesParagraph(scope, c.choices, c.small ? SIZE.xiaosi : size, width)] }) };
  const h = heightOf(scope, c.height);
  const img = logoRun(lookup(scope, c.logo), h ? Math.min(28, h - 2) : 28);
  return { cell: new TableCell({ ...common, verticalAlign: VerticalAlignTable.CENTER, children: [para(img ? [img] : [], { alignment: AlignmentType.CENTER })] }), height: h };
}

/** Word rows of expanded layout rows: cells placed past the columns merged down from rows above. */
function buildRows(rows: ExpandedRow[], t: TableDef, ts: TableStyle, header: boolean, keepLastWithNext = false): TableRow[] {
  const cols = t.columns.length;
  const covered: number[] = new Array(cols).fill(0); // rows still covered by a vertical merge from above
  const out: Array<{ cells: TableCell[]; height?: number; flows: boolean; keepPrev: boolean }> = [];
  for (const row of rows) {
    let col = 0;
    const cells: TableCell[] = [];
    let height: number | undefined;
    const advance = () => {
      while (col < cols && covered[col]! > 0) col++;
    };
    for (const { cell, rowspan } of row.cells) {
      advance();
      const span = typeof cell !== 'string' && cell.span ? cell.span : 1;
      const built = buildCell(row.scope, cell, ts, cellWidth(t.columns, col, span), header, rowspan);
      cells.push(built.cell);
      if (built.height) height = Math.max(height ?? 0, built.height);
      if (rowspan && rowspan > 1) for (let k = col; k < col + span; k++) covered[k] = rowspan;
      col += span;
    }
    for (let k = 0; k < cols; k++) if (covered[k]! > 0) covered[k]!--;
    out.push({ cells, height, flows: !header && rowFlows(row, t), keepPrev: !header && rowKeptWithPrevious(row) });
  }
  return out.map((r, i) => {
    const min = ts.dense ? r.height : Math.max(10, r.height ?? 0);
    return new TableRow({
      children: r.cells,
      cantSplit: !r.flows,
      ...(header ? { tableHeader: true } : {}),
      ...(min ? { height: { value: mm(min), rule: HeightRule.ATLEAST } } : {}),
      ...(out[i + 1]?.keepPrev || (keepLastWithNext && i === out.length - 1) ? { keepNext: true } : {}),
    });
  });
}

function buildTable(scope: Scope, t: TableDef, keepWithNext: boolean): Table {
  const ts: TableStyle = { size: t.dense ? SIZE.xiaosi : SIZE.si, dense: !!t.dense, list: t.style === 'list' };
  const header = buildRows(expandRows(scope, t.header), t, ts, true);
  // The note under a table stays with its last row.
  const body = buildRows(expandRows(scope, t.rows), t, ts, false, keepWithNext);
  const rule = { style: BorderStyle.SINGLE, size: 6, color: '000000' };
  return new Table({
    rows: [...header, ...body],
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths: t.columns.map((_, i) => cellWidth(t.columns, i, 1)),
    layout: TableLayoutType.FIXED,
    borders: { top: rule, bottom: rule, left: rule, right: rule, insideHorizontal: rule, insideVertical: rule },
  });
}

// ---- blocks ---------------------------------------------------------------------------------------------------

type Child = Paragraph | Table;

function proseParas(scope: Scope, p: Para, keepWithNext = false): Paragraph[] {
  const base = { spacing: { line: PROSE_LINE, lineRule: LineRuleType.EXACT }, alignment: TEXT_ALIGN };
  const style = { size: SIZE.san };
  const indent = (s: string | undefined) => (s === 'flush' ? {} : { indent: { firstLine: SIZE.san * 20 } });
  if ('sign' in p) {
    const lines = p.sign.map((l) => inlineRuns(scope, l));
    // One em to spare: the estimate does not know the face's Latin widths.
    const width = Math.min(TEXT_WIDTH, Math.ceil((Math.max(...lines.map(emWidth)) + 1) * SIZE.san * 10));
    return lines.map((runs, i) =>
      para(docxRuns(runs, style), {
        ...base,
        alignment: i === lines.length - 1 && lines.length > 1 ? AlignmentType.RIGHT : AlignmentType.LEFT,
        indent: { left: TEXT_WIDTH - width },
        ...(i === 0 ? { spacing: { ...base.spacing, before: PROSE_LINE } } : {}),
        keepNext: i < lines.length - 1,
      }),
    );
  }
  // The paragraphs before a signature block stay on its page.
  const last = <T,>(list: T[], make: (x: T, keep: boolean, i: number) => Paragraph): Paragraph[] => list.map((x, i) => make(x, keepWithNext && i === list.length - 1, i));
  if ('each' in p) {
    const items = listOf(scope, p.each);
    if (items.length === 0) return last(p.else ?? [], (l, keepNext) => para(docxRuns(inlineRuns(scope, l), style), { ...base, ...indent(p.style), keepNext }));
    return last(items, (item, keepNext, k) => para(docxRuns(inlineRuns({ ...scope, item, n: k + 1 }, p.p), style), { ...base, ...indent(p.style), keepNext }));
  }
  if ('p' in p) {
    if (!guarded(scope, p)) return [];
    const runs = inlineRuns(scope, p.p);
    if (p.style === 'heading') return [para(docxRuns(runs, { ...style, font: fontOf(FONTS.heading) }, style), { ...base, ...indent(undefined), keepNext: true })];
    return [para(docxRuns(runs, style), { ...base, ...indent(p.style), keepNext: keepWithNext })];
  }
  const v = lookup(scope, p.text);
  if (paragraphs(v).length) return last(paragraphs(v), (t, keepNext) => para([textRun(t, style)], { ...base, ...indent(undefined), keepNext }));
  return p.else !== undefined ? [para(docxRuns(inlineRuns(scope, p.else), style), { ...base, ...indent(undefined), keepNext: keepWithNext })] : [];
}

function blockChildren(scope: Scope, b: BlockDef, next: BlockDef | undefined): Child[] {
  if (!guarded(scope, b)) return [];
  if ('line' in b) {
    const [left, right] = b.line.map((l) => docxRuns(inlineRuns(scope, l), { size: SIZE.xiaosi }));
    const children: ParagraphChild[] = [...(left ?? [])];
    if (right) children.push(new TextRun({ text: '\t', size: SIZE.xiaosi }), ...right);
    return [para(children, { tabStops: [{ type: TabStopType.RIGHT, position: TEXT_WIDTH }], spacing: { after: 120 }, keepNext: true })];
  }
  if ('subtitle' in b) return [para(docxRuns(inlineRuns(scope, b.subtitle), { size: SIZE.si }), { alignment: AlignmentType.CENTER, spacing: { after: 200 } })];
  if ('note' in b) return [para(docxRuns(inlineRuns(scope, b.note), { size: SIZE.xiaosi }), { spacing: { before: 60 } })];
  if ('table' in b) return [buildTable(scope, b.table, !!next && 'note' in next && guarded(scope, next))];
  return b.prose.flatMap((p, i) => proseParas(scope, p, !!b.prose[i + 1] && 'sign' in b.prose[i + 1]!));
}

/** The body of a form as Word content: the annex label, the title, then the layout's blocks. */
export function formDocxChildren(layout: Layout, view: Record<string, unknown>): Child[] {
  const scope: Scope = { view };
  const { annex, title } = headingRuns(layout, scope);
  const out: Child[] = [];
  if (annex) out.push(para(docxRuns(annex, { size: SIZE.san, font: fontOf(FONTS.heading) }), { spacing: { after: 200 }, keepNext: true }));
  out.push(para(docxRuns(title, { size: SIZE.er, font: fontOf(FONTS.title) }), { alignment: AlignmentType.CENTER, spacing: { after: 240 }, keepNext: true }));
  layout.body.forEach((b, i) => out.push(...blockChildren(scope, b, layout.body[i + 1])));
  // A table as the last thing of a section needs a paragraph after it (Word's rule).
  // One point high, so that a form filling its page to the foot does not get a blank second page from it.
  if (out[out.length - 1] instanceof Table) out.push(para([new TextRun({ text: '', size: 2 })], { spacing: { before: 0, after: 0, line: 20, lineRule: LineRuleType.EXACT } }));
  return out;
}
