/** `djyc status --format pdf`: the dashboards printed by the PDF engine. */
import { renderPdfs } from '../pdf/engine.js';
import { OutputError } from '../domain/errors.js';
import type { Lang } from '../domain/i18n.js';
import type { Dashboard } from '../output/dashboard.js';
import { statusDocument } from '../output/status.js';

/** Renders the status PDF with the PDF engine; throws a readable error if printing fails. */
export async function renderStatusPdf(dashboards: Dashboard[], out: string, lang: Lang = 'zh'): Promise<{ pages: number; bytes: number }> {
  const html = statusDocument(dashboards, lang);
  const [r] = await renderPdfs([{ id: 'status', html, out }], { lang, pageNumbers: 'auto', concurrency: 1 });
  if (!r || !r.ok) {
    throw new OutputError(`无法生成 PDF：${r?.error ?? '未知错误'}`, `could not make the PDF: ${r?.error ?? 'unknown error'}`);
  }
  return { pages: r.pages ?? 0, bytes: r.bytes ?? 0 };
}
