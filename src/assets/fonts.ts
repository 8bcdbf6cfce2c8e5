/**
 * The project's fonts, shipped with djyc in templates/fonts/ (never taken from the system, so a PDF or a site looks
 * the same on every machine): woff2 slices with TrueType outlines listed in templates/fonts/fonts.json, built by
 * scripts/fonts/build.sh. This module reads the list and names every slice of every face; the PDF engine serves them
 * all (pdf/fonts.ts), the site copies only the slices its pages use (output/site/fonts.ts).
 *
 * Families (use the CSS variables of templates/forms/_base.css):
 *   DJYC Fang   FandolFang 400            body text of every form and of prose (仿宋); bold is synthesised
 *   DJYC Song   Noto Serif SC 700         titles (stand-in for 方正小标宋);
 *               Noto Serif SC 400         Latin and punctuation only (page numbers are 宋体 in GB/T 9704)
 *   DJYC Hei    Noto Sans SC 400 / 700    黑体
 *   DJYC Kai    LXGW WenKai 400           楷体; covers GBK and CJK Ext-A, so it is also the fallback placed
 *                                         last in every stack
 *   DJYC Marks  LXGW WenKai 400           □ ■ ☐ ☑ ☒ ✓ ✗ only, first in the form stacks: a row of boxes matches
 *   DJYC ExtB   HanaMinB (set-up)         CJK Ext-B and beyond (pdf/fonts.ts)
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { TEMPLATES_DIR } from './paths.js';

/** Where the shipped fonts and their list live. */
export const FONTS_DIR = path.join(TEMPLATES_DIR, 'fonts');

export const FAMILY = { fang: 'DJYC Fang', song: 'DJYC Song', hei: 'DJYC Hei', kai: 'DJYC Kai', marks: 'DJYC Marks', extB: 'DJYC ExtB' } as const;

/** What a face is for: the site picks its faces by role (output/site/fonts.ts). */
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

/** One woff2 slice of a shipped face. */
export interface FontSlice {
  /** Key of the face (fang, hei-400 …). */
  key: string;
  family: string;
  weight: number;
  role: FaceRole;
  /** Path relative to FONTS_DIR, forward slashes (fang/000.woff2). */
  name: string;
  /** Absolute path of the woff2 file. */
  file: string;
  /** unicode-range as written in the font list. */
  range: string;
  ranges: Array<[number, number]>;
}

let slices: FontSlice[] | undefined;

/** Every slice of every shipped face, in the list's order. */
export function fontSlices(): FontSlice[] {
  if (slices) return slices;
  const out: FontSlice[] = [];
  for (const face of shippedFaces()) {
    for (const slice of face.files) {
      // The list is data: a slice path must stay inside the fonts folder.
      const file = path.resolve(FONTS_DIR, slice.file);
      if (!file.startsWith(FONTS_DIR + path.sep) || !file.endsWith('.woff2')) continue;
      out.push({ key: face.key, family: face.family, weight: face.weight, role: face.role, name: slice.file, file, range: slice.range, ranges: parseUnicodeRange(slice.range) });
    }
  }
  return (slices = out);
}
