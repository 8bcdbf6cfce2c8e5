#!/usr/bin/env node
// Long unbroken text in a form (issue 10): layout time must grow linearly with the length of a run that has no
// break opportunity of its own (pasted base64, URL lists). Renders the 双领一创 application form with a 理由依据 of
// n such characters, for several n, with the built CLI, and prints wall time, CPU (user+sys of djyc and its
// Chromium, as the OS accounts children) and the time per 1,000 characters.
//
//   npx tsc -p tsconfig.json && node scripts/bench/longtext.mjs [--sizes 5000,10000,20000,50000]
//
// Target: every size prints (no timeout), and the time per 1,000 characters does not grow with n.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { spawnSync, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const PKG = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(PKG, 'bin', 'djyc');
const i = process.argv.indexOf('--sizes');
const SIZES = (i > 0 ? process.argv[i + 1] : '5000,10000,20000,50000').split(',').map(Number);
const ENV = { ...process.env, DJYC_TODAY: '2020-03-20', GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'b@b', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'b@b', NO_COLOR: '1' };

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'djyc-bench-longtext-'));
try {
  const repo = path.join(dir, 'repo');
  const init = spawnSync(process.execPath, [BIN, 'init', repo, '--programme', 'shuangling', '--year', '2020'], { env: ENV, encoding: 'utf8' });
  if (init.status !== 0) throw new Error(init.stderr);
  fs.writeFileSync(path.join(repo, 'records/organisations/org-a.yaml'), 'id: org-a\nname: 甲支部\ntype: 党支部\n');
  console.log('| characters | pages | wall s | CPU s (user+sys) | wall ms per 1,000 characters |');
  console.log('|---:|---:|---:|---:|---:|');
  for (const n of SIZES) {
    let text = '';
    while (text.length < n) text += randomBytes(n).toString('base64').replace(/[+/=]/g, '');
    text = text.slice(0, n);
    fs.writeFileSync(path.join(repo, 'records/projects/p-long.yaml'), `id: p-long\nprogramme: shuangling-2020\ntitle: 长文本\nproposed_by: org-a\nreason: "${text}"\nstage: proposed\n`);
    execFileSync('git', ['add', '-A'], { cwd: repo });
    execFileSync('git', ['commit', '-q', '-m', `n=${n}`], { cwd: repo, env: ENV });
    const out = path.join(dir, `long-${n}.pdf`);
    const t0 = performance.now();
    const r = spawnSync('/usr/bin/time', ['-f', '%U %S', process.execPath, BIN, 'render', 'p-long', '--form', 'apply', '-o', out], { cwd: repo, env: ENV, encoding: 'utf8' });
    const wall = (performance.now() - t0) / 1000;
    const [user, sys] = (r.stderr.trim().split('\n').pop() ?? '0 0').split(' ').map(Number);
    const pages = r.status === 0 ? /Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [out], { encoding: 'utf8' }))?.[1] : 'failed';
    console.log(`| ${n.toLocaleString('en-US')} | ${pages} | ${wall.toFixed(1)} | ${((user ?? 0) + (sys ?? 0)).toFixed(1)} | ${((wall * 1000) / (n / 1000)).toFixed(0)} |`);
  }
  console.log(`\nload average: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} (figures on a shared machine vary with it)`);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
