/**
 * `djyc task add`: a member (or a group of members, 组团认领) takes a task of a claimed project; each member's
 * commitment (党员领办任务承诺书, 附件3) is created or extended with the finish date. `djyc task exempt`: records why
 * a member holds no task (原则上每名党员必须领办任务: an exemption needs a reason).
 */
import { initialStage, isTrackEnabled, programmeEnd, trackStages, stageName, stagesRequiring } from '../domain/programme.js';
import { isIsoDate } from '../domain/dates.js';
import { Workspace, appendItem, clean, refuse, setField, stageOf, usage, usesMemberCommitments, type OpOptions, type OpResult } from './workspace.js';
import { orgSubtree, memberName, orgName, summary } from '../domain/records.js';
import { joinList } from '../domain/i18n.js';

export interface TaskAddOptions extends OpOptions {
  project: string;
  members: string[];
  content: string;
  /** Promised finish date (确保 年 月 日前完成). */
  due?: string;
  /** The member's position line on the commitment, e.g. 区教育局党组书记. */
  position?: string;
}

export interface TaskAddResult extends OpResult {
  task: string;
  commitments: string[];
}

export async function addTask(o: TaskAddOptions): Promise<TaskAddResult> {
  await using ws = await Workspace.open(o);
  const project = ws.find(o.project, ['project']);
  const p = ws.programmeOf(project);
  if (!isTrackEnabled(p, 'task')) usage(`方案“${p.id}”没有党员领办任务`, `programme "${p.id}" has no member tasks`);
  if (!o.content?.trim()) usage('缺少 --content（任务内容）', 'missing --content (the task)');
  if (!o.members.length) usage('至少需要一个 --member', 'at least one --member is needed');
  if (o.due !== undefined && !isIsoDate(o.due)) usage(`--due 应为有效日期 YYYY-MM-DD（收到“${o.due}”）`, `--due must be a valid date YYYY-MM-DD (got "${o.due}")`);
  if (o.due && o.due < ws.date) usage(`--due ${o.due} 早于认领日期 ${ws.date}`, `--due ${o.due} is before the claim date ${ws.date}`);
  if (o.due && project.data.due && o.due > project.data.due) refuse(`任务完成时限 ${o.due} 晚于项目完成时限 ${project.data.due}`, `the task is due ${o.due}, after its project (${project.data.due})`);

  // Members take tasks once their organisation has claimed the project, and before closure is requested.
  const stage = stageOf(p, project);
  const stages = trackStages(p, 'project');
  const claimStage = stagesRequiring(p, 'project', 'has-lead', 'has-org-commitment')[0];
  const closeStage = stagesRequiring(p, 'project', 'has-closure')[0];
  const idx = stages.indexOf(stage);
  const claimed = !!project.data.lead && (!claimStage || idx >= stages.indexOf(claimStage)) && !stage.final;
  if (!claimed || (closeStage && idx >= stages.indexOf(closeStage))) {
    const where = claimStage ? stageName(p, 'project', claimStage.id, 'zh') : '认领';
    refuse(
      `不能在 ${stageName(p, 'project', stage.id, 'zh')} 阶段为 ${project.id} 添加任务：党员须在党组织领办项目（${where}）之后、申请结项之前认领任务`,
      `cannot add a task to ${project.id} at stage ${stageName(p, 'project', stage.id, 'en')}: members take tasks after their organisation has claimed the project (${claimStage?.id ?? 'claim'}) and before closure`,
    );
  }
  const units = new Set<string>();
  for (const org of [project.data.lead!, ...(project.data.co_organisers ?? []).map((c) => c.organisation)]) for (const x of orgSubtree(ws.index, org)) units.add(x);
  const seen = new Set<string>();
  const members: string[] = [];
  for (const text of o.members) {
    const m = ws.member(text, '--member');
    const id = m.id;
    if (seen.has(id)) usage(`--member ${text} 重复`, `--member ${text} is repeated`);
    seen.add(id);
    members.push(id);
    if (m.data.active === false) refuse(`党员“${m.data.name}”已不在册`, `member "${m.data.name}" is no longer on the roll`);
    if (!units.has(m.data.organisation)) {
      refuse(
        `党员“${m.data.name}”所在的 ${orgName(ws.index, m.data.organisation)} 不是 ${project.id} 的领办（联办）单位或其下级组织`,
        `member "${m.data.name}" belongs to ${orgName(ws.index, m.data.organisation)}, which neither leads nor co-organises ${project.id}`,
      );
    }
  }

  const first = initialStage(p, 'task')!;
  const task = ws.create('task', clean({ programme: p.id, project: project.id, members, content: o.content.trim(), due: o.due, stage: first.id, history: [clean({ stage: first.id, date: ws.date, by: ws.by, note: o.note ?? '认领任务' })] }), { year: p.year, name: { kind: 'person', name: memberName(ws.index, members[0]) } });
  const commitments: string[] = [];
  // The member commitment (000 附件3) promises a date: without --due, the project's due date, else the programme's end — said so.
  const completeBy = o.due ?? (usesMemberCommitments(p) ? (project.data.due ?? programmeEnd(p)) : undefined);
  if (usesMemberCommitments(p) && !o.due) {
    ws.note(
      `未写 --due：承诺书的完成时限按${project.data.due ? '项目完成时限' : '方案截止日期'} ${completeBy} 填写`,
      `no --due: the commitment's finish date is the ${project.data.due ? "project's due date" : "programme's end"}, ${completeBy}`,
    );
  }
  if (usesMemberCommitments(p)) {
    for (const id of members) {
      const m = ws.index.get('member', id)!;
      // By key: a team of many members must not scan every commitment once per member.
      const existing = ws.index.where('commitment', 'member', id).find((c) => summary(c).type === 'member' && summary(c).programme === p.id);
      const item = { task, text: o.content.trim() };
      if (existing) {
        ws.edit(existing, (doc) => {
          appendItem(doc, 'commitment', 'items', item);
          if (completeBy && (!existing.data.complete_by || completeBy > existing.data.complete_by)) setField(doc, 'commitment', 'complete_by', completeBy);
          if (o.position && !existing.data.position) setField(doc, 'commitment', 'position', o.position);
        });
        commitments.push(existing.id);
      } else {
        commitments.push(ws.create('commitment', clean({ programme: p.id, type: 'member', organisation: m.data.organisation, member: id, position: o.position, items: [item], complete_by: completeBy, signed_on: ws.date }), { year: p.year, name: { kind: 'person', name: m.data.name } }));
      }
    }
  }
  const names = members.map((m) => memberName(ws.index, m));
  ws.history(project, { stage: stage.id, date: ws.date, by: ws.by, note: `${joinList(names, 'zh')}认领任务：${o.content.trim()}` });
  const result = await ws.commit(`djyc task add: ${task} (${project.id}) ${members.join(', ')}`, { next: [project.id] });
  return { ...result, task, commitments };
}

export interface ExemptOptions extends OpOptions {
  member: string;
  programme?: string;
  reason: string;
  approvedBy?: string;
}

export async function exemptMember(o: ExemptOptions): Promise<OpResult & { member: string }> {
  await using ws = await Workspace.open(o);
  const m = ws.find(o.member, ['member']);
  const p = ws.programme(o.programme);
  if (!p.task?.every_member) usage(`方案“${p.id}”不要求每名党员领办任务`, `programme "${p.id}" does not ask every member for a task`);
  if (p.task.every_member.exemption_allowed === false) refuse(`方案“${p.id}”不允许免领任务`, `programme "${p.id}" allows no exemptions`);
  if (!o.reason?.trim()) usage('缺少 --reason（免领理由）', 'missing --reason');
  if ((m.data.exemptions ?? []).some((e) => e.programme === p.id)) refuse(`党员“${m.data.name}”已有本方案的免领记录`, `member "${m.data.name}" is already exempted in this programme`);
  if (ws.index.all('task').some((t) => summary(t).programme === p.id && summary(t).members.includes(m.id))) refuse(`党员“${m.data.name}”已领办任务，无需免领`, `member "${m.data.name}" already holds a task`);
  ws.edit(m, (doc) => appendItem(doc, 'member', 'exemptions', clean({ programme: p.id, reason: o.reason.trim(), approved_by: o.approvedBy })));
  const result = await ws.commit(`djyc task exempt: ${m.id} (${p.id})`);
  return { ...result, member: m.id };
}


