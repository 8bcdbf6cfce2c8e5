import type { Command } from 'commander';
import type { Runner } from '../main.js';
import { type Lang, T, tr } from '../../domain/i18n.js';
import { addTask, exemptMember } from '../../commands/tasks.js';
import { list, opOptions, printOp, writeOptions, type WriteFlags } from '../workflow-output.js';

export function register(program: Command, run: Runner, lang: Lang): void {
  const task = program.command('task').description(tr(lang, '党员领办任务', 'member tasks'));
  const add = task
    .command('add <project>')
    .description(tr(lang, '党员（或多名党员组团）认领项目的任务，生成或补充《党员领办任务承诺书》', 'a member (or a group) takes a task of a project; creates or extends the member\'s commitment'))
    .requiredOption('--member <id>', tr(lang, '领办党员编号（可重复，多人组团认领）', 'member id (repeatable: a group takes it together)'), list)
    .requiredOption('--content <text>', tr(lang, '任务内容', 'the task'))
    .option('--due <YYYY-MM-DD>', tr(lang, '承诺完成日期（确保 年 月 日前完成）', 'promised finish date'))
    .option('--position <text>', tr(lang, '承诺书中承诺人的身份，例如 区教育局党组书记', 'the member\'s position on the commitment'));
  writeOptions(add, lang).action(
    run(async (ctx, project: string, f: WriteFlags & { member: string[]; content: string; due?: string; position?: string }) => {
      const r = await addTask({ ...opOptions(ctx, f), project, members: f.member, content: f.content, due: f.due, position: f.position });
      printOp(ctx, r, T(`已新建任务 ${r.task}${r.commitments.length ? `（承诺书 ${r.commitments.join('、')}）` : ''}`, `created task ${r.task}${r.commitments.length ? ` (commitments ${r.commitments.join(', ')})` : ''}`), f.json, { task: r.task, commitments: r.commitments });
    }),
  );
  const exempt = task
    .command('exempt <member>')
    .description(tr(lang, '记录党员免领任务及理由（原则上每名党员必须领办任务）', 'record why a member holds no task (an exemption needs a reason)'))
    .requiredOption('--reason <text>', tr(lang, '免领理由', 'reason'))
    .option('--approved-by <name>', tr(lang, '批准人', 'approved by'))
    .option('--programme <id>', tr(lang, '方案编号（默认 djyc.yaml 中的默认方案）', 'programme id (default from djyc.yaml)'));
  writeOptions(exempt, lang, { note: false }).action(
    run(async (ctx, member: string, f: WriteFlags & { reason: string; approvedBy?: string; programme?: string }) => {
      const r = await exemptMember({ ...opOptions(ctx, f), member, reason: f.reason, approvedBy: f.approvedBy, programme: f.programme });
      printOp(ctx, r, T(`已记录 ${r.member} 免领任务`, `recorded the exemption of ${r.member}`), f.json, { member: r.member });
    }),
  );
}
