/**
 * Spreadsheet round-trips with the branches (issue 13 item 5), for the quarterly 执行书: `djyc sheet --kind report
 * --quarter 2020Q3 [--org]` makes the workbook of every project and task that owes that quarter's report and has
 * none yet; `djyc import filled.xlsx` reads it back, checks every row as `djyc report` would, and writes every
 * report in one commit — or nothing, each problem named by its cell (file:line:col, Sheet!H5).
 */
import fs from 'node:fs';
import { loadRepository } from '../store/repo.js';
import { today as todayIn } from '../store/clock.js';
import { subjectObligations, reportsApply } from '../domain/obligations.js';
import { RecordIndex, memberName, orgName, orgSubtree, type RecordEntry, summary } from '../domain/records.js';
import { orgOption } from '../domain/resolve.js';
import { isIsoDate } from '../domain/dates.js';
import { DjycError, ProblemsError, UsageError } from '../domain/errors.js';
import type { Problem } from '../domain/problem.js';
import type { Staged } from '../domain/programme.js';
import { MARKER_SHEET, REPORT_COLUMNS, REPORT_SHEET_TITLE, blankSheetWorkbook, reportSheetWorkbook, type ReportSheetRow } from '../output/report-sheet.js';
import { IMPORT_FIELDS, type ImportKind } from './import-cells.js';
import { resolveProgramme } from '../domain/programme.js';
import { loadSchema } from '../store/schemas.js';
import { problem, readXlsx, type Cell } from './import-table.js';
import { parseDateCell, whereOf } from './import-cells.js';
import { addReport } from './reports.js';
import { Workspace, type OpOptions, type OpResult } from './workspace.js';

export interface ReportSheetOptions {
  root: string;
  quarter: string;
  org?: string;
  programme?: string;
  today?: string;
}

/** The rows of the sheet: subjects owing the quarter's report, by organisation, projects before their tasks. */
export function reportSheetRows(o: ReportSheetOptions): { rows: ReportSheetRow[]; members: string[]; programme: string; programmeLabel: string } {
  if (!/^\d{4}Q[1-4]$/.test(o.quarter)) throw new UsageError(`--quarter 的格式应为 YYYYQn，例如 2020Q3（收到“${o.quarter}”）`, `--quarter must look like 2020Q3 (got "${o.quarter}")`);
  const repo = loadRepository(o.root);
  const index = new RecordIndex(repo);
  const today = o.today ?? todayIn();
  const org = orgOption(index, o.org);
  const within = org ? orgSubtree(index, org) : undefined;
  const reports = new Map<string, RecordEntry<'report'>[]>();
  for (const r of index.all('report')) {
    const subject = summary(r).subject;
    let list = reports.get(subject);
    if (!list) reports.set(subject, (list = []));
    list.push(r);
  }
  // Active members under each lead organisation, worked out once per organisation (not once per row and member).
  const leadsSeen = new Set<string>();
  const rows: (ReportSheetRow & { sort: string })[] = [];
  const memberIds = new Set<string>();
  let programme = '';
  let programmeLabel = '';
  for (const entry of [...index.all('project'), ...index.all('task')] as RecordEntry<'project' | 'task'>[]) {
    // Summaries throughout (records.ts factsOf): every field read here is in them, and a big repository's files stay unread.
    const data = summary(entry);
    const pe = index.get('programme', data.programme);
    if (!pe || (o.programme && pe.id !== o.programme) || !reportsApply(pe.data, entry.kind)) continue;
    const project = entry.kind === 'task' ? index.get('project', (data as { project?: string }).project) : (entry as RecordEntry<'project'>);
    const projectData = summary(project);
    const leadOrg = projectData?.lead;
    if (within && (!leadOrg || !within.has(leadOrg))) continue;
    const owed = subjectObligations(pe.data, entry.kind, { id: entry.id, record: data as Staged }, reports, today, entry.kind === 'task' ? (projectData as Staged | undefined) : undefined).find((x) => x.quarter === o.quarter && x.required && !x.report);
    if (!owed) continue;
    programme ||= pe.id;
    programmeLabel ||= pe.data.name;
    const people = entry.kind === 'task' ? ((data as { members?: string[] }).members ?? []) : [projectData?.leader].filter((x): x is string => !!x);
    if (leadOrg && !leadsSeen.has(leadOrg)) {
      leadsSeen.add(leadOrg);
      for (const org of orgSubtree(index, leadOrg)) for (const m of index.where('member', 'organisation', org)) if (summary(m).active !== false) memberIds.add(m.id);
    }
    const title = projectData?.title ?? '';
    const name = entry.kind === 'task' ? `${people.map((m) => memberName(index, m)).join('、')}的任务：${(data as { content?: string }).content ?? ''}（${title}）` : title;
    rows.push({ id: entry.id, kind: entry.kind, number: projectData?.number, name, org: orgName(index, leadOrg), person: people.map((m) => memberName(index, m)).join('、'), due: owed.due, sort: `${orgName(index, leadOrg)}\u0000${projectData?.number ?? project?.id ?? ''}\u0000${entry.kind === 'project' ? 0 : 1}\u0000${entry.id}` });
  }
  rows.sort((a, b) => (a.sort < b.sort ? -1 : a.sort > b.sort ? 1 : 0));
  const members = [...new Set([...memberIds].map((id) => memberName(index, id)))].sort();
  return { rows: rows.map(({ sort: _s, ...r }) => r), members, programme, programmeLabel };
}

export async function reportSheet(o: ReportSheetOptions): Promise<{ bytes: Uint8Array; rows: number }> {
  const r = reportSheetRows(o);
  const bytes = await reportSheetWorkbook({ programme: r.programme, programmeLabel: r.programmeLabel, quarter: o.quarter, rows: r.rows, members: r.members });
  return { bytes, rows: r.rows.length };
}

const BLANK_TITLES: Record<ImportKind, string> = { org: '党组织', member: '党员名册', project: '项目申报' };
/** Columns a blank sheet leaves out: the record id (made from the name) and what only approval gives. */
const BLANK_SKIP = new Set(['id', 'number', 'sequence']);

/** A blank sheet for the roster (organisations, members) or project applications, with drop-down lists for choices. */
export async function blankSheet(o: { root: string; kind: ImportKind; programme?: string; rows?: number }): Promise<{ bytes: Uint8Array; title: string }> {
  const repo = loadRepository(o.root);
  const index = new RecordIndex(repo);
  const fields = IMPORT_FIELDS[o.kind].filter((f) => !BLANK_SKIP.has(f.key));
  const header = (key: string) => fields.find((f) => f.key === key)?.headers[0] ?? key;
  const orgNames = index.all('organisation').filter((x) => !summary(x).external).map((x) => summary(x).short_name ?? summary(x).name);
  const lists: Record<string, string[]> = {};
  if (o.kind === 'org') {
    lists[header('type')] = loadSchema('organisation').properties.type.enum as string[];
    lists[header('parent')] = orgNames;
  } else if (o.kind === 'member') {
    lists[header('organisation')] = orgNames;
  } else {
    const p = resolveProgramme(index, o.programme);
    lists[header('categories')] = p.project?.categories ?? [];
    lists[header('source')] = p.project?.sources ?? [];
    lists[header('lead')] = orgNames;
  }
  const title = BLANK_TITLES[o.kind];
  const required = fields.filter((f) => f.required).map((f) => `“${f.headers[0]}”`).join('、');
  const bytes = await blankSheetWorkbook({
    kind: o.kind, title, headers: fields.map((f) => f.headers[0]!), lists, rows: o.rows ?? 200,
    instructions: [
      `${title}（交各单位填写）`, '',
      `1. 在“${title}”工作表中每行填写一条，${required}必填；有下拉列表的列请从列表中选择。`,
      '2. 不要改动表头，不要增加工作表。',
      '3. 填好后交回，由机关工委运行 djyc import <文件>.xlsx 导入：全部行有效才写入，一次提交；有错时指出单元格，不写入任何内容。',
      '', `English: one row per ${o.kind === 'org' ? 'organisation' : o.kind}; then run djyc import on the file.`,
    ],
  });
  return { bytes, title };
}

/** What a workbook made by `djyc sheet` says it is (its hidden marker sheet), or undefined for any other file. */
export async function sheetKind(file: string): Promise<{ kind: string; quarter: string; sheet: string } | undefined> {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch {
    return undefined;
  }
  if (bytes[0] !== 0x50 || bytes[1] !== 0x4b) return undefined;
  const ExcelJS = await import('@cj-tech-master/excelts');
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(bytes as never);
  } catch {
    return undefined;
  }
  const marker = wb.getWorksheet(MARKER_SHEET);
  if (!marker) return undefined;
  // B1: the quarter of a report sheet, the data sheet's name of a blank one.
  return { kind: String(marker.getCell('A1').value ?? ''), quarter: String(marker.getCell('B1').value ?? ''), sheet: String(marker.getCell('B1').value ?? '') };
}

export interface ImportSheetOptions extends OpOptions {
  file: string;
  display?: string;
}

/** Reads a filled report sheet back: every row checked, all reports in one commit or none. */
export async function importReportSheet(o: ImportSheetOptions): Promise<OpResult & { reports: { row: number; subject: string; report: string }[]; quarter: string }> {
  const display = o.display ?? o.file;
  const marker = await sheetKind(o.file);
  if (marker?.kind !== 'report') throw new UsageError(`${display} 不是 djyc sheet 生成的执行书工作簿`, `${display} is not a report workbook made by djyc sheet`);
  const quarter = marker.quarter;
  const read = await readXlsx(display, fs.readFileSync(o.file), REPORT_SHEET_TITLE);
  if (!read.table) throw new ProblemsError(read.problems);
  const [header, ...rows] = read.table.rows;
  const problems: Problem[] = [...read.problems];
  const colOf: Record<string, number> = {};
  for (const c of REPORT_COLUMNS) {
    const at = header?.cells.findIndex((cell) => cell.text.trim() === c.header) ?? -1;
    if (at < 0) problems.push(problem(display, header?.line ?? 1, 1, 'import-missing-column', { column: c.header, names: c.header }));
    colOf[c.key] = at;
  }
  if (problems.length) throw new ProblemsError(problems, `${display} 的表头被改动，未写入任何文件`, `the header row of ${display} was changed; nothing was written`);
  if (!rows.length) throw new ProblemsError([problem(display, 2, 1, 'import-no-rows')]);

  await using ws = await Workspace.open(o);
  const done: { row: number; subject: string; report: string }[] = [];
  const seen = new Map<string, number>();
  for (const row of rows) {
    const cell = (key: string): Cell => row.cells[colOf[key]!] ?? { text: '', raw: null, line: row.line, col: colOf[key]! + 1, ref: `${REPORT_SHEET_TITLE}!?${row.line}` };
    const at = (key: string, rule: Parameters<typeof problem>[3], params: Record<string, string | number> = {}) => {
      const c = cell(key);
      const column = REPORT_COLUMNS.find((x) => x.key === key)!.header;
      problems.push(problem(display, c.line, c.col, rule, { ...whereOf(c, column), column, ...params }));
    };
    const id = cell('id').text.trim();
    if (!id) {
      at('id', 'import-required');
      continue;
    }
    if (seen.has(id)) {
      at('id', 'import-duplicate-row', { other: seen.get(id)!, name: id });
      continue;
    }
    seen.set(id, row.line);
    const rowQuarter = cell('quarter').text.trim();
    if (rowQuarter && rowQuarter !== quarter) at('quarter', 'import-invalid', { message_zh: `季度应为 ${quarter}（收到“${rowQuarter}”）`, message_en: `the quarter must be ${quarter} (got "${rowQuarter}")` });
    const progress = cell('progress').text.trim();
    if (!progress) {
      at('progress', 'import-required');
      continue;
    }
    const submittedCell = cell('submitted');
    let submittedOn: string | undefined;
    if (submittedCell.text.trim()) {
      const d = parseDateCell(submittedCell, Number(quarter.slice(0, 4)));
      if (!d || !isIsoDate(d)) {
        at('submitted', 'import-date', { value: submittedCell.text.trim() });
        continue;
      }
      if (d > ws.date) {
        at('submitted', 'import-invalid', { message_zh: `报送日期 ${d} 晚于办理日期 ${ws.date}`, message_en: `submitted ${d}, after the date of the import ${ws.date}` });
        continue;
      }
      submittedOn = d;
    }
    try {
      const r = addReport(ws, { subject: id, quarter, progress, problems: cell('problems').text, next: cell('next').text, responsible: cell('responsible').text.trim() || undefined, submittedOn });
      done.push({ row: row.line, subject: r.subject.id, report: r.report });
    } catch (err) {
      if (err instanceof ProblemsError) for (const p of err.problems) problems.push(p);
      else if (err instanceof DjycError) {
        const key = /责任人|--responsible/.test(err.message) ? 'responsible' : 'id';
        at(key, 'import-invalid', { message_zh: err.message.replace(/--responsible/g, '责任人'), message_en: err.messageEn ?? err.message });
      } else throw err;
    }
  }
  if (problems.length) throw new ProblemsError(problems, `${display} 有 ${problems.length} 处问题，未写入任何文件`, `${display} has ${problems.length} problem(s); nothing was written`);
  const result = await ws.commit(`djyc import: ${done.length} ${quarter} reports from ${display.split(/[\\/]/).pop()}`);
  return { ...result, reports: done, quarter };
}
