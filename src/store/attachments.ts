/**
 * Files of the repository that records name (brand logos, supporting documents), read in one place and only by the
 * containment rule (containment.ts): a plain path under attachments/, no symbolic link on the way, a regular file
 * within the size limit, and content that is what its extension says.
 */
import { readInside, resolveInside } from './containment.js';
import { recordPathProblem, typeMismatch, type FileType, type PathRule } from '../domain/paths.js';

export type AttachmentRead =
  | { ok: true; bytes: Buffer }
  | { ok: false; rule: PathRule | 'file-too-large'; expected?: FileType };

/** Reads a file a record names, under the whole containment rule and at most `maxBytes` long. */
export function readAttachment(root: string, rel: string, maxBytes: number): AttachmentRead {
  const lexical = recordPathProblem(rel);
  if (lexical) return { ok: false, rule: lexical };
  const read = readInside(root, rel, maxBytes);
  if (!read.ok) return { ok: false, rule: read.rule };
  const mismatch = typeMismatch(rel, read.bytes);
  if (mismatch) return { ok: false, rule: 'path-type-mismatch', expected: mismatch.expected };
  return { ok: true, bytes: read.bytes };
}

/** Whether a file a record names is present under the containment rule (a link or a path out of attachments/ is not). */
export function attachmentPresent(root: string, rel: string | undefined): boolean {
  return !!rel && !recordPathProblem(rel) && resolveInside(root, rel).ok;
}
