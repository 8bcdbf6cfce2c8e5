import type { Command } from 'commander';
import type { Runner } from '../runner.js';
import { type Lang, T, tr } from '../../domain/i18n.js';
import { advance } from '../../commands/advance.js';
import { opOptions, printOp } from '../workflow-output.js';
import { addOptions, options, RECORD, WRITE, type Options } from '../options.js';

const OPTIONS = options({
  to: { flags: '--to <stage>', zh: '目标阶段编号（默认：唯一满足条件的下一阶段）', en: 'target stage id (default: the only next stage that is ready)' },
  number: { flags: '--number <no>', zh: '立项时给定的项目编号，例如 2020-007（默认按方案的编号格式顺延）', en: "project number given at approval, e.g. 2020-007 (default: the next one in the programme's format)" },
  approvedBy: { flags: '--approved-by <org>', zh: '立项的审批党组织编号（默认方案的主管党组织）', en: "approving organisation id (default: the programme's organiser)" },
  ...RECORD,
  ...WRITE,
});

export function register(program: Command, run: Runner, lang: Lang): void {
  const cmd = program
    .command('advance <id>')
    .description(tr(lang, '推进项目、任务或品牌到下一阶段（按方案的阶段和前置条件；不满足时拒绝并说明原因和可转入阶段）', "move a project, task or brand to its next stage (under the programme's stages and guards; refused with the reason and the legal next stages)"));
  addOptions(cmd, OPTIONS, lang).action(
    run(async (ctx, id: string, f: Options<typeof OPTIONS>) => {
      const r = await advance({ ...opOptions(ctx, f), id, to: f.to, number: f.number, approvedBy: f.approvedBy });
      const num = r.number ? tr(ctx.lang, `，项目编号 ${r.number}`, `, number ${r.number}`) : '';
      printOp(ctx, r, T(`已将 ${r.id} 从 ${r.from} 转入 ${r.to}${num}`, `moved ${r.id} from ${r.from} to ${r.to}${num}`), f.json, { id: r.id, kind: r.kind, from: r.from, to: r.to, number: r.number });
    }),
  );
}
