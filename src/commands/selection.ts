/**
 * `djyc select`: a programme's year-end selection (十佳 organisations or projects, 3–5 示范 projects, ~10 示范 brands),
 * ranked by the selection's `criteria`, written as a `selection` record:
 *   stars              projects by overall stars, then the sum of the criteria; only qualified ones (≥ thresholds.qualified);
 *   four-level         organisations by the mean score of the rated tasks of the projects they lead
 *                      (好 4, 较好 3, 一般 2, 较差 1; a task's score is the mean of its opinions and its poll average);
 *   bonus              projects by bonus points (> 0);
 *   brand-recognition  recognised brands (at a stage requiring has-rating, or final, with a rating) by outcome
 *                      (the programme's first outcome best), pairings, annual goals, recognition date;
 *   manual             the subjects given with `pick`, in that order (min–max enforced).
 */
import type { ProgrammeRecord } from '../domain/types.generated.js';
import { findStage, isDropped, reached, requires } from '../domain/programme.js';
import { latestRound } from '../domain/acceptance.js';
import { Workspace, clean, refuse, setField, usage, type OpOptions, type OpResult } from './workspace.js';
import { hasRating, FOUR_LEVELS, LEVEL_POINTS, type FourLevel } from '../domain/ratings.js';
import { RECHECK_AWARD } from './panel.js';
import { type RecordEntry, type RecordIndex, evaluationOf, orgName } from '../domain/records.js';

type Selection = NonNullable<ProgrammeRecord['selections']>[number];

export interface SelectOptions extends OpOptions {
  programme?: string;
  award?: string;
  /** Subjects chosen by hand (criteria manual), in rank order. */
  pick?: string[];
  /** Fewer entries than the selection's max. */
  max?: number;
  replace?: boolean;
}

export interface Ranked {
  subject: string;
  score?: number;
  reason: string;
}

export interface SelectResult extends OpResult {
  selection: string;
  award: string;
  title: string;
  entries: (Ranked & { rank: number; name: string })[];
}

const round2 = (n: number) => Math.round(n * 100) / 100;
const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function taskScore(ev: RecordEntry<'evaluation'>['data']): number | undefined {
  const parts: number[] = [];
  if (ev.branch_rating) parts.push(LEVEL_POINTS[ev.branch_rating as FourLevel]);
  if (ev.committee_rating) parts.push(LEVEL_POINTS[ev.committee_rating as FourLevel]);
  if (ev.poll && ev.poll.participants > 0) parts.push(FOUR_LEVELS.reduce((a, l) => a + LEVEL_POINTS[l] * (ev.poll!.votes[l] ?? 0), 0) / ev.poll.participants);
  return parts.length ? parts.reduce((a, b) => a + b, 0) / parts.length : undefined;
}

/** Ranks the candidates of a selection (computed criteria only). */
export function rank(index: RecordIndex, p: ProgrammeRecord, sel: Selection): Ranked[] {
  const projects = index.all('project').filter((x) => x.data.programme === p.id && !isDropped(p, x.data)).sort(byId);
  switch (sel.criteria) {
    case 'stars': {
      const q = p.evaluation?.stars?.thresholds?.qualified ?? p.evaluation?.stars?.min ?? 1;
      return projects
        .map((x) => ({ x, s: evaluationOf(index, x.id)?.data.stars }))
        .filter((r) => typeof r.s?.overall === 'number' && r.s.overall >= q)
        .map((r) => ({ r, sum: Object.values(r.s!.criteria ?? {}).reduce((a, b) => a + b, 0) }))
        .sort((a, b) => b.r.s!.overall - a.r.s!.overall || b.sum - a.sum || byId(a.r.x, b.r.x))
        .map(({ r }) => ({
          subject: r.x.id, score: r.s!.overall,
          reason: `综合 ${r.s!.overall} 星${r.s!.criteria ? `（${Object.entries(r.s!.criteria).map(([k, v]) => `${k} ${v}`).join('，')}）` : ''}`,
        }));
    }
    case 'four-level': {
      const byOrg = new Map<string, number[]>();
      for (const t of index.all('task').filter((x) => x.data.programme === p.id)) {
        const project = index.get('project', t.data.project);
        const ev = evaluationOf(index, t.id)?.data;
        if (!project?.data.lead || !ev) continue;
        const s = taskScore(ev);
        if (s === undefined) continue;
        const list = byOrg.get(project.data.lead) ?? [];
        list.push(s);
        byOrg.set(project.data.lead, list);
      }
      return [...byOrg.entries()]
        .map(([org, scores]) => ({ org, n: scores.length, mean: round2(scores.reduce((a, b) => a + b, 0) / scores.length) }))
        .sort((a, b) => b.mean - a.mean || b.n - a.n || (a.org < b.org ? -1 : 1))
        .map((r) => ({ subject: r.org, score: r.mean, reason: `${r.n} 项党员领办任务评议平均 ${r.mean} 分（好 4、较好 3、一般 2、较差 1）` }));
    }
    case 'bonus':
      return projects
        .map((x) => ({ x, b: evaluationOf(index, x.id)?.data.bonus_points }))
        .filter((r) => typeof r.b === 'number' && r.b > 0)
        .sort((a, b) => b.b! - a.b! || byId(a.x, b.x))
        .map((r) => ({ subject: r.x.id, score: r.b!, reason: `评审通过，加 ${r.b} 分` }));
    case 'brand-recognition': {
      const outcomes = p.brand?.outcomes ?? [];
      const brands = index.all('brand').filter((b) => b.data.programme === p.id).sort(byId);
      const recognised = brands.filter((b) => {
        const s = findStage(p, 'brand', b.data.stage);
        return (requires(s, 'has-rating') || !!s?.final) && hasRating(p, b, index);
      });
      const outcomeRank = (o?: string) => (o && outcomes.includes(o) ? outcomes.indexOf(o) : outcomes.length > 1 ? 0.5 : 0);
      return recognised
        .map((b) => ({ b, o: outcomeRank(b.data.outcome), pairs: b.data.pairings?.length ?? 0, goals: b.data.annual_goals?.length ?? 0, named: b.data.recognition?.named_on ?? (b.data.history ?? []).find((h) => requires(findStage(p, 'brand', h.stage), 'has-rating'))?.date ?? '9999' }))
        .sort((a, b) => a.o - b.o || b.pairs - a.pairs || b.goals - a.goals || (a.named < b.named ? -1 : a.named > b.named ? 1 : 0) || byId(a.b, b.b))
        .map((r) => ({
          subject: r.b.id,
          reason: [`品牌“${r.b.data.name}”已认定命名`, r.b.data.outcome ? `提升结论：${r.b.data.outcome}` : '', r.pairs ? `结对共建 ${r.pairs} 个` : '', r.goals ? `上报年度目标 ${r.goals} 次` : ''].filter(Boolean).join('；'),
        }));
    }
    default:
      return [];
  }
}

function subjectName(index: RecordIndex, id: string): string {
  const r = index.any(id);
  if (!r) return id;
  if (r.kind === 'organisation') return orgName(index, id);
  return (r.data as { title?: string; name?: string }).title ?? (r.data as { name?: string }).name ?? id;
}

export async function select(o: SelectOptions): Promise<SelectResult> {
  await using ws = await Workspace.open(o);
  const p = ws.programme(o.programme);
  const sels = p.selections ?? [];
  if (!sels.length) refuse(`方案“${p.id}”没有年度评选`, `programme "${p.id}" has no selections`);
  const sel = o.award ? sels.find((s) => s.id === o.award) : sels.length === 1 ? sels[0] : undefined;
  if (!sel) usage(`请用 --award 指定评选（可用：${sels.map((s) => `${s.id}（${s.label}）`).join('、')}）`, `choose a selection with --award (available: ${sels.map((s) => s.id).join(', ')})`);
  if (o.award === RECHECK_AWARD) usage('抽查复核请用 djyc recheck', 'use djyc recheck for the re-check sample');
  const max = o.max ?? sel.max;
  if (o.max !== undefined && sel.max !== undefined && o.max > sel.max) usage(`--max 不能超过方案规定的 ${sel.max}`, `--max cannot exceed the programme's ${sel.max}`);
  const existing = ws.index.all('selection').find((s) => s.data.programme === p.id && s.data.award === sel.id);
  if (existing && !o.replace) refuse(`“${sel.label}”已评出：${existing.id}（${existing.data.decided_on ?? ''}）；如需重新评选，请加 --replace`, `"${sel.label}" was already decided: ${existing.id}; add --replace to decide again`);

  let ranked: Ranked[];
  if (sel.criteria === 'manual' || o.pick?.length) {
    if (!o.pick?.length) usage(`“${sel.label}”由评审确定：请用 --pick 依次列出入选的${sel.of === 'project' ? '项目' : sel.of === 'brand' ? '品牌' : '党组织'}`, `"${sel.label}" is decided by hand: list the chosen ${sel.of}s with --pick`);
    if (sel.criteria !== 'manual') usage(`“${sel.label}”按 ${sel.criteria} 排序产生，不能用 --pick`, `"${sel.label}" is ranked by ${sel.criteria}; --pick is not allowed`);
    const seen = new Set<string>();
    ranked = o.pick.map((id) => {
      const r = ws.find(id, [sel.of]);
      if (seen.has(r.id)) usage(`--pick ${r.id} 重复`, `--pick ${r.id} is repeated`);
      seen.add(r.id);
      if ((r.data as { programme?: string }).programme && (r.data as { programme?: string }).programme !== p.id) usage(`${r.id} 不属于方案“${p.id}”`, `${r.id} is not in programme "${p.id}"`);
      if (r.kind === 'project') {
        const pr = r as RecordEntry<'project'>;
        const after = p.evaluation?.rating_after;
        const passed = latestRound(evaluationOf(ws.index, pr.id)?.data)?.result === 'pass';
        if (!(after ? reached(pr.data, after) : passed)) refuse(`${pr.id}“${pr.data.title}”尚未通过验收，不能入选`, `${pr.id} has not passed acceptance; it cannot be selected`);
      }
      return { subject: r.id, reason: '经评审确定' };
    });
  } else {
    ranked = rank(ws.index, p, sel);
  }
  if (max !== undefined) ranked = ranked.slice(0, max);
  if (sel.min !== undefined && ranked.length < sel.min) {
    refuse(`“${sel.label}”至少需要 ${sel.min} 个入选对象，现在只有 ${ranked.length} 个符合条件`, `"${sel.label}" needs at least ${sel.min} entries; only ${ranked.length} qualify`);
  }
  if (!ranked.length) refuse(`“${sel.label}”没有符合条件的对象（排序依据：${sel.criteria ?? 'manual'}）`, `no candidates for "${sel.label}" (criteria: ${sel.criteria ?? 'manual'})`);
  const entries = ranked.map((r, i) => clean({ subject: r.subject, rank: i + 1, score: r.score, reason: r.reason }));
  let selection: string;
  if (existing) {
    selection = existing.id;
    ws.edit(existing, (doc) => {
      setField(doc, 'selection', 'decided_on', ws.date);
      setField(doc, 'selection', 'entries', entries);
    });
  } else {
    selection = ws.create('selection', clean({ programme: p.id, award: sel.id, title: sel.label, decided_on: ws.date, entries }), { year: p.year });
  }
  const result = await ws.commit(`djyc select: ${p.id} ${sel.id} (${entries.length})`);
  return {
    ...result, selection, award: sel.id, title: sel.label,
    entries: ranked.map((r, i) => ({ ...r, rank: i + 1, name: subjectName(ws.index, r.subject) })),
  };
}
