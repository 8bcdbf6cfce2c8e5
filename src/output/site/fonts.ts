/**
 * Web fonts for the published site, copied from the npm font packages (never fetched from a CDN, never taken
 * from the system). The packages ship each face cut into ~100 unicode-range slices; the site gets only the
 * slices whose range meets a character that the site's pages actually use, so a site of a few hundred
 * distinct characters carries a few MB of fonts, not 70.
 *
 * Faces: DJYC Hei (Noto Sans SC 400/700) for all text, DJYC Song 900 (Noto Serif SC) for page titles, and
 * DJYC Kai (LXGW WenKai, covers all of GBK) only for characters the first two lack.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { packageDir, parseUnicodeRange } from '../../pdf/fonts.js';

export type Role = 'text' | 'title' | 'fallback';

export interface Face {
  family: string;
  weight: number;
  role: Role;
  /** Absolute path of the woff2 slice. */
  file: string;
  /** unicode-range as written in the package CSS. */
  range: string;
  ranges: Array<[number, number]>;
}

interface Source {
  family: string;
  weight: number;
  role: Role;
  pkg: string;
  css: string;
}

const SOURCES: Source[] = [
  { family: 'DJYC Hei', weight: 400, role: 'text', pkg: '@fontsource/noto-sans-sc', css: '400.css' },
  { family: 'DJYC Hei', weight: 700, role: 'text', pkg: '@fontsource/noto-sans-sc', css: '700.css' },
  { family: 'DJYC Song', weight: 900, role: 'title', pkg: '@fontsource/noto-serif-sc', css: '900.css' },
  { family: 'DJYC Kai', weight: 400, role: 'fallback', pkg: '@chinese-fonts/lxgwwenkai', css: 'dist/LXGWWenKai-Regular/result.css' },
];

let faces: Face[] | undefined;

/** Every woff2 slice of the site's faces, with its unicode range. */
export function siteFaces(): Face[] {
  if (faces) return faces;
  const out: Face[] = [];
  for (const src of SOURCES) {
    const cssPath = path.join(packageDir(src.pkg), src.css);
    const text = readFileSync(cssPath, 'utf8');
    for (const block of text.match(/@font-face\s*\{[^}]*\}/g) ?? []) {
      const url = /url\(\s*["']?([^"')]+\.woff2)["']?\s*\)/.exec(block)?.[1];
      const range = /unicode-range\s*:\s*([^;}]+)/.exec(block)?.[1]?.trim();
      if (!url || !range) continue;
      out.push({ family: src.family, weight: src.weight, role: src.role, file: path.resolve(path.dirname(cssPath), url), range, ranges: parseUnicodeRange(range) });
    }
  }
  faces = out;
  return out;
}

function covers(face: Face, cp: number): boolean {
  return face.ranges.some(([a, b]) => cp >= a && cp <= b);
}

export interface FontSelection {
  /** @font-face rules with url(fonts/<name>) — relative to the stylesheet's folder. */
  css: string;
  /** File name in the site's fonts folder → absolute source file. */
  files: Map<string, string>;
}

/**
 * Picks the slices the site needs: text faces for every character used anywhere, the title face for the
 * characters of titles, the fallback face for characters neither covers. ASCII always comes with each face.
 */
export function selectFonts(textChars: Set<number>, titleChars: Set<number>): FontSelection {
  const all = siteFaces();
  const chosen = new Set<Face>();
  const need = (role: Role, chars: Iterable<number>): Set<number> => {
    const left = new Set<number>();
    const list = all.filter((f) => f.role === role);
    for (const cp of chars) {
      const hits = list.filter((f) => covers(f, cp));
      if (hits.length === 0) left.add(cp);
      hits.forEach((f) => chosen.add(f));
    }
    return left;
  };
  const ascii = Array.from({ length: 0x7f - 0x20 }, (_, i) => 0x20 + i);
  const uncoveredText = need('text', [...ascii, ...textChars]);
  const uncoveredTitle = need('title', [...ascii, ...titleChars]);
  need('fallback', [...uncoveredText, ...uncoveredTitle].filter((cp) => cp > 0x7f));
  const files = new Map<string, string>();
  const rules: string[] = [];
  for (const f of all) {
    if (!chosen.has(f)) continue;
    const base = path.basename(f.file);
    // fontsource names are unique per weight; LXGW's are content hashes: prefix both with the family key.
    const name = `${f.family.replace(/^DJYC /, '').toLowerCase()}-${base}`;
    files.set(name, f.file);
    rules.push(
      `@font-face{font-family:"${f.family}";font-style:normal;font-weight:${f.weight};font-display:swap;` +
        `src:url(fonts/${name}) format("woff2");unicode-range:${f.range}}`,
    );
  }
  return { css: rules.join('\n') + '\n', files };
}

/** Code points of a string, without control characters. */
export function codePoints(text: string, into: Set<number> = new Set()): Set<number> {
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp >= 0x20) into.add(cp);
  }
  return into;
}
