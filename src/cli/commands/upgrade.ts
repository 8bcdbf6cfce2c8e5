import type { Command } from 'commander';
import type { Runner } from '../runner.js';
import { type Lang, tr, T } from '../../domain/i18n.js';
import { command, options, SHARED, WRITE, type Options } from '../options.js';

const TABLE = options({ dryRun: WRITE.dryRun, json: SHARED.json });

export function register(program: Command, run: Runner, lang: Lang): void {
  command(program, lang, 'upgrade', T('升级 djyc 后更新记录库中由 init 复制的文件（schemas/、编辑器设置、工作流、.yamllint、钩子），显示差异并提交一次', "after upgrading djyc, refresh what init copied into the repository (schemas, editor settings, workflows, yamllint settings, hooks), showing the diff, in one commit"), TABLE).action(
    run(async (ctx, opts: Options<typeof TABLE>) => {
      const { upgradeRepository } = await import('../../commands/upgrade.js');
      const r = await upgradeRepository({ cwd: ctx.cwd, dryRun: opts.dryRun });
      if (opts.json) return ctx.out(JSON.stringify(r, null, 2));
      for (const c of r.changes) {
        ctx.out(`${c.action === 'create' ? '+++' : '~~~'} ${c.path}`);
        for (const l of c.diff) ctx.out(`  ${l}`);
      }
      for (const h of r.hooks) ctx.out(tr(ctx.lang, `钩子 ${h.type}：${r.dryRun ? '将重写' : '已重写'} ${h.file}`, `hook ${h.type}: ${r.dryRun ? 'would rewrite' : 'rewrote'} ${h.file}`));
      if (!r.changes.length && !r.hooks.length) return ctx.out(tr(ctx.lang, `记录库已与 djyc ${r.version} 一致，无需更新。`, `the repository already matches djyc ${r.version}; nothing to do.`));
      if (r.dryRun) return ctx.out(tr(ctx.lang, `试运行：以上 ${r.changes.length} 个文件将更新为 djyc ${r.version} 的版本，未写入任何文件。`, `dry run: the ${r.changes.length} file(s) above would be brought to djyc ${r.version}; nothing was written.`));
      ctx.out(tr(ctx.lang, `已更新 ${r.changes.length} 个文件${r.commit ? `，提交 ${r.commit.slice(0, 8)}` : ''}。`, `updated ${r.changes.length} file(s)${r.commit ? `, commit ${r.commit.slice(0, 8)}` : ''}.`));
    }),
  );
}
