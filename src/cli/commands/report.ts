import path from 'node:path';
import type { Command } from 'commander';
import type { Runner } from '../runner.js';
import { type Lang, T, tr } from '../../domain/i18n.js';
import { opOptions, printOp } from '../workflow-output.js';
import { command, options, RECORD, WRITE, type Options } from '../options.js';

const OPTIONS = options({
  quarter: { flags: '--quarter <YYYYQn>', zh: '所报季度，例如 2020Q3', en: 'quarter, e.g. 2020Q3', required: true },
  progress: { flags: '--progress <text>', zh: '本季度进展情况', en: 'progress this quarter' },
  problems: { flags: '--problems <text>', zh: '存在问题', en: 'problems' },
  next: { flags: '--next <text>', zh: '下步打算', en: 'next steps' },
  responsible: { flags: '--responsible <member>', zh: '填报责任人（党员编号）', en: 'responsible member id' },
  fromFile: { flags: '--from-file <file>', zh: '从文件读取长文本：YAML 文件（键为 进展情况、存在问题、下步打算）或带这些小标题的文本文件', en: 'read long text from a file: YAML (进展情况/存在问题/下步打算) or text with those headings' },
  ...RECORD,
  ...WRITE,
});

export function register(program: Command, run: Runner, lang: Lang): void {
  command(program, lang, 'report <subject>', T('填报季度执行书（党组织领办项目执行书 / 党员领办任务执行书），每个项目或任务每季度一份', 'file a quarterly report for a project or task (one per quarter each)'), OPTIONS).action(
    run(async (ctx, subject: string, f: Options<typeof OPTIONS>) => {
      const { fileReport } = await import('../../commands/reports.js');
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
