/**
 * Who refers to a record, from an index kept in the cache folder, so that `djyc render <id>` on a big repository does
 * not search every file (store/partial.ts). The index is built from a whole repository's load and answers only with
 * candidates: every file it names is parsed and checked again by the caller, so a stale entry costs a parse, never a
 * wrong form. What it must never do is miss a file, so it vouches only for contents git can confirm unchanged:
 *
 * - at build time, a record file is indexed as vouched for only when the content that was loaded is the blob of
 *   HEAD's tree at that path (`git ls-tree`); every other file of the work tree or of that tree (edited, staged,
 *   untracked, unreadable, deleted) is listed as `unsure`;
 * - at query time, git lists the files whose work-tree content differs from that tree (`git diff-index`) and the
 *   untracked and ignored ones (`git ls-files -o`); these and the `unsure` ones are candidates whatever the index
 *   says. Any other file holds exactly the content the index was built from.
 *
 * Files git is told not to look at (assume-unchanged, skip-worktree), a tree git no longer has, a different build
 * of djyc or a half-written index: no answer, and the caller searches the files instead (git grep).
 */
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { RECORDS_DIR, type Kind } from '../domain/kinds.js';
import { PROSE_FIELDS, factsOf, type Repository } from '../domain/records.js';
import { LoadedRecord } from './repo.js';
import { REFERRERS_DIR, cacheRoot, codeFingerprint, fastRefs, refPlanReaches } from './cache.js';
import { gitChangedSince, gitSync } from './git.js';

const FORMAT = 'djyc-referrers-1';
/** Ids are spread over this many files: one query reads the head and one shard per id. */
const SHARDS = 32;
/** Beyond this many files to check one by one, searching all files is no slower: no answer. */
export const MAX_CANDIDATES = 3000;

interface Head {
  djyc: typeof FORMAT;
  code: string;
  /** The tree the vouched-for contents are HEAD's blobs of. */
  tree: string;
  /** Written with each shard: a shard of another build is not used. */
  generation: string;
  unsure: string[];
}

function folder(root: string): string | undefined {
  const where = cacheRoot(root);
  return where ? path.join(where, REFERRERS_DIR) : undefined;
}

function shardOf(id: string): number {
  return createHash('sha1').update(id).digest()[0]! % SHARDS;
}

/** Writes a cache file: temp file and rename (no fsync: a torn file fails to parse and is not used). */
function writeQuietly(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** HEAD's tree id, or undefined (no git, no commit yet). */
function headTree(root: string): string | undefined {
  try {
    return gitSync(root, ['rev-parse', '--verify', '-q', 'HEAD^{tree}']).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The tree the index was built against, when the index is there and is this build's. */
export function indexedTree(root: string): string | undefined {
  const dir = folder(root);
  const head = dir ? readJson<Head>(path.join(dir, 'head.json')) : undefined;
  return head?.djyc === FORMAT && head.code === codeFingerprint() ? head.tree : undefined;
}

/**
 * Builds the index from a whole repository's load, unless it already stands for HEAD's tree. Best effort: any failure
 * leaves no index (or the previous one, which stays correct: it is checked against git at every query).
 */
export function refreshReferrerIndex(repo: Repository): void {
  const dir = folder(repo.root);
  if (!dir) return;
  try {
    const tree = headTree(repo.root);
    if (!tree || indexedTree(repo.root) === tree) return;
    // HEAD's blobs under records/: what a vouched-for file must hold.
    const listed = gitSync(repo.root, ['ls-tree', '-r', '-z', tree, '--', `${RECORDS_DIR}/`]);
    const treeBlobs = new Map<string, string>();
    for (const entry of listed.split('\0')) {
      // `<mode> blob <id>\t<path>`
      const tab = entry.indexOf('\t');
      if (tab < 0) continue;
      const [, type, id] = entry.slice(0, tab).split(' ');
      if (type === 'blob' && id) treeBlobs.set(entry.slice(tab + 1), id);
    }
    const unsure = new Set<string>(repo.unparsed);
    const shards: Array<Record<string, string[]>> = Array.from({ length: SHARDS }, () => Object.create(null));
    const seen = new Set<string>();
    for (const r of repo.records) {
      seen.add(r.file);
      const key = LoadedRecord.info(r)?.key;
      if (!key || treeBlobs.get(r.file) !== key) {
        unsure.add(r.file);
        continue;
      }
      const data = proseHoldsRefs(r.kind) ? r.data : factsOf(r);
      const ids = new Set<string>();
      for (const ref of fastRefs(r.kind, data)) ids.add(ref.id);
      for (const id of ids) (shards[shardOf(id)]![id] ??= []).push(r.file);
    }
    // A file of the tree that was not loaded (deleted, or not a record file now): not vouched for either.
    for (const f of treeBlobs.keys()) if (!seen.has(f)) unsure.add(f);
    const generation = `${tree}-${process.pid}-${Date.now()}`;
    fs.mkdirSync(dir, { recursive: true });
    shards.forEach((refs, i) => writeQuietly(path.join(dir, `shard-${i}.json`), JSON.stringify({ generation, refs })));
    const head: Head = { djyc: FORMAT, code: codeFingerprint(), tree, generation, unsure: [...unsure].sort() };
    writeQuietly(path.join(dir, 'head.json'), JSON.stringify(head));
  } catch {
    /* the index is an optimisation only */
  }
}

/** Whether a kind's prose fields (left out of cached summaries) can hold references: then its full data is read. */
const proseHoldsRefs = (kind: Kind): boolean => (PROSE_FIELDS[kind] ?? []).some((f) => refPlanReaches(kind, f));

/**
 * Every file under records/ that may refer to any of `ids` as the work tree is now — a superset: the caller parses
 * and checks each — or undefined when the index cannot say (see the module comment).
 */
export async function referrerCandidates(root: string, ids: readonly string[]): Promise<string[] | undefined> {
  const dir = folder(root);
  if (!dir) return undefined;
  const head = readJson<Head>(path.join(dir, 'head.json'));
  if (!head || head.djyc !== FORMAT || head.code !== codeFingerprint() || !Array.isArray(head.unsure)) return undefined;
  const changed = gitChangedSince(root, RECORDS_DIR, head.tree);
  const out = new Set<string>(head.unsure);
  for (const shard of new Set(ids.map(shardOf))) {
    const read = readJson<{ generation: string; refs: Record<string, string[]> }>(path.join(dir, `shard-${shard}.json`));
    if (!read || read.generation !== head.generation) return undefined;
    for (const id of ids) if (shardOf(id) === shard) for (const f of read.refs[id] ?? []) out.add(f);
  }
  const moved = await changed;
  if (!moved) return undefined;
  for (const f of moved) out.add(f);
  return out.size > MAX_CANDIDATES ? undefined : [...out].sort();
}
