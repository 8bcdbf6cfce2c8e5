import type { ProgrammeRecord } from './types.generated.js';
import { monthDay } from './dates.js';

export type Track = 'project' | 'task' | 'brand';
export type Stage = NonNullable<ProgrammeRecord['project']>['stages'][number];

/** The kinds whose records move through stages, and the track each follows. */
export const TRACK_OF_KIND: Record<string, Track | undefined> = { project: 'project', task: 'task', brand: 'brand' };

export function trackStages(p: ProgrammeRecord, track: Track): Stage[] {
  return p[track]?.stages ?? [];
}

export function isTrackEnabled(p: ProgrammeRecord, track: Track): boolean {
  const t = p[track];
  return !!t && t.enabled !== false && trackStages(p, track).length > 0;
}

export function initialStage(p: ProgrammeRecord, track: Track): Stage | undefined {
  return trackStages(p, track)[0];
}

export function findStage(p: ProgrammeRecord, track: Track, id: string | undefined): Stage | undefined {
  return trackStages(p, track).find((s) => s.id === id);
}

/** Position of a stage in its track (for "at or after stage X" tests); -1 when unknown. */
export function stageIndex(p: ProgrammeRecord, track: Track, id: string | undefined): number {
  return trackStages(p, track).findIndex((s) => s.id === id);
}

export type Window = NonNullable<ProgrammeRecord['calendar']>[number];

/** Absolute start and end of a calendar window. */
export function windowDates(p: ProgrammeRecord, w: Window): { start: string; end: string } {
  const startYear = p.year + (w.year_offset ?? 0);
  const endYear = p.year + (w.end_year_offset ?? w.year_offset ?? 0);
  return { start: monthDay(startYear, w.start), end: monthDay(endYear, w.end) };
}

export function findWindow(p: ProgrammeRecord, id: string | undefined): Window | undefined {
  return id ? p.calendar?.find((w) => w.id === id) : undefined;
}

/** Whether a window has closed by `today` (unknown windows never close: rules stay warnings). */
export function windowClosed(p: ProgrammeRecord, id: string | undefined, today: string): boolean {
  const w = findWindow(p, id);
  return !!w && windowDates(p, w).end < today;
}

/** The last day the programme runs: end of its final year. */
export function programmeEnd(p: ProgrammeRecord): string {
  return `${p.year + (p.years ?? 1) - 1}-12-31`;
}
