import fs from 'node:fs';
import path from 'node:path';
import { CONFIG_FILE, KIND_DIRS, KINDS, RECORDS_DIR, kindOfDir, unreadFileName, type Kind } from '../domain/kinds.js';
import { parseRecordBytes, precheck } from './yaml.js';
import { checkSchema } from './schemas.js';
import type { Problem } from '../domain/problem.js';
import type { ConfigRecord, ProgrammeRecord } from '../domain/types.generated.js';
import { FACTS, PROSE_FIELDS, type RecordEntry, type Repository } from '../domain/records.js';
import { RefusedError, UsageError } from '../domain/errors.js';
import { lastLoad, loadFiles, phase, phaseStart, settleMs, type ContentWitness } from './parallel.js';
import { gitSync, startGitKeys } from './git.js';
import { TEMP_PATTERN, writeAtomic } from './files.js';
import { LISTING_FILE, blobId, cacheRoot, gitDirOf, type FileResult, type Precomputed } from './cache.js';
import { decodeUtf8, recordData } from './yaml.js';
import { fastParse } from './fastyaml.js';
import { readBounded, readRecordBytes } from './containment.js';
import { MAX_FILE_BYTES } from '../domain/paths.js';

// In a module of their own so that the CLI can find the repository without loading the store.
export { findRoot, requireRoot } from './root.js';

export function loadConfig(root: string, problems: Problem[], seen: { key: string } = { key: '' }): ConfigRecord {
  const file = CONFIG_FILE;
  // djyc.yaml is read as a record is: never through a link, never from a device, never more than the limit.
  const read = readBounded(path.join(root, file), MAX_FILE_BYTES, { prefix: true });
  if (!read.ok) {
    if (read.rule === 'path-symlink' || read.rule === 'path-special' || read.rule === 'path-not-a-file') problems.push({ file, line: 1, col: 1, severity: 'error', rule: read.rule, params: { path: file } });
    else throw new UsageError(`读不到记录库配置 ${file}`, `cannot read the repository configuration ${file}`);
    return { djyc: 1 };
  }
  seen.key = blobId(read.bytes);
  // Parsed as records are: the fast parser when it can, else the safe one (which says what is wrong).
  const pre = precheck(file, read.bytes);
  const fast = 'text' in pre ? fastParse(pre.text) : undefined;
  const r = fast !== undefined ? { ok: true as const, data: fast } : parseRecordBytes(file, read.bytes);
  if (!r.ok) {
    problems.push(...r.problems);
    return { djyc: 1 };
  }
  const data = 'data' in r ? r.data : r.parsed.data;
  for (const issue of checkSchema('config', data)) {
    problems.push({ file, line: 0, col: 0, severity: 'error', rule: issue.rule, params: issue.params, pointer: issue.pointer, at: issue.at });
  }
  return data as ConfigRecord;
}

/**
 * Lists record files: every `records/<kind dir>/*.yaml`, sorted, plus problems for what does not belong. Entries are
 * judged by lstat (containment.ts): a record, a kind folder or records/ itself that is a symbolic link, a device, a
 * FIFO or a socket is an error and is never opened. `cacheDir`: a kind folder whose stat data (inode, mtime, ctime,
 * in nanoseconds) is what it was when it was last listed there is not read again — any entry added, removed,
 * renamed or replaced changes it — unless it had been modified within two seconds of that listing. The listing is
 * kept there when it has at least `minFiles` files (smaller ones cost less to read than the cache does).
 */
export function listRecordFiles(root: string, problems: Problem[] = [], opts: { cacheDir?: string; minFiles?: number; entries?: Record<string, string> } = {}): { kind: Kind; file: string }[] {
  const out: { kind: Kind; file: string }[] = [];
  const recordsDir = path.join(root, RECORDS_DIR);
  const refused = (file: string, rule: 'path-symlink' | 'path-special') => problems.push({ file, line: 1, col: 1, severity: 'error', rule, params: { path: file } });
  let top: fs.Stats;
  try {
    top = fs.lstatSync(recordsDir);
  } catch {
    return out;
  }
  if (top.isSymbolicLink()) {
    refused(RECORDS_DIR, 'path-symlink');
    return out;
  }
  if (!top.isDirectory()) return out;
  const known = opts.cacheDir ? readListingCache(opts.cacheDir) : undefined;
  const seen: ListingCache = {};
  for (const dirent of fs.readdirSync(recordsDir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (dirent.name.startsWith('.')) continue;
    const rel = `${RECORDS_DIR}/${dirent.name}`;
    if (dirent.isSymbolicLink()) {
      if (opts.entries) opts.entries[dirent.name] = 'L';
      refused(rel, 'path-symlink');
      continue;
    }
    if (!dirent.isDirectory()) {
      if (opts.entries) opts.entries[dirent.name] = 'F';
      // A record file put next to the kind folders instead of into one.
      if (unreadFileName(dirent.name, false)) problems.push(notRecordFile(rel));
      continue;
    }
    const kind = kindOfDir(dirent.name);
    // A kind folder is a witness only with a settled signature (see dirSignature); '?' never matches one.
    if (opts.entries) opts.entries[dirent.name] = kind ? '?' : 'U';
    if (!kind) {
      problems.push({ file: rel, line: 1, col: 1, severity: 'warning', rule: 'unknown-folder', params: { dir: dirent.name, dirs: KINDS.map((k) => KIND_DIRS[k]).join(', ') } });
      continue;
    }
    const abs = path.join(recordsDir, dirent.name);
    let listing: DirListing | undefined;
    let sig: string | undefined;
    if (known || opts.entries) {
      try {
        const taken = dirSignature(abs);
        sig = taken.sig;
        const settled = taken.settled;
        const cached = known?.[dirent.name];
        if (cached && cached.sig === sig) listing = cached;
        else if (!settled) sig = undefined;
        if (opts.entries && settled) opts.entries[dirent.name] = taken.sig;
      } catch {
        sig = undefined;
      }
    }
    if (!listing) {
      listing = { sig: sig ?? '', files: [], problems: [] };
      let nested = false;
      for (const entry of fs.readdirSync(abs, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
        const name = entry.name;
        const file = `${rel}/${name}`;
        if (TEMP_PATTERN.test(name)) {
          listing.problems.push(strayTemp(file));
          continue;
        }
        if (entry.isDirectory() && !name.startsWith('.')) {
          // Never read: said, so that records put there by mistake are not silently left out of every check and
          // report. Files added inside it later do not change this folder's signature: no listing or witness kept.
          nested = true;
          if (holdsFiles(path.join(abs, name))) listing.problems.push({ file, line: 1, col: 1, severity: 'warning', rule: 'nested-folder', params: { dir: file, parent: rel } });
          continue;
        }
        if (!name.endsWith('.yaml')) {
          // Never read, so said.
          if (unreadFileName(name, true)) listing.problems.push(notRecordFile(file));
          continue;
        }
        if (entry.isSymbolicLink()) listing.problems.push({ file, line: 1, col: 1, severity: 'error', rule: 'path-symlink', params: { path: file } });
        else if (!entry.isFile() && !entry.isDirectory()) listing.problems.push({ file, line: 1, col: 1, severity: 'error', rule: 'path-special', params: { path: file } });
        else if (entry.isFile()) listing.files.push(name);
      }
      if (nested) {
        sig = undefined;
        if (opts.entries) opts.entries[dirent.name] = '?';
      }
    }
    if (sig) seen[dirent.name] = listing;
    for (const p of listing.problems) problems.push(p);
    for (const name of listing.files) out.push({ kind, file: `${rel}/${name}` });
  }
  if (opts.cacheDir && out.length >= (opts.minFiles ?? 0) && !sameListing(known, seen)) writeListingCache(opts.cacheDir, seen);
  return out;
}

/** Whether a folder holds anything but folders, at any depth (as git would list it); bounded: true when it is too big to tell. */
function holdsFiles(dir: string, budget = { entries: 10_000 }, depth = 0): boolean {
  if (depth > 16) return true;
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return false;
  }
  for (const e of entries) {
    if (--budget.entries < 0) return true;
    if (!e.isDirectory() || holdsFiles(path.join(dir, e.name), budget, depth + 1)) return true;
  }
  return false;
}

/** What the listing says of paths it never reads as records (changed.ts tells the new ones from the base's). */
export const UNREAD_RULES: ReadonlySet<string> = new Set(['nested-folder', 'not-record-file']);
const notRecordFile = (file: string): Problem => ({ file, line: 1, col: 1, severity: 'warning', rule: 'not-record-file', params: { path: file } });
const strayTemp = (file: string): Problem => ({ file, line: 1, col: 1, severity: 'warning', rule: 'stray-temp', params: {} });

/**
 * The files left by interrupted writes in the kind folders, as listRecordFiles reports them, from the names git
 * sees (git.ts scanWorkTree `leftovers`) rather than by listing every kind folder: the same answer, as git lists
 * every file (it leaves out empty folders and special files, which interrupted writes do not leave behind);
 * undefined when a folder cannot be read.
 */
export function strayTempProblems(root: string, leftovers: readonly string[]): Problem[] | undefined {
  const recordsDir = path.join(root, RECORDS_DIR);
  try {
    if (!fs.lstatSync(recordsDir).isDirectory()) return [];
    // A kind folder that cannot be listed gives no answer, as there.
    for (const d of fs.readdirSync(recordsDir, { withFileTypes: true })) {
      if (!d.name.startsWith('.') && d.isDirectory() && kindOfDir(d.name)) fs.accessSync(path.join(recordsDir, d.name), fs.constants.R_OK | fs.constants.X_OK);
    }
  } catch {
    return undefined;
  }
  const out: Problem[] = [];
  for (const file of leftovers) {
    const [top, dir, name, ...deeper] = file.split('/');
    if (top !== RECORDS_DIR || !dir || !name || deeper.length || dir.startsWith('.') || !kindOfDir(dir)) continue;
    // A tracked name git still lists after it was deleted.
    if (fs.lstatSync(path.join(root, file), { throwIfNoEntry: false })) out.push(strayTemp(file));
  }
  return out;
}

/**
 * A folder's stat signature: any entry added, removed, renamed or replaced changes it. Trusted only when the
 * folder was last modified some seconds before it was taken (a change within the same clock tick keeps it).
 */
export function dirSignature(abs: string): { sig: string; settled: boolean } {
  const st = fs.lstatSync(abs, { bigint: true });
  // Modified just before it was listed: a later change within the same clock tick would keep the same mtime.
  const before = BigInt(Date.now() - settleMs()) * 1_000_000n;
  const settled = before > st.mtimeNs && before > st.ctimeNs;
  return { sig: `${st.isDirectory() ? 'D' : 'N'}:${st.dev}:${st.ino}:${st.mtimeNs}:${st.ctimeNs}`, settled };
}

/** A kind folder as last listed: its stat signature, its record files' names and the problems of its entries. */
interface DirListing {
  sig: string;
  files: string[];
  problems: Problem[];
}
type ListingCache = Record<string, DirListing>;

function readListingCache(dir: string): ListingCache | undefined {
  try {
    const parsed = JSON.parse(fs.readFileSync(path.join(dir, LISTING_FILE), 'utf8')) as { djyc?: string; dirs?: ListingCache };
    if (parsed.djyc !== 'listing-1' || !parsed.dirs || typeof parsed.dirs !== 'object') return {};
    for (const l of Object.values(parsed.dirs)) {
      if (typeof l?.sig !== 'string' || !Array.isArray(l.files) || !Array.isArray(l.problems) || !l.files.every((f) => typeof f === 'string')) return {};
    }
    return parsed.dirs;
  } catch {
    return {};
  }
}

function sameListing(a: ListingCache | undefined, b: ListingCache): boolean {
  if (!a) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && kb.every((k) => a[k] === b[k]);
}

function writeListingCache(dir: string, dirs: ListingCache): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
    writeAtomic(path.join(dir, LISTING_FILE), JSON.stringify({ djyc: 'listing-1', dirs }));
  } catch {
    /* the cache is an optimisation only */
  }
}

export interface LoadOptions {
  /**
   * Reuse per-file results cached by content (git blob id) in the git directory; default on for repositories of
   * 200 files or more (DJYC_NO_CACHE=1 turns it off everywhere). Results are keyed by djyc's code, the schemas and
   * the programme files too, so a stale entry is never used.
   */
  cache?: boolean;
}

/**
 * Loads a whole records repository (config and every record). Never throws on bad records: they become problems.
 * Big repositories load in parallel (worker threads) and from the content cache; a record's `text` is then read
 * from disk when first asked for, and checked against the content that was parsed (a file edited meanwhile
 * is refused, as a write would be).
 */
export function loadRepository(root: string, opts: LoadOptions = {}): Repository {
  let mark = phaseStart();
  const loadProblems: Problem[] = [];
  const configSeen = { key: '' };
  const config = loadConfig(root, loadProblems, configSeen);
  const records: RecordEntry[] = [];
  const unparsed: string[] = [];
  // A repository cached before is big enough to ask git which files are unchanged: start that now, in the
  // background, so it overlaps the listing of the files.
  const where = opts.cache === false ? undefined : cacheRoot(root);
  const pendingKeys = where && fs.existsSync(where) && gitDirOf(root) ? startGitKeys(root) : undefined;
  const entries: Record<string, string> = {};
  const listed = listRecordFiles(root, loadProblems, { cacheDir: where, minFiles: Number(process.env.DJYC_CACHE_MIN ?? 200), entries });
  mark = phase('listing', mark);
  lastLoad.witness = undefined;
  const { files } = loadFiles(root, listed, { cache: opts.cache, pendingKeys });
  mark = phaseStart();
  const programmeEntries = new Map<string, RecordEntry>();
  for (const f of files) {
    const r = f.result;
    if (!r.ok) {
      for (const p of r.problems) loadProblems.push(p.file === f.file ? p : { ...p, file: f.file });
      unparsed.push(f.file);
      continue;
    }
    const entry = new LoadedRecord(root, f.kind, f.file, f.key, r) as unknown as RecordEntry;
    const id = r.facts.id;
    if (f.kind === 'programme' && typeof id === 'string' && !programmeEntries.has(id)) programmeEntries.set(id, entry);
    records.push(entry);
  }
  linkProgrammes(records, programmeEntries);
  phase('records', mark);
  const repo: Repository = { root, config, records, loadProblems, unparsed };
  const content = lastLoad.root === root ? lastLoad.witness : undefined;
  if (content && !Object.values(entries).includes('?')) witnesses.set(repo, { config: configSeen.key, entries, content });
  return repo;
}

/**
 * What a loaded repository's contents were, as far as a later run can check it cheaply (memo.ts): the config's
 * blob id, records/'s entries (kind folders by settled stat signatures), and git's witness of the record files.
 */
export interface RepositoryWitness {
  config: string;
  entries: Record<string, string>;
  content: ContentWitness;
}

const witnesses = new WeakMap<Repository, RepositoryWitness>();

/** The witness of a repository loadRepository returned, when it has one (git answered; every folder settled). */
export function witnessOf(repo: Repository): RepositoryWitness | undefined {
  return witnesses.get(repo);
}

/** Notes on each loaded record the programme its local checks used: the object the checks will find in the repository. */
export function linkProgrammes(records: RecordEntry[], programmes: ReadonlyMap<string, RecordEntry>): void {
  for (const r of records) {
    const info = LoadedRecord.info(r)!;
    if (r.kind === 'programme') info.programme = r.data as ProgrammeRecord;
    else {
      const id = (info.facts ?? (r.data as unknown as Record<string, unknown>)).programme;
      info.programme = typeof id === 'string' ? (programmes.get(id)?.data as ProgrammeRecord | undefined) : undefined;
    }
  }
}

/** Reads and parses a record file again (its cached data is gone), refusing content other than the expected one. */
function reparse(root: string, file: string, key: string): Record<string, unknown> {
  const bytes = readChecked(root, file, key);
  const text = decodeUtf8(bytes);
  const parsed = text === null ? undefined : recordData(file, text);
  if (!parsed) throw new RefusedError(`文件 ${file} 在命令运行期间被修改，未做任何更改，请重新运行`, `${file} changed while the command ran; nothing was changed, run it again`);
  return parsed;
}

type Parsed = Extract<FileResult, { ok: true }>;

/** What loading learnt about a record: the results the checks may reuse (see cache.ts `Precomputed`, validate.ts) and its sources. */
interface LoadInfo extends Precomputed {
  root: string;
  key: string;
  /** Where the text comes from when it is not the file under `root` (a record of a base version, from git). */
  readText?: () => string;
}

/**
 * A record as loaded from disk or the cache. Plain to its users — own enumerable `kind`, `id`, `file`, `data`,
 * `text` (a spread copies them all) — but, in a big repository, `data` is read from the file on first use (until
 * then the checks and reports use the record's summary, `[FACTS]()`) and `text` likewise, both checked against
 * the content that was loaded. The load information lives in a private field: copies do not carry it.
 */
export class LoadedRecord {
  declare kind: Kind;
  declare id: string;
  declare file: string;
  #info: LoadInfo;

  constructor(root: string, kind: Kind, file: string, key: string, result: Parsed, opts: { readText?: () => string; stale?: boolean } = {}) {
    this.kind = kind;
    this.id = path.basename(file, '.yaml');
    this.file = file;
    this.#info = { root, key, schema: result.schema, local: result.local, programme: undefined, facts: undefined, readText: opts.readText, stale: opts.stale };
    if (result.data) (this as unknown as { data: unknown }).data = result.data;
    else {
      this.#info.facts = result.facts;
      Object.defineProperty(this, 'data', LoadedRecord.DATA);
    }
    Object.defineProperty(this, 'text', LoadedRecord.TEXT);
  }

  /** Its summary while its data has not been read (see domain/records.ts `factsOf`). */
  [FACTS](): Record<string, unknown> | undefined {
    return this.#info.facts;
  }

  /** The load information of a record object loaded by loadRepository (not of copies). */
  static info(r: object): LoadInfo | undefined {
    return #info in r ? (r as LoadedRecord).#info : undefined;
  }

  private static readonly DATA: PropertyDescriptor = {
    enumerable: true,
    configurable: true,
    get(this: LoadedRecord) {
      const info = this.#info;
      // A kind without prose fields: its summary is all of its data (read exactly: see cache.ts jsonSafe).
      const data = info.facts && !PROSE_FIELDS[this.kind] ? info.facts : info.readText ? parseText(this.file, info.readText()) : reparse(info.root, this.file, info.key);
      LoadedRecord.settle(this, 'data', data);
      return data;
    },
    set(this: LoadedRecord, value: unknown) {
      LoadedRecord.settle(this, 'data', value);
    },
  };

  private static readonly TEXT: PropertyDescriptor = {
    enumerable: true,
    configurable: true,
    get(this: LoadedRecord) {
      const text = this.#info.readText ? this.#info.readText() : readText(this.#info.root, this.file, this.#info.key);
      LoadedRecord.settle(this, 'text', text);
      return text;
    },
    set(this: LoadedRecord, value: unknown) {
      LoadedRecord.settle(this, 'text', value);
    },
  };

  /** Turns an accessor into a plain property; once `data` is real, the summary no longer stands for it. */
  private static settle(r: LoadedRecord, name: 'data' | 'text', value: unknown): void {
    Object.defineProperty(r, name, { value, writable: true, enumerable: true, configurable: true });
    if (name === 'data') r.#info.facts = undefined;
  }
}

/** Parses a record's text (from git: a base version) the way the loader did. */
function parseText(file: string, text: string): Record<string, unknown> {
  const clean = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const parsed = recordData(file, clean);
  if (!parsed) throw new RefusedError(`文件 ${file} 在命令运行期间被修改，未做任何更改，请重新运行`, `${file} changed while the command ran; nothing was changed, run it again`);
  return parsed;
}

function readText(root: string, file: string, key: string): string {
  const bytes = readChecked(root, file, key);
  return decodeUtf8(bytes) ?? bytes.toString('utf8');
}

/** A record file's bytes, which must still be the content that was parsed (else: changed while the command ran). */
function readChecked(root: string, file: string, key: string): Buffer {
  const bytes = readRecordBytes(path.join(root, file)) ?? Buffer.alloc(0);
  if (blobId(bytes) !== key && !sameAsGitBlob(root, file, key)) {
    throw new RefusedError(
      `文件 ${file} 在命令运行期间被修改，未做任何更改，请重新运行`,
      `${file} changed while the command ran; nothing was changed, run it again`,
    );
  }
  return bytes;
}

/** With line-ending or other filters, git's blob id differs from the raw bytes' hash: ask git to hash the file. */
function sameAsGitBlob(root: string, file: string, key: string): boolean {
  try {
    return gitSync(root, ['hash-object', '--path', file, '--', file]).trim() === key;
  } catch {
    return false;
  }
}
