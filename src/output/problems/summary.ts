import { countBySeverity, type Problem } from '../../domain/problem.js';
import { tr, type Lang } from '../../domain/i18n.js';
import { problemText, severityLabel } from './text.js';

/** GitHub shows at most this many error (and as many warning) annotations per step. */
export const GITHUB_ANNOTATION_LIMIT = 10;
/** Rows in the summary table; the step summary itself is limited to 1 MiB. */
const MAX_ROWS = 1000;

export interface SummaryOptions {
  lang: Lang;
  /** What was checked, e.g. "changes since origin/main (merge base 1a2b3c4)". */
  scope?: string;
  /** Reports written next to the summary (names shown to the reader). */
  reports?: string[];
}

function cell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ').replace(/</g, '&lt;');
}

/**
 * A Markdown report of every problem, for `$GITHUB_STEP_SUMMARY` (GitHub Actions) or a merge-request note:
 * counts, the annotation limit when it bites, then one table row per problem.
 */
export function summary(problems: Problem[], opts: SummaryOptions): string {
  const { errors, warnings, notices } = countBySeverity(problems);
  const out: string[] = [`## djyc validate`, ''];
  if (opts.scope) out.push(tr(opts.lang, `范围：${opts.scope}`, `Scope: ${opts.scope}`), '');
  if (!problems.length) {
    out.push(tr(opts.lang, '✓ 未发现问题。', '✓ No problems found.'), '');
    return `${out.join('\n')}\n`;
  }
  const amended = notices ? tr(opts.lang, `另有 **${notices}** 处更正（已说明理由）。`, ` **${notices}** amendment(s), with reasons.`) : '';
  out.push(
    errors || warnings
      ? tr(opts.lang, `✖ **${errors}** 个错误，**${warnings}** 个警告。${amended}`, `✖ **${errors}** error(s), **${warnings}** warning(s).${amended}`)
      : tr(opts.lang, `✓ 未发现问题。${amended}`, `✓ No problems found.${amended}`),
    '',
  );
  if (errors > GITHUB_ANNOTATION_LIMIT || warnings > GITHUB_ANNOTATION_LIMIT) {
    const also = opts.reports?.length ? tr(opts.lang, `及报告 ${opts.reports.join('、')}`, ` and in ${opts.reports.join(', ')}`) : '';
    out.push(
      tr(
        opts.lang,
        `> GitHub 每个步骤只显示前 ${GITHUB_ANNOTATION_LIMIT} 个错误和 ${GITHUB_ANNOTATION_LIMIT} 个警告注释；全部问题见下表${also}。`,
        `> GitHub shows only the first ${GITHUB_ANNOTATION_LIMIT} error and ${GITHUB_ANNOTATION_LIMIT} warning annotations of a step; every problem is listed below${also}.`,
      ),
      '',
    );
  }
  out.push(tr(opts.lang, '| 文件 | 行:列 | 级别 | 说明 | 规则 |', '| File | Line:Col | Severity | Message | Rule |'), '|---|---|---|---|---|');
  for (const p of problems.slice(0, MAX_ROWS)) {
    const sev = severityLabel(p.severity, opts.lang);
    out.push(`| \`${cell(p.file)}\` | ${p.line}:${p.col} | ${sev} | ${cell(problemText(p, opts.lang))} | \`${p.rule}\` |`);
  }
  if (problems.length > MAX_ROWS) {
    const rest = problems.length - MAX_ROWS;
    out.push('', tr(opts.lang, `……另有 ${rest} 个问题（见完整报告）。`, `… and ${rest} more (see the full report).`));
  }
  return `${out.join('\n')}\n`;
}
