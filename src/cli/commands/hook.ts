import path from 'node:path';
import type { Command } from 'commander';
import type { Runner } from '../runner.js';
import { type Lang, tr, T } from '../../domain/i18n.js';
import type { CheckResult, HookType } from '../../store/hooks.js';
import { UsageError } from '../../domain/errors.js';
import { colors } from '../io.js';
import { command, options, PLATFORM, SHARED, type Options } from '../options.js';

const INSTALL = options({
  preReceive: { flags: '--pre-receive', zh: '服务器端：拒绝让记录出错的推送（含非法的阶段变更）', en: 'server side: refuse pushes that break records (illegal stage moves included)' },
  preCommit: { flags: '--pre-commit', zh: '本地：拒绝让记录出错的提交', en: 'local: refuse commits that break records' },
  repo: { flags: '--repo <path>', zh: '仓库路径（默认当前目录；可为裸仓库）', en: 'repository path (default: the current folder; may be bare)' },
  force: PLATFORM.force,
  husky: PLATFORM.husky,
});

const RUN = options({ today: SHARED.today });

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function register(program: Command, run: Runner, lang: Lang): void {
  const hook = program
    .command('hook')
    .description(tr(lang, 'git 钩子：没有 CI 的服务器上，拒绝记录校验不通过的推送或提交', 'git hooks: on servers without CI, refuse pushes or commits whose records fail validation'));

  command(hook, lang, 'install', T('安装钩子（pre-receive 钩子装在服务器的裸仓库上，pre-commit 钩子装在本地仓库）', "install a hook (pre-receive on the server's bare repository, pre-commit in a local clone)"), INSTALL)
    .action(
      run(async (ctx, opts: Options<typeof INSTALL>) => {
        const { HOOK_TYPES, installHook } = await import('../../store/hooks.js');
        const types = HOOK_TYPES.filter((t) => (t === 'pre-receive' ? opts.preReceive : opts.preCommit));
        if (!types.length) throw new UsageError('请指定 --pre-receive 或 --pre-commit', 'choose --pre-receive or --pre-commit');
        const repo = path.resolve(ctx.cwd, opts.repo ?? '.');
        for (const type of types) {
          const r = installHook(repo, type, { force: opts.force, husky: opts.husky });
          const zh = { installed: '已安装', updated: '已更新', unchanged: '已是最新，未改动', 'line-added': '已加入检查行' }[r.action];
          const en = { installed: 'installed', updated: 'updated', unchanged: 'already up to date, unchanged', 'line-added': 'added the check line to' }[r.action];
          ctx.out(tr(ctx.lang, `${zh} ${type} 钩子：${r.file}`, r.action === 'line-added' ? `${en} ${r.file} (${type})` : `${en}: the ${type} hook ${r.file}`));
          if (r.previous) ctx.out(tr(ctx.lang, `原有的钩子保留为 ${r.previous}，仍在 djyc 的检查之前运行。`, `the hook that was there is kept as ${r.previous} and still runs before djyc's check.`));
        }
        return 0;
      }),
    );

  command(hook, lang, 'run <type>', T('（由钩子调用）执行检查：pre-receive 钩子从标准输入读取“旧版本 新版本 引用”行', '(called by the hook) run the check: pre-receive reads "old new ref" lines on standard input'), RUN)
    .action(
      run(async (ctx, type: string, opts: Options<typeof RUN>) => {
        const { HOOK_TYPES, checkCommit, checkPush } = await import('../../store/hooks.js');
        const { stylish } = await import('../../output/problems/index.js');
        if (!HOOK_TYPES.includes(type as HookType)) throw new UsageError(`未知的钩子类型“${type}”（可用：${HOOK_TYPES.join(' / ')}）`, `unknown hook type "${type}" (known: ${HOOK_TYPES.join(' / ')})`);
        const results: CheckResult[] = type === 'pre-receive'
          ? await checkPush(path.resolve(ctx.cwd, process.env.GIT_DIR ?? '.'), await readStdin(), { today: opts.today })
          : [await checkCommit(ctx.cwd, { today: opts.today })];
        const c = await colors(process.stderr);
        let refused = false;
        for (const r of results) {
          if (r.skipped) continue;
          if (!r.problems.length) continue;
          const what = r.target === 'index' ? tr(ctx.lang, '本次提交', 'this commit') : r.target;
          ctx.err(tr(ctx.lang, `djyc：${what} 的记录校验结果${r.base ? `（与 ${r.base.slice(0, 8)} 比较）` : ''}：`, `djyc: records of ${what}${r.base ? ` (compared with ${r.base.slice(0, 8)})` : ''}:`));
          ctx.err(stylish(r.problems, { lang: ctx.lang, color: c }).replace(/\n$/, ''));
          if (r.errors) refused = true;
        }
        if (refused) {
          ctx.err(type === 'pre-receive'
            ? tr(ctx.lang, 'djyc：记录有错误，已拒绝本次推送。请在本地修正（djyc validate --changed）后再推送。', 'djyc: the records have errors; this push is refused. Fix them locally (djyc validate --changed) and push again.')
            : tr(ctx.lang, 'djyc：记录有错误，未提交。请修正后再提交（或 git commit --no-verify 跳过检查）。', 'djyc: the records have errors; nothing was committed. Fix them and commit again (or skip the check with git commit --no-verify).'));
          return 1;
        }
        return 0;
      }),
    );
}
