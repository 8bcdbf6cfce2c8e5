import type { Command } from 'commander';
import type { Runner } from '../runner.js';
import { type Lang, say, tr, T } from '../../domain/i18n.js';
import { checkIsoDate } from '../io.js';
import { jsonSteps } from '../workflow-output.js';
import { command, options, SHARED, use, type Options } from '../options.js';

const OPTIONS = options({
  programme: use(SHARED.programme, { note: { zh: '按项目编号查找时所在的方案（同一编号在几个年度都有时）', en: 'the programme a project number is looked up in (when several rounds use it)' } }),
  today: SHARED.today,
  json: SHARED.json,
});

/** Indents the continuation lines of a multi-line value under its label. */
function indent(text: string, by: string): string {
  return text.replace(/\n/g, `\n${by}`);
}

export function register(program: Command, run: Runner, lang: Lang): void {
  command(program, lang, 'show <record>', T('查看一条记录（名称、项目编号或编号）：各栏内容、所处阶段、转入转出、党委（党组）意见、各轮验收、抽查复核结论、历史、相关记录，以及还缺什么（执行书、任务、承诺书、意见）和可运行的命令', 'show a record (by name, project number or id): its fields, stage, carry-over, committee opinion, acceptance rounds, re-check result, history, related records, and what it still needs with the commands that do it'), OPTIONS).action(
    run(async (ctx, text: string, f: Options<typeof OPTIONS>) => {
      const { requireRoot } = await import('../../store/repo.js');
      const { show } = await import('../../commands/browse.js');
      const { recheckText } = await import('../../output/ledger-tables.js');
      const { stepWhen, whatWhen } = await import('../../domain/next.js');
      checkIsoDate(f.today);
      const v = show({ root: requireRoot(ctx.cwd), text, lang: ctx.lang, today: f.today, programme: f.programme });
      if (f.json) {
        ctx.out(JSON.stringify({ ...v, needs: jsonSteps(ctx.lang, v.needs) }, null, 2));
        return;
      }
      const en = ctx.lang === 'en';
      const colon = en ? ': ' : '：';
      const lines: string[] = [`${v.kindLabel}${colon}${v.name}`];
      lines.push(`  ${en ? 'id' : '编号'}${colon}${v.id}${v.programme ? `${en ? '; programme: ' : '；方案：'}${v.programme.name}` : ''}`);
      if (v.stage) lines.push(`  ${en ? 'stage' : '阶段'}${colon}${v.stage.label}${v.stage.since ? (en ? ` (since ${v.stage.since})` : `（${v.stage.since} 起）`) : ''}${v.stage.final ? (en ? ', final' : '，已结束') : ''}`);
      for (const field of v.fields) lines.push(`  ${field.label}${colon}${indent(field.value, '    ')}`);
      for (const fact of v.facts) lines.push(`  ${say(ctx.lang, fact.label)}${colon}${indent(fact.value, '    ')}`);
      if (v.recheck) lines.push(`  ${v.recheck.label}${colon}${recheckText(v.recheck, ctx.lang) || tr(ctx.lang, '已抽中，尚无结论', 'sampled, no result yet')}`);
      if (v.history.length) {
        lines.push('', en ? 'history:' : '历史记录：');
        for (const h of v.history) lines.push(`  ${h.date}  ${h.from ? `${h.from} → ` : ''}${h.to}${h.by ? `  ${h.by}` : ''}${h.note ? `  ${h.note}` : ''}`);
      }
      if (v.related.length) {
        lines.push('', en ? 'related records:' : '相关记录：');
        for (const r of v.related) lines.push(`  ${r.kindLabel} ${r.name}${r.note ? `  ${r.note}` : ''}${r.name === r.id ? '' : `  (${r.id})`}`);
      }
      if (v.needs.length || v.gaps.length) {
        lines.push('', en ? 'still needed:' : '还需要：');
        for (const s of v.needs) {
          const when = stepWhen(s, ctx.lang);
          const why = s.reason ? say(ctx.lang, s.reason) : say(ctx.lang, s.what);
          lines.push(`  - ${whatWhen(why, when, ctx.lang, 'brackets')}`);
          lines.push(`    ${s.command}`);
        }
        for (const g of v.gaps) lines.push(`  - ${g}`);
      } else if (v.stage?.final) lines.push('', en ? 'nothing more is needed: the record is at its final stage.' : '已到最后阶段，不再需要办理。');
      ctx.out(lines.join('\n'));
    }),
  );
}
