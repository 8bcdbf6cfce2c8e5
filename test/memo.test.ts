/**
 * The memo of whole results (store/memo.ts): a run with nothing changed answers from it; any change to what the
 * answer depends on — a record edited (staged or not), added, deleted, renamed, untracked and edited, djyc.yaml,
 * a programme, attachments/, the date — makes the next run check in full, and it agrees with a run without cache.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { djyc, git, initRepo, useEnv } from './helpers.js';
import { MemoSink, memoFile, readMemo, validateWhole } from '../src/store/memo.js';
import { indexedTree } from '../src/store/referrers.js';
import { loadRepository, witnessOf } from '../src/store/repo.js';
import { changedSince } from '../src/store/changed.js';
import { cacheRoot } from '../src/store/cache.js';

const ENV: Record<string, string> = { DJYC_CACHE_MIN: '0', DJYC_GIT_KEYS_MIN: '0', DJYC_LISTING_SETTLE_MS: '0' };
useEnv(ENV);

function write(repo: string, rel: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(repo, rel)), { recursive: true });
  fs.writeFileSync(path.join(repo, rel), text);
}

/** A shuangling-2020 repository holding these record files (path → text), committed. */
function committedRepo(files: Record<string, string>): string {
  const repo = initRepo('shuangling', 2020);
  for (const [rel, text] of Object.entries(files)) write(repo, rel, text);
  git(repo, ['add', '-A']);
  git(repo, ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '--no-verify', '-m', 'records']);
  return repo;
}

const member = (id: string, org: string, name = '张三') => `id: ${id}\nname: ${name}\norganisation: ${org}\nparty_title: 党员\n`;

describe('the memo of a whole validation', () => {
  let repo: string;
  const TODAY = '2020-03-10';
  /** Validates with the memo and checks the answer against a run without any cache; returns whether the memo answered. */
  const check = (today = TODAY) => {
    const got = validateWhole(repo, { today });
    const reference = validateWhole(repo, { today, cache: false });
    expect(got.problems).toEqual(reference.problems);
    return got.memo;
  };

  beforeAll(() => {
    const members = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`records/members/m-${i}.yaml`, member(`m-${i}`, 'org-a')]));
    repo = committedRepo({ 'records/organisations/org-a.yaml': 'id: org-a\nname: 甲支部\ntype: 党支部\n', ...members });
  });

  it('answers when nothing changed, and never when something did', () => {
    expect(check()).toBe(false); // first run: writes the memo
    expect(check()).toBe(true);
    expect(check('2020-03-11')).toBe(false); // another date
    expect(check()).toBe(false); // the memo now holds the other date's answer
    expect(check()).toBe(true);

    // A tracked record edited in place, not staged (same folder, same size).
    const m1 = path.join(repo, 'records/members/m-1.yaml');
    fs.writeFileSync(m1, fs.readFileSync(m1, 'utf8').replace('org-a', 'org-x'));
    expect(check()).toBe(false);
    expect(validateWhole(repo, { today: TODAY }).problems.map((p) => p.file)).toContain('records/members/m-1.yaml');
    expect(check()).toBe(true);
    // Staged.
    git(repo, ['add', 'records/members/m-1.yaml']);
    expect(check()).toBe(false);
    expect(check()).toBe(true);
    // Edited again after staging.
    fs.writeFileSync(m1, member('m-1', 'org-a'));
    expect(check()).toBe(false);
    expect(check()).toBe(true);

    // A new, untracked record; then that untracked record edited in place.
    write(repo, 'records/members/m-new.yaml', member('m-new', 'org-a'));
    expect(check()).toBe(false);
    expect(check()).toBe(true);
    write(repo, 'records/members/m-new.yaml', member('m-new', 'org-b'));
    expect(check()).toBe(false);
    expect(check()).toBe(true);

    // Deleted from disk only; renamed with git.
    fs.rmSync(path.join(repo, 'records/members/m-2.yaml'));
    expect(check()).toBe(false);
    expect(check()).toBe(true);
    git(repo, ['mv', 'records/members/m-3.yaml', 'records/members/m-33.yaml']);
    expect(check()).toBe(false);
    expect(validateWhole(repo, { today: TODAY }).problems.map((p) => p.rule)).toContain('id-filename');
    expect(check()).toBe(true);

    // A new kind folder, djyc.yaml, a programme, the attachments folder.
    write(repo, 'records/experts/e-1.yaml', 'id: e-1\nname: 专家\n');
    expect(check()).toBe(false);
    expect(check()).toBe(true);
    fs.appendFileSync(path.join(repo, 'djyc.yaml'), '\n# a comment\n');
    expect(check()).toBe(false);
    expect(check()).toBe(true);
    const prog = fs.readdirSync(path.join(repo, 'records/programmes')).map((f) => path.join(repo, 'records/programmes', f))[0]!;
    fs.appendFileSync(prog, '\n# a comment\n');
    expect(check()).toBe(false);
    expect(check()).toBe(true);
    write(repo, 'attachments/x.pdf', 'not a pdf');
    expect(check()).toBe(false);
    expect(check()).toBe(true);

    // Committing all of it changes git's index: checked in full once more, then answered.
    git(repo, ['add', '-A']);
    git(repo, ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '--no-verify', '-m', 'more']);
    expect(check()).toBe(false);
    expect(check()).toBe(true);
    // The run in full also left the referrer index for one record's forms (store/referrers.ts), for this HEAD.
    expect(indexedTree(repo)).toBe(git(repo, ['rev-parse', 'HEAD^{tree}']).trim());
  });

  it('a damaged memo is ignored', () => {
    check();
    const memo = path.join(repo, '.git', 'djyc-cache', 'memo-validate.json');
    expect(fs.existsSync(memo)).toBe(true);
    fs.writeFileSync(memo, '[]\n{"djyc": "djyc-memo-2"');
    expect(check()).toBe(false);
    expect(check()).toBe(true);
  });

  it('a first run on an empty cache takes its witness from the contents it read (no stat pass), and the next run uses it', () => {
    const clear = () => fs.rmSync(cacheRoot(repo)!, { recursive: true, force: true });
    // Edited, deleted on disk, untracked: the witness holds each.
    const m0 = path.join(repo, 'records/members/m-0.yaml');
    fs.writeFileSync(m0, member('m-0', 'org-a', '李四'));
    fs.rmSync(path.join(repo, 'records/members/m-4.yaml'));
    write(repo, 'records/members/m-u.yaml', member('m-u', 'org-a'));
    clear();
    expect(check()).toBe(false);
    expect(check()).toBe(true);
    // Only touched: git's stat pass lists it where the contents say unchanged, so the next run loads (it never
    // answers from a witness git disagrees with) and keeps git's own witness for the run after.
    const m1 = path.join(repo, 'records/members/m-1.yaml');
    fs.writeFileSync(m1, fs.readFileSync(m1));
    fs.utimesSync(m1, new Date(Date.now() + 5000), new Date(Date.now() + 5000));
    clear();
    expect(check()).toBe(false);
    expect(check()).toBe(false);
    expect(check()).toBe(true);
  });
});

describe('a first run on a copied work tree', () => {
  it("refreshes git's stale stat data while it reads every file, so the next run answers at once", () => {
    // More files than a later run's stat pass would refresh git's stat data for by itself (git.ts STALE_DIRTY).
    const members = Object.fromEntries(Array.from({ length: 80 }, (_, i) => [`records/members/m-${i}.yaml`, member(`m-${i}`, 'org-a')]));
    const repo = committedRepo({ 'records/organisations/org-a.yaml': 'id: org-a\nname: 甲支部\ntype: 党支部\n', ...members });
    const dirty = () => git(repo, ['diff-files', '--name-only']).split('\n').filter(Boolean);
    // An hour ago, as a copy made before the run: a file not older than git's index is racily clean, and git would
    // go on listing it after a refresh.
    const touch = (files: string[]) => {
      const before = new Date(Date.now() - 3_600_000);
      for (const f of files) fs.utimesSync(path.join(repo, f), before, before);
    };
    const run = () => {
      fs.rmSync(cacheRoot(repo)!, { recursive: true, force: true }); // a first run: no cache, no stat pass
      return validateWhole(repo, { today: '2020-03-10' });
    };
    // One file only touched: not a stale copy; git's index is left alone.
    touch(['records/members/m-3.yaml']);
    expect(run().memo).toBe(false);
    expect(dirty()).toEqual(['records/members/m-3.yaml']);
    // Every file's stat data changed and none of their contents, as `cp -r` or a restore leaves them.
    const tracked = git(repo, ['ls-files', 'records']).split('\n').filter(Boolean);
    touch(tracked);
    expect(dirty()).toEqual(tracked);
    const first = run();
    expect(first.memo).toBe(false);
    expect(dirty()).toEqual([]);
    const again = validateWhole(repo, { today: '2020-03-10' });
    expect(again.memo).toBe(true);
    expect(again.problems).toEqual(first.problems);
  });
});

/** What `fn` returns, and every path it opened with fs.openSync (record files are read through it). */
function openedDuring<T>(fn: () => T): { result: T; opened: string[] } {
  const opened: string[] = [];
  const realOpen = fs.openSync;
  const spy = vi.spyOn(fs, 'openSync').mockImplementation((...args: Parameters<typeof fs.openSync>) => {
    opened.push(String(args[0]));
    return realOpen(...args);
  });
  try {
    return { result: fn(), opened };
  } finally {
    spy.mockRestore();
  }
}

describe('records git does not vouch for (untracked, or edited and not committed)', () => {
  it('are taken by their stat signature, not read again, while it holds; any write shows', () => {
    const repo = committedRepo({ 'records/organisations/org-a.yaml': 'id: org-a\nname: 甲支部\ntype: 党支部\n' });
    for (let i = 0; i < 20; i++) write(repo, `records/members/m-${i}.yaml`, member(`m-${i}`, 'org-a'));
    const m3 = path.join(repo, 'records/members/m-3.yaml');
    const first = validateWhole(repo, { today: '2020-03-10' });
    expect(first.memo).toBe(false);
    const witness = witnessOf(loadRepository(repo))!.content;
    expect(Object.keys(witness.stat ?? {}).sort()).toEqual(Object.keys(witness.read).sort());
    expect(Object.keys(witness.read)).toContain('records/members/m-3.yaml');

    // Answered from the memo without opening a single record file.
    const { result: again, opened } = openedDuring(() => validateWhole(repo, { today: '2020-03-10' }));
    expect(again.memo).toBe(true);
    expect(again.problems).toEqual(first.problems);
    expect(opened.filter((f) => f.includes(`${path.sep}records${path.sep}`))).toEqual([]);

    // The same size, written in place: a new change time.
    fs.writeFileSync(m3, member('m-3', 'org-b'));
    const edited = validateWhole(repo, { today: '2020-03-10' });
    expect(edited.memo).toBe(false);
    expect(edited.problems.map((p) => p.file)).toContain('records/members/m-3.yaml');
    expect(validateWhole(repo, { today: '2020-03-10' }).memo).toBe(true);
    // Written back, its modification time too: the change time still shows it.
    const { mtime } = fs.statSync(m3);
    fs.writeFileSync(m3, member('m-3', 'org-a'));
    fs.utimesSync(m3, mtime, mtime);
    const back = validateWhole(repo, { today: '2020-03-10' });
    expect(back.memo).toBe(false);
    expect(back.problems).toEqual(first.problems);
  });

  it('are taken by their signature by a load after another file changed: only that file is read', () => {
    const repo = committedRepo({ 'records/organisations/org-a.yaml': 'id: org-a\nname: 甲支部\ntype: 党支部\n' });
    for (let i = 0; i < 20; i++) write(repo, `records/members/m-${i}.yaml`, member(`m-${i}`, 'org-a'));
    validateWhole(repo, { today: '2020-03-10' });
    write(repo, 'records/members/m-3.yaml', member('m-3', 'org-b'));
    const { result: after, opened } = openedDuring(() => validateWhole(repo, { today: '2020-03-10' }));
    expect(after.memo).toBe(false);
    expect(after.problems).toEqual(validateWhole(repo, { today: '2020-03-10', cache: false }).problems);
    expect(after.problems.map((p) => p.file)).toContain('records/members/m-3.yaml');
    expect([...new Set(opened.filter((f) => f.includes(`${path.sep}members${path.sep}`)).map((f) => path.basename(f)))]).toEqual(['m-3.yaml']);
    // Everything committed: no signature is needed any more, and none is kept.
    const signed = path.join(cacheRoot(repo)!, 'signed-1.json');
    expect(fs.existsSync(signed)).toBe(true);
    git(repo, ['add', '-A']);
    git(repo, ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '--no-verify', '-m', 'members']);
    expect(validateWhole(repo, { today: '2020-03-10' }).memo).toBe(false);
    expect(fs.existsSync(signed)).toBe(false);
  });

  it('are read again next time when they had changed just before the load (a write within the same clock tick keeps the signature)', async () => {
    const repo = committedRepo({ 'records/organisations/org-a.yaml': 'id: org-a\nname: 甲支部\ntype: 党支部\n' });
    write(repo, 'records/members/m-1.yaml', member('m-1', 'org-a'));
    await new Promise((resolve) => setTimeout(resolve, 400));
    // The folder has settled (nothing added or removed for 400 ms); the file, written again in place, has not.
    write(repo, 'records/members/m-1.yaml', member('m-1', 'org-b'));
    const saved = process.env.DJYC_LISTING_SETTLE_MS;
    process.env.DJYC_LISTING_SETTLE_MS = '300';
    try {
      const witness = witnessOf(loadRepository(repo))!.content;
      expect(Object.keys(witness.read)).toEqual(['records/members/m-1.yaml']);
      expect(witness.stat).toBeUndefined();
    } finally {
      process.env.DJYC_LISTING_SETTLE_MS = saved;
    }
  });
});

describe('a memo kept while its answer is written', () => {
  /** A repository of one committed record, loaded. */
  const oneRecordRepo = () => {
    const repo = committedRepo({ 'records/organisations/org-a.yaml': 'id: org-a\nname: 甲支部\ntype: 党支部\n' });
    return { repo, loaded: loadRepository(repo) };
  };

  it('holds the pieces that went through, and nothing when the writing stopped early', () => {
    const { repo, loaded } = oneRecordRepo();
    const params = { command: 'test' };
    const pieces = ['第一行\n', '第二行\n', '末行\n'];
    const whole = MemoSink.open(loaded, 'test', params)!;
    expect([...whole.tee(pieces)]).toEqual(pieces);
    whole.finish({ code: 3 });
    const hit = readMemo(repo, 'test', params);
    expect(hit?.payload.toString('utf8')).toBe(pieces.join(''));
    expect(hit?.meta).toEqual({ code: 3 });
    expect(readMemo(repo, 'test', { command: 'other' })).toBeUndefined();
    // A consumer that stops (an output that failed half-way) leaves no memo, nor a temp file.
    fs.rmSync(memoFile(repo, 'test')!);
    const cut = MemoSink.open(loaded, 'test', params)!;
    for (const piece of cut.tee(pieces)) if (piece === pieces[1]) break;
    cut.finish({ code: 0 });
    expect(readMemo(repo, 'test', params)).toBeUndefined();
    expect(fs.readdirSync(path.dirname(memoFile(repo, 'test')!)).filter((f) => f.includes('memo-test'))).toEqual([]);
  });

  it('is read from its head, whatever its length; its payload only when the head answers', () => {
    const { repo, loaded } = oneRecordRepo();
    const params = { command: 'test' };
    // A head longer than the first piece read from the end (a witness of many files git does not vouch for).
    const extra = '甲'.repeat(300_000);
    const payload = `${'报表第一行\n'.repeat(20_000)}末行\n`;
    const sink = MemoSink.open(loaded, 'test', params, extra)!;
    sink.write(payload);
    sink.finish({ code: 0 });
    expect(fs.statSync(memoFile(repo, 'test')!).size).toBeGreaterThan(1_000_000);
    expect(readMemo(repo, 'test', params, () => extra)?.payload.toString('utf8')).toBe(payload);
    expect(readMemo(repo, 'test', params, () => `${extra}乙`)).toBeUndefined();
    // A big answer under a short head: asked with other options, only the end of the file is read.
    const big = MemoSink.open(loaded, 'test', params)!;
    big.write('报表'.repeat(1_000_000));
    big.finish({ code: 0 });
    const reads = vi.spyOn(fs, 'readSync');
    const wholeReads = vi.spyOn(fs, 'readFileSync');
    try {
      expect(readMemo(repo, 'test', { command: 'other' })).toBeUndefined();
      const bytesRead = reads.mock.results.reduce((n, r) => n + (r.value as number), 0) + wholeReads.mock.results.reduce((n, r) => n + (r.value as { length: number }).length, 0);
      expect(bytesRead).toBeLessThanOrEqual(1 << 16);
      expect(readMemo(repo, 'test', params)?.payload.length).toBe(6_000_000);
    } finally {
      reads.mockRestore();
      wholeReads.mockRestore();
    }
    // A short one: the whole file is the first piece.
    const small = MemoSink.open(loaded, 'test', params)!;
    small.write('一\n');
    small.finish({ code: 1 });
    expect(readMemo(repo, 'test', params)).toEqual({ payload: Buffer.from('一\n'), meta: { code: 1 } });
    // A file without its head's last line break, or with no line break at all, is no memo.
    const file = memoFile(repo, 'test')!;
    const bytes = fs.readFileSync(file);
    fs.writeFileSync(file, bytes.subarray(0, bytes.length - 1));
    expect(readMemo(repo, 'test', params)).toBeUndefined();
    fs.writeFileSync(file, '{}\n');
    expect(readMemo(repo, 'test', params)).toBeUndefined();
  });
});

describe('deadlines, ledger, status and todo from the memo', () => {
  it('print what a run without cache prints, before and after a change, exit code and notes included', () => {
    const repo = committedRepo({
      'records/organisations/org-a.yaml': 'id: org-a\nname: 甲支部\ntype: 党支部\n',
      'records/projects/p-1.yaml': 'id: p-1\nprogramme: shuangling-2020\ntitle: 便民服务\nlead: org-a\nstage: proposed\ndue: "2020-03-12"\nhistory:\n  - stage: proposed\n    date: "2020-03-05"\n',
    });
    const runs = [
      ['deadlines', '--today', '2020-03-10', '--format', 'json', '--fail-on', 'due-soon'],
      ['deadlines', '--today', '2020-03-10'],
      ['ledger', '--today', '2020-03-10', '--format', 'csv'],
      ['status', '--today', '2020-03-10'],
      ['status', '--today', '2020-03-10', '--format', 'json'],
      ['todo', '--today', '2020-03-10'],
      ['todo', '--today', '2020-03-10', '--format', 'json'],
    ];
    const run = (args: string[], env: Record<string, string> = ENV) => {
      const r = djyc(args, { cwd: repo, env });
      expect(r.stderr).not.toContain('    at ');
      return r;
    };
    const memoFile = (name: string) => path.join(repo, '.git', 'djyc-cache', `memo-${name}.json`);
    for (const args of runs) {
      const reference = run(args, { DJYC_NO_CACHE: '1' });
      expect(run(args)).toEqual(reference); // cold: writes the memo
      expect(fs.existsSync(memoFile(args[0]!))).toBe(true);
      expect(run(args)).toEqual(reference); // from the memo
    }
    // The answer comes from the memo: a memo of another repository state is not used (marked here by hand).
    // (The answer's bytes, a line break, the head as the last line.)
    const text = fs.readFileSync(memoFile('ledger'));
    const nl = text.lastIndexOf(0x0a, text.length - 2);
    const head = JSON.parse(text.subarray(nl + 1).toString('utf8')) as { size: number };
    expect(head.size).toBe(nl);
    fs.writeFileSync(memoFile('ledger'), `MEMO\n\n${JSON.stringify({ ...head, size: 5 })}\n`);
    expect(run(runs[2]!).stdout).toBe('MEMO\n');
    // One cut short is not used.
    fs.writeFileSync(memoFile('ledger'), `MEMO\n\n${JSON.stringify({ ...head, size: 6 })}\n`);
    expect(run(runs[2]!).stdout).not.toBe('MEMO\n');
    fs.writeFileSync(memoFile('ledger'), `EMO\n\n${JSON.stringify({ ...head, size: 5 })}\n`);
    expect(run(runs[2]!).stdout).not.toBe('EMO\n');
    const p1 = path.join(repo, 'records/projects/p-1.yaml');
    fs.writeFileSync(p1, fs.readFileSync(p1, 'utf8').replace('便民服务', '便民服务站').replace('2020-03-12', '2020-04-30'));
    for (const args of runs) {
      const reference = run(args, { DJYC_NO_CACHE: '1' });
      expect(run(args)).toEqual(reference);
      expect(run(args)).toEqual(reference);
    }
    const headOf = (name: string) => {
      const bytes = fs.readFileSync(memoFile(name));
      return JSON.parse(bytes.subarray(bytes.lastIndexOf(0x0a, bytes.length - 2) + 1).toString('utf8')) as { meta: { clean?: boolean } };
    };
    // Nothing the terminal's guard masks: the memo says so, and is printed again as its bytes.
    expect(headOf('deadlines').meta.clean).toBe(true);
    // A mobile number typed into a title: masked on the terminal the first time, and from the memo too (which keeps
    // the text as it is, for a run that writes a file).
    fs.writeFileSync(p1, fs.readFileSync(p1, 'utf8').replace('便民服务站', '便民服务站（联系13912345678）'));
    const args = ['deadlines', '--today', '2020-03-10', '--all', '--format', 'json'];
    const reference = run(args, { DJYC_NO_CACHE: '1' });
    expect(reference.stdout).toContain('139****5678');
    expect(run(args)).toEqual(reference);
    expect(headOf('deadlines').meta.clean).toBe(false);
    expect(run(args)).toEqual(reference);
    const out = path.join(repo, 'deadlines.json');
    expect(run([...args, '-o', out]).code).toBe(0); // from the memo, to a file: the text as it is
    expect(fs.readFileSync(out, 'utf8')).toContain('13912345678');
    fs.rmSync(out);
  });

  it("todo's memo holds only while the files it looked at outside the records (a brand's logo) are as they were", () => {
    const repo = committedRepo({
      'records/organisations/org-a.yaml': 'id: org-a\nname: 甲支部\ntype: 党支部\n',
      'records/brands/b-1.yaml': 'id: b-1\nprogramme: shuangling-2020\norganisation: org-a\nname: 先锋\nlogo: attachments/logos/b-1.png\nconcept: 服务群众\nstage: naming\nhistory:\n  - stage: naming\n    date: "2020-05-05"\n',
    });
    const args = ['todo', '--today', '2020-06-10'];
    const run = (env: Record<string, string> = ENV) => djyc(args, { cwd: repo, env });
    const missing = run({ DJYC_NO_CACHE: '1' });
    expect(missing.stdout).toContain('缺少品牌标识文件 attachments/logos/b-1.png');
    expect(run()).toEqual(missing);
    expect(run()).toEqual(missing); // from the memo
    // The logo arrives (outside records/: the repository's witness does not see it): the memo no longer answers.
    fs.mkdirSync(path.join(repo, 'attachments/logos'), { recursive: true });
    fs.writeFileSync(path.join(repo, 'attachments/logos/b-1.png'), Buffer.from('89504e470d0a1a0a', 'hex'));
    const present = run({ DJYC_NO_CACHE: '1' });
    expect(present.stdout).not.toContain('缺少');
    expect(present.stdout).toContain('djyc advance 先锋');
    expect(run()).toEqual(present);
    expect(run()).toEqual(present);
    fs.rmSync(path.join(repo, 'attachments/logos/b-1.png'));
    expect(run()).toEqual(missing);
  });
});

describe('validate --changed: the changes worked out from what loading learnt of git', () => {
  it('are those a stat pass over every file finds: committed, staged, unstaged, untracked, deleted, ignored, touched', () => {
    const repo = initRepo('shuangling', 2020);
    write(repo, 'records/organisations/org-a.yaml', 'id: org-a\nname: 甲支部\ntype: 党支部\n');
    for (let i = 0; i < 8; i++) write(repo, `records/members/m-${i}.yaml`, member(`m-${i}`, 'org-a'));
    const commit = (m: string) => {
      git(repo, ['add', '-A']);
      git(repo, ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '--no-verify', '-m', m]);
    };
    commit('base');
    git(repo, ['checkout', '-q', '-b', 'pr']);
    write(repo, 'records/members/m-0.yaml', member('m-0', 'org-b')); // committed on the branch
    commit('pr');
    write(repo, 'records/members/m-1.yaml', member('m-1', 'org-c')); // staged
    git(repo, ['add', 'records/members/m-1.yaml']);
    write(repo, 'records/members/m-2.yaml', member('m-2', 'org-d')); // unstaged
    write(repo, 'records/members/m-new.yaml', member('m-new', 'org-a')); // untracked
    fs.rmSync(path.join(repo, 'records/members/m-3.yaml')); // deleted on disk
    git(repo, ['rm', '-q', '--cached', 'records/members/m-4.yaml']); // removed from the index, still on disk
    git(repo, ['rm', '-q', 'records/members/m-5.yaml']); // removed with git
    fs.appendFileSync(path.join(repo, '.gitignore'), '\nrecords/members/m-ignored.yaml\n');
    write(repo, 'records/members/m-ignored.yaml', member('m-ignored', 'org-a')); // untracked but ignored
    const touched = path.join(repo, 'records/members/m-6.yaml'); // stat changed, content not
    fs.writeFileSync(touched, fs.readFileSync(touched));
    fs.appendFileSync(path.join(repo, 'djyc.yaml'), '\n# changed\n');
    const mergeBase = git(repo, ['merge-base', 'HEAD', 'main']).trim();
    const plain = changedSince(repo, mergeBase);
    // A load on an empty cache (its witness from the contents it read), then one with the cache (from git's stat pass).
    fs.rmSync(cacheRoot(repo)!, { recursive: true, force: true });
    for (let run = 0; run < 2; run++) {
      const witness = witnessOf(loadRepository(repo))?.content;
      expect(witness).toBeDefined();
      expect(changedSince(repo, mergeBase, { dirty: witness!.dirty, unvouched: Object.keys(witness!.read) })).toEqual(plain);
    }
    expect(plain.changed).toEqual(expect.arrayContaining(['djyc.yaml', 'records/members/m-0.yaml', 'records/members/m-1.yaml', 'records/members/m-2.yaml', 'records/members/m-new.yaml', 'records/members/m-3.yaml', 'records/members/m-4.yaml', 'records/members/m-5.yaml']));
    expect(plain.changed).not.toContain('records/members/m-ignored.yaml');
    expect(plain.changed).not.toContain('records/members/m-6.yaml');
    expect(plain.deleted).toEqual(['records/members/m-3.yaml', 'records/members/m-4.yaml', 'records/members/m-5.yaml']);
  });
});
