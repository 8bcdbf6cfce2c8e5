import path from 'node:path';
import type { Command } from 'commander';
import type { Runner } from '../main.js';
import type { Lang } from '../../core/i18n.js';
import { DjycError, UsageError } from '../../core/errors.js';
import { checkIsoDate, colors, tr } from '../io.js';

const FORMATS = ['table', 'json', 'pdf'] as const;

export function register(program: Command, run: Runner, lang: Lang): void {
  program
    .command('status')
    .description(tr(lang, '工作进展一览：各阶段数量、逾期和即将到期事项、覆盖面、执行书、评议（终端 / JSON / PDF）', 'at a glance: counts per stage, overdue and due-soon items, coverage, reports, ratings (terminal / JSON / PDF)'))
    .option('--programme <id>', tr(lang, '只看该方案（默认全部方案）', 'only this programme (default: all)'))
    .option('--org <id>', tr(lang, '只看该党组织及其下级', 'only this organisation and those under it'))
    .option('--today <date>', tr(lang, '按该日期计算（默认今天；也可设 DJYC_TODAY）', 'compute as of this date (default today; or DJYC_TODAY)'))
    .option('--within <days>', tr(lang, '多少天内算“即将到期”，例如 14d、2w', 'how soon counts as "due soon", e.g. 14d, 2w'), '14d')
    .option('--format <format>', tr(lang, '输出格式：table / json / pdf', 'output format: table / json / pdf'), 'table')
    .option('--json', tr(lang, '以 JSON 输出（同 --format json）', 'print JSON (same as --format json)'))
    .option('-o, --output <file>', tr(lang, '写入文件（PDF 默认 status.pdf）', 'write to a file (PDF default: status.pdf)'))
    .action(
      run(async (ctx, opts: { programme?: string; org?: string; today?: string; within: string; format: string; json?: boolean; output?: string }) => {
        const format = opts.json ? 'json' : opts.format;
        if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`不支持的格式“${format}”（可用：${FORMATS.join(' / ')}）`, `unknown format "${format}" (known: ${FORMATS.join(' / ')})`);
        // Loaded here, so that other commands do not pay for the dashboard.
        const { loadRepository, requireRoot } = await import('../../core/repo.js');
        const { parseWithin } = await import('../../core/deadlines.js');
        const { writeAtomic } = await import('../../core/store.js');
        const { renderStatusPdf, statusDashboards, statusJson, statusText } = await import('../../publish/status.js');
        checkIsoDate(opts.today);
        const within = parseWithin(opts.within);
        const root = requireRoot(ctx.cwd);
        const repo = loadRepository(root);
        const c = await colors(process.stderr);
        const unreadable = repo.loadProblems.filter((p) => p.severity === 'error').length;
        if (unreadable) {
          ctx.err(c.yellow(tr(ctx.lang, `警告：${unreadable} 处记录文件错误，相关记录未计入（运行 djyc validate 查看）`, `warning: ${unreadable} record file errors; those records are not counted (run djyc validate)`)));
        }
        const dashboards = statusDashboards(repo, { programme: opts.programme, org: opts.org, today: opts.today, within, lang: ctx.lang });
        if (format === 'pdf') {
          const out = path.resolve(ctx.cwd, opts.output ?? 'status.pdf');
          let r: { pages: number; bytes: number };
          try {
            r = await renderStatusPdf(dashboards, out, ctx.lang);
          } catch (err) {
            if ((err as Error)?.name === 'BrowserNotFoundError') {
              const e = err as Error & { localized(l: Lang): string };
              throw new DjycError(e.localized('zh'), 2, e.localized('en'));
            }
            throw err;
          }
          ctx.out(tr(ctx.lang, `已生成 ${out}（${r.pages} 页）`, `written: ${out} (${r.pages} pages)`));
          return 0;
        }
        const text = format === 'json' ? statusJson(dashboards) : statusText(dashboards, { lang: ctx.lang, paint: opts.output ? undefined : await colors(process.stdout) });
        if (opts.output) {
          const file = path.resolve(ctx.cwd, opts.output);
          writeAtomic(file, text);
          ctx.err(tr(ctx.lang, `已写入 ${file}`, `written: ${file}`));
        } else process.stdout.write(text);
        return 0;
      }),
    );
}
