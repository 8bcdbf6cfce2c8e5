import type { Command } from 'commander';
import type { Runner } from '../runner.js';
import { type Lang, say, tr, T } from '../../domain/i18n.js';
import type { CheckStatus } from '../../commands/doctor.js';
import { textTable } from '../../output/text-table.js';
import { colors } from '../io.js';
import { command, options, PLATFORM, SHARED, use, type Options } from '../options.js';

const TABLE = options({
  launch: PLATFORM.launch,
  output: use(SHARED.output, { note: { zh: '保留打印的测试页 PDF', en: 'keep the printed test page PDF' } }),
  json: SHARED.json,
});

export function register(program: Command, run: Runner, lang: Lang): void {
  command(program, lang, 'doctor', T('检查本机与记录库：Node、git、浏览器（打印测试页）、字体、LibreOffice、写入权限、记录库设置与钩子', 'check this machine and repository: Node, git, the browser (prints a test page), fonts, LibreOffice, write access, repository set-up and hooks'), TABLE).action(
    run(async (ctx, opts: Options<typeof TABLE>) => {
      const { runDoctor } = await import('../../commands/doctor.js');
      const report = await runDoctor({ cwd: ctx.cwd, launch: opts.launch, output: opts.output });
      if (opts.json) {
        const checks = report.checks.map((c) => ({ id: c.id, label: say(ctx.lang, c.label), status: c.status, detail: say(ctx.lang, c.detail), fix: c.fix ? say(ctx.lang, c.fix) : null }));
        ctx.out(JSON.stringify({ ok: report.ok, version: report.version, checks }, null, 2));
        return report.ok ? 0 : 1;
      }
      const c = await colors(process.stdout);
      const mark: Record<CheckStatus, string> = { ok: c.green('✓'), warn: c.yellow('!'), fail: c.red('✗'), skip: c.dim('-') };
      const rows = report.checks.map((x) => [mark[x.status], say(ctx.lang, x.label), say(ctx.lang, x.detail), x.fix && x.status !== 'ok' ? say(ctx.lang, x.fix) : '']);
      ctx.out(`djyc ${report.version}\n${textTable(['', tr(ctx.lang, '检查', 'check'), tr(ctx.lang, '结果', 'result'), tr(ctx.lang, '如何解决', 'fix')], rows, { maxWidth: 200 })}`);
      const failed = report.checks.filter((x) => x.status === 'fail').length;
      ctx.out(failed ? tr(ctx.lang, `${failed} 项必需的条件不满足（见“如何解决”）。`, `${failed} required item(s) missing (see "fix").`) : tr(ctx.lang, '必需的条件都已满足。', 'everything required is in place.'));
      return failed ? 1 : 0;
    }),
  );
}
