/**
 * The one place djyc runs git, always with node's child_process: `git(root).raw(args)` for ordinary (async) calls,
 * gitSync where a caller is synchronous (the loader, crash recovery, `--changed`, the hooks' check trees), gitStream
 * where git is fed a batch on standard input (streamed back for the hooks' blobs), and the loader's background key
 * listing. (simple-git was dropped: every call here is a raw one, and it waits 50 ms after any git command that
 * prints nothing — `add`, `commit -q`, an empty `status` — which was 150 ms of every write.)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { RECORDS_DIR, unreadFileName } from '../domain/kinds.js';
import { TEMP_MARK, TEMP_PATTERN } from './files.js';

// djyc's own git calls never take optional locks: a `git status` killed mid-way (kill -9, power loss) would
// otherwise leave .git/index.lock behind and block every later git command. Every git child inherits this.
process.env.GIT_OPTIONAL_LOCKS ??= '0';

/** Async git calls in one repository, with `-c` settings for each. */
export interface GitRunner {
  /** git's standard output once it has exited; any non-zero exit rejects with an Error holding its output. */
  raw(args: string[]): Promise<string>;
  /** `git rev-parse <args>`. */
  revparse(args: string[]): Promise<string>;
}

/** A git run to completion: its exit code (-1: it could not start, or a signal ended it) and its output. */
function gitRun(cwd: string, args: string[], config = ['core.quotepath=false']): Promise<{ code: number; stdout: Buffer; stderr: Buffer; error?: Error }> {
  return new Promise((resolve) => {
    const child = spawn('git', [...config.flatMap((c) => ['-c', c]), ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (error) => resolve({ code: -1, stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), error }));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout: Buffer.concat(out), stderr: Buffer.concat(err) }));
  });
}

/** Runs git in `cwd` and resolves with its standard output; a failure rejects with git's output as its message. */
async function runGit(cwd: string, config: string[], args: string[]): Promise<string> {
  const r = await gitRun(cwd, args, config);
  if (r.error) throw r.error;
  if (r.code === 0) return r.stdout.toString('utf8');
  const text = Buffer.concat([r.stdout, r.stderr]).toString('utf8').trim();
  throw new Error(text || `git ${args[0] ?? ''} failed (exit code ${r.code})`);
}

function runner(root: string, config: string[]): GitRunner {
  return { raw: (args) => runGit(root, config, args), revparse: (args) => runGit(root, config, ['rev-parse', ...args]) };
}

/** Git calls in a repository. */
export function git(root: string): GitRunner {
  return runner(root, ['core.quotepath=false']);
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
 * Git calls for committing, and the `--author` argument that makes the commit's author the person identity()
 * names (it takes precedence over GIT_AUTHOR_NAME). A machine without any identity gets djyc's as committer (as
 * `-c` settings). git inherits the environment as it is.
 */
export async function commitGit(root: string): Promise<{ git: GitRunner; author: string }> {
  const fromEnv = (process.env.DJYC_USER?.trim() || process.env.GIT_AUTHOR_NAME?.trim()) && process.env.GIT_AUTHOR_EMAIL?.trim() && process.env.GIT_COMMITTER_NAME && process.env.GIT_COMMITTER_EMAIL;
  // One git process for everything git's configuration is asked (none when the environment names everyone).
  const user = fromEnv ? { name: '', email: '' } : await gitUser(root);
  const who = await identity(root, user);
  const config = ['core.quotepath=false'];
  if (!process.env.GIT_COMMITTER_NAME && !user.name) config.push(`user.name=${who.name}`);
  if (!process.env.GIT_COMMITTER_EMAIL && !user.email) config.push(`user.email=${who.email}`);
  // Angle brackets and line breaks cannot stand in an author line.
  const part = (s: string) => s.replace(/[<>\r\n]/g, ' ').trim();
  return { git: runner(root, config), author: `--author=${part(who.name) || 'djyc'} <${part(who.email)}>` };
}

/** Git's output as text (async callers: history, base checks). */
export async function gitText(root: string, args: string[]): Promise<string> {
  return git(root).raw(args);
}

/** gitSync's asynchronous twin: git's standard output (paths unquoted), rejecting on failure. */
export function gitAsync(root: string, args: string[]): Promise<string> {
  return runGit(root, ['core.quotepath=false'], args);
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
  for (const f of wanted) out.set(f, null);
  if (rev.startsWith('-')) return out;
  // One walk of the tree for every path (ls-tree), then the blobs by id: `rev:path` lookups walk a big folder's tree once each.
  const blobs = new Map<string, string>();
  try {
    for (const line of gitSync(root, ['--literal-pathspecs', 'ls-tree', '-z', rev, '--', ...wanted]).split('\0')) {
      const tab = line.indexOf('\t');
      const [, type, id] = line.slice(0, tab).split(' ');
      if (tab > 0 && type === 'blob' && id && out.has(line.slice(tab + 1))) blobs.set(line.slice(tab + 1), id);
    }
  } catch {
    return out;
  }
  const contents = readBlobs(root, [...new Set(blobs.values())]);
  for (const [file, id] of blobs) {
    const bytes = contents.get(id);
    if (bytes) out.set(file, bytes.toString('utf8'));
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
  /** Asked without the stat pass (startGitKeys `indexOnly`): `keys` holds every tracked file's indexed blob, `dirty` nothing. */
  indexOnly?: boolean;
}

/** The raw answers of git for gitKeys: `git ls-files -s -z` and `git diff-files --name-only -z`, under records/. */
export const GIT_KEY_COMMANDS = {
  listed: ['ls-files', '-s', '-z', '--', `${RECORDS_DIR}/`],
  dirty: ['diff-files', '--relative', '--name-only', '-z', '--', `${RECORDS_DIR}/`],
} as const;

/** Stat-dirty files from which git's stat data is refreshed before git's list of them is believed (freshDirty). */
export const STALE_DIRTY = 64;

/** Whether NUL-separated `list` holds at least `n` entries. */
function atLeast(list: string, n: number): boolean {
  let at = -1;
  for (let k = 0; k < n; k++) if ((at = list.indexOf('\0', at + 1)) < 0) return false;
  return true;
}

/**
 * Refreshes git's stat data (`git update-index -q --refresh`, as `git status` does: stat data only, never content)
 * when `dirty` — a `git diff-files` answer — lists STALE_DIRTY files or more, and returns `git diff-files` asked
 * again: a copied, restored or touched work tree leaves every file stat-dirty, and every run would read and hash
 * them all; once refreshed, git vouches for the unchanged ones again. `dirty` as it was when the list is short, when
 * GIT_INDEX_FILE points at another index (a hook's temporary one), or when git cannot (index locked, read-only).
 */
export function freshDirty(root: string, dirty: string, ask: () => string = () => gitSync(root, [...GIT_KEY_COMMANDS.dirty])): string {
  if (!atLeast(dirty, STALE_DIRTY) || process.env.GIT_INDEX_FILE) return dirty;
  try {
    gitSync(root, ['update-index', '-q', '--refresh']);
    return ask();
  } catch {
    return dirty;
  }
}

/** GitKeys of the tracked, unmodified files under `records/` (none when git is unavailable). */
export function gitKeys(root: string): GitKeys {
  try {
    const listed = gitSync(root, [...GIT_KEY_COMMANDS.listed]);
    const dirty = freshDirty(root, gitSync(root, [...GIT_KEY_COMMANDS.dirty]));
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

function parseGitKeys(listed: string, dirty: string | undefined): GitKeys {
  const keys = new Map<string, string>();
  const dirtyFiles = dirtyList(dirty ?? '');
  const skip = new Set(dirtyFiles);
  for (const entry of listed.split('\0')) {
    // `<mode> <blob> <stage>\t<path>`; conflicted entries (stage ≠ 0) are read from disk instead.
    const tab = entry.indexOf('\t');
    if (tab < 0 || entry[tab - 1] !== '0') continue;
    const file = entry.slice(tab + 1);
    if (!skip.has(file)) keys.set(file, entry.slice(7, tab - 2));
  }
  return { keys, index: indexWitness(listed), dirty: dirtyFiles, ...(dirty === undefined && { indexOnly: true }) };
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
 * `indexOnly`: without `git diff-files`, whose stat pass over every file a run that reads every file anyway does not
 * need (GitKeys `indexOnly`); `probe` (with `indexOnly`): a sample of the listed files, see startGitAnswers. Callers
 * start it only for a root inside a git work tree (cache.ts gitDirOf).
 * A plain child process, not simple-git: the loader is synchronous and blocks on the result with Atomics.wait.
 */
export function startGitKeys(root: string, opts: { indexOnly?: boolean; probe?: readonly string[] } = {}): PendingKeys | undefined {
  const raw = startGitAnswers(root, !opts.indexOnly, opts.indexOnly ? opts.probe : undefined);
  if (!raw) return undefined;
  return {
    wait() {
      const answers = raw.wait();
      if (answers === 'timeout') return opts.indexOnly ? indexKeys(root) : gitKeys(root);
      return answers ? parseGitKeys(answers.listed, answers.dirty) : { keys: new Map(), dirty: [] };
    },
    cancel: raw.cancel,
  };
}

/** GitKeys without the stat pass (see startGitKeys `indexOnly`). */
function indexKeys(root: string): GitKeys {
  try {
    return parseGitKeys(gitSync(root, [...GIT_KEY_COMMANDS.listed]), undefined);
  } catch {
    return { keys: new Map(), dirty: [] };
  }
}

/** The witness git gives of the files under records/ (see GitKeys) without building the keys; undefined without git. */
export function gitWitness(root: string): { index: string; dirty: string[] } | undefined {
  let answers: { listed: string; dirty?: string } | undefined;
  const raw = startGitAnswers(root);
  const got = raw?.wait();
  if (got && got !== 'timeout') answers = got;
  else if (!raw || got === 'timeout') {
    try {
      answers = { listed: gitSync(root, [...GIT_KEY_COMMANDS.listed]), dirty: freshDirty(root, gitSync(root, [...GIT_KEY_COMMANDS.dirty])) };
    } catch {
      answers = undefined;
    }
  }
  return answers ? { index: indexWitness(answers.listed), dirty: dirtyList(answers.dirty ?? '') } : undefined;
}

/**
 * `git ls-files -s` and `git diff-files` (GIT_KEY_COMMANDS; the latter only with `statPass`) run side by side in the
 * background; undefined where there is no POSIX shell. Without the stat pass, `probe` files (a sample of the listed
 * ones) are asked about instead: when a quarter of them or more are stat-dirty, git's stat data is stale (a copied or
 * restored work tree) and is refreshed there and then (freshDirty's `git update-index -q --refresh`), while this run
 * reads the files anyway — not by the next run, which would otherwise pay for it in what should be a quick answer.
 */
function startGitAnswers(root: string, statPass = true, probe: readonly string[] = []): { wait(): { listed: string; dirty?: string } | 'timeout' | undefined; cancel(): void } | undefined {
  if (process.platform === 'win32' || !fs.existsSync('/bin/sh')) return undefined;
  let dir: string;
  try {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'djyc-keys-'));
  } catch {
    return undefined;
  }
  const refresh = !statPass && probe.length > 0 && !process.env.GIT_INDEX_FILE;
  const script = [
    `git -c core.quotepath=false ${GIT_KEY_COMMANDS.listed.join(' ')} > "$0/listed" 2>/dev/null & a=$!`,
    statPass ? `git -c core.quotepath=false ${GIT_KEY_COMMANDS.dirty.join(' ')} > "$0/dirty" 2>/dev/null; b=$?` : 'b=0',
    refresh ? `n=$(git --literal-pathspecs diff-files --name-only -- "$@" 2>/dev/null | wc -l); [ "$n" -ge ${Math.ceil(probe.length / 4)} ] && git update-index -q --refresh >/dev/null 2>&1` : ':',
    'wait $a; c=$?',
    'echo "$c $b" > "$0/status.tmp" && mv "$0/status.tmp" "$0/status"',
  ].join('\n');
  let child: ReturnType<typeof spawn>;
  try {
    child = spawn('/bin/sh', ['-c', script, dir, ...(refresh ? probe : [])], { cwd: root, stdio: 'ignore', env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } });
    child.on('error', () => {});
    child.unref();
  } catch {
    fs.rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
  const cleanup = () => {
    try {
      // A cancelled shell's git children may still be creating their output files: retry, and never throw.
      fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 20 });
    } catch {
      /* a leftover folder in the temp directory */
    }
  };
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
        const listed = fs.readFileSync(path.join(dir, 'listed'), 'utf8');
        return statPass ? { listed, dirty: freshDirty(root, fs.readFileSync(path.join(dir, 'dirty'), 'utf8')) } : { listed };
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


/** Whether `git ls-files -v` output marks any entry assume-unchanged (lower-case tag) or skip-worktree (S). */
function anyUnwatched(listed: string): boolean {
  for (let at = 0; at < listed.length; ) {
    const tag = listed.charCodeAt(at);
    if ((tag >= 97 && tag <= 122) || tag === 83) return true;
    const end = listed.indexOf('\0', at);
    if (end < 0) break;
    at = end + 1;
  }
  return false;
}

/** One look at the work tree under a folder (scanWorkTree). */
export interface WorkTreeScan {
  /** Files whose stat data differs from git's index (`git diff-files`: edited, deleted, unmerged — or only touched). */
  dirty: string[];
  /** Files git does not track, ignored ones too. */
  others: string[];
  /** Some entry is marked assume-unchanged or skip-worktree: git does not look at its file, so `dirty` may miss it. */
  unwatched: boolean;
  /**
   * Names of interrupted writes (files.ts TEMP_PATTERN) that git sees, tracked or not: each entry's path up to the
   * first name that matches, once.
   */
  leftovers: string[];
  /**
   * A file git sees that the listing never reads as a record (repo.ts listRecordFiles): in a folder inside one of
   * `dir`'s folders (`records/projects/2021/…`), not named `*.yaml` in one of them, or a YAML file right in `dir`.
   */
  unread?: string;
}

/** Whether a path under a folder (its name ending at `from`) is one the listing never reads as a record (see WorkTreeScan). */
function unreadRecordPath(file: string, from: number): boolean {
  const slash = file.indexOf('/', from);
  if (slash < 0) return unreadFileName(file.slice(from), false);
  const name = file.slice(slash + 1);
  // A dot-folder in a kind folder is passed over by the listing, as dot-files are.
  if (name.startsWith('.')) return false;
  if (name.includes('/')) return true;
  return unreadFileName(name, true) && !TEMP_PATTERN.test(name);
}

/**
 * The one pass over the work tree under `dir` that questions about it share (a pull-request check asks two: what
 * changed since the base, and since the referrer index's tree): `git diff-files` and `git ls-files -c -o -v` (the
 * index's entries with their tags and the untracked files, in one listing), side by side; paths relative to
 * `root`. Undefined when git fails.
 */
export async function scanWorkTree(root: string, dir: string): Promise<WorkTreeScan | undefined> {
  const diffFiles = ['diff-files', '--relative', '--name-only', '-z', '--', `${dir}/`];
  const [dirty, listed] = await Promise.all([gitRun(root, diffFiles), gitRun(root, ['ls-files', '-c', '-o', '-v', '-z', '--', `${dir}/`])]);
  if (dirty.code !== 0 || listed.code !== 0) return undefined;
  const dirtyText = freshDirty(root, dirty.stdout.toString('utf8'), () => gitSync(root, diffFiles));
  const text = listed.stdout.toString('utf8');
  const others: string[] = [];
  const leftovers = new Set<string>();
  let unread: string | undefined;
  const from = dir.length + 1;
  for (const entry of text.split('\0')) {
    if (!entry) continue;
    // `<tag> <path>`: `?` untracked; H, S, M… tracked (lower case: assume-unchanged).
    const file = entry.slice(2);
    if (entry.charCodeAt(0) === 63) others.push(file);
    if (unread === undefined && file.charCodeAt(from) !== 46 && unreadRecordPath(file, from)) unread = file;
    if (file.includes(TEMP_MARK)) {
      const parts = file.split('/');
      const at = parts.findIndex((name) => TEMP_PATTERN.test(name));
      if (at >= 0) leftovers.add(parts.slice(0, at + 1).join('/'));
    }
  }
  return { dirty: dirtyText.split('\0').filter(Boolean), others, unwatched: anyUnwatched(text), leftovers: [...leftovers], ...(unread ? { unread } : {}) };
}

/**
 * The files under `dir` whose work-tree content may differ from `tree`'s and the untracked and ignored ones; paths
 * relative to `root`. Those are the index's differences from the tree (`git diff-index --cached`, which reads no
 * file) and the work tree's from the index (scanWorkTree: `scan`, or one made here): together what `git diff-index
 * <tree>` would list, or more. Undefined when git cannot tell exactly: an error, a tree git does not have, or files
 * git would not look at (assume-unchanged, skip-worktree).
 */
export async function gitChangedSince(root: string, dir: string, tree: string, scan?: Promise<WorkTreeScan | undefined>): Promise<string[] | undefined> {
  if (!/^[0-9a-f]{40,64}$/.test(tree)) return undefined;
  const [staged, work] = await Promise.all([
    gitRun(root, ['diff-index', '--cached', '--relative', '--name-only', '-z', tree, '--', `${dir}/`]),
    scan ?? scanWorkTree(root, dir),
  ]);
  if (staged.code !== 0 || !work || work.unwatched) return undefined;
  return [...staged.stdout.toString('utf8').split('\0').filter(Boolean), ...work.dirty, ...work.others];
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
  if (anyUnwatched(flags.stdout.toString('utf8'))) return undefined;
  return grep.stdout.toString('utf8').split('\0').filter(Boolean);
}
