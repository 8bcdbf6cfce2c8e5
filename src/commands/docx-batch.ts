/**
 * Writing many .docx forms: the main thread builds views and stamps (fast), and the Word files — whose cost is mostly
 * the docx package assembling and zipping each document — are made on the main thread and, for a large batch, on
 * worker threads as well, one per further core. Each job ends exactly once, as written or failed with a reason.
 */
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { writeAtomic } from '../store/files.js';
import { loadLayout } from '../output/forms/layout.js';
import { qrPng, type Stamp } from '../output/forms/verification.js';
import { formDocxChildren } from '../output/docx/form.js';
import { docxDocument } from '../output/docx/document.js';

export interface DocxJob {
  /** Layout name (the programme form's `template`). */
  layout: string;
  view: Record<string, unknown>;
  stamp?: Stamp;
  title: string;
  out: string;
}

export interface DocxResult {
  ok: boolean;
  bytes?: number;
  error?: string;
}

/** Makes and writes one form's .docx. */
export async function writeDocx(job: DocxJob): Promise<DocxResult> {
  try {
    const children = formDocxChildren(loadLayout(job.layout), job.view);
    const data = await docxDocument([{ children, stamp: job.stamp, qr: job.stamp ? qrPng(job.stamp.text) : undefined }], {
      title: job.title,
      keywords: job.stamp ? [`djyc-verify:${job.stamp.code}`] : [],
    });
    writeAtomic(job.out, data);
    return { ok: true, bytes: data.length };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

const WORKER_FILE = fileURLToPath(import.meta.url);
/** Workers need the compiled module (under a TypeScript test runner the source cannot start a worker). */
const CAN_SPAWN = WORKER_FILE.endsWith('.js');
/** Below this many forms a worker's start-up (loading the docx package) costs more than it saves. */
const MIN_FOR_WORKERS = 40;

interface WorkerMessage {
  index: number;
  result: DocxResult;
}

if (!isMainThread && (workerData as { djycDocx?: boolean } | null)?.djycDocx && parentPort) {
  const port = parentPort;
  port.on('message', (msg: { index: number; job: DocxJob }) => {
    void writeDocx(msg.job).then((result) => port.postMessage({ index: msg.index, result } satisfies WorkerMessage));
  });
}

export interface BatchOptions {
  /** Threads in all, the main one included (default: one per core, at most 4). */
  threads?: number;
  onDone?: (index: number, result: DocxResult) => void;
}

/**
 * Writes every job; results in job order. Jobs are handed out one at a time from a shared queue, so that a slow
 * document does not hold up the others; a worker that dies has its job done again on the main thread.
 */
export async function writeDocxBatch(jobs: DocxJob[], opts: BatchOptions = {}): Promise<DocxResult[]> {
  const results: Array<DocxResult | undefined> = new Array(jobs.length);
  const finish = (i: number, r: DocxResult) => {
    if (results[i]) return;
    results[i] = r;
    opts.onDone?.(i, r);
  };
  let next = 0;
  const take = (): number | undefined => (next < jobs.length ? next++ : undefined);

  const threads = Math.max(1, Math.min(opts.threads ?? Math.min(4, os.availableParallelism()), jobs.length));
  const helpers = CAN_SPAWN && threads > 1 && jobs.length >= MIN_FOR_WORKERS ? workerPool(threads - 1) : [];
  const working = helpers.map((w) => w.drain(jobs, take, finish));
  // The main thread works too.
  for (let i = take(); i !== undefined; i = take()) finish(i, await writeDocx(jobs[i]!));
  await Promise.all(working);
  // Anything a dead worker left behind.
  for (let i = 0; i < jobs.length; i++) if (!results[i]) finish(i, await writeDocx(jobs[i]!));
  return results as DocxResult[];
}

/**
 * A worker thread kept for the life of the process (starting one loads the docx package, which costs more than
 * a few forms): referenced while it works, so that the process waits for it, and unreferenced when idle, so that
 * it never keeps the process alive.
 */
class PoolWorker {
  private worker?: Worker;
  private waiting?: (m: WorkerMessage | undefined) => void;

  private start(): Worker | undefined {
    if (this.worker) return this.worker;
    try {
      const w = new Worker(WORKER_FILE, { workerData: { djycDocx: true }, resourceLimits: { maxYoungGenerationSizeMb: 48 } });
      w.on('message', (m: WorkerMessage) => this.waiting?.(m));
      w.on('error', () => undefined);
      w.on('exit', () => {
        if (this.worker === w) this.worker = undefined;
        this.waiting?.(undefined);
      });
      w.unref();
      this.worker = w;
      return w;
    } catch {
      return undefined;
    }
  }

  /** Takes jobs from the queue until it is empty (or the worker dies). */
  async drain(jobs: DocxJob[], take: () => number | undefined, finish: (i: number, r: DocxResult) => void): Promise<void> {
    const w = this.start();
    if (!w) return;
    w.ref();
    try {
      for (let i = take(); i !== undefined; i = take()) {
        const reply = await new Promise<WorkerMessage | undefined>((resolve) => {
          this.waiting = resolve;
          w.postMessage({ index: i, job: jobs[i]! });
        });
        this.waiting = undefined;
        if (!reply) return; // died: the job is done again on the main thread
        finish(reply.index, reply.result);
      }
    } finally {
      w.unref();
    }
  }
}

const pool: PoolWorker[] = [];
function workerPool(n: number): PoolWorker[] {
  while (pool.length < n) pool.push(new PoolWorker());
  return pool.slice(0, n);
}
