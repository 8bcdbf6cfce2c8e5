import type { Command } from 'commander';
import type { Runner } from '../runner.js';
import { type Lang, T, tr } from '../../domain/i18n.js';
import { drawPanel, recheck, verifyPanel, verifyRecheck } from '../../commands/panel.js';
import { requireRoot } from '../../store/repo.js';
import { opOptions, parseInt10, printOp } from '../workflow-output.js';
import { addOptions, NOTES, options, SHARED, use, WRITE, type Options } from '../options.js';

/** Both draws (a panel, a re-check sample) are seeded the same way. */
const DRAW = options({
  seed: { flags: '--seed <text>', zh: '随机种子（默认随机生成并记入记录）', en: 'seed (default: random, recorded)' },
  redraw: { flags: '--redraw', zh: '重新抽取（用 --note 说明原因）', en: 'draw again (give the reason with --note)' },
});

const PANEL = options({
  size: { flags: '--size <n>', zh: '验收组人数（默认方案规定的人数）', en: "panel size (default: the programme's panel_size)" },
  ...DRAW,
  verify: { flags: '--verify', zh: '复核：按记录的种子和候选名单重新抽取并比对（不写入）', en: 'verify: re-run the recorded draw and compare (writes nothing)' },
  ...WRITE,
});

const RECHECK = options({
  sample: { flags: '--sample <n>', zh: '抽查数量（默认方案规定的数量）', en: 'sample size (default: evaluation.recheck.sample)' },
  ...DRAW,
  programme: use(SHARED.programme, { note: NOTES.repositoryProgramme }),
  verify: { flags: '--verify [selection]', zh: '复核：按记录的种子和候选名单重新抽取并比对（不写入；可指定评选记录编号）', en: 'verify: re-run the recorded draw and compare (writes nothing; optionally name the selection record)' },
  ...WRITE,
});

export function register(program: Command, run: Runner, lang: Lang): void {
  const panel = program
    .command('panel <project>')
    .description(tr(lang, '从专家库抽取验收组：类别匹配、回避领办和联办单位、参加次数少者优先；用种子可复现（--verify 复核）', 'draw an acceptance panel from the expert pool: matching categories, none from the lead or co-organising units, fewest assignments first; reproducible from its seed (--verify re-runs it)'));
  addOptions(panel, PANEL, lang).action(
    run(async (ctx, subject: string, f: Options<typeof PANEL>) => {
      if (f.verify) {
        const v = await verifyPanel(requireRoot(ctx.cwd), subject);
        if (f.json) ctx.out(JSON.stringify(v, null, 2));
        else {
          ctx.out(tr(ctx.lang, `种子：${v.seed}\n记录的验收组：${v.recorded.join('、')}\n重新抽取结果：${v.redrawn.join('、')}`, `seed: ${v.seed}\nrecorded panel: ${v.recorded.join(', ')}\nre-drawn: ${v.redrawn.join(', ')}`));
          for (const x of v.ineligible) ctx.out(tr(ctx.lang, `不符合条件：${x.expert}（${x.reason.zh}）`, `not eligible: ${x.expert} (${x.reason.en})`));
          if (v.addedSince.length) ctx.out(tr(ctx.lang, `抽取后新入库的合格专家（不影响复核）：${v.addedSince.join('、')}`, `eligible experts added since the draw (no effect): ${v.addedSince.join(', ')}`));
          ctx.out(v.ok ? tr(ctx.lang, '✓ 复核一致', '✓ the draw is reproduced') : tr(ctx.lang, '✖ 复核不一致', '✖ the draw does not match'));
        }
        return v.ok ? 0 : 1;
      }
      const r = await drawPanel({ ...opOptions(ctx, f), subject, size: parseInt10(f.size, '--size'), seed: f.seed, redraw: f.redraw });
      const names = r.experts.map((e) => `${e.name}${e.unit ? `（${e.unit}）` : ''}`);
      printOp(ctx, r, T(`已为 ${r.subject} 抽取验收组：${names.join('、')}（种子 ${r.seed}，候选 ${r.candidates} 名）`, `panel drawn for ${r.subject}: ${names.join(', ')} (seed ${r.seed}, ${r.candidates} candidates)`), f.json, { subject: r.subject, evaluation: r.evaluation, seed: r.seed, experts: r.experts, candidates: r.candidates });
    }),
  );

  const re = program
    .command('recheck')
    .description(tr(lang, '抽查复核：从已提交自查考评的项目中按种子随机抽取（可复现，记为评选记录，评选编号 recheck）', 'sampled re-check: draw projects that filed their self-check, reproducibly (recorded as a selection with award recheck)'));
  addOptions(re, RECHECK, lang).action(
    run(async (ctx, f: Options<typeof RECHECK>) => {
      if (f.verify) {
        const v = await verifyRecheck(requireRoot(ctx.cwd), f.programme, typeof f.verify === 'string' ? f.verify : undefined);
        if (f.json) ctx.out(JSON.stringify(v, null, 2));
        else ctx.out(tr(ctx.lang, `种子：${v.seed}\n记录：${v.recorded.join('、')}\n重抽：${v.redrawn.join('、')}\n${v.ok ? '✓ 复核一致' : '✖ 复核不一致'}`, `seed: ${v.seed}\nrecorded: ${v.recorded.join(', ')}\nre-drawn: ${v.redrawn.join(', ')}\n${v.ok ? '✓ reproduced' : '✖ does not match'}`));
        return v.ok ? 0 : 1;
      }
      const r = await recheck({ ...opOptions(ctx, f), programme: f.programme, sample: parseInt10(f.sample, '--sample'), seed: f.seed, redraw: f.redraw });
      printOp(ctx, r, T(`抽查复核（种子 ${r.seed}，候选 ${r.candidates} 个）：${r.sampled.map((s) => `${s.id}“${s.title}”`).join('、')}`, `re-check sample (seed ${r.seed}, ${r.candidates} candidates): ${r.sampled.map((s) => s.id).join(', ')}`), f.json, { selection: r.selection, seed: r.seed, sampled: r.sampled, candidates: r.candidates });
    }),
  );
}
