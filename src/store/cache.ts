import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
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
 * The validation cache: per-file results (parsed data, the record's own problems, the references it makes) keyed by
 * the file's content — its git blob id, which `git ls-files -s` gives for free, or the same SHA-1 computed from the
 * bytes. Kept out of the records (in the git directory: `.git/djyc-cache/`, or `$DJYC_CACHE_DIR`), safe to delete,
 * never trusted when stale: the folder name is a hash of the cache format, djyc's code, the schemas and the
 * programme files, so any change there starts afresh. Only per-file results are cached; cross-record checks
 * (references, duplicate ids, coverage) always run on the whole repository.
 */

/**
 * A shard's record data, one JSON text per line, each parsed when its record's data is first used: the
 * cross-record checks mostly need only the records' facts (below). `text` holds the lines when they came from a
 * worker, else they are read from `file`. Unreadable (a concurrent run compacted the shard away): `failed`, and
 * callers re-read the record file.
 */
export interface LazyShard {
  file?: string;
  text?: string;
  lines?: string[];
  /** The data file's bytes and where each line starts (only the lines asked for are decoded and parsed). */
  bytes?: Buffer;
  starts?: Int32Array;
  failed?: boolean;
}

/**
 * The outcome for one file's content. A parsed record has its `data`, or — when it comes from the cache — its
 * `facts` and a `lazy` reference to its data. `volatile`: JSON cannot hold it exactly (NaN, -0…), never cached.
 */
export type FileResult =
  | {
      ok: true;
      data?: Record<string, unknown>;
      facts?: Record<string, unknown>;
      lazy?: { shard: LazyShard; index: number };
      schema: LocalIssue[];
      local: LocalIssue[];
      volatile?: boolean;
    }
  | { ok: false; problems: Problem[] };

/** Free-text, history and attachment fields: never needed by cross-record checks, so left out of the facts. */
const FACT_DROP = new Set([
  'history', 'attachments', 'content', 'progress', 'problems', 'next_steps', 'reason', 'feasibility', 'goals', 'measures',
  'schedule', 'interventions', 'concept', 'philosophy', 'carrier', 'results', 'outcome', 'branch_opinion', 'committee_opinion',
  'review_opinion', 'self_assessment', 'summary_report', 'notes', 'logo', 'phone', 'annual_goals', 'pairings', 'work_plan',
  // Descriptive fields no cross-record check reads through the facts (rules that do, read the record's data).
  'admin_title', 'party_title', 'unit', 'title', 'categories', 'source', 'due', 'quarter', 'number', 'submitted_on',
  'signed_on', 'complete_by', 'position',
]);

/** A record's facts: its fields minus free text, history and attachments (see FACT_DROP). */
export function factsOf(data: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(data)) if (!FACT_DROP.has(k)) out[k] = data[k];
  return out;
}

/** The data of a parsed result (parsing its shard's data when first needed); undefined if the shard is gone. */
export function resultData(r: Extract<FileResult, { ok: true }>): Record<string, unknown> | undefined {
  if (r.data) return r.data;
  if (!r.lazy) return undefined;
  const shard = r.lazy.shard;
  if (!shard.lines && !shard.bytes && !shard.failed) {
    try {
      if (shard.text !== undefined) shard.lines = shard.text.split('\n');
      else {
        const bytes = fs.readFileSync(shard.file!);
        let count = 1;
        for (let at = bytes.indexOf(10); at >= 0; at = bytes.indexOf(10, at + 1)) count++;
        const starts = new Int32Array(count + 1);
        let n = 1;
        for (let at = bytes.indexOf(10); at >= 0; at = bytes.indexOf(10, at + 1)) starts[n++] = at + 1;
        starts[count] = bytes.length + 1;
        shard.bytes = bytes;
        shard.starts = starts;
      }
    } catch {
      shard.failed = true;
    }
    shard.text = undefined;
  }
  const i = r.lazy.index;
  const line = shard.lines ? shard.lines[i] : shard.bytes && shard.starts && i + 1 < shard.starts.length ? shard.bytes.toString('utf8', shard.starts[i]!, shard.starts[i + 1]! - 1) : undefined;
  if (!line) return undefined;
  try {
    const data = JSON.parse(line) as unknown;
    return data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Results computed while loading, kept by the loaded record objects (repo.ts `LoadedRecord.info`, not by their
 * data or by copies), so the checks can reuse them (store/validate.ts). `programme` is the programme data the local checks used; they are reused only when
 * the record still resolves to that very programme object. A record object built afresh (an edit) has no entry.
 */
export interface Precomputed {
  schema: LocalIssue[];
  local: LocalIssue[];
  programme: ProgrammeRecord | undefined;
  /** The record's facts while its data has not been read (cleared when it is): see domain/records.ts `factsOf`. */
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

/** Every `x-ref` value in a record, in document order: the same result as schemas.ts `collectRefs`, faster. */
export function fastRefs(kind: Kind | 'config', data: unknown): RefUse[] {
  let plan = plans.get(kind);
  if (plan === undefined) {
    plan = compilePlan(loadSchema(kind));
    plans.set(kind, plan);
  }
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

// ---------------------------------------------------------------------------------------------------------------
// Keys.

/** Git's blob id of some bytes: SHA-1 of `blob <size>\0<bytes>`. */
export function blobId(bytes: Uint8Array): string {
  return createHash('sha1').update(`blob ${bytes.byteLength}\0`).update(bytes).digest('hex');
}

const CACHE_FORMAT = 'djyc-cache-1';
let codeHash: string | undefined;

/** A hash of djyc's own code (the store, which parses and checks files, and the domain, whose rules it applies) and schemas: results computed by another build are never reused. */
function codeFingerprint(): string {
  if (codeHash) return codeHash;
  const h = createHash('sha1').update(CACHE_FORMAT);
  h.update(`version ${packageVersion()}\0`);
  const storeDir = path.dirname(fileURLToPath(import.meta.url));
  for (const dir of [storeDir, path.join(storeDir, '..', 'domain'), SCHEMAS_DIR]) {
    let names: string[] = [];
    try {
      names = fs.readdirSync(dir).filter((n) => /\.(js|ts|json)$/.test(n)).sort();
    } catch {
      /* no such folder */
    }
    h.update(`${path.basename(dir)}\0`);
    for (const n of names) h.update(`${n}\0`).update(fs.readFileSync(path.join(dir, n))).update('\0');
  }
  return (codeHash = h.digest('hex'));
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
  if (Array.isArray(value)) return value.every((v) => jsonSafe(v, depth + 1));
  if (typeof value === 'object') {
    for (const k of Object.keys(value as object)) if (k === '__proto__' || !jsonSafe((value as Record<string, unknown>)[k], depth + 1)) return false;
    return Object.getPrototypeOf(value) === Object.prototype;
  }
  return false;
}

/**
 * The shard format, two files: `<name>.json`, a JSON array of rows `[key, facts, schemaIssues | 0, localIssues | 0,
 * complete]` (a parsed record; `complete`: the facts are the whole data) or `[key, null, problems]` (a file that does
 * not parse); and `<name>.data.json`, one line per row holding the record's data as JSON (empty when the facts are
 * complete). JSON, because JSON.parse is the fastest way back to objects.
 */
type Row = [string, Record<string, unknown>, LocalIssue[] | 0, LocalIssue[] | 0, 0 | 1] | [string, null, Problem[]];

export interface EncodedShard {
  rows: string;
  data: string;
  /** The same results in their cached form (facts + a reference into `shard`), to stand in for the originals. */
  results: [string, FileResult][];
  /** Where those results' data lives: set `file` once written (or keep `text`). */
  shard: LazyShard;
}

/**
 * Encodes results as a shard. `shard` and `offset`: when the rows will be appended to a shard being built (after
 * `offset` rows already there), the lazy results point into it.
 */
export function encodeShard(list: [string, FileResult][], shard: LazyShard = {}, offset = 0): EncodedShard {
  const rows: Row[] = [];
  const data: string[] = [];
  const results: [string, FileResult][] = [];
  for (const [key, r] of list) {
    if (r.ok) {
      const d = resultData(r);
      if (r.volatile || !d) continue;
      // Facts that leave nothing out are the data itself (always so for programmes: read by every run).
      const facts = key.startsWith('programme/') ? d : factsOf(d);
      const complete = facts === d || Object.keys(facts).length === Object.keys(d).length;
      const schema = r.schema;
      const local = r.local;
      results.push([key, complete ? { ok: true, data: d, schema, local } : { ok: true, facts, lazy: { shard, index: offset + rows.length }, schema, local }]);
      rows.push([key, complete ? d : facts, schema.length ? schema : 0, local.length ? local : 0, complete ? 1 : 0]);
      data.push(complete ? '' : JSON.stringify(d));
    } else {
      results.push([key, r]);
      rows.push([key, null, r.problems]);
      data.push('');
    }
  }
  return { rows: JSON.stringify(rows), data: data.join('\n'), results, shard };
}

/** The data file of a shard. */
export function dataFileOf(rowsFile: string): string {
  return rowsFile.replace(/\.json$/, '.data.json');
}

export function decodeShard(rowsText: string, shard: LazyShard): [string, FileResult][] {
  const rows = JSON.parse(rowsText) as Row[];
  if (!Array.isArray(rows)) throw new Error('not a shard');
  const out: [string, FileResult][] = new Array(rows.length);
  const none: LocalIssue[] = [];
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    out[i] = row[1] === null
      ? [row[0], { ok: false, problems: row[2] as Problem[] }]
      : row[4]
        ? [row[0], { ok: true, data: row[1], schema: (row[2] || none) as LocalIssue[], local: (row[3] || none) as LocalIssue[] }]
        : [row[0], { ok: true, facts: row[1], lazy: { shard, index: i }, schema: (row[2] || none) as LocalIssue[], local: (row[3] || none) as LocalIssue[] }];
  }
  return out;
}

/** See ResultCache.beginShard. */
export interface ShardWriter {
  append(rowsInner: string, dataLines: string): void;
  finish(keys: string[]): string | undefined;
  abort(): void;
}

// ---------------------------------------------------------------------------------------------------------------
// Storage: a generation folder of shard files. New results go to a new shard (atomic: temp file + rename); when
// shards pile up or hold many unused entries, one compacted shard replaces them. Unreadable shards are deleted and
// ignored; concurrent runs only ever add or remove whole files.

const SHARD_RE = /^shard-[0-9a-z-]+\.json$/; // not `.data.json`: the dot is not in the class
let shardCounter = 0;

export class ResultCache {
  readonly entries = new Map<string, FileResult>();
  private shards: string[] = [];
  /** The keys each shard holds (to merge small shards). */
  private readonly shardKeys = new Map<string, string[]>();
  private readonly dir: string;

  constructor(
    readonly root: string,
    readonly generation: string,
  ) {
    this.dir = path.join(root, generation);
  }

  /** Reads every shard of this generation (a missing folder is an empty cache). */
  load(): this {
    let names: string[];
    try {
      names = fs.readdirSync(this.dir).filter((n) => SHARD_RE.test(n)).sort();
    } catch {
      return this;
    }
    for (const name of names) {
      const file = path.join(this.dir, name);
      try {
        const shard: LazyShard = { file: dataFileOf(file) };
        const list = decodeShard(fs.readFileSync(file, 'utf8'), shard);
        for (const [key, value] of list) this.entries.set(key, value);
        this.shards.push(name);
        this.shardKeys.set(name, list.map(([k]) => k));
      } catch {
        fs.rmSync(file, { force: true });
      }
    }
    return this;
  }

  /** A result by cache key (`<kind>/<blob id>`, see parallel.ts `cacheKey`). */
  get(key: string): FileResult | undefined {
    return this.entries.get(key);
  }

  /**
   * Saves what this run computed. `fresh` are new results, `used` every key the repository needs now, `extraShards`
   * shards the workers wrote (`extraKeys`: their keys). Writes a shard of the fresh results; when shards pile up,
   * merges the small ones; when stale entries dominate, writes one shard of the used ones in place of all.
   * Failures are ignored: the cache is an optimisation only.
   */
  save(fresh: [string, FileResult][], used: Set<string>, extraShards: string[] = [], extraKeys: string[] = []): void {
    for (const [k, v] of fresh) this.entries.set(k, v);
    for (const name of extraShards) if (!this.shards.includes(name)) this.shards.push(name);
    if (extraShards.length === 1) this.shardKeys.set(extraShards[0]!, extraKeys);
    const stale = this.entries.size - used.size;
    try {
      if (stale > Math.max(2000, used.size / 2)) {
        const all: [string, FileResult][] = [];
        for (const k of used) {
          const v = this.entries.get(k);
          if (v) all.push([k, v]);
        }
        this.replace(this.shards, all);
      } else {
        if (fresh.length) this.writeShard(encodeShard(fresh), fresh.map(([k]) => k));
        if (this.shards.length > 12) {
          // Many small shards (one per pull request…): merge them; the big ones stay as they are.
          const small = this.shards.filter((n) => (this.shardKeys.get(n)?.length ?? Infinity) < 5000);
          if (small.length > 1) {
            const keys = new Set(small.flatMap((n) => this.shardKeys.get(n) ?? []));
            const list: [string, FileResult][] = [];
            for (const k of keys) {
              const v = this.entries.get(k);
              if (v && used.has(k)) list.push([k, v]);
            }
            this.replace(small, list);
          }
        }
      }
      this.sweep();
    } catch {
      /* read-only location, disk full…: run without the cache next time */
    }
  }

  /** Writes `list` as one shard, then removes the shards `old` (their data is read first where needed). */
  private replace(old: string[], list: [string, FileResult][]): void {
    const encoded = encodeShard(list);
    if (!this.writeShard(encoded, list.map(([k]) => k))) return;
    for (const name of old) {
      fs.rmSync(path.join(this.dir, name), { force: true });
      fs.rmSync(dataFileOf(path.join(this.dir, name)), { force: true });
      this.shards = this.shards.filter((n) => n !== name);
      this.shardKeys.delete(name);
    }
  }

  /**
   * A shard written piece by piece (so a big one never sits in memory as one string): `append` the inside of a rows
   * array and the matching data lines, then `finish` to make it visible (or `abort`). Undefined when the cache
   * folder cannot be written.
   */
  beginShard(): ShardWriter | undefined {
    try {
      fs.mkdirSync(this.dir, { recursive: true });
      const base = `shard-${Date.now().toString(36)}-${process.pid.toString(36)}-${Math.random().toString(36).slice(2, 8)}${(shardCounter++).toString(36)}`;
      const rowsTmp = path.join(this.dir, `.${base}.json.tmp`);
      const dataTmp = path.join(this.dir, `.${base}.data.json.tmp`);
      const rowsFd = fs.openSync(rowsTmp, 'w');
      const dataFd = fs.openSync(dataTmp, 'w');
      let pieces = 0;
      const close = () => {
        fs.closeSync(rowsFd);
        fs.closeSync(dataFd);
      };
      fs.writeSync(rowsFd, '[');
      return {
        append: (rowsInner: string, dataLines: string) => {
          if (!rowsInner) return;
          fs.writeSync(rowsFd, pieces ? `,${rowsInner}` : rowsInner);
          fs.writeSync(dataFd, pieces ? `\n${dataLines}` : dataLines);
          pieces++;
        },
        finish: (keys: string[]) => {
          try {
            fs.writeSync(rowsFd, ']');
            close();
            fs.renameSync(dataTmp, path.join(this.dir, `${base}.data.json`));
            fs.renameSync(rowsTmp, path.join(this.dir, `${base}.json`));
            this.shards.push(`${base}.json`);
            this.shardKeys.set(`${base}.json`, keys);
            return `${base}.json`;
          } catch {
            fs.rmSync(rowsTmp, { force: true });
            fs.rmSync(dataTmp, { force: true });
            return undefined;
          }
        },
        abort: () => {
          try {
            close();
          } catch {
            /* closed already */
          }
          fs.rmSync(rowsTmp, { force: true });
          fs.rmSync(dataTmp, { force: true });
        },
      };
    } catch {
      return undefined;
    }
  }

  /** The full path of a shard (rows file) of this cache. */
  shardPath(name: string): string {
    return path.join(this.dir, name);
  }

  /** Writes an encoded shard (data first, then the rows that make it visible); returns its name, or undefined. */
  writeShard(shard: { rows: string; data: string }, keys?: string[]): string | undefined {
    try {
      fs.mkdirSync(this.dir, { recursive: true });
      const base = `shard-${Date.now().toString(36)}-${process.pid.toString(36)}-${Math.random().toString(36).slice(2, 8)}${(shardCounter++).toString(36)}`;
      for (const [name, text] of [[`${base}.data.json`, shard.data], [`${base}.json`, shard.rows]] as const) writeAtomic(path.join(this.dir, name), text);
      this.shards.push(`${base}.json`);
      if (keys) this.shardKeys.set(`${base}.json`, keys);
      return `${base}.json`;
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
      if (name !== this.generation && old(full)) fs.rmSync(full, { recursive: true, force: true });
    }
    const names = new Set(fs.readdirSync(this.dir));
    for (const name of names) {
      const full = path.join(this.dir, name);
      const orphan = name.endsWith('.data.json') && !names.has(name.replace(/\.data\.json$/, '.json'));
      if (((name.startsWith('.') && (name.endsWith('.tmp') || TEMP_PATTERN.test(name))) || orphan) && old(full)) fs.rmSync(full, { force: true });
    }
  }
}
