/**
 * The workflow core, called directly on real temporary git repositories (faster than the CLI): the reproducible
 * draw and its conflict rules, project numbers, the reports due, guards refusing with nothing written, comments
 * and key order kept by edits, the rating gate, and the coverage rules of validate.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { git, tempDir } from './helpers.js';
import { on, repoWith } from './today.js';
import { createProject, createSimple } from '../src/commands/create.js';
import { loadRepository } from '../src/store/repo.js';
import { ProblemsError, RefusedError } from '../src/domain/errors.js';
import { draw, drawRandom, drawPanel, expertEligibility, verifyPanel, recheck, verifyRecheck } from '../src/commands/panel.js';
import { advance, nextNumber } from '../src/commands/advance.js';
import { claim } from '../src/commands/claim.js';
import { addTask } from '../src/commands/tasks.js';
import { fileReport, readReportFile } from '../src/commands/reports.js';
import { close } from '../src/commands/closure.js';
import { accept, intervene } from '../src/commands/acceptance.js';
import { rate } from '../src/commands/rating.js';
import { reportsDue } from '../src/domain/obligations.js';
import { lineDiff } from '../src/commands/workspace.js';
import type { ProgrammeRecord } from '../src/domain/types.generated.js';
import { formatProblemMessage } from '../src/domain/problem.js';
import { RecordIndex, type RecordEntry, type Repository } from '../src/domain/records.js';
import { validateRepository } from '../src/store/validate.js';


const head = (root: string) => git(root, ['rev-parse', 'HEAD']).trim();
const clean = (root: string) => git(root, ['status', '--porcelain', '--untracked-files=all']);

/** Expects a refusal that leaves the repository exactly as it was. */
async function refused(root: string, op: Promise<unknown>, pattern: RegExp, kind: new (...a: any[]) => Error = RefusedError) {
  const before = head(root);
  const err = await op.then(() => undefined, (e: unknown) => e);
  expect(err, 'the operation should have been refused').toBeInstanceOf(kind);
  const problems = (err as ProblemsError).problems?.map((p) => formatProblemMessage(p, 'zh')).join('\n') ?? '';
  expect(`${(err as Error).message}\n${problems}`).toMatch(pattern);
  expect(clean(root)).toBe('');
  expect(head(root)).toBe(before);
}

describe('the draw (djyc-draw-v1)', () => {
  it('is pinned: a known seed and candidate list give a known panel (the algorithm must not drift)', () => {
    expect(drawRandom('huishan', 0)).toBeCloseTo(drawRandom('huishan', 0), 15);
    const candidates = ['exp-a', 'exp-b', 'exp-c', 'exp-d', 'exp-e', 'exp-f'].map((id) => ({ id, load: 0 }));
    const panel = draw('2020-panel', candidates, 3);
    expect(panel).toEqual(draw('2020-panel', [...candidates].reverse(), 3));
    // Frozen result: re-running anywhere (any language) from the documented algorithm gives these three.
    expect(panel).toEqual(['exp-f', 'exp-a', 'exp-d']);
  });

  it('property: same seed, same panel whatever the input order; no repeats; fewest load first', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.stringMatching(/^exp-[a-z0-9]{1,6}$/), { minLength: 1, maxLength: 20 }),
        fc.array(fc.nat(4), { minLength: 20, maxLength: 20 }),
        fc.string({ minLength: 1, maxLength: 12 }),
        fc.nat(25),
        (ids, loads, seed, k) => {
          const candidates = ids.map((id, i) => ({ id, load: loads[i]! }));
          const a = draw(seed, candidates, k);
          const b = draw(seed, [...candidates].reverse(), k);
          expect(a).toEqual(b);
          expect(a.length).toBe(Math.min(k, ids.length));
          expect(new Set(a).size).toBe(a.length);
          const loadOf = new Map(candidates.map((c) => [c.id, c.load]));
          const maxPicked = Math.max(-1, ...a.map((x) => loadOf.get(x)!));
          // nobody left out has a lower load than someone picked
          for (const c of candidates) if (!a.includes(c.id)) expect(c.load).toBeGreaterThanOrEqual(a.length === k ? Math.min(maxPicked, c.load) : 0);
          const minLeft = Math.min(Infinity, ...candidates.filter((c) => !a.includes(c.id)).map((c) => c.load));
          if (a.length) expect(maxPicked).toBeLessThanOrEqual(minLeft);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('acceptance panels on a real repository', () => {
  it('never picks an expert from the lead or co-organising units (sub-organisations and the same 单位 included), is reproducible and verifiable', async () => {
    const root = await repoWith('zutuan', 2017);
    on('2017-04-21');
    await createSimple(root, 'organisation', { id: 'org-lead', name: '市交通局直属机关党委', type: '党委', unit: '市交通局' });
    await createSimple(root, 'organisation', { id: 'org-lead-b1', name: '市交通局机关第一党支部', type: '党支部', unit: '市交通局', parent: 'org-lead' });
    await createSimple(root, 'organisation', { id: 'org-co', name: '市审计局机关党委', type: '党委', unit: '市审计局' });
    await createSimple(root, 'organisation', { id: 'org-other', name: '市委党校机关党委', type: '党委', unit: '市委党校' });
    const experts: [string, string | undefined, string | undefined][] = [
      ['exp-lead', 'org-lead', undefined], ['exp-branch', 'org-lead-b1', undefined], ['exp-co', 'org-co', undefined], ['exp-unit', undefined, '市交通局'],
      ['exp-1', 'org-other', '市委党校'], ['exp-2', undefined, '市委组织部'], ['exp-3', undefined, '浙江师范大学'], ['exp-4', undefined, '市纪委'], ['exp-5', undefined, '市委宣传部'],
    ];
    for (const [id, org, unit] of experts) await createSimple(root, 'expert', { id, name: id, categories: ['制度机制'], organisation: org, unit });
    await createProject(root, { id: 'p-1', title: '铁军+综合交通廊道建设', lead: 'org-lead', coOrganisers: ['org-co'], categories: ['制度机制'] });
    const repo = loadRepository(root);
    const index = new RecordIndex(repo);
    const project = index.get('project', 'p-1')!;
    const conflicted = new Set(['exp-lead', 'exp-branch', 'exp-co', 'exp-unit']);
    for (const e of index.all('expert')) expect(expertEligibility(index, project, e).ok).toBe(!conflicted.has(e.id));
    // Move the project to where panels are drawn: applied → (plans) implementing → submitted
    on('2017-05-09');
    await advance({ root, id: 'p-1' });
    await claim({ root, project: 'p-1', org: 'org-co', role: 'co-organiser', plan: '提供用地审批保障' });
    on('2017-05-16');
    await advance({ root, id: 'p-1' });
    on('2017-07-06');
    await fileReport({ root, subject: 'p-1', quarter: '2017Q2', progress: '推进中' });
    on('2017-10-09');
    await fileReport({ root, subject: 'p-1', quarter: '2017Q3', progress: '推进中' });
    on('2017-11-24');
    await close({ root, subject: 'p-1', results: '完成' });
    on('2017-12-04');
    // many seeds (dry runs): never a conflicted expert, always the size asked
    for (let i = 0; i < 25; i++) {
      const r = await drawPanel({ root, subject: 'p-1', seed: `s${i}`, dryRun: true });
      expect(r.experts).toHaveLength(3);
      for (const e of r.experts) expect(conflicted.has(e.id)).toBe(false);
      expect(r.commit).toBe('');
    }
    expect(clean(root)).toBe('');
    const drawn = await drawPanel({ root, subject: 'p-1', seed: 'jinhua-1' });
    const again = await drawPanel({ root, subject: 'p-1', seed: 'jinhua-1', dryRun: true, redraw: true });
    expect(again.experts.map((e) => e.id)).toEqual(drawn.experts.map((e) => e.id));
    expect((await verifyPanel(root, 'p-1')).ok).toBe(true);
    await refused(root, drawPanel({ root, subject: 'p-1', seed: 'x' }), /已有验收组/);
    // A hand edit that swaps in another expert is caught by --verify.
    const evFile = fs.readdirSync(path.join(root, 'records/evaluations')).find((f) => f.endsWith('.yaml'))!;
    const full = path.join(root, 'records/evaluations', evFile);
    const swapped = fs.readFileSync(full, 'utf8').replace(`    - ${drawn.experts[0]!.id}\n`, '    - exp-lead\n');
    fs.writeFileSync(full, swapped);
    git(root, ['commit', '-qam', 'hand edit']);
    const v = await verifyPanel(root, 'p-1');
    expect(v.ok).toBe(false);
    expect(v.ineligible.map((x) => x.expert)).toContain('exp-lead');
  });

  it('balances the load: experts who sat on fewer panels come first', async () => {
    const root = await repoWith('dangjian-plus', 2017);
    on('2017-04-13');
    await createSimple(root, 'organisation', { id: 'org-a', name: '甲党支部', type: '党支部' });
    for (const id of ['exp-1', 'exp-2', 'exp-3', 'exp-4']) await createSimple(root, 'expert', { id, name: id, categories: ['基层组织建设'] });
    const ids = ['p-a', 'p-b'];
    for (const id of ids) await createProject(root, { id, title: id, lead: 'org-a', categories: ['基层组织建设'] });
    for (const id of ids) {
      for (const [d, to] of [['2017-04-14', 'argued'], ['2017-04-15', 'applied'], ['2017-05-04', 'approved'], ['2017-05-08', 'implementing']] as const) {
        on(d);
        await advance({ root, id, to });
      }
      on('2017-07-05');
      await fileReport({ root, subject: id, quarter: '2017Q2', progress: '进展' });
      on('2017-10-09');
      await fileReport({ root, subject: id, quarter: '2017Q3', progress: '进展' });
      on('2017-11-10');
      await close({ root, subject: id, results: '完成', summary: '总结' });
    }
    on('2017-12-01');
    const first = await drawPanel({ root, subject: 'p-a', size: 3, seed: 'a' });
    const second = await drawPanel({ root, subject: 'p-b', size: 3, seed: 'b' });
    const left = ['exp-1', 'exp-2', 'exp-3', 'exp-4'].find((x) => !first.experts.some((e) => e.id === x))!;
    expect(second.experts.map((e) => e.id)).toContain(left);
    expect(second.experts.find((e) => e.id === left)!.load).toBe(0);
  });
});

describe('numbers, reports due, diffs', () => {
  it('nextNumber follows project.numbering.format', () => {
    const p = { id: 'x', name: 'x', year: 2020, project: { stages: [{ id: 's', label: 's' }], numbering: { format: '{year}-{seq:3}' } } } as ProgrammeRecord;
    expect(nextNumber(p, [])).toBe('2020-001');
    expect(nextNumber(p, ['2020-001', '2020-007', '2019-099', 'DJ2020-050'])).toBe('2020-008');
    expect(nextNumber({ ...p, project: { ...p.project!, numbering: { format: 'DJ{year}-{seq:2}' } } }, ['DJ2020-09'])).toBe('DJ2020-10');
    expect(nextNumber({ ...p, project: { ...p.project!, numbering: { format: '第{year}号' } } }, [])).toBeUndefined();
    expect(nextNumber({ ...p, project: { stages: p.project!.stages } }, [])).toBeUndefined();
  });

  it('a batch approval gives each project its own next number, counting the numbers the batch gave before', async () => {
    const root = await repoWith('shuangling', 2020);
    on('2020-03-05');
    await createSimple(root, 'organisation', { id: 'org-a', name: '区教育局机关支部', type: '党支部', unit: '区教育局' });
    for (const id of ['p-1', 'p-2', 'p-3', 'p-4']) await createProject(root, { id, title: `项目${id}`, lead: 'org-a', categories: ['呼应群众普遍期待'], source: '社会征集' });
    on('2020-04-08');
    expect((await advance({ root, id: 'p-4', number: '2020-007' })).number).toBe('2020-007');
    await refused(root, advance({ root, id: 'p-3', number: '2020-007' }), /项目编号 2020-007 已被使用/);
    const batch = await advance({ root, ids: ['p-1', 'p-2', 'p-3'] });
    expect(batch.moves.map((m) => m.number)).toEqual(['2020-008', '2020-009', '2020-010']);
    const numbers = ['p-1', 'p-2', 'p-3', 'p-4'].map((id) => /^number: (.*)$/m.exec(fs.readFileSync(path.join(root, `records/projects/${id}.yaml`), 'utf8'))?.[1]);
    expect(numbers).toEqual(['2020-008', '2020-009', '2020-010', '2020-007']);
  });

  it('reportsDue: from the quarter implementation began, quarters ended plus grace, stopping at closure', () => {
    const programme = {
      id: 'prog', name: 'p', year: 2020,
      project: {
        stages: [{ id: 'approved', label: 'a' }, { id: 'implementing', label: 'i' }, { id: 'closing', label: 'c', requires: ['has-closure'] }],
        reports: { every: 'quarter', subjects: ['project', 'task'], from_stage: 'implementing', grace_days: 10 },
      },
      task: { stages: [{ id: 'claimed', label: 'c' }] },
    } as unknown as ProgrammeRecord;
    const rec = (kind: string, id: string, data: object) => ({ kind, id, file: `records/${kind}s/${id}.yaml`, text: '', data: { id, ...data } }) as unknown as RecordEntry;
    const project = rec('project', 'p', { programme: 'prog', stage: 'implementing', history: [{ stage: 'approved', date: '2020-04-01' }, { stage: 'implementing', from: 'approved', date: '2020-05-11' }] });
    const task = rec('task', 't', { programme: 'prog', project: 'p', stage: 'claimed', history: [{ stage: 'claimed', date: '2020-04-20' }] });
    const report = rec('report', 'r', { programme: 'prog', subject: 'p', quarter: '2020Q2', progress: 'x' });
    const index = new RecordIndex({ records: [project, task, report], root: '/', config: { djyc: 1 }, loadProblems: [], unparsed: [] } as unknown as Repository);
    expect(reportsDue(programme, project, index, '2020-07-10')).toEqual([]);
    expect(reportsDue(programme, project, index, '2020-07-11')).toEqual([{ quarter: '2020Q2', due: '2020-07-10', report: 'r' }]);
    expect(reportsDue(programme, project, index, '2020-11-05').map((d) => [d.quarter, d.report])).toEqual([['2020Q2', 'r'], ['2020Q3', undefined]]);
    // a task whose track has no 'implementing' reports from its project's start
    expect(reportsDue(programme, task, index, '2020-11-05').map((d) => d.quarter)).toEqual(['2020Q2', '2020Q3']);
    // after closure was requested no later quarter falls due
    const closed = rec('project', 'p', { ...project.data, stage: 'closing', history: [...(project.data as any).history, { stage: 'closing', from: 'implementing', date: '2020-11-05' }] });
    expect(reportsDue(programme, closed, index, '2021-03-01').map((d) => d.quarter)).toEqual(['2020Q2', '2020Q3']);
  });

  it('lineDiff marks removed and added lines', () => {
    expect(lineDiff('a\nb\nc\n', 'a\nB\nc\nd\n')).toEqual(['@@ 2', '- b', '+ B', '@@ 4', '+ d']);
    expect(lineDiff('', 'x\n')).toEqual(['@@ 1', '+ x']);
  });

  it('report text files: headings split the sections; unknown YAML keys are errors at their line and column', () => {
    const dir = tempDir();
    const txt = path.join(dir, 'q3.txt');
    fs.writeFileSync(txt, '\uFEFF一、进展情况：\n完成整治 6 次。\n二、存在问题\n接送区不足\n三、下步打算：推广错峰放学\n');
    expect(readReportFile(txt)).toEqual({ progress: '完成整治 6 次。', problems: '接送区不足', next_steps: '推广错峰放学' });
    const yml = path.join(dir, 'q3.yaml');
    fs.writeFileSync(yml, '进展情况: 完成\n下步打算: 推广\n进度: 80%\n');
    let err: unknown;
    try {
      readReportFile(yml, 'q3.yaml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ProblemsError);
    expect((err as ProblemsError).problems[0]).toMatchObject({ file: 'q3.yaml', line: 3, col: 1, rule: 'schema-unknown-key' });
  });
});

describe('guards refuse with nothing written; edits keep comments and key order', () => {
  it('shuangling: claim, tasks, reports, closure, panel, acceptance and rating guards', async () => {
    const root = await repoWith('shuangling', 2020);
    on('2020-03-05');
    await createSimple(root, 'organisation', { id: 'org-a', name: '区教育局机关支部', type: '党支部', unit: '区教育局' });
    await createSimple(root, 'member', { id: 'm-a', name: '周立', organisation: 'org-a' });
    await createSimple(root, 'member', { id: 'm-b', name: '徐静', organisation: 'org-a' });
    await createSimple(root, 'organisation', { id: 'org-b', name: '区民政局机关支部', type: '党支部', unit: '区民政局' });
    await createSimple(root, 'member', { id: 'm-c', name: '蒋燕', organisation: 'org-b' });
    for (const id of ['exp-1', 'exp-2', 'exp-3']) await createSimple(root, 'expert', { id, name: id, categories: ['呼应群众普遍期待'], unit: `单位${id}` });
    await createProject(root, { id: 'p-1', title: '校园周边交通安全综合治理', lead: 'org-a', categories: ['呼应群众普遍期待'], source: '社会征集' });
    // A person's comment in the file survives every edit; keys keep their order; new keys land at their schema place.
    const file = path.join(root, 'records/projects/p-1.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('title: 校园周边交通安全综合治理', '# 区人大代表建议第 12 号\ntitle: 校园周边交通安全综合治理 # 暂定名'));
    git(root, ['commit', '-qam', 'comment']);

    await refused(root, claim({ root, project: 'p-1', org: 'org-a' }), /立项之后/);
    on('2020-04-08');
    await refused(root, advance({ root, id: 'p-1', to: 'claimed' }), /不是方案允许的下一阶段.*可转入：项目认定（立项）/);
    const approved = await advance({ root, id: 'p-1' });
    expect(approved.to).toBe('approved');
    expect(approved.number).toBe('2020-001');
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toContain('# 区人大代表建议第 12 号\ntitle: 校园周边交通安全综合治理 # 暂定名');
    expect(text.indexOf('number: 2020-001')).toBeLessThan(text.indexOf('title:'));
    expect(text.indexOf('number:')).toBeGreaterThan(text.indexOf('programme:'));
    on('2020-04-16');
    await refused(root, advance({ root, id: 'p-1' }), /承诺书/);
    await refused(root, claim({ root, project: 'p-1', org: 'org-b' }), /已由 .* 领办/);
    // claim enters 项目认领 itself, in the same commit.
    await claim({ root, project: 'p-1', org: 'org-a' });
    expect(fs.readFileSync(file, 'utf8')).toMatch(/^stage: claimed$/m);
    await refused(root, advance({ root, id: 'p-1' }), /领办任务/);
    await refused(root, addTask({ root, project: 'p-1', members: ['m-c'], content: '送餐', due: '2020-11-10' }), /不是 p-1 的领办/);
    const t = await addTask({ root, project: 'p-1', members: ['m-a', 'm-b'], content: '护学岗', due: '2020-11-10' });
    expect(t.commitments).toHaveLength(2);
    on('2020-05-06');
    await advance({ root, id: 'p-1' });
    on('2020-05-11');
    await advance({ root, id: 'p-1' });
    on('2020-10-12');
    await refused(root, close({ root, subject: 'p-1', results: '完成' }), /2020Q2、2020Q3 的执行书/);
    await refused(root, fileReport({ root, subject: 'p-1', quarter: '2021Q1', progress: 'x' }), /尚未开始/);
    await refused(root, fileReport({ root, subject: 'p-1', quarter: '2020Q1', progress: 'x' }), /早于/);
    await fileReport({ root, subject: 'p-1', quarter: '2020Q2', progress: '调研' });
    await refused(root, fileReport({ root, subject: 'p-1', quarter: '2020Q2', progress: '再报' }), /已填报/);
    await fileReport({ root, subject: 'p-1', quarter: '2020Q3', progress: '整治' });
    on('2020-11-05');
    await close({ root, subject: 'p-1', results: '通行时间缩短三分之一' });
    on('2020-11-18');
    await refused(root, accept({ root, subject: 'p-1', result: 'pass' }), /尚未抽取验收组/);
    await refused(root, advance({ root, id: 'p-1', to: 'accepted' }), /验收组/);
    await drawPanel({ root, subject: 'p-1', seed: 's' });
    await refused(root, advance({ root, id: 'p-1' }), /尚无本轮验收结论/);
    await refused(root, rate({ root, subject: t.task, branch: '好' }), /验收通过/);
    await accept({ root, subject: 'p-1', result: 'rework', methods: ['查阅资料'] });
    await refused(root, advance({ root, id: 'p-1', to: 'rework' }), /督促措施/);
    await refused(root, advance({ root, id: 'p-1' }), /不是“通过”[\s\S]*--to rework|不是“通过”/);
    await refused(root, accept({ root, subject: 'p-1', result: 'pass', methods: ['开会'] }), /验收方式/, Error);
    // history is append-only in date order
    on('2020-11-19');
    await refused(root, intervene({ root, subject: 'p-1', type: '约谈', date: '2020-11-01' }), /早于/);
    expect(fs.readFileSync(file, 'utf8')).toContain('# 区人大代表建议第 12 号');
  });

  it('zutuan: the bonus comes once the other conditions of review are met, and never above the cap', async () => {
    const root = await repoWith('zutuan', 2017);
    on('2017-04-25');
    await createSimple(root, 'organisation', { id: 'org-a', name: '市交通局直属机关党委', type: '党委' });
    for (const id of ['exp-1', 'exp-2', 'exp-3']) await createSimple(root, 'expert', { id, name: id, categories: ['制度机制'] });
    await createProject(root, { id: 'p-1', title: '铁军+综合交通廊道建设', lead: 'org-a' });
    await createProject(root, { id: 'p-2', title: '牵头单位待定的项目' });
    on('2017-05-09');
    await refused(root, advance({ root, id: 'p-2' }), /尚无领办（牵头）单位/);
    await claim({ root, project: 'p-2', org: 'org-a', assignedBy: 'org-a' }).catch((e: Error) => expect(e.message).toContain('不能是领办单位自己'));
    await advance({ root, id: 'p-1' });
    on('2017-05-16');
    await advance({ root, id: 'p-1' });
    on('2017-07-06');
    await fileReport({ root, subject: 'p-1', quarter: '2017Q2', progress: 'x' });
    on('2017-10-09');
    await fileReport({ root, subject: 'p-1', quarter: '2017Q3', progress: 'x' });
    on('2017-11-24');
    await close({ root, subject: 'p-1', results: '完成' });
    on('2017-12-04');
    await refused(root, rate({ root, subject: 'p-1', bonus: 15 }), /尚未抽取验收组|验收结论/);
    await drawPanel({ root, subject: 'p-1', seed: 'z' });
    await accept({ root, subject: 'p-1', result: 'pass' });
    await refused(root, rate({ root, subject: 'p-1', bonus: 20.5 }), /最高不超过 20 分/);
    await refused(root, rate({ root, subject: 'p-1', stars: { 群众满意率: 4 } }), /不采用星级评估/, Error);
    await rate({ root, subject: 'p-1', bonus: 20 });
    const r = await advance({ root, id: 'p-1' });
    expect(r.to).toBe('reviewed');
  });

  it('shuji: the re-check sample is reproducible and recorded as a selection', async () => {
    const root = await repoWith('shuji', 2017);
    on('2017-01-05');
    await createSimple(root, 'organisation', { id: 'org-dw', name: '学校党委', type: '党委' });
    const ids: string[] = [];
    for (let i = 1; i <= 5; i++) {
      await createSimple(root, 'organisation', { id: `org-${i}`, name: `第${i}党总支`, type: '党总支', parent: 'org-dw' });
      await createSimple(root, 'member', { id: `m-${i}`, name: `书记${i}`, organisation: `org-${i}` });
      await createProject(root, { id: `p-${i}`, title: `书记项目${i}`, lead: `org-${i}`, leader: `m-${i}`, categories: ['组织建设'], start: '2017-03-01', due: '2017-12-20' });
      ids.push(`p-${i}`);
    }
    for (const id of ids) {
      for (const [d, to] of [['2017-03-10', 'applied'], ['2017-03-28', 'approved'], ['2017-04-05', 'implementing']] as const) {
        on(d);
        await advance({ root, id, to });
      }
    }
    on('2017-12-08');
    await refused(root, recheck({ root, sample: 3, seed: 'wx' }), /只有 0 个项目/);
    for (const id of ids.slice(0, 4)) await close({ root, subject: id, results: '完成', summary: '总结' });
    const dry = await recheck({ root, sample: 3, seed: 'wx', dryRun: true });
    const real = await recheck({ root, sample: 3, seed: 'wx' });
    expect(real.sampled.map((s) => s.id)).toEqual(dry.sampled.map((s) => s.id));
    expect(real.sampled.every((s) => ids.slice(0, 4).includes(s.id))).toBe(true);
    expect((await verifyRecheck(root)).ok).toBe(true);
    const sel = loadRepository(root).records.find((r) => r.kind === 'selection')!;
    expect(sel.data).toMatchObject({ award: 'recheck', draw: { seed: 'wx', sample: 3, candidates: ids.slice(0, 4) } });
  });
});

describe('validate: coverage rules and uniqueness', () => {
  it('members of a leading organisation\'s sub-branches need tasks; dropped projects and the organiser do not count; numbers and reports are unique', async () => {
    const root = await repoWith('shuangling', 2020);
    on('2020-03-05');
    await createSimple(root, 'organisation', { id: 'org-zj', name: '区住建局机关党总支', type: '党总支' });
    await createSimple(root, 'organisation', { id: 'org-zj-1', name: '区住建局第一支部', type: '党支部', parent: 'org-zj' });
    await createSimple(root, 'member', { id: 'm-1', name: '唐敏', organisation: 'org-zj-1' });
    await createSimple(root, 'organisation', { id: 'org-x', name: '区档案局支部', type: '党支部' });
    await createSimple(root, 'member', { id: 'm-2', name: '丁宁', organisation: 'org-x' });
    await createProject(root, { id: 'p-1', title: '红色物业', lead: 'org-zj', categories: ['呼应群众普遍期待'], source: '上级提议' });
    await createProject(root, { id: 'p-2', title: '档案数字化', lead: 'org-x', categories: ['突出典型示范'], source: '自行申报' });
    on('2020-04-08');
    await advance({ root, id: 'p-2', to: 'rejected' });
    const problems = validateRepository(loadRepository(root), { today: '2020-05-01' });
    const noTask = problems.filter((p) => p.rule === 'member-no-task');
    expect(noTask.map((p) => p.file)).toEqual(['records/members/m-1.yaml']);
    expect(noTask[0]!.severity).toBe('error');
    expect(validateRepository(loadRepository(root), { today: '2020-04-20' }).find((p) => p.rule === 'member-no-task')!.severity).toBe('warning');
    // two projects with the same number (as after a merge) and two reports for one quarter are errors on each file
    const f1 = path.join(root, 'records/projects/p-1.yaml');
    fs.writeFileSync(f1, fs.readFileSync(f1, 'utf8').replace('title: 红色物业', 'number: 2020-001\ntitle: 红色物业'));
    const f2 = path.join(root, 'records/projects/p-2.yaml');
    fs.writeFileSync(f2, fs.readFileSync(f2, 'utf8').replace('title: 档案数字化', 'number: 2020-001\ntitle: 档案数字化'));
    for (const r of ['r-1', 'r-2']) fs.writeFileSync(path.join(root, `records/reports/${r}.yaml`), `id: ${r}\nprogramme: shuangling-2020\nsubject: p-1\nquarter: 2020Q2\nprogress: x\n`);
    const after = validateRepository(loadRepository(root), { today: '2020-05-01' });
    expect(after.filter((p) => p.rule === 'number-duplicate').map((p) => `${p.file}:${p.line}`)).toEqual(['records/projects/p-1.yaml:4', 'records/projects/p-2.yaml:4']);
    expect(after.filter((p) => p.rule === 'report-duplicate')).toHaveLength(2);
  });

  it('书记项目: a second project of one secretary in a year is refused at creation, and both are flagged', async () => {
    const root = await repoWith('shuji', 2017);
    on('2017-02-20');
    await createSimple(root, 'organisation', { id: 'org-1', name: '机械学院党总支', type: '党总支' });
    await createSimple(root, 'member', { id: 'm-1', name: '朱红', organisation: 'org-1' });
    await createProject(root, { id: 'p-1', title: '名师工作室', lead: 'org-1', leader: 'm-1', categories: ['组织建设'], start: '2017-03-01', due: '2017-12-20' });
    await refused(root, createProject(root, { id: 'p-0', title: '第二个', lead: 'org-1', leader: 'm-1', categories: ['组织建设'], start: '2017-03-01', due: '2017-12-20' }), /书记项目/, ProblemsError);
  });
});
