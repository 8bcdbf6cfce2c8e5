import { message, type Lang, type MessageKey } from './i18n.js';

/**
 * error: the records are wrong; warning: worth a look; notice: allowed and shown, never a failure (an amendment
 * made with --correct, reported by validate --base so that it stays visible).
 */
export type Severity = 'error' | 'warning' | 'notice';

/**
 * One finding about one file. Positions are 1-based. `pointer` (JSON Pointer into the record) is kept
 * so positions can be resolved lazily, only for files that have problems.
 */
export interface Problem {
  file: string;
  line: number;
  col: number;
  severity: Severity;
  /** Stable rule id, e.g. `schema`, `ref`, `duplicate-id`; also the message key. */
  rule: MessageKey;
  params: Record<string, string | number>;
  pointer?: string;
  /** Whether the pointer designates the key (unknown/missing keys) or the value. */
  at?: 'key' | 'value';
}

/** Params ending in `_zh`/`_en` are picked by language (e.g. `field_zh` → `field`). */
export function formatProblemMessage(p: Problem, lang: Lang): string {
  const params: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(p.params)) {
    const m = /^(.*)_(zh|en)$/.exec(k);
    if (!m) params[k] = v;
    else if (m[2] === lang) params[m[1]!] = v;
  }
  return message(lang, p.rule, params);
}

/** Problems by file, line and column; problems at the same place by rule, then parameters (one order however they were found). */
export function sortProblems(problems: Problem[]): Problem[] {
  return problems.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.col - b.col || samePlaceOrder(a, b)));
}

function samePlaceOrder(a: Problem, b: Problem): number {
  if (a.rule !== b.rule) return a.rule < b.rule ? -1 : 1;
  const pa = JSON.stringify(a.params);
  const pb = JSON.stringify(b.params);
  return pa < pb ? -1 : pa > pb ? 1 : 0;
}

export function countBySeverity(problems: Problem[]): { errors: number; warnings: number; notices: number } {
  let errors = 0;
  let warnings = 0;
  let notices = 0;
  for (const p of problems) {
    if (p.severity === 'error') errors++;
    else if (p.severity === 'notice') notices++;
    else warnings++;
  }
  return { errors, warnings, notices };
}
