/**
 * Every kind of bad input the developers' guide names, each in its own record file of one repository:
 * `djyc validate` exits 1 and names file:line:col at the right place (the key for unknown/missing keys, the value
 * otherwise), prints no stack trace, changes no file, and speaks Chinese, English, JSON and GitHub annotations.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { djyc, git, initRepo, type CliResult } from './helpers.js';

const TODAY = '2020-03-05';
const PHONE = '13800138000';
const H = (kind: string) => `# yaml-language-server: $schema=../../schemas/${kind}.schema.json\n`;

/** A member exactly as `djyc new-member` writes it (checked against the CLI below). */
const memberText = (id: string) => `${H('member')}id: ${id}\nname: 张三\norganisation: org-a\nadmin_title: 科长\nphone: "${PHONE}"\n`;

type Expect = [rule: string, line: number, col: number];
interface Case {
  name: string;
  file: string;
  content: string | Buffer;
  errors: Expect[];
}

let repo: string;
let projectText: string;
const cases: Case[] = [];
let runs: Record<string, CliResult> = {};
let snapshot: Map<string, string>;

function hashAll(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      if (e.name === '.git') continue;
      const r = path.posix.join(rel, e.name);
      if (e.isDirectory()) walk(r);
      else out.set(r, fs.readFileSync(path.join(dir, r)).toString('base64'));
    }
  };
  walk('.');
  return out;
}

const lineOf = (text: string, prefix: string) => text.split('\n').findIndex((l) => l.startsWith(prefix)) + 1;

function member(id: string, edit: (t: string) => string = (t) => t): string {
  return edit(memberText(id));
}

function project(id: string, edit: (t: string) => string): string {
  return edit(projectText.replace('id: p-a\n', `id: ${id}\n`));
}

beforeAll(() => {
  repo = initRepo('shuangling', 2020);
  const run = (args: string[]) => {
    const r = djyc(args, { cwd: repo, env: { DJYC_TODAY: TODAY } });
    if (r.code !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`);
  };
  run(['new-org', '--id', 'org-a', '--name', '甲支部', '--type', '党支部']);
  run(['new-member', '--id', 'm-a', '--name', '张三', '--org', 'org-a', '--admin-title', '科长', '--phone', PHONE]);
  run(['new-project', '--id', 'p-a', '--title', '测试项目', '--category', '呼应群众普遍期待', '--source', '自行申报', '--org', 'org-a', '--start', '2020-03-01', '--due', '2020-10-31']);
  run(['new-expert', '--id', 'exp-a', '--name', '李四', '--category', '呼应群众普遍期待']);
  // The cases below edit records exactly as djyc writes them.
  expect(fs.readFileSync(path.join(repo, 'records/members/m-a.yaml'), 'utf8')).toBe(memberText('m-a'));
  projectText = fs.readFileSync(path.join(repo, 'records/projects/p-a.yaml'), 'utf8');
  const due = lineOf(projectText, 'due: ');
  expect(due).toBeGreaterThan(0);

  const gbkName = Buffer.from([0xd5, 0xc5, 0xc8, 0xfd]); // 张三 in GBK
  const add = (c: Case) => cases.push(c);
  const M = (id: string) => `records/members/${id}.yaml`;
  // --- YAML itself ---
  add({ name: 'YAML syntax error (unclosed flow sequence)', file: M('m-syntax'), content: member('m-syntax', (t) => t.replace('name: 张三', 'name: [张三')), errors: [['yaml-syntax', 3, 7]] });
  add({ name: 'YAML syntax error (unclosed quote)', file: M('m-quote'), content: member('m-quote', (t) => t.replace('name: 张三', 'name: "张三')), errors: [['yaml-syntax', 3, 7]] });
  add({ name: 'duplicate key', file: M('m-dupkey'), content: `${member('m-dupkey')}name: 李四\n`, errors: [['duplicate-key', 7, 1]] });
  add({ name: 'anchor and alias', file: M('m-alias'), content: `${member('m-alias', (t) => t.replace('admin_title: 科长', 'admin_title: &t 科长'))}party_title: *t\n`, errors: [['yaml-alias', 5, 14], ['yaml-alias', 7, 14]] });
  add({ name: 'anchor on a block mapping', file: M('m-anchor-map'), content: `${member('m-anchor-map')}exemptions: &e\n  - programme: shuangling-2020\n    reason: 长期病假\n`, errors: [['yaml-alias', 7, 13]] });
  add({ name: 'merge key <<', file: M('m-merge'), content: `${member('m-merge')}<<: {party_title: 党员}\n`, errors: [['yaml-merge-key', 7, 1]] });
  add({ name: 'custom tag !foo', file: M('m-tag'), content: member('m-tag', (t) => t.replace('admin_title: 科长', 'admin_title: !foo 科长')), errors: [['yaml-tag', 5, 14]] });
  add({ name: 'custom tag on a block collection', file: M('m-tag-map'), content: `${member('m-tag-map')}exemptions: !list\n  - programme: shuangling-2020\n    reason: 长期病假\n`, errors: [['yaml-tag', 7, 13]] });
  add({ name: '%YAML 1.1 header', file: M('m-yaml11'), content: member('m-yaml11', (t) => t.replace('\nid:', '\n%YAML 1.1\n---\nid:')), errors: [['yaml-version', 2, 1]] });
  add({ name: 'merge-conflict markers in a block scalar', file: M('m-conflict'), content: member('m-conflict', (t) => t.replace('admin_title: 科长\n', 'admin_title: |\n  科长\n<<<<<<< HEAD\n  副科长\n=======\n  主任\n>>>>>>> other\n')), errors: [['merge-conflict', 7, 1]] });
  add({ name: 'merge-conflict markers hidden (indented) inside a block scalar', file: M('m-conflict-hidden'), content: member('m-conflict-hidden', (t) => t.replace('admin_title: 科长\n', 'admin_title: |\n  科长\n  <<<<<<< HEAD\n  副科长\n  =======\n  主任\n  >>>>>>> other\n')), errors: [['merge-conflict', 7, 3]] });
  add({ name: 'non-UTF-8 bytes (GBK)', file: M('m-gbk'), content: Buffer.concat([Buffer.from(`${H('member')}id: m-gbk\nname: `), gbkName, Buffer.from('\norganisation: org-a\n')]), errors: [['not-utf8', 3, 7]] });
  add({ name: 'oversized file (> 1 MiB)', file: M('m-big'), content: member('m-big', (t) => t.replace('admin_title: 科长', `admin_title: ${'长'.repeat(400_000)}`)), errors: [['file-too-large', 1, 1]] });
  add({ name: '__proto__ key', file: M('m-proto'), content: `${member('m-proto')}__proto__:\n  active: false\n`, errors: [['schema-unknown-key', 7, 1]] });
  add({ name: 'control character (BEL) in a value', file: M('m-control'), content: member('m-control', (t) => t.replace('name: 张三', 'name: 张\x07三')), errors: [['yaml-control-char', 3, 8]] });
  add({ name: 'NUL byte (git would show the file as binary)', file: M('m-nul'), content: `${member('m-nul')}# \0\n`, errors: [['yaml-control-char', 7, 3]] });
  add({ name: 'multi-document file', file: M('m-multi'), content: `${member('m-multi')}---\nid: m-other\n`, errors: [['yaml-multi-doc', 7, 1]] });
  // --- schema and repository rules (key position for unknown/missing keys, value position otherwise) ---
  add({ name: 'unknown key', file: M('m-unknown'), content: `${member('m-unknown')}nickname: 小张\n`, errors: [['schema-unknown-key', 7, 1]] });
  add({ name: 'missing required key', file: M('m-missing'), content: member('m-missing', (t) => t.replace('name: 张三\n', '')), errors: [['schema-missing-key', 2, 1]] });
  add({ name: 'missing required key in a nested mapping', file: 'records/projects/p-approval.yaml', content: project('p-approval', (t) => t.replace('stage: proposed\n', 'approval:\n  note: 同意立项\nstage: proposed\n')), errors: [['schema-missing-key', lineOf(projectText, 'stage: '), 1]] });
  add({ name: 'wrong type', file: M('m-type'), content: `${member('m-type')}active: 是\n`, errors: [['schema-type', 7, 9]] });
  add({ name: 'bad enum value', file: 'records/organisations/org-enum.yaml', content: `${H('organisation')}id: org-enum\nname: 乙支部\ntype: 支部\n`, errors: [['schema-enum', 4, 7]] });
  add({ name: 'bad id pattern', file: M('m_bad'), content: member('m_bad'), errors: [['schema-pattern', 2, 5]] });
  add({ name: 'invalid date 2023-02-29', file: 'records/projects/p-date.yaml', content: project('p-date', (t) => t.replace('due: 2020-10-31', 'due: 2023-02-29')), errors: [['schema-format', due, 6]] });
  add({ name: 'dangling reference', file: M('m-dangling'), content: member('m-dangling', (t) => t.replace('organisation: org-a', 'organisation: org-nowhere')), errors: [['ref-missing', 4, 15]] });
  add({ name: 'duplicate id across two files (expert side is valid)', file: 'records/experts/m-dup.yaml', content: `${H('expert')}id: m-dup\nname: 王五\ncategories:\n  - 呼应群众普遍期待\n`, errors: [] });
  add({ name: 'duplicate id across two files', file: M('m-dup'), content: member('m-dup'), errors: [['duplicate-id', 2, 5]] });
  add({ name: 'id differs from the file name', file: M('m-idname'), content: member('m-other-name'), errors: [['id-filename', 2, 5]] });
  add({ name: 'start after due', file: 'records/projects/p-order.yaml', content: project('p-order', (t) => t.replace('due: 2020-10-31', 'due: 2020-02-01')), errors: [['date-order', due, 6]] });
  const ends = projectText.split('\n').length; // the first line appended to the project's history
  const entry = (stage: string, from: string) => `  - stage: ${stage}\n    from: ${from}\n    date: ${TODAY}\n    by: 党委\n`;
  add({ name: "history entry's from is not the stage above it", file: 'records/projects/p-from.yaml', content: project('p-from', (t) => t + entry('proposed', 'approved')), errors: [['history-from', ends + 1, 11]] });
  add({ name: 'stage moved by hand: not the last history entry', file: 'records/projects/p-hand.yaml', content: project('p-hand', (t) => t + entry('approved', 'proposed')), errors: [['history-stage', lineOf(projectText, 'stage: '), 8]] });
  const report = (id: string, rest: string) => `${H('report')}id: ${id}\nprogramme: shuangling-2020\nsubject: p-a\n${rest}`;
  add({ name: 'report of a quarter that ended before its project started', file: 'records/reports/r-early.yaml', content: report('r-early', 'quarter: 2019Q4\nprogress: 开展调研\n'), errors: [['report-before-start', 5, 10]] });
  add({ name: 'report submitted before its quarter began', file: 'records/reports/r-soon.yaml', content: report('r-soon', 'quarter: 2020Q2\nprogress: 开展调研\nsubmitted_on: 2020-03-01\n'), errors: [['report-before-quarter', 7, 15]] });
  add({ name: 'closure submitted before its project started', file: 'records/closures/cl-early.yaml', content: `${H('closure')}id: cl-early\nprogramme: shuangling-2020\nsubject: p-a\nresults: 已完成\nsubmitted_on: 2020-02-01\n`, errors: [['closure-before-start', 6, 15]] });
  const org = (id: string, parent: string) => `${H('organisation')}id: ${id}\nname: 丙支部\ntype: 党支部\nparent: ${parent}\n`;
  add({ name: 'organisation that is its own parent', file: 'records/organisations/org-self.yaml', content: org('org-self', 'org-self'), errors: [['org-parent-cycle', 5, 9]] });
  add({ name: 'two organisations, each the parent of the other (one side)', file: 'records/organisations/org-loop-a.yaml', content: org('org-loop-a', 'org-loop-b'), errors: [['org-parent-cycle', 5, 9]] });
  add({ name: 'two organisations, each the parent of the other (other side)', file: 'records/organisations/org-loop-b.yaml', content: org('org-loop-b', 'org-loop-a'), errors: [['org-parent-cycle', 5, 9]] });
  add({ name: 'phone as an unquoted number', file: M('m-phone'), content: member('m-phone', (t) => t.replace(`phone: "${PHONE}"`, `phone: ${PHONE}`)), errors: [['schema-type', 6, 8]] });

  for (const c of cases) fs.writeFileSync(path.join(repo, c.file), c.content);
  git(repo, ['add', '-A']);
  git(repo, ['commit', '-qm', 'bad records (committed, so any change validate made would show)']);
  snapshot = hashAll(repo);
  const v = (args: string[]) => djyc(['validate', '--today', TODAY, ...args], { cwd: repo });
  runs = {
    stylish: v([]),
    json: v(['--format', 'json']),
    github: v(['--format', 'github']),
    en: v(['--lang', 'en']),
    enJson: v(['--format', 'json', '--lang', 'en']),
  };
});

describe('bad input: file:line:col at the right place, exit 1, nothing changed', () => {
  it('every run exits 1, prints no stack trace, leaves every file and git untouched', () => {
    for (const [name, r] of Object.entries(runs)) {
      expect(r.code, name).toBe(1);
      expect(r.stdout + r.stderr, name).not.toContain('    at ');
      expect(r.stdout + r.stderr, name).not.toContain('内部错误');
      expect(r.stdout + r.stderr, name).not.toContain('internal error');
      // Personal data: the phone number is in the files, never in the output.
      expect(r.stdout + r.stderr, name).not.toContain(PHONE);
    }
    expect(git(repo, ['status', '--porcelain', '--untracked-files=all'])).toBe('');
    expect(hashAll(repo)).toEqual(snapshot);
  });

  it('the untouched records have no error', () => {
    const problems = JSON.parse(runs.json!.stdout).problems as { file: string; severity: string }[];
    for (const f of ['records/members/m-a.yaml', 'records/projects/p-a.yaml', 'records/organisations/org-a.yaml', 'records/experts/exp-a.yaml']) {
      expect(problems.filter((p) => p.file === f && p.severity === 'error'), f).toEqual([]);
    }
  });

  it('each case: exactly the expected errors, at the expected line and column', () => {
    const problems = JSON.parse(runs.json!.stdout).problems as { file: string; line: number; col: number; severity: string; rule: string; message: string }[];
    expect(cases.length).toBeGreaterThanOrEqual(26);
    for (const c of cases) {
      const got = problems.filter((p) => p.file === c.file && p.severity === 'error').map((p) => [p.rule, p.line, p.col]);
      expect(got, `${c.name} (${c.file})`).toEqual(c.errors);
    }
  });

  it('each case alone (validate <file>) exits 1; a clean file exits 0', () => {
    for (const c of cases.filter((x) => x.errors.length).slice(0, 4)) {
      const r = djyc(['validate', '--today', TODAY, c.file], { cwd: repo });
      expect(r.code, c.name).toBe(1);
      expect(r.stdout).toContain(`${c.file}:${c.errors[0]![1]}:${c.errors[0]![2]}`);
    }
    const clean = djyc(['validate', '--today', TODAY, 'records/organisations/org-a.yaml'], { cwd: repo });
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain('✓ 未发现问题');
  });

  it('stylish (default): file:line:col, Chinese severity and message, rule id', () => {
    const out = runs.stylish!.stdout;
    expect(out).toContain('records/members/m-unknown.yaml:7:1  错误  未知字段“nickname”  [schema-unknown-key]');
    expect(out).toContain('records/members/m-missing.yaml:2:1  错误  缺少必填字段“name”  [schema-missing-key]');
    expect(out).toContain('records/members/m-phone.yaml:6:8  错误  “联系电话（phone）”应为文本（数字请加引号）  [schema-type]');
    expect(out).toContain('records/members/m-gbk.yaml:3:7  错误  文件不是有效的 UTF-8 编码（请另存为 UTF-8）  [not-utf8]');
    expect(out).toContain('records/members/m-dup.yaml:2:5  错误  编号“m-dup”重复：records/experts/m-dup.yaml 中已有同一编号  [duplicate-id]');
    expect(out).toMatch(/✖ \d+ 个错误，\d+ 个警告/);
  });

  it('--lang en: English messages', () => {
    const out = runs.en!.stdout;
    expect(out).toContain('records/members/m-unknown.yaml:7:1  error  unknown key "nickname"  [schema-unknown-key]');
    expect(out).toContain('records/members/m-yaml11.yaml:2:1  error  only YAML 1.2 is supported (found %YAML 1.1)  [yaml-version]');
    expect(out).toContain('records/members/m-proto.yaml:7:1  error  unknown key "__proto__"  [schema-unknown-key]');
    expect(out).not.toMatch(/[错警]/);
    const json = JSON.parse(runs.enJson!.stdout);
    expect(json.problems.find((p: any) => p.file === 'records/members/m-tag.yaml').message).toBe('YAML tag "!foo" is not allowed');
  });

  it('--format json: counts and one object per problem', () => {
    const json = JSON.parse(runs.json!.stdout);
    const errors = json.problems.filter((p: any) => p.severity === 'error');
    expect(json.errors).toBe(errors.length);
    expect(json.warnings).toBe(json.problems.length - errors.length);
    expect(errors.length).toBe(cases.reduce((n, c) => n + c.errors.length, 0));
    const date = json.problems.find((p: any) => p.file === 'records/projects/p-date.yaml');
    expect(date).toMatchObject({ line: lineOf(projectText, 'due: '), col: 6, severity: 'error', rule: 'schema-format', message: '“完成时限（due）”不是有效的日期（YYYY-MM-DD）' });
  });

  it('--format github: one annotation per problem, properties escaped', () => {
    const lines = runs.github!.stdout.trim().split('\n');
    const json = JSON.parse(runs.json!.stdout);
    expect(lines).toHaveLength(json.problems.length);
    for (const l of lines) expect(l).toMatch(/^::(error|warning) file=[^,]+,line=\d+,col=\d+,title=djyc [a-z0-9-]+::.+/);
    expect(lines).toContain('::error file=records/members/m-unknown.yaml,line=7,col=1,title=djyc schema-unknown-key::未知字段“nickname”');
    expect(lines).toContain('::error file=records/organisations/org-enum.yaml,line=4,col=7,title=djyc schema-enum::“组织类型（type）”的值不在允许范围内，可选：党委 / 党工委 / 机关工委 / 党总支 / 党支部 / 党组 / 党小组 / 其他');
  });

  it('an unknown --format is a usage error (exit 2)', () => {
    const r = djyc(['validate', '--format', 'xml'], { cwd: repo });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('不支持的格式“xml”');
  });
});
