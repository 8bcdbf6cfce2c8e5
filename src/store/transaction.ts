import fs from 'node:fs';
import path from 'node:path';
import { git, commitGit, gitSync } from './git.js';
import { RefusedError, storageError } from '../domain/errors.js';
import { RECORDS_DIR } from '../domain/kinds.js';
import { TEMP_PATTERN, writeAtomic } from './files.js';
import { resolveInside } from './containment.js';
import { ATTACHMENTS_DIR, lexicalProblem } from '../domain/paths.js';
import { locateGit, writable } from './gitdir.js';

/**
 * Every command that writes goes through here: a lock so two runs cannot interleave, a refusal to touch files
 * with uncommitted human edits, atomic writes (temp + fsync + rename), and exactly one commit per operation.
 * A journal makes a crash at any moment recoverable: the next run rolls an unfinished operation back.
 */
export interface FileChange {
  /** Repository-relative path, forward slashes. */
  path: string;
  /** New content (text, or bytes for attachments such as logos); null deletes the file. */
  content: string | Uint8Array | null;
  /** Content the command read before deciding (null: the file must not exist). Guards against edits made meanwhile. */
  expected?: string | null;
}

const LOCK = 'djyc.lock';
const JOURNAL = 'djyc-journal.json';
let tempCounter = 0;

/** The work tree's git directory, found as git finds it (a linked worktree, a records root inside a larger repository). */
function gitDir(root: string): string {
  return locateGit(root).gitDir;
}

/** The journal of an unfinished write, when there is one: its path (the write is in progress, or was interrupted). */
export function pendingJournal(root: string): string | undefined {
  let dir: string;
  try {
    dir = gitDir(root);
  } catch {
    return undefined;
  }
  const file = path.join(dir, JOURNAL);
  return fs.existsSync(file) ? file : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A killed process nobody has reaped yet (containers without an init) still answers: a zombie is dead.
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/** A lock file that is empty or unreadable this long is a leftover (a crash between creating and filling it). */
const EMPTY_LOCK_STALE_MS = 10_000;

/** Creates the lock file with our pid in it, atomically (hard link of a filled temp file); false if it exists. */
function tryCreateLock(file: string): boolean {
  const tmp = `${file}.${process.pid}.${tempCounter++}`;
  fs.writeFileSync(tmp, `${process.pid}\n`);
  try {
    fs.linkSync(tmp, file);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw err;
    // No hard links here: exclusive create (a crash before the pid is written leaves an empty lock, handled below).
    try {
      const fd = fs.openSync(file, 'wx');
      fs.writeSync(fd, `${process.pid}\n`);
      fs.closeSync(fd);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw e;
    }
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/** The holder of an existing lock: its pid (0 when empty/unreadable), the file's text and age; undefined if gone. */
function lockHolder(file: string): { pid: number; text: string; ageMs: number } | undefined {
  try {
    const text = fs.readFileSync(file, 'utf8');
    const ageMs = Date.now() - fs.statSync(file).mtimeMs;
    return { pid: Number(text.trim()) || 0, text, ageMs };
  } catch {
    return undefined;
  }
}

/**
 * Removes a stale lock — one only: a "breaker" folder made with mkdir (atomic) makes sure two runs that both saw
 * the same dead holder do not each remove the other's fresh lock. A breaker left by a crash goes after a while.
 */
function breakStaleLock(file: string, seen: string): void {
  const breaker = `${file}.break`;
  try {
    fs.mkdirSync(breaker);
  } catch {
    try {
      if (Date.now() - fs.statSync(breaker).mtimeMs > EMPTY_LOCK_STALE_MS) fs.rmdirSync(breaker);
    } catch {
      /* gone already */
    }
    return;
  }
  try {
    const now = lockHolder(file);
    if (now && now.text === seen) fs.rmSync(file, { force: true });
  } finally {
    fs.rmdirSync(breaker);
  }
}

/**
 * Test hook: with DJYC_TEST_LOCK_HELD=<file>, a run that has taken the lock creates <file> and goes on once it is
 * removed (at most a minute later), so that a test can act at a known moment while the lock is held.
 */
async function lockHeldHook(): Promise<void> {
  const marker = process.env.DJYC_TEST_LOCK_HELD;
  if (!marker) return;
  fs.writeFileSync(marker, `${process.pid}\n`);
  const until = Date.now() + 60_000;
  while (fs.existsSync(marker) && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
}

/** A lock left by a process that is gone, or empty for longer than a crash between create and write takes. */
function isStale(holder: { pid: number; ageMs: number }): boolean {
  return holder.pid ? holder.pid !== process.pid && !isAlive(holder.pid) : holder.ageMs > EMPTY_LOCK_STALE_MS;
}

/** Releases a lock we took: only our own, never one another run took over after judging ours stale. */
function releaser(file: string): () => void {
  return () => {
    if (lockHolder(file)?.pid === process.pid) fs.rmSync(file, { force: true });
  };
}

/** Takes a lock file now, or undefined when a live process holds it (a stale lock is taken over, as acquireLock does). */
export function tryLock(file: string): (() => void) | undefined {
  for (let attempt = 0; attempt < 3; attempt++) {
    if (tryCreateLock(file)) return releaser(file);
    const holder = lockHolder(file);
    if (holder && !isStale(holder)) return undefined;
    if (holder) breakStaleLock(file, holder.text);
  }
  return undefined;
}

/** Takes the repository lock, waiting up to `waitMs` for another djyc run; a lock left by a dead process is taken over. */
export async function acquireLock(root: string, waitMs = Number(process.env.DJYC_LOCK_WAIT_MS ?? 10_000)): Promise<() => void> {
  const dir = gitDir(root);
  const file = path.join(dir, LOCK);
  const deadline = Date.now() + waitMs;
  for (;;) {
    let created: boolean;
    try {
      created = tryCreateLock(file);
    } catch (err) {
      throw storageError(err, readOnlyWhere(root, dir), 'untouched') ?? err;
    }
    if (created) {
      await lockHeldHook();
      return releaser(file);
    }
    const holder = lockHolder(file);
    if (!holder) continue; // released meanwhile
    if (isStale(holder)) {
      breakStaleLock(file, holder.text);
      continue;
    }
    if (Date.now() > deadline) {
      const who = holder.pid ? `（进程 ${holder.pid}）` : '';
      throw new RefusedError(`另一个 djyc 命令${who}正在写入本记录库，请稍后再试`, `another djyc command${holder.pid ? ` (pid ${holder.pid})` : ''} is writing to this repository; try again later`);
    }
    await new Promise((r) => setTimeout(r, 25 + Math.random() * 50));
  }
}

/** How a repository that cannot be written is named in the message: the records root, or git's folder when only that is. */
function readOnlyWhere(root: string, dir: string): string {
  return !writable(root) || writable(dir) ? root : dir;
}

/** The repository's write lock, held from before the state is read until the change is committed. */
export interface WriteLock {
  readonly root: string;
  /** Whether it is still held (released once, by release() or at the end of an `await using` block). */
  readonly held: boolean;
  release(): void;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Takes the write lock of a repository and makes its state sound to read: an unfinished write (a crash, a full disk)
 * is rolled back and stray temp files are swept. Every check that decides a write must run after this, on state
 * read after this: `await using lock = await writeLock(root)`, then load, decide, commitChanges(…, { lock }).
 */
export async function writeLock(root: string): Promise<WriteLock> {
  const release = await acquireLock(root);
  let held = true;
  const lock: WriteLock = {
    root,
    get held() {
      return held;
    },
    release() {
      if (!held) return;
      held = false;
      release();
    },
    async [Symbol.asyncDispose]() {
      lock.release();
    },
  };
  try {
    recover(root);
    sweepTemps(root);
  } catch (err) {
    lock.release();
    throw storageError(err, root, 'pending') ?? err;
  }
  return lock;
}

/** Removes temp files left by interrupted writes (records, the journal's, the lock's of dead processes). */
export function sweepTemps(root: string): string[] {
  const removed: string[] = [];
  const g = gitDir(root);
  try {
    for (const name of fs.readdirSync(g)) {
      // Ours, and git's temporary index of a `git commit -- <paths>` killed half way (named after its pid).
      const owner = /^djyc\.lock\.(\d+)\.\d+$/.exec(name) ?? /^next-index-(\d+)\.lock$/.exec(name);
      if (TEMP_PATTERN.test(name) || (owner && !isAlive(Number(owner[1])))) {
        fs.rmSync(path.join(g, name), { force: true });
        removed.push(path.relative(root, path.join(g, name)).split(path.sep).join('/'));
      }
    }
  } catch {
    /* no git folder */
  }
  const dir = path.join(root, RECORDS_DIR);
  // Never through a link: records/ that is one is reported by validate, and nothing in it is touched.
  if (!fs.lstatSync(dir, { throwIfNoEntry: false })?.isDirectory()) return removed;
  for (const sub of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!sub.isDirectory()) continue;
    for (const name of fs.readdirSync(path.join(dir, sub.name))) {
      if (TEMP_PATTERN.test(name)) {
        fs.rmSync(path.join(dir, sub.name, name), { force: true });
        removed.push(`${RECORDS_DIR}/${sub.name}/${name}`);
      }
    }
  }
  return removed;
}

function readOrNull(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

interface Journal {
  message: string;
  files: { path: string; existed: boolean }[];
}

/** Rolls back an operation a crash interrupted (or completes the bookkeeping of one that did commit). */
export function recover(root: string): 'none' | 'rolled-back' | 'completed' {
  const journalFile = path.join(gitDir(root), JOURNAL);
  const text = readOrNull(journalFile);
  if (text === null) return 'none';
  let journal: Journal;
  try {
    journal = JSON.parse(text) as Journal;
  } catch {
    fs.rmSync(journalFile, { force: true });
    return 'none';
  }
  // Only paths the write loop could have written (a journal is ours, but never trust a path blindly).
  journal.files = (journal.files ?? []).filter((f) => f && typeof f.path === 'string' && !lexicalProblem(f.path) && WRITABLE_TOPS.has(f.path.split('/')[0]!));
  // Git's own lock files, left when the crash killed a git command of ours half way (we hold djyc's lock).
  const branch = (() => {
    try {
      return gitSync(root, ['symbolic-ref', '-q', 'HEAD']).trim();
    } catch {
      return '';
    }
  })();
  const dir = gitDir(root);
  for (const name of ['index.lock', 'HEAD.lock', 'packed-refs.lock', ...(branch ? [`${branch}.lock`] : [])]) {
    fs.rmSync(path.join(dir, name), { force: true });
  }
  // The temporary index of our interrupted `git commit -- <paths>`.
  for (const name of fs.readdirSync(dir)) if (/^next-index-\d+\.lock$/.test(name)) fs.rmSync(path.join(dir, name), { force: true });
  const paths = journal.files.map((f) => f.path);
  // Temp files of the interrupted atomic writes, wherever the files were (attachments too).
  for (const p of paths) {
    const folder = path.join(root, path.dirname(p));
    const prefix = `.${path.basename(p)}.djyc-tmp-`;
    try {
      for (const name of fs.readdirSync(folder)) if (name.startsWith(prefix)) fs.rmSync(path.join(folder, name), { force: true });
    } catch {
      /* no such folder */
    }
  }
  if (!paths.length) {
    fs.rmSync(journalFile, { force: true });
    return 'rolled-back';
  }
  const headMessage = (() => {
    try {
      return gitSync(root, ['log', '-1', '--format=%B']).trim();
    } catch {
      return '';
    }
  })();
  const dirty = gitSync(root, ['status', '--porcelain', '--untracked-files=all', '--', ...paths]).trim();
  if (!dirty && headMessage === journal.message.trim()) {
    fs.rmSync(journalFile, { force: true });
    return 'completed';
  }
  // New files go first: on a full disk that frees the space git needs to undo the rest.
  for (const f of journal.files) if (!f.existed) fs.rmSync(path.join(root, f.path), { force: true });
  // Before writing we required every file to equal HEAD, so HEAD holds the old content.
  gitSync(root, ['reset', '-q', '--', ...paths]);
  const existed = journal.files.filter((f) => f.existed).map((f) => f.path);
  // One checkout for all the files that existed (not one git process per file: a big import is hundreds).
  if (existed.length) gitSync(root, ['checkout', '-q', 'HEAD', '--', ...existed]);
  fs.rmSync(journalFile, { force: true });
  return 'rolled-back';
}

/** Paths among `paths` that differ from HEAD (modified, staged, or untracked): someone's uncommitted edits. */
export async function uncommitted(root: string, paths: string[]): Promise<string[]> {
  if (!paths.length) return [];
  // Paths relative to the records root (porcelain paths are relative to the top of the work tree).
  const status = await git(root).raw(['status', '--porcelain', '--untracked-files=all', '--', ...paths]);
  if (!status.trim()) return [];
  const prefix = (await git(root).raw(['rev-parse', '--show-prefix'])).trim();
  return status
    .split('\n')
    .filter(Boolean)
    .map((l) => l.slice(3).replace(/^"|"$/g, ''))
    .map((f) => (prefix && f.startsWith(prefix) ? f.slice(prefix.length) : f));
}

export interface CommitResult {
  commit: string;
  files: string[];
}

/** The folders the write loop may write to; deletions only ever in attachments/. */
const WRITABLE_TOPS: ReadonlySet<string> = new Set([RECORDS_DIR, ATTACHMENTS_DIR]);

/**
 * The containment rule for a file the write loop is asked to write or delete: a plain relative path under records/
 * or attachments/ (deletions: attachments/ only), no symbolic link on the way, and a regular file if it exists.
 */
function checkTarget(root: string, c: FileChange, setup?: ReadonlySet<string>): void {
  const top = c.path.split('/')[0]!;
  const lexical = lexicalProblem(c.path);
  // `djyc upgrade` also writes the exact files `init` copied (schemas, workflows, editor settings, djyc.yaml).
  const setupFile = c.content !== null && !!setup?.has(c.path);
  const allowed = setupFile || (c.content === null ? top === ATTACHMENTS_DIR : WRITABLE_TOPS.has(top));
  if (lexical || !allowed || (!c.path.includes('/') && !setupFile)) {
    throw new RefusedError(
      `拒绝${c.content === null ? '删除' : '写入'} ${c.path}：djyc 只${c.content === null ? '删除 attachments/ 中' : '写入 records/ 和 attachments/ 中'}以规范路径指明的文件，未做任何更改`,
      `refused to ${c.content === null ? 'delete' : 'write'} ${c.path}: djyc only ${c.content === null ? 'deletes files under attachments/' : 'writes files under records/ and attachments/'}, named by plain paths; nothing was changed`,
    );
  }
  const r = resolveInside(root, c.path, { allowMissing: true });
  if (!r.ok) {
    throw new RefusedError(
      `拒绝${c.content === null ? '删除' : '写入'} ${c.path}：${r.at} ${r.rule === 'path-symlink' ? '是符号链接' : '不是普通文件或文件夹'}，未做任何更改`,
      `refused to ${c.content === null ? 'delete' : 'write'} ${c.path}: ${r.at} is ${r.rule === 'path-symlink' ? 'a symbolic link' : 'not a regular file or folder'}; nothing was changed`,
    );
  }
}

export interface CommitOptions {
  /** The write lock, when the caller took it before reading the state its decisions rest on (see writeLock). */
  lock?: WriteLock;
  /** Files outside records/ and attachments/ this operation may write: the set-up files of `djyc upgrade`. */
  setupFiles?: ReadonlySet<string>;
}

/**
 * Applies changes and commits them as one operation. Refuses (nothing written) when another run holds the lock,
 * when a target file has uncommitted edits, when a file changed since the command read it, or when a path breaks
 * the containment rule. Any failure while writing (a full disk, a read-only folder) rolls back at once: no partial
 * or temp file is left, and the error is one short StorageError.
 */
export async function commitChanges(root: string, changes: FileChange[], message: string, opts: CommitOptions = {}): Promise<CommitResult> {
  if (opts.lock && (!opts.lock.held || path.resolve(opts.lock.root) !== path.resolve(root))) throw new Error('commitChanges: the lock given is not held for this repository');
  const own = opts.lock ? undefined : await writeLock(root);
  try {
    const paths = changes.map((c) => c.path);
    for (const c of changes) checkTarget(root, c, opts.setupFiles);
    const dirty = await uncommitted(root, paths);
    if (dirty.length) {
      throw new RefusedError(
        `以下文件有尚未提交的修改，为免覆盖，未做任何更改：${dirty.join('、')}（请先提交或撤销这些修改）`,
        `these files have uncommitted edits; nothing was changed so as not to overwrite them: ${dirty.join(', ')} (commit or discard them first)`,
      );
    }
    for (const c of changes) {
      if (c.expected === undefined) continue;
      const now = readOrNull(path.join(root, c.path));
      if (now !== c.expected) {
        throw new RefusedError(
          `文件 ${c.path} 在命令运行期间被修改，未做任何更改，请重新运行`,
          `${c.path} changed while the command ran; nothing was changed, run it again`,
        );
      }
    }
    const journalFile = path.join(gitDir(root), JOURNAL);
    const journal: Journal = { message, files: changes.map((c) => ({ path: c.path, existed: fs.existsSync(path.join(root, c.path)) })) };
    try {
      writeAtomic(journalFile, JSON.stringify(journal));
    } catch (err) {
      throw storageError(err, readOnlyWhere(root, gitDir(root)), 'untouched') ?? err;
    }
    try {
      for (const c of changes) {
        const abs = path.join(root, c.path);
        if (c.content === null) fs.rmSync(abs, { force: true });
        else writeAtomic(abs, c.content);
      }
      const { git: g, author } = await commitGit(root);
      await g.raw(['add', '-A', '--', ...paths]);
      await g.raw(['commit', '-q', author, '-m', message, '--', ...paths]);
    } catch (err) {
      // Roll back now, not on the next run: the files from HEAD, new ones removed, temp files and journal gone.
      let state: 'undone' | 'pending' = 'undone';
      try {
        recover(root);
      } catch {
        state = 'pending';
      }
      throw storageError(err, root, state) ?? err;
    }
    fs.rmSync(journalFile, { force: true });
    const commit = (await git(root).revparse(['HEAD'])).trim();
    return { commit, files: paths };
  } finally {
    own?.release();
  }
}

/** A new repository (or the first commit in an empty one): `git init`, the files written atomically, one commit. */
export async function createRepository(root: string, files: Map<string, string>, message: string): Promise<string> {
  fs.mkdirSync(root, { recursive: true });
  const g = git(root);
  if (!fs.existsSync(path.join(root, '.git'))) await g.raw(['init', '-q', '-b', 'main']);
  for (const [rel, content] of files) writeAtomic(path.join(root, rel), content);
  const { git: c, author } = await commitGit(root);
  await c.raw(['add', '--', ...files.keys()]);
  await c.raw(['commit', '-q', author, '-m', message]);
  return (await g.revparse(['HEAD'])).trim();
}
