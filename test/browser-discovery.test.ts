import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BROWSER_LOCATIONS, candidatePaths, discoverBrowser, type BrowserPlatform, type DiscoveryHost } from '../src/pdf/discovery.js';
import { BrowserNotFoundError } from '../src/pdf/browser.js';
import { tempDir } from './helpers.js';

/** A fake file system: the executables it holds. */
function fake(platform: BrowserPlatform, env: NodeJS.ProcessEnv, files: string[]): DiscoveryHost {
  const set = new Set(files);
  return { platform, env, isExecutable: (f) => set.has(f) };
}

/** A real folder standing for a machine's root: `C:\x` lives at `<root>/C/x`, `/usr/x` at `<root>/usr/x`. */
function rooted(root: string, platform: BrowserPlatform, env: NodeJS.ProcessEnv): DiscoveryHost {
  const onDisk = (f: string) => path.join(root, f.replace(/^([A-Za-z]):/, '$1').replaceAll('\\', '/'));
  return {
    platform,
    env,
    isExecutable: (f) => {
      try {
        const st = fs.statSync(onDisk(f));
        return st.isFile() && (platform === 'win32' || (st.mode & 0o111) !== 0);
      } catch {
        return false;
      }
    },
  };
}

const WIN_ENV = { ProgramFiles: 'C:\\Program Files', 'ProgramFiles(x86)': 'C:\\Program Files (x86)', LOCALAPPDATA: 'C:\\Users\\zhang\\AppData\\Local', USERPROFILE: 'C:\\Users\\zhang', Path: 'C:\\Windows\\system32;C:\\Tools' };

describe('browser discovery, per platform', () => {
  it('Windows: Edge in Program Files (x86), Chrome per user in LocalAppData, then the PATH', () => {
    const edge = 'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe';
    expect(discoverBrowser(fake('win32', WIN_ENV, [edge]))).toMatchObject({ ok: true, file: edge, name: 'Microsoft Edge', how: 'install-place' });
    const chrome = 'C:\\Users\\zhang\\AppData\\Local\\Google\\Chrome\\Application\\chrome.exe';
    expect(discoverBrowser(fake('win32', WIN_ENV, [chrome]))).toMatchObject({ ok: true, file: chrome, name: 'Google Chrome' });
    // Edge is preferred to Chrome when both are there (it comes with Windows).
    expect(discoverBrowser(fake('win32', WIN_ENV, [chrome, edge])).ok && discoverBrowser(fake('win32', WIN_ENV, [chrome, edge]))).toMatchObject({ file: edge });
    // The environment variable's case does not matter on Windows (LOCALAPPDATA vs LocalAppData).
    expect(candidatePaths(fake('win32', WIN_ENV, [])).map((c) => c.file)).toContain('C:\\Users\\zhang\\AppData\\Local\\Microsoft\\Edge\\Application\\msedge.exe');
    const onPath = 'C:\\Tools\\chrome.exe';
    expect(discoverBrowser(fake('win32', WIN_ENV, [onPath]))).toMatchObject({ ok: true, file: onPath, how: 'path' });
  });

  it('macOS: the .app bundles in /Applications and ~/Applications', () => {
    const env = { HOME: '/Users/li', PATH: '/usr/bin:/opt/homebrew/bin' };
    const edge = '/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge';
    expect(discoverBrowser(fake('darwin', env, [edge]))).toMatchObject({ ok: true, file: edge, name: 'Microsoft Edge' });
    const mine = '/Users/li/Applications/Chromium.app/Contents/MacOS/Chromium';
    expect(discoverBrowser(fake('darwin', env, [mine]))).toMatchObject({ ok: true, file: mine });
    expect(discoverBrowser(fake('darwin', env, ['/opt/homebrew/bin/chromium']))).toMatchObject({ ok: true, how: 'path' });
  });

  it('Linux: Debian, snap, flatpak, and the browsers of UOS and Kylin', () => {
    const env = { HOME: '/home/wang', PATH: '/usr/local/bin:/usr/bin' };
    for (const file of ['/usr/lib/chromium/chromium', '/snap/bin/chromium', '/var/lib/flatpak/exports/bin/org.chromium.Chromium', '/home/wang/.local/share/flatpak/exports/bin/org.chromium.Chromium', '/usr/bin/browser', '/usr/bin/qaxbrowser-safe-stable', '/opt/microsoft/msedge/msedge']) {
      expect(discoverBrowser(fake('linux', env, [file])), file).toMatchObject({ ok: true, file });
    }
    expect(discoverBrowser(fake('linux', env, ['/usr/local/bin/google-chrome']))).toMatchObject({ ok: true, how: 'path' });
  });

  it('DJYC_BROWSER, then PUPPETEER_EXECUTABLE_PATH, come first; one that names nothing is an error, nothing else is tried', () => {
    const env = { PATH: '/usr/bin', DJYC_BROWSER: '/opt/mine/chrome', PUPPETEER_EXECUTABLE_PATH: '/usr/bin/chromium' };
    expect(discoverBrowser(fake('linux', env, ['/opt/mine/chrome', '/usr/bin/chromium']))).toMatchObject({ ok: true, file: '/opt/mine/chrome', how: 'env' });
    expect(discoverBrowser(fake('linux', { ...env, DJYC_BROWSER: '' }, ['/usr/bin/chromium']))).toMatchObject({ ok: true, file: '/usr/bin/chromium', how: 'env' });
    const missing = discoverBrowser(fake('linux', env, ['/usr/bin/chromium', '/usr/lib/chromium/chromium']));
    expect(missing).toMatchObject({ ok: false, fromEnv: { variable: 'DJYC_BROWSER', value: '/opt/mine/chrome' } });
  });

  it('none found: the error lists every place searched and how to install one on that platform', () => {
    for (const platform of ['win32', 'darwin', 'linux'] as const) {
      const env = platform === 'win32' ? WIN_ENV : { HOME: '/home/x', PATH: '/usr/bin' };
      const found = discoverBrowser(fake(platform, env, []));
      expect(found.ok).toBe(false);
      expect(found.searched.length).toBeGreaterThanOrEqual(BROWSER_LOCATIONS[platform].length);
      expect(found.searched.at(-1)).toMatch(/^PATH: /);
      const err = new BrowserNotFoundError(found.searched, undefined, platform);
      expect(err.exitCode).toBe(2);
      const zh = err.localized('zh');
      const en = err.localized('en');
      expect(zh).toContain(found.searched[0]!);
      expect(zh).toContain('DJYC_BROWSER');
      if (platform === 'win32') expect(en).toMatch(/Windows 10 and 11 come with Microsoft Edge/);
      if (platform === 'darwin') expect(en).toContain('brew install --cask chromium');
      if (platform === 'linux') {
        expect(zh).toContain('sudo apt-get install chromium');
        expect(zh).toContain('统信 UOS');
      }
    }
  });

  it('acceptance: no Chromium on the Linux paths, a fake Edge at a Windows path under a test root is found', () => {
    const root = tempDir('djyc-discovery-');
    try {
      // Linux, with nothing installed under the root: nothing found.
      expect(discoverBrowser(rooted(root, 'linux', { HOME: '/home/x', PATH: '/usr/bin' })).ok).toBe(false);
      // A fake Edge where Windows installs it.
      const edge = path.join(root, 'C/Program Files (x86)/Microsoft/Edge/Application/msedge.exe');
      fs.mkdirSync(path.dirname(edge), { recursive: true });
      fs.writeFileSync(edge, 'MZ');
      const found = discoverBrowser(rooted(root, 'win32', WIN_ENV));
      expect(found).toMatchObject({ ok: true, file: 'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe', name: 'Microsoft Edge' });
      // On the Linux side, an executable bit is needed: a plain file at a Linux place is not a browser.
      const plain = path.join(root, 'usr/bin/chromium');
      fs.mkdirSync(path.dirname(plain), { recursive: true });
      fs.writeFileSync(plain, '#!/bin/sh\n');
      expect(discoverBrowser(rooted(root, 'linux', { PATH: '' })).ok).toBe(false);
      fs.chmodSync(plain, 0o755);
      expect(discoverBrowser(rooted(root, 'linux', { PATH: '' }))).toMatchObject({ ok: true, file: '/usr/bin/chromium' });
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
