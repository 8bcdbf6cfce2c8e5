import type { Problem } from './problem.js';

/** An error that the CLI boundary turns into a message and an exit code — never a stack trace. */
export class DjycError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = 2,
    /** Optional English message; `message` is Chinese. */
    readonly messageEn?: string,
  ) {
    super(message);
    this.name = 'DjycError';
  }
  localized(lang: 'zh' | 'en'): string {
    return lang === 'en' && this.messageEn ? this.messageEn : this.message;
  }
}

/** Wrong flags, missing arguments, not a records repository: exit 2. */
export class UsageError extends DjycError {
  constructor(message: string, messageEn?: string) {
    super(message, 2, messageEn);
    this.name = 'UsageError';
  }
}

/** Records (or input files) have problems: exit 1, each problem carries file:line:col. */
export class ProblemsError extends DjycError {
  constructor(readonly problems: Problem[], message = '发现问题，未写入任何文件', messageEn = 'problems found; nothing was written') {
    super(message, 1, messageEn);
    this.name = 'ProblemsError';
  }
}

/** A guard or business rule refused an operation: exit 1, nothing written. */
export class RefusedError extends DjycError {
  constructor(message: string, messageEn?: string) {
    super(message, 1, messageEn);
    this.name = 'RefusedError';
  }
}

/** Exit codes of the storage errors below (README: 4 read-only / no permission, 5 disk full). */
export const EXIT_NOT_WRITABLE = 4;
export const EXIT_DISK_FULL = 5;

/**
 * The repository (or an output file) cannot be written: a read-only file system or folder, no permission (exit 4),
 * or a full disk (exit 5). The message says so in one sentence; what the write had begun is rolled back.
 */
export class StorageError extends DjycError {
  constructor(message: string, messageEn?: string, exitCode: number = EXIT_NOT_WRITABLE) {
    super(message, exitCode, messageEn);
    this.name = 'StorageError';
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
    return new StorageError(`磁盘已满，无法写入 ${where}：${after.zh}。请腾出空间后重试`, `the disk is full, so ${where} cannot be written: ${after.en}. Free some space and try again`, EXIT_DISK_FULL);
  }
  return new StorageError(`无法写入 ${where}：文件系统只读或没有写权限；${after.zh}`, `cannot write to ${where}: the file system is read-only or permission is denied; ${after.en}`, EXIT_NOT_WRITABLE);
}
