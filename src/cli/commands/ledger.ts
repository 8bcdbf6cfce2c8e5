import type { Command } from 'commander';
import type { Runner } from '../main.js';
import { type Lang, tr } from '../../domain/i18n.js';
import { loadRepository, requireRoot } from '../../store/repo.js';
import { today as todayIn } from '../../store/clock.js';
import { computeLedger } from '../../domain/ledger.js';
import { UsageError } from '../../domain/errors.js';
import { ledgerTables, tablesToMarkdown, tablesToText, tablesToXlsx, tableToCsv, TABLE_IDS } from '../../output/ledger-tables.js';
import { checkIsoDate, writeOutput } from '../io.js';
import { RecordIndex } from '../../domain/records.js';
import { resolveProgramme } from '../../domain/programme.js';

const FORMATS = ['table', 'csv', 'xlsx', 'md', 'json'] as const;

export function register(program: Command, run: Runner, lang: Lang): void {
  program
    .command('ledger')
    .description(tr(lang, '台账：项目、任务、执行书、结项与评价、覆盖情况（表格 / CSV / Excel / Markdown）', 'the ledger: projects, tasks, reports, closure and ratings, coverage (table / CSV / Excel / Markdown)'))
    .option('--programme <id>', tr(lang, '方案编号（默认记录库的默认方案）', 'programme id (default: the repository default)'))
    .option('--org <id>', tr(lang, '只看该党组织及其下级', 'only this organisation and those under it'))
    .option('--format <format>', tr(lang, '输出格式：table / csv / xlsx / md / json', 'output format: table / csv / xlsx / md / json'), 'table')
    .option('--table <name>', tr(lang, `只输出一张表：${TABLE_IDS.join(' / ')}（CSV 默认 projects）`, `only one table: ${TABLE_IDS.join(' / ')} (CSV default: projects)`))
    .option('--today <date>', tr(lang, '按该日期判断执行书是否逾期（默认今天）', 'judge reports as of this date (default today)'))
    .option('-o, --output <file>', tr(lang, '写入文件（xlsx 必须指定）', 'write to a file (required for xlsx)'))
    .action(
      run(async (ctx, opts: { programme?: string; org?: string; format: string; table?: string; today?: string; output?: string }) => {
        if (!(FORMATS as readonly string[]).includes(opts.format)) throw new UsageError(`不支持的格式“${opts.format}”（可用：${FORMATS.join(' / ')}）`, `unknown format "${opts.format}" (known: ${FORMATS.join(' / ')})`);
        if (opts.table && !(TABLE_IDS as readonly string[]).includes(opts.table)) throw new UsageError(`没有表“${opts.table}”（可用：${TABLE_IDS.join(' / ')}）`, `no table "${opts.table}" (known: ${TABLE_IDS.join(' / ')})`);
        if (opts.format === 'xlsx' && !opts.output) throw new UsageError('xlsx 格式请用 -o 指定输出文件，例如 -o 台账.xlsx', 'xlsx needs an output file: -o ledger.xlsx');
        checkIsoDate(opts.today);
        const root = requireRoot(ctx.cwd);
        const repo = loadRepository(root);
        const programme = resolveProgramme(repo, opts.programme);
        if (opts.org && !new RecordIndex(repo).get('organisation', opts.org)) throw new UsageError(`党组织“${opts.org}”不存在`, `organisation "${opts.org}" does not exist`);
        const ledger = computeLedger(repo, { programme: programme.id, org: opts.org, today: todayIn(opts.today) });
        let tables = ledgerTables(ledger, programme, ctx.lang);
        const wanted = opts.table ?? (opts.format === 'csv' ? 'projects' : undefined);
        if (wanted) {
          tables = tables.filter((t) => t.id === wanted);
          if (!tables.length) throw new UsageError(`方案“${programme.id}”没有${wanted}表`, `programme "${programme.id}" has no ${wanted} table`);
        }
        let content: string | Buffer;
        if (opts.format === 'xlsx') content = await tablesToXlsx(ledger, tables);
        else if (opts.format === 'csv') content = tableToCsv(tables[0]!);
        else if (opts.format === 'md') content = tablesToMarkdown(ledger, tables, ctx.lang);
        else if (opts.format === 'json') content = `${JSON.stringify(ledger, null, 2)}\n`;
        else content = tablesToText(ledger, tables, ctx.lang);
        writeOutput(ctx, content, opts.output);
        return 0;
      }),
    );
}
