import path from 'node:path';
import type { Command } from 'commander';
import type { Runner } from '../runner.js';
import { type Lang, T } from '../../domain/i18n.js';
import { opOptions, printOp } from '../workflow-output.js';
import { command, options, RECORD, WRITE, type Options } from '../options.js';

const OPTIONS = options({
  results: { flags: '--results <text>', zh: '取得成效（项目）或完成质效（任务）；申请结项时必填', en: 'results (project) or quality of completion (task); required to request closure' },
  selfAssessment: { flags: '--self-assessment <text>', zh: '自评', en: 'self-assessment' },
  summary: { flags: '--summary <text>', zh: '总结报告', en: 'summary report' },
  summaryFile: { flags: '--summary-file <file>', zh: '从文件读取总结报告', en: 'read the summary report from a file' },
  attach: { flags: '--attach <file>', zh: '印证性材料，复制到 attachments/closures/', en: 'supporting file, copied to attachments/closures/', repeat: 'whole' },
  to: { flags: '--to <stage>', zh: '目标阶段编号（可转入的阶段有多个时）', en: 'target stage id (when there are several)' },
  committeeOpinion: { flags: '--committee-opinion <text>', zh: '党委（党组）意见：随结项书报送，在验收之前给出；结项书已提交时单独给出即补写', en: "the Party committee's opinion: sent with the closure, before acceptance; given alone, it is added to a closure already filed" },
  ...RECORD,
  ...WRITE,
});

export function register(program: Command, run: Runner, lang: Lang): void {
  command(program, lang, 'close <subject>', T('申请结项：填写结项书（取得成效或完成质效、自评、总结报告）并转入结项阶段；所欠执行书未补齐时拒绝', 'request closure: file the closure (results, self-assessment, summary report) and enter the closure stage; refused while quarterly reports are owed'), OPTIONS).action(
    run(async (ctx, subject: string, f: Options<typeof OPTIONS>) => {
      const { close } = await import('../../commands/closure.js');
      const r = await close({
        ...opOptions(ctx, f), subject, results: f.results ?? '', selfAssessment: f.selfAssessment, summary: f.summary,
        summaryFile: f.summaryFile ? path.resolve(ctx.cwd, f.summaryFile) : undefined, attach: f.attach?.map((a) => path.resolve(ctx.cwd, a)), to: f.to,
        committeeOpinion: f.committeeOpinion,
      });
      if (r.from === r.to) return printOp(ctx, r, T(`已补写 ${r.subject} 结项书的党委（党组）意见（结项书 ${r.closure}）`, `added the committee's opinion to the closure of ${r.subject} (${r.closure})`), f.json, { subject: r.subject, closure: r.closure, from: r.from, to: r.to });
      printOp(ctx, r, T(`已申请结项：${r.subject} 从 ${r.fromName.zh} 转入 ${r.toName.zh}（结项书 ${r.closure}）`, `closure requested: ${r.subject} moved from ${r.fromName.en} to ${r.toName.en} (closure ${r.closure})`), f.json, { subject: r.subject, closure: r.closure, from: r.from, to: r.to });
    }),
  );
}
