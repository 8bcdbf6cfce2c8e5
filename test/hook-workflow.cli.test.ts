/**
 * Issue 12: with djyc's pre-commit hook installed, every djyc write command still works — the commands and the hook
 * share one rule set (domain/frozen.ts among the others), so no command's own commit breaks the hook's rule. One
 * programme's whole workflow (001 党建+, quick: a rework round then a pass, star ratings, a second rating refused)
 * runs through the built CLI with the hook installed right after `djyc init`; every commit goes through the hook.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT, djyc, pathWithDjyc, tempDir } from './helpers.js';

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // The hook looks for djyc on the PATH (or in the repository's node_modules/.bin), as an office installs it.
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, PATH: pathWithDjyc(), NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe('the example workflow with the pre-commit hook installed', () => {
  it('dangjian-plus-2017 from init to its last stage: every step commits through the hook', { timeout: 900_000 }, async () => {
    const out = tempDir('djyc-hooked-');
    const r = await run(['scripts/make-examples.mjs', '--quick', '--threads', '--only', 'dangjian-plus-2017', '--hook', 'pre-commit', '--keep', '--out', out, '--verbose']);
    const log = `${r.stdout}\n${r.stderr.split('\n').filter((l) => !l.startsWith('[')).join('\n')}`;
    expect(r.code, log).toBe(0);
    expect(r.stdout).toMatch(/✓ dangjian-plus-2017: \d+ CLI steps/);
    expect(r.stdout).not.toMatch(/内部错误|internal error/);
    const refused = /refused: (.*)/.exec(r.stdout)?.[1]?.split('; ') ?? [];
    expect(refused).toContain('a second rating without --correct');
    expect(refused).toContain('has-intervention');
    // The kept repository really had the hook: it is djyc's, and the last commit went through it.
    const repo = /repo kept at (\S+)/.exec(r.stdout)?.[1];
    expect(repo, r.stdout).toBeTruthy();
    try {
      const hook = djyc(['hook', 'install', '--pre-commit'], { cwd: repo! });
      // djyc's own hook (a foreign one is refused): already the current script, so left as it is.
      expect(hook.code, hook.stderr).toBe(0);
      expect(hook.stdout).toContain('已是最新，未改动 pre-commit 钩子');
    } finally {
      fs.rmSync(path.dirname(repo!), { recursive: true, force: true });
    }
    const v = djyc(['validate', '-C', path.join(out, 'dangjian-plus-2017')]);
    expect(v.code, v.stdout + v.stderr).toBe(0);
  });
});
