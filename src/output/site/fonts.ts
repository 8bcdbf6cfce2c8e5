/**
 * Web fonts for the published site, copied from the faces djyc ships in templates/fonts/ (never fetched from a
 * CDN, never taken from the system). Each face is cut into ~100 slices by character frequency; the site gets
 * only the slices whose range meets a character that the site's pages actually use, so a site of a few
 * hundred distinct characters carries a few MB of fonts, not 19.
 *
 * Faces: DJYC Hei (Noto Sans SC 400/700) for all text, DJYC Song 700 (Noto Serif SC, the forms' title face)
 * for page titles, and DJYC Kai (LXGW WenKai, covers GBK and Ext-A) only for characters the first two lack.
 */
import path from 'node:path';
import { fontSlices, shippedFaces, type FaceRole, type FontSlice } from '../../assets/fonts.js';

export type Role = 'text' | 'title' | 'fallback';

export interface Face extends Omit<FontSlice, 'role'> {
  role: Role;
}

/** Which shipped faces the site uses, by their role in templates/fonts/fonts.json. */
const SITE_ROLES: Partial<Record<FaceRole, Role>> = { text: 'text', title: 'title', fallback: 'fallback' };

let faces: Face[] | undefined;

/** Every slice of the site's faces, with its role. */
export function siteFaces(): Face[] {
  faces ??= fontSlices().flatMap((s) => {
    const role = SITE_ROLES[s.role];
    return role ? [{ ...s, role }] : [];
  });
  return faces;
}

function covers(face: Face, cp: number): boolean {
  return face.ranges.some(([a, b]) => cp >= a && cp <= b);
}

export interface FontSelection {
  /** A comment naming the fonts and their licences, then @font-face rules with url(fonts/<name>) — relative
   * to the stylesheet's folder. */
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
  const notices = new Set<string>();
  const shipped = new Map(shippedFaces().map((f) => [f.key, f]));
  for (const f of all) {
    if (!chosen.has(f)) continue;
    const face = shipped.get(f.key)!;
    notices.add(`${face.postscript.replace(/-.*/, '')} (${face.license})`);
    const name = `${f.key}-${path.basename(f.file)}`;
    files.set(name, f.file);
    rules.push(
      `@font-face{font-family:"${f.family}";font-style:normal;font-weight:${f.weight};font-display:swap;` +
        `src:url(fonts/${name}) format("woff2");unicode-range:${f.range}}`,
    );
  }
  const notice = `/* Fonts shipped with djyc (templates/fonts; licences there), only the slices this site uses: ${[...notices].join(', ')}. */\n`;
  return { css: notice + rules.join('\n') + '\n', files };
}

/** Code points of a string, without control characters. */
export function codePoints(text: string, into: Set<number> = new Set()): Set<number> {
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp >= 0x20) into.add(cp);
  }
  return into;
}
