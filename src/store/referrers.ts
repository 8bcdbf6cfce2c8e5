/**
 * Who refers to a record, from an index kept in the cache folder, so that `djyc render <id>` on a big repository does
 * not search every file (store/partial.ts). The index is built from a whole repository's load and answers only with
 * candidates: every file it names is parsed and checked again by the caller, so a stale entry costs a parse, never a
 * wrong form. What it must never do is miss a file, so it vouches only for contents git can confirm unchanged:
 *
 * - at build time, a record file is vouched for when the content that was loaded is the one git's index holds
 *   (the load's witness: git listed it, its stat data matched) and the index holds HEAD's content for it (`git
 *   diff-index --cached HEAD` does not list it); every other file (edited, staged, untracked, deleted, unreadable)
 *   is listed as `unsure`;
 * - at query time, git lists the files whose work-tree content may differ from HEAD's tree of that time (the
 *   index's differences from it, `git diff-index --cached`, and the work tree's from the index, `git diff-files`)
 *   and the untracked and ignored ones (`git ls-files -o`); these and the `unsure` ones are candidates whatever the
 *   index says. Any other file holds exactly the content the index was built from.
 *
 * One file: a JSON head line (with the size of what follows), then a line per vouched-for record file: its path, a tab, the ids it refers to
 * (space-separated). A query reads it as bytes and searches them for each id, like grep over one small file.
 * Files git is told not to look at (assume-unchanged, skip-worktree), a tree git no longer has, a different build
 * of djyc or a torn index: no answer, and the caller searches the record files instead (git grep).
 */
import fs from 'node:fs';
import path from 'node:path';
import { RECORDS_DIR, type Kind } from '../domain/kinds.js';
import { PROSE_FIELDS, factsOf, type Repository } from '../domain/records.js';
import { LoadedRecord, witnessOf } from './repo.js';
import { REFERRERS_FILE, cacheRoot, codeFingerprint, forEachRef, refPlanReaches } from './cache.js';
import { gitChangedSince, gitSync, type WorkTreeScan } from './git.js';
import { writeAtomic } from './files.js';

const FORMAT = 'djyc-referrers-3';
/** Beyond this many files to check one by one, searching all files is no slower: no answer. */
export const MAX_CANDIDATES = 3000;

interface Head {
  djyc: typeof FORMAT;
  code: string;
  /** HEAD's tree when it was built: the vouched-for contents are that tree's. */
  tree: string;
  /** Bytes that follow the head line (a torn file has fewer). */
  size: number;
  unsure: string[];
}

function indexFile(root: string): string | undefined {
  const where = cacheRoot(root);
  return where ? path.join(where, REFERRERS_FILE) : undefined;
}

function readHead(bytes: Buffer): { head: Head; body: number } | undefined {
  const nl = bytes.indexOf(0x0a);
  if (nl < 0) return undefined;
  try {
    const head = JSON.parse(bytes.toString('utf8', 0, nl)) as Head;
    return head?.djyc === FORMAT && head.code === codeFingerprint() && Array.isArray(head.unsure) && typeof head.tree === 'string' && typeof head.size === 'number' ? { head, body: nl + 1 } : undefined;
  } catch {
    return undefined;
  }
}

/** The tree the index was built against, when the index is there and is this build's. */
export function indexedTree(root: string): string | undefined {
  const file = indexFile(root);
  let bytes: Buffer;
  try {
    bytes = file ? fs.readFileSync(file) : Buffer.alloc(0);
  } catch {
    return undefined;
  }
  return readHead(bytes)?.head.tree;
}

/** Whether a kind's prose fields (left out of cached summaries) can hold references: then its full data is read. */
const proseRefs = new Map<Kind, boolean>();
function proseHoldsRefs(kind: Kind): boolean {
  let holds = proseRefs.get(kind);
  if (holds === undefined) proseRefs.set(kind, (holds = (PROSE_FIELDS[kind] ?? []).some((f) => refPlanReaches(kind, f))));
  return holds;
}

/** A path or id that fits the line format. */
const plain = (s: string) => !/\s/.test(s);

/**
 * Builds the index from a whole repository's load (one with a witness: git answered for its files), unless it
 * already stands for HEAD's tree. Best effort: any failure leaves the previous index (checked against git at every
 * query, so still correct) or none.
 */
export function refreshReferrerIndex(repo: Repository): void {
  const file = indexFile(repo.root);
  const witness = witnessOf(repo)?.content;
  if (!file || !witness) return;
  try {
    const tree = gitSync(repo.root, ['rev-parse', '--verify', '-q', 'HEAD^{tree}']).trim();
    if (!tree || indexedTree(repo.root) === tree) return;
    // Files whose indexed content is not HEAD's (staged, added, removed from the index).
    const staged = gitSync(repo.root, ['diff-index', '--cached', '--relative', '--name-only', '-z', tree, '--', `${RECORDS_DIR}/`]).split('\0');
    const unsure = new Set<string>([...repo.unparsed, ...witness.dirty, ...Object.keys(witness.read), ...staged.filter(Boolean)]);
    const lines: string[] = [];
    for (const r of repo.records) {
      if (unsure.has(r.file)) continue;
      if (!LoadedRecord.info(r)?.key || !plain(r.file)) {
        unsure.add(r.file);
        continue;
      }
      const parts = [r.file, '\t'];
      // Every reference, programmes' too: `validate --changed` asks who names any id (changed.ts quickChanged).
      forEachRef(r.kind, proseHoldsRefs(r.kind) ? r.data : factsOf(r), (id) => {
        if (plain(id)) parts.push(id, ' ');
      });
      parts.push('\n');
      // One flat string per line (a chain of `+=` would keep a node per piece until the file is written).
      lines.push(parts.join(''));
    }
    let size = 0;
    for (const line of lines) size += Buffer.byteLength(line);
    const head: Head = { djyc: FORMAT, code: codeFingerprint(), tree, size, unsure: [...unsure].sort() };
    function* pieces(): Generator<string> {
      yield `${JSON.stringify(head)}\n`;
      for (let i = 0; i < lines.length; i += 4096) yield lines.slice(i, i + 4096).join('');
    }
    // Written in pieces (never the whole index as one string). No fsync: a torn file is shorter than its head
    // says and is not used.
    writeAtomic(file, pieces(), { sync: false });
  } catch {
    /* the index is an optimisation only */
  }
}

/**
 * Every file under records/ that may refer to any of `ids` as the work tree is now — a superset: the caller parses
 * and checks each — or undefined when the index cannot say (see the module comment). `scan`: the caller's look at
 * records/ (git.ts scanWorkTree), when it has one.
 */
export async function referrerCandidates(root: string, ids: readonly string[], scan?: Promise<WorkTreeScan | undefined>): Promise<string[] | undefined> {
  const file = indexFile(root);
  if (!file || !ids.length || !ids.every(plain)) return undefined;
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch {
    return undefined;
  }
  const read = readHead(bytes);
  if (!read) return undefined;
  if (bytes.length - read.body !== read.head.size) return undefined;
  const changed = gitChangedSince(root, RECORDS_DIR, read.head.tree, scan);
  const out = new Set<string>(read.head.unsure);
  // Each line is `path<TAB>id id … `: an id is found after the tab or a space, and before a space. A few ids are
  // searched as bytes (a UTF-8 id matches as its bytes) by Buffer.indexOf, one pass per id: no text made of the whole
  // index; many (a pull request changing hundreds of records) in one pass over its lines, each id looked up in a set.
  if (ids.length > 32) {
    const wanted = new Set(ids);
    for (const line of bytes.toString('utf8', read.body).split('\n')) {
      const tab = line.indexOf('\t');
      if (tab >= 0 && line.slice(tab + 1).split(' ').some((id) => wanted.has(id))) out.add(line.slice(0, tab));
    }
  } else {
    for (const id of ids) {
      const needle = Buffer.from(`${id} `);
      for (let at = bytes.indexOf(needle, read.body); at >= 0; at = bytes.indexOf(needle, at + 1)) {
        const before = bytes[at - 1];
        if (before !== 0x20 && before !== 0x09) continue;
        const start = bytes.lastIndexOf(0x0a, at) + 1;
        const tab = bytes.indexOf(0x09, start);
        if (tab >= 0 && tab < at) out.add(bytes.toString('utf8', start, tab));
      }
    }
  }
  const moved = await changed;
  if (!moved) return undefined;
  for (const f of moved) out.add(f);
  return out.size > MAX_CANDIDATES ? undefined : [...out].sort();
}
