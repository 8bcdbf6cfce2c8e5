/**
 * Issue 12 item 5, in-process on real temporary repositories: the history's `by:` and the commit's author name the
 * same person whatever says who it is (GIT_AUTHOR_NAME, DJYC_USER); a copied attachment keeps its own name on disk
 * (sanitised, Unicode kept, -2/-3 on collisions). `djyc log` following the record's own path only is in log.test.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { git, tempDir } from './helpers.js';
import { initRepository } from '../src/commands/init.js';
import { createProject } from '../src/commands/create.js';
import { Workspace } from '../src/commands/workspace.js';
import { attachFile } from '../src/commands/closure.js';
import { loadRepository } from '../src/store/repo.js';
import { numberedFileName, safeFileName } from '../src/domain/paths.js';

const saved = { ...process.env };
afterEach(() => {
  for (const k of ['DJYC_TODAY', 'DJYC_USER', 'GIT_AUTHOR_NAME', 'GIT_AUTHOR_EMAIL']) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

async function repo(): Promise<string> {
  const dir = path.join(tempDir('djyc-lies-'), 'repo');
  process.env.DJYC_TODAY = '2020-03-02';
  await initRepository({ dir, preset: 'shuangling', year: 2020 });
  return dir;
}

function historyBy(root: string, id: string): string | undefined {
  const p = loadRepository(root).records.find((r) => r.id === id)!;
  return (p.data as { history: { by?: string }[] }).history[0]!.by;
}

describe('who acts: one decision for the history and the commit', () => {
  it('GIT_AUTHOR_NAME (what git authors with) is also the history entry’s by:', async () => {
    const root = await repo();
    git(root, ['config', 'user.name', '配置里的名字']);
    process.env.GIT_AUTHOR_NAME = '作者甲';
    delete process.env.DJYC_USER;
    await createProject(root, { id: 'p-1', title: '校园周边交通安全综合治理' });
    expect(historyBy(root, 'p-1')).toBe('作者甲');
    expect(git(root, ['log', '-1', '--format=%an']).trim()).toBe('作者甲');
  });

  it('DJYC_USER names both, over GIT_AUTHOR_NAME and git config', async () => {
    const root = await repo();
    git(root, ['config', 'user.name', '配置里的名字']);
    process.env.GIT_AUTHOR_NAME = '作者甲';
    process.env.DJYC_USER = '区级机关工委 周晓燕';
    await createProject(root, { id: 'p-2', title: '老旧小区“红色物业”提升行动' });
    expect(historyBy(root, 'p-2')).toBe('区级机关工委 周晓燕');
    expect(git(root, ['log', '-1', '--format=%an']).trim()).toBe('区级机关工委 周晓燕');
  });

  it('without any: git config user.name for both', async () => {
    const root = await repo();
    git(root, ['config', 'user.name', '配置里的名字']);
    delete process.env.GIT_AUTHOR_NAME;
    delete process.env.DJYC_USER;
    await createProject(root, { id: 'p-3', title: '“银发助餐”社区养老服务点建设' });
    expect(historyBy(root, 'p-3')).toBe('配置里的名字');
    expect(git(root, ['log', '-1', '--format=%an']).trim()).toBe('配置里的名字');
  });
});

describe('attachments keep their own names', () => {
  it('满意度调查.csv stays 满意度调查.csv; two files of one name get -2, -3; a name on disk is not overwritten', async () => {
    const root = await repo();
    const src = tempDir('djyc-att-');
    const survey = path.join(src, '满意度调查.csv');
    fs.writeFileSync(survey, '学校,满意\n');
    const photoA = path.join(tempDir('djyc-att-'), '现场照片.txt');
    const photoB = path.join(tempDir('djyc-att-'), '现场照片.txt');
    fs.writeFileSync(photoA, 'a');
    fs.writeFileSync(photoB, 'b');
    fs.mkdirSync(path.join(root, 'attachments/closures/p-1'), { recursive: true });
    fs.writeFileSync(path.join(root, 'attachments/closures/p-1/会议纪要.txt'), 'old');
    const minutes = path.join(src, '会议纪要.txt');
    fs.writeFileSync(minutes, 'new');
    await using ws = await Workspace.open({ root, dryRun: true });
    expect(attachFile(ws, survey, 'closures/p-1')).toBe('attachments/closures/p-1/满意度调查.csv');
    expect(attachFile(ws, photoA, 'closures/p-1')).toBe('attachments/closures/p-1/现场照片.txt');
    expect(attachFile(ws, photoB, 'closures/p-1')).toBe('attachments/closures/p-1/现场照片-2.txt');
    expect(attachFile(ws, photoB, 'closures/p-1')).toBe('attachments/closures/p-1/现场照片-3.txt');
    expect(attachFile(ws, minutes, 'closures/p-1')).toBe('attachments/closures/p-1/会议纪要-2.txt');
  });

  it('sanitises what no file name may hold, and keeps the extension when cutting a long name', () => {
    expect(safeFileName('满意度调查.csv')).toBe('满意度调查.csv');
    expect(safeFileName('a/b\\c:d*e?f"g<h>i|j.pdf')).toBe('a_b_c_d_e_f_g_h_i_j.pdf');
    expect(safeFileName('..\u202egpj.exe')).toBe('_gpj.exe');
    expect(safeFileName('  .隐藏  ')).toBe('隐藏');
    expect(safeFileName('CON.txt')).toBe('_CON.txt');
    expect(safeFileName('')).toBe('file');
    expect(safeFileName('e\u0301.txt')).toBe('\u00e9.txt');
    const long = safeFileName(`${'调'.repeat(200)}.docx`);
    expect(long.endsWith('.docx')).toBe(true);
    expect(new TextEncoder().encode(long).length).toBeLessThanOrEqual(180);
    expect(numberedFileName('照片.jpg', 2)).toBe('照片-2.jpg');
    expect(numberedFileName('README', 3)).toBe('README-3');
  });
});
