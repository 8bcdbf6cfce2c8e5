/**
 * `djyc carry-over <id> --to <programme>`: an unfinished project (with its unfinished member tasks) or brand of one
 * round continues in a later round. The old record keeps its history and gains `carried_to` (so it is no longer
 * counted as overdue in its round); a new record in the later programme starts at the same stage (or `--stage`)
 * with `carried_from` and a first history entry saying where it came from. Closures, evaluations and reports stay
 * with the round they were made in. One commit.
 */
import { newRecordId } from '../store/records.js';
import { ID_PREFIX, type Kind } from '../domain/kinds.js';
import { findStage, initialStage, isDropped, isTrackEnabled, stageName, trackStages, type Track } from '../domain/programme.js';
import { closureOf, tasksOf, type RecordEntry, summary } from '../domain/records.js';
import { isIsoDate } from '../domain/dates.js';
import type { ProgrammeRecord } from '../domain/types.generated.js';
import { Workspace, clean, refuse, setField, stageOf, trackOf, usage, type OpOptions, type OpResult } from './workspace.js';

export interface CarryOverOptions extends OpOptions {
  id: string;
  /** The later programme. */
  to: string;
  /** Stage in the later programme (default: the same stage id). */
  stage?: string;
  /** The project's new completion date (the old one belongs to the old round and is not copied). */
  due?: string;
}

export interface CarryOverResult extends OpResult {
  from: string;
  to: string;
  programme: string;
  stage: string;
  tasks: { from: string; to: string }[];
}

/** Fields that belong to the round a record was in, not copied into the next one. */
const ROUND_FIELDS: Record<string, string[]> = {
  project: ['id', 'programme', 'stage', 'history', 'carried_from', 'carried_to', 'due', 'interventions'],
  task: ['id', 'programme', 'project', 'stage', 'history', 'carried_from', 'carried_to'],
  brand: ['id', 'programme', 'stage', 'history', 'carried_from', 'carried_to', 'outcome', 'recognition'],
};

/** The new record's id: the old one with the later year (p-2020-hs-kehou → p-2021-hs-kehou) when free, else a new one. */
function nextId(ws: Workspace, kind: Kind, old: string, fromYear: number, toYear: number): string {
  const prefix = `${ID_PREFIX[kind]}-${fromYear}-`;
  if (old.startsWith(prefix)) {
    const candidate = `${ID_PREFIX[kind]}-${toYear}-${old.slice(prefix.length)}`;
    if (!ws.index.any(candidate)) return candidate;
  }
  return newRecordId(kind, { year: toYear });
}

function copyOf(kind: string, data: Record<string, unknown>): Record<string, unknown> {
  const drop = new Set(ROUND_FIELDS[kind] ?? []);
  return Object.fromEntries(Object.entries(data).filter(([k]) => !drop.has(k)));
}

/** Whether a record has finished in its round: at a final stage, or (tasks) a closure filed. */
function finished(p: ProgrammeRecord, track: Track, entry: RecordEntry, ws: Workspace): boolean {
  const s = findStage(p, track, (entry.data as { stage?: string }).stage);
  return !!s?.final || (track === 'task' && !!closureOf(ws.index, entry.id));
}

export async function carryOver(o: CarryOverOptions): Promise<CarryOverResult> {
  await using ws = await Workspace.open(o);
  const entry = ws.find(o.id, ['project', 'brand', 'task']);
  if (entry.kind === 'task') usage('党员任务随其项目一起转入：请对项目运行 djyc carry-over', "a member's task is carried with its project: run djyc carry-over on the project");
  const p = ws.programmeOf(entry);
  const track = trackOf(entry);
  const target = ws.index.get('programme', o.to)?.data;
  if (!target) usage(`方案“${o.to}”不存在（可用：${ws.index.all('programme').map((x) => x.id).join(', ')}）`, `programme "${o.to}" does not exist`);
  if (target.id === p.id) usage(`${entry.id} 已属于方案“${p.id}”`, `${entry.id} already belongs to "${p.id}"`);
  if (target.year <= p.year) refuse(`只能转入之后年度的方案：“${target.id}”为 ${target.year} 年度，${entry.id} 所在的“${p.id}”为 ${p.year} 年度`, `a record is carried into a later round only: "${target.id}" is ${target.year}, "${p.id}" is ${p.year}`);
  if (!isTrackEnabled(target, track)) refuse(`方案“${target.id}”没有${track === 'brand' ? '党建品牌' : '项目'}`, `programme "${target.id}" has no ${track}s`);
  const data = entry.data as Record<string, any>;
  if (data.carried_to) refuse(`${entry.id} 已转入 ${data.carried_to}`, `${entry.id} was already carried into ${data.carried_to}`);
  const from = stageOf(p, entry);
  if (from.final) refuse(`${entry.id} 已处于终结阶段 ${stageName(p, track, from.id, 'zh')}，无需转入下一轮`, `${entry.id} is at its final stage ${stageName(p, track, from.id, 'en')}; there is nothing to carry over`);
  if (entry.kind === 'project' && isDropped(p, data)) refuse(`${entry.id} 未予立项，无需转入`, `${entry.id} was not approved; there is nothing to carry over`);
  const stageId = o.stage ?? from.id;
  const stage = findStage(target, track, stageId);
  if (!stage) usage(`方案“${target.id}”中没有阶段“${stageId}”，请用 --stage 指定（可用：${trackStages(target, track).map((s) => s.id).join(', ')}）`, `programme "${target.id}" has no stage "${stageId}"; choose one with --stage (${trackStages(target, track).map((s) => s.id).join(', ')})`);
  if (o.due !== undefined && (entry.kind !== 'project' || !isIsoDate(o.due))) usage('--due 只用于项目，格式 YYYY-MM-DD', '--due applies to projects, as YYYY-MM-DD');
  if (entry.kind === 'project' && data.number && ws.index.all('project').some((x) => summary(x).programme === target.id && summary(x).number === data.number)) {
    refuse(`方案“${target.id}”中已有项目编号 ${data.number}`, `programme "${target.id}" already has project number ${data.number}`);
  }

  const perOrg = entry.kind === 'brand' ? target.brand?.per_organisation?.max : undefined;
  if (perOrg !== undefined && ws.index.all('brand').filter((b) => summary(b).programme === target.id && summary(b).organisation === data.organisation).length >= perOrg) {
    refuse(`${data.organisation} 在方案“${target.id}”中已有 ${perOrg} 个品牌（每个党组织至多 ${perOrg} 个）`, `${data.organisation} already has ${perOrg} brand(s) in "${target.id}" (at most ${perOrg})`);
  }

  const note = (what: string) => (o.note ? `${what}；${o.note}` : what);
  const newId = nextId(ws, entry.kind, entry.id, p.year, target.year);
  ws.create(entry.kind, clean({
    ...copyOf(entry.kind, data), id: newId, programme: target.id, carried_from: entry.id, stage: stage.id, due: o.due,
    history: [clean({ stage: stage.id, date: ws.date, by: ws.by, note: note(`由 ${p.id} 的 ${entry.id} 转入（原阶段：${from.label}）`) })],
  }));
  ws.edit(entry, (doc) => setField(doc, entry.kind, 'carried_to', newId));
  ws.history(entry, { stage: from.id, date: ws.date, by: ws.by, note: note(`未完成，转入 ${target.id}：${newId}`) });

  // The project's unfinished member tasks go with it.
  const tasks: { from: string; to: string }[] = [];
  if (entry.kind === 'project' && isTrackEnabled(target, 'task')) {
    for (const t of tasksOf(ws.index, entry.id)) {
      if (t.data.carried_to || finished(p, 'task', t, ws)) continue;
      const tStage = findStage(target, 'task', t.data.stage) ?? initialStage(target, 'task')!;
      const tid = nextId(ws, 'task', t.id, p.year, target.year);
      ws.create('task', clean({
        ...copyOf('task', t.data as unknown as Record<string, unknown>), id: tid, programme: target.id, project: newId, carried_from: t.id, stage: tStage.id,
        history: [{ stage: tStage.id, date: ws.date, by: ws.by, note: `随项目由 ${p.id} 的 ${t.id} 转入` }],
      }));
      ws.edit(t, (doc) => setField(doc, 'task', 'carried_to', tid));
      ws.history(t, { stage: t.data.stage, date: ws.date, by: ws.by, note: `随项目转入 ${target.id}：${tid}` });
      tasks.push({ from: t.id, to: tid });
    }
  }
  if (entry.kind === 'project' && !o.due && data.due) ws.note(`原完成时限 ${data.due} 属于上一轮，未带入新项目；可用 --due 给出新的完成时限`, `the old completion date ${data.due} belongs to the old round and was not copied; give a new one with --due`);
  const result = await ws.commit(`djyc carry-over: ${entry.id} → ${newId} (${target.id})`, { next: [newId] });
  return { ...result, from: entry.id, to: newId, programme: target.id, stage: stage.id, tasks };
}
