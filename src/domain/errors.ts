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
