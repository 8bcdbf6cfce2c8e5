/**
 * Loading only what one record's forms show, for `djyc render <id>` on a big repository: the record, every record it
 * refers to (and they refer to, transitively), the records that refer to it or to the projects, tasks and brands it
 * refers to (its tasks, reports, closures, evaluations, selections…), and the programmes. The records found are
 * exactly the full load's records of those ids — same files, same parse, same file order — so a form made from them
 * prints what it would print from the whole repository (test/partial-load.test.ts compares them).
 *
 * Who refers to a record: the referrer index's candidates when it can answer (store/referrers.ts: built by a whole
 * `djyc validate`, checked against git at every use), else `git grep -F` lists the files that hold its id
 * (tracked files as in the work tree, untracked and ignored ones too), which are then parsed and kept when the schema
 * walk (cache.ts fastRefs) finds the id in a reference field. YAML can write an id otherwise only with backslash
 * escapes in double-quoted scalars (files are strict UTF-8, and folding puts spaces into plain and quoted scalars), so
 * files holding a backslash are parsed too, and ids with spaces or control characters are not tried.
 *
 * Whenever this cannot be sure — no git, git would search indexed copies, the id is not a record's file name, the
 * file does not parse, a folder is a link — it returns undefined and the caller loads the whole repository.
 */
import fs from 'node:fs';
import path from 'node:path';
import { KIND_DIRS, KINDS, RECORDS_DIR, type Kind } from '../domain/kinds.js';
import type { Problem } from '../domain/problem.js';
import type { RecordEntry, Repository } from '../domain/records.js';
import type { ProgrammeRecord } from '../domain/types.generated.js';
import { LoadedRecord, linkProgrammes, loadConfig } from './repo.js';
import { analyseBytes } from './parallel.js';
import { blobId, fastRefs, refersToAny } from './cache.js';
import { readRecordBytes } from './containment.js';
import { grepWorkTree } from './git.js';
import { referrerCandidates } from './referrers.js';
import { TEMP_PATTERN } from './files.js';

/**
 * The kinds a form looks up from the other side (the tasks of a project, the closures and evaluations of a project,
 * task or brand, the reports of a subject, the selections of a brand). Organisations, members, experts and
 * programmes are only ever looked up by their id (the records referring to them are most of the repository).
 */
const LOOKED_UP: ReadonlySet<Kind> = new Set<Kind>(['project', 'task', 'brand']);

/** An id that git grep can find as it is written: no spaces or control characters, no path separators. */
function findable(id: string): boolean {
  return /^[^\s\p{C}/\\]+$/u.test(id) && id !== '.' && id !== '..';
}

/** A regular file (not a link, folder or device), by lstat. */
export function isPlainFile(abs: string): boolean {
  try {
    return fs.lstatSync(abs).isFile();
  } catch {
    return false;
  }
}

/** Kind folders in the order the full listing reads them (by name). */
const DIRS: Array<{ kind: Kind; dir: string }> = KINDS.map((kind) => ({ kind, dir: KIND_DIRS[kind] })).sort((a, b) => (a.dir < b.dir ? -1 : 1));

/**
 * Records read by file name, as the full load reads them (same parse, same results), for a part of the repository:
 * `load` one file, `loadId` every record file named `<id>.yaml` in every kind folder (the full load's first one wins
 * an id, and a kind's lookup misses when another kind's record holds the id first), every programme first (the
 * others' checks use them). `unsure` turns true when an id cannot be followed by file name (a separator in it).
 * Undefined when records/ or a kind folder is not a plain folder (the full load reports that).
 */
export interface RecordLoader {
  config: Repository['config'];
  loadProblems: Problem[];
  /** Kind of a kind folder's name. */
  kindOf: Map<string, Kind>;
  /** The programmes by id (the first file of an id), as the records' own checks use them. */
  programmes: ReadonlyMap<string, ProgrammeRecord>;
  load(kind: Kind, file: string): RecordEntry | null;
  loadId(id: string): RecordEntry[];
  unsure: boolean;
  /** Every file loaded, with its record (null: it does not parse). */
  parsed: Map<string, RecordEntry | null>;
}

export function recordLoader(root: string): RecordLoader | undefined {
  const recordsDir = path.join(root, RECORDS_DIR);
  const plainDir = (p: string): boolean | undefined => {
    try {
      const st = fs.lstatSync(p);
      if (st.isSymbolicLink()) return undefined;
      return st.isDirectory();
    } catch {
      return false;
    }
  };
  if (plainDir(recordsDir) !== true) return undefined;
  const dirs: Array<{ kind: Kind; dir: string }> = [];
  for (const d of DIRS) {
    const plain = plainDir(path.join(recordsDir, d.dir));
    // A kind folder that is a link: the full load reports it.
    if (plain === undefined) return undefined;
    if (plain) dirs.push(d);
  }
  const loadProblems: Problem[] = [];
  const programmes = new Map<string, ProgrammeRecord>();
  const parsed = new Map<string, RecordEntry | null>();
  const byIdDone = new Set<string>();
  const loader: RecordLoader = {
    config: loadConfig(root, loadProblems),
    loadProblems,
    kindOf: new Map(dirs.map((d) => [d.dir, d.kind])),
    programmes,
    parsed,
    unsure: false,
    load(kind, file) {
      let entry = parsed.get(file);
      if (entry !== undefined) return entry;
      const bytes = readRecordBytes(path.join(root, file));
      const result = bytes ? analyseBytes(kind, file, bytes, programmes) : undefined;
      entry = result?.ok ? (new LoadedRecord(root, kind, file, blobId(bytes!), result) as unknown as RecordEntry) : null;
      parsed.set(file, entry);
      return entry;
    },
    loadId(rid) {
      if (byIdDone.has(rid)) return [];
      if (!/^[^/\\\0]+$/.test(rid) || rid === '.' || rid === '..') {
        loader.unsure = true;
        return [];
      }
      byIdDone.add(rid);
      const found: RecordEntry[] = [];
      for (const { kind, dir } of dirs) {
        const file = `${RECORDS_DIR}/${dir}/${rid}.yaml`;
        if (!isPlainFile(path.join(root, file))) continue;
        const r = loader.load(kind, file);
        if (r) found.push(r);
      }
      return found;
    },
  };

  // Programmes: every one (the programme of a record is chosen among them), first (the others' checks use them).
  const programmeDir = dirs.find((d) => d.kind === 'programme');
  if (programmeDir) {
    const names = fs
      .readdirSync(path.join(recordsDir, programmeDir.dir), { withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith('.yaml') && !TEMP_PATTERN.test(e.name))
      .map((e) => e.name)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const name of names) {
      const r = loader.load('programme', `${RECORDS_DIR}/${programmeDir.dir}/${name}`);
      const pid = (r?.data as { id?: unknown } | undefined)?.id;
      if (r && typeof pid === 'string' && !programmes.has(pid)) programmes.set(pid, r.data as ProgrammeRecord);
    }
  }
  return loader;
}

/** The loaded records (sorted by file, as the full load has them) as a Repository, their programmes linked. */
export function loadedRepository(root: string, loader: RecordLoader, kept: Iterable<RecordEntry>): Repository {
  const records = [...new Set(kept)].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const programmeEntries = new Map<string, RecordEntry>();
  for (const r of records) {
    const pid = (r.data as { id?: unknown }).id;
    if (r.kind === 'programme' && typeof pid === 'string' && !programmeEntries.has(pid)) programmeEntries.set(pid, r);
  }
  linkProgrammes(records, programmeEntries);
  const unparsed = [...loader.parsed].filter(([, r]) => r === null).map(([f]) => f);
  return { root, config: loader.config, records, loadProblems: loader.loadProblems, unparsed };
}

/**
 * The records one record's forms need, or undefined when the whole repository must be loaded instead (see above).
 * `id` is the record's id as the user typed it.
 */
export async function loadForRecord(root: string, id: string, opts: { index?: boolean } = {}): Promise<Repository | undefined> {
  const wanted = id.trim();
  if (!findable(wanted)) return undefined;
  const loader = recordLoader(root);
  if (!loader) return undefined;
  const { kindOf, parsed, load } = loader;
  const kept = new Map<string, RecordEntry>();
  const keep = (r: RecordEntry) => kept.set(r.file, r);
  const loadId = (rid: string): RecordEntry[] => {
    const found = loader.loadId(rid);
    for (const r of found) keep(r);
    return found;
  };

  const own = loadId(wanted);
  // The id must be a record's (not a programme's: those are named otherwise), else the resolver's other rules apply.
  if (!own.length || own[0]!.kind === 'programme') return undefined;
  const referred = new Set<string>([wanted]);
  for (const r of own) {
    for (const ref of fastRefs(r.kind, r.data)) {
      if (!ref.kinds.some((k) => LOOKED_UP.has(k))) continue;
      // Who refers to it could not be found as written (see above).
      if (!findable(ref.id)) return undefined;
      referred.add(ref.id);
    }
  }

  // The referrer index's candidates (store/referrers.ts), else every file holding one of the ids or a backslash.
  const indexed = opts.index === false ? undefined : await referrerCandidates(root, [...referred]);
  const files = indexed ?? (await grepWorkTree(root, RECORDS_DIR, [...referred, '\\']));
  if (!files) return undefined;
  for (const file of files) {
    const m = /^([^/]+)\/([^/]+)\/([^/]+\.yaml)$/.exec(file);
    if (!m || m[1] !== RECORDS_DIR) continue;
    const kind = kindOf.get(m[2]!);
    if (!kind) continue;
    // The index may name a file deleted since (grep only lists files that are there).
    if (indexed && !isPlainFile(path.join(root, file))) continue;
    const r = load(kind, file);
    if (r && refersToAny(kind, r.data, referred)) keep(r);
  }

  // Everything the kept records refer to, transitively (names, organisations, their secretaries and parents…).
  for (const r of parsed.values()) if (r?.kind === 'programme') keep(r);
  const queue = [...kept.values()];
  while (queue.length) {
    const r = queue.pop()!;
    for (const ref of fastRefs(r.kind, r.data)) queue.push(...loadId(ref.id));
  }

  if (loader.unsure) return undefined;
  return loadedRepository(root, loader, kept.values());
}
