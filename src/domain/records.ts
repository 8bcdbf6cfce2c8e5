/**
 * Records as the domain sees them: a loaded repository, its records, and lookups over them. Plain data: the store
 * loads it (store/repo.ts), the domain computes on it.
 */
import type { Kind } from './kinds.js';
import type { Problem } from './problem.js';
import type { ConfigRecord, RecordTypes } from './types.generated.js';

/** One record as loaded: its kind, id (the file name), repository-relative file, data and source text. */
export interface RecordEntry<K extends Kind = Kind> {
  kind: K;
  id: string;
  file: string;
  data: RecordTypes[K];
  text: string;
}

export interface Repository {
  root: string;
  config: ConfigRecord;
  /** Every record that parsed, in file order. */
  records: RecordEntry[];
  /** Problems met while loading: unreadable files, YAML errors, unknown folders, stray temp files. */
  loadProblems: Problem[];
  /** Repository-relative paths of files that failed to parse (so their ids are unknown). */
  unparsed: string[];
}

const sharedIndexes = new WeakMap<Repository, { records: RecordEntry[]; count: number; index: RecordIndex }>();

/** Lookup helpers over a loaded repository. */
export class RecordIndex {
  readonly byId = new Map<string, RecordEntry>();
  private readonly byKind = new Map<Kind, RecordEntry[]>();

  /**
   * The index of a repository, built once and shared by everything that reads that repository object (a report
   * builds the ledger, the deadlines and the dashboard over the same records: one index, and its `where` maps, for
   * all). A loaded repository is not changed afterwards — edits and past dates make new ones —; one whose record list
   * was replaced or grew anyway gets a new index.
   */
  static of(repo: Repository): RecordIndex {
    const known = sharedIndexes.get(repo);
    if (known && known.records === repo.records && known.count === repo.records.length) return known.index;
    const index = new RecordIndex(repo);
    sharedIndexes.set(repo, { records: repo.records, count: repo.records.length, index });
    return index;
  }

  constructor(readonly repo: Repository) {
    for (const r of repo.records) {
      if (!this.byId.has(r.id)) this.byId.set(r.id, r);
      let list = this.byKind.get(r.kind);
      if (!list) this.byKind.set(r.kind, (list = []));
      list.push(r);
    }
  }

  all<K extends Kind>(kind: K): RecordEntry<K>[] {
    return (this.byKind.get(kind) ?? []) as RecordEntry<K>[];
  }

  /** Whether no two records share an id (an overlay of this index finds records as a full index would). */
  get uniqueIds(): boolean {
    return this.byId.size === this.repo.records.length;
  }

  get<K extends Kind>(kind: K, id: string | undefined): RecordEntry<K> | undefined {
    if (!id) return undefined;
    const r = this.byId.get(id);
    return r && r.kind === kind ? (r as RecordEntry<K>) : undefined;
  }

  any(id: string | undefined): RecordEntry | undefined {
    return id ? this.byId.get(id) : undefined;
  }

  private readonly byField = new Map<string, Map<unknown, RecordEntry[]>>();

  /**
   * The records of a kind whose summary has `field` equal to `value`, in file order. A map per kind and field, built
   * on first use: a batch of forms asks this for every form (the reports, closures, tasks of each subject), which a
   * filter over all records of the kind made quadratic.
   */
  where<K extends Kind>(kind: K, field: string, value: string): RecordEntry<K>[] {
    const key = `${kind}\0${field}`;
    let map = this.byField.get(key);
    if (!map) {
      map = new Map();
      for (const r of this.all(kind)) {
        const v = (factsOf(r) as Record<string, unknown>)[field];
        let list = map.get(v);
        if (!list) map.set(v, (list = []));
        list.push(r);
      }
      this.byField.set(key, map);
    }
    return (map.get(value) ?? []) as RecordEntry<K>[];
  }
}

/**
 * The changes of a batch of edits, in order: each edit appends its record's new version. A snapshot is the first n
 * versions (an index made after some edit keeps seeing the records as they were then), taken without a copy.
 */
export class ChangeLog {
  private readonly versions: RecordEntry[] = [];
  /** Positions of each file's versions, ascending; files in the order they were first changed. */
  private readonly byFile = new Map<string, number[]>();
  /** Files holding each id, in the order they were first changed. */
  private readonly filesById = new Map<string, string[]>();
  private readonly kindFrom = new Map<Kind, number>();

  get size(): number {
    return this.versions.length;
  }

  add(entry: RecordEntry): void {
    const at = this.versions.push(entry) - 1;
    let positions = this.byFile.get(entry.file);
    if (!positions) {
      this.byFile.set(entry.file, (positions = []));
      let files = this.filesById.get(entry.id);
      if (!files) this.filesById.set(entry.id, (files = []));
      files.push(entry.file);
    }
    positions.push(at);
    if (!this.kindFrom.has(entry.kind)) this.kindFrom.set(entry.kind, at);
  }

  /** Whether the file was changed among the first n versions. */
  changed(file: string, n: number): boolean {
    const positions = this.byFile.get(file);
    return !!positions && positions[0]! < n;
  }

  /** Whether a record of the kind was changed among the first n versions. */
  touches(kind: Kind, n: number): boolean {
    return (this.kindFrom.get(kind) ?? Infinity) < n;
  }

  /** The file's last version among the first n. */
  latest(file: string, n: number): RecordEntry | undefined {
    const positions = this.byFile.get(file);
    if (!positions || positions[0]! >= n) return undefined;
    let lo = 0;
    let hi = positions.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (positions[mid]! < n) lo = mid;
      else hi = mid - 1;
    }
    return this.versions[positions[lo]!];
  }

  /** The first changed file's version holding the id, among the first n versions (as a full index finds ids). */
  byId(id: string, n: number): RecordEntry | undefined {
    for (const file of this.filesById.get(id) ?? []) {
      const e = this.latest(file, n);
      if (e) return e;
    }
    return undefined;
  }

  /** Every changed file's last version among the first n, in the order the files were first changed. */
  *records(n: number): Generator<RecordEntry> {
    for (const [file, positions] of this.byFile) {
      if (positions[0]! >= n) continue;
      yield this.latest(file, n)!;
    }
  }
}

/**
 * The index a RecordIndex would be over a base index's records with the first n versions of a change log laid over
 * them: the base's records without the changed files, then the changed records — made without a pass over every
 * record. A workspace makes one after each edit of a batch (2,000 moves made 4,000 indexes, each a pass over every
 * record and a new map of every report by subject); lookups ask the log, then the base.
 */
export class OverlayIndex extends RecordIndex {
  private readonly lists = new Map<Kind, RecordEntry[]>();
  private records?: RecordEntry[];
  private view?: Repository;
  private ids?: Map<string, RecordEntry>;
  /** The changed records of a kind by a field's value, per kind and field (as RecordIndex.where's maps). */
  private readonly changedWhere = new Map<string, Map<unknown, RecordEntry[]>>();

  /** `base` must hold each id once (RecordIndex.uniqueIds): with duplicates, which one an id finds depends on order. */
  constructor(
    private readonly base: RecordIndex,
    private readonly log: ChangeLog,
    private readonly n: number = log.size,
  ) {
    super({ ...base.repo, records: [] });
    Object.defineProperty(this, 'repo', { enumerable: true, get: () => (this.view ??= { ...base.repo, records: this.allRecords() }) });
    Object.defineProperty(this, 'byId', { enumerable: true, get: () => this.idMap() });
  }

  private allRecords(): RecordEntry[] {
    return (this.records ??= [...this.base.repo.records.filter((r) => !this.log.changed(r.file, this.n)), ...this.log.records(this.n)]);
  }

  private idMap(): Map<string, RecordEntry> {
    if (!this.ids) {
      this.ids = new Map();
      for (const r of this.allRecords()) if (!this.ids.has(r.id)) this.ids.set(r.id, r);
    }
    return this.ids;
  }

  override all<K extends Kind>(kind: K): RecordEntry<K>[] {
    if (!this.log.touches(kind, this.n)) return this.base.all(kind);
    let list = this.lists.get(kind);
    if (!list) {
      list = this.base.all(kind).filter((r) => !this.log.changed(r.file, this.n));
      for (const e of this.log.records(this.n)) if (e.kind === kind) list.push(e);
      this.lists.set(kind, list);
    }
    return list as RecordEntry<K>[];
  }

  override any(id: string | undefined): RecordEntry | undefined {
    if (!id) return undefined;
    const r = this.base.any(id);
    if (r && !this.log.changed(r.file, this.n)) return r;
    return this.log.byId(id, this.n);
  }

  override get<K extends Kind>(kind: K, id: string | undefined): RecordEntry<K> | undefined {
    const r = this.any(id);
    return r && r.kind === kind ? (r as RecordEntry<K>) : undefined;
  }

  override where<K extends Kind>(kind: K, field: string, value: string): RecordEntry<K>[] {
    const found = this.base.where(kind, field, value);
    if (!this.log.touches(kind, this.n)) return found;
    const key = `${kind}\0${field}`;
    let changed = this.changedWhere.get(key);
    if (!changed) {
      this.changedWhere.set(key, (changed = new Map()));
      for (const e of this.log.records(this.n)) {
        if (e.kind !== kind) continue;
        const v = (factsOf(e) as Record<string, unknown>)[field];
        let list = changed.get(v);
        if (!list) changed.set(v, (list = []));
        list.push(e);
      }
    }
    return [...found.filter((r) => !this.log.changed(r.file, this.n)), ...((changed.get(value) ?? []) as RecordEntry<K>[])];
  }
}

/**
 * Free text no check, deadline, ledger or status figure reads: left out of a record's summary, which is what the
 * store keeps of each record of a big repository (and caches) until someone reads the record's `data`. Everything
 * else — ids, references, dates, stages, history, titles, ratings, opinions — is in the summary.
 */
export const PROSE_FIELDS: Readonly<Partial<Record<Kind, readonly string[]>>> = {
  project: ['reason', 'feasibility', 'goals', 'content', 'measures', 'schedule', 'attachments'],
  task: ['attachments'],
  report: ['progress', 'problems', 'next_steps', 'attachments'],
  closure: ['results', 'self_assessment', 'summary_report', 'attachments'],
  // Not the concept: a brand needs one to enter cultivation (guards.ts has-logo-and-concept), which todo and status judge.
  brand: ['philosophy', 'carrier', 'results', 'attachments'],
  organisation: ['notes'],
};

/** A record's summary: its data without the kind's prose fields (the same object when it has none of them). */
export function summaryOf(kind: Kind, data: Record<string, unknown>): Record<string, unknown> {
  const drop = PROSE_FIELDS[kind];
  if (!drop || !drop.some((k) => k in data)) return data;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(data)) if (!drop.includes(k)) out[k] = data[k];
  return out;
}

/** A copy of a record with other data; its text is still read from the record only when asked for (a spread would read it). */
export function withData(e: RecordEntry, data: Record<string, any>): RecordEntry {
  const copy = { kind: e.kind, id: e.id, file: e.file, data } as RecordEntry;
  Object.defineProperty(copy, 'text', { enumerable: true, configurable: true, get: () => e.text });
  return copy;
}

/**
 * A record's summary without reading all of its data: records the store loads from a big repository answer
 * `[FACTS]()` with their summary (see PROSE_FIELDS) until their data is read; every other record answers with its
 * data. Checks and reports read records through `factsOf` / `summary`; whoever needs prose reads `data`.
 */
export const FACTS: unique symbol = Symbol('djyc.facts');

export function factsOf(r: RecordEntry): Record<string, any> {
  return ((r as { [FACTS]?: () => Record<string, unknown> | undefined })[FACTS]?.() ?? r.data) as Record<string, any>;
}

/** `factsOf`, typed as the record's data (its prose fields may be absent: see PROSE_FIELDS). */
export function summary<K extends Kind>(r: RecordEntry<K>): RecordTypes[K];
export function summary<K extends Kind>(r: RecordEntry<K> | undefined): RecordTypes[K] | undefined;
export function summary<K extends Kind>(r: RecordEntry<K> | undefined): RecordTypes[K] | undefined {
  return r ? (factsOf(r) as RecordTypes[K]) : undefined;
}

// ---- names and lookups ----------------------------------------------------------------------------------------

/** A record's id with the name people know it by. */
export interface Named {
  id: string;
  name: string;
}

/** An organisation as people name it: its short name, else its name, else its id ('' for none). */
export function orgName(index: RecordIndex, id: string | undefined): string {
  if (!id) return '';
  const o = index.get('organisation', id);
  if (!o) return id;
  const d = factsOf(o);
  return d.short_name ?? d.name ?? id;
}

/** A member's name, else the id ('' for none). */
export function memberName(index: RecordIndex, id: string | undefined): string {
  if (!id) return '';
  const m = index.get('member', id);
  return (m ? factsOf(m).name : undefined) ?? id;
}

export function namedOrg(index: RecordIndex, id: string | undefined): Named | undefined {
  return id ? { id, name: orgName(index, id) } : undefined;
}

export function namedMember(index: RecordIndex, id: string | undefined): Named | undefined {
  return id ? { id, name: memberName(index, id) } : undefined;
}

const orgPositions = new WeakMap<RecordIndex, Map<string, number>>();

/**
 * The organisation and the organisations under it (following `parent`), found through the index's children lookup:
 * the cost is the subtree's size, not the number of organisations times the tree's depth. Ordered as a scan of every
 * organisation repeated until nothing is added would find them (by that scan's round, then by repository order).
 */
export function orgSubtree(index: RecordIndex, org: string): Set<string> {
  let position = orgPositions.get(index);
  if (!position) {
    orgPositions.set(index, (position = new Map()));
    index.all('organisation').forEach((o, i) => position!.has(o.id) || position!.set(o.id, i));
  }
  // The round in which each organisation would be found: its parent's, or the next when it comes before its parent.
  const round = new Map<string, number>([[org, 0]]);
  const queue = orgsUnder(index, [org], (child, parent) => {
    const at = parent === org ? -1 : position.get(parent)!;
    round.set(child, Math.max(1, round.get(parent)! + (position.get(child)! < at ? 1 : 0)));
  });
  const found = queue.slice(1).sort((a, b) => round.get(a)! - round.get(b)! || position.get(a)! - position.get(b)!);
  return new Set([org, ...found]);
}

/**
 * The organisations given, then every organisation under them (following `parent` down through the children lookup),
 * each once and after its parent; `found` hears each one found below and the parent it was found under.
 */
export function orgsUnder(index: RecordIndex, roots: Iterable<string>, found?: (child: string, parent: string) => void): string[] {
  const seen = new Set(roots);
  const queue = [...seen];
  for (let i = 0; i < queue.length; i++) {
    for (const child of index.where('organisation', 'parent', queue[i]!)) {
      if (seen.has(child.id)) continue;
      seen.add(child.id);
      found?.(child.id, queue[i]!);
      queue.push(child.id);
    }
  }
  return queue;
}

// Through RecordIndex.where (a map built once): asked for every project and task of a repository (djyc todo, the
// guards), a scan of all evaluations, closures or tasks each time made those commands quadratic.
export function evaluationOf(index: RecordIndex, subject: string): RecordEntry<'evaluation'> | undefined {
  return index.where('evaluation', 'subject', subject)[0];
}

export function closureOf(index: RecordIndex, subject: string): RecordEntry<'closure'> | undefined {
  return index.where('closure', 'subject', subject)[0];
}

export function tasksOf(index: RecordIndex, project: string): RecordEntry<'task'>[] {
  return [...index.where('task', 'project', project)];
}

/**
 * Ids of a group for a message: all of a small group, the first ten and how many more of a big one (each of 5,000
 * records sharing a number would otherwise list the 4,999 others).
 */
export function idList(ids: readonly string[], total = ids.length, max = 10): string {
  return total <= max ? ids.slice(0, max).join(', ') : `${ids.slice(0, max).join(', ')} … (+${total - max})`;
}

/** Items grouped by a key (items without one are left out), in first-seen order. */
export function groupBy<T>(items: T[], key: (t: T) => string | undefined): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    if (k === undefined) continue;
    let list = m.get(k);
    if (!list) m.set(k, (list = []));
    list.push(it);
  }
  return m;
}
