import type { Command } from 'commander';
import type { Runner } from '../runner.js';
import { type Lang, tr, T } from '../../domain/i18n.js';
import type { ImportKind } from '../../commands/import-cells.js';
import { UsageError } from '../../domain/errors.js';
import { checkIsoDate, writeOutput } from '../io.js';
import { command, NOTES, options, SHARED, use, type Options } from '../options.js';

const KINDS = ['report', 'org', 'member', 'project'] as const;

const OPTIONS = options({
  kind: { flags: '--kind <kind>', zh: '表格种类', en: 'what the sheet collects', note: { zh: 'report 为季度执行书，org 为党组织、member 为党员名册、project 为项目申报（空白表）', en: 'report: the quarterly reports; org, member, project: blank sheets for the roster and applications' }, choices: KINDS, required: true },
  quarter: { flags: '--quarter <YYYYQn>', zh: '季度，例如 2020Q3（执行书表格必填）', en: 'quarter, e.g. 2020Q3 (report sheets)' },
  org: use(SHARED.org, { note: NOTES.subtree }),
  programme: use(SHARED.programme, { note: NOTES.allProgrammes }),
  today: SHARED.today,
  output: use(SHARED.output, { note: { zh: '.xlsx 文件；默认 执行书-<季度>.xlsx', en: 'an .xlsx file; default 执行书-<quarter>.xlsx' } }),
});

export function register(program: Command, run: Runner, lang: Lang): void {
  command(program, lang, 'sheet', T('生成交各单位填写的 Excel 表格（季度执行书：每个应报的项目和党员任务一行；或党组织、党员名册、项目申报空白表；中文表头，首页为填表说明）；填好后用 djyc import 导入', 'write the workbook the branches fill in (quarterly reports: one row per project and task that owes one, Chinese headers, instructions first); read it back with djyc import'), OPTIONS).action(
    run(async (ctx, f: Options<typeof OPTIONS>) => {
      const { requireRoot } = await import('../../store/repo.js');
      const { blankSheet, reportSheet } = await import('../../commands/sheet.js');
      if (!(KINDS as readonly string[]).includes(f.kind)) throw new UsageError(`--kind 应为 ${KINDS.join(' / ')}（收到“${f.kind}”）`, `--kind must be ${KINDS.join(' / ')} (got "${f.kind}")`);
      checkIsoDate(f.today);
      if (f.kind !== 'report') {
        const blank = await blankSheet({ root: requireRoot(ctx.cwd), kind: f.kind as ImportKind, programme: f.programme });
        const out = f.output ?? `${blank.title}.xlsx`;
        if (out === '-') throw new UsageError('Excel 表格须写到文件：-o 文件.xlsx', 'the workbook needs a file: -o file.xlsx');
        writeOutput(ctx, blank.bytes, out, { quiet: true });
        ctx.out(tr(ctx.lang, `已生成空白表 ${out}（${blank.title}）\n下一步：各单位填写后交回，djyc import ${out}`, `written the blank sheet ${out} (${blank.title})\nnext: when the branches return it, djyc import ${out}`));
        return;
      }
      if (!f.quarter) throw new UsageError('执行书表格须给出 --quarter，例如 --quarter 2020Q3', 'report sheets need --quarter, e.g. --quarter 2020Q3');
      const output = f.output ?? `执行书-${f.quarter}.xlsx`;
      if (output === '-') throw new UsageError('Excel 表格须写到文件：-o 执行书.xlsx', 'the workbook needs a file: -o reports.xlsx');
      const r = await reportSheet({ root: requireRoot(ctx.cwd), quarter: f.quarter, org: f.org, programme: f.programme, today: f.today });
      writeOutput(ctx, r.bytes, output, { quiet: true });
      ctx.out(tr(ctx.lang, `已生成 ${output}：${f.quarter} 应报执行书 ${r.rows} 行\n下一步：各单位填写后交回，djyc import ${output}`, `written ${output}: ${r.rows} ${f.quarter} report row(s)\nnext: when the branches return it, djyc import ${output}`));
    }),
  );
}
