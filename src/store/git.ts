/**
 * The one place djyc runs git. Ordinary calls go through simple-git; node's child_process is used only where a
 * caller is synchronous (the loader, crash recovery, `--changed`, the hooks' sandboxes) or feeds git a batch on
 * standard input (streamed back for the hooks' blobs), and for the loader's background key listing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { simpleGit, type SimpleGit } from 'simple-git';
import { RECORDS_DIR } from '../domain/kinds.js';

// djyc's own git calls never take optional locks: a `git status` killed mid-way (kill -9, power loss) would
// otherwise leave .git/index.lock behind and block every later git command. Every git child inherits this.
process.env.GIT_OPTIONAL_LOCKS ??= '0';

/** A simple-git instance for a repository, with a predictable identity when the machine has none configured. */
export function git(root: string): SimpleGit {
  return simpleGit({ baseDir: root, config: ['core.quotepath=false'], errors: failOnExitCode });
}

/** Any non-zero exit is a failure (simple-git alone lets one through when git printed nothing on stderr). */
function failOnExitCode(error: Buffer | Error | undefined, result: { exitCode: number; stdOut: Buffer[]; stdErr: Buffer[] }): Buffer | Error | undefined {
  if (error) return error;
  return result.exitCode === 0 ? undefined : Buffer.concat([...result.stdOut, ...result.stdErr]);
}

/** The person acting: the name history entries get (`by:`) and the author of the commit that records the act. */
export interface Identity {
  name: string;
  email: string;
}

/** git's user.name and user.email (the last value of each, as `git config --get` gives), with one git process. */
async function gitUser(root: string): Promise<{ name: string; email: string }> {
  const out = await git(root).raw(['config', '--get-regexp', '^user\\.(name|email)$']).catch(() => '');
  const user = { name: '', email: '' };
  for (const line of out.split('\n')) {
    const space = line.indexOf(' ');
    const key = (space < 0 ? line : line.slice(0, space)).toLowerCase();
    const value = space < 0 ? '' : line.slice(space + 1).trim();
    if (key === 'user.name') user.name = value;
    else if (key === 'user.email') user.email = value;
  }
  return user;
}

/**
 * Who is acting — the one decision for both the history's `by:` and the commit's author, so the two always name
 * the same person: DJYC_USER (djyc's own setting), else GIT_AUTHOR_NAME (what git would author with), else git's
 * user.name, else "djyc". The e-mail: GIT_AUTHOR_EMAIL, else git's user.email, else djyc@localhost.
 */
export async function identity(root: string, user?: { name: string; email: string }): Promise<Identity> {
  const name = process.env.DJYC_USER?.trim() || process.env.GIT_AUTHOR_NAME?.trim();
  const email = process.env.GIT_AUTHOR_EMAIL?.trim();
  const config = name && email ? undefined : (user ?? (await gitUser(root)));
  return { name: name || config?.name || 'djyc', email: email || config?.email || 'djyc@localhost' };
}

/** Who is acting, for history entries (see identity()). */
export async function actor(root: string): Promise<string> {
  return (await identity(root)).name;
}

/**
 * A simple-git instance for committing, and the `--author` argument that makes the commit's author the person
 * identity() names (it takes precedence over GIT_AUTHOR_NAME). A machine without any identity gets djyc's as
 * committer (as `-c` settings). Never pass the environment through simple-git's `.env()`: it refuses any
 * environment that holds EDITOR, PAGER, GIT_EDITOR, … and many users have those set. Without `.env()`, git
 * inherits the environment as it is.
 */
export async function commitGit(root: string): Promise<{ git: SimpleGit; author: string }> {
  const fromEnv = (process.env.DJYC_USER?.trim() || process.env.GIT_AUTHOR_NAME?.trim()) && process.env.GIT_AUTHOR_EMAIL?.trim() && process.env.GIT_COMMITTER_NAME && process.env.GIT_COMMITTER_EMAIL;
  // One git process for everything git's configuration is asked (none when the environment names everyone).
  const user = fromEnv ? { name: '', email: '' } : await gitUser(root);
  const who = await identity(root, user);
  const config = ['core.quotepath=false'];
  if (!process.env.GIT_COMMITTER_NAME && !user.name) config.push(`user.name=${who.name}`);
  if (!process.env.GIT_COMMITTER_EMAIL && !user.email) config.push(`user.email=${who.email}`);
  // Angle brackets and line breaks cannot stand in an author line.
  const part = (s: string) => s.replace(/[<>\r\n]/g, ' ').trim();
  return { git: simpleGit({ baseDir: root, config, errors: failOnExitCode }), author: `--author=${part(who.name) || 'djyc'} <${part(who.email)}>` };
}

/** Git's output as text (async callers: history, base checks). */
export async function gitText(root: string, args: string[]): Promise<string> {
  return git(root).raw(args);
}

/** `git show <rev>:<path>`, or null when the file does not exist there. */
export async function showFile(root: string, rev: string, file: string): Promise<string | null> {
  try {
    return await gitText(root, ['show', `${rev}:${file}`]);
  } catch {
    return null;
  }
}

export interface GitSyncOptions {
  /** Standard input (e.g. object ids for `cat-file --batch`). */
  input?: string | Buffer;
  /** Environment (default: this process's). */
  env?: NodeJS.ProcessEnv;
}

/**
 * Runs git synchronously and returns its standard output (stderr goes into the error). Synchronous: the loader
 * shares its work with worker threads through Atomics and cannot await; nor can recovery, `--changed` or the hooks.
 */
export function gitSync(cwd: string, args: string[], opts: GitSyncOptions = {}): string {
  return gitSyncBytes(cwd, args, opts).toString('utf8');
}

/** gitSync, as bytes (blob contents). */
export function gitSyncBytes(cwd: string, args: string[], opts: GitSyncOptions = {}): Buffer {
  return execFileSync('git', ['-c', 'core.quotepath=false', ...args], {
    cwd,
    env: opts.env,
    input: opts.input,
    maxBuffer: 1 << 30,
    stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
}

/** A git process whose output is read as it comes (blobs streamed to files without holding them all in memory). */
export interface GitStream {
  stdout: AsyncIterable<Buffer>;
  /** Its exit code (1 when it was killed by a signal). */
  exited: Promise<number>;
}

/** Starts git with `input` on its standard input; stderr is discarded. */
export function gitStream(cwd: string, args: string[], opts: GitSyncOptions = {}): GitStream {
  const child = spawn('git', ['-c', 'core.quotepath=false', ...args], { cwd, env: opts.env, stdio: ['pipe', 'pipe', 'ignore'] });
  const exited = new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });
  child.stdin.on('error', () => {});
  child.stdin.end(opts.input ?? '');
  return { stdout: child.stdout as AsyncIterable<Buffer>, exited };
}

/**
 * `git show <rev>:./<file>` for many files with one `git cat-file --batch`: file → text, or null where the file does
 * not exist at `rev`. Paths relative to `root` (the records root, which may be a folder inside a larger repository).
 */
export function showFiles(root: string, rev: string, files: string[]): Map<string, string | null> {
  const out = new Map<string, string | null>();
  const wanted = [...new Set(files)].filter((f) => !/[\n\r]/.test(f));
  if (!wanted.length) return out;
  let buf: Buffer;
  try {
    buf = gitSyncBytes(root, ['cat-file', '--batch'], { input: `${wanted.map((f) => `${rev}:./${f}`).join('\n')}\n` });
  } catch {
    return out;
  }
  let at = 0;
  for (const file of wanted) {
    const nl = buf.indexOf(0x0a, at);
    if (nl < 0) break;
    const header = buf.toString('utf8', at, nl).split(' ');
    at = nl + 1;
    // `<oid> <type> <size>`, or `<name> missing` / `<name> ambiguous`.
    const size = Number(header[header.length - 1]);
    if (header.length !== 3 || !Number.isInteger(size)) {
      out.set(file, null);
      continue;
    }
    out.set(file, header[1] === 'blob' ? buf.toString('utf8', at, at + size) : null);
    at += size + 1;
  }
  return out;
}

/** Reads blobs with one `git cat-file --batch`: id → content. */
export function readBlobs(root: string, ids: string[]): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  if (!ids.length) return out;
  const buf = gitSyncBytes(root, ['cat-file', '--batch'], { input: `${ids.join('\n')}\n` });
  let at = 0;
  while (at < buf.length) {
    const nl = buf.indexOf(0x0a, at);
    if (nl < 0) break;
    const header = buf.toString('utf8', at, nl).split(' ');
    at = nl + 1;
    if (header[1] === 'missing' || header.length < 3) continue;
    const size = Number(header[2]);
    out.set(header[0]!, buf.subarray(at, at + size));
    at += size + 1;
  }
  return out;
}

// ---- content keys -------------------------------------------------------------------------------------------
// Content keys from git: for files git knows and whose stat data says unchanged, the index holds the blob id.

/**
 * What git says of the files under `records/`: the blob ids of the tracked, unmodified ones (`keys`), and the
 * witness of that answer (see memo.ts): a hash of the index entries (`index`) and the files whose stat data
 * differs from the index (`dirty`, sorted). Unavailable git: no keys and no index.
 */
export interface GitKeys {
  keys: Map<string, string>;
  index?: string;
  dirty: string[];
}

/** The raw answers of git for gitKeys: `git ls-files -s -z` and `git diff-files --name-only -z`, under records/. */
export const GIT_KEY_COMMANDS = {
  listed: ['ls-files', '-s', '-z', '--', `${RECORDS_DIR}/`],
  dirty: ['diff-files', '--relative', '--name-only', '-z', '--', `${RECORDS_DIR}/`],
} as const;

/** GitKeys of the tracked, unmodified files under `records/` (none when git is unavailable). */
export function gitKeys(root: string): GitKeys {
  try {
    const listed = gitSync(root, [...GIT_KEY_COMMANDS.listed]);
    const dirty = gitSync(root, [...GIT_KEY_COMMANDS.dirty]);
    return parseGitKeys(listed, dirty);
  } catch {
    return { keys: new Map(), dirty: [] };
  }
}

/** The index witness: a hash of `git ls-files -s` output (the same entries, the same hash). */
export function indexWitness(listed: string): string {
  return createHash('sha1').update(listed).digest('hex');
}

/** The dirty list of `git diff-files --name-only -z` output, sorted. */
export function dirtyList(dirty: string): string[] {
  return dirty.split('\0').filter(Boolean).sort();
}

function parseGitKeys(listed: string, dirty: string): GitKeys {
  const keys = new Map<string, string>();
  const dirtyFiles = dirtyList(dirty);
  const skip = new Set(dirtyFiles);
  for (const entry of listed.split('\0')) {
    // `<mode> <blob> <stage>\t<path>`; conflicted entries (stage ≠ 0) are read from disk instead.
    const tab = entry.indexOf('\t');
    if (tab < 0 || entry[tab - 1] !== '0') continue;
    const file = entry.slice(tab + 1);
    if (!skip.has(file)) keys.set(file, entry.slice(7, tab - 2));
  }
  return { keys, index: indexWitness(listed), dirty: dirtyFiles };
}

/** Git keys being computed by a background process (git's index read and stat pass overlap our own work). */
export interface PendingKeys {
  wait(): GitKeys;
  cancel(): void;
}

const SLEEP = new Int32Array(new SharedArrayBuffer(4));

/**
 * Starts `git ls-files -s` and `git diff-files` in the background (where there is a POSIX shell); `wait()` then
 * blocks until they are done and returns what gitKeys() would. Undefined when this cannot be done in background.
 * Callers start it only for a root inside a git work tree (cache.ts gitDirOf).
 * A plain child process, not simple-git: the loader is synchronous and blocks on the result with Atomics.wait.
 */
export function startGitKeys(root: string): PendingKeys | undefined {
  const raw = startGitAnswers(root);
  if (!raw) return undefined;
  return {
    wait() {
      const answers = raw.wait();
      return answers === 'timeout' ? gitKeys(root) : answers ? parseGitKeys(answers.listed, answers.dirty) : { keys: new Map(), dirty: [] };
    },
    cancel: raw.cancel,
  };
}

/** The witness git gives of the files under records/ (see GitKeys) without building the keys; undefined without git. */
export function gitWitness(root: string): { index: string; dirty: string[] } | undefined {
  let answers: { listed: string; dirty: string } | undefined;
  const raw = startGitAnswers(root);
  const got = raw?.wait();
  if (got && got !== 'timeout') answers = got;
  else if (!raw || got === 'timeout') {
    try {
      answers = { listed: gitSync(root, [...GIT_KEY_COMMANDS.listed]), dirty: gitSync(root, [...GIT_KEY_COMMANDS.dirty]) };
    } catch {
      answers = undefined;
    }
  }
  return answers ? { index: indexWitness(answers.listed), dirty: dirtyList(answers.dirty) } : undefined;
}

/** `git ls-files -s` and `git diff-files` (GIT_KEY_COMMANDS) run side by side in the background; undefined where there is no POSIX shell. */
function startGitAnswers(root: string): { wait(): { listed: string; dirty: string } | 'timeout' | undefined; cancel(): void } | undefined {
  if (process.platform === 'win32' || !fs.existsSync('/bin/sh')) return undefined;
  let dir: string;
  try {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'djyc-keys-'));
  } catch {
    return undefined;
  }
  const script = [
    `git -c core.quotepath=false ${GIT_KEY_COMMANDS.listed.join(' ')} > "$0/listed" 2>/dev/null & a=$!`,
    `git -c core.quotepath=false ${GIT_KEY_COMMANDS.dirty.join(' ')} > "$0/dirty" 2>/dev/null; b=$?`,
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
          if (Date.now() > deadline) return 'timeout';
          Atomics.wait(SLEEP, 0, 0, 2);
        }
        if (fs.readFileSync(status, 'utf8').trim() !== '0 0') return undefined;
        return { listed: fs.readFileSync(path.join(dir, 'listed'), 'utf8'), dirty: fs.readFileSync(path.join(dir, 'dirty'), 'utf8') };
      } catch {
        return undefined;
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


/** A git run to completion: its exit code and standard output (stderr discarded). */
function gitRun(cwd: string, args: string[]): Promise<{ code: number; stdout: Buffer }> {
  return new Promise((resolve) => {
    const child = spawn('git', ['-c', 'core.quotepath=false', ...args], { cwd, stdio: ['ignore', 'pipe', 'ignore'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => chunks.push(b));
    child.on('error', () => resolve({ code: -1, stdout: Buffer.alloc(0) }));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout: Buffer.concat(chunks) }));
  });
}

/**
 * The files under `dir` (relative to `root`, paths relative to `root`) whose bytes hold any of `strings` literally,
 * as they are in the work tree: tracked files, untracked and ignored ones too. Undefined when git cannot tell
 * exactly: not a repository, an error, or files git would search in their indexed version instead of the work
 * tree (marked assume-unchanged or skip-worktree).
 */
export async function grepWorkTree(root: string, dir: string, strings: string[]): Promise<string[] | undefined> {
  if (!strings.length || strings.some((s) => !s || /[\n\r\0]/.test(s))) return undefined;
  const patterns = strings.flatMap((s) => ['-e', s]);
  const [grep, flags] = await Promise.all([
    // One thread: a form's browser is starting on the other core meanwhile.
    gitRun(root, ['-c', 'grep.fallbackToNoIndex=false', 'grep', '--threads', '1', '-l', '-z', '-F', '--untracked', '--no-exclude-standard', '--no-textconv', ...patterns, '--', `${dir}/`]),
    gitRun(root, ['ls-files', '-v', '-z', '--', `${dir}/`]),
  ]);
  // grep: 0 found, 1 none found, anything else an error.
  if ((grep.code !== 0 && grep.code !== 1) || flags.code !== 0) return undefined;
  // ls-files -v: lower-case tags are assume-unchanged entries, S skip-worktree ones.
  const listed = flags.stdout.toString('utf8');
  for (let at = 0; at < listed.length; ) {
    const tag = listed.charCodeAt(at);
    if ((tag >= 97 && tag <= 122) || tag === 83) return undefined;
    const end = listed.indexOf('\0', at);
    if (end < 0) break;
    at = end + 1;
  }
  return grep.stdout.toString('utf8').split('\0').filter(Boolean);
}
