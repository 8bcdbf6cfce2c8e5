import type { Command } from 'commander';
import type { Runner } from '../main.js';
import { type Lang, T, tr } from '../../domain/i18n.js';
import { accept, intervene, INTERVENTIONS } from '../../commands/acceptance.js';
import { many, opOptions, printOp, writeOptions, type WriteFlags } from '../workflow-output.js';

export function register(program: Command, run: Runner, lang: Lang): void {
  const cmd = program
    .command('accept <project>')
    .description(tr(lang, '记录验收结论（通过 / 整改）、验收组意见和验收方式；须先抽取验收组（方案要求时）', 'record the acceptance (pass / rework), the panel\'s opinion and methods; needs a panel when the programme asks for one'))
    .requiredOption('--result <pass|rework>', tr(lang, '验收结论：pass（通过）或 rework（整改）', 'result: pass or rework'))
    .option('--opinion <text>', tr(lang, '验收组意见', 'panel opinion'))
    .option('--method <name>', tr(lang, '验收方式（可重复）：查阅资料 / 听取汇报 / 调查走访 / 四不两直现场印证', 'method (repeatable): 查阅资料 / 听取汇报 / 调查走访 / 四不两直现场印证'), many);
  writeOptions(cmd, lang).action(
    run(async (ctx, subject: string, f: WriteFlags & { result: string; opinion?: string; method?: string[] }) => {
      const r = await accept({ ...opOptions(ctx, f), subject, result: f.result, opinion: f.opinion, methods: f.method });
      const label = r.result === 'pass' ? T('通过', 'pass') : T('整改', 'rework');
      const next = r.next.length ? T(`；可用 djyc advance ${r.subject} --to ${r.next[0]} 推进`, `; move on with djyc advance ${r.subject} --to ${r.next[0]}`) : T('', '');
      printOp(ctx, r, T(`已记录 ${r.subject} 的验收结论：${label.zh}${next.zh}`, `recorded the acceptance of ${r.subject}: ${label.en}${next.en}`), f.json, { subject: r.subject, evaluation: r.evaluation, result: r.result, next: r.next });
    }),
  );

  const iv = program
    .command('intervene <project>')
    .description(tr(lang, '督促措施：约谈 / 挂牌帮扶 / 调整（进度缓慢、工作不力或验收需整改的项目）', 'intervene: 约谈 / 挂牌帮扶 / 调整 (slow, failing or rework projects)'))
    .requiredOption('--type <type>', tr(lang, `措施：${INTERVENTIONS.join(' / ')}`, `type: ${INTERVENTIONS.join(' / ')}`))
    .option('--who <name>', tr(lang, '实施人（上级党组织或分管领导；默认 --by）', 'who intervenes (default --by)'));
  writeOptions(iv, lang).action(
    run(async (ctx, subject: string, f: WriteFlags & { type: string; who?: string }) => {
      const r = await intervene({ ...opOptions(ctx, f), subject, type: f.type, who: f.who });
      printOp(ctx, r, T(`已记录 ${r.subject} 的督促措施：${r.type}`, `recorded an intervention on ${r.subject}: ${r.type}`), f.json, { subject: r.subject, type: r.type });
    }),
  );
}
