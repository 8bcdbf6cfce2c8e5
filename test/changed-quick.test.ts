// `validate --changed` without loading the whole repository (store/changed.ts quickChanged) must answer exactly what
// the whole way (validateChanged) answers, or not answer at all. Every example, on real git copies: the base is
// damaged first (so the base's kept result holds problems between records on the files a change then edits), then
// seeded random pull requests — edits of fields the checks between records do not read (dates, titles, ids, names
// of other records in fields no such check reads: new problems of the records' own), edits of fields they do read,
// broken YAML, added, deleted and stray files, committed, staged or left in the working tree — are checked both ways.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { ROOT, djyc, git, initRepo, tempDir, useEnv } from './helpers.js';
import { quickChanged, quickDecline, validateChanged } from '../src/store/changed.js';
import { loadRepository } from '../src/store/repo.js';
import { validateWhole } from '../src/store/memo.js';
import { CROSS_FIELDS, CROSS_RULES } from '../src/domain/checks.js';
import { KIND_DIRS, type Kind } from '../src/domain/kinds.js';
// The bench's seeded generator (mulberry32): the same pull requests on every run.
import { rng as random } from '../scripts/bench/gen-city.mjs';

const EXAMPLES = fs.readdirSync(path.join(ROOT, 'examples')).filter((n) => fs.existsSync(path.join(ROOT, 'examples', n, 'djyc.yaml')));
const TODAY = '2020-12-20';
const OTHER_DAYS = ['2020-12-21', '2021-03-01', '2020-04-20', '2017-06-01', '2017-12-31'];
/** Pull requests per example (DJYC_QUICK_ROUNDS and DJYC_QUICK_SEED explore further, by hand). */
const ROUNDS = Number(process.env.DJYC_QUICK_ROUNDS ?? 8);
const base = tempDir('djyc-quick-');
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));
// Small repositories keep a cache, a witness and so a memo too, their folders written just before.
useEnv({ DJYC_CACHE_MIN: '0', DJYC_GIT_KEYS_MIN: '0', DJYC_LISTING_SETTLE_MS: '0' });

const commit = (dir: string, message: string) => {
  git(dir, ['add', '-A']);
  git(dir, ['-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '--no-verify', '--allow-empty', '-m', message]);
};

function recordFiles(dir: string): { kind: Kind; file: string }[] {
  const out: { kind: Kind; file: string }[] = [];
  for (const [kind, folder] of Object.entries(KIND_DIRS) as [Kind, string][]) {
    if (kind === 'programme') continue;
    const abs = path.join(dir, 'records', folder);
    if (!fs.existsSync(abs)) continue;
    for (const name of fs.readdirSync(abs).sort()) if (name.endsWith('.yaml')) out.push({ kind, file: `records/${folder}/${name}` });
  }
  return out;
}

/** Another value of the same shape: a later date, another id of the repository, a longer text, a number + 1… */
function changedValue(value: unknown, pick: () => number, ids: string[]): unknown {
  if (typeof value === 'number') return value + 1;
  if (typeof value === 'boolean') return !value;
  if (typeof value === 'string') {
    if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return `${value.slice(0, 8)}${String(1 + Math.floor(pick() * 28)).padStart(2, '0')}`;
    const r = pick();
    if (r < 0.4 && ids.length) return ids[Math.floor(pick() * ids.length)];
    if (r < 0.5) return 'no-such-record';
    return `${value}（改）`;
  }
  if (Array.isArray(value)) return value.length && pick() < 0.5 ? value.slice(1) : [...value, ...(value.length ? [changedValue(value[0], pick, ids)] : [])];
  if (value && typeof value === 'object') {
    const keys = Object.keys(value);
    if (!keys.length) return value;
    const k = keys[Math.floor(pick() * keys.length)]!;
    return { ...value, [k]: changedValue((value as Record<string, unknown>)[k], pick, ids) };
  }
  return 'x';
}

/** Edits one record: a field the checks between records read (`cross`), or one they do not. */
function editRecord(dir: string, target: { kind: Kind; file: string }, cross: boolean, pick: () => number, ids: string[]): void {
  const abs = path.join(dir, target.file);
  const data = parseYaml(fs.readFileSync(abs, 'utf8')) as Record<string, unknown>;
  const crossFields = CROSS_FIELDS[target.kind as Exclude<Kind, 'programme'>];
  const keys = Object.keys(data).filter((k) => crossFields.includes(k) === cross && (k !== 'id' || pick() < 0.2));
  if (!keys.length) {
    data.note_added = '补充说明';
  } else {
    const k = keys[Math.floor(pick() * keys.length)]!;
    data[k] = changedValue(data[k], pick, ids);
  }
  fs.writeFileSync(abs, stringifyYaml(data));
}

/**
 * A pull request of a few random changes (what each was), often on files the base's checks between records found
 * problems on (`flagged`).
 */
function pullRequest(dir: string, pick: () => number, flagged: Set<string>): string[] {
  const all = recordFiles(dir);
  const onFlagged = all.filter((f) => flagged.has(f.file));
  const files = onFlagged.length && pick() < 0.5 ? [...onFlagged, ...onFlagged, ...all] : all;
  const ids = all.map((f) => path.basename(f.file, '.yaml'));
  const what: string[] = [];
  const count = 1 + Math.floor(pick() * 4);
  for (let i = 0; i < count; i++) {
    if (!files.length) break;
    // Each change on a file of its own (a file deleted or broken is not edited after).
    const target = files[Math.floor(pick() * files.length)]!;
    for (let j = files.length - 1; j >= 0; j--) if (files[j]!.file === target.file) files.splice(j, 1);
    const r = pick();
    if (r < 0.62) {
      editRecord(dir, target, false, pick, ids);
      what.push(`edit ${target.file}`);
    } else if (r < 0.77) {
      editRecord(dir, target, true, pick, ids);
      what.push(`edit cross ${target.file}`);
    } else if (r < 0.82) {
      fs.appendFileSync(path.join(dir, target.file), 'bad: [unclosed\n');
      what.push(`break ${target.file}`);
    } else if (r < 0.87) {
      fs.rmSync(path.join(dir, target.file));
      what.push(`delete ${target.file}`);
    } else if (r < 0.92) {
      fs.copyFileSync(path.join(dir, target.file), path.join(dir, path.dirname(target.file), `copy-${i}.yaml`));
      what.push(`add copy of ${target.file}`);
    } else {
      fs.writeFileSync(path.join(dir, `${target.file}.djyc-tmp-${100 + i}`), 'left over');
      what.push(`stray file next to ${target.file}`);
    }
  }
  const how = pick();
  if (how < 0.6) commit(dir, 'pull request');
  else if (how < 0.8) git(dir, ['add', '-A']);
  return what;
}

/** The base damaged by a few edits of the fields the checks between records read: their results are on the base. */
function damageBase(dir: string, pick: () => number): void {
  const files = recordFiles(dir);
  const ids = files.map((f) => path.basename(f.file, '.yaml'));
  for (let i = 0; i < 6; i++) editRecord(dir, files[Math.floor(pick() * files.length)]!, true, pick, ids);
  commit(dir, 'damaged base');
}

describe('validate --changed, the quick way (store/changed.ts quickChanged)', () => {
  let quickAnswers = 0;
  let withProblems = 0;
  let fromBase = 0;
  EXAMPLES.forEach((name, e) => {
    it(`${name}: answers exactly as the whole way, or not at all`, async () => {
      const dir = path.join(base, name);
      fs.cpSync(path.join(ROOT, 'examples', name), dir, { recursive: true });
      git(dir, ['init', '-q', '-b', 'main']);
      commit(dir, 'example');
      const pick = random(Number(process.env.DJYC_QUICK_SEED ?? 1000) + e);
      damageBase(dir, pick);
      // The whole check on the base keeps its result (the memo) and the referrer index.
      const whole = validateWhole(dir, { today: TODAY });
      expect(whole.memo).toBe(false);
      const flagged = new Set(whole.problems.filter((p) => CROSS_RULES.has(p.rule)).map((p) => p.file));
      for (let round = 0; round < ROUNDS; round++) {
        git(dir, ['checkout', '-q', '-B', 'pr', 'main']);
        const what = pullRequest(dir, pick, flagged);
        // Asked on the day the base was checked, or on another (the kept result holds while no rule's window closes between).
        const day = pick() < 0.7 ? TODAY : OTHER_DAYS[Math.floor(pick() * OTHER_DAYS.length)]!;
        const quick = await quickChanged(dir, { base: 'main', today: day });
        const full = validateChanged(dir, { base: 'main', today: day, repo: loadRepository(dir) });
        if (quick) {
          quickAnswers++;
          if (quick.problems.length) withProblems++;
          fromBase += quick.problems.filter((p) => CROSS_RULES.has(p.rule)).length;
          const summary = (r: typeof full) => ({ changed: r.changed, deleted: r.deleted, related: r.related, mergeBase: r.mergeBase, problems: r.problems });
          expect(summary(quick), what.join('; ')).toEqual(summary(full));
        } else {
          // Declined only for what it cannot vouch for: edits of what the checks between records read, files added,
          // deleted or not parsing (an edit can make a file YAML djyc refuses), a day a rule's window separates.
          const plain = what.every((w) => w.startsWith('edit records/') || w.startsWith('stray'));
          const unparsed = full.changed.some((f) => full.repo.unparsed.includes(f));
          const anotherDay = day !== TODAY && !!quickDecline.reason?.startsWith('kept for');
          expect(plain && !unparsed && !anotherDay, `${what.join('; ')}: ${quickDecline.reason}`).toBe(false);
        }
        git(dir, ['checkout', '-q', '-f', 'main']);
        git(dir, ['clean', '-q', '-fdx', '--', 'records']);
      }
    });
  });

  // The base's results between records on an edited file: the test below, for sure; here, when the dice say so.
  it('took the quick way often, with problems', () => {
    if (process.env.DJYC_QUICK_ROUNDS || process.env.DJYC_QUICK_SEED) console.log({ quickAnswers, withProblems, fromBase });
    expect(quickAnswers).toBeGreaterThanOrEqual(12);
    expect(withProblems).toBeGreaterThanOrEqual(6);
  });
});

describe('validate --changed, the quick way, on the command line', () => {
  it('gives the base’s problems between records on an edited file at their new place, as the whole way does', () => {
    const dir = initRepo('shuangling', 2020);
    const write = (rel: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), text);
    };
    write('records/organisations/org-a.yaml', 'id: org-a\nname: 甲支部\ntype: 党支部\n');
    write('records/members/m-a1.yaml', 'id: m-a1\nname: 张三\norganisation: org-a\nparty_title: 党员\n');
    const project = (id: string, title: string) => `id: ${id}\nprogramme: shuangling-2020\ntitle: ${title}\nnumber: SL-001\nlead: org-a\nstage: proposed\nhistory:\n  - stage: proposed\n    date: "2020-03-05"\n`;
    // Two projects with one number: a problem between records, on both, already on main.
    write('records/projects/p-1.yaml', project('p-1', '便民服务'));
    write('records/projects/p-2.yaml', project('p-2', '志愿服务'));
    // A record naming p-1 in its programme field (wrong, and already on main): the whole way counts it as referring to p-1.
    write('records/reports/r-odd.yaml', 'id: r-odd\nprogramme: p-1\nsubject: p-2\nquarter: 2020Q1\n');
    commit(dir, 'records');
    const env = { DJYC_TODAY: TODAY, DJYC_STATS: '1' };
    expect(djyc(['validate'], { cwd: dir, env }).code).not.toBe(2);
    git(dir, ['checkout', '-q', '-b', 'pr']);
    // Lines added above the number and a new title (not read by the checks between records), and a date the schema refuses.
    write('records/projects/p-1.yaml', `# 修改\n# 再修改\n${project('p-1', '便民服务（第二版）')}due: 2020-13-01\n`);
    commit(dir, 'pull request');
    const args = ['validate', '--changed', 'main', '--format', 'json', '--lang', 'en'];
    const quick = djyc(args, { cwd: dir, env });
    const whole = djyc(args, { cwd: dir, env: { ...env, DJYC_CHANGED_QUICK: '0' } });
    expect(quick.stderr).toContain('djyc changed: quick');
    expect(whole.stderr).toContain('djyc changed: whole (turned off');
    expect(quick.stdout).toBe(whole.stdout);
    const problems = JSON.parse(quick.stdout).problems as { file: string; line: number; rule: string }[];
    expect(problems.map((p) => `${p.file}:${p.line} ${p.rule}`)).toEqual(expect.arrayContaining(['records/projects/p-1.yaml:6 number-duplicate']));
    expect(problems.some((p) => p.file === 'records/projects/p-1.yaml' && p.rule !== 'number-duplicate')).toBe(true);
    expect(problems.some((p) => p.file === 'records/projects/p-2.yaml')).toBe(false);
    expect(djyc(['validate', '--changed', 'main'], { cwd: dir, env }).stdout).toBe(djyc(['validate', '--changed', 'main'], { cwd: dir, env: { ...env, DJYC_CHANGED_QUICK: '0' } }).stdout);
    // The step summary counts the records referring to the changed ones (r-odd among them) the same way.
    const summaryOf = (extra: Record<string, string>) => {
      const file = path.join(dir, '..', `summary-${Object.keys(extra).length}.md`);
      djyc(['validate', '--changed', 'main', '--summary', file], { cwd: dir, env: { ...env, ...extra } });
      return fs.readFileSync(file, 'utf8');
    };
    const quickSummary = summaryOf({});
    expect(quickSummary).toContain('及引用它们的 1 个记录');
    expect(quickSummary).toBe(summaryOf({ DJYC_CHANGED_QUICK: '0' }));
    // Kept yesterday (CI on main), asked today: the same while no rule's window closes in between (the claim window,
    // 04-15 to 04-30, decides whether a member without a task is an error).
    const nextDay = djyc(args, { cwd: dir, env: { ...env, DJYC_TODAY: '2020-12-21' } });
    expect(nextDay.stderr).toContain('djyc changed: quick');
    expect(nextDay.stdout).toBe(djyc(args, { cwd: dir, env: { ...env, DJYC_TODAY: '2020-12-21', DJYC_CHANGED_QUICK: '0' } }).stdout);
    expect(djyc(args, { cwd: dir, env: { ...env, DJYC_TODAY: '2020-04-20' } }).stderr).toContain('djyc changed: whole (kept for 2020-12-20, a rule');

    // What a check between records reads: the whole way (p-2's problem goes away with p-1's new number).
    write('records/projects/p-1.yaml', project('p-1', '便民服务').replace('SL-001', 'SL-002'));
    commit(dir, 'another number');
    const cross = djyc(args, { cwd: dir, env });
    expect(cross.stderr).toContain('djyc changed: whole (what the checks between records read changed: records/projects/p-1.yaml)');
    expect(cross.stdout).toBe(djyc(args, { cwd: dir, env: { ...env, DJYC_CHANGED_QUICK: '0' } }).stdout);
  });
});

describe('files never read as records: a folder inside a record folder, a file not named <id>.yaml', () => {
  it('are told by a whole validate (never hidden by its memo), and by --changed when the pull request put them there', async () => {
    const dir = initRepo('shuangling', 2020);
    const write = (rel: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), text);
    };
    const member = (id: string) => `id: ${id}\nname: 张三\norganisation: org-a\nparty_title: 党员\n`;
    const nestedOf = (problems: { file: string; rule: string }[]) => problems.filter((p) => p.rule === 'nested-folder').map((p) => p.file);
    const unreadOf = (problems: { file: string; rule: string }[]) => problems.filter((p) => p.rule === 'nested-folder' || p.rule === 'not-record-file').map((p) => `${p.file} ${p.rule}`);
    write('records/organisations/org-a.yaml', 'id: org-a\nname: 甲支部\ntype: 党支部\n');
    write('records/members/m-a1.yaml', member('m-a1'));
    commit(dir, 'records');
    expect(nestedOf(validateWhole(dir, { today: TODAY }).problems)).toEqual([]);

    // A pull request that puts a record into a folder of its own: its file is never read, so it is said.
    git(dir, ['checkout', '-q', '-b', 'pr']);
    write('records/members/2021/m-b1.yaml', member('m-b1'));
    for (const stage of ['untracked', 'committed']) {
      if (stage === 'committed') commit(dir, 'pull request');
      expect(await quickChanged(dir, { base: 'main', today: TODAY }), stage).toBeUndefined();
      expect(quickDecline.reason).toBe('not read as a record: records/members/2021/m-b1.yaml');
      const full = validateChanged(dir, { base: 'main', today: TODAY, repo: loadRepository(dir) });
      expect(full.problems.map((p) => `${p.file}:${p.line}:${p.col} ${p.severity} ${p.rule}`), stage).toEqual(['records/members/2021:1:1 warning nested-folder']);
    }
    const cli = djyc(['validate', '--changed', 'main', '--lang', 'en'], { cwd: dir, env: { DJYC_TODAY: TODAY } });
    expect(cli.stdout).toContain('"records/members/2021" is a folder inside a record folder: files in it are never read');

    // A record saved as .yml or .YAML, or next to the kind folders: never read either. Dot-files (.gitkeep) are no one's.
    write('records/members/m-c1.yml', member('m-c1'));
    write('records/members/M-C2.YAML', member('m-c2'));
    write('records/m-c3.yaml', member('m-c3'));
    write('records/members/.gitkeep', '');
    write('records/members/.notes/a.txt', 'x');
    const unread = ['records/m-c3.yaml not-record-file', 'records/members/2021 nested-folder', 'records/members/M-C2.YAML not-record-file', 'records/members/m-c1.yml not-record-file'];
    expect(unreadOf(validateWhole(dir, { today: TODAY }).problems).sort()).toEqual(unread.sort());
    expect(await quickChanged(dir, { base: 'main', today: TODAY })).toBeUndefined();
    expect(unreadOf(validateChanged(dir, { base: 'main', today: TODAY, repo: loadRepository(dir) }).problems).sort()).toEqual(unread.sort());
    // The base had them: old problems.
    commit(dir, 'more unread files');
    git(dir, ['branch', '-q', 'base-with-them']);
    expect(validateChanged(dir, { base: 'base-with-them', today: TODAY, repo: loadRepository(dir) }).problems).toEqual([]);
    git(dir, ['rm', '-q', 'records/members/m-c1.yml', 'records/members/M-C2.YAML', 'records/m-c3.yaml', 'records/members/.gitkeep', 'records/members/.notes/a.txt']);
    commit(dir, 'without them');

    // Already at the base: an old problem, not the pull request's.
    git(dir, ['checkout', '-q', 'main']);
    git(dir, ['merge', '-q', '--ff-only', 'pr']);
    git(dir, ['checkout', '-q', '-b', 'pr2']);
    write('records/members/m-a1.yaml', member('m-a1').replace('张三', '张三丰'));
    write('records/members/2021/m-b2.yaml', member('m-b2'));
    commit(dir, 'another pull request');
    expect(validateChanged(dir, { base: 'main', today: TODAY, repo: loadRepository(dir) }).problems).toEqual([]);

    // An empty folder holds nothing to lose; a file put into it later does not change its parent folder, yet the
    // next whole validate says it (a folder inside a record folder keeps the memo from answering).
    git(dir, ['checkout', '-q', '-f', 'main']);
    fs.rmSync(path.join(dir, 'records/members/2021'), { recursive: true });
    commit(dir, 'no folder');
    fs.mkdirSync(path.join(dir, 'records/members/later'));
    expect(nestedOf(validateWhole(dir, { today: TODAY }).problems)).toEqual([]);
    expect(validateWhole(dir, { today: TODAY }).memo).toBe(false);
    write('records/members/later/m-c1.yaml', member('m-c1'));
    expect(nestedOf(validateWhole(dir, { today: TODAY }).problems)).toEqual(['records/members/later']);

    // Many at once (the base's whole records/ folder is listed instead of each path), one of them there already.
    fs.rmSync(path.join(dir, 'records/members/later'), { recursive: true });
    write('records/members/x-old.yml', member('x-old'));
    commit(dir, 'one at the base');
    git(dir, ['checkout', '-q', '-b', 'many']);
    for (let i = 0; i < 240; i++) write(`records/members/x-${i}.yml`, member(`x-${i}`));
    commit(dir, 'many');
    const many = unreadOf(validateChanged(dir, { base: 'main', today: TODAY, repo: loadRepository(dir) }).problems);
    expect(many).toHaveLength(240);
    expect(many).not.toContain('records/members/x-old.yml not-record-file');
  });
});
