import path from 'node:path';
import type { Command } from 'commander';
import type { Runner } from '../runner.js';
import { type Lang, tr, T } from '../../domain/i18n.js';
import { UsageError } from '../../domain/errors.js';
import { checkIsoDate, colors } from '../io.js';
import { today as todayIn } from '../../store/clock.js';
import { command, NOTES, options, SHARED, use, type Options } from '../options.js';

const FORMATS = ['table', 'json', 'pdf'] as const;

const OPTIONS = options({
  programme: use(SHARED.programme, { note: NOTES.currentProgramme }),
  org: use(SHARED.org, { note: NOTES.subtree }),
  today: SHARED.today,
  asOf: SHARED.asOf,
  within: SHARED.within,
  format: use(SHARED.format, { choices: FORMATS, default: 'table' }),
  json: use(SHARED.json, { note: NOTES.sameAsFormatJson }),
  output: use(SHARED.output, { note: { zh: '默认写到标准输出；PDF 默认写到 status.pdf', en: 'default: standard output; PDF: status.pdf' } }),
});

export function register(program: Command, run: Runner, lang: Lang): void {
  command(program, lang, 'status', T('工作进展一览：各阶段数量、逾期和即将到期事项、覆盖面、执行书、评议（终端 / JSON / PDF）', 'at a glance: counts per stage, overdue and due-soon items, coverage, reports, ratings (terminal / JSON / PDF)'), OPTIONS)
    .action(
      run(async (ctx, opts: Options<typeof OPTIONS>) => {
        const format = opts.json ? 'json' : opts.format;
        if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`不支持的格式“${format}”（可用：${FORMATS.join(' / ')}）`, `unknown format "${format}" (known: ${FORMATS.join(' / ')})`);
        // Loaded here, so that other commands do not pay for the dashboard.
        const { loadRepository, requireRoot } = await import('../../store/repo.js');
        const { parseWithin } = await import('../../domain/deadlines.js');
        const { statusDashboards, statusJson, statusText } = await import('../../output/status.js');
        checkIsoDate(opts.today);
        checkIsoDate(opts.asOf);
        if (opts.asOf && opts.today) throw new UsageError('--as-of 与 --today 只能选一个', 'choose either --as-of or --today');
        const within = parseWithin(opts.within);
        const root = requireRoot(ctx.cwd);
        const today = opts.asOf ?? todayIn(opts.today);
        // Unchanged repository, same options: what the last run printed, notes included (cli/memo-output.ts). Not
        // for PDF (a file made by the browser) nor for a past date's records (--as-of).
        const { notingContext, printFromMemo, reportParams, writeKeptOutput } = await import('../memo-output.js');
        const params = opts.asOf || format === 'pdf' ? undefined : reportParams('status', ctx, { today, dated: !!opts.today, within: opts.within ?? null, org: opts.org ?? null, programme: opts.programme ?? null, format, errTty: !!process.stderr.isTTY });
        const memo = params && (await printFromMemo(ctx, root, 'status', params, opts.output));
        if (memo !== undefined) return memo;
        const { recordsAsOf } = await import('../../domain/as-of.js');
        const repo = opts.asOf ? recordsAsOf(loadRepository(root), opts.asOf) : loadRepository(root);
        const noting = notingContext(ctx);
        const c = await colors(process.stderr);
        const unreadable = repo.loadProblems.filter((p) => p.severity === 'error').length;
        if (unreadable) {
          noting.ctx.err(c.yellow(tr(ctx.lang, `警告：${unreadable} 处记录文件错误，相关记录未计入（运行 djyc validate 查看）`, `warning: ${unreadable} record file errors; those records are not counted (run djyc validate)`)));
        }
        const { RecordIndex } = await import('../../domain/records.js');
        const { orgOption } = await import('../../domain/resolve.js');
        const { pickProgramme } = await import('../programme-choice.js');
        const org = orgOption(RecordIndex.of(repo), opts.org);
        const programme = pickProgramme(noting.ctx, repo, opts.programme, today).id;
        const dashboards = statusDashboards(repo, { programme, org, today, within, lang: ctx.lang, dated: opts.asOf ? 'as-of' : opts.today ? 'today' : undefined });
        if (format === 'pdf') {
          const out = path.resolve(ctx.cwd, opts.output ?? 'status.pdf');
          // No browser: the boundary reports it as the environment error it is (exit 2), as for render and pack.
          const { renderStatusPdf } = await import('../../commands/status.js');
          const r = await renderStatusPdf(dashboards, out, ctx.lang);
          ctx.out(tr(ctx.lang, `已生成 ${out}（${r.pages} 页）`, `written: ${out} (${r.pages} pages)`));
          return 0;
        }
        const text = format === 'json' ? statusJson(dashboards) : statusText(dashboards, { lang: ctx.lang, paint: opts.output ? undefined : await colors(process.stdout) });
        await writeKeptOutput(ctx, params && { repo, name: 'status', params, code: 0, notes: noting.notes }, text, opts.output);
        return 0;
      }),
    );
}
