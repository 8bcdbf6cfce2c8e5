import type { Command } from 'commander';
import type { Runner } from '../runner.js';
import { type Lang, T, tr } from '../../domain/i18n.js';
import { select } from '../../commands/selection.js';
import { opOptions, parseInt10, printOp } from '../workflow-output.js';
import { addOptions, NOTES, options, SHARED, use, WRITE, type Options } from '../options.js';

const OPTIONS = options({
  award: { flags: '--award <id>', zh: '评选编号（方案文件 selections 中的编号；方案只有一项评选时可省略）', en: "selection id (the programme's selections[].id; optional when there is one)" },
  programme: use(SHARED.programme, { note: NOTES.repositoryProgramme }),
  pick: { flags: '--pick <id>', zh: '由评审确定的入选对象，按名次排列（用于由评审确定名单的评选）', en: 'chosen subjects in rank order (for a selection whose criteria is manual)', repeat: 'split' },
  max: { flags: '--max <n>', zh: '入选数量上限（不超过方案规定）', en: "at most this many (within the programme's max)" },
  replace: { flags: '--replace', zh: '重新评选，替换已有结果', en: 'decide again, replacing the earlier result' },
  ...WRITE,
});

export function register(program: Command, run: Runner, lang: Lang): void {
  const cmd = program
    .command('select')
    .description(tr(lang, '年度评选（十佳、示范项目、示范品牌）：按方案评选的排序依据产生名单，记为评选记录', "year-end selection (top ten, model projects, model brands): ranked by the selection's criteria, written as a selection record"));
  addOptions(cmd, OPTIONS, lang).action(
    run(async (ctx, f: Options<typeof OPTIONS>) => {
      const r = await select({ ...opOptions(ctx, f), award: f.award, programme: f.programme, pick: f.pick, max: parseInt10(f.max, '--max'), replace: f.replace });
      const lines = r.entries.map((e) => `  ${e.rank}. ${e.name}（${e.subject}）${e.score !== undefined ? ` ${e.score}` : ''}  ${e.reason}`);
      printOp(ctx, r, T(`“${r.title}”（${r.entries.length} 个）：\n${lines.join('\n')}`, `"${r.title}" (${r.entries.length}):\n${lines.join('\n')}`), f.json, { selection: r.selection, award: r.award, title: r.title, entries: r.entries });
    }),
  );
}
