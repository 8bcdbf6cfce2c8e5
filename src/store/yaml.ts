import { CST, isAlias, isMap, isNode, isPair, isScalar, isSeq, Lexer, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import type { Problem, Severity } from '../domain/problem.js';
import type { MessageKey } from '../domain/i18n.js';

import { MAX_FILE_BYTES } from '../domain/paths.js';
import { fastParse } from './fastyaml.js';

const PARSE_OPTIONS = {
  version: '1.2',
  schema: 'core',
  merge: false,
  uniqueKeys: true,
  prettyErrors: false,
  strict: true,
  stringKeys: true,
} as const;

export interface Parsed {
  data: unknown;
  doc: Document.Parsed;
  lineCounter: LineCounter;
  text: string;
}

export type ParseResult = { ok: true; parsed: Parsed } | { ok: false; problems: Problem[] };

function problemAt(file: string, line: number, col: number, rule: MessageKey, params: Record<string, string | number> = {}, severity: Severity = 'error'): Problem {
  return { file, line, col, severity, rule, params };
}

/** Decodes bytes as strict UTF-8 (a BOM is dropped); returns null for anything else. */
export function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    return null;
  }
}

/**
 * C0 control characters other than tab, line feed and carriage return are not YAML (1.2, 5.1: outside c-printable),
 * and every writer escapes them (yaml, js-yaml, PyYAML: "\0", "\a"). Raw, they are a pasted or corrupted byte, and a
 * NUL makes git and every pull-request page show the file as binary, hiding what changed from the reviewer.
 */
const CONTROL = /[\x00-\x08\x0B\x0C\x0E-\x1F]/;

const CONFLICT = /^(<{7}|={7}|>{7}|\|{7})(?:[ \t].*)?$/m;

/** Checks that must run before YAML sees the text: conflict markers can hide inside block scalars. */
export function precheck(file: string, bytes: Uint8Array): { text: string } | { problems: Problem[] } {
  if (bytes.byteLength > MAX_FILE_BYTES) return { problems: [problemAt(file, 1, 1, 'file-too-large', { size: bytes.byteLength, max: MAX_FILE_BYTES })] };
  const text = decodeUtf8(bytes);
  if (text === null) {
    const offset = firstInvalidUtf8(bytes);
    const before = new TextDecoder('utf-8').decode(bytes.subarray(0, offset));
    const lines = before.split('\n');
    return { problems: [problemAt(file, lines.length, lines[lines.length - 1]!.length + 1, 'not-utf8')] };
  }
  const control = CONTROL.exec(text);
  if (control) {
    const lines = text.slice(0, control.index).split('\n');
    const code = `U+${control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
    return { problems: [problemAt(file, lines.length, lines[lines.length - 1]!.length + 1, 'yaml-control-char', { code })] };
  }
  const m = CONFLICT.exec(text);
  if (m) {
    const line = text.slice(0, m.index).split('\n').length;
    return { problems: [problemAt(file, line, 1, 'merge-conflict', { marker: m[1]! })] };
  }
  const hidden = indentedConflict(text);
  if (hidden) return { problems: [problemAt(file, hidden.line, hidden.col, 'merge-conflict', { marker: '<<<<<<<' })] };
  return { text };
}

/**
 * Conflict markers re-indented into a block scalar (an editor's auto-indent, a copy from a diff) parse as plain
 * text: an indented `<<<<<<<` line followed by `=======` and `>>>>>>>` lines at the same indentation is one.
 */
function indentedConflict(text: string): { line: number; col: number } | undefined {
  // Almost every file has no marker at all: one search instead of a line-by-line scan.
  if (!text.includes('<<<<<<<')) return undefined;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^([ \t]+)<{7}(?:[ \t].*)?\r?$/.exec(lines[i]!);
    if (!open) continue;
    const indent = open[1]!;
    const rest = lines.slice(i + 1);
    const mid = rest.findIndex((l) => new RegExp(`^${indent}={7}\\r?$`).test(l));
    if (mid >= 0 && rest.slice(mid + 1).some((l) => new RegExp(`^${indent}>{7}(?:[ \t].*)?\\r?$`).test(l))) {
      return { line: i + 1, col: indent.length + 1 };
    }
  }
  return undefined;
}

/** Offset of the first byte that does not start a well-formed UTF-8 sequence (RFC 3629: no overlongs, no surrogates). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  const n = bytes.byteLength;
  const cont = (i: number, lo = 0x80, hi = 0xbf) => i < n && bytes[i]! >= lo && bytes[i]! <= hi;
  let i = 0;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) i += 1;
    else if (b >= 0xc2 && b <= 0xdf && cont(i + 1)) i += 2;
    else if (b === 0xe0 && cont(i + 1, 0xa0) && cont(i + 2)) i += 3;
    else if (((b >= 0xe1 && b <= 0xec) || b === 0xee || b === 0xef) && cont(i + 1) && cont(i + 2)) i += 3;
    else if (b === 0xed && cont(i + 1, 0x80, 0x9f) && cont(i + 2)) i += 3;
    else if (b === 0xf0 && cont(i + 1, 0x90) && cont(i + 2) && cont(i + 3)) i += 4;
    else if (b >= 0xf1 && b <= 0xf3 && cont(i + 1) && cont(i + 2) && cont(i + 3)) i += 4;
    else if (b === 0xf4 && cont(i + 1, 0x80, 0x8f) && cont(i + 2) && cont(i + 3)) i += 4;
    else return i;
  }
  return n;
}

/** Parses one record file: YAML 1.2 core schema, no aliases, anchors, tags or merge keys, one document. */
/**
 * A record text's data as loading reads it: the fast parser where it answers (batches read thousands of records),
 * else the safe one; undefined when it does not parse.
 */
export function recordData(file: string, text: string): Record<string, unknown> | undefined {
  const fast = fastParse(text);
  if (fast !== undefined) return fast;
  const r = parseRecordText(file, text);
  return r.ok ? (r.parsed.data as Record<string, unknown>) : undefined;
}

export function parseRecordText(file: string, text: string): ParseResult {
  const lineCounter = new LineCounter();
  const problems: Problem[] = [];
  const pos = (offset: number) => lineCounter.linePos(offset);
  let doc: Document.Parsed;
  try {
    const docs = parseAllDocuments(text, lineCounter);
    if (docs.length === 0) return { ok: false, problems: [problemAt(file, 1, 1, 'empty-file')] };
    doc = docs[0]!;
    if (docs.length > 1) {
      const start = docs[1]!.range?.[0] ?? 0;
      const p = pos(start);
      problems.push(problemAt(file, p.line, p.col, 'yaml-multi-doc'));
    }
  } catch (err) {
    return { ok: false, problems: [problemAt(file, 1, 1, 'yaml-syntax', { detail: String((err as Error).message ?? err) })] };
  }

  const version = doc.directives?.yaml?.explicit ? doc.directives.yaml.version : undefined;
  if (version && version !== '1.2') {
    const at = /^%YAML\b/m.exec(text);
    const p = pos(at?.index ?? 0);
    problems.push(problemAt(file, p.line, p.col, 'yaml-version', { version }));
  }

  // Tags, anchors and aliases are found in the token stream: exact positions (the `!`, `&` or `*` itself),
  // also on block collections and keys, where node ranges start elsewhere or the parser stops early.
  const marks = lexMarks(text);
  for (const [offset, token] of marks.props) {
    const p = pos(offset);
    if (token.startsWith('!')) problems.push(problemAt(file, p.line, p.col, 'yaml-tag', { tag: token }));
    else problems.push(problemAt(file, p.line, p.col, 'yaml-alias'));
  }

  for (const e of doc.errors) {
    // A tagged key is reported as a tag above; the parser's "keys must be strings" adds nothing.
    if (marks.props.length && /stringKeys/.test(e.message)) continue;
    let offset = e.pos[0];
    if (e.code === 'MISSING_CHAR' && /quote/.test(e.message) && marks.unclosedQuote !== undefined) offset = marks.unclosedQuote;
    else if (/^Flow (sequence|map)|flow (sequence|map|collection)/i.test(e.message) && marks.unclosedFlow !== undefined) offset = marks.unclosedFlow;
    const p = pos(offset);
    if (e.code === 'DUPLICATE_KEY') {
      const key = /^["']?([^:\n"']+?)["']?\s*:/.exec(text.slice(e.pos[0]))?.[1] ?? text.slice(e.pos[0], e.pos[1]) ?? '?';
      problems.push(problemAt(file, p.line, p.col, 'duplicate-key', { key }));
    } else {
      problems.push(problemAt(file, p.line, p.col, 'yaml-syntax', { detail: cleanYamlMessage(e.message) }));
    }
  }
  if (problems.length) return { ok: false, problems: dedupeProblems(problems) };

  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && pair.key.value === '<<' && pair.key.type === 'PLAIN') {
        const p = pos(pair.key.range?.[0] ?? 0);
        problems.push(problemAt(file, p.line, p.col, 'yaml-merge-key'));
      }
    },
  });
  if (problems.length) return { ok: false, problems };

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 0 });
  } catch (err) {
    // Alias bombs throw ReferenceError, not YAMLError: anything here is a clean problem, never a crash.
    return { ok: false, problems: [problemAt(file, 1, 1, 'yaml-syntax', { detail: String((err as Error).message ?? err) })] };
  }
  if (data === null || data === undefined) return { ok: false, problems: [problemAt(file, 1, 1, 'empty-file')] };
  if (typeof data !== 'object' || Array.isArray(data)) {
    const p = pos(doc.contents?.range?.[0] ?? 0);
    return { ok: false, problems: [problemAt(file, p.line, p.col, 'not-a-mapping')] };
  }
  return { ok: true, parsed: { data, doc, lineCounter, text } };
}

function parseAllDocuments(text: string, lineCounter: LineCounter): Document.Parsed[] {
  // parseAllDocuments would return an EmptyStream for empty input; parseDocument then reports multi-docs itself.
  // We use the Composer through parseAllDocuments to know how many documents there are.
  const docs: Document.Parsed[] = [];
  const first = parseDocument(text, { ...PARSE_OPTIONS, lineCounter });
  if (first.contents === null && !text.trim().replace(/^#.*$/gm, '').trim()) return docs;
  docs.push(first);
  const multi = first.errors.find((e) => e.code === 'MULTIPLE_DOCS');
  if (multi) {
    first.errors = first.errors.filter((e) => e !== multi);
    const second = parseDocument('', PARSE_OPTIONS);
    second.range = [multi.pos[0], multi.pos[0], multi.pos[0]];
    docs.push(second);
  }
  return docs;
}

const ZERO_WIDTH = new Set(['doc-mode', 'flow-error-end', 'scalar']);

/**
 * Scans the token stream: offsets of tags (`!foo`, `!!str`), anchors (`&a`) and aliases (`*a`), of the innermost
 * flow collection (`[`/`{`) never closed, and of a quoted scalar never closed (the parser reports both at their end).
 */
function lexMarks(text: string): { props: [number, string][]; unclosedFlow?: number; unclosedQuote?: number } {
  const props: [number, string][] = [];
  const flows: number[] = [];
  let unclosedQuote: number | undefined;
  let offset = 0;
  for (const token of new Lexer().lex(text)) {
    const type = CST.tokenType(token);
    if (type === 'tag' || type === 'anchor' || type === 'alias') props.push([offset, token]);
    else if (type === 'flow-map-start' || type === 'flow-seq-start') flows.push(offset);
    else if (type === 'flow-map-end' || type === 'flow-seq-end') flows.pop();
    else if (unclosedQuote === undefined && (token[0] === '"' || token[0] === "'") && !closedQuote(token)) unclosedQuote = offset;
    if (!ZERO_WIDTH.has(type as string)) offset += token.length;
  }
  return { props, unclosedFlow: flows.length ? flows[flows.length - 1] : undefined, unclosedQuote };
}

function closedQuote(token: string): boolean {
  const q = token[0]!;
  if (token.length < 2 || token[token.length - 1] !== q) return false;
  if (q === "'") return true; // '' inside is an escaped quote; a token ending in ' is closed
  let backslashes = 0;
  for (let i = token.length - 2; i > 0 && token[i] === '\\'; i--) backslashes++;
  return backslashes % 2 === 0;
}

function dedupeProblems(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.line}:${p.col}:${p.rule}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function cleanYamlMessage(msg: string): string {
  return msg.replace(/ at line \d+, column \d+[\s\S]*$/, '').trim();
}

/** Reads and parses a record file's bytes. */
export function parseRecordBytes(file: string, bytes: Uint8Array): ParseResult {
  const pre = precheck(file, bytes);
  if ('problems' in pre) return { ok: false, problems: pre.problems };
  return parseRecordText(file, pre.text);
}

/** Splits a JSON Pointer into segments (`~1` before `~0`, as RFC 6901 says). */
export function pointerSegments(pointer: string): string[] {
  if (!pointer) return [];
  return pointer.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/**
 * Finds the line/column of the node a JSON Pointer designates. `at: 'key'` points at the key of the last
 * segment (for unknown keys); a pointer that does not exist resolves to its deepest existing ancestor.
 */
export function locate(parsed: Pick<Parsed, 'doc' | 'lineCounter'>, pointer: string, at: 'key' | 'value' = 'value'): { line: number; col: number } {
  const segments = pointerSegments(pointer);
  let node: unknown = parsed.doc.contents;
  let offset = (node as Node | null)?.range?.[0] ?? 0;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    const last = i === segments.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((it) => isPair(it) && isScalar(it.key) && String(it.key.value) === seg);
      if (!pair) break;
      const keyNode = pair.key as Node;
      if (last && at === 'key') {
        offset = keyNode.range?.[0] ?? offset;
        break;
      }
      const value = pair.value;
      if (isNode(value) && value.range) {
        offset = value.range[0];
        node = value;
      } else {
        offset = keyNode.range?.[0] ?? offset;
        break;
      }
    } else if (isSeq(node)) {
      const item = node.items[Number(seg)];
      if (!isNode(item) || !item.range) break;
      offset = item.range[0];
      node = item;
    } else break;
  }
  if (isAlias(node)) offset = node.range?.[0] ?? offset;
  const p = parsed.lineCounter.linePos(offset);
  return { line: p.line, col: p.col };
}
