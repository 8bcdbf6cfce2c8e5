import type { Command } from 'commander';
import type { Runner } from '../runner.js';
import { type Lang, tr, T } from '../../domain/i18n.js';
import type { Problem } from '../../domain/problem.js';
import { format, FORMATS, type FormatName } from '../../output/problems/index.js';
import { UsageError } from '../../domain/errors.js';
import { colors, writeOutput } from '../io.js';
import { CONFIG_FILE } from '../../domain/kinds.js';
import { packageVersion } from '../../assets/paths.js';
import fs from 'node:fs';
import path from 'node:path';
import { command, NOTES, options, SHARED, use, type Options } from '../options.js';
import type { BaseCheckOptions } from '../../store/basecheck.js';

const OPTIONS = options({
  format: use(SHARED.format, { choices: [...FORMATS, 'auto'], note: { zh: 'auto 在 GitHub Actions 中为 github，其他情况为 stylish', en: 'auto: github under GitHub Actions, else stylish' }, default: 'auto' }),
  json: use(SHARED.json, { note: NOTES.sameAsFormatJson }),
  output: use(SHARED.output, {
    value: '<format=file>',
    repeat: 'whole',
    note: { zh: '把某种格式写到文件，- 为标准输出，例如 -o github=- -o sarif=report.sarif', en: 'write a format to a file, - for standard output, e.g. -o github=- -o sarif=report.sarif' },
  }),
  changed: {
    flags: '--changed [base]',
    zh: '只报告自与基准分支的合并基点以来改动的记录，以及这些改动新引起的问题（默认基准：拉取请求的目标分支、origin/HEAD 或 main）',
    en: 'report only on records changed since the merge base with a branch, and on problems those changes caused (default base: the pull request target, origin/HEAD or main)',
  },
  today: SHARED.today,
  programme: use(SHARED.programme, { note: { zh: '只报告该方案的记录（及不属于任何方案的党组织、党员、专家和配置）上的问题；跨记录的检查仍看全库', en: 'report only on the records of this programme (and on those of no programme: organisations, members, experts, the configuration); cross-record checks still see everything' } }),
  maxWarnings: { flags: '--max-warnings <n>', zh: '警告超过该数量时也返回 1', en: 'exit 1 when warnings exceed this number' },
  base: {
    flags: '--base <ref>',
    zh: '与基准版本比较（拉取请求检查）：只许合法的阶段转换、历史只追加、评价一经记录不改、记录不删除；方案与字段定义取自基准版本',
    en: 'compare with a base version (pull-request check): legal stage moves only, history append-only, ratings frozen, no deletions; programme and schemas read from the base',
  },
  summary: { flags: '--summary <file>', zh: '另写一份 Markdown 摘要（GitHub Actions 中默认追加到 $GITHUB_STEP_SUMMARY）', en: 'also write a Markdown summary (under GitHub Actions appended to $GITHUB_STEP_SUMMARY by default)' },
  cache: { flags: '--no-cache', zh: '不使用校验缓存（.git/djyc-cache）', en: 'do not use the validation cache (.git/djyc-cache)' },
});

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
  command(program, lang, 'validate [paths...]', T('校验记录库：YAML 语法、字段定义、引用、编号、日期和方案规则', 'check the repository: YAML, schemas, references, ids, dates and programme rules'), OPTIONS)
    .action(
      run(async (ctx, paths: string[], opts: Options<typeof OPTIONS>) => {
        const { loadRepository, requireRoot } = await import('../../store/repo.js');
        const { countBySeverity, sortProblems } = await import('../../domain/problem.js');
        const { summary } = await import('../../output/problems/summary.js');
        const { validateRepository } = await import('../../store/validate.js');
        const { pendingJournal } = await import('../../store/transaction.js');
        const onActions = process.env.GITHUB_ACTIONS === 'true';
        const requested = opts.json ? 'json' : opts.format;
        const name = (requested === 'auto' ? (onActions ? 'github' : 'stylish') : requested) as FormatName;
        if (!FORMATS.includes(name)) throw new UsageError(`不支持的格式“${requested}”（可用：${FORMATS.join(' / ')} / auto）`, `unknown format "${requested}" (known: ${FORMATS.join(' / ')} / auto)`);
        const targets = parseTargets(opts.output, name, ctx.lang);
        if (opts.maxWarnings !== undefined && !/^\d+$/.test(opts.maxWarnings)) {
          throw new UsageError(`--max-warnings 应为非负整数（收到“${opts.maxWarnings}”）`, `--max-warnings must be a whole number (got "${opts.maxWarnings}")`);
        }
        const root = requireRoot(ctx.cwd);
        const only = paths.length ? new Set(paths.map((p) => pathInRepository(root, ctx.cwd, p))) : undefined;
        let scope: string | undefined;
        const whole = opts.changed === undefined && !opts.base && opts.programme === undefined && !only;
        if (whole) {
          // The whole repository: answered from the memo of the last run when nothing changed since (store/memo.ts).
          const { validateWhole } = await import('../../store/memo.js');
          return report(validateWhole(root, { today: opts.today, cache: opts.cache === false ? false : undefined }).problems);
        }
        const changedBase = typeof opts.changed === 'string' ? opts.changed : undefined;
        const changedModule = opts.changed !== undefined ? await import('../../store/changed.js') : undefined;
        // A pull request's check without loading every record, when the base's kept result makes that exact (changed.ts).
        const quick = changedModule && !opts.base && !only && opts.programme === undefined && opts.cache !== false
          ? await changedModule.quickChanged(root, { base: changedBase, today: opts.today })
          : undefined;
        if (changedModule && process.env.DJYC_STATS === '1') {
          process.stderr.write(`djyc changed: ${quick ? 'quick' : `whole (${changedModule.quickDecline.reason ?? 'options'})`}\n`);
        }
        const repo = quick?.repo ?? loadRepository(root, { cache: opts.cache === false ? false : undefined });
        let problems: Problem[];
        let baseRef = opts.base;
        let changes: BaseCheckOptions['changes'];
        if (changedModule) {
          const result = quick ?? changedModule.validateChanged(root, { base: changedBase, today: opts.today, repo });
          problems = result.problems;
          scope = tr(ctx.lang,
            `相对 ${result.base}（合并基点 ${result.mergeBase.slice(0, 8)}）改动的 ${result.changed.length} 个文件${result.related.length ? `，及引用它们的 ${result.related.length} 个记录` : ''}`,
            `${result.changed.length} file(s) changed since ${result.base} (merge base ${result.mergeBase.slice(0, 8)})${result.related.length ? `, and ${result.related.length} record(s) referring to them` : ''}`);
          // A pull request also gets the base checks (legal stage moves, append-only history…) against the same base.
          baseRef ??= result.mergeBase;
          changes = { base: result.mergeBase, changed: result.changed, deleted: result.deleted, baseTexts: result.baseTexts };
        } else {
          problems = validateRepository(repo, { today: opts.today });
        }
        if (baseRef) problems = sortProblems([...problems, ...(await (await import('../../store/basecheck.js')).checkAgainstBase(root, baseRef, { today: opts.today, repo, changes }))]);
        if (opts.programme !== undefined) {
          if (!repo.records.some((r) => r.kind === 'programme' && r.id === opts.programme)) throw new UsageError(`方案“${opts.programme}”不存在`, `programme "${opts.programme}" does not exist`);
          // Records of the other programmes (and the other programme files) are left out.
          const others = new Set(repo.records.filter((r) => (r.kind === 'programme' ? r.id : (r.data as { programme?: unknown }).programme) !== undefined && (r.kind === 'programme' ? r.id : (r.data as { programme?: unknown }).programme) !== opts.programme).map((r) => r.file));
          problems = problems.filter((p) => !others.has(p.file));
        }
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
        return report(problems);

        async function report(found: Problem[]): Promise<number> {
          let problems = found;
          // A write in progress or interrupted (a full disk, a kill): the files may be half written, so no ✓.
          const journal = pendingJournal(root);
          if (journal) {
            const shown = path.relative(root, journal).split(path.sep).join('/');
            problems = [{ file: shown.startsWith('..') ? journal : shown, line: 1, col: 1, severity: 'error', rule: 'pending-write', params: { journal: shown.startsWith('..') ? journal : shown } }, ...problems];
          }

          const files = targets.filter((t) => t.file !== '-').map((t) => t.file);
          for (const t of targets) {
            const text = format(t.format, problems, { lang: ctx.lang, color: t.format === 'stylish' && t.file === '-' ? await colors() : undefined, toolVersion: packageVersion() });
            writeOutput(ctx, text, t.file, { quiet: true });
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
            else writeOutput(ctx, text, summaryFile, { quiet: true });
          }
          if (errors) return 1;
          if (opts.maxWarnings !== undefined && warnings > Number(opts.maxWarnings)) return 1;
          return 0;
        }
      }),
    );
}
