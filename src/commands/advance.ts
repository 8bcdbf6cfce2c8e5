/**
 * `djyc advance`: moves a project, task or brand to a next stage of its programme, if every guard the stage
 * `requires` passes; appends a history entry; assigns the project number on the way into a `has-number` stage.
 */
import { type Stage, findStage, requires, stageName, nextStages, stagesNamed } from '../domain/programme.js';
import { findWindow, inWindow, windowDates } from '../domain/programme.js';
import type { ProgrammeRecord } from '../domain/types.generated.js';
import { Workspace, ordered, refuse, setField, stageOf, stageText, trackOf, usage, type OpOptions, type OpResult } from './workspace.js';
import { checkStage, type StageCheck } from '../domain/guards.js';
import { RefusedError } from '../domain/errors.js';
import { guardStep, reportSteps } from '../domain/next.js';
import { recordName, refFor, shellWord } from '../domain/resolve.js';
import { RecordIndex, orgSubtree, tasksOf, summary } from '../domain/records.js';
import type { RecordEntry } from '../domain/records.js';
import { type Text, T } from '../domain/i18n.js';

export interface AdvanceOptions extends OpOptions {
  /** One record (a name, number or id as domain/resolve.ts takes them). */
  id?: string;
  /** Several records. */
  ids?: string[];
  /** Every task of this project. */
  project?: string;
  /** Only records of this organisation and those under it (alone: every such record not at a final stage). */
  org?: string;
  /** Only records now at this stage (its label or id). */
  stage?: string;
  /** Target stage; default: the first stage the programme lists in `next` (the forward path). */
  to?: string;
  /** Project number to give at approval (default: the next number of `project.numbering.format`). */
  number?: string;
  /** Approving organisation recorded in `approval.by` (default: the programme's organiser). */
  approvedBy?: string;
}

export interface AdvanceResult extends OpResult {
  /** Every move, in order (one commit for all). The fields below repeat the first. */
  moves: Move[];
  id: string;
  kind: string;
  from: string;
  to: string;
  number?: string;
}

/** Escapes a literal for a RegExp. */
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A numbering format's pattern for one year: which numbers it made, their sequence, and the number of a sequence. */
function numbering(p: ProgrammeRecord): { seq(n: string): number | undefined; make(seq: number): string } | undefined {
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
  return {
    seq: (n) => {
      const m = re.exec(n);
      return m ? Number(m[1]) : undefined;
    },
    make: (seq) => format.replace('{year}', year).replace(/\{seq(?::\d+)?\}/, String(seq).padStart(width, '0')),
  };
}

/** The numbers given so far in one programme, and the largest sequence among those its format made. */
type Book = { taken: Set<string>; max: number; format: ReturnType<typeof numbering> };

function openBook(p: ProgrammeRecord, numbers: Iterable<string> = []): Book {
  const b: Book = { taken: new Set(), max: 0, format: numbering(p) };
  for (const n of numbers) enter(b, n);
  return b;
}

function enter(b: Book, number: string): void {
  b.taken.add(number);
  b.max = Math.max(b.max, b.format?.seq(number) ?? 0);
}

/** The number after the largest one the book's format made (none when the format has no sequence). */
const following = (b: Book): string | undefined => b.format?.make(b.max + 1);

/** The next project number under `project.numbering.format` ("{year}-{seq:3}" → 2020-007). */
export function nextNumber(p: ProgrammeRecord, numbers: Iterable<string>): string | undefined {
  return following(openBook(p, numbers));
}

/**
 * The project numbers of each programme, read from the index once per `advance` and kept current as its moves give
 * numbers: approving a thousand projects in one batch must not read every project's number a thousand times.
 */
class NumberBook {
  private readonly books = new Map<string, Book>();
  constructor(private readonly index: RecordIndex) {}

  private book(p: ProgrammeRecord): Book {
    let b = this.books.get(p.id);
    if (!b) {
      const numbers = this.index.all('project').flatMap((x) => (summary(x).programme === p.id && summary(x).number ? [summary(x).number!] : []));
      this.books.set(p.id, (b = openBook(p, numbers)));
    }
    return b;
  }

  taken(p: ProgrammeRecord, number: string): boolean {
    return this.book(p).taken.has(number);
  }

  next(p: ProgrammeRecord): string | undefined {
    return following(this.book(p));
  }

  take(p: ProgrammeRecord, number: string): void {
    enter(this.book(p), number);
  }
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
 * Chooses and checks the target stage: `to` when given (must be a legal next stage, named by its label, its label
 * without the bracketed part, or its id), else the first stage listed in `next`. Refuses with the reasons, the
 * command that would satisfy each guard, and the legal next stages.
 */
export function chooseTarget(ws: Workspace, p: ProgrammeRecord, entry: RecordEntry, to: string | undefined, pendingNumber?: (s: Stage) => string | undefined): Stage {
  const track = trackOf(entry);
  const current = stageOf(p, entry);
  const nexts = nextStages(p, track, current);
  const legal = (lang: 'zh' | 'en') => nexts.map((s) => stageName(p, track, s.id, lang)).join(lang === 'zh' ? '、' : ', ') || (lang === 'zh' ? '无' : 'none');
  const here = (lang: 'zh' | 'en') => stageName(p, track, current.id, lang);
  const who = (lang: 'zh' | 'en') => recordName(ws.index, entry, lang);
  if (!nexts.length) refuse(`${who('zh')} 已处于终结阶段 ${here('zh')}，没有可转入的阶段`, `${who('en')} is at the final stage ${here('en')}; there is no next stage`);
  const subject = () => ws.index.any(entry.id) ?? entry;
  const check = (s: Stage) => checkStage({ programme: p, track, subject: subject(), index: ws.index, date: ws.date, fileExists: (rel) => ws.fileExists(rel), pendingNumber: pendingNumber?.(s) }, s);
  // Each failing guard with the command that would make it hold (domain/next.ts), or the quarter's report.
  const reasons = (c: StageCheck, lang: 'zh' | 'en') => {
    const g = { programme: p, index: ws.index, subject: subject(), today: ws.date, fileExists: (rel: string) => ws.fileExists(rel) };
    // Named through the index of the records as loaded: an advance changes no name, and the workspace's own index
    // is rebuilt after every move (its name tables with it, each a pass over every record).
    const loaded = RecordIndex.of(ws.repo);
    const asLoaded = loaded.any(entry.id);
    const ref = asLoaded ? refFor(loaded, asLoaded, ['project', 'task', 'brand']) : refFor(ws.index, subject(), ['project', 'task', 'brand']);
    return c.failures
      .map((f) => {
        const cmd = f.word === 'reports-due-filed' ? reportSteps(g, ref)[0]?.command : guardStep(f.word, g, track, c.stage, ref)?.command;
        const reason = lang === 'zh' ? f.reason.zh : f.reason.en;
        return cmd ? (lang === 'zh' ? `${reason}（可运行：${cmd}）` : `${reason} (run: ${cmd})`) : reason;
      })
      .join(lang === 'zh' ? '；' : '; ');
  };
  if (to !== undefined) {
    const named = stagesNamed(p, track, to);
    const target = named.find((s) => nexts.includes(s));
    if (!target) {
      refuse(
        `不能将 ${who('zh')} 从 ${here('zh')} 转入“${to}”：${named.length ? '这不是方案允许的下一阶段' : '方案中没有这个阶段'}。可转入：${legal('zh')}`,
        `cannot move ${who('en')} from ${here('en')} to "${to}": ${named.length ? 'not a legal next stage' : 'no such stage in the programme'}. Legal next stages: ${legal('en')}`,
      );
    }
    const c = check(target);
    if (c.failures.length) {
      refuse(
        `不能将 ${who('zh')} 从 ${here('zh')} 转入 ${stageName(p, track, target.id, 'zh')}：${reasons(c, 'zh')}。可转入：${legal('zh')}`,
        `cannot move ${who('en')} from ${here('en')} to ${stageName(p, track, target.id, 'en')}: ${reasons(c, 'en')}. Legal next stages: ${legal('en')}`,
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
        ? `\n  如要转入 ${others.map((x) => stageName(p, track, x.stage.id, 'zh')).join('、')}，请用 --to ${shellWord(others[0]!.stage.label)}`
        : `\n  to move to ${others.map((x) => stageName(p, track, x.stage.id, 'en')).join(', ')} instead, use --to ${others[0]!.stage.id}`
      : '';
  refuse(
    `不能将 ${who('zh')} 从 ${here('zh')} 推进到 ${stageName(p, track, target.id, 'zh')}：${reasons(c, 'zh')}。可转入：${legal('zh')}${hint('zh')}`,
    `cannot advance ${who('en')} from ${here('en')} to ${stageName(p, track, target.id, 'en')}: ${reasons(c, 'en')}. Legal next stages: ${legal('en')}${hint('en')}`,
  );
}

/** One record's move in an `advance`. */
export interface Move {
  id: string;
  kind: string;
  /** The record as a sentence names it (domain/resolve.ts recordName). */
  name: Text;
  from: string;
  to: string;
  fromName: Text;
  toName: Text;
  number?: string;
}

/** The records an `advance` moves: named ones, a project's tasks, or those of an organisation and/or at a stage. */
function selectRecords(ws: Workspace, o: AdvanceOptions): RecordEntry<'project' | 'task' | 'brand'>[] {
  const kinds = ['project', 'task', 'brand'] as const;
  const named = [...(o.ids ?? []), ...(o.id ? [o.id] : [])];
  let chosen: RecordEntry<'project' | 'task' | 'brand'>[] = named.map((text) => ws.find(text, kinds));
  if (o.project) {
    const project = ws.find(o.project, ['project'], '--project');
    const tasks = tasksOf(ws.index, project.id);
    if (!tasks.length) refuse(`${recordName(ws.index, project, 'zh')} 还没有党员任务`, `${recordName(ws.index, project, 'en')} has no member tasks yet`);
    for (const t of tasks) chosen.push(t);
  }
  const explicit = named.length > 0 || !!o.project;
  if (!explicit && !o.org && !o.stage) usage('请写出要推进的记录（名称、编号），或用 --project、--org、--stage 选择', 'name the records to move, or choose them with --project, --org or --stage');
  if (!explicit) chosen = kinds.flatMap((k) => ws.index.all(k));
  if (o.org) {
    const org = ws.organisation(o.org, '--org', true);
    const scope = orgSubtree(ws.index, org.id);
    const memberOrg = (m: string) => summary(ws.index.get('member', m))?.organisation;
    const belongs = (e: RecordEntry<'project' | 'task' | 'brand'>): boolean => {
      const d = summary(e) as Record<string, any>;
      if (e.kind === 'project') return [d.lead ?? d.proposed_by, ...(d.co_organisers ?? []).map((c: { organisation: string }) => c.organisation)].some((x) => x && scope.has(x));
      if (e.kind === 'task') return (d.members ?? []).some((m: string) => scope.has(memberOrg(m) ?? ''));
      return scope.has(d.organisation);
    };
    chosen = chosen.filter(belongs);
  }
  if (o.stage) {
    const stage = o.stage;
    const matches = (e: RecordEntry) => {
      const p = ws.programmeOf(e);
      return stagesNamed(p, trackOf(e), stage).some((s) => s.id === (e.data as { stage?: string }).stage);
    };
    const known = ws.index.all('programme').some((p) => (['project', 'task', 'brand'] as const).some((t) => stagesNamed(p.data, t, stage).length));
    if (!known) usage(`--stage：方案中没有阶段“${stage}”`, `--stage: no stage "${stage}" in the programmes`);
    chosen = chosen.filter(matches);
  }
  if (!explicit) chosen = chosen.filter((e) => !findStage(ws.programmeOf(e), trackOf(e), (e.data as { stage?: string }).stage)?.final);
  const unique = [...new Map(chosen.map((e) => [e.id, e])).values()];
  if (!unique.length) refuse('没有符合条件的记录，未做任何更改', 'no record matches; nothing was changed');
  return unique;
}

export async function advance(o: AdvanceOptions): Promise<AdvanceResult> {
  await using ws = await Workspace.open(o);
  const records = selectRecords(ws, o);
  if (o.number !== undefined && records.length > 1) usage('--number 只能用于一个项目', '--number applies to one project at a time');
  const approvedBy = o.approvedBy ? ws.organisation(o.approvedBy, '--approved-by', true).id : undefined;
  const moves: Move[] = [];
  const refused: Text[] = [];
  const numbers = new NumberBook(ws.index);
  for (const record of records) {
    try {
      moves.push(moveOne(ws, record, o, approvedBy, numbers));
    } catch (err) {
      // All or nothing: every record is checked, every refusal reported, nothing written.
      if (!(err instanceof RefusedError) || records.length === 1) throw err;
      refused.push({ zh: err.localized('zh'), en: err.localized('en') });
    }
  }
  if (refused.length) {
    refuse(
      `${records.length} 条记录中有 ${refused.length} 条不能推进，全部未做更改：\n${refused.map((r) => `  ${r.zh}`).join('\n')}`,
      `${refused.length} of ${records.length} records cannot move; nothing was changed:\n${refused.map((r) => `  ${r.en}`).join('\n')}`,
    );
  }
  const message = moves.length === 1
    ? `djyc advance: ${moves[0]!.id} ${moves[0]!.from} → ${moves[0]!.to}`
    : `djyc advance: ${moves.length} records\n\n${moves.map((m) => `${m.id} ${m.from} → ${m.to}`).join('\n')}`;
  const result = await ws.commit(message, { next: moves.map((m) => m.id) });
  const first = moves[0]!;
  return { ...result, moves, id: first.id, kind: first.kind, from: first.from, to: first.to, number: first.number };
}

/** Moves one record (checked under the programme's guards, with the pending moves of the same batch in view). */
function moveOne(ws: Workspace, record: RecordEntry<'project' | 'task' | 'brand'>, o: AdvanceOptions, approvedBy: string | undefined, numbers: NumberBook): Move {
  const { entry, p, track, stage: from } = ws.staged(record.id);
  const data = entry.data as Record<string, any>;
  if (o.number !== undefined && entry.kind !== 'project') usage('--number 只适用于项目', '--number applies to projects only');
  if (o.number !== undefined && data.number && data.number !== o.number) {
    refuse(`${recordName(ws.index, entry, 'zh')} 已有项目编号 ${data.number}，编号给定后不再改变`, `${recordName(ws.index, entry, 'en')} already has number ${data.number}; numbers never change once given`);
  }
  // The record itself has no number when it is given one, so the book's numbers are all the others'.
  const numberFor = (s: Stage): string | undefined => {
    if (!requires(s, 'has-number') || data.number) return undefined;
    return o.number ?? numbers.next(p);
  };
  const target = chooseTarget(ws, p, entry, o.to, numberFor);
  if (o.number !== undefined && !requires(target, 'has-number') && !data.number) {
    usage(`--number 只在进入需要项目编号的阶段（立项）时使用；${stageName(p, track, target.id, 'zh')} 不需要编号`, `--number is given on entering a stage that requires a number (approval); ${stageName(p, track, target.id, 'en')} does not`);
  }
  const number = numberFor(target);
  if (number && numbers.taken(p, number)) refuse(`项目编号 ${number} 已被使用`, `project number ${number} is already taken`);
  applyStage(ws, p, entry, from, target, { number, approvedBy: number ? (approvedBy ?? p.organiser) : undefined, note: o.note });
  if (number) numbers.take(p, number);
  return {
    id: entry.id, kind: entry.kind, name: { zh: recordName(ws.index, entry, 'zh'), en: recordName(ws.index, entry, 'en') },
    from: from.id, to: target.id, fromName: stageText(p, track, from.id), toName: stageText(p, track, target.id), ...(number ? { number } : {}),
  };
}
