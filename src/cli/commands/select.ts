import type { Command } from 'commander';
import type { Runner } from '../runner.js';
import { type Lang, say, T, tr } from '../../domain/i18n.js';
import type { SelectResult } from '../../commands/selection.js';
import { opOptions, parseInt10, printOp } from '../workflow-output.js';
import { command, NOTES, options, SHARED, use, WRITE, type Options } from '../options.js';

const OPTIONS = options({
  award: { flags: '--award <id>', zh: '评选编号（方案文件 selections 中的编号；方案只有一项评选时可省略）', en: "selection id (the programme's selections[].id; optional when there is one)" },
  programme: use(SHARED.programme, { note: NOTES.currentProgramme }),
  pick: { flags: '--pick <id>', zh: '评审确定的入选对象，按名次排列（记为评选结果；不给出时只显示建议名单）', en: 'the subjects the committee chose, in rank order (recorded; without it, only the suggestion is shown)', repeat: 'split' },
  meeting: { flags: '--meeting <text>', zh: '作出决定的评审会议，例如“2020年12月28日区级机关工委会议”（与 --pick 一起给出）', en: 'the meeting that decided (with --pick)' },
  document: { flags: '--document <text>', zh: '公布结果的文件文号（与 --pick 一起给出）', en: 'the number of the document announcing the result (with --pick)' },
  decidedBy: { flags: '--decided-by <name>', zh: '评审机关（默认方案的 decided_by）', en: "who decided (default: the selection's decided_by)" },
  max: { flags: '--max <n>', zh: '建议名单的数量（不超过方案规定）', en: "how many to suggest (within the programme's max)" },
  replace: { flags: '--replace', zh: '重新评选，替换已有结果', en: 'decide again, replacing the earlier result' },
  ...WRITE,
});

function basisLines(r: SelectResult, lang: Lang): string[] {
  const lines: string[] = [];
  if (r.considers.length) lines.push(tr(lang, `评选依据（方案规定）：${r.considers.join('、')}`, `criteria (the programme's): ${r.considers.join(', ')}`));
  if (r.decidedBy) lines.push(tr(lang, `评选机关：${r.decidedBy}`, `decided by: ${r.decidedBy}`));
  return lines;
}

export function register(program: Command, run: Runner, lang: Lang): void {
  command(program, lang, 'select', T('年度评选（十佳、示范项目、示范品牌）：由评审确定。不加 --pick 显示按方案排序方法生成的建议名单（仅供参考，不写入）；--pick 连同 --meeting / --document 记录评审决定', 'year-end selection (top ten, model projects, model brands), decided by a committee: without --pick, a ranked suggestion (for reference, nothing written); --pick with --meeting / --document records the decision'), OPTIONS).action(
    run(async (ctx, f: Options<typeof OPTIONS>) => {
      const { select } = await import('../../commands/selection.js');
      const r = await select({ ...opOptions(ctx, f), award: f.award, programme: f.programme, pick: f.pick, meeting: f.meeting, document: f.document, decidedBy: f.decidedBy, max: parseInt10(f.max, '--max'), replace: f.replace });
      if (!r.decided) {
        const payload = { suggestion: true, award: r.award, title: r.title, considers: r.considers, decidedBy: r.decidedBy, method: say(ctx.lang, r.method), entries: r.entries, decided: r.selection || undefined };
        if (f.json) return ctx.out(JSON.stringify(payload, null, 2));
        for (const n of r.notes) ctx.err(say(ctx.lang, n));
        const out = [
          tr(ctx.lang, `“${r.title}”建议名单（供评审参考，不是评选结果，未写入任何记录）`, `"${r.title}": suggestion for the committee (not the result; nothing written)`),
          ...basisLines(r, ctx.lang),
          tr(ctx.lang, `建议排序方法（djyc 计算，并非方案规定的评选办法）：${r.method.zh}`, `suggestion ordered ${r.method.en} (djyc's computation, not the programme's rule)`),
          ...(r.entries.length ? r.entries.map((e) => `  ${e.rank}. ${e.name}（${e.subject}）  ${tr(ctx.lang, '参考：', 'for reference: ')}${e.reason}`) : [tr(ctx.lang, '  （无建议：由评审直接确定）', '  (no suggestion: the committee decides)')]),
          tr(ctx.lang, `记录评审决定：djyc select --award ${r.award} --pick <编号,…> --meeting <会议> --document <文号>`, `record the decision: djyc select --award ${r.award} --pick <ids> --meeting <meeting> --document <number>`),
        ];
        if (r.selection) out.push(tr(ctx.lang, `（已有评审结果 ${r.selection}；重新确定请加 --replace）`, `(already decided: ${r.selection}; add --replace to decide again)`));
        ctx.out(out.join('\n'));
        return;
      }
      const lines = r.entries.map((e) => `  ${e.rank}. ${e.name}（${e.subject}）`);
      const basis = [r.decision?.by, r.decision?.meeting, r.decision?.document].filter(Boolean).join(tr(ctx.lang, '，', ', '));
      printOp(ctx, r, T(`“${r.title}”评审结果（${basis}，${r.entries.length} 个）：\n${lines.join('\n')}`, `"${r.title}" decided (${basis}; ${r.entries.length}):\n${lines.join('\n')}`), f.json, { selection: r.selection, award: r.award, title: r.title, decision: r.decision, considers: r.considers, entries: r.entries.map(({ subject, rank, name, reason }) => ({ subject, rank, name, reason })) });
    }),
  );
}
