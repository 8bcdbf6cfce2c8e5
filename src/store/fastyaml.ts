import { Schema, isScalar } from 'yaml';

/**
 * A fast path for the plain YAML that records are made of, by hand or by tools (PyYAML, js-yaml, yaml, SnakeYAML):
 * block mappings and sequences, plain, quoted, literal (`|`) and folded (`>`) scalars (any chomping, an indentation
 * indicator: `|2-`), scalars wrapped over more indented lines (YAML's folding; escaped line breaks in double quotes),
 * YAML's escapes, keys plain or quoted on one line, flow sequences and flow mappings (plain or quoted keys, nested),
 * on one line or wrapped over several (programmes write `reports: {every: quarter, subjects: [project, task]}`;
 * PyYAML's flow style a whole record), comments, a leading `---`; and records written as JSON, read by JSON.parse.
 * It returns the same JS value as the safe parser (src/store/yaml.ts: YAML 1.2, core schema, unique keys, strict)
 * or `undefined` — "not sure, use the safe parser" — for anything outside that subset: anchors, aliases, tags,
 * merge keys, comments or blank lines inside flow collections, empty keys, keys over several lines, duplicate keys,
 * tabs outside block scalars (a JSON record may have them between its tokens), control characters, whitespace-only
 * lines in block scalars, odd indentation, directives, several documents… The safe parser then reports the problem
 * with a position. Plain scalars are resolved with the `yaml` package's own core-schema tags, so numbers, booleans
 * and nulls come out exactly as it would make them. test/property.test.ts checks the equivalence on random documents
 * and mutations.
 */

const schema = new Schema({ schema: 'core' });
type ScalarTag = { test: RegExp; resolve(value: string, onError: (msg: string) => void, options: object): unknown };
const TESTED = (schema.tags as unknown as (ScalarTag & { default?: unknown; collection?: unknown })[]).filter(
  (t) => t.default === true && !t.collection && t.test instanceof RegExp,
);
const RESOLVE_OPTIONS = { intAsBigInt: false };

class Bail extends Error {}
const BAIL = new Bail();

function resolvePlain(value: string): unknown {
  for (const tag of TESTED) {
    if (tag.test.test(value)) {
      let failed = false;
      let res = tag.resolve(value, () => (failed = true), RESOLVE_OPTIONS);
      // Floats come back as a Scalar node (it remembers the written precision): its JS value is what toJS gives.
      if (isScalar(res)) res = res.value;
      if (failed || (typeof res === 'object' && res !== null)) throw BAIL;
      return res;
    }
  }
  return value;
}

// Characters the fast path never handles: lone CRs, C0/C1 controls, Unicode line separators, BOMs. Tabs only
// inside the content of block scalars (text pasted into a `|` or `>` block keeps them; see FastParser.tabLines) and
// of quoted values (not where folding trims white space: FastParser.quotedLines).
const REFUSED = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]|\r(?!\n)/;
// A plain key: a letter (ASCII or not) or `_` first; words without `:`, `#`, flow indicators or odd spaces,
// separated by single spaces; then `:` and a space or the end of the line.
const KEY = /^((?=[A-Za-z_\u00a1-\uffff])[^:#,[\]{}\s]{1,100}(?: [^:#,[\]{}\s]{1,100}){0,8}):(?: +|$)/;
const RESERVED_KEYS = new Set(['null', 'Null', 'NULL', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE', '__proto__']);
// A plain scalar may not start with an indicator (`-` only when followed by a non-space).
const PLAIN_START = /^(?:[^-?:,[\]{}#&*!|>'"%@`\s]|-[^\s])/;
// A continuation line of a plain scalar: any character first but a comment's `#` or a `:` that ends a key. Unlike
// a scalar's first character, indicators are text there (writers that wrap prose at spaces, as PyYAML does, put
// whatever followed the space first: `- `, `%`, quotes…); `: ` and ` #` inside the line are refused by the caller.
const PLAIN_NEXT = /^(?:[^#:\s]|:\S)/;

interface Line {
  indent: number;
  /** Text after the indentation. */
  rest: string;
  /** Blank or comment-only line. */
  skip: boolean;
}

/** Parses `text` if it stays within the fast subset; `undefined` means "use the safe parser". */
export function fastParse(text: string): Record<string, unknown> | undefined {
  if (REFUSED.test(text)) return undefined;
  if (JSON_START.test(text)) {
    const json = jsonRecord(text);
    if (json !== NOT_JSON) return json;
  }
  if (text.includes('\r')) text = text.replace(/\r\n/g, '\n');
  try {
    return new FastParser(text).document();
  } catch (err) {
    if (err === BAIL) return undefined;
    throw err;
  }
}

// JSON is YAML 1.2: a record written by JSON.stringify or Python's json.dump (any layout, tabs and line breaks
// between tokens included) is read by JSON.parse, which is many times faster than any YAML reader. What YAML
// refuses and JSON.parse takes silently is checked after it: duplicate keys (JSON keeps the last one).
// Only a text whose first key is quoted (or an empty mapping) is tried: a failed JSON.parse costs a SyntaxError
// (≈ 5 µs), which every YAML flow record (PyYAML's `{id: r-1, …}`) would pay otherwise.
const JSON_START = /^[ \t\r\n]*\{[ \t\r\n]*["}]/;
const NOT_JSON = null;

/**
 * The record a JSON text holds; `undefined` ("use the safe parser") when it is not a mapping or has a member YAML
 * would refuse or read otherwise (a duplicate, empty or `__proto__` key, nesting deeper than 64); NOT_JSON when it
 * is not JSON at all (a YAML flow mapping such as `{"a": x}` or `{"a": 1,}`): the YAML fast path tries it then.
 *
 * Duplicates: every member written has one `:` outside strings, and every other `:` of the text is inside a string,
 * where it stays a `:` once parsed — unless a string writes it as an escape (`\u003a`: then the count cannot tell).
 * So the text's colons equal the parsed members plus the colons of the parsed strings exactly when no member was
 * dropped (a dropped one takes its `:` and its strings' colons away).
 */
function jsonRecord(text: string): Record<string, unknown> | undefined | typeof NOT_JSON {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return NOT_JSON;
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
  if (text.includes('\\u003a') || text.includes('\\u003A')) return undefined;
  return jsonColons(data, 0) === colons(text) ? (data as Record<string, unknown>) : undefined;
}

function colons(s: string): number {
  let n = 0;
  for (let i = s.indexOf(':'); i >= 0; i = s.indexOf(':', i + 1)) n++;
  return n;
}

/** Members plus the colons in keys and strings of a parsed JSON value; -1 for a key or depth left to YAML. */
function jsonColons(value: unknown, depth: number): number {
  if (typeof value === 'string') return value.includes(':') ? colons(value) : 0;
  if (typeof value !== 'object' || value === null) return 0;
  if (depth > 64) return -1;
  let n = 0;
  if (Array.isArray(value)) {
    for (const item of value) {
      const k = jsonColons(item, depth + 1);
      if (k < 0) return -1;
      n += k;
    }
    return n;
  }
  for (const key of Object.keys(value)) {
    if (key === '' || key === '__proto__') return -1;
    const k = jsonColons((value as Record<string, unknown>)[key], depth + 1);
    if (k < 0) return -1;
    n += k + 1 + (key.includes(':') ? colons(key) : 0);
  }
  return n;
}

class FastParser {
  private readonly lines: Line[];
  private readonly raw: string[];
  private i = 0;
  /** Lines holding a tab that no block scalar has taken as content yet: any left at the end makes it bail. */
  private readonly tabLines: Set<number> | undefined;

  constructor(text: string) {
    this.raw = text.split('\n');
    const tabs = text.includes('\t') ? new Set<number>() : undefined;
    this.tabLines = tabs;
    this.lines = this.raw.map((l, j) => {
      let n = 0;
      while (n < l.length && l.charCodeAt(n) === 32) n++;
      const rest = l.slice(n);
      if (tabs && rest.includes('\t')) tabs.add(j);
      return { indent: n, rest, skip: rest === '' || rest.charCodeAt(0) === 35 /* # */ };
    });
  }

  document(): Record<string, unknown> {
    const out = this.body();
    if (this.tabLines?.size) throw BAIL;
    return out;
  }

  private body(): Record<string, unknown> {
    const first = this.next();
    if (first < 0 || this.lines[first]!.indent !== 0) throw BAIL;
    const rest = this.lines[first]!.rest;
    if (/^---(?: +(?:#.*)?)?$/.test(rest)) {
      // An explicit start of the one document (offices write it after the schema comment): content follows on
      // the next lines; a second `---` or a `...` later is not a key and makes the parser bail.
      this.i = first + 1;
      const body = this.next();
      if (body < 0 || this.lines[body]!.indent !== 0) throw BAIL;
    } else if (rest.startsWith('---') || rest.startsWith('...') || rest.startsWith('%')) throw BAIL;
    const top = this.lines[this.next()]!.rest;
    if (top.charCodeAt(0) === 123 /* { */) {
      // The whole record as one flow mapping (PyYAML before 5.1, or default_flow_style=None, writes a record
      // without nested collections that way).
      this.i++;
      const value = this.flow(top, 0);
      if (this.next() >= 0) throw BAIL;
      return value as Record<string, unknown>;
    }
    const out = this.map(0);
    if (this.next() >= 0) throw BAIL;
    return out;
  }

  /** Index of the next line that holds content (skipping blanks and comments), or -1. */
  private next(): number {
    while (this.i < this.lines.length && this.lines[this.i]!.skip) this.i++;
    return this.i < this.lines.length ? this.i : -1;
  }

  private map(indent: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (;;) {
      const at = this.next();
      if (at < 0) return out;
      const line = this.lines[at]!;
      if (line.indent < indent) return out;
      if (line.indent > indent) throw BAIL;
      const k = keyAt(line.rest);
      if (!k) {
        // A sequence at the same indentation belongs to the key above (handled there): anything else is odd.
        if (isDash(line.rest)) return out;
        throw BAIL;
      }
      const [key, length] = k;
      if (Object.prototype.hasOwnProperty.call(out, key)) throw BAIL;
      this.i = at + 1;
      out[key] = this.value(line.rest.slice(length), indent, true);
    }
  }

  private seq(indent: number): unknown[] {
    const out: unknown[] = [];
    for (;;) {
      const at = this.next();
      if (at < 0) return out;
      const line = this.lines[at]!;
      if (line.indent < indent) return out;
      if (line.indent > indent) throw BAIL;
      if (!isDash(line.rest)) return out;
      let after = line.rest.slice(1);
      let pad = 1;
      while (after.charCodeAt(0) === 32) {
        after = after.slice(1);
        pad++;
      }
      if (isDash(after)) throw BAIL; // `- - x`: nested compact sequences
      if (keyAt(after)) {
        // `- key: value`: a mapping whose keys line up with this first key.
        const col = indent + pad;
        this.lines[at] = { indent: col, rest: after, skip: false };
        this.i = at;
        out.push(this.map(col));
        continue;
      }
      this.i = at + 1;
      out.push(this.value(after, indent, false));
    }
  }

  /**
   * The value after `key:` or `- ` (`inline`, already stripped of leading spaces for sequences), at a node whose
   * parent is indented by `indent`. Nested blocks follow on more indented lines.
   */
  private value(inline: string, indent: number, inMap: boolean): unknown {
    const q = inline.charCodeAt(0);
    // A flow collection (on one line or several), or a quoted scalar wrapped over several lines.
    if (q === 91 /* [ */ || q === 123 /* { */) return this.lastOf(this.flow(inline, indent), indent);
    if ((q === 34 /* " */ || q === 39) /* ' */ && quoteEnd(inline, q) < 0) return this.lastOf(this.quotedLines(inline, q, indent), indent);
    const body = stripComment(inline);
    if (body === '') {
      const at = this.next();
      if (at < 0) return null;
      const line = this.lines[at]!;
      if (line.indent > indent) return isDash(line.rest) ? this.seq(line.indent) : this.map(line.indent);
      if (inMap && line.indent === indent && isDash(line.rest)) return this.seq(indent);
      return null;
    }
    let value: unknown;
    const c = body.charCodeAt(0);
    if (c === 34 /* " */ || c === 39 /* ' */) {
      value = this.whole(body, c === 34 ? doubleQuoted : singleQuoted);
      // Tabs inside a quoted scalar on one line are its text (pasted paragraphs: '\t一是…'): the line's tabs are
      // allowed when every one of them is between the quotes (the value's line is the one before this.i).
      if (this.tabLines?.has(this.i - 1) && tabsIn(this.raw[this.i - 1]!) === tabsIn(body)) this.tabLines.delete(this.i - 1);
    }
    else if (c === 124 /* | */) return this.literal(body, indent);
    else if (c === 62 /* > */) return this.folded(body, indent);
    else value = plain(body);
    // A more indented line after an inline value would continue it (multi-line scalar) or be an error.
    const from = this.i;
    const at = this.next();
    if (at < 0 || this.lines[at]!.indent <= indent) return value;
    // Prose wrapped by hand: a plain scalar (without a comment) going on over more indented lines.
    if (c === 34 || c === 39 || inline.indexOf(' #') >= 0) throw BAIL;
    this.i = from;
    return this.lastOf(this.plainLines(body, indent), indent);
  }

  /** `value`, a node that has ended: a more indented line after it would be an error (the safe parser says which). */
  private lastOf<T>(value: T, indent: number): T {
    const at = this.next();
    if (at >= 0 && this.lines[at]!.indent > indent) throw BAIL;
    return value;
  }

  /**
   * A flow collection opened by the `[` or `{` that starts `first`, at a node whose parent is indented by `indent`;
   * one that is not closed on its line goes on over more indented lines, as PyYAML writes leaf collections
   * (default_flow_style=None) and whole records. Those lines are joined by one space — YAML's folding, between
   * items and inside scalars alike; blank lines inside a quoted scalar are its line breaks, an escaped line break
   * joins without a space — and read as one line; a blank line elsewhere or after an escaped break, a comment
   * line, a ` #` or a line not indented enough make it bail.
   */
  private flow(first: string, indent: number): unknown {
    const read = first.charCodeAt(0) === 91 ? flowSeq : flowMap;
    const state = { depth: 0, quote: 0, escaped: false };
    scanFlow(first, state);
    if (state.depth === 0 && state.quote === 0) return this.whole(stripComment(first), read);
    let text = trimSpaces(first);
    // A line ending inside double quotes with `\ ` (an escaped space, not white space to trim): the safe parser's.
    const escapedSpace = (t: string, untrimmed: string) => state.quote === 34 && trimmedEscape(t, untrimmed);
    if (escapedSpace(text, first)) throw BAIL;
    if (text.includes(' #')) throw BAIL;
    if (state.escaped) text = text.slice(0, -1);
    let blanks = 0;
    for (let j = this.i; j < this.lines.length; j++) {
      const line = this.lines[j]!;
      if (line.rest === '' && state.quote !== 0 && !state.escaped) {
        blanks++; // inside a quoted scalar: n blank lines fold to n line breaks
        continue;
      }
      if (line.skip || line.indent <= indent) throw BAIL;
      let rest = trimSpaces(line.rest);
      if (rest.includes(' #')) throw BAIL;
      // After an escaped line break (PyYAML's wrap inside double quotes) the lines join as they are.
      text += state.escaped ? '' : blanks ? '\n'.repeat(blanks) : ' ';
      blanks = 0;
      state.escaped = false;
      scanFlow(` ${rest}`, state);
      if (escapedSpace(rest, line.rest)) throw BAIL;
      if (state.escaped) rest = rest.slice(0, -1);
      text += rest;
      if (state.depth === 0 && state.quote === 0) {
        this.i = j + 1;
        return this.whole(text, read);
      }
    }
    throw BAIL; // never closed
  }

  /**
   * A quoted scalar (`q`: the quote's code) opened on `first` and closed on a later, more indented line. YAML's
   * line folding: trailing spaces of a line and the indentation of the next are dropped, the line break becomes a
   * space, each run of n blank lines n line breaks; escapes are read after folding. An escaped line break (a `\`
   * ending a line, as PyYAML wraps long double-quoted strings) joins the lines as they are: the spaces before it
   * kept, none added. A blank line after an escaped break, a line not indented enough, or anything after the
   * closing quote but a comment make it bail.
   */
  private quotedLines(first: string, q: number, indent: number): unknown {
    const endsEscaped = (t: string) => q === 34 && trailingBackslashes(t) % 2 === 1;
    // Tabs are text between the quotes (the yaml package's QUOTE_SINGLE keeps pasted ones raw), except where folding
    // trims white space — a line's start or its end before a fold: there they make it bail.
    const tabs = this.tabLines;
    const firstLine = this.i - 1;
    if (tabs?.has(firstLine) && tabsIn(this.raw[firstLine]!) !== tabsIn(first)) throw BAIL;
    const trimmed = (t: string) => {
      const out = trimSpaces(t);
      // `\ ` ending a line is an escaped space, not white space to trim: left to the safe parser.
      if (q === 34 && trimmedEscape(out, t)) throw BAIL;
      if (tabs && out.endsWith('\t')) throw BAIL;
      return out;
    };
    let text = first.slice(1);
    // Whether the line just read ended with an escaped line break (then the next joins it without a space).
    let escaped = endsEscaped(text);
    let raw = escaped ? text.slice(0, -1) : trimmed(text);
    let blanks = 0;
    for (let j = this.i; j < this.lines.length; j++) {
      const line = this.lines[j]!;
      if (line.rest === '') {
        if (escaped) throw BAIL; // the safe parser folds these its own way
        blanks++;
        continue;
      }
      if (line.indent <= indent) throw BAIL;
      if (tabs?.has(j) && line.rest.charCodeAt(0) === 9) throw BAIL;
      const end = quoteEnd(line.rest, q, 0);
      text = end < 0 ? line.rest : line.rest.slice(0, end);
      if (!escaped) raw += blanks ? '\n'.repeat(blanks) : ' ';
      blanks = 0;
      if (end < 0) {
        escaped = endsEscaped(text);
        raw += escaped ? text.slice(0, -1) : trimmed(text);
        continue;
      }
      raw += text;
      const tail = line.rest.slice(end + 1);
      if (tail !== '' && !/^ +(?:#.*)?$/.test(tail)) throw BAIL;
      if (tabs?.has(j) && tabsIn(text) !== tabsIn(line.rest)) throw BAIL;
      if (tabs) for (let k = firstLine; k <= j; k++) tabs.delete(k);
      this.i = j + 1;
      const quote = String.fromCharCode(q);
      const [value, at] = (q === 34 ? doubleQuoted : singleQuoted)(quote + raw + quote, 0);
      if (at !== raw.length + 2) throw BAIL;
      return value;
    }
    throw BAIL; // never closed
  }

  /**
   * A plain scalar going on over more indented lines (YAML's line folding: lines joined by a space, each run of n
   * blank lines kept as n line breaks, every line trimmed), from `first`, its first line. A comment line ends it;
   * lines the safe parser could read otherwise — `: `, ` #`, an indicator first — make it bail.
   */
  private plainLines(first: string, indent: number): string {
    let text = first;
    let blanks = 0;
    let last = -1;
    for (let j = this.i; j < this.lines.length; j++) {
      const line = this.lines[j]!;
      if (line.rest === '') {
        blanks++;
        continue;
      }
      if (line.indent <= indent || line.skip) break;
      const rest = trimSpaces(line.rest);
      if (!PLAIN_NEXT.test(rest) || rest.includes(': ') || rest.includes(' #') || rest.endsWith(':')) throw BAIL;
      text += blanks ? '\n'.repeat(blanks) + rest : ` ${rest}`;
      blanks = 0;
      last = j;
    }
    if (last < 0) throw BAIL; // a comment line first: the more indented line after it is an error
    this.i = last + 1;
    // Folded over lines, it is text (a value with a space or a line break is no number, date or boolean).
    if (resolvePlain(text) !== text) throw BAIL;
    return text;
  }

  private whole(body: string, read: (s: string, at: number) => [unknown, number]): unknown {
    const [value, end] = read(body, 0);
    const tail = body.slice(end);
    if (tail !== '' && !/^ +$/.test(tail)) throw BAIL;
    return value;
  }

  /**
   * A literal block scalar (`|`, with `-` or `+` chomping and an indentation indicator in either order, as js-yaml and
   * the yaml package write `|2-` for text that starts with a space) whose parent is indented by `indent`.
   */
  private literal(header: string, indent: number): string {
    const head = blockHeader(header, 124 /* | */);
    const { content, trailing } = this.blockLines(indent, head.indicator);
    return chomped(content.join('\n'), head.chomp, trailing);
  }

  /**
   * A folded block scalar (`>`, headers as for literal ones): lines joined by a space, each run of n blank lines
   * between two lines kept as n line breaks; next to a line that starts with a space or a tab (kept as it is by YAML)
   * no break is folded, so n blank lines give n + 1 breaks. Leading blank lines and a tab ending a line make it bail.
   */
  private folded(header: string, indent: number): string {
    const head = blockHeader(header, 62 /* > */);
    const { content, trailing } = this.blockLines(indent, head.indicator);
    let text = '';
    let blanks = -1;
    let spacedBefore = false;
    for (const line of content) {
      if (line === '') {
        if (blanks < 0) throw BAIL;
        blanks++;
        continue;
      }
      if (line.endsWith('\t')) throw BAIL;
      // A line starting with a space or a tab (an indented paragraph) is not folded: the line breaks around it stay.
      const spaced = line.charCodeAt(0) === 32 || line.charCodeAt(0) === 9;
      if (blanks < 0) text = line;
      else if (spaced || spacedBefore) text += `${'\n'.repeat(blanks + 1)}${line}`;
      else text += blanks === 0 ? ` ${line}` : `${'\n'.repeat(blanks)}${line}`;
      blanks = 0;
      spacedBefore = spaced;
    }
    return chomped(text, head.chomp, trailing);
  }

  /**
   * The content lines of a block scalar (its indentation removed, blank lines inside as ''), its end checked, and
   * how many blank lines follow the last of them (`|+` keeps them). The content is indented by `indent` plus the
   * header's indentation indicator when it has one, else as much as its first line.
   */
  private blockLines(indent: number, indicator: number): { content: string[]; trailing: number } {
    let contentIndent = indicator ? indent + indicator : -1;
    const body: string[] = [];
    let bodyLength = 0;
    let lastLine = -1;
    // A text that ends with a line break splits into a last '' that is no line.
    const end = this.raw.length - (this.raw[this.raw.length - 1] === '' ? 1 : 0);
    for (let j = this.i; j < end; j++) {
      const raw = this.raw[j]!;
      if (raw === '') {
        body.push('');
        continue;
      }
      const line = this.lines[j]!;
      if (line.rest.trim() === '') throw BAIL; // whitespace-only lines: chomping subtleties, leave them to the safe parser
      if (contentIndent < 0) {
        if (line.indent <= indent) break;
        contentIndent = line.indent;
      } else if (line.indent < contentIndent) break;
      body.push(raw.slice(contentIndent));
      this.tabLines?.delete(j);
      bodyLength = body.length;
      lastLine = j;
    }
    if (lastLine < 0) throw BAIL;
    // Trailing blank lines are left for next() to skip; blank lines inside the content are part of it.
    this.i = lastLine + 1;
    const content = body.slice(0, bodyLength);
    const after = this.next();
    if (after >= 0 && this.lines[after]!.indent > indent) throw BAIL;
    return { content, trailing: body.length - bodyLength };
  }
}

/** A block scalar's header: `|` or `>`, then chomping (`-` strip, `+` keep) and an indentation indicator (1–9) in either order. */
const BLOCK_HEADER = /^[|>](?:([1-9])([-+]?)|([-+])([1-9]?))?$/;

function blockHeader(header: string, style: number): { chomp: string; indicator: number } {
  const m = header.charCodeAt(0) === style ? BLOCK_HEADER.exec(header) : null;
  if (!m) throw BAIL;
  return { chomp: m[2] || m[3] || '', indicator: Number(m[1] || m[4] || 0) };
}

/** A block scalar's text with its final line break as its chomping says: none (`-`), one, or every trailing one (`+`). */
function chomped(text: string, chomp: string, trailing: number): string {
  if (chomp === '-') return text;
  return chomp === '+' ? `${text}\n${'\n'.repeat(trailing)}` : `${text}\n`;
}

/** `s` without its trailing spaces (only spaces: a tab or an ideographic space is text here). */
function trimSpaces(s: string): string {
  let e = s.length;
  while (e > 0 && s.charCodeAt(e - 1) === 32) e--;
  return e === s.length ? s : s.slice(0, e);
}

function tabsIn(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\t'); i >= 0; i = s.indexOf('\t', i + 1)) n++;
  return n;
}

function isDash(rest: string): boolean {
  return rest === '-' || rest.startsWith('- ');
}

/** Removes a trailing comment (` #…`) and trailing spaces, outside quotes and flow brackets' quoted items. */
function stripComment(s: string): string {
  const c = s.charCodeAt(0);
  if (c === 35 /* # */) return '';
  if (c === 34 || c === 39 || c === 91 || c === 123) {
    // Quoted or flow value: find its end first, then allow only spaces and a comment after it.
    const end = c === 34 ? doubleQuoted(s, 0)[1] : c === 39 ? singleQuoted(s, 0)[1] : c === 91 ? flowSeq(s, 0)[1] : flowMap(s, 0)[1];
    const tail = s.slice(end);
    const hash = tail.indexOf(' #');
    if (hash >= 0 && /^ *$/.test(tail.slice(0, hash))) return s.slice(0, end);
    return trimSpaces(s);
  }
  const hash = s.indexOf(' #');
  return trimSpaces(hash >= 0 ? s.slice(0, hash) : s);
}

/**
 * Follows one line of a flow collection: how deep in brackets it ends, inside which quote (`quote`: its code, 0
 * for none), and whether it ends with an escaped line break inside double quotes (`escaped`). A quote opens a
 * quoted scalar only where one can start (first on the line, or after a bracket, comma, colon or space).
 */
function scanFlow(s: string, state: { depth: number; quote: number; escaped: boolean }): void {
  for (let j = 0; j < s.length; j++) {
    const c = s.charCodeAt(j);
    if (state.quote === 34) {
      if (c === 92 /* \ */) {
        if (j + 1 >= s.length) state.escaped = true; // an escaped line break
        j++;
      } else if (c === 34) state.quote = 0;
    } else if (state.quote === 39) {
      if (c === 39) {
        if (s.charCodeAt(j + 1) === 39) j++;
        else state.quote = 0;
      }
    } else if (c === 91 || c === 123) state.depth++;
    else if (c === 93 || c === 125) state.depth--;
    else if ((c === 34 || c === 39) && (j === 0 || ' [{,:'.includes(s[j - 1]!))) state.quote = c;
  }
}

/**
 * The mapping key `rest` starts with, and the length of it with its `:` and the spaces after: a plain key (KEY), or
 * a quoted one on one line (PyYAML quotes every key that is not ASCII unless told allow_unicode). Undefined when
 * the line holds no key.
 */
function keyAt(rest: string): [string, number] | undefined {
  const m = KEY.exec(rest);
  if (m) {
    if (RESERVED_KEYS.has(m[1]!)) throw BAIL; // null, true… as keys: the safe parser's values are not strings
    return [m[1]!, m[0].length];
  }
  const q = rest.charCodeAt(0);
  if (q !== 34 /* " */ && q !== 39 /* ' */) return undefined;
  const end = quoteEnd(rest, q);
  if (end < 0) return undefined;
  const colon = /^:(?: +|$)/.exec(rest.slice(end + 1));
  if (!colon) return undefined;
  const [key] = (q === 34 ? doubleQuoted : singleQuoted)(rest, 0);
  if (key === '' || key === '__proto__') throw BAIL;
  return [key, end + 1 + colon[0].length];
}

function plain(s: string): unknown {
  if (!PLAIN_START.test(s)) throw BAIL;
  if (s.includes(': ') || s.endsWith(':')) throw BAIL;
  return resolvePlain(s);
}

// YAML 1.2's escapes (5.7), but for a tab after the backslash; \x, \u and \U are read below.
const ESCAPES: Record<string, string> = {
  '"': '"', '\\': '\\', '/': '/', ' ': ' ', n: '\n', t: '\t', r: '\r', '0': '\0', a: '\x07', b: '\b', e: '\x1b', f: '\f', v: '\v',
  _: '\u00a0', N: '\u0085', L: '\u2028', P: '\u2029',
};
const HEX_DIGITS = { x: 2, u: 4, U: 8 } as Record<string, number>;

function doubleQuoted(s: string, at: number): [string, number] {
  let out = '';
  let j = at + 1;
  for (;;) {
    // Copy the run up to the next quote or backslash at once (PyYAML's ASCII output is mostly escapes, prose mostly not).
    let k = j;
    let c = 0;
    while (k < s.length && (c = s.charCodeAt(k)) !== 34 && c !== 92) k++;
    if (k >= s.length) throw BAIL; // runs onto the next line
    if (k > j) out += s.slice(j, k);
    if (c === 34) return [out, k + 1];
    const e = s[k + 1];
    if (e === undefined) throw BAIL;
    const digits = HEX_DIGITS[e];
    if (digits) {
      const code = hexAt(s, k + 2, digits);
      if (code < 0 || (code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff) throw BAIL;
      out += code < 0x10000 ? String.fromCharCode(code) : String.fromCodePoint(code);
      j = k + 2 + digits;
      continue;
    }
    const r = ESCAPES[e];
    if (r === undefined) throw BAIL;
    out += r;
    j = k + 2;
  }
}

/** The number written by `digits` hex digits at `at` in `s`, or -1. */
function hexAt(s: string, at: number, digits: number): number {
  if (at + digits > s.length) return -1;
  let n = 0;
  for (let i = at; i < at + digits; i++) {
    const c = s.charCodeAt(i);
    const d = c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 70 ? c - 55 : c >= 97 && c <= 102 ? c - 87 : -1;
    if (d < 0) return -1;
    n = n * 16 + d;
  }
  return n;
}

/** Where the quoted scalar opened at 0 in `s` (`q`: the quote's code) closes on this line, or -1. */
function quoteEnd(s: string, q: number, from = 1): number {
  const quote = q === 34 ? '"' : "'";
  for (let j = s.indexOf(quote, from); j >= 0; j = s.indexOf(quote, j + 1)) {
    if (q === 34) {
      // Escaped when an odd run of backslashes (from `from` on) stands before it.
      let n = 0;
      for (let k = j - 1; k >= from && s.charCodeAt(k) === 92 /* \ */; k--) n++;
      if (n % 2 === 0) return j;
    } else if (s.charCodeAt(j + 1) === 39) j++;
    else return j;
  }
  return -1;
}

/** Whether trimming `untrimmed` to `trimmed` cut the space of an escape: `\ ` ending a line inside double quotes. */
function trimmedEscape(trimmed: string, untrimmed: string): boolean {
  return trimmed.length < untrimmed.length && trailingBackslashes(trimmed) % 2 === 1;
}

/** How many backslashes `t` ends with. */
function trailingBackslashes(t: string): number {
  let n = 0;
  for (let k = t.length - 1; k >= 0 && t.charCodeAt(k) === 92; k--) n++;
  return n;
}

function singleQuoted(s: string, at: number): [string, number] {
  let out = '';
  let j = at + 1;
  for (;;) {
    const k = s.indexOf("'", j);
    if (k < 0) throw BAIL; // runs onto the next line
    out += s.slice(j, k);
    if (s.charCodeAt(k + 1) !== 39) return [out, k + 1];
    out += "'"; // '' stands for one quote
    j = k + 2;
  }
}

const FLOW_PLAIN_END = /[,[\]{}#]/g;

/** A scalar inside a one-line flow collection, at `j`: quoted, or plain up to the next `,`, bracket or `#` (no `:` or quotes in it). */
function flowScalar(s: string, j: number): [unknown, number] {
  const ch = s[j];
  if (ch === undefined) throw BAIL;
  if (ch === '"') return doubleQuoted(s, j);
  if (ch === "'") return singleQuoted(s, j);
  FLOW_PLAIN_END.lastIndex = j;
  const e = FLOW_PLAIN_END.exec(s)?.index ?? s.length;
  const item = trimSpaces(s.slice(j, e));
  if (!item || !PLAIN_START.test(item) || item.includes(':') || item.includes('"') || item.includes("'")) throw BAIL;
  return [resolvePlain(item), e];
}

/**
 * A one-line flow collection from the `[` or `{` at `at` to its `close`, items read by `item` (which returns where
 * the item ends) and separated by commas; an empty one, or one with a trailing comma, is decided here.
 */
function flowItems(s: string, at: number, close: string, item: (j: number) => number): number {
  let j = at + 1;
  const spaces = () => {
    while (s.charCodeAt(j) === 32) j++;
  };
  spaces();
  if (s[j] === close) return j + 1;
  for (;;) {
    spaces();
    j = item(j);
    spaces();
    if (s[j] === ',') {
      j++;
      spaces();
      if (s[j] === close) throw BAIL; // trailing comma
      continue;
    }
    if (s[j] === close) return j + 1;
    throw BAIL;
  }
}

/** A one-line flow sequence: `[a, "b", 'c']`, and of flow collections (js-yaml's flowLevel writes `[{a: b}]`). */
function flowSeq(s: string, at: number, depth = 0): [unknown[], number] {
  if (depth > 32) throw BAIL;
  const out: unknown[] = [];
  const end = flowItems(s, at, ']', (j) => {
    const [value, e] = flowNode(s, j, depth);
    out.push(value);
    return e;
  });
  return [out, end];
}

/** An item of a one-line flow collection at `j`: a nested collection or a scalar. */
function flowNode(s: string, j: number, depth: number): [unknown, number] {
  const c = s.charCodeAt(j);
  return c === 91 /* [ */ ? flowSeq(s, j, depth + 1) : c === 123 /* { */ ? flowMap(s, j, depth + 1) : flowScalar(s, j);
}

// After a quoted key in a flow mapping: `:` and a space.
const FLOW_COLON = /: +/y;
// A key in a flow mapping: one plain word (a letter or `_` first), then `:` and a space.
const FLOW_KEY = /(?=[A-Za-z_\u00a1-\uffff])[^:#,[\]{}\s'"]{1,100}: +/y;

/**
 * A one-line flow mapping: `{a: 1, b: "x", c: [d, e], f: {g: h}, "好": 1}`. Keys are plain words or quoted
 * followed by `: `; values are scalars, flow sequences of scalars or flow mappings. Empty values, empty or duplicate
 * keys, trailing commas and deep nesting make it bail.
 */
function flowMap(s: string, at: number, depth = 0): [Record<string, unknown>, number] {
  if (depth > 32) throw BAIL;
  const out: Record<string, unknown> = {};
  const end = flowItems(s, at, '}', (j) => {
    let key: string;
    const q = s.charCodeAt(j);
    if (q === 34 /* " */ || q === 39 /* ' */) {
      // A quoted key (PyYAML's ASCII flow style quotes Chinese keys), then `: `.
      [key, j] = (q === 34 ? doubleQuoted : singleQuoted)(s, j);
      FLOW_COLON.lastIndex = j;
      const c = FLOW_COLON.exec(s);
      if (!c || key === '' || key === '__proto__') throw BAIL;
      j += c[0].length;
    } else {
      FLOW_KEY.lastIndex = j;
      const m = FLOW_KEY.exec(s);
      if (!m) throw BAIL;
      key = m[0].slice(0, m[0].indexOf(':'));
      if (RESERVED_KEYS.has(key)) throw BAIL;
      j += m[0].length;
    }
    if (Object.prototype.hasOwnProperty.call(out, key)) throw BAIL;
    const [value, e] = flowNode(s, j, depth);
    out[key] = value;
    return e;
  });
  return [out, end];
}
