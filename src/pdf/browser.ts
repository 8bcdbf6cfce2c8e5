/**
 * Finding and launching Chromium. puppeteer-core is imported lazily so that commands which never print a
 * PDF do not pay for loading it.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'puppeteer-core';
import { EnvironmentError } from '../domain/errors.js';
import type { Lang } from '../domain/i18n.js';
import { BROWSER_INSTALL, BROWSER_LOCATIONS, discoverBrowser, platformOf, realHost, type BrowserPlatform } from './discovery.js';


/** The Linux install places (kept for the tests and benchmarks that list what is installed here). */
export const CHROMIUM_PATHS = BROWSER_LOCATIONS.linux.filter((l) => l.root === '').map((l) => l.rel);

/**
 * No browser to print with: an environment error (exit 2) that lists what was searched and says how to install
 * one on this platform — or, when DJYC_BROWSER / PUPPETEER_EXECUTABLE_PATH names no usable browser, says so
 * (nothing else is tried then).
 */
export class BrowserNotFoundError extends EnvironmentError {
  constructor(
    readonly searched: string[],
    /** The variable's value when DJYC_BROWSER or PUPPETEER_EXECUTABLE_PATH names no usable browser. */
    readonly fromEnv?: string,
    readonly platform: BrowserPlatform = platformOf(),
    readonly variable: string = 'PUPPETEER_EXECUTABLE_PATH',
  ) {
    const install = BROWSER_INSTALL[platform];
    super(
      fromEnv
        ? `环境变量 ${variable} 指向的 ${fromEnv} 不存在或不可执行，无法生成 PDF（不会改用其他浏览器）。\n` +
            '请把它改为已安装的 Chrome、Chromium 或 Edge 可执行文件，或删除这个变量让 djyc 自动查找。'
        : '找不到 Chromium、Chrome 或 Microsoft Edge 浏览器，无法生成 PDF。请安装一个：\n' +
            install.zh.map((l) => `  ${l}\n`).join('') +
            '或设置环境变量 DJYC_BROWSER 指向已安装浏览器的可执行文件（djyc doctor 可检查）。\n' +
            `已查找：${searched.join('、')}`,
      fromEnv
        ? `${variable} names ${fromEnv}, which does not exist or is not executable, so PDFs cannot be made (no other browser is tried).\n` +
            'Point it at an installed Chrome, Chromium or Edge executable, or unset it to let djyc look for one.'
        : 'No Chromium, Chrome or Microsoft Edge browser found, so PDFs cannot be made. Install one:\n' +
            install.en.map((l) => `  ${l}\n`).join('') +
            'or set DJYC_BROWSER to the executable of an installed browser (djyc doctor checks it).\n' +
            `Searched: ${searched.join(', ')}`,
    );
  }
}

/** Path of a usable browser, or throws BrowserNotFoundError. `places` replaces the install places and the PATH (tests). */
export function findChromium(_lang: Lang = 'zh', env: NodeJS.ProcessEnv = process.env, places?: readonly string[]): string {
  const host = realHost(env);
  const found = discoverBrowser(host, { places });
  if (found.ok) return found.file;
  throw new BrowserNotFoundError(found.searched, found.fromEnv?.value, host.platform, found.fromEnv?.variable);
}

export function chromiumArgs(userDataDir: string): string[] {
  const args = [
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-gpu',
    '--disable-dev-shm-usage',
    '--disable-extensions',
    '--mute-audio',
    `--user-data-dir=${userDataDir}`,
  ];
  // Chromium refuses to start as root with its sandbox on; as an ordinary user keep the sandbox.
  if (typeof process.getuid === 'function' && process.getuid() === 0) args.unshift('--no-sandbox');
  return args;
}

// Profiles still on disk; removed on close, on disconnect, and as a last resort when Node exits.
const liveProfiles = new Set<string>();
const profileOf = new WeakMap<Browser, string>();
let exitHookInstalled = false;

function removeProfile(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true, maxRetries: 3, retryDelay: 50 });
  } catch {
    // Chromium may still be writing while it dies; the exit hook tries again.
    return;
  }
  liveProfiles.delete(dir);
}

export interface LaunchOptions {
  lang?: Lang;
  executablePath?: string;
  /** Extra command-line switches (tests, debugging). */
  extraArgs?: string[];
  /** DevTools also over a WebSocket (a browser other threads connect to by its endpoint, see endpointOf). */
  webSocket?: boolean;
}

/**
 * Launches a headless Chromium with a fresh temporary profile, which is deleted when the browser closes or
 * dies (while sharing: hands out the shared browser, see shareBrowser). Throws BrowserNotFoundError when there
 * is no browser.
 */
export async function launchBrowser(opts: LaunchOptions = {}): Promise<Browser> {
  if (sharing && !opts.executablePath && !opts.extraArgs) return sharedBrowser(opts);
  return launchOwn(opts);
}

/** A browser being launched in the background (startBrowser). */
export interface EarlyBrowser {
  /** The browser, or undefined when it could not be launched (the caller's own launch then reports why). */
  browser(): Promise<Browser | undefined>;
  /** Closes it (once it is up). */
  close(): Promise<void>;
}

/**
 * Launches a browser and returns as soon as Chromium's process is started, so it boots while the caller does
 * synchronous work (loading records): a form then waits for the longer of the two, not for their sum.
 */
export async function startBrowser(opts: LaunchOptions = {}): Promise<EarlyBrowser> {
  // Loaded first: the launch then reaches the spawn in a few promise turns, without I/O to wait for.
  await import('puppeteer-core');
  const launching = launchBrowser(opts).catch(() => undefined);
  await new Promise((resolve) => setImmediate(resolve));
  return {
    browser: () => launching,
    close: async () => {
      const b = await launching;
      if (b) await closeBrowser(b);
    },
  };
}

// One browser for the whole process, for a host that prints again and again (a test worker): while sharing,
// launchBrowser() hands out this browser — the one given to shareBrowser(), else one launched on first use and
// again if it died — and closeBrowser() leaves it open. closeSharedBrowser() ends it.
let sharing = false;
let shared: { browser: Promise<Browser>; given: boolean } | undefined;

export function shareBrowser(browser?: Browser): void {
  sharing = true;
  if (browser) shared = { browser: Promise.resolve(browser), given: true };
}

async function sharedBrowser(opts: LaunchOptions): Promise<Browser> {
  const current = shared;
  const b = await current?.browser.catch(() => undefined);
  if (b?.connected) return b;
  // Shared by endpoint with the host's other threads (a test worker's CLI thread): a WebSocket beside the pipe.
  if (shared === current) shared = { browser: launchOwn({ ...opts, webSocket: true }), given: false };
  return shared!.browser;
}

function isShared(browser: Browser): Promise<boolean> {
  return shared ? shared.browser.then((b) => b === browser, () => false) : Promise.resolve(false);
}

/**
 * Stops handing out the shared browser but leaves it running: the next shareBrowser() without a browser takes it up
 * again if it is still connected (a test worker between two files: no second launch, its pages keep their fonts).
 * It ends with the process (its DevTools pipe closes, even on kill -9) or with closeSharedBrowser().
 */
export function pauseSharing(): void {
  sharing = false;
}

/** Stops sharing; closes the browser launched for sharing (one given to shareBrowser() is only disconnected).
 * True when there was one. */
export async function closeSharedBrowser(): Promise<boolean> {
  const current = shared;
  sharing = false;
  shared = undefined;
  const b = await current?.browser.catch(() => undefined);
  if (!b) return false;
  if (current!.given) await b.disconnect().catch(() => undefined);
  else await closeBrowser(b);
  return true;
}

/** The switch that gives a shared browser its WebSocket port (one the system picks; endpointOf reads it back). */
const ANY_PORT = '--remote-debugging-port=0';

async function launchOwn(opts: LaunchOptions): Promise<Browser> {
  const executablePath = opts.executablePath ?? findChromium(opts.lang);
  if (!existsSync(executablePath)) throw new BrowserNotFoundError([executablePath]);
  const { default: puppeteer } = await import('puppeteer-core');
  const profile = mkdtempSync(path.join(os.tmpdir(), 'djyc-chromium-'));
  liveProfiles.add(profile);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const dir of liveProfiles) removeProfile(dir);
    });
  }
  let browser: Browser;
  try {
    browser = await puppeteer.launch({
      executablePath,
      headless: true,
      // We pass --user-data-dir ourselves so that puppeteer does not make (and keep) its own profile.
      // DevTools over a pipe: no TCP port, no frame masking of the documents and PDFs it carries, and Chromium ends
      // when the pipe closes — also when this process is killed. A shared browser opens a port as well, for the
      // host's other threads; puppeteer still talks over the pipe (it does when the switch is among the args).
      args: [...chromiumArgs(profile), ...(opts.webSocket ? ['--remote-debugging-pipe', ANY_PORT] : []), ...(opts.extraArgs ?? [])],
      // The PDF engine installs its own per-operation timeouts; keep CDP's own one as a backstop.
      protocolTimeout: 180_000,
      pipe: true,
      handleSIGINT: true,
      handleSIGTERM: true,
      handleSIGHUP: true,
    });
  } catch (err) {
    removeProfile(profile);
    throw err;
  }
  profileOf.set(browser, profile);
  browser.once('disconnected', () => {
    // The process may take a moment to release the profile; rmSync retries briefly.
    const proc = browser.process();
    if (proc && proc.exitCode === null && proc.signalCode === null) {
      proc.once('exit', () => removeProfile(profile));
    } else {
      removeProfile(profile);
    }
  });
  return browser;
}

/**
 * The WebSocket endpoint of a browser launched with `webSocket` (Chromium writes its port and path to the profile's
 * DevToolsActivePort once it listens), or undefined when it has none.
 */
export async function endpointOf(browser: Browser): Promise<string | undefined> {
  if (browser.wsEndpoint()) return browser.wsEndpoint();
  const profile = profileOf.get(browser);
  if (!profile || !browser.process()?.spawnargs.includes(ANY_PORT)) return undefined;
  for (let waited = 0; waited < 10_000 && browser.connected; waited += 50) {
    try {
      const [port, target] = readFileSync(path.join(profile, 'DevToolsActivePort'), 'utf8').split('\n');
      if (port && target?.startsWith('/devtools/browser/')) return `ws://127.0.0.1:${port.trim()}${target.trim()}`;
    } catch {
      /* not written yet */
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return undefined;
}

/** Closes a browser, ending its process even when it no longer answers, and deletes its profile. */
export async function closeBrowser(browser: Browser): Promise<void> {
  if (sharing && (await isShared(browser))) return;
  const proc = browser.process();
  try {
    await Promise.race([browser.close(), new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
  } catch {
    // already gone
  }
  if (proc && proc.exitCode === null && proc.signalCode === null) {
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGKILL');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
  }
  const profile = profileOf.get(browser);
  if (profile) removeProfile(profile);
}
