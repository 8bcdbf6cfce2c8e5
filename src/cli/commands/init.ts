import type { Command } from 'commander';
import type { Runner } from '../main.js';
import { type Lang, tr } from '../../domain/i18n.js';
import { initRepository } from '../../commands/init.js';
import { UsageError } from '../../domain/errors.js';
import { listPresets } from '../../assets/presets.js';
import path from 'node:path';

export function register(program: Command, run: Runner, lang: Lang): void {
  program
    .command('init [dir]')
    .description(tr(lang, '新建记录库（git 仓库、配置、方案文件、编辑器与 CI 设置）', 'create a records repository (git, config, programme, editor and CI settings)'))
    .requiredOption('--programme <preset>', tr(lang, `方案预设：${listPresets().join(' / ')}`, `programme preset: ${listPresets().join(' / ')}`))
    .requiredOption('--year <yyyy>', tr(lang, '方案年度', 'programme year'))
    .option('--name <name>', tr(lang, '记录库名称', 'repository name'))
    .option('--id <id>', tr(lang, '方案编号（默认 <预设>-<年度>）', 'programme id (default <preset>-<year>)'))
    .option('--json', tr(lang, '以 JSON 输出结果', 'print the result as JSON'))
    .action(
      run(async (ctx, dir: string | undefined, opts: { programme: string; year: string; name?: string; id?: string; json?: boolean }) => {
        const year = Number(opts.year);
        if (!/^\d{4}$/.test(opts.year) || year < 2000 || year > 2100) throw new UsageError(`--year 应为四位年份，例如 2020`, `--year must be a four-digit year, e.g. 2020`);
        const result = await initRepository({ dir: path.resolve(ctx.cwd, dir ?? '.'), preset: opts.programme, year, name: opts.name, programmeId: opts.id });
        if (opts.json) return ctx.out(JSON.stringify(result, null, 2));
        ctx.out(tr(ctx.lang, `已新建记录库：${result.root}\n方案：${result.programme}\n首次提交：${result.commit.slice(0, 8)}`, `created records repository: ${result.root}\nprogramme: ${result.programme}\nfirst commit: ${result.commit.slice(0, 8)}`));
      }),
    );
}
