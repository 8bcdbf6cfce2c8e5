/**
 * From the rows of an import to the records they make: one planner per kind of import (organisations, members,
 * projects), each resolving the names the rows use (organisations, members) against the repository and the file.
 * Problems point at the row and column they come from; nothing is written here.
 */
import path from 'node:path';
import { newRecordId } from '../store/records.js';
import { buildProjectRecord } from './create.js';
import type { Kind } from '../domain/kinds.js';
import type { Problem, Severity } from '../domain/problem.js';
import type { MessageKey } from '../domain/i18n.js';
import type { MemberRecord, OrganisationRecord, ProgrammeRecord, ProjectRecord } from '../domain/types.generated.js';
import type { RecordEntry, RecordIndex } from '../domain/records.js';
import { problem, type Cell, type TableRow } from './import-table.js';
import { summary } from '../domain/records.js';
import {
  NO_ORG_WORDS, access, cleanBlock, cleanInline, guessOrgType, headerName, normName, parseDateCell, splitList, whereOf, type Access, type Columns,
} from './import-cells.js';

export class Ctx {
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
export interface Planned {
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

export interface CreatedOrg {
  id: string;
  name: string;
  type: OrganisationRecord['type'];
  cell: Cell;
}

export class OrgResolver {
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
    const id = newRecordId('organisation', { name: { kind: 'organisation', name } });
    this.created.push({ id, name, type: guessOrgType(name), cell });
    this.add(id, [name]);
    return id;
  }
}

// Members by their normalised name, once per index: a roster of thousands of rows compared each name with every member.
const byName = new WeakMap<RecordIndex, Map<string, RecordEntry<'member'>[]>>();
function membersNamed(index: RecordIndex, name: string): RecordEntry<'member'>[] {
  let map = byName.get(index);
  if (!map) {
    byName.set(index, (map = new Map()));
    for (const m of index.all('member')) {
      const key = normName(summary(m).name);
      let list = map.get(key);
      if (!list) map.set(key, (list = []));
      list.push(m);
    }
  }
  return map.get(normName(name)) ?? [];
}

export function resolveMember(ctx: Ctx, index: RecordIndex, cell: Cell, column: string, org?: string): string | undefined {
  const name = cleanInline(cell.text);
  if (!name) return undefined;
  if (index.get('member', name)) return name;
  const all = membersNamed(index, name);
  const inOrg = org ? all.filter((m) => summary(m).organisation === org) : [];
  const pick = inOrg.length ? inOrg : all;
  if (pick.length === 1) return pick[0]!.id;
  if (pick.length > 1) ctx.problem(cell, 'import-member-ambiguous', { ...whereOf(cell, column), name, ids: pick.map((m) => m.id).join(', ') });
  else ctx.problem(cell, 'import-member-unknown', { ...whereOf(cell, column), name });
  return undefined;
}


/** Reading the rows of one import: the cells a field needs, duplicates within the file, problems where they are. */
export class RowReader {
  private readonly seen = new Map<string, number>();

  constructor(readonly ctx: Ctx, readonly cols: Columns) {}

  access(row: TableRow): Access {
    return access(this.cols, row);
  }

  column(key: string): string {
    return headerName(this.cols, key);
  }

  /** Whether `key` was met on an earlier row (reported on this one). */
  duplicate(key: string, row: TableRow, cell: Cell | undefined, name: string, column: string): boolean {
    const other = this.seen.get(key);
    if (other !== undefined) {
      this.ctx.problem(cell ?? { line: row.line, col: 1 }, 'import-duplicate-row', { ...whereOf(cell, column), other, name });
      return true;
    }
    this.seen.set(key, row.line);
    return false;
  }

  required(a: Access, row: TableRow, key: string): string | undefined {
    const v = cleanInline(a.text(key));
    if (!v) this.ctx.problem(a.cell(key) ?? { line: row.line, col: 1 }, 'import-required', { ...whereOf(a.cell(key), this.column(key)), column: this.column(key) });
    return v || undefined;
  }

  optional(a: Access, key: string): string | undefined {
    return cleanInline(a.text(key)) || undefined;
  }

  block(a: Access, key: string): string | undefined {
    return cleanBlock(a.text(key)) || undefined;
  }

  cells(a: Access, keys: string[]): Map<string, Cell> {
    const m = new Map<string, Cell>();
    for (const k of keys) {
      const c = a.cell(k);
      if (c) m.set(k, c);
    }
    return m;
  }
}

/** Organisations: a first pass over every row, so parents may refer to rows above or below. */
export function planOrganisations(r: RowReader, rows: TableRow[], index: RecordIndex, orgs: OrgResolver): Planned[] {
  const planned: Planned[] = [];
  const read = rows.map((row) => ({ row, a: r.access(row) }));
  const ids = new Map<TableRow, string>();
  for (const { row, a } of read) {
    const name = r.required(a, row, 'name');
    if (!name) continue;
    const nameCell = a.cell('name')!;
    if (r.duplicate(normName(name), row, nameCell, name, r.column('name'))) continue;
    const existing = orgs.lookup(name).filter((id) => index.get('organisation', id));
    if (existing.length) {
      r.ctx.problem(nameCell, 'import-exists', { ...whereOf(nameCell, r.column('name')), kind_zh: '党组织', kind_en: 'organisation', name, id: existing.join(', ') });
      continue;
    }
    const id = r.optional(a, 'id') ?? newRecordId('organisation', { name: { kind: 'organisation', name: r.optional(a, 'short_name') ?? name } });
    ids.set(row, id);
    orgs.fileIds.add(id);
    orgs.add(id, [name, r.optional(a, 'short_name')]);
  }
  for (const { row, a } of read) {
    const id = ids.get(row);
    if (!id) continue;
    const name = r.optional(a, 'name')!;
    const parentCell = a.cell('parent');
    const parent = parentCell ? orgs.resolve(parentCell, r.column('parent')) : undefined;
    const data: OrganisationRecord = {
      id, name, short_name: r.optional(a, 'short_name'), type: (r.optional(a, 'type') ?? guessOrgType(name)) as OrganisationRecord['type'],
      unit: r.optional(a, 'unit'), parent, notes: r.block(a, 'notes'),
    };
    planned.push({ kind: 'organisation', id, data, name, row, cells: r.cells(a, ['id', 'name', 'short_name', 'type', 'unit', 'parent', 'notes']) });
  }
  return planned;
}

/** Members, each in an organisation of the repository (or of the file, or created with --create-missing). */
export function planMembers(r: RowReader, rows: TableRow[], index: RecordIndex, orgs: OrgResolver): Planned[] {
  const planned: Planned[] = [];
  for (const row of rows) {
    const a = r.access(row);
    const name = r.required(a, row, 'name');
    const orgCell = a.cell('organisation');
    const orgText = r.required(a, row, 'organisation');
    const organisation = orgText && orgCell ? orgs.resolve(orgCell, r.column('organisation')) : undefined;
    if (!name || !organisation) continue;
    const id0 = r.optional(a, 'id');
    const nameCell = a.cell('name')!;
    if (r.duplicate(id0 ?? `${organisation}|${normName(name)}`, row, nameCell, name, r.column('name'))) continue;
    const existing = id0 ? (index.any(id0) ? [id0] : []) : membersNamed(index, name).filter((m) => summary(m).organisation === organisation).map((m) => m.id);
    if (existing.length) {
      r.ctx.problem(nameCell, 'import-exists', { ...whereOf(nameCell, r.column('name')), kind_zh: '党员', kind_en: 'member', name, id: existing.join(', ') });
      continue;
    }
    const id = id0 ?? newRecordId('member', { name: { kind: 'person', name } });
    const phone = a.text('phone').normalize('NFKC').trim() || undefined;
    const data: MemberRecord = { id, name, organisation, admin_title: r.optional(a, 'admin_title'), party_title: r.optional(a, 'party_title'), phone };
    planned.push({ kind: 'member', id, data, name, row, cells: r.cells(a, ['id', 'name', 'organisation', 'admin_title', 'party_title', 'phone']) });
  }
  return planned;
}

/** Projects of a programme, in its first stage, with a history entry naming the file and row they came from. */
export function planProjects(
  r: RowReader,
  rows: TableRow[],
  index: RecordIndex,
  orgs: OrgResolver,
  p: ProgrammeRecord,
  history: { date: string; by: string; note?: string; file: string },
): Planned[] {
  const planned: Planned[] = [];
  const existingTitles = new Map(index.all('project').filter((x) => summary(x).programme === p.id).map((x) => [normName(summary(x).title), x.id]));
  for (const row of rows) {
    const a = r.access(row);
    const title = r.required(a, row, 'title');
    if (!title) continue;
    const titleCell = a.cell('title')!;
    if (r.duplicate(normName(title), row, titleCell, title, r.column('title'))) continue;
    const existing = existingTitles.get(normName(title));
    if (existing) {
      r.ctx.problem(titleCell, 'import-exists', { ...whereOf(titleCell, r.column('title')), kind_zh: '项目', kind_en: 'project', name: title, id: existing });
      continue;
    }
    const leadCell = a.cell('lead');
    const lead = leadCell ? orgs.resolve(leadCell, r.column('lead')) : undefined;
    const coCell = a.cell('co_organisers');
    const coOrganisers: string[] = [];
    if (coCell) {
      for (const part of splitList(coCell.text)) {
        if (NO_ORG_WORDS.has(normName(part))) continue;
        const id = orgs.resolve({ ...coCell, text: part }, r.column('co_organisers'));
        if (id && id !== lead && !coOrganisers.includes(id)) coOrganisers.push(id);
      }
    }
    const dateOf = (key: string) => {
      const c = a.cell(key);
      if (!c) return undefined;
      const d = parseDateCell(c, p.year);
      if (d === null) r.ctx.problem(c, 'import-date', { ...whereOf(c, r.column(key)), value: cleanInline(c.text) });
      return d ?? undefined;
    };
    const member = (key: string) => {
      const c = a.cell(key);
      return c && cleanInline(c.text) ? resolveMember(r.ctx, index, c, r.column(key), lead) : undefined;
    };
    const upperCell = a.cell('upper');
    const categories = a.cell('categories') ? splitList(a.text('categories')) : undefined;
    const id = r.optional(a, 'id') ?? newRecordId('project', { year: p.year, name: { kind: 'title', name: title } });
    const data: ProjectRecord = buildProjectRecord(p, {
      title, categories, source: r.optional(a, 'source'), lead, leader: member('leader'), contact: member('contact'),
      reason: r.block(a, 'reason'), feasibility: r.block(a, 'feasibility'), goals: r.block(a, 'goals'), content: r.block(a, 'content'),
      measures: r.block(a, 'measures'), start: dateOf('start'), due: dateOf('due'), coOrganisers: coOrganisers.length ? coOrganisers : undefined,
      upper: upperCell ? orgs.resolve(upperCell, r.column('upper')) : undefined,
    }, id, { date: history.date, by: history.by, note: `${history.note ? `${history.note}（` : ''}导入：${path.basename(history.file)} 第 ${row.line} 行${history.note ? '）' : ''}` });
    const number = r.optional(a, 'number');
    if (number) data.number = number;
    // 序号 as the source table numbers its rows (002 附1), kept so lists can follow the 工委's own order.
    const seqCell = a.cell('sequence');
    const seqText = seqCell ? cleanInline(seqCell.text) : '';
    if (seqCell && seqText) {
      if (/^\d{1,6}$/.test(seqText) && Number(seqText) >= 1) data.sequence = Number(seqText);
      else r.ctx.problem(seqCell, 'import-invalid', { ...whereOf(seqCell, r.column('sequence')), message_zh: `序号应为正整数（收到“${seqText}”）`, message_en: `the sequence must be a positive whole number (got "${seqText}")` });
    }
    const cells = r.cells(a, ['id', 'number', 'sequence', 'title', 'content', 'goals', 'lead', 'co_organisers', 'categories', 'source', 'leader', 'contact', 'reason', 'feasibility', 'measures', 'start', 'due', 'upper']);
    if (cells.has('lead')) cells.set('proposed_by', cells.get('lead')!);
    planned.push({ kind: 'project', id, data, name: title, row, cells });
  }
  return planned;
}
