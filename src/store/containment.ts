/**
 * Containment: the one rule for every path a record or an argument names (logos, attachments, outputs, the record
 * files themselves). A path is judged in three steps, and nothing is read, copied, written or deleted unless all pass:
 * 1. lexically: relative, forward slashes, no `.`/`..`/empty segments, no control characters — and, for a path
 *    written in a record, under `attachments/`;
 * 2. on disk, component by component with lstat: no symbolic link anywhere, folders above, a regular file at the end
 *    (never a device, FIFO or socket), and its real path inside the base folder's real path;
 * 3. when read: opened without following a link, checked again with fstat, and read with a bound (never more than
 *    the limit + 1 byte), so a file swapped for /dev/zero meanwhile cannot make us read forever.
 * Files that claim to be images or documents are also checked by their magic bytes against their extension.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ATTACHMENTS_DIR, MAX_FILE_BYTES, SNIFF_BYTES, expectedType, isInside, lexicalProblem, typeMismatch, type PathRule } from '../domain/paths.js';

export type Resolved = { ok: true; abs: string; exists: boolean } | { ok: false; rule: PathRule; at: string };

function realBase(base: string): string {
  try {
    return fs.realpathSync(base);
  } catch {
    return path.resolve(base);
  }
}

/**
 * Resolves a relative path inside `base` by the containment rule (see the module comment, steps 1 and 2). A missing
 * file is `ok` with `exists: false` when `allowMissing` (a file about to be created); `at` names the offending prefix.
 */
export function resolveInside(base: string, rel: string, opts: { allowMissing?: boolean } = {}): Resolved {
  const lexical = lexicalProblem(rel);
  if (lexical) return { ok: false, rule: lexical, at: String(rel) };
  const root = realBase(base);
  const segs = rel.split('/');
  let cur = root;
  for (let i = 0; i < segs.length; i++) {
    cur = path.join(cur, segs[i]!);
    const at = segs.slice(0, i + 1).join('/');
    let st: fs.Stats;
    try {
      st = fs.lstatSync(cur);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') {
        return opts.allowMissing ? { ok: true, abs: path.join(root, ...segs), exists: false } : { ok: false, rule: 'path-missing', at };
      }
      throw err;
    }
    if (st.isSymbolicLink()) return { ok: false, rule: 'path-symlink', at };
    const last = i === segs.length - 1;
    if (!last && !st.isDirectory()) return { ok: false, rule: st.isFile() ? 'path-not-a-file' : 'path-special', at };
    if (last && !st.isFile()) return { ok: false, rule: st.isDirectory() ? 'path-not-a-file' : 'path-special', at };
  }
  // No link was followed, so the real path is this one; checked all the same (a bind mount, a race).
  let real: string;
  try {
    real = fs.realpathSync(cur);
  } catch {
    return { ok: false, rule: 'path-missing', at: rel };
  }
  if (!isInside(root, real)) return { ok: false, rule: 'path-outside', at: rel };
  return { ok: true, abs: cur, exists: true };
}

export type BoundedRead = { ok: true; bytes: Buffer } | { ok: false; rule: 'path-symlink' | 'path-special' | 'path-not-a-file' | 'path-missing' | 'file-too-large'; size?: number };

const NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;
const NONBLOCK = fs.constants.O_NONBLOCK ?? 0;

/**
 * Reads a file without following a symbolic link at its last component (O_NOFOLLOW), refusing anything but a
 * regular file (checked on the open descriptor, so a FIFO or device never blocks or streams), and never reading
 * more than `maxBytes` + 1 bytes: a file larger than the limit is `file-too-large` with the size seen.
 * `follow`: for files a person names on the command line, a link to a regular file is fine.
 * `prefix`: a file over the limit gives its first `maxBytes` + 1 bytes instead (the caller sees it is too large,
 * and the record loader reports it like any other content).
 */
export function readBounded(file: string, maxBytes: number, opts: { follow?: boolean; prefix?: boolean } = {}): BoundedRead {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | NONBLOCK | (opts.follow ? 0 : NOFOLLOW));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ELOOP' || code === 'EMLINK') return { ok: false, rule: 'path-symlink' };
    if (code === 'ENOENT' || code === 'ENOTDIR') return { ok: false, rule: 'path-missing' };
    if (code === 'ENXIO' || code === 'ENODEV' || code === 'EOPNOTSUPP') return { ok: false, rule: 'path-special' };
    if (code === 'EISDIR') return { ok: false, rule: 'path-not-a-file' };
    throw err;
  }
  try {
    const st = fs.fstatSync(fd);
    if (st.isDirectory()) return { ok: false, rule: 'path-not-a-file' };
    if (!st.isFile()) return { ok: false, rule: 'path-special' };
    if (st.size > maxBytes && !opts.prefix) return { ok: false, rule: 'file-too-large', size: st.size };
    // The size may change while we read (a file being appended to): read up to the limit + 1, no further.
    const buf = Buffer.allocUnsafe(Math.min(st.size, maxBytes) + 1);
    let total = 0;
    for (;;) {
      if (total === buf.length) break;
      const n = fs.readSync(fd, buf, total, buf.length - total, null);
      if (n === 0) break;
      total += n;
    }
    if (total > maxBytes && !opts.prefix) return { ok: false, rule: 'file-too-large', size: Math.max(st.size, total) };
    return { ok: true, bytes: buf.subarray(0, total) };
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The loader's read of a record file: into `buf` at `at` (a buffer reused from file to file, with room for at least
 * MAX_FILE_BYTES + 1 bytes there), opened as readBounded opens files (no link followed at the last component,
 * non-blocking) and read with one call bounded by MAX_FILE_BYTES + 1: a regular file's read is short only at its end.
 * Returns the number of bytes (MAX_FILE_BYTES + 1: larger than the limit, reported by the parser's size check), or
 * -1 when the file is gone, a link, a folder or unreadable — the listing, which judged every entry by its type,
 * reports those. No fstat: a FIFO swapped in after the listing reads as empty (non-blocking), a device is bounded.
 */
export function readRecordInto(file: string, buf: Buffer, at: number): number {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | NONBLOCK | NOFOLLOW);
  } catch {
    return -1;
  }
  try {
    return fs.readSync(fd, buf, at, Math.min(MAX_FILE_BYTES + 1, buf.length - at), null);
  } catch {
    return -1;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * A record file's bytes (djyc.yaml too): no link followed, regular files only, at most MAX_FILE_BYTES + 1 bytes (the
 * parser's size check then reports a larger file). null when the file is gone, a link or not a regular file: the
 * listing reports those before anything is read.
 */
export function readRecordBytes(file: string): Buffer | null {
  const r = readBounded(file, MAX_FILE_BYTES, { prefix: true });
  return r.ok ? r.bytes : null;
}

/** Reads a file named relative to `base` under the whole containment rule: resolveInside, then readBounded. */
export function readInside(base: string, rel: string, maxBytes: number): BoundedRead | { ok: false; rule: PathRule; at?: string; size?: number } {
  const r = resolveInside(base, rel);
  if (!r.ok) return r;
  return readBounded(r.abs, maxBytes);
}

// ---------------------------------------------------------------------------------------------------------------
// Walking the attachments folder.

export interface FileViolation {
  /** Repository-relative path of the offending entry. */
  file: string;
  rule: PathRule;
  params: Record<string, string | number>;
}

/**
 * Every entry under attachments/ that breaks the rule: symbolic links (never followed), devices, FIFOs and sockets,
 * and files whose content is not what their extension says. Reads only the first bytes of files with a checked
 * extension, with a bound.
 */
export function attachmentViolations(root: string, maxFiles = 200_000): FileViolation[] {
  const out: FileViolation[] = [];
  const top = path.join(root, ATTACHMENTS_DIR);
  let st: fs.Stats;
  try {
    st = fs.lstatSync(top);
  } catch {
    return out;
  }
  if (st.isSymbolicLink()) return [{ file: ATTACHMENTS_DIR, rule: 'path-symlink', params: { path: ATTACHMENTS_DIR } }];
  if (!st.isDirectory()) return out;
  const stack = [ATTACHMENTS_DIR];
  let seen = 0;
  while (stack.length && seen < maxFiles) {
    const dir = stack.pop()!;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(root, dir), { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      seen++;
      const rel = `${dir}/${e.name}`;
      if (e.isSymbolicLink()) out.push({ file: rel, rule: 'path-symlink', params: { path: rel } });
      else if (e.isDirectory()) stack.push(rel);
      else if (!e.isFile()) out.push({ file: rel, rule: 'path-special', params: { path: rel } });
      else if (expectedType(e.name)) {
        const r = readHead(path.join(root, rel));
        if (!r.ok) {
          if (r.rule !== 'path-missing') out.push({ file: rel, rule: r.rule, params: { path: rel } });
          continue;
        }
        const m = typeMismatch(e.name, r.bytes);
        if (m) out.push({ file: rel, rule: 'path-type-mismatch', params: { path: rel, expected: m.expected.toUpperCase(), found: m.found ? m.found.toUpperCase() : '?' } });
      }
    }
  }
  return out.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

/** The first SNIFF_BYTES of a file, opened as readBounded does (no link followed, regular files only). */
function readHead(file: string): BoundedRead {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | NONBLOCK | NOFOLLOW);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ELOOP' || code === 'EMLINK') return { ok: false, rule: 'path-symlink' };
    if (code === 'ENXIO' || code === 'ENODEV') return { ok: false, rule: 'path-special' };
    return { ok: false, rule: 'path-missing' };
  }
  try {
    if (!fs.fstatSync(fd).isFile()) return { ok: false, rule: 'path-special' };
    const buf = Buffer.allocUnsafe(SNIFF_BYTES);
    let total = 0;
    for (;;) {
      const n = fs.readSync(fd, buf, total, buf.length - total, null);
      if (n === 0) break;
      total += n;
      if (total === buf.length) break;
    }
    return { ok: true, bytes: buf.subarray(0, total) };
  } finally {
    fs.closeSync(fd);
  }
}
