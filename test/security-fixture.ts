/**
 * What the containment tests (security.test.ts in-process, security.cli.test.ts through real processes and git
 * hooks) share: "secrets" outside the repository, a brand repository, files written and committed as a user would.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { djyc, git, initRepo, pathWithDjyc, tempDir } from './helpers.js';

// PATH: the hooks look djyc up when they run (see helpers.pathWithDjyc).
export const ENV = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t', DJYC_TODAY: '2020-05-05', PATH: pathWithDjyc() };
export const SECRET = 'secret_key: hunter2-7f3a\nroot_password: swordfish-9c1e\n';
export const MARKER = /hunter2-7f3a|swordfish-9c1e/;
export const SVG = '<?xml version="1.0"?>\n<!-- logo -->\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>\n';
export const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415408d763f8cfc000000301010018dd8db40000000049454e44ae426082', 'hex');

const made: string[] = [];
/** Removes the folders made so far (each test file calls it after all its tests). */
export function cleanUp(): void {
  for (const d of made.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

/** A fresh temporary folder, removed by cleanUp(). */
/** Registers a folder for cleanUp(). */
export function track(d: string): void {
  made.push(d);
}

export function dir(prefix: string): string {
  const d = tempDir(prefix);
  made.push(d);
  return d;
}

/** A file outside any repository holding "secrets" in key: value lines (what an attacker would point at). */
export function secretFile(): string {
  const file = path.join(dir('djyc-outside-'), 'secret.yaml');
  fs.writeFileSync(file, SECRET);
  return file;
}

export function write(repo: string, rel: string, content: string | Buffer): void {
  fs.mkdirSync(path.dirname(path.join(repo, rel)), { recursive: true });
  fs.writeFileSync(path.join(repo, rel), content);
}

export function commitAll(repo: string, message: string): void {
  git(repo, ['add', '-A']);
  git(repo, ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', message]);
}

/** A shuangling repository with one organisation and one brand (created by `djyc brand new`). */
export function brandRepo(): { repo: string; brand: string } {
  const repo = initRepo('shuangling', 2020);
  track(path.dirname(repo));
  write(repo, 'records/organisations/org-a.yaml', 'id: org-a\nname: 甲支部\ntype: 党支部\n');
  commitAll(repo, 'org');
  const r = djyc(['brand', 'new', '--org', 'org-a', '--name', '红烛先锋', '--json'], { cwd: repo, env: ENV });
  expect(r.code, r.stderr).toBe(0);
  return { repo, brand: JSON.parse(r.stdout).brand as string };
}

export function setLogo(repo: string, brand: string, logo: string): string {
  const file = path.join(repo, 'records/brands', `${brand}.yaml`);
  const before = fs.readFileSync(file, 'utf8');
  const line = `logo: ${JSON.stringify(logo)}`;
  const text = /^logo:/m.test(before) ? before.replace(/^logo: .*$/m, line) : before.replace(/^name: (.*)$/m, `name: $1\n${line}`);
  fs.writeFileSync(file, text);
  commitAll(repo, `logo ${logo}`);
  return `records/brands/${brand}.yaml:${text.split('\n').findIndex((l) => l.startsWith('logo:')) + 1}:7`;
}

