/**
 * 加分 per unit (seed 002): a project that passes review earns bonus points for its lead unit and for each
 * co-organiser (对牵头领办单位和联办单位…给予加分，最高不超过20分). The per-unit list is what the annual assessment
 * (机关党建年度考核) reads: each unit's awards, their sum, and what counts after the cap. Pure.
 */
import type { EvaluationRecord, ProgrammeRecord, ProjectRecord } from './types.generated.js';
import { groupBy, namedOrg, summary, type Named, type RecordIndex } from './records.js';

export interface UnitAward {
  organisation: string;
  points: number;
}

/**
 * The points each unit of a project earned: `bonus_by_unit` when recorded, else (an older record, or a programme
 * without per-unit bonus) `bonus_points` for the lead unit.
 */
export function unitAwards(project: ProjectRecord, ev: EvaluationRecord | undefined): UnitAward[] {
  if (!ev) return [];
  if (ev.bonus_by_unit?.length) return ev.bonus_by_unit.map((u) => ({ organisation: u.organisation, points: u.points }));
  if (typeof ev.bonus_points === 'number' && project.lead) return [{ organisation: project.lead, points: ev.bonus_points }];
  return [];
}

export interface UnitBonusRow {
  organisation: Named;
  awards: { project: string; title: string; number?: string; role: 'lead' | 'co-organiser'; points: number }[];
  /** Sum of the awards. */
  total: number;
  /** What the annual assessment counts: the sum, at most the programme's cap (最高不超过 N 分). */
  counted: number;
}

/** The per-unit bonus list of a programme, units in order of points counted (most first), then name. */
export function unitBonusList(index: RecordIndex, p: ProgrammeRecord, scope?: Set<string>): UnitBonusRow[] {
  const cap = p.evaluation?.bonus?.max;
  // Summaries only (domain/records.ts): titles, leads, numbers and ratings are in them; the projects' prose is not read.
  const evaluations = groupBy(index.all('evaluation').filter((e) => summary(e).programme === p.id), (e) => summary(e).subject);
  const rows = new Map<string, UnitBonusRow>();
  for (const entry of index.all('project').filter((x) => summary(x).programme === p.id)) {
    const pr = summary(entry);
    const ev = (evaluations.get(entry.id) ?? []).map((e) => summary(e)).sort((a, b) => (a.rated_on ?? '').localeCompare(b.rated_on ?? '')).pop();
    for (const a of unitAwards(pr, ev)) {
      if (scope && !scope.has(a.organisation)) continue;
      let row = rows.get(a.organisation);
      if (!row) rows.set(a.organisation, (row = { organisation: namedOrg(index, a.organisation)!, awards: [], total: 0, counted: 0 }));
      row.awards.push({ project: entry.id, title: pr.title, ...(pr.number ? { number: pr.number } : {}), role: a.organisation === pr.lead ? 'lead' : 'co-organiser', points: a.points });
      row.total += a.points;
    }
  }
  for (const row of rows.values()) row.counted = cap === undefined ? row.total : Math.min(row.total, cap);
  return [...rows.values()].sort((a, b) => b.counted - a.counted || a.organisation.name.localeCompare(b.organisation.name, 'zh-CN'));
}
