import path from 'node:path';
import type { Command } from 'commander';
import type { Runner } from '../main.js';
import { type Lang, T, tr } from '../../domain/i18n.js';
import { close } from '../../commands/closure.js';
import { many, opOptions, printOp, writeOptions, type WriteFlags } from '../workflow-output.js';

export function register(program: Command, run: Runner, lang: Lang): void {
  const cmd = program
    .command('close <subject>')
    .description(tr(lang, '申请结项：填写结项书（取得成效 / 完成质效、自评、总结报告）并转入结项阶段；所欠执行书未补齐时拒绝', 'request closure: file the closure (results, self-assessment, summary report) and enter the closure stage; refused while quarterly reports are owed'))
    .requiredOption('--results <text>', tr(lang, '取得成效（项目）或完成质效（任务）', 'results (project) or quality of completion (task)'))
    .option('--self-assessment <text>', tr(lang, '自评', 'self-assessment'))
    .option('--summary <text>', tr(lang, '总结报告', 'summary report'))
    .option('--summary-file <file>', tr(lang, '从文件读取总结报告', 'read the summary report from a file'))
    .option('--attach <file>', tr(lang, '印证性材料（可重复；复制到 attachments/closures/）', 'supporting file (repeatable; copied to attachments/closures/)'), many)
    .option('--to <stage>', tr(lang, '目标阶段（有多个时）', 'target stage (when several)'));
  writeOptions(cmd, lang).action(
    run(async (ctx, subject: string, f: WriteFlags & { results: string; selfAssessment?: string; summary?: string; summaryFile?: string; attach?: string[]; to?: string }) => {
      const r = await close({
        ...opOptions(ctx, f), subject, results: f.results, selfAssessment: f.selfAssessment, summary: f.summary,
        summaryFile: f.summaryFile ? path.resolve(ctx.cwd, f.summaryFile) : undefined, attach: f.attach?.map((a) => path.resolve(ctx.cwd, a)), to: f.to,
      });
      printOp(ctx, r, T(`已申请结项：${r.subject} 从 ${r.from} 转入 ${r.to}（结项书 ${r.closure}）`, `closure requested: ${r.subject} moved from ${r.from} to ${r.to} (closure ${r.closure})`), f.json, { subject: r.subject, closure: r.closure, from: r.from, to: r.to });
    }),
  );
}
