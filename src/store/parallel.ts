import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageChannel, Worker, isMainThread, receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { STALE_DIRTY, gitKeys, startGitKeys, type GitKeys, type PendingKeys } from './git.js';
import { precheck, parseRecordText } from './yaml.js';
import { fastParse } from './fastyaml.js';
import { checkSchema } from './schemas.js';
import { localRuleIssues } from '../domain/checks.js';
import { type Kind } from '../domain/kinds.js';
import { summaryOf } from '../domain/records.js';
import { MAX_FILE_BYTES } from '../domain/paths.js';
import { readRecordBytes, readRecordInto } from './containment.js';
import { writeAtomic } from './files.js';
import {
  BLOB_HEADER_ROOM, RecordCache, blobId, blobIdInPlace, cacheGeneration, cacheRoot, decodeSegment, gitDirOf, jsonSafe, resultOf, rowOf,
  SIGNED_FILE, segmentText, type FileResult, type Row,
} from './cache.js';
import type { LocalIssue } from '../domain/checks.js';
import type { ProgrammeRecord } from '../domain/types.generated.js';

/**
 * Loading many record files fast: per-file work (read, check the bytes, parse, schema, the record's own rules, its
 * summary) is independent, so it is cached (cache.ts) and, when there is a lot of it, shared between the main
 * thread and worker threads. What is kept of each record is its summary (domain/records.ts `summaryOf`), not its
 * data or text: those are read again from the file when someone asks. The API stays synchronous (loadRepository
 * is): the main thread does its share, then waits on an Atomics flag and takes the workers' results with
 * receiveMessageOnPort.
 */

/** Analyses one file's bytes: the safe checks first, then the fast parser, then the safe parser if needed. */
export function analyseBytes(kind: Kind, file: string, bytes: Uint8Array, programmes: ReadonlyMap<string, ProgrammeRecord>): FileResult & { data?: Record<string, unknown> } {
  const pre = precheck(file, bytes);
  if ('problems' in pre) return { ok: false, problems: pre.problems };
  let data: Record<string, unknown> | undefined = fastParse(pre.text);
  if (data === undefined) {
    const r = parseRecordText(file, pre.text);
    if (!r.ok) return { ok: false, problems: r.problems };
    data = r.parsed.data as Record<string, unknown>;
  }
  const schema: LocalIssue[] = checkSchema(kind, data).map((s) => ({ pointer: s.pointer, at: s.at, severity: 'error', rule: s.rule, params: s.params }));
  const programme = kind === 'programme' ? (data as unknown as ProgrammeRecord) : programmeFor(data, programmes);
  const local = localRuleIssues(kind, data, programme);
  // Programmes are read by every rule: their summary is all of their data.
  const facts = kind === 'programme' ? data : summaryOf(kind, data);
  return jsonSafe(facts) ? { ok: true, data, facts, schema, local } : { ok: true, data, facts, schema, local, volatile: true };
}

function programmeFor(data: Record<string, unknown>, programmes: ReadonlyMap<string, ProgrammeRecord>): ProgrammeRecord | undefined {
  return typeof data.programme === 'string' ? programmes.get(data.programme) : undefined;
}

/** One file to analyse. */
export interface Job {
  kind: Kind;
  file: string;
}

/** The outcome for one job: its blob id and result (`hit`: taken from the cache), or null when the file vanished. */
export type Outcome = { key: string; result: FileResult; hit?: boolean } | null;

/** The reading buffer of this thread: git's blob header, then up to MAX_FILE_BYTES + 1 bytes of a file. */
let readBuffer: Buffer | undefined;

/**
 * The prefix that opens a repository's files: none when the working directory is the repository's root (the kernel
 * then walks three path components, not all of the root's too: ≈ 12 % less CPU for reading a 99,000-file city),
 * else the root. Asked once per share of files. The kernel's working directory (the process's, workers' too), not
 * process.cwd(), which a host may replace (the test suite's CLI thread does): realpath of `.` by the kernel.
 */
function openBase(root: string): string {
  try {
    return fs.realpathSync.native('.') === fs.realpathSync.native(root) ? '' : root;
  } catch {
    return root; // the working directory is gone
  }
}

/** Reads a file into `buf` (after BLOB_HEADER_ROOM) and keys it: its bytes and git blob id, or null when it vanished. */
function readJob(base: string, file: string, buf: Buffer): { bytes: Buffer; key: string } | null {
  // Never through a link, never from a device, never more than the size limit + 1 byte (containment.ts).
  const n = readRecordInto(base ? path.join(base, file) : file, buf, BLOB_HEADER_ROOM);
  if (n < 0) return null;
  const bytes = buf.subarray(BLOB_HEADER_ROOM, BLOB_HEADER_ROOM + n);
  return { bytes, key: blobIdInPlace(bytes) };
}

const readBufferOf = () => (readBuffer ??= Buffer.allocUnsafe(BLOB_HEADER_ROOM + MAX_FILE_BYTES + 1));

/**
 * Reads, keys and analyses files (or takes their result from the cache when their content is the cached one).
 * `keepData`: results keep the record's data (else only its summary: the data is read again when asked for).
 */
function runJobs(root: string, jobs: Job[], programmes: ReadonlyMap<string, ProgrammeRecord>, cache: RecordCache | undefined, keepData: boolean): Outcome[] {
  const buf = readBufferOf();
  const base = openBase(root);
  const out: Outcome[] = new Array(jobs.length);
  for (let i = 0; i < jobs.length; i++) {
    const { kind, file } = jobs[i]!;
    const read = readJob(base, file, buf);
    if (!read) {
      out[i] = null;
      continue;
    }
    const { bytes, key } = read;
    const cached = cache?.get(file, key);
    if (cached) {
      out[i] = { key, result: resultOf(cached), hit: true };
      continue;
    }
    const result = analyseBytes(kind, file, bytes, programmes);
    if (result.ok && !keepData) {
      delete result.data;
      // The parser's strings are slices of the file's text: copied, the summary no longer keeps the text alive.
      result.facts = result.volatile ? structuredClone(result.facts) : (JSON.parse(JSON.stringify(result.facts)) as Record<string, unknown>);
    }
    out[i] = { key, result };
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Workers.

interface WorkerInput {
  djycAnalyse: true;
  root: string;
  jobs: Job[];
  programmes: [string, ProgrammeRecord][];
  flag: SharedArrayBuffer;
  port: MessagePort;
  /** Cache folder and generation: the worker writes its rows as a segment itself. */
  cache?: { root: string; generation: string };
}

interface WorkerOutput {
  /** The worker's rows, in job order, as a cache segment's text (segmentText); `segment`: written under that name. */
  text?: string;
  segment?: string;
  /** Per job: its row, -1 when the file vanished, -2 for a volatile result (in `volatile`). */
  index?: Int32Array;
  /** Results JSON cannot carry exactly (structured clone can): [job, blob id, result]. */
  volatile?: [number, string, FileResult][];
  error?: string;
}

const WORKER_FILE = fileURLToPath(import.meta.url);
/** Workers need the compiled module (under a TypeScript test runner the source cannot start a worker). */
const CAN_SPAWN = WORKER_FILE.endsWith('.js');

function workerMain(input: WorkerInput): void {
  const i32 = new Int32Array(input.flag);
  try {
    const programmes = new Map(input.programmes);
    const buf = readBufferOf();
    const index = new Int32Array(input.jobs.length);
    const volatile: [number, string, FileResult][] = [];
    // Each row is encoded as soon as its file is analysed: the encoding is the copy that no longer keeps the file's
    // text alive (the main thread's share copies its summaries instead, see runJobs), and nothing waits for the end.
    const rows: string[] = [];
    const base = openBase(input.root);
    input.jobs.forEach(({ kind, file }, i) => {
      const read = readJob(base, file, buf);
      if (!read) {
        index[i] = -1;
        return;
      }
      const result = analyseBytes(kind, file, read.bytes, programmes);
      if (result.ok) delete result.data;
      const row = rowOf(file, read.key, result);
      if (row) index[i] = rows.push(JSON.stringify(row)) - 1;
      else if (result.ok) {
        index[i] = -2;
        volatile.push([i, read.key, { ...result, facts: structuredClone(result.facts) }]);
      }
    });
    // The segment's whole text: the main thread parses it as it is (no copy to add a head and brackets first).
    const text = segmentText(rows);
    let segment: string | undefined;
    if (input.cache && rows.length) segment = new RecordCache(input.cache.root, input.cache.generation).writeText(text);
    input.port.postMessage({ text, segment, index, volatile } satisfies WorkerOutput, [index.buffer]);
    Atomics.store(i32, 0, 1);
  } catch (err) {
    input.port.postMessage({ error: String((err as Error)?.message ?? err) } satisfies WorkerOutput);
    Atomics.store(i32, 0, 2);
  }
  Atomics.notify(i32, 0);
  // Done: end the thread now, so its memory goes while the main thread carries on (it cannot terminate us: its
  // event loop is busy with synchronous work). The message is already in the main thread's queue.
  process.exit(0);
}

if (!isMainThread && (workerData as Partial<WorkerInput> | null)?.djycAnalyse) workerMain(workerData as WorkerInput);

/** How many threads to use for `n` files: 1 below the threshold or without compiled code. */
function threadCount(n: number): number {
  const min = Number(process.env.DJYC_PARALLEL_MIN ?? 3000);
  if (!CAN_SPAWN || n < min || process.env.DJYC_THREADS === '1') return 1;
  if (process.env.DJYC_THREADS) return Math.max(1, Math.min(Number(process.env.DJYC_THREADS) || 1, 8, n));
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, Math.min(cores, 4, Math.ceil(n / 1000)));
}

export interface AnalyseResult {
  outcomes: Outcome[];
  /** Rows computed here and not yet in the cache. */
  fresh: Row[];
}

/**
 * Analyses files, sharing them between the main thread and worker threads when there are many. Synchronous.
 * A worker that fails or does not answer in time is replaced by doing its share on the main thread. Files are
 * read and hashed; a cached result for that content is used (main thread only).
 */
export function analyseFiles(root: string, jobs: Job[], programmes: ReadonlyMap<string, ProgrammeRecord>, cache?: RecordCache, opts: { keepData?: boolean } = {}): AnalyseResult {
  const threads = threadCount(jobs.length);
  const fresh: Row[] = [];
  const local = (list: Job[], keepData: boolean) => {
    const outcomes = runJobs(root, list, programmes, cache, keepData);
    outcomes.forEach((o, i) => {
      const row = o && !o.hit ? rowOf(list[i]!.file, o.key, o.result) : undefined;
      if (row) fresh.push(row);
    });
    return outcomes;
  };
  if (threads <= 1) return { outcomes: local(jobs, !!opts.keepData), fresh };
  // Blocks of files dealt round to the threads (the main thread too): every thread gets the same mix of small and
  // big records, so they finish together.
  const BLOCK = 64;
  const parts: number[][] = Array.from({ length: threads }, () => []);
  for (let i = 0; i < jobs.length; i++) parts[Math.floor(i / BLOCK) % threads]!.push(i);
  const started: { worker: Worker; port: MessagePort; flag: Int32Array; indices: number[] }[] = [];
  for (let t = 1; t < threads; t++) {
    const indices = parts[t]!;
    if (!indices.length) continue;
    const flag = new SharedArrayBuffer(4);
    const { port1, port2 } = new MessageChannel();
    try {
      const input: WorkerInput = {
        djycAnalyse: true, root, jobs: indices.map((i) => jobs[i]!), programmes: [...programmes], flag, port: port2,
        cache: cache ? { root: cache.root, generation: cache.generation } : undefined,
      };
      const worker = new Worker(WORKER_FILE, { workerData: input, transferList: [port2] });
      worker.unref();
      worker.on('error', () => {});
      started.push({ worker, port: port1, flag: new Int32Array(flag), indices });
    } catch {
      port1.close();
      for (const i of indices) parts[0]!.push(i);
    }
  }
  const outcomes: Outcome[] = new Array(jobs.length).fill(null);
  const doLocally = (indices: number[]) => {
    const done = local(indices.map((i) => jobs[i]!), false);
    done.forEach((o, k) => (outcomes[indices[k]!] = o));
  };
  doLocally(parts[0]!.sort((a, b) => a - b));
  const timeout = Number(process.env.DJYC_WORKER_TIMEOUT_MS ?? Math.max(60_000, jobs.length * 2));
  for (const w of started) {
    Atomics.wait(w.flag, 0, 0, timeout);
    const msg = receiveMessageOnPort(w.port)?.message as WorkerOutput | undefined;
    w.port.close();
    void w.worker.terminate().catch(() => {});
    let rows: Row[] | undefined;
    if (Atomics.load(w.flag, 0) === 1 && msg?.index && msg.text !== undefined) {
      try {
        rows = decodeSegment(msg.text);
      } catch {
        rows = undefined;
      }
    }
    if (!rows || !msg?.index) {
      doLocally(w.indices);
      continue;
    }
    msg.index.forEach((ix, i) => {
      if (ix >= 0) outcomes[w.indices[i]!] = { key: rows![ix]![1], result: resultOf(rows![ix]!) };
    });
    for (const [i, key, result] of msg.volatile ?? []) outcomes[w.indices[i]!] = { key, result };
    if (msg.segment && cache) cache.adopt(msg.segment, rows);
    // A loop, not push(...rows): a spread of 120,000 rows overflows the stack.
    else for (const row of rows) fresh.push(row);
  }
  return { outcomes, fresh };
}

/**
 * What the last loadFiles call saw of the files' contents (memo.ts): git's index and dirty files, and the blob id of
 * every listed file git did not vouch for (read from disk; '' when it could not be read). Only when git answered.
 */
export interface ContentWitness {
  index: string;
  dirty: string[];
  read: Record<string, string>;
  /**
   * Stat signatures (statSignature) of files in `read`, for those that had not changed for settleMs() when the load
   * began: while a file's signature holds, memo.ts takes its key without hashing it again, as git's index does for
   * the files it tracks (a repository of untracked or uncommitted records would otherwise be read whole on every run).
   */
  stat?: Record<string, string>;
}

/**
 * How long a file or folder must have stood unchanged before its stat signature is trusted (ms): a change within the
 * same clock tick as the last one keeps the signature. DJYC_LISTING_SETTLE_MS changes it (tests).
 */
export function settleMs(): number {
  return Number(process.env.DJYC_LISTING_SETTLE_MS ?? 2000);
}

/**
 * A file's stat signature: size, modification and change times (ns), inode and device, of the path itself (a link's
 * own, never its target's); undefined when it cannot be read. Any write gives the file a new change time, which no
 * signature taken before has.
 */
export function statSignature(abs: string): string | undefined {
  const st = lstatQuietly(abs);
  return st?.isFile() ? signatureOf(st) : undefined;
}

/** lstat with nanoseconds, or undefined when the path cannot be looked at (gone, no permission, a name too long…). */
function lstatQuietly(abs: string): fs.BigIntStats | undefined {
  try {
    return fs.lstatSync(abs, { bigint: true, throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

const signatureOf = (st: fs.BigIntStats) => `${st.size}:${st.mtimeNs}:${st.ctimeNs}:${st.ino}:${st.dev}`;

/** A key taken by its file's stat signature (signedKeys): the signature this run found. */
interface Signed {
  key: string;
  sig: string;
}

/**
 * The keys the cache folder's SIGNED_FILE holds for listed files git gave no key for (`keys`), whose stat signature is
 * still the one stored: their content is the one that key names, without reading them (as git's index vouches for
 * the files it tracks). Empty when the file is missing, torn or of another format.
 */
function signedKeys(root: string, where: string, listed: readonly Job[], keys: ReadonlyMap<string, string>): Map<string, Signed> {
  const out = new Map<string, Signed>();
  let files: Record<string, unknown>;
  try {
    const parsed = JSON.parse(fs.readFileSync(path.join(where, SIGNED_FILE), 'utf8')) as { djyc?: unknown; files?: unknown };
    if (parsed?.djyc !== 'signed-1' || !parsed.files || typeof parsed.files !== 'object') return out;
    files = parsed.files as Record<string, unknown>;
  } catch {
    return out;
  }
  for (const job of listed) {
    if (keys.has(job.file) || !Object.hasOwn(files, job.file)) continue;
    const e = files[job.file];
    if (!Array.isArray(e) || typeof e[0] !== 'string' || !e[0] || typeof e[1] !== 'string') continue;
    if (statSignature(path.join(root, job.file)) === e[1]) out.set(job.file, { key: e[0], sig: e[1] });
  }
  return out;
}

/** Keeps (or removes, when there is none) the signatures of this load's witness for the next load (signedKeys). */
function saveSigned(where: string, read: Record<string, string>, stat: Record<string, string>, loaded: ReadonlyMap<string, Signed>): void {
  const file = path.join(where, SIGNED_FILE);
  const names = Object.keys(stat);
  try {
    if (!names.length) {
      // Everything committed since: a stale file would only be parsed in vain.
      fs.rmSync(file, { force: true });
      return;
    }
    // Nothing new: every signature is one this run found in the file (entries of files gone since match nothing).
    if (names.length === loaded.size && names.every((f) => loaded.get(f)?.sig === stat[f])) return;
    const files: Record<string, [string, string]> = {};
    for (const f of names) files[f] = [read[f]!, stat[f]!];
    // No fsync: a torn file does not parse and is not used.
    writeAtomic(file, JSON.stringify({ djyc: 'signed-1', files }), { sync: false });
  } catch {
    /* an optimisation only */
  }
}

/**
 * Signatures of the files in `read` whose last change (mtime and ctime) came settleMs() or more before `since` (ms),
 * when this load began: what it read of them is what their signature describes. A file taken by its signature
 * (`signed`, with the same key) keeps it: it had settled before an earlier load.
 */
function stableSignatures(root: string, read: Record<string, string>, since: number, signed: ReadonlyMap<string, Signed>): Record<string, string> {
  const out: Record<string, string> = {};
  const before = BigInt(since - settleMs()) * 1_000_000n;
  for (const [file, key] of Object.entries(read)) {
    if (!key) continue;
    const taken = signed.get(file);
    if (taken?.key === key) {
      out[file] = taken.sig;
      continue;
    }
    const st = lstatQuietly(path.join(root, file));
    if (!st?.isFile() || st.mtimeNs >= before || st.ctimeNs >= before) continue;
    out[file] = signatureOf(st);
  }
  return out;
}

/**
 * The witness's dirty list without git's stat pass (GitKeys `indexOnly`: `indexed` holds every tracked file): the
 * tracked files whose content this run read is not the index's, or that are gone — what `git diff-files` lists for
 * a work tree git wrote. It leaves out files only touched (git would list them) and tracked files the listing does
 * not take (not records): a later run then finds the lists differ and does not use the memo, never the reverse
 * (memo.ts rehashes every file in `read`, which holds each file of this list that was read).
 */
function contentDirty(root: string, indexed: ReadonlyMap<string, string>, read: Record<string, string>, listed?: readonly Job[]): string[] {
  const out = Object.keys(read).filter((file) => indexed.has(file));
  // `listed`: given when some tracked files were not listed (gone, or not records).
  if (listed) {
    const seen = new Set(listed.map((j) => j.file));
    for (const file of indexed.keys()) if (!seen.has(file) && !fs.lstatSync(path.join(root, file), { throwIfNoEntry: false })) out.push(file);
  }
  return out.sort();
}

/**
 * 64 of the listed files, spread over every kind folder: the stale-stat probe of startGitKeys. None for fewer files
 * than git.ts STALE_DIRTY: a later run's stat pass refreshes git's stat data itself only from that many.
 */
function probeSample(listed: readonly Job[]): string[] {
  if (listed.length < STALE_DIRTY) return [];
  const step = Math.floor(listed.length / STALE_DIRTY);
  const out: string[] = [];
  for (let i = 0; out.length < STALE_DIRTY; i += step) out.push(listed[i]!.file);
  return out;
}

/** The last loadFiles call's cache and programme files (changed.ts reuses them for the base version), and its witness. */
export const lastLoad: { root?: string; cache?: RecordCache; programmeFiles?: string; witness?: ContentWitness } = {};

const noLoadStats = () => ({ files: 0, cacheHits: 0, analysed: 0, threads: 1, cacheEntries: 0, gitKeys: 0, ms: 0, rssMB: 0, phases: {} as Record<string, number> });

/** What the last loadFiles call did (for benchmarks; `DJYC_STATS=1` makes the CLI print it). */
export const loadStats = noLoadStats();

/** Forgets what loading did (a host that runs the CLI again: a later run that loads nothing prints nothing). */
export function resetLoadStats(): void {
  Object.assign(loadStats, noLoadStats());
}

/** Notes the CPU milliseconds of a loading phase in loadStats (DJYC_STATS=1 only). */
export function phase(name: string, since: NodeJS.CpuUsage | undefined): NodeJS.CpuUsage | undefined {
  if (!since) return undefined;
  const d = process.cpuUsage(since);
  loadStats.phases[name] = (loadStats.phases[name] ?? 0) + Math.round((d.user + d.system) / 1000);
  return process.cpuUsage();
}

/** A CPU time mark for `phase` when DJYC_STATS=1. */
export const phaseStart = (): NodeJS.CpuUsage | undefined => (process.env.DJYC_STATS === '1' ? process.cpuUsage() : undefined);

export interface LoadedFile {
  kind: Kind;
  file: string;
  key: string;
  result: FileResult;
}

export interface LoadFilesOptions {
  /** Use (and update) the cache; default: on for repositories of 200 files or more. */
  cache?: boolean;
  /** Git keys already being computed (started before the listing, see loadRepository). */
  pendingKeys?: PendingKeys;
}

/** Programme files and their content keys, as one comparable string. */
export function programmeSignature(files: [string, string][]): string {
  return files
    .filter(([, k]) => k)
    .map(([f, k]) => `${f}\0${k}`)
    .sort()
    .join('\n');
}

/**
 * Loads record files: programme files first (the other records' rules depend on them), then every other file
 * from the cache when git says it is unchanged and the cache holds its content, else by reading it (and taking its
 * cached result when the content is the cached one, or analysing it, in parallel when many).
 */
export function loadFiles(root: string, listed: Job[], opts: LoadFilesOptions = {}): { files: LoadedFile[]; programmes: Map<string, ProgrammeRecord>; cache?: RecordCache } {
  const started = performance.now();
  const since = Date.now();
  let mark = phaseStart();
  const cacheMin = Number(process.env.DJYC_CACHE_MIN ?? 200);
  const where = opts.cache === false || listed.length < cacheMin ? undefined : cacheRoot(root);

  // Programmes: few, read every time (their content is part of the cache generation), analysed first: the
  // other records' rules depend on them.
  const programmeJobs = listed.filter((j) => j.kind === 'programme');
  const programmeBytes = programmeJobs.map((j) => readRecordBytes(path.join(root, j.file)));
  const programmeKeys = programmeBytes.map((b) => (b ? blobId(b) : ''));
  let cache: RecordCache | undefined;
  let gitAnswer: GitKeys | undefined;
  let known = new Map<string, string>();
  let signed = new Map<string, Signed>();
  let pending = opts.pendingKeys;
  mark = phase('programmeRead', mark);
  if (where) {
    cache = new RecordCache(where, cacheGeneration(programmeJobs.flatMap((j, i) => (programmeBytes[i] ? [{ file: j.file, key: programmeKeys[i]! }] : []))));
    // Git's view of which files are unchanged is worth its cost only when the cache holds results to reuse.
    const useGit = listed.length >= Number(process.env.DJYC_GIT_KEYS_MIN ?? 1000) && cache.exists();
    if (useGit) {
      pending ??= gitDirOf(root) ? startGitKeys(root) : undefined;
      cache.load();
      mark = phase('cacheLoad', mark);
      gitAnswer = pending ? pending.wait() : gitKeys(root);
      known = gitAnswer.keys;
      signed = signedKeys(root, where, listed, gitAnswer.keys);
      if (signed.size) {
        // A copy: git's own keys decide below which files this run took from elsewhere than git's word.
        known = new Map(known);
        for (const [file, s] of signed) known.set(file, s.key);
      }
      mark = phase('gitKeys', mark);
      pending = undefined;
    } else {
      cache.load();
      mark = phase('cacheLoad', mark);
    }
  }
  // An empty cache: git's answer is not waited for, but taken at the end (it is long done by then) as the witness
  // of what this run read (memo.ts), so the next run with nothing changed can reuse whole results. Every file is
  // read, so git's index will do: the files whose content is not the index's are known from their bytes.
  const witnessKeys = where && !gitAnswer && listed.length >= Number(process.env.DJYC_GIT_KEYS_MIN ?? 1000) ? (pending ?? (gitDirOf(root) ? startGitKeys(root, { indexOnly: true, probe: probeSample(listed) }) : undefined)) : undefined;
  if (pending !== witnessKeys) pending?.cancel();
  const programmes = new Map<string, ProgrammeRecord>();
  const slots: (LoadedFile | undefined)[] = new Array(listed.length);
  const freshProgrammes: Row[] = [];
  let p = 0;
  for (let i = 0; i < listed.length; i++) {
    const job = listed[i]!;
    if (job.kind !== 'programme') continue;
    const bytes = programmeBytes[p];
    const key = programmeKeys[p++]!;
    if (!bytes) continue;
    // Programmes keep their data (every rule reads them): their summary is all of it, so a cached one serves.
    const cached = cache?.get(job.file, key);
    let result: FileResult;
    if (cached) {
      result = resultOf(cached);
      if (result.ok) result.data = result.facts;
    } else {
      result = analyseBytes(job.kind, job.file, bytes, new Map());
      const row = rowOf(job.file, key, result);
      if (row) freshProgrammes.push(row);
    }
    slots[i] = { kind: job.kind, file: job.file, key, result };
    const data = result.ok ? result.data : undefined;
    if (data && typeof data.id === 'string' && !programmes.has(data.id)) programmes.set(data.id, data as unknown as ProgrammeRecord);
  }

  mark = phase('programmes', mark);
  const jobs: Job[] = [];
  const jobSlots: number[] = [];
  let hits = 0;
  for (let i = 0; i < listed.length; i++) {
    const job = listed[i]!;
    if (job.kind === 'programme') continue;
    const key = known.get(job.file);
    const row = key !== undefined && cache ? cache.get(job.file, key) : undefined;
    if (row) {
      slots[i] = { kind: job.kind, file: job.file, key: key!, result: resultOf(row) };
      hits++;
    } else {
      jobs.push(job);
      jobSlots.push(i);
    }
  }
  mark = phase('hits', mark);
  // Files whose key git did not give are read; a cached result for their content is still used (runJobs).
  const keepData = listed.length < Number(process.env.DJYC_DATA_MAX ?? 4000);
  const analysed: AnalyseResult = jobs.length ? analyseFiles(root, jobs, programmes, cache, { keepData }) : { outcomes: [], fresh: [] };
  analysed.outcomes.forEach((o, j) => {
    if (!o) return;
    if (o.hit) hits++;
    slots[jobSlots[j]!] = { kind: jobs[j]!.kind, file: jobs[j]!.file, key: o.key, result: o.result };
  });
  mark = phase('analyse', mark);
  const files: LoadedFile[] = [];
  for (const f of slots) if (f) files.push(f);
  if (cache) {
    const fresh = [...freshProgrammes, ...analysed.fresh];
    const live = () => {
      const rows: Row[] = [];
      for (const f of files) {
        const row = cache!.get(f.file, f.key) ?? rowOf(f.file, f.key, f.result);
        if (row) rows.push(row);
      }
      return rows;
    };
    if (fresh.length || cache.rows.size > files.length) cache.save(fresh, files.length, live);
  }
  mark = phase('save', mark);
  let witness: ContentWitness | undefined;
  gitAnswer ??= witnessKeys?.wait();
  if (gitAnswer?.index) {
    // Files whose content this run took from elsewhere than git's word (read from disk: untracked, modified, or
    // different bytes from the index's, as line-ending filters make them): a later run hashes them again.
    const read: Record<string, string> = {};
    let tracked = 0;
    for (let i = 0; i < listed.length; i++) {
      const file = listed[i]!.file;
      const key = slots[i]?.key ?? '';
      const indexed = gitAnswer.keys.get(file);
      if (indexed !== undefined) tracked++;
      if (indexed !== key) read[file] = key;
    }
    const unlisted = tracked < gitAnswer.keys.size;
    const stat = stableSignatures(root, read, since, signed);
    if (where) saveSigned(where, read, stat, signed);
    witness = { index: gitAnswer.index, dirty: gitAnswer.indexOnly ? contentDirty(root, gitAnswer.keys, read, unlisted ? listed : undefined) : gitAnswer.dirty, read, ...(Object.keys(stat).length ? { stat } : {}) };
  }
  Object.assign(lastLoad, { root, cache, programmeFiles: programmeSignature(programmeJobs.map((j, i) => [j.file, programmeKeys[i]!])), witness });
  Object.assign(loadStats, {
    files: listed.length, cacheHits: hits, analysed: files.length - hits,
    threads: threadCount(jobs.length), cacheEntries: cache?.rows.size ?? 0, gitKeys: known.size, ms: Math.round(performance.now() - started),
    rssMB: Math.round(process.memoryUsage.rss() / 1048576),
  });
  return { files, programmes, cache };
}
