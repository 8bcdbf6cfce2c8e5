/** Stages and history of records (pure helpers over a programme and a record). */
import { findStage, trackStages, type Stage, type Track } from './programme.js';
import type { RecordEntry } from '../store/repo.js';
import type { ProgrammeRecord } from './types.generated.js';

export { trackStages };

/** A history entry: stage after the act, the stage before (stage changes only), date, actor, note. */
export interface HistoryEntry {
  stage: string;
  from?: string;
  date: string;
  by?: string;
  note?: string;
}

export function stageLabel(s: Stage | undefined, lang: 'zh' | 'en' = 'zh'): string {
  if (!s) return '';
  return lang === 'en' ? (s.label_en ?? s.id) : s.label;
}

export function stageName(p: ProgrammeRecord, track: Track, id: string, lang: 'zh' | 'en'): string {
  const s = findStage(p, track, id);
  if (!s) return id;
  return lang === 'zh' ? `${s.id}（${s.label}）` : `${s.id} (${s.label_en ?? s.label})`;
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

export function atPoint(p: ProgrammeRecord, track: Track, stage: Stage, ...words: string[]): Stage[] {
  return nextStages(p, track, stage).filter((s) => words.some((w) => requires(s, w)));
}

export function pointStages(p: ProgrammeRecord, track: Track, ...words: string[]): Stage[] {
  return trackStages(p, track).filter((s) => atPoint(p, track, s, ...words).length > 0);
}

export function historyOf(entry: RecordEntry): HistoryEntry[] {
  const h = (entry.data as { history?: HistoryEntry[] }).history;
  return Array.isArray(h) ? h.filter((x) => x && typeof x.stage === 'string' && typeof x.date === 'string') : [];
}

function entries(entry: RecordEntry): HistoryEntry[] {
  return historyOf(entry).filter((h, i) => i === 0 || (h.from !== undefined && h.from !== h.stage));
}

export function reached(entry: RecordEntry, stageId: string): boolean {
  return (entry.data as { stage?: string }).stage === stageId || historyOf(entry).some((h) => h.stage === stageId);
}

export function firstEntered(entry: RecordEntry, stageId: string): string | undefined {
  return entries(entry).find((h) => h.stage === stageId)?.date;
}

export function lastEntered(entry: RecordEntry, stageId: string): string | undefined {
  return entries(entry).filter((h) => h.stage === stageId).pop()?.date;
}

export function isDropped(p: ProgrammeRecord, project: RecordEntry<'project'>): boolean {
  const stages = trackStages(p, 'project');
  const s = stages.find((x) => x.id === project.data.stage);
  if (!s?.final) return false;
  const claimAt = stages.findIndex((x) => requires(x, 'has-lead'));
  return claimAt >= 0 && stages.indexOf(s) < claimAt;
}
