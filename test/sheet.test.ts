/**
 * Spreadsheet round-trip of a quarter's 执行书 against a real temporary repository: `djyc sheet` writes one row per
 * project and task that owes the report (ids in a hidden locked column, instructions first, a list of members for
 * 责任人); the workbook is filled in as a spreadsheet program would (exceljs: load, type into cells, save);
 * `djyc import` writes all 40 reports in one commit, and a workbook with one bad row writes nothing and names the cell.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as ExcelJS from '@cj-tech-master/excelts';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { djyc, git, initRepo, tempDir } from './helpers.js';

const at = (date: string) => ({ DJYC_TODAY: date, DJYC_USER: '测试员' });
const head = (repo: string) => git(repo, ['rev-parse', 'HEAD']).trim();
const porcelain = (repo: string) => git(repo, ['status', '--porcelain', '--untracked-files=all']);

function ok(repo: string, date: string, args: string[]) {
  const r = djyc(args, { cwd: repo, env: at(date) });
  expect(r.code, `${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(0);
  return r;
}

/** Types into the unlocked columns of every data row, as a branch would in a spreadsheet program. */
async function fill(from: string, to: string, edit: (row: ExcelJS.Row, n: number) => void): Promise<void> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(from);
  const sheet = wb.getWorksheet('执行书')!;
  for (let n = 2; n <= sheet.rowCount; n++) edit(sheet.getRow(n), n);
  await wb.xlsx.writeFile(to);
}

describe('djyc sheet --kind report → filled → djyc import', () => {
  let repo: string;
  let dir: string;
  beforeAll(() => {
    repo = initRepo('shuangling', 2020);
    dir = tempDir();
    ok(repo, '2020-03-01', ['new-org', '--name', '中共无锡市惠山区区级机关工作委员会', '--short-name', '区级机关工委', '--type', '党委']);
    const orgs = ['教育局', '住建局'];
    for (const o of orgs) ok(repo, '2020-03-01', ['new-org', '--name', `中共无锡市惠山区${o}机关支部委员会`, '--short-name', `区${o}机关支部`, '--type', '党支部', '--parent', '区级机关工委']);
    const people = ['赵一', '钱二', '孙三', '李四', '周五', '吴六'];
    people.forEach((m, i) => ok(repo, '2020-03-01', ['new-member', '--name', m, '--org', `区${orgs[i % 2]}机关支部`]));
    // 10 projects × 3 tasks = 40 subjects owing the 2020Q3 report.
    for (let i = 1; i <= 10; i++) ok(repo, '2020-03-10', ['new-project', '--title', `服务项目${i}`, '--category', '呼应群众普遍期待', '--source', '自行申报', '--org', `区${orgs[i % 2]}机关支部`, '--yes']);
    ok(repo, '2020-04-02', ['advance', '--stage', '项目申报', '--to', '项目认定']);
    for (let i = 1; i <= 10; i++) {
      const org = `区${orgs[i % 2]}机关支部`;
      const mine = people.filter((_, k) => k % 2 === i % 2);
      ok(repo, '2020-04-20', ['claim', `服务项目${i}`, '--org', org, '--leader', mine[0]!]);
      for (const m of mine) ok(repo, '2020-04-21', ['task', 'add', `服务项目${i}`, '--member', m, '--content', `${m}负责第${i}项`, '--due', '2020-11-10']);
    }
    ok(repo, '2020-05-01', ['advance', '--stage', '项目认领']);
    ok(repo, '2020-05-11', ['advance', '--stage', '领办公示']);
    ok(repo, '2020-05-11', ['advance', '--stage', '已认领']);
  });

  it('writes one row per subject owing 2020Q3, ids hidden and locked, instructions first, a member list for 责任人', async () => {
    const out = path.join(dir, 'q3.xlsx');
    const r = ok(repo, '2020-10-05', ['sheet', '--kind', 'report', '--quarter', '2020Q3', '-o', out]);
    expect(r.stdout).toContain('应报执行书 40 行');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    expect(wb.worksheets[0]!.name).toBe('填表说明');
    const sheet = wb.getWorksheet('执行书')!;
    expect(sheet.rowCount).toBe(41);
    expect(sheet.getColumn(1).hidden).toBe(true);
    expect(sheet.getRow(1).getCell(9).value).toBe('进展情况（必填）');
    expect(String(sheet.getRow(2).getCell(1).value)).toMatch(/^(p|t)-2020-/);
    expect(sheet.getRow(2).getCell(1).protection?.locked).not.toBe(false); // locked is Excel's default
    expect((sheet as unknown as { sheetProtection?: { sheet?: boolean } }).sheetProtection?.sheet).toBe(true);
    expect(sheet.getRow(2).getCell(9).protection?.locked).toBe(false);
    expect(sheet.getRow(2).getCell(12).dataValidation?.type).toBe('list');
    // --org: only that branch's rows.
    const jy = ok(repo, '2020-10-05', ['sheet', '--kind', 'report', '--quarter', '2020Q3', '--org', '区教育局机关支部', '-o', path.join(dir, 'jy.xlsx')]);
    expect(jy.stdout).toContain('应报执行书 20 行');
  });

  it('one bad row writes nothing and names its cell', async () => {
    const before = head(repo);
    const bad = path.join(dir, 'bad.xlsx');
    await fill(path.join(dir, 'q3.xlsx'), bad, (row, n) => {
      if (n !== 7) row.getCell(9).value = `第${n}行进展`;
      row.getCell(12).value = n === 9 ? '查无此人' : null;
    });
    const r = djyc(['import', bad], { cwd: repo, env: at('2020-10-09') });
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toContain('执行书!I7 “进展情况（必填）”：“进展情况（必填）”不能为空');
    expect(r.stdout + r.stderr).not.toMatch(/\{\w+\}/);
    expect(r.stdout + r.stderr).toContain('执行书!L9');
    expect(r.stdout + r.stderr).toContain('查无此人');
    expect(r.stderr).toContain('未写入任何文件');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(head(repo)).toBe(before);
    expect(porcelain(repo)).toBe('');
  });

  it('the filled sheet imports 40 reports in one commit; the quarter is then no longer owed', async () => {
    const before = head(repo);
    const filled = path.join(dir, 'filled.xlsx');
    await fill(path.join(dir, 'q3.xlsx'), filled, (row, n) => {
      row.getCell(9).value = `第${n}行：完成集中整治`;
      row.getCell(10).value = '无';
      row.getCell(11).value = '巩固成果';
      row.getCell(12).value = '赵一';
      if (n === 2) row.getCell(13).value = new Date(Date.UTC(2020, 9, 8));
    });
    const r = ok(repo, '2020-10-09', ['import', filled]);
    expect(r.stdout).toContain('导入 40 份 2020Q3 执行书');
    expect(git(repo, ['rev-list', '--count', `${before}..HEAD`]).trim()).toBe('1');
    const files = git(repo, ['show', '--name-only', '--format=', 'HEAD']).trim().split('\n');
    expect(files).toHaveLength(40);
    expect(files.every((f) => f.startsWith('records/reports/'))).toBe(true);
    const reports = files.map((f) => parse(fs.readFileSync(path.join(repo, f), 'utf8')));
    expect(reports.every((x) => x.quarter === '2020Q3' && /完成集中整治/.test(x.progress) && x.next_steps === '巩固成果' && /^m-zhaoyi-/.test(x.responsible))).toBe(true);
    expect(reports.map((x) => x.submitted_on).sort()[0]).toBe('2020-10-08');
    expect(porcelain(repo)).toBe('');
    const again = ok(repo, '2020-10-09', ['sheet', '--kind', 'report', '--quarter', '2020Q3', '-o', path.join(dir, 'again.xlsx')]);
    expect(again.stdout).toContain('应报执行书 0 行');
    // Importing the same sheet twice refuses every row: nothing written.
    const twice = djyc(['import', filled], { cwd: repo, env: at('2020-10-09') });
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain('已填报');
  });

  it('a blank roster sheet (members) comes back through djyc import: drop-down of organisations, one commit, bad cell named', async () => {
    const blank = path.join(dir, 'roster.xlsx');
    const r = ok(repo, '2020-10-10', ['sheet', '--kind', 'member', '-o', blank]);
    expect(r.stdout).toContain('党员名册');
    const fillRoster = async (to: string, org: string) => {
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile(blank);
      expect(wb.worksheets[0]!.name).toBe('填表说明');
      const sheet = wb.getWorksheet('党员名册')!;
      expect(sheet.getRow(1).getCell(1).value).toBe('姓名');
      expect(sheet.getRow(2).getCell(2).dataValidation?.type).toBe('list');
      sheet.getRow(2).getCell(1).value = '郑七';
      sheet.getRow(2).getCell(2).value = '区教育局机关支部';
      sheet.getRow(3).getCell(1).value = '王八';
      sheet.getRow(3).getCell(2).value = org;
      await wb.xlsx.writeFile(to);
    };
    const before = head(repo);
    await fillRoster(path.join(dir, 'roster-bad.xlsx'), '不存在的支部');
    const bad = djyc(['import', path.join(dir, 'roster-bad.xlsx')], { cwd: repo, env: at('2020-10-10') });
    expect(bad.code).toBe(1);
    expect(bad.stdout + bad.stderr).toContain('党员名册!B3');
    expect(head(repo)).toBe(before);
    await fillRoster(path.join(dir, 'roster.filled.xlsx'), '区住建局机关支部');
    const good = ok(repo, '2020-10-10', ['import', path.join(dir, 'roster.filled.xlsx')]);
    expect(good.stdout).toContain('导入 2 个党员');
    expect(git(repo, ['rev-list', '--count', `${before}..HEAD`]).trim()).toBe('1');
    expect(porcelain(repo)).toBe('');
  });
});
