/**
 * The CLI boundary of the built CLI (dist/, run in a thread of the worker; the pipe cases run bin/djyc in a shell):
 * with --json every failure is also one JSON object on standard output; an unknown language is a usage error; every
 * help ends with the exit codes; a reader that closes the pipe (`| head`) gets a clean, silent exit; and the write
 * group (--dry-run, --date, --by, --note) is real on new-*, import, task exempt, report and select.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { callTimeout, djyc as threaded } from './helpers.js';

const ROOT = path.resolve(__dirname, '..');
const BIN = path.join(ROOT, 'bin', 'djyc');
const temps: string[] = [];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The built CLI in a thread of this worker (test/helpers.ts): the process itself is not the point here, except in
 * the pipe cases below, which run the real binary in a shell. test/golden.cli.test.ts holds both ways equal. */
function djyc(args: string[], opts: { cwd: string; env?: Record<string, string> }): Run {
  return threaded(args, { cwd: opts.cwd, env: { DJYC_LANG: '', DJYC_USER: '测试员', ...opts.env } });
}

function ok(repo: string, date: string, args: string[]): Run {
  const r = djyc(args, { cwd: repo, env: { DJYC_TODAY: date } });
  expect(r.code, `djyc ${args.join(' ')}\n${r.stderr}`).toBe(0);
  return r;
}

function git(cwd: string, args: string[]): string {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** A shell pipeline, as a user types it; `$DJYC` is the built binary. */
function sh(script: string, cwd: string): Run {
  const r = spawnSync('bash', ['-c', script], { cwd, env: { ...process.env, NO_COLOR: '1', CI: '1', DJYC_LANG: '', DJYC: `${process.execPath} ${BIN}` }, encoding: 'utf8', timeout: callTimeout() });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'djyc-boundary-'));
  temps.push(d);
  return d;
}

const head = (repo: string) => git(repo, ['rev-parse', 'HEAD']).trim();
const porcelain = (repo: string) => git(repo, ['status', '--porcelain', '--untracked-files=all']);
const lastMessage = (repo: string) => git(repo, ['log', '-1', '--format=%B']);
const record = (repo: string, rel: string) => parse(fs.readFileSync(path.join(repo, rel), 'utf8'));

/** A 双领一创 2020 repository with one organisation, two members and one project. */
function smallRepo(): string {
  const repo = path.join(tempDir(), 'repo');
  ok(ROOT, '2020-03-01', ['init', repo, '--programme', 'shuangling', '--year', '2020']);
  ok(repo, '2020-03-05', ['new-org', '--id', 'org-a', '--name', '中共某区教育局机关支部委员会', '--short-name', '甲支部', '--type', '党支部']);
  ok(repo, '2020-03-05', ['new-member', '--id', 'm-a', '--name', '周立', '--org', 'org-a']);
  ok(repo, '2020-03-05', ['new-member', '--id', 'm-b', '--name', '徐静', '--org', 'org-a']);
  ok(repo, '2020-03-10', ['new-project', '--id', 'p-1', '--title', '校园周边交通安全综合治理', '--category', '呼应群众普遍期待', '--source', '社会征集', '--org', 'org-a']);
  return repo;
}

/** Asserts that nothing was written: same commit, clean worktree. */
function nothingWritten(repo: string, before: string): void {
  expect(head(repo)).toBe(before);
  expect(porcelain(repo)).toBe('');
}

let repo: string;

beforeAll(() => {
  repo = smallRepo();
});

afterAll(() => {
  for (const d of temps) fs.rmSync(d, { recursive: true, force: true });
});

describe('--json: every failure is one JSON object on standard output, and the human message on standard error', () => {
  const failure = (r: Run) => {
    const o = JSON.parse(r.stdout);
    expect(Object.keys(o).slice(0, 5)).toEqual(['ok', 'code', 'rule', 'message', 'hint']);
    expect(o.ok).toBe(false);
    expect(o.code).toBe(r.code);
    return o;
  };

  it('a refusal (exit 1)', () => {
    const r = djyc(['advance', 'p-1', '--to', 'implementing', '--json'], { cwd: repo, env: { DJYC_TODAY: '2020-04-08' } });
    expect(r.code).toBe(1);
    const o = failure(r);
    expect(o.message).toContain('不是方案允许的下一阶段');
    expect(r.stderr).toContain('不是方案允许的下一阶段');
  });

  it("commander's own usage errors (exit 2): unknown option, missing required option, unknown command, missing value", () => {
    const unknown = djyc(['advance', 'p-1', '--bogus', '--json'], { cwd: repo });
    expect(unknown.code).toBe(2);
    expect(failure(unknown)).toMatchObject({ rule: 'unknown-option', message: '未知选项“--bogus”', hint: '查看用法：djyc advance --help' });
    expect(unknown.stderr).toContain('错误：未知选项“--bogus”');

    const required = djyc(['accept', 'p-1', '--json'], { cwd: repo });
    expect(required.code).toBe(2);
    expect(failure(required)).toMatchObject({ rule: 'missing-mandatory-option-value', hint: '查看用法：djyc accept --help' });
    expect(failure(required).message).toContain('--result');

    const command = djyc(['brand', 'nosuch', '--json'], { cwd: repo });
    expect(command.code).toBe(2);
    expect(failure(command)).toMatchObject({ rule: 'unknown-command', hint: '查看用法：djyc brand --help' });

    const value = djyc(['ledger', '--json', '--org'], { cwd: repo });
    expect(value.code).toBe(2);
    expect(failure(value).rule).toBe('option-missing-argument');
  });

  it("djyc's own usage errors (exit 2), also with --format json and in English", () => {
    const outside = tempDir();
    const r = djyc(['ledger', '--json'], { cwd: outside });
    expect(r.code).toBe(2);
    expect(failure(r).message).toContain('djyc.yaml');
    expect(r.stderr).toContain('djyc.yaml');

    const format = djyc(['validate', '--format', 'json'], { cwd: outside });
    expect(format.code).toBe(2);
    expect(failure(format).rule).toBeNull();

    const en = djyc(['deadlines', '--today', '2020-13-01', '--json', '--lang', 'en'], { cwd: repo });
    expect(en.code).toBe(2);
    expect(failure(en)).toMatchObject({ message: '--today must be a date YYYY-MM-DD (got "2020-13-01")', hint: 'see: djyc deadlines --help' });
  });

  it('problems (exit 1): the rule and every problem at its file, line and column', () => {
    const before = head(repo);
    const r = djyc(['new-org', '--name', '测试支部', '--type', '不存在的类型', '--json'], { cwd: repo, env: { DJYC_TODAY: '2020-03-06' } });
    expect(r.code).toBe(1);
    const o = failure(r);
    expect(o.rule).toBe('schema-enum');
    expect(o.problems).toHaveLength(1);
    expect(o.problems[0]).toMatchObject({ line: 4, col: 7, severity: 'error', rule: 'schema-enum' });
    expect(r.stderr).toContain('schema-enum');
    nothingWritten(repo, before);
  });

  it('without --json, standard output stays empty on failure; a successful --json is unchanged', () => {
    const r = djyc(['advance', 'p-1', '--bogus'], { cwd: repo });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const dry = JSON.parse(ok(repo, '2020-04-08', ['advance', 'p-1', '--dry-run', '--json']).stdout);
    expect(dry.ok).toBeUndefined();
    expect(dry).toMatchObject({ id: 'p-1', from: 'proposed', to: 'approved', dryRun: true });
  });
});

describe('--lang and DJYC_LANG', () => {
  it('an unknown --lang is a usage error naming the accepted values', () => {
    const r = djyc(['--lang', 'fr', 'ledger'], { cwd: repo });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('“fr”');
    expect(r.stderr).toContain('zh / en');
    const json = djyc(['ledger', '--lang=fr', '--json'], { cwd: repo });
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, code: 2 });
  });

  it('an unknown DJYC_LANG says so; a locale spelling of zh or en is accepted', () => {
    const r = djyc(['ledger'], { cwd: repo, env: { DJYC_LANG: 'fr' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('DJYC_LANG');
    expect(r.stderr).toContain('zh / en');
    const en = djyc(['ledger', '--help'], { cwd: repo, env: { DJYC_LANG: 'en_US.UTF-8' } });
    expect(en.code).toBe(0);
    expect(en.stdout).toContain('Exit codes:');
    // The flag wins over the variable.
    expect(djyc(['ledger', '--help', '--lang', 'zh'], { cwd: repo, env: { DJYC_LANG: 'en' } }).stdout).toContain('退出码：');
  });
});

describe('--help ends with the exit codes, in the chosen language', () => {
  const zhTable = /\n退出码：\n  0  正常完成\n  1  发现问题[^]*\n  2  用法或环境错误[^]*\n$/;
  const enTable = /\nExit codes:\n  0  done\n  1  problems found[^]*\n  2  usage or environment error[^]*\n$/;

  it.each([[['--help']], [['advance', '--help']], [['brand', 'new', '--help']], [['help', 'ledger']], [['validate', '-h']]])('djyc %j', (args) => {
    const zh = djyc(args, { cwd: repo });
    expect(zh.code).toBe(0);
    expect(zh.stdout).toMatch(zhTable);
    expect(zh.stdout).toContain('用法：');
    expect(zh.stdout).not.toMatch(/Usage:|Options:|Commands:|\(default:|\[options\]/);
    const en = djyc([...args, '--lang', 'en'], { cwd: repo });
    expect(en.code).toBe(0);
    expect(en.stdout).toMatch(enTable);
  });
});

describe('a reader that closes the pipe (| head): a clean, silent exit', () => {
  let big: string;
  beforeAll(() => {
    // Output well over a pipe's 64 KiB, so that djyc is still writing when head has gone.
    big = path.join(tempDir(), 'big');
    ok(ROOT, '2020-03-01', ['init', big, '--programme', 'shuangling', '--year', '2020']);
    for (let i = 1; i <= 400; i++) fs.writeFileSync(path.join(big, 'records/organisations', `org-x${i}.yaml`), `id: org-x${i}\nname: 测试支部${i}\ntype: 不存在的类型\n`);
    for (let i = 1; i <= 800; i++) fs.writeFileSync(path.join(big, 'records/projects', `p-x${i}.yaml`), `id: p-x${i}\nprogramme: shuangling-2020\ntitle: 项目${i} 关于加强机关党建工作的若干措施\nstage: proposed\n`);
    fs.writeFileSync(path.join(big, 'members.csv'), ['姓名,所在党组织', ...Array.from({ length: 1500 }, (_, i) => `党员${i},不存在的支部${i}`)].join('\n'));
  });

  it('djyc ledger | head -1', () => {
    const r = sh('$DJYC ledger 2>err.txt | head -1; echo "exit=${PIPESTATUS[0]}"', big);
    expect(r.stdout).toMatch(/^双领一创（shuangling-2020） 台账，截至 \d{4}-\d\d-\d\d\nexit=0\n$/);
    expect(fs.readFileSync(path.join(big, 'err.txt'), 'utf8')).toBe('');
  });

  it('djyc validate --format json | head -c 10 (exit 1: the records have errors)', () => {
    const r = sh('$DJYC validate --format json 2>err.txt | head -c 10; s=${PIPESTATUS[0]}; echo; echo "exit=$s"', big);
    expect(r.stdout).toBe('{\n  "error\nexit=1\n');
    expect(fs.readFileSync(path.join(big, 'err.txt'), 'utf8')).toBe('');
  });

  it('standard error closed: the problems go to head, the JSON failure still reaches its file whole', () => {
    const r = sh('$DJYC import members.csv --kind member --json 2>&1 >out.json | head -1; echo "exit=${PIPESTATUS[0]}"', big);
    expect(r.stdout).toMatch(/^members\.csv:2:2 .*\nexit=1\n$/);
    const out = JSON.parse(fs.readFileSync(path.join(big, 'out.json'), 'utf8'));
    expect(out).toMatchObject({ ok: false, code: 1, rule: 'import-org-unknown' });
    expect(out.problems).toHaveLength(1500);
  });

  it('both streams into one closed pipe', () => {
    const r = sh('$DJYC ledger 2>&1 | head -1 >/dev/null; echo "exit=${PIPESTATUS[0]}"', big);
    expect(r.stdout).toBe('exit=0\n');
    expect(r.stderr).toBe('');
  });
});

describe('the write group on new-*, import, task exempt, report and select', () => {
  it('new-project --dry-run validates and prints the record it would write; nothing is written', () => {
    const before = head(repo);
    const r = ok(repo, '2020-03-12', ['new-project', '--id', 'p-dry', '--title', '机关食堂光盘行动', '--category', '呼应群众普遍期待', '--source', '自行申报', '--org', 'org-a', '--dry-run']);
    expect(r.stdout).toContain('（试运行，未写入任何文件）将新建项目：p-dry');
    expect(r.stdout).toContain('新建 records/projects/p-dry.yaml');
    expect(r.stdout).toContain('+ title: 机关食堂光盘行动');
    expect(r.stdout).toContain('+     date: 2020-03-12');
    nothingWritten(repo, before);
    const json = JSON.parse(ok(repo, '2020-03-12', ['new-project', '--id', 'p-dry', '--title', '机关食堂光盘行动', '--category', '呼应群众普遍期待', '--source', '自行申报', '--org', 'org-a', '--dry-run', '--json']).stdout);
    expect(json).toMatchObject({ id: 'p-dry', path: 'records/projects/p-dry.yaml', dryRun: true, changes: [{ path: 'records/projects/p-dry.yaml', action: 'create' }] });
    nothingWritten(repo, before);
    // A dry run checks as the write would: a category the programme does not know is refused.
    const bad = djyc(['new-project', '--id', 'p-bad', '--title', '项目', '--category', '不存在的类别', '--source', '自行申报', '--org', 'org-a', '--dry-run'], { cwd: repo, env: { DJYC_TODAY: '2020-03-12' } });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('category-unknown');
    nothingWritten(repo, before);
  });

  it('new-project --date/--by/--note: the first history entry, and trailers of the commit', () => {
    ok(repo, '2020-03-12', ['new-project', '--id', 'p-2', '--title', '社区党员志愿服务', '--category', '呼应群众普遍期待', '--source', '上级提议', '--org', 'org-a', '--date', '2020-03-11', '--by', '区级机关工委 周晓燕', '--note', '区委提议，列入清单']);
    expect(record(repo, 'records/projects/p-2.yaml').history).toEqual([{ stage: 'proposed', date: '2020-03-11', by: '区级机关工委 周晓燕', note: '区委提议，列入清单' }]);
    expect(lastMessage(repo)).toBe('djyc new-project: p-2 社区党员志愿服务\n\nAct-Date: 2020-03-11\nActed-By: 区级机关工委 周晓燕\nNote: 区委提议，列入清单\n\n');
    // A date after today is refused (exit 2), as for every write command.
    const before = head(repo);
    const late = djyc(['new-project', '--id', 'p-late', '--title', '项目', '--category', '呼应群众普遍期待', '--source', '自行申报', '--org', 'org-a', '--date', '2020-03-13'], { cwd: repo, env: { DJYC_TODAY: '2020-03-12' } });
    expect(late.code).toBe(2);
    expect(late.stderr).toContain('--date 2020-03-13 晚于今天');
    nothingWritten(repo, before);
  });

  it('new-org, new-member, new-expert: --dry-run writes nothing; --by/--note/--date are kept in the commit', () => {
    const before = head(repo);
    ok(repo, '2020-03-12', ['new-org', '--id', 'org-dry', '--name', '试运行支部', '--type', '党支部', '--dry-run']);
    ok(repo, '2020-03-12', ['new-member', '--id', 'm-dry', '--name', '试运行', '--org', 'org-a', '--dry-run']);
    const expert = ok(repo, '2020-03-12', ['new-expert', '--id', 'e-dry', '--name', '陈明', '--category', '呼应群众普遍期待', '--dry-run', '--json']);
    expect(JSON.parse(expert.stdout)).toMatchObject({ id: 'e-dry', dryRun: true });
    nothingWritten(repo, before);
    ok(repo, '2020-03-12', ['new-member', '--id', 'm-c', '--name', '蒋燕', '--org', 'org-a', '--by', '组织委员 王华', '--note', '由外单位转入', '--date', '2020-03-10']);
    expect(lastMessage(repo)).toContain('djyc new-member: m-c 蒋燕\n\nAct-Date: 2020-03-10\nActed-By: 组织委员 王华\nNote: 由外单位转入');
    expect(fs.existsSync(path.join(repo, 'records/members/m-c.yaml'))).toBe(true);
  });

  it('import: --dry-run writes nothing; --by/--note go into each imported project\'s history and the commit', () => {
    const csv = path.join(tempDir(), '项目清单.csv');
    fs.writeFileSync(csv, '项目名称,项目类别,项目来源,牵头单位\n项目甲,呼应群众普遍期待,社会征集,甲支部\n项目乙,服务高质量发展任务,自行申报,org-a\n');
    const before = head(repo);
    expect(ok(repo, '2020-03-20', ['import', csv, '--kind', 'project', '--dry-run', '--by', '赵六']).stdout).toContain('试运行');
    nothingWritten(repo, before);
    const out = JSON.parse(ok(repo, '2020-03-20', ['import', csv, '--kind', 'project', '--by', '赵六', '--note', '区委转来的清单', '--json']).stdout);
    expect(out.records).toHaveLength(2);
    for (const [i, r] of (out.records as { path: string }[]).entries()) {
      expect(record(repo, r.path).history).toEqual([{ stage: 'proposed', date: '2020-03-20', by: '赵六', note: `区委转来的清单（导入：项目清单.csv 第 ${i + 2} 行）` }]);
    }
    expect(lastMessage(repo)).toContain('Acted-By: 赵六\nNote: 区委转来的清单');
  });

  it('task exempt and report: --dry-run writes nothing; --by/--note are kept in the commit', () => {
    ok(repo, '2020-04-08', ['advance', 'p-1', '--to', 'approved']);
    // claim enters 项目认领 itself.
    expect(ok(repo, '2020-04-20', ['claim', 'p-1', '--org', 'org-a', '--leader', 'm-a']).stdout).toContain('转入 项目认领');
    const task = JSON.parse(ok(repo, '2020-04-21', ['task', 'add', 'p-1', '--member', 'm-a', '--content', '每月一次联合整治', '--json']).stdout).task as string;

    let before = head(repo);
    expect(ok(repo, '2020-04-22', ['task', 'exempt', 'm-b', '--reason', '长期病休', '--dry-run']).stdout).toContain('试运行');
    nothingWritten(repo, before);
    ok(repo, '2020-04-22', ['task', 'exempt', 'm-b', '--reason', '长期病休', '--by', '支部书记 周立', '--note', '经支委会研究']);
    expect(lastMessage(repo)).toBe('djyc task exempt: m-b (shuangling-2020)\n\nActed-By: 支部书记 周立\nNote: 经支委会研究\n\n');
    expect(record(repo, 'records/members/m-b.yaml').exemptions).toEqual([{ programme: 'shuangling-2020', reason: '长期病休' }]);

    ok(repo, '2020-05-02', ['advance', task, '--to', 'implementing']);
    before = head(repo);
    expect(ok(repo, '2020-07-05', ['report', task, '--quarter', '2020Q2', '--progress', '已开展两次整治', '--dry-run']).stdout).toContain('试运行');
    nothingWritten(repo, before);
    const filed = JSON.parse(ok(repo, '2020-07-08', ['report', task, '--quarter', '2020Q2', '--progress', '已开展两次整治', '--date', '2020-07-06', '--by', '周立', '--note', '按时报送', '--json']).stdout);
    expect(record(repo, `records/reports/${filed.report}.yaml`).submitted_on).toBe('2020-07-06');
    expect(lastMessage(repo)).toContain('Act-Date: 2020-07-06\nActed-By: 周立\nNote: 按时报送');
  });

  it('select: --dry-run writes nothing; --date/--by/--note are kept in the record and the commit', () => {
    // The 惠山 example holds a year of records and its selection.
    const hs = path.join(tempDir(), 'huishan');
    fs.cpSync(path.join(ROOT, 'examples/huishan-2020'), hs, { recursive: true });
    git(hs, ['init', '-q']);
    git(hs, ['add', '-A']);
    git(hs, ['-c', 'user.name=t', '-c', 'user.email=t@example.org', 'commit', '-qm', 'example']);
    const before = head(hs);
    // The suggestion writes nothing; the committee's decision (--pick with its basis) is what gets recorded.
    const suggestion = JSON.parse(ok(hs, '2021-02-01', ['select', '--json']).stdout);
    expect(suggestion.suggestion).toBe(true);
    nothingWritten(hs, before);
    const pick = ['--pick', suggestion.entries.map((e: { subject: string }) => e.subject).join(','), '--document', '惠机工委〔2021〕2号'];
    expect(ok(hs, '2021-02-01', ['select', '--replace', ...pick, '--dry-run']).stdout).toContain('（试运行，未写入任何文件）');
    nothingWritten(hs, before);
    const r = JSON.parse(ok(hs, '2021-02-01', ['select', '--replace', ...pick, '--date', '2021-01-30', '--by', '区级机关工委', '--note', '常委会审定', '--json']).stdout);
    expect(record(hs, `records/selections/${r.selection}.yaml`)).toMatchObject({ decided_on: '2021-01-30', decision: { document: '惠机工委〔2021〕2号' } });
    expect(lastMessage(hs)).toContain('Act-Date: 2021-01-30\nActed-By: 区级机关工委\nNote: 常委会审定');
  });
});
