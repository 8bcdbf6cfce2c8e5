/** Plain-text, Markdown and CSV tables for terminal and file output (pure: rows in, text out). */

/** Display width of a string in a terminal: East Asian wide and full-width characters count 2. */
export function displayWidth(text: string): number {
  let w = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c < 0x20 || (c >= 0x7f && c < 0xa0) || (c >= 0x300 && c < 0x370) || c === 0x200b) continue;
    w += isWide(c) ? 2 : 1;
  }
  return w;
}

/** East Asian wide and full-width characters (and the curly quotes, dash and ellipsis CJK fonts draw full width). */
export function isWide(c: number): boolean {
  return (
    (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0x303e) || (c >= 0x3041 && c <= 0x33ff) ||
    (c >= 0x3400 && c <= 0x4dbf) || (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xa000 && c <= 0xa4cf) ||
    (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0xfe30 && c <= 0xfe4f) ||
    (c >= 0xff00 && c <= 0xff60) || (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x20000 && c <= 0x3fffd) ||
    c === 0x201c || c === 0x201d || c === 0x2018 || c === 0x2019 || c === 0x2014 || c === 0x2026
  );
}

/** Pads text with spaces to a display width. */
export function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}

/** Cuts text to a display width, ending with … when cut. */
export function truncate(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  let out = '';
  for (const ch of text) {
    if (displayWidth(out + ch) > width - 1) break;
    out += ch;
  }
  return `${out}…`;
}

/** Aligned columns separated by two spaces, a rule under the header. */
export function textTable(headers: string[], rows: string[][], opts: { maxWidth?: number } = {}): string {
  const max = opts.maxWidth ?? 40;
  const cells = rows.map((r) => r.map((c) => truncate((c ?? '').replace(/\s*\n\s*/g, ' '), max)));
  // Folded, not spread: Math.max(...) of 200,000 rows overflows the stack.
  const widths = headers.map((h, i) => cells.reduce((w, r) => Math.max(w, displayWidth(r[i] ?? '')), displayWidth(h)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : pad(c, widths[i]!))).join('  ').trimEnd();
  return [line(headers), widths.map((w) => '─'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

function mdCell(text: string): string {
  return (text ?? '').replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

/** A GitHub-flavoured Markdown table. */
export function markdownTable(headers: string[], rows: string[][]): string {
  return [
    `| ${headers.map(mdCell).join(' | ')} |`,
    `| ${headers.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${headers.map((_, i) => mdCell(r[i] ?? '')).join(' | ')} |`),
  ].join('\n');
}

function csvCell(text: string): string {
  const t = text ?? '';
  // Cells starting with = + - @ are quoted with a leading ' so spreadsheets do not run them as formulas.
  const safe = /^[=+\-@\t\r]/.test(t) && !/^-?\d+(\.\d+)?$/.test(t) ? `'${t}` : t;
  return /[",\r\n]/.test(safe) || safe !== t ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** CSV (RFC 4180, CRLF) with a UTF-8 byte-order mark so Excel reads Chinese correctly. */
export function csvTable(headers: string[], rows: string[][], opts: { bom?: boolean } = {}): string {
  const body = [headers, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n');
  return `${opts.bom === false ? '' : '\ufeff'}${body}\r\n`;
}
