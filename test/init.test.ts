import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { djyc, git, tempDir } from './helpers.js';

const PRESETS = ['shuangling', 'dangjian-plus', 'zutuan', 'shuji', 'brand-plan'];
const YEARS: Record<string, number> = { shuangling: 2020, 'dangjian-plus': 2017, zutuan: 2017, shuji: 2017, 'brand-plan': 2020 };

function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      if (e.name === '.git') continue;
      const r = path.join(rel, e.name);
      if (e.isDirectory()) walk(r);
      else out[r] = fs.readFileSync(path.join(dir, r), 'utf8');
    }
  };
  walk('.');
  return out;
}

describe('djyc init', () => {
  for (const preset of PRESETS) {
    it(`init --programme ${preset} makes a repository that validates cleanly`, () => {
      const dir = path.join(tempDir(), 'repo');
      const year = YEARS[preset]!;
      const r = djyc(['init', dir, '--programme', preset, '--year', String(year)]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`${preset}-${year}`);
      // The first steps follow, from the programme: organisations first, `djyc todo` last.
      expect(r.stdout).toContain('下一步：');
      expect(r.stdout).toContain(`cd ${dir}`);
      expect(r.stdout).toContain('djyc new-org --name');
      expect(r.stdout.trim().split('\n').at(-1)).toContain('djyc todo');
      // One commit, nothing left uncommitted.
      expect(git(dir, ['log', '--format=%s']).trim().split('\n')).toEqual([`djyc init: ${preset}-${year} (preset ${preset}, ${year})`]);
      expect(git(dir, ['status', '--porcelain'])).toBe('');
      const programme = fs.readFileSync(path.join(dir, 'records/programmes', `${preset}-${year}.yaml`), 'utf8');
      expect(programme.split('\n')[0]).toBe('# yaml-language-server: $schema=../../schemas/programme.schema.json');
      expect(programme).toMatch(new RegExp(`^id: ${preset}-${year}$`, 'm'));
      expect(programme).toMatch(new RegExp(`^year: ${year}$`, 'm'));
      for (const f of ['djyc.yaml', 'schemas/project.schema.json', '.vscode/settings.json', '.github/workflows/djyc.yml', 'records/projects/.gitkeep']) {
        expect(fs.existsSync(path.join(dir, f)), f).toBe(true);
      }
      // Strict: a fresh repository has no problem at all (form templates included), on any day of its year.
      for (const today of [`${year}-01-01`, `${year}-12-31`]) {
        const v = djyc(['validate', '--today', today], { cwd: dir });
        expect(v.stdout + v.stderr).toContain('✓ 未发现问题');
        expect(v.code).toBe(0);
      }
    });
  }

  it('refuses to clobber an existing repository: exit 1, names what exists, changes nothing', () => {
    const dir = path.join(tempDir(), 'repo');
    expect(djyc(['init', dir, '--programme', 'shuangling', '--year', '2020']).code).toBe(0);
    fs.appendFileSync(path.join(dir, 'djyc.yaml'), '# 本地说明\n');
    git(dir, ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qam', 'local note']);
    const before = snapshot(dir);
    const head = git(dir, ['rev-parse', 'HEAD']);
    const r = djyc(['init', dir, '--programme', 'zutuan', '--year', '2017']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('djyc.yaml');
    expect(r.stderr).toContain('schemas/');
    expect(r.stderr).toContain('未做任何更改');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(snapshot(dir)).toEqual(before);
    expect(git(dir, ['rev-parse', 'HEAD'])).toBe(head);
    expect(git(dir, ['status', '--porcelain'])).toBe('');
    expect(fs.existsSync(path.join(dir, 'records/programmes/zutuan-2017.yaml'))).toBe(false);
  });

  it('refuses a folder holding just a djyc.yaml, in English with --lang en', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'djyc.yaml'), 'djyc: 1\n');
    const r = djyc(['init', dir, '--programme', 'shuji', '--year', '2017', '--lang', 'en']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('already holds these files');
    expect(r.stderr).toContain('djyc.yaml');
    expect(fs.readFileSync(path.join(dir, 'djyc.yaml'), 'utf8')).toBe('djyc: 1\n');
    expect(fs.existsSync(path.join(dir, 'records'))).toBe(false);
    expect(fs.existsSync(path.join(dir, '.git'))).toBe(false);
  });

  it('usage errors exit 2: unknown preset, bad year, missing options', () => {
    const dir = path.join(tempDir(), 'repo');
    const unknown = djyc(['init', dir, '--programme', 'nope', '--year', '2020']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('没有名为“nope”的预设');
    expect(unknown.stderr).toContain('shuangling');
    const year = djyc(['init', dir, '--programme', 'zutuan', '--year', '17']);
    expect(year.code).toBe(2);
    expect(year.stderr).toContain('--year');
    const missing = djyc(['init', dir, '--year', '2020']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--programme');
    expect(fs.existsSync(dir)).toBe(false);
  });

  it('--id and --json', () => {
    const dir = path.join(tempDir(), 'repo');
    const r = djyc(['init', dir, '--programme', 'dangjian-plus', '--year', '2018', '--id', 'dj-2018', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.programme).toBe('dj-2018');
    expect(out.files).toContain('records/programmes/dj-2018.yaml');
    expect(out.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(out.nextSteps.map((s: { command: string }) => s.command)).toContain('djyc todo');
    expect(fs.readFileSync(path.join(dir, 'djyc.yaml'), 'utf8')).toContain('default_programme: dj-2018');
  });
});
