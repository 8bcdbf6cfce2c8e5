import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const BIN = path.join(ROOT, 'bin', 'djyc');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

let outside: string | undefined;
/** An empty folder outside any records repository: where a command runs unless a test names one (never the package root). */
export function outsideDir(): string {
  outside ??= fs.mkdtempSync(path.join(os.tmpdir(), 'djyc-cwd-'));
  return outside;
}

/** Runs the built CLI (`bin/djyc`) as a user would, without a terminal. */
export function djyc(args: string[], opts: { cwd?: string; env?: Record<string, string>; input?: string } = {}): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? outsideDir(),
    env: { ...process.env, NO_COLOR: '1', CI: '1', ...opts.env },
    input: opts.input ?? '',
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
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
