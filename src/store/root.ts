import fs from 'node:fs';
import path from 'node:path';
import { CONFIG_FILE } from '../domain/kinds.js';
import { UsageError } from '../domain/errors.js';

/** Walks up from `start` to the folder holding djyc.yaml. */
export function findRoot(start: string = process.cwd()): string | undefined {
  let dir = path.resolve(start);
  for (;;) {
    if (fs.existsSync(path.join(dir, CONFIG_FILE))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export function requireRoot(start?: string): string {
  const root = findRoot(start);
  if (!root) {
    throw new UsageError(
      '找不到记录库配置 djyc.yaml：请在记录库中运行，或先运行 djyc init',
      'no djyc.yaml found: run inside a records repository, or run djyc init first',
    );
  }
  return root;
}
