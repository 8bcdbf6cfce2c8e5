/**
 * `djyc set` against a real temporary repository: fields by key or Chinese title, references by name, lists and
 * appends, one validated commit with a history note; managed, frozen, unknown and invalid fields refused with
 * nothing written; a project's adjustment after 约谈 recorded as the intervention 调整.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { djyc, git, initRepo } from './helpers.js';

const at = (date: string) => ({ DJYC_TODAY: date, DJYC_USER: '测试员' });
const head = (repo: string) => git(repo, ['rev-parse', 'HEAD']).trim();
const porcelain = (repo: string) => git(repo, ['status', '--porcelain', '--untracked-files=all']);

function ok(repo: string, date: string, args: string[]) {
  const r = djyc(args, { cwd: repo, env: at(date) });
  expect(r.code, `${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(0);
  return r;
}
function read(repo: string, dir: string, prefix: string): Record<string, any> {
  const file = fs.readdirSync(path.join(repo, 'records', dir)).find((f) => f.startsWith(prefix))!;
  return parse(fs.readFileSync(path.join(repo, 'records', dir, file), 'utf8'));
}

describe('djyc set', () => {
  let repo: string;
  beforeAll(() => {
    repo = initRepo('shuangling', 2020);
    ok(repo, '2020-03-05', ['new-org', '--name', '中共无锡市惠山区教育局机关支部委员会', '--short-name', '区教育局机关支部', '--type', '党支部']);
    ok(repo, '2020-03-05', ['new-member', '--name', '王华', '--org', '区教育局机关支部']);
    ok(repo, '2020-03-05', ['new-member', '--name', '周立', '--org', '区教育局机关支部']);
    ok(repo, '2020-03-10', ['new-project', '--title', '校园周边交通安全综合治理', '--category', '呼应群众普遍期待', '--source', '社会征集', '--org', '区教育局机关支部', '--yes']);
  });

  it("sets an organisation's secretary and contact by Chinese field names and member names, in one commit", () => {
    const before = head(repo);
    const r = ok(repo, '2020-03-11', ['set', '区教育局机关支部', '书记=王华', 'contact=周立']);
    expect(r.stdout).toContain('书记、联系人');
    const org = read(repo, 'organisations', 'org-jiaoyuju-');
    expect(org.secretary).toMatch(/^m-wanghua-/);
    expect(org.contact).toMatch(/^m-zhouli-/);
    expect(git(repo, ['rev-list', '--count', `${before}..HEAD`]).trim()).toBe('1');
    expect(git(repo, ['log', '-1', '--format=%s'])).toContain('djyc set: org-jiaoyuju-');
    expect(porcelain(repo)).toBe('');
  });

  it("a member's transfer: active=false, the date and note kept in the commit", () => {
    ok(repo, '2020-08-02', ['set', '周立', 'active=否', '--date', '2020-08-01', '--note', '转出至区财政局']);
    expect(read(repo, 'members', 'm-zhouli-').active).toBe(false);
    const msg = git(repo, ['log', '-1', '--format=%B']);
    expect(msg).toContain('Act-Date: 2020-08-01');
    expect(msg).toContain('Note: 转出至区财政局');
  });

  it("a project's team and schedule (append with +=), noted in its history", () => {
    ok(repo, '2020-03-12', ['set', '校园周边交通安全综合治理', '项目组成员=王华:组长；周立:组员', 'schedule+=2020-05-01:2020-06-30:调研走访', 'schedule+=2020-07-01:2020-10-31:集中整治']);
    const p = read(repo, 'projects', 'p-2020-xiaoyuanzhoubian-');
    expect(p.team).toEqual([{ member: expect.stringMatching(/^m-wanghua-/), role: '组长' }, { member: expect.stringMatching(/^m-zhouli-/), role: '组员' }]);
    expect(p.schedule).toEqual([{ from: '2020-05-01', to: '2020-06-30', work: '调研走访' }, { from: '2020-07-01', to: '2020-10-31', work: '集中整治' }]);
    expect(p.history.at(-1)).toMatchObject({ stage: 'proposed', date: '2020-03-12', note: '修改项目组成员、进度安排' });
  });

  it('a lead or content changed after 约谈 is recorded as the intervention 调整', () => {
    ok(repo, '2020-03-13', ['set', '校园周边交通安全综合治理', 'leader=周立', '项目内容=缩小为校门口一处', '--adjust', '--note', '约谈后调整']);
    const p = read(repo, 'projects', 'p-2020-xiaoyuanzhoubian-');
    expect(p.leader).toMatch(/^m-zhouli-/);
    expect(p.content).toBe('缩小为校门口一处');
    expect(p.interventions).toEqual([{ date: '2020-03-13', type: '调整', by: '测试员', note: '约谈后调整' }]);
  });

  it('refuses managed, unknown, required and invalid fields: clear message, nothing written', () => {
    const h = head(repo);
    const stage = djyc(['set', '校园周边交通安全综合治理', 'stage=approved'], { cwd: repo, env: at('2020-03-14') });
    expect(stage.code).toBe(1);
    expect(stage.stderr).toContain('djyc advance');
    const unknown = djyc(['set', '校园周边交通安全综合治理', 'nope=1'], { cwd: repo, env: at('2020-03-14') });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('可修改：');
    expect(unknown.stderr).toContain('team（项目组成员）');
    const required = djyc(['set', '周立', 'name='], { cwd: repo, env: at('2020-03-14') });
    expect(required.code).toBe(1);
    expect(required.stderr).toContain('必填');
    const bad = djyc(['set', '校园周边交通安全综合治理', 'due=2020-13-01'], { cwd: repo, env: at('2020-03-14') });
    expect(bad.code).toBe(1);
    expect(bad.stdout + bad.stderr).toMatch(/records\/projects\/p-2020-xiaoyuanzhoubian-[a-z0-9]+\.yaml:\d+:\d+/);
    const nobody = djyc(['set', '区教育局机关支部', 'secretary=李四'], { cwd: repo, env: at('2020-03-14') });
    expect(nobody.code).not.toBe(0);
    expect(nobody.stderr).toContain('李四');
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    expect(head(repo)).toBe(h);
    expect(porcelain(repo)).toBe('');
  });

  it('a project number, once given, is frozen', () => {
    ok(repo, '2020-04-02', ['advance', '校园周边交通安全综合治理', '--to', '项目认定']);
    const r = djyc(['set', '2020-001', 'number=2020-009'], { cwd: repo, env: at('2020-04-03') });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('一经记录不能更改');
  });
});
