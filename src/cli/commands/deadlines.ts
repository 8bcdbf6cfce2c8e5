import type { Command } from 'commander';
import type { Runner } from '../runner.js';
import { say, type Lang, tr, T } from '../../domain/i18n.js';
import { today as todayIn } from '../../store/clock.js';
import type { Dated } from '../../domain/as-of.js';
import type { DeadlineItem, DeadlineStatus, ItemKey } from '../../domain/deadlines.js';
import { UsageError } from '../../domain/errors.js';
import { textTable } from '../../output/text-table.js';
import { checkIsoDate, colors, writeOutput } from '../io.js';
import { command, NOTES, options, SHARED, use, type Options } from '../options.js';

const FORMATS = ['table', 'json', 'ics'] as const;
const FAIL_ON = ['overdue', 'due-soon'] as const;

const OPTIONS = options({
  today: SHARED.today,
  asOf: SHARED.asOf,
  within: SHARED.within,
  org: use(SHARED.org, { note: NOTES.subtree }),
  programme: use(SHARED.programme, { note: NOTES.allProgrammes }),
  format: use(SHARED.format, { choices: FORMATS, default: 'table' }),
  json: use(SHARED.json, { note: NOTES.sameAsFormatJson }),
  all: { flags: '--all', zh: '列出全部事项（包括已结束、未开始和已完成的）', en: 'list every item (including closed, upcoming and done ones)' },
  output: use(SHARED.output, { note: { zh: '默认写到标准输出；例如 期限.ics', en: 'default: standard output; e.g. deadlines.ics' } }),
  failOn: { flags: '--fail-on <level>', zh: '有已逾期（overdue）或即将到期（due-soon）的事项时返回 1', en: 'exit 1 when something is overdue (overdue) or due soon (due-soon)', choices: FAIL_ON },
});


/** What a calendar (--format ics) lists: every window and dated item, and a stage only when it is overdue or due soon. */
function inCalendar(i: ItemKey): boolean {
  return i.kind !== 'stage' || i.status === 'overdue' || i.status === 'due-soon';
}

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
  command(program, lang, 'deadlines', T('时间安排与期限：哪些已逾期、哪些即将到期（按党组织和负责人）', 'deadlines: what is overdue and what falls due soon (per organisation and person in charge)'), OPTIONS)
    .action(
      run(async (ctx, opts: Options<typeof OPTIONS>) => {
        const { loadRepository, requireRoot } = await import('../../store/repo.js');
        const { datedText, recordsAsOf } = await import('../../domain/as-of.js');
        const { computeDeadlines, failsOn, isCurrent, parseWithin, KIND_LABELS, STATUS_LABELS } = await import('../../domain/deadlines.js');
        const { RecordIndex } = await import('../../domain/records.js');
        const { orgOption } = await import('../../domain/resolve.js');
        const format = opts.json ? 'json' : opts.format;
        if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`不支持的格式“${format}”（可用：${FORMATS.join(' / ')}）`, `unknown format "${format}" (known: ${FORMATS.join(' / ')})`);
        if (opts.failOn !== undefined && !(FAIL_ON as readonly string[]).includes(opts.failOn)) throw new UsageError(`--fail-on 应为 ${FAIL_ON.join(' 或 ')}`, `--fail-on must be ${FAIL_ON.join(' or ')}`);
        checkIsoDate(opts.today);
        if (!opts.today && process.env.DJYC_TODAY) checkIsoDate(process.env.DJYC_TODAY, 'DJYC_TODAY');
        const within = parseWithin(opts.within);
        checkIsoDate(opts.asOf);
        if (opts.asOf && opts.today) throw new UsageError('--as-of 与 --today 只能选一个', 'choose either --as-of or --today');
        const root = requireRoot(ctx.cwd);
        // Unchanged repository, same options: what the last run printed (cli/memo-output.ts).
        const { printFromMemo, reportParams, writeKeptOutput } = await import('../memo-output.js');
        const params = opts.asOf ? undefined : reportParams('deadlines', ctx, { today: todayIn(opts.today), dated: !!opts.today, within: opts.within ?? null, org: opts.org ?? null, programme: opts.programme ?? null, format, all: !!opts.all, failOn: opts.failOn ?? null });
        const memo = params && (await printFromMemo(ctx, root, 'deadlines', params, opts.output));
        if (memo !== undefined) return memo;
        const repo = opts.asOf ? recordsAsOf(loadRepository(root), opts.asOf) : loadRepository(root);
        const dated: Dated | undefined = opts.asOf ? 'as-of' : opts.today ? 'today' : undefined;
        const today = opts.asOf ?? todayIn(opts.today);
        // Only the items this run prints are made (all are counted): the calendar lists more than the other formats.
        const keep: ((i: ItemKey) => boolean) | undefined = opts.all ? undefined : format === 'ics' ? inCalendar : (i) => isCurrent(i, today, within);
        const report = computeDeadlines(repo, { today, within, org: orgOption(RecordIndex.of(repo), opts.org), programme: opts.programme, keep });
        const shown = report.items;
        const code = opts.failOn && failsOn(report, opts.failOn as 'overdue' | 'due-soon') ? 1 : 0;
        let text: string | Iterable<string>;
        if (format === 'ics') {
          const { toIcs } = await import('../../output/ics.js');
          text = toIcs({ today: report.today, items: report.items }, { lang: ctx.lang });
        } else if (format === 'json') {
          // In pieces: on a big repository this is tens of megabytes.
          const { jsonPieces } = await import('../../output/json-pieces.js');
          text = jsonPieces({ today: report.today, within: report.within, programmes: report.programmes, counts: report.counts, items: shown }, 'items');
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
          const header = `${datedText(ctx.lang, report.today, dated)}${tr(ctx.lang, `（${report.within} 天内为即将到期）`, ` (due soon = within ${report.within} days)`)}`;
          const summary = tr(ctx.lang, `已逾期 ${report.counts.overdue} 项，即将到期 ${report.counts['due-soon']} 项，进行中 ${report.counts.open} 项`, `${report.counts.overdue} overdue, ${report.counts['due-soon']} due soon, ${report.counts.open} open`);
          const table = rows.length ? textTable(headers, rows).split('\n').map((line, i) => (i >= 2 ? paint(shown[i - 2]!.status, line) : line)).join('\n') : tr(ctx.lang, '没有需要提醒的事项。', 'nothing to remind.');
          text = `${header}\n\n${table}\n\n${summary}\n`;
        }
        // Kept as the memo while it is written (one pass over the pieces, never one string).
        await writeKeptOutput(ctx, params && { repo, name: 'deadlines', params, code, notes: [] }, text, opts.output);
        return code;
      }),
    );
}
