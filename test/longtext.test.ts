/**
 * One long unbroken text must not make a form unprintable (issue 10, hole 9): runs without a break opportunity
 * (pasted base64, URL lists, account numbers) get <wbr> break opportunities before layout, so layout work stays
 * proportional to the text. (A form with a 50,000-character unbroken field printed: longtext.slow.test.ts.)
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BREAK_EVERY, LONGEST_RUN, breakLongRuns } from '../src/output/linebreak.js';
import { wrapDocument } from '../src/output/html.js';

/** `n` characters of base64 without + / = : letters and digits only, no break opportunity anywhere. */
function unbroken(n: number): string {
  let s = '';
  while (s.length < n) s += randomBytes(n).toString('base64').replace(/[+/=]/g, '');
  return s.slice(0, n);
}

describe('break opportunities before layout', () => {
  it('puts a <wbr> into long unbroken runs only, never into tags, references, styles or titles', () => {
    const run = unbroken(1000);
    const out = breakLongRuns(`<p class="${'c'.repeat(60)}">${run}</p>`);
    expect(out.replace(/<wbr>/g, '')).toBe(`<p class="${'c'.repeat(60)}">${run}</p>`);
    const pieces = out.slice(out.indexOf('>') + 1, out.lastIndexOf('<')).split('<wbr>');
    expect(pieces[0]!.length).toBeLessThanOrEqual(LONGEST_RUN + BREAK_EVERY);
    for (const p of pieces.slice(1)) expect(p.length).toBeLessThanOrEqual(BREAK_EVERY);
    const untouched = [
      '<p>ordinary words, a URL https://example.com/a and 中文文本没有空格但每个字之间都可以断行。</p>',
      `<style>.x { background: url(${'a'.repeat(100)}) }</style>`,
      `<title>${'t'.repeat(100)}</title>`,
      `<p>${'中'.repeat(500)}</p>`,
    ];
    for (const html of untouched) expect(breakLongRuns(html)).toBe(html);
    const refs = breakLongRuns(`<p>${'&amp;'.repeat(100)}</p>`);
    expect(refs.replace(/<wbr>/g, '')).toBe(`<p>${'&amp;'.repeat(100)}</p>`);
    expect(refs).toMatch(/&amp;<wbr>&amp;/);
  });

  it('every document the engine prints gets them (forms, notices, status)', () => {
    const run = unbroken(200);
    const doc = wrapDocument({ title: run, body: `<td>${run}</td>` });
    expect(doc).toContain(`<title>${run}</title>`);
    expect(doc).toMatch(/<td>[A-Za-z0-9]+<wbr>/);
  });
});
