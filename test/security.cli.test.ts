/**
 * Containment (issue 10, holes 2 and 4) through real processes: a validate that would hang on a device or FIFO
 * runs as bin/djyc under a timeout, files named on the command line (devices, FIFOs) are refused by the real
 * binary, and the pre-receive and pre-commit hooks, run by real `git push`es and commits, never follow a link.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { djyc, git, initRepo } from './helpers.js';
import { ENV, MARKER, SECRET, brandRepo, cleanUp, commitAll, dir, secretFile, track, write } from './security-fixture.js';

afterAll(cleanUp);

describe('hole 4: record files that are links, devices or FIFOs are refused before reading', () => {
  it('a record linked to /dev/zero, one linked outside, a FIFO, a linked kind folder and a linked djyc.yaml', () => {
    const repo = initRepo('shuangling', 2020);
    track(path.dirname(repo));
    const secret = secretFile();
    fs.symlinkSync('/dev/zero', path.join(repo, 'records/members/m-zero.yaml'));
    fs.symlinkSync(secret, path.join(repo, 'records/members/m-secret.yaml'));
    expect(spawnSync('mkfifo', [path.join(repo, 'records/members/m-fifo.yaml')]).status).toBe(0);
    const outsideKind = dir('djyc-outside-');
    fs.writeFileSync(path.join(outsideKind, 'e-1.yaml'), SECRET);
    fs.rmSync(path.join(repo, 'records/experts'), { recursive: true, force: true });
    fs.symlinkSync(outsideKind, path.join(repo, 'records/experts'));
    write(repo, 'records/members/m-big.yaml', `id: m-big\nname: 大\norganisation: org-a\nnotes: "${'x'.repeat(2 * 1024 * 1024)}"\n`);
    // The guard: a validate that read /dev/zero or waited on the FIFO would never end; it must end at once.
    const v = spawnSync(process.execPath, [path.resolve('bin/djyc'), 'validate', '--format', 'json'], { cwd: repo, encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...ENV, NO_COLOR: '1' } });
    expect(v.signal, 'validate hung on a device or FIFO').toBeNull();
    expect(v.status).toBe(1);
    const problems = JSON.parse(v.stdout).problems as { file: string; line: number; col: number; rule: string; message: string }[];
    const rule = (file: string) => problems.find((p) => p.file === file)?.rule;
    expect(rule('records/members/m-zero.yaml')).toBe('path-symlink');
    expect(rule('records/members/m-secret.yaml')).toBe('path-symlink');
    expect(rule('records/members/m-fifo.yaml')).toBe('path-special');
    expect(rule('records/experts')).toBe('path-symlink');
    expect(rule('records/members/m-big.yaml')).toBe('file-too-large');
    expect(`${v.stdout}${v.stderr}`).not.toMatch(MARKER);

    // djyc.yaml itself linked outside: an error, not followed.
    fs.renameSync(path.join(repo, 'djyc.yaml'), path.join(outsideKind, 'djyc.yaml'));
    fs.appendFileSync(path.join(outsideKind, 'djyc.yaml'), SECRET);
    fs.symlinkSync(path.join(outsideKind, 'djyc.yaml'), path.join(repo, 'djyc.yaml'));
    const c = djyc(['validate'], { cwd: repo, env: ENV });
    expect(c.code).toBe(1);
    expect(c.stdout).toContain('djyc.yaml:1:1');
    expect(c.stdout).toContain('[path-symlink]');
    expect(`${c.stdout}${c.stderr}`).not.toMatch(MARKER);
  });
});

describe('files named on the command line or in djyc.yaml', () => {
  it('a device or FIFO given as a logo, a report file or the phone roster is refused at once, never read', () => {
    const { repo, brand } = brandRepo();
    const fifo = path.join(dir('djyc-fifo-'), 'fifo.svg');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const run = (args: string[]) => spawnSync(process.execPath, [path.resolve('bin/djyc'), ...args], { cwd: repo, encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...ENV, NO_COLOR: '1' } });
    for (const args of [['brand', 'set', brand, '--logo', '/dev/zero'], ['brand', 'set', brand, '--logo', fifo], ['brand', 'new', '--org', 'org-a', '--name', '二号', '--logo', '/dev/urandom']]) {
      const r = run(args);
      expect(r.signal, `${args.join(' ')} hung`).toBeNull();
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    fs.appendFileSync(path.join(repo, 'djyc.yaml'), 'personal_data:\n  phone_roster: /dev/zero\n');
    const roster = run(['pack', '--org', 'org-a', '--notice', '--format', 'html', '-o', path.join(dir('djyc-notice-'), 'n.html')]);
    expect(roster.signal).toBeNull();
    expect(roster.status).toBe(2);
    expect(roster.stderr).toContain('/dev/zero');
  });
});

/** A work clone and a bare "server" repository with the pre-receive hook installed. */
function server(): { work: string; bare: string } {
  const work = initRepo('shuangling', 2020);
  track(path.dirname(work));
  write(work, 'records/organisations/org-a.yaml', 'id: org-a\nname: 甲支部\ntype: 党支部\n');
  commitAll(work, 'records');
  const bare = path.join(dir('djyc-server-'), 'records.git');
  git(path.dirname(bare), ['clone', '-q', '--bare', work, bare]);
  expect(djyc(['hook', 'install', '--pre-receive', '--repo', bare], { env: ENV }).code).toBe(0);
  git(work, ['remote', 'add', 'origin', bare]);
  return { work, bare };
}

function push(work: string): { code: number; out: string } {
  const r = spawnSync('git', ['push', 'origin', 'HEAD:main'], { cwd: work, encoding: 'utf8', env: { ...process.env, ...ENV } });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

describe('hole 2: the pre-receive hook never follows a pushed link', () => {
  it('a record, djyc.yaml or an attachment that is a link is refused, and what it points to never reaches the pusher', () => {
    const { work, bare } = server();
    const secret = secretFile();
    const targets = [secret, ...(fs.existsSync('/etc/shadow') ? ['/etc/shadow'] : [])];
    const tip = git(bare, ['rev-parse', 'main']);
    for (const target of targets) {
      fs.symlinkSync(target, path.join(work, 'records/members/m-x.yaml'));
      fs.mkdirSync(path.join(work, 'attachments'), { recursive: true });
      fs.symlinkSync(target, path.join(work, 'attachments/evil.png'));
      commitAll(work, `links to ${target}`);
      const r = push(work);
      expect(r.code, r.out).not.toBe(0);
      expect(r.out).toContain('records/members/m-x.yaml:1:1');
      expect(r.out).toContain('attachments/evil.png:1:1');
      expect(r.out).toContain('[path-symlink]');
      expect(r.out).not.toMatch(MARKER);
      expect(r.out).not.toMatch(/root:|未知字段/);
      expect(git(bare, ['rev-parse', 'main'])).toBe(tip);
      git(work, ['reset', '-q', '--hard', 'HEAD~1']);
    }
    // A linked djyc.yaml and a linked records/ folder.
    fs.rmSync(path.join(work, 'djyc.yaml'));
    fs.symlinkSync(secret, path.join(work, 'djyc.yaml'));
    commitAll(work, 'linked config');
    let r = push(work);
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('djyc.yaml:1:1');
    expect(r.out).not.toMatch(MARKER);
    git(work, ['reset', '-q', '--hard', 'HEAD~1']);
    const outside = dir('djyc-outside-');
    fs.writeFileSync(path.join(outside, 'o-1.yaml'), SECRET);
    fs.rmSync(path.join(work, 'records/organisations'), { recursive: true });
    fs.symlinkSync(outside, path.join(work, 'records/organisations'));
    commitAll(work, 'linked folder');
    r = push(work);
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('records/organisations:1:1');
    expect(r.out).not.toMatch(MARKER);
    git(work, ['reset', '-q', '--hard', 'HEAD~1']);
    // The repository is fine otherwise: a good push still goes through.
    write(work, 'records/members/m-1.yaml', 'id: m-1\nname: 张三\norganisation: org-a\n');
    commitAll(work, 'a member');
    r = push(work);
    expect(r.code, r.out).toBe(0);
  });

  it('the pre-commit hook refuses a staged link the same way, from the index', () => {
    const repo = initRepo('shuangling', 2020);
    track(path.dirname(repo));
    expect(djyc(['hook', 'install', '--pre-commit', '--repo', repo], { env: ENV }).code).toBe(0);
    fs.symlinkSync(secretFile(), path.join(repo, 'records/members/m-x.yaml'));
    git(repo, ['add', '-A']);
    const r = spawnSync('git', ['commit', '-q', '-m', 'link'], { cwd: repo, encoding: 'utf8', env: { ...process.env, ...ENV } });
    expect(r.status).not.toBe(0);
    expect(`${r.stdout}${r.stderr}`).toContain('records/members/m-x.yaml:1:1');
    expect(`${r.stdout}${r.stderr}`).not.toMatch(MARKER);
  });
});
