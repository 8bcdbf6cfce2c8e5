/**
 * Edits that keep a person's formatting. A write command changes a record through the yaml library's Document
 * API; instead of printing the whole document again (which re-spaces flow collections and comments and re-wraps
 * folded text), only the text of the top-level keys whose value changed is rewritten, in the source:
 * - a scalar that changed: its value only (the comment after it stays);
 * - a block list that only grew (a history entry, an intervention): the new items, inserted after the last one,
 *   at the list's own indentation;
 * - any other changed value: the lines of that value (the key's line and its comment stay when the value is a
 *   block collection on both sides);
 * - a removed key: its lines; a new key: its lines, before the key that follows it (and that key's comments).
 * Every other byte stays as it was. The result is read again (as loading reads it: the fast parser, else the safe
 * one) and must hold exactly the edited document's data; should it not (a construct this does not handle), the whole
 * document is printed instead, as before.
 */
import { Document, isMap, isScalar, isSeq, parseDocument, type Node, type Pair, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import { fastParse } from './fastyaml.js';

const PARSE = { version: '1.2', schema: 'core', merge: false, uniqueKeys: true } as const;
/** How new text is printed: no folding of long lines, `{a: b}` and `[a]` without padding (yamllint's default). */
export const PRINT = { lineWidth: 0, minContentWidth: 0, flowCollectionPadding: false } as const;

type Edit = { start: number; end: number; text: string };

function keyOf(pair: Pair): string {
  const k = pair.key as unknown;
  return isScalar(k) ? String(k.value) : String(k);
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function toJS(node: unknown): unknown {
  return node && typeof node === 'object' && 'toJSON' in (node as object) ? (node as { toJSON(): unknown }).toJSON() : node;
}

function lineStart(src: string, offset: number): number {
  return src.lastIndexOf('\n', offset - 1) + 1;
}

function lineEnd(src: string, offset: number): number {
  if (offset > 0 && src[offset - 1] === '\n') return offset;
  const nl = src.indexOf('\n', offset);
  return nl < 0 ? src.length : nl + 1;
}

/** `k: <value>` printed alone: the text after `k`, i.e. `: value\n` or `:\n  - …\n`. */
function printedAfterKey(value: unknown, doc: Document): string {
  const tmp = new Document(null, { version: '1.2' });
  const map = tmp.createNode({}) as YAMLMap;
  map.items.push(tmp.createPair('k', null) as never);
  (map.items[0] as Pair).value = cloneNode(value, doc) as never;
  tmp.contents = map as never;
  return tmp.toString(PRINT).slice(1);
}

function cloneNode(value: unknown, _doc: Document): unknown {
  return value && typeof value === 'object' && 'clone' in (value as object) ? (value as { clone(): unknown }).clone() : value;
}

/** The block lines of a collection printed under a top-level key (`k:` dropped), re-indented to `indent`. */
function blockLines(value: unknown, doc: Document, indent: string): string {
  const body = printedAfterKey(value, doc).replace(/^:\n/, '');
  return body
    .split('\n')
    .map((l) => (l ? indent + l.replace(/^ {2}/, '') : l))
    .join('\n');
}

function isBlockCollection(node: unknown): node is YAMLMap | YAMLSeq {
  return (isMap(node) || isSeq(node)) && !(node as YAMLMap).flow;
}

/** The indentation of a block collection's first entry (the `-` of a list, the key of a map). */
function indentOf(src: string, node: YAMLMap | YAMLSeq): string {
  const first = node.items[0] as unknown;
  const at = isSeq(node) ? (first as Node | undefined)?.range?.[0] : ((first as Pair | undefined)?.key as Node | undefined)?.range?.[0];
  if (at === undefined) return '  ';
  const line = src.slice(lineStart(src, at), at);
  return /^ */.exec(line)![0];
}

/** A scalar printed in the style the old one had (plain, single or double quotes) where the value allows it. */
function styledScalar(before: Scalar, after: Scalar): Scalar {
  const s = after.clone() as Scalar;
  if (typeof s.value === 'string' && typeof before.value === 'string' && ['PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE'].includes(String(before.type))) s.type = before.type;
  return s;
}

function diffTop(src: string, before: YAMLMap, after: YAMLMap, doc: Document): Edit[] | undefined {
  const edits: Edit[] = [];
  const old = new Map(before.items.map((p) => [keyOf(p as Pair), p as Pair]));
  const now = new Map(after.items.map((p) => [keyOf(p as Pair), p as Pair]));
  for (const [key, p] of old) {
    const keyNode = p.key as Node;
    const value = p.value as Node | null;
    if (!keyNode?.range) return undefined;
    const end = lineEnd(src, value?.range ? Math.max(value.range[2], value.range[1]) : keyNode.range[2]);
    const q = now.get(key);
    if (!q) {
      edits.push({ start: lineStart(src, keyNode.range[0]), end, text: '' });
      continue;
    }
    const next = q.value as unknown;
    if (same(toJS(value), toJS(next))) continue;
    if (isScalar(value) && isScalar(next) && value.range && !String(value.type).startsWith('BLOCK')) {
      const text = printedAfterKey(styledScalar(value, next), doc).replace(/^: ?/, '').replace(/\n$/, '');
      if (!text.includes('\n')) {
        edits.push({ start: value.range[0], end: value.range[1], text });
        continue;
      }
    }
    if (isSeq(value) && isSeq(next) && !value.flow && value.range && next.items.length > value.items.length && value.items.every((it, i) => same(toJS(it), toJS(next.items[i])))) {
      const added = new Document(null, { version: '1.2' }).createNode([]) as YAMLSeq;
      added.items = next.items.slice(value.items.length) as never;
      const at = lineEnd(src, value.range[1]);
      edits.push({ start: at, end: at, text: blockLines(added, doc, indentOf(src, value)) });
      continue;
    }
    if (isBlockCollection(value) && isBlockCollection(next) && value.range && value.items.length) {
      edits.push({ start: lineStart(src, value.range[0]), end: lineEnd(src, value.range[1]), text: blockLines(next, doc, indentOf(src, value)) });
      continue;
    }
    // Anything else: from the end of the key to the end of the value (the comments above the key stay).
    const tail = printedAfterKey(next, doc);
    edits.push({ start: keyNode.range[1], end, text: tail.endsWith('\n') ? tail : `${tail}\n` });
  }
  // New keys, before the key that follows them in the edited document.
  const order = after.items.map((p) => keyOf(p as Pair));
  for (let i = 0; i < order.length; i++) {
    const key = order[i]!;
    if (old.has(key)) continue;
    const follower = order.slice(i + 1).find((k) => old.has(k));
    let at: number;
    if (follower) {
      at = lineStart(src, (old.get(follower)!.key as Node).range![0]);
      // The comment lines just above the following key belong to it (above the first key: the file's header).
      const first = keyOf(before.items[0] as Pair) === follower;
      while (at > 0 && !first) {
        const prev = lineStart(src, at - 1);
        if (!/^#/.test(src.slice(prev, at))) break;
        at = prev;
      }
    } else at = src.length;
    const pair = now.get(key)!;
    const text = `${key}${printedAfterKey(pair.value, doc)}`;
    edits.push({ start: at, end: at, text: `${at === src.length && src.length && !src.endsWith('\n') ? '\n' : ''}${text.endsWith('\n') ? text : `${text}\n`}` });
  }
  return edits;
}

function apply(src: string, edits: Edit[]): string {
  // From the end backwards, so earlier offsets stay valid; insertions at one place keep their order.
  const sorted = edits.map((e, i) => ({ ...e, i })).sort((a, b) => b.start - a.start || b.i - a.i);
  let out = src;
  for (const e of sorted) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

/**
 * Applies `mutate` to the document parsed from `source` (LF line ends, no byte-order mark) and returns the new
 * text, rewriting only what changed (see above).
 */
export function editPreservingFormat(source: string, mutate: (doc: Document.Parsed) => void): string {
  return new FormatEditor(source).edit(mutate);
}

/**
 * Edits of one text in turn, each rewriting what all of them changed since the text was read: a record edited twice
 * in a row (its stage, then its history entry) is parsed once. After an edit that had to print the whole document
 * (or a mutation that threw), `spent` is set: later edits start afresh from the returned text.
 */
export class FormatEditor {
  private readonly doc: Document.Parsed;
  /** The document as it was, to diff against: a copy of its nodes (ranges included) costs about half a parse. */
  private readonly before: Document;
  spent = false;
  /** The data of the text the last edit returned, when the fast parser read it back (its caller need not read it again). */
  data?: Record<string, unknown>;

  constructor(private readonly source: string) {
    this.doc = parseDocument(source, PARSE);
    this.before = this.doc.clone();
  }

  edit(mutate: (doc: Document.Parsed) => void): string {
    if (this.spent) throw new Error('FormatEditor: start again from the last text');
    const doc = this.doc;
    this.data = undefined;
    try {
      mutate(doc);
    } catch (err) {
      this.spent = true;
      throw err;
    }
    const whole = () => {
      this.spent = true;
      return doc.toString(PRINT);
    };
    if (!isMap(this.before.contents) || !isMap(doc.contents) || this.before.errors.length) return whole();
    const edits = diffTop(this.source, this.before.contents, doc.contents, doc);
    if (!edits) return whole();
    const text = apply(this.source, edits);
    const data = doc.toJS();
    const fast = fastParse(text);
    if (fast !== undefined) {
      if (!same(fast, data)) return whole();
      this.data = fast;
      return text;
    }
    const check = parseDocument(text, PARSE);
    return !check.errors.length && same(check.toJS(), data) ? text : whole();
  }
}

