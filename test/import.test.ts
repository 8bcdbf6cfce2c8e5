/**
 * `djyc import`: seed 002's 附1 (18 projects, the seed's own column headers) from CSV (UTF-8 with BOM, GBK) and
 * xlsx; organisations matched by name or created; all rows valid or nothing written; one commit; every problem
 * at file:line:col of the imported file (xlsx cells also as Sheet1!D5).
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parse as parseCsv } from 'csv-parse/sync';
import { ROOT, djyc, git, initRepo, tempDir } from './helpers.js';
import { decodeText, readTable } from '../src/commands/import-table.js';
import { guessOrgType, normName, parseDateCell } from '../src/commands/import-cells.js';

const FIXTURES = path.join(ROOT, 'test', 'fixtures');
const CSV = path.join(FIXTURES, 'zutuan-2017-tasks.csv');
const XLSX = path.join(FIXTURES, 'zutuan-2017-tasks.xlsx');
const GBK = path.join(FIXTURES, 'zutuan-2017-tasks.gbk.csv');
const SEED = (parseCsv(fs.readFileSync(CSV), { bom: true }) as string[][]).slice(1);

const commits = (dir: string) => Number(git(dir, ['rev-list', '--count', 'HEAD']).trim());
const clean = (dir: string) => git(dir, ['status', '--porcelain', '--untracked-files=all']);

function records(dir: string, kind: string): any[] {
  const folder = path.join(dir, 'records', kind);
  return fs.readdirSync(folder).filter((f) => f.endsWith('.yaml')).map((f) => parse(fs.readFileSync(path.join(folder, f), 'utf8')));
}

/** The imported projects in seed order, each with its lead organisation's name. */
function imported(dir: string) {
  const orgs = new Map(records(dir, 'organisations').map((o) => [o.id, o]));
  return records(dir, 'projects')
    .map((p) => ({ ...p, leadName: orgs.get(p.lead)?.name, line: Number(/第 (\d+) 行/.exec(p.history[0].note)?.[1]) }))
    .sort((a, b) => a.line - b.line);
}

function copyFixture(name: string, into: string): string {
  const target = path.join(into, name);
  fs.copyFileSync(path.join(FIXTURES, name), target);
  return target;
}

describe('seed 002 附1: 18 projects with the seed\'s own column headers', () => {
  let repo: string;
  beforeAll(() => {
    repo = initRepo('zutuan', 2017);
  });

  it('the fixture is the seed\'s table: 18 rows, the five headers, 自主申报 everywhere', () => {
    const rows = parseCsv(fs.readFileSync(CSV), { bom: true }) as string[][];
    expect(fs.readFileSync(CSV).subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(rows[0]).toEqual(['序号', '项目名称', '项目内容及目标要求', '牵头单位', '申报参与单位']);
    expect(SEED).toHaveLength(18);
    expect(SEED.map((r) => r[0])).toEqual(Array.from({ length: 18 }, (_, i) => String(i + 1)));
    expect(new Set(SEED.map((r) => r[4]))).toEqual(new Set(['自主申报']));
    expect(SEED[0]![3]).toBe('市行政执法局直属机关党委');
    expect(SEED[3]![3]).toBe('金华职业技术学院党委');
    expect(SEED[11]![3]).toBe('市府办直属机关党委（市科技局）');
    expect(SEED[16]![3]).toBe('市宣传系统直属机关党委（体育局）');
    expect(SEED[17]![3]).toBe('市公安局机关党委');
  });

  it('without --create-missing, every unknown lead unit is reported at its cell (file:line:4), nothing written', () => {
    const before = commits(repo);
    const r = djyc(['import', CSV, '--kind', 'project'], { cwd: repo });
    expect(r.code).toBe(1);
    const lines = r.stderr.split('\n').filter((l) => l.includes('import-org-unknown'));
    expect(lines).toHaveLength(18);
    expect(lines[0]).toBe(`${CSV}:2:4  错误  “牵头单位”：找不到党组织“市行政执法局直属机关党委”（可先导入党组织，或加 --create-missing 自动新建）  [import-org-unknown]`);
    expect(lines[17]).toContain(`${CSV}:19:4  错误`);
    expect(r.stderr).toContain('未写入任何文件');
    expect(r.stderr).not.toContain('    at ');
    expect(commits(repo)).toBe(before);
    expect(clean(repo)).toBe('');
  });

  it('--dry-run checks everything and writes nothing', () => {
    const before = commits(repo);
    const r = djyc(['import', CSV, '--kind', 'project', '--create-missing', '--dry-run'], { cwd: repo });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('试运行');
    expect(r.stdout).toContain('可导入 18 个项目，并新建党组织 18 个');
    expect(commits(repo)).toBe(before);
    expect(clean(repo)).toBe('');
  });

  it('--create-missing: 18 valid project records and their 18 lead organisations, in ONE commit', async () => {
    const before = commits(repo);
    const r = djyc(['import', CSV, '--kind', 'project', '--create-missing'], { cwd: repo });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('导入 18 个项目，新建党组织 18 个');
    expect(r.stdout).toContain('编码：UTF-8（带 BOM）');
    expect(commits(repo)).toBe(before + 1);
    expect(git(repo, ['log', '-1', '--format=%s'])).toBe('djyc import: 18 projects, 18 new organisations from zutuan-2017-tasks.csv\n');
    expect(git(repo, ['show', '--name-only', '--format=', 'HEAD']).trim().split('\n')).toHaveLength(36);
    expect(clean(repo)).toBe('');

    const projects = imported(repo);
    expect(projects).toHaveLength(18);
    projects.forEach((p, i) => {
      const [, title, content, lead, participants] = SEED[i]!;
      expect(p).toMatchObject({ programme: 'zutuan-2017', title, content, stage: 'listed', leadName: lead, proposed_by: p.lead });
      expect(participants).toBe('自主申报');
      expect(p.co_organisers).toBeUndefined(); // 自主申报: co-organisers apply later
      expect(p.categories).toBeUndefined(); // nothing inferred
      expect(p.id).toMatch(/^p-2017-[a-z0-9]+-[a-z0-9]{5}$/);
      expect(p.line).toBe(i + 2);
      expect(p.sequence).toBe(Number(SEED[i]![0])); // the 工委's own 序号 is kept
    });
    // 附1 lists them in the 工委's order (序号), not by record id.
    const { selectTargets } = await import('../src/output/forms/targets.js');
    const { viewContext } = await import('../src/commands/render.js');
    const { formDocument } = await import('../src/output/forms/document.js');
    const { loadRepository } = await import('../src/store/repo.js');
    const { resolveProgramme } = await import('../src/domain/programme.js');
    const loaded = loadRepository(repo);
    const vctx = viewContext(loaded, resolveProgramme(loaded), { today: '2017-05-01' });
    const list = selectTargets(vctx.index, vctx.programme, { forms: ['task-list'] });
    const listed = (formDocument(vctx, list[0]!).view.projects as { title: string }[]).map((x) => x.title);
    expect(listed).toEqual(SEED.map((row) => row[1]));
    const orgs = records(repo, 'organisations');
    expect(orgs).toHaveLength(18);
    expect(orgs.every((o) => o.type === '党委')).toBe(true);
    for (const f of fs.readdirSync(path.join(repo, 'records/projects')).filter((x) => x.endsWith('.yaml'))) {
      expect(fs.readFileSync(path.join(repo, 'records/projects', f), 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=../../schemas/project.schema.json');
    }
    // The whole repository validates: every organisation leads one project, as 002 requires.
    for (const today of ['2017-05-01', '2017-12-31']) {
      const v = djyc(['validate', '--today', today], { cwd: repo });
      expect(v.stdout).toContain('✓ 未发现问题');
      expect(v.code).toBe(0);
    }
  });

  it('importing the same list again is refused: each title already exists (exit 1)', () => {
    const before = commits(repo);
    const r = djyc(['import', CSV, '--kind', 'project', '--create-missing'], { cwd: repo });
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n').filter((l) => l.includes('[import-exists]'))).toHaveLength(18);
    expect(r.stderr).toContain(`${CSV}:2:2  错误  “项目名称”：项目“制订党员干部学分制管理制度”已在记录库中（p-2017-`);
    expect(commits(repo)).toBe(before);
  });
});

describe('the same table from xlsx and from a GBK CSV', () => {
  it('xlsx: the same 18 projects', () => {
    const repo = initRepo('zutuan', 2017);
    const r = djyc(['import', XLSX, '--kind', 'project', '--create-missing'], { cwd: repo });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('（Sheet1）');
    const projects = imported(repo);
    expect(projects.map((p) => [p.title, p.content, p.leadName])).toEqual(SEED.map((r) => [r[1], r[2], r[3]]));
    expect(djyc(['validate'], { cwd: repo }).code).toBe(0);
  });

  it('xlsx: an unknown organisation is reported as Sheet1!D5 and at line 5, column 4', () => {
    const repo = initRepo('zutuan', 2017);
    const r = djyc(['import', XLSX, '--kind', 'project', '--lang', 'en'], { cwd: repo });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${XLSX}:5:4  error  Sheet1!D5 "牵头单位": no organisation "金华职业技术学院党委" (import organisations first, or add --create-missing)  [import-org-unknown]`);
  });

  it('GBK (GB18030) CSV from Excel on Chinese Windows: detected, said so, same records', () => {
    const repo = initRepo('zutuan', 2017);
    const r = djyc(['import', GBK, '--kind', 'project', '--create-missing'], { cwd: repo });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('不是 UTF-8 编码，已按 GB18030（GBK）读取');
    expect(r.stdout).toContain('编码：GB18030（GBK）');
    expect(imported(repo).map((p) => [p.title, p.content, p.leadName])).toEqual(SEED.map((row) => [row[1], row[2], row[3]]));
  });
});

describe('organisations first, then projects matched by name', () => {
  it('names match across full-width/half-width brackets and whitespace; nothing created', () => {
    const repo = initRepo('zutuan', 2017);
    const dir = tempDir();
    // An organisation ledger as an office keeps it: half-width brackets, stray spaces, short names, a parent below its children.
    const leads = [...new Set(SEED.map((r) => r[3]!))];
    const rows = leads.map((name, i) => {
      const written = name.replace('（', ' (').replace('）', ')');
      return `${written},单位${i + 1},,,中共金华市直属机关工作委员会`;
    });
    const orgCsv = path.join(dir, 'orgs.csv');
    fs.writeFileSync(orgCsv, ['党组织名称,简称,组织类型,所在单位,上级党组织', ...rows, '中共金华市直属机关工作委员会,市直机关工委,机关工委,,'].join('\r\n'));
    const o = djyc(['import', orgCsv, '--kind', 'org'], { cwd: repo });
    // Warnings only: 002 wants every organisation to lead or join a project, and none does yet.
    expect(o.stderr).not.toContain('错误');
    expect(o.stderr).toContain(`${orgCsv}:2:1  警告  “党组织名称”：党组织“单位1”领办或参与联办的项目 0 个，方案要求至少 1 个`);
    expect(o.code).toBe(0);
    expect(o.stdout).toContain('导入 19 个党组织');
    const orgs = records(repo, 'organisations');
    const gongwei = orgs.find((x) => x.short_name === '市直机关工委');
    expect(gongwei).toMatchObject({ type: '机关工委' });
    expect(orgs.filter((x) => x.parent === gongwei.id)).toHaveLength(18);
    expect(orgs.find((x) => x.name === '市府办直属机关党委(市科技局)')).toMatchObject({ type: '党委', short_name: '单位12' });

    const before = commits(repo);
    const r = djyc(['import', CSV, '--kind', 'project', '--json'], { cwd: repo });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.records).toHaveLength(18);
    expect(out.createdOrganisations).toEqual([]);
    expect(out.encoding).toBe('utf-8-bom');
    expect(commits(repo)).toBe(before + 1);
    const byName = new Map(orgs.map((x) => [normName(x.name), x.id]));
    imported(repo).forEach((p, i) => expect(p.lead).toBe(byName.get(normName(SEED[i]![3]!))));
    // During the application window 002's rule holds: the 工委 itself leads nothing yet (a warning, not an error).
    const v = djyc(['validate', '--today', '2017-05-01'], { cwd: repo });
    expect(v.code).toBe(0);
  });
});

describe('all rows valid or nothing written', () => {
  const write = (name: string, text: string) => {
    const f = path.join(tempDir(), name);
    fs.writeFileSync(f, text);
    return f;
  };

  it('one bad row among good ones: every problem at its cell, nothing written', () => {
    const repo = initRepo('zutuan', 2017);
    const f = write('list.csv', [
      '序号,项目名称,项目类别,牵头单位,申报参与单位,完成时限,备注',
      '1,项目一,制度机制,甲党委,自主申报,2017-11-30,',
      '2,项目二,不存在的类别,甲党委,"乙党委、丙党支部",2017年11月底,',
      '3,项目三,党建+活动,乙党委,,2017-02-29,',
      '4,项目一,制度机制,甲党委,,,',
      '5,,制度机制,甲党委,,,',
    ].join('\n'));
    const before = commits(repo);
    const r = djyc(['import', f, '--kind', 'project', '--create-missing', '--json'], { cwd: repo });
    expect(r.code).toBe(1);
    const problems = JSON.parse(r.stdout).problems.map((p: any) => [p.line, p.col, p.severity, p.rule]);
    expect(problems).toEqual([
      [1, 7, 'warning', 'import-unknown-column'],
      [3, 3, 'error', 'import-invalid'],
      [4, 6, 'error', 'import-date'],
      [5, 2, 'error', 'import-duplicate-row'],
      [6, 2, 'error', 'import-required'],
    ]);
    expect(commits(repo)).toBe(before);
    expect(clean(repo)).toBe('');
    expect(fs.readdirSync(path.join(repo, 'records/organisations'))).toEqual(['.gitkeep']);
  });

  it('strict CSV: an unclosed quote is reported where it opens, a ragged row at its line', () => {
    const repo = initRepo('zutuan', 2017);
    const quote = write('q.csv', '项目名称,牵头单位\n项目一,甲党委\n"项目二,甲党委\n项目三,甲党委\n');
    const a = djyc(['import', quote, '--kind', 'project', '--create-missing'], { cwd: repo });
    expect(a.code).toBe(1);
    expect(a.stderr).toContain(`${quote}:3:1  错误  CSV 格式错误：引号未闭合`);
    const ragged = write('r.csv', '项目名称,牵头单位\n"项目\n一",甲党委\n项目二,甲党委,多余\n');
    const b = djyc(['import', ragged, '--kind', 'project', '--create-missing'], { cwd: repo });
    expect(b.code).toBe(1);
    expect(b.stderr).toContain(`${ragged}:4:3  错误  CSV 格式错误：这一行有 3 列，表头有 2 列`);
    expect(clean(repo)).toBe('');
  });

  it('usage errors exit 2: unknown --kind, missing file; a missing column exit 1 naming the accepted headers', () => {
    const repo = initRepo('zutuan', 2017);
    expect(djyc(['import', CSV, '--kind', 'projects'], { cwd: repo }).code).toBe(2);
    const missing = djyc(['import', 'nope.csv', '--kind', 'project'], { cwd: repo });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('找不到要导入的文件：nope.csv');
    const f = write('x.csv', '序号,牵头单位\n1,甲党委\n');
    const col = djyc(['import', f, '--kind', 'project'], { cwd: repo });
    expect(col.code).toBe(1);
    expect(col.stderr).toContain('缺少“项目名称”列（可用的列名：项目名称 / 名称 / 项目 / title / name）');
  });
});

describe('members', () => {
  it('members matched to organisations by short name; phones stored quoted; a bad phone never printed', () => {
    const repo = initRepo('shuangling', 2020);
    const dir = tempDir();
    const orgs = path.join(dir, 'orgs.csv');
    fs.writeFileSync(orgs, '党组织名称,简称\n中共某局机关第一支部委员会,第一支部\n中共某局机关第二支部委员会,第二支部\n');
    expect(djyc(['import', orgs, '--kind', 'org'], { cwd: repo }).code).toBe(0);
    const bad = path.join(dir, 'bad.csv');
    fs.writeFileSync(bad, '姓名,所在党组织,行政职务,党内职务,联系电话\n张三,第一支部,科长,支部书记,13800138000\n李四,第二支部,科员,党员,1380013800x\n');
    const r = djyc(['import', bad, '--kind', 'member'], { cwd: repo });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${bad}:3:5  错误  “联系电话”：“联系电话（phone）”的格式不正确`);
    expect(r.stderr).not.toContain('1380013800x');
    expect(r.stderr).not.toContain('13800138000');
    const good = path.join(dir, 'good.csv');
    fs.writeFileSync(good, 'name,organisation,admin_title,party_title,phone\n张三,第一支部,科长,支部书记,13800138000\n李四,中共某局机关第二支部委员会,科员,党员,\n');
    const ok = djyc(['import', good, '--kind', 'member'], { cwd: repo, env: { DJYC_TODAY: '2020-03-05' } });
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    const texts = fs.readdirSync(path.join(repo, 'records/members')).filter((f) => f.endsWith('.yaml')).map((f) => fs.readFileSync(path.join(repo, 'records/members', f), 'utf8'));
    expect(texts.some((t) => t.includes('phone: "13800138000"'))).toBe(true);
    expect(djyc(['validate', '--today', '2020-03-05'], { cwd: repo }).code).toBe(0);
  });
});

describe('import core helpers', () => {
  it('decodes UTF-8 with and without BOM, and GB18030', () => {
    expect(decodeText(Buffer.from('\ufeff党委', 'utf8'))).toEqual({ text: '党委', encoding: 'utf-8-bom' });
    expect(decodeText(Buffer.from('党委', 'utf8'))).toEqual({ text: '党委', encoding: 'utf-8' });
    expect(decodeText(Buffer.from([0xb5, 0xb3, 0xce, 0xaf]))).toEqual({ text: '党委', encoding: 'gb18030' });
  });

  it('guesses organisation types from names', () => {
    expect(guessOrgType('市府办直属机关党委（市科技局）')).toBe('党委');
    expect(guessOrgType('示范区卫健委党总支')).toBe('党总支');
    expect(guessOrgType('中共某局机关第一支部委员会')).toBe('党支部');
    expect(guessOrgType('市教育局机关支部')).toBe('党支部');
    expect(guessOrgType('市财政局党组')).toBe('党组');
    expect(guessOrgType('中共金华市直属机关工作委员会')).toBe('机关工委');
    expect(guessOrgType('某某协会')).toBe('其他');
  });

  it('reads dates as offices write them', () => {
    const c = (text: string, raw: unknown = text) => ({ text, raw, line: 1, col: 1 });
    expect(parseDateCell(c('2017/5/10'))).toBe('2017-05-10');
    expect(parseDateCell(c('2017年11月30日'))).toBe('2017-11-30');
    expect(parseDateCell(c('11月底前'), 2017)).toBe('2017-11-30');
    expect(parseDateCell(c('2016年2月底'))).toBe('2016-02-29');
    expect(parseDateCell(c('2023-02-29'))).toBeNull();
    expect(parseDateCell(c(''))).toBeUndefined();
    expect(parseDateCell(c('', new Date(Date.UTC(2017, 4, 10))))).toBe('2017-05-10');
  });

  it('reads xlsx cells with their sheet addresses', async () => {
    const { table } = await readTable(XLSX);
    expect(table!.format).toBe('xlsx');
    expect(table!.rows).toHaveLength(19);
    const d5 = table!.rows[4]!.cells[3]!;
    expect(d5).toMatchObject({ text: '金华职业技术学院党委', line: 5, col: 4, ref: 'Sheet1!D5' });
  });
});
