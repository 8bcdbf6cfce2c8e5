/** The notice pages of the site: the front page, the claims notice (领办公示) and the progress notice (进度公示). */
import { summary } from '../../domain/records.js';
import { datedText } from '../../domain/as-of.js';
import { isTrackEnabled, windowDates, windowOccurrences } from '../../domain/programme.js';
import { recheckRule } from '../../domain/recheck.js';
import { recheckText } from '../ledger-tables.js';
import { buildDashboard } from '../dashboard.js';
import { dashboardView, type Cell, type TableView } from './view.js';
import { SiteData, type PageContext, period, dateText, stageText, CLAIMS_INLINE_TASKS } from './data.js';

export function indexPage(d: SiteData): PageContext {
  const { p, t } = d;
  const sections: { href: string; label: string; text: string }[] = [];
  if (d.pages.claims) sections.push({ href: 'claims.html', label: t.claims, text: d.tr('各党组织领办的项目、每名党员领办的任务及完成时限', "each organisation's projects, each member's task and finish date") });
  if (d.pages.progress) {
    sections.push({
      href: 'progress.html',
      label: t.progress,
      text: isTrackEnabled(p, 'project')
        ? d.tr('各项目所处阶段、季度执行书报送、结项和验收情况', 'stage, quarterly reports, closure and acceptance of each project')
        : d.tr('各党建品牌所处阶段和认定情况', 'stage and recognition of each brand'),
    });
  }
  if (d.pages.brands) sections.push({ href: 'brands.html', label: t.brands, text: d.tr('党建品牌名称、标识、内涵、载体、成效和认定情况', 'brand name, logo, concept, carrier, results and recognition') });
  if (d.pages.selections) sections.push({ href: 'selections.html', label: t.selections, text: (p.selections ?? []).map((s) => s.label).join('、') });
  sections.push({ href: 'organisations.html', label: t.organisations, text: d.tr(`参加本方案的党组织（${d.coverageByOrg.size} 个）`, `organisations taking part (${d.coverageByOrg.size})`) });

  let dash: unknown;
  if (d.pub.progress || d.pub.claims) {
    const model = buildDashboard(d.repo, { programme: p.id, today: d.opts.today, within: d.opts.within, lang: d.lang, publicOnly: true });
    const view = dashboardView(model, {
      lang: d.lang,
      idPrefix: 'dash',
      progress: d.pub.progress,
      claims: d.pub.claims,
      people: d.pub.claims,
      link: (kind, id) => d.link(kind, id),
      // Beside a table the chart takes ~600 px; above a wide table, up to 760 px (figure max-width in site.css).
      width: 560,
      wideWidth: 760,
      listLimit: 30,
      more: d.tr('完整名单见“党组织”栏目。', 'The full list is on the Organisations page.'),
    });
    dash = { ...view, title: t.dashboard, t: { overdue: t.overdue, dueSoon: t.dueSoon } };
  }

  const calendar: TableView | undefined = (p.calendar ?? []).length
    ? {
        head: [t.seq, d.tr('工作步骤', 'step'), d.tr('时间', 'dates'), d.tr('责任单位', 'responsible')],
        rows: (p.calendar ?? []).map((w, i) => {
          const { start, end } = windowDates(p, w);
          const last = windowOccurrences(p, w).pop()!;
          const dates = w.every_year && last.start !== start ? d.tr(`每年 ${w.start} — ${w.end}（${start.slice(0, 4)}—${last.start.slice(0, 4)}）`, `every year ${w.start} — ${w.end} (${start.slice(0, 4)}–${last.start.slice(0, 4)})`) : `${start} — ${end}`;
          return { cells: [{ text: String(i + 1), cls: 'seq' }, { text: w.label }, { text: dates, cls: 'nowrap' }, { text: w.responsible ?? '' }] };
        }),
      }
    : undefined;

  const intro = p.seed
    ? d.tr(`根据《${p.seed}》，现将本方案的组织实施情况在此公开，接受党员和群众监督。`, `Under "${p.seed}", the progress of this programme is published here for members and the public.`)
    : d.tr('现将本方案的组织实施情况在此公开，接受党员和群众监督。', 'The progress of this programme is published here for members and the public.');
  return {
    title: t.home,
    page: 'index',
    root: '',
    heading: p.short_name ? d.tr(`“${p.short_name.replace(/[“”"]/g, '')}”工作公开栏`, `${p.short_name}: public notice board`) : p.name,
    sub: `${p.name}　${period(p, d.lang)}`,
    intro,
    sections,
    dash,
    calendar,
  };
}

export function claimsPage(d: SiteData): PageContext {
  const { t } = d;
  type Group = { id: string; name: string; href: string; projects: TableView; tasks?: TableView; taskCount: number; tasksNote?: string };
  const groups = new Map<string, Group>();
  const group = (id: string): Group => {
    let g = groups.get(id);
    if (!g) {
      g = {
        id,
        name: d.orgName(id),
        href: d.link('organisation', id) ?? '#',
        taskCount: 0,
        projects: {
          caption: d.tr('领办项目', 'Projects'),
          head: [t.seq, d.tr('项目编号', 'number'), d.tr('项目名称', 'project'), d.tr('项目类别', 'category'), d.tr('领办方式', 'role'), d.tr('负责人', 'in charge'), d.tr('完成时限', 'due')],
          rows: [],
          empty: d.tr('本党组织未领办项目。', 'Leads no project.'),
        },
      };
      groups.set(id, g);
    }
    return g;
  };
  // Organisations in ledger order (the records' order), each with its projects and its members' tasks.
  for (const c of d.ledger.coverage) if (c.projectsLed + c.projectsJoined > 0 || c.holders > 0) group(c.organisation.id);
  for (const pr of d.projects) {
    // A project appears once it has a lead; dropped ones (未予立项) are not among d.projects (domain/participation.ts).
    if (!pr.lead) continue;
    const orgs: [string, string][] = [[pr.lead!.id, d.tr('领办', 'lead')], ...pr.coOrganisers.map((c) => [c.id, d.tr('联办', 'co-organiser')] as [string, string])];
    for (const [org, role] of orgs) {
      const g = group(org);
      const href = d.link('project', pr.id);
      g.projects.rows.push({
        cells: [
          { text: String(g.projects.rows.length + 1), cls: 'seq' },
          { text: pr.number ?? '—', cls: 'nowrap' },
          { text: pr.title, ...(href ? { href } : {}) },
          { text: pr.categories.join('、') },
          { text: role },
          { text: pr.leader?.name ?? '' },
          { text: pr.due ?? '', cls: 'nowrap' },
        ],
      });
    }
  }
  const inline = d.tasks.length <= CLAIMS_INLINE_TASKS;
  for (const task of d.tasks) {
    const orgs = new Set(task.members.map((m) => m.organisation?.id).filter((x): x is string => !!x));
    if (!orgs.size && task.organisation) orgs.add(task.organisation.id);
    for (const org of orgs) {
      const g = group(org);
      g.taskCount++;
      if (!inline) continue;
      g.tasks ??= {
        caption: d.tr('党员领办任务', "Members' tasks"),
        head: [t.seq, d.tr('领办党员', 'member'), d.tr('党内职务', 'party post'), d.tr('任务内容', 'task'), d.tr('所属项目', 'project'), d.tr('完成时限', 'due')],
        rows: [],
      };
      const members = task.members.filter((m) => !m.organisation || m.organisation.id === org || orgs.size === 1);
      const href = d.link('project', task.project);
      g.tasks.rows.push({
        cells: [
          { text: String(g.tasks.rows.length + 1), cls: 'seq' },
          { text: members.map((m) => m.name).join('、'), cls: 'nowrap' },
          { text: members.map((m) => summary(d.index.get('member', m.id))?.party_title ?? '').filter(Boolean).join('、') },
          { text: task.content },
          { text: task.projectNumber ? `${task.projectNumber} ${task.projectTitle}` : task.projectTitle, ...(href ? { href } : {}) },
          { text: d.taskDue(task) ?? '', cls: 'nowrap' },
        ],
      });
    }
  }
  if (!inline) {
    for (const g of groups.values()) {
      if (g.taskCount) g.tasksNote = d.tr(`本党组织党员领办任务 ${g.taskCount} 项，逐项名单见本党组织页面。`, `${g.taskCount} tasks held by its members: listed on the organisation's page.`);
    }
  }
  const orgs = [...groups.values()].filter((g) => g.projects.rows.length || g.taskCount);
  return {
    ...d.sectionPage('claims', t.claims, d.tr('党组织领办项目、党员领办任务公示', 'Public notice of claims')),
    intro: d.tr(
      `现将各党组织领办项目和党员领办任务情况予以公示。公示期间，如有意见建议，请向${d.p.issuer ?? '主管党组织'}反映。`,
      `The projects claimed by each organisation and the tasks claimed by each member are published below. Comments may be sent to ${d.p.issuer ?? 'the organiser'}.`,
    ),
    orgs,
    signDate: dateText(d.opts.today, d.lang),
  };
}

/** "已报 2020Q2、2020Q3（逾期报送）；✕ 缺报 2020Q4" from the ledger's obligations of one subject. */
export function reportsText(d: SiteData, subject: string): string {
  const own = d.obligationsBySubject.get(subject) ?? [];
  const filed = own.filter((o) => o.report).map((o) => (o.status === 'late' ? d.tr(`${o.quarter}（逾期报送）`, `${o.quarter} (late)`) : o.quarter));
  const missing = own.filter((o) => o.status === 'missing').map((o) => o.quarter);
  const parts: string[] = [];
  if (filed.length) parts.push(d.tr(`已报 ${filed.join('、')}`, `filed ${filed.join(', ')}`));
  if (missing.length) parts.push(d.tr(`✕ 缺报 ${missing.join('、')}`, `✕ missing ${missing.join(', ')}`));
  if (!parts.length) parts.push(own.length ? d.tr('尚未到报送期', 'none due yet') : '—');
  return parts.join('；');
}

export function closureText(d: SiteData, c: { submittedOn?: string } | undefined): string {
  if (!c) return '—';
  return c.submittedOn ? d.tr(`已申请（${c.submittedOn}）`, `requested (${c.submittedOn})`) : d.tr('已申请', 'requested');
}

/** Every acceptance round, in order: 整改（2020-11-25）→ 通过（2020-12-08）; — when none. */
export function acceptanceText(d: SiteData, rounds: { result: 'pass' | 'rework'; date: string }[] | undefined): string {
  if (!rounds?.length) return '—';
  return rounds.map((a) => (a.result === 'pass' ? d.tr(`通过（${a.date}）`, `passed (${a.date})`) : d.tr(`整改（${a.date}）`, `rework (${a.date})`))).join(' → ');
}

export function progressPage(d: SiteData): PageContext {
  const { t } = d;
  let projects: TableView | undefined;
  if (isTrackEnabled(d.p, 'project')) {
    // Sample checks (抽查复核) are shown when the programme makes their results public.
    const rule = recheckRule(d.p);
    const rechecks = !!rule?.public && d.projects.some((pr) => pr.recheck);
    projects = {
      head: [t.seq, d.tr('项目编号', 'number'), d.tr('项目名称', 'project'), d.tr('领办单位', 'lead'), d.tr('当前阶段', 'stage'), d.tr('季度执行书', 'quarterly reports'), d.tr('结项', 'closure'), d.tr('验收', 'acceptance'), ...(rechecks ? [rule!.label] : [])],
      rows: d.projects.map((pr, i) => {
        const href = d.link('project', pr.id);
        const lead = pr.lead ? d.link('organisation', pr.lead.id) : undefined;
        return {
          cls: pr.reports.missing ? 'late' : '',
          cells: [
            { text: String(i + 1), cls: 'seq' },
            { text: pr.number ?? '—', cls: 'nowrap' },
            { text: pr.title, ...(href ? { href } : {}) },
            { text: pr.lead?.name ?? '—', ...(lead ? { href: lead } : {}) },
            { text: stageText(pr.stage, d.lang) },
            { text: reportsText(d, pr.id) },
            { text: closureText(d, pr.closure), cls: 'nowrap' },
            { text: acceptanceText(d, pr.ratings?.acceptanceRounds), cls: 'nowrap' },
            ...(rechecks ? [{ text: recheckText(pr.recheck, d.lang) || '—' }] : []),
          ] as Cell[],
        };
      }),
      empty: d.tr('尚无项目。', 'No projects yet.'),
    };
  }
  let brands: TableView | undefined;
  if (d.pages.brands && d.ledger.brands.length) {
    brands = {
      head: [t.seq, d.tr('品牌名称', 'brand'), d.tr('创建单位', 'organisation'), d.tr('当前阶段', 'stage'), d.tr('命名日期', 'named on'), d.tr('提升结论', 'outcome')],
      rows: d.ledger.brands.map((b, i) => ({
        cells: [
          { text: String(i + 1), cls: 'seq' },
          { text: b.name, href: d.link('brand', b.id) },
          { text: b.organisation.name, href: d.link('organisation', b.organisation.id) },
          { text: stageText(b.stage, d.lang) },
          { text: b.namedOn ?? '—', cls: 'nowrap' },
          { text: b.outcome ?? '—' },
        ] as Cell[],
      })),
    };
  }
  return {
    title: t.progress,
    page: 'progress',
    root: '',
    heading: projects ? d.tr('项目推进情况公示', 'Progress board') : d.tr('党建品牌创建进展公示', 'Brands: progress board'),
    sub: d.opts.dated === 'today' ? `${d.p.name}${d.tr('　', ' — ')}${datedText(d.lang, d.opts.today, 'today')}` : d.tr(`${d.p.name}　截至 ${dateText(d.opts.today, d.lang)}`, `${d.p.name} — as of ${d.opts.today}`),
    intro: projects
      ? d.tr(
          '下表列出各项目所处阶段、季度执行书报送情况（逾期未报的季度以“✕ 缺报”标明）以及结项和验收情况。',
          'Each project: its stage, the quarterly reports filed and those missing (marked ✕), closure and acceptance.',
        )
      : d.tr('下表列出各党建品牌所处阶段和认定情况。', 'Each brand: its stage and recognition.'),
    projects,
    brands,
    legend: d.hidden.size ? d.tr(`另有 ${d.hidden.size} 个项目按规定不予公开。`, `${d.hidden.size} further projects are not public.`) : '',
    signDate: dateText(d.opts.today, d.lang),
  };
}
