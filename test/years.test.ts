/**
 * Programmes that run year after year (issue 15), called in-process on real temporary git repositories: the next
 * round in the same repository, carry-over, phase years with their own windows (004), decisions made by people
 * (--pick with a basis), re-check results (003) and bonus per unit (002).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { djyc, git, readJson, tempDir } from './helpers.js';
import { on, repoWith } from './today.js';
import { commitAll, writeRecordFiles } from './ledger-fixture.js';
import { createProject, createSimple } from '../src/commands/create.js';
import { addProgramme, listProgrammes } from '../src/commands/programmes.js';
import { carryOver } from '../src/commands/carryover.js';
import { advance } from '../src/commands/advance.js';
import { close } from '../src/commands/closure.js';
import { recheck, recordRecheck } from '../src/commands/panel.js';
import { loadRepository } from '../src/store/repo.js';
import { validateRepository } from '../src/store/validate.js';
import { computeLedger } from '../src/domain/ledger.js';
import { computeDeadlines } from '../src/domain/deadlines.js';
import { chooseProgramme } from '../src/domain/years.js';
import { ledgerTables, tablesToText } from '../src/output/ledger-tables.js';
import { RefusedError, UsageError } from '../src/domain/errors.js';


const head = (root: string) => git(root, ['rev-parse', 'HEAD']).trim();
const problemsOf = (root: string, today: string, prefix: string) =>
  validateRepository(loadRepository(root), { today })
    .filter((p) => p.file.includes(prefix))
    .map((p) => `${p.file} ${p.rule} ${p.severity}`)
    .sort();

describe('000: the next round in the same repository', () => {
  it('runs 2020 and then 2021; 2020 records validate unchanged; commands default to the year; carry-over keeps history', async () => {
    const root = await repoWith('shuangling', 2020);
    on('2020-03-05');
    await createSimple(root, 'organisation', { id: 'org-a', name: '区档案局支部', type: '党支部' });
    await createSimple(root, 'member', { id: 'm-1', name: '丁宁', organisation: 'org-a' });
    await createProject(root, { id: 'p-2020-kehou', title: '课后服务', lead: 'org-a', leader: 'm-1', categories: ['呼应群众普遍期待'], source: '自行申报' });
    await createProject(root, { id: 'p-2020-dangan', title: '档案数字化', lead: 'org-a', leader: 'm-1', categories: ['突出典型示范'], source: '自行申报' });
    on('2020-04-08');
    await advance({ root, id: 'p-2020-kehou', to: 'approved' });
    const before2020 = problemsOf(root, '2021-03-05', 'p-2020');
    const files2020 = fs.readdirSync(path.join(root, 'records/projects')).map((f) => [f, fs.readFileSync(path.join(root, 'records/projects', f), 'utf8')]);

    on('2021-01-04');
    const added = await addProgramme({ root, from: 'shuangling-2020', year: 2021 });
    expect(added).toMatchObject({ programme: 'shuangling-2021', year: 2021 });
    const text = fs.readFileSync(path.join(root, 'records/programmes/shuangling-2021.yaml'), 'utf8');
    expect(text).toMatch(/^id: shuangling-2021$/m);
    expect(text).toMatch(/^year: 2021$/m);
    expect(text).toMatch(/^# /m); // comments of the carried programme kept
    await expect(addProgramme({ root, from: 'shuangling-2020', year: 2021 })).rejects.toBeInstanceOf(RefusedError);
    await expect(addProgramme({ root, preset: 'shuangling', from: 'shuangling-2020', year: 2022 })).rejects.toBeInstanceOf(UsageError);

    // Commands without --programme act on the round of the year; earlier records untouched and still valid.
    expect(chooseProgramme(loadRepository(root), undefined, '2021-03-05').programme.id).toBe('shuangling-2021');
    expect(chooseProgramme(loadRepository(root), undefined, '2020-12-05').programme.id).toBe('shuangling-2020');
    on('2021-03-05');
    const created = await createProject(root, { title: '新一年项目', lead: 'org-a', leader: 'm-1', categories: ['呼应群众普遍期待'], source: '自行申报' });
    expect(loadRepository(root).records.find((r) => r.id === created.id)!.data.programme).toBe('shuangling-2021');
    expect(problemsOf(root, '2021-03-05', 'p-2020')).toEqual(before2020);
    for (const [f, t] of files2020) expect(fs.readFileSync(path.join(root, 'records/projects', f!), 'utf8')).toBe(t);
    expect(listProgrammes(root, '2021-03-05').programmes.map((p) => [p.id, p.current, p.projects])).toEqual([
      ['shuangling-2021', true, 1],
      ['shuangling-2020', false, 2],
    ]);

    // Carry-over: the old record says where it went and keeps its history; the new one says where it came from.
    const c = await carryOver({ root, id: 'p-2020-kehou', to: 'shuangling-2021', due: '2021-11-30' });
    expect(c).toMatchObject({ from: 'p-2020-kehou', to: 'p-2021-kehou', programme: 'shuangling-2021', stage: 'approved' });
    const repo = loadRepository(root);
    const old = repo.records.find((r) => r.id === 'p-2020-kehou')!.data as any;
    const fresh = repo.records.find((r) => r.id === 'p-2021-kehou')!.data as any;
    expect(old.carried_to).toBe('p-2021-kehou');
    expect(old.history.map((h: any) => h.stage)).toEqual(['proposed', 'approved', 'approved']);
    expect(old.history.at(-1).note).toMatch(/转入 shuangling-2021/);
    expect(fresh).toMatchObject({ programme: 'shuangling-2021', carried_from: 'p-2020-kehou', stage: 'approved', due: '2021-11-30', title: '课后服务' });
    await expect(carryOver({ root, id: 'p-2020-kehou', to: 'shuangling-2021' })).rejects.toThrow(/已转入/);
    await expect(carryOver({ root, id: 'p-2021-kehou', to: 'shuangling-2020' })).rejects.toThrow(/只能转入之后年度的方案/);
    expect(validateRepository(loadRepository(root), { today: '2021-03-05' }).filter((p) => p.severity === 'error' && /carried/.test(p.rule))).toEqual([]);

    // The ledger shows the year selector; a carried record owes nothing more in its old round.
    const ledger = computeLedger(loadRepository(root), { today: '2021-03-05' });
    expect(ledger.programme.id).toBe('shuangling-2021');
    expect(ledger.programmes.map((y) => [y.period, y.current])).toEqual([['2021', true], ['2020', false]]);
    expect(ledger.projects.map((p) => p.id).sort()).toEqual([created.id, 'p-2021-kehou'].sort());
    const text2020 = tablesToText(computeLedger(loadRepository(root), { today: '2021-03-05', programme: 'shuangling-2020' }), ledgerTables(computeLedger(loadRepository(root), { today: '2021-03-05', programme: 'shuangling-2020' }), loadRepository(root).records.find((r) => r.id === 'shuangling-2020')!.data as any, 'zh'), 'zh');
    expect(text2020).toContain('课后服务');
    // The site: this year's round at the top, the other round whole under years/<id>/, a year selector on every page.
    const { buildSite } = await import('../src/commands/publish.js');
    const site = buildSite(loadRepository(root), { out: '/unused', today: '2021-03-05', lang: 'zh' });
    const html = (f: string) => {
      const c = site.files.get(f);
      return c && 'text' in c ? c.text : '';
    };
    expect(site.result.years).toEqual(['shuangling-2021', 'shuangling-2020']);
    expect(html('index.html')).toContain('href="years/shuangling-2020/index.html"');
    expect(html('years/shuangling-2020/index.html')).toContain('href="../../index.html"');
    expect([...site.files.keys()].filter((f) => f.startsWith('years/shuangling-2020/') && f.endsWith('.html')).length).toBeGreaterThan(3);
    const stageItems = computeDeadlines(loadRepository(root), { today: '2021-03-05', programme: 'shuangling-2020' }).items.filter((i) => i.uid.startsWith('stage-p-2020-kehou'));
    expect(stageItems).toEqual([]);
  });
});

describe('004: phase years with their own windows', () => {
  it('a brand re-applying in 2021 owes the 2021 review; a brand not recognised is not overdue', async () => {
    const root = await repoWith('brand-plan', 2020);
    const P = 'brand-plan-2020';
    writeRecordFiles(root, [
      ['organisation', { id: 'org-a', name: '市林业局机关党支部', type: '党支部' }],
      ['organisation', { id: 'org-b', name: '市财政局机关党支部', type: '党支部' }],
      ['organisation', { id: 'org-c', name: '市档案局机关党支部', type: '党支部' }],
      ['brand', { id: 'b-re', programme: P, organisation: 'org-a', name: '林海先锋', stage: 'applied', history: [
        { stage: 'chosen', date: '2020-03-01' }, { stage: 'applied', date: '2020-04-01' }, { stage: 'cultivating', date: '2020-05-01' },
        { stage: 'reapply', date: '2020-12-20' }, { stage: 'applied', date: '2021-03-01' },
      ] }],
      ['brand', { id: 'b-no', programme: P, organisation: 'org-b', name: '财政红', stage: 'not-recognised', history: [
        { stage: 'chosen', date: '2020-03-01' }, { stage: 'applied', date: '2020-04-01' }, { stage: 'cultivating', date: '2020-05-01' }, { stage: 'not-recognised', date: '2020-12-20' },
      ] }],
      ['brand', { id: 'b-go', programme: P, organisation: 'org-c', name: '兰台先锋', stage: 'continued', history: [
        { stage: 'chosen', date: '2020-03-01' }, { stage: 'applied', date: '2020-04-01' }, { stage: 'cultivating', date: '2020-05-01' },
        { stage: 'preselected', date: '2020-12-05' }, { stage: 'continued', date: '2020-12-20' },
      ] }],
    ]);
    commitAll(root, 'three brands');
    const items = computeDeadlines(loadRepository(root), { today: '2021-06-01' }).items;
    const of = (id: string) => items.filter((i) => i.uid.includes(`-${id}-`) || i.uid.endsWith(`-${id}`));
    expect(of('b-re').map((i) => [i.kind, i.due, i.status])).toEqual([['stage', '2021-12-31', 'upcoming']]);
    expect(of('b-go').map((i) => [i.kind, i.due, i.status])).toEqual([['stage', '2021-12-31', 'upcoming']]);
    expect(of('b-no')).toEqual([]);
    expect(items.filter((i) => i.status === 'overdue').map((i) => i.uid)).toEqual([]);
    // The 2021 review window is its own occurrence, with the two brands lagging behind it.
    expect(items.find((i) => i.uid === `window-${P}-review-2021`)).toMatchObject({ start: '2021-12-01', due: '2021-12-31', lagging: 2 });
    expect(items.find((i) => i.uid === `window-${P}-review-2020`)).toMatchObject({ status: 'closed', lagging: 0 });
  });
});

describe('003: sampled re-check results in their time', () => {
  it('records three results (合格 / 需整改 with a note) and shows them in the ledger', async () => {
    const root = await repoWith('shuji', 2017);
    const ids = [1, 2, 3, 4].map((i) => `p-${i}`);
    writeRecordFiles(root, [
      ['organisation', { id: 'org-dw', name: '学校党委', type: '党委' }],
      ...[1, 2, 3, 4].flatMap((i) => [
        ['organisation', { id: `org-${i}`, name: `第${i}党总支`, type: '党总支', parent: 'org-dw' }],
        ['member', { id: `m-${i}`, name: `书记${i}`, organisation: `org-${i}` }],
        ['project', { id: `p-${i}`, programme: 'shuji-2017', title: `书记项目${i}`, lead: `org-${i}`, leader: `m-${i}`, categories: ['组织建设'], start: '2017-03-01', due: '2017-12-20', stage: 'implementing', history: [
          { stage: 'set', date: '2017-01-05' }, { stage: 'applied', date: '2017-03-10' }, { stage: 'approved', date: '2017-03-28' }, { stage: 'implementing', date: '2017-04-05' },
        ] }],
      ] as [string, Record<string, unknown>][]),
    ]);
    commitAll(root, 'four secretaries\' projects in progress');
    on('2017-12-08');
    for (const id of ids) await close({ root, subject: id, results: '完成', summary: '总结' });
    const drawn = await recheck({ root, sample: 3, seed: 'wx' });
    const sampled = drawn.sampled.map((s) => s.id);
    const other = ids.find((id) => !sampled.includes(id))!;
    on('2017-12-15');
    await expect(recordRecheck({ root, project: other, result: '合格' })).rejects.toThrow(/不在抽查复核抽中的项目之中/);
    const before = head(root);
    await expect(recordRecheck({ root, project: sampled[1]!, result: '需整改' })).rejects.toThrow(/--note/);
    expect(head(root)).toBe(before);
    await recordRecheck({ root, project: sampled[0]!, result: '合格', by: '组织部 王老师' });
    await recordRecheck({ root, project: sampled[1]!, result: '需整改', note: '台账资料不全', by: '组织部 王老师' });
    await recordRecheck({ root, project: sampled[2]!, result: '合格', by: '组织部 李老师' });
    await expect(recordRecheck({ root, project: sampled[0]!, result: '需整改', note: 'x' })).rejects.toThrow(/--replace/);

    const repo = loadRepository(root);
    const ledger = computeLedger(repo, { today: '2017-12-20' });
    expect(ledger.recheck!.results.map((r) => [r.project, r.result, r.checkedOn, r.checkedBy]).sort()).toEqual([
      [sampled[0], '合格', '2017-12-15', '组织部 王老师'],
      [sampled[1], '需整改', '2017-12-15', '组织部 王老师'],
      [sampled[2], '合格', '2017-12-15', '组织部 李老师'],
    ].sort());
    const p = repo.records.find((r) => r.kind === 'programme')!.data as any;
    const text = tablesToText(ledger, ledgerTables(ledger, p, 'zh'), 'zh');
    expect(text).toContain('需整改：台账资料不全');
    expect((text.match(/合格/g) ?? []).length).toBeGreaterThanOrEqual(2);
    // shuji's 抽查复核 is public: the progress page shows each result.
    const { buildSite } = await import('../src/commands/publish.js');
    const site = buildSite(repo, { out: '/unused', today: '2017-12-20', lang: 'zh' });
    const pages = [...site.files.entries()].filter(([f]) => f.endsWith('.html')).map(([, c]) => ('text' in c ? c.text : ''));
    expect(pages.some((t) => t.includes('抽查复核') && t.includes('需整改：台账资料不全'))).toBe(true);
    // … and djyc show names the result on the project.
    const shown = djyc(['show', sampled[1]!], { cwd: root, env: { DJYC_TODAY: '2017-12-20' } });
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain('抽查复核：需整改：台账资料不全');
    const history = (repo.records.find((r) => r.id === sampled[1])!.data as any).history;
    expect(history.at(-1).note).toMatch(/抽查复核结论：需整改（台账资料不全）/);
  });
});

describe('decisions made by people: 十佳 by --pick with its basis', () => {
  it('suggests (saying it is a suggestion), refuses a pick without a basis, records the decision; the site shows no score', async () => {
    const { select } = await import('../src/commands/selection.js');
    const { siteFiles } = await import('../src/output/site/site.js');
    const root = await repoWith('shuangling', 2020);
    on('2020-03-05');
    await createSimple(root, 'organisation', { id: 'org-gw', name: '区级机关工委', type: '机关工委' });
    await createSimple(root, 'organisation', { id: 'org-a', name: '区档案局支部', type: '党支部', parent: 'org-gw' });
    await createSimple(root, 'organisation', { id: 'org-b', name: '区财政局支部', type: '党支部', parent: 'org-gw' });
    on('2021-01-10');
    const award = 'top-ten-organisations';
    const before = head(root);
    const suggestion = await select({ root, award });
    expect(suggestion).toMatchObject({ decided: false, considers: ['认领项目情况（纳入基层党建工作考核）'], decidedBy: '区委区级机关工委' });
    expect(suggestion.method.zh).toMatch(/并非方案规定的评选办法/);
    expect(head(root)).toBe(before);
    await expect(select({ root, award, pick: ['org-b', 'org-a'] })).rejects.toThrow(/--meeting|--document/);
    await expect(select({ root, award, meeting: '工委会议' })).rejects.toBeInstanceOf(UsageError);
    expect(head(root)).toBe(before);
    const decided = await select({ root, award, pick: ['org-b', 'org-a'], meeting: '2021 年 1 月 8 日区级机关工委会议', document: '惠机工委〔2021〕3号' });
    expect(decided).toMatchObject({ decided: true, decision: { by: '区委区级机关工委', document: '惠机工委〔2021〕3号' } });
    const record = loadRepository(root).records.find((r) => r.kind === 'selection')!.data as any;
    expect(record.entries.map((e: any) => [e.subject, e.rank])).toEqual([['org-b', 1], ['org-a', 2]]);
    expect(JSON.stringify(record)).not.toMatch(/score|平均|好 4/);
    await expect(select({ root, award, pick: ['org-a'], document: 'x' })).rejects.toThrow(/--replace/);

    const site = siteFiles(loadRepository(root), { today: '2021-01-10', lang: 'zh' }, () => ({}));
    const pages = [...site.files.entries()].filter(([f]) => f.endsWith('.html')).map(([f, c]) => [f, 'text' in c ? c.text : ''] as const);
    const page = pages.find(([, t]) => t.includes('惠机工委〔2021〕3号'));
    expect(page, 'the selections page names the decision').toBeDefined();
    expect(page![1]).toContain('评选依据：认领项目情况');
    for (const [f, t] of pages) expect(t, f).not.toMatch(/好 4|较差 1|平均分|折算/);
  });
});

describe('002: bonus per unit', () => {
  it('awards the lead and each co-organiser (≤ 20 each) and lists the points per unit', async () => {
    const { rate } = await import('../src/commands/rating.js');
    const root = await repoWith('zutuan', 2017);
    const P = 'zutuan-2017';
    const project = (id: string, lead: string, co: string[]) => ['project', {
      id, programme: P, title: `项目${id}`, lead, co_organisers: co.map((organisation) => ({ organisation })), stage: 'reviewed',
      history: [{ stage: 'listed', date: '2017-04-01' }, { stage: 'reviewed', date: '2017-12-10' }],
    }] as [string, Record<string, unknown>];
    writeRecordFiles(root, [
      ['organisation', { id: 'org-a', name: '市委组织部机关党委', type: '党委' }],
      ['organisation', { id: 'org-b', name: '市财政局机关党委', type: '党委' }],
      ['organisation', { id: 'org-c', name: '市教育局机关党委', type: '党委' }],
      project('p-1', 'org-a', ['org-b']),
      project('p-2', 'org-b', ['org-c']),
    ]);
    commitAll(root, 'two reviewed projects');
    on('2017-12-15');
    await expect(rate({ root, subject: 'p-1', bonus: 10, bonusUnits: { 'org-c': 5 } })).rejects.toThrow(/不是本项目的牵头单位或联办单位/);
    await expect(rate({ root, subject: 'p-1', bonusUnits: { 'org-a': 25, 'org-b': 5 } })).rejects.toThrow(/超过上限 20/);
    await rate({ root, subject: 'p-1', bonusUnits: { 'org-a': 15, 'org-b': 12 } });
    await rate({ root, subject: 'p-2', bonus: 10 });
    const repo = loadRepository(root);
    const ev = repo.records.find((r) => r.kind === 'evaluation' && (r.data as any).subject === 'p-2')!.data as any;
    expect(ev.bonus_by_unit).toEqual([{ organisation: 'org-b', points: 10 }, { organisation: 'org-c', points: 10 }]);
    const ledger = computeLedger(repo, { today: '2017-12-20' });
    expect(ledger.bonus!.map((r) => [r.organisation.id, r.total, r.counted, r.awards.map((a) => `${a.project}:${a.role}:${a.points}`)])).toEqual([
      ['org-b', 22, 20, ['p-1:co-organiser:12', 'p-2:lead:10']],
      ['org-a', 15, 15, ['p-1:lead:15']],
      ['org-c', 10, 10, ['p-2:co-organiser:10']],
    ]);
    const p = repo.records.find((r) => r.kind === 'programme')!.data as any;
    const table = ledgerTables(ledger, p, 'zh').find((t) => t.id === 'bonus')!;
    expect(table.rows.length).toBe(3);
    expect(validateRepository(repo, { today: '2017-12-20' }).filter((x) => /bonus/.test(x.rule))).toEqual([]);
  });
});

describe('004: naming after the consultation, with its document; the brand archive', () => {
  it('refuses 命名 before the consultation ends or without the document number, then prints both in the archive', async () => {
    const { brandSet } = await import('../src/commands/brands.js');
    const { rate } = await import('../src/commands/rating.js');
    const { viewContext } = await import('../src/commands/render.js');
    const { formDocument } = await import('../src/output/forms/document.js');
    const { ARCHIVE_FORM } = await import('../src/output/forms/targets.js');
    const root = await repoWith('brand-plan', 2020);
    const P = 'brand-plan-2020';
    writeRecordFiles(root, [
      ['organisation', { id: 'org-a', name: '市林业局机关党支部', type: '党支部' }],
      ['organisation', { id: 'org-b', name: '市财政局机关党支部', type: '党支部' }],
      ['brand', { id: 'b-1', programme: P, organisation: 'org-a', name: '林海先锋', concept: '守护林海', stage: 'consulted', pairings: [{ organisation: 'org-b', since: '2020-06-01' }], history: [
        { stage: 'chosen', date: '2020-03-01' }, { stage: 'applied', date: '2020-04-01' }, { stage: 'cultivating', date: '2020-05-01' },
        { stage: 'preselected', date: '2020-12-05' }, { stage: 'consulted', date: '2020-12-10' },
      ] }],
    ]);
    commitAll(root, 'a brand under consultation');
    on('2020-12-15');
    await rate({ root, subject: 'b-1', opinion: '创建特色鲜明' });
    await expect(advance({ root, id: 'b-1', to: 'named' })).rejects.toThrow(/征求意见截止日期/);
    await brandSet({ root, brand: 'b-1', consultationUntil: '2020-12-20' });
    await expect(advance({ root, id: 'b-1', to: 'named' })).rejects.toThrow(/征求意见至 2020-12-20 止，尚未结束/);
    on('2020-12-21');
    await expect(advance({ root, id: 'b-1', to: 'named' })).rejects.toThrow(/命名文件文号/);
    await brandSet({ root, brand: 'b-1', document: '根直工委发〔2020〕15号' });
    await advance({ root, id: 'b-1', to: 'named' });

    const repo = loadRepository(root);
    const p = repo.records.find((r) => r.kind === 'programme')!.data as any;
    const record = repo.records.find((r) => r.id === 'b-1')!;
    expect((record.data as any).stage).toBe('named');
    const doc = formDocument(viewContext(repo, p, { today: '2020-12-21' }), { form: ARCHIVE_FORM, record, key: 'b-1' });
    const text = doc.html.replace(/<[^>]+>/g, ' ');
    expect(doc.title).toBe('党建品牌创建档案');
    for (const s of ['林海先锋', '根直工委发〔2020〕15号', '2020年12月20日', '市财政局机关党支部', '征求意见', '命名', '创建特色鲜明']) expect(text, s).toContain(s);
  });
});

describe('000: the committee opinion before acceptance, the notice period, panels', () => {
  it('takes 党委（党组）意见 with the closure request, prints the 公示期, asks --reason for a small panel and checks expert categories', async () => {
    const { rate } = await import('../src/commands/rating.js');
    const { drawPanel } = await import('../src/commands/panel.js');
    const { buildNotice, noticePeriod } = await import('../src/commands/pack.js');
    const root = await repoWith('shuangling', 2020);
    const P = 'shuangling-2020';
    writeRecordFiles(root, [
      ['organisation', { id: 'org-a', name: '区档案局支部', type: '党支部' }],
      ['organisation', { id: 'org-b', name: '区财政局支部', type: '党支部' }],
      ['member', { id: 'm-1', name: '丁宁', organisation: 'org-a' }],
      ['project', { id: 'p-1', programme: P, number: '2020-001', title: '档案数字化', categories: ['突出典型示范'], lead: 'org-a', leader: 'm-1', stage: 'implementing', history: [
        { stage: 'proposed', date: '2020-03-05' }, { stage: 'implementing', date: '2020-05-11' },
      ] }],
      ['expert', { id: 'e-1', name: '甲专家', organisation: 'org-b', categories: ['突出典型示范'] }],
      ['expert', { id: 'e-2', name: '乙专家', organisation: 'org-b', categories: ['突出典型示范'] }],
      ['expert', { id: 'e-3', name: '丙专家', organisation: 'org-b', categories: ['不存在的类别'] }],
    ]);
    commitAll(root, 'a project in progress and three experts');
    const unknown = validateRepository(loadRepository(root), { today: '2020-06-01' }).filter((x) => x.rule === 'expert-category-unknown');
    expect(unknown.map((x) => x.file)).toEqual(['records/experts/e-3.yaml']);

    on('2020-06-01');
    await close({ root, subject: 'p-1', results: '完成馆藏数字化', committeeOpinion: '同意结项' });
    const closure = () => loadRepository(root).records.find((r) => r.kind === 'closure')!.data as any;
    expect(closure()).toMatchObject({ committee_opinion: '同意结项', committee_opinion_on: '2020-06-01' });
    await expect(rate({ root, subject: 'p-1', committeeOpinion: '同意' })).rejects.toThrow(/djyc close p-1 --committee-opinion/);
    on('2020-06-03');
    await close({ root, subject: 'p-1', committeeOpinion: '同意结项，成效明显' });
    expect(closure()).toMatchObject({ committee_opinion: '同意结项，成效明显', committee_opinion_on: '2020-06-03', results: '完成馆藏数字化' });
    const shown = djyc(['show', '2020-001', '--json'], { cwd: root, env: { DJYC_TODAY: '2020-06-03' } });
    expect(shown.code, shown.stderr).toBe(0);
    expect(readJson(shown.stdout).facts).toContainEqual({ label: { zh: '党委（党组）意见', en: "committee's opinion" }, value: '同意结项，成效明显（2020-06-03）' });
    // One djyc show for every record (an organisation too); a record that does not exist is a usage error.
    expect(djyc(['show', 'org-a'], { cwd: root }).code).toBe(0);
    expect(djyc(['show', 'no-such-record'], { cwd: root }).code).toBe(2);

    // Panels: fewer experts than panel_size only with a reason; an expert outside the categories is not drawn.
    await expect(drawPanel({ root, subject: 'p-1', size: 2, seed: 's' })).rejects.toThrow(/--reason/);
    const panel = await drawPanel({ root, subject: 'p-1', size: 2, seed: 's', reason: '本类别专家仅 2 人' });
    expect(panel.experts.map((e) => e.id).sort()).toEqual(['e-1', 'e-2']);
    const ev = loadRepository(root).records.find((r) => r.kind === 'evaluation')!.data as any;
    expect(ev.panel.size_reason).toBe('本类别专家仅 2 人');

    // The 领办公示 prints its notice period: the programme's window, or --from/--until.
    const p = loadRepository(root).records.find((r) => r.id === P)!.data as any;
    expect(noticePeriod(p, '2020-04-20')).toEqual({ from: '2020-05-01', until: '2020-05-10' });
    expect(noticePeriod(p, '2020-04-20', '2020-05-02', '2020-05-08')).toEqual({ from: '2020-05-02', until: '2020-05-08' });
    expect(() => noticePeriod(p, '2020-04-20', '2020-05-09', '2020-05-08')).toThrow(UsageError);
    const out = path.join(tempDir('djyc-notice-'), 'notice.html');
    const r = await buildNotice({ repo: loadRepository(root), programme: p, org: 'org-a', out, today: '2020-04-28', format: 'html' });
    expect(r.period).toEqual({ from: '2020-05-01', until: '2020-05-10' });
    expect(fs.readFileSync(out, 'utf8').replace(/<[^>]+>/g, '')).toContain('2020年5月1日至2020年5月10日');
    await expect(buildNotice({ repo: loadRepository(root), programme: { ...p, public: { ...p.public, claims: false } }, org: 'org-a', out, today: '2020-04-28', format: 'html' })).rejects.toThrow(/public\.claims/);
  });
});

describe('the command line: programme add / list, --programme, carry-over, select', () => {
  it('adds the next round, names the programme chosen among several, refuses bad input with exit 2 and writes nothing', async () => {
    const root = await repoWith('shuangling', 2020);
    const run = (args: string[], today: string) => djyc(args, { cwd: root, env: { DJYC_TODAY: today } });
    const before = head(root);
    expect(run(['programme', 'add', '--year', '21', '--preset', 'shuangling'], '2021-01-04')).toMatchObject({ code: 2 });
    expect(run(['programme', 'add', '--year', '2021'], '2021-01-04').code).toBe(2);
    expect(run(['programme', 'add', '--year', '2021', '--from', 'nope-2020'], '2021-01-04').code).toBe(2);
    expect(head(root)).toBe(before);
    const add = run(['programme', 'add', '--preset', 'shuangling', '--year', '2021', '--json'], '2021-01-04');
    expect(add.code, add.stderr).toBe(0);
    expect(readJson(add.stdout)).toMatchObject({ programme: 'shuangling-2021', year: 2021 });
    const list = readJson(run(['programme', 'list', '--json', '--today', '2021-06-01'], '2021-06-01').stdout);
    expect(list.programmes.map((p: any) => [p.id, p.current])).toEqual([['shuangling-2021', true], ['shuangling-2020', false]]);
    // A command acting on the round of the year says so on standard error when there are several.
    const org = run(['new-org', '--name', '区档案局支部', '--type', '党支部', '--id', 'org-a', '-y'], '2021-03-01');
    expect(org.code, org.stderr).toBe(0);
    const proj = run(['new-project', '--title', '档案数字化', '--category', '突出典型示范', '--source', '自行申报', '--org', 'org-a', '--id', 'p-2021-a', '-y'], '2021-03-05');
    expect(proj.code, proj.stderr).toBe(0);
    expect(proj.stderr).toMatch(/方案：shuangling-2021（2021 年度的方案；另有 shuangling-2020/);
    const ledger = run(['ledger', '--programme', 'shuangling-2020'], '2021-03-05');
    expect(ledger.stdout).toMatch(/年度：.*【2020 shuangling-2020】/);
    expect(run(['ledger', '--programme', 'shuangling-2019'], '2021-03-05').code).toBe(2);
    const suggestion = run(['select', '--award', 'top-ten-organisations'], '2021-12-20');
    expect(suggestion.code, suggestion.stderr).toBe(0);
    expect(suggestion.stdout + suggestion.stderr).toMatch(/建议/);
    expect(run(['select', '--award', 'top-ten-organisations', '--pick', 'org-a'], '2021-12-20').code).toBe(2);
    expect(run(['carry-over', 'p-2021-a', '--to', 'shuangling-2020'], '2021-03-05').code).toBe(1);
    expect(head(root)).not.toBe(before);
  });
});

describe("001: 抽检 of the applications", () => {
  it('samples from the applied projects (not the dropped or unfinished ones) and records results under the programme label', async () => {
    const root = await repoWith('dangjian-plus', 2017);
    const P = 'dangjian-plus-2017';
    const project = (id: string, stage: string, stages: string[]) => ['project', {
      id, programme: P, title: `项目${id}`, lead: 'org-a', categories: ['基层组织建设'], stage,
      history: stages.map((s, i) => ({ stage: s, date: `2017-04-${String(13 + i).padStart(2, '0')}` })),
    }] as [string, Record<string, unknown>];
    writeRecordFiles(root, [
      ['organisation', { id: 'org-a', name: '第一党支部', type: '党支部' }],
      project('p-1', 'applied', ['topic', 'argued', 'applied']),
      project('p-2', 'argued', ['topic', 'argued']),
      project('p-3', 'rejected', ['topic', 'argued', 'applied', 'rejected']),
      project('p-4', 'approved', ['topic', 'argued', 'applied', 'approved']),
    ]);
    commitAll(root, 'four projects');
    on('2017-05-02');
    await expect(recheck({ root, sample: 3, seed: 'dj' })).rejects.toThrow(/只有 2 个项目符合条件/);
    const drawn = await recheck({ root, sample: 2, seed: 'dj' });
    expect(drawn.sampled.map((s) => s.id).sort()).toEqual(['p-1', 'p-4']);
    await recordRecheck({ root, project: 'p-4', result: '需整改', note: '立项书缺少可行性分析' });
    const ledger = computeLedger(loadRepository(root), { today: '2017-05-03' });
    expect(ledger.recheck!.label).toBe('抽检');
    expect(ledger.recheck!.results.find((r) => r.project === 'p-4')).toMatchObject({ result: '需整改', passed: false, note: '立项书缺少可行性分析', checkedOn: '2017-05-02' });
    expect(ledger.recheck!.results.find((r) => r.project === 'p-1')!.result).toBeUndefined();
  });
});
