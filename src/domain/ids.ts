import { ID_PREFIX, type Kind } from './kinds.js';

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

/**
 * A new human-readable id: `<prefix>-[<year>-][<slug>-]<random>`, e.g. `p-2020-k3f9q` or `org-jiaoyu-7kq3m`.
 * No "highest number + 1": display numbers (项目编号) are given once, at approval.
 */
export function newId(kind: Kind, random: RandomBytes, opts: { year?: number; slug?: string } = {}): string {
  const parts = [ID_PREFIX[kind]];
  if (opts.year) parts.push(String(opts.year));
  const slug = opts.slug ? slugify(opts.slug) : '';
  if (slug) parts.push(slug);
  parts.push(randomSuffix(random));
  return parts.join('-');
}
