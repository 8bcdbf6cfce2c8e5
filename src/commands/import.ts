/**
 * Bulk import from the ledgers offices already keep (CSV or xlsx, Chinese column headers as on the forms):
 * organisations, members or projects. All rows valid or nothing written; one commit for the whole import.
 * Every problem names the imported file's row and column (xlsx cells also by their sheet address).
 * Reading the file: import-table.ts; its columns and values: import-cells.ts; rows to records: import-rows.ts.
 */
import path from 'node:path';
import { loadRepository } from '../store/repo.js';
import { writeRecords, serializeRecord, type RecordChange } from '../store/records.js';
import { writeLock } from '../store/transaction.js';
import { actor } from '../store/git.js';
import { validateRepository } from '../store/validate.js';
import { today as todayIn } from '../store/clock.js';
import { COVERAGE_RULES } from '../domain/checks.js';
import { recordPath, type Kind } from '../domain/kinds.js';
import { ProblemsError, UsageError } from '../domain/errors.js';
import { formatProblemMessage, sortProblems, type Problem, type Severity } from '../domain/problem.js';
import { kindLabels, tr } from '../domain/i18n.js';
import { RecordIndex, type RecordEntry, type Repository } from '../domain/records.js';
import { resolveProgramme } from '../domain/programme.js';
import { problem, readTable, type TableEncoding } from './import-table.js';
import { checkDate } from './workspace.js';
import { IMPORT_KINDS, cleanInline, findColumns, whereOf, type ImportKind } from './import-cells.js';
import { Ctx, OrgResolver, RowReader, planMembers, planOrganisations, planProjects, type Planned } from './import-rows.js';

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

/** Imports a CSV/xlsx file: every row checked with the repository's rules, then one commit (or nothing at all). */
export async function importFile(root: string, file: string, opts: ImportOptions): Promise<ImportResult> {
  if (!IMPORT_KINDS.includes(opts.kind)) {
    throw new UsageError(`--kind 应为 ${IMPORT_KINDS.join(' / ')}`, `--kind must be one of ${IMPORT_KINDS.join(' / ')}`);
  }
  const display = opts.display ?? file;
  // The write lock first: which rows already exist is decided on the repository as it is under the lock.
  await using lock = opts.dryRun ? undefined : await writeLock(root);
  const repo = lock ? loadRepository(root) : opts.repo ?? loadRepository(root);
  const programme = opts.kind === 'project' || opts.programme ? resolveProgramme(repo, opts.programme, todayIn()) : undefined;
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
  const reader = new RowReader(ctx, cols);
  const date = opts.date === undefined ? todayIn(opts.today) : checkDate(opts.date);
  const by = opts.by?.trim() || (await actor(root));
  const note = opts.note?.trim() || undefined;
  const planned =
    opts.kind === 'org' ? planOrganisations(reader, dataRows, index, orgs)
    : opts.kind === 'member' ? planMembers(reader, dataRows, index, orgs)
    : planProjects(reader, dataRows, index, orgs, programme!, { date, by, note, file: display });

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
    return tr(lang, `新建${kindLabels.organisation!.zh}“${plan.name}”：`, `new organisation "${plan.name}": `);
  }
  return '';
}
