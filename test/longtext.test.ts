/**
 * One long unbroken text must not make a form unprintable (issue 10, hole 9): runs without a break opportunity
 * (pasted base64, URL lists, account numbers) get <wbr> break opportunities before layout, so layout work stays
 * proportional to the text. A form with a 50,000-character unbroken field prints within the batch timeout, and
 * pdftotext finds every character of it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { djyc, git, initRepo } from './helpers.js';
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

describe('a form with a 50,000-character unbroken field', () => {
  it('prints within the batch timeout, and pdftotext finds all of it', () => {
    const repo = initRepo('shuangling', 2020);
    const long = unbroken(50_000);
    fs.writeFileSync(path.join(repo, 'records/organisations/org-a.yaml'), 'id: org-a\nname: 甲支部\ntype: 党支部\n');
    fs.writeFileSync(path.join(repo, 'records/projects/p-long.yaml'), `id: p-long\nprogramme: shuangling-2020\ntitle: 长文本项目\nproposed_by: org-a\nreason: "${long}"\nstage: proposed\n`);
    git(repo, ['add', '-A']);
    git(repo, ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'long']);
    const out = path.join(path.dirname(repo), 'long.pdf');
    // The engine's own deadline (30 s per form) is the limit: a timeout is a failed form, exit 1.
    const r = djyc(['render', 'p-long', '--form', 'apply', '-o', out], { cwd: repo, env: { DJYC_TODAY: '2020-03-20' } });
    expect(r.code, r.stderr).toBe(0);
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', out, '-'], { encoding: 'utf8', maxBuffer: 64 << 20 });
    expect(text.replace(/—\s*\d+\s*—/g, '').replace(/\s+/g, '')).toContain(long);
    fs.rmSync(path.dirname(repo), { recursive: true, force: true });
  }, 180_000);
});
