/**
 * Reproducible draws.
 *
 * `djyc panel`: an acceptance panel (验收组) from the expert pool — experts whose categories match the project's,
 * none from the lead or co-organising units (or their sub-organisations, or the same 单位), fewest existing panel
 * assignments first. `djyc recheck`: the sampled re-check (抽查复核, seed 003) of closed projects.
 *
 * The draw is store/draw.ts (`djyc-draw-v1`, written out there so anyone can re-run it by hand or in another
 * language). The seed and the candidate list (with loads) are recorded, and `--verify` re-runs the draw from them.
 */
import { randomBytes } from 'node:crypto';
import type { ProgrammeRecord } from '../domain/types.generated.js';
import { Workspace, clean, evaluationFor, ordered, refuse, setField, usage, type OpOptions, type OpResult } from './workspace.js';
import { type RecordEntry, type RecordIndex, closureOf, evaluationOf, summary } from '../domain/records.js';
import { atPoint, isDropped, pointStages, reachedStage, stageName, stagesRequiring } from '../domain/programme.js';
import { RECHECK_AWARD, recheckRule } from '../domain/recheck.js';
import { T, joinList } from '../domain/i18n.js';
import { expertEligibility } from '../domain/panel.js';
import { DRAW_ALGORITHM, draw } from '../store/draw.js';

export { DRAW_ALGORITHM, draw, drawRandom } from '../store/draw.js';
export { conflictUnits, expertEligibility, type Eligibility } from '../domain/panel.js';

export function newSeed(): string {
  return randomBytes(4).toString('hex');
}

/** Panels each expert already sits on (excluding the subject's own evaluation). */
export function panelLoads(index: RecordIndex, excludeSubject?: string): Map<string, number> {
  const loads = new Map<string, number>();
  for (const ev of index.all('evaluation')) {
    if (ev.data.subject === excludeSubject) continue;
    for (const x of ev.data.panel?.experts ?? []) loads.set(x, (loads.get(x) ?? 0) + 1);
  }
  return loads;
}

export interface PanelOptions extends OpOptions {
  subject: string;
  size?: number;
  /** Why the panel is smaller than the programme's panel_size (required then). */
  reason?: string;
  seed?: string;
  /** Replace an existing panel (the old one stays in git history; the note says why). */
  redraw?: boolean;
}

export interface PanelResult extends OpResult {
  subject: string;
  evaluation: string;
  seed: string;
  experts: { id: string; name: string; unit?: string; load: number }[];
  candidates: number;
}

export async function drawPanel(o: PanelOptions): Promise<PanelResult> {
  await using ws = await Workspace.open(o);
  const { entry: subject, p, track, stage } = ws.staged(o.subject);
  const words = ['has-panel', 'acceptance-pass', 'acceptance-rework'];
  if (!atPoint(p, track, stage, ...words).length) {
    const where = pointStages(p, track, ...words);
    refuse(
      where.length
        ? `不能在 ${stageName(p, track, stage.id, 'zh')} 阶段为 ${subject.id} 抽取验收组：验收组在 ${joinList(where.map((s) => stageName(p, track, s.id, 'zh')), 'zh')} 阶段（申请结项之后）抽取`
        : `方案“${p.id}”的${track === 'brand' ? '品牌' : '此类记录'}不设验收组`,
      where.length
        ? `cannot draw a panel for ${subject.id} at stage ${stageName(p, track, stage.id, 'en')}: panels are drawn at ${joinList(where.map((s) => stageName(p, track, s.id, 'en')), 'en')} (after closure is requested)`
        : `programme "${p.id}" has no acceptance panels for ${track}s`,
    );
  }
  const existing = evaluationOf(ws.index, subject.id);
  if (existing?.data.panel && !o.redraw) {
    refuse(`${subject.id} 已有验收组（种子 ${existing.data.panel.seed}）：如需重新抽取，请加 --redraw 并用 --note 说明原因`, `${subject.id} already has a panel (seed ${existing.data.panel.seed}); add --redraw with a --note to draw again`);
  }
  const size = o.size ?? p.evaluation?.panel_size ?? 3;
  if (!Number.isInteger(size) || size < 1) usage('--size 应为正整数', '--size must be a positive integer');
  const required = p.evaluation?.panel_size;
  const reason = o.reason?.trim();
  if (required !== undefined && size < required && !reason) {
    usage(`方案规定验收组 ${required} 人；少于 ${required} 人须用 --reason 说明理由`, `the programme's panel has ${required} experts; a smaller one needs --reason`);
  }
  if (reason && !(required !== undefined && size < required)) usage('--reason 只在验收组人数少于方案规定时使用', '--reason is for a panel smaller than the programme asks');
  const loads = panelLoads(ws.index, subject.id);
  const eligible = ws.index.all('expert').map((e) => expertEligibility(ws.index, subject, e)).filter((x) => x.ok);
  const candidates = eligible.map((x) => ({ id: x.expert.id, load: loads.get(x.expert.id) ?? 0 })).sort((a, b) => (a.id < b.id ? -1 : 1));
  if (candidates.length < size) {
    refuse(
      `专家库中符合条件的专家只有 ${candidates.length} 名（类别匹配且不来自领办、联办单位），验收组需要 ${size} 名`,
      `only ${candidates.length} eligible experts (matching categories, not from the lead or co-organising units); the panel needs ${size}`,
    );
  }
  const seed = o.seed ?? newSeed();
  const experts = draw(seed, candidates, size);
  const { entry: ev } = evaluationFor(ws, p, subject);
  const panel = ordered({ seed, drawn_on: ws.date, experts, algorithm: DRAW_ALGORITHM, size_reason: reason, candidates: candidates.map((c) => ({ expert: c.id, load: c.load })) }, ['seed', 'drawn_on', 'experts', 'algorithm', 'size_reason', 'candidates']);
  ws.edit(ev, (doc) => setField(doc, 'evaluation', 'panel', panel));
  const names = experts.map((x) => ws.index.get('expert', x)!.data.name);
  ws.history(subject, { stage: stage.id, date: ws.date, by: ws.by, note: o.note ?? `${existing?.data.panel ? '重新' : ''}抽取验收组：${names.join('、')}（种子 ${seed}）${reason ? `；${size} 人，少于规定的 ${required} 人：${reason}` : ''}` });
  const result = await ws.commit(`djyc panel: ${subject.id} ${experts.join(', ')} (seed ${seed})`, { next: [subject.id] });
  return {
    ...result, subject: subject.id, evaluation: ev.id, seed, candidates: candidates.length,
    experts: experts.map((x) => ({ id: x, name: ws.index.get('expert', x)!.data.name, unit: ws.index.get('expert', x)!.data.unit, load: loads.get(x) ?? 0 })),
  };
}

export interface VerifyResult {
  ok: boolean;
  subject: string;
  seed: string;
  recorded: string[];
  redrawn: string[];
  /** Drawn experts who are not eligible (conflict of interest, category) as the repository stands. */
  ineligible: { expert: string; reason: { zh: string; en: string } }[];
  /** Experts now eligible who were not candidates at the draw (added to the pool later): information only. */
  addedSince: string[];
}

/** Re-runs a recorded panel draw from its seed and candidate list, and re-checks the drawn experts. */
export function verifyPanel(root: string, subjectId: string): Promise<VerifyResult> {
  return (async () => {
    const ws = await Workspace.read({ root });
    const subject = ws.find(subjectId, ['project', 'task', 'brand']);
    const panel = evaluationOf(ws.index, subject.id)?.data.panel;
    if (!panel) refuse(`${subject.id} 还没有验收组`, `${subject.id} has no panel yet`);
    if (!panel.candidates?.length) refuse(`${subject.id} 的验收组没有记录候选名单，无法复核`, `the panel of ${subject.id} records no candidate list; it cannot be re-run`);
    if (panel.algorithm && panel.algorithm !== DRAW_ALGORITHM) refuse(`不认识的抽取算法“${panel.algorithm}”`, `unknown draw algorithm "${panel.algorithm}"`);
    const redrawn = draw(panel.seed, panel.candidates.map((c) => ({ id: c.expert, load: c.load })), panel.experts.length);
    const ineligible: VerifyResult['ineligible'] = [];
    for (const x of panel.experts) {
      const e = ws.index.get('expert', x);
      if (!e) {
        ineligible.push({ expert: x, reason: T('专家记录不存在', 'no such expert') });
        continue;
      }
      const el = expertEligibility(ws.index, subject, e);
      if (!el.ok && el.reason && !/不在专家库/.test(el.reason.zh)) ineligible.push({ expert: x, reason: el.reason });
    }
    const recordedSet = new Set(panel.candidates.map((c) => c.expert));
    const addedSince = ws.index.all('expert').filter((e) => !recordedSet.has(e.id) && expertEligibility(ws.index, subject, e).ok).map((e) => e.id);
    const same = redrawn.length === panel.experts.length && redrawn.every((x, i) => x === panel.experts[i]);
    return { ok: same && !ineligible.length, subject: subject.id, seed: panel.seed, recorded: panel.experts, redrawn, ineligible, addedSince };
  })();
}

// ---------------------------------------------------------------------------------------------------------------
// 抽查复核 (seed 003): a reproducible sample of the projects that filed their self-check, recorded as a `selection`
// record with award "recheck" (title 抽查复核) holding the seed and the candidate list.
// ---------------------------------------------------------------------------------------------------------------

export { RECHECK_AWARD } from '../domain/recheck.js';

export interface RecheckOptions extends OpOptions {
  programme?: string;
  sample?: number;
  seed?: string;
  redraw?: boolean;
}

export interface RecheckResult extends OpResult {
  selection: string;
  seed: string;
  sampled: { id: string; title: string }[];
  candidates: number;
}

/**
 * Projects that may be sampled: not dropped, managed here (upper not external), and — by the programme's rule —
 * at or past `from_stage` (001's 抽检 of the applications), else with their self-check filed (a closure, 003).
 */
export function recheckCandidates(index: RecordIndex, p: ProgrammeRecord): RecordEntry<'project'>[] {
  const from = recheckRule(p)?.fromStage;
  return index
    .all('project')
    .filter((x) => x.data.programme === p.id && !isDropped(p, x.data) && (from ? reachedStage(p, 'project', x.data, from) : !!closureOf(index, x.id)))
    .filter((x) => !x.data.upper || !index.get('organisation', x.data.upper)?.data.external)
    .sort((a, b) => (a.id < b.id ? -1 : 1));
}

export async function recheck(o: RecheckOptions): Promise<RecheckResult> {
  await using ws = await Workspace.open(o);
  const p = ws.programme(o.programme);
  const rule = recheckRule(p);
  if (!rule) refuse(`方案“${p.id}”没有抽查复核（evaluation.recheck）`, `programme "${p.id}" has no sampled re-check (evaluation.recheck)`);
  const sample = o.sample ?? rule.sample;
  if (!sample || !Number.isInteger(sample) || sample < 1) usage('请用 --sample 给定抽查数量（正整数）', 'give the sample size with --sample (a positive integer)');
  const existing = ws.index.all('selection').find((s) => summary(s).programme === p.id && summary(s).award === RECHECK_AWARD);
  if (existing && !o.redraw) refuse(`本方案已${rule.label}：${existing.id}（种子 ${existing.data.draw?.seed ?? '—'}）；如需重新抽取，请加 --redraw`, `the re-check sample was already drawn: ${existing.id}; add --redraw to draw again`);
  if (existing?.data.entries.some((e) => e.result) && !o.note) usage(`已有${rule.label}结论，重新抽取须用 --note 说明原因`, 'results were already recorded: give the reason for drawing again with --note');
  const candidates = recheckCandidates(ws.index, p);
  if (candidates.length < sample) {
    const needs = rule.fromStage ? stageName(p, 'project', rule.fromStage, 'zh') : `已提交自查考评（${stagesRequiring(p, 'project', 'has-closure').map((s) => s.label).join('、')}）`;
    refuse(`只有 ${candidates.length} 个项目符合条件（${needs}），不足抽查数量 ${sample}`, `only ${candidates.length} projects qualify; the sample is ${sample}`);
  }
  const seed = o.seed ?? newSeed();
  const picked = draw(seed, candidates.map((c) => ({ id: c.id })), sample);
  const data = clean({
    programme: p.id, award: RECHECK_AWARD, title: rule.label, decided_on: ws.date,
    draw: { seed, algorithm: DRAW_ALGORITHM, sample, candidates: candidates.map((c) => c.id) },
    entries: picked.map((id, i) => ({ subject: id, rank: i + 1, reason: `随机抽中（${rule.label}）` })),
  });
  let selection: string;
  if (existing) {
    selection = existing.id;
    ws.edit(existing, (doc) => {
      setField(doc, 'selection', 'decided_on', ws.date);
      setField(doc, 'selection', 'draw', data.draw);
      setField(doc, 'selection', 'entries', data.entries);
    });
  } else selection = ws.create('selection', data, { year: p.year });
  for (const id of picked) {
    const pr = ws.index.get('project', id)!;
    ws.history(pr, { stage: pr.data.stage, date: ws.date, by: ws.by, note: o.note ?? `抽中${rule.label}（种子 ${seed}）` });
  }
  const result = await ws.commit(`djyc recheck: ${p.id} ${picked.join(', ')} (seed ${seed})`);
  return { ...result, selection, seed, candidates: candidates.length, sampled: picked.map((id) => ({ id, title: ws.index.get('project', id)!.data.title })) };
}

export interface RecheckResultOptions extends OpOptions {
  project: string;
  /** 合格 / 需整改 … (the programme's `recheck.results`). */
  result: string;
  /** Correct a result already recorded. */
  replace?: boolean;
}

/**
 * Records a sampled project's result (合格, or 需整改 with what to put right in --note) in the sample's entry, with
 * the day and who checked, and a line in the project's history. A project found 需整改 can be checked again (its
 * new result replaces the entry; the history keeps both); a recorded pass changes only with `replace`.
 */
export async function recordRecheck(o: RecheckResultOptions): Promise<OpResult & { project: string; result: string; passed: boolean; selection: string }> {
  await using ws = await Workspace.open(o);
  const project = ws.find(o.project, ['project']);
  const p = ws.programmeOf(project);
  const rule = recheckRule(p);
  if (!rule) refuse(`方案“${p.id}”没有抽查复核（evaluation.recheck）`, `programme "${p.id}" has no sampled re-check (evaluation.recheck)`);
  const sel = ws.index.all('selection').find((s) => summary(s).programme === p.id && summary(s).award === RECHECK_AWARD);
  if (!sel) refuse(`方案“${p.id}”尚未${rule.label}抽取：请先运行 djyc recheck --sample N`, `programme "${p.id}" has no sample yet: run djyc recheck --sample N first`);
  const at = sel.data.entries.findIndex((e) => e.subject === project.id);
  if (at < 0) refuse(`${project.id}“${project.data.title}”不在${rule.label}抽中的项目之中（${sel.data.entries.map((e) => e.subject).join('、')}）`, `${project.id} is not in the sample (${sel.data.entries.map((e) => e.subject).join(', ')})`);
  if (!rule.results.includes(o.result)) usage(`--result 应为 ${rule.results.join(' / ')}（收到“${o.result}”）`, `--result must be ${rule.results.join(' / ')} (got "${o.result}")`);
  const passed = o.result === rule.results[0];
  const note = o.note?.trim();
  if (!passed && !note) usage(`结论为“${o.result}”时须用 --note 写明整改意见`, `a result of "${o.result}" needs what to put right in --note`);
  const before = sel.data.entries[at]!;
  if (before.result && before.result === rule.results[0] && !o.replace) {
    refuse(`${project.id} 已记录${rule.label}结论“${before.result}”（${before.checked_on ?? ''}）；如需更正，请加 --replace`, `${project.id} already has the result "${before.result}"; add --replace to correct it`);
  }
  const entries = sel.data.entries.map((e, i) => (i === at ? clean({ subject: e.subject, rank: e.rank, reason: e.reason, result: o.result, result_note: note, checked_on: ws.date, checked_by: ws.by }) : e));
  ws.edit(sel, (doc) => setField(doc, 'selection', 'entries', entries));
  ws.history(project, { stage: project.data.stage, date: ws.date, by: ws.by, note: `${rule.label}结论：${o.result}${note ? `（${note}）` : ''}${before.result ? `，此前为“${before.result}”` : ''}` });
  const result = await ws.commit(`djyc recheck: ${project.id} ${o.result}`);
  return { ...result, project: project.id, result: o.result, passed, selection: sel.id };
}

export interface RecheckVerifyResult {
  ok: boolean;
  selection: string;
  seed: string;
  recorded: string[];
  redrawn: string[];
}

export async function verifyRecheck(root: string, programme?: string, selectionId?: string): Promise<RecheckVerifyResult> {
  const ws = await Workspace.read({ root });
  const p = ws.programme(programme);
  const sel = selectionId ? ws.find(selectionId, ['selection']) : ws.index.all('selection').find((s) => summary(s).programme === p.id && summary(s).award === RECHECK_AWARD);
  if (!sel) refuse(`方案“${p.id}”还没有抽查复核记录`, `programme "${p.id}" has no re-check sample yet`);
  if (!sel.data.draw) refuse(`${sel.id} 没有记录抽取依据（draw）`, `${sel.id} records no draw`);
  const recorded = sel.data.entries.map((e) => e.subject);
  const redrawn = draw(sel.data.draw.seed, sel.data.draw.candidates.map((id) => ({ id })), sel.data.draw.sample ?? recorded.length);
  return { ok: redrawn.length === recorded.length && redrawn.every((x, i) => x === recorded[i]), selection: sel.id, seed: sel.data.draw.seed, recorded, redrawn };
}
