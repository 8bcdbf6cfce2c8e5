/**
 * djyc's one xlsx module: workbooks described as data, written to bytes and read back from bytes. Everything djyc
 * does with Excel goes through here (the ledger, import, and later the fill-in sheets): several sheets, Chinese
 * headers, a frozen header row, column widths and number formats, hidden and locked columns (a protected sheet
 * whose other cells stay editable), drop-down lists (data validation) and autofilters.
 *
 * The library (@cj-tech-master/excelts: exceljs's API in TypeScript, no dependencies) is loaded lazily, so that
 * commands that never touch Excel do not pay for it. Pure: bytes in, bytes out, no file system.
 */

export type CellValue = string | number | boolean | null;

export interface ColumnSpec {
  header: string;
  /** Width in characters; default: fitted to the longest text (a CJK character counts 2), 8–60. */
  width?: number;
  /** Excel number format, e.g. `0.0%`. */
  numFmt?: string;
  hidden?: boolean;
  /** Cells of a locked column cannot be edited once the sheet is protected (every other column stays editable). */
  locked?: boolean;
  /** A drop-down list of allowed values for the column's data cells (header excluded). */
  list?: readonly string[];
  /** With `list`: whether other values are refused (default) or only warned about. */
  strictList?: boolean;
}

export interface SheetSpec {
  name: string;
  columns: readonly ColumnSpec[];
  rows: readonly (readonly CellValue[])[];
  /** Header rows kept in view (default 1). */
  frozenRows?: number;
  /** An autofilter on the header row (default true). */
  autoFilter?: boolean;
  /** Data rows that a list or a lock applies to, beyond the rows written (default: rows + 200, for filling in). */
  editableRows?: number;
}

export interface WorkbookSpec {
  sheets: readonly SheetSpec[];
  title?: string;
  /** The workbook's creation date (YYYY-MM-DD): a fixed date keeps the bytes reproducible from the same data. */
  date: string;
}

type ExcelModule = typeof import('@cj-tech-master/excelts');

async function excel(): Promise<ExcelModule> {
  return import('@cj-tech-master/excelts');
}

/** Display width: a CJK character is two columns. */
export function displayWidth(s: string): number {
  let n = 0;
  for (const ch of s) n += ch.codePointAt(0)! > 0x2e80 ? 2 : 1;
  return n;
}

/** Column letters of a 1-based column number (1 → A, 27 → AA). */
export function columnLetters(col: number): string {
  let s = '';
  for (let n = col; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/** A data-validation list formula: the values quoted, commas and quotes escaped as Excel wants them. */
function listFormula(values: readonly string[]): string {
  return `"${values.map((v) => v.replace(/"/g, '""')).join(',')}"`;
}

/** Writes a workbook to xlsx bytes. */
export async function writeWorkbook(spec: WorkbookSpec): Promise<Uint8Array> {
  const { Workbook } = await excel();
  const wb = new Workbook();
  wb.creator = 'djyc';
  if (spec.title) wb.title = spec.title;
  const created = new Date(`${spec.date}T00:00:00+08:00`);
  wb.created = created;
  wb.modified = created;
  for (const sheet of spec.sheets) {
    const frozen = sheet.frozenRows ?? 1;
    const ws = wb.addWorksheet(sheet.name, { views: frozen ? [{ state: 'frozen', ySplit: frozen, xSplit: 0 }] : [] });
    const alignment = { vertical: 'top', wrapText: true } as const;
    ws.columns = sheet.columns.map((c, i) => {
      // Folded, not spread: Math.max(...) of 200,000 rows overflows the stack.
      const longest = sheet.rows.reduce((w, r) => Math.max(w, displayWidth(r[i] === null || r[i] === undefined ? '' : String(r[i]))), displayWidth(c.header));
      const width = c.width ?? Math.min(60, Math.max(8, longest + 2));
      return { header: c.header, width, hidden: !!c.hidden, style: { alignment, ...(c.numFmt ? { numFmt: c.numFmt } : {}), protection: { locked: !!c.locked } } };
    });
    for (const r of sheet.rows) ws.addRow(r.map((v) => (v === '' ? null : v)));
    const header = ws.getRow(1);
    header.font = { bold: true };
    header.alignment = { vertical: 'middle', horizontal: 'center', wrapText: true };
    header.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF2F2F2' } };
    const last = Math.max(sheet.rows.length + 1, sheet.editableRows ?? sheet.rows.length + 201);
    const anyLocked = sheet.columns.some((c) => c.locked);
    sheet.columns.forEach((c, i) => {
      const col = i + 1;
      if (c.list?.length) {
        const range = `${columnLetters(col)}2:${columnLetters(col)}${last}`;
        ws.dataValidations.add(range, {
          type: 'list',
          allowBlank: true,
          formulae: [listFormula(c.list)],
          showErrorMessage: true,
          ...(c.strictList === false ? { errorStyle: 'warning' } : {}),
          errorTitle: c.header,
          error: c.list.join(' / '),
        });
      }
      // Cells below the data take the column's protection too (a style on the column alone covers only its cells).
      if (anyLocked) for (let row = 2; row <= last; row++) ws.getCell(row, col).protection = { locked: !!c.locked };
    });
    if (anyLocked) {
      // Header cells stay locked (their names are what import reads back); everything not locked stays editable.
      for (let col = 1; col <= sheet.columns.length; col++) header.getCell(col).protection = { locked: true };
      await ws.protect('', { selectLockedCells: true, selectUnlockedCells: true, formatColumns: true, formatRows: true, sort: true, autoFilter: true });
    }
    if ((sheet.autoFilter ?? true) && sheet.columns.length) ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: sheet.columns.length } };
  }
  const data = await wb.xlsx.writeBuffer();
  return data instanceof Uint8Array ? data : new Uint8Array(data as ArrayBuffer);
}

/** One cell as read: its text as a person sees it, the raw value behind it, and where it is. */
export interface ReadCell {
  text: string;
  raw: unknown;
  /** 1-based row and column. */
  row: number;
  col: number;
  /** `Sheet1!D5`. */
  ref: string;
}

export interface ReadSheet {
  name: string;
  /** Non-empty rows, each with its cells from column A on (gaps filled with empty cells). */
  rows: { row: number; cells: ReadCell[] }[];
  /** Drop-down lists by column letter range (`B2:B200` → values), as written by writeWorkbook or by Excel. */
  lists: Record<string, string[]>;
  /** Columns (1-based) that are hidden. */
  hidden: number[];
  frozenRows: number;
  protected: boolean;
}

export type ReadResult = { ok: true; sheets: ReadSheet[] } | { ok: false; detail: string };

/** Text of a cell value (rich text, hyperlinks, formulas with cached results, dates, numbers). */
function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? '' : v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (Array.isArray(o.richText)) return (o.richText as { text?: string }[]).map((t) => t.text ?? '').join('');
    if ('result' in o) return cellText(o.result);
    if ('text' in o) return cellText(o.text);
    if ('error' in o) return String(o.error);
  }
  return String(v);
}

/** The raw value behind a formula or hyperlink (a Date stays a Date). */
function cellRaw(v: unknown): unknown {
  if (v && typeof v === 'object' && !(v instanceof Date) && 'result' in (v as object)) return (v as { result: unknown }).result;
  return v;
}

function unquoteList(formula: string | undefined): string[] {
  if (!formula) return [];
  const m = /^"([\s\S]*)"$/.exec(formula.trim());
  if (!m) return [formula];
  return m[1]!.split(',').map((s) => s.replace(/""/g, '"'));
}

/** Reads xlsx bytes: every sheet's non-empty rows, with positions, and its lists, hidden columns and frozen rows. */
export async function readWorkbook(bytes: Uint8Array): Promise<ReadResult> {
  const { Workbook } = await excel();
  const wb = new Workbook();
  try {
    await wb.xlsx.load(bytes as never);
  } catch (err) {
    return { ok: false, detail: String((err as Error)?.message ?? err).split('\n')[0]! };
  }
  const sheets: ReadSheet[] = [];
  for (const ws of wb.worksheets) {
    const rows: ReadSheet['rows'] = [];
    ws.eachRow({ includeEmpty: false }, (row, r) => {
      const cells: ReadCell[] = [];
      row.eachCell({ includeEmpty: true }, (cell, c) => {
        cells[c - 1] = { text: cellText(cell.value), raw: cellRaw(cell.value), row: r, col: c, ref: `${ws.name}!${columnLetters(c)}${r}` };
      });
      for (let i = 0; i < cells.length; i++) cells[i] ??= { text: '', raw: null, row: r, col: i + 1, ref: `${ws.name}!${columnLetters(i + 1)}${r}` };
      if (cells.some((c) => c.text.trim())) rows.push({ row: r, cells });
    });
    const lists: Record<string, string[]> = {};
    const model = (ws.dataValidations as unknown as { model?: Record<string, { type?: string; formulae?: string[] }> }).model ?? {};
    for (const [range, dv] of Object.entries(model)) if (dv?.type === 'list') lists[range] = unquoteList(dv.formulae?.[0]);
    const hidden: number[] = [];
    for (let c = 1; c <= ws.columnCount; c++) if (ws.getColumn(c).hidden) hidden.push(c);
    const view = ws.views?.[0] as { state?: string; ySplit?: number } | undefined;
    sheets.push({
      name: ws.name,
      rows,
      lists,
      hidden,
      frozenRows: view?.state === 'frozen' ? (view.ySplit ?? 0) : 0,
      protected: !!(ws as unknown as { sheetProtection?: { sheet?: boolean } }).sheetProtection?.sheet,
    });
  }
  return { ok: true, sheets };
}
