/**
 * Word documents of forms: one section per form (a page break between them), each with its own footer carrying the
 * page number, the verification code and the QR code, a 草稿 watermark in its header when the form was rendered from
 * uncommitted changes, and the verification payloads in the document's custom properties (DjycVerify).
 */
import {
  AlignmentType,
  Document,
  Footer,
  Header,
  ImageRun,
  LineRuleType,
  Packer,
  PageNumber,
  Paragraph,
  SectionType,
  Table,
  TableBorders,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  VerticalAlignTable,
  WidthType,
  type ISectionOptions,
} from 'docx';
import { TextWatermark } from 'docx/watermarks';
import { DRAFT_MARK, DRAFT_NOTE, FOOTER, VERIFY_HINT, VERIFY_KEY, VERIFY_LABEL, type Stamp } from '../forms/verification.js';
import { FONTS, PAGE, SIZE, mm, xmlSafe } from './form.js';


export interface DocxSection {
  children: Array<Paragraph | Table>;
  stamp?: Stamp;
  /** PNG of the stamp's QR code. */
  qr?: Buffer;
}

export interface DocxMeta {
  title: string;
  /** Keywords (the verification codes). */
  keywords?: string[];
}

const PX_PER_MM = 96 / 25.4;

/** GB/T 9704-2012 7.5: page numbers of odd pages at the right of the text block, of even pages at the left, one character (四号) in. */
function footerFor(s: DocxSection, page: 'odd' | 'even'): Footer {
  const oneChar = SIZE.si * 10; // twips of one 四号 character (size in half-points)
  const pageNumber = new Paragraph({
    alignment: page === 'odd' ? AlignmentType.RIGHT : AlignmentType.LEFT,
    indent: page === 'odd' ? { right: oneChar } : { left: oneChar },
    children: [new TextRun({ size: SIZE.si, children: ['— ', PageNumber.CURRENT, ' —'] })],
  });
  if (!s.stamp) return new Footer({ children: [pageNumber] });
  const qrSide = Math.round(FOOTER.qrSize * PX_PER_MM);
  const codeWidth = mm(60);
  const qrWidth = mm(FOOTER.qrSize + 1);
  const text = (t: string) => new TextRun({ text: xmlSafe(t), size: SIZE.xiaowu });
  const row = new TableRow({
    children: [
      new TableCell({
        width: { size: codeWidth, type: WidthType.DXA },
        verticalAlign: VerticalAlignTable.BOTTOM,
        children: [new Paragraph({ alignment: AlignmentType.RIGHT, children: [text(`${VERIFY_LABEL} ${s.stamp.code}`), new TextRun({ break: 1, size: SIZE.xiaowu }), text(VERIFY_HINT)] })],
      }),
      new TableCell({
        width: { size: qrWidth, type: WidthType.DXA },
        verticalAlign: VerticalAlignTable.BOTTOM,
        children: [new Paragraph({ alignment: AlignmentType.RIGHT, children: s.qr ? [new ImageRun({ type: 'png', data: s.qr, transformation: { width: qrSide, height: qrSide }, altText: { name: 'QR', description: s.stamp.text, title: VERIFY_LABEL } })] : [] })],
      }),
    ],
  });
  const table = new Table({
    rows: [row],
    width: { size: codeWidth + qrWidth, type: WidthType.DXA },
    columnWidths: [codeWidth, qrWidth],
    layout: TableLayoutType.FIXED,
    alignment: AlignmentType.RIGHT,
    borders: TableBorders.NONE,
  });
  return new Footer({ children: [pageNumber, table, new Paragraph({ spacing: { line: 20, lineRule: LineRuleType.EXACT }, children: [] })] });
}

function headerFor(s: DocxSection): Header | undefined {
  if (!s.stamp?.draft) return undefined;
  return new Header({
    children: [
      new Paragraph({
        children: [new TextWatermark({ text: DRAFT_MARK, font: FONTS.heading, color: 'C0C0C0', opacity: 0.4 }), new TextRun({ text: DRAFT_NOTE, size: SIZE.wu })],
      }),
    ],
  });
}

/**
 * The styles part: document defaults (仿宋_GB2312 三号 in every font slot, Chinese language, punctuation kept inside
 * the margin) and the few styles Word expects. Written here because the docx package writes `overflowPunct` only
 * to switch it on.
 */
function stylesXml(): string {
  const f = FONTS.body;
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    '<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">' +
    `<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="${f}" w:hAnsi="${f}" w:eastAsia="${f}" w:cs="${f}"/><w:sz w:val="${SIZE.san}"/><w:szCs w:val="${SIZE.san}"/><w:lang w:val="zh-CN" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>` +
    '<w:pPrDefault><w:pPr><w:overflowPunct w:val="0"/><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults>' +
    '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>' +
    '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont"><w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/></w:style>' +
    '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:uiPriority w:val="99"/><w:semiHidden/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>' +
    '<w:style w:type="numbering" w:default="1" w:styleId="NoList"><w:name w:val="No List"/><w:uiPriority w:val="99"/><w:semiHidden/></w:style>' +
    '</w:styles>'
  );
}

/** The font table: each face with the alternative Word and WPS fall back to where it is not installed. */
function fontTable(): string {
  const fonts: Array<[string, string, string, string]> = [
    [FONTS.body, FONTS.bodyAlt, 'modern', 'fixed'],
    [FONTS.bodyAlt, 'FangSong', 'modern', 'fixed'],
    [FONTS.title, FONTS.titleAlt, 'script', 'variable'],
    [FONTS.heading, 'SimHei', 'modern', 'fixed'],
    [FONTS.titleAlt, 'SimSun', 'auto', 'variable'],
  ];
  const entries = fonts.map(([name, alt, family, pitch]) => `<w:font w:name="${name}"><w:altName w:val="${alt}"/><w:charset w:val="86"/><w:family w:val="${family}"/><w:pitch w:val="${pitch}"/></w:font>`);
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">${entries.join('')}</w:fonts>`;
}

const STYLES = stylesXml();
const FONT_TABLE = fontTable();

/** A .docx of one or more forms (one section each). */
export async function docxDocument(sections: DocxSection[], meta: DocxMeta): Promise<Buffer> {
  const stamps = sections.map((s) => s.stamp).filter((s): s is Stamp => !!s);
  const doc = new Document({
    title: xmlSafe(meta.title),
    creator: 'djyc',
    description: stamps.length ? stamps.map((s) => `${VERIFY_LABEL} ${s.code}`).join('；') : undefined,
    keywords: meta.keywords?.join(' '),
    customProperties: stamps.length ? [{ name: VERIFY_KEY, value: stamps.map((s) => s.text).join('\n') }] : [],
    evenAndOddHeaderAndFooters: true,
    sections: sections.map((s, i): ISectionOptions => {
      const header = headerFor(s);
      const evenHeader = header ? headerFor(s) : undefined;
      return {
        properties: {
          ...(i > 0 ? { type: SectionType.NEXT_PAGE } : {}),
          page: {
            size: { width: PAGE.width, height: PAGE.height },
            margin: { top: PAGE.top, bottom: PAGE.bottom, left: PAGE.left, right: PAGE.right, header: mm(15), footer: mm(FOOTER.qrBottom) },
            pageNumbers: { start: 1 },
          },
        },
        headers: header ? { default: header, even: evenHeader } : undefined,
        footers: { default: footerFor(s, 'odd'), even: footerFor(s, 'even') },
        children: s.children,
      };
    }),
  });
  return Packer.toBuffer(doc, false, [
    { path: 'word/styles.xml', data: STYLES },
    { path: 'word/fontTable.xml', data: FONT_TABLE },
  ]);
}


