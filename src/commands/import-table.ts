/** Reading the tables offices keep: CSV in any of the encodings they save in, or an xlsx sheet, as cells with positions. */
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseCsv, CsvError } from 'csv-parse/sync';
import { readWorkbook } from '../output/xlsx.js';
import type { Problem, Severity } from '../domain/problem.js';
import type { MessageKey } from '../domain/i18n.js';
import { UsageError } from '../domain/errors.js';

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

export function problem(file: string, line: number, col: number, rule: MessageKey, params: Record<string, string | number> = {}, severity: Severity = 'error'): Problem {
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

export async function readXlsx(display: string, bytes: Uint8Array, sheet?: string): Promise<{ table?: Table; problems: Problem[] }> {
  const read = await readWorkbook(bytes);
  if (!read.ok) return { problems: [problem(display, 1, 1, 'import-xlsx', { detail: read.detail })] };
  const ws = sheet !== undefined ? read.sheets.find((w) => w.name === sheet) : (read.sheets.find((w) => w.rows.length > 0) ?? read.sheets[0]);
  if (!ws) {
    const names = read.sheets.map((w) => w.name).join(', ') || '—';
    throw new UsageError(`Excel 文件中没有名为“${sheet ?? ''}”的工作表（可用：${names}）`, `no worksheet "${sheet ?? ''}" in the workbook (available: ${names})`);
  }
  const rows: TableRow[] = ws.rows.map((r) => ({ line: r.row, cells: r.cells.map((c) => ({ text: c.text, raw: c.raw, line: c.row, col: c.col, ref: c.ref })) }));
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
