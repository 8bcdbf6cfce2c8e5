/**
 * Where git keeps a records repository's data, found the way git finds it (`git rev-parse`): the records root (the
 * folder holding djyc.yaml) may be the top of a work tree, a linked worktree (`.git` is a file there), or a folder
 * inside a larger repository (like examples/huishan-2020 in djyc's own). djyc's lock and write journal live in the
 * work tree's own git directory (`--git-dir`: per worktree, as its index and HEAD are).
 */
import fs from 'node:fs';
import path from 'node:path';
import { gitSync } from './git.js';
import { StorageError, UsageError } from '../domain/errors.js';

export interface GitLocation {
  /** The top of the work tree the records root belongs to. */
  topLevel: string;
  /** This work tree's git directory (`.git`, or `.git/worktrees/<name>` for a linked worktree). */
  gitDir: string;
  /** The git directory shared by all worktrees (objects, refs, config). */
  commonDir: string;
}

const located = new Map<string, GitLocation>();

/** Git's variables that would point it elsewhere than the folder asked about (set inside hooks, for instance). */
const GIT_ENV = ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_COMMON_DIR', 'GIT_PREFIX'];

/** Finds the git repository of a records root; throws a clear usage error when there is none. */
export function locateGit(root: string): GitLocation {
  const key = path.resolve(root);
  const known = located.get(key);
  // Still right unless the folder has since become a repository of its own (`git init` / `djyc init` in it).
  if (known && (known.topLevel === key || !fs.existsSync(path.join(key, '.git')))) return known;
  const env = { ...process.env };
  for (const k of GIT_ENV) delete env[k];
  let out: string;
  try {
    out = gitSync(key, ['rev-parse', '--path-format=absolute', '--show-toplevel', '--git-dir', '--git-common-dir'], { env });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: Buffer | string };
    if (e.code === 'ENOENT' && !e.stderr) throw new UsageError('找不到 git 命令：djyc 用 git 保存每一次更改，请先安装 git', 'git was not found: djyc keeps every change as a git commit; install git first');
    if (e.code === 'EACCES' || e.code === 'ENOENT') throw new StorageError(`无法进入文件夹 ${key}（${e.code}）`, `cannot enter the folder ${key} (${e.code})`);
    if (/dubious ownership/i.test(String(e.stderr ?? ''))) {
      throw new UsageError(
        `git 拒绝在 ${key} 中工作：该仓库属于另一个用户（可由仓库所有者运行，或按 git 的提示设置 safe.directory）`,
        `git refuses to work in ${key}: the repository belongs to another user (run as its owner, or set safe.directory as git suggests)`,
      );
    }
    throw notARepository(key);
  }
  const [topLevel, gitDir, commonDir] = out.split('\n').map((l) => l.trim());
  if (!topLevel || !gitDir || !commonDir) throw notARepository(key);
  const loc = { topLevel: path.resolve(key, topLevel), gitDir: path.resolve(key, gitDir), commonDir: path.resolve(key, commonDir) };
  located.set(key, loc);
  return loc;
}

/** The git directory of a records root, or undefined when it is not in a git work tree (no error). */
export function findGitDir(root: string): string | undefined {
  try {
    return locateGit(root).gitDir;
  } catch {
    return undefined;
  }
}

function notARepository(dir: string): UsageError {
  return new UsageError(
    `${dir} 不是 git 仓库（也不在 git 仓库中）：djyc 把每一次更改保存为一次 git 提交。请在记录库中运行，或先运行 git init（新建记录库请用 djyc init）`,
    `${dir} is not a git repository (nor inside one): djyc keeps every change as a git commit. Run it inside a records repository, or run git init first (djyc init makes a new one)`,
  );
}

/** Whether a folder can be written by this process (a read-only mount or folder, or another owner's). */
export function writable(dir: string): boolean {
  try {
    fs.accessSync(dir, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
