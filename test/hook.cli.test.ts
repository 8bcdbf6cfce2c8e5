/**
 * Git hooks for servers without CI, with a real bare repository and real `git push`es: a pre-receive hook refuses
 * a push whose records fail (a broken reference, an illegal stage move) and accepts a legal one; new branches and
 * deletions; a pre-commit hook refuses a commit that breaks the records; a foreign hook is not overwritten.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { djyc, git, initRepo, pathWithDjyc, tempDir } from './helpers.js';

const ENV = {
  GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t',
  DJYC_TODAY: '2020-03-20', NO_COLOR: '1',
  // The hooks look djyc up when they run: here, on the PATH.
  PATH: pathWithDjyc(),
};

/** git with the test identity; returns status and output instead of throwing. */
function gitRun(cwd: string, args: string[]): { code: number; out: string } {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, ...ENV } });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

function write(repo: string, rel: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(repo, rel)), { recursive: true });
  fs.writeFileSync(path.join(repo, rel), text);
}

function commitAll(repo: string, message: string, extra: string[] = []): { code: number; out: string } {
  gitRun(repo, ['add', '-A']);
  return gitRun(repo, ['commit', '-q', ...extra, '-m', message]);
}

const PROJECT = (stage: string, history: string) =>
  `id: p-1\nprogramme: shuangling-2020\ntitle: 便民服务\nlead: org-a\nstage: ${stage}\nhistory:\n  - stage: proposed\n    date: "2020-03-05"\n${history}`;

/** A work clone and a bare "server" repository with the pre-receive hook. */
function setup(): { work: string; server: string } {
  const work = initRepo('shuangling', 2020);
  write(work, 'records/organisations/org-a.yaml', 'id: org-a\nname: 甲支部\ntype: 党支部\n');
  write(work, 'records/members/m-1.yaml', 'id: m-1\nname: 张三\norganisation: org-a\n');
  write(work, 'records/projects/p-1.yaml', PROJECT('proposed', ''));
  expect(commitAll(work, 'records').code).toBe(0);
  const server = path.join(tempDir('djyc-server-'), 'records.git');
  expect(gitRun(path.dirname(server), ['clone', '-q', '--bare', work, server]).code).toBe(0);
  const r = djyc(['hook', 'install', '--pre-receive', '--repo', server], { env: ENV });
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('pre-receive');
  gitRun(work, ['remote', 'add', 'origin', server]);
  return { work, server };
}

const tip = (repo: string, ref = 'main') => git(repo, ['rev-parse', ref]).trim();

describe('pre-receive hook on a bare repository', () => {
  it('accepts a legal push, refuses a broken reference and an illegal stage move, and says why', () => {
    const { work, server } = setup();
    const hook = fs.readFileSync(path.join(server, 'hooks', 'pre-receive'), 'utf8');
    expect(hook).toContain('type=pre-receive');
    expect(hook).toContain('hook run "$type"');
    expect(fs.statSync(path.join(server, 'hooks', 'pre-receive')).mode & 0o111).not.toBe(0);

    // Legal: a new member, and a legal stage move (proposed → rejected, recorded in the history).
    write(work, 'records/members/m-2.yaml', 'id: m-2\nname: 李四\norganisation: org-a\n');
    commitAll(work, 'a member');
    let push = gitRun(work, ['push', 'origin', 'main']);
    expect(push.code, push.out).toBe(0);
    expect(tip(server)).toBe(tip(work));

    // Refused: a record naming an organisation that does not exist.
    const before = tip(server);
    write(work, 'records/members/m-3.yaml', 'id: m-3\nname: 王五\norganisation: org-missing\n');
    commitAll(work, 'broken reference');
    push = gitRun(work, ['push', 'origin', 'main']);
    expect(push.code).not.toBe(0);
    expect(push.out).toContain('pre-receive hook declined');
    expect(push.out).toContain('records/members/m-3.yaml:3:15');
    expect(push.out).toContain('org-missing');
    expect(push.out).toContain('已拒绝本次推送');
    expect(tip(server)).toBe(before);

    // Fixed: accepted.
    write(work, 'records/members/m-3.yaml', 'id: m-3\nname: 王五\norganisation: org-a\n');
    commitAll(work, 'fixed');
    push = gitRun(work, ['push', 'origin', 'main']);
    expect(push.code, push.out).toBe(0);

    // Refused: an illegal stage move (proposed → implementing skips the programme's steps).
    const good = tip(server);
    write(work, 'records/projects/p-1.yaml', PROJECT('implementing', '  - stage: implementing\n    from: proposed\n    date: "2020-03-20"\n'));
    commitAll(work, 'jump ahead');
    push = gitRun(work, ['push', 'origin', 'main']);
    expect(push.code).not.toBe(0);
    expect(push.out).toContain('records/projects/p-1.yaml');
    expect(push.out).toMatch(/base-stage-move/);
    expect(tip(server)).toBe(good);

    // A legal move of the same project is accepted.
    gitRun(work, ['reset', '-q', '--hard', good]);
    write(work, 'records/projects/p-1.yaml', PROJECT('rejected', '  - stage: rejected\n    from: proposed\n    date: "2020-03-20"\n'));
    commitAll(work, 'not approved');
    push = gitRun(work, ['push', 'origin', 'main']);
    expect(push.code, push.out).toBe(0);
    expect(tip(server)).toBe(tip(work));
    // The server repository has no leftovers of the checks: only the check tree it keeps (djyc-check/), no lock.
    expect(gitRun(server, ['status', '--porcelain']).code).not.toBe(0); // bare: no work tree at all
    expect(fs.readdirSync(server).filter((f) => f.startsWith('djyc-') && f !== 'djyc-cache')).toEqual(['djyc-check']);
  });

  it('checks a new branch against where it leaves main, and lets branches be deleted', () => {
    const { work, server } = setup();
    gitRun(work, ['checkout', '-q', '-b', 'topic']);
    write(work, 'records/members/m-9.yaml', 'id: m-9\nname: 赵六\norganisation: org-zz\n');
    commitAll(work, 'topic: broken');
    let push = gitRun(work, ['push', 'origin', 'topic']);
    expect(push.code).not.toBe(0);
    expect(push.out).toContain('m-9.yaml');
    write(work, 'records/members/m-9.yaml', 'id: m-9\nname: 赵六\norganisation: org-a\n');
    commitAll(work, 'topic: fixed');
    push = gitRun(work, ['push', 'origin', 'topic']);
    expect(push.code, push.out).toBe(0);
    expect(git(server, ['branch', '--list', 'topic'])).toContain('topic');
    push = gitRun(work, ['push', 'origin', '--delete', 'topic']);
    expect(push.code, push.out).toBe(0);
    expect(git(server, ['branch', '--list', 'topic']).trim()).toBe('');
  });

  it('keeps one check tree between pushes: what the pushed tree lacks is gone from it, stray files in it are not read, a busy one is not waited for', () => {
    const { work, server } = setup();
    const checkTree = path.join(server, 'djyc-check');
    const start = tip(work);
    write(work, 'records/organisations/org-b.yaml', 'id: org-b\nname: 乙支部\ntype: 党支部\n');
    write(work, 'records/members/m-5.yaml', 'id: m-5\nname: 钱五\norganisation: org-b\n');
    commitAll(work, 'org-b');
    let push = gitRun(work, ['push', 'origin', 'main']);
    expect(push.code, push.out).toBe(0);
    expect(fs.readFileSync(path.join(checkTree, 'records/organisations/org-b.yaml'), 'utf8')).toContain('乙支部');
    // A file nobody pushed (a crash, a hand): never part of a check.
    write(checkTree, 'records/members/m-stray.yaml', 'id: m-stray\nname: 无\norganisation: org-nowhere\n');
    // A branch from before org-b that refers to it: refused, because org-b is not in that tree (nor in the check tree).
    gitRun(work, ['checkout', '-q', '-b', 'other', start]);
    write(work, 'records/members/m-7.yaml', 'id: m-7\nname: 周七\norganisation: org-b\n');
    commitAll(work, 'm-7 in org-b');
    push = gitRun(work, ['push', 'origin', 'other']);
    expect(push.code).not.toBe(0);
    expect(push.out).toContain('records/members/m-7.yaml');
    expect(push.out).not.toContain('m-stray');
    expect(fs.existsSync(path.join(checkTree, 'records/organisations/org-b.yaml'))).toBe(false);
    expect(fs.existsSync(path.join(checkTree, 'records/members/m-stray.yaml'))).toBe(false);
    write(work, 'records/members/m-7.yaml', 'id: m-7\nname: 周七\norganisation: org-a\n');
    commitAll(work, 'm-7 in org-a');
    push = gitRun(work, ['push', 'origin', 'other']);
    expect(push.code, push.out).toBe(0);
    gitRun(work, ['checkout', '-q', 'main']);
    // Another push holds the check tree (a live process): this one is checked in a throw-away tree, same verdict.
    fs.writeFileSync(path.join(server, 'djyc-check.lock'), String(process.pid));
    write(work, 'records/members/m-6.yaml', 'id: m-6\nname: 孙六\norganisation: org-gone\n');
    commitAll(work, 'm-6 in an organisation that does not exist');
    push = gitRun(work, ['push', 'origin', 'main']);
    expect(push.code).not.toBe(0);
    expect(push.out).toContain('records/members/m-6.yaml');
    expect(fs.readFileSync(path.join(server, 'djyc-check.lock'), 'utf8')).toBe(String(process.pid));
    // A lock left by a process that is gone is taken over.
    fs.writeFileSync(path.join(server, 'djyc-check.lock'), '999999999');
    write(work, 'records/members/m-6.yaml', 'id: m-6\nname: 孙六\norganisation: org-a\n');
    commitAll(work, 'm-6 fixed');
    push = gitRun(work, ['push', 'origin', 'main']);
    expect(push.code, push.out).toBe(0);
    expect(fs.existsSync(path.join(server, 'djyc-check.lock'))).toBe(false);
    expect(fs.readFileSync(path.join(checkTree, 'records/members/m-6.yaml'), 'utf8')).toContain('org-a');
  });

  it('does not overwrite a foreign hook unless --force', () => {
    const { server } = setup();
    const file = path.join(server, 'hooks', 'pre-receive');
    fs.writeFileSync(file, '#!/bin/sh\necho mine\n', { mode: 0o755 });
    const r = djyc(['hook', 'install', '--pre-receive', '--repo', server], { env: ENV });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--force');
    expect(fs.readFileSync(file, 'utf8')).toBe('#!/bin/sh\necho mine\n');
    const forced = djyc(['hook', 'install', '--pre-receive', '--repo', server, '--force'], { env: ENV });
    expect(forced.code).toBe(0);
    expect(fs.readFileSync(file, 'utf8')).toContain('djyc hook');
    // Not silently: the hook that was there is kept, said so, and still runs.
    expect(forced.stdout).toContain('pre-receive.before-djyc');
    expect(fs.readFileSync(`${file}.before-djyc`, 'utf8')).toBe('#!/bin/sh\necho mine\n');
    expect(djyc(['hook', 'install'], { env: ENV }).code).toBe(2);
    expect(djyc(['hook', 'install', '--pre-commit', '--repo', tempDir()], { env: ENV }).code).toBe(2);
  });
});

describe('pre-commit hook', () => {
  it('refuses a commit whose staged records fail, checks what is staged (not the work tree), accepts a good one', () => {
    const { work } = setup();
    expect(djyc(['hook', 'install', '--pre-commit'], { cwd: work, env: ENV }).code).toBe(0);
    const head = tip(work, 'HEAD');
    write(work, 'records/members/m-5.yaml', 'id: m-5\nname: 孙七\norganisation: org-none\n');
    let r = commitAll(work, 'broken');
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('records/members/m-5.yaml:3:15');
    expect(r.out).toContain('未提交');
    expect(tip(work, 'HEAD')).toBe(head);
    // Staged: a good version; in the work tree: a broken one (not being committed).
    write(work, 'records/members/m-5.yaml', 'id: m-5\nname: 孙七\norganisation: org-a\n');
    gitRun(work, ['add', 'records/members/m-5.yaml']);
    write(work, 'records/members/m-5.yaml', 'id: m-5\nname: 孙七\norganisation: org-broken-in-work-tree\n');
    r = gitRun(work, ['commit', '-q', '-m', 'good staged version']);
    expect(r.code, r.out).toBe(0);
    expect(git(work, ['show', 'HEAD:records/members/m-5.yaml'])).toContain('organisation: org-a');
    // Staged: a broken version; in the work tree: a good one. The staged one is what is refused.
    write(work, 'records/members/m-5.yaml', 'id: m-5\nname: 孙七\norganisation: org-staged-broken\n');
    gitRun(work, ['add', 'records/members/m-5.yaml']);
    write(work, 'records/members/m-5.yaml', 'id: m-5\nname: 孙七\norganisation: org-a\n');
    r = gitRun(work, ['commit', '-q', '-m', 'broken staged version']);
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('org-staged-broken');
    gitRun(work, ['reset', '-q']);
    // A broken file git does not track (nor one it ignores) is not part of the commit: not checked.
    write(work, 'records/members/m-9.yaml', 'id: m-9\nname: 未跟踪\norganisation: org-untracked\n');
    write(work, 'records/members/m-6.yaml', 'id: m-6\nname: 周八\norganisation: org-a\n');
    gitRun(work, ['add', 'records/members/m-6.yaml']);
    r = gitRun(work, ['commit', '-q', '-m', 'one good record beside an untracked broken one']);
    expect(r.code, r.out).toBe(0);
  });
});
