import type { Command } from 'commander';
import type { Runner } from '../main.js';
import { type Lang, T, tr } from '../../domain/i18n.js';
import { drawPanel, recheck, verifyPanel, verifyRecheck } from '../../commands/panel.js';
import { requireRoot } from '../../store/repo.js';
import { opOptions, parseInt10, printOp, writeOptions, type WriteFlags } from '../workflow-output.js';

export function register(program: Command, run: Runner, lang: Lang): void {
  const panel = program
    .command('panel <project>')
    .description(tr(lang, '从专家库抽取验收组：类别匹配、回避领办和联办单位、参加次数少者优先；用种子可复现（--verify 复核）', 'draw an acceptance panel from the expert pool: matching categories, none from the lead or co-organising units, fewest assignments first; reproducible from its seed (--verify re-runs it)'))
    .option('--size <n>', tr(lang, '验收组人数（默认方案的 panel_size）', 'panel size (default: the programme\'s panel_size)'))
    .option('--seed <text>', tr(lang, '随机种子（默认随机生成并记录）', 'seed (default: random, recorded)'))
    .option('--redraw', tr(lang, '重新抽取（须用 --note 说明原因）', 'draw again (give the reason with --note)'))
    .option('--verify', tr(lang, '复核：按记录的种子和候选名单重新抽取并比对（不写入）', 'verify: re-run the recorded draw and compare (writes nothing)'));
  writeOptions(panel, lang).action(
    run(async (ctx, subject: string, f: WriteFlags & { size?: string; seed?: string; redraw?: boolean; verify?: boolean }) => {
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
    .description(tr(lang, '抽查复核：从已提交自查考评的项目中按种子随机抽取（可复现，记为 selection 记录，award: recheck）', 'sampled re-check: draw projects that filed their self-check, reproducibly (recorded as a selection with award recheck)'))
    .option('--sample <n>', tr(lang, '抽查数量（默认方案的 evaluation.recheck.sample）', 'sample size (default: evaluation.recheck.sample)'))
    .option('--seed <text>', tr(lang, '随机种子（默认随机生成并记录）', 'seed (default: random, recorded)'))
    .option('--programme <id>', tr(lang, '方案编号（默认 djyc.yaml 中的默认方案）', 'programme id (default from djyc.yaml)'))
    .option('--redraw', tr(lang, '重新抽取', 'draw again'))
    .option('--verify [selection]', tr(lang, '复核已记录的抽取（不写入）', 'verify the recorded draw (writes nothing)'));
  writeOptions(re, lang).action(
    run(async (ctx, f: WriteFlags & { sample?: string; seed?: string; programme?: string; redraw?: boolean; verify?: string | boolean }) => {
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
