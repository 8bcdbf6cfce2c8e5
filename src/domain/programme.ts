/**
 * A programme as the rest of djyc reads it: its tracks and stages, calendar windows, the history of a record
 * moving through the stages, and which programme a command acts on. Pure: programme and record data in, values out.
 */
import type { ProgrammeRecord } from './types.generated.js';
import { monthDay } from './dates.js';
import { UsageError } from './errors.js';
import { showingIds } from './i18n.js';
import { RecordIndex, type Repository } from './records.js';
import { chooseProgramme } from './years.js';

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

/** Absolute start and end of a calendar window (its first occurrence, for a window that recurs every year). */
export function windowDates(p: ProgrammeRecord, w: Window): { start: string; end: string } {
  const startYear = p.year + (w.year_offset ?? 0);
  const endYear = p.year + (w.end_year_offset ?? w.year_offset ?? 0);
  return { start: monthDay(startYear, w.start), end: monthDay(endYear, w.end) };
}

/** One occurrence of a window: its dates and the programme year it belongs to. */
export interface Occurrence {
  start: string;
  end: string;
  year: number;
}

/**
 * Every occurrence of a window: one, or — for a window marked `every_year` — one in each programme year from its
 * `year_offset` to the programme's last year (004: a review at the end of every phase year).
 */
export function windowOccurrences(p: ProgrammeRecord, w: Window): Occurrence[] {
  const first = windowDates(p, w);
  const year = p.year + (w.year_offset ?? 0);
  if (!w.every_year) return [{ ...first, year }];
  const span = (w.end_year_offset ?? w.year_offset ?? 0) - (w.year_offset ?? 0);
  const out: Occurrence[] = [];
  for (let y = year; y <= p.year + (p.years ?? 1) - 1; y++) out.push({ start: monthDay(y, w.start), end: monthDay(y + span, w.end), year: y });
  return out.length ? out : [{ ...first, year }];
}

/** The occurrence of a window that applies from `anchor` on: the first not yet ended on that day, else the last. */
export function occurrenceFrom(p: ProgrammeRecord, w: Window, anchor: string): Occurrence {
  const all = windowOccurrences(p, w);
  return all.find((o) => o.end >= anchor) ?? all[all.length - 1]!;
}

/** Whether a day falls inside any occurrence of a window. */
export function inWindow(p: ProgrammeRecord, w: Window, day: string): Occurrence | undefined {
  return windowOccurrences(p, w).find((o) => o.start <= day && day <= o.end);
}

/**
 * The day from which a record's windows are counted: the day it entered its current stage; for a stage marked
 * `next_year` (继续培育: the decision carries the record into next year's round), the first day of the next year.
 */
export function roundAnchor(p: ProgrammeRecord, track: Track, record: Staged): string {
  const since = lastEntered(record, record.stage ?? '') ?? historyOf(record)[0]?.date ?? `${p.year}-01-01`;
  return findStage(p, track, record.stage)?.next_year ? `${Number(since.slice(0, 4)) + 1}-01-01` : since;
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

/** The last day of the programme's calendar: its end, or a later window (交流展示 in the next January). */
export function calendarEnd(p: ProgrammeRecord): string {
  let last = programmeEnd(p);
  for (const w of p.calendar ?? []) {
    if (typeof w.start !== 'string' || typeof w.end !== 'string') continue;
    for (const o of windowOccurrences(p, w)) if (o.end > last) last = o.end;
  }
  return last;
}

/**
 * Resolves which programme a command acts on. With `today`: explicit, else the one of today's year (years.ts
 * chooseProgramme). Without: explicit, else the repository's default, else the only one.
 */
export function resolveProgramme(repo: Repository | RecordIndex, id?: string, today?: string): ProgrammeRecord {
  if (today !== undefined) return chooseProgramme(repo, id, today).programme;
  const index = repo instanceof RecordIndex ? repo : RecordIndex.of(repo);
  const wanted = id ?? index.repo.config.default_programme;
  const all = index.all('programme');
  const found = wanted ? index.get('programme', wanted) : all.length === 1 ? all[0] : undefined;
  if (!found) {
    const known = all.map((p) => p.id).join(', ') || '—';
    throw new UsageError(
      wanted ? `方案“${wanted}”不存在（可用：${known}）` : `请用 --programme 指定方案（可用：${known}）`,
      wanted ? `programme "${wanted}" does not exist (available: ${known})` : `choose a programme with --programme (available: ${known})`,
    );
  }
  return found.data;
}

// ---- stages ---------------------------------------------------------------------------------------------------

export function stageLabel(s: Stage | undefined, lang: 'zh' | 'en' = 'zh'): string {
  if (!s) return '';
  return lang === 'en' ? (s.label_en ?? s.id) : s.label;
}

/**
 * A stage as messages name it: by its programme label (项目认定（立项）); in English by its English label with the id
 * in brackets when they differ (closure requested (closing)); with `--verbose` (showIds) the Chinese, too, adds the id.
 */
export function stageName(p: ProgrammeRecord, track: Track, id: string, lang: 'zh' | 'en'): string {
  const s = findStage(p, track, id);
  if (!s) return id;
  if (lang === 'en') {
    const label = s.label_en ?? s.id;
    return label === s.id ? s.id : `${label} (${s.id})`;
  }
  return showingIds() ? `${s.label}（${s.id}）` : s.label;
}

/** A label without its bracketed part: 项目认定（立项） → 项目认定. */
function bare(label: string): string {
  return label.replace(/[（(][^（）()]*[）)]\s*$/, '').trim();
}

/**
 * The stage a user names (`--to 项目认定（立项）`, `--to 项目认定`, `--to approved`, `--to "closure requested"`): its id,
 * its label, its label without the bracketed part, or its English label; spaces, full- and half-width forms and
 * Latin case ignored. Several stages of the track answering to the text is an ambiguity the caller reports.
 */
export function stagesNamed(p: ProgrammeRecord, track: Track, text: string): Stage[] {
  const norm = (x: string) => x.normalize('NFKC').replace(/\s+/g, '').toLowerCase();
  const want = norm(text);
  if (!want) return [];
  const stages = trackStages(p, track);
  const exact = stages.filter((s) => s.id === text.trim());
  if (exact.length) return exact;
  for (const key of [(s: Stage) => [s.id, s.label, s.label_en ?? ''], (s: Stage) => [bare(s.label)]]) {
    const found = stages.filter((s) => key(s).some((k) => k && norm(k) === want));
    if (found.length) return found;
  }
  return [];
}

export function nextStages(p: ProgrammeRecord, track: Track, stage: Stage): Stage[] {
  return (stage.next ?? []).map((id) => findStage(p, track, id)).filter((s): s is Stage => !!s);
}

export function requires(s: Stage | undefined, word: string): boolean {
  return !!s?.requires?.includes(word as never);
}

export function stagesRequiring(p: ProgrammeRecord, track: Track, ...words: string[]): Stage[] {
  return trackStages(p, track).filter((s) => words.some((w) => requires(s, w)));
}

/** The next stages of `stage` that require one of `words`. */
export function atPoint(p: ProgrammeRecord, track: Track, stage: Stage, ...words: string[]): Stage[] {
  return nextStages(p, track, stage).filter((s) => words.some((w) => requires(s, w)));
}

/** The stages from which a stage requiring one of `words` can be entered. */
export function pointStages(p: ProgrammeRecord, track: Track, ...words: string[]): Stage[] {
  return trackStages(p, track).filter((s) => atPoint(p, track, s, ...words).length > 0);
}

/**
 * Whether a stage drops its records (未予立项, 撤销…): nobody leads them and nothing counts them. The programme says
 * so with `dropped` on the stage; a programme file without the flag: a final stage that cannot be reached from a
 * stage requiring a closure (a project that ended before it was ever closed, as against one that failed review).
 */
export function isDroppedStage(p: ProgrammeRecord, track: Track, stageId: string | undefined): boolean {
  const stages = trackStages(p, track);
  const s = stages.find((x) => x.id === stageId);
  if (!s) return false;
  if (s.dropped !== undefined) return s.dropped;
  if (!s.final) return false;
  const closing = stages.filter((x) => requires(x, 'has-closure'));
  if (!closing.length) return false;
  const seen = new Set<string>(closing.map((x) => x.id));
  const queue = [...seen];
  while (queue.length) {
    for (const n of findStage(p, track, queue.shift())?.next ?? []) {
      if (!seen.has(n)) {
        seen.add(n);
        queue.push(n);
      }
    }
  }
  return !seen.has(s.id);
}

/** Whether a project is dropped (see isDroppedStage): not led by anyone, counted nowhere, published nowhere. */
export function isDropped(p: ProgrammeRecord, project: { stage?: string }): boolean {
  return isDroppedStage(p, 'project', project.stage);
}

// ---- history ----------------------------------------------------------------------------------------------------

/** A history entry: stage after the act, the stage before (stage changes only), date, actor, note. */
export interface HistoryEntry {
  stage: string;
  from?: string;
  date: string;
  by?: string;
  note?: string;
}

/** What the history helpers read of a record: its stage and history. */
export interface Staged {
  stage?: string;
  history?: HistoryEntry[];
}

/** The well-formed entries of a record's history. */
export function historyOf(record: Staged): HistoryEntry[] {
  const h = record.history;
  return Array.isArray(h) ? h.filter((x) => x && typeof x.stage === 'string' && typeof x.date === 'string') : [];
}

/** The entries that moved the record: the first one, and every later one at another stage than the entry before (notes appended while a record stays at its stage are not moves). */
function moves(record: Staged): HistoryEntry[] {
  return historyOf(record).filter((h, i, all) => i === 0 || h.stage !== all[i - 1]!.stage);
}

/** Whether the record is at a stage or its history records it there. */
export function reached(record: Staged, stageId: string): boolean {
  return record.stage === stageId || historyOf(record).some((h) => h.stage === stageId);
}

/** Whether the record is at or past a stage: reached, or its current stage comes later in the track. */
export function reachedStage(p: ProgrammeRecord, track: Track, record: Staged, stageId: string): boolean {
  if (reached(record, stageId)) return true;
  const target = stageIndex(p, track, stageId);
  const current = stageIndex(p, track, record.stage);
  return target >= 0 && current > target;
}

/** The date the record first moved into a stage, if recorded. */
export function firstEntered(record: Staged, stageId: string): string | undefined {
  return moves(record).find((h) => h.stage === stageId)?.date;
}

/** The date the record last moved into a stage, if recorded. */
export function lastEntered(record: Staged, stageId: string): string | undefined {
  return moves(record).filter((h) => h.stage === stageId).pop()?.date;
}

export interface StageInfo {
  id: string;
  label: string;
  labelEn: string;
  final: boolean;
  /** Date of the history entry that moved the record into this stage, if recorded. */
  since?: string;
}

/** The record's current stage with the programme's labels and the date it was entered. */
export function stageInfo(p: ProgrammeRecord, track: Track, record: { stage: string; history?: HistoryEntry[] }): StageInfo {
  const s = findStage(p, track, record.stage);
  const since = [...historyOf(record)].reverse().find((h) => h.stage === record.stage)?.date;
  return { id: record.stage, label: s?.label ?? record.stage, labelEn: s?.label_en ?? record.stage, final: !!s?.final, ...(since ? { since } : {}) };
}

/**
 * The stage at which a project is approved (立项, 审核确定): the stage a decision leads to besides a dropped one
 * (applied → approved | rejected); without such a branch, the first stage requiring a number.
 */
export function approvalStage(p: ProgrammeRecord, track: Track = 'project'): Stage | undefined {
  const stages = trackStages(p, track);
  for (const s of stages) {
    const next = s.next ?? [];
    if (!next.some((n) => isDroppedStage(p, track, n))) continue;
    const approved = next.find((n) => !isDroppedStage(p, track, n));
    if (approved) return findStage(p, track, approved);
  }
  return stages.find((s) => requires(s, 'has-number'));
}

/**
 * Where a project's duration (project.duration: 最长不超过2年) counts from: its start date, else the date it was
 * approved (from its history), else the start of the programme's year — so leaving out the start never lifts the limit.
 */
export function durationStart(p: ProgrammeRecord, project: Staged & { start?: unknown }): { date: string; from: 'start' | 'approval' | 'year' } {
  if (typeof project.start === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(project.start)) return { date: project.start, from: 'start' };
  const approval = approvalStage(p);
  const approved = approval ? firstEntered(project, approval.id) : undefined;
  if (approved) return { date: approved, from: 'approval' };
  return { date: `${p.year}-01-01`, from: 'year' };
}
