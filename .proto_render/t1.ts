import { renderPdfs, wrapDocument } from '../src/render/engine.ts';
const rows = (n: number) => Array.from({ length: n }, (_, r) => `<tr><td class="label">项目名称${r}</td><td>“红色领航”党建引领基层治理项目 㛃 𠀀 第${r}行</td></tr>`).join('');
const form = (i: number, n: number) => wrapDocument({ title: `表${i}`, body: `<div class="annex-label">附件${i}</div><h1 class="form-title">党建项目申报表</h1><p class="form-subtitle">（2024年度）</p><table><colgroup><col style="width:30%"><col></colgroup><tbody>${rows(n)}</tbody></table><p>申报理由：本支部围绕中心工作，<span class="check on"></span>已完成 <span class="check"></span>未完成 <span class="blank w8"></span></p><div class="seal-line">申报单位（盖章）：</div><p class="note">注：此表一式三份。</p>` });
const jobs = [1, 25, 1, 1, 40, 2].map((n, i) => ({ id: `f${i}`, html: form(i, n), out: `/tmp/r1/f${i}.pdf` }));
const t = Date.now();
const res = await renderPdfs(jobs, {});
console.log(Date.now() - t, 'ms', res);
