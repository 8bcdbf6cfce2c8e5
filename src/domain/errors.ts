/**
 * The errors djyc reports, each with its exit code from one table. The CLI boundary (cli/main.ts) turns them into
 * a message in the user's language and that code — never a stack trace. Anything else that escapes is an internal
 * error (exit 2).
 */
import type { Problem } from './problem.js';

/** Exit codes, as README (命令 Commands) documents them. */
export const EXIT_CODES = {
  ok: 0,
  /** Records or input files have problems, a rule refused the operation, or an output could not be made: nothing written. */
  failed: 1,
  /** Wrong flags or arguments, not a records repository, a tool djyc needs is missing (Chromium), an internal error. */
  usage: 2,
  /** The repository or an output cannot be written: a read-only file system or folder, no permission. */
  notWritable: 4,
  /** The disk is full. */
  diskFull: 5,
} as const;

/** An error with a Chinese message, an English one, and its exit code. */
export class DjycError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_CODES.usage,
    /** Optional English message; `message` is Chinese. */
    readonly messageEn?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
  localized(lang: 'zh' | 'en'): string {
    return lang === 'en' && this.messageEn ? this.messageEn : this.message;
  }
}

/** Wrong flags, missing arguments, not a records repository: exit 2. */
export class UsageError extends DjycError {
  constructor(message: string, messageEn?: string) {
    super(message, EXIT_CODES.usage, messageEn);
  }
}

/** A program djyc needs is not installed or cannot start (Chromium): exit 2, with how to install it. */
export class EnvironmentError extends DjycError {
  constructor(message: string, messageEn?: string) {
    super(message, EXIT_CODES.usage, messageEn);
  }
}

/** Records (or input files) have problems: exit 1, each problem carries file:line:col. */
export class ProblemsError extends DjycError {
  constructor(readonly problems: Problem[], message = '发现问题，未写入任何文件', messageEn = 'problems found; nothing was written') {
    super(message, EXIT_CODES.failed, messageEn);
  }
}

/** A guard or business rule refused an operation: exit 1, nothing written. */
export class RefusedError extends DjycError {
  constructor(message: string, messageEn?: string) {
    super(message, EXIT_CODES.failed, messageEn);
  }
}

/** An output (a PDF) could not be made: exit 1. */
export class OutputError extends DjycError {
  constructor(message: string, messageEn?: string) {
    super(message, EXIT_CODES.failed, messageEn);
  }
}

/**
 * The repository (or an output file) cannot be written: a read-only file system or folder, no permission (exit 4),
 * or a full disk (exit 5). The message says so in one sentence; what the write had begun is rolled back.
 */
export class StorageError extends DjycError {
  constructor(message: string, messageEn?: string, exitCode: number = EXIT_CODES.notWritable) {
    super(message, exitCode, messageEn);
  }
}

/** What kind of storage failure an error is (an errno, or git's own words for one), if it is one. */
export function storageFailure(err: unknown): 'disk-full' | 'not-writable' | undefined {
  const e = err as { code?: unknown; message?: unknown; stderr?: unknown } | undefined;
  const code = typeof e?.code === 'string' ? e.code : '';
  if (code === 'ENOSPC' || code === 'EDQUOT') return 'disk-full';
  if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM') return 'not-writable';
  const text = `${typeof e?.message === 'string' ? e.message : ''}\n${typeof e?.stderr === 'string' ? e.stderr : ''}`;
  if (/No space left on device|Disk quota exceeded|ENOSPC/i.test(text)) return 'disk-full';
  if (/Read-only file system|Permission denied|EROFS|EACCES/i.test(text)) return 'not-writable';
  return undefined;
}

/**
 * A StorageError for a failed write in `where` (a repository or a file), or undefined when `err` is something else.
 * `state`: nothing had been written yet ('untouched'), what was begun has been undone ('undone'), or it could not be
 * and the next writing command will ('pending').
 */
export function storageError(err: unknown, where: string, state: 'untouched' | 'undone' | 'pending' = 'undone'): StorageError | undefined {
  const kind = storageFailure(err);
  if (!kind) return undefined;
  const after = {
    untouched: { zh: '未做任何更改', en: 'nothing was changed' },
    undone: { zh: '已撤销本次写入，未做任何更改', en: 'what the write had begun was undone; nothing was changed' },
    pending: { zh: '写入未完成的部分将在下一次写入时撤销', en: 'the unfinished write will be undone by the next writing command' },
  }[state];
  if (kind === 'disk-full') {
    return new StorageError(`磁盘已满，无法写入 ${where}：${after.zh}。请腾出空间后重试`, `the disk is full, so ${where} cannot be written: ${after.en}. Free some space and try again`, EXIT_CODES.diskFull);
  }
  return new StorageError(`无法写入 ${where}：文件系统只读或没有写权限；${after.zh}`, `cannot write to ${where}: the file system is read-only or permission is denied; ${after.en}`, EXIT_CODES.notWritable);
}
