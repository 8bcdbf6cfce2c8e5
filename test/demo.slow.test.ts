// `djyc demo` end to end, as README's first command runs it: a fresh repository for seed 000 driven through the
// workflow (one commit per step), every form of the programme, one submission pack and the public notice.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepareDemoOutput } from '../src/demo/demo.js';
import { djyc, git, tempDir } from './helpers.js';


describe('djyc demo', () => {
  it('refuses to touch a folder it did not make', () => {
    const dir = tempDir('djyc-demo-refuse-');
    fs.writeFileSync(path.join(dir, 'mine.txt'), 'keep me');
    const r = djyc(['demo', '--dir', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('不是 djyc demo 生成的目录');
    expect(fs.readFileSync(path.join(dir, 'mine.txt'), 'utf8')).toBe('keep me');
  });

  it('builds the repository step by step, prints every form, a pack and the notice', () => {
    const dir = path.join(tempDir('djyc-demo-'), 'demo-output');
    const r = djyc(['demo', '--dir', dir, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.repo).toBe(path.join(dir, 'repo'));
    expect(j.forms).toBe(53); // with the brand archive (品牌创建档案) of the one brand
    expect(j.forms_failed).toBe(0);
    expect(j.records).toMatchObject({ organisation: 4, member: 12, project: 3, task: 8, commitment: 13, report: 22, closure: 11, brand: 1 });
    // One commit per step, all of them in the repository's history.
    expect(Number(git(j.repo, ['rev-list', '--count', 'HEAD']).trim())).toBe(j.commits);
    expect(j.commits).toBeGreaterThan(90);
    expect(git(j.repo, ['status', '--porcelain']).trim()).toBe('');
    expect(djyc(['validate'], { cwd: j.repo }).code).toBe(0);
    expect(fs.readdirSync(path.join(dir, 'pdf', 'forms')).filter((f) => f.endsWith('.pdf')).length).toBe(53);
    expect(j.pack.pages).toBe(9);
    expect(fs.existsSync(j.pack.out)).toBe(true);
    expect(fs.existsSync(j.notice)).toBe(true);
    // The logo was copied into the repository and committed.
    expect(git(j.repo, ['ls-files', 'attachments']).split('\n').some((f) => f.endsWith('.svg'))).toBe(true);

    // A second run may clear its own earlier output (and only that).
    prepareDemoOutput(dir);
    expect(fs.readdirSync(dir)).toEqual(['.djyc-demo']);
  });
});
