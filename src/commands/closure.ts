/**
 * `djyc close`: 结项申请 — files the closure (结项书: 取得成效 / 完成质效, self-assessment, 001's 总结报告) and moves the
 * project or task into the stage that requires it, in one commit, only if every guard of that stage passes (so no
 * closure without the quarterly reports due so far). After a rework round the closure is updated, not duplicated.
 * The 党委（党组）意见 of 000 附件4 is given here, with the request (`--committee-opinion`), or added to a closure
 * already filed while it waits for acceptance — so the closure pack sent in November carries it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { readBounded } from '../store/containment.js';
import { numberedFileName, safeFileName, typeMismatch } from '../domain/paths.js';
import { Workspace, clean, refuse, setField, stageOf, stageText, trackOf, usage, type OpOptions, type OpResult } from './workspace.js';
import type { Text } from '../domain/i18n.js';

const MAX_ATTACHMENT = 20 * 1024 * 1024;
import { applyStage, chooseTarget } from './advance.js';
import { atPoint, pointStages, stageName } from '../domain/programme.js';
import { closureOf, evaluationOf } from '../domain/records.js';
import { latestRound } from '../domain/acceptance.js';
import { joinList } from '../domain/i18n.js';

export interface CloseOptions extends OpOptions {
  subject: string;
  /** 取得成效 (project) / 完成质效 (task). */
  results: string;
  selfAssessment?: string;
  /** 总结报告 text (or read from `summaryFile`). */
  summary?: string;
  summaryFile?: string;
  /** Files to attach as 印证性 material: copied to attachments/closures/<subject>/. */
  attach?: string[];
  /** Target stage when several next stages require a closure. */
  to?: string;
  /** 党委（党组）意见 (000 附件4), given with the closure request, before acceptance. */
  committeeOpinion?: string;
}

export interface CloseResult extends OpResult {
  subject: string;
  closure: string;
  from: string;
  to: string;
  fromName: Text;
  toName: Text;
}

/** Copies an outside file into the repository's attachments folder (same commit); returns its repository path. */
export function attachFile(ws: Workspace, source: string, folder: string): string {
  // A file named on the command line: a link to a regular file is fine, a device or FIFO is not; read with a bound.
  const read = readBounded(source, MAX_ATTACHMENT, { follow: true });
  if (!read.ok) {
    if (read.rule === 'file-too-large') usage(`附件 ${path.basename(source)} 超过 20 MB`, `attachment ${path.basename(source)} is over 20 MB`);
    usage(`读不到附件文件 ${source}（须为普通文件）`, `cannot read attachment ${source} (it must be a regular file)`);
  }
  const bytes = read.bytes;
  const mismatch = typeMismatch(source, bytes);
  if (mismatch) {
    usage(`附件 ${path.basename(source)} 的内容不是扩展名所示的 ${mismatch.expected.toUpperCase()} 格式`, `the content of attachment ${path.basename(source)} is not ${mismatch.expected.toUpperCase()} as its extension says`);
  }
  // The file keeps its own name (sanitised); a name already taken, on disk or by this operation, gets -2, -3 …
  const name = safeFileName(path.basename(source));
  const taken = (rel: string) => fs.existsSync(path.join(ws.root, rel)) || ws.files.some((f) => f.path.toLowerCase() === rel.toLowerCase());
  let rel = `attachments/${folder}/${name}`;
  for (let i = 2; taken(rel); i++) rel = `attachments/${folder}/${numberedFileName(name, i)}`;
  ws.addFile(rel, bytes);
  return rel;
}

/**
 * The 党委（党组）意见 of a closure already filed (000 附件4: the unit's Party committee signs the 结项书 before it
 * goes to the acceptance panel). Added while the closure waits for acceptance; refused once it was accepted.
 */
async function addCommitteeOpinion(ws: Workspace, o: CloseOptions): Promise<CloseResult> {
  const subject = ws.find(o.subject, ['project', 'task']);
  const p = ws.programmeOf(subject);
  const stage = stageOf(p, subject);
  const closure = closureOf(ws.index, subject.id);
  if (!closure) refuse(`${subject.id} 尚未申请结项：党委（党组）意见随结项书给出（djyc close ${subject.id} --results … --committee-opinion …）`, `${subject.id} has no closure yet: the committee's opinion comes with it (djyc close ${subject.id} --results … --committee-opinion …)`);
  const acceptance = latestRound(evaluationOf(ws.index, subject.id)?.data);
  const filed = closure.data.submitted_on ?? '0000-00-00';
  if (acceptance && acceptance.date >= filed) refuse(`${subject.id} 已于 ${acceptance.date} 验收：党委（党组）意见应在结项申请时、验收之前给出`, `${subject.id} was accepted on ${acceptance.date}: the committee's opinion comes with the closure request, before acceptance`);
  ws.edit(closure, (doc) => {
    setField(doc, 'closure', 'committee_opinion', o.committeeOpinion!.trim());
    setField(doc, 'closure', 'committee_opinion_on', ws.date);
  });
  ws.history(subject, { stage: stage.id, date: ws.date, by: ws.by, note: o.note ?? '党委（党组）意见' });
  const result = await ws.commit(`djyc close: ${subject.id} committee opinion`, { next: [subject.id] });
  const name = stageText(p, trackOf(subject), stage.id);
  return { ...result, subject: subject.id, closure: closure.id, from: stage.id, to: stage.id, fromName: name, toName: name };
}

export async function close(o: CloseOptions): Promise<CloseResult> {
  await using ws = await Workspace.open(o);
  if (o.committeeOpinion !== undefined && !o.committeeOpinion.trim()) usage('--committee-opinion 不能为空', '--committee-opinion must not be empty');
  if (!o.results?.trim() && o.committeeOpinion && !o.selfAssessment && !o.summary && !o.summaryFile && !o.attach?.length) return addCommitteeOpinion(ws, o);
  const subject = ws.find(o.subject, ['project', 'task']);
  const p = ws.programmeOf(subject);
  const track = trackOf(subject);
  const stage = stageOf(p, subject);
  if (!o.results?.trim()) usage(`缺少 --results（${subject.kind === 'task' ? '完成质效' : '取得成效'}）`, 'missing --results');
  const targets = atPoint(p, track, stage, 'has-closure');
  if (!targets.length) {
    const where = pointStages(p, track, 'has-closure');
    refuse(
      `不能在 ${stageName(p, track, stage.id, 'zh')} 阶段为 ${subject.id} 申请结项：结项须在 ${joinList(where.map((s) => stageName(p, track, s.id, 'zh')), 'zh')} 阶段申请`,
      `cannot request closure of ${subject.id} at stage ${stageName(p, track, stage.id, 'en')}: closure is requested from ${joinList(where.map((s) => stageName(p, track, s.id, 'en')), 'en')}`,
    );
  }
  let summary = o.summary;
  if (o.summaryFile) {
    try {
      summary = fs.readFileSync(o.summaryFile, 'utf8').replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').trim();
    } catch {
      usage(`读不到总结报告文件 ${o.summaryFile}`, `cannot read ${o.summaryFile}`);
    }
  }
  const attachments = (o.attach ?? []).map((f) => ({ title: path.basename(f), path: attachFile(ws, f, `closures/${subject.id}`), type: '印证性' }));
  const existing = closureOf(ws.index, subject.id);
  let closure: string;
  if (existing) {
    closure = existing.id;
    ws.edit(existing, (doc) => {
      setField(doc, 'closure', 'results', o.results.trim());
      if (o.selfAssessment) setField(doc, 'closure', 'self_assessment', o.selfAssessment.trim());
      if (summary) setField(doc, 'closure', 'summary_report', summary);
      setField(doc, 'closure', 'submitted_on', ws.date);
      if (o.committeeOpinion) {
        setField(doc, 'closure', 'committee_opinion', o.committeeOpinion.trim());
        setField(doc, 'closure', 'committee_opinion_on', ws.date);
      }
      if (attachments.length) setField(doc, 'closure', 'attachments', [...(existing.data.attachments ?? []), ...attachments]);
    });
  } else {
    closure = ws.create('closure', clean({
      programme: p.id, subject: subject.id, results: o.results.trim(), self_assessment: o.selfAssessment?.trim(), summary_report: summary, submitted_on: ws.date,
      committee_opinion: o.committeeOpinion?.trim(), committee_opinion_on: o.committeeOpinion ? ws.date : undefined, attachments,
    }), { year: p.year });
  }
  const target = chooseTarget(ws, p, subject, o.to ?? (targets.length === 1 ? targets[0]!.id : undefined));
  applyStage(ws, p, subject, stage, target, { note: o.note ?? `${existing ? '重新' : ''}${target.label}` });
  const result = await ws.commit(`djyc close: ${subject.id} ${stage.id} → ${target.id}`, { next: [subject.id] });
  return { ...result, subject: subject.id, closure, from: stage.id, to: target.id, fromName: stageText(p, track, stage.id), toName: stageText(p, track, target.id) };
}
