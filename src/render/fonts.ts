/**
 * The project's fonts, shipped with djyc in templates/fonts/ (never taken from the system, so a PDF looks the
 * same on every machine): woff2 slices with TrueType outlines listed in templates/fonts/fonts.json, built by
 * scripts/fonts/build.sh. This module turns the list into @font-face rules, serves the bytes to Chromium from
 * memory, and checks text against what the faces cover.
 *
 * Families (use the CSS variables of templates/forms/_base.css):
 *   DJYC Fang   FandolFang 400            body text of every form and of prose (仿宋); bold is synthesised
 *   DJYC Song   Noto Serif SC 700         titles (stand-in for 方正小标宋);
 *               Noto Serif SC 400         Latin and punctuation only (page numbers are 宋体 in GB/T 9704)
 *   DJYC Hei    Noto Sans SC 400 / 700    黑体
 *   DJYC Kai    LXGW WenKai 400           楷体; covers GBK and CJK Ext-A, so it is also the fallback placed
 *                                         last in every stack
 *   DJYC Marks  LXGW WenKai 400           □ ■ ☐ ☑ ☒ ✓ ✗ only, first in the form stacks: a row of boxes matches
 *   DJYC ExtB   HanaMinB (set-up)         CJK Ext-B and beyond
 */
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { TEMPLATES_DIR } from '../core/paths.js';

/** Made-up origin the page loads fonts from; the engine answers its requests from memory. */
export const FONT_ORIGIN = 'https://djyc.fonts';
/** URL of the stylesheet holding every @font-face rule (linked by wrapDocument, served by the engine). */
export const FONT_CSS_URL = `${FONT_ORIGIN}/fonts.css`;
/** Where the shipped fonts and their list live. */
export const FONTS_DIR = path.join(TEMPLATES_DIR, 'fonts');

export const FAMILY = { fang: 'DJYC Fang', song: 'DJYC Song', hei: 'DJYC Hei', kai: 'DJYC Kai', marks: 'DJYC Marks', extB: 'DJYC ExtB' } as const;
export const FONT_STACKS = {
  fang: `"${FAMILY.marks}", "${FAMILY.fang}", "${FAMILY.kai}", "${FAMILY.extB}"`,
  title: `"${FAMILY.marks}", "${FAMILY.song}", "${FAMILY.fang}", "${FAMILY.kai}", "${FAMILY.extB}"`,
  hei: `"${FAMILY.marks}", "${FAMILY.hei}", "${FAMILY.kai}", "${FAMILY.extB}"`,
  kai: `"${FAMILY.marks}", "${FAMILY.kai}", "${FAMILY.extB}"`,
} as const;

/** What a face is for: the site picks its faces by role (src/publish/fonts.ts). */
export type FaceRole = 'body' | 'numbers' | 'title' | 'text' | 'fallback' | 'marks';

/** One face of templates/fonts/fonts.json. */
export interface ShippedFace {
  key: string;
  family: string;
  weight: number;
  role: FaceRole;
  /** PostScript name: what pdffonts shows. */
  postscript: string;
  license: string;
  license_file: string;
  source: string;
  /** Slices: file relative to FONTS_DIR, unicode-range as in CSS. */
  files: Array<{ file: string; range: string }>;
}

let manifest: ShippedFace[] | undefined;

/** The shipped faces (templates/fonts/fonts.json), read once. */
export function shippedFaces(): ShippedFace[] {
  if (manifest) return manifest;
  const file = path.join(FONTS_DIR, 'fonts.json');
  let parsed: { faces?: ShippedFace[] };
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as { faces?: ShippedFace[] };
  } catch (err) {
    throw new Error(`djyc's font list ${file} cannot be read (${(err as Error).message}): reinstall djyc`);
  }
  if (!Array.isArray(parsed.faces) || parsed.faces.length === 0) throw new Error(`djyc's font list ${file} lists no faces: reinstall djyc`);
  manifest = parsed.faces;
  return manifest;
}

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

/** Parses "U+4e00-9fff,U+3001" into [start, end] pairs. */
export function parseUnicodeRange(value: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const part of value.split(',')) {
    const m = /^\s*U\+([0-9a-f?]+)(?:-([0-9a-f]+))?\s*$/i.exec(part);
    if (!m) continue;
    if (m[1].includes('?')) {
      out.push([parseInt(m[1].replace(/\?/g, '0'), 16), parseInt(m[1].replace(/\?/g, 'f'), 16)]);
    } else {
      const a = parseInt(m[1], 16);
      out.push([a, m[2] ? parseInt(m[2], 16) : a]);
    }
  }
  return out;
}

function build(): FontSet {
  const files = new Map<string, string>();
  const coverage = new Uint8Array(0x110000 >> 3);
  const rules: string[] = [];
  const cover = (range: string) => {
    for (const [a, b] of parseUnicodeRange(range)) {
      for (let cp = a; cp <= b && cp < 0x110000; cp++) coverage[cp >> 3] |= 1 << (cp & 7);
    }
  };
  for (const face of shippedFaces()) {
    for (const slice of face.files) {
      // The list is data: a slice path must stay inside the fonts folder.
      const file = path.resolve(FONTS_DIR, slice.file);
      if (!file.startsWith(FONTS_DIR + path.sep) || !file.endsWith('.woff2')) continue;
      const urlPath = `/${slice.file}`;
      files.set(urlPath, file);
      cover(slice.range);
      rules.push(
        `@font-face{font-family:"${face.family}";font-style:normal;font-weight:${face.weight};font-display:block;` +
          `src:url(${FONT_ORIGIN}${urlPath}) format("woff2");unicode-range:${slice.range}}`,
      );
    }
  }
  if (existsSync(EXT_B.file)) {
    const urlPath = `/${EXT_B.key}/${path.basename(EXT_B.file)}`;
    files.set(urlPath, EXT_B.file);
    cover(EXT_B.range);
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
 * person with describeChar (src/render/charmap.ts): a private-use character shows as nothing.
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
