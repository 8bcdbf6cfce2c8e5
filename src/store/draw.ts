/**
 * The reproducible draw (algorithm `djyc-draw-v1`) behind acceptance panels and sampled re-checks
 * (commands/panel.ts draws and verifies; basecheck.ts re-runs a panel a pull request adds or changes):
 *   1. candidates sorted by id (code-point order);
 *   2. Fisher–Yates from the end: for i = n−1 … 1, r = first 6 bytes of SHA-256("<seed>:<i>") as a big-endian
 *      integer, j = floor(r / 2^48 × (i + 1)), swap positions i and j;
 *   3. stable sort by load (panels already served), fewest first;
 *   4. take the first k.
 */
import { createHash } from 'node:crypto';

export const DRAW_ALGORITHM = 'djyc-draw-v1';

/** Uniform number in [0, 1) from the seed and a counter. */
export function drawRandom(seed: string, i: number): number {
  const h = createHash('sha256').update(`${seed}:${i}`, 'utf8').digest();
  return h.readUIntBE(0, 6) / 2 ** 48;
}

/** The draw: a seeded shuffle of the id-sorted candidates, then fewest-load first (stable), first k. */
export function draw(seed: string, candidates: { id: string; load?: number }[], k: number): string[] {
  const list = [...candidates].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(drawRandom(seed, i) * (i + 1));
    [list[i], list[j]] = [list[j]!, list[i]!];
  }
  return list
    .map((c, pos) => ({ c, pos }))
    .sort((a, b) => (a.c.load ?? 0) - (b.c.load ?? 0) || a.pos - b.pos)
    .slice(0, k)
    .map((x) => x.c.id);
}
