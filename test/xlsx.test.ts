/**
 * The one xlsx module (src/output/xlsx.ts): what djyc needs of Excel files — several sheets, Chinese headers, a
 * frozen header row, drop-down lists, hidden and locked columns — written, read back by djyc and by a real
 * second client (openpyxl, Debian's python3-openpyxl).
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { readWorkbook, writeWorkbook, type WorkbookSpec } from '../src/output/xlsx.js';
import { requireTool, tempDir } from './helpers.js';

const SPEC: WorkbookSpec = {
  title: '测试工作簿',
  date: '2020-05-01',
  sheets: [
    {
      name: '党员任务',
      columns: [
        { header: '编号', locked: true, hidden: true },
        { header: '姓名', locked: true },
        { header: '支委会意见', list: ['好', '较好', '一般', '较差'] },
        { header: '完成质效', width: 40 },
      ],
      rows: [
        ['t-1', '张伟', '好', '按期完成'],
        ['t-2', '李娜', null, ''],
      ],
      editableRows: 20,
    },
    { name: '覆盖情况', columns: [{ header: '党组织' }, { header: '覆盖率', numFmt: '0.0%' }], rows: [['教育局支部', 2 / 3]] },
  ],
};

// Debian's python3 (the one with python3-openpyxl), not whatever python3 comes first on the PATH.
const PY = ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['-c', 'import openpyxl'], { stdio: 'ignore' }).status === 0);

describe('the xlsx module', () => {
  it('writes and reads back sheets, Chinese headers, frozen rows, lists, hidden and locked columns', async () => {
    const bytes = await writeWorkbook(SPEC);
    expect(Buffer.from(bytes).subarray(0, 2).toString('latin1')).toBe('PK');
    // The same data, the same bytes.
    expect(Buffer.from(await writeWorkbook(SPEC)).equals(Buffer.from(bytes))).toBe(true);
    const read = await readWorkbook(bytes);
    if (!read.ok) throw new Error(read.detail);
    expect(read.sheets.map((s) => s.name)).toEqual(['党员任务', '覆盖情况']);
    const [tasks, coverage] = read.sheets;
    expect(tasks!.rows[0]!.cells.map((c) => c.text)).toEqual(['编号', '姓名', '支委会意见', '完成质效']);
    expect(tasks!.rows[1]!.cells.map((c) => c.text)).toEqual(['t-1', '张伟', '好', '按期完成']);
    expect(tasks!.rows[2]!.cells[1]).toMatchObject({ text: '李娜', ref: '党员任务!B3' });
    expect(tasks!.frozenRows).toBe(1);
    expect(tasks!.hidden).toEqual([1]);
    expect(tasks!.protected).toBe(true);
    expect(Object.values(tasks!.lists)).toEqual([['好', '较好', '一般', '较差']]);
    expect(coverage!.protected).toBe(false);
    expect(coverage!.rows[1]!.cells[1]!.raw).toBeCloseTo(2 / 3);
  });

  it('a file that is not a workbook is a clear failure, not a crash', async () => {
    const r = await readWorkbook(new TextEncoder().encode('姓名,电话\n'));
    expect(r.ok).toBe(false);
  });

  it('openpyxl reads the same workbook: list, protection, hidden column, frozen pane, number format', async () => {
    requireTool(!!PY, 'python3 with openpyxl');
    const dir = tempDir('djyc-xlsx-');
    try {
      const file = path.join(dir, '任务.xlsx');
      fs.writeFileSync(file, await writeWorkbook(SPEC));
      const script = `
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb['党员任务']
dv = [(d.type, d.formula1, str(d.sqref)) for d in ws.data_validations.dataValidation]
out = {
  'sheets': wb.sheetnames,
  'header': [c.value for c in ws[1]],
  'freeze': ws.freeze_panes,
  'protected': ws.protection.sheet,
  'hiddenA': ws.column_dimensions['A'].hidden,
  'lockedA2': ws['A2'].protection.locked,
  'lockedC2': ws['C2'].protection.locked,
  'lockedC20': ws['C20'].protection.locked,
  'dv': dv,
  'fmt': wb['覆盖情况']['B2'].number_format,
}
print(json.dumps(out, ensure_ascii=False))
`;
      const r = spawnSync(PY!, ['-c', script, file], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout);
      expect(out).toMatchObject({ sheets: ['党员任务', '覆盖情况'], header: ['编号', '姓名', '支委会意见', '完成质效'], freeze: 'A2', protected: true, hiddenA: true, lockedA2: true, lockedC2: false, lockedC20: false, fmt: '0.0%' });
      expect(out.dv).toEqual([['list', '"好,较好,一般,较差"', 'C2:C20']]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
