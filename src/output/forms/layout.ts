/**
 * Form layouts: the structure of each official form as data (templates/forms/<name>.yaml, checked against
 * templates/forms/_layout.schema.json). A layout holds every label, note and title of its form; values come from
 * the view model (views.ts) through paths such as {project.title}. Two renderers walk the same layout: html.ts
 * (for Chromium → PDF) and output/docx (Word). A new form needs a layout file and no TypeScript.
 *
 * This module parses and checks layouts and evaluates their paths, conditions and inline texts against a view;
 * it produces neutral pieces (Run[]) that each renderer turns into its own markup. Pure: the file text comes from
 * assets/templates.ts.
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import { LineCounter, parseDocument, isMap, isNode, isScalar, type Document } from 'yaml';
import { chineseDate } from '../../domain/dates.js';
import { formLayoutSource, layoutValidator, layoutFile } from '../../assets/templates.js';
import { cnCount, cnOrdinal, isEmpty, isLongText, paragraphs } from './text.js';

// ---- the layout, as written -----------------------------------------------------------------------------

export type Cond = string | string[];
export type Inline = string | InlinePart[];
export type InlinePart = string | { when?: Cond; unless?: Cond; text: Inline } | { each: string; text: Inline; sep?: string; else?: Inline };
export type Height = number | { when: Cond; then: number; else: number };
export type ChoiceList = string | Array<{ label: string; on: string }>;

export interface SignPart {
  sign: Inline;
  space?: boolean;
  date?: true | string;
}
export type Part = { text: string } | { choices: ChoiceList; small?: boolean } | { line: Inline } | { each: string; p: Inline } | SignPart;

interface Place {
  span?: number;
  rows?: number | 'all';
}
export type CellDef =
  | string
  | ({ label: Inline; vertical?: boolean } & Place)
  | ({ value: Inline; align?: 'center' | 'right'; top?: boolean } & Place)
  | ({ text: string; height?: Height } & Place)
  | ({ box: Part[]; height?: Height } & Place)
  | ({ choices: ChoiceList; small?: boolean } & Place)
  | ({ logo: string; height?: Height } & Place);

export interface RowObject {
  cells: CellDef[];
  when?: Cond;
  unless?: Cond;
  each?: string;
  min?: number;
  keep?: 'with-previous';
  flow?: 'auto' | 'always' | 'never';
}
export type RowDef = CellDef[] | RowObject;

export interface TableDef {
  columns: number[];
  style?: 'form' | 'list';
  dense?: boolean;
  edges?: boolean;
  header?: RowDef[];
  rows: RowDef[];
}

export type Para =
  | { p: Inline; style?: ParaStyle; when?: Cond; unless?: Cond }
  | { text: string; else?: Inline }
  | { each: string; p: Inline; style?: ParaStyle; else?: Inline[] }
  | { sign: Inline[] };
export type ParaStyle = 'flush' | 'item' | 'heading';

interface Guarded {
  when?: Cond;
  unless?: Cond;
}
export type BlockDef =
  | ({ line: Inline[] } & Guarded)
  | ({ subtitle: Inline } & Guarded)
  | ({ table: TableDef } & Guarded)
  | ({ note: Inline } & Guarded)
  | ({ prose: Para[] } & Guarded);

export interface Layout {
  /** File name without .yaml. */
  name: string;
  per?: 'member' | 'unit';
  /** 1: a one-page form of the seeds, printed tighter rather than spilling onto a second page. */
  pages?: 1;
  annex?: Inline;
  title?: Inline;
  body: BlockDef[];
}

/** A layout file that is not valid: message with file, line and column. */
export class LayoutError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly col: number,
    readonly detail: string,
  ) {
    super(`${file}:${line}:${col}: ${detail}`);
    this.name = 'LayoutError';
  }
}

// ---- loading and checking ---------------------------------------------------------------------------------

let validator: ValidateFunction | undefined;
function validate(data: unknown): ErrorObject[] {
  validator ??= layoutValidator()!;
  return validator(data) ? [] : [...(validator.errors ?? [])];
}

/**
 * The most telling of ajv's errors: the deepest one, preferring a wrong key or value over a failed oneOf branch;
 * of the unknown keys oneOf's branches report, the one every branch refuses (the others belong to some branch).
 */
function bestError(errors: ErrorObject[]): ErrorObject {
  const extra = (e: ErrorObject) => (e.keyword === 'additionalProperties' ? `${e.instancePath}\u0000${(e.params as { additionalProperty: string }).additionalProperty}` : '');
  const votes = new Map<string, number>();
  for (const e of errors) if (extra(e)) votes.set(extra(e), (votes.get(extra(e)) ?? 0) + 1);
  const rank = (e: ErrorObject) => (e.keyword === 'additionalProperties' ? 0 : e.keyword === 'enum' || e.keyword === 'const' || e.keyword === 'pattern' || e.keyword === 'minimum' || e.keyword === 'maximum' ? 1 : e.keyword === 'oneOf' ? 3 : 2);
  return [...errors].sort(
    (a, b) => b.instancePath.split('/').length - a.instancePath.split('/').length || rank(a) - rank(b) || (votes.get(extra(b)) ?? 0) - (votes.get(extra(a)) ?? 0),
  )[0]!;
}

function pointerSegments(pointer: string): Array<string | number> {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function position(doc: Document, lc: LineCounter, path: Array<string | number>, key?: string): { line: number; col: number } {
  if (key !== undefined) {
    // The key itself, not its value.
    const map = path.length === 0 ? doc.contents : doc.getIn(path, true);
    if (isMap(map)) {
      const pair = map.items.find((p) => isScalar(p.key) && p.key.value === key);
      if (pair && isNode(pair.key) && pair.key.range) {
        const p = lc.linePos(pair.key.range[0]);
        return { line: p.line, col: p.col };
      }
    }
  }
  for (let n = path.length; n >= 0; n--) {
    const node = path.length === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    if (isNode(node) && node.range) {
      const p = lc.linePos(node.range[0]);
      return { line: p.line, col: p.col };
    }
  }
  return { line: 1, col: 1 };
}

/** Parses and checks a layout's text (schema, then every inline text and path). Throws LayoutError. */
export function parseLayout(name: string, text: string, file = `templates/forms/${name}.yaml`): Layout {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false, version: '1.2', schema: 'core' });
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    const p = lc.linePos(e.pos[0]);
    throw new LayoutError(file, p.line, p.col, e.message.split('\n')[0]!);
  }
  const data = doc.toJS() as unknown;
  const errors = validate(data);
  if (errors.length) {
    const e = bestError(errors);
    const at = pointerSegments(e.instancePath);
    const where = position(doc, lc, at, e.keyword === 'additionalProperties' ? (e.params as { additionalProperty: string }).additionalProperty : undefined);
    const extra = e.keyword === 'additionalProperties' ? ` (${(e.params as { additionalProperty: string }).additionalProperty})` : e.keyword === 'enum' ? ` (${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')})` : '';
    throw new LayoutError(file, where.line, where.col, `${e.instancePath || '/'} ${e.message ?? 'is not valid'}${extra}`);
  }
  const layout = { name, ...(data as Omit<Layout, 'name'>) };
  // Inline texts: every {…} must parse; an error points at the string that holds it.
  for (const [s, at] of layoutInlines(layout)) {
    try {
      compileInline(s);
    } catch (err) {
      const where = position(doc, lc, at);
      throw new LayoutError(file, where.line, where.col, (err as Error).message);
    }
  }
  return layout;
}

type At = Array<string | number>;

/** Every template string of a layout with where it is (for errors). */
function layoutInlines(l: Layout): Array<[string, At]> {
  const out: Array<[string, At]> = [];
  const inline = (v: Inline | undefined, at: At) => {
    if (v === undefined) return;
    if (typeof v === 'string') return void out.push([v, at]);
    v.forEach((part, i) => {
      if (typeof part === 'string') out.push([part, [...at, i]]);
      else {
        inline(part.text, [...at, i, 'text']);
        if ('each' in part) inline(part.else, [...at, i, 'else']);
      }
    });
  };
  const cell = (c: CellDef, at: At) => {
    if (typeof c === 'string') return inline(c, at);
    if ('label' in c) inline(c.label, [...at, 'label']);
    if ('value' in c) inline(c.value, [...at, 'value']);
    if ('box' in c)
      c.box.forEach((p, i) => {
        if ('line' in p) inline(p.line, [...at, 'box', i, 'line']);
        if ('p' in p) inline(p.p, [...at, 'box', i, 'p']);
        if ('sign' in p) inline(p.sign, [...at, 'box', i, 'sign']);
      });
  };
  const rows = (list: RowDef[] | undefined, at: At) =>
    (list ?? []).forEach((r, i) => (Array.isArray(r) ? r : r.cells).forEach((c, k) => cell(c, Array.isArray(r) ? [...at, i, k] : [...at, i, 'cells', k])));
  inline(l.annex, ['annex']);
  inline(l.title, ['title']);
  l.body.forEach((b, i) => {
    const at: At = ['body', i];
    if ('line' in b) b.line.forEach((x, k) => inline(x, [...at, 'line', k]));
    if ('subtitle' in b) inline(b.subtitle, [...at, 'subtitle']);
    if ('note' in b) inline(b.note, [...at, 'note']);
    if ('table' in b) {
      rows(b.table.header, [...at, 'table', 'header']);
      rows(b.table.rows, [...at, 'table', 'rows']);
    }
    if ('prose' in b)
      b.prose.forEach((p, k) => {
        const pa: At = [...at, 'prose', k];
        if ('p' in p) inline(p.p, [...pa, 'p']);
        if ('sign' in p) p.sign.forEach((x, j) => inline(x, [...pa, 'sign', j]));
        if ('each' in p) (p.else ?? []).forEach((x, j) => inline(x, [...pa, 'else', j]));
        else if ('text' in p) inline(p.else, [...pa, 'else']);
      });
  });
  return out;
}

const layouts = new Map<string, Layout>();

/** The layout of a form (parsed and checked once per process). Throws LayoutError for a bad file. */
export function loadLayout(name: string): Layout {
  let l = layouts.get(name);
  if (!l) {
    l = parseLayout(name, formLayoutSource(name), layoutFile(name));
    layouts.set(name, l);
  }
  return l;
}

/** What a layout declares about splitting its form (per member of a task, per unit of a project). */
export function layoutMeta(name: string): { per?: 'member' | 'unit'; pages?: 1 } {
  const l = loadLayout(name);
  return { per: l.per, pages: l.pages };
}

// ---- evaluating against a view ----------------------------------------------------------------------------

/** Where paths are looked up: the view, and inside a repetition the current item (`item`) and its number (`n`). */
export interface Scope {
  view: Record<string, unknown>;
  item?: unknown;
  n?: number;
}

export function lookup(scope: Scope, path: string): unknown {
  if (!path) return undefined;
  const segs = path.split('.');
  let cur: unknown;
  if (segs[0] === 'item' && 'item' in scope) cur = scope.item;
  else if (segs[0] === 'n' && scope.n !== undefined && segs.length === 1) return scope.n;
  else cur = scope.view[segs[0]!];
  for (const s of segs.slice(1)) {
    if (cur === null || cur === undefined || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[s];
  }
  return cur;
}

export function holds(scope: Scope, c: Cond | undefined): boolean {
  if (c === undefined) return true;
  const list = Array.isArray(c) ? c : [c];
  return list.some((p) => truthy(lookup(scope, p)));
}

function truthy(v: unknown): boolean {
  return v !== false && v !== 0 && !isEmpty(v);
}

export function guarded(scope: Scope, g: { when?: Cond; unless?: Cond }): boolean {
  return (g.when === undefined || holds(scope, g.when)) && (g.unless === undefined || !holds(scope, g.unless));
}

export function heightOf(scope: Scope, h: Height | undefined): number | undefined {
  if (h === undefined) return undefined;
  return typeof h === 'number' ? h : holds(scope, h.when) ? h.then : h.else;
}

/** A box's parts split where its seal or signature begins: the opinion above, the sign and date at the foot. */
export function boxParts(c: Extract<CellDef, { box: Part[] }>): { body: Part[]; foot: Part[] } {
  const at = c.box.findIndex((p) => 'sign' in p);
  return at < 0 ? { body: c.box, foot: [] } : { body: c.box.slice(0, at), foot: c.box.slice(at) };
}

/** The list a path names (non-lists: empty), padded with blank items to `min`. */
export function listOf(scope: Scope, path: string, min = 0): unknown[] {
  const v = lookup(scope, path);
  const list = Array.isArray(v) ? [...v] : [];
  while (list.length < min) list.push(null);
  return list;
}

export interface Choice {
  label: string;
  on: boolean;
}

export function choicesOf(scope: Scope, c: ChoiceList): Choice[] {
  if (typeof c === 'string') {
    const v = lookup(scope, c);
    return Array.isArray(v) ? v.map((x: { label?: unknown; on?: unknown }) => ({ label: String(x?.label ?? ''), on: !!x?.on })) : [];
  }
  return c.map((x) => ({ label: x.label, on: truthy(lookup(scope, x.on)) }));
}

// ---- inline texts -------------------------------------------------------------------------------------------

/**
 * What an inline text becomes, for a renderer: literal text (from the layout) and values (from records), with
 * blanks, dates and line breaks as their own pieces so that each renderer draws them its way.
 */
export type Run =
  | { t: 'label'; text: string }
  /** `filled`: a value shown where the layout leaves a blank to write in when there is none. */
  | { t: 'value'; text: string; filled?: boolean }
  | { t: 'blank'; width: number }
  | { t: 'date'; text: string }
  | { t: 'break' };

const FORMATS = new Set(['date', 'blank', 'count', 'ordinal', 'join', 'lines', 'else']);

interface Placeholder {
  paths: string[];
  formats: Array<{ name: string; arg?: string }>;
}
type Token = string | Placeholder;

const compiled = new Map<string, Token[]>();

/** Splits a template string into literal text and {placeholders}; throws on a malformed one. */
export function compileInline(s: string): Token[] {
  let tokens = compiled.get(s);
  if (tokens) return tokens;
  tokens = [];
  let i = 0;
  while (i < s.length) {
    const open = s.indexOf('{', i);
    const close = s.indexOf('}', i);
    if (close >= 0 && (open < 0 || close < open)) throw new Error(`“}” without “{” in “${s}”`);
    if (open < 0) {
      tokens.push(s.slice(i));
      break;
    }
    if (open > i) tokens.push(s.slice(i, open));
    const end = s.indexOf('}', open);
    if (end < 0) throw new Error(`“{” without “}” in “${s}”`);
    const inner = s.slice(open + 1, end);
    if (inner.includes('{')) throw new Error(`nested “{” in “${s}”`);
    const [pathPart, ...fmtParts] = inner.split(/(?<!\|)\|(?!\|)/);
    const paths = pathPart!.split('||').map((p) => p.trim());
    for (const p of paths) if (p && !/^[A-Za-z_][A-Za-z0-9_]*(\.[^.\s{}|]+)*$/.test(p)) throw new Error(`“${p}” is not a path (in “${s}”)`);
    const formats = fmtParts.map((f) => {
      const colon = f.indexOf(':');
      const name = (colon < 0 ? f : f.slice(0, colon)).trim();
      if (!FORMATS.has(name)) throw new Error(`unknown format “${name}” in “${s}” (known: ${[...FORMATS].join(', ')})`);
      if (name === 'blank' && colon >= 0 && !/^w(2|4|8|12)$/.test(f.slice(colon + 1))) throw new Error(`blank takes w2, w4, w8 or w12 (in “${s}”)`);
      return colon < 0 ? { name } : { name, arg: f.slice(colon + 1) };
    });
    tokens.push({ paths, formats });
    i = end + 1;
  }
  compiled.set(s, tokens);
  return tokens;
}

const BLANK_WIDTH: Record<string, number> = { w2: 2, w4: 4, w8: 8, w12: 12 };

function valueText(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (Array.isArray(v)) return v.filter((x) => !isEmpty(x)).map(String).join('、');
  return String(v);
}

function placeholderRuns(scope: Scope, ph: Placeholder, literal: (text: string) => Run): Run[] {
  let v: unknown;
  for (const p of ph.paths) {
    v = lookup(scope, p);
    if (!isEmpty(v)) break;
  }
  let out: Run[] | undefined;
  let text: string | undefined;
  let fallback: Run[] | undefined;
  for (const f of ph.formats) {
    switch (f.name) {
      case 'date':
        out = [dateRun(v)];
        break;
      case 'blank':
        if (isEmpty(text ?? v)) out = [{ t: 'blank', width: BLANK_WIDTH[f.arg ?? ''] ?? 0 }];
        else out = [{ t: 'value', text: text ?? valueText(v), filled: true }];
        break;
      case 'count':
        if (truthy(v)) text = cnCount(Number(v));
        else out = [{ t: 'blank', width: 2 }];
        break;
      case 'ordinal':
        text = cnOrdinal(Number(v));
        break;
      case 'join':
        text = Array.isArray(v) ? v.filter((x) => !isEmpty(x)).map(String).join(f.arg ?? '、') : valueText(v);
        break;
      case 'lines': {
        const lines = paragraphs(text ?? v);
        out = lines.flatMap((l, k): Run[] => (k ? [{ t: 'break' }, { t: 'value', text: l }] : [{ t: 'value', text: l }]));
        break;
      }
      case 'else':
        fallback = [literal(f.arg ?? '')];
        break;
    }
  }
  if (out) return out;
  const shown = text ?? valueText(v);
  if (!shown && fallback) return fallback;
  return shown ? [{ t: 'value', text: shown }] : [];
}

/** An inline text evaluated: literal text as labels (split at \n into breaks), values, blanks and dates. */
export function inlineRuns(scope: Scope, inline: Inline | undefined): Run[] {
  if (inline === undefined) return [];
  const out: Run[] = [];
  const label = (text: string): Run => ({ t: 'label', text });
  const pushLiteral = (text: string) => {
    text.split('\n').forEach((piece, k) => {
      if (k) out.push({ t: 'break' });
      if (piece) out.push(label(piece));
    });
  };
  const parts = typeof inline === 'string' ? [inline] : inline;
  for (const part of parts) {
    if (typeof part === 'string') {
      for (const tok of compileInline(part)) {
        if (typeof tok === 'string') pushLiteral(tok);
        else out.push(...placeholderRuns(scope, tok, label));
      }
    } else if ('each' in part) {
      const list = listOf(scope, part.each);
      if (list.length === 0) {
        out.push(...inlineRuns(scope, part.else));
        continue;
      }
      list.forEach((item, k) => {
        if (k && part.sep) pushLiteral(part.sep);
        out.push(...inlineRuns({ ...scope, item, n: k + 1 }, part.text));
      });
    } else if (guarded(scope, part)) {
      out.push(...inlineRuns(scope, part.text));
    }
  }
  return out;
}

/** A date as a run: 2020年4月15日, or a blank 年 月 日 to write one in. */
export function dateRun(v: unknown): Run {
  return { t: 'date', text: typeof v === 'string' ? chineseDate(v) : '' };
}

/** The plain text of runs (blanks and blank dates as nothing): for tests, titles and file names. */
export function runsText(runs: Run[]): string {
  return runs.map((r) => (r.t === 'break' ? '\n' : r.t === 'blank' ? '' : r.text)).join('');
}

// ---- tables and headings, as both renderers lay them out -------------------------------------------------------

/** Whether a cell holds a text long enough that its row must be allowed to break across pages. */
export function cellIsLong(scope: Scope, c: CellDef, perLine = 24): boolean {
  if (typeof c === 'string') return false;
  if ('text' in c) return isLongText(lookup(scope, c.text), perLine);
  if ('box' in c) return c.box.some((p) => 'text' in p && isLongText(lookup(scope, p.text), perLine));
  if ('value' in c) return isLongText(runsText(inlineRuns(scope, c.value)), perLine);
  return false;
}

/** The 156 mm text block of GB/T 9704, and one character of a table at 四号 (14 pt) or 小四 (12 pt), in mm. */
const BLOCK_MM = 156;
const CHAR_MM = { normal: 4.94, dense: 4.23 };

/** The rows of a table as they print: repetitions expanded, conditions applied, spans resolved. */
export interface ExpandedRow {
  scope: Scope;
  def: Exclude<RowDef, CellDef[]> | { cells: CellDef[] };
  /** Cells of this row with their rowspan (cells spanning a repetition appear in its first row only). */
  cells: Array<{ cell: CellDef; rowspan?: number }>;
}

export function expandRows(scope: Scope, rows: RowDef[] | undefined): ExpandedRow[] {
  const out: ExpandedRow[] = [];
  for (const r of rows ?? []) {
    const def = Array.isArray(r) ? { cells: r } : r;
    if (!Array.isArray(r) && !guarded(scope, r)) continue;
    if (!Array.isArray(r) && r.each) {
      const items = listOf(scope, r.each, r.min);
      items.forEach((item, k) => {
        const s: Scope = { ...scope, item, n: k + 1 };
        const cells = def.cells.flatMap((cell) => {
          const all = typeof cell !== 'string' && cell.rows === 'all';
          if (all && k > 0) return [];
          return [{ cell, rowspan: all ? items.length : typeof cell !== 'string' && typeof cell.rows === 'number' ? cell.rows : undefined }];
        });
        out.push({ scope: s, def, cells });
      });
      continue;
    }
    out.push({ scope, def, cells: def.cells.map((cell) => ({ cell, rowspan: typeof cell !== 'string' && typeof cell.rows === 'number' ? cell.rows : undefined })) });
  }
  return out;
}

/** Whether an expanded row may break across pages. */
export function rowFlows(row: ExpandedRow, table?: Pick<TableDef, 'columns' | 'dense'>): boolean {
  const flow = 'flow' in row.def ? row.def.flow ?? 'auto' : 'auto';
  if (flow !== 'auto') return flow === 'always';
  // Each cell's text counted in lines of its own width (a narrow column of a list runs long sooner).
  const total = table ? table.columns.reduce((a, b) => a + b, 0) : 0;
  let col = 0;
  return row.cells.some(({ cell }) => {
    const span = typeof cell !== 'string' && cell.span ? cell.span : 1;
    const share = table && total ? table.columns.slice(col, col + span).reduce((a, b) => a + b, 0) / total : 0;
    col += span;
    const perLine = share ? Math.max(2, Math.floor((BLOCK_MM * share) / (table?.dense ? CHAR_MM.dense : CHAR_MM.normal)) - 1) : 24;
    return cellIsLong(row.scope, cell, perLine);
  });
}

/**
 * Whether a row stays on the page of the row above it: the layout's `keep: with-previous`, and every row with a
 * seal or signature space, which must never stand alone on a page apart from what it approves.
 */
export function rowKeptWithPrevious(row: ExpandedRow): boolean {
  if ('keep' in row.def && row.def.keep === 'with-previous') return true;
  return row.cells.some(({ cell }) => typeof cell !== 'string' && 'box' in cell && cell.box.some((p) => 'sign' in p));
}

/** The annex label (only when the programme gives the form one) and the title. */
export function headingRuns(layout: Layout, scope: Scope): { annex?: Run[]; title: Run[] } {
  const annex = lookup(scope, 'form.annex') ? inlineRuns(scope, layout.annex ?? '{form.annex}') : undefined;
  return { annex, title: inlineRuns(scope, layout.title ?? '{form.title}') };
}

