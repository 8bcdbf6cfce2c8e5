import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { git, commitGit } from './git.js';
import { RefusedError } from './errors.js';
import { RECORDS_DIR } from './kinds.js';
import { TEMP_PATTERN } from './repo.js';

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

function gitDir(root: string): string {
  return path.join(root, '.git');
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

/** Takes the repository lock, waiting up to `waitMs` for another djyc run; a lock left by a dead process is taken over. */
export async function acquireLock(root: string, waitMs = Number(process.env.DJYC_LOCK_WAIT_MS ?? 10_000)): Promise<() => void> {
  const file = path.join(gitDir(root), LOCK);
  const deadline = Date.now() + waitMs;
  for (;;) {
    if (tryCreateLock(file)) {
      await lockHeldHook();
      return () => {
        // Only our own lock: never one another run took over after judging ours stale.
        if (lockHolder(file)?.pid === process.pid) fs.rmSync(file, { force: true });
      };
    }
    const holder = lockHolder(file);
    if (!holder) continue; // released meanwhile
    const stale = holder.pid ? holder.pid !== process.pid && !isAlive(holder.pid) : holder.ageMs > EMPTY_LOCK_STALE_MS;
    if (stale) {
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
        removed.push(`.git/${name}`);
      }
    }
  } catch {
    /* no git folder */
  }
  const dir = path.join(root, RECORDS_DIR);
  if (!fs.existsSync(dir)) return removed;
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

/** Writes a file atomically: a temp file in the same folder, fsync, rename. */
export function writeAtomic(file: string, content: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.djyc-tmp-${process.pid}-${tempCounter++}`);
  const fd = fs.openSync(tmp, 'w');
  try {
    if (typeof content === 'string') fs.writeSync(fd, content);
    else fs.writeSync(fd, content);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

interface Journal {
  message: string;
  files: { path: string; existed: boolean }[];
}

function gitSync(root: string, args: string[]): string {
  return execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
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
  // Git's own lock files, left when the crash killed a git command of ours half way (we hold djyc's lock).
  const branch = (() => {
    try {
      return gitSync(root, ['symbolic-ref', '-q', 'HEAD']).trim();
    } catch {
      return '';
    }
  })();
  for (const name of ['index.lock', 'HEAD.lock', 'packed-refs.lock', ...(branch ? [`${branch}.lock`] : [])]) {
    fs.rmSync(path.join(gitDir(root), name), { force: true });
  }
  // The temporary index of our interrupted `git commit -- <paths>`.
  for (const name of fs.readdirSync(gitDir(root))) if (/^next-index-\d+\.lock$/.test(name)) fs.rmSync(path.join(gitDir(root), name), { force: true });
  const paths = journal.files.map((f) => f.path);
  // Temp files of the interrupted atomic writes, wherever the files were (attachments too).
  for (const p of paths) {
    const dir = path.join(root, path.dirname(p));
    const prefix = `.${path.basename(p)}.djyc-tmp-`;
    try {
      for (const name of fs.readdirSync(dir)) if (name.startsWith(prefix)) fs.rmSync(path.join(dir, name), { force: true });
    } catch {
      /* no such folder */
    }
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
  // Before writing we required every file to equal HEAD, so HEAD holds the old content.
  gitSync(root, ['reset', '-q', '--', ...paths]);
  for (const f of journal.files) {
    const abs = path.join(root, f.path);
    if (f.existed) gitSync(root, ['checkout', '-q', 'HEAD', '--', f.path]);
    else fs.rmSync(abs, { force: true });
  }
  fs.rmSync(journalFile, { force: true });
  return 'rolled-back';
}

/** Paths among `paths` that differ from HEAD (modified, staged, or untracked): someone's uncommitted edits. */
export async function uncommitted(root: string, paths: string[]): Promise<string[]> {
  if (!paths.length) return [];
  const status = await git(root).raw(['status', '--porcelain', '--untracked-files=all', '--', ...paths]);
  return status
    .split('\n')
    .filter(Boolean)
    .map((l) => l.slice(3).replace(/^"|"$/g, ''));
}

export interface CommitResult {
  commit: string;
  files: string[];
}

/**
 * Applies changes and commits them as one operation. Refuses (nothing written) when another run holds the lock,
 * when a target file has uncommitted edits, or when a file changed since the command read it.
 */
export async function commitChanges(root: string, changes: FileChange[], message: string): Promise<CommitResult> {
  const release = await acquireLock(root);
  try {
    recover(root);
    sweepTemps(root);
    const paths = changes.map((c) => c.path);
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
    const journal: Journal = { message, files: changes.map((c) => ({ path: c.path, existed: fs.existsSync(path.join(root, c.path)) })) };
    writeAtomic(path.join(gitDir(root), JOURNAL), JSON.stringify(journal));
    for (const c of changes) {
      const abs = path.join(root, c.path);
      if (c.content === null) fs.rmSync(abs, { force: true });
      else writeAtomic(abs, c.content);
    }
    const g = await commitGit(root);
    try {
      await g.raw(['add', '-A', '--', ...paths]);
      await g.raw(['commit', '-q', '-m', message, '--', ...paths]);
    } catch (err) {
      recover(root);
      throw err;
    }
    fs.rmSync(path.join(gitDir(root), JOURNAL), { force: true });
    const commit = (await git(root).revparse(['HEAD'])).trim();
    return { commit, files: paths };
  } finally {
    release();
  }
}
