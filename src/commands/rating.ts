/**
 * `djyc rate`: the programme's rating of a record, only after its `evaluation.rating_after` stage —
 *   four_level (000 附件5): 支委会意见 and 党委（党组）意见 (好/较好/一般/较差) and the public poll (votes must add up);
 *   stars (001): 1–5 on each criterion (群众满意率, 综合效益, 经验可推广性), overall grade by the thresholds;
 *   bonus (002): points up to the cap;
 *   otherwise a written review opinion (评审组意见).
 * Once recorded, a rating does not change (domain/frozen.ts, applied by the store to every write): a second `rate`
 * of the same value is refused, unless it is an explicit correction (`--correct --reason`), kept in `amendments`.
 */
import type { ProgrammeRecord } from '../domain/types.generated.js';
import { findStage, reached, stageName, nextStages, requires, type Staged } from '../domain/programme.js';
import { Workspace, evaluationFor, ordered, refuse, setField, stageOf, trackOf, usage, type OpOptions, type OpResult } from './workspace.js';
import { checkStage } from '../domain/guards.js';
import { FOUR_LEVELS, ratingKinds, starGrade, type FourLevel, type RatingKind } from '../domain/ratings.js';
import type { RecordEntry } from '../domain/records.js';
import { joinList, type Text, T } from '../domain/i18n.js';

export interface RateOptions extends OpOptions {
  subject: string;
  /** 支委会意见 / 党委（党组）意见. */
  branch?: string;
  committee?: string;
  /** 群众测评: participants and votes per level. */
  participants?: number;
  votes?: Partial<Record<FourLevel, number>>;
  /** Stars per criterion, and the overall (default: the rounded mean). */
  stars?: Record<string, number>;
  overall?: number;
  bonus?: number;
  /** Points per unit (organisation id → points) where the programme awards bonus per unit; others get `bonus`. */
  bonusUnits?: Record<string, number>;
  /** 评审组意见 / 党委（党组）意见 as text. */
  opinion?: string;
  committeeOpinion?: string;
}

export interface RateResult extends OpResult {
  subject: string;
  evaluation: string;
  kinds: RatingKind[];
  overall?: number;
  grade?: Text;
}

/**
 * Whether a record may be rated now: after the programme's `rating_after` stage — reached by the record itself, by
 * a task's project, or about to be entered (the rating being that stage's last missing condition).
 */
export function ratingGate(ws: Workspace, p: ProgrammeRecord, subject: RecordEntry): Text | null {
  const track = trackOf(subject);
  const stage = stageOf(p, subject);
  const after = p.evaluation?.rating_after;
  const ratingPoint = nextStages(p, track, stage).some((s) => requires(s, 'has-rating'));
  const ratedStage = (s: string) => !!findStage(p, track, s) && requires(findStage(p, track, s), 'has-rating');
  const pastRatingPoint = (subject.data as { history?: { stage: string }[] }).history?.some((h) => ratedStage(h.stage)) || ratedStage(stage.id);
  if (after && findStage(p, track, after)) {
    if (reached(subject.data as Staged, after)) return null;
    const target = nextStages(p, track, stage).find((s) => s.id === after);
    if (target && requires(target, 'has-rating')) {
      const c = checkStage({ programme: p, track, subject, index: ws.index, date: ws.date, fileExists: (rel) => ws.fileExists(rel) }, target);
      const others = c.failures.filter((f) => f.word !== 'has-rating');
      if (!others.length) return null;
      return T(`评价须在 ${stageName(p, track, after, 'zh')} 之前的其他条件满足之后进行：${others.map((f) => f.reason.zh).join('；')}`, `rating comes once the other conditions of ${after} are met: ${others.map((f) => f.reason.en).join('; ')}`);
    }
    return T(`评价只能在 ${stageName(p, track, after, 'zh')} 之后进行（当前 ${stageName(p, track, stage.id, 'zh')}）`, `rating comes only after ${stageName(p, track, after, 'en')} (now ${stageName(p, track, stage.id, 'en')})`);
  }
  if (after && subject.kind === 'task' && findStage(p, 'project', after)) {
    const project = ws.index.get('project', (subject.data as { project?: string }).project);
    if (!project || !reached(project.data, after)) {
      return T(`党员任务的评议须在所属项目 ${stageName(p, 'project', after, 'zh')} 之后进行（项目 ${project?.id ?? '?'} 当前 ${project ? stageName(p, 'project', project.data.stage, 'zh') : '?'}）`, `a task is rated only after its project reaches ${after} (project ${project?.id ?? '?'} is at ${project?.data.stage ?? '?'})`);
    }
    if (!ratingPoint && !pastRatingPoint) return T(`任务当前 ${stageName(p, track, stage.id, 'zh')}，须先申请结项`, `the task is at ${stage.id}; request its closure first`);
    return null;
  }
  if (ratingPoint || pastRatingPoint) return null;
  return T(`${subject.id} 当前 ${stageName(p, track, stage.id, 'zh')}，还不到评价的时候`, `${subject.id} is at ${stageName(p, track, stage.id, 'en')}; it is not rated yet`);
}

const KIND_NAMES: Record<RatingKind, Text> = {
  'four-level': T('评议（好/较好/一般/较差）', 'four-level rating'),
  stars: T('星级评估', 'star rating'),
  bonus: T('加分', 'bonus points'),
  opinion: T('评审意见', 'review opinion'),
};

export async function rate(o: RateOptions): Promise<RateResult> {
  await using ws = await Workspace.open(o);
  const subject = ws.find(o.subject, ['project', 'task', 'brand']);
  const p = ws.programmeOf(subject);
  const kinds = ratingKinds(p, subject.kind);
  const given: Record<RatingKind, boolean> = {
    'four-level': o.branch !== undefined || o.committee !== undefined || o.participants !== undefined || o.votes !== undefined,
    stars: o.stars !== undefined || o.overall !== undefined,
    bonus: o.bonus !== undefined || o.bonusUnits !== undefined,
    opinion: false,
  };
  const kindLabel = (l: 'zh' | 'en') => joinList(kinds.map((k) => KIND_NAMES[k][l]), l);
  for (const k of ['four-level', 'stars', 'bonus'] as RatingKind[]) {
    if (given[k] && !kinds.includes(k)) {
      usage(`方案“${p.id}”对${subject.kind === 'task' ? '党员任务' : subject.kind === 'brand' ? '品牌' : '项目'}不采用${KIND_NAMES[k].zh}（本方案采用：${kindLabel('zh')}）`, `programme "${p.id}" does not use ${KIND_NAMES[k].en} for ${subject.kind}s (it uses: ${kindLabel('en')})`);
    }
  }
  if (!given['four-level'] && !given.stars && !given.bonus && !o.opinion && !o.committeeOpinion) {
    usage(`请给出评价内容（本方案采用：${kindLabel('zh')}）`, `give the rating (this programme uses: ${kindLabel('en')})`);
  }
  const gate = ratingGate(ws, p, subject);
  if (gate && o.committeeOpinion && subject.kind !== 'brand') {
    // 000 附件4: the committee's opinion belongs to the closure request, before acceptance — not to the rating.
    refuse(
      `不能评价 ${subject.id}：${gate.zh}。党委（党组）意见随结项书在验收之前给出：djyc close ${subject.id} --committee-opinion …`,
      `cannot rate ${subject.id}: ${gate.en}. The committee's opinion comes with the closure, before acceptance: djyc close ${subject.id} --committee-opinion …`,
    );
  }
  if (gate) refuse(`不能评价 ${subject.id}：${gate.zh}`, `cannot rate ${subject.id}: ${gate.en}`);

  const sets: [string, unknown][] = [];
  const notes: string[] = [];
  let overall: number | undefined;
  let grade: Text | undefined;

  if (given['four-level']) {
    const fl = p.evaluation!.four_level!;
    const opinions = fl.opinions ?? ['branch', 'committee'];
    for (const [flag, value, key, which, zh] of [['--branch', o.branch, 'branch_rating', 'branch', '支委会意见'], ['--committee', o.committee, 'committee_rating', 'committee', '党委（党组）意见']] as const) {
      if (value === undefined) continue;
      if (!opinions.includes(which)) usage(`方案“${p.id}”的评议不含${zh}（${flag}）`, `programme "${p.id}" has no ${which} opinion (${flag})`);
      if (!(FOUR_LEVELS as readonly string[]).includes(value)) usage(`${flag} 应为 好 / 较好 / 一般 / 较差（收到“${value}”）`, `${flag} must be 好 / 较好 / 一般 / 较差 (got "${value}")`);
      sets.push([key, value]);
      notes.push(`${zh}：${value}`);
    }
    if (o.participants !== undefined || o.votes !== undefined) {
      if (!fl.poll) usage(`方案“${p.id}”不进行群众测评`, `programme "${p.id}" has no public poll`);
      if (o.participants === undefined || !Number.isInteger(o.participants) || o.participants < 1) usage('群众测评须给出 --participants（参与测评人数，正整数）', 'the poll needs --participants (a positive integer)');
      const votes = o.votes ?? {};
      const missing = FOUR_LEVELS.filter((l) => votes[l] === undefined);
      if (missing.length) usage(`--votes 缺少 ${missing.join('、')} 的票数（例如 --votes 好=20,较好=8,一般=2,较差=0）`, `--votes lacks ${missing.join(', ')} (e.g. --votes 好=20,较好=8,一般=2,较差=0)`);
      for (const l of FOUR_LEVELS) if (!Number.isInteger(votes[l]) || votes[l]! < 0) usage(`“${l}”的票数应为非负整数`, `votes for "${l}" must be a non-negative integer`);
      const sum = FOUR_LEVELS.reduce((a, l) => a + votes[l]!, 0);
      if (sum !== o.participants) refuse(`各等次票数合计 ${sum} 与参与测评人数 ${o.participants} 不一致`, `the votes add up to ${sum}, but ${o.participants} took part`);
      sets.push(['poll', { participants: o.participants, votes: Object.fromEntries(FOUR_LEVELS.map((l) => [l, votes[l]!])) }]);
      notes.push(`群众测评 ${o.participants} 人（${FOUR_LEVELS.map((l) => `${l} ${votes[l]}`).join('，')}）`);
    }
  }

  if (given.stars) {
    const s = p.evaluation!.stars!;
    const min = s.min ?? 1;
    const max = s.max ?? 5;
    const criteria = s.criteria ?? [];
    const values = o.stars ?? {};
    for (const [k, v] of Object.entries(values)) {
      if (criteria.length && !criteria.includes(k)) usage(`星级指标“${k}”不在方案指标中（可选：${criteria.join(' / ')}）`, `criterion "${k}" is not one of ${criteria.join(' / ')}`);
      if (!Number.isInteger(v) || v < min || v > max) usage(`“${k}”的星级应为 ${min}–${max} 的整数（收到 ${v}）`, `stars for "${k}" must be a whole number ${min}–${max} (got ${v})`);
    }
    const missing = criteria.filter((c) => values[c] === undefined);
    if (missing.length) usage(`缺少指标 ${missing.join('、')} 的星级（--stars ${criteria.map((c) => `${c}=4`).join(',')}）`, `stars missing for ${missing.join(', ')}`);
    const list = Object.values(values);
    overall = o.overall ?? (list.length ? Math.floor(list.reduce((a, b) => a + b, 0) / list.length + 0.5) : undefined);
    if (overall === undefined) usage('请给出 --overall（综合星级）或各指标星级', 'give --overall or the stars per criterion');
    if (!Number.isInteger(overall) || overall < min || overall > max) usage(`综合星级应为 ${min}–${max} 的整数（收到 ${overall}）`, `overall stars must be a whole number ${min}–${max} (got ${overall})`);
    grade = starGrade(p, overall);
    sets.push(['stars', ordered({ criteria: Object.keys(values).length ? values : undefined, overall, date: ws.date }, ['criteria', 'overall', 'date'])]);
    notes.push(`星级评估：综合 ${overall} 星（${grade.zh}）`);
  }

  if (given.bonus) {
    const rule = p.evaluation!.bonus!;
    const cap = rule.max;
    const check = (v: unknown, what: string) => {
      if (typeof v !== 'number' || Number.isNaN(v) || v < 0) usage(`${what} 应为非负数`, `${what} must be a non-negative number`);
      if (v > cap) refuse(`加分 ${v} 超过上限 ${cap} 分（最高不超过 ${cap} 分）`, `bonus ${v} exceeds the cap of ${cap}`);
    };
    if (o.bonus !== undefined) check(o.bonus, '--bonus');
    const d = subject.data as { lead?: string; co_organisers?: { organisation: string }[] };
    if (rule.per_unit && d.lead) {
      // 002: the lead unit and each co-organiser earn their own points (each at most the cap).
      const units = [d.lead, ...(d.co_organisers ?? []).map((c) => c.organisation).filter((x) => x !== d.lead)];
      for (const org of Object.keys(o.bonusUnits ?? {})) {
        if (!units.includes(org)) usage(`--bonus-unit：${org} 不是本项目的牵头单位或联办单位（${units.join('、')}）`, `--bonus-unit: ${org} is neither the lead nor a co-organiser (${units.join(', ')})`);
      }
      const byUnit = units.map((org) => {
        const points = o.bonusUnits?.[org] ?? o.bonus;
        if (points === undefined) usage(`缺少 ${org} 的加分：用 --bonus 给出各单位的加分，或 --bonus-unit ${org}=分数`, `no points for ${org}: give --bonus for every unit, or --bonus-unit ${org}=points`);
        check(points, `--bonus-unit ${org}`);
        return { organisation: org, points };
      });
      sets.push(['bonus_points', byUnit[0]!.points]);
      sets.push(['bonus_by_unit', byUnit]);
      notes.push(`加分：${byUnit.map((u) => `${u.organisation} ${u.points} 分`).join('，')}`);
    } else {
      if (o.bonusUnits !== undefined) usage(`方案“${p.id}”不按单位加分（evaluation.bonus.per_unit）`, `programme "${p.id}" does not award bonus per unit (evaluation.bonus.per_unit)`);
      if (o.bonus === undefined) usage('请用 --bonus 给出加分', 'give the points with --bonus');
      sets.push(['bonus_points', o.bonus]);
      notes.push(`加分 ${o.bonus} 分`);
    }
  }
  if (o.opinion) {
    sets.push(['review_opinion', o.opinion.trim()]);
    notes.push('评审组意见');
  }
  if (o.committeeOpinion) {
    sets.push(['committee_opinion', o.committeeOpinion.trim()]);
    notes.push('党委（党组）意见');
  }
  sets.push(['rated_on', ws.date]);

  const { entry: ev } = evaluationFor(ws, p, subject);
  ws.edit(ev, (doc) => {
    for (const [k, v] of sets) setField(doc, 'evaluation', k, v);
  });
  const stage = stageOf(p, subject);
  const what = o.correction ? `更正评价：${notes.join('；')}（理由：${o.correction.reason.trim()}）` : `评价：${notes.join('；')}`;
  ws.history(subject, { stage: stage.id, date: ws.date, by: ws.by, note: o.note ?? what });
  const result = await ws.commit(`djyc rate: ${subject.id} ${notes.length ? kinds.join('+') : ''}`.trim(), { next: [subject.id] });
  return { ...result, subject: subject.id, evaluation: ev.id, kinds, overall, grade };
}
