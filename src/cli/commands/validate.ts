import type { Command } from 'commander';
import type { Runner } from '../main.js';
import type { Lang } from '../../core/i18n.js';
import { loadRepository, requireRoot } from '../../core/repo.js';
import { validateRepository } from '../../core/validate.js';
import { countBySeverity } from '../../core/problem.js';
import { format, FORMATS, type FormatName } from '../../formatters/index.js';
import { UsageError } from '../../core/errors.js';
import { colors, tr } from '../io.js';
import path from 'node:path';

export function register(program: Command, run: Runner, lang: Lang): void {
  program
    .command('validate [paths...]')
    .description(tr(lang, '校验记录库：YAML 语法、schema、引用、编号、日期和方案规则', 'check the repository: YAML, schemas, references, ids, dates and programme rules'))
    .option('--format <format>', tr(lang, '输出格式：stylish / json / github / auto', 'output format: stylish / json / github / auto'), 'auto')
    .option('--today <date>', tr(lang, '按该日期判断时间窗口（默认今天，亚洲/上海）', 'judge time windows as of this date (default today, Asia/Shanghai)'))
    .option('--max-warnings <n>', tr(lang, '警告超过该数量时也返回 1', 'exit 1 when warnings exceed this number'))
    .option('--base <ref>', tr(lang, '与基准版本比较（拉取请求检查）：只许合法的阶段转换、历史只追加、评价一经记录不改、记录不删除；方案与 schema 取自基准版本', 'compare with a base version (pull-request check): legal stage moves only, history append-only, ratings frozen, no deletions; programme and schemas read from the base'))
    .action(
      run(async (ctx, paths: string[], opts: { format: string; today?: string; maxWarnings?: string; base?: string }) => {
        const name = (opts.format === 'auto' ? (process.env.GITHUB_ACTIONS === 'true' ? 'github' : 'stylish') : opts.format) as FormatName;
        if (!FORMATS.includes(name)) throw new UsageError(`不支持的格式“${opts.format}”（可用：${FORMATS.join(' / ')} / auto）`, `unknown format "${opts.format}" (known: ${FORMATS.join(' / ')} / auto)`);
        const root = requireRoot(ctx.cwd);
        const repo = loadRepository(root);
        const only = paths.length ? new Set(paths.map((p) => path.relative(root, path.resolve(ctx.cwd, p)).split(path.sep).join('/'))) : undefined;
        let problems = validateRepository(repo, { today: opts.today });
        if (opts.base) problems = [...problems, ...(await (await import('../../core/basecheck.js')).checkAgainstBase(root, opts.base, { today: opts.today, repo }))];
        if (only) problems = problems.filter((p) => [...only].some((o) => p.file === o || p.file.startsWith(`${o}/`)));
        ctx.out(format(name, problems, { lang: ctx.lang, color: name === 'stylish' ? await colors() : undefined }).replace(/\n$/, ''));
        const { errors, warnings } = countBySeverity(problems);
        if (errors) return 1;
        if (opts.maxWarnings !== undefined && warnings > Number(opts.maxWarnings)) return 1;
        return 0;
      }),
    );
}
