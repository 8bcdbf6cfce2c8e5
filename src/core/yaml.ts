import { isAlias, isMap, isNode, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import type { Problem, Severity } from './problem.js';
import type { MessageKey } from './i18n.js';

/** Records are small; anything bigger is a mistake (or an attack) and is refused before parsing. */
export const MAX_FILE_BYTES = 1024 * 1024;

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
  const m = CONFLICT.exec(text);
  if (m) {
    const line = text.slice(0, m.index).split('\n').length;
    return { problems: [problemAt(file, line, 1, 'merge-conflict', { marker: m[1]! })] };
  }
  return { text };
}

function firstInvalidUtf8(bytes: Uint8Array): number {
  // Binary search on the longest prefix that decodes cleanly; small files, so good enough.
  let lo = 0;
  let hi = bytes.byteLength;
  const ok = (n: number) => {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, n), { stream: true });
      return true;
    } catch {
      return false;
    }
  };
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ok(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Parses one record file: YAML 1.2 core schema, no aliases, anchors, tags or merge keys, one document. */
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
  if (version && version !== '1.2') problems.push(problemAt(file, 1, 1, 'yaml-version', { version }));

  for (const e of doc.errors) {
    const p = pos(e.pos[0]);
    if (e.code === 'DUPLICATE_KEY') {
      const key = /^["']?([^:\n"']+?)["']?\s*:/.exec(text.slice(e.pos[0]))?.[1] ?? text.slice(e.pos[0], e.pos[1]) ?? '?';
      problems.push(problemAt(file, p.line, p.col, 'duplicate-key', { key }));
    } else {
      problems.push(problemAt(file, p.line, p.col, 'yaml-syntax', { detail: cleanYamlMessage(e.message) }));
    }
  }
  if (problems.length) return { ok: false, problems };

  visit(doc, {
    Alias(_, node) {
      const p = pos(node.range?.[0] ?? 0);
      problems.push(problemAt(file, p.line, p.col, 'yaml-alias'));
    },
    Node(_, node) {
      if (node.anchor) {
        const p = pos(node.range?.[0] ?? 0);
        problems.push(problemAt(file, p.line, p.col, 'yaml-alias'));
      }
      const tagAt = node.tag ? explicitTagOffset(text, node) : -1;
      if (tagAt >= 0) {
        const p = pos(tagAt);
        problems.push(problemAt(file, p.line, p.col, 'yaml-tag', { tag: node.tag ?? '?' }));
      }
    },
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

/** Offset of a tag written in the source before the node, or -1 (resolved tags of plain values don't count). */
function explicitTagOffset(text: string, node: Node): number {
  const start = node.range?.[0];
  if (start === undefined) return -1;
  if (text[start] === '!') return start;
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const m = /!\S*\s*$/.exec(text.slice(lineStart, start));
  return m ? lineStart + m.index : -1;
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
