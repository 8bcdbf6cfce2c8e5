import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { TestRunner, afterAll, beforeAll } from 'vitest';
import type { Browser } from 'puppeteer-core';
import { endpointOf, launchBrowser, shareBrowser } from '../src/pdf/browser.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const BIN = path.join(ROOT, 'bin', 'djyc');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd?: string;
  env?: Record<string, string>;
  input?: string;
}

/** How long one call may take: the running test's own timeout (a call can never cut a test short), else the
 * longest hook of the suite. */
export function callTimeout(): number {
  return TestRunner.getCurrentTest()?.timeout ?? 600_000;
}

/** The environment a call gets: the test process's, without colour, as on a CI machine, plus the call's own. */
function callEnv(opts: CliOptions): Record<string, string> {
  return { ...(process.env as Record<string, string>), NO_COLOR: '1', CI: '1', ...opts.env };
}

/** Where a call runs unless told: an empty folder of its own, so that no test depends by accident on the package
 * root (itself a records repository) as its working repository. */
let neutral: string | undefined;
function defaultCwd(): string {
  neutral ??= fs.mkdtempSync(path.join(os.tmpdir(), 'djyc-cwd-'));
  return neutral;
}

/** Variables the CLI reads once, when its modules load: a call that sets one needs a process of its own. */
const LOAD_TIME_ENV = ['DJYC_EXTB_FONT'];

/**
 * Runs the built CLI as a user would, without a terminal: the same code as bin/djyc (dist/cli/main.js) with the
 * same argv, working folder and environment, its output and exit code — in a thread of this process
 * (scripts/cli-thread.mjs) rather than a new node, which would load every module again. djycSpawn() runs the
 * real binary, for the tests where the process itself is the point.
 */
export function djyc(args: string[], opts: CliOptions = {}): CliResult {
  const env = callEnv(opts);
  if (opts.input || LOAD_TIME_ENV.some((k) => k in (opts.env ?? {}))) return djycSpawn(args, opts);
  return cliThread().call({ kind: 'run', args, cwd: path.resolve(opts.cwd ?? defaultCwd()), env });
}

/** Runs bin/djyc in a new process. Not in the unit tier, which spawns no djyc. */
export function djycSpawn(args: string[], opts: CliOptions = {}): CliResult {
  if (process.env.DJYC_TEST_TIER === 'unit') throw new Error(`djyc ${args.join(' ')}: the unit tier spawns no djyc process; this test belongs in the cli or slow tier`);
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? defaultCwd(),
    env: callEnv(opts),
    input: opts.input ?? '',
    encoding: 'utf8',
    timeout: callTimeout(),
  });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

interface Thread {
  call<T = CliResult>(req: object): T;
  worker: Worker;
  /** The endpoint of the worker's browser the thread was given. */
  browser?: string;
}
let thread: Thread | undefined;

/** The CLI thread of this test worker, started on first use. */
function cliThread(): Thread {
  if (thread) return thread;
  const signal = new SharedArrayBuffer(4);
  const done = new Int32Array(signal);
  const { port1, port2 }: { port1: MessagePort; port2: MessagePort } = new MessageChannel();
  const worker = new Worker(new URL('../scripts/cli-thread.mjs', import.meta.url), { workerData: { root: ROOT, port: port2, signal, shareBrowser: true }, transferList: [port2], stdout: false, stderr: false });
  worker.unref();
  let failure: unknown;
  worker.on('error', (err) => (failure = err));
  const t: Thread = {
    worker,
    call<T>(req: object): T {
      Atomics.store(done, 0, 0);
      port1.postMessage(req);
      const timeout = callTimeout();
      if (Atomics.wait(done, 0, 0, timeout) === 'timed-out') {
        thread = undefined;
        void worker.terminate();
        throw new Error(`djyc ${(req as { args?: string[] }).args?.join(' ') ?? ''}: no answer within ${timeout} ms`);
      }
      const msg = receiveMessageOnPort(port1)?.message as (T & { error?: string }) | undefined;
      if (!msg || msg.error) throw new Error(`the CLI thread failed: ${msg?.error ?? String(failure ?? 'no reply')}`);
      return msg;
    },
  };
  thread = t;
  giveBrowser(t);
  return t;
}

/**
 * The browser of this test worker, for tests that print in-process: launched on first use, shared by the test
 * thread (src/pdf/browser.ts launchBrowser) and the CLI thread (djyc() commands that print), closed when the
 * test file ends (test/support/worker-setup.ts).
 */
export async function workerBrowser(): Promise<Browser> {
  shareBrowser();
  const browser = await launchBrowser();
  workerEndpoint = await endpointOf(browser);
  // Without an endpoint the CLI thread would quietly launch a second Chromium for every file that prints.
  if (!workerEndpoint) throw new Error('the worker browser has no DevTools endpoint for the CLI thread to connect to');
  // The CLI thread gets it now if it runs, else when it starts.
  if (thread) giveBrowser(thread);
  return browser;
}
let workerEndpoint: string | undefined;

function giveBrowser(t: Thread): void {
  if (!workerEndpoint || t.browser === workerEndpoint) return;
  t.call({ kind: 'share-browser', wsEndpoint: workerEndpoint });
  t.browser = workerEndpoint;
}

/** Closes the CLI thread's browser; true when it had one. */
export function closeCliBrowser(): boolean {
  workerEndpoint = undefined;
  if (!thread) return false;
  thread.browser = undefined;
  return thread.call<{ closed: boolean }>({ kind: 'close-browser' }).closed;
}

/**
 * Waits until the requests pages of `browser` made so far have reached the loopback server at `origin` (instead of
 * sleeping): a page of our own loads `${origin}/barrier` through the same network service, so once its answer is
 * back, a request made before it has arrived too. The server should not count /barrier.
 */
export async function requestBarrier(browser: Browser, origin: string): Promise<void> {
  const page = await browser.newPage();
  try {
    // A fetch, not a navigation: a page load would also ask for /favicon.ico.
    await page.evaluate((url) => fetch(url, { mode: 'no-cors' }).then(() => undefined), `${origin}/barrier`);
  } finally {
    await page.close();
  }
}

/** A fresh temporary folder, removed by the caller's afterAll if wanted. */
export function tempDir(prefix = 'djyc-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A new records repository made with `djyc init`. */
export function initRepo(preset: string, year: number): string {
  const dir = path.join(tempDir(), 'repo');
  const r = djyc(['init', dir, '--programme', preset, '--year', String(year)]);
  if (r.code !== 0) throw new Error(`init failed: ${r.stderr}`);
  return dir;
}

export function git(cwd: string, args: string[]): string {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

export function readJson<T = any>(text: string): T {
  return JSON.parse(text) as T;
}

let pathDir: string | undefined;
/**
 * A PATH on which `djyc` is this checkout's bin/djyc (a folder holding one link, made once per worker): what an
 * installed hook finds when djyc is installed globally. Hooks name no path of the machine, so tests that commit
 * or push through one put djyc on the PATH this way (or in the repository's node_modules/.bin).
 */
export function pathWithDjyc(base = process.env.PATH ?? ''): string {
  if (!pathDir) {
    pathDir = fs.mkdtempSync(path.join(os.tmpdir(), 'djyc-path-'));
    fs.symlinkSync(BIN, path.join(pathDir, 'djyc'));
    const dir = pathDir;
    process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  }
  return `${pathDir}${path.delimiter}${base}`;
}

/**
 * A tool the tests need and scripts/setup.sh installs (`npm test` runs it first): missing, the test file fails and
 * says so, rather than skipping and hiding a missing install step.
 */
export function requireTool(ok: boolean, what: string): void {
  if (!ok) throw new Error(`${what} is missing: scripts/setup.sh installs it (as root or with password-less sudo), or install it by hand`);
}

/** Environment variables set for the enclosing suite (from its first beforeAll) and restored after it. */
export function useEnv(vars: Record<string, string>): void {
  const saved: Record<string, string | undefined> = {};
  beforeAll(() => {
    for (const [k, v] of Object.entries(vars)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
  });
  afterAll(() => {
    for (const k of Object.keys(vars)) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });
}
