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
