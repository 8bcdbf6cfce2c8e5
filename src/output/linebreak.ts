/**
 * Line breaking that stays linear. Chromium lays out a run of text with no break opportunity (a pasted URL list,
 * base64, a long account number) in time that grows faster than the run: 5,000 such characters took 15 s, 20,000
 * timed out. `overflow-wrap: anywhere` (in the stylesheets) lets such a run wrap, but the break points are still
 * searched for the whole run; giving it explicit break opportunities (<wbr>) every few characters before layout
 * keeps the work proportional to the text. <wbr> adds no character: the text a PDF reader extracts is unchanged.
 */

/** A run longer than this with no break opportunity gets one every BREAK_EVERY characters. */
export const LONGEST_RUN = 32;
export const BREAK_EVERY = 24;

/**
 * Characters after which a line may already break: white space, and CJK ideographs, kana, hangul, full-width forms
 * and CJK punctuation (each is its own break opportunity in Chinese text).
 */
const BREAKABLE = /[\s\u2E80-\u2FFF\u3000-\u303F\u3040-\u30FF\u3100-\u312F\u3190-\u31FF\u3400-\u4DBF\u4E00-\u9FFF\uAC00-\uD7AF\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFFEF]/u;

/** Elements whose content is not laid out as text (or is raw text where markup would show). */
const RAW = /^<(style|script|title|textarea)\b/i;

/**
 * Inserts <wbr> into the text of an HTML fragment wherever a run of characters without a break opportunity is
 * longer than LONGEST_RUN: tags, attributes, character references and the content of style/script/title/textarea
 * are left whole. Linear in the length of the HTML.
 */
export function breakLongRuns(html: string): string {
  // Quick answer for the usual document: no long run at all.
  if (!/[^\s<>\u2E80-\u9FFF\uAC00-\uD7AF\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFFEF]{33}/u.test(html)) return html;
  const out: string[] = [];
  let raw: string | undefined;
  let run = 0;
  const tokens = /<!--[\s\S]*?-->|<[^>]*>|&(?:#\d+|#x[0-9a-fA-F]+|\w+);|[^<&]+|[<&]/g;
  for (const m of html.matchAll(tokens)) {
    const t = m[0];
    if (t[0] === '<' && t.length > 1) {
      out.push(t);
      if (raw) {
        if (new RegExp(`^</${raw}\\b`, 'i').test(t)) raw = undefined;
      } else {
        const open = RAW.exec(t);
        if (open) raw = open[1]!.toLowerCase();
        // An element boundary is not a break opportunity: <b>long</b>run is one run, so `run` carries on.
        if (/^<(br|p|div|td|th|tr|li|table)\b/i.test(t) || /^<\/(p|div|td|th|tr|li|table)\b/i.test(t)) run = 0;
      }
      continue;
    }
    if (raw) {
      out.push(t);
      continue;
    }
    // One more character of the current run: a break opportunity before it once the run is long.
    const wbr = () => (++run > LONGEST_RUN && (run - 1) % BREAK_EVERY === 0 ? '<wbr>' : '');
    if (t[0] === '&') {
      // A character reference is one character (&nbsp; too, which does not break either).
      out.push(wbr() + t);
      continue;
    }
    let piece = '';
    for (const ch of t) {
      if (BREAKABLE.test(ch)) {
        run = 0;
        piece += ch;
      } else piece += wbr() + ch;
    }
    out.push(piece);
  }
  return out.join('');
}
