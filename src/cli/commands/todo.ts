import type { Command } from 'commander';
import type { Runner } from '../runner.js';
import { type Lang, say, tr, T } from '../../domain/i18n.js';
import { UsageError } from '../../domain/errors.js';
import { checkIsoDate, colors } from '../io.js';
import { today as todayIn } from '../../store/clock.js';
import { command, NOTES, options, SHARED, use, type Options } from '../options.js';

const FORMATS = ['table', 'json'] as const;

const OPTIONS = options({
  org: use(SHARED.org, { note: NOTES.subtree }),
  today: use(SHARED.today, { note: { zh: '按该日的记录计算：此后才进入的阶段、填报的执行书等不计入', en: 'records as they stood that day: later stages, reports and the like do not count yet' } }),
  within: SHARED.within,
  programme: use(SHARED.programme, { note: NOTES.allProgrammes }),
  format: use(SHARED.format, { choices: FORMATS, default: 'table' }),
  json: use(SHARED.json, { note: NOTES.sameAsFormatJson }),
  output: use(SHARED.output, { note: NOTES.standardOutput }),
});

const STATUS: Record<string, { zh: string; en: string }> = {
  overdue: { zh: '已逾期', en: 'overdue' },
  'due-soon': { zh: '即将到期', en: 'due soon' },
  open: { zh: '进行中', en: 'open' },
};

export function register(program: Command, run: Runner, lang: Lang): void {
  command(program, lang, 'todo', T('待办：每个党组织、每名党员现在要做什么（已逾期、即将到期、进行中），以及完成它的命令', 'to do: what each organisation and member has to do now (overdue, due soon, open), and the command that does it'), OPTIONS).action(
    run(async (ctx, f: Options<typeof OPTIONS>) => {
      const { requireRoot } = await import('../../store/repo.js');
      const { todo } = await import('../../commands/browse.js');
      const { parseWithin } = await import('../../domain/deadlines.js');
      const { stepWhen, whatWhen } = await import('../../domain/next.js');
      const format = f.json ? 'json' : f.format;
      if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`不支持的格式“${format}”（可用：${FORMATS.join(' / ')}）`, `unknown format "${format}" (known: ${FORMATS.join(' / ')})`);
      checkIsoDate(f.today);
      const within = parseWithin(f.within);
      const root = requireRoot(ctx.cwd);
      // Unchanged repository (and the same answers about files outside it: brands' logos), same options: what the
      // last run printed (cli/memo-output.ts).
      const { printFromMemo, reportParams, writeKeptOutput } = await import('../memo-output.js');
      const { filesLookedAt } = await import('../../store/memo.js');
      const looked = filesLookedAt(root);
      const params = reportParams('todo', ctx, { today: todayIn(f.today), within: f.within ?? null, org: f.org ?? null, programme: f.programme ?? null, format });
      const memo = await printFromMemo(ctx, root, 'todo', params, f.output, looked.holds);
      if (memo !== undefined) return memo;
      const t = todo({ root, org: f.org, programme: f.programme, today: f.today, within, fileExists: looked.fileExists });
      const keep = (text: string) => writeKeptOutput(ctx, { repo: t.repo, name: 'todo', params, code: 0, notes: [], meta: { files: looked.files } }, text, f.output);
      if (format === 'json') {
        const items = t.groups.map((g) => ({ org: g.org, people: g.people.map((p) => ({ person: p.person, items: p.items.map((i) => ({ ...i, what: say(ctx.lang, i.what), reason: i.reason ? say(ctx.lang, i.reason) : undefined })) })) }));
        await keep(`${JSON.stringify({ today: t.today, count: t.count, groups: items }, null, 2)}\n`);
        return 0;
      }
      const c = await colors();
      const en = ctx.lang === 'en';
      const lines: string[] = [tr(ctx.lang, `待办（截至 ${t.today}）`, `to do (as of ${t.today})`)];
      if (!t.count) lines.push('', tr(ctx.lang, '现在没有需要办理的事项。', 'nothing to do now.'));
      for (const g of t.groups) {
        lines.push('', c.bold(g.org?.name ?? tr(ctx.lang, '（未定党组织）', '(no organisation)')));
        for (const p of g.people) {
          if (p.person) lines.push(`  ${p.person.name}`);
          for (const i of p.items) {
            const status = say(ctx.lang, STATUS[i.status]!);
            const paint = i.status === 'overdue' ? c.red : i.status === 'due-soon' ? c.yellow : (s: string) => s;
            const when = i.window ? stepWhen({ window: i.window } as never, ctx.lang) : i.due ? (en ? `by ${i.due}` : `${i.due} 前`) : '';
            const pad = p.person ? '    ' : '  ';
            lines.push(`${pad}${paint(`[${status}]`)} ${whatWhen(say(ctx.lang, i.what), when, ctx.lang, 'brackets')}`);
            if (i.reason) lines.push(`${pad}  ${say(ctx.lang, i.reason)}`);
            lines.push(`${pad}  ${i.command}`);
          }
        }
      }
      lines.push('', tr(ctx.lang, `共 ${t.count} 项`, `${t.count} item(s)`));
      await keep(`${lines.join('\n')}\n`);
      return 0;
    }),
  );
}
