/**
 * Web fonts for the published site, copied from the npm font packages (never fetched from a CDN, never taken
 * from the system). The packages ship each face cut into ~100 unicode-range slices; the site gets only the
 * slices whose range meets a character that the site's pages actually use, so a site of a few hundred
 * distinct characters carries a few MB of fonts, not 70.
 *
 * Faces: DJYC Hei (Noto Sans SC 400/700) for all text, DJYC Song 900 (Noto Serif SC) for page titles, and
 * DJYC Kai (LXGW WenKai, covers all of GBK) only for characters the first two lack.
 */
import path from 'node:path';
import { FAMILY, fontSlices, type FontSlice } from '../../assets/fonts.js';

export type Role = 'text' | 'title' | 'fallback';

export interface Face extends FontSlice {
  role: Role;
}

/** The site's roles: DJYC Hei 400/700 for text, DJYC Song 900 for titles, DJYC Kai for what those lack. */
function roleOf(s: FontSlice): Role | undefined {
  if (s.family === FAMILY.hei) return 'text';
  if (s.family === FAMILY.song && s.weight === 900) return 'title';
  if (s.family === FAMILY.kai) return 'fallback';
  return undefined;
}

let faces: Face[] | undefined;

/** Every woff2 slice of the site's faces, with its role. */
export function siteFaces(): Face[] {
  const order: Role[] = ['text', 'title', 'fallback'];
  faces ??= fontSlices()
    .flatMap((s) => {
      const role = roleOf(s);
      return role ? [{ ...s, role }] : [];
    })
    .sort((a, b) => order.indexOf(a.role) - order.indexOf(b.role));
  return faces;
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
