/** Files of the repository that records name (brand logos, supporting documents): read only from inside it. */
import fs from 'node:fs';
import path from 'node:path';

/** The absolute path of a repository-relative path that stays inside the repository and out of `.git`; else undefined. */
export function safeRelative(root: string, rel: string): string | undefined {
  if (!rel || path.isAbsolute(rel) || /^[a-z]+:/i.test(rel)) return undefined;
  const abs = path.resolve(root, rel);
  const back = path.relative(root, abs);
  if (!back || back.startsWith('..') || path.isAbsolute(back) || back.split(path.sep)[0] === '.git') return undefined;
  return abs;
}

export type AttachmentRead = { file: string; bytes: Buffer } | { reason: 'outside' | 'missing' | 'too-large' };

/** Reads a file a record names, if it is inside the repository, a file, and at most `maxBytes` long. */
export function readAttachment(root: string, rel: string, maxBytes: number): AttachmentRead {
  const file = safeRelative(root, rel);
  if (!file) return { reason: 'outside' };
  try {
    const st = fs.statSync(file);
    if (!st.isFile() || st.size > maxBytes) return { reason: 'too-large' };
    return { file, bytes: fs.readFileSync(file) };
  } catch {
    return { reason: 'missing' };
  }
}
