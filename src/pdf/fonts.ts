/**
 * The shipped fonts served to Chromium (assets/fonts.ts lists them): @font-face rules for every slice of every face,
 * the bytes behind them served from memory, and a coverage check for characters that no face has. Use the stacks
 * in FONT_STACKS or the CSS variables in templates/forms/_base.css.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { FONT_ORIGIN } from '../output/html.js';
import { FAMILY, fontSlices, parseUnicodeRange } from '../assets/fonts.js';

export const FONT_STACKS = {
  fang: `"${FAMILY.marks}", "${FAMILY.fang}", "${FAMILY.kai}", "${FAMILY.extB}"`,
  title: `"${FAMILY.marks}", "${FAMILY.song}", "${FAMILY.fang}", "${FAMILY.kai}", "${FAMILY.extB}"`,
  hei: `"${FAMILY.marks}", "${FAMILY.hei}", "${FAMILY.kai}", "${FAMILY.extB}"`,
  kai: `"${FAMILY.marks}", "${FAMILY.kai}", "${FAMILY.extB}"`,
} as const;

/**
 * No shipped face covers CJK Extension B and beyond (e.g. 𠀀 U+20000; HanaMinB alone is 30 MB), so the
 * project's set-up installs Debian's fonts-hanazono and we serve its HanaMinB.ttf ourselves (never through
 * fontconfig), for the supplementary ideographic plane only. DJYC_EXTB_FONT points at another TrueType file.
 */
const EXT_B = {
  key: 'extb',
  family: FAMILY.extB,
  file: process.env.DJYC_EXTB_FONT ?? '/usr/share/fonts/truetype/hanazono/HanaMinB.ttf',
  range: 'U+20000-2A6DF,U+2A700-2EBEF,U+2F800-2FA1F,U+30000-3134F',
};

interface FontSet {
  css: string;
  /** URL path (/fang/000.woff2) → absolute file; only files named in the font list are served. */
  files: Map<string, string>;
  /** One bit per code point: some face covers it. */
  coverage: Uint8Array;
}

let fontSet: FontSet | undefined;
const bytes = new Map<string, Promise<Buffer>>();

function build(): FontSet {
  const files = new Map<string, string>();
  const coverage = new Uint8Array(0x110000 >> 3);
  const rules: string[] = [];
  const cover = (ranges: Array<[number, number]>) => {
    for (const [a, b] of ranges) {
      for (let cp = a; cp <= b && cp < 0x110000; cp++) coverage[cp >> 3] |= 1 << (cp & 7);
    }
  };
  for (const slice of fontSlices()) {
    const urlPath = `/${slice.name}`;
    files.set(urlPath, slice.file);
    cover(slice.ranges);
    rules.push(
      `@font-face{font-family:"${slice.family}";font-style:normal;font-weight:${slice.weight};font-display:block;` +
        `src:url(${FONT_ORIGIN}${urlPath}) format("woff2");unicode-range:${slice.range}}`,
    );
  }
  if (existsSync(EXT_B.file)) {
    const urlPath = `/${EXT_B.key}/${path.basename(EXT_B.file)}`;
    files.set(urlPath, EXT_B.file);
    cover(parseUnicodeRange(EXT_B.range));
    rules.push(
      `@font-face{font-family:"${EXT_B.family}";font-style:normal;font-weight:400;font-display:block;` +
        `src:url(${FONT_ORIGIN}${urlPath}) format("truetype");unicode-range:${EXT_B.range}}`,
    );
  }
  return { css: rules.join('\n') + '\n', files, coverage };
}

function fonts(): FontSet {
  fontSet ??= build();
  return fontSet;
}

/** All @font-face rules (≈650 slices, ~0.4 MB): serve it as a stylesheet (FONT_CSS_URL), don't inline it. */
export function fontFaceCss(): string {
  return fonts().css;
}

export interface FontResponse {
  body: Buffer;
  contentType: string;
}

/**
 * Answers a request to FONT_ORIGIN from memory (files are read once, on first use), or undefined for
 * anything that is not one of the shipped font files or the font stylesheet.
 */
export async function fontResponse(url: string): Promise<FontResponse | undefined> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  if (u.origin !== FONT_ORIGIN) return undefined;
  if (u.pathname === '/fonts.css') return { body: cssBytes(), contentType: 'text/css; charset=utf-8' };
  const file = fonts().files.get(u.pathname);
  if (!file) return undefined;
  let p = bytes.get(file);
  if (!p) {
    p = readFile(file);
    p.catch(() => bytes.delete(file));
    bytes.set(file, p);
  }
  return { body: await p, contentType: file.endsWith('.ttf') ? 'font/ttf' : 'font/woff2' };
}

let cssBuffer: Buffer | undefined;
function cssBytes(): Buffer {
  cssBuffer ??= Buffer.from(fontFaceCss(), 'utf8');
  return cssBuffer;
}

/** True when some shipped face (or the set-up's Ext-B font) has a glyph for this code point. */
export function isCovered(codePoint: number): boolean {
  const cov = fonts().coverage;
  return codePoint < 0x110000 && (cov[codePoint >> 3] & (1 << (codePoint & 7))) !== 0;
}

/**
 * Characters of `text` that no face covers (each once, in order of appearance): they would be drawn from a
 * system font or as a tofu box. Control characters and ordinary whitespace are ignored. HTML numeric
 * character references (&#x20000;) are decoded first, so it can be run on a whole document. Name them to a
 * person with describeChar (output/charmap.ts): a private-use character shows as nothing.
 */
export function uncoveredChars(text: string): string[] {
  const decoded = text.replace(/&#(x[0-9a-f]+|\d+);/gi, (m, n: string) => {
    const cp = n[0] === 'x' || n[0] === 'X' ? parseInt(n.slice(1), 16) : parseInt(n, 10);
    return cp > 0 && cp < 0x110000 ? String.fromCodePoint(cp) : m;
  });
  const seen = new Set<number>();
  const out: string[] = [];
  for (const ch of decoded) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80 || seen.has(cp)) continue; // ASCII is in every face
    seen.add(cp);
    // Format characters never need a glyph (ZWSP/ZWJ, BOM, variation selectors); NBSP is a space.
    if (cp === 0xa0 || cp === 0xfeff || (cp >= 0x200b && cp <= 0x200f) || (cp >= 0xfe00 && cp <= 0xfe0f) || (cp >= 0xe0100 && cp <= 0xe01ef)) continue;
    if (!isCovered(cp)) out.push(ch);
  }
  return out;
}
