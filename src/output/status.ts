/**
 * `djyc status`: the dashboard at a glance — in the terminal (counts per stage, overdue items first, coverage),
 * as JSON, or as a PDF drawn with the same charts as the site's front page and printed by the PDF engine.
 * Pure apart from renderStatusPdf: the CLI prints what these functions return.
 */
import { UsageError } from '../domain/errors.js';
import { redactPhones } from '../domain/privacy.js';
import { say, tr, type Lang } from '../domain/i18n.js';
import { displayWidth, pad } from './text-table.js';
import { buildDashboard, percent, type Dashboard } from './dashboard.js';
import { dashboardView, deadlineKindLabel, renderTemplate, siteStylesheet } from './site/view.js';
import { RecordIndex, type Repository } from '../domain/records.js';
import { wrapDocument } from './html.js';
import { datedText, type Dated } from '../domain/as-of.js';
import { chooseProgramme } from '../domain/years.js';
import { yearsText } from './ledger-tables.js';

export interface StatusOptions {
  /** One programme (default: the programme of today's year, see domain/years.ts). */
  programme?: string;
  org?: string;
  today: string;
  within?: number;
  lang?: Lang;
  /** What `today` means: the records as of that date (`--as-of`, the caller rewound them) or only the deadlines' day. */
  dated?: Dated;
}

/** Dashboards of the programmes asked for. */
export function statusDashboards(repo: Repository, opts: StatusOptions): Dashboard[] {
  const index = RecordIndex.of(repo);
  if (opts.org && !index.get('organisation', opts.org)) throw new UsageError(`党组织“${opts.org}”不存在`, `organisation "${opts.org}" does not exist`);
  const programme = chooseProgramme(index, opts.programme, opts.today).programme.id;
  return [{ ...buildDashboard(repo, { programme, org: opts.org, today: opts.today, within: opts.within, lang: opts.lang }), ...(opts.dated ? { dated: opts.dated } : {}) }];
}

// ---- terminal ---------------------------------------------------------------------------------------------

export interface Paint {
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

const PLAIN: Paint = { red: (s) => s, yellow: (s) => s, green: (s) => s, dim: (s) => s, bold: (s) => s };

function bar(value: number, max: number, width = 24): string {
  if (max <= 0 || value <= 0) return '';
  return '█'.repeat(Math.max(1, Math.round((value / max) * width)));
}

export interface TextOptions {
  lang?: Lang;
  paint?: Paint;
  /** Overdue / due-soon items listed before "… and N more" (default 15). */
  limit?: number;
}

/** The dashboard as terminal text: overdue items first, then stages, coverage, reports and ratings. */
export function statusText(dashboards: Dashboard[], opts: TextOptions = {}): string {
  const lang = opts.lang ?? 'zh';
  const c = opts.paint ?? PLAIN;
  const limit = opts.limit ?? 15;
  const out: string[] = [];
  for (const d of dashboards) {
    const name = d.programme.shortName ? `“${d.programme.shortName.replace(/[“”"]/g, '')}” ${d.programme.name}` : d.programme.name;
    const scope = d.org ? tr(lang, `　${d.org.name}及其下级党组织`, `  ${d.org.name} and the organisations under it`) : '';
    out.push(c.bold(`${name}（${d.programme.id}）`) + c.dim(tr(lang, '　', '  ') + datedText(lang, d.today, d.dated) + scope));
    const years = yearsText(d, lang, 'djyc status');
    if (years) out.push(c.dim(years));
    out.push('');

    // Overdue first.
    const items = (list: typeof d.deadlines.overdue, overdue: boolean) => {
      for (const i of list.slice(0, limit)) {
        const kind = deadlineKindLabel(i.kind, lang);
        const who = [i.organisation?.name ?? i.responsible, i.people.map((p) => p.name).join('、')].filter(Boolean).join(' · ');
        const when = overdue ? tr(lang, `逾期 ${-i.days} 天`, `${-i.days}d late`) : i.days === 0 ? tr(lang, '今天到期', 'due today') : tr(lang, `还有 ${i.days} 天`, `${i.days}d left`);
        const mark = overdue ? c.red('✕') : c.yellow('!');
        const title = say(lang, { zh: i.title, en: i.titleEn });
        out.push(`  ${mark} ${c.dim(`[${kind}]`)} ${title}${who ? c.dim(` — ${who}`) : ''} — ${i.due}（${overdue ? c.red(when) : c.yellow(when)}）`);
      }
      if (list.length > limit) out.push(c.dim(tr(lang, `  … 另有 ${list.length - limit} 项（djyc deadlines 查看全部）`, `  … ${list.length - limit} more (see djyc deadlines)`)));
    };
    out.push(d.deadlines.overdue.length ? c.red(c.bold(tr(lang, `逾期事项 ${d.deadlines.overdue.length} 项`, `Overdue: ${d.deadlines.overdue.length}`))) : c.green(tr(lang, '逾期事项：无', 'Overdue: none')));
    items(d.deadlines.overdue, true);
    out.push(d.deadlines.dueSoon.length ? c.yellow(c.bold(tr(lang, `${d.within} 天内到期 ${d.deadlines.dueSoon.length} 项`, `Due within ${d.within} days: ${d.deadlines.dueSoon.length}`))) : tr(lang, `${d.within} 天内到期：无`, `Due within ${d.within} days: none`));
    items(d.deadlines.dueSoon, false);
    out.push('');

    // Counts per stage.
    for (const t of d.tracks) {
      out.push(c.bold(tr(lang, `${t.label}阶段（共 ${t.total}）`, `${t.label} by stage (${t.total})`)));
      if (t.track === 'project' && d.dropped.length) {
        const list = d.dropped.map((x) => `${x.label} ${x.count}`).join(tr(lang, '，', ', '));
        out.push(c.dim(tr(lang, `  另有${list}：不由任何党组织领办，不计入各项统计`, `  besides: ${list} — led by no one, counted nowhere`)));
      }
      const w = Math.max(...t.stages.map((s) => displayWidth(s.label))) + 2;
      const max = Math.max(1, ...t.stages.map((s) => s.count));
      for (const s of t.stages) {
        const line = `  ${pad(s.label, w)}${String(s.count).padStart(4)}  ${bar(s.count, max)}`.trimEnd();
        out.push(s.count ? line : c.dim(line));
      }
      out.push('');
    }

    // Coverage.
    const cv = d.coverage;
    const head: string[] = [];
    if (cv.tasks) head.push(tr(lang, `党员领办任务 ${cv.holders}/${cv.members}（${percent(cv.ratio)}），免领 ${cv.exempt}`, `members holding a task ${cv.holders}/${cv.members} (${percent(cv.ratio)}), exempt ${cv.exempt}`));
    if (cv.projects) head.push(tr(lang, `有项目的党组织 ${cv.withProject}/${cv.organisations}`, `organisations with a project ${cv.withProject}/${cv.organisations}`));
    if (head.length) {
      out.push(c.bold(tr(lang, '覆盖面：', 'Coverage: ')) + head.join(tr(lang, '；', '; ')));
      const rows = cv.rows.filter((r) => r.members > 0 || r.led + r.joined > 0);
      const w = rows.reduce((n, r) => Math.max(n, displayWidth(r.name)), 0) + 2;
      for (const r of rows) {
        const parts: string[] = [];
        if (cv.tasks) parts.push(`${`${r.holders}/${r.members}`.padStart(7)} ${(r.members ? percent(r.ratio) : '—').padStart(6)}  ${pad(bar(r.holders, r.members, 10) + (r.members ? '░'.repeat(10 - Math.max(r.holders ? 1 : 0, Math.round((r.holders / r.members) * 10))) : ''), 10)}`);
        if (cv.projects) parts.push(tr(lang, `领办 ${r.led} 联办 ${r.joined}`, `leads ${r.led} joins ${r.joined}`));
        const line = `  ${pad(r.name, w)}${parts.join('  ')}`;
        out.push(cv.tasks && r.members && r.holders + r.exempt < r.members ? c.yellow(line) : line);
      }
      out.push('');
    }

    // Reports, ratings.
    if (d.reports) {
      const r = d.reports.totals;
      out.push(
        c.bold(tr(lang, '季度执行书：', 'Quarterly reports: ')) +
          tr(lang, 
            `应报 ${r.required}，已报 ${r.filed}（按时 ${r.onTime}，逾期报送 ${r.late}，未注日期 ${r.undated}），`,
            `owed ${r.required}, filed ${r.filed} (on time ${r.onTime}, late ${r.late}, undated ${r.undated}), `,
          ) +
          (r.missing ? c.red(tr(lang, `缺报 ${r.missing}`, `missing ${r.missing}`)) : tr(lang, '缺报 0', 'missing 0')) +
          tr(lang, `，未到期 ${r.pending}`, `, not yet due ${r.pending}`),
      );
    }
    const rt = d.ratings;
    if (rt.usesFourLevel) out.push(c.bold(tr(lang, '评议：', 'Ratings: ')) + rt.fourLevel.map((l) => `${l.level} ${l.count}`).join(tr(lang, '，', ', ')));
    if (rt.stars) out.push(c.bold(tr(lang, '星级：', 'Stars: ')) + [...rt.stars].reverse().map((s) => `${'★'.repeat(s.stars)} ${s.count}`).join(tr(lang, '，', ', ')));
    if (rt.acceptance.pass + rt.acceptance.rework || d.tracks.some((t) => t.track === 'project')) {
      const a = rt.acceptance;
      const after = a.passedAfterRework ? tr(lang, `（其中整改后通过 ${a.passedAfterRework}）`, ` (${a.passedAfterRework} after rework)`) : '';
      out.push(
        c.bold(tr(lang, '验收：', 'Acceptance: ')) +
          tr(lang, `通过 ${a.pass}${after}，正在整改 ${a.rework}；共验收 ${a.rounds} 轮，其中整改 ${a.reworkRounds} 轮`, `passed ${a.pass}${after}, in rework ${a.rework}; ${a.rounds} round(s), ${a.reworkRounds} of them rework`),
      );
    }
    if (rt.usesBonus) out.push(c.bold(tr(lang, '加分：', 'Bonus: ')) + tr(lang, `${rt.bonus.count} 项，合计 ${rt.bonus.sum} 分`, `${rt.bonus.count} awarded, ${rt.bonus.sum} points in all`));
    out.push('');
  }
  return redactPhones(out.join('\n').replace(/\n+$/, '\n'));
}

// ---- JSON ---------------------------------------------------------------------------------------------------

export function statusJson(dashboards: Dashboard[]): string {
  return redactPhones(`${JSON.stringify({ today: dashboards[0]?.today, ...(dashboards[0]?.dated ? { dated: dashboards[0].dated } : {}), years: dashboards[0]?.programmes ?? [], programmes: dashboards }, null, 2)}
`);
}

// ---- PDF ----------------------------------------------------------------------------------------------------

/** Print adjustments for the PDF: A4 with narrow margins (the bottom one leaves room for the page number the engine
 * stamps 269 mm from the top), charts above their tables. */
const PDF_CSS = `
@page { size: A4; margin: 14mm 14mm 31mm 14mm; }
body { background: #fff; font-size: 10pt; line-height: 1.55; text-align: left; font-family: var(--text); }
p { text-indent: 0; margin: 0 0 6px; }
.band-inner { padding: 6mm 8mm 4mm; max-width: none; display: block; }
.band-title { font-size: 19pt; }
.band-kicker { font-size: 9pt; }
.band-issuer { font-size: 10pt; }
main { max-width: none; margin: 0; padding: 4mm 0 0; border: 0; box-shadow: none; }
section.programme + section.programme { break-before: page; }
h2 { font-size: 13pt; margin: 14px 0 8px; break-after: avoid; }
h3 { font-size: 11pt; margin: 12px 0 4px; break-after: avoid; }
.stats { grid-template-columns: repeat(auto-fit, minmax(26mm, 1fr)); gap: 6px; }
.stat b { font-size: 16pt; }
.stat span { font-size: 8.5pt; }
.panel { grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 5mm; break-inside: auto; }
.panel.wide { grid-template-columns: 1fr; gap: 2mm; }
.panel figure { break-inside: avoid; }
.panel.wide figure { max-width: 150mm; }
.panel.wide table.notice { width: auto; min-width: 60%; }
.panel table.notice td.num { padding-left: 12px; }
table.notice { font-size: 9pt; }
table.notice th, table.notice td { padding: 2px 5px; }
table.notice tr { break-inside: avoid; }
a { color: inherit; text-decoration: none; }
.table-wrap { overflow: visible; }
table.deadlines { table-layout: fixed; width: 100%; }
table.deadlines th:nth-child(1) { width: 11%; }
table.deadlines th:nth-child(2) { width: 33%; }
table.deadlines th:nth-child(3) { width: 15%; }
table.deadlines th:nth-child(4) { width: 12%; }
table.deadlines th:nth-child(5) { width: 13%; }
table.deadlines th:nth-child(6) { width: 16%; }
table.deadlines .tag { font-size: 8.5pt; }
`;

/** The status report as one HTML document for the PDF engine (record text escaped by the templates). */
export function statusDocument(dashboards: Dashboard[], lang: Lang = 'zh'): string {
  const programmes = dashboards.map((d, k) => {
    const view = dashboardView(d, { lang, idPrefix: `p${k}`, progress: true, claims: true, people: true, namesWithoutTask: true, width: 400, wideWidth: 560 });
    return {
      name: d.programme.name,
      id: d.programme.id,
      issuer: d.programme.issuer ?? '',
      dash: { ...view, title: tr(lang, '工作进展一览', 'Dashboard'), t: { overdue: tr(lang, '逾期事项', 'Overdue'), dueSoon: tr(lang, `${d.within} 天内到期`, `Due within ${d.within} days`) } },
    };
  });
  const first = dashboards[0]!;
  const body = renderTemplate('status', {
    kicker: tr(lang, '工 作 进 展', 'STATUS'),
    title: dashboards.length === 1 ? first.programme.name : tr(lang, '党建项目化管理工作进展', 'Party-building programmes: status'),
    issuer: dashboards.length === 1 ? (first.programme.issuer ?? '') : '',
    asOf: datedText(lang, first.today, first.dated),
    org: first.org ? tr(lang, `${first.org.name}及其下级党组织`, `${first.org.name} and the organisations under it`) : '',
    programmes,
  });
  return wrapDocument({
    title: tr(lang, `工作进展一览（${first.today}）`, `Status (${first.today})`),
    css: `${siteStylesheet()}\n${PDF_CSS}`,
    body,
    lang: lang === 'en' ? 'en' : 'zh-CN',
  });
}
