import fs from 'node:fs';
import os from 'node:os';
import { gitKeys, startGitKeys, type PendingKeys } from './git.js';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageChannel, Worker, isMainThread, receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { precheck, parseRecordText } from './yaml.js';
import { fastParse } from './fastyaml.js';
import { checkSchema } from './schemas.js';
import { localRuleIssues } from '../domain/checks.js';
import { type Kind } from '../domain/kinds.js';
import { readRecordBytes } from './containment.js';
import { ResultCache, blobId, gitDirOf, cacheGeneration, cacheRoot, dataFileOf, decodeShard, encodeShard, jsonSafe, resultData, type FileResult, type LazyShard, type ShardWriter } from './cache.js';
import type { LocalIssue } from '../domain/checks.js';
import type { ProgrammeRecord } from '../domain/types.generated.js';

/**
 * Loading many record files fast: per-file work (read, check the bytes, parse, schema, the record's own rules,
 * its references) is independent, so it is cached by content (cache.ts) and, when there is a lot of it, shared
 * between the main thread and worker threads. The API stays synchronous (loadRepository is): the main thread does
 * its share, then waits on an Atomics flag and takes the workers' results with receiveMessageOnPort.
 */

/** Analyses one file's bytes: the safe checks first, then the fast parser, then the safe parser if needed. */
export function analyseBytes(kind: Kind, file: string, bytes: Uint8Array, programmes: ReadonlyMap<string, ProgrammeRecord>): FileResult {
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
  return jsonSafe(data) ? { ok: true, data, schema, local } : { ok: true, data, schema, local, volatile: true };
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

/** Cache entries are keyed by kind and content: the same bytes in another folder are checked by another schema. */
export function cacheKey(kind: Kind, blob: string): string {
  return `${kind}/${blob}`;
}

function runJobs(root: string, jobs: Job[], programmes: ReadonlyMap<string, ProgrammeRecord>, cache?: ResultCache): Outcome[] {
  return jobs.map(({ kind, file }) => {
    // Never through a link, never from a device, never more than the size limit + 1 byte (containment.ts).
    const bytes = readRecordBytes(path.join(root, file));
    if (!bytes) return null;
    const key = blobId(bytes);
    const cached = cache?.get(cacheKey(kind, key));
    if (cached) return { key, result: cached, hit: true };
    return { key, result: analyseBytes(kind, file, bytes, programmes) };
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Chunks: many files are analysed a chunk at a time; each chunk's results are encoded as a cache shard (written to
// the cache when there is one) and kept as facts plus a reference to their data (on disk, or JSON text), so the
// full data of a city never sits in memory at once.

// Read when used, like the other DJYC_ settings here, so that an in-process caller's environment counts.
const chunkSize = () => Number(process.env.DJYC_CHUNK ?? 4_000);
/** Rows per shard file: few files to read back, no merging for a long time. */
const shardRows = () => Number(process.env.DJYC_SHARD_ROWS ?? 25_000);

interface ShardOut {
  /** Written to the cache under this name (rows + data files). */
  name?: string;
  /** Not written: the encoded rows and data. */
  rows?: string;
  data?: string;
}

interface ChunkedResult {
  outcomes: Outcome[];
  /** Fresh results kept in memory (small runs), for the cache to save. */
  fresh: [string, FileResult][];
  /** Fresh results already written to cache shards (in their lazy form). */
  written: [string, FileResult][];
  /** The encoded shards, in order; each fresh, non-volatile outcome is one row of them, in job order. */
  shards: ShardOut[];
}

/** Analyses `jobs` a chunk at a time (see above); `cache` (optional) receives the shards. */
function runChunked(root: string, jobs: Job[], programmes: ReadonlyMap<string, ProgrammeRecord>, cache: ResultCache | undefined, alwaysEncode: boolean): ChunkedResult {
  const out: ChunkedResult = { outcomes: [], fresh: [], written: [], shards: [] };
  if (!alwaysEncode && jobs.length < chunkSize()) {
    const part = runJobs(root, jobs, programmes, cache);
    part.forEach((o, i) => {
      if (o && !o.hit && !(o.result.ok && o.result.volatile)) out.fresh.push([cacheKey(jobs[i]!.kind, o.key), o.result]);
    });
    out.outcomes = part;
    return out;
  }
  // The shard being built: written piece by piece into the cache (or kept as text without one), its results
  // pointing into it through one LazyShard.
  let shard: LazyShard = {};
  let writer: ShardWriter | undefined;
  let rowTexts: string[] = [];
  let dataTexts: string[] = [];
  let rowCount = 0;
  let pending: [string, FileResult][] = [];
  const flush = () => {
    if (!rowCount) return;
    const name = writer?.finish(pending.map(([k]) => k));
    if (name) {
      shard.file = dataFileOf(cache!.shardPath(name));
      out.shards.push({ name });
      out.written.push(...pending);
    } else {
      const data = dataTexts.join('\n');
      shard.text = data;
      out.shards.push({ rows: `[${rowTexts.join(',')}]`, data });
      out.fresh.push(...pending);
    }
    shard = {};
    writer = undefined;
    rowTexts = [];
    dataTexts = [];
    rowCount = 0;
    pending = [];
  };
  const chunk = chunkSize();
  for (let from = 0; from < jobs.length; from += chunk) {
    const part = runJobs(root, jobs.slice(from, from + chunk), programmes, cache);
    const fresh: [string, FileResult][] = [];
    part.forEach((o, i) => {
      if (o && !o.hit && !(o.result.ok && o.result.volatile)) fresh.push([cacheKey(jobs[from + i]!.kind, o.key), o.result]);
    });
    const encoded = encodeShard(fresh, shard, rowCount);
    if (encoded.results.length) {
      // Each chunk adds exactly one data line per row: the lines of the shard stay aligned with its rows.
      if (!rowCount && cache) writer = cache.beginShard();
      // (Should finishing the file fail, the records' data is read again from their files when asked for.)
      if (writer) writer.append(encoded.rows.slice(1, -1), encoded.data);
      else {
        rowTexts.push(encoded.rows.slice(1, -1));
        dataTexts.push(encoded.data);
      }
    }
    rowCount += encoded.results.length;
    pending.push(...encoded.results);
    const lazy = new Map(encoded.results);
    part.forEach((o, i) => {
      const r = o && !o.hit ? lazy.get(cacheKey(jobs[from + i]!.kind, o.key)) : undefined;
      out.outcomes.push(o && r ? { key: o.key, result: r } : o);
    });
    if (rowCount >= shardRows()) flush();
  }
  flush();
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
  /** Cache folder and generation: the worker writes its results as cache shards itself. */
  cache?: { root: string; generation: string };
}

interface WorkerOutput {
  /** The worker's results as shards (cache files, or encoded text), rows in job order. */
  shards?: ShardOut[];
  /** Per job: the row (counting across the shards), -1 when the file vanished, -2 for a volatile result. */
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
    // An empty cache of the same generation: nothing to look up here, but the shards are written from this thread.
    const cache = input.cache ? new ResultCache(input.cache.root, input.cache.generation) : undefined;
    const done = runChunked(input.root, input.jobs, new Map(input.programmes), cache, true);
    const shards = done.shards;
    const index = new Int32Array(done.outcomes.length);
    const volatile: [number, string, FileResult][] = [];
    let row = 0;
    done.outcomes.forEach((o, i) => {
      if (!o) index[i] = -1;
      else if (o.result.ok && o.result.volatile) {
        index[i] = -2;
        volatile.push([i, o.key, o.result]);
      } else index[i] = row++;
    });
    input.port.postMessage({ shards, index, volatile } satisfies WorkerOutput, [index.buffer]);
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
  /** Results computed here and not yet in the cache. */
  fresh: [string, FileResult][];
  /** Results already written as cache shards (named in `shards`, when a worker wrote them). */
  written: [string, FileResult][];
  shards: string[];
}

/**
 * Analyses files, sharing them between the main thread and worker threads when there are many. Synchronous.
 * A worker that fails or does not answer in time is replaced by doing its share on the main thread.
 * With a cache, files are still read and hashed, and a cached result for that content is used (main thread only).
 */
export function analyseFiles(root: string, jobs: Job[], programmes: ReadonlyMap<string, ProgrammeRecord>, cache?: ResultCache): AnalyseResult {
  const threads = threadCount(jobs.length);
  if (threads <= 1) {
    const done = runChunked(root, jobs, programmes, cache, false);
    return { outcomes: done.outcomes, fresh: done.fresh, written: done.written, shards: [] };
  }
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
      parts[0]!.push(...indices);
    }
  }
  const outcomes: Outcome[] = new Array(jobs.length).fill(null);
  const fresh: [string, FileResult][] = [];
  const written: [string, FileResult][] = [];
  const shards: string[] = [];
  const doLocally = (indices: number[]) => {
    const done = runChunked(root, indices.map((i) => jobs[i]!), programmes, cache, true);
    done.outcomes.forEach((o, k) => (outcomes[indices[k]!] = o));
    fresh.push(...done.fresh);
    written.push(...done.written);
  };
  doLocally(parts[0]!.sort((a, b) => a - b));
  const timeout = Number(process.env.DJYC_WORKER_TIMEOUT_MS ?? Math.max(60_000, jobs.length * 2));
  for (const w of started) {
    Atomics.wait(w.flag, 0, 0, timeout);
    const msg = receiveMessageOnPort(w.port)?.message as WorkerOutput | undefined;
    w.port.close();
    void w.worker.terminate().catch(() => {});
    let list: [string, FileResult][] | undefined;
    const named: string[] = [];
    const kept: [string, FileResult][] = [];
    const toSave: [string, FileResult][] = [];
    if (Atomics.load(w.flag, 0) === 1 && msg?.index && msg.shards) {
      try {
        list = [];
        // The records' data stays on disk (or JSON text) until someone asks for it: validation needs only facts.
        for (const sh of msg.shards) {
          let part: [string, FileResult][];
          if (sh.name && cache) {
            const file = cache.shardPath(sh.name);
            part = decodeShard(fs.readFileSync(file, 'utf8'), { file: dataFileOf(file) });
            named.push(sh.name);
            kept.push(...part);
          } else if (sh.rows !== undefined) {
            part = decodeShard(sh.rows, { text: sh.data ?? '' });
            toSave.push(...part);
          } else throw new Error('shard without content');
          list.push(...part);
        }
      } catch {
        list = undefined;
      }
    }
    if (!list || !msg?.index) {
      doLocally(w.indices);
      continue;
    }
    msg.index.forEach((ix, i) => {
      if (ix >= 0) outcomes[w.indices[i]!] = { key: list![ix]![0].slice(list![ix]![0].indexOf('/') + 1), result: list![ix]![1] };
    });
    for (const [i, key, result] of msg.volatile ?? []) outcomes[w.indices[i]!] = { key, result };
    shards.push(...named);
    written.push(...kept);
    fresh.push(...toSave);
  }
  return { outcomes, fresh, written, shards };
}

/** The last loadFiles call's cache and programme files (changed.ts reuses them for the base version). */
export const lastLoad: { root?: string; cache?: ResultCache; programmeFiles?: string } = {};

/** What the last loadFiles call did (for benchmarks; `DJYC_STATS=1` makes the CLI print it). */
export const loadStats = { files: 0, cacheHits: 0, analysed: 0, threads: 1, cacheEntries: 0, gitKeys: 0, ms: 0 };

export interface LoadedFile {
  kind: Kind;
  file: string;
  key: string;
  result: FileResult;
}

export interface LoadFilesOptions {
  /** Use (and update) the content cache; default: on for repositories of 200 files or more. */
  cache?: boolean;
  /** Git keys already being computed (started before the listing, see loadRepository). */
  pendingKeys?: PendingKeys;
}

/**
 * Loads record files: programme files first (the other records' rules depend on them), then every other file
 * from the cache when its content key is known and cached, else by analysing it (in parallel when many).
 */
/** Programme files and their content keys, as one comparable string. */
export function programmeSignature(files: [string, string][]): string {
  return files
    .filter(([, k]) => k)
    .map(([f, k]) => `${f}\0${k}`)
    .sort()
    .join('\n');
}

export function loadFiles(root: string, listed: Job[], opts: LoadFilesOptions = {}): { files: LoadedFile[]; programmes: Map<string, ProgrammeRecord>; cache?: ResultCache } {
  const started = performance.now();
  const cacheMin = Number(process.env.DJYC_CACHE_MIN ?? 200);
  const where = opts.cache === false || listed.length < cacheMin ? undefined : cacheRoot(root);

  // Programmes: few, read every time (their content is part of the cache generation), analysed first: the
  // other records' rules depend on them.
  // Git's view of which files are unchanged comes from a background process while we read the cache.
  const useGit = !!where && listed.length >= Number(process.env.DJYC_GIT_KEYS_MIN ?? 1000);
  const pending = useGit ? opts.pendingKeys ?? (gitDirOf(root) ? startGitKeys(root) : undefined) : undefined;
  if (!useGit) opts.pendingKeys?.cancel();
  const programmeJobs = listed.filter((j) => j.kind === 'programme');
  const programmeBytes = programmeJobs.map((j) => readRecordBytes(path.join(root, j.file)));
  const programmeKeys = programmeBytes.map((b) => (b ? blobId(b) : ''));
  let cache: ResultCache | undefined;
  let known = new Map<string, string>();
  if (where) {
    cache = new ResultCache(where, cacheGeneration(programmeJobs.flatMap((j, i) => (programmeBytes[i] ? [{ file: j.file, key: programmeKeys[i]! }] : []))));
    if (useGit && !pending) known = gitKeys(root);
    cache.load();
    if (pending) known = pending.wait();
  }
  const programmes = new Map<string, ProgrammeRecord>();
  const slots: (LoadedFile | undefined)[] = new Array(listed.length);
  const freshProgrammes: [string, FileResult][] = [];
  let p = 0;
  for (let i = 0; i < listed.length; i++) {
    const job = listed[i]!;
    if (job.kind !== 'programme') continue;
    const bytes = programmeBytes[p];
    const key = programmeKeys[p++]!;
    if (!bytes) continue;
    let result = cache?.get(cacheKey(job.kind, key));
    if (!result) {
      result = analyseBytes(job.kind, job.file, bytes, new Map());
      freshProgrammes.push([cacheKey(job.kind, key), result]);
    }
    slots[i] = { kind: job.kind, file: job.file, key, result };
    const data = result.ok ? resultData(result) : undefined;
    if (data && typeof data.id === 'string' && !programmes.has(data.id)) programmes.set(data.id, data as unknown as ProgrammeRecord);
  }

  const jobs: Job[] = [];
  const jobSlots: number[] = [];
  for (let i = 0; i < listed.length; i++) {
    const job = listed[i]!;
    if (job.kind === 'programme') continue;
    const key = known.get(job.file);
    const hit = key !== undefined && cache ? cache.get(cacheKey(job.kind, key)) : undefined;
    if (hit) slots[i] = { kind: job.kind, file: job.file, key: key!, result: hit };
    else {
      jobs.push(job);
      jobSlots.push(i);
    }
  }
  // Files whose key git did not give are read; a cached result for their content is still used (analyseFiles).
  const analysed: AnalyseResult = jobs.length ? analyseFiles(root, jobs, programmes, cache) : { outcomes: [], fresh: [], written: [], shards: [] };
  analysed.outcomes.forEach((o, j) => {
    if (o) slots[jobSlots[j]!] = { kind: jobs[j]!.kind, file: jobs[j]!.file, key: o.key, result: o.result };
  });
  const files: LoadedFile[] = [];
  for (const f of slots) if (f) files.push(f);
  if (cache) {
    for (const [k, v] of analysed.written) cache.entries.set(k, v);
    const fresh = [...freshProgrammes, ...analysed.fresh].filter(([k]) => !cache!.entries.has(k));
    if (fresh.length || analysed.shards.length || cache.entries.size > files.length) {
      const used = new Set<string>();
      for (const f of files) used.add(cacheKey(f.kind, f.key));
      cache.save(fresh, used, analysed.shards);
    }
  }
  Object.assign(lastLoad, { root, cache, programmeFiles: programmeSignature(programmeJobs.map((j, i) => [j.file, programmeKeys[i]!])) });
  Object.assign(loadStats, {
    files: listed.length, cacheHits: files.length - jobs.length - freshProgrammes.length, analysed: jobs.length + freshProgrammes.length,
    threads: threadCount(jobs.length), cacheEntries: cache?.entries.size ?? 0, gitKeys: known.size, ms: Math.round(performance.now() - started),
  });
  return { files, programmes, cache };
}
