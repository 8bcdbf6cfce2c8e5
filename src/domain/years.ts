/**
 * Programmes that run year after year in one records repository (a 2020 round, then a 2021 round, …): which one a
 * command acts on when none is named, and the year selector the ledger, status and site show. Pure: programme
 * records and a day in, a choice out.
 *
 * The choice, when `--programme` is not given:
 *   1. the only programme of the repository;
 *   2. else the programme whose period (year … year + years − 1) contains today's year;
 *   3. else (none runs this year) the newest one (the latest start year);
 *   and when two or more qualify in step 2 or 3, djyc.yaml's `default_programme` if it is one of them — otherwise
 *   the command asks for --programme (nothing is guessed).
 */
import { UsageError } from './errors.js';
import { T, type Text } from './i18n.js';
import { RecordIndex, type Repository } from './records.js';
import type { ProgrammeRecord } from './types.generated.js';

export type ChoiceReason = 'explicit' | 'only' | 'current' | 'newest';

export interface ProgrammeChoice {
  programme: ProgrammeRecord;
  reason: ChoiceReason;
  /** Every programme of the repository, newest first (what a year selector lists). */
  all: ProgrammeRecord[];
}

/** First and last calendar year of a programme's period. */
export function programmeYears(p: ProgrammeRecord): { first: number; last: number } {
  return { first: p.year, last: p.year + (p.years ?? 1) - 1 };
}

/** Newest first: later start year, then id (stable). */
export function byNewest(a: ProgrammeRecord, b: ProgrammeRecord): number {
  return b.year - a.year || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Whether a programme's period contains the year of `day`. */
export function runsIn(p: ProgrammeRecord, day: string): boolean {
  const y = Number(day.slice(0, 4));
  const { first, last } = programmeYears(p);
  return y >= first && y <= last;
}

function list(ids: ProgrammeRecord[]): string {
  return ids.map((p) => p.id).join(', ') || '—';
}

/** The programme a command acts on (see the module comment); `today` is the day it acts for. */
export function chooseProgramme(repo: Repository | RecordIndex, id: string | undefined, today: string): ProgrammeChoice {
  const index = repo instanceof RecordIndex ? repo : RecordIndex.of(repo);
  const all = index.all('programme').map((r) => r.data).sort(byNewest);
  if (id !== undefined) {
    const found = index.get('programme', id);
    if (!found) throw new UsageError(`方案“${id}”不存在（可用：${list(all)}）`, `programme "${id}" does not exist (available: ${list(all)})`);
    return { programme: found.data, reason: 'explicit', all };
  }
  if (!all.length) throw new UsageError('记录库中没有方案：请先运行 djyc init 或 djyc programme add', 'the repository has no programme: run djyc init or djyc programme add first');
  if (all.length === 1) return { programme: all[0]!, reason: 'only', all };
  const running = all.filter((p) => runsIn(p, today));
  const reason: ChoiceReason = running.length ? 'current' : 'newest';
  const candidates = running.length ? running : all.filter((p) => p.year === all[0]!.year);
  if (candidates.length === 1) return { programme: candidates[0]!, reason, all };
  const def = index.repo.config.default_programme;
  const preferred = candidates.find((p) => p.id === def);
  if (preferred) return { programme: preferred, reason, all };
  const year = today.slice(0, 4);
  throw new UsageError(
    reason === 'current'
      ? `${year} 年有多个方案在进行（${list(candidates)}），请用 --programme 指定，或在 djyc.yaml 中设 default_programme`
      : `有多个最新的方案（${list(candidates)}），请用 --programme 指定，或在 djyc.yaml 中设 default_programme`,
    reason === 'current'
      ? `several programmes run in ${year} (${list(candidates)}): choose one with --programme, or set default_programme in djyc.yaml`
      : `several newest programmes (${list(candidates)}): choose one with --programme, or set default_programme in djyc.yaml`,
  );
}

/** What to tell the user when a programme was chosen for them among several (else nothing). */
export function choiceNote(choice: ProgrammeChoice, today: string): Text | undefined {
  if (choice.reason === 'explicit' || choice.all.length < 2) return undefined;
  const p = choice.programme;
  const others = choice.all.filter((x) => x.id !== p.id).map((x) => x.id);
  const why = choice.reason === 'current' ? T(`${today.slice(0, 4)} 年度的方案`, `the programme of ${today.slice(0, 4)}`) : T('最新的方案', 'the newest programme');
  return T(
    `方案：${p.id}（${why.zh}；另有 ${others.join('、')}，可用 --programme 指定）`,
    `programme: ${p.id} (${why.en}; also ${others.join(', ')}: choose with --programme)`,
  );
}

export interface YearEntry {
  id: string;
  name: string;
  year: number;
  years: number;
  /** 2020 / 2020—2022 */
  period: string;
  current: boolean;
}

/** The year selector: every programme, newest first, the one shown marked. */
export function yearSelector(all: ProgrammeRecord[], current: string): YearEntry[] {
  return [...all].sort(byNewest).map((p) => {
    const { first, last } = programmeYears(p);
    return { id: p.id, name: p.short_name ?? p.name, year: p.year, years: p.years ?? 1, period: first === last ? String(first) : `${first}—${last}`, current: p.id === current };
  });
}

/** Programmes whose calendar reaches `day`: from the start of their first year to the end of their last window. */
export function activeOn(all: ProgrammeRecord[], day: string, windowEnd: (p: ProgrammeRecord) => string): ProgrammeRecord[] {
  return all.filter((p) => `${p.year}-01-01` <= day && day <= windowEnd(p));
}
