/**
 * A work tree whose files were touched, copied or restored without changing them leaves git's stat data stale:
 * `git diff-files` lists every file, and each run read and hashed them all, every time. djyc now has git refresh its
 * stat data (as `git status` does) when the list is long, once — content changes are still found, and a hook's
 * temporary index (GIT_INDEX_FILE) is never touched.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { djyc, git, initRepo, useEnv } from './helpers.js';
import { STALE_DIRTY } from '../src/store/git.js';

useEnv({ DJYC_CACHE_MIN: '0', DJYC_GIT_KEYS_MIN: '0', DJYC_LISTING_SETTLE_MS: '0' });

const MEMBERS = STALE_DIRTY + 16;
const TODAY = ['--today', '2020-03-10'];

function write(repo: string, rel: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(repo, rel)), { recursive: true });
  fs.writeFileSync(path.join(repo, rel), text);
}

/** Every record file's times set to `seconds` from now: the content stays, git's stat data no longer matches. */
function touchAll(repo: string, seconds: number): void {
  const t = new Date(Date.now() + seconds * 1000);
  for (const kind of fs.readdirSync(path.join(repo, 'records'))) {
    for (const name of fs.readdirSync(path.join(repo, 'records', kind))) fs.utimesSync(path.join(repo, 'records', kind, name), t, t);
  }
}

const statDirty = (repo: string) => git(repo, ['diff-files', '--name-only']).split('\n').filter(Boolean);

describe('stale stat data in git\'s index', () => {
  let repo: string;
  beforeAll(() => {
    repo = initRepo('shuangling', 2020);
    write(repo, 'records/organisations/org-a.yaml', 'id: org-a\nname: 中共某局机关支部委员会\ntype: 党支部\n');
    for (let i = 0; i < MEMBERS; i++) {
      const id = `m-${String(i).padStart(3, '0')}`;
      write(repo, `records/members/${id}.yaml`, `id: ${id}\nname: 成员${i}\norganisation: org-a\nparty_title: 党员\n`);
    }
    git(repo, ['add', '-A']);
    git(repo, ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '--no-verify', '-m', 'records']);
    expect(djyc(['validate', ...TODAY], { cwd: repo }).code).toBe(0);
  });

  it('is refreshed once when many files only look changed; a real edit is still found', () => {
    touchAll(repo, 100);
    expect(statDirty(repo).length).toBeGreaterThan(MEMBERS);
    expect(djyc(['validate', ...TODAY], { cwd: repo }).code).toBe(0);
    expect(statDirty(repo)).toEqual([]);

    // One file really edited (a broken reference) among many only touched: the edit stays dirty and is reported.
    const edited = 'records/members/m-007.yaml';
    write(repo, edited, 'id: m-007\nname: 成员7\norganisation: org-nowhere\nparty_title: 党员\n');
    touchAll(repo, 200);
    const r = djyc(['validate', ...TODAY], { cwd: repo });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(edited);
    expect(statDirty(repo)).toEqual([edited]);
    git(repo, ['checkout', '-q', '--', edited]);
  });

  it('leaves an index named by GIT_INDEX_FILE alone (a hook\'s temporary index)', () => {
    touchAll(repo, 300);
    const before = statDirty(repo).length;
    expect(before).toBeGreaterThan(MEMBERS);
    const r = djyc(['validate', ...TODAY], { cwd: repo, env: { GIT_INDEX_FILE: path.join(repo, '.git', 'index') } });
    expect(r.code).toBe(0);
    expect(statDirty(repo).length).toBe(before);
  });
});
