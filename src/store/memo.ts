/**
 * Whole results kept for an unchanged repository: a command that read every record (validate, deadlines, ledger,
 * status, todo) keeps what it printed or found, with a witness of the contents it read; the next run with the same
 * parameters checks the witness — cheaply, without reading a record — and, when it holds, answers from the memo.
 *
 * The witness (repo.ts `RepositoryWitness`): djyc.yaml's blob id; records/'s entries, each kind folder by its stat
 * signature, taken only when the folder had settled (so any record file added, removed or renamed since shows);
 * git's index entries under records/ (a hash of `git ls-files -s`) and the files whose stat data differs from the
 * index (`git diff-files`: anything edited since, staged or not; a run on an empty cache, which reads every file,
 * lists those whose content is not the index's instead: parallel.ts contentDirty); and the blob id of every record file git did not
 * vouch for (untracked, modified, conflicted), hashed again from disk unless the file's stat signature is still the
 * one taken when it was read (parallel.ts ContentWitness `stat`). Plus djyc's code and schemas, the shipped
 * form layouts, and what a command adds (validate: the attachments/ folder's violations). Any difference: no
 * answer, the command runs in full and writes a new memo. Never a source of truth: safe to delete, one file per
 * command in the cache folder (cache.ts `cacheRoot`).
 *
 * A memo file is the answer's bytes, a line break, and the head (format, code, parameters, witness, the answer's
 * size) as one line of JSON: the head comes last so that a report of many megabytes can be kept as it is printed,
 * piece by piece (MemoSink), never held whole in memory.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { blobId, cacheRoot, codeFingerprint, hashFolders } from './cache.js';
import { gitSync, gitWitness } from './git.js';
import { readBounded, readRecordBytes } from './containment.js';
import { dirSignature, witnessOf } from './repo.js';
import { statSignature } from './parallel.js';
import { CONFIG_FILE, RECORDS_DIR, kindOfDir } from '../domain/kinds.js';
import { MAX_FILE_BYTES } from '../domain/paths.js';
import { listTemplates } from '../assets/templates.js';
import type { Repository } from '../domain/records.js';
import type { Problem } from '../domain/problem.js';
import type { RepositoryWitness } from './repo.js';
import { attachmentViolations } from './containment.js';
import { loadRepository } from './repo.js';
import { today as clockToday } from './clock.js';
import { validateRepository } from './validate.js';
import { refreshReferrerIndex } from './referrers.js';

const FORMAT = 'djyc-memo-2';

/** What a memo holds besides its witness: the command's answer. */
export interface MemoValue {
  /** What the command printed (or the data it found), as the command wrote it down (read back as bytes). */
  payload: Buffer | string;
  /** Anything else the command keeps (its exit code, notes it gave on standard error). */
  meta?: Record<string, unknown>;
}

/** A text cut into pieces of about `size` characters, never inside a surrogate pair. */
function* textPieces(text: string, size: number): Generator<string> {
  for (let at = 0; at < text.length; ) {
    let end = Math.min(text.length, at + size);
    const c = text.charCodeAt(end - 1);
    if (end < text.length && c >= 0xd800 && c <= 0xdbff) end--;
    yield text.slice(at, end);
    at = end;
  }
}

interface MemoHead {
  /** The payload's length in bytes (a memo cut short is not used). */
  size?: number;
  djyc: typeof FORMAT;
  code: string;
  params: string;
  witness: RepositoryWitness;
  extra?: string;
  meta?: Record<string, unknown>;
}

let memoCodeHash: string | undefined;

/**
 * The code a memo was written by: cache.ts `codeFingerprint` (the store, the rules, the schemas) and the code that
 * words and lays out what commands print (cli/, output/, commands/), so that a changed report format is never
 * answered with text the previous code printed, even within one version.
 */
function memoCode(): string {
  if (memoCodeHash) return memoCodeHash;
  const h = createHash('sha1').update(codeFingerprint());
  const here = path.dirname(fileURLToPath(import.meta.url));
  hashFolders(h, ['cli', 'output', 'commands'].map((dir) => path.join(here, '..', dir)), { recursive: true });
  return (memoCodeHash = h.digest('hex'));
}

/**
 * A file check (`fileExists`, repository-relative) that remembers what it answered, for a memo: the memo's witness
 * covers records/ and djyc.yaml only, so a report that asked whether some other file exists (a brand's logo) keeps
 * the answers in its meta (`files`) and `holds` checks them again before the memo is used.
 */
export function filesLookedAt(root: string): { fileExists: (rel: string) => boolean; files: Record<string, boolean>; holds: (meta: Record<string, unknown>) => boolean } {
  const exists = (rel: string) => fs.existsSync(path.join(root, rel));
  const files: Record<string, boolean> = Object.create(null) as Record<string, boolean>;
  return {
    fileExists: (rel) => (files[rel] = exists(rel)),
    files,
    holds: (meta) => {
      const kept = meta.files;
      if (!kept || typeof kept !== 'object' || Array.isArray(kept)) return false;
      return Object.entries(kept as Record<string, unknown>).every(([rel, was]) => typeof was === 'boolean' && exists(rel) === was);
    },
  };
}

/** The memo file of a command (names are djyc's own: validate, deadlines, ledger, status, todo). */
export function memoFile(root: string, name: string): string | undefined {
  const where = cacheRoot(root);
  return where ? path.join(where, `memo-${name}.json`) : undefined;
}

/** The parameters' text a memo is kept under: djyc's code, the form layouts it knows, the command's own. */
function paramsText(params: Record<string, unknown>): string {
  return JSON.stringify({ ...params, templates: listTemplates() });
}

/** records/'s entries as listRecordFiles notes them (repo.ts); undefined when records/ is not a plain folder. */
function recordsEntries(root: string): Record<string, string> | undefined {
  const dir = path.join(root, RECORDS_DIR);
  let top: fs.Stats;
  try {
    top = fs.lstatSync(dir);
  } catch {
    return undefined;
  }
  if (!top.isDirectory() || top.isSymbolicLink()) return undefined;
  const out: Record<string, string> = {};
  for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
    if (d.name.startsWith('.')) continue;
    if (d.isSymbolicLink()) out[d.name] = 'L';
    else if (!d.isDirectory()) out[d.name] = 'F';
    else if (!kindOfDir(d.name)) out[d.name] = 'U';
    else {
      try {
        out[d.name] = dirSignature(path.join(dir, d.name)).sig;
      } catch {
        return undefined;
      }
    }
  }
  return out;
}

function sameEntries(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) if (a[k] === '?' || a[k] !== b[k]) return false;
  return true;
}

function configKey(root: string): string {
  const read = readBounded(path.join(root, CONFIG_FILE), MAX_FILE_BYTES, { prefix: true });
  return read.ok ? blobId(read.bytes) : '';
}

/**
 * The memo of `name` for these parameters, when the repository is what it was when the memo was written (see the
 * module comment); `extra`: what else the answer depends on, computed by the caller now (compared as text).
 */
export function readMemo(root: string, name: string, params: Record<string, unknown>, extra?: () => string): (MemoValue & { payload: Buffer }) | undefined {
  return withMemoFile(root, name, ({ head, payload }) => {
    if (head.params !== paramsText(params)) return undefined;
    const w = head.witness;
    if (!w || typeof w.config !== 'string' || !w.entries || !w.content || !Array.isArray(w.content.dirty) || !w.content.read) return undefined;
    if (configKey(root) !== w.config) return undefined;
    const entries = recordsEntries(root);
    if (!entries || !sameEntries(w.entries, entries)) return undefined;
    const git = gitWitness(root);
    if (!git || git.index !== w.content.index || git.dirty.length !== w.content.dirty.length || git.dirty.some((f, i) => f !== w.content.dirty[i])) return undefined;
    const stat = w.content.stat && typeof w.content.stat === 'object' ? w.content.stat : {};
    for (const [f, key] of Object.entries(w.content.read)) {
      const abs = path.join(root, f);
      // Unchanged since the memo's load read it (parallel.ts ContentWitness `stat`): its key holds without a hash.
      if (stat[f] !== undefined && stat[f] === statSignature(abs)) continue;
      const now = readRecordBytes(abs);
      if ((now ? blobId(now) : '') !== key) return undefined;
    }
    if ((extra ? extra() : undefined) !== head.extra) return undefined;
    return { payload: payload(), meta: head.meta };
  });
}

/** The head of a memo file and a way to read its payload (from the same open file, whatever replaces it meanwhile). */
interface MemoFile {
  head: MemoHead;
  payload(): Buffer;
}

/**
 * Calls `use` with the memo file of `name` when it is of this format and code and whole (its payload as long as its
 * head says); its answer, or undefined. Only the head is read first: a report's memo of many megabytes whose witness
 * no longer holds is never read.
 */
function withMemoFile<T>(root: string, name: string, use: (memo: MemoFile) => T | undefined): T | undefined {
  const file = memoFile(root, name);
  if (!file) return undefined;
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return undefined;
  }
  const readAt = (bytes: Buffer, position: number) => {
    for (let at = 0; at < bytes.length; ) {
      const n = fs.readSync(fd, bytes, at, bytes.length - at, position + at);
      if (n === 0) throw new Error('memo file cut short');
      at += n;
    }
  };
  try {
    const size = fs.fstatSync(fd).size;
    // The head is the last line (see the module comment): read from the end, more when it is longer.
    for (let tail = Math.min(size, 1 << 16); ; tail = Math.min(size, tail * 4)) {
      const bytes = Buffer.allocUnsafe(tail);
      readAt(bytes, size - tail);
      const end = tail - 1;
      if (end < 1 || bytes[end] !== 0x0a) return undefined;
      const nl = bytes.lastIndexOf(0x0a, end - 1);
      if (nl < 0) {
        if (tail === size) return undefined;
        continue;
      }
      const head = JSON.parse(bytes.toString('utf8', nl + 1, end)) as MemoHead;
      const payloadSize = size - tail + nl;
      if (head.djyc !== FORMAT || head.code !== memoCode() || payloadSize !== head.size) return undefined;
      return use({
        head,
        payload: () => {
          const payload = Buffer.allocUnsafe(payloadSize);
          readAt(payload, 0);
          return payload;
        },
      });
    }
  } catch {
    return undefined;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The records' content of a commit as one key: the tree of its records/ folder and the blob of its djyc.yaml
 * (`rev`: a commit; undefined when it has not both).
 */
export function treeKeyOf(root: string, rev: string): string | undefined {
  if (rev.startsWith('-')) return undefined;
  try {
    const ids = gitSync(root, ['rev-parse', `${rev}:./${RECORDS_DIR}`, `${rev}:./${CONFIG_FILE}`]).trim().split('\n');
    return ids.length === 2 && ids.every((id) => /^[0-9a-f]{40,64}$/.test(id)) ? ids.join(':') : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The tree key (treeKeyOf) of HEAD when a loaded repository's records and djyc.yaml are exactly HEAD's: git vouched
 * for every record file (nothing edited, untracked or ignored), its index holds HEAD's versions, and djyc.yaml on
 * disk is HEAD's.
 */
function headTreeKey(repo: Repository): string | undefined {
  const w = witnessOf(repo);
  if (!w || w.content.dirty.length || Object.keys(w.content.read).length) return undefined;
  try {
    if (gitSync(repo.root, ['diff-index', '--cached', '--name-only', '--relative', 'HEAD', '--', `${RECORDS_DIR}/`, CONFIG_FILE]).trim()) return undefined;
  } catch {
    return undefined;
  }
  const key = treeKeyOf(repo.root, 'HEAD');
  return key && key.endsWith(`:${w.config}`) ? key : undefined;
}

/**
 * The memo of `name` when it was written for a commit's records (meta.tree: see headTreeKey) whose tree key is `key`,
 * whatever the working tree holds now, by this code and these form layouts; with the parameters it was kept under
 * (the caller decides whether they answer its own). Only its payload: the caller knows what it kept.
 */
export function readMemoOfTree(root: string, name: string, key: string): { payload: Buffer; params: Record<string, unknown> } | undefined {
  return withMemoFile(root, name, ({ head, payload }) => {
    if (head.meta?.tree !== key) return undefined;
    const { templates, ...params } = JSON.parse(head.params) as Record<string, unknown>;
    return JSON.stringify(templates) === JSON.stringify(listTemplates()) ? { payload: payload(), params } : undefined;
  });
}

/**
 * Keeps `value` as the memo of `name` for these parameters and the contents `repo` was loaded from (nothing when
 * its loading had no witness: no git, a folder modified just before it was listed, the cache turned off).
 * `extra`: what else the answer depended on, as the caller computed it for this answer.
 */
export function writeMemo(repo: Repository, name: string, params: Record<string, unknown>, value: MemoValue, extra?: string): void {
  const sink = MemoSink.open(repo, name, params, extra);
  if (!sink) return;
  // Text in pieces of about a megabyte: a report of many megabytes is never encoded into one buffer.
  for (const piece of typeof value.payload === 'string' ? textPieces(value.payload, 1 << 20) : [value.payload]) sink.write(piece);
  sink.finish(value.meta);
}

/**
 * A memo written while its answer is made: pieces go to a temp file as they come, and `finish` adds the head and puts
 * the file in place. Nothing is kept when anything fails, or when the answer was not written to its end (`tee`).
 * Never throws: the memo is an optimisation only.
 */
export class MemoSink {
  private fd: number | undefined;
  private size = 0;
  /** Whether every piece of the answer went through (tee). */
  private whole = true;

  private constructor(
    private readonly file: string,
    private readonly tmp: string,
    private readonly head: MemoHead,
    fd: number,
  ) {
    this.fd = fd;
  }

  /** A sink for the memo of `name` (undefined when the repository's loading had no witness, or on any failure). */
  static open(repo: Repository, name: string, params: Record<string, unknown>, extra?: string): MemoSink | undefined {
    const witness = witnessOf(repo);
    const file = memoFile(repo.root, name);
    if (!witness || !file) return undefined;
    const tmp = `${file}.${process.pid}.tmp`;
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.rmSync(tmp, { force: true });
      // 'wx': a new file, never through a link left under the temp name.
      return new MemoSink(file, tmp, { djyc: FORMAT, code: memoCode(), params: paramsText(params), witness, extra }, fs.openSync(tmp, 'wx'));
    } catch {
      return undefined;
    }
  }

  write(piece: string | Uint8Array): void {
    if (this.fd === undefined) return;
    try {
      const bytes = typeof piece === 'string' ? Buffer.from(piece) : piece;
      for (let at = 0; at < bytes.byteLength; ) at += fs.writeSync(this.fd, bytes, at, bytes.byteLength - at);
      this.size += bytes.byteLength;
    } catch {
      this.abandon();
    }
  }

  /** The pieces, passed on as they are and written to the memo on the way; a consumer that stops early leaves no memo. */
  *tee<T extends string | Uint8Array>(pieces: Iterable<T>): Generator<T> {
    this.whole = false;
    for (const piece of pieces) {
      this.write(piece);
      yield piece;
    }
    this.whole = true;
  }

  /** Adds the head (with `meta`) and puts the memo in place. */
  finish(meta?: Record<string, unknown>): void {
    if (this.fd === undefined) return;
    if (!this.whole) return this.abandon();
    try {
      this.write(`\n${JSON.stringify({ ...this.head, meta, size: this.size })}\n`);
      if (this.fd === undefined) return;
      fs.fsyncSync(this.fd);
      fs.closeSync(this.fd);
      this.fd = undefined;
      fs.renameSync(this.tmp, this.file);
    } catch {
      this.abandon();
    }
  }

  /** Drops the memo being written. */
  abandon(): void {
    if (this.fd !== undefined) {
      try {
        fs.closeSync(this.fd);
      } catch {
        /* closed already */
      }
      this.fd = undefined;
    }
    try {
      fs.rmSync(this.tmp, { force: true });
    } catch {
      /* a temp file in the cache folder: harmless */
    }
  }
}

/**
 * `djyc validate` of the whole repository: from the memo when nothing changed since a run that kept one, else
 * loaded and checked in full (and kept). `repo`: the loaded repository, when it was loaded.
 */
export function validateWhole(root: string, opts: { today?: string; cache?: boolean } = {}): { problems: Problem[]; repo?: Repository; memo: boolean } {
  const params = { today: clockToday(opts.today) };
  // The attachments folder is read every time (it is not a record): its findings are part of the witness.
  const violations = () => JSON.stringify(attachmentViolations(root));
  if (opts.cache !== false) {
    const hit = readMemo(root, 'validate', params, violations);
    if (hit) return { problems: JSON.parse(hit.payload.toString('utf8')) as Problem[], memo: true };
  }
  const taken = attachmentViolations(root);
  const repo = loadRepository(root, { cache: opts.cache });
  const problems = validateRepository(repo, { today: params.today, violations: taken });
  if (opts.cache !== false) {
    // The commit whose records these are, when they are exactly a commit's: `validate --changed` compares with it.
    const tree = headTreeKey(repo);
    writeMemo(repo, 'validate', params, { payload: JSON.stringify(problems), meta: tree ? { tree } : undefined }, JSON.stringify(taken));
    // Who refers to whom, for one record's forms later (referrers.ts): the whole repository is loaded now anyway.
    refreshReferrerIndex(repo);
  }
  return { problems, repo, memo: false };
}
