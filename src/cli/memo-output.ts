/**
 * Reports that read the whole repository (deadlines, ledger) answered from the memo of their last run when the
 * repository has not changed since and the options are the same (store/memo.ts): what was printed is printed
 * again, notes and exit code included. The options' text holds everything the output depends on besides the
 * records: the command's options, today's date, the language, and whether colour could be used.
 */
import type { CliContext } from './io.js';
import { guardedText, outputGuard, toStandardOutput, writeOutput } from './io.js';
import type { Repository } from '../domain/records.js';

export type MemoParams = Record<string, unknown>;

/** The options' text of a report run: its own options plus what the terminal adds (colour). */
export function reportParams(command: string, ctx: CliContext, options: Record<string, unknown>): MemoParams {
  return { command, lang: ctx.lang, tty: !!process.stdout.isTTY, noColor: process.env.NO_COLOR ?? null, ...options };
}

/**
 * Prints a memo's answer and returns its exit code, or undefined when there is none for this state and these options.
 * `holds`: what else the answer depended on, checked against the memo's meta (a report that looked at files outside
 * the records: store/memo.ts `filesLookedAt`).
 */
export async function printFromMemo(ctx: CliContext, root: string, name: string, params: MemoParams, output: string | undefined, holds?: (meta: Record<string, unknown>) => boolean): Promise<number | undefined> {
  const { readMemo } = await import('../store/memo.js');
  const hit = readMemo(root, name, params);
  const meta = hit?.meta as { code?: unknown; notes?: unknown; bytes?: unknown; clean?: unknown } | undefined;
  if (!hit || typeof meta?.code !== 'number' || !Array.isArray(meta.notes)) return undefined;
  if (holds && !holds(meta)) return undefined;
  for (const note of meta.notes) ctx.err(String(note));
  // As bytes where the text goes out as it is: to a file, or to the terminal when the guard found nothing to mask
  // in it the first time. Else as text, through the guard again.
  const asBytes = meta.bytes || meta.clean === true || !toStandardOutput(output);
  writeOutput(ctx, asBytes ? hit.payload : textPieces(hit.payload), output);
  return meta.code;
}

/** UTF-8 text as strings of about a megabyte, cut after line breaks (never inside a character). */
function* textPieces(bytes: Buffer, size = 1 << 20): Generator<string> {
  for (let at = 0; at < bytes.length; ) {
    const nl = at + size >= bytes.length ? -1 : bytes.indexOf(0x0a, at + size);
    const end = nl < 0 ? bytes.length : nl + 1;
    yield bytes.toString('utf8', at, end);
    at = end;
  }
}

/** A context that also keeps the notes written on standard error (so a memo can give them again). */
export function notingContext(ctx: CliContext): { ctx: CliContext; notes: string[] } {
  const notes: string[] = [];
  return { ctx: { ...ctx, err: (t) => (notes.push(t), ctx.err(t)) }, notes };
}

/**
 * Writes a report (whole, or in pieces made as they are written) and keeps it as the memo of its run on the way
 * (`memo` undefined: no memo). A write that fails leaves no memo.
 */
export async function writeKeptOutput(ctx: CliContext, memo: { repo: Repository; name: string; params: MemoParams; code: number; notes: string[]; meta?: Record<string, unknown> } | undefined, content: string | Uint8Array | Iterable<string>, output: string | undefined): Promise<void> {
  if (!memo) return writeOutput(ctx, content, output);
  const masked = outputGuard.masked;
  // Printed, and the guard changed nothing on the way: the memo's bytes are what a later run would show.
  const clean = () => toStandardOutput(output) && outputGuard.installed && outputGuard.masked === masked;
  if (typeof content === 'string' || content instanceof Uint8Array) {
    writeOutput(ctx, content, output);
    return keepInMemo(memo.repo, memo.name, memo.params, content, { ...memo.meta, code: memo.code, notes: memo.notes, clean: clean() });
  }
  const { MemoSink } = await import('../store/memo.js');
  const sink = MemoSink.open(memo.repo, memo.name, memo.params);
  if (!sink) return writeOutput(ctx, content, output);
  try {
    if (toStandardOutput(output)) {
      // Each piece encoded once: the bytes the terminal gets (text through the guard) are the memo's, unless the
      // guard changed the piece.
      for (const piece of content) {
        const shown = outputGuard.installed ? guardedText(piece) : piece;
        const bytes = Buffer.from(shown);
        sink.write(shown === piece ? bytes : piece);
        process.stdout.write(bytes);
      }
    } else writeOutput(ctx, sink.tee(content), output);
  } catch (err) {
    sink.abandon();
    throw err;
  }
  sink.finish({ ...memo.meta, code: memo.code, notes: memo.notes, bytes: false, clean: clean() });
}

/** Keeps what a report printed as the memo of its run (nothing when the loading had no witness). */
async function keepInMemo(repo: Repository, name: string, params: MemoParams, content: string | Uint8Array, meta: { code: number; notes: string[]; clean: boolean; [more: string]: unknown }): Promise<void> {
  const { writeMemo } = await import('../store/memo.js');
  const bytes = typeof content !== 'string';
  writeMemo(repo, name, params, { payload: typeof content === 'string' ? content : Buffer.from(content), meta: { ...meta, bytes } });
}
