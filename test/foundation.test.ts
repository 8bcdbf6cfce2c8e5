/**
 * The foundation's promises about writing: one commit per operation, refusal to overwrite uncommitted human edits,
 * no interleaving between concurrent runs (four processes at once: foundation.cli.test.ts), recovery after a
 * crash; and the embedded sample repository at the top level of this package, which must validate and accept new
 * records with nothing set up.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT, djyc, git, initRepo, tempDir } from './helpers.js';
import { writeRecords, editRecordText } from '../src/store/records.js';
import { loadRepository } from '../src/store/repo.js';
import { RefusedError } from '../src/domain/errors.js';

const commits = (repo: string) => git(repo, ['rev-list', '--count', 'HEAD']).trim();
const changedIn = (repo: string, rev: string) => git(repo, ['show', '--name-only', '--format=', rev]).trim().split('\n').filter(Boolean);

describe('writes refuse uncommitted human edits', () => {
  it('core: editing a record someone changed by hand (not committed) is refused; the edit survives', async () => {
    const repo = initRepo('shuangling', 2020);
    expect(djyc(['new-org', '--id', 'org-a', '--name', '甲支部', '--type', '党支部'], { cwd: repo }).code).toBe(0);
    const file = path.join(repo, 'records/organisations/org-a.yaml');
    const committed = fs.readFileSync(file, 'utf8');
    const human = committed.replace('name: 甲支部', 'name: 甲支部（手工修改）');
    fs.writeFileSync(file, human);
    const before = commits(repo);
    const text = editRecordText(committed, (doc) => doc.set('short_name', '甲'));
    await expect(
      writeRecords(repo, [{ kind: 'organisation', id: 'org-a', data: { id: 'org-a', name: '甲支部', type: '党支部', short_name: '甲' }, previous: committed, text }], 'test edit'),
    ).rejects.toBeInstanceOf(RefusedError);
    expect(fs.readFileSync(file, 'utf8')).toBe(human);
    expect(commits(repo)).toBe(before);
    expect(git(repo, ['status', '--porcelain'])).toBe(' M records/organisations/org-a.yaml\n');
  });

  it('CLI: a new record whose file exists uncommitted is refused (exit 1), the file untouched; other edits are never swept into a commit', () => {
    const repo = initRepo('zutuan', 2017);
    const mine = path.join(repo, 'records/organisations/org-x.yaml');
    const handMade = '# 手工新建，尚未提交\nid: org-x\nname: 手工党委\ntype: 党委\n';
    fs.writeFileSync(mine, handMade);
    const before = commits(repo);
    const r = djyc(['new-org', '--id', 'org-x', '--name', '另一个党委', '--type', '党委'], { cwd: repo });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('records/organisations/org-x.yaml');
    expect(r.stderr).toContain('尚未提交的修改');
    expect(r.stderr).not.toContain('    at ');
    expect(fs.readFileSync(mine, 'utf8')).toBe(handMade);
    expect(commits(repo)).toBe(before);
    // An unrelated write goes through and commits only its own file; the hand-made file stays uncommitted.
    const ok = djyc(['new-org', '--id', 'org-y', '--name', '乙党委', '--type', '党委'], { cwd: repo });
    expect(ok.code).toBe(0);
    expect(changedIn(repo, 'HEAD')).toEqual(['records/organisations/org-y.yaml']);
    expect(git(repo, ['status', '--porcelain', '--untracked-files=all'])).toBe('?? records/organisations/org-x.yaml\n');
    expect(fs.readFileSync(mine, 'utf8')).toBe(handMade);
  });

  it('--lang en: the refusal is in English', () => {
    const repo = initRepo('zutuan', 2017);
    fs.writeFileSync(path.join(repo, 'records/organisations/org-x.yaml'), 'id: org-x\nname: 手工党委\ntype: 党委\n');
    const r = djyc(['new-org', '--id', 'org-x', '--name', '另一个党委', '--type', '党委', '--lang', 'en'], { cwd: repo });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('uncommitted edits');
  });
});

describe('concurrent writers', () => {
  it('a lock held by a live process makes a writer give up cleanly (exit 1, nothing written); a dead holder is taken over', () => {
    const repo = initRepo('shuangling', 2020);
    const lock = path.join(repo, '.git/djyc.lock');
    fs.writeFileSync(lock, `${process.pid}\n`);
    const before = commits(repo);
    const r = djyc(['new-org', '--id', 'org-l', '--name', '锁支部', '--type', '党支部'], { cwd: repo, env: { DJYC_LOCK_WAIT_MS: '300' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`另一个 djyc 命令（进程 ${process.pid}）正在写入`);
    expect(fs.existsSync(path.join(repo, 'records/organisations/org-l.yaml'))).toBe(false);
    expect(commits(repo)).toBe(before);
    // A lock left by a process that no longer exists does not block anyone.
    fs.writeFileSync(lock, '999999999\n');
    expect(djyc(['new-org', '--id', 'org-l', '--name', '锁支部', '--type', '党支部'], { cwd: repo }).code).toBe(0);
    expect(fs.existsSync(lock)).toBe(false);
  });

  it('a write interrupted mid-way (journal left behind) is rolled back by the next run', () => {
    const repo = initRepo('shuangling', 2020);
    const half = 'records/organisations/org-half.yaml';
    fs.writeFileSync(path.join(repo, half), 'id: org-half\nname: 写了一半');
    fs.writeFileSync(path.join(repo, 'records/organisations/.org-half.yaml.djyc-tmp-999999-0'), 'id: org-h');
    fs.writeFileSync(path.join(repo, '.git/djyc-journal.json'), JSON.stringify({ message: 'djyc new-org: org-half', files: [{ path: half, existed: false }] }));
    const r = djyc(['new-org', '--id', 'org-b', '--name', '乙支部', '--type', '党支部'], { cwd: repo });
    expect(r.code).toBe(0);
    expect(fs.existsSync(path.join(repo, half))).toBe(false);
    expect(fs.readdirSync(path.join(repo, 'records/organisations')).sort()).toEqual(['.gitkeep', 'org-b.yaml']);
    expect(fs.existsSync(path.join(repo, '.git/djyc-journal.json'))).toBe(false);
    expect(git(repo, ['status', '--porcelain', '--untracked-files=all'])).toBe('');
  });
});

describe('writing never fails on campaign-state (coverage) rules, and tolerates the user environment', () => {
  it('adding an organisation after the window of "every organisation leads a project" closed: written, with a warning', () => {
    const repo = initRepo('zutuan', 2017);
    const r = djyc(['new-org', '--id', 'org-late', '--name', '市某局机关党委', '--type', '党委'], { cwd: repo, env: { DJYC_TODAY: '2017-12-01' } });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('警告');
    expect(r.stderr).toContain('领办或参与联办的项目 0 个');
    // validate still reports it as the error it is once the window has closed.
    const v = djyc(['validate', '--today', '2017-12-01'], { cwd: repo });
    expect(v.code).toBe(1);
    expect(v.stdout).toContain('records/organisations/org-late.yaml:2:5  错误');
  });

  it('EDITOR, PAGER and GIT_EDITOR in the environment do not stop init or writes', () => {
    const env = { EDITOR: 'vi', PAGER: 'less', GIT_EDITOR: 'vi', GIT_PAGER: 'cat' };
    const dir = path.join(tempDir(), 'repo');
    const r = djyc(['init', dir, '--programme', 'shuji', '--year', '2017'], { env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(djyc(['new-org', '--name', '某党委', '--type', '党委'], { cwd: dir, env }).code).toBe(0);
  });
});

/** A git repository holding a copy of the package's embedded sample (djyc.yaml and records/): tests never work in the package root itself. */
function sampleCopy(): string {
  const dir = path.join(tempDir(), 'sample');
  fs.mkdirSync(dir);
  fs.copyFileSync(path.join(ROOT, 'djyc.yaml'), path.join(dir, 'djyc.yaml'));
  fs.cpSync(path.join(ROOT, 'records'), path.join(dir, 'records'), { recursive: true });
  git(dir, ['init', '-q', '-b', 'main']);
  git(dir, ['add', '-A']);
  git(dir, ['commit', '-qm', 'copy of the sample']);
  return dir;
}

describe('the embedded sample repository (top level of this package)', () => {
  it('validates with no problem (as `npx djyc validate` at the package root does)', () => {
    const r = djyc(['validate'], { cwd: sampleCopy() });
    expect(r.stdout).toContain('✓ 未发现问题');
    expect(r.code).toBe(0);
  });

  it('is written exactly as djyc writes records: schema line first, ids equal file names, phones quoted fakes', () => {
    const repo = loadRepository(sampleCopy());
    expect(repo.loadProblems).toEqual([]);
    expect(repo.config.default_programme).toBe('sample-2026');
    const byKind = (k: string) => repo.records.filter((r) => r.kind === k);
    expect(byKind('programme').map((r) => r.id)).toEqual(['sample-2026']);
    expect(byKind('organisation').length).toBeGreaterThanOrEqual(5);
    expect(byKind('member').length).toBeGreaterThanOrEqual(10);
    expect(byKind('expert').length).toBeGreaterThanOrEqual(2);
    expect(byKind('project').length).toBeGreaterThanOrEqual(2);
    for (const r of repo.records) {
      expect(r.text.split('\n')[0], r.file).toBe(`# yaml-language-server: $schema=../../schemas/${r.kind}.schema.json`);
      expect((r.data as { id: string }).id).toBe(r.id);
    }
    for (const m of byKind('member')) {
      expect(m.text).toMatch(/^phone: "13800138\d{3}"$/m);
    }
  });

  it('new-project works in a copy of it with nothing set up (flags, no terminal)', () => {
    const dir = sampleCopy();
    const r = djyc(['new-project', '--title', '机关食堂“光盘行动”', '--category', '呼应群众普遍期待', '--source', '自行申报', '--org', 'org-sfq-minzheng', '--json'], { cwd: dir, env: { DJYC_TODAY: '2026-03-10' } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.id).toMatch(/^p-2026-[a-z0-9]+-[a-z0-9]{5}$/);
    expect(changedIn(dir, 'HEAD')).toEqual([out.path]);
    const v = djyc(['validate', '--today', '2026-03-10'], { cwd: dir });
    expect(v.stdout).not.toMatch(/:\d+:\d+  错误/);
    expect(v.code).toBe(0);
  });
  it('new-project takes the team (member:role) and the schedule (from~to:work) that 001 and 003 print', () => {
    const dir = sampleCopy();
    const args = ['new-project', '--title', '党员责任区', '--category', '呼应群众普遍期待', '--source', '自行申报', '--org', 'org-sfq-minzheng', '--slug', 'zrq'];
    const r = djyc([...args, '--team', '胡琳：组长', '--team', 'm-sfq-mafang', '--schedule', '2026-04-01~2026-06-30:划分责任区', '--schedule', '2026-07-01至2026-11-30：创建与验收', '--schedule', '总结推广', '--json'], { cwd: dir, env: { DJYC_TODAY: '2026-03-10' } });
    expect(r.code, r.stderr).toBe(0);
    const data = parse(fs.readFileSync(path.join(dir, JSON.parse(r.stdout).path), 'utf8'));
    expect(data.team).toEqual([{ member: 'm-sfq-hulin', role: '组长' }, { member: 'm-sfq-mafang' }]);
    expect(data.schedule).toEqual([{ from: '2026-04-01', to: '2026-06-30', work: '划分责任区' }, { from: '2026-07-01', to: '2026-11-30', work: '创建与验收' }, { work: '总结推广' }]);
    for (const bad of ['2026-13-01~2026-06-30:x', '2026-06-30~2026-04-01:x', '2026-04-01~2026-06-30:']) {
      const b = djyc([...args, '--schedule', bad], { cwd: dir, env: { DJYC_TODAY: '2026-03-10' } });
      expect(b.code, bad).toBe(2);
      expect(b.stderr).toContain('--schedule');
    }
    const nobody = djyc([...args, '--team', '查无此人:组员'], { cwd: dir, env: { DJYC_TODAY: '2026-03-10' } });
    expect(nobody.code).not.toBe(0);
    expect(nobody.stderr).toContain('--team');
  });
});
