/**
 * Chinese names in Latin letters, for the readable part of ids (`org-jiaoyuju-7kq3m`, `m-wanghua-x8k2d`) and for
 * finding records by pinyin initials (`djyc find jtaq`). The readings come from pinyin-pro (MIT, pure JavaScript,
 * its own dictionary; no network, no native code).
 */
import { pinyin } from 'pinyin-pro';

export interface PinyinOptions {
  /** A person's name: the first character is read as a surname (单 shan, 曾 zeng). */
  person?: boolean;
}

/** The syllables of a text, toneless, ü as v; Latin letters and digits stay, everything else is dropped. */
export function syllables(text: string, opts: PinyinOptions = {}): string[] {
  if (!text) return [];
  const out = pinyin(text.normalize('NFKC'), { toneType: 'none', type: 'array', v: true, nonZh: 'consecutive', ...(opts.person ? { surname: 'head' } : {}) });
  return out.map((s) => s.toLowerCase().replace(/[^a-z0-9]+/g, '')).filter(Boolean);
}

/** Initials of each syllable: 交通安全 → jtaq (Latin words and digits stay whole). */
export function initials(text: string, opts: PinyinOptions = {}): string {
  if (!text) return '';
  const out = pinyin(text.normalize('NFKC'), { pattern: 'first', toneType: 'none', type: 'array', v: true, nonZh: 'consecutive', ...(opts.person ? { surname: 'head' } : {}) });
  return out.map((s) => s.toLowerCase().replace(/[^a-z0-9]+/g, '')).join('');
}

/** The whole reading run together: 王华 → wanghua. */
export function fullPinyin(text: string, opts: PinyinOptions = {}): string {
  return syllables(text, opts).join('');
}
