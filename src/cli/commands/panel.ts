import type { Command } from 'commander';
import type { Runner } from '../runner.js';
import { type Lang, T, tr } from '../../domain/i18n.js';
import { UsageError } from '../../domain/errors.js';
import { opOptions, parseInt10, printOp } from '../workflow-output.js';
import { command, NOTES, options, SHARED, use, RECORD, WRITE, type Options } from '../options.js';

/** Both draws (a panel, a re-check sample) are seeded the same way. */
const DRAW = options({
  seed: { flags: '--seed <text>', zh: '随机种子（默认随机生成并记入记录）', en: 'seed (default: random, recorded)' },
  redraw: { flags: '--redraw', zh: '重新抽取（用 --note 说明原因）', en: 'draw again (give the reason with --note)' },
});

const PANEL = options({
  size: { flags: '--size <n>', zh: '验收组人数（默认方案规定的人数；少于规定人数须加 --reason）', en: "panel size (default: the programme's panel_size; fewer needs --reason)" },
  reason: { flags: '--reason <text>', zh: '验收组人数少于方案规定时的理由（记入记录）', en: 'why the panel is smaller than the programme asks (recorded)' },
  ...DRAW,
  verify: { flags: '--verify', zh: '复核：按记录的种子和候选名单重新抽取并比对（不写入）', en: 'verify: re-run the recorded draw and compare (writes nothing)' },
  ...RECORD,
  ...WRITE,
});

const RECHECK = options({
  sample: { flags: '--sample <n>', zh: '抽查数量（默认方案规定的数量）', en: 'sample size (default: evaluation.recheck.sample)' },
  ...DRAW,
  programme: use(SHARED.programme, { note: NOTES.currentProgramme }),
  result: { flags: '--result <result>', zh: '记录抽中项目的结论（合格 / 需整改，以方案为准；需整改时用 --note 写明整改意见），与项目编号一起给出', en: "record a sampled project's result (合格 / 需整改, as the programme lists them; 需整改 needs --note), with the project id" },
  replace: { flags: '--replace', zh: '更正已记录的合格结论', en: 'correct a pass already recorded' },
  verify: { flags: '--verify [selection]', zh: '复核：按记录的种子和候选名单重新抽取并比对（不写入；可指定评选记录编号）', en: 'verify: re-run the recorded draw and compare (writes nothing; optionally name the selection record)' },
  ...WRITE,
});

export function register(program: Command, run: Runner, lang: Lang): void {
  command(program, lang, 'panel <project>', T('从专家库抽取验收组：类别匹配、回避领办和联办单位、参加次数少者优先；用种子可复现（--verify 复核）', 'draw an acceptance panel from the expert pool: matching categories, none from the lead or co-organising units, fewest assignments first; reproducible from its seed (--verify re-runs it)'), PANEL).action(
    run(async (ctx, subject: string, f: Options<typeof PANEL>) => {
      const { drawPanel, verifyPanel } = await import('../../commands/panel.js');
      const { requireRoot } = await import('../../store/repo.js');
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
      const r = await drawPanel({ ...opOptions(ctx, f), subject, size: parseInt10(f.size, '--size'), reason: f.reason, seed: f.seed, redraw: f.redraw });
      const names = r.experts.map((e) => `${e.name}${e.unit ? `（${e.unit}）` : ''}`);
      printOp(ctx, r, T(`已为 ${r.subject} 抽取验收组：${names.join('、')}（种子 ${r.seed}，候选 ${r.candidates} 名）`, `panel drawn for ${r.subject}: ${names.join(', ')} (seed ${r.seed}, ${r.candidates} candidates)`), f.json, { subject: r.subject, evaluation: r.evaluation, seed: r.seed, experts: r.experts, candidates: r.candidates });
    }),
  );

  command(program, lang, 'recheck [project]', T('抽查复核、抽检：从符合条件的项目中按种子随机抽取（可复现，记为评选记录，评选编号 recheck）；djyc recheck <项目> --result 合格|需整改 记录每个抽中项目的结论', 'sampled re-check: draw projects reproducibly (recorded as a selection with award recheck); djyc recheck <project> --result … records each sampled project\'s result'), RECHECK).action(
    run(async (ctx, project: string | undefined, f: Options<typeof RECHECK>) => {
      const { recheck, recordRecheck, verifyRecheck } = await import('../../commands/panel.js');
      const { requireRoot } = await import('../../store/repo.js');
      if (project !== undefined || f.result !== undefined) {
        if (project === undefined) throw new UsageError('--result 须与抽中的项目编号一起给出：djyc recheck <项目> --result 合格', '--result goes with a sampled project: djyc recheck <project> --result <result>');
        if (f.result === undefined) throw new UsageError(`请用 --result 给出 ${project} 的结论`, `give the result of ${project} with --result`);
        if (f.verify || f.sample !== undefined || f.seed !== undefined || f.redraw) throw new UsageError('记录结论时不能同时抽取或复核（--sample / --seed / --redraw / --verify）', 'recording a result does not go with drawing or verifying (--sample / --seed / --redraw / --verify)');
        const r = await recordRecheck({ ...opOptions(ctx, f), project, result: f.result, replace: f.replace });
        printOp(ctx, r, T(`已记录 ${r.project} 的结论：${r.result}`, `recorded the result of ${r.project}: ${r.result}`), f.json, { project: r.project, result: r.result, passed: r.passed, selection: r.selection });
        return 0;
      }
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
