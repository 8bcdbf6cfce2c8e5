import type { Command } from 'commander';
import type { Runner } from '../main.js';
import type { Lang } from '../../core/i18n.js';
import { loadRepository, requireRoot } from '../../core/repo.js';
import { validateRepository } from '../../core/validate.js';
import { countBySeverity, sortProblems, type Problem } from '../../core/problem.js';
import { format, FORMATS, type FormatName } from '../../formatters/index.js';
import { summary } from '../../formatters/summary.js';
import { UsageError } from '../../core/errors.js';
import { pendingJournal, writeAtomic } from '../../core/store.js';
import { CONFIG_FILE } from '../../core/kinds.js';
import { packageVersion } from '../../core/init.js';
import { colors, tr } from '../io.js';
import fs from 'node:fs';
import path from 'node:path';

/** `--output <format>=<file>` (repeatable; `-` is standard output). */
function collectOutput(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

interface Target {
  format: FormatName;
  file: string;
}

function parseTargets(values: string[] | undefined, fallback: FormatName, lang: Lang): Target[] {
  if (!values?.length) return [{ format: fallback, file: '-' }];
  return values.map((v) => {
    const m = /^([a-z]+)(?:=(.+))?$/.exec(v);
    const fmt = m?.[1] as FormatName | undefined;
    if (!m || !fmt || !FORMATS.includes(fmt)) {
      throw new UsageError(
        `--output 的取值“${v}”不对：应为 <格式>=<文件>，格式可用 ${FORMATS.join(' / ')}，文件写 - 表示标准输出`,
        `bad --output "${v}": use <format>=<file> with a format among ${FORMATS.join(' / ')}, and - for standard output`,
      );
    }
    void lang;
    return { format: fmt, file: m[2] ?? '-' };
  });
}

/** A path given to validate, as a repository-relative path; a path outside the repository is a usage error. */
function pathInRepository(root: string, cwd: string, given: string): string {
  const rel = path.relative(root, path.resolve(cwd, given));
  if (rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) {
    throw new UsageError(`路径“${given}”不在记录库 ${root} 之中`, `the path "${given}" is not inside the repository ${root}`);
  }
  return rel.split(path.sep).join('/');
}

export function register(program: Command, run: Runner, lang: Lang): void {
  program
    .command('validate [paths...]')
    .description(tr(lang, '校验记录库：YAML 语法、schema、引用、编号、日期和方案规则', 'check the repository: YAML, schemas, references, ids, dates and programme rules'))
    .option('--format <format>', tr(lang, `输出格式：${FORMATS.join(' / ')} / auto（GitHub Actions 中为 github）`, `output format: ${FORMATS.join(' / ')} / auto (github under GitHub Actions)`), 'auto')
    .option('--output <format=file>', tr(lang, '把某种格式写到文件（可重复；- 为标准输出），例如 --output github=- --output sarif=report.sarif', 'write a format to a file (repeatable; - is standard output), e.g. --output github=- --output sarif=report.sarif'), collectOutput)
    .option('--changed [base]', tr(lang, '只报告自与基准分支的合并基点以来改动的记录，以及这些改动新引起的问题（默认基准：拉取请求的目标分支、origin/HEAD 或 main）', 'report only on records changed since the merge base with a branch, and on problems those changes caused (default base: the pull request target, origin/HEAD or main)'))
    .option('--today <date>', tr(lang, '按该日期判断时间窗口（默认今天，亚洲/上海）', 'judge time windows as of this date (default today, Asia/Shanghai)'))
    .option('--max-warnings <n>', tr(lang, '警告超过该数量时也返回 1', 'exit 1 when warnings exceed this number'))
    .option('--base <ref>', tr(lang, '与基准版本比较（拉取请求检查）：只许合法的阶段转换、历史只追加、评价一经记录不改、记录不删除；方案与 schema 取自基准版本', 'compare with a base version (pull-request check): legal stage moves only, history append-only, ratings frozen, no deletions; programme and schemas read from the base'))
    .option('--summary <file>', tr(lang, '另写一份 Markdown 摘要（GitHub Actions 中默认追加到 $GITHUB_STEP_SUMMARY）', 'also write a Markdown summary (under GitHub Actions appended to $GITHUB_STEP_SUMMARY by default)'))
    .option('--no-cache', tr(lang, '不使用校验缓存（.git/djyc-cache）', 'do not use the validation cache (.git/djyc-cache)'))
    .action(
      run(async (ctx, paths: string[], opts: { format: string; output?: string[]; changed?: string | boolean; today?: string; maxWarnings?: string; base?: string; summary?: string; cache?: boolean }) => {
        const onActions = process.env.GITHUB_ACTIONS === 'true';
        const name = (opts.format === 'auto' ? (onActions ? 'github' : 'stylish') : opts.format) as FormatName;
        if (!FORMATS.includes(name)) throw new UsageError(`不支持的格式“${opts.format}”（可用：${FORMATS.join(' / ')} / auto）`, `unknown format "${opts.format}" (known: ${FORMATS.join(' / ')} / auto)`);
        const targets = parseTargets(opts.output, name, ctx.lang);
        if (opts.maxWarnings !== undefined && !/^\d+$/.test(opts.maxWarnings)) {
          throw new UsageError(`--max-warnings 应为非负整数（收到“${opts.maxWarnings}”）`, `--max-warnings must be a whole number (got "${opts.maxWarnings}")`);
        }
        const root = requireRoot(ctx.cwd);
        const only = paths.length ? new Set(paths.map((p) => pathInRepository(root, ctx.cwd, p))) : undefined;
        const repo = loadRepository(root, { cache: opts.cache === false ? false : undefined });
        let problems: Problem[];
        let scope: string | undefined;
        let baseRef = opts.base;
        if (opts.changed !== undefined && opts.changed !== false) {
          const { validateChanged } = await import('../../core/changed.js');
          const result = validateChanged(root, { base: typeof opts.changed === 'string' ? opts.changed : undefined, today: opts.today, repo });
          problems = result.problems;
          scope = tr(ctx.lang,
            `相对 ${result.base}（合并基点 ${result.mergeBase.slice(0, 8)}）改动的 ${result.changed.length} 个文件${result.related.length ? `，及引用它们的 ${result.related.length} 个记录` : ''}`,
            `${result.changed.length} file(s) changed since ${result.base} (merge base ${result.mergeBase.slice(0, 8)})${result.related.length ? `, and ${result.related.length} record(s) referring to them` : ''}`);
          // A pull request also gets the base checks (legal stage moves, append-only history…) against the same base.
          baseRef ??= result.mergeBase;
        } else {
          problems = validateRepository(repo, { today: opts.today });
        }
        if (baseRef) problems = sortProblems([...problems, ...(await (await import('../../core/basecheck.js')).checkAgainstBase(root, baseRef, { today: opts.today, repo }))]);
        if (only) {
          // A path that names no record file (nor djyc.yaml, nor anything validate reports on) is a mistake: say so.
          const known = [CONFIG_FILE, ...repo.records.map((r) => r.file), ...repo.unparsed, ...repo.loadProblems.map((p) => p.file), ...problems.map((p) => p.file)];
          for (const o of only) {
            if (o !== '' && !known.some((f) => f === o || f.startsWith(`${o}/`))) {
              throw new UsageError(`路径“${o}”不对应记录库中的任何记录文件`, `the path "${o}" matches no record file of the repository`);
            }
          }
          problems = problems.filter((p) => [...only].some((o) => o === '' || p.file === o || p.file.startsWith(`${o}/`)));
        }
        // A write in progress or interrupted (a full disk, a kill): the files may be half written, so no ✓.
        const journal = pendingJournal(root);
        if (journal) {
          const shown = path.relative(root, journal).split(path.sep).join('/');
          problems = [{ file: shown.startsWith('..') ? journal : shown, line: 1, col: 1, severity: 'error', rule: 'pending-write', params: { journal: shown.startsWith('..') ? journal : shown } }, ...problems];
        }

        const files = targets.filter((t) => t.file !== '-').map((t) => t.file);
        for (const t of targets) {
          const text = format(t.format, problems, { lang: ctx.lang, color: t.format === 'stylish' && t.file === '-' ? await colors() : undefined, toolVersion: packageVersion() });
          if (t.file === '-') ctx.out(text.replace(/\n$/, ''));
          else writeAtomic(path.resolve(ctx.cwd, t.file), text);
        }
        const { errors, warnings } = countBySeverity(problems);
        if (!targets.some((t) => t.file === '-')) {
          ctx.out(errors || warnings
            ? tr(ctx.lang, `✖ ${errors} 个错误，${warnings} 个警告（报告：${files.join('、')}）`, `✖ ${errors} error(s), ${warnings} warning(s) (reports: ${files.join(', ')})`)
            : tr(ctx.lang, `✓ 未发现问题（报告：${files.join('、')}）`, `✓ no problems (reports: ${files.join(', ')})`));
        }
        const summaryFile = opts.summary ?? (onActions ? process.env.GITHUB_STEP_SUMMARY : undefined);
        if (summaryFile) {
          const text = summary(problems, { lang: ctx.lang, scope, reports: files });
          // The step summary file is GitHub's: append, as every step does; a file of one's own is written whole.
          if (!opts.summary) fs.appendFileSync(summaryFile, text);
          else writeAtomic(path.resolve(ctx.cwd, summaryFile), text);
        }
        if (errors) return 1;
        if (opts.maxWarnings !== undefined && warnings > Number(opts.maxWarnings)) return 1;
        return 0;
      }),
    );
}
