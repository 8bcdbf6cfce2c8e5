/** The columns an import understands (the forms' own headers first), the values in its cells, and a row's cells by field. */
import type { OrganisationRecord } from '../domain/types.generated.js';
import type { Problem } from '../domain/problem.js';
import { isIsoDate } from '../domain/dates.js';
import { problem, type Cell, type Table, type TableRow } from './import-table.js';

import { IMPORT_KINDS, type ImportKind } from '../domain/kinds.js';

export { IMPORT_KINDS, type ImportKind };

// ---------------------------------------------------------------------------------------------------------------
// Columns

interface FieldSpec {
  key: string;
  /** Accepted headers; the first is the one the forms use (shown in messages). */
  headers: string[];
  required?: boolean;
}

const ID_FIELD: FieldSpec = { key: 'id', headers: ['编号', '记录编号', 'id'] };
const IGNORED = ['no', 'no.', '#', 'index'];

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
    { key: 'sequence', headers: ['序号', '顺序号', 'sequence'] },
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

export interface Columns {
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

export function whereOf(c: Cell | undefined, column?: string): { where_zh: string; where_en: string } {
  const ref = c?.ref ? `${c.ref} ` : '';
  return column ? { where_zh: `${ref}“${column}”：`, where_en: `${ref}"${column}": ` } : { where_zh: ref ? `${ref}：` : '', where_en: ref ? `${ref}: ` : '' };
}

/** Finds the header row (the first of the first ten rows naming a known column) and maps columns to fields. */
export function findColumns(kind: ImportKind, table: Table, display: string): Columns {
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
export function cleanBlock(s: string): string {
  return s.replace(/\r\n?/g, '\n').split('\n').map((l) => l.trim()).join('\n').replace(/\n{3,}/g, '\n\n').trim();
}

/** Organisation names compare without spaces, with full-width and half-width forms (brackets, letters) unified. */
export function normName(s: string): string {
  return s.normalize('NFKC').replace(/\s+/g, '').toLowerCase();
}

/** Splits a list cell: 、，,；; and line breaks. */
export function splitList(s: string): string[] {
  return s.split(/[、，,；;\n\r/]+/).map(cleanInline).filter(Boolean);
}

/** Cell words that mean "no organisation named yet" in 申报参与单位 (seed 002: co-organisers apply themselves). */
export const NO_ORG_WORDS = new Set(['自主申报', '自行申报', '自愿申报', '待定', '无', '暂无', '-', '—', '——', '/', 'n/a', 'none'].map(normName));

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

export interface Access {
  cell(key: string): Cell | undefined;
  text(key: string): string;
}

export function access(cols: Columns, row: TableRow): Access {
  const cell = (key: string): Cell | undefined => {
    const i = cols.index.get(key);
    if (i === undefined) return undefined;
    return row.cells[i] ?? { text: '', raw: null, line: row.line, col: i + 1, ref: cols.headerRow.cells[i]?.ref?.replace(/\d+$/, String(row.line)) };
  };
  return { cell, text: (key) => cell(key)?.text ?? '' };
}

export function headerName(cols: Columns, key: string): string {
  const i = cols.index.get(key);
  return i === undefined ? key : cleanInline(cols.headerRow.cells[i]?.text ?? key);
}
