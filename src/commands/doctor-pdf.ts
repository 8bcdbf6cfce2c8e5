/** The doctor's test page: a browser started, one A4 page of Chinese text printed with djyc's fonts, read back. */
import fs from 'node:fs';
import { PDFDocument } from '@pdfme/pdf-lib';
import { closeBrowser, launchBrowser } from '../pdf/browser.js';
import { renderPdfs } from '../pdf/engine.js';
import { wrapDocument } from '../output/html.js';

const BODY = `<h1 style="font-family: var(--djyc-title, serif); text-align: center">djyc 打印测试页</h1>
<p>组织领项目、党员领任务、党建创品牌。仿宋正文，黑体、楷体各一行。</p>
<p style="font-weight: bold">黑体：项目申报表　结项书　验收组意见</p>
<p style="font-style: italic">楷体：支委会意见　好　较好　一般　较差</p>
<p>0123456789 ABCdef □ √</p>`;

export async function printTestPage(out: string, executablePath: string): Promise<{ ok: true; pages: number; bytes: number } | { ok: false; error: string }> {
  let browser;
  try {
    browser = await launchBrowser({ executablePath });
  } catch (err) {
    return { ok: false, error: String((err as Error)?.message ?? err).split('\n')[0]! };
  }
  try {
    const [r] = await renderPdfs([{ id: 'doctor', html: wrapDocument({ title: 'djyc 打印测试页', body: BODY }), out }], { browser, concurrency: 1, pageNumbers: 'never' });
    if (!r?.ok) return { ok: false, error: r?.error ?? 'unknown' };
    const bytes = fs.readFileSync(out);
    const doc = await PDFDocument.load(bytes, { updateMetadata: false });
    return { ok: true, pages: doc.getPageCount(), bytes: bytes.byteLength };
  } finally {
    await closeBrowser(browser);
  }
}
