import type { Command } from 'commander';
import type { Runner } from '../runner.js';
import { type Lang, T } from '../../domain/i18n.js';
import { opOptions, printOp } from '../workflow-output.js';
import { command, options, RECORD, WRITE, type Options } from '../options.js';

const OPTIONS = options({
  to: { flags: '--to <programme>', zh: '转入的下一轮方案编号', en: 'the later programme to carry it into', required: true },
  stage: { flags: '--stage <stage>', zh: '在新方案中所处的阶段（默认与原阶段相同）', en: 'its stage in the new programme (default: the same stage)' },
  due: { flags: '--due <YYYY-MM-DD>', zh: '项目新的完成时限（原完成时限属于上一轮，不带入）', en: "the project's new completion date (the old one stays with the old round)" },
  ...RECORD,
  ...WRITE,
});

export function register(program: Command, run: Runner, lang: Lang): void {
  command(program, lang, 'carry-over <id>', T('把上一轮未完成的项目（连同未完成的党员任务）或品牌转入下一轮方案：原记录保留历史并注明已转入，新记录注明转入自何处', "carry an unfinished project (with its unfinished member tasks) or brand into a later programme: the old record keeps its history and says where it went, the new one where it came from"), OPTIONS).action(
    run(async (ctx, id: string, f: Options<typeof OPTIONS>) => {
      const { carryOver } = await import('../../commands/carryover.js');
      const r = await carryOver({ ...opOptions(ctx, f), id, to: f.to, stage: f.stage, due: f.due });
      const tasks = r.tasks.length ? T(`，党员任务 ${r.tasks.length} 项随同转入`, `, with ${r.tasks.length} member task(s)`) : T('', '');
      printOp(ctx, r, T(`已将 ${r.from} 转入 ${r.programme}：${r.to}（阶段 ${r.stage}）${tasks.zh}`, `carried ${r.from} into ${r.programme}: ${r.to} (stage ${r.stage})${tasks.en}`), f.json, { from: r.from, to: r.to, programme: r.programme, stage: r.stage, tasks: r.tasks });
    }),
  );
}
