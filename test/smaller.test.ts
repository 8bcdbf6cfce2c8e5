/**
 * The smaller holes of issue 10 (hole 10): `status --format pdf` without a usable browser exits 2 as render does;
 * PUPPETEER_EXECUTABLE_PATH naming a missing file is an error that says so (no other browser is quietly used);
 * `validate <path>` outside the repository, or matching no record, is a usage error (exit 2); a write to a record
 * saved with a byte-order mark and CRLF line ends keeps both; the generated CI workflows pass the pull request's
 * base branch through `env:` and never paste `${{ }}` into a script.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ROOT, djyc, git, initRepo } from './helpers.js';
import { BrowserNotFoundError, CHROMIUM_PATHS, findChromium } from '../src/pdf/browser.js';

const ENV = { DJYC_TODAY: '2020-05-05', GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' };

function repoWithOrg(): string {
  const repo = initRepo('shuangling', 2020);
  fs.writeFileSync(path.join(repo, 'records/organisations/org-a.yaml'), 'id: org-a\nname: 甲支部\ntype: 党支部\n');
  fs.writeFileSync(path.join(repo, 'records/projects/p-1.yaml'), 'id: p-1\nprogramme: shuangling-2020\ntitle: 便民服务\nproposed_by: org-a\nstage: proposed\n');
  git(repo, ['add', '-A']);
  git(repo, ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'org']);
  return repo;
}

describe('a browser that is not there', () => {
  it('PUPPETEER_EXECUTABLE_PATH naming a missing file is an error, even when another browser is installed', () => {
    const installed = CHROMIUM_PATHS.filter((p) => fs.existsSync(p));
    const missing = '/nonexistent/chrome';
    expect(() => findChromium('zh', { PUPPETEER_EXECUTABLE_PATH: missing }, installed)).toThrow(BrowserNotFoundError);
    try {
      findChromium('en', { PUPPETEER_EXECUTABLE_PATH: missing }, installed);
    } catch (err) {
      // A DjycError: the message in Chinese, localized('en') in English.
      expect((err as BrowserNotFoundError).localized('en')).toContain(missing);
      expect((err as BrowserNotFoundError).localized('en')).toContain('no other browser is tried');
      expect((err as BrowserNotFoundError).localized('zh')).toContain('不会改用其他浏览器');
    }
  });

  it('status --format pdf and render exit 2 with that message', () => {
    const repo = repoWithOrg();
    const env = { ...ENV, PUPPETEER_EXECUTABLE_PATH: '/nonexistent/chrome' };
    const status = djyc(['status', '--format', 'pdf', '-o', path.join(path.dirname(repo), 's.pdf')], { cwd: repo, env });
    expect(status.code, status.stderr).toBe(2);
    expect(status.stderr).toContain('PUPPETEER_EXECUTABLE_PATH');
    expect(status.stderr).toContain('/nonexistent/chrome');
    expect(status.stderr).not.toMatch(/\n\s+at |内部错误/);
    const render = djyc(['render', 'p-1', '--form', 'apply', '-o', path.join(path.dirname(repo), 'r.pdf')], { cwd: repo, env });
    expect(render.code, render.stderr).toBe(2);
    expect(render.stderr).toContain('/nonexistent/chrome');
    expect(fs.existsSync(path.join(path.dirname(repo), 's.pdf'))).toBe(false);
  });
});

describe('validate <path>', () => {
  it('a path outside the repository or matching no record is a usage error naming it (exit 2)', () => {
    const repo = repoWithOrg();
    const outside = djyc(['validate', '/etc/passwd'], { cwd: repo, env: ENV });
    expect(outside.code).toBe(2);
    expect(outside.stderr).toContain('/etc/passwd');
    expect(outside.stdout).not.toContain('✓');
    const up = djyc(['validate', '../'], { cwd: repo, env: ENV });
    expect(up.code).toBe(2);
    const none = djyc(['validate', 'records/projects/p-nothing.yaml'], { cwd: repo, env: ENV });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('records/projects/p-nothing.yaml');
    expect(djyc(['validate', 'records/organisations/org-a.yaml'], { cwd: repo, env: ENV }).code).toBe(0);
    expect(djyc(['validate', 'records/'], { cwd: repo, env: ENV }).code).toBe(0);
    expect(djyc(['validate', '.'], { cwd: path.join(repo, 'records'), env: ENV }).code).toBe(0);
    expect(djyc(['validate', 'records/organisations/org-a.yaml', '--lang', 'en', '-C', repo], { cwd: ROOT, env: ENV }).code).toBe(0);
  });
});

describe('a record saved with a byte-order mark and CRLF line ends', () => {
  it('keeps both through a write, and the change is made', () => {
    const repo = repoWithOrg();
    const r = djyc(['brand', 'new', '--org', 'org-a', '--name', '红烛', '--json'], { cwd: repo, env: ENV });
    expect(r.code, r.stderr).toBe(0);
    const brand = JSON.parse(r.stdout).brand as string;
    const file = path.join(repo, 'records/brands', `${brand}.yaml`);
    const windows = `\uFEFF${fs.readFileSync(file, 'utf8').replace(/\n/g, '\r\n').replace('name: 红烛\r\n', '# 品牌名称（Windows 记事本保存）\r\nname: 红烛\r\n')}`;
    fs.writeFileSync(file, windows);
    git(repo, ['add', '-A']);
    git(repo, ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'saved on Windows']);
    expect(djyc(['validate'], { cwd: repo, env: ENV }).code).toBe(0);
    const set = djyc(['brand', 'set', brand, '--concept', '燃烧自己，照亮他人'], { cwd: repo, env: ENV });
    expect(set.code, set.stderr).toBe(0);
    const after = fs.readFileSync(file, 'utf8');
    expect(after.charCodeAt(0)).toBe(0xfeff);
    expect(after).toContain('concept: 燃烧自己，照亮他人\r\n');
    expect(after).toContain('# 品牌名称（Windows 记事本保存）\r\n');
    expect(after.replace(/\r\n/g, '')).not.toContain('\n');
    expect(after.split('\r\n').length).toBeGreaterThan(windows.split('\r\n').length);
    expect(djyc(['validate'], { cwd: repo, env: ENV }).code).toBe(0);
  });
});

describe('CI workflows pass the base branch as data', () => {
  it('no ${{ }} inside any run: script; the base branch comes through env', () => {
    const repo = initRepo('zutuan', 2017);
    const files = [
      path.join(repo, '.github/workflows/djyc.yml'),
      path.join(ROOT, 'templates/repo/github-workflow.yml'),
      ...fs.readdirSync(path.join(ROOT, 'examples/ci')).filter((f) => f.endsWith('.yml')).map((f) => path.join(ROOT, 'examples/ci', f)),
    ];
    let changed = 0;
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8').replace(/\{\{version\}\}/g, '0.0.0');
      const doc = parse(text) as Record<string, any>;
      const scripts: string[] = [];
      const walk = (v: unknown, key?: string) => {
        if (Array.isArray(v)) v.forEach((x) => walk(x, key));
        else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k);
        else if (typeof v === 'string' && (key === 'run' || key === 'script')) scripts.push(v);
      };
      walk(doc);
      expect(scripts.length, file).toBeGreaterThan(0);
      for (const s of scripts) expect(s, file).not.toContain('${{');
      for (const step of Object.values(doc.jobs ?? {}).flatMap((j: any) => j.steps ?? [])) {
        if (typeof step.run === 'string' && step.run.includes('--changed')) {
          changed++;
          expect(step.run).toContain('"origin/$DJYC_BASE_REF"');
          expect(step.env?.DJYC_BASE_REF).toMatch(/^\$\{\{ (github|gitea)\.base_ref \}\}$/);
        }
      }
    }
    expect(changed).toBeGreaterThanOrEqual(3);
  });
});
