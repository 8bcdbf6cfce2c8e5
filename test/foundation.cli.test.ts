/**
 * Concurrent writers: four `djyc` processes started at once on one repository each make exactly their own
 * commit, nothing interleaved (the lock between processes is the point, so these are real processes).
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { describe, expect, it, TestRunner } from 'vitest';
import { BIN, djyc, git, initRepo, type CliResult } from './helpers.js';

function djycAsync(args: string[], cwd: string, env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: '1', CI: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

const commits = (repo: string) => git(repo, ['rev-list', '--count', 'HEAD']).trim();
const changedIn = (repo: string, rev: string) => git(repo, ['show', '--name-only', '--format=', rev]).trim().split('\n').filter(Boolean);

describe('concurrent writers', () => {
  it('four runs at once: four commits, each with exactly its own file, nothing interleaved', async () => {
    const repo = initRepo('shuangling', 2020);
    const before = Number(commits(repo));
    const names = ['甲', '乙', '丙', '丁'];
    // Each may wait for the three others: on a busy machine longer than the default 10 s, which is not what is tested.
    const wait = { DJYC_LOCK_WAIT_MS: String(TestRunner.getCurrentTest()?.timeout ?? 60_000) };
    const results = await Promise.all(names.map((n, i) => djycAsync(['new-org', '--id', `org-c${i}`, '--name', `${n}支部`, '--type', '党支部'], repo, wait)));
    for (const r of results) expect(r.stderr + r.stdout).not.toContain('    at ');
    expect(results.map((r) => r.code)).toEqual([0, 0, 0, 0]);
    expect(Number(commits(repo))).toBe(before + 4);
    const log = git(repo, ['log', '--format=%H', `-4`]).trim().split('\n');
    const files = log.map((h) => changedIn(repo, h));
    for (const f of files) expect(f).toHaveLength(1);
    expect(files.flat().sort()).toEqual(names.map((_, i) => `records/organisations/org-c${i}.yaml`));
    expect(git(repo, ['status', '--porcelain', '--untracked-files=all'])).toBe('');
    expect(fs.existsSync(path.join(repo, '.git/djyc.lock'))).toBe(false);
    expect(djyc(['validate', '--today', '2020-03-05'], { cwd: repo }).code).toBe(0);
  });
});
