import fs from 'node:fs';
import path from 'node:path';
import { createHash, hash as oneShotHash, type Hash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { findGitDir } from './gitdir.js';
import { loadSchema } from './schemas.js';
import { SCHEMAS_DIR, packageVersion } from '../assets/paths.js';
import type { Kind } from '../domain/kinds.js';
import type { Problem } from '../domain/problem.js';
import type { LocalIssue, RefUse } from '../domain/checks.js';
import { TEMP_PATTERN, writeAtomic } from './files.js';
import type { ProgrammeRecord } from '../domain/types.generated.js';

/**
 * The validation cache: what loading learnt of each record file — its summary (domain/records.ts `summaryOf`: the
 * data minus prose), its schema problems and its own rules' problems, or the problems that kept it from parsing —
 * keyed by the file's path and checked against its content: its git blob id, which git's index gives for files
 * whose stat data says unchanged (no read, no hash), or the same SHA-1 computed from the bytes. Kept out of the
 * records (in the git directory: `.git/djyc-cache/`, or `$DJYC_CACHE_DIR`), safe to delete, never trusted when
 * stale: the folder name is a hash of the cache format, djyc's code, the schemas and the programme files, so any
 * change there starts afresh; a row whose blob id is not the file's is not used. Cross-record checks run on the
 * summaries; a record's full data is read from its file when someone asks for it.
 */

/**
 * The outcome for one file's content. A parsed record has its `facts` (its summary), and `data` while it is kept
 * in memory (programmes; small repositories). `volatile`: JSON cannot hold its summary exactly (NaN, -0…), never
 * cached.
 */
export type FileResult =
  | {
      ok: true;
      data?: Record<string, unknown>;
      facts: Record<string, unknown>;
      schema: LocalIssue[];
      local: LocalIssue[];
      volatile?: boolean;
    }
  | { ok: false; problems: Problem[] };

/**
 * Results computed while loading, kept by the loaded record objects (repo.ts `LoadedRecord.info`, not by their
 * data or by copies), so the checks can reuse them (store/validate.ts). `programme` is the programme data the local
 * checks used; they are reused only when the record still resolves to that very programme object. A record object
 * built afresh (an edit) has no entry.
 */
export interface Precomputed {
  schema: LocalIssue[];
  local: LocalIssue[];
  programme: ProgrammeRecord | undefined;
  /** The record's summary while its data has not been read (cleared when it is): see domain/records.ts `factsOf`. */
  facts?: Record<string, unknown>;
  /** The results were computed under other programme files (a base version): recompute them. */
  stale?: boolean;
}

// ---------------------------------------------------------------------------------------------------------------
// References, fast: a plan per kind, compiled once from the schema (only the branches that can hold an `x-ref`).

interface RefPlan {
  ref?: Kind[];
  items?: RefPlan;
  props?: Map<string, RefPlan>;
  /** The property name as a JSON Pointer segment (escaped once, here). */
  segment?: string;
}

const plans = new Map<string, RefPlan | null>();

function resolveRef(schema: Record<string, any>): Record<string, any> {
  const ref = schema.$ref as string | undefined;
  if (!ref) return schema;
  const m = /^common\.schema\.json#\/definitions\/(\w+)$/.exec(ref);
  if (!m) return schema;
  const target = loadSchema('common').definitions[m[1]!] as Record<string, any>;
  return { ...target, ...schema, $ref: undefined };
}

function compilePlan(schema: Record<string, any> | undefined, depth = 0): RefPlan | null {
  if (!schema || depth > 32) return null;
  const s = resolveRef(schema);
  const plan: RefPlan = {};
  let useful = false;
  if (typeof s['x-ref'] === 'string') {
    plan.ref = (s['x-ref'] as string).split('|') as Kind[];
    useful = true;
  }
  if (s.items && typeof s.items === 'object') {
    const items = compilePlan(s.items as Record<string, any>, depth + 1);
    if (items) {
      plan.items = items;
      useful = true;
    }
  }
  if (s.properties && typeof s.properties === 'object') {
    const props = new Map<string, RefPlan>();
    for (const k of Object.keys(s.properties)) {
      const sub = compilePlan((s.properties as Record<string, Record<string, any>>)[k], depth + 1);
      if (sub) props.set(k, { ...sub, segment: esc(k) });
    }
    if (props.size) {
      plan.props = props;
      useful = true;
    }
  }
  // if/then/else (a list of rounds or one legacy round): the walk follows the value's own shape, so a list takes
  // the branch's items and a mapping its properties.
  for (const b of [s.then, s.else]) {
    const sub = b && typeof b === 'object' ? compilePlan(b as Record<string, any>, depth + 1) : null;
    if (!sub) continue;
    if (sub.items && !plan.items) plan.items = sub.items;
    if (sub.props && !plan.props) plan.props = sub.props;
    if (sub.ref && !plan.ref) plan.ref = sub.ref;
    useful = true;
  }
  return useful ? plan : null;
}

const esc = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');

function planFor(kind: Kind | 'config'): RefPlan | null {
  let plan = plans.get(kind);
  if (plan === undefined) {
    plan = compilePlan(loadSchema(kind));
    plans.set(kind, plan);
  }
  return plan;
}

/** Whether a top-level field of a kind's records can hold a reference (at any depth). */
export function refPlanReaches(kind: Kind, field: string): boolean {
  return !!planFor(kind)?.props?.has(field);
}

/** Every `x-ref` value in a record, in document order: the same result as schemas.ts `collectRefs`, faster. */
export function fastRefs(kind: Kind | 'config', data: unknown): RefUse[] {
  const plan = planFor(kind);
  const out: RefUse[] = [];
  if (!plan) return out;
  const walk = (p: RefPlan, value: unknown, pointer: string) => {
    if (value === null || value === undefined) return;
    if (p.ref && typeof value === 'string') {
      out.push({ pointer, kinds: p.ref, id: value });
      return;
    }
    if (Array.isArray(value)) {
      if (p.items) for (let i = 0; i < value.length; i++) walk(p.items, value[i], `${pointer}/${i}`);
    } else if (typeof value === 'object' && p.props) {
      for (const k of Object.keys(value as object)) {
        const sub = p.props.get(k);
        if (sub) walk(sub, (value as Record<string, unknown>)[k], `${pointer}/${sub.segment}`);
      }
    }
  };
  walk(plan, data, '');
  return out;
}

/**
 * Calls `visit` with every `x-ref` value of a record and the kinds it may name, in document order, until it returns
 * true (fastRefs without building the list); returns whether it did.
 */
export function forEachRef(kind: Kind, data: unknown, visit: (id: string, kinds: readonly Kind[]) => boolean | void): boolean {
  const plan = planFor(kind);
  if (!plan) return false;
  const walk = (p: RefPlan, value: unknown): boolean => {
    if (value === null || value === undefined) return false;
    if (p.ref && typeof value === 'string') return visit(value, p.ref) === true;
    if (Array.isArray(value)) {
      if (p.items) for (let i = 0; i < value.length; i++) if (walk(p.items, value[i])) return true;
    } else if (typeof value === 'object' && p.props) {
      for (const k of Object.keys(value as object)) {
        const sub = p.props.get(k);
        if (sub && walk(sub, (value as Record<string, unknown>)[k])) return true;
      }
    }
    return false;
  };
  return walk(plan, data);
}

/** Whether a record refers to any of `ids`. */
export function refersToAny(kind: Kind, data: unknown, ids: ReadonlySet<string>): boolean {
  return forEachRef(kind, data, (id) => ids.has(id));
}

// ---------------------------------------------------------------------------------------------------------------
// Keys.

/** Git's blob id of some bytes: SHA-1 of `blob <size>\0<bytes>`. */
export function blobId(bytes: Uint8Array): string {
  return createHash('sha1').update(`blob ${bytes.byteLength}\0`).update(bytes).digest('hex');
}

/** Room a buffer needs before its content for blobIdInPlace (git's header for up to 16 MB of content). */
export const BLOB_HEADER_ROOM = 16;

/**
 * blobId of `bytes`, whose ArrayBuffer has BLOB_HEADER_ROOM writable bytes just before them (the loader reads
 * files that way): the header is written there and everything hashed in one call.
 */
export function blobIdInPlace(bytes: Buffer): string {
  const header = `blob ${bytes.byteLength}\0`;
  if (header.length > BLOB_HEADER_ROOM || bytes.byteOffset < header.length) return blobId(bytes);
  const whole = Buffer.from(bytes.buffer, bytes.byteOffset - header.length, header.length + bytes.byteLength);
  whole.write(header, 0, 'latin1');
  return oneShotHash('sha1', whole, 'hex');
}

const CACHE_FORMAT = 'djyc-cache-2';
let codeHash: string | undefined;

/** A hash of djyc's own code (the store, which parses and checks files, and the domain, whose rules it applies) and schemas: results computed by another build are never reused. */
export function codeFingerprint(): string {
  if (codeHash) return codeHash;
  const h = createHash('sha1').update(CACHE_FORMAT);
  h.update(`version ${packageVersion()}\0`);
  const storeDir = path.dirname(fileURLToPath(import.meta.url));
  hashFolders(h, [storeDir, path.join(storeDir, '..', 'domain'), SCHEMAS_DIR]);
  return (codeHash = h.digest('hex'));
}

/** Adds the source files (.js, .ts, .json) of folders to a hash, by name and content (`recursive`: their subfolders' too). */
export function hashFolders(h: Hash, dirs: readonly string[], opts: { recursive?: boolean } = {}): void {
  for (const dir of dirs) {
    let names: string[] = [];
    try {
      names = (fs.readdirSync(dir, { recursive: !!opts.recursive }) as string[]).filter((n) => /\.(js|ts|json)$/.test(n)).sort();
    } catch {
      /* no such folder */
    }
    h.update(`${path.basename(dir)}\0`);
    for (const n of names) h.update(`${n}\0`).update(fs.readFileSync(path.join(dir, n))).update('\0');
  }
}

/** The cache generation for a repository state: code, schemas and the programme files (path + content id). */
export function cacheGeneration(programmeFiles: { file: string; key: string }[]): string {
  const h = createHash('sha1').update(codeFingerprint());
  for (const p of [...programmeFiles].sort((a, b) => (a.file < b.file ? -1 : 1))) h.update(`${p.file}\0${p.key}\0`);
  return h.digest('hex').slice(0, 20);
}

// ---------------------------------------------------------------------------------------------------------------
// Where the cache lives.

/** The repository's git directory (`.git`, the folder a `.git` file points to in linked worktrees, or git's answer). */
export function gitDirOf(root: string): string | undefined {
  const dotGit = path.join(root, '.git');
  try {
    const st = fs.statSync(dotGit);
    if (st.isDirectory()) return dotGit;
    const m = /^gitdir:\s*(.+)\s*$/m.exec(fs.readFileSync(dotGit, 'utf8'));
    if (m) return path.resolve(root, m[1]!.trim());
  } catch {
    // No .git here: the records root may be a folder inside a larger repository; ask git (gitdir.ts).
    return findGitDir(root);
  }
  return undefined;
}

/** The cache folder for a repository, or undefined when caching is off (DJYC_NO_CACHE=1) or there is no place. */
export function cacheRoot(root: string): string | undefined {
  if (process.env.DJYC_NO_CACHE === '1' || process.env.DJYC_NO_CACHE === 'true') return undefined;
  // Exactly this folder (git hooks point their throw-away work trees at the repository's own cache).
  if (process.env.DJYC_CACHE_PATH) return path.resolve(process.env.DJYC_CACHE_PATH);
  if (process.env.DJYC_CACHE_DIR) {
    // One folder may serve several repositories (CI caches): keep them apart by the repository's path.
    return path.join(path.resolve(process.env.DJYC_CACHE_DIR), createHash('sha1').update(path.resolve(root)).digest('hex').slice(0, 12));
  }
  const gitDir = gitDirOf(root);
  return gitDir ? path.join(gitDir, 'djyc-cache') : undefined;
}

/** Whether a parsed value survives a JSON round trip unchanged (finite numbers, no -0, no `__proto__` keys). */
export function jsonSafe(value: unknown, depth = 0): boolean {
  if (depth > 64) return false;
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0);
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!jsonSafe(value[i], depth + 1)) return false;
    return true;
  }
  if (typeof value === 'object') {
    for (const k of Object.keys(value as object)) if (k === '__proto__' || !jsonSafe((value as Record<string, unknown>)[k], depth + 1)) return false;
    return Object.getPrototypeOf(value) === Object.prototype;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------------------------
// Rows and segments.

/**
 * One file's cached outcome: `[file, blob, facts, schemaIssues | 0, localIssues | 0]` for a parsed record, or
 * `[file, blob, null, problems]` for a file that does not parse. `file` is repository-relative.
 */
export type Row = [string, string, Record<string, unknown>, LocalIssue[] | 0, LocalIssue[] | 0] | [string, string, null, Problem[]];

const NONE: LocalIssue[] = [];

/** A row for a result (undefined for a volatile one, which is never cached). */
export function rowOf(file: string, blob: string, r: FileResult): Row | undefined {
  if (!r.ok) return [file, blob, null, r.problems];
  if (r.volatile) return undefined;
  return [file, blob, r.facts, r.schema.length ? r.schema : 0, r.local.length ? r.local : 0];
}

/** The result a row stands for (its issue lists shared with the row: read-only). */
export function resultOf(row: Row): FileResult {
  if (row[2] === null) return { ok: false, problems: row[3] };
  return { ok: true, facts: row[2], schema: row[3] || NONE, local: row[4] || NONE };
}

const SEGMENT_HEAD = '{"djyc":"cache-segment-2","rows":';

/** A segment file's text: its rows as JSON (`encodedRows`: pieces of already encoded rows, no brackets). */
export function segmentText(encodedRows: Iterable<string>): string {
  return [...segmentPieces(encodedRows)].join('');
}

/** segmentText as pieces, made one at a time while they are written (a big segment is never all in memory twice). */
function* segmentPieces(encodedRows: Iterable<string>): Generator<string> {
  yield `${SEGMENT_HEAD}[`;
  let first = true;
  for (const piece of encodedRows) {
    if (!piece) continue;
    if (!first) yield ',';
    first = false;
    yield piece;
  }
  yield ']}\n';
}

/** Rows as the inside of a JSON array (no brackets): a worker's share, or a chunk of a big segment. */
export function encodeRows(rows: Row[]): string {
  const json = JSON.stringify(rows);
  return json.slice(1, -1);
}

/** The rows of a segment file's text; throws when it is not one. */
export function decodeSegment(text: string): Row[] {
  if (!text.startsWith(SEGMENT_HEAD)) throw new Error('not a cache segment');
  const parsed = JSON.parse(text) as { rows?: unknown };
  const rows = parsed.rows;
  if (!Array.isArray(rows)) throw new Error('not a cache segment');
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] as unknown[];
    if (!Array.isArray(r) || typeof r[0] !== 'string' || typeof r[1] !== 'string' || (r[2] !== null && (typeof r[2] !== 'object' || Array.isArray(r[2])))) throw new Error('bad cache row');
    if (r[2] === null ? !Array.isArray(r[3]) : (r[3] !== 0 && !Array.isArray(r[3])) || (r[4] !== 0 && !Array.isArray(r[4]))) throw new Error('bad cache row');
  }
  return rows as Row[];
}

// ---------------------------------------------------------------------------------------------------------------
// Storage: a generation folder of segment files, each a JSON list of rows written atomically (temp file + rename);
// later segments override earlier ones for the same file. Each run that computed something adds one segment (or
// one per thread); when segments pile up or hold many rows no file needs any more, one segment of the live rows
// replaces them. Unreadable segments are deleted and ignored; concurrent runs only ever add or remove whole files.

const SEGMENT_RE = /^seg-[0-9a-z-]+\.json$/;
/** The kind folders' listing (store/repo.ts listRecordFiles), next to the generations: it holds for any of them. */
export const LISTING_FILE = 'listing-1.json';
let segmentCounter = 0;
/** Whole results of commands (memo.ts), next to the generations: each knows the code that wrote it. */
const MEMO_RE = /^memo-[a-z-]+\.json$/;
/** Compiled base-version schemas (schemas.ts compileWithCache), next to the generations: named by their texts. */
export const VALIDATORS_DIR = 'validators';
/** Who refers to whom (referrers.ts), next to the generations: it knows the code that wrote it. */
export const REFERRERS_FILE = 'referrers.txt';
/** Keys of the record files git does not vouch for, by their stat signatures (parallel.ts), next to the generations. */
export const SIGNED_FILE = 'signed-1.json';

export class RecordCache {
  /** The newest row of each file. */
  readonly rows = new Map<string, Row>();
  /** Older rows of files (other contents: a branch switched, a base version): looked up by blob. */
  private readonly older = new Map<string, Row[]>();
  private segments: { name: string; rows: number }[] = [];
  private rowsOnDisk = 0;
  private readonly dir: string;

  constructor(
    readonly root: string,
    readonly generation: string,
  ) {
    this.dir = path.join(root, generation);
  }

  /** Whether this generation has anything on disk (a cache was written before under this code and programmes). */
  exists(): boolean {
    try {
      return fs.readdirSync(this.dir).some((n) => SEGMENT_RE.test(n));
    } catch {
      return false;
    }
  }

  /** Reads every segment of this generation (a missing folder is an empty cache). */
  load(): this {
    let names: string[];
    try {
      names = fs.readdirSync(this.dir).filter((n) => SEGMENT_RE.test(n)).sort();
    } catch {
      return this;
    }
    for (const name of names) {
      const file = path.join(this.dir, name);
      let text: string;
      try {
        // Bytes, then one decode: Node 20's readFileSync(file, 'utf8') takes ≈ 0.2 s longer on the 41 MB of a
        // 111,000-file city's segments, which are mostly Chinese (no difference on ASCII text).
        text = fs.readFileSync(file).toString('utf8');
      } catch {
        continue; // removed by a concurrent run's compaction: its rows are in that run's new segment
      }
      let rows: Row[];
      try {
        rows = decodeSegment(text);
      } catch {
        fs.rmSync(file, { force: true });
        continue;
      }
      this.addRows(rows);
      this.segments.push({ name, rows: rows.length });
      this.rowsOnDisk += rows.length;
    }
    return this;
  }

  private addRows(rows: Row[]): void {
    for (const row of rows) {
      const prev = this.rows.get(row[0]);
      if (prev && prev[1] !== row[1]) {
        let list = this.older.get(row[0]);
        if (!list) this.older.set(row[0], (list = []));
        if (list.length >= 4) list.shift();
        list.push(prev);
      }
      this.rows.set(row[0], row);
    }
  }

  /** The row of a file with that content, if cached. */
  get(file: string, blob: string): Row | undefined {
    const row = this.rows.get(file);
    if (row && row[1] === blob) return row;
    const older = this.older.get(file);
    if (older) for (let i = older.length - 1; i >= 0; i--) if (older[i]![1] === blob) return older[i];
    return undefined;
  }

  /** A cached result for content seen under another path (a base version's file that moved); slow: scans. */
  findBlob(kind: Kind, blob: string, dirOf: (file: string) => Kind | undefined): Row | undefined {
    for (const row of this.rows.values()) if (row[1] === blob && dirOf(row[0]) === kind) return row;
    return undefined;
  }

  /** Records segments written by others for this run (a worker thread's share), and their rows. */
  adopt(name: string, rows: Row[]): void {
    this.addRows(rows);
    this.segments.push({ name, rows: rows.length });
    this.rowsOnDisk += rows.length;
  }

  /**
   * Saves what this run computed: `fresh` rows, as one new segment. `liveRows` gives the rows of the `liveCount`
   * files the repository has now: when rows no file needs any more dominate, or segments pile up, one segment of
   * them replaces every segment read. Failures are ignored: the cache is an optimisation only.
   */
  save(fresh: Row[], liveCount: number, liveRows: () => Row[]): void {
    try {
      const stale = this.rowsOnDisk + fresh.length - liveCount;
      if (this.segments.length && (stale > Math.max(2000, liveCount / 4) || this.segments.length >= 16)) {
        const old = this.segments.map((s) => s.name);
        const live = liveRows();
        if (this.writeSegment(live)) {
          for (const name of old) fs.rmSync(path.join(this.dir, name), { force: true });
          this.segments = this.segments.filter((s) => !old.includes(s.name));
          this.rowsOnDisk = live.length;
        }
      } else if (fresh.length) {
        this.writeSegment(fresh);
      }
      this.sweep();
    } catch {
      /* read-only location, disk full…: run without the cache next time */
    }
  }

  /** A new segment's file name (unique across processes and threads). */
  newSegmentName(): string {
    return `seg-${Date.now().toString(36)}-${process.pid.toString(36)}-${Math.random().toString(36).slice(2, 8)}${(segmentCounter++).toString(36)}.json`;
  }

  /**
   * Writes rows as a new segment, encoding and writing 2,000 rows at a time (a big segment is never one giant
   * string); returns its name, or undefined.
   */
  writeSegment(rows: Row[]): string | undefined {
    function* pieces(): Generator<string> {
      for (let i = 0; i < rows.length; i += 2000) yield encodeRows(rows.slice(i, i + 2000));
    }
    const name = this.writeText(segmentPieces(pieces()));
    if (name) {
      this.segments.push({ name, rows: rows.length });
      this.rowsOnDisk += rows.length;
    }
    return name;
  }

  /** Writes a segment's text (segmentText, whole or in pieces) as a new segment; returns its name, or undefined. */
  writeText(text: string | Iterable<string>): string | undefined {
    try {
      fs.mkdirSync(this.dir, { recursive: true });
      const name = this.newSegmentName();
      writeAtomic(path.join(this.dir, name), text);
      return name;
    } catch {
      return undefined;
    }
  }

  /** Removes other generations' folders (older code, schemas or programmes) and stray temp files. */
  private sweep(): void {
    const old = (full: string) => {
      try {
        return Date.now() - fs.statSync(full).mtimeMs > 60_000;
      } catch {
        return false;
      }
    };
    for (const name of fs.readdirSync(this.root)) {
      const full = path.join(this.root, name);
      // Leave recent folders alone: another run (other programme files) may be using them right now.
      if (name !== this.generation && name !== LISTING_FILE && !MEMO_RE.test(name) && name !== VALIDATORS_DIR && name !== REFERRERS_FILE && name !== SIGNED_FILE && old(full)) fs.rmSync(full, { recursive: true, force: true });
    }
    for (const name of fs.readdirSync(this.dir)) {
      const full = path.join(this.dir, name);
      if (name.startsWith('.') && (name.endsWith('.tmp') || TEMP_PATTERN.test(name)) && old(full)) fs.rmSync(full, { force: true });
    }
  }
}
