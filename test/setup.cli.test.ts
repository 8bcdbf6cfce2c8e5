/**
 * scripts/setup.sh on machines that are not Debian-as-root: a copy of the script in a folder laid out like the
 * package, run by bash with a PATH of chosen commands — fake package managers (and a fake sudo, id, uname) that
 * record how they were called. The real browser search (dist/pdf/discovery.js) decides whether a browser is
 * missing, as it does for people.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverBrowser, realHost } from '../src/pdf/discovery.js';
import { ROOT, tempDir } from './helpers.js';

let root: string;
let project: string;
let n = 0;

beforeAll(() => {
  root = tempDir('djyc-setup-');
  // The package as setup.sh sees it: installed (node_modules newer than package.json) and built.
  project = path.join(root, 'pkg');
  fs.mkdirSync(path.join(project, 'scripts'), { recursive: true });
  fs.copyFileSync(path.join(ROOT, 'scripts/setup.sh'), path.join(project, 'scripts/setup.sh'));
  fs.writeFileSync(path.join(project, 'package.json'), '{"type":"module"}\n');
  fs.mkdirSync(path.join(project, 'node_modules/.bin'), { recursive: true });
  fs.writeFileSync(path.join(project, 'node_modules/.package-lock.json'), '{}\n');
  const later = new Date(Date.now() + 60_000);
  fs.utimesSync(path.join(project, 'node_modules/.package-lock.json'), later, later);
  fs.mkdirSync(path.join(project, 'dist/cli'), { recursive: true });
  fs.writeFileSync(path.join(project, 'dist/cli/main.js'), '');
  fs.mkdirSync(path.join(project, 'dist/pdf'), { recursive: true });
  fs.copyFileSync(path.join(ROOT, 'dist/pdf/discovery.js'), path.join(project, 'dist/pdf/discovery.js'));
});

afterAll(() => {
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

const which = (cmd: string) => spawnSync('bash', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).stdout.trim();

interface Machine {
  /** Real commands linked in (git, pdftotext, …). */
  real?: string[];
  /** Fake commands that log their arguments: package managers, pdftotext and the like. */
  fakes?: string[];
  uid?: number;
  os?: string;
  /** A sudo that runs without a password. */
  sudo?: boolean;
  env?: Record<string, string>;
  args?: string[];
}

/** Runs the copied setup.sh on a machine of `m`'s make; returns its exit code, its messages and the fakes' calls. */
function setup(m: Machine): { code: number; err: string; calls: string[]; browserHere: boolean } {
  const dir = path.join(root, `m${++n}`);
  const bin = path.join(dir, 'bin');
  const log = path.join(dir, 'calls.log');
  fs.mkdirSync(bin, { recursive: true });
  for (const cmd of ['node', 'dirname', 'find', ...(m.real ?? [])]) fs.symlinkSync(which(cmd), path.join(bin, cmd));
  const script = (name: string, body: string) => fs.writeFileSync(path.join(bin, name), `#!/bin/bash\n${body}\n`, { mode: 0o755 });
  for (const f of m.fakes ?? []) script(f, `echo "${f} $*" >> '${log}'`);
  script('id', `[ "$1" = -u ] && echo ${m.uid ?? 1000}`);
  script('uname', `echo ${m.os ?? 'Linux'}`);
  if (m.sudo) script('sudo', `[ "$1" = -n ] && [ "$2" = true ] && exit 0\necho "sudo $*" >> '${log}'\nexec "$@"`);
  const env = { PATH: bin, HOME: dir, DJYC_EXTB_FONT: '/x/HanaMinB.ttf', ...m.env };
  const r = spawnSync(which('bash'), [path.join(project, 'scripts/setup.sh'), '--no-build', ...(m.args ?? [])], { encoding: 'utf8', env });
  const calls = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : [];
  return { code: r.status ?? -1, err: r.stderr, calls, browserHere: discoverBrowser(realHost(env)).ok };
}

/** The packages a browser-less machine adds in front of the test tools. */
const browserFirst = (here: boolean, name = 'chromium') => (here ? '' : `${name} `);

describe('scripts/setup.sh beyond Debian and root', () => {
  it('nothing missing: silent, exit 0, no package manager called', () => {
    const r = setup({ real: ['git'], fakes: ['apt-get', 'pdftotext', 'tmux', 'pre-commit', 'yamllint', 'soffice', 'script'] });
    expect(r.code).toBe(0);
    expect(r.browserHere ? r.err : '').toBe('');
    expect(r.calls).toEqual([]);
  });

  it('Fedora, not root, no sudo: installs nothing and prints the one dnf command to run', () => {
    const r = setup({ real: ['git'], fakes: ['dnf', 'soffice', 'script'] });
    expect(r.code, r.err).toBe(0);
    expect(r.calls).toEqual([]);
    expect(r.err).toContain('not root and no password-less sudo: nothing installed');
    expect(r.err).toContain(`sudo dnf install -y ${browserFirst(r.browserHere)}poppler-utils tmux pre-commit yamllint`);
  });

  it('password-less sudo: dnf is run through sudo with the packages', () => {
    const r = setup({ real: ['git'], fakes: ['dnf', 'soffice', 'script'], sudo: true });
    expect(r.code, r.err).toBe(0);
    expect(r.calls).toEqual([
      `sudo dnf install -y ${browserFirst(r.browserHere)}poppler-utils tmux pre-commit yamllint`,
      `dnf install -y ${browserFirst(r.browserHere)}poppler-utils tmux pre-commit yamllint`,
    ]);
  });

  it('root on Debian/UOS/Kylin: apt-get update, then apt-get install; --dry-run only says so', () => {
    let r = setup({ real: ['git'], fakes: ['apt-get', 'tmux', 'pre-commit', 'yamllint', 'soffice', 'script'], uid: 0 });
    expect(r.code, r.err).toBe(0);
    expect(r.calls).toEqual(['apt-get update -qq', `apt-get install -y --no-install-recommends ${browserFirst(r.browserHere)}poppler-utils`]);
    r = setup({ real: ['git'], fakes: ['apt-get', 'tmux', 'pre-commit', 'yamllint', 'soffice', 'script'], uid: 0, args: ['--dry-run'] });
    expect(r.calls).toEqual([]);
    expect(r.err).toContain(`would run: apt-get install -y --no-install-recommends ${browserFirst(r.browserHere)}poppler-utils`);
    // LibreOffice reads the Word forms in the tests: Debian's headless Writer.
    r = setup({ real: ['git'], fakes: ['apt-get', 'pdftotext', 'tmux', 'pre-commit', 'yamllint', 'script'], uid: 0 });
    expect(r.calls).toEqual(['apt-get update -qq', `apt-get install -y --no-install-recommends ${browserFirst(r.browserHere)}libreoffice-writer-nogui`]);
  });

  it('Arch and openSUSE: their own package names', () => {
    let r = setup({ real: ['git'], fakes: ['pacman', 'tmux', 'yamllint', 'soffice', 'script'], uid: 0 });
    expect(r.calls).toEqual([`pacman -S --needed --noconfirm ${browserFirst(r.browserHere)}poppler python-pre-commit`]);
    r = setup({ real: ['git'], fakes: ['zypper', 'tmux', 'pre-commit', 'soffice', 'script'], uid: 0 });
    expect(r.calls).toEqual([`zypper --non-interactive install ${browserFirst(r.browserHere)}poppler-tools python3-yamllint`]);
  });

  it('macOS: Homebrew as the user (never sudo); without Homebrew, what to install and where from', () => {
    let r = setup({ real: ['git'], fakes: ['brew', 'tmux', 'soffice', 'script'], os: 'Darwin', uid: 501 });
    expect(r.code, r.err).toBe(0);
    expect(r.calls).toEqual(['brew install poppler pre-commit yamllint']);
    if (!r.browserHere) expect(r.err).toContain('brew install --cask chromium');
    r = setup({ real: ['git'], os: 'Darwin', uid: 501 });
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain('no Homebrew (https://brew.sh)');
    expect(r.err).toContain('pipx install yamllint');
  });

  it('no package manager and no git (Windows shell, unknown system): each missing thing with what to do', () => {
    let r = setup({ os: 'MINGW64_NT-10.0', fakes: ['pdftotext', 'tmux', 'pre-commit', 'yamllint', 'soffice', 'script'] });
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain('winget install --id Git.Git');
    r = setup({ fakes: ['tmux', 'pre-commit', 'yamllint', 'soffice', 'script'] });
    expect(r.err).toContain('no known package manager found');
    expect(r.err).toContain('git: https://git-scm.com/downloads');
    expect(r.err).toContain('pdftotext (tests only): install poppler');
  });

  it('DJYC_BROWSER naming nothing: says so, and installs no other browser', () => {
    const r = setup({ real: ['git'], fakes: ['apt-get', 'pdftotext', 'tmux', 'pre-commit', 'yamllint', 'soffice', 'script'], uid: 0, env: { DJYC_BROWSER: '/opt/none/chrome' } });
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain('DJYC_BROWSER=/opt/none/chrome names no browser');
    expect(r.calls).toEqual([]);
  });

  it('an unknown option is refused', () => {
    const r = setup({ args: ['--frobnicate'] });
    expect(r.code).toBe(2);
    expect(r.err).toContain('unknown option: --frobnicate');
  });
});
