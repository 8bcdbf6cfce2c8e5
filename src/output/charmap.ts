/**
 * Characters Word leaves in pasted or exported text that no bundled font can print, replaced by the Unicode
 * characters they stand for. Pure; applied to every rendered template body (forms, packs, notices) and site
 * page, never to the records themselves (the records keep what the person typed).
 *
 * Word writes a character of a symbol font (Wingdings, Wingdings 2, Symbol) as U+F000 + the font's byte, so
 * the text no longer says which font it was. Where one code means different things in the three fonts, the
 * reading usual in Chinese office forms wins: U+F0A3 is Wingdings 2's check box (£), not Symbol's ≤;
 * U+F052 is Wingdings 2's ☑ (R), not Symbol's Ρ. Codes not listed here stay as they are and are named by
 * their code point in the render's missing-glyph note.
 *
 * Every replacement is a character the bundled faces draw (a test checks it against the coverage): the
 * Unicode equivalent where the faces have it (☑ ☒ ✓ ✗ come from the one "DJYC Marks" face so a row of boxes
 * matches), otherwise the nearest look-alike they have: ☐ ◻ ⬜ ❑ → □, ✔ → ✓, 🗹 → ☑, 🗷 → ☒, ⮚ → ▶.
 */

const WORD_SYMBOLS: ReadonlyArray<readonly [number, string, string]> = [
  // [code, replacement, what it is in the symbol font]
  [0xf020, ' ', 'space (every symbol font)'],
  // Wingdings 2: the check boxes Chinese forms are made of
  [0xf0a3, '□', 'Wingdings 2 £: white square (check box)'],
  [0xf052, '☑', 'Wingdings 2 R: ballot box with check'],
  [0xf053, '☒', 'Wingdings 2 S: ballot box with x'],
  [0xf054, '☒', 'Wingdings 2 T: ballot box with bold x'],
  [0xf050, '✓', 'Wingdings 2 P: check mark'],
  [0xf04f, '✗', 'Wingdings 2 O: ballot x'],
  [0xf0a2, '■', 'Wingdings 2 ¢: black large square'],
  // Wingdings
  [0xf06c, '●', 'Wingdings l: black circle'],
  [0xf06e, '■', 'Wingdings n: black square'],
  [0xf06f, '□', 'Wingdings o: white square'],
  [0xf070, '□', 'Wingdings p: bold white square'],
  [0xf071, '□', 'Wingdings q: shadowed white square ❑'],
  [0xf072, '□', 'Wingdings r: shadowed white square ❒'],
  [0xf075, '◆', 'Wingdings u: black diamond'],
  [0xf076, '❖', 'Wingdings v: black diamond minus white x'],
  [0xf09e, '·', 'Wingdings: middle dot'],
  [0xf09f, '•', 'Wingdings: bullet'],
  [0xf0a1, '○', 'Wingdings: white circle'],
  [0xf0a4, '◉', 'Wingdings: fisheye'],
  [0xf0a5, '◎', 'Wingdings: bullseye'],
  [0xf0a7, '▪', 'Wingdings §: black small square (bullet)'],
  [0xf0a8, '□', 'Wingdings ¨: white medium square ◻'],
  [0xf0ab, '★', 'Wingdings «: black star'],
  [0xf0d8, '▶', 'Wingdings Ø: right arrowhead ⮚ (bullet)'],
  [0xf0e0, '→', 'Wingdings à: rightwards arrow'],
  [0xf0e8, '→', 'Wingdings è: heavy rightwards arrow'],
  [0xf0f0, '⇨', 'Wingdings ð: white rightwards arrow'],
  [0xf0fb, '✗', 'Wingdings û: ballot x 🗶'],
  [0xf0fc, '✓', 'Wingdings ü: heavy check mark ✔'],
  [0xf0fd, '☒', 'Wingdings ý: ballot box with x 🗷'],
  [0xf0fe, '☑', 'Wingdings þ: ballot box with check 🗹'],
  ...Array.from({ length: 10 }, (_, i) => [0xf081 + i, String.fromCodePoint(0x2460 + i), `Wingdings: circled digit ${i + 1}`] as const),
  ...Array.from({ length: 10 }, (_, i) => [0xf08c + i, String.fromCodePoint(0x2776 + i), `Wingdings: negative circled digit ${i + 1}`] as const),
  // Symbol
  [0xf0b7, '•', 'Symbol ·: bullet (Word\'s default list bullet)'],
  [0xf0d6, '√', 'Symbol Ö: square root (used as a tick)'],
  [0xf0b4, '×', 'Symbol ´: multiplication sign'],
  [0xf0b8, '÷', 'Symbol ¸: division sign'],
  [0xf0b1, '±', 'Symbol ±: plus-minus sign'],
  [0xf0b3, '≥', 'Symbol ³: greater-than or equal to'],
  [0xf0b0, '°', 'Symbol °: degree sign'],
  [0xf0ac, '←', 'Symbol ¬: leftwards arrow'],
  [0xf0ad, '↑', 'Symbol ­: upwards arrow'],
  [0xf0ae, '→', 'Symbol ®: rightwards arrow'],
  [0xf0af, '↓', 'Symbol ¯: downwards arrow'],
];

/**
 * Look-alikes for characters that are not private-use but that no bundled face draws in the body's style
 * (☐ exists only in the fallback face, in another design than □).
 */
const LOOK_ALIKES: ReadonlyArray<readonly [number, string]> = [
  [0x2610, '□'], // ☐ ballot box
  [0x25fb, '□'], // ◻ white medium square
  [0x2b1c, '□'], // ⬜ white large square
  [0x2751, '□'], // ❑
  [0x2752, '□'], // ❒
  [0x2714, '✓'], // ✔ heavy check mark
  [0x1f5f8, '✓'], // 🗸 light check mark
  [0x1f5f9, '☑'], // 🗹
  [0x1f5f7, '☒'], // 🗷
  [0x1f5f6, '✗'], // 🗶
  [0x2718, '✗'], // ✘ heavy ballot x
];

/** Code point → replacement, for every character this module changes. */
export const CHAR_MAP: ReadonlyMap<number, string> = new Map<number, string>([
  ...WORD_SYMBOLS.map(([cp, to]) => [cp, to] as [number, string]),
  ...LOOK_ALIKES.map(([cp, to]) => [cp, to] as [number, string]),
]);

const PATTERN = new RegExp(`[${[...CHAR_MAP.keys()].map((cp) => `\\u{${cp.toString(16)}}`).join('')}]`, 'gu');

/** `text` with Word's symbol-font characters and the listed look-alikes replaced (others left alone). */
export function mapSymbols(text: string): string {
  return text.replace(PATTERN, (ch) => CHAR_MAP.get(ch.codePointAt(0)!) ?? ch);
}

/** "U+F0A3", "U+20000": how a character is named in notes (a private-use character shows as nothing). */
export function codePointLabel(ch: string): string {
  return `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** "𠀀 (U+20000)" for a visible character, "U+F0A3" for a private-use or unassigned-looking one. */
export function describeChar(ch: string): string {
  const cp = ch.codePointAt(0)!;
  const invisible = (cp >= 0xe000 && cp <= 0xf8ff) || cp >= 0xf0000 || /\p{C}/u.test(ch);
  return invisible ? codePointLabel(ch) : `${ch} (${codePointLabel(ch)})`;
}
