/**
 * The CJK fonts djyc bundles, from npm packages (never from the system, so a PDF or a site looks the same on every
 * machine). Each package ships its face cut into ~100 unicode-range slices of woff2; this module lists every slice
 * of every face, read from the packages' own CSS. The PDF engine serves them all (pdf/fonts.ts); the site copies
 * only the slices its pages use (output/site/fonts.ts).
 *
 * Families:
 *   DJYC Song  Noto Serif SC   400 = body text (stand-in for 仿宋), 900 = titles (stand-in for 小标宋)
 *   DJYC Hei   Noto Sans SC    400 / 700 (黑体)
 *   DJYC Kai   LXGW WenKai     400 (楷体); it covers all of GBK and much more, so it is also the
 *                              full-coverage fallback placed last in every stack.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export const FAMILY = { song: 'DJYC Song', hei: 'DJYC Hei', kai: 'DJYC Kai', extB: 'DJYC ExtB' } as const;

interface Source {
  /** Short name of the package, e.g. the first path segment of the engine's font URLs. */
  key: 'serif' | 'sans' | 'wenkai';
  family: string;
  weight: number;
  pkg: string;
  /** Package-relative path of the CSS whose slices we reuse. */
  css: string;
}

const SOURCES: Source[] = [
  { key: 'serif', family: FAMILY.song, weight: 400, pkg: '@fontsource/noto-serif-sc', css: '400.css' },
  { key: 'serif', family: FAMILY.song, weight: 900, pkg: '@fontsource/noto-serif-sc', css: '900.css' },
  { key: 'sans', family: FAMILY.hei, weight: 400, pkg: '@fontsource/noto-sans-sc', css: '400.css' },
  { key: 'sans', family: FAMILY.hei, weight: 700, pkg: '@fontsource/noto-sans-sc', css: '700.css' },
  { key: 'wenkai', family: FAMILY.kai, weight: 400, pkg: '@chinese-fonts/lxgwwenkai', css: 'dist/LXGWWenKai-Regular/result.css' },
];

/** One woff2 slice of a bundled face. */
export interface FontSlice {
  key: Source['key'];
  family: string;
  weight: number;
  /** Absolute path of the woff2 file. */
  file: string;
  /** unicode-range as written in the package CSS. */
  range: string;
  ranges: Array<[number, number]>;
}

export function packageDir(pkg: string): string {
  // Resolve from this file, so it works from src/ (vitest) and dist/ alike. fontsource's "exports" hides
  // package.json, so resolve a file the package does export and walk up to the package folder.
  const require = createRequire(import.meta.url);
  const probe = pkg.startsWith('@fontsource/') ? `${pkg}/400.css` : `${pkg}/package.json`;
  let dir = path.dirname(require.resolve(probe));
  while (!dir.endsWith(path.join(...pkg.split('/')))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`font package ${pkg} not found`);
    dir = up;
  }
  return dir;
}

/** Parses "U+4e00-9fff,U+3001" into [start, end] pairs. */
export function parseUnicodeRange(value: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const part of value.split(',')) {
    const m = /^\s*U\+([0-9a-f?]+)(?:-([0-9a-f]+))?\s*$/i.exec(part);
    if (!m) continue;
    if (m[1]!.includes('?')) {
      out.push([parseInt(m[1]!.replace(/\?/g, '0'), 16), parseInt(m[1]!.replace(/\?/g, 'f'), 16)]);
    } else {
      const a = parseInt(m[1]!, 16);
      out.push([a, m[2] ? parseInt(m[2], 16) : a]);
    }
  }
  return out;
}

let slices: FontSlice[] | undefined;

/** Every woff2 slice of every bundled face (woff fallbacks and local() sources dropped: a system font would defeat the point). */
export function fontSlices(): FontSlice[] {
  if (slices) return slices;
  const out: FontSlice[] = [];
  const dirs = new Map<string, string>();
  for (const src of SOURCES) {
    const dir = dirs.get(src.pkg) ?? packageDir(src.pkg);
    dirs.set(src.pkg, dir);
    const cssPath = path.join(dir, src.css);
    for (const block of readFileSync(cssPath, 'utf8').match(/@font-face\s*\{[^}]*\}/g) ?? []) {
      const url = /url\(\s*["']?([^"')]+\.woff2)["']?\s*\)/.exec(block)?.[1];
      const range = /unicode-range\s*:\s*([^;}]+)/.exec(block)?.[1]?.trim();
      if (!url || !range) continue;
      out.push({ key: src.key, family: src.family, weight: src.weight, file: path.resolve(path.dirname(cssPath), url), range, ranges: parseUnicodeRange(range) });
    }
  }
  if (out.length === 0) throw new Error('no @font-face rules found in the font packages');
  return (slices = out);
}
