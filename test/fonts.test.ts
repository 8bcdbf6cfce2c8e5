// The fonts djyc ships (templates/fonts): what they cover, Word's private-use symbols mapped before printing, the
// @font-face rules and the site's slices, the published manifest. In real PDFs (Chromium): fonts.slow.test.ts.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHAR_MAP, describeChar, mapSymbols } from '../src/output/charmap.js';
import { FONTS_DIR, parseUnicodeRange, shippedFaces } from '../src/assets/fonts.js';
import { fontFaceCss, isCovered, uncoveredChars } from '../src/pdf/fonts.js';
import { selectFonts } from '../src/output/site/fonts.js';

/** Every character GB2312 (bytes A1–F7, A1–FE) or GBK (81–FE, 40–FE) writes in two bytes; the user-defined
 * areas, which decode to private use, are left out. */
function encodingChars(which: 'gb2312' | 'gbk'): number[] {
  const dec = new TextDecoder('gbk', { fatal: true });
  const [leads, trails] = which === 'gb2312' ? [[0xa1, 0xf7], [0xa1, 0xfe]] : [[0x81, 0xfe], [0x40, 0xfe]];
  const out: number[] = [];
  for (let a = leads[0]!; a <= leads[1]!; a++) {
    for (let b = trails[0]!; b <= trails[1]!; b++) {
      if (b === 0x7f) continue;
      let s: string;
      try {
        s = dec.decode(new Uint8Array([a, b]));
      } catch {
        continue;
      }
      const cps = [...s];
      const cp = cps[0]?.codePointAt(0) ?? 0;
      if (cps.length === 1 && cp !== 0xfffd && (cp < 0xe000 || cp > 0xf8ff)) out.push(cp);
    }
  }
  return out;
}

describe('the shipped faces (no browser)', () => {
  const faces = shippedFaces();
  const face = (key: string) => faces.find((f) => f.key === key)!;
  const sets = new Map<string, Set<number>>();
  /** Does the face `key` itself (not the chain) cover `cp`? */
  const covers = (key: string, cp: number): boolean => {
    let set = sets.get(key);
    if (!set) {
      set = new Set();
      for (const s of face(key).files) for (const [a, b] of parseUnicodeRange(s.range)) for (let c = a; c <= b; c++) set.add(c);
      sets.set(key, set);
    }
    return set.has(cp);
  };

  it('lists the faces the forms and the site use, each file present, woff2, with its licence beside it', () => {
    expect(faces.map((f) => `${f.family} ${f.weight}`).sort()).toEqual(
      ['DJYC Fang 400', 'DJYC Hei 400', 'DJYC Hei 700', 'DJYC Kai 400', 'DJYC Marks 400', 'DJYC Song 400', 'DJYC Song 700'].sort(),
    );
    let bytes = 0;
    for (const f of faces) {
      expect(fs.existsSync(path.join(FONTS_DIR, f.license_file)), f.license_file).toBe(true);
      for (const s of f.files) {
        const file = path.join(FONTS_DIR, s.file);
        const head = fs.readFileSync(file).subarray(0, 4).toString('latin1');
        expect(head, s.file).toBe('wOF2');
        bytes += fs.statSync(file).size;
      }
    }
    // The whole set stays small enough to ship (issue: installed size with fonts ≤ 150 MB).
    expect(bytes).toBeLessThan(25e6);
    expect(face('fang').postscript).toBe('FandolFang-Regular');
    expect(face('fang').license).toMatch(/GPL/);
    expect(face('song-700').postscript).toBe('NotoSerifSC-Bold');
  });

  it('仿宋 covers GB2312\'s hanzi (the title and 黑体 all but 33); the chain covers all of GBK and Ext-A; no face maps private use', () => {
    const gb2312 = encodingChars('gb2312');
    const gbk = encodingChars('gbk');
    expect(gb2312.length).toBeGreaterThan(7400);
    expect(gbk.length).toBeGreaterThan(21000);
    // The 6,763 hanzi of GB2312 are all in 仿宋 and in the title face; symbols may come from further down the chain.
    const hanzi = gb2312.filter((cp) => cp >= 0x4e00 && cp <= 0x9fff);
    expect(hanzi.length).toBe(6763);
    expect(hanzi.filter((cp) => !covers('fang', cp)).map((cp) => String.fromCodePoint(cp)).join('')).toBe('');
    // Google's Noto SC slices lack 33 rare ones (劐阢坶 …): LXGW WenKai, last in the stack, has them.
    for (const key of ['song-700', 'hei-400', 'hei-700']) {
      const missing = hanzi.filter((cp) => !covers(key, cp));
      expect(missing.length, key).toBeLessThanOrEqual(33);
      expect(missing.filter((cp) => !covers('kai', cp))).toEqual([]);
    }
    expect(gbk.filter((cp) => !isCovered(cp)).map((cp) => describeChar(String.fromCodePoint(cp)))).toEqual([]);
    expect(uncoveredChars('王㛃 䶵 㐀')).toEqual([]); // Ext-A, first and last
    // GBK as Node 22 and 24 decode it (GB18030-2022): codes that Node 20 gives as private use are radicals (⺁ …),
    // components (龴–龻), vertical forms, ideographic description characters and € there.
    expect(uncoveredChars('⺁⺄⺈⺋⺌⺗⺧⺪⺮⺳⺶⺷⺻⻊龴龵龶龷龸龹龺龻︐︙⿰⿻〾ḿǹ€')).toEqual([]);
    for (const f of faces) {
      for (const s of f.files) for (const [a, b] of parseUnicodeRange(s.range)) expect(b < 0xe000 || a > 0xf8ff, `${s.file} maps private use`).toBe(true);
    }
  });

  it('maps Word\'s symbol-font characters to characters a shipped face draws, and names the rest by code point', () => {
    expect(mapSymbols('\uF0A3好 \uF0A3较好 \uF0FE一般 \uF052同意')).toBe('□好 □较好 ☑一般 ☑同意');
    expect(mapSymbols('\uF06F \uF0A8 \uF0FC \uF0B7 \uF0D6 \uF0FD ☐ ✔')).toBe('□ □ ✓ • √ ☒ □ ✓');
    expect(mapSymbols('\uF0E9 党建 abc')).toBe('\uF0E9 党建 abc'); // unknown: left for the note
    for (const [cp, to] of CHAR_MAP) {
      for (const ch of to) expect(ch === ' ' || isCovered(ch.codePointAt(0)!), `${describeChar(String.fromCodePoint(cp))} → ${to}`).toBe(true);
    }
    // Boxes and ticks come from one face: the marks face is first in every stack of the forms.
    for (const ch of '□■☐☑☒✓✗') expect(covers('marks', ch.codePointAt(0)!), ch).toBe(true);
    const base = fs.readFileSync(path.join(FONTS_DIR, '..', 'forms', '_base.css'), 'utf8');
    for (const v of ['--font-fang', '--font-title', '--font-hei', '--font-kai']) expect(base).toMatch(new RegExp(`${v}: "DJYC Marks", `));
    expect(uncoveredChars('\uF0E9 and \uF0A3')).toEqual(['\uF0E9', '\uF0A3']);
    expect(describeChar('\uF0E9')).toBe('U+F0E9');
    expect(describeChar('𠀀')).toBe('𠀀 (U+20000)');
  });

  it('serves the faces as @font-face rules and gives the site only the slices its characters need', () => {
    const css = fontFaceCss();
    for (const f of ['DJYC Fang";font-style:normal;font-weight:400', 'DJYC Song";font-style:normal;font-weight:700', 'DJYC Marks', 'DJYC Kai']) expect(css).toContain(f);
    const cps = (s: string) => new Set([...s].map((c) => c.codePointAt(0)!));
    const site = selectFonts(cps('党建项目化管理公示'), cps('工作进展'));
    expect(site.css).toMatch(/^\/\* Fonts shipped with djyc/);
    expect(site.css).toMatch(/SIL|OFL/);
    const names = [...site.files.keys()];
    expect(names.some((n) => n.startsWith('hei-400-'))).toBe(true);
    expect(names.some((n) => n.startsWith('song-700-'))).toBe(true);
    expect(names.some((n) => n.startsWith('fang-') || n.startsWith('marks-'))).toBe(false);
    expect(names.length).toBeLessThan(40);
  });
});

describe('the published manifest', () => {
  it('builds on pack, not on install; ships what exists; takes the font packages only as build sources, pinned beside build.sh', () => {
    const root = path.join(FONTS_DIR, '..', '..');
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
      files: string[];
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    expect(pkg.scripts.prepare).toBeUndefined();
    expect(pkg.scripts.prepack).toMatch(/tsc/);
    for (const f of pkg.files) expect(fs.existsSync(path.join(root, f)), f).toBe(true);
    expect(pkg.files).toContain('templates');
    // The font packages are in neither dependency list: pinned in scripts/fonts/ (build.sh installs them there), not
    // unpacked by every `npm ci` of djyc.
    for (const dep of [...Object.keys(pkg.dependencies), ...Object.keys(pkg.devDependencies)]) expect(dep).not.toMatch(/^@fontsource\/|^@chinese-fonts\//);
    const sources = JSON.parse(fs.readFileSync(path.join(root, 'scripts/fonts/package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    expect(Object.keys(sources.devDependencies).sort()).toEqual(['@chinese-fonts/lxgwwenkai', '@fontsource/noto-sans-sc', '@fontsource/noto-serif-sc']);
    for (const v of Object.values(sources.devDependencies)) expect(v).toMatch(/^\d+\.\d+\.\d+$/);
    expect(fs.readFileSync(path.join(root, 'scripts/fonts/build.sh'), 'utf8')).toContain('scripts/fonts/node_modules');
  });
});
