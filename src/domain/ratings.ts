/**
 * How a programme rates a record, read from `evaluation`: `four_level` (评议 好/较好/一般/较差 by the branch
 * committee and the Party committee, plus the public poll) for the kinds it lists; `stars` (1–5 on the criteria)
 * and `bonus` (加分) for projects; anything else gets a written review opinion (评审组意见).
 */
import type { ProgrammeRecord } from './types.generated.js';
import { T } from './i18n.js';
import { evaluationOf, summary, type RecordEntry, type RecordIndex } from './records.js';

export type RatingKind = 'four-level' | 'stars' | 'bonus' | 'opinion';

export const FOUR_LEVELS = ['好', '较好', '一般', '较差'] as const;
export type FourLevel = (typeof FOUR_LEVELS)[number];
/** Points of the four levels, used to rank organisations (好 4 … 较差 1). */
export const LEVEL_POINTS: Record<FourLevel, number> = { 好: 4, 较好: 3, 一般: 2, 较差: 1 };

export function ratingKinds(p: ProgrammeRecord, kind: string): RatingKind[] {
  const e = p.evaluation ?? {};
  const out: RatingKind[] = [];
  if (e.four_level && (e.four_level.subjects ?? ['task']).includes(kind as 'task')) out.push('four-level');
  if (e.stars && kind === 'project') out.push('stars');
  if (e.bonus && kind === 'project') out.push('bonus');
  if (!out.length) out.push('opinion');
  return out;
}

/** Whether a record carries every rating its programme asks of it. */
export function hasRating(p: ProgrammeRecord, subject: RecordEntry, index: RecordIndex): boolean {
  const ev = summary(evaluationOf(index, subject.id));
  if (!ev) return false;
  return ratingKinds(p, subject.kind).every((k) => {
    switch (k) {
      case 'four-level': {
        const fl = p.evaluation!.four_level!;
        const opinions = fl.opinions ?? ['branch', 'committee'];
        if (opinions.includes('branch') && !ev.branch_rating) return false;
        if (opinions.includes('committee') && !ev.committee_rating) return false;
        if (fl.poll && !ev.poll) return false;
        return true;
      }
      case 'stars':
        return typeof ev.stars?.overall === 'number';
      case 'bonus':
        return typeof ev.bonus_points === 'number';
      default:
        return !!(ev.review_opinion || ev.committee_opinion);
    }
  });
}

/** The grade a star rating earns under the programme's thresholds (合格 / 表彰 / 示范). */
export function starGrade(p: ProgrammeRecord, overall: number): { zh: string; en: string } {
  const t = p.evaluation?.stars?.thresholds ?? {};
  if (t.model !== undefined && overall >= t.model) return T('典型示范项目', 'model project');
  if (t.commended !== undefined && overall >= t.commended) return T('发文表彰项目', 'commended project');
  if (t.qualified !== undefined && overall >= t.qualified) return T('合格项目', 'qualified project');
  return T('不合格', 'not qualified');
}
