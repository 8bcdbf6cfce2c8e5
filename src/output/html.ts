/**
 * HTML text helpers shared by the forms, the status report and the published site, and the contract of a document
 * the PDF engine prints (pdf/engine.ts): its Content-Security-Policy, the made-up origin its fonts come from, and
 * the base stylesheet.
 */
import { baseStylesheet } from '../assets/templates.js';
import { breakLongRuns } from './linebreak.js';

/** Escapes text for HTML or SVG content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Decodes the named entities HTML text commonly holds and every numeric one; unknown entities are kept. */
export function decodeEntities(s: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] !== '#') return named[e.toLowerCase()] ?? m;
    const cp = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return cp > 0 && cp < 0x110000 ? String.fromCodePoint(cp) : m;
  });
}

/** Made-up origin the page loads fonts from; the PDF engine answers its requests from memory. */
export const FONT_ORIGIN = 'https://djyc.fonts';
/** URL of the stylesheet holding every @font-face rule (linked by wrapDocument, served by the engine). */
export const FONT_CSS_URL = `${FONT_ORIGIN}/fonts.css`;

/** The policy every document carries: nothing may load except the bundled fonts and data: URLs. */
export const CSP = `default-src 'none'; font-src ${FONT_ORIGIN} data:; img-src data:; style-src 'unsafe-inline' ${FONT_ORIGIN}`;
export const CSP_META = `<meta http-equiv="Content-Security-Policy" content="${CSP}">`;

export interface WrapOptions {
  title: string;
  /** The template's own CSS, placed after the base stylesheet. */
  css?: string;
  /** The form's HTML (record text already escaped). */
  body: string;
  /** Document language (default zh-CN: it picks Chinese glyph forms). */
  lang?: string;
}

/**
 * A complete document for the PDF engine: the CSP first, the font stylesheet (served by the engine from memory —
 * ~0.5 MB, so linked rather than inlined), the base stylesheet, then the template's CSS and body.
 */
export function wrapDocument({ title, css = '', body, lang = 'zh-CN' }: WrapOptions): string {
  return (
    `<!DOCTYPE html>\n<html lang="${escapeHtml(lang)}">\n<head>\n<meta charset="utf-8">\n${CSP_META}\n` +
    `<title>${escapeHtml(title)}</title>\n<link rel="stylesheet" href="${FONT_CSS_URL}">\n` +
    `<style>\n${baseStylesheet()}</style>\n` +
    (css ? `<style>\n${css.replace(/<\/style/gi, '<\\/style')}\n</style>\n` : '') +
    // Long runs without a break opportunity get some before layout (linebreak.ts): layout time stays linear.
    `</head>\n<body>\n${breakLongRuns(body)}\n</body>\n</html>\n`
  );
}
