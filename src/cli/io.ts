import path from 'node:path';
import { writeAtomic } from '../store/files.js';
import { tr, type Lang } from '../domain/i18n.js';
import { redactPhones } from '../domain/privacy.js';
import { isIsoDate } from '../domain/dates.js';
import { UsageError } from '../domain/errors.js';

/** What every command gets from the CLI layer: language, streams, and whether a person is at a terminal. */
export interface CliContext {
  lang: Lang;
  cwd: string;
  interactive: boolean;
  out(text: string): void;
  err(text: string): void;
}

export function makeContext(lang: Lang, cwd: string): CliContext {
  return {
    lang,
    cwd,
    interactive: !!process.stdin.isTTY && !!process.stdout.isTTY && !process.env.CI,
    out: (t) => void process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
    err: (t) => void process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
  };
}

/** Checks a date option (a usage error unless it is a real YYYY-MM-DD day); returns it unchanged. */
export function checkIsoDate(value: string | undefined, flag = '--today'): string | undefined {
  if (value !== undefined && !isIsoDate(value)) throw new UsageError(`${flag} 应为日期 YYYY-MM-DD（收到“${value}”）`, `${flag} must be a date YYYY-MM-DD (got "${value}")`);
  return value;
}

/** chalk, loaded only when colour is wanted (NO_COLOR respected by chalk itself). */
export async function colors(stream: NodeJS.WriteStream = process.stdout) {
  const { Chalk } = await import('chalk');
  const level = process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '' ? 0 : stream.isTTY ? 1 : 0;
  const c = new Chalk({ level });
  return { red: c.red, yellow: c.yellow, dim: c.dim, bold: c.bold, green: c.green, cyan: c.cyan };
}

/**
 * The privacy guard on the terminal: text written to standard output and error (by ctx.out/err or directly)
 * shows any mobile number masked (138****8000) — one that slipped into a title, a name or a note. Bytes (PDF,
 * xlsx) pass untouched; files that must hold numbers (records, forms) never go through here.
 */
export function installOutputGuard(): void {
  outputGuard.installed = true;
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => write(typeof chunk === 'string' ? guardedText(chunk) : chunk, ...rest)) as typeof stream.write;
  }
}

/** A text as the output guard shows it (counted in `outputGuard.masked` when that changes it). */
export function guardedText(text: string): string {
  const shown = redactPhones(text);
  if (shown !== text) outputGuard.masked++;
  return shown;
}

/**
 * Whether the output guard is on, and how many texts it has changed so far: a report printed with the count
 * unchanged had nothing to mask, so its memo can be printed again as the bytes it is (cli/memo-output.ts).
 */
export const outputGuard = { installed: false, masked: 0 };

/**
 * Where a command's output goes: standard output for '-' (or no file), else the file (relative to the command's
 * folder), written atomically and named on standard error unless `quiet`. `content` may come in pieces (a report
 * made piece by piece is never one string in memory).
 */
export function writeOutput(ctx: CliContext, content: string | Uint8Array | Iterable<string>, file: string | undefined, opts: { quiet?: boolean } = {}): void {
  // A long text (a report of many megabytes) goes out in pieces of whole lines: never encoded into one buffer.
  const pieces = typeof content === 'string' ? (content.length > 4 * LINE_PIECE ? linePieces(content, LINE_PIECE) : undefined) : content instanceof Uint8Array ? undefined : content;
  if (toStandardOutput(file)) {
    if (pieces) for (const piece of pieces) process.stdout.write(piece);
    else process.stdout.write(content as string | Uint8Array);
    return;
  }
  const abs = path.resolve(ctx.cwd, file);
  writeAtomic(abs, pieces ?? (content as string | Uint8Array));
  if (!opts.quiet) ctx.err(tr(ctx.lang, `已写入 ${abs}`, `written: ${abs}`));
}

/** Whether an output option names standard output (none given, or '-'). */
export const toStandardOutput = (file: string | undefined): file is undefined | '-' => file === undefined || file === '-';

const LINE_PIECE = 1 << 20;

/** A text in pieces of about `size` characters, each ending with a line break (the last one as the text ends). */
export function linePieces(text: string, size: number): string[] {
  const out: string[] = [];
  for (let at = 0; at < text.length; ) {
    const nl = at + size >= text.length ? -1 : text.indexOf('\n', at + size);
    const end = nl < 0 ? text.length : nl + 1;
    out.push(text.slice(at, end));
    at = end;
  }
  return out;
}

/**
 * A reader that stops reading (`djyc ledger | head -1`) closes the pipe: the next write fails with EPIPE. That is
 * the reader's choice, not an error: stop writing to that stream, say nothing, and let the command finish with its
 * own exit code. Any other failure to write (a full disk) is an environment error (exit 2).
 */
let pipeGuarded = false;
export function installPipeGuard(): void {
  // Once per process (a host that runs main() again and again, like the tests' CLI thread, must not stack listeners).
  if (pipeGuarded) return;
  pipeGuarded = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') return;
      process.exitCode = 2;
      if (stream === process.stdout && !process.stderr.destroyed) process.stderr.write(`djyc: ${err.message}\n`);
    });
  }
}
