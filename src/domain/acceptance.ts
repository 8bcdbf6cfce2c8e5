/**
 * Acceptance (验收) as a list of rounds: each `djyc accept` adds one (date, result, the panel's opinion, the methods,
 * the panel that sat); a rework round (整改) stays in the record when the next round passes. An evaluation written
 * before rounds existed holds one round as a plain mapping: it reads as a list of one, and the next write turns it
 * into a list (the same round first, so nothing recorded changes).
 */
import type { EvaluationRecord } from './types.generated.js';
import { chineseDate } from './dates.js';
import { T, type Text } from './i18n.js';

/** The measures `djyc intervene` records on slow or failing projects. */
export const INTERVENTIONS = ['约谈', '挂牌帮扶', '调整'] as const;

export type AcceptanceRound = Extract<NonNullable<EvaluationRecord['acceptance']>, unknown[]>[number];

/** The rounds of an evaluation, oldest first (a legacy single mapping is one round). */
export function acceptanceRounds(ev: Pick<EvaluationRecord, 'acceptance'> | undefined): AcceptanceRound[] {
  const a = ev?.acceptance as unknown;
  if (Array.isArray(a)) return a.filter((r): r is AcceptanceRound => !!r && typeof r === 'object' && typeof (r as AcceptanceRound).date === 'string');
  if (a && typeof a === 'object' && typeof (a as AcceptanceRound).date === 'string') return [a as AcceptanceRound];
  return [];
}

/** The latest round (the conclusion that stands), if any. */
export function latestRound(ev: Pick<EvaluationRecord, 'acceptance'> | undefined): AcceptanceRound | undefined {
  const rounds = acceptanceRounds(ev);
  return rounds[rounds.length - 1];
}

export const RESULT_LABELS: Record<AcceptanceRound['result'], Text> = { pass: T('通过', 'passed'), rework: T('整改', 'rework') };

/** One round as an office writes it: 2020年11月25日 整改：意见（查阅资料、四不两直现场印证）. */
export function roundLine(r: AcceptanceRound, lang: 'zh' | 'en' = 'zh'): string {
  const methods = r.methods?.length ? (lang === 'zh' ? `（${r.methods.join('、')}）` : ` (${r.methods.join(', ')})`) : '';
  const label = lang === 'zh' ? RESULT_LABELS[r.result].zh : RESULT_LABELS[r.result].en;
  const date = lang === 'zh' ? chineseDate(r.date) || r.date : r.date;
  return lang === 'zh' ? `${date} ${label}${r.opinion ? `：${r.opinion}` : ''}${methods}` : `${date} ${label}${r.opinion ? `: ${r.opinion}` : ''}${methods}`;
}

/**
 * The 验收组意见 box of a closure form, as an office reads it: the opinion that stands (the latest round), and
 * when there were earlier rounds, a line listing them in order — 此前验收：第1轮 2020年11月25日 整改：……
 */
export function panelOpinionText(ev: Pick<EvaluationRecord, 'acceptance'> | undefined): string {
  const rounds = acceptanceRounds(ev);
  const last = rounds[rounds.length - 1];
  if (!last) return '';
  const head = last.opinion ?? '';
  if (rounds.length === 1) return head;
  const earlier = rounds.slice(0, -1).map((r, i) => `第${i + 1}轮 ${roundLine(r)}`).join('；');
  const verdict = `第${rounds.length}轮验收（${chineseDate(last.date) || last.date}）结论：${RESULT_LABELS[last.result].zh}`;
  return [head, verdict, `此前验收：${earlier}`].filter(Boolean).join('\n');
}
