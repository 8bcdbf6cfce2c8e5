/**
 * The quarter's 执行书 as a workbook the branches fill in (`djyc sheet --kind report`): instructions first, then one
 * row per project and task that owes the report — what identifies it locked (the record id in a hidden column),
 * what the branch writes unlocked — and a hidden sheet that tells `djyc import` what the workbook is.
 * exceljs is loaded lazily (only this command needs it).
 */

export interface ReportSheetRow {
  id: string;
  kind: 'project' | 'task';
  number?: string;
  name: string;
  org: string;
  person: string;
  due: string;
}

export interface ReportSheetInput {
  programme: string;
  programmeLabel: string;
  quarter: string;
  rows: ReportSheetRow[];
  /** Names the 责任人 column offers (members of the organisations concerned). */
  members: string[];
}

/** The data sheet, the marker sheet and the columns `djyc import` reads back. */
export const REPORT_SHEET_TITLE = '执行书';
export const MARKER_SHEET = 'djyc';
export const REPORT_COLUMNS = [
  { key: 'id', header: '记录编号（勿改）', width: 30, locked: true },
  { key: 'kind', header: '类别', width: 8, locked: true },
  { key: 'number', header: '项目编号', width: 11, locked: true },
  { key: 'name', header: '项目或任务', width: 36, locked: true },
  { key: 'org', header: '党组织', width: 22, locked: true },
  { key: 'person', header: '负责人（党员）', width: 14, locked: true },
  { key: 'quarter', header: '季度', width: 9, locked: true },
  { key: 'due', header: '报送期限', width: 12, locked: true },
  { key: 'progress', header: '进展情况（必填）', width: 44, locked: false },
  { key: 'problems', header: '存在问题', width: 32, locked: false },
  { key: 'next', header: '下步打算', width: 32, locked: false },
  { key: 'responsible', header: '责任人', width: 12, locked: false },
  { key: 'submitted', header: '报送日期', width: 13, locked: false },
] as const;

export async function reportSheetWorkbook(input: ReportSheetInput): Promise<Uint8Array> {
  const ExcelJS = await import('@cj-tech-master/excelts');
  const wb = new ExcelJS.Workbook();
  wb.creator = 'djyc';

  const help = wb.addWorksheet('填表说明');
  help.getColumn(1).width = 100;
  const lines = [
    `${input.programmeLabel} ${input.quarter} 季度执行书（党组织领办项目执行书 / 党员领办任务执行书）`,
    '',
    `1. 在“${REPORT_SHEET_TITLE}”工作表中，每行是一个应报 ${input.quarter} 执行书的项目或党员任务，共 ${input.rows.length} 行。`,
    '2. 只填写“进展情况”（必填）、“存在问题”、“下步打算”、“责任人”（从下拉列表中选）、“报送日期”（YYYY-MM-DD，可不填，默认导入当天）。',
    '3. 灰色各列（含隐藏的记录编号列）已锁定，请勿修改、删除或调换行；不要增加行。',
    '4. 填好后交回，由机关工委运行 djyc import <文件>.xlsx 导入：全部行有效才写入，一次提交；有错时指出单元格，不写入任何内容。',
    '',
    `English: fill in columns 进展情况 (required), 存在问题, 下步打算, 责任人 and 报送日期 of the sheet "${REPORT_SHEET_TITLE}"; then run djyc import on the file.`,
  ];
  lines.forEach((text, i) => {
    const cell = help.getCell(i + 1, 1);
    cell.value = text;
    cell.alignment = { wrapText: true, vertical: 'top' };
    if (i === 0) cell.font = { bold: true, size: 14 };
  });

  const sheet = wb.addWorksheet(REPORT_SHEET_TITLE, { views: [{ state: 'frozen', ySplit: 1, xSplit: 0 }] });
  sheet.columns = REPORT_COLUMNS.map((c) => ({ key: c.key, header: c.header, width: c.width }));
  sheet.getColumn(1).hidden = true;
  sheet.getRow(1).font = { bold: true };
  // The member names for the 责任人 list live on the marker sheet (lists longer than 255 characters need a range).
  const marker = wb.addWorksheet(MARKER_SHEET, { state: 'veryHidden' });
  marker.getCell('A1').value = 'report';
  marker.getCell('B1').value = input.quarter;
  marker.getCell('C1').value = input.programme;
  input.members.forEach((name, i) => (marker.getCell(i + 1, 4).value = name));
  const memberRange = input.members.length ? `${MARKER_SHEET}!$D$1:$D$${input.members.length}` : undefined;
  const grey = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFEFEFEF' } } as const;
  for (const r of input.rows) {
    const row = sheet.addRow({ id: r.id, kind: r.kind === 'project' ? '项目' : '任务', number: r.number ?? '', name: r.name, org: r.org, person: r.person, quarter: input.quarter, due: r.due });
    REPORT_COLUMNS.forEach((c, i) => {
      const cell = row.getCell(i + 1);
      cell.protection = { locked: c.locked };
      cell.alignment = { wrapText: true, vertical: 'top' };
      if (c.locked) cell.fill = grey;
    });
    const col = (key: string) => REPORT_COLUMNS.findIndex((c) => c.key === key) + 1;
    if (memberRange) row.getCell(col('responsible')).dataValidation = { type: 'list', allowBlank: true, formulae: [memberRange], showErrorMessage: true, errorTitle: '责任人', error: '请从列表中选择党员' };
    row.getCell(col('submitted')).numFmt = 'yyyy-mm-dd';
  }
  await sheet.protect('', { selectLockedCells: true, selectUnlockedCells: true, formatColumns: true, formatRows: true });
  const buffer = await wb.xlsx.writeBuffer();
  return new Uint8Array(buffer);
}

export interface BlankSheetInput {
  /** What `djyc import` reads it as: org, member or project. */
  kind: string;
  title: string;
  headers: string[];
  /** Choices per header (a list in the cell's drop-down). */
  lists: Record<string, string[]>;
  instructions: string[];
  rows: number;
}

/** A blank sheet for the roster or project applications, read back by `djyc import` as its kind says. */
export async function blankSheetWorkbook(input: BlankSheetInput): Promise<Uint8Array> {
  const ExcelJS = await import('@cj-tech-master/excelts');
  const wb = new ExcelJS.Workbook();
  wb.creator = 'djyc';
  const help = wb.addWorksheet('填表说明');
  help.getColumn(1).width = 100;
  input.instructions.forEach((text, i) => {
    const cell = help.getCell(i + 1, 1);
    cell.value = text;
    cell.alignment = { wrapText: true, vertical: 'top' };
    if (i === 0) cell.font = { bold: true, size: 14 };
  });
  const sheet = wb.addWorksheet(input.title, { views: [{ state: 'frozen', ySplit: 1, xSplit: 0 }] });
  sheet.columns = input.headers.map((h) => ({ header: h, key: h, width: Math.max(12, h.length * 3) }));
  sheet.getRow(1).font = { bold: true };
  const marker = wb.addWorksheet(MARKER_SHEET, { state: 'veryHidden' });
  marker.getCell('A1').value = input.kind;
  marker.getCell('B1').value = input.title;
  let listCol = 4;
  for (const [header, values] of Object.entries(input.lists)) {
    const at = input.headers.indexOf(header);
    if (at < 0 || !values.length) continue;
    values.forEach((v, i) => (marker.getCell(i + 1, listCol).value = v));
    const letters = marker.getColumn(listCol).letter;
    const range = `${MARKER_SHEET}!$${letters}$1:$${letters}$${values.length}`;
    for (let r = 2; r <= input.rows + 1; r++) {
      sheet.getCell(r, at + 1).dataValidation = { type: 'list', allowBlank: true, formulae: [range], showErrorMessage: false };
    }
    listCol++;
  }
  const buffer = await wb.xlsx.writeBuffer();
  return new Uint8Array(buffer);
}
