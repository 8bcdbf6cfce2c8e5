import type { Command } from 'commander';
import type { Runner } from '../main.js';
import { say, type Lang, tr } from '../../domain/i18n.js';
import { loadRepository, requireRoot } from '../../store/repo.js';
import { today as todayIn } from '../../store/clock.js';
import { computeDeadlines, currentItems, failsOn, parseWithin, KIND_LABELS, STATUS_LABELS, type DeadlineItem, type DeadlineStatus } from '../../domain/deadlines.js';
import { UsageError } from '../../domain/errors.js';
import { textTable } from '../../output/text-table.js';
import { checkIsoDate, colors, writeOutput } from '../io.js';


function daysText(item: DeadlineItem, today: string, lang: Lang): string {
  if (item.kind === 'window' && item.start && item.start > today) {
    const d = Math.round((Date.parse(item.start) - Date.parse(today)) / 86_400_000);
    return lang === 'en' ? `starts in ${d}d` : `${d} 天后开始`;
  }
  if (item.days < 0) return lang === 'en' ? `${-item.days}d late` : `逾期 ${-item.days} 天`;
  if (item.days === 0) return lang === 'en' ? 'today' : '今天';
  return lang === 'en' ? `${item.days}d left` : `还有 ${item.days} 天`;
}

export function register(program: Command, run: Runner, lang: Lang): void {
  program
    .command('deadlines')
    .description(tr(lang, '时间安排与期限：哪些已逾期、哪些即将到期（按党组织和负责人）', 'deadlines: what is overdue and what falls due soon (per organisation and person in charge)'))
    .option('--today <date>', tr(lang, '按该日期计算（默认今天，亚洲/上海；也可设 DJYC_TODAY）', 'compute as of this date (default today, Asia/Shanghai; or DJYC_TODAY)'))
    .option('--within <days>', tr(lang, '多少天内算“即将到期”，例如 14d、2w', 'how soon counts as "due soon", e.g. 14d, 2w'), '14d')
    .option('--org <id>', tr(lang, '只看该党组织及其下级', 'only this organisation and those under it'))
    .option('--programme <id>', tr(lang, '只看该方案（默认全部方案）', 'only this programme (default: all)'))
    .option('--format <format>', tr(lang, '输出格式：table / json / ics', 'output format: table / json / ics'), 'table')
    .option('--all', tr(lang, '列出全部事项（包括已结束、未开始和已完成的）', 'list every item (including closed, upcoming and done ones)'))
    .option('-o, --output <file>', tr(lang, '写入文件（例如 期限.ics）', 'write to a file (e.g. deadlines.ics)'))
    .option('--fail-on <level>', tr(lang, '有已逾期（overdue）或即将到期（due-soon）事项时返回 1', 'exit 1 when something is overdue (overdue) or due soon (due-soon)'))
    .action(
      run(async (ctx, opts: { today?: string; within: string; org?: string; programme?: string; format: string; all?: boolean; output?: string; failOn?: string }) => {
        if (!['table', 'json', 'ics'].includes(opts.format)) throw new UsageError(`不支持的格式“${opts.format}”（可用：table / json / ics）`, `unknown format "${opts.format}" (known: table / json / ics)`);
        if (opts.failOn !== undefined && opts.failOn !== 'overdue' && opts.failOn !== 'due-soon') throw new UsageError(`--fail-on 应为 overdue 或 due-soon`, `--fail-on must be overdue or due-soon`);
        checkIsoDate(opts.today);
        if (!opts.today && process.env.DJYC_TODAY) checkIsoDate(process.env.DJYC_TODAY, 'DJYC_TODAY');
        const within = parseWithin(opts.within);
        const root = requireRoot(ctx.cwd);
        const report = computeDeadlines(loadRepository(root), { today: todayIn(opts.today), within, org: opts.org, programme: opts.programme });
        const shown = opts.all ? report.items : currentItems(report);
        let text: string;
        if (opts.format === 'ics') {
          const { toIcs } = await import('../../output/ics.js');
          text = toIcs({ today: report.today, items: opts.all ? report.items : report.items.filter((i) => i.kind !== 'stage' || i.status === 'overdue' || i.status === 'due-soon') }, { lang: ctx.lang });
        } else if (opts.format === 'json') {
          text = `${JSON.stringify({ today: report.today, within: report.within, programmes: report.programmes, counts: report.counts, items: shown }, null, 2)}\n`;
        } else {
          const c = await colors();
          const paint = (s: DeadlineStatus, t: string) => (s === 'overdue' ? c.red(t) : s === 'due-soon' ? c.yellow(t) : t);
          const headers = ctx.lang === 'en' ? ['status', 'date', 'when', 'kind', 'item', 'organisation', 'in charge'] : ['状态', '日期', '时间', '类别', '事项', '党组织', '负责人'];
          const rows = shown.map((i) => [
            say(ctx.lang, STATUS_LABELS[i.status]),
            i.start && i.kind === 'window' ? `${i.start}～${i.due}` : i.due,
            daysText(i, report.today, ctx.lang),
            say(ctx.lang, KIND_LABELS[i.kind]),
            (ctx.lang === 'en' ? i.titleEn : i.title) + (i.kind === 'window' && i.lagging ? tr(ctx.lang, `（${i.lagging} 项未到位）`, ` (${i.lagging} behind)`) : ''),
            i.organisation?.name ?? i.responsible ?? '',
            i.people.map((p) => p.name).join(ctx.lang === 'en' ? ', ' : '、'),
          ]);
          const header = tr(ctx.lang, `截至 ${report.today}（${report.within} 天内为即将到期）`, `as of ${report.today} (due soon = within ${report.within} days)`);
          const summary = tr(ctx.lang, `已逾期 ${report.counts.overdue} 项，即将到期 ${report.counts['due-soon']} 项，进行中 ${report.counts.open} 项`, `${report.counts.overdue} overdue, ${report.counts['due-soon']} due soon, ${report.counts.open} open`);
          const table = rows.length ? textTable(headers, rows).split('\n').map((line, i) => (i >= 2 ? paint(shown[i - 2]!.status, line) : line)).join('\n') : tr(ctx.lang, '没有需要提醒的事项。', 'nothing to remind.');
          text = `${header}\n\n${table}\n\n${summary}\n`;
        }
        writeOutput(ctx, text, opts.output);
        if (opts.failOn && failsOn(report.items, opts.failOn as 'overdue' | 'due-soon')) return 1;
        return 0;
      }),
    );
}
