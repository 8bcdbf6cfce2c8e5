import { ID_PREFIX, type Kind } from './kinds.js';
import { syllables } from './pinyin.js';

// No 0/1/i/l/o: ids are read aloud and copied by hand.
const ALPHABET = '23456789abcdefghjkmnpqrstuvwxyz';

/** A source of random bytes (the store passes node:crypto's; tests may pass a seeded one). */
export type RandomBytes = (n: number) => Uint8Array;

/** Random suffix: 31^5 ≈ 28 million values, so two branches creating records at once do not collide. */
export function randomSuffix(random: RandomBytes, length = 5): string {
  const bytes = random(length);
  let out = '';
  for (const b of bytes) out += ALPHABET[b % ALPHABET.length];
  return out;
}

/** Makes a path-safe slug from user text (ASCII letters and digits only; Chinese text gives an empty slug). */
export function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/g, '');
}

/** Words every organisation's name has, dropped from its slug (教育局机关党支部 → 教育局). */
const ORG_SUFFIXES = ['总支部委员会', '支部委员会', '工作委员会', '委员会', '党总支', '党支部', '总支部', '党工委', '工委', '党委', '党小组', '党组', '总支', '支部'];

/** An organisation's name without 中共, the place names before it and the generic words after it. */
export function orgCore(name: string): string {
  const whole = name.normalize('NFKC').replace(/[\s()（）“”"'‘’]/g, '');
  let s = whole.replace(/^中共/, '').replace(/^[\u4e00-\u9fff]{2,3}(?:省|自治区|市)(?=[\u4e00-\u9fff]{3})/, '').replace(/^[\u4e00-\u9fff]{2,3}(?:区|县|旗)(?=[\u4e00-\u9fff]{3})/, '');
  s = s.replace(/机关/g, '');
  for (let changed = true; changed; ) {
    changed = false;
    for (const suffix of ORG_SUFFIXES) {
      if (s.endsWith(suffix) && s.length > suffix.length) {
        s = s.slice(0, -suffix.length);
        changed = true;
      }
    }
  }
  // 区教育局 → 教育局 (a district's own office); 市… stays (市场监管局).
  if (/^[区县][\u4e00-\u9fff]{2,}/.test(s)) s = s.slice(1);
  return s.length >= 2 ? s : whole;
}

/** What a record's readable id part is made from: the name people call it by. */
export type SlugSource = { kind: 'organisation'; name: string } | { kind: 'person'; name: string } | { kind: 'title'; name: string };

/** The readable part of an id from a Chinese (or Latin) name: pinyin, at most 5 syllables (4 of a title) and 20 letters. */
export function nameSlug(source: SlugSource): string {
  const text = source.kind === 'organisation' ? orgCore(source.name) : source.name;
  const parts = syllables(text, { person: source.kind === 'person' });
  let out = '';
  let count = 0;
  const most = source.kind === 'title' ? 4 : 5;
  for (const p of parts) {
    if (count >= most || (out && out.length + p.length > 20)) break;
    out += p;
    count++;
  }
  return slugify(out);
}

/**
 * A new human-readable id: `<prefix>-[<year>-][<slug>-]<random>`, e.g. `p-2017-k3f9q` or `org-jiaoyuju-7kq3m`.
 * The slug is given (`--slug`), or made from the record's name (`name`). No "highest number + 1": display numbers
 * (项目编号) are given once, at approval.
 */
export function newId(kind: Kind, random: RandomBytes, opts: { year?: number; slug?: string; name?: SlugSource } = {}): string {
  const parts = [ID_PREFIX[kind]];
  if (opts.year) parts.push(String(opts.year));
  const slug = opts.slug ? slugify(opts.slug) : opts.name?.name ? nameSlug(opts.name) : '';
  if (slug) parts.push(slug);
  parts.push(randomSuffix(random));
  return parts.join('-');
}
