/**
 * The view layer shared by the site and the dashboard PDF: the handlebars environment for templates/site/,
 * and the dashboard view (charts drawn from the dashboard model, each with its numbers in a table beside it).
 *
 * Record text is data: templates use {{double-stash}} only; charts are built here from escaped text and handed to
 * the templates as SafeStrings. Every string of a view passes through redactPhones before it is rendered.
 */
import Handlebars from 'handlebars';
import { siteAsset, siteTemplates } from '../../assets/templates.js';
import { redactPhones } from '../../domain/privacy.js';
import { mapSymbols } from '../charmap.js';
import { say, tr, type Lang } from '../../domain/i18n.js';
import { KIND_LABELS, type DeadlineItem } from '../../domain/deadlines.js';
import { funnel, horizontalBars, stackedBars } from '../charts.js';
import { percent, type Dashboard } from '../dashboard.js';

const hb = Handlebars.create();
hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
hb.registerHelper('seq', (i: number) => i + 1);

export type Safe = Handlebars.SafeString;
export const safe = (html: string): Safe => new hb.SafeString(html);

let compiled: Map<string, Handlebars.TemplateDelegate> | undefined;

/** Compiles every template once: `_name.hbs` files are partials ({{> name}}), the others pages. */
function templates(): Map<string, Handlebars.TemplateDelegate> {
  if (compiled) return compiled;
  const out = new Map<string, Handlebars.TemplateDelegate>();
  for (const [name, source] of siteTemplates()) {
    if (name.startsWith('_')) hb.registerPartial(name.slice(1), source);
    else out.set(name, hb.compile(source, { strict: false, noEscape: false }));
  }
  compiled = out;
  return out;
}

/** Every string of a view with mobile numbers masked (SafeStrings are built from already masked text). */
export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redactPhones(value) as T;
  if (value instanceof hb.SafeString) return value;
  if (Array.isArray(value)) return value.map(redactDeep) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactDeep(v);
    return out as T;
  }
  return value;
}

export function renderTemplate(name: string, context: object): string {
  const t = templates().get(name);
  if (!t) throw new Error(`no site template ${name}.hbs`);
  return mapSymbols(t(redactDeep(context)));
}

export function siteStylesheet(): string {
  return siteAsset('site.css');
}

// ---- the dashboard view ------------------------------------------------------------------------------------

export interface Cell {
  text: string;
  num?: boolean;
  href?: string;
  /** Class of the cell (nowrap, seq). */
  cls?: string;
  /** Shown as a status tag: done / late / missing / overdue / pending. */
  tag?: string;
  header?: boolean;
}

export interface TableView {
  /** Extra class of the <table>. */
  cls?: string;
  caption?: string;
  head: string[];
  rows: { cells: Cell[]; cls?: string }[];
  foot?: Cell[];
  empty?: string;
  /** A line under the table (e.g. that the list was cut). */
  note?: string;
}

export interface PanelView {
  id: string;
  title: string;
  svg: Safe;
  note?: string;
  table: TableView;
  /** Chart above its table (tables of many columns). */
  wide?: boolean;
}

export interface DashboardView {
  stats: { value: string; label: string }[];
  panels: PanelView[];
  overdue?: TableView;
  dueSoon?: TableView;
  notes: string[];
}

export interface DashboardViewOptions {
  lang: Lang;
  /** Prefix of chart element ids (unique per page). */
  idPrefix: string;
  /** Which parts to show: progress (stages, reports, ratings, deadlines) and claims (coverage, people). */
  progress: boolean;
  claims: boolean;
  /** Show the people in charge of deadline items (internal PDF; on the site only when claims are public). */
  people: boolean;
  /** Name the members still without a task (coverage items): the internal PDF only. */
  namesWithoutTask?: boolean;
  /** Link for an organisation or a project, if it has a page. */
  link?: (kind: string, id: string) => string | undefined;
  /** Chart width in SVG units, for charts beside their table (default 560). */
  width?: number;
  /** Chart width for charts set above a wide table (default: width). */
  wideWidth?: number;
  /** Most rows in the overdue / due-soon lists and the coverage chart and table (default 200). */
  listLimit?: number;
  /** Said after a list that was cut (where the rest can be found). */
  more?: string;
}



/** Chinese or English name of a deadline kind (an unknown kind is shown as is). */
export function deadlineKindLabel(kind: string, lang: Lang): string {
  const l = KIND_LABELS[kind as DeadlineItem['kind']];
  return l ? say(lang, l) : kind;
}

function deadlineTable(all: DeadlineItem[], o: DashboardViewOptions, overdue: boolean): TableView {
  const { lang } = o;
  const limit = o.listLimit ?? 200;
  const items = all.slice(0, limit);
  const head = [tr(lang, '类别', 'kind'), tr(lang, '事项', 'item'), tr(lang, '责任单位', 'organisation')];
  if (o.people) head.push(tr(lang, '责任人', 'in charge'));
  head.push(tr(lang, '截止日期', 'due'), tr(lang, '状态', 'status'));
  return {
    cls: 'deadlines',
    head,
    rows: items.map((i) => {
      const org = i.organisation?.name ?? i.responsible ?? '';
      const href = i.subject ? o.link?.(i.subject.kind, i.subject.id) : undefined;
      const lagging = i.kind === 'window' && i.lagging ? tr(lang, `（${i.lagging} 项未到位）`, ` (${i.lagging} lagging)`) : '';
      const cells: Cell[] = [
        { text: deadlineKindLabel(i.kind, lang), cls: 'nowrap' },
        { text: say(lang, { zh: i.title, en: i.titleEn }) + lagging, ...(href ? { href } : {}) },
        { text: org },
      ];
      // Never name the members who hold no task on a public page: the count says enough.
      if (o.people) cells.push({ text: i.kind === 'coverage' && !o.namesWithoutTask ? '' : i.people.map((p) => p.name).join('、') });
      cells.push({ text: i.due, cls: 'nowrap' });
      cells.push(
        overdue
          ? { text: tr(lang, `逾期 ${-i.days} 天`, `${-i.days} days overdue`), tag: 'overdue' }
          : { text: i.days === 0 ? tr(lang, '今天到期', 'due today') : tr(lang, `${i.days} 天后到期`, `due in ${i.days} days`), tag: 'late' },
      );
      return { cells, cls: overdue ? 'overdue' : '' };
    }),
    empty: overdue ? tr(lang, '没有逾期事项。', 'Nothing is overdue.') : tr(lang, '近期没有到期事项。', 'Nothing falls due soon.'),
    ...(all.length > limit ? { note: tr(lang, `共 ${all.length} 项，此处列出最早到期的 ${limit} 项（djyc deadlines 列出全部）。`, `${all.length} in all; the ${limit} earliest are listed (djyc deadlines lists all).`) } : {}),
  };
}

/** Charts and tables of a dashboard, ready for the `_dashboard` partial. */
export function dashboardView(input: Dashboard, o: DashboardViewOptions): DashboardView {
  const d = redactDeep(input);
  const { lang } = o;
  const width = o.width ?? 560;
  // Charts whose table is wide sit above it, at full width.
  const wideWidth = o.wideWidth ?? width;
  const id = (s: string) => `${o.idPrefix}-${s}`;
  const n = (v: number) => String(v);
  const stats: DashboardView['stats'] = [];
  const panels: PanelView[] = [];
  const notes: string[] = [];

  if (o.progress) {
    for (const t of d.tracks) stats.push({ value: n(t.total), label: tr(lang, `${t.label}总数`, `${t.label}`) });
  }
  if (o.claims && d.coverage.tasks) {
    stats.push({ value: `${d.coverage.holders}/${d.coverage.members}`, label: tr(lang, `党员领办任务（${percent(d.coverage.ratio)}）`, `members with a task (${percent(d.coverage.ratio)})`) });
  }
  if (o.claims && d.coverage.projects) {
    stats.push({ value: `${d.coverage.withProject}/${d.coverage.organisations}`, label: tr(lang, '有项目的党组织', 'organisations with a project') });
  }
  if (o.progress && d.reports) {
    stats.push({ value: n(d.reports.totals.missing), label: tr(lang, '执行书缺报', 'reports missing') });
  }
  if (o.progress) {
    stats.push({ value: n(d.deadlines.overdue.length), label: tr(lang, '逾期事项', 'overdue items') });
    stats.push({ value: n(d.deadlines.dueSoon.length), label: tr(lang, `${d.within} 天内到期`, `due within ${d.within} days`) });
  }

  // Stage funnels, one per track.
  if (o.progress) {
    for (const t of d.tracks) {
      const main = t.stages.filter((s) => s.main);
      panels.push({
        id: id(`funnel-${t.track}`),
        title: tr(lang, `${t.label}阶段漏斗`, `${t.label}: stage funnel`),
        svg: safe(
          funnel({
            id: id(`funnel-${t.track}`),
            title: tr(lang, `${t.label}阶段漏斗`, `${t.label} stage funnel`),
            width,
            stages: main.map((s) => ({ label: s.label, value: s.reached ?? 0, note: tr(lang, `当前 ${s.count}`, `now ${s.count}`) })),
            emptyText: tr(lang, '尚无记录', 'no records yet'),
          }),
        ),
        note: tr(lang, '条形长度为累计到达该阶段的数量，括号内为当前处于该阶段的数量。', 'Bar length: records that reached the stage; in brackets: records at the stage now.'),
        table: {
          head: [tr(lang, '阶段', 'stage'), tr(lang, '当前', 'now'), tr(lang, '累计到达', 'reached')],
          rows: t.stages.map((s) => ({
            cells: [{ text: s.label + (s.main ? '' : tr(lang, '（分支）', ' (branch)')) }, { text: n(s.count), num: true }, { text: s.reached === undefined ? '—' : n(s.reached), num: true }],
          })),
          foot: [{ text: tr(lang, '合计', 'total'), header: true }, { text: n(t.total), num: true }, { text: '' }],
        },
      });
    }
  }

  // Coverage per organisation.
  if (o.claims && (d.coverage.tasks || d.coverage.projects)) {
    const active = d.coverage.rows.filter((r) => r.members > 0 || r.led + r.joined > 0 || r.brands > 0);
    const limit = o.listLimit ?? 200;
    // A city has thousands of organisations: show those furthest behind (lowest coverage, then fewest projects).
    const rows = active.length <= limit
      ? active
      : [...active].sort((a, b) => (d.coverage.tasks ? a.ratio - b.ratio : 0) || a.led + a.joined - (b.led + b.joined) || a.name.localeCompare(b.name, 'zh-CN')).slice(0, limit);
    const head = [tr(lang, '党组织', 'organisation')];
    if (d.coverage.tasks) head.push(tr(lang, '党员', 'members'), tr(lang, '领办任务', 'holding'), tr(lang, '免领', 'exempt'), tr(lang, '覆盖率', 'coverage'));
    if (d.coverage.projects) head.push(tr(lang, '领办项目', 'leads'), tr(lang, '联办项目', 'joins'));
    const table: TableView = {
      head,
      ...(active.length > rows.length
        ? { note: tr(lang, `共 ${active.length} 个党组织，此处列出覆盖率最低的 ${rows.length} 个；合计为全部党组织。${o.more ?? ''}`, `${active.length} organisations; the ${rows.length} with the lowest coverage are listed; totals cover all. ${o.more ?? ''}`) }
        : {}),
      rows: rows.map((r) => {
        const href = o.link?.('organisation', r.id);
        const cells: Cell[] = [{ text: r.name, ...(href ? { href } : {}) }];
        if (d.coverage.tasks) cells.push({ text: n(r.members), num: true }, { text: n(r.holders), num: true }, { text: n(r.exempt), num: true }, { text: r.members ? percent(r.ratio) : '—', num: true });
        if (d.coverage.projects) cells.push({ text: n(r.led), num: true }, { text: n(r.joined), num: true });
        return { cells };
      }),
      empty: tr(lang, '尚无党组织记录。', 'No organisations yet.'),
    };
    const foot: Cell[] = [{ text: tr(lang, '合计', 'total'), header: true }];
    if (d.coverage.tasks) foot.push({ text: n(d.coverage.members), num: true }, { text: n(d.coverage.holders), num: true }, { text: n(d.coverage.exempt), num: true }, { text: percent(d.coverage.ratio), num: true });
    if (d.coverage.projects) foot.push({ text: n(active.reduce((a, r) => a + r.led, 0)), num: true }, { text: n(active.reduce((a, r) => a + r.joined, 0)), num: true });
    table.foot = foot;
    let svg: string;
    let title: string;
    if (d.coverage.tasks) {
      title = tr(lang, '各党组织党员领办任务覆盖率', 'members holding a task, per organisation');
      svg = horizontalBars({
        id: id('coverage'),
        title,
        width: head.length > 4 ? wideWidth : width,
        data: rows.filter((r) => r.members > 0).map((r) => ({ label: r.name, value: r.holders, total: r.members, valueText: `${r.holders}/${r.members} ${percent(r.ratio)}` })),
        emptyText: tr(lang, '尚无党员记录', 'no members yet'),
      });
    } else {
      title = tr(lang, '各党组织领办、联办项目数', 'projects led and joined, per organisation');
      svg = stackedBars({
        id: id('coverage'),
        title,
        width: head.length > 4 ? wideWidth : width,
        series: [{ key: 'led', label: tr(lang, '领办', 'leads') }, { key: 'joined', label: tr(lang, '联办', 'joins') }],
        rows: rows.map((r) => ({ label: r.name, values: [r.led, r.joined] })),
        emptyText: tr(lang, '尚无项目', 'no projects yet'),
      });
    }
    panels.push({
      id: id('coverage'),
      title: tr(lang, '覆盖面', 'coverage'),
      svg: safe(svg),
      note: d.coverage.projects
        ? tr(lang, `有项目（领办或联办）的党组织 ${d.coverage.withProject} 个，共 ${d.coverage.organisations} 个。`, `${d.coverage.withProject} of ${d.coverage.organisations} organisations lead or join a project.`)
        : undefined,
      table,
    });
  }

  // Quarterly reports: on time, late, missing.
  if (o.progress && d.reports) {
    const series = [
      { key: 'onTime', label: tr(lang, '按时报送', 'on time') },
      { key: 'late', label: tr(lang, '逾期报送', 'late') },
      { key: 'undated', label: tr(lang, '未注日期', 'undated') },
      { key: 'missing', label: tr(lang, '缺报', 'missing') },
      { key: 'pending', label: tr(lang, '未到期', 'not yet due') },
    ] as const;
    const tot = d.reports.totals;
    panels.push({
      id: id('reports'),
      title: tr(lang, '季度执行书报送情况', 'quarterly reports'),
      svg: safe(
        stackedBars({
          id: id('reports'),
          title: tr(lang, '各季度执行书：按时、逾期、缺报', 'quarterly reports: on time, late, missing'),
          width: wideWidth,
          series: series.map((s) => ({ key: s.key, label: s.label })),
          rows: d.reports.quarters.map((q) => ({ label: q.quarter, values: series.map((s) => q[s.key]) })),
          emptyText: tr(lang, '尚无应报的执行书', 'no reports owed yet'),
        }),
      ),
      note: tr(lang, `应报 ${tot.required} 份，已报 ${tot.filed} 份。`, `${tot.required} owed, ${tot.filed} filed.`),
      table: {
        head: [tr(lang, '季度', 'quarter'), ...series.map((s) => s.label)],
        rows: d.reports.quarters.map((q) => ({ cells: [{ text: q.quarter }, ...series.map((s) => ({ text: n(q[s.key]), num: true }))] })),
        foot: [{ text: tr(lang, '合计', 'total'), header: true }, ...series.map((s) => ({ text: n(tot[s.key]), num: true }))],
        empty: tr(lang, '尚无应报的执行书。', 'No reports owed yet.'),
      },
    });
  }

  // Ratings and stars.
  if (o.progress && d.ratings.usesFourLevel) {
    const total = d.ratings.fourLevel.reduce((a, r) => a + r.count, 0);
    panels.push({
      id: id('ratings'),
      title: tr(lang, '评议等次分布', 'four-level ratings'),
      svg: safe(
        horizontalBars({
          id: id('ratings'),
          title: tr(lang, '评议等次分布（好 / 较好 / 一般 / 较差）', 'ratings (good / fairly good / fair / poor)'),
          width,
          data: d.ratings.fourLevel.map((r, i) => ({ label: r.level, value: r.count, fill: i })),
        }),
      ),
      note: tr(lang, '以党委（党组）意见为准，未给出时取支委会意见。', 'The committee opinion, else the branch opinion.'),
      table: {
        head: [tr(lang, '等次', 'level'), tr(lang, '数量', 'count')],
        rows: d.ratings.fourLevel.map((r) => ({ cells: [{ text: r.level }, { text: n(r.count), num: true }] })),
        foot: [{ text: tr(lang, '合计', 'total'), header: true }, { text: n(total), num: true }],
      },
    });
  }
  if (o.progress && d.ratings.stars) {
    const total = d.ratings.stars.reduce((a, r) => a + r.count, 0);
    panels.push({
      id: id('stars'),
      title: tr(lang, '星级评估分布', 'stars'),
      svg: safe(
        horizontalBars({
          id: id('stars'),
          title: tr(lang, '星级评估分布', 'distribution of stars'),
          width,
          data: [...d.ratings.stars].reverse().map((r) => ({ label: tr(lang, `${r.stars} 星`, `${r.stars} stars`), value: r.count, fill: 5 - r.stars })),
        }),
      ),
      table: {
        head: [tr(lang, '星级', 'stars'), tr(lang, '数量', 'count')],
        rows: [...d.ratings.stars].reverse().map((r) => ({ cells: [{ text: tr(lang, `${r.stars} 星`, `${r.stars} stars`) }, { text: n(r.count), num: true }] })),
        foot: [{ text: tr(lang, '合计', 'total'), header: true }, { text: n(total), num: true }],
      },
    });
  }
  if (o.progress) {
    const a = d.ratings.acceptance;
    if (a.pass + a.rework > 0 || d.tracks.some((t) => t.track === 'project')) {
      stats.push({ value: n(a.pass), label: tr(lang, '验收通过', 'accepted') });
      if (a.rework) stats.push({ value: n(a.rework), label: tr(lang, '正在整改', 'in rework') });
      if (a.reworkRounds) stats.push({ value: n(a.reworkRounds), label: tr(lang, '整改轮次', 'rework rounds') });
    }
    if (d.ratings.usesBonus) stats.push({ value: `${d.ratings.bonus.sum}`, label: tr(lang, `加分合计（${d.ratings.bonus.count} 项）`, `bonus points (${d.ratings.bonus.count})`) });
  }

  // What is overdue and due soon: a chart by kind, then the lists.
  let overdue: TableView | undefined;
  let dueSoon: TableView | undefined;
  if (o.progress) {
    const all = [...d.deadlines.overdue, ...d.deadlines.dueSoon];
    const kinds = [...Object.keys(KIND_LABELS), ...all.map((i) => i.kind)].filter((k, i, a) => a.indexOf(k) === i);
    const rows = kinds
      .map((k) => ({ label: deadlineKindLabel(k, lang), values: [d.deadlines.overdue.filter((i) => i.kind === k).length, d.deadlines.dueSoon.filter((i) => i.kind === k).length] }))
      .filter((r) => r.values[0]! + r.values[1]! > 0);
    if (rows.length) panels.push({
      id: id('deadlines'),
      title: tr(lang, '逾期与即将到期', 'overdue and due soon'),
      svg: safe(
        stackedBars({
          id: id('deadlines'),
          title: tr(lang, '逾期与即将到期事项（按类别）', 'overdue and due-soon items by kind'),
          width,
          series: [{ key: 'overdue', label: tr(lang, '逾期', 'overdue') }, { key: 'soon', label: tr(lang, `${d.within} 天内到期`, `due within ${d.within} days`) }],
          rows,
          emptyText: tr(lang, '没有逾期或即将到期的事项', 'nothing overdue or due soon'),
        }),
      ),
      table: {
        head: [tr(lang, '类别', 'kind'), tr(lang, '逾期', 'overdue'), tr(lang, '即将到期', 'due soon')],
        rows: rows.map((r) => ({ cells: [{ text: r.label }, { text: n(r.values[0]!), num: true }, { text: n(r.values[1]!), num: true }] })),
        foot: [{ text: tr(lang, '合计', 'total'), header: true }, { text: n(d.deadlines.overdue.length), num: true }, { text: n(d.deadlines.dueSoon.length), num: true }],
        empty: tr(lang, '没有逾期或即将到期的事项。', 'Nothing overdue or due soon.'),
      },
    });
    overdue = deadlineTable(d.deadlines.overdue, o, true);
    dueSoon = deadlineTable(d.deadlines.dueSoon, o, false);
  }
  if (d.hiddenProjects) notes.push(tr(lang, `另有 ${d.hiddenProjects} 个项目按规定不予公开，计入上述合计，但不列出。`, `${d.hiddenProjects} further projects are not public: counted in the totals above, not listed.`));
  for (const panel of panels) panel.wide = panel.table.head.length > 4;
  return { stats, panels, ...(overdue ? { overdue } : {}), ...(dueSoon ? { dueSoon } : {}), notes };
}
