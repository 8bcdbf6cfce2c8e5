/**
 * Reports that read the whole repository (deadlines, ledger) answered from the memo of their last run when the
 * repository has not changed since and the options are the same (store/memo.ts): what was printed is printed
 * again, notes and exit code included. The options' text holds everything the output depends on besides the
 * records: the command's options, today's date, the language, and whether colour could be used.
 */
import type { CliContext } from './io.js';
import { writeOutput } from './io.js';
import type { Repository } from '../domain/records.js';

export type MemoParams = Record<string, unknown>;

/** The options' text of a report run: its own options plus what the terminal adds (colour). */
export function reportParams(command: string, ctx: CliContext, options: Record<string, unknown>): MemoParams {
  return { command, lang: ctx.lang, tty: !!process.stdout.isTTY, noColor: process.env.NO_COLOR ?? null, ...options };
}

/** Prints a memo's answer and returns its exit code, or undefined when there is none for this state and these options. */
export async function printFromMemo(ctx: CliContext, root: string, name: string, params: MemoParams, output: string | undefined): Promise<number | undefined> {
  const { readMemo } = await import('../store/memo.js');
  const hit = readMemo(root, name, params);
  const meta = hit?.meta as { code?: unknown; notes?: unknown; bytes?: unknown } | undefined;
  if (!hit || typeof meta?.code !== 'number' || !Array.isArray(meta.notes)) return undefined;
  for (const note of meta.notes) ctx.err(String(note));
  writeOutput(ctx, meta.bytes ? hit.payload : hit.payload.toString('utf8'), output);
  return meta.code;
}

/** A context that also keeps the notes written on standard error (so a memo can give them again). */
export function notingContext(ctx: CliContext): { ctx: CliContext; notes: string[] } {
  const notes: string[] = [];
  return { ctx: { ...ctx, err: (t) => (notes.push(t), ctx.err(t)) }, notes };
}

/** Keeps what a report printed as the memo of its run (nothing when the loading had no witness). */
export async function keepInMemo(repo: Repository, name: string, params: MemoParams, content: string | Uint8Array, code: number, notes: string[]): Promise<void> {
  const { writeMemo } = await import('../store/memo.js');
  const bytes = typeof content !== 'string';
  writeMemo(repo, name, params, { payload: typeof content === 'string' ? content : Buffer.from(content), meta: { code, notes, bytes } });
}
