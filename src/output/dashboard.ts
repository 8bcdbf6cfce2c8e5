/**
 * The dashboard model: what `djyc status` prints, what its PDF and the site's front page draw. Every figure comes
 * from the ledger (computeLedger) and the deadlines (computeDeadlines), so that the dashboard agrees with
 * `djyc ledger` and `djyc deadlines` on the same repository; this module only picks, orders and labels them.
 *
 * Figures and where they come from
 * - tracks[].stages[].count      ledger.totals.{project,task,brand}Stages (records now at the stage)
 * - tracks[].stages[].reached    records at or past the stage (ledger's reachedStage), for the funnel; only for the
 *                                stages of the main path (from the first stage, following each stage's first `next`)
 * - coverage                     ledger.totals.coverage and ledger.coverage rows (members holding a task, exempt;
 *                                organisations leading or joining a project: rows with projectsLed + projectsJoined > 0)
 * - reports                      ledger.totals.reports; per quarter: the ledger's obligations grouped by quarter
 * - ratings                      ledger.totals.ratings / stars / acceptance / bonus
 * - deadlines                    computeDeadlines items with status overdue and due-soon
 */
import { computeLedger, type Ledger, type LedgerTotals } from '../domain/ledger.js';
import { computeDeadlines, type DeadlineItem } from '../domain/deadlines.js';
import type { YearEntry } from '../domain/years.js';
import { findStage, isDroppedStage, isTrackEnabled, trackStages, type Track, reachedStage, resolveProgramme } from '../domain/programme.js';
import { T, say, type Lang, type Text } from '../domain/i18n.js';
import type { Dated } from '../domain/as-of.js';
import type { ProgrammeRecord } from '../domain/types.generated.js';
import { RecordIndex, namedOrg, summary, type Repository } from '../domain/records.js';
import { FOUR_LEVELS, type FourLevel } from '../domain/ratings.js';
import type { ReportStatus } from '../domain/obligations.js';

export interface DashboardOptions {
  programme?: string;
  org?: string;
  today: string;
  /** Days ahead counted as due soon (default 14, as `djyc deadlines`). */
  within?: number;
  lang?: Lang;
  /**
   * For the public site: leave projects marked `public: false` (and their tasks) out of every list and out of the
   * deadlines. The totals stay the programme's (they name no one); `hiddenProjects` says how many are not shown.
   */
  publicOnly?: boolean;
}

export interface StageBar {
  id: string;
  label: string;
  /** Records now at this stage. */
  count: number;
  /** Records at or past this stage (main-path stages only). */
  reached?: number;
  /** On the main path (drawn in the funnel); false for side branches such as 未予立项 / 约谈整改. */
  main: boolean;
  final: boolean;
}

export interface TrackDashboard {
  track: Track;
  label: string;
  total: number;
  stages: StageBar[];
}

export interface CoverageOrg {
  id: string;
  name: string;
  members: number;
  holders: number;
  exempt: number;
  ratio: number;
  led: number;
  joined: number;
  brands: number;
}

export interface QuarterReports {
  quarter: string;
  onTime: number;
  late: number;
  undated: number;
  missing: number;
  pending: number;
}

export interface Dashboard {
  programme: { id: string; name: string; shortName?: string; issuer?: string; document?: string; year: number; years: number; projectLabel?: string };
  /** Every programme of the repository, newest first, this one marked (the year selector). */
  programmes: YearEntry[];
  today: string;
  within: number;
  /** The organisation filter (--org): it and those under it. */
  org?: { id: string; name: string };
  tracks: TrackDashboard[];
  coverage: {
    /** The programme asks members to hold tasks (task track enabled). */
    tasks: boolean;
    /** The programme has projects (project track enabled). */
    projects: boolean;
    members: number;
    holders: number;
    exempt: number;
    ratio: number;
    organisations: number;
    withProject: number;
    rows: CoverageOrg[];
  };
  reports?: { totals: LedgerTotals['reports']; quarters: QuarterReports[] };
  ratings: {
    fourLevel: { level: FourLevel; count: number }[];
    stars?: { stars: number; count: number }[];
    acceptance: LedgerTotals['acceptance'];
    bonus: LedgerTotals['bonus'];
    /** Whether the programme rates with four levels / stars / bonus points (or any record carries them). */
    usesFourLevel: boolean;
    usesBonus: boolean;
  };
  deadlines: { overdue: DeadlineItem[]; dueSoon: DeadlineItem[] };
  totals: { projects: number; tasks: number; brands: number };
  /** Dropped projects per stage (未予立项 …), counted nowhere; said once, beside the figures (never on the public site). */
  dropped: { id: string; label: string; count: number }[];
  /** Projects not public (left out of lists on the site). */
  hiddenProjects: number;
  /** Set by `djyc status`: 'as-of' when the records were rewound to `today`, 'today' when only the deadlines' day moved. */
  dated?: Dated;
}

/** Main path of a track: from the first stage, follow each stage's first `next` until a final stage or a loop. */
export function mainPath(p: ProgrammeRecord, track: Track): string[] {
  const out: string[] = [];
  let s: ReturnType<typeof findStage> = trackStages(p, track)[0];
  while (s && !out.includes(s.id)) {
    out.push(s.id);
    if (s.final) break;
    s = findStage(p, track, s.next?.[0]);
  }
  return out;
}

const TRACK_LABELS: Record<Track, Text> = { project: T('项目', 'Projects'), task: T('党员任务', 'Member tasks'), brand: T('党建品牌', 'Brands') };

function trackLabel(track: Track, lang: Lang): string {
  return say(lang, TRACK_LABELS[track]);
}

/** Builds the dashboard of one programme. */
export function buildDashboard(repo: Repository, opts: DashboardOptions): Dashboard {
  const lang = opts.lang ?? 'zh';
  const p = resolveProgramme(repo, opts.programme, opts.today);
  const ledger: Ledger = computeLedger(repo, { programme: p.id, org: opts.org, today: opts.today });
  const deadlines = computeDeadlines(repo, { programme: p.id, org: opts.org, today: ledger.today, within: opts.within, keep: (i) => i.status === 'overdue' || i.status === 'due-soon' });
  const index = RecordIndex.of(repo);

  const hidden = new Set(ledger.projects.filter((r) => !r.public || r.dropped).map((r) => r.id));
  const hiddenTasks = new Set(ledger.tasks.filter((t) => hidden.has(t.project)).map((t) => t.id));

  const tracks: TrackDashboard[] = [];
  const stageTotals: Record<Track, Record<string, number>> = { project: ledger.totals.projectStages, task: ledger.totals.taskStages, brand: ledger.totals.brandStages };
  // Dropped projects (未予立项, 撤销…) count nowhere: not in the totals, the stages or the funnel (domain/participation.ts).
  const counted = ledger.projects.filter((r) => !r.dropped);
  const rowsOf: Record<Track, { id: string }[]> = { project: counted, task: ledger.tasks, brand: ledger.brands };
  for (const track of ['project', 'task', 'brand'] as Track[]) {
    if (!isTrackEnabled(p, track)) continue;
    const main = mainPath(p, track);
    const records = rowsOf[track].map((r) => summary(index.get(track, r.id))).filter((d): d is NonNullable<typeof d> => !!d);
    const stages: StageBar[] = trackStages(p, track).filter((s) => !isDroppedStage(p, track, s.id)).map((s) => {
      const onMain = main.includes(s.id);
      return {
        id: s.id,
        label: lang === 'en' ? (s.label_en ?? s.label) : s.label,
        count: stageTotals[track][s.id] ?? 0,
        ...(onMain ? { reached: records.filter((r) => reachedStage(p, track, r as never, s.id)).length } : {}),
        main: onMain,
        final: !!s.final,
      };
    });
    // Records at a stage the programme does not know (bad data) still count: show them rather than lose them.
    for (const [id, count] of Object.entries(stageTotals[track])) {
      if (!stages.some((s) => s.id === id) && !isDroppedStage(p, track, id)) stages.push({ id, label: id, count, main: false, final: false });
    }
    tracks.push({ track, label: trackLabel(track, lang), total: rowsOf[track].length, stages });
  }

  const rows: CoverageOrg[] = ledger.coverage.map((c) => ({
    id: c.organisation.id,
    name: c.organisation.name,
    members: c.members,
    holders: c.holders,
    exempt: c.exempt,
    ratio: c.coverage,
    led: c.projectsLed,
    joined: c.projectsJoined,
    brands: c.brands,
  }));

  const reportsRule = p.project?.reports;
  let reports: Dashboard['reports'];
  if (reportsRule || ledger.obligations.length) {
    const byQuarter = new Map<string, QuarterReports>();
    const key: Record<ReportStatus, keyof Omit<QuarterReports, 'quarter'>> = { 'on-time': 'onTime', late: 'late', undated: 'undated', missing: 'missing', pending: 'pending' };
    for (const o of ledger.obligations) {
      let q = byQuarter.get(o.quarter);
      if (!q) byQuarter.set(o.quarter, (q = { quarter: o.quarter, onTime: 0, late: 0, undated: 0, missing: 0, pending: 0 }));
      q[key[o.status]]++;
    }
    reports = { totals: ledger.totals.reports, quarters: [...byQuarter.values()].sort((a, b) => a.quarter.localeCompare(b.quarter)) };
  }

  const t = ledger.totals;
  const starKeys = Object.keys(t.stars).map(Number).filter((n) => Number.isFinite(n)).sort((a, b) => a - b);
  const anyFourLevel = FOUR_LEVELS.some((l) => t.ratings[l] > 0);
  const ratings: Dashboard['ratings'] = {
    fourLevel: FOUR_LEVELS.map((level) => ({ level, count: t.ratings[level] })),
    ...(starKeys.length ? { stars: starKeys.map((s) => ({ stars: s, count: t.stars[String(s)] ?? 0 })) } : {}),
    acceptance: t.acceptance,
    bonus: t.bonus,
    usesFourLevel: !!p.evaluation?.four_level || anyFourLevel,
    usesBonus: !!p.evaluation?.bonus || t.bonus.count > 0,
  };

  const shown = (i: DeadlineItem) =>
    !opts.publicOnly || !i.subject || !((i.subject.kind === 'project' && hidden.has(i.subject.id)) || (i.subject.kind === 'task' && hiddenTasks.has(i.subject.id)));
  const items = deadlines.items.filter(shown);

  return {
    programme: {
      id: p.id,
      name: p.name,
      ...(p.short_name ? { shortName: p.short_name } : {}),
      ...(p.issuer ? { issuer: p.issuer } : {}),
      ...(p.document ? { document: p.document } : {}),
      year: p.year,
      years: p.years ?? 1,
      ...(p.project?.label ? { projectLabel: p.project.label } : {}),
    },
    programmes: ledger.programmes,
    today: ledger.today,
    within: deadlines.within,
    ...(opts.org ? { org: namedOrg(index, opts.org)! } : {}),
    tracks,
    coverage: {
      tasks: isTrackEnabled(p, 'task'),
      projects: isTrackEnabled(p, 'project'),
      members: t.coverage.members,
      holders: t.coverage.holders,
      exempt: t.coverage.exempt,
      ratio: t.coverage.ratio,
      organisations: rows.length,
      withProject: rows.filter((r) => r.led + r.joined > 0).length,
      rows,
    },
    ...(reports ? { reports } : {}),
    ratings,
    deadlines: { overdue: items.filter((i) => i.status === 'overdue'), dueSoon: items.filter((i) => i.status === 'due-soon') },
    totals: { projects: t.projects, tasks: t.tasks, brands: t.brands },
    dropped: opts.publicOnly ? [] : droppedStages(ledger),
    hiddenProjects: opts.publicOnly ? ledger.projects.filter((r) => !r.public && !r.dropped).length : 0,
  };
}

/** Dropped projects per dropped stage, for a line beside the figures. */
function droppedStages(ledger: Ledger): Dashboard['dropped'] {
  const out: Dashboard['dropped'] = [];
  for (const r of ledger.projects) {
    if (!r.dropped) continue;
    const known = out.find((x) => x.id === r.stage.id);
    if (known) known.count++;
    else out.push({ id: r.stage.id, label: r.stage.label, count: 1 });
  }
  return out;
}

/** Percent with no decimals unless needed: 0.875 → "87.5%". */
export function percent(ratio: number): string {
  const v = Math.round(ratio * 1000) / 10;
  return `${Number.isInteger(v) ? v.toFixed(0) : v.toFixed(1)}%`;
}
