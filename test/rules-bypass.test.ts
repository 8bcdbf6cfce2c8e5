/**
 * Issue 12 item 3: rules that could be bypassed by leaving a field out, checked on copies of the examples.
 * - 003's "最长不超过2年": without `start`, the duration counts from approval (the record's history), else from the
 *   programme year's start; `validate` and `deadlines` count from the same day.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir } from './helpers.js';
import { loadRepository } from '../src/store/repo.js';
import { validateRepository } from '../src/store/validate.js';
import { computeDeadlines } from '../src/domain/deadlines.js';
import { formatProblemMessage } from '../src/domain/problem.js';

function copyOf(example: string): string {
  const root = path.join(tempDir('djyc-bypass-'), 'repo');
  fs.cpSync(path.join(ROOT, 'examples', example), root, { recursive: true });
  return root;
}

const edit = (file: string, f: (t: string) => string) => fs.writeFileSync(file, f(fs.readFileSync(file, 'utf8')));

describe('003: a project runs at most 2 years, with or without a start date', () => {
  it('counts from approval, else from the programme year, when --start was left out', () => {
    const root = copyOf('wxit-shuji-2017');
    const dir = path.join(root, 'records/projects');
    // Approved on 2017-03-28 (history), no start, due mid-2019: 28 months (a month begun counts).
    edit(path.join(dir, 'p-2017-wx-biaozhun.yaml'), (t) => t.replace(/^start: .*\n/m, '').replace(/^due: .*$/m, 'due: 2019-06-30'));
    // Never approved, no start, due end of 2019: counted from 2017-01-01, 36 months.
    const other = fs.readFileSync(path.join(dir, 'p-2017-wx-biaozhun.yaml'), 'utf8');
    const cut = other.indexOf('  - stage: approved');
    fs.writeFileSync(
      path.join(dir, 'p-2017-wx-later.yaml'),
      other.slice(0, cut).replace('id: p-2017-wx-biaozhun', 'id: p-2017-wx-later').replace(/^title: .*$/m, 'title: 书记项目（未写开始日期）').replace(/^stage: .*$/m, 'stage: applied').replace(/^due: .*$/m, 'due: 2019-12-31'),
    );
    const repo = loadRepository(root);
    const problems = validateRepository(repo, { today: '2017-06-01' }).filter((p) => p.rule === 'duration-max');
    const byFile = Object.fromEntries(problems.map((p) => [p.file, formatProblemMessage(p, 'zh')]));
    expect(byFile['records/projects/p-2017-wx-biaozhun.yaml']).toBe('项目实施周期 28 个月（未写开始日期，自立项之日 2017-03-28 起计），最长不超过 24 个月');
    expect(byFile['records/projects/p-2017-wx-later.yaml']).toBe('项目实施周期 36 个月（未写开始日期，自 2017-01-01 起计），最长不超过 24 个月');
    expect(problems.find((p) => p.file.endsWith('p-2017-wx-later.yaml'))!.severity).toBe('error');

    // `deadlines` counts from the same day.
    const dl = computeDeadlines(repo, { today: '2017-06-01' });
    expect(dl.items.find((i) => i.uid === 'duration-error-p-2017-wx-biaozhun')?.due).toBe('2019-03-28');
    expect(dl.items.find((i) => i.uid === 'duration-error-p-2017-wx-later')?.due).toBe('2019-01-01');

    // With a start date, the start counts (as before).
    edit(path.join(dir, 'p-2017-wx-later.yaml'), (t) => t.replace(/^due: .*$/m, 'start: 2018-02-01\ndue: 2019-12-31'));
    const again = validateRepository(loadRepository(root), { today: '2017-06-01' }).filter((p) => p.file.endsWith('p-2017-wx-later.yaml') && p.rule.startsWith('duration'));
    expect(again.map((p) => [p.rule, formatProblemMessage(p, 'zh')])).toEqual([['duration-warn', '项目实施周期 23 个月，一般应在 12 个月以内']]);
  });
});

describe('001: 由党支部书记任项目负责人', () => {
  it('warns when the leader of a 党建+ project is not the branch secretary (known from the organisation or the members\' titles)', () => {
    const root = copyOf('dangjian-plus-2017');
    const rel = 'records/projects/p-2017-dj-anquan.yaml';
    expect(validateRepository(loadRepository(root), { today: '2017-06-01' }).filter((p) => p.rule === 'leader-not-secretary')).toEqual([]);
    fs.writeFileSync(path.join(root, 'records/members/m-dj-x.yaml'), 'id: m-dj-x\nname: 王五\norganisation: org-dj-yj\nparty_title: 党员\n');
    edit(path.join(root, rel), (t) => t.replace(/^leader: .*$/m, 'leader: m-dj-x'));
    const problems = validateRepository(loadRepository(root), { today: '2017-06-01' }).filter((p) => p.rule === 'leader-not-secretary');
    expect(problems.map((p) => [p.file, p.severity, formatProblemMessage(p, 'zh')])).toEqual([[rel, 'warning', '项目负责人应由领办党组织的书记“林涛”担任']]);
  });
});

describe('000 附件3: the member commitment always promises a date', () => {
  it('without --due, the commitment takes the project\'s due date, else the programme\'s end, and says so', { timeout: 120_000 }, async () => {
    const { initRepository } = await import('../src/commands/init.js');
    const { createProject, createSimple } = await import('../src/commands/create.js');
    const { advance } = await import('../src/commands/advance.js');
    const { claim } = await import('../src/commands/claim.js');
    const { addTask } = await import('../src/commands/tasks.js');
    const saved = process.env.DJYC_TODAY;
    const on = (d: string) => (process.env.DJYC_TODAY = d);
    try {
      const root = path.join(tempDir('djyc-due-'), 'repo');
      on('2020-01-02');
      await initRepository({ dir: root, preset: 'shuangling', year: 2020 });
      on('2020-03-05');
      await createSimple(root, 'organisation', { id: 'org-a', name: '区教育局机关支部', type: '党支部', unit: '区教育局' });
      await createSimple(root, 'member', { id: 'm-a', name: '周立', organisation: 'org-a' });
      await createSimple(root, 'member', { id: 'm-b', name: '徐静', organisation: 'org-a' });
      await createProject(root, { id: 'p-1', title: '校园周边交通安全综合治理', lead: 'org-a', categories: ['呼应群众普遍期待'], source: '社会征集' });
      on('2020-04-08');
      await advance({ root, id: 'p-1' });
      on('2020-04-16');
      await claim({ root, project: 'p-1', org: 'org-a' }); // enters 项目认领 itself
      const r = await addTask({ root, project: 'p-1', members: ['m-a'], content: '护学岗' });
      expect(r.notes.map((n) => n.zh)).toContain('未写 --due：承诺书的完成时限按方案截止日期 2020-12-31 填写');
      const commitment = loadRepository(root).records.find((x) => x.kind === 'commitment' && (x.data as { member?: string }).member === 'm-a')!;
      expect((commitment.data as { complete_by?: string }).complete_by).toBe('2020-12-31');
      // A project with a due date: that date.
      const file = path.join(root, 'records/projects/p-1.yaml');
      edit(file, (t) => t.replace(/^title: .*$/m, (l) => `${l}\ndue: 2020-11-30`));
      const { git } = await import('./helpers.js');
      git(root, ['commit', '-qam', 'due']);
      const r2 = await addTask({ root, project: 'p-1', members: ['m-b'], content: '家长满意度调查' });
      expect(r2.notes.map((n) => n.zh)).toContain('未写 --due：承诺书的完成时限按项目完成时限 2020-11-30 填写');
      const c2 = loadRepository(root).records.find((x) => x.kind === 'commitment' && (x.data as { member?: string }).member === 'm-b')!;
      expect((c2.data as { complete_by?: string }).complete_by).toBe('2020-11-30');
    } finally {
      if (saved === undefined) delete process.env.DJYC_TODAY;
      else process.env.DJYC_TODAY = saved;
    }
  });
});

describe('000 附件3: a member commitment without a finish date is reported', () => {
  it('warns on a hand-written member commitment without complete_by', () => {
    const root = copyOf('huishan-2020');
    const dir = path.join(root, 'records/commitments');
    const file = fs.readdirSync(dir).find((f) => /^type: member$/m.test(fs.readFileSync(path.join(dir, f), 'utf8')))!;
    expect(validateRepository(loadRepository(root), { today: '2020-12-15' }).filter((p) => p.rule === 'commitment-no-date')).toEqual([]);
    edit(path.join(dir, file), (t) => t.replace(/^complete_by: .*\n/m, ''));
    const problems = validateRepository(loadRepository(root), { today: '2020-12-15' }).filter((p) => p.rule === 'commitment-no-date');
    expect(problems.map((p) => [p.file, p.severity, formatProblemMessage(p, 'zh')])).toEqual([[`records/commitments/${file}`, 'warning', '承诺书没有完成时限（complete_by），打印的附件3 党员领办任务承诺书将留空']]);
  });
});
