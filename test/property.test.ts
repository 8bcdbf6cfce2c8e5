/**
 * Property and fuzz tests (fast-check). (Random operation sequences with crashes: property.slow.test.ts; how long
 * the mutations take: scripts/bench/fuzz.mjs.)
 * - The fast YAML path agrees with the safe parser on everything it accepts, and never accepts what the safe
 *   parser rejects (aliases, anchors, tags, merge keys, duplicate keys, conflict markers, odd indentation…).
 * - The fast reference walk finds exactly what schemas.ts `collectRefs` finds.
 * - Random byte and YAML mutations of valid records end in clean problems with positions: no exception, no hang,
 *   no memory blow-up — in process (many runs) and through the CLI (a few).
 * - Random sequences of operations on a random repository, illegal ones and crashes at step k included, never
 *   leave a repository that validate rejects, and every illegal operation is refused with nothing written.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { djyc, tempDir } from './helpers.js';
import { fastParse } from '../src/store/fastyaml.js';
import { parseRecordBytes, parseRecordText } from '../src/store/yaml.js';
import { fastRefs } from '../src/store/cache.js';
import { collectRefs } from '../src/store/schemas.js';
import { analyseBytes } from '../src/store/parallel.js';
import type { RecordEntry, Repository } from '../src/domain/records.js';
import { validateRepository } from '../src/store/validate.js';
import { KIND_DIRS, KINDS, type Kind } from '../src/domain/kinds.js';
import { serializeRecord } from '../src/store/records.js';

// ------------------------------------------------------------------------------------------------------------
// Documents

const KEYS = ['id', 'name', 'organisation', 'stage', 'members', 'history', 'date', 'note', 'x-y', 'k_1', 'a', 'b'];
const ODD_KEYS = ['<<', 'true', '1', '"q"', '中', '__proto__', '? a', 'a b'];
const SCALARS = [
  'a', 'abc def', '中文内容', '"x"', "'y'", '"a\\"b"', "'it''s'", '1', '-5', '0o17', '0x1F', '1e3', '.5', '1.', 'true', 'False', 'null', '~',
  '', '2020-05-01', '"2020-05-01"', '[a, b]', '[]', '[ "a", 1 ]', 'a #c', 'a#b', '-', '--', '-x', '13800138000', '+1', '.inf', '.NaN', '1_0',
  'a,b', 'a[b]', 'x: y', '"#"', "'#'", 'a  b', '"\\u4e2d"', '"\\x41"', '"\\ud83d"', '&a x', '*a', '!t x', '!!str 1', '|', '|-', '>', '{a: 1}',
  '@x', '`x', '%x', '"open', '? x', ': x', ',x', '[a, [b]]', '[a,]', "'\tx'", '"a\tb"', "'x' #\tc", "'x'\t", '"\t"',
  // Flow mappings (programmes write them): taken when one line of plain keys, else left to the safe parser.
  '{}', '{ }', '{a: b}', '{a: 1, b: [c, 2], d: "e", f: {g: h}}', '{a: 1, a: 2}', '{a:1}', '{a: b: c}', '{a: 1,}', '{"a": 1}',
  "{'a': 1}", '{a: , b: 1}', '{a}', '{? a: 1}', '{a: [b, {c: d}]}', '{a: x y, b: -1, c: null, d: ~, e: 0x1f}', '{true: 1}',
  '{a: 1} #c', '{a: 1}x', '{a: [b,]}', '{a: b#c}', '{a: b #c}', '{a: {b: {c: {}}}}', '{中: 文, k_1: 2020-05-01}', '{a: &x 1}',
  '{a: 1', '{a: 1}}',
];
const INDENTS = [0, 1, 2, 2, 2, 3, 4];

const scalar = fc.constantFrom(...SCALARS);
const key = fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...KEYS) }, { weight: 1, arbitrary: fc.constantFrom(...ODD_KEYS) });

/** A YAML-ish document: nested mappings, sequences, compact mappings in sequences, block scalars, comments. */
const doc = fc.letrec<{ block: string[] }>((tie) => ({
  block: fc.array(
    fc.oneof(
      { weight: 5, arbitrary: fc.tuple(key, scalar).map(([k, v]) => [`${k}: ${v}`]) },
      { weight: 2, arbitrary: fc.tuple(key, fc.constantFrom(...INDENTS), tie('block')).map(([k, n, inner]) => [`${k}:`, ...inner.map((l) => `${' '.repeat(Math.max(1, n))}${l}`)]) },
      { weight: 2, arbitrary: fc.tuple(key, fc.constantFrom(0, 2, 2, 4), fc.array(fc.oneof(scalar.map((v) => [`- ${v}`]), fc.tuple(key, scalar, key, scalar).map(([a, x, b, y]) => [`- ${a}: ${x}`, `  ${b}: ${y}`])), { minLength: 1, maxLength: 3 })).map(([k, n, items]) => [`${k}:`, ...items.flat().map((l) => `${' '.repeat(n)}${l}`)]) },
      { weight: 1, arbitrary: fc.tuple(key, fc.constantFrom('|', '|-', '| # c', '|+', '>', '>-', '> # c', '>+', '>2', '|2', '|1-', '|-3', '|2+', '>+1', '|0', '|+-'), fc.array(fc.constantFrom('  line', '  中文', '', '   more', '  # not a comment', ' x', '  ', '  second line', '  a\tb', '  \tx', '\t', '  x\t', '\tx', '  \t'), { minLength: 1, maxLength: 5 })).map(([k, h, lines]) => [`${k}: ${h}`, ...lines]) },
      // Prose wrapped by hand: a plain scalar going on over more indented lines (blank ones, comments, odd starts).
      { weight: 1, arbitrary: fc.tuple(key, fc.constantFrom('a', '中文内容', 'abc def', '1', 'true', 'x #c', '"q"', '-x', 'a:'), fc.array(fc.constantFrom('  more', '  中文', '', '   deeper', ' one', '  ', '  # c', '  - x', '  k: v', '  a #b', '  "q"', "  'q'", '  end:', '  [a]', '  1', '  true', '  ~', 'top', '  a: b', '  -', '  x\ty', '  ? x', '  #x'), { minLength: 1, maxLength: 4 })).map(([k, first, lines]) => [`${k}: ${first}`, ...lines]) },
      // …and quoted scalars wrapped the same way (escapes, doubled quotes, what follows the closing quote).
      { weight: 1, arbitrary: fc.tuple(key, fc.constantFrom('"open', "'open", '"a\\"b', '"x\\\\', '"x\\', "'it''s", '"x  '), fc.array(fc.constantFrom('  more', '', '  中文', '  more  ', '  end"', "  end'", '  close" # c', '  close" x', '  "', "  '", '  x\\', '  a\\"b"', "  ''y'", '  \\t x"', 'end"', '  # c'), { minLength: 1, maxLength: 4 })).map(([k, first, lines]) => [`${k}: ${first}`, ...lines]) },
      { weight: 1, arbitrary: fc.constantFrom(['# comment'], [''], ['  # indented'], ['---'], ['...'], ['%YAML 1.1'], ['<<<<<<< HEAD']) },
    ),
    { minLength: 1, maxLength: 5 },
  ),
})).block;

/** A document, sometimes opened by `---` (with a comment before it, or a comment after it). */
const topDoc = fc.tuple(fc.constantFrom([], [], ['---'], ['# c', '---'], ['--- # c'], ['---x'], ['--- a: 1']), doc).map(([start, lines]) => [...start, ...lines]);

const CHARS = [' ', '  ', '-', ':', '#', '"', "'", '|', '>', '[', ']', ',', '\n', '\r\n', '\r', '\t', '&', '*', '!', 'a', '1', '.', '~', '中', '\\', '{', '}', '?', '%', '- ', ': ', '\u2028', '\ufeff', '\u0000'];

/** Applies a few random edits (insert, delete, replace) to a text. */
const mutate = (text: string) =>
  fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 2 }), fc.constantFrom(...CHARS)), { maxLength: 3 }).map((edits) => {
    let t = text;
    for (const [pos, op, ch] of edits) {
      const at = pos % (t.length + 1);
      t = op === 0 ? t.slice(0, at) + ch + t.slice(at) : op === 1 ? t.slice(0, at) + t.slice(at + 1) : t.slice(0, at) + ch + t.slice(at + 1);
    }
    return t;
  });

/** Valid records of several kinds, as djyc writes them. */
const SAMPLES: [Kind, string][] = [
  ['organisation', serializeRecord('organisation', { id: 'org-a', name: '中共某区教育局机关支部委员会', short_name: '教育局支部', type: '党支部', parent: 'org-top', secretary: 'm-1' })],
  ['member', serializeRecord('member', { id: 'm-1', name: '张三', organisation: 'org-a', admin_title: '科长', party_title: '支部书记', phone: '13800138000', exemptions: [{ programme: 'shuangling-2020', reason: '长期病假' }] })],
  ['project', serializeRecord('project', { id: 'p-1', programme: 'shuangling-2020', number: '2020-001', title: '“红色课堂”进社区', categories: ['呼应群众普遍期待'], source: '自行申报', lead: 'org-a', leader: 'm-1', team: [{ member: 'm-2', role: '组员' }], goals: '第一行\n第二行\n', start: '2020-05-01', due: '2020-11-30', stage: 'implementing', history: [{ stage: 'proposed', date: '2020-03-05', by: '张三' }, { stage: 'implementing', from: 'proposed', date: '2020-05-11' }] })],
  ['task', serializeRecord('task', { id: 't-1', programme: 'shuangling-2020', project: 'p-1', members: ['m-1', 'm-2'], content: '走访困难党员 #3 户：每月一次', due: '2020-10-31', stage: 'claimed' })],
  ['report', serializeRecord('report', { id: 'r-1', programme: 'shuangling-2020', subject: 'p-1', quarter: '2020Q3', progress: '完成 80%，见附件', responsible: 'm-1' })],
  ['evaluation', serializeRecord('evaluation', { id: 'ev-1', programme: 'shuangling-2020', subject: 'p-1', stars: { overall: 4 }, bonus_points: 12.5, poll: { participants: 20, votes: { 好: 15, 较好: 5 } } })],
];

/** Each text goes through the fast path, with the safe parser's value. */
function expectTaken(texts: string[]): void {
  for (const text of texts) {
    const fast = fastParse(text);
    expect(fast, text).toBeDefined();
    expect(fast).toEqual((parseRecordText('f', text) as { parsed: { data: unknown } }).parsed.data);
  }
}

/** Whether the fast path takes `text`; when it does, the safe parser must accept it and give the same value. */
function agreesIfTaken(text: string): boolean {
  const fast = fastParse(text);
  if (fast === undefined) return false;
  const slow = parseRecordText('f.yaml', text);
  expect(slow.ok, `fast path accepted what the safe parser rejects:\n${text}`).toBe(true);
  if (slow.ok) expect(isDeepStrictEqual(fast, slow.parsed.data), `different values for:\n${text}`).toBe(true);
  return true;
}

describe('fast YAML path', () => {
  it('agrees with the safe parser on every document it accepts (generated documents)', () => {
    let accepted = 0;
    fc.assert(
      fc.property(topDoc.chain((lines) => mutate(`${lines.join('\n')}\n`)), (text) => {
        if (agreesIfTaken(text)) accepted++;
      }),
      // Enough runs that even a random seed (DJYC_FC_SEED=random) gets well over 80 documents through the fast path.
      { numRuns: 4500 },
    );
    expect(accepted).toBeGreaterThan(80);
  });

  it('agrees with the safe parser on mutated real records, and takes the unmutated ones', () => {
    for (const [, text] of SAMPLES) expect(fastParse(text)).toEqual((parseRecordText('f', text) as { parsed: { data: unknown } }).parsed.data);
    fc.assert(
      fc.property(fc.constantFrom(...SAMPLES.map(([, t]) => t)).chain(mutate), (text) => {
        agreesIfTaken(text);
      }),
      { numRuns: 3000 },
    );
  });

  it('takes folded scalars, a leading --- and one-line flow mappings, as offices and programmes write them, with the safe parser\'s values', () => {
    expectTaken([
      'reports: {every: quarter, subjects: [project, task], from_stage: implementing, grace_days: 10}\nb: {}\n',
      'a:\n  - {min: 1, max: 1.5, window: phase-1, flag: true, none: null}\n',
      '---\nid: a\nresults: >\n  一是甲；\n\n  二是乙，丙\n  丁。\n\n\n  三\nnext: 1\n',
      '# yaml-language-server: $schema=x\n---\n# 结项书\nid: a\nb: >-\n  x\n  y\n',
      '--- # c\nid: a\nb:\n  - c: >\n      one\n      two\n    d: 2\n',
      'id: a\r\nb: >-\r\n  x\r\n\r\n  y\r\n',
      // Plain scalars wrapped by hand over several lines (a blank line between them kept as a line break).
      'id: a\ncontent: 第一行写不下的内容，\n  接着写在第二行；\n\n  另起一段。\nnext: 1\n',
      'a:\n  - one\n    two\n  - b: c\n      d\n    e: f # c\n  # c\n',
      'a: x\n  y\n  # a comment ends it\nb: 1\n',
      // Quoted scalars wrapped over several lines.
      'a: "第一行，\n  第二行"\nb: \'it\'\'s\n\n  ok\' # c\nc:\n  - "p\n    q"\n',
      'a: "x  \n  more  \n\n  \\t end  "\nb: \'y  \n  z  \'\n',
      // Tabs pasted into block scalars are content; an indented line in a folded one keeps its line breaks.
      'a: |\n  第一列\t第二列\n  \t缩进\nb: >-\n  x\ty\n  z\nc: >\n  x\n  \ty\n\n   z\n  w\n',
    ]);
  });

  it('takes what PyYAML writes (escaped line breaks, YAML escapes, wrapped lines starting with an indicator, quoted keys, flow style over lines), with the safe parser\'s values', () => {
    expectTaken([
      // yaml.dump(..., allow_unicode=True): a string with a newline or a tab goes double-quoted, wrapped with `\`.
      'a: "\\t一是甲；\\n\\\n  \\t二是乙。"\nb: 1\n',
      'a: "one  \\\n  two"\n', 'a: "one\\\n  \\ two"\n', 'a: "one \\\\\\\n  two"\n',
      'a: "\\x41\\u4e2d\\U0001F600\\_\\N\\L\\P\\a\\b\\e\\f\\v\\ \\/"\n',
      // Prose wrapped at a space: whatever followed it starts the next line.
      'content: 完成率和 满意度达到\n  %。\nb: 1\n',
      'a: some text\n  - x end\nb: 1\n', 'l:\n- t\n  - x\n- k: v\n    [y] {z} |w >v \'u "t %s @r `q !p &o *n ?m -l ,k\n',
      // default_flow_style=None (PyYAML's default before 5.1): leaf collections, and so flat records, in flow style,
      // wrapped over lines, quoted prose with blank lines and escaped line breaks inside.
      "{id: r-1, subject: p-1, quarter: 2020Q2,\n  progress: '一是甲。\n\n    二是乙。', problems: 无。,\n  next: \"\\t丙\\n\\\n    \\t丁\", n: 1}\n",
      "items:\n- {task: t-1, text: '印发资料46份；探索便\n    民服务点。\n\n    '}\nmembers: [m-1, m-2,\n  m-3]\n",
      // Both (PyYAML's defaults before 5.1): quoted keys in flow mappings.
      'poll: {participants: 13, votes: {"\\u597D": 11, "\\u8F83\\u597D": 2,\n    \'a\'\'b\': 0}}\n',
      // yaml.dump(...) without allow_unicode: every non-ASCII key quoted and escaped.
      'poll:\n  votes:\n    "\\u597D": 11\n    "\\u8F83\\u597D": 2\n    \'a b\': 1\n    "true": 0\nl:\n- "k": 1\n  j: 2\n',
    ]);
    // `\ ` ending a wrapped line inside double quotes is an escaped space, not white space to trim (a space was lost).
    for (const text of ['a: "x\\ \n  y"\n', 'a: ["x\\ \n  y"]\n', 'a: {k: "x\\  \n  y"}\n', 'l:\n- " \\ \n    \'" \n', 'a: "x\\\\ \n  y"\n']) agreesIfTaken(text);
    // Random continuation lines and quoted wraps: whatever the fast path takes, the safe parser reads the same.
    const piece = fc.array(fc.constantFrom(...'-?:,[]{}#&*!|>\'"%@` a中\\1.\t'.split(''), '\n', '\n  '), { minLength: 1, maxLength: 6 }).map((c) => c.join(''));
    let accepted = 0;
    fc.assert(
      fc.property(fc.tuple(fc.integer({ min: 0, max: 10 }), piece, piece, piece), ([shape, x, y, z]) => {
        const text = [
          `a: x ${x}\n  ${y}\nb: 1\n`,
          `l:\n- t ${x}\n  ${y}\n  ${z}\n`,
          `a: "q ${x}\\\n  ${y}"\n`,
          `a:\n  k: v${x}\n    ${y}\n  j: "${z}"\n`,
          `"k${x}": ${y}\nb: 1\n`,
          `l:\n- '${x}': 1\n  j${z}: ${y}\n`,
          `a: [x${x},\n  ${y}]\nb: 1\n`,
          `{k: v${x},\n  j: ${y}, l: m}\n`,
          `a: {k: "${x}\\\n  ${y}", j: 1}\n`,
          `l:\n- {k: '${x}\n\n    ${y}', j: ${z}}\n- b\n`,
          `a: {"k${x}": 1, '${y}': ${z}}\n`,
        ][shape]!;
        if (agreesIfTaken(text)) accepted++;
      }),
      { numRuns: 3000 },
    );
    expect(accepted).toBeGreaterThan(600);
  });

  it('takes records written as JSON in any layout (JSON.stringify, json.dump) and nested flow collections, with the safe parser\'s values', () => {
    const [, project] = SAMPLES[2]!;
    const data = (parseRecordText('f', project) as { parsed: { data: Record<string, unknown> } }).parsed.data;
    const ascii = (t: string) => t.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    expectTaken([
      `${JSON.stringify(data, null, 2)}\n`,
      JSON.stringify(data),
      // Python's json.dump: ASCII escapes, `, ` and `: ` on one line; or tabs and CRLF between tokens.
      ascii(JSON.stringify(data)).replace(/","/g, '", "').replace(/":/g, '": '),
      JSON.stringify(data, null, '\t').replace(/\n/g, '\r\n'),
      '{"a"\n  : 1, "b" :\n[\n1 ,2], "c": {"d": "x #y: [z]"}}\n',
      // js-yaml's flowLevel: flow mappings inside flow sequences.
      'attachments: [{title: 印证材料, path: attachments/a.pdf}, {title: b, path: c}]\nm: [[1, 2], {b: [c, {d: e}]}]\n',
    ]);
    // Random JSON, random whitespace between tokens, keys that sometimes repeat: taken only when the safe parser agrees.
    const ws = fc.constantFrom('', '', ' ', '\n', '\t', '\r\n', '  \n  ', '\n\n');
    const text = fc.array(fc.constantFrom('a', ' ', ':', '#', '{', '}', '[', ']', ',', "'", '-', '中', '😀', '\\"', '\\\\', '\\/', '\\n', '\\t', '\\u00e9', '\\ud83d\\ude00', '\\u2028', '\\u0000', '\\ud800', '\\u003a', ':'), { maxLength: 6 }).map((t) => `"${t.join('')}"`);
    const keyText = fc.oneof({ weight: 4, arbitrary: text }, { weight: 1, arbitrary: fc.constantFrom('"a"', '"a"', '"true"', '"1"', '""', '"__proto__"', '"a: b"') });
    const json = fc.letrec<{ value: string; object: string }>((tie) => ({
      value: fc.oneof(
        { weight: 3, arbitrary: text },
        { weight: 2, arbitrary: fc.constantFrom('0', '-0', '1.50', '1e5', '1E+5', '-3.25e-2', '12345678901234567890', '1e400', 'true', 'false', 'null') },
        { weight: 1, arbitrary: tie('object') },
        { weight: 1, arbitrary: fc.array(fc.tuple(ws, tie('value'), ws), { maxLength: 3 }).map((items) => `[${items.map((i) => i.join('')).join(',')}]`) },
      ),
      object: fc.array(fc.tuple(ws, keyText, ws, ws, tie('value'), ws), { maxLength: 4 }).map((members) => `{${members.map(([a, k, b, c, v, d]) => `${a}${k}${b}:${c}${v}${d}`).join(',')}}`),
    }), { depthSize: 'small' }).object;
    let accepted = 0;
    fc.assert(
      fc.property(ws, json, ws, (before, doc, after) => {
        if (agreesIfTaken(`${before}${doc}${after}\n`)) accepted++;
      }),
      { numRuns: 3000 },
    );
    expect(accepted).toBeGreaterThan(1000);
  });

  it('takes block scalars with an indentation indicator or keep chomping (js-yaml and the yaml package write `|2-` for text that starts with a space, `|+` for text that ends with blank lines), with the safe parser\'s values', () => {
    expectTaken([
      'a: |2-\n    一是\n  二是\nb: >+\n  x\n  y\n\n\nc: 1\n',
      'k:\n  a: |-2\n      lead\n    next\n  b: |+\n    x\n\n  # c\nl:\n- |1\n   one\n- a: >2\n      x\n    y\n',
      'a: |+\n  x\n\n',
      // Tabs pasted into quoted values on one line (the yaml package's QUOTE_SINGLE keeps them raw).
      "text: '\t一是\t二是'\nl:\n- \"\tx\"\n- a: 'y\tz' # c\n",
    ]);
    // Random headers, indentations, blank and comment lines after the content, in mappings and sequences.
    const head = fc.constantFrom('|', '|-', '|+', '>', '>-', '>+', '|1', '|2', '|3', '|2-', '|-2', '|2+', '|+2', '>1', '>2-', '>+1', '|2 # c');
    const line = fc.oneof(fc.constant(''), fc.constant('# c'), fc.tuple(fc.integer({ min: 0, max: 7 }), fc.constantFrom('x', '一是', ' lead', '\tt', '# not', 'k: v', 'end ')).map(([n, w]) => `${' '.repeat(n)}${w}`));
    const tail = fc.constantFrom('', '\n', '\n\n', '\nb: 1\n', '\n\nb: 1\n', '\n# c\nb: 1\n', '\n\n# c\n\nb: 1\n');
    const open = fc.constantFrom((h: string) => `a: ${h}`, (h: string) => `k:\n  a: ${h}`, (h: string) => `l:\n- ${h}`, (h: string) => `l:\n- a: ${h}`, (h: string) => `l:\n  - ${h}`);
    let accepted = 0;
    fc.assert(
      fc.property(open, head, fc.array(line, { minLength: 1, maxLength: 5 }), tail, (first, h, lines, t) => {
        if (agreesIfTaken(`${first(h)}\n${lines.join('\n')}${t}`)) accepted++;
      }),
      { numRuns: 3000 },
    );
    expect(accepted).toBeGreaterThan(300);
  });

  it('never takes anchors, aliases, tags, merge keys, duplicate keys or conflict markers', () => {
    for (const text of [
      'a: &x 1\nb: *x\n', 'a: !!str 1\n', 'a: !t x\n', '<<: {a: 1}\nb: 2\n', 'a: 1\na: 2\n', 'a:\n  - &x 1\n  - *x\n',
      'a: [&x 1, *x]\n', '"a": 1\n"a": 2\n', 'a: 1\n"a": 2\n', '"__proto__": 1\n', '"": 1\n', '"a":1\n', 'a: {"b": 1, b: 2}\n', 'a: {"": 1}\n', 'a: {"__proto__": 1}\n', 'a: "x\\\n\n  y"\n', 'a: 1\n<<<<<<< HEAD\nb: 2\n=======\nb: 3\n>>>>>>> x\n', '%YAML 1.1\n---\na: NO\n', 'a: 1\n---\nb: 2\n',
      'a: "\\ud800"\n', 'a:\tb\n', 'a: b\r', 'a: x\ty\n', 'a: |\n\tx\n', 'a:\n\t- x\n', 'a: >\n  x\t\n  y\n', '? a\n: b\n', 'a: {b: 1, b: 2}\n', 'a: {<<: {b: 1}}\n', 'a: {b: 1,\n\n  c: 2}\n', 'a: {b: 1,\n  # c\n  c: 2}\n', 'a: [x,\ny]\n',
      '{"a": 1, "a": 2}', '{"a": {"b": 1, "b": 2}}\n', '{"a": [{"b": 1, "b": 2}]}', '{"": 1}', '{"__proto__": {}}', '[{"a": 1}]', 'a: [{b: 1, b: 2}]\n',
    ]) {
      expect(fastParse(text), text).toBeUndefined();
    }
  });
});

describe('references', () => {
  const refValue = fc.oneof(fc.constantFrom('org-a', 'm-1', 'p-1', 'x'), fc.integer(), fc.constant(null), fc.array(fc.constantFrom('m-1', 'm-2', 3), { maxLength: 3 }));
  it('the fast walk finds exactly what collectRefs finds', () => {
    const fields = ['id', 'programme', 'organisation', 'parent', 'secretary', 'contact', 'lead', 'leader', 'members', 'project', 'subject', 'responsible', 'co_organisers', 'team', 'approval', 'items', 'exemptions', 'panel', 'entries', 'pairings', 'upper', 'proposed_by', 'member', 'stage', 'unknown'];
    const nested = fc.oneof(refValue, fc.array(fc.record({ organisation: refValue, member: refValue, project: refValue, task: refValue, programme: refValue, by: refValue }, { requiredKeys: [] }), { maxLength: 3 }), fc.record({ by: refValue, date: fc.constant('2020-01-01'), experts: fc.array(fc.constantFrom('exp-1', 'x'), { maxLength: 2 }) }, { requiredKeys: [] }));
    fc.assert(
      fc.property(fc.constantFrom(...KINDS), fc.dictionary(fc.constantFrom(...fields), nested, { maxKeys: 8 }), (kind, data) => {
        expect(fastRefs(kind, data)).toEqual(collectRefs(kind, data));
      }),
      { numRuns: 2000 },
    );
  });
});

// ------------------------------------------------------------------------------------------------------------
// Mutations end in clean problems

function assertPositioned(problems: { file: string; line: number; col: number; rule: string }[], file: string): void {
  for (const p of problems) {
    expect(p.file).toBe(file);
    expect(p.line, p.rule).toBeGreaterThanOrEqual(1);
    expect(p.col, p.rule).toBeGreaterThanOrEqual(1);
  }
}

/** A repository in memory: one mutated record among valid ones, validated in full. */
function validateWith(kind: Kind, bytes: Uint8Array): void {
  const file = `records/${KIND_DIRS[kind]}/${kind}-x.yaml`;
  const result = analyseBytes(kind, file, bytes, new Map());
  if (!result.ok) {
    expect(result.problems.length).toBeGreaterThan(0);
    assertPositioned(result.problems, file);
    return;
  }
  const records: RecordEntry[] = SAMPLES.filter(([k]) => k !== kind).map(([k, text]) => ({ kind: k, id: `${k}-s`, file: `records/${KIND_DIRS[k]}/${k}-s.yaml`, data: (parseRecordText('x', text) as { parsed: { data: never } }).parsed.data, text }));
  records.push({ kind, id: `${kind}-x`, file, data: result.data as never, text: Buffer.from(bytes).toString('utf8') });
  const repo: Repository = { root: tempRoot, config: { djyc: 1 }, records, loadProblems: [], unparsed: [] };
  const problems = validateRepository(repo, { today: '2020-06-01', only: new Set([file]) });
  assertPositioned(problems, file);
}
const tempRoot = tempDir('djyc-fuzz-');

describe('mutations of valid records end in clean problems with positions', () => {
  it('random byte edits (invalid UTF-8, control bytes, repetitions): no exception, positions everywhere', () => {
    const heapBefore = process.memoryUsage().heapUsed;
    fc.assert(
      fc.property(
        fc.constantFrom(...SAMPLES),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 3 }), fc.uint8Array({ minLength: 1, maxLength: 4 })), { minLength: 1, maxLength: 4 }),
        ([kind, text], edits) => {
          let bytes = Buffer.from(text);
          for (const [pos, op, chunk] of edits) {
            const at = pos % (bytes.length + 1);
            if (op === 0) bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(chunk), bytes.subarray(at)]);
            else if (op === 1) bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + chunk.length)]);
            else if (op === 2) bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(chunk), bytes.subarray(at + chunk.length)]);
            else bytes = Buffer.concat([bytes.subarray(0, at), Buffer.alloc(200, chunk[0]), bytes.subarray(at)]);
          }
          validateWith(kind, bytes);
        },
      ),
      { numRuns: 1500 },
    );
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(300 * 1024 * 1024);
  });

  it('YAML-level mutations, alias bombs and huge inputs: clean problems', () => {
    fc.assert(
      fc.property(fc.constantFrom(...SAMPLES).chain(([kind, text]) => mutate(text).map((t) => [kind, t] as const)), ([kind, text]) => {
        validateWith(kind, Buffer.from(text));
      }),
      { numRuns: 1500 },
    );
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 9 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`)].join('\n');
    const r = parseRecordBytes('bomb.yaml', Buffer.from(`id: m-1\n${bomb}\n`));
    expect(r.ok).toBe(false);
    expect(parseRecordBytes('big.yaml', Buffer.alloc(2 * 1024 * 1024, 0x61)).ok).toBe(false);
    const deep = `a: ${'['.repeat(5000)}${']'.repeat(5000)}\n`;
    const d = parseRecordBytes('deep.yaml', Buffer.from(deep));
    if (!d.ok) assertPositioned(d.problems, 'deep.yaml');
  });

  it('through the CLI: mutated files give exit 1 with file:line:col, no stack trace', () => {
    const root = path.join(tempDir(), 'repo');
    const g = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' };
    expect(djyc(['init', root, '--programme', 'shuangling', '--year', '2020'], { env: g }).code).toBe(0);
    const samples = fc.sample(fc.constantFrom(...SAMPLES).chain(([kind, text]) => mutate(text).map((t) => [kind, t] as const)), { numRuns: 40, seed: 42 });
    samples.forEach(([kind, text], i) => {
      const dir = path.join(root, 'records', { organisation: 'organisations', member: 'members', project: 'projects', task: 'tasks', report: 'reports', evaluation: 'evaluations' }[kind as string]!);
      fs.writeFileSync(path.join(dir, `${kind}-${i}.yaml`), text);
    });
    fs.writeFileSync(path.join(root, 'records/members/binary.yaml'), Buffer.from([0xff, 0xfe, 0x00, 0x41, 0x80, 0x0a]));
    for (const lang of ['zh', 'en']) {
      const r = djyc(['validate', '--lang', lang, '--today', '2020-06-01'], { cwd: root });
      expect(r.code).toBe(1);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stderr).not.toMatch(/internal error|内部错误/);
      const lines = r.stdout.split('\n').filter((l) => l.startsWith('records/'));
      expect(lines.length).toBeGreaterThan(5);
      for (const l of lines) expect(l).toMatch(/^records\/[^:]+\.yaml:\d+:\d+ /);
      expect(r.stdout).toMatch(/binary\.yaml:1:\d+/);
    }
  });
});
