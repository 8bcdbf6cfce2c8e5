import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gitSync, gitStream } from './git.js';
import { writeAtomic } from './files.js';
import { PACKAGE_ROOT } from '../assets/paths.js';
import { RefusedError, UsageError } from '../domain/errors.js';
import { loadRepository } from './repo.js';
import { validateChanged } from './changed.js';
import { sortProblems, type Problem } from '../domain/problem.js';
import { CONFIG_FILE, RECORDS_DIR } from '../domain/kinds.js';
import { ATTACHMENTS_DIR, MAX_FILE_BYTES, SNIFF_BYTES, lexicalProblem } from '../domain/paths.js';
import type { MessageKey } from '../domain/i18n.js';
import { validateRepository } from './validate.js';

/**
 * Git hooks for servers without CI: `pre-receive` refuses a push whose records fail `djyc validate --changed
 * <old>` (plus the base checks of basecheck.ts: legal stage moves, append-only history…); `pre-commit` does the
 * same for what is being committed. Either way the version to check is put in a temporary folder of its own (a
 * throw-away repository borrowing the objects — quarantined ones included — through `objects/info/alternates`),
 * so nothing of the real repository is touched and a bare repository needs no work tree. The pushed tree is never
 * checked out: its entries are listed with `git ls-tree` and the regular files djyc reads are written from their
 * blobs (`git cat-file`); a symbolic link (mode 120000) or submodule under records/ or attachments/, or as
 * djyc.yaml, is an error and what it points to is never read — a push cannot make the hook read the server's files.
 */

export type HookType = 'pre-receive' | 'pre-commit';
export const HOOK_TYPES: HookType[] = ['pre-receive', 'pre-commit'];
const MARKER = '# djyc hook';
const ZERO = /^0+$/;

/** Git's environment for hooks (GIT_DIR, quarantine, temporary index…): must not leak into the sandbox's git. */
const GIT_ENV = ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_OBJECT_DIRECTORY', 'GIT_ALTERNATE_OBJECT_DIRECTORIES', 'GIT_QUARANTINE_PATH', 'GIT_PREFIX', 'GIT_COMMON_DIR', 'GIT_NAMESPACE'];

function gitIn(cwd: string, args: string[], env: NodeJS.ProcessEnv = process.env): string {
  return gitSync(cwd, args, { env });
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The hooks folder of a repository (bare or not; honours core.hooksPath). */
export function hooksDir(repo: string): string {
  let dir: string;
  try {
    dir = gitIn(repo, ['rev-parse', '--git-path', 'hooks']).trim();
  } catch {
    throw new UsageError(`${repo} 不是 git 仓库`, `${repo} is not a git repository`);
  }
  return path.resolve(repo, dir);
}

/** The hook script: runs this djyc with this Node, whatever PATH the git server has. */
export function hookScript(type: HookType): string {
  const bin = path.join(PACKAGE_ROOT, 'bin', 'djyc');
  return [
    '#!/bin/sh',
    `${MARKER} (${type}): refuses ${type === 'pre-receive' ? 'pushes' : 'commits'} whose records fail \`djyc validate\`.`,
    '# Installed by `djyc hook install`; delete this file to turn the check off.',
    `exec ${shellQuote(process.execPath)} ${shellQuote(bin)} hook run ${type}`,
    '',
  ].join('\n');
}

/** Installs a hook; an existing hook that is not djyc's is left alone unless `force`. */
export function installHook(repo: string, type: HookType, opts: { force?: boolean } = {}): { file: string; replaced: boolean } {
  const dir = hooksDir(path.resolve(repo));
  const file = path.join(dir, type);
  let replaced = false;
  if (fs.existsSync(file)) {
    const current = fs.readFileSync(file, 'utf8');
    if (!current.includes(MARKER) && !opts.force) {
      throw new RefusedError(
        `${file} 已有其他钩子，未做更改（用 --force 覆盖，或把 djyc hook run ${type} 加进现有钩子）`,
        `${file} already holds another hook; nothing changed (use --force to replace it, or call djyc hook run ${type} from it)`,
      );
    }
    replaced = true;
  }
  writeAtomic(file, hookScript(type), { mode: 0o755 });
  return { file, replaced };
}

/** One ref update a pre-receive hook is told about. */
export interface RefUpdate {
  old: string;
  new: string;
  ref: string;
}

export function parseRefUpdates(input: string): RefUpdate[] {
  return input
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((p) => p.length === 3)
    .map(([o, n, r]) => ({ old: o!, new: n!, ref: r! }));
}

export interface CheckResult {
  /** The ref (pre-receive) or "index" (pre-commit). */
  target: string;
  /** The commit or tree checked and the base it was compared with (undefined: checked in full). */
  checked: string;
  base?: string;
  problems: Problem[];
  errors: number;
  /** Why the target was not checked (a deleted branch, a tag…). */
  skipped?: string;
}

/** A throw-away repository borrowing objects from `objectDirs`, cleaned with the returned function. */
function sandbox(objectDirs: string[], env: NodeJS.ProcessEnv): { dir: string; cleanup(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'djyc-hook-'));
  try {
    gitIn(dir, ['init', '-q'], env);
    const alternates = path.join(dir, '.git', 'objects', 'info', 'alternates');
    fs.mkdirSync(path.dirname(alternates), { recursive: true });
    fs.writeFileSync(alternates, `${objectDirs.filter((d) => fs.existsSync(d)).join('\n')}\n`);
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** The environment for git inside the sandbox: the hook's own git variables removed. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of GIT_ENV) delete env[k];
  return env;
}

/**
 * Validates a work tree against a base commit: problems the change made (validate --changed) plus the base
 * checks when basecheck.ts is there; without a base, the whole tree.
 */
async function checkTree(dir: string, base: string | undefined, today?: string): Promise<Problem[]> {
  if (!fs.existsSync(path.join(dir, CONFIG_FILE))) return [];
  const repo = loadRepository(dir);
  if (!base) return validateRepository(repo, { today });
  const changed = validateChanged(dir, { base, today, repo });
  let problems = changed.problems;
  try {
    const { checkAgainstBase } = await import('./basecheck.js');
    problems = sortProblems([...problems, ...(await checkAgainstBase(dir, base, { today, repo }))]);
  } catch (err) {
    if ((err as NodeJS.ErrnoException)?.code !== 'ERR_MODULE_NOT_FOUND') throw err;
  }
  return problems;
}

/** Tree entries the check reads: djyc.yaml, records/ and attachments/. */
function relevant(file: string): boolean {
  return file === CONFIG_FILE || file === RECORDS_DIR || file.startsWith(`${RECORDS_DIR}/`) || file === ATTACHMENTS_DIR || file.startsWith(`${ATTACHMENTS_DIR}/`);
}

/**
 * Writes the files of `tree` that the check reads into the sandbox `dir` from git's objects, and makes the
 * sandbox's index and HEAD those of the version checked. Regular blobs only: records and djyc.yaml whole (a
 * record over the size limit: its first limit + 1 bytes, which the loader reports as too large), attachments
 * by their first bytes (all the check reads of them: their type). Links, submodules and malformed paths are
 * returned as problems and nothing of them is read.
 */
async function materialise(dir: string, tree: string, head: string | undefined, env: NodeJS.ProcessEnv): Promise<Problem[]> {
  const problems: Problem[] = [];
  const refuse = (file: string, rule: MessageKey) => problems.push({ file, line: 1, col: 1, severity: 'error', rule, params: { path: file } });
  const wanted: { file: string; blob: string; limit: number }[] = [];
  for (const entry of gitIn(dir, ['ls-tree', '-r', '-z', '-l', '--full-tree', tree], env).split('\0')) {
    const tab = entry.indexOf('\t');
    if (tab < 0) continue;
    const [mode, type, blob] = entry.slice(0, tab).split(/ +/);
    const file = entry.slice(tab + 1);
    if (!relevant(file)) continue;
    if (lexicalProblem(file)) refuse(file, 'path-not-normalised');
    else if (mode === '120000') refuse(file, 'path-symlink');
    else if (type !== 'blob' || !blob) refuse(file, 'path-special');
    else wanted.push({ file, blob, limit: file.startsWith(`${ATTACHMENTS_DIR}/`) ? SNIFF_BYTES : MAX_FILE_BYTES + 1 });
  }
  await writeBlobs(dir, wanted, env);
  // The index is the version checked (so `git diff <base>` sees its changes); HEAD points at it, nothing checked out.
  gitIn(dir, ['read-tree', tree], env);
  if (head) gitIn(dir, ['update-ref', '--no-deref', 'HEAD', head], env);
  return problems;
}

/** Streams blobs out of one `git cat-file --batch`, writing at most `limit` bytes of each to its file under `dir`. */
async function writeBlobs(dir: string, wanted: { file: string; blob: string; limit: number }[], env: NodeJS.ProcessEnv): Promise<void> {
  if (!wanted.length) return;
  const child = gitStream(dir, ['cat-file', '--batch'], { env, input: `${wanted.map((w) => w.blob).join('\n')}\n` });
  let at = 0; // the request being answered
  let pending: Buffer = Buffer.alloc(0);
  let remaining = -1; // bytes of the current object still to come (+1 for its newline); -1: expecting a header
  let fd: number | undefined;
  let kept = 0;
  const open = (file: string) => {
    const abs = path.join(dir, ...file.split('/'));
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    return fs.openSync(abs, 'wx');
  };
  for await (const chunk of child.stdout) {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    while (pending.length) {
      if (remaining < 0) {
        const nl = pending.indexOf(0x0a);
        if (nl < 0) break;
        const header = pending.toString('utf8', 0, nl).split(' ');
        pending = pending.subarray(nl + 1);
        const w = wanted[at];
        if (!w || header[1] === 'missing' || header.length < 3) {
          at++;
          continue;
        }
        remaining = Number(header[2]) + 1;
        kept = 0;
        fd = open(w.file);
        continue;
      }
      const take = Math.min(remaining, pending.length);
      const w = wanted[at]!;
      // The object's bytes (not its trailing newline), as far as the limit.
      const content = Math.min(take, remaining - 1);
      const keep = Math.max(0, Math.min(content, w.limit - kept));
      if (keep && fd !== undefined) fs.writeSync(fd, pending, 0, keep);
      kept += keep;
      remaining -= take;
      pending = pending.subarray(take);
      if (remaining === 0) {
        if (fd !== undefined) fs.closeSync(fd);
        fd = undefined;
        remaining = -1;
        at++;
      }
    }
  }
  if (fd !== undefined) fs.closeSync(fd);
  if ((await child.exited) !== 0) throw new Error('git cat-file failed');
}

/** The object folders a hook's git sees: the quarantine of a push in progress first, then the repository's own. */
function objectDirs(gitDir: string): string[] {
  const dirs: string[] = [];
  if (process.env.GIT_OBJECT_DIRECTORY) dirs.push(path.resolve(gitDir, process.env.GIT_OBJECT_DIRECTORY));
  for (const d of (process.env.GIT_ALTERNATE_OBJECT_DIRECTORIES ?? '').split(path.delimiter)) if (d) dirs.push(path.resolve(gitDir, d));
  const own = path.resolve(gitDir, gitIn(gitDir, ['rev-parse', '--git-path', 'objects']).trim());
  dirs.push(own);
  try {
    for (const d of fs.readFileSync(path.join(own, 'info', 'alternates'), 'utf8').split('\n')) if (d.trim()) dirs.push(path.resolve(own, d.trim()));
  } catch {
    /* no alternates */
  }
  return [...new Set(dirs)];
}

/**
 * pre-receive: checks every branch update of a push in a sandbox. `gitDir` is the receiving repository (the hook's
 * working directory), `input` the hook's standard input.
 */
export async function checkPush(gitDir: string, input: string, opts: { today?: string } = {}): Promise<CheckResult[]> {
  const dirs = objectDirs(gitDir);
  const env = cleanEnv();
  const results: CheckResult[] = [];
  // Throw-away work trees, one lasting cache: the receiving repository's (content-keyed, so always safe to share).
  process.env.DJYC_CACHE_PATH ??= path.join(gitDir, 'djyc-cache');
  // The sandbox's own git commands (djyc's loader, changed.ts, basecheck.ts) must not see the hook's variables.
  const saved = Object.fromEntries(GIT_ENV.map((k) => [k, process.env[k]]));
  for (const k of GIT_ENV) delete process.env[k];
  try {
    for (const u of parseRefUpdates(input)) {
      if (ZERO.test(u.new)) {
        results.push({ target: u.ref, checked: u.new, problems: [], errors: 0, skipped: 'deleted' });
        continue;
      }
      if (!u.ref.startsWith('refs/heads/')) {
        results.push({ target: u.ref, checked: u.new, problems: [], errors: 0, skipped: 'not a branch' });
        continue;
      }
      const box = sandbox(dirs, env);
      try {
        const refused = await materialise(box.dir, `${u.new}^{tree}`, u.new, env);
        let base: string | undefined = ZERO.test(u.old) ? undefined : u.old;
        if (!base) {
          // A new branch: compare with where it leaves the default branch, if the repository has one.
          const head = (() => {
            try {
              return gitIn(gitDir, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], { ...process.env, ...withoutUndefined(saved) }).trim();
            } catch {
              return '';
            }
          })();
          if (head) {
            try {
              base = gitIn(box.dir, ['merge-base', u.new, head], env).trim() || undefined;
            } catch {
              base = undefined;
            }
          }
        }
        const problems = sortProblems([...refused, ...(await checkTree(box.dir, base, opts.today))]);
        results.push({ target: u.ref, checked: u.new, base, problems, errors: problems.filter((p) => p.severity === 'error').length });
      } finally {
        box.cleanup();
      }
    }
  } finally {
    for (const [k, v] of Object.entries(saved)) if (v !== undefined) process.env[k] = v;
  }
  return results;
}

function withoutUndefined(o: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).filter((e): e is [string, string] => e[1] !== undefined));
}

/** pre-commit: checks what is staged (the index git is about to commit) against HEAD, in a sandbox. */
export async function checkCommit(workTree: string, opts: { today?: string } = {}): Promise<CheckResult> {
  // With the hook's environment (GIT_INDEX_FILE may name a temporary index): the tree about to be committed.
  const tree = gitIn(workTree, ['write-tree']).trim();
  const head = (() => {
    try {
      return gitIn(workTree, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']).trim();
    } catch {
      return '';
    }
  })();
  const gitDir = path.resolve(workTree, gitIn(workTree, ['rev-parse', '--git-dir']).trim());
  const dirs = objectDirs(gitDir);
  const env = cleanEnv();
  process.env.DJYC_CACHE_PATH ??= path.join(gitDir, 'djyc-cache');
  const saved = Object.fromEntries(GIT_ENV.map((k) => [k, process.env[k]]));
  for (const k of GIT_ENV) delete process.env[k];
  const box = sandbox(dirs, env);
  try {
    const refused = await materialise(box.dir, tree, head || undefined, env);
    const problems = sortProblems([...refused, ...(await checkTree(box.dir, head || undefined, opts.today))]);
    return { target: 'index', checked: tree, base: head || undefined, problems, errors: problems.filter((p) => p.severity === 'error').length };
  } finally {
    box.cleanup();
    for (const [k, v] of Object.entries(saved)) if (v !== undefined) process.env[k] = v;
  }
}
