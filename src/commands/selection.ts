/**
 * `djyc select`: a programme's year-end selection (十佳 organisations or projects, 3–5 示范 projects, ~10 示范 brands).
 * People decide it — a committee (评审) — not a formula:
 *   - without --pick, djyc shows a ranked SUGGESTION for the committee, computed by the selection's `criteria`,
 *     with the criteria the source document gives (`considers`, e.g. 001's 项目立意、开展情况、项目资料、结题报告、
 *     汇报演示) and who decides (`decided_by`); nothing is written;
 *   - `--pick a,b,c --meeting … --document …` records the committee's decision with its basis as a `selection`
 *     record (no score: the suggestion's computed figures are never recorded or published as if they were the rule).
 * The suggestion's orders:
 *   stars              projects by overall stars, then the sum of the criteria; only qualified ones (≥ thresholds.qualified);
 *   four-level         organisations by the mean score of the rated tasks of the projects they lead
 *                      (好 4, 较好 3, 一般 2, 较差 1 — djyc's conversion; a task's score is the mean of its opinions and poll);
 *   bonus              projects by bonus points (> 0);
 *   brand-recognition  recognised brands by outcome (the programme's first outcome best), pairings, annual goals, date;
 *   manual             no suggestion.
 */
import type { ProgrammeRecord } from '../domain/types.generated.js';
import { findStage, isDropped, reached, requires, trackStages } from '../domain/programme.js';
import { latestRound } from '../domain/acceptance.js';
import { T, type Text } from '../domain/i18n.js';
import { Workspace, clean, refuse, setField, usage, type OpOptions, type OpResult } from './workspace.js';
import { hasRating, FOUR_LEVELS, LEVEL_POINTS, type FourLevel } from '../domain/ratings.js';
import { RECHECK_AWARD } from '../domain/recheck.js';
import { type RecordEntry, type RecordIndex, evaluationOf, orgName, summary } from '../domain/records.js';

type Selection = NonNullable<ProgrammeRecord['selections']>[number];

export interface SelectOptions extends OpOptions {
  programme?: string;
  award?: string;
  /** The committee's decision: the chosen subjects in rank order. Without it, only the suggestion is shown. */
  pick?: string[];
  /** The basis of the decision (at least one with `pick`): the meeting, the document that announces it. */
  meeting?: string;
  document?: string;
  /** Who decided (default: the selection's `decided_by`). */
  decidedBy?: string;
  /** Fewer entries than the selection's max (for the suggestion). */
  max?: number;
  replace?: boolean;
}

export interface Ranked {
  subject: string;
  score?: number;
  reason: string;
}

export interface SelectResult extends OpResult {
  /** The selection record written ('' for a suggestion). */
  selection: string;
  award: string;
  title: string;
  /** false: a ranked suggestion for the committee, nothing written; true: the committee's decision, recorded. */
  decided: boolean;
  /** The criteria the source document gives (评选依据) and who decides. */
  considers: string[];
  decidedBy?: string;
  /** How djyc ranked the suggestion (never the rule). */
  method: Text;
  decision?: { by?: string; meeting?: string; document?: string };
  entries: (Ranked & { rank: number; name: string })[];
}

/** How djyc orders a suggestion, said on every output: an aid for the committee, not the programme's rule. */
export const SUGGESTION_METHODS: Record<string, Text> = {
  stars: T('按星级评估结果（综合星级，其次各项指标星级之和）排列', 'by the star ratings (overall, then the sum of the criteria)'),
  'four-level': T('按所领办项目的党员任务评议等次折算平均分排列（好 4、较好 3、一般 2、较差 1 为 djyc 的折算，并非方案规定的评选办法）', "by the mean of the member tasks' four-level ratings (好 4 … 较差 1 is djyc's conversion, not the programme's rule)"),
  bonus: T('按评审加分排列', 'by the bonus points awarded'),
  'brand-recognition': T('按品牌认定情况（提升结论、结对共建、年度目标上报）排列', 'by recognition (outcome, pairings, annual goals)'),
  manual: T('不生成建议名单，由评审直接确定', 'no suggestion: the committee decides'),
};

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
  const projects = index.all('project').filter((x) => summary(x).programme === p.id && !isDropped(p, summary(x))).sort(byId);
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
      for (const t of index.all('task').filter((x) => summary(x).programme === p.id)) {
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
      const brands = index.all('brand').filter((b) => summary(b).programme === p.id).sort(byId);
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

/** Whether a subject may be chosen: a project that passed acceptance, a recognised brand; organisations always. */
function pickable(ws: Workspace, p: ProgrammeRecord, r: RecordEntry): Text | null {
  if (r.kind === 'project') {
    const pr = r as RecordEntry<'project'>;
    const after = p.evaluation?.rating_after;
    const passed = latestRound(evaluationOf(ws.index, pr.id)?.data)?.result === 'pass';
    if (!(after ? reached(pr.data, after) : passed)) return T(`${pr.id}“${pr.data.title}”尚未通过验收`, `${pr.id} has not passed acceptance`);
  }
  if (r.kind === 'brand') {
    const b = r as RecordEntry<'brand'>;
    const named = trackStages(p, 'brand').filter((s) => requires(s, 'has-rating')).some((s) => reached(b.data, s.id));
    if (!named) return T(`品牌 ${b.id}“${b.data.name}”尚未认定命名`, `brand ${b.id} is not recognised`);
  }
  return null;
}

export async function select(o: SelectOptions): Promise<SelectResult> {
  // A suggestion writes nothing, so it takes no write lock.
  await using ws = await Workspace.open({ ...o, dryRun: o.dryRun || !o.pick?.length });
  const p = ws.programme(o.programme);
  const sels = p.selections ?? [];
  if (!sels.length) refuse(`方案“${p.id}”没有年度评选`, `programme "${p.id}" has no selections`);
  const sel = o.award ? sels.find((s) => s.id === o.award) : sels.length === 1 ? sels[0] : undefined;
  if (!sel) usage(`请用 --award 指定评选（可用：${sels.map((s) => `${s.id}（${s.label}）`).join('、')}）`, `choose a selection with --award (available: ${sels.map((s) => s.id).join(', ')})`);
  if (o.award === RECHECK_AWARD) usage('抽查复核请用 djyc recheck', 'use djyc recheck for the re-check sample');
  if (o.max !== undefined && sel.max !== undefined && o.max > sel.max) usage(`--max 不能超过方案规定的 ${sel.max}`, `--max cannot exceed the programme's ${sel.max}`);
  const method = SUGGESTION_METHODS[sel.criteria ?? 'manual'] ?? SUGGESTION_METHODS.manual!;
  const common = { award: sel.id, title: sel.label, considers: sel.considers ?? [], ...(sel.decided_by ? { decidedBy: sel.decided_by } : {}), method };
  const named = (list: Ranked[]) => list.map((r, i) => ({ ...r, rank: i + 1, name: subjectName(ws.index, r.subject) }));
  const existing = ws.index.all('selection').find((s) => summary(s).programme === p.id && summary(s).award === sel.id);

  // Without --pick: the ranked suggestion for the committee; nothing is written.
  if (!o.pick?.length) {
    if (o.meeting !== undefined || o.document !== undefined) usage('--meeting / --document 是评审决定的依据，须与 --pick 一起给出', '--meeting / --document are the basis of a decision: give them with --pick');
    let ranked = sel.criteria && sel.criteria !== 'manual' ? rank(ws.index, p, sel) : [];
    const max = o.max ?? sel.max;
    if (max !== undefined) ranked = ranked.slice(0, max);
    return { dryRun: true, commit: '', message: '', changes: [], warnings: [], notes: ws.notes, next: [], selection: existing?.id ?? '', ...common, decided: false, entries: named(ranked) };
  }

  // With --pick: the committee's decision, with its basis.
  if (!o.meeting?.trim() && !o.document?.trim()) {
    usage(`“${sel.label}”由评审确定：请用 --meeting（评审会议）或 --document（公布结果的文件文号）写明依据`, `"${sel.label}" is decided by the committee: give its basis with --meeting or --document`);
  }
  if (existing && !o.replace) refuse(`“${sel.label}”已评出：${existing.id}（${existing.data.decided_on ?? ''}）；如需重新评选，请加 --replace`, `"${sel.label}" was already decided: ${existing.id}; add --replace to decide again`);
  const seen = new Set<string>();
  const ranked: Ranked[] = o.pick.map((id) => {
    const r = ws.find(id, [sel.of]);
    if (seen.has(r.id)) usage(`--pick ${r.id} 重复`, `--pick ${r.id} is repeated`);
    seen.add(r.id);
    if ((r.data as { programme?: string }).programme && (r.data as { programme?: string }).programme !== p.id) usage(`${r.id} 不属于方案“${p.id}”`, `${r.id} is not in programme "${p.id}"`);
    const no = pickable(ws, p, r);
    if (no) refuse(`${no.zh}，不能入选`, `${no.en}; it cannot be selected`);
    return { subject: r.id, reason: '经评审确定' };
  });
  if (sel.max !== undefined && ranked.length > sel.max) refuse(`“${sel.label}”至多 ${sel.max} 个入选对象，--pick 给出了 ${ranked.length} 个`, `"${sel.label}" takes at most ${sel.max}; --pick gives ${ranked.length}`);
  if (sel.min !== undefined && ranked.length < sel.min) {
    refuse(`“${sel.label}”至少需要 ${sel.min} 个入选对象，--pick 只给出了 ${ranked.length} 个`, `"${sel.label}" needs at least ${sel.min} entries; --pick gives ${ranked.length}`);
  }
  const decision = clean({ by: o.decidedBy?.trim() || sel.decided_by, meeting: o.meeting?.trim(), document: o.document?.trim() });
  const entries = ranked.map((r, i) => clean({ subject: r.subject, rank: i + 1, reason: r.reason }));
  let selection: string;
  if (existing) {
    selection = existing.id;
    ws.edit(existing, (doc) => {
      setField(doc, 'selection', 'decided_on', ws.date);
      setField(doc, 'selection', 'decision', decision);
      setField(doc, 'selection', 'entries', entries);
    });
  } else {
    selection = ws.create('selection', clean({ programme: p.id, award: sel.id, title: sel.label, decided_on: ws.date, decision, entries }), { year: p.year });
  }
  const result = await ws.commit(`djyc select: ${p.id} ${sel.id} (${entries.length})${decision.document ? ` ${decision.document}` : ''}`);
  return { ...result, selection, ...common, decided: true, decision, entries: named(ranked) };
}
