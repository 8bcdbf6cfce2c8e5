import type { Command } from 'commander';
import type { Runner } from '../runner.js';
import { type Lang, T } from '../../domain/i18n.js';
import { INTERVENTIONS } from '../../domain/acceptance.js';
import { correction, opOptions, printOp } from '../workflow-output.js';
import { command, CORRECT, options, RECORD, WRITE, type Options } from '../options.js';

const ACCEPT = options({
  result: { flags: '--result <result>', zh: '验收结论', en: 'the result', note: { zh: 'pass 为通过，rework 为整改', en: 'pass or rework' }, choices: ['pass', 'rework'], required: true },
  opinion: { flags: '--opinion <text>', zh: '验收组意见', en: "the panel's opinion" },
  method: { flags: '--method <name>', zh: '验收方式：查阅资料 / 听取汇报 / 调查走访 / 四不两直现场印证', en: 'method: 查阅资料 / 听取汇报 / 调查走访 / 四不两直现场印证', repeat: 'whole' },
  ...CORRECT,
  ...RECORD,
  ...WRITE,
});

const INTERVENE = options({
  type: { flags: '--type <type>', zh: '督促措施', en: 'the measure', choices: INTERVENTIONS, required: true },
  who: { flags: '--who <name>', zh: '实施人（上级党组织或分管领导；默认同 --by）', en: 'who intervenes (an upper organisation or the leader in charge; default: --by)' },
  ...RECORD,
  ...WRITE,
});

export function register(program: Command, run: Runner, lang: Lang): void {
  command(program, lang, 'accept <project>', T('记录验收结论（通过 / 整改）、验收组意见和验收方式；方案要求时须先抽取验收组', "record the acceptance (pass / rework), the panel's opinion and methods; needs a panel when the programme asks for one"), ACCEPT).action(
    run(async (ctx, subject: string, f: Options<typeof ACCEPT>) => {
      const { accept } = await import('../../commands/acceptance.js');
      const r = await accept({ ...opOptions(ctx, f), correction: correction(f), subject, result: f.result, opinion: f.opinion, methods: f.method });
      const label = r.result === 'pass' ? T('通过', 'pass') : T('整改', 'rework');
      printOp(ctx, r, T(`已记录 ${r.subject} 的验收结论：${label.zh}`, `recorded the acceptance of ${r.subject}: ${label.en}`), f.json, { subject: r.subject, evaluation: r.evaluation, result: r.result, next: r.enterable });
    }),
  );

  command(program, lang, 'intervene <project>', T('督促措施：约谈 / 挂牌帮扶 / 调整（进度缓慢、工作不力或验收需整改的项目）', 'intervene: 约谈 / 挂牌帮扶 / 调整 (slow, failing or rework projects)'), INTERVENE).action(
    run(async (ctx, subject: string, f: Options<typeof INTERVENE>) => {
      const { intervene } = await import('../../commands/acceptance.js');
      const r = await intervene({ ...opOptions(ctx, f), subject, type: f.type, who: f.who });
      printOp(ctx, r, T(`已记录 ${r.subject} 的督促措施：${r.type}`, `recorded an intervention on ${r.subject}: ${r.type}`), f.json, { subject: r.subject, type: r.type });
    }),
  );
}
