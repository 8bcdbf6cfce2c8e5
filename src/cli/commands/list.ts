import type { Command } from 'commander';
import type { Runner } from '../runner.js';
import { type Lang, say, tr, T } from '../../domain/i18n.js';
import { UsageError } from '../../domain/errors.js';
import { csvTable, textTable } from '../../output/text-table.js';
import { writeOutput } from '../io.js';
import { command, NOTES, options, SHARED, use, type Options, STAGE } from '../options.js';

const FORMATS = ['table', 'json', 'csv'] as const;

const OPTIONS = options({
  org: use(SHARED.org, { note: NOTES.subtree }),
  stage: use(STAGE.stage, { note: { zh: '只列出当前处于该阶段的记录', en: 'only records now at this stage' } }),
  programme: use(SHARED.programme, { note: NOTES.allProgrammes }),
  year: { flags: '--year <YYYY>', zh: '只列出该年度方案的记录', en: "only records of that year's programmes" },
  format: use(SHARED.format, { choices: FORMATS, default: 'table' }),
  json: use(SHARED.json, { note: NOTES.sameAsFormatJson }),
  output: use(SHARED.output, { note: NOTES.standardOutput }),
});

export function register(program: Command, run: Runner, lang: Lang): void {
  command(program, lang, 'list [kind]', T('列出记录：项目（默认）、任务、党组织、党员、专家、品牌、承诺书、执行书、结项书、评价、评选或方案；名称、阶段按中文显示', 'list records: projects (default), tasks, organisations, members, experts, brands, commitments, reports, closures, evaluations, selections or programmes'), OPTIONS).action(
    run(async (ctx, kind: string | undefined, f: Options<typeof OPTIONS>) => {
      const { requireRoot } = await import('../../store/repo.js');
      const { list } = await import('../../commands/browse.js');
      const format = f.json ? 'json' : f.format;
      if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`不支持的格式“${format}”（可用：${FORMATS.join(' / ')}）`, `unknown format "${format}" (known: ${FORMATS.join(' / ')})`);
      const view = list({ root: requireRoot(ctx.cwd), kind, org: f.org, stage: f.stage, programme: f.programme, year: f.year, lang: ctx.lang });
      const headers = view.columns.map((c) => say(ctx.lang, c.label));
      const rows = view.rows.map((r) => view.columns.map((c) => r[c.key] ?? ''));
      let text: string;
      if (format === 'json') text = `${JSON.stringify({ kind: view.kind, count: view.rows.length, records: view.rows }, null, 2)}\n`;
      else if (format === 'csv') text = csvTable(headers, rows);
      else text = rows.length ? `${textTable(headers, rows)}\n\n${tr(ctx.lang, `共 ${rows.length} 条`, `${rows.length} record(s)`)}\n` : `${tr(ctx.lang, '没有符合条件的记录。', 'no record matches.')}\n`;
      writeOutput(ctx, text, f.output);
    }),
  );
}
