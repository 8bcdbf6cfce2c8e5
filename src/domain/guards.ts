/**
 * The guard words of the programme schema (`stages[].requires`): one function each. A programme lists the words a
 * stage requires; `advance` (and `close`, `brand outcome`) enter the stage only when every guard passes. Guards read
 * the workspace index, which already includes what the operation is about to write.
 */
import { lastEntered, type Stage, type Staged, type Track } from './programme.js';
import type { ProgrammeRecord } from './types.generated.js';
import { reportsDue } from './obligations.js';
import { hasRating } from './ratings.js';
import { latestRound } from './acceptance.js';
import { type RecordEntry, type RecordIndex, closureOf, summary, evaluationOf, memberName, orgName, tasksOf } from './records.js';
import { joinList, type Text, T } from './i18n.js';

export const GUARD_WORDS = [
  'has-lead', 'has-org-commitment', 'has-tasks', 'member-commitments', 'reports-due-filed', 'has-closure', 'has-panel',
  'acceptance-pass', 'acceptance-rework', 'has-rating', 'has-intervention', 'has-logo-and-concept', 'has-annual-goals',
  'co-organiser-plans', 'has-number', 'consultation-ended', 'has-naming-document',
] as const;
export type GuardWord = (typeof GUARD_WORDS)[number];

export interface GuardInput {
  programme: ProgrammeRecord;
  track: Track;
  /** The record about to move (as the workspace sees it). */
  subject: RecordEntry;
  /** The stage it would enter. */
  target: Stage;
  index: RecordIndex;
  /** Date of the act. */
  date: string;
  /** Whether a repository-relative file exists (on disk, or written by the same operation). */
  fileExists(rel: string): boolean;
  /** A number the operation would assign on the way in (`advance --number`, or the next one of the format). */
  pendingNumber?: string;
}

/** `null` when the guard passes, else the reason in both languages. */
export type Guard = (g: GuardInput) => Text | null;

const d = (e: RecordEntry) => summary(e) as Record<string, any>;

/** The date the record last entered the stage it is at now (acceptances and interventions must be newer). */
function currentSince(g: GuardInput): string {
  return lastEntered(summary(g.subject) as Staged, d(g.subject).stage) ?? '0000-00-00';
}

export const GUARDS: Record<GuardWord, Guard> = {
  'has-lead': (g) => {
    if (g.subject.kind !== 'project') return null;
    return d(g.subject).lead ? null : T('尚无领办（牵头）单位', 'no lead organisation yet');
  },

  'has-org-commitment': (g) => {
    if (g.subject.kind !== 'project') return null;
    const lead = d(g.subject).lead as string | undefined;
    if (!lead) return T('尚无领办党组织，也就没有《党组织领办项目承诺书》', 'no lead organisation, hence no organisation commitment');
    const ok = g.index.where('commitment', 'organisation', lead).some((c) => summary(c).type === 'organisation' && summary(c).programme === g.programme.id && summary(c).items.some((i) => i.project === g.subject.id));
    return ok ? null : T(`${orgName(g.index, lead)} 尚无包含本项目的《党组织领办项目承诺书》`, `${orgName(g.index, lead)} has no organisation commitment listing this project`);
  },

  'has-tasks': (g) => {
    if (g.subject.kind !== 'project') return null;
    return tasksOf(g.index, g.subject.id).length ? null : T('尚无党员领办任务', 'no member tasks yet');
  },

  'member-commitments': (g) => {
    const tasks = g.subject.kind === 'task' ? [g.subject as RecordEntry<'task'>] : g.subject.kind === 'project' ? tasksOf(g.index, g.subject.id) : [];
    if (!tasks.length) return g.target.requires?.includes('has-tasks') ? null : T('尚无党员领办任务，也就没有《党员领办任务承诺书》', 'no member tasks, hence no member commitments');
    const missing: string[] = [];
    for (const t of tasks) {
      for (const m of summary(t).members ?? []) {
        const ok = g.index.where('commitment', 'member', m).some((c) => summary(c).type === 'member' && summary(c).items.some((i) => i.task === t.id));
        if (!ok) missing.push(memberName(g.index, m));
      }
    }
    return missing.length ? T(`以下党员尚无该任务的《党员领办任务承诺书》：${missing.join('、')}`, `no member commitment for: ${missing.join(', ')}`) : null;
  },

  'reports-due-filed': (g) => {
    const due = reportsDue(g.programme, g.subject, g.index, g.date);
    const missing = due.filter((x) => !x.report).map((x) => x.quarter);
    return missing.length
      ? T(`尚未填报 ${missing.join('、')} 的执行书`, `quarterly reports missing for ${missing.join(', ')}`)
      : null;
  },

  'has-closure': (g) => (closureOf(g.index, g.subject.id) ? null : T('尚无结项书', 'no closure yet')),

  'has-panel': (g) => (summary(evaluationOf(g.index, g.subject.id))?.panel?.experts?.length ? null : T('尚未抽取验收组', 'no acceptance panel yet')),

  'acceptance-pass': (g) => {
    const a = latestRound(summary(evaluationOf(g.index, g.subject.id)));
    if (!a || a.date < currentSince(g)) return T('尚无本轮验收结论', 'no acceptance for this round yet');
    return a.result === 'pass' ? null : T('验收结论为“整改”，不是“通过”', 'the acceptance result is "rework", not "pass"');
  },

  'acceptance-rework': (g) => {
    const a = latestRound(summary(evaluationOf(g.index, g.subject.id)));
    if (!a || a.date < currentSince(g)) return T('尚无本轮验收结论', 'no acceptance for this round yet');
    return a.result === 'rework' ? null : T('验收结论为“通过”，不是“整改”', 'the acceptance result is "pass", not "rework"');
  },

  'has-rating': (g) => (hasRating(g.programme, g.subject, g.index) ? null : T('尚未评价', 'not rated yet')),

  'has-intervention': (g) => {
    if (g.subject.kind !== 'project') return null;
    const a = latestRound(summary(evaluationOf(g.index, g.subject.id)));
    const since = a?.result === 'rework' ? a.date : currentSince(g);
    const ok = (d(g.subject).interventions ?? []).some((i: { date: string }) => i.date >= since);
    return ok ? null : T(`${since} 以来尚无督促措施（约谈 / 挂牌帮扶 / 调整）`, `no intervention (约谈 / 挂牌帮扶 / 调整) since ${since}`);
  },

  'has-logo-and-concept': (g) => {
    const b = d(g.subject);
    const missing: Text[] = [];
    if (!b.logo) missing.push(T('品牌标识', 'logo'));
    else if (!g.fileExists(b.logo)) missing.push(T(`品牌标识文件 ${b.logo}`, `logo file ${b.logo}`));
    if (!b.concept) missing.push(T('品牌内涵', 'concept'));
    return missing.length ? T(`缺少${joinList(missing.map((m) => m.zh), 'zh')}`, `missing ${joinList(missing.map((m) => m.en), 'en')}`) : null;
  },

  'has-annual-goals': (g) => {
    const cfg = g.programme.brand?.annual_goals;
    const goals: { year: number }[] = d(g.subject).annual_goals ?? [];
    const years = new Set(goals.map((x) => x.year));
    const from = cfg?.from_stage ? lastEntered(summary(g.subject) as Staged, cfg.from_stage) : undefined;
    const missing: number[] = [];
    if (from && cfg?.due) {
      for (let y = Number(from.slice(0, 4)) + 1; y <= Number(g.date.slice(0, 4)); y++) {
        if (`${y}-${cfg.due}` < g.date && !years.has(y)) missing.push(y);
      }
    }
    if (missing.length) return T(`尚未上报 ${missing.join('、')} 年度目标任务`, `annual goals missing for ${missing.join(', ')}`);
    return goals.length ? null : T('尚未上报年度目标任务', 'no annual goals reported yet');
  },

  'co-organiser-plans': (g) => {
    if (g.subject.kind !== 'project') return null;
    const missing = (d(g.subject).co_organisers ?? []).filter((c: { work_plan?: string; plan_submitted_on?: string }) => !c.work_plan || !c.plan_submitted_on).map((c: { organisation: string }) => orgName(g.index, c.organisation));
    return missing.length ? T(`以下联办单位尚未向牵头单位报送工作计划：${missing.join('、')}`, `co-organisers without a work plan handed to the lead: ${missing.join(', ')}`) : null;
  },

  // 004 品牌评选和命名: 初选 → 征求意见 → 命名文件. Naming waits for the consultation to end, and carries its document.
  'consultation-ended': (g) => {
    const until = d(g.subject).recognition?.consultation_until as string | undefined;
    if (!until) return T('尚未记录征求意见截止日期（djyc brand set --consultation-until YYYY-MM-DD）', 'no end of the consultation recorded yet (djyc brand set --consultation-until YYYY-MM-DD)');
    return until < g.date ? null : T(`征求意见至 ${until} 止，尚未结束`, `the consultation runs until ${until}; it has not ended`);
  },

  'has-naming-document': (g) =>
    d(g.subject).recognition?.document ? null : T('尚无命名文件文号（djyc brand set --document …）', 'no naming document number yet (djyc brand set --document …)'),

  'has-number': (g) => {
    if (g.subject.kind !== 'project') return null;
    return d(g.subject).number || g.pendingNumber ? null : T('尚无项目编号（方案未设编号格式，请用 --number 给定）', 'no project number (the programme has no numbering format: give one with --number)');
  },
};

export interface StageCheck {
  stage: Stage;
  failures: { word: GuardWord; reason: Text }[];
}

/** Evaluates every guard a stage requires. */
export function checkStage(g: Omit<GuardInput, 'target'>, target: Stage): StageCheck {
  const failures: StageCheck['failures'] = [];
  for (const word of target.requires ?? []) {
    const guard = GUARDS[word as GuardWord];
    if (!guard) continue;
    const reason = guard({ ...g, target });
    if (reason) failures.push({ word: word as GuardWord, reason });
  }
  return { stage: target, failures };
}
