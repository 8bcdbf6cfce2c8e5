/**
 * What comes next for a record, and the command that does it — derived from the programme's data (its stages,
 * their `next` and `requires`, their calendar windows, its report rules and rating scheme), never from per-programme
 * code. Used by every write command ("下一步：…"), by `djyc show` (everything a record still needs) and `djyc todo`.
 *
 * For a project, task or brand not at a final stage:
 *   1. quarterly reports (执行书) owed for quarters that have ended and not filed, oldest first;
 *   2. the forward stage (the first of `next`): when every guard it requires holds, `djyc advance`; else, for each
 *      guard that fails, the command that satisfies it (GUARD_STEPS below).
 * Each step names its window (领办公示（5 月 1 日—5 月 10 日）) or its due day.
 */
import { quarterEnd } from './dates.js';
import { checkStage, type GuardWord } from './guards.js';
import { T, type Lang, type Text } from './i18n.js';
import { subjectObligations, reportsApply } from './obligations.js';
import { findStage, findWindow, lastEntered, nextStages, stageName, trackStages, windowDates, TRACK_OF_KIND, type Stage, type Staged, type Track } from './programme.js';
import { ratingKinds, FOUR_LEVELS } from './ratings.js';
import { refFor, shellWord } from './resolve.js';
import { evaluationOf, summary, type RecordEntry, type RecordIndex } from './records.js';
import { latestRound } from './acceptance.js';
import type { ProgrammeRecord } from './types.generated.js';

export interface Step {
  /** What is to be done, e.g. 领办公示, 2020Q2 党组织领办项目执行书. */
  what: Text;
  /** The command, the record named as the resolver takes it back (a name where it is unique). */
  command: string;
  /** The record it is for. */
  subject: string;
  /** The calendar window it belongs to, if any. */
  window?: { label: string; start: string; end: string };
  /** Last day (the window's end, or a report's due day). */
  due?: string;
  /** Why the stage cannot be entered yet (a failing guard). */
  reason?: Text;
  kind: 'report' | 'advance' | 'guard';
}

export interface NextInput {
  programme: ProgrammeRecord;
  index: RecordIndex;
  subject: RecordEntry;
  today: string;
  /** Whether a repository-relative file exists (the logo guard). */
  fileExists(rel: string): boolean;
}

/** `5 月 1 日—5 月 10 日` / `May 1 – May 10` (the year shown when the window is not in `year`). */
export function windowText(start: string, end: string, lang: Lang, year?: number): string {
  const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const part = (d: string, showYear: boolean) => {
    const [y, m, day] = d.split('-').map(Number) as [number, number, number];
    return lang === 'en' ? `${MONTHS[m - 1]} ${day}${showYear ? ` ${y}` : ''}` : `${showYear ? `${y} 年 ` : ''}${m} 月 ${day} 日`;
  };
  const sy = Number(start.slice(0, 4));
  const ey = Number(end.slice(0, 4));
  const showStart = year !== undefined && sy !== year;
  const showEnd = sy !== ey;
  return lang === 'en' ? `${part(start, showStart)} – ${part(end, showEnd)}` : `${part(start, showStart)}—${part(end, showEnd)}`;
}

/** A step's time as a message shows it: the window, else the due day. */
export function stepWhen(step: Step, lang: Lang, year?: number): string {
  if (step.window) return lang === 'en' ? `${step.window.label} (${windowText(step.window.start, step.window.end, lang, year)})` : `${step.window.label}（${windowText(step.window.start, step.window.end, lang, year)}）`;
  if (step.due) return lang === 'en' ? `by ${step.due}` : `${step.due} 前`;
  return '';
}

/** What and when together, once: `领办公示（5 月 1 日—5 月 10 日）`, not `领办公示（领办公示（…））` when the window is named
 * after the step. `sep` joins a step to a window of another name. */
export function whatWhen(what: string, when: string, lang: Lang, sep: 'comma' | 'brackets' = 'comma'): string {
  if (!when) return what;
  if (!what || when.startsWith(what)) return when;
  if (sep === 'brackets') return lang === 'en' ? `${what} (${when})` : `${what}（${when}）`;
  return lang === 'en' ? `${what}, ${when}` : `${what}，${when}`;
}

/** One line: `djyc report … --quarter 2020Q2 …  2020Q2 党组织领办项目执行书（2020-07-10 前）`. */
export function stepLine(step: Step, lang: Lang, year?: number): string {
  const when = stepWhen(step, lang, year);
  const what = lang === 'en' ? step.what.en : step.what.zh;
  const tail = step.kind === 'advance' ? when || what : whatWhen(what, when, lang);
  return `${step.command}   # ${tail}`;
}

const KINDS_WITH_STAGES = ['project', 'task', 'brand'] as const;

/** The command-line placeholders of free text, in the user's language of the hint (always Chinese in the command). */
function ratingFlags(p: ProgrammeRecord, kind: string): string {
  const parts: string[] = [];
  for (const k of ratingKinds(p, kind)) {
    if (k === 'four-level') {
      const fl = p.evaluation!.four_level!;
      const opinions = fl.opinions ?? ['branch', 'committee'];
      if (opinions.includes('branch')) parts.push(`--branch <${FOUR_LEVELS.join('/')}>`);
      if (opinions.includes('committee')) parts.push(`--committee <${FOUR_LEVELS.join('/')}>`);
      if (fl.poll) parts.push('--participants <参与测评人数>', `--votes ${FOUR_LEVELS.map((l) => `${l}=<票数>`).join(',')}`);
    } else if (k === 'stars') parts.push(`--stars ${(p.evaluation?.stars?.criteria ?? ['<指标>']).map((c) => `${c}=<星级>`).join(',')}`);
    else if (k === 'bonus') parts.push(`--bonus <加分>`);
    else parts.push('--opinion <评审意见>');
  }
  return parts.join(' ');
}

/** The command that makes a failing guard hold, for the record named `ref`. */
export function guardStep(word: GuardWord, g: NextInput, track: Track, target: Stage, ref: string): { command: string; what: Text } | undefined {
  const { programme: p, index, subject } = g;
  const d = summary(subject) as Record<string, any>;
  const label = (lang: Lang) => stageName(p, track, target.id, lang);
  switch (word) {
    case 'has-lead':
    case 'has-org-commitment': {
      const org = d.lead ?? d.proposed_by;
      const orgRef = org && index.get('organisation', org) ? refFor(index, index.get('organisation', org)!) : '<党组织>';
      return { command: `djyc claim ${ref} --org ${orgRef}`, what: T('党组织领办（签订承诺书）', 'an organisation claims it (signs the commitment)') };
    }
    case 'has-tasks':
    case 'member-commitments':
      return { command: `djyc task add ${ref} --member <姓名> --content <任务内容> --due <完成时限>`, what: T('党员认领任务（签订承诺书）', 'members take tasks (and sign commitments)') };
    case 'reports-due-filed':
      return undefined; // reports are listed as steps of their own
    case 'has-closure':
      return { command: `djyc close ${ref} --results <${subject.kind === 'task' ? '完成质效' : '取得成效'}> --self-assessment <自评>`, what: T('填写结项书，申请结项', 'file the closure') };
    case 'has-panel':
      return { command: `djyc panel ${ref}`, what: T('抽取验收组', 'draw the acceptance panel') };
    case 'acceptance-pass':
      return { command: `djyc accept ${ref} --result pass --opinion <验收组意见>`, what: T('验收组验收', 'acceptance by the panel') };
    case 'acceptance-rework':
      return { command: `djyc accept ${ref} --result rework --opinion <验收组意见>`, what: T('验收组提出整改意见', 'the panel asks for rework') };
    case 'has-rating':
      return { command: `djyc rate ${ref} ${ratingFlags(p, subject.kind)}`, what: T('评价', 'rating') };
    case 'has-intervention':
      return { command: `djyc intervene ${ref} --type 约谈 --who <约谈人>`, what: T('督促整改（约谈 / 挂牌帮扶 / 调整）', 'intervention (约谈 / 挂牌帮扶 / 调整)') };
    case 'has-logo-and-concept':
      return { command: `djyc brand set ${ref} --logo <标识图片> --concept <品牌内涵>`, what: T('完善品牌标识和内涵', 'add the logo and concept') };
    case 'has-annual-goals':
      return { command: `djyc brand goal ${ref} --year ${g.today.slice(0, 4)} --goals <年度目标>`, what: T('上报年度目标', 'report the annual goals') };
    case 'co-organiser-plans': {
      const missing = (d.co_organisers ?? []).find((c: { work_plan?: string }) => !c.work_plan);
      const orgRef = missing && index.get('organisation', missing.organisation) ? refFor(index, index.get('organisation', missing.organisation)!) : '<联办单位>';
      return { command: `djyc claim ${ref} --org ${orgRef} --co-organiser --plan <工作计划>`, what: T('联办单位向牵头单位报送工作计划', "co-organisers hand in their work plans") };
    }
    case 'has-number':
      return { command: `djyc advance ${ref} --to ${shellWord(target.label)} --number <项目编号>`, what: { zh: label('zh'), en: label('en') } };
    default:
      return undefined;
  }
}

function windowOf(p: ProgrammeRecord, stage: Stage | undefined): Step['window'] {
  const w = findWindow(p, stage?.window);
  if (!w) return undefined;
  const { start, end } = windowDates(p, w);
  return { label: w.label, start, end };
}

/** Quarterly reports owed for quarters that have ended and not filed, oldest first. */
export function reportSteps(g: NextInput, ref: string): Step[] {
  const { programme: p, index, subject } = g;
  if ((subject.kind !== 'project' && subject.kind !== 'task') || !reportsApply(p, subject.kind)) return [];
  const reports = new Map([[subject.id, index.where('report', 'subject', subject.id)]]);
  const project = subject.kind === 'task' ? summary(index.get('project', (summary(subject) as { project?: string }).project)) : undefined;
  const owed = subjectObligations(p, subject.kind, { id: subject.id, record: summary(subject) as Staged }, reports, g.today, project);
  return owed
    .filter((o) => o.required && !o.report && quarterEnd(o.quarter) < g.today)
    .map((o) => ({
      kind: 'report' as const,
      subject: subject.id,
      command: `djyc report ${ref} --quarter ${o.quarter} --progress <进展情况> --problems <存在问题> --next <下步打算>`,
      what: subject.kind === 'project' ? T(`${o.quarter} 党组织领办项目执行书`, `${o.quarter} project report`) : T(`${o.quarter} 党员领办任务执行书`, `${o.quarter} task report`),
      due: o.due,
    }));
}

/** Whether a failing guard can no longer hold this round: the acceptance recorded asks for the other outcome. */
function decidedOtherwise(word: GuardWord, g: NextInput): boolean {
  if (word !== 'acceptance-pass' && word !== 'acceptance-rework') return false;
  const a = latestRound(summary(evaluationOf(g.index, g.subject.id)));
  const since = lastEntered(summary(g.subject) as Staged, (summary(g.subject) as { stage: string }).stage) ?? '0000-00-00';
  if (!a || a.date < since) return false;
  return word === 'acceptance-pass' ? a.result !== 'pass' : a.result !== 'rework';
}

/** The next steps of a project, task or brand (empty at a final stage, or for other kinds). */
export function nextSteps(g: NextInput): Step[] {
  const { programme: p, index, subject } = g;
  const track = TRACK_OF_KIND[subject.kind];
  if (!track) return [];
  const current = findStage(p, track, (summary(subject) as { stage?: string }).stage);
  if (!current || current.final) return [];
  const ref = refFor(index, subject, KINDS_WITH_STAGES);
  const steps = reportSteps(g, ref);
  const nexts = nextStages(p, track, current);
  // The forward stage (the first of `next`), unless a recorded decision rules it out (an acceptance asking for
  // rework rules out the stage that needs a pass): then the next one that decision leads to.
  const checks = nexts.map((s) => checkStage({ programme: p, track, subject, index, date: g.today, fileExists: g.fileExists }, s));
  const check = checks.find((c) => !c.failures.some((f) => decidedOtherwise(f.word, g))) ?? checks[0];
  if (!check) return steps;
  const target = check.stage;
  const window = windowOf(p, target);
  const toName = T(stageName(p, track, target.id, 'zh'), stageName(p, track, target.id, 'en'));
  if (!check.failures.length) {
    const to = target === nexts[0] ? '' : ` --to ${shellWord(target.label)}`;
    steps.push({ kind: 'advance', subject: subject.id, command: `djyc advance ${ref}${to}`, what: toName, ...(window ? { window, due: window.end } : {}) });
    return steps;
  }
  for (const f of check.failures) {
    const s = guardStep(f.word, g, track, target, ref);
    if (!s) continue;
    if (steps.some((x) => x.command === s.command)) continue;
    steps.push({ kind: 'guard', subject: subject.id, command: s.command, what: s.what, reason: f.reason, ...(window ? { window, due: window.end } : {}) });
  }
  return steps;
}

/**
 * Everything a record still needs on its way forward (for `djyc show`): the next steps, then, stage by stage along
 * the forward path (each stage's first `next`), the guards that do not hold yet, each with its command.
 */
export function stillNeeded(g: NextInput): Step[] {
  const { programme: p, subject } = g;
  const track = TRACK_OF_KIND[subject.kind];
  if (!track) return [];
  const steps = nextSteps(g);
  const current = findStage(p, track, (summary(subject) as { stage?: string }).stage);
  if (!current || current.final) return steps;
  const ref = refFor(g.index, subject, KINDS_WITH_STAGES);
  const seen = new Set<string>([current.id]);
  let stage: Stage | undefined = nextStages(p, track, current)[0];
  // The first stage ahead was handled by nextSteps; the ones after it add what they require.
  stage = stage ? nextStages(p, track, stage)[0] : undefined;
  while (stage && !seen.has(stage.id)) {
    seen.add(stage.id);
    const check = checkStage({ programme: p, track, subject: g.subject, index: g.index, date: g.today, fileExists: g.fileExists }, stage);
    const window = windowOf(p, stage);
    for (const f of check.failures) {
      const s = guardStep(f.word, g, track, stage, ref);
      if (!s || steps.some((x) => x.command === s.command)) continue;
      steps.push({ kind: 'guard', subject: subject.id, command: s.command, what: s.what, reason: f.reason, ...(window ? { window, due: window.end } : {}) });
    }
    if (stage.final) break;
    stage = nextStages(p, track, stage)[0];
  }
  return steps;
}

/** Whether members take tasks while a project is at this stage: once claimed (项目认领 …), before closure is requested. */
export function takesTasks(p: ProgrammeRecord, stageId: string): boolean {
  const stages = trackStages(p, 'project');
  const claimAt = stages.findIndex((s) => (s.requires ?? []).some((w) => w === 'has-lead' || w === 'has-org-commitment'));
  const closeAt = stages.findIndex((s) => (s.requires ?? []).includes('has-closure'));
  const at = stages.findIndex((s) => s.id === stageId);
  return trackStages(p, 'task').length > 0 && at >= 0 && claimAt >= 0 && at >= claimAt && (closeAt < 0 || at < closeAt) && !stages[at]!.final;
}

/**
 * The first steps in a new repository, from the programme: enter the organisations, their members, the expert pool
 * when acceptance panels are drawn, then the first stage's records in its window; `djyc todo` from then on.
 */
export function firstSteps(p: ProgrammeRecord, dir?: string): Step[] {
  const steps: Step[] = [];
  const step = (command: string, what: Text, window?: Step['window']): void => void steps.push({ kind: 'guard', subject: p.id, command, what, ...(window ? { window, due: window.end } : {}) });
  if (dir) step(`cd ${shellWord(dir)}`, T('进入记录库', 'enter the repository'));
  step('djyc new-org --name <党组织全称> --short-name <简称> --type 党支部', T('登记党组织（每个一次）', 'enter the organisations (once each)'));
  step('djyc new-member --name <姓名> --org <党组织简称> --admin-title <行政职务> --party-title <党内职务>', T('登记党员（或用 djyc import 导入名册）', 'enter the members (or import the roster with djyc import)'));
  if (p.evaluation?.panel_size) step('djyc new-expert --name <姓名> --category <擅长类别> --unit <工作单位>', T('建立专家库（验收组从中抽取）', 'build the expert pool (acceptance panels are drawn from it)'));
  const first = trackStages(p, 'project')[0];
  if (first && p.project?.enabled !== false) {
    const flags = [p.project?.categories?.length ? '--category <项目类别>' : '', p.project?.sources?.length ? '--source <项目来源>' : ''].filter(Boolean).join(' ');
    step(`djyc new-project --title <项目名称> --org <党组织简称> ${flags} --yes`.replace(/\s+/g, ' '), T(first.label, first.label_en ?? first.id), windowOf(p, first));
  } else {
    const brand = trackStages(p, 'brand')[0];
    if (brand) step('djyc brand new --org <党组织简称> --name <品牌名称> --concept <品牌内涵>', T(brand.label, brand.label_en ?? brand.id), windowOf(p, brand));
  }
  step('djyc todo', T('此后随时查看各单位要做什么', 'from then on: what each office has to do'));
  return steps;
}
