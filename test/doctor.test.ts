/**
 * `djyc doctor` and `djyc upgrade`, in process: the checks on a machine with no browser (a fake file system),
 * a repository whose copied files are stale, and the upgrade that refreshes them in one commit.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDoctor } from '../src/commands/doctor.js';
import { upgradedConfig } from '../src/commands/upgrade.js';
import type { DiscoveryHost } from '../src/pdf/discovery.js';
import { djyc, git, initRepo, readJson, tempDir } from './helpers.js';

const noBrowser = (platform: DiscoveryHost['platform']): DiscoveryHost => ({ platform, env: { PATH: '/usr/bin', HOME: '/home/x', ProgramFiles: 'C:\\Program Files' }, isExecutable: () => false });

describe('djyc doctor', () => {
  it('on a machine with no browser: a failing line that says exactly how to install one there, exit status not ok', async () => {
    for (const [platform, how] of [['linux', 'sudo apt-get install chromium'], ['win32', 'Microsoft Edge'], ['darwin', 'brew install --cask chromium']] as const) {
      const report = await runDoctor({ cwd: tempDir(), launch: false, browserHost: noBrowser(platform) });
      const browser = report.checks.find((c) => c.id === 'browser')!;
      expect(browser.status).toBe('fail');
      expect(browser.fix!.zh + browser.fix!.en).toContain(how);
      expect(browser.fix!.zh).toContain('DJYC_BROWSER');
      expect(browser.detail.en).toMatch(/searched: /);
      expect(report.ok).toBe(false);
    }
    const found = await runDoctor({ cwd: tempDir(), launch: false, browserHost: { ...noBrowser('win32'), isExecutable: (f) => f === 'C:\\Program Files\\Microsoft\\Edge\\Application\\msedge.exe' } });
    expect(found.checks.find((c) => c.id === 'browser')).toMatchObject({ status: 'ok' });
  });

  it('checks a fresh repository: config, programme, copied files, the CI package, and says what is missing', async () => {
    const repo = initRepo('shuangling', 2020);
    const r = djyc(['doctor', '--json', '--no-launch'], { cwd: repo });
    const out = readJson(r.stdout);
    const by = (id: string) => out.checks.find((c: { id: string }) => c.id === id);
    for (const id of ['node', 'git', 'fonts', 'write', 'config', 'programme', 'schemas', 'setup-files']) expect(by(id)?.status, id).toMatch(/ok|warn/);
    expect(by('programme').status).toBe('ok');
    expect(by('schemas').status).toBe('ok');
    expect(by('ci-package')).toMatchObject({ status: 'warn' });
    expect(by('ci-package').fix).toContain('package:');
    expect(r.code).toBe(out.ok ? 0 : 1);
    // The table, in English.
    const table = djyc(['--lang', 'en', 'doctor', '--no-launch'], { cwd: repo });
    expect(table.stdout).toMatch(/Node\.js/);
    expect(table.stdout).toMatch(/djyc in CI/);
  });
});

describe('djyc upgrade', () => {
  it('refreshes stale copied files with a diff, in one commit; --dry-run writes nothing; records are untouched', () => {
    const repo = initRepo('shuangling', 2020);
    const schema = path.join(repo, 'schemas/project.schema.json');
    const original = fs.readFileSync(schema, 'utf8');
    fs.writeFileSync(schema, original.replace('"title"', '"title_old"'));
    fs.writeFileSync(path.join(repo, '.github/workflows/djyc.yml'), 'name: old\n');
    fs.rmSync(path.join(repo, '.yamllint'));
    const cfg = path.join(repo, 'djyc.yaml');
    fs.writeFileSync(cfg, `${fs.readFileSync(cfg, 'utf8')}package: "@hs-it/djyc@0.0.9"\n`);
    git(repo, ['add', '-A']);
    git(repo, ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'an older djyc']);
    const programme = fs.readFileSync(path.join(repo, 'records/programmes/shuangling-2020.yaml'), 'utf8');
    const before = git(repo, ['rev-parse', 'HEAD']).trim();

    const doctor = readJson(djyc(['doctor', '--json', '--no-launch'], { cwd: repo }).stdout);
    expect(doctor.checks.find((c: { id: string }) => c.id === 'schemas')).toMatchObject({ status: 'warn', fix: expect.stringContaining('djyc upgrade') });

    const dry = djyc(['upgrade', '--dry-run'], { cwd: repo });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('schemas/project.schema.json');
    expect(dry.stdout).toContain('- name: old');
    expect(dry.stdout).toContain('.yamllint');
    expect(dry.stdout).toContain('@hs-it/djyc@0.1.0');
    expect(git(repo, ['rev-parse', 'HEAD']).trim()).toBe(before);
    expect(git(repo, ['status', '--porcelain'])).toBe('');

    const up = djyc(['upgrade', '--json'], { cwd: repo });
    expect(up.code, up.stderr).toBe(0);
    const result = readJson(up.stdout);
    expect(result.changes.map((c: { path: string }) => c.path).sort()).toEqual(['.github/workflows/djyc.yml', '.yamllint', 'djyc.yaml', 'schemas/project.schema.json']);
    expect(git(repo, ['rev-list', '--count', `${before}..HEAD`]).trim()).toBe('1');
    expect(fs.readFileSync(schema, 'utf8')).toBe(original);
    expect(fs.readFileSync(cfg, 'utf8')).toContain('package: "@hs-it/djyc@0.1.0"');
    expect(fs.readFileSync(path.join(repo, 'records/programmes/shuangling-2020.yaml'), 'utf8')).toBe(programme);
    expect(djyc(['upgrade'], { cwd: repo }).stdout).toMatch(/无需更新/);
    expect(readJson(djyc(['doctor', '--json', '--no-launch'], { cwd: repo }).stdout).checks.find((c: { id: string }) => c.id === 'schemas').status).toBe('ok');
  });

  it('moves only a registry version; a git URL or a tarball path is the repository’s own choice', () => {
    expect(upgradedConfig('djyc: 1\npackage: djyc-hs@0.0.1 # pinned\n', '0.2.0')).toBe('djyc: 1\npackage: djyc-hs@0.2.0 # pinned\n');
    expect(upgradedConfig("package: 'git+https://git.example.cn/djyc.git#v0.0.1'\n", '0.2.0')).toBe("package: 'git+https://git.example.cn/djyc.git#v0.0.1'\n");
    expect(upgradedConfig('package: vendor/djyc-0.0.1.tgz\n', '0.2.0')).toBe('package: vendor/djyc-0.0.1.tgz\n');
  });
});
