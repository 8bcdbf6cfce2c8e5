/**
 * The ledger (台账) laid out as tables — 项目台账, 任务台账, 品牌台账, 覆盖情况 — for the terminal, Markdown, CSV and
 * xlsx. Columns follow the programme: 联办单位 only with lead and co-organisers, 评议/测评 only with four-level
 * ratings, 星级 only with stars, 加分 only with bonus points, 品牌台账 only with a brand track. Pure: ledger in, tables
 * out. No phone numbers: the ledger holds names only.
 */
import type { Ledger, Ratings } from '../domain/ledger.js';
import { datedText, type Dated } from '../domain/as-of.js';
import { isTrackEnabled } from '../domain/programme.js';
import type { ProgrammeRecord } from '../domain/types.generated.js';
import { joinList, say, tr, type Lang } from '../domain/i18n.js';
import { csvTable, markdownTable, textTable } from './text-table.js';
import type { ReportSummary } from '../domain/obligations.js';
import { writeWorkbook } from './xlsx.js';
import type { RecheckEntry } from '../domain/recheck.js';

export type Cell = string | number;

export interface LedgerColumn {
  header: string;
  /** 'percent' cells hold a ratio 0..1. */
  format?: 'percent' | 'integer';
  /** Suggested width in characters (xlsx). */
  width?: number;
}

export interface LedgerTable {
  id: 'projects' | 'tasks' | 'brands' | 'coverage' | 'bonus';
  /** Sheet name / heading: 项目台账, 任务台账, 品牌台账, 覆盖情况. */
  title: string;
  columns: LedgerColumn[];
  rows: Cell[][];
}

export const TABLE_IDS = ['projects', 'tasks', 'brands', 'coverage', 'bonus'] as const;

function reportsText(r: ReportSummary, lang: Lang): string {
  if (!r.required && !r.filed) return '';
  const parts = [tr(lang, `应报 ${r.required}`, `owed ${r.required}`), tr(lang, `已报 ${r.filed}`, `filed ${r.filed}`)];
  if (r.onTime) parts.push(tr(lang, `按时 ${r.onTime}`, `on time ${r.onTime}`));
  if (r.late) parts.push(tr(lang, `逾期报送 ${r.late}`, `late ${r.late}`));
  if (r.missing) parts.push(tr(lang, `未报 ${r.missing}`, `missing ${r.missing}`));
  return parts.join(tr(lang, '，', ', '));
}

function pollText(r: Ratings | undefined, lang: Lang): string {
  if (!r?.poll) return '';
  const v = r.poll.votes;
  return tr(lang, `${r.poll.participants} 人：好 ${v.好}，较好 ${v.较好}，一般 ${v.一般}，较差 ${v.较差}`, `${r.poll.participants}: good ${v.好}, fairly good ${v.较好}, fair ${v.一般}, poor ${v.较差}`);
}

/** The result that stands first, then the earlier rounds: 通过（2020-12-08）；此前：整改（2020-11-25）. */
function acceptanceText(r: Ratings | undefined, lang: Lang): string {
  const rounds = (r?.acceptanceRounds ?? []).map((x) => `${x.result === 'pass' ? tr(lang, '通过', 'passed') : tr(lang, '整改', 'rework')}（${x.date}）`);
  const last = rounds.pop();
  if (!last) return '';
  return rounds.length ? `${last}${tr(lang, `；此前：${rounds.join('、')}`, `; earlier: ${rounds.join(', ')}`)}` : last;
}

const joinNames = (names: { name: string }[], lang: Lang) => joinList(names.map((n) => n.name), lang);

/** A sample check's result as one cell: 合格（2017-12-20，学校党委）/ 需整改：… / 已抽中，待复核. */
export function recheckText(r: RecheckEntry | undefined, lang: Lang): string {
  if (!r) return '';
  if (!r.result) return tr(lang, '已抽中，待复核', 'sampled, pending');
  const who = [r.checkedOn, r.checkedBy].filter(Boolean).join(tr(lang, '，', ', '));
  return `${r.result}${r.note ? `：${r.note}` : ''}${who ? `（${who}）` : ''}`;
}

/** A stage cell with where the record went or came from (djyc carry-over). */
function carriedText(r: { carriedFrom?: { id: string; programme?: string }; carriedTo?: { id: string; programme?: string } }, lang: Lang): string {
  const parts: string[] = [];
  if (r.carriedTo) parts.push(tr(lang, `已转入 ${r.carriedTo.programme ?? ''} ${r.carriedTo.id}`, `carried into ${r.carriedTo.programme ?? ''} ${r.carriedTo.id}`).replace(/\s+/g, ' '));
  if (r.carriedFrom) parts.push(tr(lang, `由 ${r.carriedFrom.programme ?? ''} ${r.carriedFrom.id} 转入`, `carried from ${r.carriedFrom.programme ?? ''} ${r.carriedFrom.id}`).replace(/\s+/g, ' '));
  return parts.length ? tr(lang, `（${parts.join('；')}）`, ` (${parts.join('; ')})`) : '';
}

/** The ledger's tables for one programme. */
export function ledgerTables(ledger: Ledger, programme: ProgrammeRecord, lang: Lang): LedgerTable[] {
  const ev = programme.evaluation ?? {};
  const coMode = programme.project?.lead_mode === 'lead-and-co-organisers' || ledger.projects.some((p) => p.coOrganisers.length);
  const fourLevel = ev.four_level;
  const fourOn = (subject: 'project' | 'task') => !!fourLevel && (fourLevel.subjects ?? ['task']).includes(subject);
  const starsOn = !!ev.stars;
  const bonusOn = !!ev.bonus;
  const stageLabel = (s: { label: string; labelEn: string }) => say(lang, { zh: s.label, en: s.labelEn });
  const tables: LedgerTable[] = [];

  // 项目台账
  {
    const columns: LedgerColumn[] = [
      { header: tr(lang, '序号', 'No.'), format: 'integer', width: 6 },
      { header: tr(lang, '项目编号', 'number'), width: 12 },
      { header: tr(lang, '项目名称', 'project'), width: 36 },
      { header: tr(lang, '项目类别', 'categories'), width: 20 },
      { header: coMode ? tr(lang, '牵头单位', 'lead unit') : tr(lang, '领办单位', 'lead organisation'), width: 20 },
    ];
    if (coMode) columns.push({ header: tr(lang, '联办单位', 'co-organisers'), width: 24 });
    columns.push(
      { header: tr(lang, '负责人', 'in charge'), width: 10 },
      { header: tr(lang, '阶段', 'stage'), width: 14 },
      { header: tr(lang, '阶段日期', 'since'), width: 12 },
      { header: tr(lang, '完成时限', 'due'), width: 12 },
      { header: tr(lang, '任务数', 'tasks'), format: 'integer', width: 8 },
      { header: tr(lang, '领办党员数', 'members'), format: 'integer', width: 10 },
      { header: tr(lang, '执行书', 'reports'), width: 28 },
      { header: tr(lang, '已报季度', 'quarters filed'), width: 20 },
      { header: tr(lang, '结项', 'closure'), width: 12 },
      { header: tr(lang, '验收', 'acceptance'), width: 40 },
    );
    if (fourOn('project')) columns.push({ header: tr(lang, '支委会意见', 'branch rating'), width: 10 }, { header: tr(lang, '党委意见', 'committee rating'), width: 10 }, { header: tr(lang, '群众测评', 'public poll'), width: 30 });
    if (starsOn) columns.push({ header: tr(lang, '星级', 'stars'), format: 'integer', width: 6 });
    if (bonusOn) columns.push({ header: tr(lang, '加分', 'bonus'), width: 6 });
    const recheckOn = !!ledger.recheck;
    if (recheckOn) columns.push({ header: ledger.recheck!.label, width: 24 });
    const rows = ledger.projects.map((p, i) => {
      const row: Cell[] = [i + 1, p.number ?? '', p.title, joinList(p.categories, lang), p.lead?.name ?? ''];
      if (coMode) row.push(joinNames(p.coOrganisers, lang));
      row.push(
        p.leader?.name ?? '', `${stageLabel(p.stage)}${carriedText(p, lang)}`, p.stage.since ?? '', p.due ?? '', p.tasks, p.taskHolders,
        reportsText(p.reports, lang), joinList(p.reports.quartersFiled, lang),
        p.closure ? (p.closure.submittedOn ?? tr(lang, '已提交', 'filed')) : '', acceptanceText(p.ratings, lang),
      );
      if (fourOn('project')) row.push(p.ratings?.branchRating ?? '', p.ratings?.committeeRating ?? '', pollText(p.ratings, lang));
      if (starsOn) row.push(p.ratings?.stars ?? '');
      if (bonusOn) row.push(p.ratings?.bonusPoints ?? '');
      if (recheckOn) row.push(recheckText(p.recheck, lang));
      return row;
    });
    tables.push({ id: 'projects', title: tr(lang, '项目台账', 'projects'), columns, rows });
  }

  // 任务台账
  if (isTrackEnabled(programme, 'task')) {
    const columns: LedgerColumn[] = [
      { header: tr(lang, '序号', 'No.'), format: 'integer', width: 6 },
      { header: tr(lang, '项目编号', 'number'), width: 12 },
      { header: tr(lang, '项目名称', 'project'), width: 30 },
      { header: tr(lang, '任务内容', 'task'), width: 36 },
      { header: tr(lang, '领办党员', 'members'), width: 16 },
      { header: tr(lang, '党组织', 'organisation'), width: 18 },
      { header: tr(lang, '完成时限', 'due'), width: 12 },
      { header: tr(lang, '阶段', 'stage'), width: 12 },
      { header: tr(lang, '执行书', 'reports'), width: 28 },
      { header: tr(lang, '已报季度', 'quarters filed'), width: 20 },
      { header: tr(lang, '结项', 'closure'), width: 12 },
    ];
    if (fourOn('task')) columns.push({ header: tr(lang, '支委会意见', 'branch rating'), width: 10 }, { header: tr(lang, '党委意见', 'committee rating'), width: 10 }, { header: tr(lang, '群众测评', 'public poll'), width: 30 });
    if (starsOn) columns.push({ header: tr(lang, '星级', 'stars'), format: 'integer', width: 6 });
    const rows = ledger.tasks.map((tk, i) => {
      const row: Cell[] = [
        i + 1, tk.projectNumber ?? '', tk.projectTitle, tk.content, joinNames(tk.members, lang), tk.organisation?.name ?? '', tk.due ?? '',
        stageLabel(tk.stage), reportsText(tk.reports, lang), joinList(tk.reports.quartersFiled, lang),
        tk.closure ? (tk.closure.submittedOn ?? tr(lang, '已提交', 'filed')) : '',
      ];
      if (fourOn('task')) row.push(tk.ratings?.branchRating ?? '', tk.ratings?.committeeRating ?? '', pollText(tk.ratings, lang));
      if (starsOn) row.push(tk.ratings?.stars ?? '');
      return row;
    });
    tables.push({ id: 'tasks', title: tr(lang, '任务台账', 'tasks'), columns, rows });
  }

  // 品牌台账
  if (isTrackEnabled(programme, 'brand')) {
    const columns: LedgerColumn[] = [
      { header: tr(lang, '序号', 'No.'), format: 'integer', width: 6 },
      { header: tr(lang, '品牌名称', 'brand'), width: 20 },
      { header: tr(lang, '创建单位', 'organisation'), width: 20 },
      { header: tr(lang, '联系人', 'contact'), width: 10 },
      { header: tr(lang, '阶段', 'stage'), width: 12 },
      { header: tr(lang, '阶段日期', 'since'), width: 12 },
      { header: tr(lang, '命名日期', 'named on'), width: 12 },
      { header: tr(lang, '提升结论', 'outcome'), width: 10 },
      { header: tr(lang, '年度目标上报', 'annual goals'), width: 24 },
      { header: tr(lang, '评议', 'rating'), width: 10 },
    ];
    const rows = ledger.brands.map((b, i) => [
      i + 1, b.name, b.organisation.name, b.contact?.name ?? '', `${stageLabel(b.stage)}${carriedText(b, lang)}`, b.stage.since ?? '', b.namedOn ?? '', b.outcome ?? '',
      joinList(b.annualGoals.map((g) => `${g.year}${g.submittedOn ? `（${g.submittedOn}）` : ''}`), lang),
      b.ratings?.committeeRating ?? b.ratings?.branchRating ?? '',
    ] as Cell[]);
    tables.push({ id: 'brands', title: tr(lang, '品牌台账', 'brands'), columns, rows });
  }

  // 覆盖情况
  {
    const columns: LedgerColumn[] = [
      { header: tr(lang, '党组织', 'organisation'), width: 24 },
      { header: tr(lang, '组织类型', 'type'), width: 8 },
      { header: tr(lang, '党员数', 'members'), format: 'integer', width: 8 },
      { header: tr(lang, '领办任务党员数', 'holding a task'), format: 'integer', width: 14 },
      { header: tr(lang, '免领人数', 'exempt'), format: 'integer', width: 8 },
      { header: tr(lang, '覆盖率', 'coverage'), format: 'percent', width: 8 },
      { header: tr(lang, '尚未领办任务的党员', 'members without a task'), width: 30 },
      { header: tr(lang, '领办项目数', 'projects led'), format: 'integer', width: 10 },
      { header: tr(lang, '联办项目数', 'projects joined'), format: 'integer', width: 10 },
      { header: tr(lang, '品牌数', 'brands'), format: 'integer', width: 8 },
    ];
    const rows = ledger.coverage.map((c) => [
      c.organisation.name, c.organisation.type, c.members, c.holders, c.exempt, c.coverage, joinList(c.without, lang),
      c.projectsLed, c.projectsJoined, c.brands,
    ] as Cell[]);
    tables.push({ id: 'coverage', title: tr(lang, '覆盖情况', 'coverage'), columns, rows });
  }

  // 加分（按单位）: for the annual assessment, each unit's awards, their sum and what counts under the cap.
  if (ledger.bonus) {
    const cap = programme.evaluation?.bonus?.max;
    const columns: LedgerColumn[] = [
      { header: tr(lang, '序号', 'No.'), format: 'integer', width: 6 },
      { header: tr(lang, '单位', 'unit'), width: 24 },
      { header: tr(lang, '牵头项目加分', 'as lead'), width: 30 },
      { header: tr(lang, '联办项目加分', 'as co-organiser'), width: 30 },
      { header: tr(lang, '合计', 'total'), width: 8 },
      { header: cap === undefined ? tr(lang, '计入年度考核', 'counted') : tr(lang, `计入年度考核（最高 ${cap} 分）`, `counted (at most ${cap})`), width: 14 },
    ];
    const awards = (row: (typeof ledger.bonus)[number], role: 'lead' | 'co-organiser') =>
      joinList(row.awards.filter((a) => a.role === role).map((a) => `${a.number ?? a.title} ${a.points}`), lang);
    const rows = ledger.bonus.map((b, i) => [i + 1, b.organisation.name, awards(b, 'lead'), awards(b, 'co-organiser'), b.total, b.counted] as Cell[]);
    tables.push({ id: 'bonus', title: tr(lang, '加分（按单位）', 'bonus by unit'), columns, rows });
  }
  return tables;
}

/** The year selector line: every programme of the repository, the one shown marked (only when there are several). */
export function yearsText(ledger: Pick<Ledger, 'programmes'>, lang: Lang, command = 'djyc ledger'): string {
  if (ledger.programmes.length < 2) return '';
  const items = ledger.programmes.map((y) => (y.current ? tr(lang, `【${y.period} ${y.id}】`, `[${y.period} ${y.id}]`) : `${y.period} ${y.id}`));
  return tr(lang, `年度：${items.join('　')}（其他年度：${command} --programme <编号>）`, `years: ${items.join('  ')} (another year: ${command} --programme <id>)`);
}

function cellText(c: Cell, col: LedgerColumn): string {
  if (typeof c === 'number' && col.format === 'percent') return `${(c * 100).toFixed(1)}%`;
  return String(c ?? '');
}

function stringRows(table: LedgerTable): string[][] {
  return table.rows.map((r) => r.map((c, i) => cellText(c, table.columns[i]!)));
}

/** A short summary of the totals (for the terminal and Markdown). */
export function totalsText(ledger: Ledger, lang: Lang): string {
  const r = ledger.totals.reports;
  const c = ledger.totals.coverage;
  const lines = [
    tr(lang, `项目 ${ledger.totals.projects} 个，任务 ${ledger.totals.tasks} 项，品牌 ${ledger.totals.brands} 个`, `${ledger.totals.projects} projects, ${ledger.totals.tasks} tasks, ${ledger.totals.brands} brands`),
    tr(lang, `执行书：应报 ${r.required}，已报 ${r.filed}（按时 ${r.onTime}，逾期报送 ${r.late}），未报 ${r.missing}，尚未到期 ${r.pending}`, `reports: owed ${r.required}, filed ${r.filed} (on time ${r.onTime}, late ${r.late}), missing ${r.missing}, not yet due ${r.pending}`),
    tr(lang, `党员领办任务覆盖：${c.holders}/${c.members}（${c.members ? ((c.holders / c.members) * 100).toFixed(1) : '0.0'}%），免领 ${c.exempt}`, `members holding a task: ${c.holders}/${c.members} (${c.members ? ((c.holders / c.members) * 100).toFixed(1) : '0.0'}%), exempt ${c.exempt}`),
  ];
  return lines.join('\n');
}

export function tablesToText(ledger: Ledger, tables: LedgerTable[], lang: Lang, dated?: Dated): string {
  const head = `${ledger.programme.shortName ?? ledger.programme.name}（${ledger.programme.id}）${tr(lang, ' 台账，', ' ledger, ')}${datedText(lang, ledger.today, dated)}`;
  const years = yearsText(ledger, lang);
  const parts = years ? [head, years, ''] : [head, ''];
  for (const table of tables) {
    parts.push(`■ ${table.title}`, table.rows.length ? textTable(table.columns.map((c) => c.header), stringRows(table), { maxWidth: 30 }) : tr(lang, '（无）', '(none)'), '');
  }
  parts.push(totalsText(ledger, lang));
  return `${parts.join('\n')}\n`;
}

export function tablesToMarkdown(ledger: Ledger, tables: LedgerTable[], lang: Lang, dated?: Dated): string {
  const years = yearsText(ledger, lang);
  const parts = [`# ${ledger.programme.shortName ?? ledger.programme.name} ${tr(lang, '台账', 'ledger')}`, '', `${datedText(lang, ledger.today, dated)}${tr(lang, '。', '.')}`, '', ...(years ? [years, ''] : [])];
  for (const table of tables) {
    parts.push(`## ${table.title}`, '', table.rows.length ? markdownTable(table.columns.map((c) => c.header), stringRows(table)) : tr(lang, '（无）', '(none)'), '');
  }
  parts.push(`## ${tr(lang, '合计', 'Totals')}`, '', ...totalsText(ledger, lang).split('\n').map((l) => `- ${l}`), '');
  return parts.join('\n');
}

export function tableToCsv(table: LedgerTable): string {
  return csvTable(table.columns.map((c) => c.header), stringRows(table));
}

/** An xlsx workbook: one sheet per table, bold frozen header row, column widths, autofilter (see xlsx.ts). */
export async function tablesToXlsx(ledger: Ledger, tables: LedgerTable[]): Promise<Buffer> {
  const bytes = await writeWorkbook({
    title: `${ledger.programme.name} 台账`,
    date: ledger.today,
    sheets: tables.map((table) => ({
      name: table.title,
      columns: table.columns.map((c, i) => {
        const longest = table.rows.reduce((w, r) => Math.max(w, displayLen(cellText(r[i] ?? '', c))), displayLen(c.header));
        return { header: c.header, width: Math.min(60, Math.max(c.width ?? 8, Math.min(longest + 2, 60))), numFmt: c.format === 'percent' ? '0.0%' : undefined };
      }),
      rows: table.rows.map((r) => r.map((c) => (c === '' ? null : c))),
    })),
  });
  return Buffer.from(bytes);
}

function displayLen(s: string): number {
  let n = 0;
  for (const ch of s) n += ch.codePointAt(0)! > 0x2e80 ? 2 : 1;
  return n;
}
