/** CLI helpers shared by the workflow commands (advance, claim, task, report, close, panel, accept, rate, select, brand). */
import { say, tr, type Lang, type Text } from '../domain/i18n.js';
import { stepLine, type Step } from '../domain/next.js';
import { formatProblemMessage } from '../domain/problem.js';
import { requireRoot } from '../store/root.js';
import { UsageError } from '../domain/errors.js';
import type { OpOptions, OpResult } from '../commands/workspace.js';
import type { CliContext } from './io.js';
import type { CorrectOptions, WriteOptions } from './options.js';

/** The write group of a command's options, as the core's operations take it. */
export function opOptions(ctx: CliContext, f: WriteOptions & { programme?: string }): OpOptions {
  return { root: requireRoot(ctx.cwd), date: f.date, by: f.by, note: f.note, dryRun: f.dryRun, programme: f.programme };
}

/** `--correct --reason`: a correction of recorded results (both flags, or neither). */
export function correction(f: Partial<CorrectOptions>): OpOptions['correction'] {
  if (f.reason !== undefined && !f.correct) throw new UsageError('--reason 只与 --correct 同用（说明更正理由）', '--reason goes with --correct (why the result is corrected)');
  if (!f.correct) return undefined;
  if (!f.reason?.trim()) throw new UsageError('--correct 须同时用 --reason 说明更正理由', '--correct needs --reason to say why');
  return { reason: f.reason.trim() };
}

export function parseInt10(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value.trim())) throw new UsageError(`${flag} 应为整数（收到“${value}”）`, `${flag} must be a whole number (got "${value}")`);
  return Number(value);
}

export function parseNumber(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!value.trim() || Number.isNaN(n)) throw new UsageError(`${flag} 应为数字（收到“${value}”）`, `${flag} must be a number (got "${value}")`);
  return n;
}

/** `好=20,较好=8` or `20/8/2/0` (in the order of `keys`) → a map. */
export function parsePairs(values: string[] | undefined, flag: string, keys?: readonly string[]): Record<string, number> | undefined {
  if (!values?.length) return undefined;
  const out: Record<string, number> = {};
  for (const v of values) {
    const parts = v.split(/[,，、;；/]/).map((s) => s.trim()).filter(Boolean);
    if (keys && parts.length === keys.length && parts.every((x) => /^\d+$/.test(x))) {
      keys.forEach((k, i) => (out[k] = Number(parts[i])));
      continue;
    }
    for (const part of parts) {
      const m = /^(.+?)\s*[=:：]\s*(-?\d+(?:\.\d+)?)$/.exec(part);
      if (!m) throw new UsageError(`${flag} 的格式应为 名称=数值（收到“${part}”）`, `${flag} must look like name=value (got "${part}")`);
      out[m[1]!.trim()] = Number(m[2]);
    }
  }
  return out;
}

/** Prints a writing operation's outcome: the summary, notes, warnings, and for a dry run the changes it would make. */
export function printOp(ctx: CliContext, r: OpResult, summary: Text, json: boolean | undefined, extra: Record<string, unknown> = {}): void {
  if (json) {
    ctx.out(JSON.stringify({ ...extra, dryRun: r.dryRun, commit: r.commit || undefined, message: r.message, nextSteps: r.dryRun ? undefined : jsonSteps(ctx.lang, r.next), changes: r.changes.map((c) => ({ path: c.path, action: c.action, ...(r.dryRun ? { diff: c.diff } : {}) })), notes: r.notes.map((n) => say(ctx.lang, n)), warnings: r.warnings.map((w) => ({ file: w.file, line: w.line, col: w.col, rule: w.rule, message: formatProblemMessage(w, ctx.lang) })) }, null, 2));
    return;
  }
  for (const w of r.warnings) ctx.err(`${w.file}:${w.line}:${w.col}  ${w.severity === 'notice' ? tr(ctx.lang, '更正', 'notice') : tr(ctx.lang, '警告', 'warning')}  ${formatProblemMessage(w, ctx.lang)}  [${w.rule}]`);
  for (const n of r.notes) ctx.err(say(ctx.lang, n));
  if (r.dryRun) {
    ctx.out(tr(ctx.lang, `（试运行，未写入任何文件）${summary.zh}`, `(dry run, nothing written) ${summary.en}`));
    for (const c of r.changes) {
      ctx.out(`${c.action === 'create' ? tr(ctx.lang, '新建', 'create') : tr(ctx.lang, '修改', 'edit')} ${c.path}`);
      for (const line of c.diff) ctx.out(`    ${line}`);
    }
    ctx.out(tr(ctx.lang, `提交说明：${r.message}`, `commit message: ${r.message}`));
    return;
  }
  ctx.out(say(ctx.lang, summary));
  ctx.out(tr(ctx.lang, `文件：${r.changes.map((c) => c.path).join('、')}`, `files: ${r.changes.map((c) => c.path).join(', ')}`));
  ctx.out(tr(ctx.lang, `提交：${r.commit.slice(0, 8)}`, `commit: ${r.commit.slice(0, 8)}`));
  printNext(ctx, r.next);
}

/** The next steps after a write: `下一步：<command>   # <what, when>` (several: one per line). */
export function printNext(ctx: CliContext, steps: readonly Step[] | undefined, year?: number): void {
  if (!steps?.length) return;
  const head = tr(ctx.lang, '下一步：', 'next: ');
  if (steps.length === 1) {
    ctx.out(`${head}${stepLine(steps[0]!, ctx.lang, year)}`);
    return;
  }
  ctx.out(head);
  for (const s of steps) ctx.out(`  ${stepLine(s, ctx.lang, year)}`);
}

/** Next steps as JSON output carries them. */
export function jsonSteps(lang: Lang, steps: readonly Step[] | undefined): unknown[] {
  return (steps ?? []).map((s) => ({ command: s.command, what: say(lang, s.what), subject: s.subject, due: s.due, window: s.window, reason: s.reason ? say(lang, s.reason) : undefined }));
}
