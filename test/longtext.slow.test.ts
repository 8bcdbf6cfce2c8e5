/**
 * One long unbroken text must not make a form unprintable (issue 10, hole 9), in a real PDF: a form with a
 * 50,000-character unbroken field prints within the batch timeout, and pdftotext finds every character of it (the
 * break opportunities themselves: longtext.test.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { djyc, git, initRepo } from './helpers.js';

/** `n` characters of base64 without + / = : letters and digits only, no break opportunity anywhere. */
function unbroken(n: number): string {
  let s = '';
  while (s.length < n) s += randomBytes(n).toString('base64').replace(/[+/=]/g, '');
  return s.slice(0, n);
}

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
    // Page numbers and each page's verification line (验证码 … 核对记录) stand between the pieces of the run.
    expect(text.replace(/—\s*\d+\s*—/g, '').replace(/验证码\s*\S+\s*用\s*djyc\s*verify\s*核对记录/g, '').replace(/\s+/g, '')).toContain(long);
    fs.rmSync(path.dirname(repo), { recursive: true, force: true });
  });
});
