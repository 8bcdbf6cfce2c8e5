/**
 * Hooks that survive and cooperate, with real git commits: the installed hook names no path of this machine and
 * finds djyc when it runs (the repository's node_modules/.bin, then the PATH) — an install that moved gives a
 * clear message, never a stack trace; husky 9 (npm) and the pre-commit framework (Debian's `pre-commit`) each run
 * djyc's check once, blocking a bad record and passing a good one; another manager's hooks are never disabled.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT, callTimeout, djyc, git, initRepo, pathWithDjyc, requireTool, tempDir } from './helpers.js';

const IDENTITY = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t', DJYC_TODAY: '2020-03-20', NO_COLOR: '1' };
/** A PATH with node and git but no djyc. */
const BARE_PATH = [path.dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(path.delimiter);
const HAS_PRE_COMMIT = spawnSync('pre-commit', ['--version'], { stdio: 'ignore' }).status === 0;
const HUSKY_BIN = path.join(ROOT, 'node_modules', 'husky', 'bin.js');

function run(cwd: string, cmd: string, args: string[], env: NodeJS.ProcessEnv): { code: number; out: string } {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, ...IDENTITY, ...env }, timeout: callTimeout() });
  return { code: r.status ?? -1, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

function write(repo: string, rel: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(repo, rel)), { recursive: true });
  fs.writeFileSync(path.join(repo, rel), text);
}

/** A records repository with one organisation committed. */
function records(): string {
  const repo = initRepo('shuangling', 2020);
  write(repo, 'records/organisations/org-a.yaml', 'id: org-a\nname: 甲支部\ntype: 党支部\n');
  git(repo, ['add', '-A']);
  git(repo, ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'org']);
  return repo;
}

const BAD = 'id: m-bad\nname: 王五\norganisation: org-missing\n';
const GOOD = 'id: m-good\nname: 张三\norganisation: org-a\n';
const BAD_AT = 'records/members/m-bad.yaml:3:15';

function commit(repo: string, rel: string, text: string, env: NodeJS.ProcessEnv): { code: number; out: string } {
  write(repo, rel, text);
  run(repo, 'git', ['add', rel], env);
  return run(repo, 'git', ['commit', '-q', '-m', `add ${rel}`], env);
}

/** No stack trace, no Node internals: what a person sees is djyc's own words. */
function noStackTrace(out: string): void {
  expect(out).not.toMatch(/^\s+at .+[(:]\d+/m);
  expect(out).not.toMatch(/Cannot find module|ERR_MODULE_NOT_FOUND|node:internal/);
}

describe('the installed hook names no path of this machine', () => {
  it('finds djyc in the repository’s node_modules/.bin; when that install moves, the commit says what to do, no stack trace', () => {
    const repo = records();
    const tmp = tempDir('djyc-moved-');
    try {
      // djyc installed "in the repository" through a link to an install folder, which later moves.
      const install = path.join(tmp, 'install');
      fs.mkdirSync(install);
      fs.symlinkSync(ROOT, path.join(install, 'djyc'));
      fs.mkdirSync(path.join(repo, 'node_modules', '.bin'), { recursive: true });
      fs.symlinkSync(path.join(install, 'djyc', 'bin', 'djyc'), path.join(repo, 'node_modules', '.bin', 'djyc'));
      const r = djyc(['hook', 'install', '--pre-commit'], { cwd: repo, env: IDENTITY });
      expect(r.code, r.stderr).toBe(0);
      const hook = fs.readFileSync(path.join(repo, '.git', 'hooks', 'pre-commit'), 'utf8');
      expect(hook).not.toContain(ROOT);
      expect(hook).not.toContain(process.execPath);
      expect(hook).toContain('node_modules/.bin/djyc');

      const env = { PATH: BARE_PATH };
      let c = commit(repo, 'records/members/m-bad.yaml', BAD, env);
      expect(c.code).not.toBe(0);
      expect(c.out).toContain(BAD_AT);
      run(repo, 'git', ['rm', '-q', '--cached', 'records/members/m-bad.yaml'], env);
      fs.rmSync(path.join(repo, 'records/members/m-bad.yaml'));
      c = commit(repo, 'records/members/m-good.yaml', GOOD, env);
      expect(c.code, c.out).toBe(0);

      // The install moves: the link in node_modules/.bin now leads nowhere, and djyc is not on the PATH.
      fs.renameSync(install, path.join(tmp, 'moved'));
      c = commit(repo, 'records/members/m-good2.yaml', GOOD.replaceAll('m-good', 'm-good2'), env);
      expect(c.code).not.toBe(0);
      expect(c.out).toContain('找不到 djyc 命令');
      expect(c.out).toContain('djyc doctor');
      expect(c.out).toContain('--no-verify');
      noStackTrace(c.out);

      // djyc on the PATH instead (installed globally): the same hook works again, unchanged.
      c = run(repo, 'git', ['commit', '-q', '-m', 'again'], { PATH: pathWithDjyc(BARE_PATH) });
      expect(c.code, c.out).toBe(0);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('a hook from an older djyc (absolute paths) is reported by doctor and refreshed in place by install', () => {
    const repo = records();
    const file = path.join(repo, '.git', 'hooks', 'pre-commit');
    fs.writeFileSync(file, "#!/bin/sh\n# djyc hook (pre-commit): refuses commits whose records fail `djyc validate`.\nexec '/old/node' '/old/djyc/bin/djyc' hook run pre-commit\n", { mode: 0o755 });
    const c = commit(repo, 'records/members/m-good.yaml', GOOD, { PATH: BARE_PATH });
    expect(c.code).not.toBe(0);
    const d = djyc(['doctor', '--json', '--no-launch'], { cwd: repo, env: IDENTITY });
    const hooks = JSON.parse(d.stdout).checks.find((x: { id: string }) => x.id === 'hooks');
    expect(hooks.status).toBe('fail');
    expect(hooks.detail).toContain('/old/djyc/bin/djyc');
    expect(hooks.fix).toContain('djyc upgrade');
    const r = djyc(['hook', 'install', '--pre-commit'], { cwd: repo, env: IDENTITY });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/已更新/);
    expect(run(repo, 'git', ['commit', '-q', '-m', 'good'], { PATH: pathWithDjyc(BARE_PATH) }).code).toBe(0);
  });
});

describe('other hook managers', () => {
  it('core.hooksPath set by a team: djyc prints the line to add and writes nothing, not even with --force', () => {
    const repo = records();
    git(repo, ['config', 'core.hooksPath', '.githooks']);
    for (const extra of [[], ['--force']]) {
      const r = djyc(['hook', 'install', '--pre-commit', ...extra], { cwd: repo, env: IDENTITY });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('djyc hook run pre-commit');
      expect(r.stderr).toContain('core.hooksPath');
    }
    expect(fs.existsSync(path.join(repo, '.githooks'))).toBe(false);
    expect(fs.existsSync(path.join(repo, '.git', 'hooks', 'pre-commit'))).toBe(false);
  });

  it('a hook generated by the pre-commit framework is never replaced, not even with --force', () => {
    const repo = records();
    const file = path.join(repo, '.git', 'hooks', 'pre-commit');
    const theirs = '#!/usr/bin/env bash\n# File generated by pre-commit: https://pre-commit.com\nexec pre-commit hook-impl "$@"\n';
    fs.writeFileSync(file, theirs, { mode: 0o755 });
    const r = djyc(['hook', 'install', '--pre-commit', '--force'], { cwd: repo, env: IDENTITY });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('.pre-commit-config.yaml');
    expect(r.stderr).toContain('djyc-validate');
    expect(fs.readFileSync(file, 'utf8')).toBe(theirs);
  });

  it('--force keeps a plain foreign pre-commit hook, which still runs before djyc', () => {
    const repo = records();
    const file = path.join(repo, '.git', 'hooks', 'pre-commit');
    fs.writeFileSync(file, '#!/bin/sh\necho "my own check ran"\n', { mode: 0o755 });
    const r = djyc(['hook', 'install', '--pre-commit', '--force'], { cwd: repo, env: IDENTITY });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('pre-commit.before-djyc');
    const env = { PATH: pathWithDjyc(BARE_PATH) };
    const c = commit(repo, 'records/members/m-bad.yaml', BAD, env);
    expect(c.code).not.toBe(0);
    expect(c.out).toContain('my own check ran');
    expect(c.out).toContain(BAD_AT);
  });

  it('husky 9: refuses to touch husky’s files and prints the line; --husky adds it to .husky/pre-commit; one result per commit', () => {
    const repo = records();
    const env = { PATH: pathWithDjyc(BARE_PATH) };
    // husky's own install, as `npx husky` does it: core.hooksPath=.husky/_ and its generated files.
    const h = run(repo, process.execPath, [HUSKY_BIN], env);
    expect(h.code, h.out).toBe(0);
    expect(git(repo, ['config', 'core.hooksPath']).trim()).toBe('.husky/_');
    write(repo, '.husky/pre-commit', 'echo "user hook ran"\n');
    const generated = fs.readdirSync(path.join(repo, '.husky', '_')).map((f) => [f, fs.readFileSync(path.join(repo, '.husky', '_', f), 'utf8')]);

    for (const extra of [[], ['--force']]) {
      const r = djyc(['hook', 'install', '--pre-commit', ...extra], { cwd: repo, env: IDENTITY });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('husky');
      expect(r.stderr).toContain('  djyc hook run pre-commit');
      expect(r.stderr).toContain('--husky');
    }
    const r = djyc(['hook', 'install', '--pre-commit', '--husky'], { cwd: repo, env: IDENTITY });
    expect(r.code, r.stderr).toBe(0);
    expect(fs.readFileSync(path.join(repo, '.husky', 'pre-commit'), 'utf8')).toBe('echo "user hook ran"\ndjyc hook run pre-commit\n');
    // Again: nothing added twice.
    expect(djyc(['hook', 'install', '--pre-commit', '--husky'], { cwd: repo, env: IDENTITY }).stdout).toMatch(/未改动/);
    // husky's generated folder is as husky left it.
    expect(fs.readdirSync(path.join(repo, '.husky', '_')).map((f) => [f, fs.readFileSync(path.join(repo, '.husky', '_', f), 'utf8')])).toEqual(generated);

    let c = commit(repo, 'records/members/m-bad.yaml', BAD, env);
    expect(c.code).not.toBe(0);
    expect(c.out).toContain('user hook ran');
    expect(c.out.split(BAD_AT).length - 1).toBe(1);
    expect(c.out).toContain('未提交');
    run(repo, 'git', ['rm', '-q', '--cached', 'records/members/m-bad.yaml'], env);
    fs.rmSync(path.join(repo, 'records/members/m-bad.yaml'));
    c = commit(repo, 'records/members/m-good.yaml', GOOD, env);
    expect(c.code, c.out).toBe(0);
    expect(git(repo, ['show', '--stat', 'HEAD'])).toContain('m-good.yaml');
    // doctor sees the line.
    const d = JSON.parse(djyc(['doctor', '--json', '--no-launch'], { cwd: repo, env: { ...IDENTITY, ...env } }).stdout);
    expect(d.checks.find((x: { id: string }) => x.id === 'hooks')).toMatchObject({ status: 'ok' });
  });

  it('the pre-commit framework runs the shipped .pre-commit-hooks.yaml once per commit: blocks a bad record, passes a good one', () => {
    requireTool(HAS_PRE_COMMIT, 'pre-commit (the framework)');
    const repo = records();
    const tmp = tempDir('djyc-pre-commit-');
    try {
      // The hook repository as pre-commit fetches it: the shipped manifest and script, committed.
      const hookRepo = path.join(tmp, 'djyc-hooks');
      for (const rel of ['.pre-commit-hooks.yaml', 'templates/hooks/djyc-hook']) {
        fs.mkdirSync(path.dirname(path.join(hookRepo, rel)), { recursive: true });
        fs.copyFileSync(path.join(ROOT, rel), path.join(hookRepo, rel));
        fs.chmodSync(path.join(hookRepo, rel), fs.statSync(path.join(ROOT, rel)).mode);
      }
      git(hookRepo, ['init', '-q']);
      git(hookRepo, ['add', '-A']);
      git(hookRepo, ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'hooks']);
      const rev = git(hookRepo, ['rev-parse', 'HEAD']).trim();
      write(repo, '.pre-commit-config.yaml', `repos:\n  - repo: ${hookRepo}\n    rev: ${rev}\n    hooks:\n      - id: djyc-validate\n`);
      const env = { PATH: pathWithDjyc(BARE_PATH), PRE_COMMIT_HOME: path.join(tmp, 'cache'), PRE_COMMIT_COLOR: 'never' };
      run(repo, 'git', ['add', '.pre-commit-config.yaml'], env);
      expect(run(repo, 'git', ['commit', '-q', '--no-verify', '-m', 'pre-commit config'], env).code).toBe(0);
      const inst = run(repo, 'pre-commit', ['install'], env);
      expect(inst.code, inst.out).toBe(0);

      // Several records staged at once: still one djyc run, one result.
      write(repo, 'records/members/m-x.yaml', GOOD.replaceAll('m-good', 'm-x'));
      let c = commit(repo, 'records/members/m-bad.yaml', BAD, env);
      expect(c.code).not.toBe(0);
      expect(c.out).toMatch(/djyc validate（校验党建记录）\.+Failed/);
      expect(c.out.split(BAD_AT).length - 1).toBe(1);
      expect(c.out.match(/djyc validate（校验党建记录）/g)).toHaveLength(1);
      noStackTrace(c.out);
      fs.rmSync(path.join(repo, 'records/members/m-bad.yaml'));
      run(repo, 'git', ['add', '-A'], env);
      c = run(repo, 'git', ['commit', '-q', '-m', 'good'], env);
      expect(c.code, c.out).toBe(0);
      expect(c.out).toMatch(/djyc validate（校验党建记录）\.+Passed/);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
