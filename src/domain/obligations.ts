/** Which quarterly reports (执行书) a project or task owes by a given day — used by the guard and by `djyc report`. */
import { addDays, quarterEnd, quarterOf, quartersBetween } from './dates.js';
import { findStage, type Track } from './programme.js';
import type { RecordEntry, RecordIndex } from '../store/repo.js';
import type { ProgrammeRecord } from './types.generated.js';
import { firstEntered, requires, trackStages } from './stages.js';

export interface DueReport {
  /** Quarter, e.g. 2020Q3. */
  quarter: string;
  /** Last day to file it (quarter end + grace days). */
  due: string;
  /** The report filed for it, if any. */
  report?: string;
}

/** Whether the programme asks this kind of record for quarterly reports. */
export function reportsApply(p: ProgrammeRecord, kind: string): boolean {
  const cfg = p.project?.reports;
  return !!cfg && (cfg.subjects ?? ['project']).includes(kind as 'project' | 'task');
}

/**
 * The day reporting starts: when the record first entered the programme's `reports.from_stage`. A task whose own
 * track has no such stage starts with its project.
 */
export function reportingStart(p: ProgrammeRecord, subject: RecordEntry, index: RecordIndex): string | undefined {
  const from = p.project?.reports?.from_stage;
  if (!from) return (subject.data as { history?: { date: string }[] }).history?.[0]?.date;
  const track = subject.kind as Track;
  if (findStage(p, track, from)) return firstEntered(subject, from);
  if (subject.kind === 'task') {
    const project = index.get('project', (subject.data as { project?: string }).project);
    return project ? firstEntered(project, from) : undefined;
  }
  return undefined;
}

/**
 * Reports due so far: every quarter from the one in which reporting started to the last one that ended (plus
 * `grace_days`) before `today` — or before the day closure was first requested, after which no more are owed.
 */
export function reportsDue(p: ProgrammeRecord, subject: RecordEntry, index: RecordIndex, today: string): DueReport[] {
  const cfg = p.project?.reports;
  if (!cfg || !reportsApply(p, subject.kind)) return [];
  const start = reportingStart(p, subject, index);
  if (!start || start > today) return [];
  const grace = cfg.grace_days ?? 0;
  const closingStages = trackStages(p, subject.kind as Track).filter((s) => requires(s, 'has-closure')).map((s) => s.id);
  const closedOn = closingStages.map((s) => firstEntered(subject, s)).filter((d): d is string => !!d).sort()[0];
  const limit = closedOn && closedOn < today ? closedOn : today;
  const filed = new Map<string, string>();
  for (const r of index.all('report')) if (r.data.subject === subject.id && !filed.has(r.data.quarter)) filed.set(r.data.quarter, r.id);
  const out: DueReport[] = [];
  for (const quarter of quartersBetween(start, limit)) {
    const due = addDays(quarterEnd(quarter), grace);
    if (due >= limit) continue;
    out.push({ quarter, due, report: filed.get(quarter) });
  }
  return out;
}

export { quarterOf };
