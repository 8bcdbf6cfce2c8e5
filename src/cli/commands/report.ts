import path from 'node:path';
import type { Command } from 'commander';
import type { Runner } from '../main.js';
import { type Lang, T, tr } from '../../domain/i18n.js';
import { fileReport } from '../../commands/reports.js';
import { opOptions, printOp, writeOptions, type WriteFlags } from '../workflow-output.js';

export function register(program: Command, run: Runner, lang: Lang): void {
  const cmd = program
    .command('report <subject>')
    .description(tr(lang, '填报季度执行书（党组织领办项目执行书 / 党员领办任务执行书），每个项目或任务每季度一份', 'file a quarterly report for a project or task (one per quarter each)'))
    .requiredOption('--quarter <YYYYQn>', tr(lang, '所报季度，例如 2020Q3', 'quarter, e.g. 2020Q3'))
    .option('--progress <text>', tr(lang, '本季度进展情况', 'progress this quarter'))
    .option('--problems <text>', tr(lang, '存在问题', 'problems'))
    .option('--next <text>', tr(lang, '下步打算', 'next steps'))
    .option('--responsible <member>', tr(lang, '填报责任人（党员编号）', 'responsible member id'))
    .option('--from-file <file>', tr(lang, '从文件读取长文本：YAML（进展情况/存在问题/下步打算）或带这些小标题的文本文件', 'read long text from a file: YAML (进展情况/存在问题/下步打算) or text with those headings'));
  writeOptions(cmd, lang, { note: false }).action(
    run(async (ctx, subject: string, f: WriteFlags & { quarter: string; progress?: string; problems?: string; next?: string; responsible?: string; fromFile?: string }) => {
      const r = await fileReport({
        ...opOptions(ctx, f), subject, quarter: f.quarter, progress: f.progress, problems: f.problems, next: f.next, responsible: f.responsible,
        fromFile: f.fromFile ? path.resolve(ctx.cwd, f.fromFile) : undefined,
      });
      const owed = r.stillDue.map((d) => d.quarter);
      if (owed.length && !f.json) ctx.err(tr(ctx.lang, `仍欠执行书：${owed.join('、')}`, `reports still owed: ${owed.join(', ')}`));
      printOp(ctx, r, T(`已填报 ${r.subject} 的 ${r.quarter} 执行书：${r.report}`, `filed the ${r.quarter} report of ${r.subject}: ${r.report}`), f.json, { report: r.report, subject: r.subject, quarter: r.quarter, stillDue: owed });
    }),
  );
}
