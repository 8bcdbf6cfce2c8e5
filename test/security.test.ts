/**
 * Containment (issue 10, holes 1–4): nothing outside the repository is read, copied or changed, and no repository
 * file is deleted, whatever a record says. Real temporary repositories, real symbolic links and a real FIFO, the
 * commands run in-process. Through real processes (a validate that must not hang on a device or FIFO, files named
 * on the command line) and the git hooks with real `git push`es: security.cli.test.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { djyc, git } from './helpers.js';
import { commitChanges } from '../src/store/transaction.js';
import { RefusedError } from '../src/domain/errors.js';
import { lexicalProblem, recordPathProblem, sniffType, typeMismatch } from '../src/domain/paths.js';
import { readBounded, resolveInside } from '../src/store/containment.js';
import { ENV, MARKER, PNG, SECRET, SVG, brandRepo, cleanUp, commitAll, dir, secretFile, setLogo, write } from './security-fixture.js';

afterAll(cleanUp);

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
