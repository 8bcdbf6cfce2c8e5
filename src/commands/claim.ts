/**
 * `djyc claim`: an organisation claims a project (领办), or is designated to (指定领办, `assignedBy`), or joins it as a
 * co-organiser (联办, seed 002) and hands its work plan to the lead. A lead claim creates or extends the
 * organisation's commitment (承诺书, 附件2) when the programme uses them.
 */
import { trackStages, atPoint, pointStages, stageName, stagesRequiring } from '../domain/programme.js';
import { Workspace, clean, refuse, setField, stageOf, stageText, usage, usesOrgCommitments, type OpOptions, type OpResult, appendItem } from './workspace.js';
import { applyStage } from './advance.js';
import { recordName } from '../domain/resolve.js';
import { checkStage } from '../domain/guards.js';
import type { Text } from '../domain/i18n.js';
import { orgName, summary } from '../domain/records.js';
import { joinList } from '../domain/i18n.js';

export interface ClaimOptions extends OpOptions {
  project: string;
  org: string;
  /** lead (default) or co-organiser. */
  role?: 'lead' | 'co-organiser';
  /** 指定领办: the upper organisation that designates the lead. */
  assignedBy?: string;
  /** Take over a project whose lead is another organisation (only before the claim is confirmed by a commitment). */
  replace?: boolean;
  /** Project leader (项目负责人), direct responsible (直接责任人), liaison (联络员): member ids. */
  leader?: string;
  directResponsible?: string;
  liaison?: string;
  /** Co-organiser: 切入点, 工作计划 (handed to the lead), 专人负责. */
  entryPoint?: string;
  plan?: string;
  responsible?: string;
  /** Commitment text for this project (default: the project title); the commitment's position line. */
  commitmentText?: string;
}

export interface ClaimResult extends OpResult {
  project: string;
  org: string;
  /** The project and the organisation as sentences name them. */
  projectName: Text;
  orgName: string;
  role: 'lead' | 'co-organiser';
  commitment?: string;
  /** The stage the claim moved the project into (项目认领), when its guards held. */
  moved?: { from: string; to: string; fromName: Text; toName: Text };
}

export async function claim(o: ClaimOptions): Promise<ClaimResult> {
  await using ws = await Workspace.open(o);
  const project = ws.find(o.project, ['project']);
  const p = ws.programmeOf(project);
  const org = ws.organisation(o.org, '--org');
  const stage = stageOf(p, project);
  const role = o.role ?? 'lead';
  const data = project.data;
  const person = (text: string | undefined, flag: string) => (text ? ws.member(text, flag).id : undefined);
  const leader = person(o.leader, '--leader');
  const directResponsible = person(o.directResponsible, '--direct-responsible');
  const liaison = person(o.liaison, '--liaison');
  const responsible = person(o.responsible, '--responsible');

  if (role === 'lead') {
    // Another organisation's lead is named first: once claimed the project has moved on, and the stage alone would not say why.
    if (data.lead && data.lead !== org.id) {
      const committed = ws.index.all('commitment').some((c) => summary(c).type === 'organisation' && summary(c).organisation === data.lead && summary(c).items.some((i) => i.project === project.id));
      if (committed || !o.replace) {
        refuse(
          `${project.id} 已由 ${orgName(ws.index, data.lead)} ${committed ? '领办并签订承诺书' : '领办（申报）'}${committed ? '' : '；如确需改由本单位领办，请加 --replace'}`,
          `${project.id} is already led by ${orgName(ws.index, data.lead)}${committed ? ' (commitment signed)' : '; add --replace to take it over'}`,
        );
      }
    }
    const at = atPoint(p, 'project', stage, 'has-lead', 'has-org-commitment');
    if (!at.length) {
      const where = pointStages(p, 'project', 'has-lead', 'has-org-commitment');
      refuse(
        `不能在 ${stageName(p, 'project', stage.id, 'zh')} 阶段认领 ${project.id}：项目须在 ${joinList(where.map((s) => stageName(p, 'project', s.id, 'zh')), 'zh')} 阶段认领（立项之后、认领之前）`,
        `cannot claim ${project.id} at stage ${stageName(p, 'project', stage.id, 'en')}: projects are claimed at ${joinList(where.map((s) => stageName(p, 'project', s.id, 'en')), 'en')} (after approval, before the claim is confirmed)`,
      );
    }
    const assigner = o.assignedBy ? ws.organisation(o.assignedBy, '--assigned-by', true) : undefined;
    if (assigner?.id === org.id) usage('--assigned-by 是作出指定的上级党组织，不能是领办单位自己', '--assigned-by is the upper organisation that designates; it cannot be the lead itself');
    if ((data.co_organisers ?? []).some((c) => c.organisation === org.id)) {
      refuse(`${orgName(ws.index, org.id)} 已是 ${project.id} 的联办单位，不能同时牵头`, `${orgName(ws.index, org.id)} is a co-organiser of ${project.id}; it cannot also lead it`);
    }
    ws.edit(project, (doc) => {
      setField(doc, 'project', 'lead', org.id);
      if (assigner) setField(doc, 'project', 'assigned_by', assigner.id);
      if (leader) setField(doc, 'project', 'leader', leader);
      if (directResponsible) setField(doc, 'project', 'direct_responsible', directResponsible);
      if (liaison) setField(doc, 'project', 'liaison', liaison);
    });
    let commitment: string | undefined;
    if (usesOrgCommitments(p)) {
      const existing = ws.index.all('commitment').find((c) => summary(c).type === 'organisation' && summary(c).organisation === org.id && summary(c).programme === p.id);
      const item = { project: project.id, text: o.commitmentText ?? data.title };
      if (existing) {
        commitment = existing.id;
        if (!existing.data.items.some((i) => i.project === project.id)) ws.edit(existing, (doc) => appendItem(doc, 'commitment', 'items', item));
      } else {
        commitment = ws.create('commitment', clean({ programme: p.id, type: 'organisation', organisation: org.id, items: [item], signed_on: ws.date }), { year: p.year, name: { kind: 'organisation', name: orgName(ws.index, org.id) } });
      }
    }
    const note = o.note ?? `${assigner ? `${orgName(ws.index, assigner.id)}指定` : ''}${orgName(ws.index, org.id)}领办`;
    // The claim moves the project into the claimed stage (项目认领) in the same commit when that stage's guards now
    // hold (the lead and its commitment are what the claim just wrote); otherwise it stays, and the next step says why.
    const ready = at.find((s) => !checkStage({ programme: p, track: 'project', subject: ws.index.any(project.id)!, index: ws.index, date: ws.date, fileExists: (rel) => ws.fileExists(rel) }, s).failures.length);
    if (ready) applyStage(ws, p, project, stage, ready, { note });
    else ws.history(project, { stage: stage.id, date: ws.date, by: ws.by, note });
    const result = await ws.commit(`djyc claim: ${project.id} lead ${org.id}${assigner ? ` (assigned by ${assigner.id})` : ''}${ready ? ` (${stage.id} → ${ready.id})` : ''}`, { next: [project.id] });
    return { ...result, project: project.id, org: org.id, projectName: { zh: recordName(ws.index, project, 'zh'), en: recordName(ws.index, project, 'en') }, orgName: orgName(ws.index, org.id), role, commitment, ...(ready ? { moved: { from: stage.id, to: ready.id, fromName: stageText(p, 'project', stage.id), toName: stageText(p, 'project', ready.id) } } : {}) };
  }

  // Co-organiser (联办): joins while the project has not yet entered the stage that needs the co-organisers' plans.
  if (p.project?.lead_mode !== 'lead-and-co-organisers') {
    usage(`方案“${p.id}”不设联办单位（lead_mode 不是 lead-and-co-organisers）`, `programme "${p.id}" has no co-organisers (lead_mode is not lead-and-co-organisers)`);
  }
  if (o.assignedBy) usage('--assigned-by 只用于指定牵头领办单位', '--assigned-by applies to lead claims only');
  const stages = trackStages(p, 'project');
  const planStage = stagesRequiring(p, 'project', 'co-organiser-plans')[0] ?? pointStages(p, 'project', 'has-lead')[0];
  const limit = planStage ? stages.indexOf(planStage) : stages.length;
  if (stage.final || stages.indexOf(stage) >= limit) {
    refuse(
      `${project.id} 已处于 ${stageName(p, 'project', stage.id, 'zh')} 阶段，联办申报和工作计划须在进入 ${planStage ? stageName(p, 'project', planStage.id, 'zh') : '实施'} 之前报送`,
      `${project.id} is at ${stageName(p, 'project', stage.id, 'en')}: co-organisers join and hand in their plans before ${planStage ? stageName(p, 'project', planStage.id, 'en') : 'implementation'}`,
    );
  }
  if (data.lead === org.id) refuse(`${orgName(ws.index, org.id)} 是 ${project.id} 的牵头单位，不能同时联办`, `${orgName(ws.index, org.id)} leads ${project.id}; it cannot also co-organise it`);
  const list = [...(data.co_organisers ?? [])];
  const at = list.findIndex((c) => c.organisation === org.id);
  const before = at >= 0 ? list[at]! : { organisation: org.id };
  const entry = clean({
    organisation: org.id,
    entry_point: o.entryPoint ?? before.entry_point,
    work_plan: o.plan ?? before.work_plan,
    plan_submitted_on: o.plan ? ws.date : before.plan_submitted_on,
    responsible: responsible ?? before.responsible,
  });
  if (at >= 0) {
    if (!o.entryPoint && !o.plan && !o.responsible) refuse(`${orgName(ws.index, org.id)} 已是 ${project.id} 的联办单位（如需报送工作计划，请加 --plan）`, `${orgName(ws.index, org.id)} already co-organises ${project.id} (add --plan to hand in its work plan)`);
    list[at] = entry;
  } else list.push(entry);
  ws.edit(project, (doc) => setField(doc, 'project', 'co_organisers', list));
  const note = o.note ?? (at >= 0 ? `${orgName(ws.index, org.id)}向牵头单位报送联办工作计划` : `${orgName(ws.index, org.id)}申报联办${o.plan ? '并报送工作计划' : ''}`);
  ws.history(project, { stage: stage.id, date: ws.date, by: ws.by, note });
  const result = await ws.commit(`djyc claim: ${project.id} co-organiser ${org.id}${o.plan ? ' (work plan)' : ''}`, { next: [project.id] });
  return { ...result, project: project.id, org: org.id, projectName: { zh: recordName(ws.index, project, 'zh'), en: recordName(ws.index, project, 'en') }, orgName: orgName(ws.index, org.id), role };
}
