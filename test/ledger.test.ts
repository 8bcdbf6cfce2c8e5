import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse as parseCsv } from 'csv-parse/sync';
import { djyc, initRepo, readJson, tempDir } from './helpers.js';
import { baseRecords, buildFixture, commitAll, writeRecordFiles, PHONE, PROGRAMME } from './ledger-fixture.js';
import { loadRepository } from '../src/store/repo.js';
import { computeLedger, type Ledger } from '../src/domain/ledger.js';

const TODAY = '2021-01-20';

describe('computeLedger (pure core)', () => {
  let root: string;
  let ledger: Ledger;
  beforeAll(() => {
    root = buildFixture();
    ledger = computeLedger(loadRepository(root), { today: TODAY });
  });

  it('lists projects with lead, person in charge, stage and tasks', () => {
    expect(ledger.programme).toMatchObject({ id: PROGRAMME, shortName: '双领一创', year: 2020 });
    const pa = ledger.projects.find((p) => p.id === 'p-a')!;
    expect(pa).toMatchObject({
      number: '2020-001', title: '教育惠民服务项目', lead: { id: 'org-jy', name: '教育局支部' }, leader: { id: 'm-zhang', name: '张明' },
      stage: { id: 'implementing', label: '实施推进', since: '2020-05-11', final: false }, tasks: 2, taskHolders: 2,
    });
    const pb = ledger.projects.find((p) => p.id === 'p-b')!;
    expect(pb.lead).toBeUndefined();
    expect(pb.proposedBy).toEqual({ id: 'org-wj', name: '卫健委支部' });
    expect(pb.stage.label).toBe('项目申报');
  });

  it('judges quarterly reports: on time ≤ quarter end + grace_days, late after, missing once overdue', () => {
    const pa = ledger.projects.find((p) => p.id === 'p-a')!;
    // Implementation from 2020-05-11: Q2, Q3, Q4 owed. Q2 filed 07-08 (≤ 07-10), Q3 filed 10-15 (> 10-10), Q4 not filed by 01-20 (due 01-10).
    expect(pa.reports).toMatchObject({ required: 3, filed: 2, onTime: 1, late: 1, missing: 1, pending: 0, quartersFiled: ['2020Q2', '2020Q3'], quartersMissing: ['2020Q4'] });
    const t1 = ledger.tasks.find((t) => t.id === 't-a1')!;
    expect(t1.reports).toMatchObject({ required: 3, filed: 1, late: 1, missing: 2 });
    // t-a2 was claimed but never entered 实施: it owes no report yet (same rule as the reports-due-filed guard).
    const t2 = ledger.tasks.find((t) => t.id === 't-a2')!;
    expect(t2.reports).toMatchObject({ required: 0, filed: 0, missing: 0, pending: 0 });
    expect(ledger.projects.find((p) => p.id === 'p-b')!.reports.required).toBe(0);
    expect(ledger.totals.reports).toEqual({ required: 6, filed: 3, onTime: 1, late: 2, undated: 0, missing: 3, pending: 0 });
    // Ten days earlier the Q4 reports are not yet due.
    const early = computeLedger(loadRepository(root), { today: '2021-01-05' });
    expect(early.projects.find((p) => p.id === 'p-a')!.reports).toMatchObject({ required: 2, missing: 0, pending: 1 });
    const q4 = early.obligations.find((o) => o.subject === 'p-a' && o.quarter === '2020Q4')!;
    expect(q4).toMatchObject({ due: '2021-01-10', status: 'pending', required: true });
  });

  it('reports ratings: four-level opinions, poll, and their distribution', () => {
    const t1 = ledger.tasks.find((t) => t.id === 't-a1')!;
    expect(t1.ratings).toMatchObject({ branchRating: '好', committeeRating: '较好', poll: { participants: 20, votes: { 好: 15, 较好: 4, 一般: 1, 较差: 0 } }, evaluations: ['ev-t1'] });
    expect(ledger.totals.ratings).toEqual({ 好: 0, 较好: 1, 一般: 0, 较差: 0 });
    expect(ledger.totals.stars).toEqual({}); // 双领一创 has no stars
  });

  it('computes coverage per organisation: members holding a task / members, exemptions, projects led', () => {
    const jy = ledger.coverage.find((c) => c.organisation.id === 'org-jy')!;
    expect(jy).toMatchObject({ members: 3, holders: 2, exempt: 1, without: [], projectsLed: 1, projectsJoined: 0, brands: 1 });
    expect(jy.coverage).toBeCloseTo(2 / 3);
    const wj = ledger.coverage.find((c) => c.organisation.id === 'org-wj')!;
    expect(wj).toMatchObject({ members: 2, holders: 0, coverage: 0, projectsLed: 0 });
    expect(wj.without.sort()).toEqual(['赵强', '钱伟'].sort());
    expect(ledger.totals.coverage).toMatchObject({ members: 5, holders: 2, exempt: 1, ratio: 0.4 });
    expect(ledger.totals.projectStages).toMatchObject({ proposed: 1, implementing: 1, accepted: 0 });
  });

  it('filters by organisation, including those under it', () => {
    const wj = computeLedger(loadRepository(root), { today: TODAY, org: 'org-wj' });
    expect(wj.projects.map((p) => p.id)).toEqual(['p-b']); // proposed by it, no lead yet
    expect(wj.tasks).toEqual([]);
    expect(wj.coverage.map((c) => c.organisation.id)).toEqual(['org-wj']);
    const jy = computeLedger(loadRepository(root), { today: TODAY, org: 'org-jy' });
    expect(jy.projects.map((p) => p.id)).toEqual(['p-a']);
    expect(jy.tasks.map((t) => t.id).sort()).toEqual(['t-a1', 't-a2']);
    const all = computeLedger(loadRepository(root), { today: TODAY, org: 'org-gw' });
    expect(all.coverage.map((c) => c.organisation.id).sort()).toEqual(['org-gw', 'org-jy', 'org-wj']);
    expect(all.projects.map((p) => p.id).sort()).toEqual(['p-a', 'p-b']);
  });

  it('stops owing reports once closure is requested', () => {
    const dir = initRepo('shuangling', 2020);
    const recs = baseRecords().map(([k, d]) => {
      if (d.id !== 'p-a') return [k, d] as [string, Record<string, unknown>];
      return [k, { ...d, stage: 'closing', history: [...(d.history as object[]), { stage: 'closing', from: 'implementing', date: '2020-11-10' }] }] as [string, Record<string, unknown>];
    });
    writeRecordFiles(dir, recs);
    commitAll(dir, 'closing');
    const l = computeLedger(loadRepository(dir), { today: TODAY });
    expect(l.projects.find((p) => p.id === 'p-a')!.reports).toMatchObject({ required: 2, missing: 0 });
    expect(l.projects.find((p) => p.id === 'p-a')!.stage).toMatchObject({ id: 'closing', since: '2020-11-10' });
  });
});

describe('djyc ledger (CLI)', () => {
  let root: string;
  let out: string;
  beforeAll(() => {
    root = buildFixture();
    out = tempDir('djyc-ledger-');
  });

  it('writes an xlsx with Chinese sheets and headers, a frozen header row and column widths', async () => {
    const file = path.join(out, '台账.xlsx');
    const r = djyc(['ledger', '--format', 'xlsx', '-o', file, '--today', TODAY], { cwd: root });
    expect(r.code, r.stderr).toBe(0);
    const { Workbook } = await import('@cj-tech-master/excelts');
    const wb = new Workbook();
    await wb.xlsx.load(fs.readFileSync(file) as never);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['项目台账', '任务台账', '品牌台账', '覆盖情况']);
    const projects = wb.getWorksheet('项目台账')!;
    const header = (projects.getRow(1).values as unknown[]).slice(1);
    expect(header).toEqual(expect.arrayContaining(['序号', '项目编号', '项目名称', '领办单位', '负责人', '阶段', '执行书', '已报季度', '结项', '验收']));
    expect(header).not.toContain('联办单位'); // 双领一创: one organisation leads
    expect(projects.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(projects.getRow(1).font?.bold).toBe(true);
    const titleCol = header.indexOf('项目名称') + 1;
    expect(projects.getColumn(titleCol).width).toBeGreaterThanOrEqual(16);
    expect(projects.getRow(2).getCell(titleCol).value).toBe('教育惠民服务项目');
    expect(projects.getRow(2).getCell(1).value).toBe(1);
    const tasks = wb.getWorksheet('任务台账')!;
    expect((tasks.getRow(1).values as unknown[]).slice(1)).toEqual(expect.arrayContaining(['任务内容', '领办党员', '支委会意见', '党委意见', '群众测评']));
    const coverage = wb.getWorksheet('覆盖情况')!;
    const covHeader = (coverage.getRow(1).values as unknown[]).slice(1);
    const rateCol = covHeader.indexOf('覆盖率') + 1;
    const jyRow = [2, 3, 4].map((n) => coverage.getRow(n)).find((row) => row.getCell(1).value === '教育局支部')!;
    expect(jyRow.getCell(rateCol).value).toBeCloseTo(2 / 3);
    expect(jyRow.getCell(rateCol).numFmt).toBe('0.0%');
    // No phone numbers anywhere in the workbook.
    for (const ws of wb.worksheets) ws.eachRow((row) => row.eachCell((c) => expect(String(c.value)).not.toMatch(/1[3-9]\d{9}/)));
  });

  it('writes CSV with a UTF-8 BOM, one table at a time', () => {
    const r = djyc(['ledger', '--format', 'csv', '--today', TODAY], { cwd: root });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.charCodeAt(0)).toBe(0xfeff);
    expect(r.stdout).toContain('\r\n');
    const rows = parseCsv(r.stdout, { bom: true }) as string[][];
    expect(rows[0]!.slice(0, 3)).toEqual(['序号', '项目编号', '项目名称']);
    expect(rows[1]![2]).toBe('教育惠民服务项目');
    const cov = parseCsv(djyc(['ledger', '--format', 'csv', '--table', 'coverage', '--today', TODAY], { cwd: root }).stdout, { bom: true }) as string[][];
    expect(cov[0]![0]).toBe('党组织');
    expect(cov.find((row) => row[0] === '教育局支部')![5]).toBe('66.7%');
  });

  it('prints a table and Markdown with totals, in Chinese or English, without phone numbers', () => {
    const table = djyc(['ledger', '--today', TODAY], { cwd: root });
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('■ 项目台账');
    expect(table.stdout).toContain('执行书：应报 6，已报 3（按时 1，逾期报送 2），未报 3');
    const md = djyc(['ledger', '--format', 'md', '--today', TODAY], { cwd: root });
    expect(md.stdout).toContain('## 任务台账');
    expect(md.stdout).toMatch(/\| 序号 \| 项目编号 \| 项目名称 \|/);
    const en = djyc(['ledger', '--lang', 'en', '--today', TODAY], { cwd: root });
    expect(en.stdout).toContain('reports: owed 6, filed 3 (on time 1, late 2), missing 3');
    const json = djyc(['ledger', '--format', 'json', '--today', TODAY], { cwd: root });
    expect(readJson<Ledger>(json.stdout).totals.reports.late).toBe(2);
    for (const r of [table, md, en, json]) {
      expect(r.stdout).not.toContain(PHONE);
      expect(r.stdout).not.toContain('13912345678');
    }
  });

  it('writes files atomically with -o and refuses bad options with exit 2', () => {
    const file = path.join(out, 'ledger.md');
    expect(djyc(['ledger', '--format', 'md', '-o', file, '--today', TODAY], { cwd: root }).code).toBe(0);
    expect(fs.readFileSync(file, 'utf8')).toContain('# 双领一创 台账');
    expect(fs.readdirSync(out).filter((f) => f.includes('djyc-tmp'))).toEqual([]);
    expect(djyc(['ledger', '--format', 'xlsx'], { cwd: root }).code).toBe(2);
    expect(djyc(['ledger', '--format', 'pdf'], { cwd: root }).code).toBe(2);
    expect(djyc(['ledger', '--org', 'org-none'], { cwd: root }).code).toBe(2);
    expect(djyc(['ledger', '--programme', 'nope'], { cwd: root }).code).toBe(2);
    expect(djyc(['ledger', '--table', 'nope'], { cwd: root }).code).toBe(2);
  });

  it('adapts its columns to the programme: 联办单位 and 加分 for 组团式领办', () => {
    const dir = initRepo('zutuan', 2017);
    writeRecordFiles(dir, [
      ['organisation', { id: 'org-a', name: '市委组织部机关党委', type: '党委' }],
      ['organisation', { id: 'org-b', name: '市财政局机关党委', type: '党委' }],
      ['project', { id: 'p-z', programme: 'zutuan-2017', title: '组团式项目', lead: 'org-a', co_organisers: [{ organisation: 'org-b' }], stage: 'reviewed', history: [{ stage: 'reviewed', date: '2017-12-20' }] }],
      ['evaluation', { id: 'ev-z', programme: 'zutuan-2017', subject: 'p-z', acceptance: { date: '2017-12-15', result: 'pass' }, bonus_points: 15, rated_on: '2017-12-20' }],
    ]);
    commitAll(dir, 'zutuan');
    const rows = parseCsv(djyc(['ledger', '--format', 'csv', '--today', '2017-12-31'], { cwd: dir }).stdout, { bom: true, columns: true }) as Record<string, string>[];
    expect(rows[0]).toMatchObject({ 牵头单位: '市委组织部机关党委', 联办单位: '市财政局机关党委', 加分: '15', 验收: '通过（2017-12-15）' });
    const l = computeLedger(loadRepository(dir), { today: '2017-12-31' });
    expect(l.totals.bonus).toEqual({ count: 1, sum: 15 });
    expect(l.totals.acceptance).toEqual({ pass: 1, rework: 0, passedAfterRework: 0, rounds: 1, reworkRounds: 0 });
    expect(l.coverage.find((c) => c.organisation.id === 'org-b')!.projectsJoined).toBe(1);
  });
});
