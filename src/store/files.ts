/** Writing a file so that readers see the old content or the new, never half of one: the one atomic write of djyc. */
import fs from 'node:fs';
import { open, rename, rm, mkdir } from 'node:fs/promises';
import path from 'node:path';

/** Stray files left by an interrupted write: `.name.djyc-tmp-<pid>-<n>` (swept by the next writing command). */
export const TEMP_PATTERN = /\.djyc-tmp-\d+(-\d+)?$/;
/** What every name TEMP_PATTERN matches contains (a quick test before the pattern's). */
export const TEMP_MARK = '.djyc-tmp-';
let tempCounter = 0;

/** A new temp name beside `file`, matching TEMP_PATTERN. */
function tempFile(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.djyc-tmp-${process.pid}-${tempCounter++}`);
}

/**
 * Writes a file atomically: a temp file in the same folder, fsync, rename; the folder is made when missing.
 * `sync: false` skips the fsync (a cache file that knows when it is torn).
 */
export function writeAtomic(file: string, content: string | Uint8Array | Iterable<string>, opts: { mode?: number; sync?: boolean } = {}): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = tempFile(file);
  // 'wx': a new file, never through a link someone left under the temp name.
  let fd: number;
  try {
    fd = fs.openSync(tmp, 'wx', opts.mode);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    fs.rmSync(tmp, { force: true });
    fd = fs.openSync(tmp, 'wx', opts.mode);
  }
  try {
    try {
      // Pieces are written one by one: a big file is never one giant string or buffer in memory.
      for (const piece of typeof content === 'string' || content instanceof Uint8Array ? [content] : content) {
        const bytes = typeof piece === 'string' ? Buffer.from(piece) : (piece as Uint8Array);
        // writeSync may write less than asked (a full disk fails only on a later call): loop until all is written.
        for (let at = 0; at < bytes.byteLength; ) at += fs.writeSync(fd, bytes, at, bytes.byteLength - at);
      }
      if (opts.sync !== false) fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (err) {
    // A full disk or an I/O error: no partial temp file is left behind.
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

/** Folders writeAtomicAsync has made or found (a missing one is made again when a file cannot be created in it). */
const madeDirs = new Set<string>();

/**
 * writeAtomic for bytes, without blocking the thread: the fsync and the writes run in libuv's pool, so a batch
 * goes on printing while its files reach the disk (an fsync per form blocked a 1,000-form batch for seconds).
 */
export async function writeAtomicAsync(file: string, bytes: Uint8Array): Promise<void> {
  const dir = path.dirname(file);
  // A batch writes a thousand files into one folder: it is made once, and again only if it went away.
  if (!madeDirs.has(dir)) {
    await mkdir(dir, { recursive: true });
    madeDirs.add(dir);
  }
  const tmp = tempFile(file);
  const create = () =>
    open(tmp, 'wx').catch(async (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') {
        await mkdir(dir, { recursive: true });
        return open(tmp, 'wx');
      }
      if (err.code !== 'EEXIST') throw err;
      await rm(tmp, { force: true });
      return open(tmp, 'wx');
    });
  let handle = await create();
  try {
    try {
      // write() may write less than asked: loop until all is written.
      for (let at = 0; at < bytes.byteLength; ) at += (await handle.write(bytes, at, bytes.byteLength - at)).bytesWritten;
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
