import type { Command } from 'commander';
import type { Runner } from '../runner.js';
import { type Lang, T, tr } from '../../domain/i18n.js';
import { listPresets } from '../../assets/presets.js';
import { today as todayIn } from '../../store/clock.js';
import { checkIsoDate } from '../io.js';
import { opOptions, parseInt10, printOp } from '../workflow-output.js';
import { command, addOptions, options, SHARED, use, WRITE, type Options } from '../options.js';
import { UsageError } from '../../domain/errors.js';

function addTable() {
  return options({
    preset: { flags: '--preset <preset>', zh: '从预设新建下一轮方案', en: 'start the next round from a preset', choices: listPresets() },
    from: { flags: '--from <programme>', zh: '沿用记录库中已有的方案（连同本单位的修改）作为下一轮', en: 'carry an existing programme of the repository (with its edits) into the next round' },
    year: { flags: '--year <yyyy>', zh: '新方案的年度', en: "the new programme's year", required: true },
    id: use(SHARED.id, { note: T('新方案的编号；默认：预设-年度，或把 --from 方案编号中的年度换成新年度', "the new programme's id; default: preset-year, or the --from id with its year replaced") }),
    ...WRITE,
  });
}

const LIST = options({ today: SHARED.today, json: SHARED.json });

export function register(program: Command, run: Runner, lang: Lang): void {
  const group = program.command('programme').description(tr(lang, '方案（每年一轮）：在同一记录库中新增下一轮方案、列出各轮方案', 'programmes (one round a year): add the next round to the same repository, list the rounds'));

  const table = addTable();
  command(group, lang, 'add', T('在现有记录库中新增一个方案（下一年度）：--preset 从预设新建，或 --from 沿用已有方案；以前各轮的记录不变', 'add a programme (the next year) to this repository: --preset from a preset, or --from an existing programme; earlier rounds are left as they are'), table).action(
    run(async (ctx, f: Options<typeof table>) => {
      const { addProgramme } = await import('../../commands/programmes.js');
      const r = await addProgramme({ ...opOptions(ctx, f), preset: f.preset, from: f.from, year: parseInt10(f.year, '--year')!, id: f.id });
      const src = r.source.from ? T(`沿用 ${r.source.from}`, `carried from ${r.source.from}`) : T(`预设 ${r.source.preset}`, `preset ${r.source.preset}`);
      printOp(ctx, r, T(`已新增方案 ${r.programme}（${r.year} 年度，${src.zh}）；今后不加 --programme 的命令在 ${r.year} 年按此方案办理`, `added programme ${r.programme} (${r.year}, ${src.en}); in ${r.year}, commands without --programme act on it`), f.json, { programme: r.programme, year: r.year, source: r.source });
    }),
  );

  const list = group.command('list').description(tr(lang, '列出记录库中的各轮方案，标明不加 --programme 时命令所用的方案', 'list the rounds of the repository, marking the one commands use without --programme'));
  addOptions(list, LIST, lang).action(
    run(async (ctx, f: Options<typeof LIST>) => {
      const { listProgrammes } = await import('../../commands/programmes.js');
      const { requireRoot } = await import('../../store/repo.js');
      checkIsoDate(f.today);
      const r = listProgrammes(requireRoot(ctx.cwd), todayIn(f.today));
      if (f.json) return ctx.out(JSON.stringify(r, null, 2));
      if (!r.programmes.length) throw new UsageError('记录库中没有方案：请先运行 djyc init 或 djyc programme add', 'the repository has no programme: run djyc init or djyc programme add');
      for (const p of r.programmes) {
        const mark = p.current ? tr(ctx.lang, '★ 当前', '* current') : '';
        const def = p.isDefault ? tr(ctx.lang, '（djyc.yaml 默认）', ' (djyc.yaml default)') : '';
        ctx.out(`${p.current ? '→' : ' '} ${p.id}  ${p.period}  ${p.name}  ${tr(ctx.lang, `项目 ${p.projects}，品牌 ${p.brands}`, `${p.projects} projects, ${p.brands} brands`)}${def}  ${mark}`.trimEnd());
      }
      if (!r.reason) ctx.out(tr(ctx.lang, `今天（${r.today}）有多个方案可选：命令请加 --programme`, `today (${r.today}) several programmes qualify: give --programme to commands`));
      else if (r.programmes.length > 1) ctx.out(tr(ctx.lang, `不加 --programme 时，命令按 ${r.programmes.find((p) => p.current)!.id} 办理（${r.reason === 'current' ? `${r.today.slice(0, 4)} 年度的方案` : '最新的方案'}）`, `without --programme, commands act on ${r.programmes.find((p) => p.current)!.id} (${r.reason === 'current' ? `the programme of ${r.today.slice(0, 4)}` : 'the newest programme'})`));
    }),
  );
}
