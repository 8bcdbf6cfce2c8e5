/**
 * Where a Chromium-family browser (Chrome, Chromium, Microsoft Edge, and the Chromium-based browsers of UOS and
 * Kylin) is found on each platform: one table, searched in order — the user's choice (DJYC_BROWSER, then
 * PUPPETEER_EXECUTABLE_PATH), the usual install places, then the PATH. The file system is a parameter so that
 * every platform's search can be tested on any machine.
 */
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';

export type BrowserPlatform = 'win32' | 'darwin' | 'linux';

/** A place a browser is installed: a root (an environment variable, a fixed folder, or the home folder) and a path under it. */
export interface BrowserLocation {
  /** `%ProgramFiles%`-style environment variable, `~` for the home folder, or '' for an absolute path. */
  root: string;
  /** Under the root, in the platform's own separators. */
  rel: string;
  /** What it is, for the doctor's table and the error. */
  name: string;
}

const WINDOWS_ROOTS = ['ProgramFiles', 'ProgramFiles(x86)', 'LocalAppData'];
const WINDOWS_APPS: [string, string][] = [
  ['Microsoft\\Edge\\Application\\msedge.exe', 'Microsoft Edge'],
  ['Google\\Chrome\\Application\\chrome.exe', 'Google Chrome'],
  ['Chromium\\Application\\chrome.exe', 'Chromium'],
];
const MAC_APPS: [string, string][] = [
  ['Google Chrome.app/Contents/MacOS/Google Chrome', 'Google Chrome'],
  ['Microsoft Edge.app/Contents/MacOS/Microsoft Edge', 'Microsoft Edge'],
  ['Chromium.app/Contents/MacOS/Chromium', 'Chromium'],
];

/** The install places, per platform, in the order they are tried. */
export const BROWSER_LOCATIONS: Record<BrowserPlatform, BrowserLocation[]> = {
  // Edge first: it comes with Windows 10 and 11. Each browser installs machine-wide or for one user.
  win32: WINDOWS_APPS.flatMap(([rel, name]) => WINDOWS_ROOTS.map((root) => ({ root: `%${root}%`, rel, name }))),
  darwin: MAC_APPS.flatMap(([rel, name]) => [
    { root: '', rel: `/Applications/${rel}`, name },
    { root: '~', rel: `Applications/${rel}`, name },
  ]),
  linux: [
    // Debian's real binary first: the /usr/bin/chromium wrapper script prints a warning.
    { root: '', rel: '/usr/lib/chromium/chromium', name: 'Chromium (Debian)' },
    { root: '', rel: '/usr/bin/chromium', name: 'Chromium' },
    { root: '', rel: '/usr/bin/chromium-browser', name: 'Chromium' },
    { root: '', rel: '/usr/lib64/chromium-browser/chromium-browser', name: 'Chromium (Fedora)' },
    { root: '', rel: '/opt/google/chrome/chrome', name: 'Google Chrome' },
    { root: '', rel: '/usr/bin/google-chrome-stable', name: 'Google Chrome' },
    { root: '', rel: '/usr/bin/google-chrome', name: 'Google Chrome' },
    { root: '', rel: '/opt/microsoft/msedge/msedge', name: 'Microsoft Edge' },
    { root: '', rel: '/usr/bin/microsoft-edge-stable', name: 'Microsoft Edge' },
    { root: '', rel: '/usr/bin/microsoft-edge', name: 'Microsoft Edge' },
    // Snap (Ubuntu's chromium-browser package installs the snap) and Flatpak, system-wide and per user.
    { root: '', rel: '/snap/bin/chromium', name: 'Chromium (snap)' },
    { root: '', rel: '/var/lib/snapd/snap/bin/chromium', name: 'Chromium (snap)' },
    { root: '', rel: '/var/lib/flatpak/exports/bin/org.chromium.Chromium', name: 'Chromium (Flatpak)' },
    { root: '~', rel: '.local/share/flatpak/exports/bin/org.chromium.Chromium', name: 'Chromium (Flatpak)' },
    { root: '', rel: '/var/lib/flatpak/exports/bin/com.google.Chrome', name: 'Google Chrome (Flatpak)' },
    { root: '', rel: '/var/lib/flatpak/exports/bin/com.microsoft.Edge', name: 'Microsoft Edge (Flatpak)' },
    // The Chromium-based browsers of the domestic systems (the vendors' packages): UOS's own browser, 奇安信可信浏览器
    // (Kylin's default), 360 安全浏览器.
    { root: '', rel: '/usr/bin/browser', name: '统信浏览器 (UOS)' },
    { root: '', rel: '/opt/apps/org.deepin.browser/files/browser', name: '统信浏览器 (UOS)' },
    { root: '', rel: '/usr/bin/qaxbrowser-safe-stable', name: '奇安信可信浏览器' },
    { root: '', rel: '/opt/qianxin.com/qaxbrowser/qaxbrowser-safe', name: '奇安信可信浏览器' },
    { root: '', rel: '/opt/qianxin.com/qaxbrowser/qaxbrowser', name: '奇安信可信浏览器' },
    { root: '', rel: '/usr/bin/browser360-cn-stable', name: '360 安全浏览器' },
  ],
};

/** Command names looked up on the PATH after the install places. */
export const BROWSER_COMMANDS: Record<BrowserPlatform, string[]> = {
  win32: ['msedge', 'chrome', 'chromium'],
  darwin: ['google-chrome', 'chromium', 'microsoft-edge'],
  linux: ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome', 'microsoft-edge-stable', 'microsoft-edge'],
};

/** How to get a browser, per platform (shown when none is found). */
export const BROWSER_INSTALL: Record<BrowserPlatform, { zh: string[]; en: string[] }> = {
  win32: {
    zh: ['Windows 10/11 自带 Microsoft Edge；若已被移除，请从微软官网重新安装 Edge，或安装 Google Chrome'],
    en: ['Windows 10 and 11 come with Microsoft Edge; if it was removed, install Edge again from Microsoft, or install Google Chrome'],
  },
  darwin: {
    zh: ['安装 Google Chrome 或 Microsoft Edge 到“应用程序”文件夹，或：brew install --cask chromium'],
    en: ['install Google Chrome or Microsoft Edge into /Applications, or: brew install --cask chromium'],
  },
  linux: {
    zh: [
      'Debian、统信 UOS、银河麒麟：sudo apt-get install chromium',
      'Ubuntu：sudo snap install chromium　　Fedora：sudo dnf install chromium',
      '或安装 Google Chrome、Microsoft Edge 的 Linux 版',
    ],
    en: [
      'Debian, UOS, Kylin: sudo apt-get install chromium',
      'Ubuntu: sudo snap install chromium    Fedora: sudo dnf install chromium',
      'or install the Linux build of Google Chrome or Microsoft Edge',
    ],
  },
};

/** What discovery may look at: a platform, its environment and a file system (the real one by default). */
export interface DiscoveryHost {
  platform: BrowserPlatform;
  env: NodeJS.ProcessEnv;
  /** Whether a file is there and may be run. */
  isExecutable(file: string): boolean;
}

export function platformOf(p: NodeJS.Platform = process.platform): BrowserPlatform {
  return p === 'win32' ? 'win32' : p === 'darwin' ? 'darwin' : 'linux';
}

/** The machine djyc runs on. */
export function realHost(env: NodeJS.ProcessEnv = process.env): DiscoveryHost {
  const platform = platformOf();
  return {
    platform,
    env,
    isExecutable(file) {
      try {
        if (!statSync(file).isFile()) return false;
        // Windows has no execute bit: a file is enough.
        if (platform !== 'win32') accessSync(file, constants.X_OK);
        return true;
      } catch {
        return false;
      }
    },
  };
}

function pathsOf(platform: BrowserPlatform) {
  return platform === 'win32' ? path.win32 : path.posix;
}

/** An environment variable, case-insensitively on Windows (where `ProgramFiles` may be spelt `PROGRAMFILES`). */
function envValue(env: NodeJS.ProcessEnv, name: string, platform: BrowserPlatform): string | undefined {
  if (env[name] !== undefined) return env[name] || undefined;
  if (platform !== 'win32') return undefined;
  const key = Object.keys(env).find((k) => k.toLowerCase() === name.toLowerCase());
  return key ? env[key] || undefined : undefined;
}

function homeOf(host: DiscoveryHost): string | undefined {
  return envValue(host.env, host.platform === 'win32' ? 'USERPROFILE' : 'HOME', host.platform);
}

/** The install places of a platform as full paths (those whose root is not set are left out). */
export function candidatePaths(host: DiscoveryHost): { file: string; name: string }[] {
  const p = pathsOf(host.platform);
  const out: { file: string; name: string }[] = [];
  for (const loc of BROWSER_LOCATIONS[host.platform]) {
    let base: string | undefined = '';
    if (loc.root === '~') base = homeOf(host);
    else if (loc.root.startsWith('%')) base = envValue(host.env, loc.root.slice(1, -1), host.platform);
    if (base === undefined) continue;
    out.push({ file: base ? p.join(base, loc.rel) : loc.rel, name: loc.name });
  }
  return out;
}

/** The PATH lookups: each folder of PATH with each command name (with Windows' executable extensions). */
export function pathCandidates(host: DiscoveryHost): string[] {
  const p = pathsOf(host.platform);
  const dirs = (envValue(host.env, 'PATH', host.platform) ?? '').split(host.platform === 'win32' ? ';' : ':').filter(Boolean);
  const exts = host.platform === 'win32' ? ['.exe'] : [''];
  const out: string[] = [];
  for (const dir of dirs) for (const cmd of BROWSER_COMMANDS[host.platform]) for (const ext of exts) out.push(p.join(dir, cmd + ext));
  return out;
}

export type Discovery =
  | { ok: true; file: string; name: string; how: 'env' | 'install-place' | 'path'; searched: string[] }
  | { ok: false; searched: string[]; fromEnv?: { variable: string; value: string } };

/** The environment variables that name a browser, the first set one wins. */
export const BROWSER_VARIABLES = ['DJYC_BROWSER', 'PUPPETEER_EXECUTABLE_PATH'] as const;

/**
 * Finds a browser. A browser named by DJYC_BROWSER or PUPPETEER_EXECUTABLE_PATH is the user's choice: when it is
 * not there, nothing else is tried (it would quietly print with another browser than the one asked for).
 */
export function discoverBrowser(host: DiscoveryHost = realHost(), opts: { places?: readonly string[] } = {}): Discovery {
  for (const variable of BROWSER_VARIABLES) {
    const value = host.env[variable];
    if (!value) continue;
    if (host.isExecutable(value)) return { ok: true, file: value, name: variable, how: 'env', searched: [] };
    return { ok: false, searched: [`${variable}=${value}`], fromEnv: { variable, value } };
  }
  const searched: string[] = [];
  if (opts.places) {
    for (const file of opts.places) {
      if (host.isExecutable(file)) return { ok: true, file, name: file, how: 'install-place', searched };
      searched.push(file);
    }
    return { ok: false, searched };
  }
  for (const c of candidatePaths(host)) {
    if (host.isExecutable(c.file)) return { ok: true, file: c.file, name: c.name, how: 'install-place', searched };
    searched.push(c.file);
  }
  for (const file of pathCandidates(host)) {
    if (host.isExecutable(file)) return { ok: true, file, name: pathsOf(host.platform).basename(file), how: 'path', searched };
  }
  searched.push(host.platform === 'win32' ? 'PATH: msedge.exe, chrome.exe, chromium.exe' : `PATH: ${BROWSER_COMMANDS[host.platform].join(', ')}`);
  return { ok: false, searched };
}
