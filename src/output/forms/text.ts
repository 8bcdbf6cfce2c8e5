/** Text helpers both form renderers share: paragraphs of a record text, Chinese numerals, the long-text estimate. */

export const isEmpty = (v: unknown): boolean => v === undefined || v === null || (typeof v === 'string' && v.trim() === '') || (Array.isArray(v) && v.length === 0);

/** Paragraphs of a record text: split at line breaks, blank lines dropped, each trimmed. */
export function paragraphs(v: unknown): string[] {
  if (typeof v !== 'string') return v === undefined || v === null ? [] : [String(v)];
  return v
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * A text is "long" when it may not fit on one page inside its cell: then its row is allowed to break across
 * pages; every other row stays whole and moves to the next page when it does not fit. The estimate counts
 * wrapped lines at `perLine` characters (a full-width cell at 四号 holds about 24).
 */
export const LONG_TEXT_LINES = 22;

export function estimateLines(v: unknown, perLine = 24): number {
  if (typeof v !== 'string') return 0;
  return paragraphs(v).reduce((n, p) => n + Math.max(1, Math.ceil([...p].length / perLine)), 0);
}

export function isLongText(v: unknown, perLine = 24): boolean {
  return estimateLines(v, perLine) > LONG_TEXT_LINES;
}

const CN_DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
/** 1 → 一, 2 → 两 (as in “领办以下两项工作”), 10 → 十, 12 → 十二, 25 → 二十五; other numbers stay Arabic. */
export function cnCount(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > 99) return String(n);
  if (n === 2) return '两';
  if (n < 10) return CN_DIGITS[n]!;
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  return `${tens === 1 ? '' : CN_DIGITS[tens]}十${ones ? CN_DIGITS[ones] : ''}`;
}

/** Ordinal numerals for （一）（二）…: 1 → 一, 2 → 二, 12 → 十二. */
export function cnOrdinal(n: number): string {
  return n === 2 ? '二' : cnCount(n);
}
