/**
 * `djyc accept`: the panel's acceptance (验收) — pass, or rework (整改), with the panel's opinion and the methods
 * used (查阅资料, 听取汇报, 调查走访, “四不两直”现场印证) — recorded as a new round; earlier rounds stay. `djyc intervene`: 约谈 / 挂牌帮扶 / 调整 for slow or failing
 * projects; after a rework acceptance an intervention opens the way back (the programme's rework stage).
 */
import { Workspace, evaluationFor, ordered, refuse, setField, appendItem, clean, stageOf, usage, type OpOptions, type OpResult } from './workspace.js';
import { atPoint, lastEntered, pointStages, stageName, stagesRequiring, type Staged } from '../domain/programme.js';
import { acceptanceRounds, INTERVENTIONS } from '../domain/acceptance.js';
import { evaluationOf } from '../domain/records.js';
import { joinList } from '../domain/i18n.js';

export const RESULTS: Record<string, 'pass' | 'rework'> = { pass: 'pass', rework: 'rework', 通过: 'pass', 验收通过: 'pass', 整改: 'rework', 不通过: 'rework', 未通过: 'rework' };
export { INTERVENTIONS };

export interface AcceptOptions extends OpOptions {
  subject: string;
  result: string;
  opinion?: string;
  methods?: string[];
}

export interface AcceptResult extends OpResult {
  subject: string;
  evaluation: string;
  result: 'pass' | 'rework';
  /** Stages the subject may now enter (run djyc advance). */
  enterable: string[];
}

export async function accept(o: AcceptOptions): Promise<AcceptResult> {
  await using ws = await Workspace.open(o);
  const { entry: subject, p, track, stage } = ws.staged(o.subject);
  const result = RESULTS[o.result];
  if (!result) usage(`--result 应为 pass（通过）或 rework（整改），收到“${o.result}”`, `--result must be pass or rework (got "${o.result}")`);
  const allowed = p.evaluation?.methods ?? [];
  const methods = [...new Set(o.methods ?? [])];
  const schemaMethods = ['查阅资料', '听取汇报', '调查走访', '四不两直现场印证'];
  for (const m of methods) {
    if ((allowed.length && !allowed.includes(m)) || !schemaMethods.includes(m)) {
      usage(`验收方式“${m}”不在方案的验收方式中（可选：${(allowed.length ? allowed : schemaMethods).join(' / ')}）`, `method "${m}" is not one of the programme's (${(allowed.length ? allowed : schemaMethods).join(' / ')})`);
    }
  }
  const words = ['acceptance-pass', 'acceptance-rework'];
  const targets = atPoint(p, track, stage, ...words);
  if (!targets.length) {
    const where = pointStages(p, track, ...words);
    refuse(
      where.length
        ? `不能在 ${stageName(p, track, stage.id, 'zh')} 阶段验收 ${subject.id}：验收在 ${joinList(where.map((s) => stageName(p, track, s.id, 'zh')), 'zh')} 阶段进行`
        : `方案“${p.id}”的此类记录不设验收`,
      where.length
        ? `cannot accept ${subject.id} at stage ${stageName(p, track, stage.id, 'en')}: acceptance happens at ${joinList(where.map((s) => stageName(p, track, s.id, 'en')), 'en')}`
        : `programme "${p.id}" has no acceptance for this kind of record`,
    );
  }
  const needsPanel = stagesRequiring(p, track, 'has-panel').length > 0;
  const ev0 = evaluationOf(ws.index, subject.id);
  if (needsPanel && !ev0?.data.panel?.experts?.length) {
    refuse(`${subject.id} 尚未抽取验收组，不能验收：请先运行 djyc panel ${subject.id}`, `${subject.id} has no acceptance panel; run djyc panel ${subject.id} first`);
  }
  const { entry: ev } = evaluationFor(ws, p, subject);
  // Each acceptance is a round of its own; the earlier ones stay. A round already concluded since the record last
  // (re-)entered its stage is not concluded again, unless corrected (--correct --reason: the old round is kept in
  // the record's amendments).
  const rounds = acceptanceRounds(ev.data);
  const last = rounds[rounds.length - 1];
  const since = lastEntered(subject.data as Staged, stage.id) ?? '0000-00-00';
  const concluded = !!last && last.date >= since;
  if (concluded && !o.correction) {
    const said = last.result === 'pass' ? '通过' : '整改';
    refuse(
      `${subject.id} 本轮验收已有结论（${last.date} ${said}），已记录的结论不能更改；确需更正，请加 --correct --reason “理由”`,
      `${subject.id} already has this round's acceptance (${last.date} ${last.result}); a recorded result cannot change — to correct it, add --correct --reason "why"`,
    );
  }
  const round = ordered(
    { date: ws.date, result, opinion: o.opinion?.trim(), methods: methods.length ? methods : undefined, panel: ev.data.panel?.experts?.length ? [...ev.data.panel.experts] : undefined },
    ['date', 'result', 'opinion', 'methods', 'panel'],
  );
  const list = concluded ? [...rounds.slice(0, -1), round] : [...rounds, round];
  ws.edit(ev, (doc) => setField(doc, 'evaluation', 'acceptance', list));
  const label = result === 'pass' ? '通过' : '整改';
  const n = list.length;
  const what = concluded ? `更正第 ${n} 轮验收结论：${label}（理由：${o.correction!.reason.trim()}）` : `第 ${n} 轮验收结论：${label}`;
  ws.history(subject, { stage: stage.id, date: ws.date, by: ws.by, note: o.note ?? `${what}${methods.length ? `（${methods.join('、')}）` : ''}` });
  const commit = await ws.commit(`djyc accept: ${subject.id} ${result}`, { next: [subject.id] });
  const enterable = targets.filter((s) => s.requires?.includes(result === 'pass' ? 'acceptance-pass' : 'acceptance-rework')).map((s) => s.id);
  return { ...commit, subject: subject.id, evaluation: ev.id, result, enterable };
}

export interface InterveneOptions extends OpOptions {
  subject: string;
  type: string;
  /** Who intervenes (上级党组织或分管领导); default `by`. */
  who?: string;
}

export async function intervene(o: InterveneOptions): Promise<OpResult & { subject: string; type: string }> {
  await using ws = await Workspace.open(o);
  const project = ws.find(o.subject, ['project']);
  const p = ws.programmeOf(project);
  const stage = stageOf(p, project);
  if (!(INTERVENTIONS as readonly string[]).includes(o.type)) usage(`--type 应为 ${INTERVENTIONS.join(' / ')}（收到“${o.type}”）`, `--type must be ${INTERVENTIONS.join(' / ')} (got "${o.type}")`);
  if (stage.final) refuse(`${project.id} 已处于终结阶段 ${stageName(p, 'project', stage.id, 'zh')}，不再督促`, `${project.id} is at the final stage ${stageName(p, 'project', stage.id, 'en')}`);
  const first = stagesRequiring(p, 'project', 'has-lead')[0];
  if (!project.data.lead) refuse(`${project.id} 尚无领办单位，无从督促${first ? `（须先认领，${stageName(p, 'project', first.id, 'zh')}）` : ''}`, `${project.id} has no lead organisation to intervene with`);
  const who = o.who ?? ws.by;
  ws.edit(project, (doc) => appendItem(doc, 'project', 'interventions', clean({ date: ws.date, type: o.type, by: who, note: o.note?.trim() })));
  ws.history(project, { stage: stage.id, date: ws.date, by: ws.by, note: `督促措施：${o.type}${o.note ? `（${o.note.trim()}）` : ''}` });
  const r = await ws.commit(`djyc intervene: ${project.id} ${o.type}`, { next: [project.id] });
  return { ...r, subject: project.id, type: o.type };
}
