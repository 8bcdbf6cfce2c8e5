/**
 * Bulk import from the ledgers offices already keep (CSV or xlsx, Chinese column headers as on the forms):
 * organisations, members or projects. All rows valid or nothing written; one commit for the whole import.
 * Every problem names the imported file's row and column (xlsx cells also by their sheet address).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseCsv, CsvError } from 'csv-parse/sync';
import { loadRepository, RecordIndex, type RecordEntry, type Repository } from './repo.js';
import { COVERAGE_RULES, validateRepository } from './validate.js';
import { writeRecords, serializeRecord, type RecordChange } from './records.js';
import { writeLock } from './store.js';
import { buildProjectRecord, resolveProgramme } from './create.js';
import { checkDate } from './workflow/common.js';
import { newId } from './ids.js';
import { isIsoDate, today as todayIn } from './dates.js';
import { actor } from './git.js';
import { recordPath, type Kind } from './kinds.js';
import { ProblemsError, UsageError } from './errors.js';
import { formatProblemMessage, sortProblems, type Problem, type Severity } from './problem.js';
import { kindLabels, type MessageKey } from './i18n.js';
import type { MemberRecord, OrganisationRecord, ProgrammeRecord, ProjectRecord } from './types.generated.js';

export type ImportKind = 'org' | 'member' | 'project';
export const IMPORT_KINDS: ImportKind[] = ['org', 'member', 'project'];

/** Encodings djyc recognises in CSV files; xlsx files are always `xlsx`. */
export type TableEncoding = 'utf-8' | 'utf-8-bom' | 'gb18030' | 'utf-16le' | 'utf-16be' | 'xlsx';

/** One cell of the imported table: its text and where it is (1-based line and column; `ref` like `Sheet1!D5` for xlsx). */
export interface Cell {
  text: string;
  /** The raw value (xlsx: number, Date, …; CSV: the string). */
  raw: unknown;
  line: number;
  col: number;
  ref?: string;
}

export interface TableRow {
  line: number;
  cells: Cell[];
}

export interface Table {
  format: 'csv' | 'xlsx';
  encoding: TableEncoding;
  sheet?: string;
  delimiter?: string;
  /** Every non-empty row in file order (header detection happens later, per kind). */
  rows: TableRow[];
}

/** Refuse absurd inputs before reading them into memory. */
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;

// ---------------------------------------------------------------------------------------------------------------
// Reading: encodings, CSV, xlsx

/** Decodes a text file: UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (GBK files from Excel on Chinese Windows). */
export function decodeText(bytes: Uint8Array): { text: string; encoding: Exclude<TableEncoding, 'xlsx'> } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { text: new TextDecoder('utf-8').decode(bytes.subarray(3)), encoding: 'utf-8-bom' };
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'utf-16le' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), encoding: 'utf-16be' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: new TextDecoder('gb18030').decode(bytes), encoding: 'gb18030' };
  }
}

function problem(file: string, line: number, col: number, rule: MessageKey, params: Record<string, string | number> = {}, severity: Severity = 'error'): Problem {
  return { file, line, col, severity, rule, params };
}

/** The delimiter of a CSV text: the most frequent of comma, tab and semicolon outside quotes on the first line. */
function sniffDelimiter(text: string, ext: string): string {
  if (ext === '.tsv') return '\t';
  let inQuote = false;
  const counts: Record<string, number> = { ',': 0, '\t': 0, ';': 0 };
  for (const ch of text) {
    if (ch === '"') inQuote = !inQuote;
    else if (!inQuote && (ch === '\n' || ch === '\r')) break;
    else if (!inQuote && ch in counts) counts[ch]!++;
  }
  const best = Object.entries(counts).sort((a, b) => b[1] - a[1])[0]!;
  return best[1] > 0 ? best[0] : ',';
}

/** Line and column of the quote that opens a field never closed (csv-parse only reports the end of the file). */
function unclosedQuote(text: string, delimiter: string): { line: number; col: number } {
  let line = 1;
  let col = 1;
  let inQuote = false;
  let fieldStart = true;
  let openLine = 1;
  let openCol = 1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inQuote) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          i++;
          col++;
        } else inQuote = false;
      }
    } else if (ch === '"' && fieldStart) {
      inQuote = true;
      openLine = line;
      openCol = col;
    }
    fieldStart = !inQuote && (ch === delimiter || ch === '\n' || ch === '\r');
    if (ch === '\n') {
      line++;
      col = 1;
    } else col++;
  }
  return { line: openLine, col: openCol };
}

function countNewlines(s: string): number {
  return (s.match(/\n/g) ?? []).length;
}

/** First line of a csv-parse record: its end line minus the line breaks inside it (leading empty lines excluded). */
function startLine(endLine: number, raw: string | undefined): number {
  if (!raw) return endLine;
  return endLine - countNewlines(raw.replace(/^(\r?\n)+/, '').replace(/\r?\n$/, ''));
}

export function readCsv(display: string, bytes: Uint8Array, ext = '.csv'): { table?: Table; problems: Problem[] } {
  const { text, encoding } = decodeText(bytes);
  const delimiter = sniffDelimiter(text, ext);
  let records: { record: string[]; raw?: string; info: { lines: number } }[];
  try {
    records = parseCsv(text, { delimiter, info: true, raw: true, skip_empty_lines: true, relax_column_count: false, relax_quotes: false }) as never;
  } catch (err) {
    const e = err as CsvError & { lines?: number; column?: number; raw?: string; record?: string[]; index?: number };
    if (!(err instanceof CsvError)) throw err;
    if (e.code === 'CSV_QUOTE_NOT_CLOSED') {
      const at = unclosedQuote(text, delimiter);
      return { problems: [problem(display, at.line, at.col, 'import-csv-quote')] };
    }
    if (e.code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH' || e.code === 'CSV_RECORD_INCONSISTENT_COLUMNS') {
      const got = e.record?.length ?? 0;
      const expected = Number(/expect (\d+)/.exec(e.message)?.[1] ?? 0);
      return { problems: [problem(display, startLine(e.lines ?? 1, e.raw), Math.min(got, expected) + 1, 'import-csv-ragged', { got, expected })] };
    }
    const detail = e.message.replace(/\s*at line \d+.*$/, '').replace(/^Invalid Opening Quote: /, '引号位置不对（字段中间出现引号）: ');
    const col = typeof e.column === 'number' ? e.column + 1 : 1;
    return { problems: [problem(display, e.lines ?? 1, col, 'import-csv-syntax', { detail })] };
  }
  const rows: TableRow[] = [];
  for (const r of records) {
    const line = startLine(r.info.lines, r.raw);
    const cells = r.record.map((v, i) => ({ text: v, raw: v, line, col: i + 1 }));
    if (cells.some((c) => c.text.trim())) rows.push({ line, cells });
  }
  return { table: { format: 'csv', encoding, delimiter, rows }, problems: [] };
}

function columnLetters(col: number): string {
  let s = '';
  for (let n = col; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/** Text of an exceljs cell value (rich text, hyperlinks, formulas with cached results, dates, numbers). */
function xlsxText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(v);
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? '' : v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (Array.isArray(o.richText)) return (o.richText as { text?: string }[]).map((t) => t.text ?? '').join('');
    if ('result' in o) return xlsxText(o.result);
    if ('text' in o) return xlsxText(o.text);
    if ('error' in o) return String(o.error);
  }
  return String(v);
}

/** The raw value behind a formula or hyperlink (a Date stays a Date). */
function xlsxRaw(v: unknown): unknown {
  if (v && typeof v === 'object' && !(v instanceof Date) && 'result' in (v as object)) return (v as { result: unknown }).result;
  return v;
}

export async function readXlsx(display: string, bytes: Uint8Array, sheet?: string): Promise<{ table?: Table; problems: Problem[] }> {
  const ExcelJS = (await import('exceljs')).default;
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(Buffer.from(bytes) as never);
  } catch (err) {
    return { problems: [problem(display, 1, 1, 'import-xlsx', { detail: String((err as Error).message ?? err).split('\n')[0]! })] };
  }
  const ws = sheet !== undefined ? wb.getWorksheet(sheet) : (wb.worksheets.find((w) => w.actualRowCount > 0) ?? wb.worksheets[0]);
  if (!ws) {
    const names = wb.worksheets.map((w) => w.name).join(', ') || '—';
    throw new UsageError(`Excel 文件中没有名为“${sheet ?? ''}”的工作表（可用：${names}）`, `no worksheet "${sheet ?? ''}" in the workbook (available: ${names})`);
  }
  const rows: TableRow[] = [];
  ws.eachRow({ includeEmpty: false }, (row, line) => {
    const cells: Cell[] = [];
    row.eachCell({ includeEmpty: true }, (cell, col) => {
      cells[col - 1] = { text: xlsxText(cell.value), raw: xlsxRaw(cell.value), line, col, ref: `${ws.name}!${columnLetters(col)}${line}` };
    });
    for (let i = 0; i < cells.length; i++) cells[i] ??= { text: '', raw: null, line, col: i + 1, ref: `${ws.name}!${columnLetters(i + 1)}${line}` };
    if (cells.some((c) => c.text.trim())) rows.push({ line, cells });
  });
  return { table: { format: 'xlsx', encoding: 'xlsx', sheet: ws.name, rows }, problems: [] };
}

/** Reads a CSV/TSV or xlsx file into rows of positioned cells. */
export async function readTable(file: string, opts: { display?: string; sheet?: string } = {}): Promise<{ table?: Table; problems: Problem[] }> {
  const display = opts.display ?? file;
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new UsageError(`找不到要导入的文件：${display}`, `no such file: ${display}`);
  }
  if (!stat.isFile()) throw new UsageError(`不是文件：${display}`, `not a file: ${display}`);
  if (stat.size > MAX_IMPORT_BYTES) return { problems: [problem(display, 1, 1, 'file-too-large', { size: stat.size, max: MAX_IMPORT_BYTES })] };
  const ext = path.extname(file).toLowerCase();
  if (ext === '.xls' || ext === '.et' || ext === '.numbers') {
    throw new UsageError(`不支持 ${ext} 格式：请在 Excel/WPS 中另存为 .xlsx 或 CSV`, `${ext} files are not supported: save as .xlsx or CSV`);
  }
  const bytes = fs.readFileSync(file);
  const isZip = bytes[0] === 0x50 && bytes[1] === 0x4b;
  if (ext === '.xlsx' || ext === '.xlsm' || (isZip && ext !== '.csv')) return readXlsx(display, bytes, opts.sheet);
  return readCsv(display, bytes, ext);
}

// ---------------------------------------------------------------------------------------------------------------
// Columns

interface FieldSpec {
  key: string;
  /** Accepted headers; the first is the one the forms use (shown in messages). */
  headers: string[];
  required?: boolean;
}

const ID_FIELD: FieldSpec = { key: 'id', headers: ['编号', '记录编号', 'id'] };
const IGNORED = ['序号', '顺序号', 'no', 'no.', '#', 'index'];

/** Columns per kind, with the seeds' headers first and a few synonyms (Chinese and English). */
export const IMPORT_FIELDS: Record<ImportKind, FieldSpec[]> = {
  org: [
    ID_FIELD,
    { key: 'name', headers: ['党组织名称', '组织名称', '名称', '党组织', '全称', 'name'], required: true },
    { key: 'short_name', headers: ['简称', 'short_name', 'short name'] },
    { key: 'type', headers: ['组织类型', '党组织类型', '类型', 'type'] },
    { key: 'unit', headers: ['所在单位', '单位', '单位名称', 'unit'] },
    { key: 'parent', headers: ['上级党组织', '上级组织', '上级', 'parent'] },
    { key: 'notes', headers: ['备注', 'notes', 'note'] },
  ],
  member: [
    ID_FIELD,
    { key: 'name', headers: ['姓名', '党员姓名', '名字', 'name'], required: true },
    { key: 'organisation', headers: ['所在党组织', '党组织', '所在支部', '所属党组织', '支部', 'organisation', 'organization', 'org'], required: true },
    { key: 'admin_title', headers: ['行政职务', '职务', 'admin_title', 'admin title', 'position'] },
    { key: 'party_title', headers: ['党内职务', 'party_title', 'party title'] },
    { key: 'phone', headers: ['联系电话', '电话', '手机', '手机号码', '手机号', '联系方式', 'phone', 'mobile'] },
  ],
  project: [
    ID_FIELD,
    { key: 'number', headers: ['项目编号', 'number'] },
    { key: 'title', headers: ['项目名称', '名称', '项目', 'title', 'name'], required: true },
    { key: 'content', headers: ['项目内容及目标要求', '项目内容', '主要内容', '内容', 'content'] },
    { key: 'goals', headers: ['目标要求', '主要目标', '目标', '预期目标', 'goals'] },
    { key: 'lead', headers: ['牵头单位', '牵头领办单位', '领办单位', '领办党组织', '申报单位', '牵头党组织', 'lead', 'organisation', 'org'] },
    { key: 'co_organisers', headers: ['申报参与单位', '联办单位', '参与单位', '协办单位', 'co_organisers', 'co-organisers'] },
    { key: 'categories', headers: ['项目类别', '类别', 'category', 'categories'] },
    { key: 'source', headers: ['项目来源', '来源', 'source'] },
    { key: 'leader', headers: ['负责人', '项目负责人', 'leader'] },
    { key: 'contact', headers: ['联系人', 'contact'] },
    { key: 'reason', headers: ['理由依据', '理由', '依据', 'reason'] },
    { key: 'feasibility', headers: ['可行性分析', 'feasibility'] },
    { key: 'measures', headers: ['推进措施', '主要措施', '措施', 'measures'] },
    { key: 'start', headers: ['开始日期', '开始时间', 'start'] },
    { key: 'due', headers: ['完成时限', '完成时间', '截止日期', '完成日期', 'due'] },
    { key: 'upper', headers: ['报送上级', '上级党组织', 'upper'] },
  ],
};

/** Header text → comparable key: NFKC (full-width → half-width), no spaces/underscores/hyphens, no trailing `*` or `（必填）`. */
export function normHeader(s: string): string {
  return s
    .normalize('NFKC')
    .replace(/[\s_-]+/g, '')
    .replace(/\*+$/, '')
    .replace(/\((必填|选填|可选|required|optional)\)$/i, '')
    .toLowerCase();
}

interface Columns {
  headerRow: TableRow;
  /** Field key → column index (0-based). */
  index: Map<string, number>;
  problems: Problem[];
}

function matchHeaders(kind: ImportKind, row: TableRow): Map<string, number> {
  const found = new Map<string, number>();
  row.cells.forEach((c, i) => {
    const h = normHeader(c.text);
    if (!h) return;
    const spec = IMPORT_FIELDS[kind].find((f) => f.headers.some((x) => normHeader(x) === h));
    if (spec && !found.has(spec.key)) found.set(spec.key, i);
  });
  return found;
}

function whereOf(c: Cell | undefined, column?: string): { where_zh: string; where_en: string } {
  const ref = c?.ref ? `${c.ref} ` : '';
  return column ? { where_zh: `${ref}“${column}”：`, where_en: `${ref}"${column}": ` } : { where_zh: ref ? `${ref}：` : '', where_en: ref ? `${ref}: ` : '' };
}

/** Finds the header row (the first of the first ten rows naming a known column) and maps columns to fields. */
function findColumns(kind: ImportKind, table: Table, display: string): Columns {
  const problems: Problem[] = [];
  const candidates = table.rows.slice(0, 10);
  let headerRow = candidates.find((r) => matchHeaders(kind, r).size > 0);
  if (!headerRow) headerRow = table.rows[0];
  if (!headerRow) return { headerRow: { line: 1, cells: [] }, index: new Map(), problems: [problem(display, 1, 1, 'import-no-rows')] };
  const index = new Map<string, number>();
  headerRow.cells.forEach((c, i) => {
    const h = normHeader(c.text);
    if (!h) return;
    if (IGNORED.includes(h)) return;
    const spec = IMPORT_FIELDS[kind].find((f) => f.headers.some((x) => normHeader(x) === h));
    if (!spec) {
      problems.push(problem(display, c.line, c.col, 'import-unknown-column', { ...whereOf(c), column: c.text.trim() }, 'warning'));
      return;
    }
    const prev = index.get(spec.key);
    if (prev !== undefined) {
      problems.push(problem(display, c.line, c.col, 'import-duplicate-column', { ...whereOf(c), column: c.text.trim(), other: prev + 1 }));
      return;
    }
    index.set(spec.key, i);
  });
  for (const spec of IMPORT_FIELDS[kind]) {
    if (spec.required && !index.has(spec.key)) {
      problems.push(problem(display, headerRow.line, 1, 'import-missing-column', { column: spec.headers[0]!, names: spec.headers.join(' / ') }));
    }
  }
  return { headerRow, index, problems };
}

// ---------------------------------------------------------------------------------------------------------------
// Values

const CJK = '\\u2e80-\\u9fff\\uf900-\\ufaff\\uff00-\\uffef\\u3000-\\u303f';
const SPACE_NEAR_CJK = new RegExp(`(?<=[${CJK}])\\s+|\\s+(?=[${CJK}])`, 'g');

/** A one-line value: whitespace collapsed, line breaks inside Chinese text (Excel cell wrapping) removed. */
export function cleanInline(s: string): string {
  return s.replace(/\s+/g, ' ').trim().replace(SPACE_NEAR_CJK, '');
}

/** A long text: each line trimmed, line breaks kept, blank lines at the ends dropped. */
function cleanBlock(s: string): string {
  return s.replace(/\r\n?/g, '\n').split('\n').map((l) => l.trim()).join('\n').replace(/\n{3,}/g, '\n\n').trim();
}

/** Organisation names compare without spaces, with full-width and half-width forms (brackets, letters) unified. */
export function normName(s: string): string {
  return s.normalize('NFKC').replace(/\s+/g, '').toLowerCase();
}

/** Splits a list cell: 、，,；; and line breaks. */
function splitList(s: string): string[] {
  return s.split(/[、，,；;\n\r/]+/).map(cleanInline).filter(Boolean);
}

/** Cell words that mean "no organisation named yet" in 申报参与单位 (seed 002: co-organisers apply themselves). */
const NO_ORG_WORDS = new Set(['自主申报', '自行申报', '自愿申报', '待定', '无', '暂无', '-', '—', '——', '/', 'n/a', 'none'].map(normName));

/** The organisation type a name implies: …党委 → 党委, …党总支 → 党总支, …支部 → 党支部, …党组 → 党组, else 其他. */
export function guessOrgType(name: string): OrganisationRecord['type'] {
  const base = name.normalize('NFKC').replace(/\s+/g, '').replace(/(\([^()]*\))+$/, '');
  if (/(党总支|总支部委员会|总支部)$/.test(base)) return '党总支';
  if (/(党支部|支部委员会|支部)$/.test(base)) return '党支部';
  if (/党小组$/.test(base)) return '党小组';
  if (/机关工委$|机关工作委员会$/.test(base)) return '机关工委';
  if (/党工委$/.test(base)) return '党工委';
  if (/党组$/.test(base)) return '党组';
  if (/(党委|委员会)$/.test(base)) return '党委';
  return '其他';
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** A date cell: ISO, 2017/5/10, 2017.5.10, 2017年5月10日, 2017年11月底, xlsx dates. Returns undefined for empty, null for invalid. */
export function parseDateCell(c: Cell, fallbackYear?: number): string | undefined | null {
  if (c.raw instanceof Date) return Number.isNaN(c.raw.getTime()) ? null : c.raw.toISOString().slice(0, 10);
  const s = c.text.normalize('NFKC').replace(/\s+/g, '').replace(/前$/, '');
  if (!s) return undefined;
  let m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(s);
  if (m) {
    const iso = `${m[1]}-${pad2(+m[2]!)}-${pad2(+m[3]!)}`;
    return isIsoDate(iso) ? iso : null;
  }
  m = /^(?:(\d{4})年)?(\d{1,2})月(?:底|末)$/.exec(s);
  if (m && (m[1] || fallbackYear)) {
    const year = Number(m[1] ?? fallbackYear);
    const month = Number(m[2]);
    if (month < 1 || month > 12) return null;
    const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
    return `${year}-${pad2(month)}-${pad2(last)}`;
  }
  if (typeof c.raw === 'number' && c.raw > 20000 && c.raw < 80000) {
    // An Excel serial day number that lost its date format.
    return new Date(Date.UTC(1899, 11, 30) + Math.round(c.raw) * 86_400_000).toISOString().slice(0, 10);
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------------------
// Resolving organisations and members

export interface CreatedOrg {
  id: string;
  name: string;
  type: OrganisationRecord['type'];
  cell: Cell;
}

class OrgResolver {
  private readonly byKey = new Map<string, Set<string>>();
  readonly created: CreatedOrg[] = [];

  constructor(private readonly index: RecordIndex, private readonly createMissing: boolean, private readonly ctx: Ctx) {
    for (const o of index.all('organisation')) this.add(o.id, [o.data.name, o.data.short_name]);
  }

  add(id: string, names: (string | undefined)[]) {
    for (const n of names) {
      if (!n) continue;
      const key = normName(n);
      let set = this.byKey.get(key);
      if (!set) this.byKey.set(key, (set = new Set()));
      set.add(id);
    }
  }

  lookup(text: string): string[] {
    const t = cleanInline(text);
    if (this.index.get('organisation', t) || this.fileIds.has(t)) return [t];
    return [...(this.byKey.get(normName(t)) ?? [])];
  }

  /** Ids of organisations defined by the imported file itself (org import). */
  readonly fileIds = new Set<string>();

  resolve(cell: Cell, column: string): string | undefined {
    const name = cleanInline(cell.text);
    if (!name) return undefined;
    const ids = this.lookup(name);
    if (ids.length === 1) return ids[0];
    if (ids.length > 1) {
      this.ctx.problem(cell, 'import-org-ambiguous', { ...whereOf(cell, column), name, ids: ids.join(', ') });
      return undefined;
    }
    if (!this.createMissing) {
      this.ctx.problem(cell, 'import-org-unknown', { ...whereOf(cell, column), name });
      return undefined;
    }
    const id = newId('organisation');
    this.created.push({ id, name, type: guessOrgType(name), cell });
    this.add(id, [name]);
    return id;
  }
}

function resolveMember(ctx: Ctx, index: RecordIndex, cell: Cell, column: string, org?: string): string | undefined {
  const name = cleanInline(cell.text);
  if (!name) return undefined;
  if (index.get('member', name)) return name;
  const all = index.all('member').filter((m) => normName(m.data.name) === normName(name));
  const inOrg = org ? all.filter((m) => m.data.organisation === org) : [];
  const pick = inOrg.length ? inOrg : all;
  if (pick.length === 1) return pick[0]!.id;
  if (pick.length > 1) ctx.problem(cell, 'import-member-ambiguous', { ...whereOf(cell, column), name, ids: pick.map((m) => m.id).join(', ') });
  else ctx.problem(cell, 'import-member-unknown', { ...whereOf(cell, column), name });
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// The import

export interface ImportOptions {
  kind: ImportKind;
  /** Programme of imported projects (default: the repository's default programme). */
  programme?: string;
  /** Create organisations the file names but the repository lacks (type guessed from the name). */
  createMissing?: boolean;
  /** Check everything, write nothing. */
  dryRun?: boolean;
  /** xlsx: the worksheet to read (default: the first with data). */
  sheet?: string;
  /** How to name the file in problems (default: the path given). */
  display?: string;
  /** The act: date and person of the imported projects' first history entry (default today, the git user), a note added to each. */
  date?: string;
  by?: string;
  note?: string;
  today?: string;
  repo?: Repository;
}

export interface ImportedRecord {
  kind: Kind;
  id: string;
  path: string;
  /** Line of the row it came from (for created organisations: of the first cell naming it). */
  line: number;
  name: string;
}

export interface ImportResult {
  file: string;
  kind: ImportKind;
  format: 'csv' | 'xlsx';
  encoding: TableEncoding;
  sheet?: string;
  programme?: string;
  /** Records made from rows, in row order. */
  records: ImportedRecord[];
  /** Organisations created because the file named them (--create-missing). */
  createdOrganisations: ImportedRecord[];
  /** Commit of the import (absent for a dry run). */
  commit?: string;
  dryRun: boolean;
  /** Warnings about the input (ignored columns) and about the repository after the import (coverage rules). */
  warnings: Problem[];
}

class Ctx {
  readonly problems: Problem[] = [];
  constructor(readonly display: string) {}
  problem(cell: Pick<Cell, 'line' | 'col'>, rule: MessageKey, params: Record<string, string | number>, severity: Severity = 'error') {
    this.problems.push(problem(this.display, cell.line, cell.col, rule, params, severity));
  }
  get errors(): number {
    return this.problems.filter((p) => p.severity === 'error').length;
  }
}

/** One record to create, with the cells it came from (to point its validation problems at the file). */
interface Planned {
  kind: Kind;
  id: string;
  data: object;
  name: string;
  row: TableRow;
  /** Top-level field → cell it came from. */
  cells: Map<string, Cell>;
  /** An organisation created because the file named it (--create-missing). */
  created?: boolean;
}

interface Access {
  cell(key: string): Cell | undefined;
  text(key: string): string;
}

function access(cols: Columns, row: TableRow): Access {
  const cell = (key: string): Cell | undefined => {
    const i = cols.index.get(key);
    if (i === undefined) return undefined;
    return row.cells[i] ?? { text: '', raw: null, line: row.line, col: i + 1, ref: cols.headerRow.cells[i]?.ref?.replace(/\d+$/, String(row.line)) };
  };
  return { cell, text: (key) => cell(key)?.text ?? '' };
}

function headerName(cols: Columns, key: string): string {
  const i = cols.index.get(key);
  return i === undefined ? key : cleanInline(cols.headerRow.cells[i]?.text ?? key);
}

/** Imports a CSV/xlsx file: every row checked with the repository's rules, then one commit (or nothing at all). */
export async function importFile(root: string, file: string, opts: ImportOptions): Promise<ImportResult> {
  if (!IMPORT_KINDS.includes(opts.kind)) {
    throw new UsageError(`--kind 应为 ${IMPORT_KINDS.join(' / ')}`, `--kind must be one of ${IMPORT_KINDS.join(' / ')}`);
  }
  const display = opts.display ?? file;
  // The write lock first: which rows already exist is decided on the repository as it is under the lock.
  await using lock = opts.dryRun ? undefined : await writeLock(root);
  const repo = lock ? loadRepository(root) : opts.repo ?? loadRepository(root);
  const programme = opts.kind === 'project' ? resolveProgramme(repo, opts.programme) : opts.programme ? resolveProgramme(repo, opts.programme) : undefined;
  const read = await readTable(file, { display, sheet: opts.sheet });
  if (!read.table) throw new ProblemsError(read.problems, '无法读取导入文件，未写入任何文件', 'cannot read the import file; nothing was written');
  const table = read.table;
  const ctx = new Ctx(display);
  const cols = findColumns(opts.kind, table, display);
  ctx.problems.push(...cols.problems);
  const dataRows = table.rows.filter((r) => r.line > cols.headerRow.line);
  if (!ctx.errors && !dataRows.length) ctx.problems.push(problem(display, cols.headerRow.line, 1, 'import-no-rows'));
  if (ctx.errors) throw new ProblemsError(sortProblems(ctx.problems), '导入文件有问题，未写入任何文件', 'the import file has problems; nothing was written');

  const index = new RecordIndex(repo);
  const orgs = new OrgResolver(index, !!opts.createMissing, ctx);
  const date = opts.date === undefined ? todayIn(opts.today) : checkDate(opts.date);
  const by = opts.by?.trim() || (await actor(root));
  const note = opts.note?.trim();
  const planned: Planned[] = [];
  const seen = new Map<string, number>();
  const duplicate = (key: string, row: TableRow, cell: Cell | undefined, name: string, column: string): boolean => {
    const other = seen.get(key);
    if (other !== undefined) {
      ctx.problem(cell ?? { line: row.line, col: 1 }, 'import-duplicate-row', { ...whereOf(cell, column), other, name });
      return true;
    }
    seen.set(key, row.line);
    return false;
  };
  const required = (a: Access, row: TableRow, key: string): string | undefined => {
    const v = cleanInline(a.text(key));
    if (!v) ctx.problem(a.cell(key) ?? { line: row.line, col: 1 }, 'import-required', { ...whereOf(a.cell(key), headerName(cols, key)), column: headerName(cols, key) });
    return v || undefined;
  };
  const optional = (a: Access, key: string) => cleanInline(a.text(key)) || undefined;
  const block = (a: Access, key: string) => cleanBlock(a.text(key)) || undefined;
  const explicitId = (a: Access) => optional(a, 'id');
  const cellsOf = (a: Access, keys: string[]) => {
    const m = new Map<string, Cell>();
    for (const k of keys) {
      const c = a.cell(k);
      if (c) m.set(k, c);
    }
    return m;
  };

  if (opts.kind === 'org') {
    // First pass: every organisation the file defines, so parents may refer to rows above or below.
    const rows = dataRows.map((row) => ({ row, a: access(cols, row) }));
    const ids = new Map<TableRow, string>();
    for (const { row, a } of rows) {
      const name = required(a, row, 'name');
      if (!name) continue;
      const nameCell = a.cell('name')!;
      if (duplicate(normName(name), row, nameCell, name, headerName(cols, 'name'))) continue;
      const existing = orgs.lookup(name).filter((id) => index.get('organisation', id));
      if (existing.length) {
        ctx.problem(nameCell, 'import-exists', { ...whereOf(nameCell, headerName(cols, 'name')), kind_zh: '党组织', kind_en: 'organisation', name, id: existing.join(', ') });
        continue;
      }
      const id = explicitId(a) ?? newId('organisation');
      ids.set(row, id);
      orgs.fileIds.add(id);
      orgs.add(id, [name, optional(a, 'short_name')]);
    }
    for (const { row, a } of rows) {
      const id = ids.get(row);
      if (!id) continue;
      const name = optional(a, 'name')!;
      const parentCell = a.cell('parent');
      const parent = parentCell ? orgs.resolve(parentCell, headerName(cols, 'parent')) : undefined;
      const data: OrganisationRecord = {
        id, name, short_name: optional(a, 'short_name'), type: (optional(a, 'type') ?? guessOrgType(name)) as OrganisationRecord['type'],
        unit: optional(a, 'unit'), parent, notes: block(a, 'notes'),
      };
      planned.push({ kind: 'organisation', id, data, name, row, cells: cellsOf(a, ['id', 'name', 'short_name', 'type', 'unit', 'parent', 'notes']) });
    }
  } else if (opts.kind === 'member') {
    for (const row of dataRows) {
      const a = access(cols, row);
      const name = required(a, row, 'name');
      const orgCell = a.cell('organisation');
      const orgText = required(a, row, 'organisation');
      const organisation = orgText && orgCell ? orgs.resolve(orgCell, headerName(cols, 'organisation')) : undefined;
      if (!name || !organisation) continue;
      const id0 = explicitId(a);
      const nameCell = a.cell('name')!;
      if (duplicate(id0 ?? `${organisation}|${normName(name)}`, row, nameCell, name, headerName(cols, 'name'))) continue;
      const existing = id0 ? (index.any(id0) ? [id0] : []) : index.all('member').filter((m) => m.data.organisation === organisation && normName(m.data.name) === normName(name)).map((m) => m.id);
      if (existing.length) {
        ctx.problem(nameCell, 'import-exists', { ...whereOf(nameCell, headerName(cols, 'name')), kind_zh: '党员', kind_en: 'member', name, id: existing.join(', ') });
        continue;
      }
      const id = id0 ?? newId('member');
      const phone = a.text('phone').normalize('NFKC').trim() || undefined;
      const data: MemberRecord = { id, name, organisation, admin_title: optional(a, 'admin_title'), party_title: optional(a, 'party_title'), phone };
      planned.push({ kind: 'member', id, data, name, row, cells: cellsOf(a, ['id', 'name', 'organisation', 'admin_title', 'party_title', 'phone']) });
    }
  } else {
    const p = programme as ProgrammeRecord;
    const existingTitles = new Map(index.all('project').filter((r) => r.data.programme === p.id).map((r) => [normName(r.data.title), r.id]));
    for (const row of dataRows) {
      const a = access(cols, row);
      const title = required(a, row, 'title');
      if (!title) continue;
      const titleCell = a.cell('title')!;
      if (duplicate(normName(title), row, titleCell, title, headerName(cols, 'title'))) continue;
      const existing = existingTitles.get(normName(title));
      if (existing) {
        ctx.problem(titleCell, 'import-exists', { ...whereOf(titleCell, headerName(cols, 'title')), kind_zh: '项目', kind_en: 'project', name: title, id: existing });
        continue;
      }
      const leadCell = a.cell('lead');
      const lead = leadCell ? orgs.resolve(leadCell, headerName(cols, 'lead')) : undefined;
      const coCell = a.cell('co_organisers');
      const coOrganisers: string[] = [];
      if (coCell) {
        for (const part of splitList(coCell.text)) {
          if (NO_ORG_WORDS.has(normName(part))) continue;
          const id = orgs.resolve({ ...coCell, text: part }, headerName(cols, 'co_organisers'));
          if (id && id !== lead && !coOrganisers.includes(id)) coOrganisers.push(id);
        }
      }
      const dateOf = (key: string) => {
        const c = a.cell(key);
        if (!c) return undefined;
        const d = parseDateCell(c, p.year);
        if (d === null) ctx.problem(c, 'import-date', { ...whereOf(c, headerName(cols, key)), value: cleanInline(c.text) });
        return d ?? undefined;
      };
      const member = (key: string) => {
        const c = a.cell(key);
        return c && cleanInline(c.text) ? resolveMember(ctx, index, c, headerName(cols, key), lead) : undefined;
      };
      const upperCell = a.cell('upper');
      const categories = a.cell('categories') ? splitList(a.text('categories')) : undefined;
      const id = explicitId(a) ?? newId('project', { year: p.year });
      const data: ProjectRecord = buildProjectRecord(p, {
        title, categories, source: optional(a, 'source'), lead, leader: member('leader'), contact: member('contact'),
        reason: block(a, 'reason'), feasibility: block(a, 'feasibility'), goals: block(a, 'goals'), content: block(a, 'content'),
        measures: block(a, 'measures'), start: dateOf('start'), due: dateOf('due'), coOrganisers: coOrganisers.length ? coOrganisers : undefined,
        upper: upperCell ? orgs.resolve(upperCell, headerName(cols, 'upper')) : undefined,
      }, id, { date, by, note: `${note ? `${note}（` : ''}导入：${path.basename(display)} 第 ${row.line} 行${note ? '）' : ''}` });
      const number = optional(a, 'number');
      if (number) data.number = number;
      const cells = cellsOf(a, ['id', 'number', 'title', 'content', 'goals', 'lead', 'co_organisers', 'categories', 'source', 'leader', 'contact', 'reason', 'feasibility', 'measures', 'start', 'due', 'upper']);
      if (cells.has('lead')) cells.set('proposed_by', cells.get('lead')!);
      planned.push({ kind: 'project', id, data, name: title, row, cells });
    }
  }

  // Organisations the file named but the repository lacked (--create-missing).
  for (const o of orgs.created) {
    planned.push({ kind: 'organisation', id: o.id, data: { id: o.id, name: o.name, type: o.type }, name: o.name, row: { line: o.cell.line, cells: [o.cell] }, cells: new Map([['name', o.cell]]), created: true });
  }

  // Check the new records (also when some rows already failed, so one run reports every problem) with the repository's rules, as the write will, and point each problem at its cell.
  const changes: RecordChange[] = planned.map((r) => ({ kind: r.kind, id: r.id, data: r.data, text: serializeRecord(r.kind, r.data) }));
  const files = new Map(planned.map((r) => [recordPath(r.kind, r.id), r]));
  const records: RecordEntry[] = [...repo.records.filter((r) => !files.has(r.file)), ...changes.map((c) => ({ kind: c.kind, id: c.id, file: recordPath(c.kind, c.id), data: c.data as never, text: c.text! }))];
  const found = validateRepository({ ...repo, records, loadProblems: [] }, { only: new Set(files.keys()), today: opts.today });
  const warnings: Problem[] = ctx.problems.filter((p) => p.severity === 'warning');
  for (const f of found) {
    const plan = files.get(f.file)!;
    const top = (f.pointer ?? '').split('/')[1]?.replace(/~1/g, '/').replace(/~0/g, '~') ?? '';
    const cell = plan.cells.get(top) ?? plan.cells.get('name') ?? plan.cells.get('title') ?? plan.row.cells[0];
    const severity: Severity = f.severity === 'error' && !COVERAGE_RULES.has(f.rule) ? 'error' : 'warning';
    const column = cell && cols.headerRow.cells[cell.col - 1] ? cleanInline(cols.headerRow.cells[cell.col - 1]!.text) : undefined;
    const w = whereOf(cell, column);
    const mapped = problem(display, cell?.line ?? plan.row.line, cell?.col ?? 1, 'import-invalid', {
      ...w, message_zh: `${labelOf(plan, 'zh')}${formatProblemMessage(f, 'zh')}`, message_en: `${labelOf(plan, 'en')}${formatProblemMessage(f, 'en')}`, rule: f.rule,
    }, severity);
    if (severity === 'error') ctx.problems.push(mapped);
    else warnings.push(mapped);
  }
  if (ctx.errors) throw new ProblemsError(sortProblems(ctx.problems), '导入文件有问题，未写入任何文件', 'the import file has problems; nothing was written');

  const toImported = (r: Planned): ImportedRecord => ({ kind: r.kind, id: r.id, path: recordPath(r.kind, r.id), line: r.row.line, name: r.name });
  const result: ImportResult = {
    file: display, kind: opts.kind, format: table.format, encoding: table.encoding, sheet: table.sheet, programme: programme?.id,
    records: planned.filter((r) => !r.created).map(toImported),
    createdOrganisations: planned.filter((r) => r.created).map(toImported),
    dryRun: !!opts.dryRun, warnings: sortProblems(warnings),
  };
  if (opts.dryRun || !planned.length) return result;
  const counts = [`${result.records.length} ${kindOf(opts.kind)}${result.records.length === 1 ? '' : 's'}`];
  if (result.createdOrganisations.length) counts.push(`${result.createdOrganisations.length} new organisation${result.createdOrganisations.length === 1 ? '' : 's'}`);
  const written = await writeRecords(root, changes, `djyc import: ${counts.join(', ')} from ${path.basename(display)}`, { repo, today: opts.today, act: { date: opts.date, by: opts.by, note: opts.note }, lock });
  result.commit = written.commit;
  return result;
}

function kindOf(kind: ImportKind): Kind {
  return kind === 'org' ? 'organisation' : kind;
}

/** "新建党组织“…”：" prefix for problems of records the import creates besides the rows' own. */
function labelOf(plan: Planned, lang: 'zh' | 'en'): string {
  if (plan.created) {
    return lang === 'zh' ? `新建${kindLabels.organisation!.zh}“${plan.name}”：` : `new organisation "${plan.name}": `;
  }
  return '';
}
