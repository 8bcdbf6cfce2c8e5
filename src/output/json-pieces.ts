/**
 * `JSON.stringify(value, null, 2)` and a line break, byte for byte, as pieces: the array under `key` is encoded a few
 * hundred elements at a time, so a report of many megabytes (deadlines of 100,000 records) is never one string.
 */
const MARK = '\u0000djyc-json-pieces\u0000';

export function* jsonPieces(value: Record<string, unknown>, key: string, per = 500): Generator<string> {
  const list = value[key];
  if (!Array.isArray(list)) {
    yield `${JSON.stringify(value, null, 2)}\n`;
    return;
  }
  const text = JSON.stringify({ ...value, [key]: MARK }, null, 2);
  const mark = JSON.stringify(MARK);
  const at = text.indexOf(mark);
  if (at < 0 || text.indexOf(mark, at + 1) >= 0) {
    // The mark met in the data itself (it never should be): one piece.
    yield `${JSON.stringify(value, null, 2)}\n`;
    return;
  }
  // The indentation of the key's line: the array's elements are one level (two spaces) deeper.
  const indent = at - text.lastIndexOf('\n', at) - 1 - JSON.stringify(key).length - 2;
  const outer = ' '.repeat(indent);
  const inner = `${outer}  `;
  if (!list.length) {
    yield `${text.slice(0, at)}[]${text.slice(at + mark.length)}\n`;
    return;
  }
  yield `${text.slice(0, at)}[\n`;
  // The array as deep as the key's value stands, so that JSON.stringify indents its elements where they go (no
  // second pass over the text to indent every line).
  const depth = outer.length / 2;
  const close = `\n${outer}]`;
  for (let i = 0; i < list.length; i += per) {
    // A slice as JSON.stringify writes an array (undefined and functions become null), without its brackets.
    let nested: unknown = list.slice(i, i + per);
    for (let d = 0; d < depth; d++) nested = { a: nested };
    const json = JSON.stringify(nested, null, 2);
    const body = json.slice(json.indexOf('[\n') + 2, json.lastIndexOf(close));
    yield body + (i + per < list.length ? ',\n' : '');
  }
  yield `\n${outer}]${text.slice(at + mark.length)}\n`;
}
