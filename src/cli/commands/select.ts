import type { Command } from 'commander';
import type { Runner } from '../main.js';
import { type Lang, T, tr } from '../../domain/i18n.js';
import { select } from '../../commands/selection.js';
import { list, opOptions, parseInt10, printOp, writeOptions, type WriteFlags } from '../workflow-output.js';

export function register(program: Command, run: Runner, lang: Lang): void {
  const cmd = program
    .command('select')
    .description(tr(lang, '年度评选（十佳、示范项目、示范品牌）：按方案评选的排序依据产生名单，记为 selection 记录', 'year-end selection (top ten, model projects, model brands): ranked by the selection\'s criteria, written as a selection record'))
    .option('--award <id>', tr(lang, '评选编号（方案 selections[].id；只有一项时可省略）', 'selection id (programme selections[].id; optional when there is one)'))
    .option('--programme <id>', tr(lang, '方案编号（默认 djyc.yaml 中的默认方案）', 'programme id (default from djyc.yaml)'))
    .option('--pick <id>', tr(lang, '由评审确定的入选对象（criteria: manual；按名次，可重复）', 'chosen subjects (criteria manual; in rank order, repeatable)'), list)
    .option('--max <n>', tr(lang, '入选数量上限（不超过方案规定）', 'at most this many (within the programme\'s max)'))
    .option('--replace', tr(lang, '重新评选，替换已有结果', 'decide again, replacing the earlier result'));
  writeOptions(cmd, lang, { note: false }).action(
    run(async (ctx, f: WriteFlags & { award?: string; programme?: string; pick?: string[]; max?: string; replace?: boolean }) => {
      const r = await select({ ...opOptions(ctx, f), award: f.award, programme: f.programme, pick: f.pick, max: parseInt10(f.max, '--max'), replace: f.replace });
      const lines = r.entries.map((e) => `  ${e.rank}. ${e.name}（${e.subject}）${e.score !== undefined ? ` ${e.score}` : ''}  ${e.reason}`);
      printOp(ctx, r, T(`“${r.title}”（${r.entries.length} 个）：\n${lines.join('\n')}`, `"${r.title}" (${r.entries.length}):\n${lines.join('\n')}`), f.json, { selection: r.selection, award: r.award, title: r.title, entries: r.entries });
    }),
  );
}
