/**
 * Where and whether djyc can write (issue 10, holes 7 and 8). The repository is found the way git finds it: a
 * linked worktree (`.git` is a file there) and a records repository inside a larger git repository (as examples/
 * is inside djyc's own) both work, the lock and journal in git's own folder. A folder that is not a git
 * repository, a read-only file system and a full disk each get one clear sentence and their own exit code (2, 4, 5),
 * with nothing left behind: a write that fails half way is rolled back at once, not on the next run, and validate
 * never prints ✓ over a write that has not finished. The read-only and full disks are real (tmpfs mounts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, djyc, git, initRepo, tempDir } from './helpers.js';

const ENV = { DJYC_TODAY: '2020-05-05', GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' };
const made: string[] = [];
const mounts: string[] = [];

afterAll(() => {
  for (const m of mounts.reverse()) spawnSync('umount', ['-l', m]);
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});

function dir(prefix: string): string {
  const d = tempDir(prefix);
  made.push(d);
  return d;
}

/** A tmpfs of `size` mounted on a new folder, or undefined where we may not mount (not root, no tmpfs). */
function tmpfs(size: string): string | undefined {
  const at = dir('djyc-mnt-');
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', at]);
  if (r.status !== 0) return undefined;
  mounts.push(at);
  return at;
}

// Mounting a tmpfs needs root with CAP_SYS_ADMIN, a privilege of the machine (not a tool setup could install): an
// unprivileged container leaves these two cases out (rollback itself: faults.slow.test.ts and the unfinished write below).
const canMount = (() => {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return false;
  const at = tmpfs('64k');
  return !!at && spawnSync('umount', [at]).status === 0 && (mounts.pop(), true);
})();

/** No stack trace, no "internal error", one short message. */
function cleanFailure(r: { stdout: string; stderr: string }): void {
  expect(r.stderr).not.toMatch(/\n\s+at |内部错误|internal error/);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr.length).toBeLessThan(300);
}

function leftovers(repo: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.name === 'objects') continue;
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/djyc-tmp|djyc-journal|djyc\.lock|\.lock$/.test(e.name)) out.push(path.relative(repo, p));
    }
  };
  walk(repo);
  return out;
}

describe('the repository found the way git finds it', () => {
  it('a linked worktree (.git is a file): writes commit on its branch, the lock in its own git folder', () => {
    const repo = initRepo('shuangling', 2020);
    made.push(path.dirname(repo));
    const wt = path.join(path.dirname(repo), 'wt');
    git(repo, ['worktree', 'add', '-q', '-b', 'feature', wt]);
    expect(fs.statSync(path.join(wt, '.git')).isFile()).toBe(true);
    const r = djyc(['new-org', '--name', '甲支部', '--type', '党支部', '--json'], { cwd: wt, env: ENV });
    expect(r.code, r.stderr).toBe(0);
    const id = JSON.parse(r.stdout).id as string;
    expect(git(wt, ['log', '-1', '--format=%s', 'feature'])).toContain(id);
    expect(git(repo, ['log', '-1', '--format=%s', 'main'])).not.toContain(id);
    expect(git(wt, ['status', '--porcelain'])).toBe('');
    expect(leftovers(repo)).toEqual([]);
    // The workflow operations too (they hold the lock while they decide), and validate --changed against main.
    fs.writeFileSync(path.join(wt, 'records/members/m-1.yaml'), `id: m-1\nname: 张三\norganisation: ${id}\n`);
    git(wt, ['add', '-A']);
    git(wt, ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'member']);
    const v = djyc(['validate', '--changed', 'main'], { cwd: wt, env: ENV });
    expect(v.code, v.stdout + v.stderr).toBe(0);
    expect(djyc(['brand', 'new', '--org', id, '--name', '先锋'], { cwd: wt, env: ENV }).code).toBe(0);
  });

  it('the package root in this checkout is a records repository that validates, whatever kind of work tree it is', () => {
    const r = djyc(['validate'], { cwd: ROOT });
    expect(r.code, r.stdout + r.stderr).toBe(0);
  });

  it('a records repository inside a larger git repository: writes, --changed, --base and log work from its folder', () => {
    const outer = dir('djyc-outer-');
    git(outer, ['init', '-q', '-b', 'main']);
    const sub = path.join(outer, 'examples', 'huishan-2020');
    fs.cpSync(path.join(ROOT, 'examples', 'huishan-2020'), sub, { recursive: true });
    git(outer, ['add', '-A']);
    git(outer, ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'outer']);
    const r = djyc(['new-org', '--name', '测试支部', '--type', '党支部', '--json'], { cwd: sub, env: ENV });
    expect(r.code, r.stderr).toBe(0);
    const id = JSON.parse(r.stdout).id as string;
    expect(git(outer, ['show', '--name-only', '--format=', 'HEAD']).trim()).toBe(`examples/huishan-2020/records/organisations/${id}.yaml`);
    expect(fs.existsSync(path.join(sub, '.git'))).toBe(false);
    expect(leftovers(outer)).toEqual([]);
    // A broken change is found by --changed (paths relative to the records root, not to the outer repository).
    fs.writeFileSync(path.join(sub, 'records/members/m-bad.yaml'), 'id: m-bad\nname: 坏\norganisation: org-missing\n');
    git(outer, ['add', '-A']);
    git(outer, ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'bad']);
    const changed = djyc(['validate', '--changed', 'HEAD~1', '--format', 'json'], { cwd: sub, env: ENV });
    expect(changed.code).toBe(1);
    expect(JSON.parse(changed.stdout).problems.map((p: { file: string; rule: string }) => `${p.file} ${p.rule}`)).toContain('records/members/m-bad.yaml ref-missing');
    // The base check sees a record deleted relative to the base.
    fs.rmSync(path.join(sub, `records/organisations/${id}.yaml`));
    const base = djyc(['validate', '--base', 'HEAD', '--format', 'json'], { cwd: sub, env: ENV });
    expect(JSON.parse(base.stdout).problems.map((p: { file: string; rule: string }) => `${p.file} ${p.rule}`)).toContain(`records/organisations/${id}.yaml base-deleted`);
    git(outer, ['checkout', '-q', '--', '.']);
    const log = djyc(['log', id], { cwd: sub, env: ENV });
    expect(log.code, log.stderr).toBe(0);
    expect(log.stdout).toContain('测试支部');
  });

  it('a folder that is not a git repository: a clear message, exit 2, nothing written', () => {
    const plain = dir('djyc-plain-');
    fs.cpSync(path.join(ROOT, 'examples', 'jinhua-2017'), plain, { recursive: true });
    const before = fs.readdirSync(path.join(plain, 'records/organisations')).sort();
    for (const args of [['new-org', '--name', '甲支部', '--type', '党支部'], ['advance', 'p-2017-zt-01']]) {
      const r = djyc(args, { cwd: plain, env: ENV });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain('不是 git 仓库');
      cleanFailure(r);
    }
    const en = djyc(['new-org', '--name', 'x', '--type', '党支部', '--lang', 'en'], { cwd: plain, env: ENV });
    expect(en.stderr).toContain('is not a git repository');
    expect(fs.readdirSync(path.join(plain, 'records/organisations')).sort()).toEqual(before);
    expect(djyc(['validate'], { cwd: plain, env: ENV }).code).toBe(0);
  });
});

describe.skipIf(!canMount)('a read-only file system and a full disk (real tmpfs mounts)', () => {
  it('read-only: writes say so (exit 4) and change nothing; validate still reads', () => {
    const mnt = tmpfs('8m')!;
    const repo = path.join(mnt, 'repo');
    expect(djyc(['init', repo, '--programme', 'shuangling', '--year', '2020'], { env: ENV }).code).toBe(0);
    fs.writeFileSync(path.join(repo, 'records/organisations/org-a.yaml'), 'id: org-a\nname: 甲支部\ntype: 党支部\n');
    git(repo, ['add', '-A']);
    git(repo, ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'org']);
    const head = git(repo, ['rev-parse', 'HEAD']);
    expect(spawnSync('mount', ['-o', 'remount,ro', mnt]).status).toBe(0);
    for (const args of [['new-org', '--name', '乙支部', '--type', '党支部'], ['brand', 'new', '--org', 'org-a', '--name', '先锋']]) {
      const r = djyc(args, { cwd: repo, env: ENV });
      expect(r.code, r.stderr).toBe(4);
      expect(r.stderr).toContain('只读');
      cleanFailure(r);
    }
    expect(djyc(['new-org', '--name', 'x', '--type', '党支部', '--lang', 'en'], { cwd: repo, env: ENV }).stderr).toContain('read-only');
    expect(git(repo, ['rev-parse', 'HEAD'])).toBe(head);
    const v = djyc(['validate'], { cwd: repo, env: { ...ENV, DJYC_CACHE_MIN: '0' } });
    expect(v.code, v.stderr).toBe(0);
    expect(v.stdout).toContain('✓');
  });

  it('disk full during a 600-row import: exit 5, one short sentence, rolled back at once (no partial, temp or journal file)', () => {
    const mnt = tmpfs('16m')!;
    const repo = path.join(mnt, 'repo');
    expect(djyc(['init', repo, '--programme', 'shuangling', '--year', '2020'], { env: ENV }).code).toBe(0);
    fs.writeFileSync(path.join(repo, 'records/organisations/org-a.yaml'), 'id: org-a\nname: 甲支部\ntype: 党支部\n');
    git(repo, ['add', '-A']);
    git(repo, ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'org']);
    const head = git(repo, ['rev-parse', 'HEAD']);
    const csv = path.join(dir('djyc-csv-'), 'members.csv');
    fs.writeFileSync(csv, `姓名,所在党组织,行政职务,党内职务\n${Array.from({ length: 600 }, (_, i) => `党员${i + 1},org-a,科员${i + 1},党员`).join('\n')}\n`);
    // Fill the disk to within 60 KB: the import's 600 records (and git's objects) cannot fit.
    const free = () => Number(spawnSync('df', ['-k', '--output=avail', mnt], { encoding: 'utf8' }).stdout.split('\n')[1]);
    const filler = path.join(mnt, 'filler');
    fs.writeFileSync(filler, Buffer.alloc(Math.max(0, free() - 60) * 1024));
    const r = djyc(['import', csv, '--kind', 'member'], { cwd: repo, env: ENV });
    expect(r.code, r.stderr).toBe(5);
    expect(r.stderr).toContain('磁盘已满');
    expect(r.stderr).toContain('已撤销');
    cleanFailure(r);
    expect(git(repo, ['rev-parse', 'HEAD'])).toBe(head);
    expect(git(repo, ['status', '--porcelain', '--untracked-files=all'])).toBe('');
    expect(leftovers(repo)).toEqual([]);
    expect(fs.readdirSync(path.join(repo, 'records/members')).filter((f) => f.endsWith('.yaml'))).toEqual([]);
    const v = djyc(['validate'], { cwd: repo, env: ENV });
    expect(v.code).toBe(0);
    // English, and then with room again the same import goes through.
    const en = djyc(['import', csv, '--kind', 'member', '--lang', 'en'], { cwd: repo, env: ENV });
    expect(en.code).toBe(5);
    expect(en.stderr).toContain('the disk is full');
    fs.rmSync(filler);
    const ok = djyc(['import', csv, '--kind', 'member'], { cwd: repo, env: ENV });
    expect(ok.code, ok.stderr).toBe(0);
    expect(fs.readdirSync(path.join(repo, 'records/members')).filter((f) => f.endsWith('.yaml'))).toHaveLength(600);
  });
});

describe('validate over an unfinished write', () => {
  it('says the write has not finished instead of ✓ (exit 1); the next write rolls it back', () => {
    const repo = initRepo('shuangling', 2020);
    made.push(path.dirname(repo));
    // What a write killed half way leaves: a journal and a file written but not committed.
    fs.writeFileSync(path.join(repo, 'records/organisations/org-half.yaml'), 'id: org-half\nname: 半\ntype: 党支部\n');
    fs.writeFileSync(path.join(repo, '.git/djyc-journal.json'), JSON.stringify({ message: 'djyc new-org: org-half', files: [{ path: 'records/organisations/org-half.yaml', existed: false }] }));
    const v = djyc(['validate'], { cwd: repo, env: ENV });
    expect(v.code).toBe(1);
    expect(v.stdout).not.toContain('✓');
    expect(v.stdout).toContain('[pending-write]');
    expect(djyc(['validate', '--lang', 'en'], { cwd: repo, env: ENV }).stdout).toContain('a write has not finished');
    expect(djyc(['new-org', '--name', '甲支部', '--type', '党支部'], { cwd: repo, env: ENV }).code).toBe(0);
    expect(fs.existsSync(path.join(repo, 'records/organisations/org-half.yaml'))).toBe(false);
    expect(djyc(['validate'], { cwd: repo, env: ENV }).code).toBe(0);
  });
});
