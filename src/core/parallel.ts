import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { MessageChannel, Worker, isMainThread, receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { precheck, parseRecordText } from './yaml.js';
import { fastParse } from './fastyaml.js';
import { checkSchema } from './schemas.js';
import { localRuleIssues } from './validate.js';
import { RECORDS_DIR, type Kind } from './kinds.js';
import { ResultCache, blobId, cacheGeneration, cacheRoot, decodeShard, encodeShard, jsonSafe, resultData, type FileResult, type LazyShard, type LocalIssue } from './cache.js';
import type { ProgrammeRecord } from './types.generated.js';

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
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(path.join(root, file));
    } catch {
      return null;
    }
    const key = blobId(bytes);
    const cached = cache?.get(cacheKey(kind, key));
    if (cached) return { key, result: cached, hit: true };
    return { key, result: analyseBytes(kind, file, bytes, programmes) };
  });
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
  /** Cache folder and generation: the worker writes its results as a cache shard itself. */
  cache?: { root: string; generation: string };
}

interface WorkerOutput {
  /** The results, encoded as a cache shard (`[key, result][]`), one entry per analysed file. */
  shard?: { rows: string; data: string };
  /** Results JSON cannot carry exactly (structured clone can). */
  volatile?: [number, string, FileResult][];
  /** Per job: index into the shard list, or -1 when the file vanished. */
  index?: Int32Array;
  shardName?: string;
  error?: string;
}

const WORKER_FILE = fileURLToPath(import.meta.url);
/** Workers need the compiled module (under a TypeScript test runner the source cannot start a worker). */
const CAN_SPAWN = WORKER_FILE.endsWith('.js');

function workerMain(input: WorkerInput): void {
  const i32 = new Int32Array(input.flag);
  try {
    const outcomes = runJobs(input.root, input.jobs, new Map(input.programmes));
    const list: [string, FileResult][] = [];
    const volatile: [number, string, FileResult][] = [];
    const index = new Int32Array(outcomes.length);
    outcomes.forEach((o, i) => {
      if (!o) index[i] = -1;
      else if (o.result.ok && o.result.volatile) {
        index[i] = -2;
        volatile.push([i, o.key, o.result]);
      } else {
        index[i] = list.length;
        list.push([cacheKey(input.jobs[i]!.kind, o.key), o.result]);
      }
    });
    const shard = encodeShard(list);
    const shardName = input.cache ? new ResultCache(input.cache.root, input.cache.generation).writeShard(shard) : undefined;
    input.port.postMessage({ shard, index, volatile, shardName } satisfies WorkerOutput, [index.buffer]);
    Atomics.store(i32, 0, 1);
  } catch (err) {
    input.port.postMessage({ error: String((err as Error)?.message ?? err) } satisfies WorkerOutput);
    Atomics.store(i32, 0, 2);
  }
  Atomics.notify(i32, 0);
}

if (!isMainThread && (workerData as Partial<WorkerInput> | null)?.djycAnalyse) workerMain(workerData as WorkerInput);

/** How many threads to use for `n` files: 1 below the threshold or without compiled code. */
function threadCount(n: number): number {
  const min = Number(process.env.DJYC_PARALLEL_MIN ?? 3000);
  if (!CAN_SPAWN || n < min || process.env.DJYC_THREADS === '1') return 1;
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  const wanted = Number(process.env.DJYC_THREADS ?? cores);
  return Math.max(1, Math.min(wanted, 4, Math.ceil(n / 1000)));
}

export interface AnalyseResult {
  outcomes: Outcome[];
  /** Results computed here and not yet in the cache. */
  fresh: [string, FileResult][];
  /** Results the workers computed and already wrote as cache shards (named in `shards`). */
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
    const outcomes = runJobs(root, jobs, programmes, cache);
    const fresh: [string, FileResult][] = [];
    outcomes.forEach((o, i) => {
      if (o && !o.hit) fresh.push([cacheKey(jobs[i]!.kind, o.key), o.result]);
    });
    return { outcomes, fresh, written: [], shards: [] };
  }
  // The main thread takes a smaller share: it also has to take in the workers' results.
  const mainShare = Math.floor(jobs.length / threads * 0.8);
  const rest = jobs.length - mainShare;
  const per = Math.ceil(rest / (threads - 1));
  const started: { worker: Worker; port: MessagePort; flag: Int32Array; from: number; to: number }[] = [];
  for (let t = 0; t < threads - 1; t++) {
    const from = mainShare + t * per;
    const to = Math.min(jobs.length, from + per);
    if (from >= to) break;
    const flag = new SharedArrayBuffer(4);
    const { port1, port2 } = new MessageChannel();
    try {
      const input: WorkerInput = {
        djycAnalyse: true, root, jobs: jobs.slice(from, to), programmes: [...programmes], flag, port: port2,
        cache: cache ? { root: cache.root, generation: cache.generation } : undefined,
      };
      const worker = new Worker(WORKER_FILE, { workerData: input, transferList: [port2] });
      worker.unref();
      worker.on('error', () => {});
      started.push({ worker, port: port1, flag: new Int32Array(flag), from, to });
    } catch {
      port1.close();
      break;
    }
  }
  const outcomes: Outcome[] = new Array(jobs.length).fill(null);
  const fresh: [string, FileResult][] = [];
  const written: [string, FileResult][] = [];
  const shards: string[] = [];
  const doLocally = (from: number, to: number) => {
    const part = runJobs(root, jobs.slice(from, to), programmes, cache);
    part.forEach((o, i) => {
      outcomes[from + i] = o;
      if (o && !o.hit) fresh.push([cacheKey(jobs[from + i]!.kind, o.key), o.result]);
    });
  };
  const covered = started.length ? started[started.length - 1]!.to : mainShare;
  doLocally(0, mainShare);
  if (covered < jobs.length) doLocally(covered, jobs.length);
  const timeout = Number(process.env.DJYC_WORKER_TIMEOUT_MS ?? Math.max(60_000, jobs.length * 2));
  for (const w of started) {
    Atomics.wait(w.flag, 0, 0, timeout);
    const msg = receiveMessageOnPort(w.port)?.message as WorkerOutput | undefined;
    w.port.close();
    void w.worker.terminate().catch(() => {});
    if (Atomics.load(w.flag, 0) !== 1 || !msg?.shard || !msg.index) {
      doLocally(w.from, w.to);
      continue;
    }
    // The records' data stays JSON text until someone asks for it (validation needs only the facts).
    const lazy: LazyShard = { text: msg.shard.data };
    const list = decodeShard(msg.shard.rows, lazy);
    msg.index.forEach((ix, i) => {
      if (ix >= 0) outcomes[w.from + i] = { key: list[ix]![0].slice(list[ix]![0].indexOf('/') + 1), result: list[ix]![1] };
    });
    for (const [i, key, result] of msg.volatile ?? []) outcomes[w.from + i] = { key, result };
    if (msg.shardName) {
      shards.push(msg.shardName);
      written.push(...list);
    } else fresh.push(...list);
  }
  return { outcomes, fresh, written, shards };
}

// ---------------------------------------------------------------------------------------------------------------
// Content keys from git: for files git knows and whose stat data says unchanged, the index holds the blob id.

/** Blob ids of the tracked, unmodified files under `records/` (empty map when git is unavailable). */
export function gitKeys(root: string): Map<string, string> {
  const opts = { cwd: root, encoding: 'utf8' as const, maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] as ('ignore' | 'pipe')[], env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } };
  try {
    const listed = execFileSync('git', ['-c', 'core.quotepath=false', 'ls-files', '-s', '-z', '--', `${RECORDS_DIR}/`], opts);
    const dirty = execFileSync('git', ['-c', 'core.quotepath=false', 'diff-files', '--name-only', '-z', '--', `${RECORDS_DIR}/`], opts);
    return parseGitKeys(listed, dirty);
  } catch {
    return new Map();
  }
}

function parseGitKeys(listed: string, dirty: string): Map<string, string> {
  const keys = new Map<string, string>();
  const skip = new Set(dirty.split('\0'));
  for (const entry of listed.split('\0')) {
    // `<mode> <blob> <stage>\t<path>`; conflicted entries (stage ≠ 0) are read from disk instead.
    const tab = entry.indexOf('\t');
    if (tab < 0 || entry[tab - 1] !== '0') continue;
    const file = entry.slice(tab + 1);
    if (!skip.has(file)) keys.set(file, entry.slice(7, tab - 2));
  }
  return keys;
}

/** Git keys being computed by a background process (git's index read and stat pass overlap our own work). */
export interface PendingKeys {
  wait(): Map<string, string>;
  cancel(): void;
}

const SLEEP = new Int32Array(new SharedArrayBuffer(4));

/**
 * Starts `git ls-files -s` and `git diff-files` in the background (where there is a POSIX shell); `wait()` then
 * blocks until they are done and returns what gitKeys() would. Undefined when this cannot be done in background.
 */
export function startGitKeys(root: string): PendingKeys | undefined {
  if (process.platform === 'win32' || !fs.existsSync('/bin/sh') || !fs.existsSync(path.join(root, '.git'))) return undefined;
  let dir: string;
  try {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'djyc-keys-'));
  } catch {
    return undefined;
  }
  const script = [
    'git -c core.quotepath=false ls-files -s -z -- records/ > "$0/listed" 2>/dev/null & a=$!',
    'git -c core.quotepath=false diff-files --name-only -z -- records/ > "$0/dirty" 2>/dev/null; b=$?',
    'wait $a; c=$?',
    'echo "$c $b" > "$0/status.tmp" && mv "$0/status.tmp" "$0/status"',
  ].join('\n');
  let child: ReturnType<typeof spawn>;
  try {
    child = spawn('/bin/sh', ['-c', script, dir], { cwd: root, stdio: 'ignore', env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } });
    child.on('error', () => {});
    child.unref();
  } catch {
    fs.rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
  const cleanup = () => fs.rmSync(dir, { recursive: true, force: true });
  return {
    wait() {
      const status = path.join(dir, 'status');
      const deadline = Date.now() + 60_000;
      try {
        while (!fs.existsSync(status)) {
          if (Date.now() > deadline) return gitKeys(root);
          Atomics.wait(SLEEP, 0, 0, 2);
        }
        if (fs.readFileSync(status, 'utf8').trim() !== '0 0') return new Map();
        return parseGitKeys(fs.readFileSync(path.join(dir, 'listed'), 'utf8'), fs.readFileSync(path.join(dir, 'dirty'), 'utf8'));
      } catch {
        return new Map();
      } finally {
        cleanup();
      }
    },
    cancel() {
      try {
        child.kill();
      } catch {
        /* gone already */
      }
      cleanup();
    },
  };
}

/** The last loadFiles call's cache and programme files (changed.ts reuses them for the base version). */
export const lastLoad: { root?: string; cache?: ResultCache; programmeFiles?: string } = {};

/** What the last loadFiles call did (for benchmarks and `DJYC_STATS=1`). */
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
  const pending = useGit ? startGitKeys(root) : undefined;
  const programmeJobs = listed.filter((j) => j.kind === 'programme');
  const programmeBytes = programmeJobs.map((j) => {
    try {
      return fs.readFileSync(path.join(root, j.file));
    } catch {
      return null;
    }
  });
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
  if (process.env.DJYC_STATS === '1') process.stderr.write(`djyc load: ${JSON.stringify(loadStats)}\n`);
  return { files, programmes, cache };
}
