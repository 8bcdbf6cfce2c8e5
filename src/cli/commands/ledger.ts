import type { Command } from 'commander';
import type { Runner } from '../runner.js';
import { type Lang, T } from '../../domain/i18n.js';
import { today as todayIn } from '../../store/clock.js';
import type { Dated } from '../../domain/as-of.js';
import { UsageError } from '../../domain/errors.js';
import { ledgerTables, tablesToMarkdown, tablesToText, tablesToXlsx, tableToCsv, TABLE_IDS } from '../../output/ledger-tables.js';
import { checkIsoDate } from '../io.js';
import { pickProgramme } from '../programme-choice.js';
import { command, NOTES, options, SHARED, use, type Options } from '../options.js';

const FORMATS = ['table', 'csv', 'xlsx', 'md', 'json'] as const;

const OPTIONS = options({
  programme: use(SHARED.programme, { note: NOTES.currentProgramme }),
  org: use(SHARED.org, { note: NOTES.subtree }),
  format: use(SHARED.format, { choices: FORMATS, default: 'table' }),
  json: use(SHARED.json, { note: NOTES.sameAsFormatJson }),
  table: { flags: '--table <name>', zh: '只输出一张表（bonus：按单位的加分清单，供年度考核）', en: 'only one table (bonus: bonus points per unit, for the annual assessment)', note: { zh: 'CSV 默认为 projects', en: 'CSV default: projects' }, choices: TABLE_IDS },
  today: SHARED.today,
  asOf: SHARED.asOf,
  output: use(SHARED.output, { note: { zh: '默认写到标准输出；xlsx 必须指定', en: 'default: standard output; required for xlsx' } }),
});

export function register(program: Command, run: Runner, lang: Lang): void {
  command(program, lang, 'ledger', T('台账：项目、任务、执行书、结项与评价、覆盖情况（表格 / CSV / Excel / Markdown）', 'the ledger: projects, tasks, reports, closure and ratings, coverage (table / CSV / Excel / Markdown)'), OPTIONS)
    .action(
      run(async (ctx, opts: Options<typeof OPTIONS>) => {
        const { loadRepository, requireRoot } = await import('../../store/repo.js');
        const { recordsAsOf } = await import('../../domain/as-of.js');
        const { computeLedger } = await import('../../domain/ledger.js');
        const { RecordIndex } = await import('../../domain/records.js');
        const { orgOption } = await import('../../domain/resolve.js');
        const format = opts.json ? 'json' : opts.format;
        if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`不支持的格式“${format}”（可用：${FORMATS.join(' / ')}）`, `unknown format "${format}" (known: ${FORMATS.join(' / ')})`);
        if (opts.table && !(TABLE_IDS as readonly string[]).includes(opts.table)) throw new UsageError(`没有表“${opts.table}”（可用：${TABLE_IDS.join(' / ')}）`, `no table "${opts.table}" (known: ${TABLE_IDS.join(' / ')})`);
        if (format === 'xlsx' && !opts.output) throw new UsageError('xlsx 格式请用 -o 指定输出文件，例如 -o 台账.xlsx', 'xlsx needs an output file: -o ledger.xlsx');
        checkIsoDate(opts.today);
        checkIsoDate(opts.asOf);
        if (opts.asOf && opts.today) throw new UsageError('--as-of 与 --today 只能选一个', 'choose either --as-of or --today');
        const root = requireRoot(ctx.cwd);
        const today = opts.asOf ?? todayIn(opts.today);
        // Unchanged repository, same options: what the last run printed (cli/memo-output.ts).
        const { notingContext, printFromMemo, reportParams, writeKeptOutput } = await import('../memo-output.js');
        const params = opts.asOf ? undefined : reportParams('ledger', ctx, { today, dated: !!opts.today, programme: opts.programme ?? null, org: opts.org ?? null, format, table: opts.table ?? null });
        const memo = params && (await printFromMemo(ctx, root, 'ledger', params, opts.output));
        if (memo !== undefined) return memo;
        const repo = opts.asOf ? recordsAsOf(loadRepository(root), opts.asOf) : loadRepository(root);
        const dated: Dated | undefined = opts.asOf ? 'as-of' : opts.today ? 'today' : undefined;
        const noting = notingContext(ctx);
        const programme = pickProgramme(noting.ctx, repo, opts.programme, today);
        const org = orgOption(RecordIndex.of(repo), opts.org);
        const ledger = computeLedger(repo, { programme: programme.id, org, today });
        let tables = ledgerTables(ledger, programme, ctx.lang);
        const wanted = opts.table ?? (format === 'csv' ? 'projects' : undefined);
        if (wanted) {
          tables = tables.filter((t) => t.id === wanted);
          if (!tables.length) throw new UsageError(`方案“${programme.id}”没有${wanted}表`, `programme "${programme.id}" has no ${wanted} table`);
        }
        let content: string | Buffer;
        if (format === 'xlsx') content = await tablesToXlsx(ledger, tables);
        else if (format === 'csv') content = tableToCsv(tables[0]!);
        else if (format === 'md') content = tablesToMarkdown(ledger, tables, ctx.lang, dated);
        else if (format === 'json') content = `${JSON.stringify(dated ? { dated, ...ledger } : ledger, null, 2)}\n`;
        else content = tablesToText(ledger, tables, ctx.lang, dated);
        await writeKeptOutput(ctx, params && { repo, name: 'ledger', params, code: 0, notes: noting.notes }, content, opts.output);
        return 0;
      }),
    );
}
