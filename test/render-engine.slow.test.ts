// The PDF engine against a real Chromium: text and fonts in the PDFs, long content over pages, injection,
// a browser killed mid-batch, and the batch split (mixed 1- and 3-page forms).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PDFDocument } from '@pdfme/pdf-lib';
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserNotFoundError, findChromium, launchBrowser } from '../src/pdf/browser.js';
import { requestBarrier, workerBrowser } from './helpers.js';
import { CSP, wrapDocument } from '../src/output/html.js';
import { renderPdfs, type RenderJob } from '../src/pdf/engine.js';
import { escapeHtml } from '../src/output/html.js';
import { FONT_ORIGIN } from '../src/output/html.js';
import { fontFaceCss, fontResponse, uncoveredChars } from '../src/pdf/fonts.js';
import { mergePdfs, readOutline } from '../src/pdf/pdf.js';


const tmp = mkdtempSync(path.join(os.tmpdir(), 'djyc-render-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const text = (pdf: string): string => execFileSync('pdftotext', ['-enc', 'UTF-8', pdf, '-'], { encoding: 'utf8' });
const squash = (s: string): string => s.replace(/\s+/g, '');
const pageCount = async (pdf: string): Promise<number> => (await PDFDocument.load(readFileSync(pdf))).getPageCount();

/** A one-table form; `rows` controls its length (≈14 rows per page). */
function form(tag: string, rows: number, extra = ''): string {
  const trs = Array.from(
    { length: rows },
    (_, r) => `<tr><td class="label">事项${r + 1}</td><td>${tag} 组织党员开展志愿服务活动，第${r + 1}次</td></tr>`,
  ).join('');
  return wrapDocument({
    title: `表单 ${tag}`,
    body:
      `<div class="annex-label">附件1</div><h1 class="form-title">党建项目申报表</h1>` +
      `<table><colgroup><col style="width:28%"><col></colgroup><tbody>${trs}</tbody></table>${extra}`,
  });
}

describe('fonts and documents (no browser)', () => {
  it('covers Ext-A from the bundled fallback and Ext-B from the set-up font; reports what nothing covers', () => {
    expect(uncoveredChars('党建㛃□√☑，。abc')).toEqual([]);
    expect(uncoveredChars('𠀀 and &#x20000; and 中')).toEqual([]);
    expect(uncoveredChars('\u{F0000} private use')).toEqual(['\u{F0000}']);
    const css = fontFaceCss();
    for (const family of ['DJYC Fang";font-style:normal;font-weight:400', 'DJYC Song";font-style:normal;font-weight:700', 'DJYC Hei";font-style:normal;font-weight:700', 'DJYC Kai']) {
      expect(css).toContain(family);
    }
    expect(css).not.toMatch(/local\(|\.woff\)/);
  });

  it('serves only bundled font files from the font origin', async () => {
    const css = await fontResponse(`${FONT_ORIGIN}/fonts.css`);
    expect(css?.contentType).toMatch(/text\/css/);
    const first = /url\((https:\/\/djyc\.fonts\/[^)]+)\)/.exec(css!.body.toString())![1];
    const font = await fontResponse(first);
    expect(font?.contentType).toBe('font/woff2');
    expect(font!.body.subarray(0, 4).toString('latin1')).toBe('wOF2');
    expect(await fontResponse(`${FONT_ORIGIN}/serif/../../../../etc/passwd`)).toBeUndefined();
    expect(await fontResponse('https://example.com/fonts.css')).toBeUndefined();
  });

  it('wraps a body with the CSP first and escapes the title', () => {
    const doc = wrapDocument({ title: '<b>标题</b>', body: '<p>正文</p>' });
    expect(doc.indexOf(CSP)).toBeGreaterThan(0);
    expect(doc.indexOf(CSP)).toBeLessThan(doc.indexOf('<link'));
    expect(doc).toContain("default-src 'none'");
    expect(doc).toContain('&#60;b&#62;标题');
  });

  it('says how to get a browser when there is none', () => {
    const none = () => findChromium('zh', {}, ['/nonexistent/chromium']);
    expect(none).toThrow(BrowserNotFoundError);
    try {
      none();
    } catch (err) {
      const e = err as BrowserNotFoundError;
      expect(e.message).toContain('sudo apt-get install chromium');
      expect(e.message).toContain('DJYC_BROWSER');
      expect(e.message).toContain('/nonexistent/chromium');
      expect(e.message).toMatch(/找不到/);
      expect(e.localized('en')).toMatch(/^No Chromium/);
    }
    expect(() => findChromium('en', {}, [])).toThrow(BrowserNotFoundError);
  });
});

describe('rendering with Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await workerBrowser();
  }, 30_000);

  it('puts the Chinese text in the PDF with embedded subset fonts, no Type 3', async () => {
    const out = path.join(tmp, 'text.pdf');
    const body =
      '<div class="annex-label">附件2</div><h1 class="form-title">“两优一先”推荐审批表</h1>' +
      '<p class="form-subtitle">（基层党组织用）</p>' +
      '<p>姓名：王㛃　所在支部：第一党支部</p><p>罕见字：𠀀（扩展B区）</p>' +
      '<p><span class="check on"></span>同意 <span class="check"></span>不同意 □√</p>';
    const [r] = await renderPdfs([{ id: 't', html: wrapDocument({ title: '审批表', body }), out }], { browser });
    expect(r).toMatchObject({ ok: true, pages: 1, attempts: 1 });
    // Ext-B comes from HanaMinB (installed by scripts/setup.sh), served by the engine like the shipped fonts.
    expect(r.missingGlyphs ?? []).toEqual([]);
    const t = squash(text(out));
    for (const s of ['附件2', '“两优一先”推荐审批表', '（基层党组织用）', '姓名：王㛃', '所在支部：第一党支部', '罕见字：𠀀', '同意', '不同意□√']) {
      expect(t).toContain(s);
    }
    const fonts = execFileSync('pdffonts', [out], { encoding: 'utf8' }).trim().split('\n').slice(2);
    expect(fonts.length).toBeGreaterThan(0);
    for (const line of fonts) {
      expect(line).not.toMatch(/Type 3/);
      expect(line).toMatch(/CID TrueType\s+Identity-H\s+yes yes yes/);
    }
    const names = fonts.join('\n');
    expect(names).toMatch(/NotoSerifSC-Bold/); // the title
    expect(names).toMatch(/FandolFang-Regular/); // the body (仿宋)
    expect(names).toMatch(/NotoSansSC/); // 附件2 in 黑体
    expect(names).toMatch(/LXGWWenKai/); // 㛃 and the subtitle
    expect(names).toMatch(/HanaMinB/); // 𠀀
    expect(names).not.toMatch(/DejaVu/);
    const doc = await PDFDocument.load(readFileSync(out));
    expect(doc.getTitle()).toBe('审批表');
    const { width, height } = doc.getPage(0).getSize();
    expect([Math.round(width), Math.round(height)]).toEqual([595, 842]); // A4
  });

  it('flows a 5,000-character paragraph in a table cell over pages without losing text', async () => {
    const pool = '党的建设是党的事业取得胜利的重要法宝必须坚持全面从严治党推动基层党组织全面进步全面过硬';
    let para = '';
    for (let k = 0; para.length < 5000; k++) para += pool[(k * 7) % pool.length] + (k % 97 === 96 ? '。' : '');
    para = para.slice(0, 5000);
    const body =
      '<h1 class="form-title">项目实施情况</h1><table>' +
      '<thead><tr class="page-edge"><td colspan="2"></td></tr></thead>' +
      '<tbody><tr><td class="label" style="width:20%">项目名称</td><td>长文本测试</td></tr>' +
      `<tr class="long"><td class="label"><span class="vertical-label">实施情况</span></td><td class="prose">BEGIN${para}END</td></tr></tbody>` +
      '<tfoot><tr class="page-edge"><td colspan="2"></td></tr></tfoot></table>';
    const out = path.join(tmp, 'long.pdf');
    const [r] = await renderPdfs([{ id: 'long', html: wrapDocument({ title: '长', body }), out }], { browser });
    expect(r.ok).toBe(true);
    expect(r.pages).toBeGreaterThanOrEqual(4);
    const all = squash(text(out));
    // Page numbers are stamped on every page of a multi-page form …
    for (let n = 1; n <= r.pages!; n++) expect(all).toContain(`—${n}—`);
    // … and, taken out, the paragraph comes back whole and in order.
    const got = all.replace(/—\d+—/g, '');
    const start = got.indexOf('BEGIN');
    const end = got.indexOf('END');
    expect(start).toBeGreaterThan(-1);
    expect(got.slice(start + 5, end)).toBe(para);
    expect(squash(text(out))).toContain('实施情况');
  });

  it('treats injected markup as data: no script, no file read, no request', async () => {
    let hits = 0;
    const server = http.createServer((req, res) => {
      if (req.url !== '/barrier') hits++;
      res.end('x');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const local = `http://127.0.0.1:${port}`;
    const attack =
      `<script>document.body.innerHTML='HACKED'</script><img src="file:///etc/passwd">` +
      `<img src="${local}/x">`;
    try {
      const body =
        // What a template does with record text: escape it. It must show up as text.
        `<p class="flush">记录内容：${escapeHtml(attack)}</p>` +
        // And defence in depth, should a template ever emit it raw:
        attack +
        `<iframe src="file:///etc/passwd"></iframe><object data="file:///etc/passwd"></object>` +
        `<link rel="stylesheet" href="${local}/link.css"><style>@import url(${local}/import.css);` +
        `@font-face{font-family:X;src:url(${local}/font.woff2)}p{font-family:X,"DJYC Song"}` +
        `body{background:url(${local}/bg.png)}</style>` +
        `<video src="${local}/v.mp4" poster="${local}/p.png"></video><embed src="${local}/e">` +
        `<meta http-equiv="refresh" content="0;url=${local}/refresh">` +
        `<a href="${local}/link">链接</a><p class="flush">正文保持不变</p>`;
      const out = path.join(tmp, 'inject.pdf');
      const [r] = await renderPdfs([{ id: 'inj', html: wrapDocument({ title: 'x', body }), out }], { browser });
      expect(r.error).toBeUndefined();
      expect(r.attempts).toBe(1);
      const t = text(out);
      expect(squash(t)).toContain(squash(`记录内容：${attack}`));
      expect(t).toContain('正文保持不变');
      expect(t).not.toMatch(/root:x?:0:0/);
      // HACKED only inside the escaped record text, never as the page's whole content
      expect(t.match(/HACKED/g)?.length).toBe(1);
      await requestBarrier(browser, local);
      expect(hits).toBe(0);
    } finally {
      server.close();
    }
  });

  it('splits a batch of mixed 1- and 3-page forms into the right per-form PDFs', async () => {
    const rows = [3, 50, 4, 55, 2, 5, 52]; // ≈18 rows on the first page, 22 on the others
    const jobs: RenderJob[] = rows.map((n, k) => ({ id: `m${k}`, html: form(`表K${k}号`, n), out: path.join(tmp, 'mixed', `m${k}.pdf`) }));
    const batch = await renderPdfs(jobs, { browser, chunkSize: 40, concurrency: 1 });
    const single = await renderPdfs(
      jobs.map((j) => ({ ...j, out: j.out.replace('mixed', 'single') })),
      { browser, chunkSize: 1 },
    );
    expect(batch.map((r) => r.pages)).toEqual([1, 3, 1, 3, 1, 1, 3]);
    expect(single.map((r) => r.pages)).toEqual(batch.map((r) => r.pages));
    for (let k = 0; k < jobs.length; k++) {
      expect(batch[k]).toMatchObject({ id: `m${k}`, ok: true, attempts: 1 });
      expect(await pageCount(jobs[k].out)).toBe(batch[k].pages);
      const t = squash(text(jobs[k].out));
      expect(t).toContain(`表K${k}号`);
      for (let o = 0; o < jobs.length; o++) if (o !== k) expect(t).not.toContain(`表K${o}号`);
      expect(t).toContain(`第${rows[k]}次`);
      // "— n —" only on forms of more than one page
      if (batch[k].pages! > 1) expect(t).toContain(`—${batch[k].pages}—`);
      else expect(t).not.toContain('—');
      // no marker link left behind
      expect(readFileSync(jobs[k].out).includes('djyc.invalid')).toBe(false);
    }
    // Bookmarks: one per part, pointing at its first page
    const merged = path.join(tmp, 'merged.pdf');
    const total = await mergePdfs(
      jobs.slice(0, 3).map((j, k) => ({ title: `附件${k + 1} 表单`, path: j.out })),
      merged,
      { outline: true },
    );
    expect(total).toBe(5);
    const doc = await PDFDocument.load(readFileSync(merged));
    expect(readOutline(doc)).toEqual([
      { title: '附件1 表单', page: 0 },
      { title: '附件2 表单', page: 1 },
      { title: '附件3 表单', page: 4 },
    ]);
    // Poppler reads the same outline.
    const xml = execFileSync('pdftohtml', ['-xml', '-stdout', '-i', '-q', merged], { encoding: 'utf8' });
    expect(xml).toMatch(/<outline>[\s\S]*附件1 表单[\s\S]*附件2 表单[\s\S]*附件3 表单[\s\S]*<\/outline>/);
  });

  it("stamps each form's own overlay on every page, given or made once by a function while the batch prints", async () => {
    const rows = [3, 50, 4, 2];
    const made: string[] = [];
    const overlay = (k: number) => ({ css: '.mark{position:absolute;left:30mm;bottom:8mm;font:9pt "DJYC Song"}', body: `<div class="mark">印记${k}号</div>` });
    const jobs: RenderJob[] = rows.map((n, k) => ({
      id: `o${k}`,
      html: form(`表O${k}号`, n),
      out: path.join(tmp, 'overlaid', `o${k}.pdf`),
      ...(k === 3 ? {} : { overlay: k % 2 ? () => (made.push(`o${k}`), overlay(k)) : overlay(k) }),
    }));
    const results = await renderPdfs(jobs, { browser, concurrency: 1 });
    expect(results.map((r) => r.pages)).toEqual([1, 3, 1, 1]);
    expect(made).toEqual(['o1']);
    for (let k = 0; k < jobs.length; k++) {
      const pages = text(jobs[k].out).split('\f').slice(0, results[k].pages);
      for (const page of pages) {
        expect(squash(page)).toContain(`表O${k}号`);
        for (let o = 0; o < 3; o++) expect(squash(page).includes(`印记${o}号`), `${k}: ${page}`).toBe(o === k);
      }
    }
  });

  it('fails only the form that cannot be written, and each job ends once', async () => {
    const dir = path.join(tmp, 'isolate');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'blocker'), 'a file where a folder should be');
    const jobs: RenderJob[] = [0, 1, 2, 3].map((k) => ({
      id: `i${k}`,
      html: form(`隔离${k}`, 2),
      out: k === 2 ? path.join(dir, 'blocker', 'i2.pdf') : path.join(dir, `i${k}.pdf`),
    }));
    jobs.push({ id: 'dup', html: form('重复', 1), out: jobs[0].out });
    const seen: string[] = [];
    const res = await renderPdfs(jobs, { browser, onProgress: (_d, _t, job) => seen.push(job.id) });
    expect(res.map((r) => [r.id, r.ok])).toEqual([
      ['i0', true],
      ['i1', true],
      ['i2', false],
      ['i3', true],
      ['dup', false],
    ]);
    expect(res[2].error).toMatch(/渲染失败/);
    expect(res[2].attempts).toBeGreaterThanOrEqual(2);
    expect(res[4].error).toMatch(/i0/);
    expect(seen.sort()).toEqual(['dup', 'i0', 'i1', 'i2', 'i3']);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it("keeps a caller's pages for its next render: no new page, no font file sent again", async () => {
    const body = '<h1 class="form-title">党员承诺书</h1><p>本人承诺：认真履行党员义务，按时完成领办任务。</p>';
    const job = (name: string) => ({ id: name, html: wrapDocument({ title: name, body }), out: path.join(tmp, `${name}.pdf`) });
    const created: string[] = [];
    const onTarget = (t: { type(): string; url(): string }) => {
      if (t.type() === 'page') created.push(t.url());
    };
    browser.on('targetcreated', onTarget);
    try {
      const first = await renderPdfs([job('pool-1')], { browser, concurrency: 1 });
      expect(first[0]).toMatchObject({ ok: true });
      const pagesAfterFirst = created.length;
      const pages = await browser.pages();
      const open = pages.length;
      const fonts: string[] = [];
      const onRequest = (req: { url(): string }) => {
        if (req.url().startsWith(`${FONT_ORIGIN}/`) && !req.url().endsWith('.css')) fonts.push(req.url());
      };
      pages.forEach((p) => p.on('request', onRequest));
      const second = await renderPdfs([job('pool-2')], { browser, concurrency: 1 });
      pages.forEach((p) => p.off('request', onRequest));
      // Its fonts were in the renderer's memory already.
      expect(fonts).toEqual([]);
      expect(second[0]).toMatchObject({ ok: true });
      // The second render took the first one's page: nothing new opened, and the same page is still open.
      expect(created.length).toBe(pagesAfterFirst);
      expect((await browser.pages()).length).toBe(open);
      expect(squash(text(path.join(tmp, 'pool-2.pdf')))).toContain('本人承诺：认真履行党员义务');
    } finally {
      browser.off('targetcreated', onTarget);
    }
  });

  it('shares a browser by endpoint that ends with the process that launched it, even when that process is killed', async () => {
    // The host (a test worker) shares its browser with another thread by endpoint; kill -9 of the host must not
    // leave Chromium running (an orphan spinning at 20 % of a core slowed the next run down).
    const script = `
      const { launchBrowser, shareBrowser, endpointOf } = await import(${JSON.stringify(path.resolve('dist/pdf/browser.js'))});
      shareBrowser();
      const b = await launchBrowser();
      console.log(JSON.stringify({ pid: b.process().pid, endpoint: await endpointOf(b) }));
      setInterval(() => {}, 1000);`;
    const { spawn } = await import('node:child_process');
    const host = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      host.stdout!.on('data', (d: Buffer) => {
        out += d;
        if (out.includes('\n')) resolve(out.split('\n')[0]!);
      });
      host.once('exit', (code) => reject(new Error(`host exited (${code}) before launching: ${out}`)));
    });
    const { pid, endpoint } = JSON.parse(line) as { pid: number; endpoint: string };
    expect(endpoint).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/devtools\/browser\//);
    const { default: puppeteer } = await import('puppeteer-core');
    const other = await puppeteer.connect({ browserWSEndpoint: endpoint });
    const page = await other.newPage();
    await page.setContent('<p>端点</p>');
    expect(await page.evaluate(() => document.body.textContent)).toBe('端点');
    await other.disconnect();
    host.kill('SIGKILL');
    const alive = () => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    for (let i = 0; i < 200 && alive(); i++) await new Promise((r) => setTimeout(r, 50));
    expect(alive()).toBe(false);
  });

  it('reports a timeout for every form when there is no time', async () => {
    const jobs = [0, 1, 2].map((k) => ({ id: `t${k}`, html: form(`超时${k}`, 1), out: path.join(tmp, 'timeout', `t${k}.pdf`) }));
    const res = await renderPdfs(jobs, { browser, timeoutMs: 1, lang: 'en' });
    expect(res.map((r) => r.ok)).toEqual([false, false, false]);
    for (const r of res) expect(r.error).toMatch(/timed out/);
    expect(jobs.some((j) => existsSync(j.out))).toBe(false);
  });
});

describe('a browser killed in the middle of a batch', () => {
  it('relaunches and still ends with 50 ok results, each output once', async () => {
    const victim = await launchBrowser();
    const pid = victim.process()!.pid!;
    const dir = path.join(tmp, 'kill');
    // Chunks of 5; the second chunk is heavy, so it is still printing when the first chunk's forms are done
    // and the browser is killed: that chunk is retried whole on a relaunched browser.
    const jobs: RenderJob[] = Array.from({ length: 50 }, (_, k) => ({
      id: `k${k}`,
      html: form(`第${k}份`, k >= 5 && k < 10 ? 60 : 3),
      out: path.join(dir, `k${k}.pdf`),
    }));
    let killed = false;
    const progress: string[] = [];
    const res = await renderPdfs(jobs, {
      browser: victim,
      chunkSize: 5,
      onProgress: (done, _total, job) => {
        progress.push(job.id);
        if (done === 5 && !killed) {
          killed = true;
          process.kill(pid, 'SIGKILL');
        }
      },
    });
    expect(killed).toBe(true);
    expect(victim.connected).toBe(false);
    expect(res).toHaveLength(50);
    expect(res.filter((r) => !r.ok)).toEqual([]);
    expect(res.map((r) => r.id)).toEqual(jobs.map((j) => j.id));
    expect(res.some((r) => r.attempts > 1)).toBe(true); // something was in flight when it died
    expect(progress).toHaveLength(50);
    expect(new Set(progress).size).toBe(50);
    const files = readdirSync(dir);
    expect(files.sort()).toEqual(jobs.map((j) => path.basename(j.out)).sort());
    for (const [k, j] of jobs.entries()) {
      expect(await pageCount(j.out)).toBe(res[k].pages);
      expect(res[k].pages).toBe(k >= 5 && k < 10 ? 3 : 1);
    }
  });
});
