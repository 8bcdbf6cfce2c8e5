// Reading .docx files back in tests: their XML parts, and the text of a part in reading order.
import { strFromU8, unzipSync } from 'fflate';

export const EXAMPLES = ['huishan-2020', 'dangjian-plus-2017', 'jinhua-2017', 'wxit-shuji-2017', 'genhe-brands-2020'];

/** The parts of a .docx by path, as text. */
export function docxParts(buf: Buffer): Record<string, string> {
  const files = unzipSync(buf);
  return Object.fromEntries(Object.entries(files).filter(([n]) => n.endsWith('.xml') || n.endsWith('.rels')).map(([n, d]) => [n, strFromU8(d)]));
}

export const decodeXml = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

/** The text of a WordprocessingML part in reading order: paragraphs and breaks as new lines. */
export function partText(xml: string): string {
  return decodeXml(
    xml
      .replace(/<w:br\/>/g, '\n')
      .replace(/<\/w:p>/g, '\n')
      .replace(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g, '\u0001$1\u0002')
      .replace(/<[^>]+>/g, '')
      .replace(/[^\u0001\u0002\n]*\u0001([^\u0002]*)\u0002/g, '$1'),
  );
}

