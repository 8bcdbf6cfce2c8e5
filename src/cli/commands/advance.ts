import type { Command } from 'commander';
import type { Runner } from '../runner.js';
import { type Lang, T, tr } from '../../domain/i18n.js';
import type { Move } from '../../commands/advance.js';
import { opOptions, printOp } from '../workflow-output.js';
import { command, options, RECORD, SHARED, use, WRITE, type Options, STAGE } from '../options.js';

const OPTIONS = options({
  to: { flags: '--to <stage>', zh: '目标阶段：方案中的阶段名称（如 项目认定（立项），也可只写 项目认定）或阶段编号（默认：下一阶段）', en: 'target stage: its label in the programme (e.g. 项目认定（立项）, or 项目认定) or its id (default: the next stage)' },
  project: use(SHARED.project, { note: { zh: '推进该项目的全部党员任务', en: 'move every member task of this project' } }),
  org: use(SHARED.org, { note: { zh: '只推进该党组织（及其下级）的记录；单独使用时推进其全部未结束的项目、任务和品牌', en: 'only records of this organisation (and those under it); alone: all its records not at a final stage' } }),
  stage: use(STAGE.stage, { note: { zh: '只推进当前处于该阶段的记录', en: 'only records now at this stage' } }),
  number: { flags: '--number <no>', zh: '立项时给定的项目编号，例如 2020-007（默认按方案的编号格式顺延）', en: "project number given at approval, e.g. 2020-007 (default: the next one in the programme's format)" },
  approvedBy: { flags: '--approved-by <org>', zh: '立项的审批党组织（名称或编号；默认方案的主管党组织）', en: "approving organisation (name or id; default: the programme's organiser)" },
  ...RECORD,
  ...WRITE,
});

export function register(program: Command, run: Runner, lang: Lang): void {
  command(program, lang, 'advance [records...]', T('推进项目、任务或品牌到下一阶段（按方案的阶段和前置条件；不满足时拒绝并说明原因、可运行的命令和可转入阶段）；可一次推进多条（名称或编号，或 --project / --org / --stage 选择），全部满足才写入，一次提交', "move projects, tasks or brands to their next stage (under the programme's stages and guards; refused with the reason, the command that helps and the legal next stages); several at once (names or ids, or chosen by --project / --org / --stage): all or nothing, one commit"), OPTIONS).action(
    run(async (ctx, records: string[], f: Options<typeof OPTIONS>) => {
      const { advance } = await import('../../commands/advance.js');
      const r = await advance({ ...opOptions(ctx, f), ids: records, project: f.project, org: f.org, stage: f.stage, to: f.to, number: f.number, approvedBy: f.approvedBy });
      const one = (m: Move, lang: Lang) => {
        const num = m.number ? tr(lang, `，项目编号 ${m.number}`, `, number ${m.number}`) : '';
        return tr(lang, `${m.name.zh} 从 ${m.fromName.zh} 转入 ${m.toName.zh}${num}`, `${m.name.en} from ${m.fromName.en} to ${m.toName.en}${num}`);
      };
      const [done, doneEn] = r.dryRun ? ['将', 'would move'] : ['已', 'moved'];
      const summary = r.moves.length === 1
        ? T(`${r.dryRun ? '将把' : '已将'} ${one(r.moves[0]!, 'zh')}`, `${doneEn} ${one(r.moves[0]!, 'en')}`)
        : T(`${done}推进 ${r.moves.length} 条记录：\n${r.moves.map((m) => `  ${one(m, 'zh')}`).join('\n')}`, `${doneEn} ${r.moves.length} records:\n${r.moves.map((m) => `  ${one(m, 'en')}`).join('\n')}`);
      const moves = r.moves.map((m) => ({ id: m.id, kind: m.kind, from: m.from, to: m.to, number: m.number }));
      printOp(ctx, r, summary, f.json, { id: r.id, kind: r.kind, from: r.from, to: r.to, number: r.number, moves });
    }),
  );
}
