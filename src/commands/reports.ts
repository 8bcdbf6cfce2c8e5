/**
 * `djyc report`: a quarterly report (执行书: 党组织领办项目执行书 / 党员领办任务执行书) for a project or task — one per
 * quarter per subject, from the quarter in which it entered `project.reports.from_stage`, never for a future quarter.
 */
import path from 'node:path';
import { isMap, isScalar, isPair } from 'yaml';
import { quarterOf } from '../domain/dates.js';
import { parseRecordBytes } from '../store/yaml.js';
import { MAX_FILE_BYTES } from '../domain/paths.js';
import { readBounded } from '../store/containment.js';
import { ProblemsError } from '../domain/errors.js';
import type { Problem } from '../domain/problem.js';
import { Workspace, clean, refuse, stageOf, usage, type OpOptions, type OpResult } from './workspace.js';
import { reportingStart, reportsApply, reportsDue, type DueReport } from '../domain/obligations.js';
import { stageName, type Staged } from '../domain/programme.js';
import type { RecordEntry } from '../domain/records.js';
import type { ProgrammeRecord } from '../domain/types.generated.js';
import { summary } from '../domain/records.js';

export interface ReportOptions extends OpOptions, Omit<ReportFields, 'submittedOn'> {
  /** A YAML file (keys 进展情况/存在问题/下步打算 or progress/problems/next_steps) or a text file with those headings. */
  fromFile?: string;
}

export interface ReportResult extends OpResult {
  report: string;
  subject: string;
  quarter: string;
  /** Reports still owed by the subject after this one. */
  stillDue: DueReport[];
}

const FIELDS: Record<string, 'progress' | 'problems' | 'next_steps' | 'responsible'> = {
  progress: 'progress', 进展情况: 'progress', 本季度进展情况: 'progress', 进展: 'progress',
  problems: 'problems', 存在问题: 'problems', 问题: 'problems',
  next: 'next_steps', next_steps: 'next_steps', 下步打算: 'next_steps', 下一步打算: 'next_steps', 下步工作打算: 'next_steps',
  responsible: 'responsible', 责任人: 'responsible',
};

/** Reads long report text from a file: a YAML mapping, or plain text with 进展情况 / 存在问题 / 下步打算 headings. */
export function readReportFile(file: string, display = file): Partial<Record<'progress' | 'problems' | 'next_steps' | 'responsible', string>> {
  // A file named on the command line: a link to a regular file is fine; never a device or FIFO, never over 1 MiB.
  const read = readBounded(file, MAX_FILE_BYTES, { follow: true });
  if (!read.ok) usage(`读不到文件 ${display}（须为不超过 1 MiB 的普通文件）`, `cannot read ${display} (it must be a regular file of at most 1 MiB)`);
  const bytes = read.bytes;
  const out: Partial<Record<'progress' | 'problems' | 'next_steps' | 'responsible', string>> = {};
  if (/\.ya?ml$/i.test(file)) {
    const r = parseRecordBytes(display, bytes);
    if (!r.ok) throw new ProblemsError(r.problems, `文件 ${display} 有错误`, `${display} has errors`);
    const problems: Problem[] = [];
    const map = r.parsed.doc.contents;
    if (isMap(map)) {
      for (const pair of map.items) {
        if (!isPair(pair) || !isScalar(pair.key)) continue;
        const key = String(pair.key.value);
        const field = FIELDS[key];
        const pos = r.parsed.lineCounter.linePos(pair.key.range?.[0] ?? 0);
        if (!field) {
          problems.push({ file: display, line: pos.line, col: pos.col, severity: 'error', rule: 'schema-unknown-key', params: { key } });
          continue;
        }
        const value = isScalar(pair.value) ? pair.value.value : undefined;
        if (typeof value !== 'string' && typeof value !== 'number') {
          problems.push({ file: display, line: pos.line, col: pos.col, severity: 'error', rule: 'schema-type', params: { field: key, type_zh: '文本', type_en: 'text' } });
          continue;
        }
        out[field] = String(value).trim();
      }
    }
    if (problems.length) throw new ProblemsError(problems, `文件 ${display} 有错误`, `${display} has errors`);
    return out;
  }
  const text = new TextDecoder('utf-8').decode(bytes).replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  let current: keyof typeof out = 'progress';
  const parts: Record<string, string[]> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*#*\s*(?:[一二三四五六七八九十]+、|\d+[.、．]\s*)?([^\s:：#]+)\s*[:：]?\s*(.*)$/.exec(line);
    const field = m ? FIELDS[m[1]!] : undefined;
    if (field && field !== 'responsible') {
      current = field;
      if (m![2]) (parts[current] ??= []).push(m![2]);
      continue;
    }
    (parts[current] ??= []).push(line);
  }
  for (const [k, lines] of Object.entries(parts)) {
    const v = lines.join('\n').trim();
    if (v) out[k as keyof typeof out] = v;
  }
  return out;
}

export async function fileReport(o: ReportOptions): Promise<ReportResult> {
  await using ws = await Workspace.open(o);
  const fromFile = o.fromFile ? readReportFile(o.fromFile, path.basename(o.fromFile)) : {};
  const { report, subject, p } = addReport(ws, { ...o, progress: o.progress ?? fromFile.progress, problems: o.problems ?? fromFile.problems, next: o.next ?? fromFile.next_steps, responsible: o.responsible ?? fromFile.responsible });
  const result = await ws.commit(`djyc report: ${subject.id} ${o.quarter}`, { next: [subject.id] });
  const stillDue = reportsDue(p, ws.index.any(subject.id)!, ws.index, ws.date).filter((d) => !d.report);
  return { ...result, report, subject: subject.id, quarter: o.quarter, stillDue };
}

/** The fields of one report, as `djyc report` and an imported sheet row give them. */
export interface ReportFields {
  subject: string;
  quarter: string;
  progress?: string;
  problems?: string;
  next?: string;
  responsible?: string;
  /** The day it was handed in (default: the operation's date); never after it. */
  submittedOn?: string;
}

/** Checks one report against the programme and the records and adds it to the workspace (no commit). */
export function addReport(ws: Workspace, o: ReportFields): { report: string; subject: RecordEntry<'project' | 'task'>; p: ProgrammeRecord } {
  const subject = ws.find(o.subject, ['project', 'task']);
  const p = ws.programmeOf(subject);
  if (!/^\d{4}Q[1-4]$/.test(o.quarter)) usage(`--quarter 的格式应为 YYYYQn，例如 2020Q3（收到“${o.quarter}”）`, `--quarter must look like 2020Q3 (got "${o.quarter}")`);
  if (!reportsApply(p, subject.kind)) {
    refuse(`方案“${p.id}”不要求为${subject.kind === 'task' ? '党员任务' : '项目'}填报执行书`, `programme "${p.id}" asks no quarterly reports of ${subject.kind}s`);
  }
  const progress = o.progress?.trim();
  if (!progress) usage('缺少 --progress（本季度进展情况），或在 --from-file 中写明“进展情况”', 'missing --progress (this quarter\'s progress), or a 进展情况 section in --from-file');
  const named = o.responsible;
  const responsible = named ? ws.member(named, '--responsible').id : undefined;

  const project = subject.kind === 'task' ? ws.index.get('project', (subject.data as { project?: string }).project)?.data : undefined;
  const start = reportingStart(p, subject.kind, subject.data as Staged, project);
  const stage = stageOf(p, subject);
  const from = p.project?.reports?.from_stage;
  if (!start) {
    refuse(
      `${subject.id} 尚未进入 ${from ? stageName(p, subject.kind as 'project', from, 'zh') : '实施'} 阶段（当前 ${stageName(p, subject.kind as 'project', stage.id, 'zh')}），执行书从该阶段起按季度填报`,
      `${subject.id} has not entered ${from ?? 'implementation'} yet (now ${stage.id}); quarterly reports start there`,
    );
  }
  const firstQ = quarterOf(start);
  const nowQ = quarterOf(ws.date);
  if (o.quarter < firstQ) refuse(`${o.quarter} 早于 ${subject.id} 开始填报执行书的季度 ${firstQ}（${start} 进入实施）`, `${o.quarter} is before ${firstQ}, the first quarter ${subject.id} reports on (entered implementation ${start})`);
  if (o.quarter > nowQ) refuse(`不能为尚未开始的季度 ${o.quarter} 填报执行书（今天 ${ws.date} 属于 ${nowQ}）`, `cannot report on ${o.quarter}, which has not started (${ws.date} is in ${nowQ})`);
  const existing = ws.index.all('report').find((r) => summary(r).subject === subject.id && summary(r).quarter === o.quarter);
  if (existing) refuse(`${subject.id} 的 ${o.quarter} 执行书已填报：${existing.id}（如需修改，请直接编辑 ${existing.file}）`, `the ${o.quarter} report of ${subject.id} exists: ${existing.id} (edit ${existing.file} to amend it)`);

  const report = ws.create('report', clean({
    programme: p.id, subject: subject.id, quarter: o.quarter, progress,
    problems: o.problems?.trim() || undefined, next_steps: o.next?.trim() || undefined, responsible, submitted_on: o.submittedOn ?? ws.date,
  }), { year: Number(o.quarter.slice(0, 4)) });
  return { report, subject, p };
}
