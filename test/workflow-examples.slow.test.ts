/**
 * The five example repositories. Each test drives one programme from `djyc init` to its last stage through the
 * built CLI (scripts/make-examples.mjs --quick: the same steps as examples/<name>, with fewer organisations and
 * projects; --threads: each step in a CLI thread of the script rather than a new node process — the binary itself
 * is run for every command in golden.cli.test.ts), trying every guard of the programme once the wrong way —
 * refused with a reason, exit 1, nothing written, HEAD unchanged (the script asserts each) — and ends with
 * `djyc validate` passing. The committed examples/<name> folders must validate too.
 * One of them (001 党建+) runs with djyc's pre-commit hook installed right after `djyc init` (issue 12): every
 * write command still works when each of its commits goes through the hook, which shares the commands' rule set.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT, djyc, pathWithDjyc, tempDir } from './helpers.js';

const EXAMPLES: { name: string; refusals: string[]; hook?: boolean }[] = [
  { name: 'huishan-2020', refusals: ['claim before approval', 'has-org-commitment', 'has-tasks / member-commitments', 'reports-due-filed', 'has-panel', 'acceptance-pass', 'has-intervention', 'acceptance-rework', 'has-rating (task)', 'has-logo-and-concept', 'has-rating (brand)', 'poll votes must add up', 'rating before acceptance', 'a second conclusion of one round'] },
  { name: 'dangjian-plus-2017', hook: true, refusals: ['has-closure', 'has-panel', 'has-intervention', 'has-rating', 'rating before acceptance', 'stars out of range', 'a second rating without --correct'] },
  { name: 'jinhua-2017', refusals: ['co-organiser-plans', 'reports-due-filed', 'acceptance-pass / has-rating', 'acceptance-rework', 'has-rating', 'bonus cap'] },
  { name: 'wxit-shuji-2017', refusals: ['one project per secretary per year', 'has-closure', 'has-intervention', 're-check before self-checks', 'model projects: at least 3'] },
  { name: 'genhe-brands-2020', refusals: ['one brand per organisation', 'has-logo-and-concept', 'has-rating', 'has-annual-goals', 'pairing with an organisation not marked lagging'] },
];

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

describe.concurrent('each programme from init to its last stage, every guard tried the wrong way', () => {
  for (const ex of EXAMPLES) {
    it(ex.name, { timeout: 900_000 }, async () => {
      const out = tempDir('djyc-examples-');
      const hook = ex.hook ? ['--hook', 'pre-commit', '--keep'] : [];
      const r = await run(['scripts/make-examples.mjs', '--quick', '--threads', '--only', ex.name, ...hook, '--out', out, '--verbose']);
      expect(r.code, `${r.stdout}\n${r.stderr.split('\n').filter((l) => !l.startsWith('[')).join('\n')}`).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`✓ ${ex.name}: \\d+ CLI steps`));
      expect(r.stdout).not.toMatch(/内部错误|internal error/);
      if (ex.hook) {
        // The kept repository really had the hook: djyc's own (a foreign one is refused), already the current script.
        const repo = /repo kept at (\S+)/.exec(r.stdout)?.[1];
        expect(repo, r.stdout).toBeTruthy();
        try {
          const again = djyc(['hook', 'install', '--pre-commit'], { cwd: repo! });
          expect(again.code, again.stderr).toBe(0);
          expect(again.stdout).toContain('已是最新，未改动 pre-commit 钩子');
        } finally {
          fs.rmSync(path.dirname(repo!), { recursive: true, force: true });
        }
      }
      const refused = /refused: (.*)/.exec(r.stdout)?.[1]?.split('; ') ?? [];
      for (const what of ex.refusals) expect(refused).toContain(what);
      expect(fs.existsSync(path.join(out, ex.name, 'djyc.yaml'))).toBe(true);
      expect(fs.existsSync(path.join(out, ex.name, '.git'))).toBe(false);
      const v = djyc(['validate', '-C', path.join(out, ex.name)]);
      expect(v.code, v.stdout + v.stderr).toBe(0);
    });
  }
});

describe('the committed examples', () => {
  for (const ex of EXAMPLES) {
    it(`examples/${ex.name} validates and holds no nested git repository`, () => {
      const dir = path.join(ROOT, 'examples', ex.name);
      expect(fs.existsSync(path.join(dir, 'djyc.yaml'))).toBe(true);
      expect(fs.existsSync(path.join(dir, '.git'))).toBe(false);
      const v = djyc(['validate', '-C', dir]);
      expect(v.code, v.stdout + v.stderr).toBe(0);
    });
  }
});
