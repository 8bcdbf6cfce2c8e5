/**
 * Containment (issue 10, holes 1–4): nothing outside the repository is read, copied or changed, and no repository
 * file is deleted, whatever a record or a push says. Real temporary repositories, real symbolic links, a real FIFO,
 * a real bare repository with the pre-receive hook and real `git push`es.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { djyc, git, initRepo, tempDir } from './helpers.js';
import { commitChanges } from '../src/store/transaction.js';
import { RefusedError } from '../src/domain/errors.js';
import { lexicalProblem, recordPathProblem, sniffType, typeMismatch } from '../src/domain/paths.js';
import { readBounded, resolveInside } from '../src/store/containment.js';

const ENV = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t', DJYC_TODAY: '2020-05-05' };
const SECRET = 'secret_key: hunter2-7f3a\nroot_password: swordfish-9c1e\n';
const MARKER = /hunter2-7f3a|swordfish-9c1e/;
const SVG = '<?xml version="1.0"?>\n<!-- logo -->\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>\n';
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415408d763f8cfc000000301010018dd8db40000000049454e44ae426082', 'hex');

const made: string[] = [];
afterAll(() => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});

function dir(prefix: string): string {
  const d = tempDir(prefix);
  made.push(d);
  return d;
}

/** A file outside any repository holding "secrets" in key: value lines (what an attacker would point at). */
function secretFile(): string {
  const file = path.join(dir('djyc-outside-'), 'secret.yaml');
  fs.writeFileSync(file, SECRET);
  return file;
}

function write(repo: string, rel: string, content: string | Buffer): void {
  fs.mkdirSync(path.dirname(path.join(repo, rel)), { recursive: true });
  fs.writeFileSync(path.join(repo, rel), content);
}

function commitAll(repo: string, message: string): void {
  git(repo, ['add', '-A']);
  git(repo, ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', message]);
}

/** A shuangling repository with one organisation and one brand (created by `djyc brand new`). */
function brandRepo(): { repo: string; brand: string } {
  const repo = initRepo('shuangling', 2020);
  made.push(path.dirname(repo));
  write(repo, 'records/organisations/org-a.yaml', 'id: org-a\nname: 甲支部\ntype: 党支部\n');
  commitAll(repo, 'org');
  const r = djyc(['brand', 'new', '--org', 'org-a', '--name', '红烛先锋', '--json'], { cwd: repo, env: ENV });
  expect(r.code, r.stderr).toBe(0);
  return { repo, brand: JSON.parse(r.stdout).brand as string };
}

function setLogo(repo: string, brand: string, logo: string): string {
  const file = path.join(repo, 'records/brands', `${brand}.yaml`);
  const before = fs.readFileSync(file, 'utf8');
  const line = `logo: ${JSON.stringify(logo)}`;
  const text = /^logo:/m.test(before) ? before.replace(/^logo: .*$/m, line) : before.replace(/^name: (.*)$/m, `name: $1\n${line}`);
  fs.writeFileSync(file, text);
  commitAll(repo, `logo ${logo}`);
  return `records/brands/${brand}.yaml:${text.split('\n').findIndex((l) => l.startsWith('logo:')) + 1}:7`;
}

describe('the containment rule itself', () => {
  it('judges paths lexically: relative, plain, under attachments/', () => {
    expect(lexicalProblem('attachments/logos/x.png')).toBeUndefined();
    for (const p of ['attachments/logos/../../djyc.yaml', 'attachments/./x.png', 'attachments//x.png', 'attachments\\x.png', 'attachments/.git/x', 'a/\u0000b', '']) {
      expect(lexicalProblem(p), p).toBe('path-not-normalised');
    }
    for (const p of ['/etc/passwd', 'C:/x.png', 'file:///etc/passwd', 'https://example.com/x.png']) expect(lexicalProblem(p), p).toBe('path-absolute');
    expect(recordPathProblem('djyc.yaml')).toBe('path-outside-attachments');
    expect(recordPathProblem('records/members/m-1.yaml')).toBe('path-outside-attachments');
    expect(recordPathProblem('attachments/2020/a.pdf')).toBeUndefined();
  });

  it('resolves on disk component by component: a link anywhere, a FIFO or a folder is refused', () => {
    const root = dir('djyc-resolve-');
    const outside = dir('djyc-outside-');
    write(root, 'attachments/ok/a.png', PNG);
    fs.symlinkSync(outside, path.join(root, 'attachments/linked'));
    fs.symlinkSync(path.join(root, 'attachments/ok/a.png'), path.join(root, 'attachments/ok/b.png'));
    spawnSync('mkfifo', [path.join(root, 'attachments/ok/fifo.png')]);
    expect(resolveInside(root, 'attachments/ok/a.png')).toMatchObject({ ok: true, exists: true });
    expect(resolveInside(root, 'attachments/linked/x.png', { allowMissing: true })).toMatchObject({ ok: false, rule: 'path-symlink', at: 'attachments/linked' });
    expect(resolveInside(root, 'attachments/ok/b.png')).toMatchObject({ ok: false, rule: 'path-symlink' });
    expect(resolveInside(root, 'attachments/ok/fifo.png')).toMatchObject({ ok: false, rule: 'path-special' });
    expect(resolveInside(root, 'attachments/ok')).toMatchObject({ ok: false, rule: 'path-not-a-file' });
    expect(resolveInside(root, 'attachments/ok/new.png', { allowMissing: true })).toMatchObject({ ok: true, exists: false });
  });

  it('reads with a bound: never through a link, never from a device or FIFO, never more than the limit + 1 byte', () => {
    const root = dir('djyc-bounded-');
    const big = path.join(root, 'big.bin');
    fs.writeFileSync(big, Buffer.alloc(3 * 1024 * 1024, 0x41));
    expect(readBounded(big, 1024 * 1024)).toMatchObject({ ok: false, rule: 'file-too-large', size: 3 * 1024 * 1024 });
    const prefix = readBounded(big, 1000, { prefix: true });
    expect(prefix.ok && prefix.bytes.length).toBe(1001);
    fs.symlinkSync('/dev/zero', path.join(root, 'zero'));
    expect(readBounded(path.join(root, 'zero'), 1000)).toMatchObject({ ok: false, rule: 'path-symlink' });
    // Followed on purpose (a file named on the command line): a device is still not a regular file.
    expect(readBounded(path.join(root, 'zero'), 1000, { follow: true })).toMatchObject({ ok: false, rule: 'path-special' });
    expect(readBounded('/dev/zero', 1000)).toMatchObject({ ok: false, rule: 'path-special' });
    spawnSync('mkfifo', [path.join(root, 'fifo')]);
    expect(readBounded(path.join(root, 'fifo'), 1000)).toMatchObject({ ok: false, rule: 'path-special' });
  });

  it('recognises files by their magic bytes, SVG by its root element', () => {
    expect(sniffType(PNG)).toBe('png');
    expect(sniffType(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('jpeg');
    expect(sniffType(Buffer.from('GIF89a....'))).toBe('gif');
    expect(sniffType(Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBPVP8 ')]))).toBe('webp');
    expect(sniffType(Buffer.from('%PDF-1.7\n'))).toBe('pdf');
    expect(sniffType(Buffer.from(SVG))).toBe('svg');
    expect(sniffType(Buffer.from('\uFEFF<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x">\n<svg:svg xmlns:svg="http://www.w3.org/2000/svg"/>'))).toBe('svg');
    expect(sniffType(Buffer.from('<html><svg/></html>'))).toBeUndefined();
    expect(sniffType(Buffer.from(SECRET))).toBeUndefined();
    expect(typeMismatch('x.png', Buffer.from(SECRET))).toEqual({ expected: 'png', found: undefined });
    expect(typeMismatch('x.svg', PNG)).toEqual({ expected: 'svg', found: 'png' });
    expect(typeMismatch('x.PNG', PNG)).toBeUndefined();
    expect(typeMismatch('notes.csv', Buffer.from(SECRET))).toBeUndefined();
  });
});

describe('hole 1: a path in a record never deletes or overwrites a repository file', () => {
  it('logo: attachments/logos/../../djyc.yaml is an error with its position; brand set keeps djyc.yaml', () => {
    const { repo, brand } = brandRepo();
    const config = fs.readFileSync(path.join(repo, 'djyc.yaml'), 'utf8');
    const at = setLogo(repo, brand, 'attachments/logos/../../djyc.yaml');
    const v = djyc(['validate'], { cwd: repo, env: ENV });
    expect(v.code).toBe(1);
    expect(v.stdout).toContain(`${at}  错误`);
    expect(v.stdout).toContain('[path-not-normalised]');
    const logo = path.join(dir('djyc-logo-'), 'new.svg');
    fs.writeFileSync(logo, SVG);
    const r = djyc(['brand', 'set', brand, '--logo', logo], { cwd: repo, env: ENV });
    expect(r.code, r.stderr).toBe(0);
    expect(fs.readFileSync(path.join(repo, 'djyc.yaml'), 'utf8')).toBe(config);
    expect(git(repo, ['log', '--diff-filter=D', '--name-only', '--format=']).trim()).toBe('');
    expect(djyc(['validate'], { cwd: repo, env: ENV }).code).toBe(0);
  });

  it('logo: ../../.git/HEAD, an absolute path, a link: nothing of the repository or outside is touched', () => {
    const { repo, brand } = brandRepo();
    const head = fs.readFileSync(path.join(repo, '.git/HEAD'), 'utf8');
    const logo = path.join(dir('djyc-logo-'), 'new.svg');
    fs.writeFileSync(logo, SVG);
    for (const bad of ['attachments/logos/../../.git/HEAD', '.git/HEAD', '/etc/hostname', 'records/organisations/org-a.yaml']) {
      const at = setLogo(repo, brand, bad);
      const v = djyc(['validate', '--format', 'json'], { cwd: repo, env: ENV });
      expect(v.code, bad).toBe(1);
      const found = JSON.parse(v.stdout).problems.find((p: { file: string; line: number; col: number; rule: string }) => `${p.file}:${p.line}:${p.col}` === at);
      expect(found?.rule, bad).toMatch(/^path-/);
      const r = djyc(['brand', 'set', brand, '--logo', logo], { cwd: repo, env: ENV });
      expect(r.code, r.stderr).toBe(0);
      expect(fs.readFileSync(path.join(repo, '.git/HEAD'), 'utf8')).toBe(head);
      expect(fs.existsSync(path.join(repo, 'records/organisations/org-a.yaml'))).toBe(true);
      expect(git(repo, ['log', '--diff-filter=D', '--name-only', '--format=']).trim()).toBe('');
    }
    expect(git(repo, ['fsck', '--no-progress']).trim()).toBe('');
  });

  it('the write loop itself refuses paths out of records/ and attachments/, deletions out of attachments/, and links on the way', async () => {
    const { repo } = brandRepo();
    const outside = dir('djyc-outside-');
    fs.symlinkSync(outside, path.join(repo, 'attachments/linked'));
    const head = git(repo, ['rev-parse', 'HEAD']);
    const attempts = [
      { path: 'djyc.yaml', content: 'x' },
      { path: '.git/HEAD', content: 'x' },
      { path: 'attachments/../djyc.yaml', content: null },
      { path: 'records/organisations/org-a.yaml', content: null },
      { path: '/tmp/x.yaml', content: 'x' },
      { path: 'attachments/linked/x.svg', content: SVG },
    ];
    for (const change of attempts) {
      await expect(commitChanges(repo, [change], 'attempt'), change.path).rejects.toBeInstanceOf(RefusedError);
    }
    expect(fs.readdirSync(outside)).toEqual([]);
    expect(git(repo, ['rev-parse', 'HEAD'])).toBe(head);
    expect(fs.existsSync(path.join(repo, 'records/organisations/org-a.yaml'))).toBe(true);
    expect(git(repo, ['status', '--porcelain', '--untracked-files=no'])).toBe('');
  });

  it('brand set refuses to write a logo through a linked attachments/logos folder', () => {
    const { repo, brand } = brandRepo();
    const outside = dir('djyc-outside-');
    fs.mkdirSync(path.join(repo, 'attachments'), { recursive: true });
    fs.symlinkSync(outside, path.join(repo, 'attachments/logos'));
    const logo = path.join(dir('djyc-logo-'), 'new.svg');
    fs.writeFileSync(logo, SVG);
    const r = djyc(['brand', 'set', brand, '--logo', logo], { cwd: repo, env: ENV });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('符号链接');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(fs.readdirSync(outside)).toEqual([]);
  });
});

describe('hole 4: record files that are links, devices or FIFOs are refused before reading', () => {
  it('a record linked to /dev/zero, one linked outside, a FIFO, a linked kind folder and a linked djyc.yaml', () => {
    const repo = initRepo('shuangling', 2020);
    made.push(path.dirname(repo));
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
  made.push(path.dirname(work));
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
    made.push(path.dirname(repo));
    expect(djyc(['hook', 'install', '--pre-commit', '--repo', repo], { env: ENV }).code).toBe(0);
    fs.symlinkSync(secretFile(), path.join(repo, 'records/members/m-x.yaml'));
    git(repo, ['add', '-A']);
    const r = spawnSync('git', ['commit', '-q', '-m', 'link'], { cwd: repo, encoding: 'utf8', env: { ...process.env, ...ENV } });
    expect(r.status).not.toBe(0);
    expect(`${r.stdout}${r.stderr}`).toContain('records/members/m-x.yaml:1:1');
    expect(`${r.stdout}${r.stderr}`).not.toMatch(MARKER);
  });
});

describe('hole 3: publish and render copy only contained, real images', () => {
  it('a logo linked outside, a text file named .png and an SVG through a linked folder are not published nor rendered', () => {
    const { repo, brand } = brandRepo();
    const secret = secretFile();
    write(repo, 'attachments/logos/fake.png', SECRET);
    fs.symlinkSync(secret, path.join(repo, 'attachments/logos/linked.png'));
    const outside = dir('djyc-outside-');
    fs.writeFileSync(path.join(outside, 'x.svg'), SVG.replace('<rect', `<!-- ${SECRET} --><rect`));
    fs.symlinkSync(outside, path.join(repo, 'attachments/elsewhere'));
    commitAll(repo, 'attachments');
    const site = path.join(dir('djyc-site-'), 'site');
    const html = dir('djyc-html-');
    for (const logo of ['attachments/logos/linked.png', 'attachments/logos/fake.png', 'attachments/elsewhere/x.svg']) {
      const at = setLogo(repo, brand, logo);
      const v = djyc(['validate', '--format', 'json'], { cwd: repo, env: ENV });
      expect(v.code).toBe(1);
      const rules = (JSON.parse(v.stdout).problems as { file: string; line: number; col: number; rule: string }[]).map((p) => `${p.file}:${p.line}:${p.col} ${p.rule}`);
      expect(rules.some((x) => x.startsWith(at) && /path-(symlink|type-mismatch)/.test(x)), `${logo}: ${rules.join('; ')}`).toBe(true);
      const p = djyc(['publish', '-o', site], { cwd: repo, env: ENV });
      expect(p.code, p.stderr).toBe(0);
      expect(`${p.stdout}${p.stderr}`).toContain(logo);
      const files = fs.readdirSync(site, { recursive: true }) as string[];
      expect(files.filter((f) => f.startsWith(`assets${path.sep}logos`) && f.includes(brand))).toEqual([]);
      for (const f of files) {
        const full = path.join(site, f);
        if (fs.statSync(full).isFile()) expect(fs.readFileSync(full, 'latin1'), f).not.toMatch(MARKER);
      }
      const r = djyc(['render', brand, '--form', 'brand', '--format', 'html', '-o', path.join(html, 'brand.html')], { cwd: repo, env: ENV });
      expect(r.code, r.stderr).toBe(0);
      const page = fs.readFileSync(path.join(html, 'brand.html'), 'utf8');
      expect(page).not.toMatch(MARKER);
      expect(page).not.toContain('data:image/');
    }
    // A real image in the right place is published and rendered.
    write(repo, 'attachments/logos/good.png', PNG);
    commitAll(repo, 'good logo');
    setLogo(repo, brand, 'attachments/logos/good.png');
    fs.rmSync(path.join(repo, 'attachments/logos/fake.png'));
    fs.rmSync(path.join(repo, 'attachments/logos/linked.png'));
    fs.rmSync(path.join(repo, 'attachments/elsewhere'));
    commitAll(repo, 'clean up');
    expect(djyc(['validate'], { cwd: repo, env: ENV }).code).toBe(0);
    expect(djyc(['publish', '-o', site], { cwd: repo, env: ENV }).code).toBe(0);
    expect(fs.readFileSync(path.join(site, 'assets/logos', `${brand}.png`)).equals(PNG)).toBe(true);
    expect(djyc(['render', brand, '--form', 'brand', '--format', 'html', '-o', path.join(html, 'good.html')], { cwd: repo, env: ENV }).code).toBe(0);
    expect(fs.readFileSync(path.join(html, 'good.html'), 'utf8')).toContain(`data:image/png;base64,${PNG.toString('base64')}`);
  });
});
