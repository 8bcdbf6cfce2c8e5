/** The pages of the site about records: brands, selections, organisations (the list and one page each) and projects. */
import { recheckRule } from '../../domain/recheck.js';
import { recheckText } from '../ledger-tables.js';
import type { ProjectRow } from '../../domain/ledger.js';
import { isTrackEnabled } from '../../domain/programme.js';
import { percent } from '../dashboard.js';
import type { Cell, TableView } from './view.js';
import { SiteData, filledTexts, type PageContext, period, dateText, stageText } from './data.js';
import { reportsText, closureText, acceptanceText } from './notice-pages.js';
import { roundLine, type AcceptanceRound } from '../../domain/acceptance.js';
import { summary } from '../../domain/records.js';

export function brandsPage(d: SiteData, logos: Map<string, string>): PageContext {
  const brands = d.ledger.brands.map((b) => {
    const rec = d.index.get('brand', b.id)!.data;
    const rec2 = rec.recognition;
    const recognition = [
      stageText(b.stage, d.lang),
      rec2?.named_on ? d.tr(`${dateText(rec2.named_on, d.lang)}命名`, `named ${rec2.named_on}`) : '',
      rec2?.document ?? '',
      rec.outcome ? d.tr(`提升结论：${rec.outcome}`, `outcome: ${rec.outcome}`) : '',
    ].filter(Boolean);
    const facts = filledTexts([
      [d.tr('品牌内涵', 'concept'), rec.concept],
      [d.tr('品牌理念', 'philosophy'), rec.philosophy],
      [d.tr('创建载体', 'carrier'), rec.carrier],
      [d.tr('取得成效', 'results'), rec.results],
      [d.tr('认定情况', 'recognition'), recognition.join('；')],
    ]);
    return {
      id: b.id,
      name: b.name,
      initial: [...b.name][0] ?? '',
      org: b.organisation.name,
      orgHref: d.link('organisation', b.organisation.id) ?? '#',
      logo: logos.get(b.id),
      facts,
    };
  });
  return {
    ...d.sectionPage('brands', d.t.brands, d.tr('党建品牌展示', 'Party-building brands')),
    intro: '',
    brands,
  };
}

/**
 * 年度评选: what the committee decided, with its basis (meeting, document). Never a score: djyc's ranking of the
 * candidates is a suggestion for the committee, not the rule, so no computed score or ranking method is published;
 * the page names the criteria the programme's source document gives (评选依据) and who decides.
 */
export function selectionsPage(d: SiteData): PageContext {
  const awards = (d.p.selections ?? []).map((def) => {
    const ruleParts: string[] = [];
    if (def.min !== undefined && def.max !== undefined) ruleParts.push(d.tr(`评选 ${def.min}—${def.max} 个`, `${def.min}–${def.max} chosen`));
    else if (def.max !== undefined) ruleParts.push(d.tr(`至多 ${def.max} 个`, `at most ${def.max}`));
    if (def.considers?.length) ruleParts.push(d.tr(`评选依据：${def.considers.join('、')}`, `criteria: ${def.considers.join(', ')}`));
    if (def.decided_by) ruleParts.push(d.tr(`由${def.decided_by}评选确定`, `decided by ${def.decided_by}`));
    const results = d.index
      .all('selection')
      .filter((s) => s.data.programme === d.p.id && s.data.award === def.id)
      .sort((a, b) => (a.data.decided_on ?? '').localeCompare(b.data.decided_on ?? ''))
      .map((s) => {
        const entries = [...s.data.entries]
          .sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity))
          .filter((e) => !(def.of === 'project' && (d.hidden.has(e.subject) || d.dropped.has(e.subject))));
        // Reasons are published only from a recorded decision: older records hold computed ones (averages, points).
        const decided = !!s.data.decision;
        const table: TableView = {
          head: [
            d.tr('序号', 'No.'),
            d.tr('入选', 'chosen'),
            def.of === 'organisation' ? d.tr('上级党组织', 'parent') : d.tr('所属党组织', 'organisation'),
            ...(decided ? [d.tr('入选理由', 'reason')] : []),
          ],
          rows: entries.map((e, i) => {
            let name = e.subject;
            let org = '';
            let orgHref: string | undefined;
            if (def.of === 'organisation') {
              name = d.orgName(e.subject);
              const parent = summary(d.index.get('organisation', e.subject))?.parent;
              org = d.orgName(parent);
              orgHref = parent ? d.link('organisation', parent) : undefined;
            } else if (def.of === 'project') {
              const pr = d.projectById.get(e.subject);
              name = pr ? (pr.number ? `${pr.number} ${pr.title}` : pr.title) : e.subject;
              org = pr?.lead?.name ?? '';
              orgHref = pr?.lead ? d.link('organisation', pr.lead.id) : undefined;
            } else {
              const b = d.brandById.get(e.subject);
              name = b?.name ?? e.subject;
              org = b?.organisation.name ?? '';
              orgHref = b ? d.link('organisation', b.organisation.id) : undefined;
            }
            const href = d.link(def.of, e.subject);
            return {
              cells: [
                { text: String(e.rank ?? i + 1), cls: 'seq' },
                { text: name, ...(href ? { href } : {}) },
                { text: org, ...(orgHref ? { href: orgHref } : {}) },
                ...(decided ? [{ text: e.reason ?? '' }] : []),
              ] as Cell[],
            };
          }),
          empty: d.t.notSelectedYet,
        };
        const dec = s.data.decision;
        const basis = [dec?.by, dec?.meeting, dec?.document].filter(Boolean).join(d.tr('，', ', '));
        const when = s.data.decided_on ? dateText(s.data.decided_on, d.lang) : '';
        const line = basis ? d.tr(`${when}确定（${basis}）`, `decided ${s.data.decided_on ?? ''} (${basis})`) : when ? d.tr(`${when}确定`, `decided ${s.data.decided_on}`) : '';
        return { title: s.data.title ?? '', decided: line, table };
      });
    return { id: def.id, label: def.label, rule: ruleParts.join('；'), results, empty: d.t.notSelectedYet };
  });
  return {
    ...d.sectionPage('selections', d.t.selections, d.tr('年度评选结果', 'Year-end selections')),
    awards,
  };
}

export function organisationsPage(d: SiteData): PageContext {
  const { t } = d;
  const head = [t.seq, d.tr('党组织', 'organisation'), d.tr('类型', 'type'), d.tr('上级党组织', 'parent')];
  const projects = isTrackEnabled(d.p, 'project');
  const brands = d.pages.brands;
  if (projects && (d.pub.claims || d.pub.progress)) head.push(d.tr('领办项目', 'leads'), d.tr('联办项目', 'joins'));
  if (d.pub.claims && isTrackEnabled(d.p, 'task')) head.push(d.tr('党员领办任务', 'members with a task'));
  if (brands) head.push(d.tr('品牌', 'brands'));
  const rows = d.ledger.coverage.map((c, i) => {
    const o = summary(d.index.get('organisation', c.organisation.id)!);
    const mine = d.projectsByOrg.get(c.organisation.id) ?? [];
    const led = mine.filter((x) => x.role === 'lead').length;
    const joined = mine.filter((x) => x.role === 'co').length;
    const cells: Cell[] = [
      { text: String(i + 1), cls: 'seq' },
      { text: o.name, href: d.link('organisation', o.id) },
      { text: o.type },
      { text: d.orgName(o.parent), ...(o.parent && d.link('organisation', o.parent) ? { href: d.link('organisation', o.parent) } : {}) },
    ];
    if (projects && (d.pub.claims || d.pub.progress)) cells.push({ text: String(led), num: true }, { text: String(joined), num: true });
    if (d.pub.claims && isTrackEnabled(d.p, 'task')) cells.push({ text: c.members ? `${c.holders}/${c.members}（${percent(c.coverage)}）` : '—', num: true });
    if (brands) cells.push({ text: String(c.brands), num: true });
    return { cells };
  });
  return {
    ...d.sectionPage('organisations', t.organisations, d.tr('参加单位', 'Organisations')),
    orgs: { head, rows, empty: d.tr('尚无党组织记录。', 'No organisations yet.') },
  };
}

export function organisationPage(d: SiteData, orgId: string): PageContext {
  const root = '../';
  const o = summary(d.index.get('organisation', orgId)!);
  const c = d.coverageByOrg.get(orgId)!;
  const facts: { label: string; text: string; href?: string }[] = [{ label: d.tr('党组织全称', 'full name'), text: o.name }, { label: d.tr('组织类型', 'type'), text: o.type }];
  if (o.unit) facts.push({ label: d.tr('所在单位', 'unit'), text: o.unit });
  if (o.parent) {
    const href = d.link('organisation', o.parent);
    facts.push({ label: d.tr('上级党组织', 'parent'), text: d.orgName(o.parent), ...(href ? { href: root + href } : {}) });
  }
  const children = d.index.where('organisation', 'parent', orgId);
  if (children.length) facts.push({ label: d.tr('下级党组织', 'under it'), text: children.map((x) => d.orgName(x.id)).join('、') });
  if (d.pub.claims && isTrackEnabled(d.p, 'task') && c.members) {
    facts.push({ label: d.tr('党员领办任务', 'members with a task'), text: d.tr(`${c.holders} 名 / 共 ${c.members} 名党员（${percent(c.coverage)}）`, `${c.holders} of ${c.members} (${percent(c.coverage)})`) });
  }
  const sections: { title: string; table: TableView }[] = [];
  if (d.pages.projectPages) {
    const mine = d.projectsByOrg.get(orgId) ?? [];
    const head = [d.t.seq, d.tr('项目编号', 'number'), d.tr('项目名称', 'project'), d.tr('方式', 'role')];
    if (d.pub.progress) head.push(d.tr('当前阶段', 'stage'), d.tr('季度执行书', 'reports'));
    sections.push({
      title: d.tr('项目', 'Projects'),
      table: {
        head,
        rows: mine.map(({ row: r, role: how }, i) => {
          const role = how === 'lead' ? d.tr('领办', 'lead') : how === 'co' ? d.tr('联办', 'co-organiser') : d.tr('申报', 'proposed');
          const cells: Cell[] = [{ text: String(i + 1), cls: 'seq' }, { text: r.number ?? '—', cls: 'nowrap' }, { text: r.title, href: root + d.link('project', r.id) }, { text: role }];
          if (d.pub.progress) cells.push({ text: stageText(r.stage, d.lang) }, { text: reportsText(d, r.id) });
          return { cells };
        }),
        empty: d.tr('没有项目。', 'No projects.'),
      },
    });
  }
  if (d.pub.claims && isTrackEnabled(d.p, 'task')) {
    const tasks = d.tasksByOrg.get(orgId) ?? [];
    sections.push({
      title: d.tr('党员领办任务', "Members' tasks"),
      table: {
        head: [d.t.seq, d.tr('领办党员', 'member'), d.tr('任务内容', 'task'), d.tr('所属项目', 'project'), d.tr('完成时限', 'due')],
        rows: tasks.map((t, i) => {
          const href = d.link('project', t.project);
          return {
            cells: [
              { text: String(i + 1), cls: 'seq' },
              { text: t.members.filter((m) => !m.organisation || m.organisation.id === orgId).map((m) => m.name).join('、'), cls: 'nowrap' },
              { text: t.content },
              { text: t.projectTitle, ...(href ? { href: root + href } : {}) },
              { text: d.taskDue(t) ?? '', cls: 'nowrap' },
            ] as Cell[],
          };
        }),
        empty: d.tr('没有党员领办任务。', 'No tasks.'),
      },
    });
  }
  if (d.pages.brands) {
    const brands = d.ledger.brands.filter((b) => b.organisation.id === orgId);
    if (brands.length) {
      sections.push({
        title: d.tr('党建品牌', 'Brands'),
        table: {
          head: [d.t.seq, d.tr('品牌名称', 'brand'), d.tr('当前阶段', 'stage')],
          rows: brands.map((b, i) => ({ cells: [{ text: String(i + 1), cls: 'seq' }, { text: b.name, href: root + d.link('brand', b.id) }, { text: stageText(b.stage, d.lang) }] as Cell[] })),
        },
      });
    }
  }
  if (d.pages.selections) {
    const rows: { cells: Cell[] }[] = [];
    for (const s of d.index.all('selection').filter((x) => summary(x).programme === d.p.id)) {
      const def = (d.p.selections ?? []).find((x) => x.id === s.data.award);
      if (!def) continue;
      for (const e of s.data.entries) {
        const owner =
          def.of === 'organisation' ? e.subject
          : def.of === 'project' ? d.projectById.get(e.subject)?.lead?.id
          : d.brandById.get(e.subject)?.organisation.id;
        if (owner !== orgId) continue;
        rows.push({ cells: [{ text: s.data.title ?? def.label, href: `${root}selections.html#${def.id}` }, { text: e.rank === undefined ? '—' : String(e.rank), num: true }, { text: s.data.decided_on ?? '', cls: 'nowrap' }] });
      }
    }
    if (rows.length) sections.push({ title: d.tr('评选表彰', 'Selections'), table: { head: [d.tr('评选', 'award'), d.tr('名次', 'rank'), d.tr('确定日期', 'decided')], rows } });
  }
  return {
    title: d.orgName(orgId),
    page: 'organisations',
    root,
    breadcrumb: [{ href: 'index.html', label: d.t.home }, { href: 'organisations.html', label: d.t.organisations }],
    heading: d.orgName(orgId),
    sub: `${d.p.name}　${period(d.p, d.lang)}`,
    facts,
    sections,
  };
}

export function projectPage(d: SiteData, pr: ProjectRow): PageContext {
  const root = '../';
  const rec = d.index.get('project', pr.id)!.data;
  const orgLink = (id: string) => ({ text: d.orgName(id), ...(d.link('organisation', id) ? { href: root + d.link('organisation', id) } : {}) });
  type Fact = { label: string; text?: string; links?: { text: string; href?: string }[]; tag?: string };
  const facts: Fact[] = [];
  const add = (label: string, text: string | undefined) => {
    if (text) facts.push({ label, text });
  };
  add(d.tr('项目编号', 'number'), pr.number);
  add(d.tr('项目类别', 'category'), pr.categories.join('、'));
  add(d.tr('项目来源', 'source'), pr.source);
  if (pr.lead) facts.push({ label: d.tr('领办单位', 'lead'), links: [orgLink(pr.lead.id)] });
  else if (rec.proposed_by) facts.push({ label: d.tr('申报单位', 'proposed by'), links: [orgLink(rec.proposed_by)] });
  if (pr.coOrganisers.length) facts.push({ label: d.tr('联办单位', 'co-organisers'), links: pr.coOrganisers.map((c) => orgLink(c.id)) });
  if (d.pub.claims) add(d.tr('项目负责人', 'in charge'), pr.leader?.name);
  add(d.tr('立项日期', 'approved on'), rec.approval?.date);
  if (pr.start || pr.due) add(d.tr('实施时间', 'period'), `${pr.start ?? '…'} — ${pr.due ?? '…'}`);
  if (d.pub.progress) facts.push({ label: d.tr('当前阶段', 'stage'), text: stageText(pr.stage, d.lang), tag: pr.stage.final ? 'done' : 'pending' });
  const rule = recheckRule(d.p);
  if (d.pub.progress && rule?.public && pr.recheck) facts.push({ label: rule.label, text: recheckText(pr.recheck, d.lang), tag: pr.recheck.result ? (pr.recheck.passed ? 'done' : 'pending') : 'pending' });

  const texts = filledTexts([
    [d.tr('项目内容', 'content'), rec.content],
    [d.tr('目标要求', 'goals'), rec.goals],
    [d.tr('推进措施', 'measures'), rec.measures],
  ]);

  const sections: { title: string; intro?: string; table: TableView }[] = [];
  if (d.pub.claims && isTrackEnabled(d.p, 'task')) {
    const tasks = d.tasksByProject.get(pr.id) ?? [];
    const head = [d.t.seq, d.tr('领办党员', 'member'), d.tr('所在党组织', 'organisation'), d.tr('任务内容', 'task'), d.tr('完成时限', 'due')];
    if (d.pub.progress) head.push(d.tr('进展', 'stage'));
    sections.push({
      title: d.tr('党员领办任务', "Members' tasks"),
      table: {
        head,
        rows: tasks.map((t, i) => {
          const orgs = [...new Set(t.members.map((m) => m.organisation?.id).filter((x): x is string => !!x))];
          const cells: Cell[] = [
            { text: String(i + 1), cls: 'seq' },
            { text: t.members.map((m) => m.name).join('、'), cls: 'nowrap' },
            { text: orgs.map((o) => d.orgName(o)).join('、') },
            { text: t.content },
            { text: d.taskDue(t) ?? '', cls: 'nowrap' },
          ];
          if (d.pub.progress) cells.push({ text: stageText(t.stage, d.lang) });
          return { cells };
        }),
        empty: d.tr('尚无党员领办任务。', 'No tasks yet.'),
      },
    });
  }
  if (d.pub.progress) {
    const statusText: Record<string, [string, string, string]> = {
      'on-time': ['按时报送', 'on time', 'done'],
      late: ['逾期报送', 'late', 'late'],
      undated: ['已报送（未注日期）', 'filed (undated)', 'done'],
      missing: ['逾期未报', 'missing', 'missing'],
      pending: ['未到期', 'not yet due', 'pending'],
    };
    const obligations = d.obligationsBySubject.get(pr.id) ?? [];
    sections.push({
      title: d.tr('季度执行书', 'Quarterly reports'),
      table: {
        head: [d.tr('季度', 'quarter'), d.tr('报送截止', 'due'), d.tr('报送日期', 'filed on'), d.tr('状态', 'status')],
        rows: obligations.map((o) => ({
          cls: o.status === 'missing' ? 'late' : '',
          cells: [{ text: o.quarter }, { text: o.due, cls: 'nowrap' }, { text: o.submittedOn ?? (o.report ? '—' : ''), cls: 'nowrap' }, { text: d.tr(statusText[o.status]![0], statusText[o.status]![1]), tag: statusText[o.status]![2] }],
        })),
        empty: d.tr('尚无应报的执行书。', 'No reports owed yet.'),
      },
    });
    const history = (rec.history ?? []).filter((h) => h && h.stage && h.date);
    if (history.length) {
      sections.push({
        title: d.tr('推进过程', 'Stages'),
        table: {
          head: [d.tr('日期', 'date'), d.tr('阶段', 'stage')],
          rows: history.map((h) => {
            const s = d.p.project?.stages.find((x) => x.id === h.stage);
            return { cells: [{ text: h.date, cls: 'nowrap' }, { text: s ? (d.lang === 'en' ? (s.label_en ?? s.label) : s.label) : h.stage }] };
          }),
        },
      });
    }
    const closure = pr.closure ? d.index.get('closure', pr.closure.id)?.data : undefined;
    const rounds = pr.ratings?.acceptanceRounds ?? [];
    const last = rounds[rounds.length - 1];
    const rows: { cells: Cell[] }[] = [];
    rows.push({ cells: [{ text: d.tr('结项申请', 'closure'), header: true }, { text: closureText(d, pr.closure) }] });
    if (closure?.results) rows.push({ cells: [{ text: d.tr('取得成效', 'results'), header: true }, { text: closure.results }] });
    rows.push({ cells: [{ text: d.tr('验收结论', 'acceptance'), header: true }, { text: acceptanceText(d, rounds) }] });
    if (last?.methods?.length) rows.push({ cells: [{ text: d.tr('验收方式', 'methods'), header: true }, { text: last.methods.join('、') }] });
    if (last?.opinion) rows.push({ cells: [{ text: d.tr('验收组意见', 'panel opinion'), header: true }, { text: last.opinion }] });
    // Earlier rounds (a rework before the pass) stay on the record, and on the page.
    rounds.slice(0, -1).forEach((r, i) => rows.push({ cells: [{ text: d.tr(`此前验收（第 ${i + 1} 轮）`, `earlier round ${i + 1}`), header: true }, { text: roundLine(r as AcceptanceRound, d.lang) }] }));
    if (typeof pr.ratings?.stars === 'number') rows.push({ cells: [{ text: d.tr('星级评估', 'stars'), header: true }, { text: `${'★'.repeat(pr.ratings.stars)}${'☆'.repeat(Math.max(0, (d.p.evaluation?.stars?.max ?? 5) - pr.ratings.stars))}（${pr.ratings.stars} ${d.tr('星', 'stars')}）` }] });
    if (typeof pr.ratings?.bonusPoints === 'number') rows.push({ cells: [{ text: d.tr('加分', 'bonus'), header: true }, { text: String(pr.ratings.bonusPoints) }] });
    sections.push({ title: d.tr('结项与验收', 'Closure and acceptance'), table: { head: [d.tr('事项', 'item'), d.tr('情况', 'state')], rows } });
  }
  return {
    title: pr.title,
    page: 'progress',
    root,
    breadcrumb: [{ href: 'index.html', label: d.t.home }, d.pages.progress ? { href: 'progress.html', label: d.t.progress } : { href: 'claims.html', label: d.t.claims }],
    heading: pr.title,
    sub: [pr.number, d.p.project?.label ?? d.p.name].filter(Boolean).join('　'),
    facts,
    texts,
    sections,
  };
}
