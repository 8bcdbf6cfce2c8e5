/**
 * Quarterly reports owed (执行书): computed here once, for the `reports-due-filed` guard, `djyc report`, the
 * ledger and the deadlines alike.
 *
 * A subject (a project, and a task when the programme's `project.reports.subjects` says so) owes a report for every
 * quarter from the one in which it first entered `reports.from_stage` (a task whose own track lacks that stage
 * starts with its project; without `from_stage`, from its first history date) until it first entered a stage that
 * requires `has-closure` (结项申请 / 成果报送), up to the programme's last quarter. A report is due `grace_days` after
 * its quarter ends; quarters due on or after the closure request are not owed. Status of one quarter:
 *   on-time  — filed, submitted_on ≤ quarter end + grace_days;
 *   late     — filed, submitted_on after that;
 *   undated  — filed without submitted_on (counted as filed, neither on time nor late);
 *   missing  — not filed and the due day has passed (overdue);
 *   pending  — not filed, not yet due.
 * Reports filed for quarters outside the obligation are listed too, judged the same (`required: false`).
 */
import { addDays, isIsoDate, quarterEnd, quartersBetween } from './dates.js';
import { findStage, firstEntered, programmeEnd, requires, trackStages, type Staged } from './programme.js';
import { summary, type RecordEntry, type RecordIndex } from './records.js';
import type { ProgrammeRecord } from './types.generated.js';

export type ReportStatus = 'on-time' | 'late' | 'undated' | 'missing' | 'pending';

export interface ReportObligation {
  subject: string;
  subjectKind: 'project' | 'task';
  quarter: string;
  /** Last day to file: quarter end + grace_days. */
  due: string;
  status: ReportStatus;
  /** The report record, when filed. */
  report?: string;
  submittedOn?: string;
  /** false for a report filed for a quarter outside the obligation period. */
  required: boolean;
}

export interface ReportSummary {
  /** 应报: owed quarters that are due by today or already filed. */
  required: number;
  filed: number;
  onTime: number;
  late: number;
  undated: number;
  missing: number;
  pending: number;
  /** Quarters with a filed report, e.g. ['2020Q2', '2020Q3']. */
  quartersFiled: string[];
  /** Quarters overdue and not filed. */
  quartersMissing: string[];
}

/** Whether the programme asks this kind of record for quarterly reports. */
export function reportsApply(p: ProgrammeRecord, kind: string): boolean {
  const cfg = p.project?.reports;
  return !!cfg && (cfg.subjects ?? ['project']).includes(kind as 'project' | 'task');
}

/** The day a subject starts owing reports (see the module comment); `project` is a task's project. */
export function reportingStart(p: ProgrammeRecord, kind: 'project' | 'task', record: Staged, project?: Staged): string | undefined {
  const from = p.project?.reports?.from_stage;
  if (!from) return record.history?.[0]?.date;
  if (findStage(p, kind, from)) return firstEntered(record, from);
  if (kind === 'task') return project ? firstEntered(project, from) : undefined;
  return undefined;
}

/** The day a subject stops owing reports: when it first entered a stage that requires a closure (结项申请 …). */
export function reportingStop(p: ProgrammeRecord, kind: 'project' | 'task', record: Staged): string | undefined {
  return trackStages(p, kind)
    .filter((s) => requires(s, 'has-closure'))
    .map((s) => firstEntered(record, s.id))
    .filter((d): d is string => !!d)
    .sort()[0];
}

// Thousands of subjects share a handful of start and stop days: their quarters are worked out once.
const owedMemo = new Map<string, readonly string[]>();
const dueMemo = new Map<number, Map<string, string>>();

/** The last day to file a quarter's report: quarter end + grace days. */
function quarterDue(quarter: string, grace: number): string {
  let byQuarter = dueMemo.get(grace);
  if (!byQuarter) dueMemo.set(grace, (byQuarter = new Map()));
  let due = byQuarter.get(quarter);
  if (due === undefined) {
    due = addDays(quarterEnd(quarter), grace);
    if (byQuarter.size < 1000) byQuarter.set(quarter, due);
  }
  return due;
}

/** Quarters owed from `start` until the programme's `last` day, or until `stop` (those due on or after it are not). */
function owedQuarters(start: string, stop: string | undefined, last: string, grace: number): readonly string[] {
  const key = `${start}|${stop ?? ''}|${last}|${grace}`;
  let out = owedMemo.get(key);
  if (!out) {
    const list: string[] = [];
    for (const q of quartersBetween(start, stop && stop < last ? stop : last)) {
      if (stop && quarterDue(q, grace) >= stop) continue;
      list.push(q);
    }
    out = list;
    if (owedMemo.size >= 10_000) owedMemo.clear();
    owedMemo.set(key, out);
  }
  return out;
}

/**
 * Quarterly report obligations of one subject, with the status of each quarter as of `today`.
 * `reportsBySubject` maps subject id → its report records; `project` is a task's project.
 */
export function subjectObligations(
  p: ProgrammeRecord,
  subjectKind: 'project' | 'task',
  subject: { id: string; record: Staged },
  reportsBySubject: ReadonlyMap<string, RecordEntry<'report'>[]>,
  today: string,
  project?: Staged,
): ReportObligation[] {
  const rules = p.project?.reports;
  const grace = rules?.grace_days ?? 0;
  const out: ReportObligation[] = [];
  const filed = new Map<string, RecordEntry<'report'>>();
  for (const r of reportsBySubject.get(subject.id) ?? []) if (!filed.has(summary(r).quarter)) filed.set(summary(r).quarter, r);
  let owed: readonly string[] = [];
  if (reportsApply(p, subjectKind)) {
    const start = reportingStart(p, subjectKind, subject.record, project);
    const stop = reportingStop(p, subjectKind, subject.record);
    if (start && isIsoDate(start)) owed = owedQuarters(start, stop, programmeEnd(p), grace);
  }
  const required = new Set(owed);
  // owed is in order; reports filed for other quarters join it.
  const quarters = filed.size ? [...new Set([...owed, ...filed.keys()])].sort() : owed;
  for (const quarter of quarters) {
    if (!/^\d{4}Q[1-4]$/.test(quarter)) continue;
    const due = quarterDue(quarter, grace);
    const r = filed.get(quarter);
    const submittedOn = summary(r)?.submitted_on;
    let status: ReportStatus;
    if (r) status = !submittedOn ? 'undated' : submittedOn <= due ? 'on-time' : 'late';
    else status = due < today ? 'missing' : 'pending';
    out.push({ subject: subject.id, subjectKind, quarter, due, status, required: required.has(quarter), ...(r ? { report: r.id } : {}), ...(submittedOn ? { submittedOn } : {}) });
  }
  return out;
}

export function summariseReports(obligations: ReportObligation[]): ReportSummary {
  const s: ReportSummary = { required: 0, filed: 0, onTime: 0, late: 0, undated: 0, missing: 0, pending: 0, quartersFiled: [], quartersMissing: [] };
  for (const o of obligations) {
    if (o.required && (o.report || o.status === 'missing')) s.required++;
    if (o.report) {
      s.filed++;
      s.quartersFiled.push(o.quarter);
    }
    if (o.status === 'on-time') s.onTime++;
    else if (o.status === 'late') s.late++;
    else if (o.status === 'undated') s.undated++;
    else if (o.status === 'missing') {
      s.missing++;
      s.quartersMissing.push(o.quarter);
    } else s.pending++;
  }
  return s;
}

export interface DueReport {
  /** Quarter, e.g. 2020Q3. */
  quarter: string;
  /** Last day to file it (quarter end + grace days). */
  due: string;
  /** The report filed for it, if any. */
  report?: string;
}

/** The subject's owed reports whose due day has passed by `today` (filed or not): what the guard requires. */
export function reportsDue(p: ProgrammeRecord, subject: RecordEntry, index: RecordIndex, today: string): DueReport[] {
  if (subject.kind !== 'project' && subject.kind !== 'task') return [];
  const reports = new Map([[subject.id, index.where('report', 'subject', subject.id)]]);
  const project = subject.kind === 'task' ? summary(index.get('project', (summary(subject) as { project?: string }).project)) : undefined;
  return subjectObligations(p, subject.kind, { id: subject.id, record: summary(subject) as Staged }, reports, today, project)
    .filter((o) => o.required && o.due < today)
    .map((o) => ({ quarter: o.quarter, due: o.due, ...(o.report ? { report: o.report } : {}) }));
}
