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
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the repository lock, waiting up to `waitMs` for another djyc run; a lock left by a dead process is taken over. */
export async function acquireLock(root: string, waitMs = Number(process.env.DJYC_LOCK_WAIT_MS ?? 10_000)): Promise<() => void> {
  const file = path.join(gitDir(root), LOCK);
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      const fd = fs.openSync(file, 'wx');
      fs.writeSync(fd, `${process.pid}\n`);
      fs.closeSync(fd);
      return () => {
        try {
          fs.unlinkSync(file);
        } catch {
          /* already gone */
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const pid = Number(fs.readFileSync(file, 'utf8').trim() || 0);
    if (!pid || !isAlive(pid)) {
      try {
        fs.unlinkSync(file);
      } catch {
        /* raced with another taker */
      }
      continue;
    }
    if (Date.now() > deadline) {
      throw new RefusedError(`另一个 djyc 命令（进程 ${pid}）正在写入本记录库，请稍后再试`, `another djyc command (pid ${pid}) is writing to this repository; try again later`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Removes temp files left by interrupted writes. */
export function sweepTemps(root: string): string[] {
  const removed: string[] = [];
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
  const stale = path.join(gitDir(root), 'index.lock');
  if (fs.existsSync(stale)) fs.rmSync(stale, { force: true });
  const paths = journal.files.map((f) => f.path);
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
