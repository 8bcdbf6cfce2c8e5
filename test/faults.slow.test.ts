/**
 * Faults survived. A write loop (the store's own commitChanges, as every djyc command writes) is killed with
 * SIGKILL at random moments, 100 times: every record holds exactly an old or a new version (never a torn file),
 * no commit is half made (each commit holds one version of every file), and the next run sweeps the leftovers
 * (temp files, journal, locks) back to a clean repository. Two writers at once: both wait their turn, nothing is
 * lost. A human edit made while a command runs is detected and kept. A clean git merge that yields duplicate ids
 * or duplicate keys is caught by validate.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ROOT, djyc, git, initRepo, tempDir } from './helpers.js';
import { acquireLock, commitChanges, recover, sweepTemps } from '../src/store/transaction.js';
import { RefusedError } from '../src/domain/errors.js';

const FILES = ['records/organisations/org-f1.yaml', 'records/organisations/org-f2.yaml', 'records/organisations/org-f3.yaml'];
const PAD = '这是一段用来加长文件的备注文字，使写入需要更多时间。'.repeat(400);

/** Version `k` of a file: a valid organisation whose name and notes carry `k` (about 20 KB). */
function content(file: string, k: number): string {
  const id = path.basename(file, '.yaml');
  return `id: ${id}\nname: 测试支部 v${k}\ntype: 党支部\nnotes: "v${k} ${PAD} v${k}"\n`;
}

function versionOf(text: string): number | undefined {
  const m = /^name: 测试支部 v(\d+)$/m.exec(text);
  return m ? Number(m[1]) : undefined;
}

/** The write loop: commitChanges on all FILES with versions start, start+1, … until killed (or `count` done). */
function loopScript(dir: string): string {
  const file = path.join(dir, 'loop.mjs');
  const store = pathToFileURL(path.join(ROOT, 'dist/store/transaction.js')).href;
  fs.writeFileSync(file, `
import { commitChanges } from ${JSON.stringify(store)};
const [root, startArg, countArg] = process.argv.slice(2);
const files = ${JSON.stringify(FILES)};
const PAD = ${JSON.stringify(PAD)};
const content = (f, k) => \`id: \${f.split('/').pop().replace('.yaml', '')}\\nname: 测试支部 v\${k}\\ntype: 党支部\\nnotes: "v\${k} \${PAD} v\${k}"\\n\`;
const start = Number(startArg);
const count = Number(countArg || Infinity);
process.stdout.write('ready\\n');
for (let k = start; k < start + count; k++) {
  await commitChanges(root, files.map((path) => ({ path, content: content(path, k) })), \`loop v\${k}\`);
}
`);
  return file;
}

function setupRepo(): string {
  const repo = initRepo('shuangling', 2020);
  for (const f of FILES) fs.writeFileSync(path.join(repo, f), content(f, 0));
  git(repo, ['add', '-A']);
  git(repo, ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'loop v0']);
  return repo;
}

const headVersion = (repo: string) => Number(/loop v(\d+)/.exec(git(repo, ['log', '-1', '--format=%s']))?.[1]);

/** Every file holds a whole version (no torn write); HEAD's files all hold HEAD's version. */
function checkConsistent(repo: string): void {
  for (const f of FILES) {
    const text = fs.readFileSync(path.join(repo, f), 'utf8');
    const k = versionOf(text);
    expect(k, `${f} is torn`).not.toBeUndefined();
    expect(text, `${f} is torn`).toBe(content(f, k!));
  }
  const head = headVersion(repo);
  for (const f of FILES) expect(versionOf(git(repo, ['show', `HEAD:${f}`])), `commit v${head} holds another version of ${f}`).toBe(head);
}

describe('kill -9 at random moments of a write-heavy command', () => {
  it('100 kills: no torn file, no half-made commit, and the next run sweeps the leftovers', async () => {
    const repo = setupRepo();
    const script = loopScript(tempDir('djyc-loop-'));
    let killedDuringWrites = 0;
    for (let i = 1; i <= 100; i++) {
      const child = spawn(process.execPath, [script, repo, String(i * 1000)], { detached: true, stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, DJYC_LOCK_WAIT_MS: '5000' } });
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      // Once the loop runs (its modules loaded), a random moment within the next few operations.
      await Promise.race([exited, new Promise<void>((resolve) => child.stdout!.once('data', () => setTimeout(resolve, Math.floor(Math.random() * 300))))]);
      // The whole process group: the node process and any git it is running, as a crash would.
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
      await exited;
      if (headVersion(repo) >= i * 1000 || fs.existsSync(path.join(repo, '.git', 'djyc-journal.json'))) killedDuringWrites++;
      checkConsistent(repo);
      // The next run: takes over the dead process's lock, rolls back or completes, sweeps temp files.
      const release = await acquireLock(repo, 2000);
      try {
        recover(repo);
        sweepTemps(repo);
      } finally {
        release();
      }
      expect(git(repo, ['status', '--porcelain', '--untracked-files=all']), `leftovers after kill ${i}`).toBe('');
      expect(fs.readdirSync(path.join(repo, '.git')).filter((n) => n.includes('djyc-tmp') || n === 'djyc-journal.json' || n === 'djyc.lock' || n.endsWith('.lock'))).toEqual([]);
      checkConsistent(repo);
    }
    // The kills hit while writing (not only before the loop started).
    expect(killedDuringWrites).toBeGreaterThan(30);
    // A real next run completes normally on the recovered repository, and the result validates.
    const done = spawnSync(process.execPath, [script, repo, '999999', '1'], { encoding: 'utf8' });
    expect(done.status, done.stderr).toBe(0);
    expect(headVersion(repo)).toBe(999999);
    checkConsistent(repo);
    expect(git(repo, ['fsck', '--no-dangling', '--no-progress']).trim()).toBe('');
    expect(djyc(['validate'], { cwd: repo, env: { DJYC_TODAY: '2020-03-10' } }).code).toBe(0);
  });
});

describe('two writers at once', () => {
  it('both go through, one waiting for the other; every commit holds only its own files; nothing is lost', async () => {
    const repo = setupRepo();
    const dir = tempDir('djyc-two-');
    // Two loops on different files, 8 operations each, at the same time.
    const mk = (files: string[], name: string) => {
      const file = path.join(dir, `${name}.mjs`);
      const store = pathToFileURL(path.join(ROOT, 'dist/store/transaction.js')).href;
      fs.writeFileSync(file, `
import { commitChanges } from ${JSON.stringify(store)};
for (let k = 1; k <= 8; k++) await commitChanges(process.argv[2], ${JSON.stringify(files)}.map((p) => ({ path: p, content: '${name} ' + k + '\\n' })), '${name} ' + k);
`);
      return new Promise<number>((resolve) => spawn(process.execPath, [file, repo], { stdio: 'ignore', env: { ...process.env, DJYC_LOCK_WAIT_MS: '60000' } }).on('exit', (c) => resolve(c ?? -1)));
    };
    const [a, b] = await Promise.all([mk(['records/a1.txt', 'records/a2.txt'], 'A'), mk(['records/b1.txt'], 'B')]);
    expect([a, b]).toEqual([0, 0]);
    const log = git(repo, ['log', '--format=@@%s', '--name-only', '-16']).split('@@').filter((e) => e.trim());
    expect(log).toHaveLength(16);
    for (const entry of log) {
      const [subject, ...files] = entry.trim().split('\n').filter(Boolean);
      if (subject!.startsWith('A ')) expect(files.sort()).toEqual(['records/a1.txt', 'records/a2.txt']);
      else expect(files).toEqual(['records/b1.txt']);
    }
    expect(fs.readFileSync(path.join(repo, 'records/a1.txt'), 'utf8')).toBe('A 8\n');
    expect(fs.readFileSync(path.join(repo, 'records/b1.txt'), 'utf8')).toBe('B 8\n');
    expect(git(repo, ['status', '--porcelain'])).toBe('');
  });

  it('a writer that cannot get the lock in time is refused cleanly; an empty or dead lock is taken over', async () => {
    const repo = setupRepo();
    const release = await acquireLock(repo);
    process.env.DJYC_LOCK_WAIT_MS = '400';
    try {
      await expect(commitChanges(repo, [{ path: FILES[0]!, content: content(FILES[0]!, 5) }], 'loop v5')).rejects.toBeInstanceOf(RefusedError);
    } finally {
      delete process.env.DJYC_LOCK_WAIT_MS;
      release();
    }
    expect(headVersion(repo)).toBe(0);
    expect(fs.readFileSync(path.join(repo, FILES[0]!), 'utf8')).toBe(content(FILES[0]!, 0));
    // A lock file left empty (a crash between creating and filling it) and old: taken over.
    const lock = path.join(repo, '.git', 'djyc.lock');
    fs.writeFileSync(lock, '');
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(lock, old, old);
    await commitChanges(repo, FILES.map((f) => ({ path: f, content: content(f, 6) })), 'loop v6');
    expect(headVersion(repo)).toBe(6);
    // A lock of a process that no longer exists: taken over.
    fs.writeFileSync(lock, '999999999\n');
    await commitChanges(repo, FILES.map((f) => ({ path: f, content: content(f, 7) })), 'loop v7');
    expect(headVersion(repo)).toBe(7);
    expect(fs.existsSync(lock)).toBe(false);
  });
});

describe('a human edit made while a command runs', () => {
  it('is detected: the command refuses, the edit is kept, nothing is committed', async () => {
    const repo = setupRepo();
    const dir = tempDir('djyc-edit-');
    const script = loopScript(dir);
    // The command says when it holds the lock (store.ts's test hook) and waits there until the person has edited.
    const held = path.join(dir, 'lock-held');
    const child = spawn(process.execPath, [script, repo, '42', '1'], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, DJYC_TEST_LOCK_HELD: held } });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    let gone = false;
    void exited.then(() => (gone = true));
    while (!fs.existsSync(held) && !gone) await new Promise((r) => setTimeout(r, 10));
    expect(fs.existsSync(held), `the command ended before taking the lock: ${stderr}`).toBe(true);
    const human = `${content(FILES[1]!, 0)}# 手工补充的一行\n`;
    fs.writeFileSync(path.join(repo, FILES[1]!), human);
    fs.rmSync(held);
    const code = await exited;
    expect(code).not.toBe(0);
    // Refused for the edit (not for the lock): the file is named as one with uncommitted edits.
    expect(stderr).toContain(`以下文件有尚未提交的修改，为免覆盖，未做任何更改：${FILES[1]}`);
    expect(stderr).not.toContain('正在写入本记录库');
    expect(fs.readFileSync(path.join(repo, FILES[1]!), 'utf8')).toBe(human);
    expect(headVersion(repo)).toBe(0);
    expect(git(repo, ['status', '--porcelain'])).toBe(` M ${FILES[1]}\n`);
    // The other files were not touched either.
    for (const f of [FILES[0]!, FILES[2]!]) expect(fs.readFileSync(path.join(repo, f), 'utf8')).toBe(content(f, 0));
  });
});

describe('a clean git merge that breaks the records', () => {
  const commitAll = (repo: string, msg: string) => {
    git(repo, ['add', '-A']);
    git(repo, ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', msg]);
  };
  const merge = (repo: string, branch: string) => {
    const r = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', 'merge', '--no-edit', '-q', branch], { cwd: repo, encoding: 'utf8' });
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(0); // clean: no conflict
  };

  it('two branches each adding a record with the same id: caught as duplicate ids', () => {
    const repo = setupRepo();
    git(repo, ['checkout', '-q', '-b', 'x']);
    fs.writeFileSync(path.join(repo, 'records/members/dup-1.yaml'), 'id: dup-1\nname: 张三\norganisation: org-f1\n');
    commitAll(repo, 'x');
    git(repo, ['checkout', '-q', 'main']);
    fs.writeFileSync(path.join(repo, 'records/experts/dup-1.yaml'), 'id: dup-1\nname: 李专家\n');
    commitAll(repo, 'y');
    merge(repo, 'x');
    const r = djyc(['validate', '--format', 'json', '--lang', 'en'], { cwd: repo, env: { DJYC_TODAY: '2020-03-10' } });
    expect(r.code).toBe(1);
    const problems = JSON.parse(r.stdout).problems as { file: string; rule: string; line: number }[];
    expect(problems.some((p) => p.rule === 'duplicate-id' && p.line > 0)).toBe(true);
  });

  it('two branches adding the same key at different places of a record: caught as a duplicate key, with its position', () => {
    const repo = setupRepo();
    const file = path.join(repo, 'records/organisations/org-m.yaml');
    fs.writeFileSync(file, 'id: org-m\nname: 合并支部\ntype: 党支部\nunit: 区教育局\nparent: org-f1\nnotes: 一\n');
    commitAll(repo, 'org-m');
    git(repo, ['checkout', '-q', '-b', 'x']);
    fs.writeFileSync(file, 'id: org-m\nshort_name: 合并甲\nname: 合并支部\ntype: 党支部\nunit: 区教育局\nparent: org-f1\nnotes: 一\n');
    commitAll(repo, 'x: short name at the top');
    git(repo, ['checkout', '-q', 'main']);
    fs.writeFileSync(file, 'id: org-m\nname: 合并支部\ntype: 党支部\nunit: 区教育局\nparent: org-f1\nnotes: 一\nshort_name: 合并乙\n');
    commitAll(repo, 'main: short name at the end');
    merge(repo, 'x');
    const merged = fs.readFileSync(file, 'utf8');
    expect(merged.match(/short_name/g)).toHaveLength(2);
    const r = djyc(['validate', '--lang', 'en'], { cwd: repo, env: { DJYC_TODAY: '2020-03-10' } });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/records\/organisations\/org-m\.yaml:8:1 +error +duplicate key "short_name"/);
    // And a pull request that merges like this is refused by --changed too.
    expect(djyc(['validate', '--changed', 'HEAD~1'], { cwd: repo, env: { DJYC_TODAY: '2020-03-10' } }).code).toBe(1);
  });
});
