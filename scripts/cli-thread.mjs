// The built CLI (dist/cli/main.js, what bin/djyc runs) in a worker thread: one call at a time, each with its own
// argv, working folder, environment, standard output and error and exit code — without starting node and loading
// every module again for each of the hundreds of calls a test file (test/helpers.ts djyc()) or an example build
// (scripts/make-examples.mjs --threads) makes.
//
// workerData: { root: the package folder whose dist/ to run, port: a MessagePort for requests and replies,
// signal?: a SharedArrayBuffer flagged (Atomics.notify) after each reply, for a caller that waits synchronously,
// shareBrowser?: commands that print share one browser, closed by a 'close-browser' request }.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { workerData } from 'node:worker_threads';

const { root, port, signal, shareBrowser } = workerData;
const done = signal ? new Int32Array(signal) : undefined;
const bin = path.join(root, 'bin', 'djyc');

// Every module of the build, loaded once: what they set in process.env while loading (e.g. GIT_OPTIONAL_LOCKS)
// is set again for each call, as a fresh `djyc` process would have it.
let main;
let browser;
let loadTimeEnv = {};
let startup;
try {
  const before = { ...process.env };
  const files = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.js')) files.push(p);
    }
  };
  walk(path.join(root, 'dist'));
  for (const f of files.sort()) await import(pathToFileURL(f).href);
  loadTimeEnv = Object.fromEntries(Object.entries(process.env).filter(([k, v]) => before[k] !== v));
  ({ main } = await import(pathToFileURL(path.join(root, 'dist', 'cli', 'main.js')).href));
  browser = await import(pathToFileURL(path.join(root, 'dist', 'pdf', 'browser.js')).href);
  // Commands that print share one browser, launched when first needed, closed when asked (end of a test file).
  if (shareBrowser) browser.shareBrowser();
} catch (err) {
  startup = err;
}

const realCwd = process.cwd;
const realExit = process.exit;
const streams = [process.stdout, process.stderr];
const realWrites = streams.map((s) => s.write);

class Exit extends Error {
  constructor(code) {
    super(`process.exit(${code})`);
    this.code = code;
  }
}

/** Whatever escapes a command (a rejection nobody awaited, an exception in a callback) fails the call, as it
 * would end a real process with exit code 1 and the error on standard error. */
let escaped;
process.on('uncaughtException', (err) => (escaped ??= err));
process.on('unhandledRejection', (err) => (escaped ??= err));

async function run({ args, cwd, env }) {
  const out = [[], []];
  streams.forEach((s, i) => {
    s.write = (chunk, encoding, cb) => {
      out[i].push(typeof chunk === 'string' ? Buffer.from(chunk, typeof encoding === 'string' ? encoding : 'utf8') : Buffer.from(chunk));
      const callback = typeof encoding === 'function' ? encoding : cb;
      if (callback) queueMicrotask(() => callback());
      return true;
    };
  });
  for (const k of Object.keys(process.env)) if (!(k in env)) delete process.env[k];
  Object.assign(process.env, env);
  for (const [k, v] of Object.entries(loadTimeEnv)) if (!(k in env)) process.env[k] = v;
  process.cwd = () => cwd;
  process.exit = (code) => {
    throw new Exit(code ?? process.exitCode ?? 0);
  };
  process.argv = [process.execPath, bin, ...args];
  process.exitCode = undefined;
  escaped = undefined;
  let code;
  try {
    await main([process.execPath, bin, ...args]);
    // Let callbacks the command left behind run, as they would before a real process exits.
    await new Promise((resolve) => setImmediate(resolve));
    code = process.exitCode ?? 0;
  } catch (err) {
    if (err instanceof Exit) code = Number(err.code) || 0;
    else escaped ??= err;
  }
  if (escaped) {
    out[1].push(Buffer.from(`${escaped?.stack ?? escaped}\n`));
    code = 1;
  }
  streams.forEach((s, i) => (s.write = realWrites[i]));
  process.cwd = realCwd;
  process.exit = realExit;
  process.exitCode = undefined;
  return { code: Number(code), stdout: Buffer.concat(out[0]).toString('utf8'), stderr: Buffer.concat(out[1]).toString('utf8') };
}

port.on('message', async (req) => {
  let reply;
  try {
    if (startup) throw startup;
    if (req.kind === 'run') reply = await run(req);
    else if (req.kind === 'share-browser') {
      // The test thread's browser, by its endpoint: one Chromium for the whole test worker.
      const { default: puppeteer } = await import('puppeteer-core');
      const given = await puppeteer.connect({ browserWSEndpoint: req.wsEndpoint, protocolTimeout: 180_000 });
      await browser.closeSharedBrowser();
      browser.shareBrowser(given);
      reply = { ok: true };
    } else if (req.kind === 'close-browser') {
      reply = { closed: await browser.closeSharedBrowser() };
      if (shareBrowser) browser.shareBrowser();
    } else throw new Error(`unknown request ${req.kind}`);
  } catch (err) {
    reply = { error: String(err?.stack ?? err) };
  }
  port.postMessage(reply);
  if (done) {
    Atomics.store(done, 0, 1);
    Atomics.notify(done, 0);
  }
});
