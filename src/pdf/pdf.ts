/**
 * pdf-lib helpers: atomic writes, the marker links that map a batch document's pages to forms, page-number
 * stamping, and merging PDFs with bookmarks.
 */
import { readFile } from 'node:fs/promises';
import { deflateSync } from 'node:zlib';
import { VERIFY_KEY } from '../output/forms/verification.js';
import { writeAtomic } from '../store/files.js';
import {
  PDFArray,
  PDFContentStream,
  PDFDict,
  PDFDocument,
  PDFHexString,
  PDFName,
  PDFNumber,
  PDFObjectCopier,
  PDFOperator,
  PDFPage,
  PDFPageLeaf,
  PDFStream,
  type PDFObject,
  PDFRawStream,
  PDFRef,
  PDFString,
  drawObject,
  popGraphicsState,
  pushGraphicsState,
  translate,
  type PDFEmbeddedPage,
} from '@pdfme/pdf-lib';

function uriOf(annot: PDFDict): string | undefined {
  if (annot.get(PDFName.of('Subtype')) !== PDFName.of('Link')) return undefined;
  const action = annot.lookupMaybe(PDFName.of('A'), PDFDict);
  const uri = action?.lookup(PDFName.of('URI'));
  return uri instanceof PDFString || uri instanceof PDFHexString ? uri.decodeText() : undefined;
}

/**
 * Finds the link annotations whose URI starts with `prefix` (the engine puts one at the top of each form),
 * removes them from the document, and returns, for each page index, the suffixes found on it.
 */
export function takeMarkers(doc: PDFDocument, prefix: string): Map<number, string[]> {
  const found = new Map<number, string[]>();
  doc.getPages().forEach((page, index) => {
    const annots = page.node.lookupMaybe(PDFName.of('Annots'), PDFArray);
    if (!annots) return;
    for (let k = annots.size() - 1; k >= 0; k--) {
      const raw = annots.get(k);
      const annot = annots.lookupMaybe(k, PDFDict);
      const uri = annot && uriOf(annot);
      if (!uri || !uri.startsWith(prefix)) continue;
      const list = found.get(index) ?? [];
      list.unshift(uri.slice(prefix.length));
      found.set(index, list);
      annots.remove(k);
      // Drop the orphaned objects too, so an in-place save does not keep them.
      if (raw instanceof PDFRef) doc.context.delete(raw);
      const action = annot.get(PDFName.of('A'));
      if (action instanceof PDFRef) doc.context.delete(action);
    }
    if (annots.size() === 0) page.node.delete(PDFName.of('Annots'));
  });
  return found;
}

export interface PdfMeta {
  title?: string;
  lang?: string;
  keywords?: string[];
  /** Custom entries of the document information dictionary (name → text). */
  custom?: Record<string, string>;
}

function infoDict(doc: PDFDocument): PDFDict | undefined {
  const ref = doc.context.trailerInfo.Info;
  return ref ? doc.context.lookupMaybe(ref, PDFDict) : undefined;
}

export function setMeta(doc: PDFDocument, meta: PdfMeta): void {
  if (meta.title) doc.setTitle(meta.title, { showInWindowTitleBar: true });
  doc.setCreator('djyc');
  doc.setProducer('djyc (Chromium, pdf-lib)');
  if (meta.lang) doc.setLanguage(meta.lang);
  if (meta.keywords?.length) doc.setKeywords(meta.keywords);
  if (meta.custom) {
    doc.setCreator('djyc'); // makes sure the information dictionary exists
    const info = infoDict(doc);
    for (const [name, text] of Object.entries(meta.custom)) info?.set(PDFName.of(name), PDFHexString.fromText(text));
  }
}

/** A custom entry of the document information dictionary, as text. */
export function readInfoEntry(doc: PDFDocument, name: string): string | undefined {
  const v = infoDict(doc)?.lookup(PDFName.of(name));
  return v instanceof PDFString || v instanceof PDFHexString ? v.decodeText() : undefined;
}

/**
 * Appends operators to a page in a content stream of their own, uncompressed (a few dozen bytes). pdf-lib's
 * pushOperators deflates every such stream, and the q / Q streams it wraps a page's own content in, with pako in
 * JavaScript: three deflate set-ups of a quarter megabyte each per form, a second of a 1,000-form batch.
 */
function appendOperators(doc: PDFDocument, page: PDFPage, operators: PDFOperator[]): void {
  plainWrapping(doc);
  page.node.addContentStream(plainStream(doc, operators));
}

function plainStream(doc: PDFDocument, operators: PDFOperator[]): PDFRef {
  return doc.context.register(PDFContentStream.of(doc.context.obj({}), operators, false));
}

/** The q and Q streams a page's own content is wrapped in when pdf-lib first touches the page (once per document), uncompressed too. */
function plainWrapping(doc: PDFDocument): void {
  const wrap = doc.context as unknown as { pushGraphicsStateContentStreamRef?: PDFRef; popGraphicsStateContentStreamRef?: PDFRef };
  wrap.pushGraphicsStateContentStreamRef ??= plainStream(doc, [pushGraphicsState()]);
  wrap.popGraphicsStateContentStreamRef ??= plainStream(doc, [popGraphicsState()]);
}

/**
 * copyPages, without copying every stream's bytes: pdf-lib's copier slices each stream it copies (a batch document's
 * fonts, for every form cut from it) and the copy is garbage as soon as the form is saved. Here copies share the
 * bytes, read-only: nothing edits a copied stream, and saving only reads it.
 */
export async function copyPagesSharing(src: PDFDocument, dest: PDFDocument, indices: number[]): Promise<PDFPage[]> {
  await src.flush();
  const copier = sharingCopier(src, dest);
  const pages = src.getPages();
  return indices.map((i) => {
    const node = copier.copy(pages[i]!.node) as PDFPageLeaf;
    return PDFPage.of(node, dest.context.register(node), dest);
  });
}

/** pdf-lib's object copier, with streams copied as dictionaries that share the original's bytes (see copyPagesSharing). */
function sharingCopier(src: PDFDocument, dest: PDFDocument): PDFObjectCopier {
  const copier = PDFObjectCopier.for(src.context, dest.context);
  const inner = copier as unknown as {
    traversedObjects: Map<PDFObject, PDFObject>;
    copy: <T extends PDFObject>(o: T) => T;
    copyPDFStream: (s: PDFStream) => PDFStream;
  };
  const plain = inner.copyPDFStream;
  inner.copyPDFStream = (s) => {
    if (!(s instanceof PDFRawStream)) return plain(s);
    const done = inner.traversedObjects.get(s);
    if (done) return done as PDFStream;
    const copy = PDFRawStream.of(s.dict.clone(dest.context), s.contents);
    inner.traversedObjects.set(s, copy);
    for (const [key, value] of s.dict.entries()) copy.dict.set(key, inner.copy(value));
    return copy;
  };
  return copier;
}

/**
 * Draws page `index` of `sheet` (a full A4 overlay: footer, watermark) over every page of `pages`, and `vector`
 * over it: PDF drawing operators in CSS pixels from the sheet's top-left corner, y downward (as its HTML).
 */
export async function stampOverlay(doc: PDFDocument, pages: PDFPage[], sheet: PDFDocument, index: number, vector?: string): Promise<void> {
  const source = sheet.getPage(index);
  const box = source.getMediaBox();
  const drawing = vector ? vectorXObject(doc, vector, box) : undefined;
  const xobject = embedAsPrinted(doc, source);
  if (!xobject) {
    const [embedded] = await doc.embedPages([source]);
    for (const page of pages) {
      const { width, height } = page.getSize();
      page.drawPage(embedded!, { x: (width - embedded!.width) / 2, y: height - embedded!.height });
    }
  }
  for (const page of pages) {
    const { width, height } = page.getSize();
    plainWrapping(doc);
    const names = [xobject, drawing].flatMap((x) => (x ? [page.node.newXObject('DjycOverlay', x)] : []));
    if (names.length) appendOperators(doc, page, [pushGraphicsState(), translate((width - box.width) / 2, height - box.height), ...names.map((n) => drawObject(n)), popGraphicsState()]);
  }
}

/**
 * Drawing operators in CSS pixels (y downward) as a form XObject over a sheet of `box`, compressed by zlib (not by
 * pdf-lib's JavaScript deflate).
 */
function vectorXObject(doc: PDFDocument, operators: string, box: { width: number; height: number }): PDFRef {
  const dict = doc.context.obj({
    Type: 'XObject',
    Subtype: 'Form',
    FormType: 1,
    BBox: [0, 0, box.width / PX_PT, box.height / PX_PT],
    Matrix: [PX_PT, 0, 0, -PX_PT, 0, box.height],
    Resources: {},
    Filter: 'FlateDecode',
  });
  return doc.context.register(PDFRawStream.of(dict, deflateSync(Buffer.from(operators, 'latin1'), { level: 1 })));
}

/**
 * A page of another document as a form XObject whose content is the page's own compressed stream, as Chromium
 * printed it. pdf-lib's embedPages inflates the content and deflates it again in JavaScript: for an overlay with a
 * QR code that was most of a batch's time. Only for a page with one Flate-compressed content stream (what
 * Chromium writes); undefined otherwise, and the caller embeds the page with pdf-lib.
 */
function embedAsPrinted(doc: PDFDocument, source: PDFPage, copier?: PDFObjectCopier, band?: { bottom: number; top: number }): PDFRef | undefined {
  const contents = source.node.Contents();
  const stream = contents instanceof PDFArray ? (contents.size() === 1 ? contents.lookup(0) : undefined) : contents;
  if (!(stream instanceof PDFRawStream)) return undefined;
  const filter = stream.dict.lookup(PDFName.of('Filter'));
  if (filter !== PDFName.of('FlateDecode') || stream.dict.has(PDFName.of('DecodeParms'))) return undefined;
  // The page's resources (fonts, images) copied into this document; not the page itself, whose content stream
  // would be copied as an orphan. One copier for several pages copies what they share (a font) once.
  const resources = source.node.Resources();
  const copied = resources ? (copier ?? sharingCopier(source.doc, doc)).copy(resources) : doc.context.obj({});
  const { x, y, width, height } = source.getMediaBox();
  const dict = doc.context.obj({
    Type: 'XObject',
    Subtype: 'Form',
    FormType: 1,
    // A band of the page (page numbers) or all of it; either way in the page's own coordinates.
    BBox: band ? [x, y + band.bottom, x + width, y + band.top] : [x, y, x + width, y + height],
    Matrix: [1, 0, 0, 1, -x, -y],
    Resources: copied,
    Filter: 'FlateDecode',
  });
  return doc.context.register(PDFRawStream.of(dict, stream.contents));
}

/** Band of the number sheet that holds the page number (bottom 10–40 mm of the page), in points. */
const MM = 72 / 25.4;
/** Points per CSS pixel. */
const PX_PT = 0.75;
export const NUMBER_BAND = { bottom: 10 * MM, top: 40 * MM };

/**
 * Stamps page i of `pages` with page i of `sheet` (a PDF whose page n shows the number n in the footer
 * band), centred horizontally and aligned to the page's bottom edge. The sheet is rendered by Chromium with
 * the project's fonts, so the numbers use an embedded subset font like the rest of the page.
 */
export async function stampPageNumbers(doc: PDFDocument, pages: PDFPage[], sheet: PDFDocument): Promise<void> {
  if (pages.length > sheet.getPageCount()) throw new Error(`page-number sheet has ${sheet.getPageCount()} pages, ${pages.length} needed`);
  const sheetPages = sheet.getPages().slice(0, pages.length);
  const width = sheetPages[0].getWidth();
  // As printed (no inflating and deflating in JavaScript), when Chromium wrote each page as one compressed stream.
  const copier = sharingCopier(sheet, doc);
  const xobjects = sheetPages.map((p) => embedAsPrinted(doc, p, copier, NUMBER_BAND));
  if (xobjects.every((x) => x)) {
    plainWrapping(doc);
    pages.forEach((page, i) => {
      const { width: w } = page.getSize();
      const name = page.node.newXObject('DjycPageNumber', xobjects[i]!);
      appendOperators(doc, page, [pushGraphicsState(), translate((w - width) / 2, 0), drawObject(name), popGraphicsState()]);
    });
    return;
  }
  const boxes = sheetPages.map(() => ({ left: 0, right: width, bottom: NUMBER_BAND.bottom, top: NUMBER_BAND.top }));
  const embedded: PDFEmbeddedPage[] = await doc.embedPages(sheetPages, boxes);
  pages.forEach((page, i) => {
    const { width: w } = page.getSize();
    page.drawPage(embedded[i], { x: (w - width) / 2, y: NUMBER_BAND.bottom });
  });
}

export interface MergePart {
  title: string;
  path: string;
}

export interface MergeOptions {
  /** Add a bookmark (outline entry) per part, pointing at its first page. Default true. */
  outline?: boolean;
  /** Document title of the merged file. */
  title?: string;
  /** Verification payloads of the forms merged (one per form), kept in the metadata. */
  verify?: string[];
}


/**
 * Concatenates PDFs into `out` (written atomically) and, unless told not to, adds PDF bookmarks: one
 * top-level outline entry per part. Parts with no pages get no bookmark. Returns the page count.
 */
export async function mergePdfs(parts: MergePart[], out: string, opts: MergeOptions = {}): Promise<number> {
  const merged = await PDFDocument.create();
  const starts: Array<{ title: string; page: PDFPage }> = [];
  for (const part of parts) {
    const src = await PDFDocument.load(await readFile(part.path), { parseSpeed: Infinity });
    const copied = await merged.copyPages(src, src.getPageIndices());
    copied.forEach((p, i) => {
      merged.addPage(p);
      if (i === 0) starts.push({ title: part.title, page: p });
    });
  }
  if (opts.outline !== false && starts.length > 0) addOutline(merged, starts);
  setMeta(merged, { title: opts.title, lang: 'zh-CN', ...(opts.verify?.length ? { custom: { [VERIFY_KEY]: opts.verify.join('\n') } } : {}) });
  writeAtomic(out, await merged.save({ objectsPerTick: Infinity }));
  return merged.getPageCount();
}

/**
 * Builds the /Outlines dictionary by hand (pdf-lib has no outline API): a flat, doubly linked list of
 * items, each with a /Dest to its page (/XYZ at the top, zoom unchanged), shown open on opening.
 */
export function addOutline(doc: PDFDocument, entries: Array<{ title: string; page: PDFPage }>): void {
  const { context } = doc;
  const rootRef = context.nextRef();
  const refs = entries.map(() => context.nextRef());
  entries.forEach((entry, i) => {
    const item = context.obj({}) as PDFDict;
    item.set(PDFName.of('Title'), PDFHexString.fromText(entry.title));
    item.set(PDFName.of('Parent'), rootRef);
    if (i > 0) item.set(PDFName.of('Prev'), refs[i - 1]);
    if (i < refs.length - 1) item.set(PDFName.of('Next'), refs[i + 1]);
    const dest = context.obj([entry.page.ref, PDFName.of('XYZ'), null, entry.page.getHeight(), null]);
    item.set(PDFName.of('Dest'), dest);
    context.assign(refs[i], item);
  });
  const root = context.obj({}) as PDFDict;
  root.set(PDFName.of('Type'), PDFName.of('Outlines'));
  root.set(PDFName.of('First'), refs[0]);
  root.set(PDFName.of('Last'), refs[refs.length - 1]);
  root.set(PDFName.of('Count'), PDFNumber.of(refs.length));
  context.assign(rootRef, root);
  doc.catalog.set(PDFName.of('Outlines'), rootRef);
  doc.catalog.set(PDFName.of('PageMode'), PDFName.of('UseOutlines'));
}

/** Reads back the top-level outline titles of a PDF (for tests and `djyc doctor`-style checks). */
export function readOutline(doc: PDFDocument): Array<{ title: string; page: number }> {
  const out: Array<{ title: string; page: number }> = [];
  const root = doc.catalog.lookupMaybe(PDFName.of('Outlines'), PDFDict);
  if (!root) return out;
  const pageRefs = doc.getPages().map((p) => p.ref);
  let item = root.lookupMaybe(PDFName.of('First'), PDFDict);
  const seen = new Set<PDFDict>();
  while (item && !seen.has(item)) {
    seen.add(item);
    const title = item.lookup(PDFName.of('Title'));
    const dest = item.lookupMaybe(PDFName.of('Dest'), PDFArray);
    const target = dest?.get(0);
    out.push({
      title: title instanceof PDFString || title instanceof PDFHexString ? title.decodeText() : '',
      page: target instanceof PDFRef ? pageRefs.findIndex((r) => r === target) : -1,
    });
    item = item.lookupMaybe(PDFName.of('Next'), PDFDict);
  }
  return out;
}
