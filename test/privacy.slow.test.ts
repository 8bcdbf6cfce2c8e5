/**
 * Personal data in free text (issue 10, hole 6), in the one output printed with Chromium: the public notice PDF of
 * claims, read back with pdftotext, shows the planted text masked (the other outputs: privacy.test.ts).
 */
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { djyc, tempDir } from './helpers.js';
import { findPersonalData } from '../src/domain/privacy.js';
import { PLANTED_ENV, leaks, plantedRepo } from './privacy-fixture.js';

describe('masked in the public notice PDF', () => {
  it('the notice of claims prints the planted task text with every item masked', () => {
    const repo = plantedRepo();
    const notice = path.join(tempDir('djyc-privacy-'), 'notice.pdf');
    const n = djyc(['pack', '--org', 'org-jyj', '--notice', '-o', notice, '--today', '2020-05-08'], { cwd: repo, env: PLANTED_ENV });
    expect(n.code, n.stderr).toBe(0);
    const noticeText = execFileSync('pdftotext', ['-enc', 'UTF-8', notice, '-'], { encoding: 'utf8' });
    expect(noticeText.replace(/\s+/g, '')).toContain('承担语文、数学学科送教');
    expect(leaks(noticeText)).toEqual([]);
    expect(findPersonalData(noticeText)).toEqual([]);
    expect(leaks(`${n.stdout}\n${n.stderr}`)).toEqual([]);
  });
});
