/**
 * Finding the way through a year of 双领一创 (issue 13) against a real temporary repository: records named by their
 * names, numbers, pinyin and prefixes, never by a random id; stages by their Chinese labels; the next step after
 * every write; `claim` entering 项目认领; batch advance in one commit, all or nothing; list, show, find and todo.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { djyc, git, initRepo } from './helpers.js';

const at = (date: string) => ({ DJYC_TODAY: date, DJYC_USER: '测试员' });
const head = (repo: string) => git(repo, ['rev-parse', 'HEAD']).trim();
const porcelain = (repo: string) => git(repo, ['status', '--porcelain', '--untracked-files=all']);
const commits = (repo: string) => Number(git(repo, ['rev-list', '--count', 'HEAD']).trim());

function ok(repo: string, date: string, args: string[]) {
  const r = djyc(args, { cwd: repo, env: at(date) });
  expect(r.code, `${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(0);
  expect(r.stderr).toBe('');
  return r;
}

/** No English stage id leaks into a Chinese message. */
const ENGLISH_STAGE = /\b(proposed|approved|claimed|publicised|implementing|closing|accepted|rework|named|showcased)\b/;

describe('a year of shuangling by names only', () => {
  let repo: string;
  const title = '校园周边交通安全综合治理';
  beforeAll(() => {
    repo = initRepo('shuangling', 2020);
    ok(repo, '2020-03-05', ['new-org', '--name', '中共无锡市惠山区区级机关工作委员会', '--short-name', '区级机关工委', '--type', '党委']);
    ok(repo, '2020-03-05', ['new-org', '--name', '中共无锡市惠山区教育局机关支部委员会', '--short-name', '区教育局机关支部', '--type', '党支部', '--parent', '区级机关工委']);
    ok(repo, '2020-03-05', ['new-org', '--name', '中共无锡市惠山区住建局机关支部委员会', '--short-name', '区住建局机关支部', '--type', '党支部', '--parent', '区级机关工委']);
    ok(repo, '2020-03-05', ['new-member', '--name', '王华', '--org', '区教育局机关支部', '--admin-title', '副局长', '--party-title', '支部书记']);
    ok(repo, '2020-03-05', ['new-member', '--name', '周立', '--org', '区教育局机关支部']);
    ok(repo, '2020-03-05', ['new-member', '--name', '唐敏', '--org', '区住建局机关支部']);
    ok(repo, '2020-03-10', ['new-project', '--title', title, '--category', '呼应群众普遍期待', '--source', '社会征集', '--org', '区教育局机关支部', '--yes']);
    ok(repo, '2020-03-10', ['new-project', '--title', '老旧小区物业管理提升', '--category', '呼应群众普遍期待', '--source', '自行申报', '--org', '区住建局机关支部', '--yes']);
  });

  it('makes readable ids from names: pinyin slugs for organisations, members and projects', () => {
    const ids = (dir: string) => fs.readdirSync(path.join(repo, 'records', dir)).filter((f) => f.endsWith('.yaml')).sort();
    expect(ids('organisations')).toEqual(expect.arrayContaining([expect.stringMatching(/^org-jiaoyuju-[0-9a-z]{5}\.yaml$/)]));
    expect(ids('members')).toEqual(expect.arrayContaining([expect.stringMatching(/^m-wanghua-[0-9a-z]{5}\.yaml$/), expect.stringMatching(/^m-zhouli-[0-9a-z]{5}\.yaml$/)]));
    expect(ids('projects')).toEqual(expect.arrayContaining([expect.stringMatching(/^p-2020-xiaoyuanzhoubian-[0-9a-z]{5}\.yaml$/)]));
  });

  it('walks approval, claim, tasks, publicity and implementation by names and Chinese labels; each write says what comes next', () => {
    const approve = ok(repo, '2020-04-02', ['advance', title, '--to', '项目认定（立项）', '--approved-by', '区级机关工委']);
    expect(approve.stdout).toContain(`从 项目申报 转入 项目认定（立项），项目编号 2020-001`);
    expect(approve.stdout).not.toMatch(ENGLISH_STAGE);
    expect(approve.stdout).toMatch(/下一步：djyc claim 校园周边交通安全综合治理 --org 区教育局机关支部\s+# .*项目认领（4 月 15 日—4 月 30 日）/);
    // The stage id is accepted too, and the second project gets the next number.
    ok(repo, '2020-04-02', ['advance', '老旧小区', '--to', 'approved', '--approved-by', '区级机关工委']);

    // claim by number and leader by name: one commit that also enters 项目认领.
    const before = commits(repo);
    const claim = ok(repo, '2020-04-20', ['claim', '2020-001', '--org', '区教育局机关支部', '--leader', '王华']);
    expect(claim.stdout).toContain('转入 项目认领');
    expect(claim.stdout).toContain('下一步：djyc task add 校园周边交通安全综合治理 --member <姓名>');
    expect(commits(repo)).toBe(before + 1);
    ok(repo, '2020-04-20', ['claim', '2020-002', '--org', '住建局', '--leader', '唐敏']);

    const task = ok(repo, '2020-04-21', ['task', 'add', '2020-001', '--member', '周立', '--content', '每月一次联合整治', '--due', '2020-11-10']);
    expect(task.stdout).toMatch(/下一步：djyc advance 校园周边交通安全综合治理\s+# 领办公示（5 月 1 日—5 月 10 日）/);
    ok(repo, '2020-04-21', ['task', 'add', '2020-001', '--member', '王华', '--content', '统筹协调', '--due', '2020-11-10']);
    ok(repo, '2020-04-21', ['task', 'add', '老旧小区物业管理提升', '--member', '唐敏', '--content', '三方联建', '--due', '2020-11-10']);

    // Batch: both projects through 领办公示, in one commit each step, listed by --dry-run first.
    const dry = ok(repo, '2020-05-01', ['advance', '2020-001', '2020-002', '--dry-run']);
    expect(dry.stdout).toContain('将推进 2 条记录');
    expect(dry.stdout).toContain(`“${title}” 从 项目认领 转入 领办公示`);
    expect(porcelain(repo)).toBe('');
    const n = commits(repo);
    ok(repo, '2020-05-01', ['advance', '2020-001', '2020-002']);
    ok(repo, '2020-05-11', ['advance', '--stage', '领办公示']);
    expect(commits(repo)).toBe(n + 2);
    const tasks = ok(repo, '2020-05-11', ['advance', '--project', title]);
    expect(tasks.stdout).toContain('已推进 2 条记录');
    expect(tasks.stdout).toContain('周立的任务“每月一次联合整治” 从 已认领 转入 实施中');
    expect(git(repo, ['show', '--name-only', '--format=', 'HEAD']).trim().split('\n')).toHaveLength(2);
  });

  it('batch advance is all or nothing: one refused record writes nothing and names it', () => {
    const h = head(repo);
    const r = djyc(['advance', '2020-001', '2020-002', '--to', '交流展示'], { cwd: repo, env: at('2020-05-12') });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('交流展示');
    expect(r.stderr).toContain('可转入');
    expect(r.stderr).not.toMatch(ENGLISH_STAGE);
    expect(head(repo)).toBe(h);
    expect(porcelain(repo)).toBe('');
    // --verbose adds the ids in brackets.
    const verbose = djyc(['advance', '2020-001', '--to', '交流展示', '--verbose'], { cwd: repo, env: at('2020-05-12') });
    expect(verbose.stderr).toContain('实施推进（implementing）');
  });

  it('an ambiguous name lists the candidates; a unique part is enough', () => {
    const r = djyc(['show', '机关支部'], { cwd: repo, env: at('2020-05-12') });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('区教育局机关支部');
    expect(r.stderr).toContain('区住建局机关支部');
    expect(ok(repo, '2020-05-12', ['show', '住建局']).stdout).toContain('区住建局机关支部');
  });

  it('todo --today 2020-07-12 lists the overdue 2020Q2 reports per organisation and person, each with its command', () => {
    const r = ok(repo, '2020-07-12', ['todo', '--today', '2020-07-12']);
    const text = r.stdout;
    expect(text).toContain('待办（截至 2020-07-12）');
    const jy = text.indexOf('区教育局机关支部');
    const zj = text.indexOf('区住建局机关支部');
    expect(jy).toBeGreaterThan(0);
    expect(zj).toBeGreaterThan(0);
    const jyPart = text.slice(jy, zj > jy ? zj : undefined);
    expect(jyPart).toContain('[已逾期] 2020Q2 党组织领办项目执行书：“校园周边交通安全综合治理”（2020-07-10 前）');
    expect(jyPart).toContain('djyc report 校园周边交通安全综合治理 --quarter 2020Q2');
    expect(jyPart).toContain('周立的任务“每月一次联合整治”');
    expect(text).toContain('djyc report 老旧小区物业管理提升 --quarter 2020Q2');
    expect(text).toMatch(/共 5 项/);
    // Filing one of them with the printed command takes it off the list.
    ok(repo, '2020-07-12', ['report', '校园周边交通安全综合治理', '--quarter', '2020Q2', '--progress', '完成调研', '--problems', '无', '--next', '集中整治']);
    const after = ok(repo, '2020-07-12', ['todo', '--today', '2020-07-12', '--org', '区教育局机关支部']).stdout;
    expect(after).not.toContain('2020Q2 党组织领办项目执行书');
    expect(after).toContain('周立的任务“每月一次联合整治”');
    expect(after).not.toContain('区住建局机关支部');
  });

  it('list, show and find speak names and Chinese stages', () => {
    const list = ok(repo, '2020-07-12', ['list', 'project', '--org', '区教育局机关支部']).stdout;
    expect(list).toContain('2020-001');
    expect(list).toContain('实施推进');
    expect(list).not.toContain('老旧小区');
    const csv = ok(repo, '2020-07-12', ['list', 'project', '--format', 'csv']).stdout.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
    expect(csv[0]).toBe('项目编号,项目名称,领办单位,负责人,阶段,编号');
    expect(csv).toHaveLength(3);
    const json = JSON.parse(ok(repo, '2020-07-12', ['list', 'task', '--format', 'json']).stdout);
    expect(json.count).toBe(3);
    // Only the first project's tasks were moved on (advance --project).
    expect(json.records.map((t: { stage: string }) => t.stage).sort()).toEqual(['实施中', '实施中', '已认领']);

    const show = ok(repo, '2020-07-12', ['show', '2020-001']).stdout;
    expect(show).toContain('阶段：实施推进');
    expect(show).toContain('项目负责人：王华');
    expect(show).toContain('历史记录：');
    expect(show).toContain('还需要：');
    expect(show).toContain('djyc close 校园周边交通安全综合治理');
    expect(show).not.toMatch(ENGLISH_STAGE);

    const find = ok(repo, '2020-07-12', ['find', 'jyj']).stdout;
    expect(find).toContain('区教育局机关支部');
    expect(find).toContain('拼音首字母');
    expect(ok(repo, '2020-07-12', ['find', 'wanghua']).stdout).toContain('王华');
  });
});
