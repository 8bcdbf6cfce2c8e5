/**
 * `djyc advance`: moves a project, task or brand to a next stage of its programme, if every guard the stage
 * `requires` passes; appends a history entry; assigns the project number on the way into a `has-number` stage.
 */
import { type Stage, requires, stageName, nextStages } from '../domain/programme.js';
import { findWindow, inWindow, windowDates } from '../domain/programme.js';
import type { ProgrammeRecord } from '../domain/types.generated.js';
import { Workspace, ordered, refuse, setField, stageOf, trackOf, usage, type OpOptions, type OpResult } from './workspace.js';
import { checkStage } from '../domain/guards.js';
import type { RecordEntry } from '../domain/records.js';
import { type Text, T } from '../domain/i18n.js';

export interface AdvanceOptions extends OpOptions {
  id: string;
  /** Target stage; default: the first stage the programme lists in `next` (the forward path). */
  to?: string;
  /** Project number to give at approval (default: the next number of `project.numbering.format`). */
  number?: string;
  /** Approving organisation recorded in `approval.by` (default: the programme's organiser). */
  approvedBy?: string;
}

export interface AdvanceResult extends OpResult {
  id: string;
  kind: string;
  from: string;
  to: string;
  number?: string;
}

/** Escapes a literal for a RegExp. */
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The next project number under `project.numbering.format` ("{year}-{seq:3}" → 2020-007). */
export function nextNumber(p: ProgrammeRecord, numbers: string[]): string | undefined {
  const format = p.project?.numbering?.format;
  if (!format || !/\{seq(:\d+)?\}/.test(format)) return undefined;
  const year = String(p.year);
  let width = 1;
  const pattern = format.split(/(\{year\}|\{seq(?::\d+)?\})/).map((part) => {
    if (part === '{year}') return esc(year);
    const m = /^\{seq(?::(\d+))?\}$/.exec(part);
    if (m) {
      width = Number(m[1] ?? 1);
      return '(\\d+)';
    }
    return esc(part);
  }).join('');
  const re = new RegExp(`^${pattern}$`);
  let max = 0;
  for (const n of numbers) {
    const m = re.exec(n);
    if (m) max = Math.max(max, Number(m[1]));
  }
  return format.replace('{year}', year).replace(/\{seq(?::\d+)?\}/, String(max + 1).padStart(width, '0'));
}

/** Checks whether the date falls inside a stage's calendar window; a note, never a refusal (deadlines warn). */
export function windowNote(p: ProgrammeRecord, stage: Stage, date: string): Text | undefined {
  const w = findWindow(p, stage.window);
  if (!w) return undefined;
  if (inWindow(p, w, date)) return undefined;
  const { start, end } = windowDates(p, w);
  const when = w.every_year ? T(`每年 ${w.start} 至 ${w.end}`, `every year ${w.start} – ${w.end}`) : T(`${start} 至 ${end}`, `${start} – ${end}`);
  return T(`注意：${date} 不在“${w.label}”时间窗口（${when.zh}）内`, `note: ${date} is outside the window "${w.label}" (${when.en})`);
}

/** Moves the record into `target` (already checked), with history, number and approval. */
export function applyStage(ws: Workspace, p: ProgrammeRecord, entry: RecordEntry, from: Stage, target: Stage, extra: { number?: string; approvedBy?: string; note?: string } = {}): void {
  ws.edit(entry, (doc) => {
    setField(doc, entry.kind, 'stage', target.id);
    if (extra.number) {
      setField(doc, entry.kind, 'number', extra.number);
      setField(doc, entry.kind, 'approval', ordered({ date: ws.date, by: extra.approvedBy, note: extra.note }, ['date', 'by', 'note']));
    }
  });
  ws.history(entry, { stage: target.id, from: from.id, date: ws.date, by: ws.by, note: extra.note });
  const n = windowNote(p, target, ws.date);
  if (n) ws.note(n.zh, n.en);
}

/**
 * Chooses and checks the target stage: `to` when given (must be a legal next stage), else the first stage listed in
 * `next`. Refuses with the reasons and the legal next stages.
 */
export function chooseTarget(ws: Workspace, p: ProgrammeRecord, entry: RecordEntry, to: string | undefined, pendingNumber?: (s: Stage) => string | undefined): Stage {
  const track = trackOf(entry);
  const current = stageOf(p, entry);
  const nexts = nextStages(p, track, current);
  const legal = (lang: 'zh' | 'en') => nexts.map((s) => stageName(p, track, s.id, lang)).join(lang === 'zh' ? '、' : ', ') || (lang === 'zh' ? '无' : 'none');
  const here = (lang: 'zh' | 'en') => stageName(p, track, current.id, lang);
  if (!nexts.length) refuse(`${entry.id} 已处于终结阶段 ${here('zh')}，没有可转入的阶段`, `${entry.id} is at the final stage ${here('en')}; there is no next stage`);
  const check = (s: Stage) => checkStage({ programme: p, track, subject: ws.index.any(entry.id) ?? entry, index: ws.index, date: ws.date, fileExists: (rel) => ws.fileExists(rel), pendingNumber: pendingNumber?.(s) }, s);
  if (to !== undefined) {
    const target = nexts.find((s) => s.id === to);
    if (!target) {
      refuse(
        `不能将 ${entry.id} 从 ${here('zh')} 转入“${to}”：这不是方案允许的下一阶段。可转入：${legal('zh')}`,
        `cannot move ${entry.id} from ${here('en')} to "${to}": not a legal next stage. Legal next stages: ${legal('en')}`,
      );
    }
    const c = check(target);
    if (c.failures.length) {
      refuse(
        `不能将 ${entry.id} 从 ${here('zh')} 转入 ${stageName(p, track, target.id, 'zh')}：${c.failures.map((f) => f.reason.zh).join('；')}。可转入：${legal('zh')}`,
        `cannot move ${entry.id} from ${here('en')} to ${stageName(p, track, target.id, 'en')}: ${c.failures.map((f) => f.reason.en).join('; ')}. Legal next stages: ${legal('en')}`,
      );
    }
    return target;
  }
  // Without --to: the first stage listed in `next` (the programme's forward path). Other legal stages are never
  // entered implicitly (a brand must not slip back to cultivation because its rating is missing).
  const target = nexts[0]!;
  const c = check(target);
  if (!c.failures.length) return target;
  const others = nexts.slice(1).map(check).filter((x) => !x.failures.length);
  const hint = (lang: 'zh' | 'en') =>
    others.length
      ? lang === 'zh'
        ? `\n  如要转入 ${others.map((x) => stageName(p, track, x.stage.id, 'zh')).join('、')}，请用 --to ${others[0]!.stage.id}`
        : `\n  to move to ${others.map((x) => stageName(p, track, x.stage.id, 'en')).join(', ')} instead, use --to ${others[0]!.stage.id}`
      : '';
  refuse(
    `不能将 ${entry.id} 从 ${here('zh')} 推进到 ${stageName(p, track, target.id, 'zh')}：${c.failures.map((f) => f.reason.zh).join('；')}。可转入：${legal('zh')}${hint('zh')}`,
    `cannot advance ${entry.id} from ${here('en')} to ${stageName(p, track, target.id, 'en')}: ${c.failures.map((f) => f.reason.en).join('; ')}. Legal next stages: ${legal('en')}${hint('en')}`,
  );
}

export async function advance(o: AdvanceOptions): Promise<AdvanceResult> {
  await using ws = await Workspace.open(o);
  const { entry, p, track, stage: from } = ws.staged(o.id);
  const data = entry.data as Record<string, any>;

  if (o.number !== undefined && entry.kind !== 'project') usage('--number 只适用于项目', '--number applies to projects only');
  if (o.number !== undefined && data.number && data.number !== o.number) {
    refuse(`${entry.id} 已有项目编号 ${data.number}，编号给定后不再改变`, `${entry.id} already has number ${data.number}; numbers never change once given`);
  }
  const existingNumbers = ws.index.all('project').filter((x) => x.data.programme === p.id && x.id !== entry.id && x.data.number).map((x) => x.data.number!);
  const numberFor = (s: Stage): string | undefined => {
    if (!requires(s, 'has-number') || data.number) return undefined;
    return o.number ?? nextNumber(p, existingNumbers);
  };
  const target = chooseTarget(ws, p, entry, o.to, numberFor);
  if (o.number !== undefined && !requires(target, 'has-number') && !data.number) {
    usage(`--number 只在进入需要项目编号的阶段（立项）时使用；${stageName(p, track, target.id, 'zh')} 不需要编号`, `--number is given on entering a stage that requires a number (approval); ${stageName(p, track, target.id, 'en')} does not`);
  }
  if (o.approvedBy) ws.organisation(o.approvedBy, '--approved-by', true);
  const number = numberFor(target);
  if (number && existingNumbers.includes(number)) refuse(`项目编号 ${number} 已被使用`, `project number ${number} is already taken`);
  applyStage(ws, p, entry, from, target, { number, approvedBy: number ? (o.approvedBy ?? p.organiser) : undefined, note: o.note });
  const result = await ws.commit(`djyc advance: ${entry.id} ${from.id} → ${target.id}`);
  return { ...result, id: entry.id, kind: entry.kind, from: from.id, to: target.id, number };
}
