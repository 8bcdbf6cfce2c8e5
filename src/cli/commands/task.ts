import type { Command } from 'commander';
import type { Runner } from '../runner.js';
import { type Lang, T, tr } from '../../domain/i18n.js';
import { opOptions, printOp } from '../workflow-output.js';
import { command, NOTES, options, SHARED, use, RECORD, WRITE, type Options } from '../options.js';

const ADD = options({
  member: { flags: '--member <id>', zh: '领办党员编号', en: 'member id', note: { zh: '多名党员组团认领时写多个', en: 'several: a group takes it together' }, repeat: 'split', required: true },
  content: { flags: '--content <text>', zh: '任务内容', en: 'the task', required: true },
  due: { flags: '--due <YYYY-MM-DD>', zh: '承诺完成日期（确保 年 月 日前完成）', en: 'promised finish date' },
  position: { flags: '--position <text>', zh: '承诺书中承诺人的身份，例如 区教育局党组书记', en: "the member's position on the commitment" },
  ...RECORD,
  ...WRITE,
});

const EXEMPT = options({
  reason: { flags: '--reason <text>', zh: '免领理由', en: 'reason', required: true },
  approvedBy: { flags: '--approved-by <name>', zh: '批准人', en: 'approved by' },
  programme: use(SHARED.programme, { note: NOTES.currentProgramme }),
  ...WRITE,
});

export function register(program: Command, run: Runner, lang: Lang): void {
  const task = program.command('task').description(tr(lang, '党员领办任务', 'member tasks'));
  command(task, lang, 'add <project>', T('党员（或多名党员组团）认领项目的任务，生成或补充《党员领办任务承诺书》', "a member (or a group) takes a task of a project; creates or extends the member's commitment"), ADD).action(
    run(async (ctx, project: string, f: Options<typeof ADD>) => {
      const { addTask } = await import('../../commands/tasks.js');
      const r = await addTask({ ...opOptions(ctx, f), project, members: f.member, content: f.content, due: f.due, position: f.position });
      printOp(ctx, r, T(`已新建任务 ${r.task}${r.commitments.length ? `（承诺书 ${r.commitments.join('、')}）` : ''}`, `created task ${r.task}${r.commitments.length ? ` (commitments ${r.commitments.join(', ')})` : ''}`), f.json, { task: r.task, commitments: r.commitments });
    }),
  );
  command(task, lang, 'exempt <member>', T('记录党员免领任务及理由（原则上每名党员必须领办任务）', 'record why a member holds no task (an exemption needs a reason)'), EXEMPT).action(
    run(async (ctx, member: string, f: Options<typeof EXEMPT>) => {
      const { exemptMember } = await import('../../commands/tasks.js');
      const r = await exemptMember({ ...opOptions(ctx, f), member, reason: f.reason, approvedBy: f.approvedBy, programme: f.programme });
      printOp(ctx, r, T(`已记录 ${r.member} 免领任务`, `recorded the exemption of ${r.member}`), f.json, { member: r.member });
    }),
  );
}
