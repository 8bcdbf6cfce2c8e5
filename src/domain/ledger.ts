/**
 * The 台账 (ledger): one pure computation of the state of a programme, shared by `djyc ledger`, `djyc deadlines`,
 * `djyc status` and `djyc publish` so that every figure agrees. No terminal, no file output: records in, rows out.
 *
 * What each figure means
 * - ProjectRow: one project of the programme. `lead`/`coOrganisers` are organisations (牵头/领办单位, 联办单位);
 *   `leader` is the person in charge (项目负责人, else 联系人, else 直接责任人) — a name, never a phone number.
 *   `stage` is the record's current stage with the programme's label; `stageSince` the date of the last history entry
 *   that moved it there. `tasks` counts the project's tasks, `taskHolders` the distinct members holding one.
 * - Reports (执行书): every quarter a report is owed for, with its status (see obligations.ts). In a ReportSummary,
 *   `required` (应报) counts owed quarters that are due by today or already filed; `pending` those not yet due.
 * - Closure: the subject's closure record (结项书), if any. Ratings: merged from the subject's evaluation records
 *   (later `rated_on` wins per field): every acceptance round and the one that stands (the latest), four-level
 *   ratings (支委会/党委 好/较好/一般/较差),
 *   public poll (参与人数 and votes), stars (综合星级), bonus points (加分).
 * - CoverageRow: per organisation the programme covers (not external, not the organiser): active `members`,
 *   `holders` = members holding at least one task of a counted project, `exempt` = members without a task but with a
 *   recorded exemption for the programme, `coverage` = holders / members (0 when no members), `projectsLed` /
 *   `projectsJoined` (counted projects, as co-organiser), `brands` — domain/participation.ts, the one definition.
 * - A dropped project (未予立项, 撤销…) is listed with no lead and `dropped: true`; it is in no total and no count.
 * - Totals: counts of projects/tasks/brands by stage id, report statuses summed over all obligations, the
 *   distribution of four-level ratings (committee opinion if given, else branch opinion; one per rated subject), of
 *   overall stars (1–5) and the sum and count of bonus points, and overall member coverage.
 *
 * Filters: `programme` (default: the repository's default or only programme); `org` keeps that organisation and
 * the organisations under it (via `parent`): projects it leads or joins (or proposed, while no one leads them), tasks
 * of those projects or held by its members, its coverage rows, its brands.
 */
import { RecordIndex, groupBy, summary, namedMember, namedOrg, orgSubtree, type Named, type RecordEntry, type Repository } from './records.js';
import { stageInfo, trackStages, type StageInfo, type Track } from './programme.js';
import { subjectObligations, summariseReports, type ReportObligation, type ReportSummary } from './obligations.js';
import { type FourLevel } from './ratings.js';
import { acceptanceRounds, latestRound } from './acceptance.js';
import { brandCounts, coOrganisersOf, counts, coveredMembers, coveredOrganisations, isExempt, leadOf, projectCounts, taskHolders } from './participation.js';
import { recheckResults, recheckRule, type RecheckEntry } from './recheck.js';
import { unitBonusList, type UnitBonusRow } from './bonus.js';
import { chooseProgramme, yearSelector, type YearEntry } from './years.js';
import type {
  BrandRecord, EvaluationRecord, MemberRecord, ProgrammeRecord, ProjectRecord,
} from './types.generated.js';

export interface LedgerOptions {
  /** Programme id (default: the programme of today's year, see years.ts chooseProgramme). */
  programme?: string;
  /** Organisation id: keep it and the organisations under it. */
  org?: string;
  /** Today's date (Asia/Shanghai) for report statuses. */
  today: string;
}

export interface Ratings {
  /** The acceptance that stands: the latest round. */
  acceptance?: { result: 'pass' | 'rework'; date: string };
  /** Every acceptance round, oldest first (a rework round stays when a later one passes). */
  acceptanceRounds: { date: string; result: 'pass' | 'rework'; opinion?: string; methods?: string[] }[];
  branchRating?: FourLevel;
  committeeRating?: FourLevel;
  poll?: { participants: number; votes: Record<FourLevel, number> };
  stars?: number;
  bonusPoints?: number;
  ratedOn?: string;
  /** Evaluation record ids merged here. */
  evaluations: string[];
}

export interface ProjectRow {
  id: string;
  programme: string;
  number?: string;
  title: string;
  categories: string[];
  source?: string;
  /** 申报单位: the organisation that proposed it. */
  proposedBy?: Named;
  lead?: Named;
  coOrganisers: Named[];
  /** Person in charge: leader, else contact, else direct responsible. */
  leader?: Named;
  stage: StageInfo;
  start?: string;
  due?: string;
  tasks: number;
  taskHolders: number;
  reports: ReportSummary;
  closure?: { id: string; submittedOn?: string };
  ratings?: Ratings;
  /** The sample check (抽查复核 / 抽检), when the project was sampled: its result once recorded. */
  recheck?: RecheckEntry;
  /** Carried over from the previous round's project / into the next round's (djyc carry-over). */
  carriedFrom?: { id: string; programme?: string };
  carriedTo?: { id: string; programme?: string };
  public: boolean;
  /** Dropped (未予立项, 撤销…): led by nobody, counted in no total, published nowhere (domain/participation.ts). */
  dropped: boolean;
}

export interface TaskRow {
  id: string;
  programme: string;
  project: string;
  projectTitle: string;
  projectNumber?: string;
  content: string;
  members: (Named & { organisation?: Named })[];
  /** Organisation in charge: the first member's organisation, else the project's lead. */
  organisation?: Named;
  due?: string;
  stage: StageInfo;
  reports: ReportSummary;
  closure?: { id: string; submittedOn?: string };
  ratings?: Ratings;
}

export interface BrandRow {
  id: string;
  programme: string;
  name: string;
  organisation: Named;
  contact?: Named;
  stage: StageInfo;
  outcome?: string;
  namedOn?: string;
  annualGoals: { year: number; submittedOn?: string }[];
  ratings?: Ratings;
  carriedFrom?: { id: string; programme?: string };
  carriedTo?: { id: string; programme?: string };
}

export interface CoverageRow {
  organisation: Named & { type: string; parent?: string };
  members: number;
  holders: number;
  exempt: number;
  /** holders / members, 0..1 (0 when no members). */
  coverage: number;
  /** Names of active members holding no task and with no exemption. */
  without: string[];
  projectsLed: number;
  projectsJoined: number;
  brands: number;
}

export interface LedgerTotals {
  /** Projects that count (dropped ones are not counted; see `dropped`). */
  projects: number;
  /** Dropped projects (未予立项, 撤销…), listed in the ledger but counted nowhere. */
  dropped: number;
  tasks: number;
  brands: number;
  /** Stage id → count, in the programme's stage order. */
  projectStages: Record<string, number>;
  taskStages: Record<string, number>;
  brandStages: Record<string, number>;
  reports: { required: number; filed: number; onTime: number; late: number; undated: number; missing: number; pending: number };
  /** Four-level rating of each rated project/task (committee opinion, else branch opinion). */
  ratings: Record<FourLevel, number>;
  /** Overall stars 1–5 → count. */
  stars: Record<string, number>;
  bonus: { count: number; sum: number };
  /**
   * Subjects whose latest round passed (`pass`; `passedAfterRework` of them after a rework round) or asked for rework
   * (`rework`: being reworked now); every round held (`rounds`) and the rework rounds among them (`reworkRounds`).
   */
  acceptance: { pass: number; rework: number; passedAfterRework: number; rounds: number; reworkRounds: number };
  coverage: { members: number; holders: number; exempt: number; ratio: number };
}

export interface Ledger {
  programme: { id: string; name: string; shortName?: string; year: number };
  /** Every programme of the repository, newest first, the one shown marked (the year selector). */
  programmes: YearEntry[];
  today: string;
  org?: string;
  projects: ProjectRow[];
  tasks: TaskRow[];
  brands: BrandRow[];
  coverage: CoverageRow[];
  /** Every report obligation (and every filed report) of the projects and tasks in scope. */
  obligations: ReportObligation[];
  /** Bonus points per unit (加分), for the annual assessment: present when the programme awards bonus points. */
  bonus?: UnitBonusRow[];
  /** The programme's sample check (抽查复核 / 抽检) and every sampled project's result. */
  recheck?: { label: string; results: RecheckEntry[] };
  totals: LedgerTotals;
}

/** Merges a subject's evaluations (ordered by rated_on / acceptance date, later values win per field). */
export function mergeRatings(evaluations: RecordEntry<'evaluation'>[]): Ratings | undefined {
  if (!evaluations.length) return undefined;
  const sorted = [...evaluations].sort((a, b) => evalDate(summary(a)).localeCompare(evalDate(summary(b))));
  const out: Ratings = { evaluations: sorted.map((e) => e.id), acceptanceRounds: [] };
  for (const e of sorted.map((r) => summary(r))) {
    for (const r of acceptanceRounds(e)) out.acceptanceRounds.push({ date: r.date, result: r.result, ...(r.opinion ? { opinion: r.opinion } : {}), ...(r.methods?.length ? { methods: [...r.methods] } : {}) });
    if (e.branch_rating) out.branchRating = e.branch_rating;
    if (e.committee_rating) out.committeeRating = e.committee_rating;
    if (e.poll) out.poll = { participants: e.poll.participants, votes: { ...e.poll.votes } };
    if (e.stars && typeof e.stars.overall === 'number') out.stars = e.stars.overall;
    if (typeof e.bonus_points === 'number') out.bonusPoints = e.bonus_points;
    const d = e.rated_on ?? e.stars?.date;
    if (d) out.ratedOn = d;
  }
  out.acceptanceRounds.sort((a, b) => a.date.localeCompare(b.date));
  const last = out.acceptanceRounds[out.acceptanceRounds.length - 1];
  if (last) out.acceptance = { result: last.result, date: last.date };
  return out;
}

function evalDate(e: EvaluationRecord): string {
  return e.rated_on ?? e.stars?.date ?? latestRound(e)?.date ?? '';
}

function stageCounts(p: ProgrammeRecord, track: Track, stages: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of trackStages(p, track)) out[s.id] = 0;
  for (const s of stages) out[s] = (out[s] ?? 0) + 1;
  return out;
}

/** Earliest closure submission for a subject (closures without a date count from the earliest possible day). */
function closureOf(closures: Map<string, RecordEntry<'closure'>[]>, id: string): { id: string; submittedOn?: string } | undefined {
  const list = closures.get(id);
  if (!list?.length) return undefined;
  const c = [...list].sort((a, b) => (summary(a).submitted_on ?? '').localeCompare(summary(b).submitted_on ?? ''))[0]!;
  return { id: c.id, ...(summary(c).submitted_on ? { submittedOn: summary(c).submitted_on } : {}) };
}

// ---------------------------------------------------------------------------------------------------------------

/** Computes the ledger of one programme (optionally one organisation and those under it). */
export function computeLedger(repo: Repository, opts: LedgerOptions): Ledger {
  const index = RecordIndex.of(repo);
  const choice = chooseProgramme(index, opts.programme, opts.today);
  const p = choice.programme;
  const today = opts.today;
  const rechecks = new Map(recheckResults(index, p).map((r) => [r.project, r]));
  const carried = (d: { carried_from?: string; carried_to?: string }) => {
    const ref = (id: string | undefined) => (id ? { id, ...(index.any(id) ? { programme: (summary(index.any(id)!) as { programme?: string }).programme } : {}) } : undefined);
    const from = ref(d.carried_from);
    const to = ref(d.carried_to);
    return { ...(from ? { carriedFrom: from } : {}), ...(to ? { carriedTo: to } : {}) };
  };
  const scope = opts.org ? orgSubtree(index, opts.org) : undefined;

  const ofProgramme = <K extends 'project' | 'task' | 'report' | 'closure' | 'evaluation' | 'brand'>(kind: K) =>
    index.all(kind).filter((r) => (summary(r) as { programme?: string }).programme === p.id);
  const allProjects = ofProgramme('project');
  const allTasks = ofProgramme('task');
  const reports = groupBy(ofProgramme('report'), (r) => summary(r).subject);
  const closures = groupBy(ofProgramme('closure'), (r) => summary(r).subject);
  const evaluations = groupBy(ofProgramme('evaluation'), (r) => summary(r).subject);
  const tasksByProject = groupBy(allTasks, (t) => summary(t).project);
  const memberOrg = (id: string) => summary(index.get('member', id))?.organisation;

  const projectInScope = (pr: ProjectRecord) =>
    !scope || (!!pr.lead && scope.has(pr.lead)) || (pr.co_organisers ?? []).some((c) => scope.has(c.organisation)) ||
    (!pr.lead && !!pr.proposed_by && scope.has(pr.proposed_by));
  const projects = allProjects.filter((r) => projectInScope(summary(r)));
  const projectIds = new Set(projects.map((r) => r.id));
  // Tasks of a dropped project count nowhere (as the project itself).
  const droppedIds = new Set(allProjects.filter((r) => !counts(p, summary(r))).map((r) => r.id));
  const tasks = allTasks.filter((t) => !droppedIds.has(summary(t).project) && (!scope || projectIds.has(summary(t).project) || (summary(t).members ?? []).some((m) => scope.has(memberOrg(m) ?? ''))));

  const obligations: ReportObligation[] = [];
  const projectRows: ProjectRow[] = projects.map((r) => {
    const { id } = r, pr = summary(r);
    const dropped = !counts(p, pr);
    const lead = leadOf(p, pr);
    const closure = closureOf(closures, id);
    const own = subjectObligations(p, 'project', { id, record: pr }, reports, today);
    obligations.push(...own);
    const projTasks = tasksByProject.get(id) ?? [];
    const person = pr.leader ?? pr.contact ?? pr.direct_responsible;
    const ratings = mergeRatings(evaluations.get(id) ?? []);
    return {
      id,
      programme: pr.programme,
      ...(pr.number ? { number: pr.number } : {}),
      title: pr.title,
      categories: pr.categories ?? [],
      ...(pr.source ? { source: pr.source } : {}),
      ...(pr.proposed_by ? { proposedBy: namedOrg(index, pr.proposed_by)! } : {}),
      ...(lead ? { lead: namedOrg(index, lead)! } : {}),
      coOrganisers: coOrganisersOf(p, pr).map((c) => namedOrg(index, c)!),
      ...(person ? { leader: namedMember(index, person)! } : {}),
      stage: stageInfo(p, 'project', pr),
      ...(pr.start ? { start: pr.start } : {}),
      ...(pr.due ? { due: pr.due } : {}),
      tasks: projTasks.length,
      taskHolders: new Set(projTasks.flatMap((t) => summary(t).members ?? [])).size,
      reports: summariseReports(own),
      ...(closure ? { closure } : {}),
      ...(ratings ? { ratings } : {}),
      ...(rechecks.has(id) ? { recheck: rechecks.get(id)! } : {}),
      ...carried(pr),
      public: pr.public !== false,
      dropped,
    };
  });
  const countedRows = projectRows.filter((r) => !r.dropped);

  const taskRows: TaskRow[] = tasks.map((r) => {
    const { id } = r, t = summary(r);
    const project = summary(index.get('project', t.project));
    const closure = closureOf(closures, id);
    const own = subjectObligations(p, 'task', { id, record: t }, reports, today, project);
    obligations.push(...own);
    const members: TaskRow['members'] = (t.members ?? []).map((m) => {
      const n = namedMember(index, m)!;
      const o = namedOrg(index, memberOrg(m));
      return o ? { ...n, organisation: o } : n;
    });
    const organisation = members.find((m) => m.organisation)?.organisation ?? namedOrg(index, project?.lead);
    const ratings = mergeRatings(evaluations.get(id) ?? []);
    return {
      id,
      programme: t.programme,
      project: t.project,
      projectTitle: project?.title ?? t.project,
      ...(project?.number ? { projectNumber: project.number } : {}),
      content: t.content,
      members,
      ...(organisation ? { organisation } : {}),
      ...(t.due ? { due: t.due } : {}),
      stage: stageInfo(p, 'task', t),
      reports: summariseReports(own),
      ...(closure ? { closure } : {}),
      ...(ratings ? { ratings } : {}),
    };
  });

  const brands = ofProgramme('brand').filter((b) => !scope || scope.has(summary(b).organisation));
  const brandRows: BrandRow[] = brands.map((r: RecordEntry<'brand'>) => {
    const { id } = r, b = summary(r);
    const ratings = mergeRatings(evaluations.get(id) ?? []);
    return {
      id,
      programme: b.programme,
      name: b.name,
      organisation: namedOrg(index, b.organisation)!,
      ...(b.contact ? { contact: namedMember(index, b.contact)! } : {}),
      stage: stageInfo(p, 'brand', b as BrandRecord),
      ...(b.outcome ? { outcome: b.outcome } : {}),
      ...(b.recognition?.named_on ? { namedOn: b.recognition.named_on } : {}),
      annualGoals: (b.annual_goals ?? []).map((g) => ({ year: g.year, ...(g.submitted_on ? { submittedOn: g.submitted_on } : {}) })),
      ...(ratings ? { ratings } : {}),
      ...carried(b),
    };
  });

  const coverage = computeCoverage(index, p, scope);

  const rated = [...countedRows, ...taskRows, ...brandRows].map((r) => r.ratings).filter((r): r is Ratings => !!r);
  const ratingDist: Record<FourLevel, number> = { 好: 0, 较好: 0, 一般: 0, 较差: 0 };
  const starDist: Record<string, number> = {};
  const starsRule = p.evaluation?.stars;
  if (starsRule) for (let s = starsRule.min ?? 1; s <= (starsRule.max ?? 5); s++) starDist[String(s)] = 0;
  const bonus = { count: 0, sum: 0 };
  const acceptance = { pass: 0, rework: 0, passedAfterRework: 0, rounds: 0, reworkRounds: 0 };
  for (const r of rated) {
    const level = r.committeeRating ?? r.branchRating;
    if (level) ratingDist[level]++;
    if (typeof r.stars === 'number') starDist[String(r.stars)] = (starDist[String(r.stars)] ?? 0) + 1;
    if (typeof r.bonusPoints === 'number') {
      bonus.count++;
      bonus.sum += r.bonusPoints;
    }
    if (r.acceptance) acceptance[r.acceptance.result]++;
    const reworked = r.acceptanceRounds.filter((x) => x.result === 'rework').length;
    acceptance.rounds += r.acceptanceRounds.length;
    acceptance.reworkRounds += reworked;
    if (r.acceptance?.result === 'pass' && reworked) acceptance.passedAfterRework++;
  }
  const rep = summariseReports(obligations);
  const cov = coverage.reduce((a, c) => ({ members: a.members + c.members, holders: a.holders + c.holders, exempt: a.exempt + c.exempt }), { members: 0, holders: 0, exempt: 0 });

  const rule = recheckRule(p);
  return {
    programme: { id: p.id, name: p.name, ...(p.short_name ? { shortName: p.short_name } : {}), year: p.year },
    programmes: yearSelector(choice.all, p.id),
    today,
    ...(opts.org ? { org: opts.org } : {}),
    projects: projectRows,
    tasks: taskRows,
    brands: brandRows,
    coverage,
    obligations,
    ...(p.evaluation?.bonus ? { bonus: unitBonusList(index, p, scope) } : {}),
    ...(rule ? { recheck: { label: rule.label, results: projectRows.filter((r) => r.recheck).map((r) => r.recheck!) } } : {}),
    totals: {
      projects: countedRows.length,
      dropped: projectRows.length - countedRows.length,
      tasks: taskRows.length,
      brands: brandRows.length,
      projectStages: stageCounts(p, 'project', countedRows.map((r) => r.stage.id)),
      taskStages: stageCounts(p, 'task', taskRows.map((r) => r.stage.id)),
      brandStages: stageCounts(p, 'brand', brandRows.map((r) => r.stage.id)),
      reports: { required: rep.required, filed: rep.filed, onTime: rep.onTime, late: rep.late, undated: rep.undated, missing: rep.missing, pending: rep.pending },
      ratings: ratingDist,
      stars: starDist,
      bonus,
      acceptance,
      coverage: { ...cov, ratio: cov.members ? cov.holders / cov.members : 0 },
    },
  };
}

/**
 * Coverage per organisation the programme covers (not external, not its organiser): members holding a task,
 * exemptions, projects led and joined, brands — counted by domain/participation.ts, as validate and deadlines count.
 */
export function computeCoverage(index: RecordIndex, p: ProgrammeRecord, scope?: Set<string>): CoverageRow[] {
  const holders = taskHolders(index, p);
  const projects = projectCounts(index, p);
  const brands = brandCounts(index, p);
  const membersByOrg = groupBy(coveredMembers(index, p), (m) => summary(m).organisation);
  const rows: CoverageRow[] = [];
  for (const org of coveredOrganisations(index, p)) {
    const { id } = org;
    const o = summary(org);
    if (scope && !scope.has(id)) continue;
    const members = membersByOrg.get(id) ?? [];
    const holding = members.filter((m) => holders.has(m.id));
    const exempt = members.filter((m) => !holders.has(m.id) && isExempt(p, m));
    const exempted = new Set(exempt);
    const without = members.filter((m) => !holders.has(m.id) && !exempted.has(m)).map((m) => (summary(m) as MemberRecord).name);
    rows.push({
      organisation: { id, name: o.short_name ?? o.name ?? id, type: o.type, ...(o.parent ? { parent: o.parent } : {}) },
      members: members.length,
      holders: holding.length,
      exempt: exempt.length,
      coverage: members.length ? holding.length / members.length : 0,
      without,
      projectsLed: projects.led.get(id) ?? 0,
      projectsJoined: projects.joined.get(id) ?? 0,
      brands: brands.get(id) ?? 0,
    });
  }
  return rows;
}
