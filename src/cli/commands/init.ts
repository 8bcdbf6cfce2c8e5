import type { Command } from 'commander';
import { jsonSteps, printNext } from '../workflow-output.js';
import type { Runner } from '../runner.js';
import { type Lang, tr, T } from '../../domain/i18n.js';
import { UsageError } from '../../domain/errors.js';
import { listPresets } from '../../assets/presets.js';
import path from 'node:path';
import { command, options, PLATFORM, SHARED, use, type Options } from '../options.js';

function optionTable() {
  return options({
    programme: use(SHARED.programme, { note: { zh: '新记录库所用的方案预设', en: 'the preset the new repository starts from' }, choices: listPresets(), required: true }),
    year: { flags: '--year <yyyy>', zh: '方案年度', en: 'programme year', required: true },
    name: { flags: '--name <name>', zh: '记录库名称', en: 'repository name' },
    package: PLATFORM.package,
    id: use(SHARED.id, { note: { zh: '新方案的编号，默认为 预设-年度', en: "the new programme's id, default: preset-year" } }),
    json: SHARED.json,
  });
}

export function register(program: Command, run: Runner, lang: Lang): void {
  const table = optionTable();
  command(program, lang, 'init [dir]', T('新建记录库（git 仓库、配置、方案文件、编辑器与持续集成设置）', 'create a records repository (git, config, programme, editor and CI settings)'), table).action(
    run(async (ctx, dir: string | undefined, opts: Options<typeof table>) => {
      const { loadRepository } = await import('../../store/repo.js');
      const { resolveProgramme } = await import('../../domain/programme.js');
      const { firstSteps } = await import('../../domain/next.js');
      const { initRepository } = await import('../../commands/init.js');
      const year = Number(opts.year);
      if (!/^\d{4}$/.test(opts.year) || year < 2000 || year > 2100) throw new UsageError(`--year 应为四位年份，例如 2020`, `--year must be a four-digit year, e.g. 2020`);
      const result = await initRepository({ dir: path.resolve(ctx.cwd, dir ?? '.'), preset: opts.programme, year, name: opts.name, programmeId: opts.id, package: opts.package });
      const programme = resolveProgramme(loadRepository(result.root), result.programme);
      const steps = firstSteps(programme, dir && path.resolve(ctx.cwd, dir) !== ctx.cwd ? dir : undefined);
      if (opts.json) return ctx.out(JSON.stringify({ ...result, nextSteps: jsonSteps(ctx.lang, steps) }, null, 2));
      ctx.out(tr(ctx.lang, `已新建记录库：${result.root}
方案：${result.programme}
首次提交：${result.commit.slice(0, 8)}`, `created records repository: ${result.root}
programme: ${result.programme}
first commit: ${result.commit.slice(0, 8)}`));
      if (!opts.package) ctx.out(tr(ctx.lang, '提示：在 djyc.yaml 中写明 package:（持续集成安装 djyc 的来源），CI 才能运行；djyc doctor 可检查。', 'note: set package: in djyc.yaml (where CI installs djyc from) for the CI workflow to run; djyc doctor checks it.'));
      printNext(ctx, steps, programme.year);
    }),
  );
}
