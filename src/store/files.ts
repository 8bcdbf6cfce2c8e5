/** Writing a file so that readers see the old content or the new, never half of one: the one atomic write of djyc. */
import fs from 'node:fs';
import path from 'node:path';

/** Stray files left by an interrupted write: `.name.djyc-tmp-<pid>-<n>` (swept by the next writing command). */
export const TEMP_PATTERN = /\.djyc-tmp-\d+(-\d+)?$/;
let tempCounter = 0;

/** Writes a file atomically: a temp file in the same folder, fsync, rename; the folder is made when missing. */
export function writeAtomic(file: string, content: string | Uint8Array, opts: { mode?: number } = {}): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.djyc-tmp-${process.pid}-${tempCounter++}`);
  try {
    const fd = fs.openSync(tmp, 'w', opts.mode);
    try {
      if (typeof content === 'string') fs.writeSync(fd, content);
      else fs.writeSync(fd, content);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}
