import type { Command } from 'commander';
import type { Runner } from '../runner.js';
import { type Lang, T, tr } from '../../domain/i18n.js';
import { opOptions, printOp } from '../workflow-output.js';
import { addOptions, options, WRITE, type Options } from '../options.js';

const OPTIONS = options({
  adjust: { flags: '--adjust', zh: '记为督促措施“调整”（项目约谈后调整负责人、内容等）', en: 'record it as the intervention 调整 (a project adjusted after 约谈)' },
  ...WRITE,
});

export function register(program: Command, run: Runner, lang: Lang): void {
  const cmd = program
    .command('set <record> <assignments...>')
    .description(
      tr(
        lang,
        '修改记录的字段：字段=值（字段写键名或中文名称，如 书记=王华、contact=周立；列表用顿号分隔，字段+=值 追加一项，字段= 清空）；校验后一次提交，项目、任务、品牌记入历史',
        'edit fields: field=value (the key or its Chinese title, e.g. secretary=王华; lists separated by 、 or commas, field+=value appends one item, field= empties it); validated, one commit, noted in the history of projects, tasks and brands',
      ),
    );
  addOptions(cmd, OPTIONS, lang).action(
    run(async (ctx, record: string, assignments: string[], f: Options<typeof OPTIONS>) => {
      const { setFields } = await import('../../commands/edit.js');
      const r = await setFields({ ...opOptions(ctx, f), record, assignments, adjust: f.adjust });
      const names = r.fields.map((x) => x.title).join('、');
      printOp(ctx, r, T(`已修改 ${r.record}：${names}${f.adjust ? '（记为调整）' : ''}`, `changed ${r.record}: ${r.fields.map((x) => x.key).join(', ')}${f.adjust ? ' (recorded as 调整)' : ''}`), f.json, { record: r.record, kind: r.kind, fields: r.fields });
    }),
  );
}
