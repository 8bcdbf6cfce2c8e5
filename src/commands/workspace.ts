/**
 * Shared machinery of the workflow operations (advance, claim, task, report, close, panel, accept, rate, select,
 * brand …): a workspace that loads the repository once, finds records, edits them through the YAML Document API
 * (comments and key order kept), keeps every pending change visible to the guards, and commits them as one
 * operation through `writeRecords` — or, with `dryRun`, validates and describes them without writing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isMap, isSeq, type Document, type YAMLMap } from 'yaml';
import { loadRepository } from '../store/repo.js';
import { readRecordFile, serializeRecord, withAct, writeRecords, type RecordChange, newRecordId } from '../store/records.js';
import { parseRecordText } from '../store/yaml.js';
import { fastParse } from '../store/fastyaml.js';
import { FormatEditor } from '../store/yaml-edit.js';
import { frozenChanges } from '../domain/frozen.js';
import { loadSchema } from '../store/schemas.js';
import { isIsoDate } from '../domain/dates.js';
import { actor } from '../store/git.js';
import { ProblemsError, RefusedError, UsageError } from '../domain/errors.js';
import { recordPath, type Kind } from '../domain/kinds.js';
import { kindLabels, type Text } from '../domain/i18n.js';
import { findStage, stageName, trackStages, TRACK_OF_KIND, type Stage, type Track, stagesRequiring, type HistoryEntry } from '../domain/programme.js';
import { writeLock, type FileChange, type WriteLock } from '../store/transaction.js';
import type { Problem } from '../domain/problem.js';
import { chooseProgramme, choiceNote } from '../domain/years.js';

import type { ProgrammeRecord } from '../domain/types.generated.js';
import { ChangeLog, OverlayIndex, RecordIndex, evaluationOf, orgName, type RecordEntry, type Repository } from '../domain/records.js';
import { matchRecords, resolveRecord } from '../domain/resolve.js';
import type { SlugSource } from '../domain/ids.js';
import { nextSteps, type Step } from '../domain/next.js';
import { today as todayIn } from '../store/clock.js';

/** Options every writing operation takes. */
export interface OpOptions {
  /** Repository root (the folder holding djyc.yaml). */
  root: string;
  /** Date of the act (history, signed_on …): YYYY-MM-DD, default today in Asia/Shanghai (DJYC_TODAY). */
  date?: string;
  /** Who acts, for history entries; default DJYC_USER / git user.name. */
  by?: string;
  /** Free-text note for the history entry. */
  note?: string;
  /** Validate and describe the change, write nothing. */
  dryRun?: boolean;
  /**
   * `--correct --reason`: the operation may change values already recorded (ratings, votes, stars, bonus points,
   * acceptance rounds, a project number); each one changed gets an entry in its record's `amendments` with the old
   * value and this reason. Without it such a change is refused (domain/frozen.ts).
   */
  correction?: { reason: string };
  /** `--programme`: the record must belong to it; project numbers are looked up in it. */
  programme?: string;
}

/** One file an operation creates or edits, with a line diff for `--dry-run`. */
export interface ChangeSummary {
  path: string;
  action: 'create' | 'edit';
  diff: string[];
}

/** What every writing operation returns. */
export interface OpResult {
  dryRun: boolean;
  /** Commit hash ('' for a dry run). */
  commit: string;
  message: string;
  changes: ChangeSummary[];
  /** Validation warnings on the written files (e.g. a brand name over 10 characters). */
  warnings: Problem[];
  /** Other notes for the user (e.g. a stage entered outside its calendar window). */
  notes: Text[];
  /** What comes next for the records the operation was about (domain/next.ts), each with its command. */
  next: Step[];
}

export function refuse(zh: string, en: string): never {
  throw new RefusedError(zh, en);
}

export function usage(zh: string, en: string): never {
  throw new UsageError(zh, en);
}

/** Checks a user-given date: ISO, real, and not in the future. */
export function checkDate(value: string | undefined, flag = '--date'): string {
  const today = todayIn();
  if (value === undefined) return today;
  if (!isIsoDate(value)) usage(`${flag} 应为有效日期 YYYY-MM-DD（收到“${value}”）`, `${flag} must be a valid date YYYY-MM-DD (got "${value}")`);
  if (value > today) usage(`${flag} ${value} 晚于今天（${today}）`, `${flag} ${value} is after today (${today})`);
  return value;
}

const schemaOrder = new Map<Kind, string[]>();
/** Property order of a kind's schema: new keys are inserted where the schema puts them. */
export function keyOrder(kind: Kind): string[] {
  let order = schemaOrder.get(kind);
  if (!order) schemaOrder.set(kind, (order = Object.keys(loadSchema(kind).properties ?? {})));
  return order;
}

/** Sets a top-level key, inserting a new one at its schema position (existing keys keep their place and comments). */
export function setField(doc: Document, kind: Kind, key: string, value: unknown): void {
  const map = doc.contents as YAMLMap;
  if (!isMap(map)) throw new Error('record is not a mapping');
  if (value === undefined) {
    map.delete(key);
    return;
  }
  if (map.has(key)) {
    map.set(key, doc.createNode(value));
    return;
  }
  const order = keyOrder(kind);
  const rank = order.indexOf(key);
  const pair = doc.createPair(key, value);
  let at = map.items.length;
  if (rank >= 0) {
    const idx = map.items.findIndex((it) => {
      const r = order.indexOf(String((it.key as { value?: unknown })?.value ?? it.key));
      return r > rank;
    });
    if (idx >= 0) at = idx;
  }
  map.items.splice(at, 0, pair as never);
}

/** Appends an item to a top-level list (created at its schema position when missing). */
export function appendItem(doc: Document, kind: Kind, key: string, item: unknown): void {
  const seq = doc.get(key, true);
  if (isSeq(seq)) seq.items.push(doc.createNode(item) as never);
  else setField(doc, kind, key, [item]);
}

/** Drops undefined values (records hold only what was given). */
export function clean<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0)) out[k] = v;
  return out as T;
}

type Pending = { kind: Kind; id: string; before: string | null; text: string; data: Record<string, any> };

/**
 * One operation's view of the repository: records as loaded plus the changes made so far. Guards read `index`,
 * which always includes pending changes, so a guard sees the closure or number the operation is about to write.
 */
export class Workspace {
  readonly pending = new Map<string, Pending>();
  readonly files: FileChange[] = [];
  readonly notes: Text[] = [];
  private cachedIndex?: RecordIndex;
  /** Every version the pending changes went through, for the index laid over the loaded records. */
  private readonly changes = new ChangeLog();
  /** The last record edited, its text (LF) after the edit and the editor that made it, for an edit right after. */
  private lastEdit?: { file: string; text: string; editor: FormatEditor };

  private constructor(
    readonly root: string,
    readonly repo: Repository,
    readonly date: string,
    readonly by: string,
    readonly opts: OpOptions,
    /** The write lock, taken before the repository was read (none for a dry run or a read-only view). */
    private readonly lock?: WriteLock,
  ) {}

  /**
   * Opens a workspace for a writing operation: takes the repository's write lock FIRST, then reads the repository,
   * so every check the operation makes (uniqueness, the next number, stage guards, claims) sees the state it will
   * write onto; a second writer waits for the lock and then sees this one's commit. Hold it with
   * `await using ws = await Workspace.open(o)`: the lock goes when the operation ends, committed or refused.
   */
  static async open(opts: OpOptions): Promise<Workspace> {
    const date = checkDate(opts.date);
    const lock = opts.dryRun ? undefined : await writeLock(opts.root);
    try {
      const repo = loadRepository(opts.root);
      const by = opts.by?.trim() || (await actor(opts.root));
      return new Workspace(opts.root, repo, date, by, opts, lock);
    } catch (err) {
      lock?.release();
      throw err;
    }
  }

  /** A read-only view (archives, verifications): no lock, nothing can be committed through it. */
  static async read(opts: Pick<OpOptions, 'root' | 'programme'>): Promise<Workspace> {
    const repo = loadRepository(opts.root);
    return new Workspace(opts.root, repo, todayIn(), '', { root: opts.root, dryRun: true, programme: opts.programme });
  }

  /** Releases the write lock (also done by commit, and by `await using` on every way out). */
  async [Symbol.asyncDispose](): Promise<void> {
    this.lock?.release();
  }

  private setPending(file: string, p: Pending): void {
    this.pending.set(file, p);
    this.changes.add({ kind: p.kind, id: p.id, file, data: p.data as never, text: p.text });
    this.cachedIndex = undefined;
  }

  /** Index over loaded records with every pending change applied. */
  get index(): RecordIndex {
    if (!this.cachedIndex) {
      const loaded = RecordIndex.of(this.repo);
      // The loaded records' index with the changes laid over it: an edit costs the change, not every record again.
      if (!this.changes.size) this.cachedIndex = loaded;
      else if (loaded.uniqueIds) this.cachedIndex = new OverlayIndex(loaded, this.changes);
      else {
        const changed = [...this.changes.records(this.changes.size)];
        const files = new Set(changed.map((e) => e.file));
        this.cachedIndex = new RecordIndex({ ...this.repo, records: [...this.repo.records.filter((r) => !files.has(r.file)), ...changed] });
      }
    }
    return this.cachedIndex;
  }

  /**
   * Finds a record by id, project number, name or an unambiguous beginning of one (domain/resolve.ts: the one
   * resolver), refusing clearly when it is missing, unreadable, of another kind, or when several match.
   */
  find<K extends Kind>(id: string, kinds: readonly K[], what?: string): RecordEntry<K> {
    const index = this.index;
    const wanted = this.opts.programme;
    if (wanted !== undefined && !index.get('programme', wanted)) usage(`方案“${wanted}”不存在`, `programme "${wanted}" does not exist`);
    const m = matchRecords(index, id, kinds);
    let entries = m.entries;
    const programmeOf = (e: RecordEntry) => (e.data as { programme?: string }).programme;
    // Several rounds in one repository: --programme narrows the candidates.
    if (entries.length > 1 && wanted !== undefined) {
      const mine = entries.filter((e) => programmeOf(e) === wanted);
      if (mine.length) entries = mine;
    }
    if (entries.length > 1 && m.rule === 'number') {
      // The same number in two rounds (a format without the year): the current round's, when one of them is.
      if (wanted === undefined) {
        try {
          const current = chooseProgramme(index, undefined, this.date).programme.id;
          const mine = entries.filter((p) => programmeOf(p) === current);
          if (mine.length === 1) entries = mine;
        } catch {
          // no single current programme: stay ambiguous
        }
      }
      if (entries.length > 1) usage(`项目编号“${id}”对应多个项目：${entries.map((p) => `${p.id}（${programmeOf(p)}）`).join('、')}，请用 --programme 指定方案或改用记录编号`, `project number "${id}" matches several projects: ${entries.map((p) => `${p.id} (${programmeOf(p)})`).join(', ')}; choose the programme with --programme or use the record id`);
    }
    if (entries.length === 1) {
      const found = entries[0]!;
      const own = programmeOf(found);
      if (wanted !== undefined && own !== undefined && own !== wanted) usage(`${found.id} 属于方案“${own}”，不是 --programme 所指的“${wanted}”`, `${found.id} belongs to programme "${own}", not "${wanted}" (--programme)`);
      return found;
    }
    if (!entries.length) {
      const unparsed = this.repo.unparsed.filter((f) => path.basename(f, '.yaml') === id);
      if (unparsed.length) throw new ProblemsError(this.repo.loadProblems.filter((p) => unparsed.includes(p.file)), `记录“${id}”的文件有错误，请先修正`, `the file of "${id}" has errors; fix it first`);
      const other = index.any(id);
      if (other) {
        const names = (l: 'zh' | 'en') => kinds.map((k) => kindLabels[k]?.[l] ?? k).join(l === 'zh' ? '、' : ', ');
        usage(`“${id}”是${kindLabels[other.kind]!.zh}，这里需要${names('zh')}`, `"${id}" is a ${other.kind}; expected ${names('en')}`);
      }
    }
    return resolveRecord(index, id, kinds, what);
  }

  /** A project, task or brand with its programme, track and current stage, refusing clearly when one is missing. */
  staged(id: string): { entry: RecordEntry<'project' | 'task' | 'brand'>; p: ProgrammeRecord; track: Track; stage: Stage } {
    const entry = this.find(id, ['project', 'task', 'brand']);
    const p = this.programmeOf(entry);
    return { entry, p, track: trackOf(entry), stage: stageOf(p, entry) };
  }

  /** An organisation that must exist (and belong to the repository, not be an external reference), named any way the resolver takes. */
  organisation(id: string, flag: string, allowExternal = false): RecordEntry<'organisation'> {
    const o = this.find(id, ['organisation'], flag);
    if (o.data.external && !allowExternal) usage(`${flag}：“${orgName(this.index, o.id)}”是外部组织，不能在这里使用`, `${flag}: "${orgName(this.index, o.id)}" is an external organisation`);
    return o;
  }

  member(id: string, flag: string): RecordEntry<'member'> {
    return this.find(id, ['member'], flag);
  }

  programmeOf(entry: RecordEntry): ProgrammeRecord {
    const id = (entry.data as { programme?: string }).programme;
    const p = this.index.get('programme', id);
    if (!p) refuse(`${entry.id} 所属的方案“${id}”不存在`, `the programme "${id}" of ${entry.id} does not exist`);
    return p.data;
  }

  /** The programme an operation acts on: named, else the one of the act's year (said in a note when there are several). */
  programme(id?: string): ProgrammeRecord {
    const choice = chooseProgramme(this.index, id, this.date);
    const n = choiceNote(choice, this.date);
    if (n && !this.notes.some((x) => x.zh === n.zh)) this.notes.push(n);
    return choice.programme;
  }

  /** Edits a record through the YAML Document API; several edits of one record in one operation accumulate. */
  edit(entry: RecordEntry, mutate: (doc: Document.Parsed, data: Record<string, any>) => void): void {
    const file = recordPath(entry.kind, entry.id);
    const prior = this.pending.get(file);
    const before = prior ? prior.before : readRecordFile(this.root, entry.kind, entry.id);
    const source = prior ? prior.text : (before ?? entry.text);
    // The file's own conventions are kept: a byte-order mark and CRLF line ends stay as they were.
    const bom = source.charCodeAt(0) === 0xfeff;
    const crlf = /^[^\n]*\r\n/.test(source);
    // Only the keys the operation changes are rewritten: every other line stays byte for byte (yaml-edit.ts).
    const lf = (bom ? source.slice(1) : source).replace(/\r\n/g, '\n');
    // The same record edited again right after (a move, then its history entry): the parsed document goes on.
    const last = this.lastEdit;
    const editor = last && last.file === file && last.text === lf && !last.editor.spent ? last.editor : new FormatEditor(lf);
    this.lastEdit = undefined;
    const body = editor.edit((doc) => mutate(doc, entry.data as Record<string, any>));
    if (!editor.spent) this.lastEdit = { file, text: body, editor };
    // Read back as loading reads: the fast parser where it can (a batch edits thousands of records), else the safe one.
    let data = (editor.data ?? fastParse(body)) as Record<string, any> | undefined;
    if (data === undefined) {
      const parsed = parseRecordText(file, body);
      if (!parsed.ok) throw new ProblemsError(parsed.problems);
      data = parsed.parsed.data as Record<string, any>;
    }
    const text = `${bom ? '\uFEFF' : ''}${crlf ? body.replace(/\r?\n/g, '\r\n') : body}`;
    this.setPending(file, { kind: entry.kind, id: entry.id, before, text, data });
  }

  /** Adds a new record from its YAML text (comments kept, as a programme copied from a preset); returns its id. */
  createText(kind: Kind, id: string, text: string): string {
    const file = recordPath(kind, id);
    const parsed = parseRecordText(file, text);
    if (!parsed.ok) throw new ProblemsError(parsed.problems);
    this.setPending(file, { kind, id, before: null, text, data: parsed.parsed.data as Record<string, any> });
    return id;
  }

  /** Adds a new record; returns its id. */
  create<K extends Kind>(kind: K, data: Record<string, any> & { id?: string }, idOpts: { year?: number; slug?: string; name?: SlugSource } = {}): string {
    const id = data.id ?? newRecordId(kind, idOpts);
    const record = { ...data, id };
    const ordered: Record<string, unknown> = {};
    for (const k of keyOrder(kind)) if (k in record) ordered[k] = (record as Record<string, unknown>)[k];
    const text = serializeRecord(kind, ordered);
    const parsed = parseRecordText(recordPath(kind, id), text);
    this.setPending(recordPath(kind, id), { kind, id, before: null, text, data: (parsed.ok ? parsed.parsed.data : ordered) as Record<string, any> });
    return id;
  }

  /** Appends a history entry, refusing a date earlier than the record's last one (history is append-only and ordered). */
  history(entry: RecordEntry, h: HistoryEntry): void {
    const current = this.index.any(entry.id) ?? entry;
    const list = ((current.data as { history?: HistoryEntry[] }).history ?? []).filter((x) => x && typeof x.date === 'string');
    const last = list[list.length - 1]?.date;
    if (last && h.date < last) {
      refuse(`日期 ${h.date} 早于 ${entry.id} 最近一条历史记录的日期 ${last}（历史记录只能按日期追加）`, `date ${h.date} is before the last history entry of ${entry.id} (${last}); history is appended in date order`);
    }
    this.edit(entry, (doc) => appendItem(doc, entry.kind, 'history', clean({ stage: h.stage, from: h.from, date: h.date, by: h.by, note: h.note })));
  }

  /** A file to write in the same commit (bytes or text); it must not exist yet unless `overwrite`. */
  addFile(rel: string, content: string | Uint8Array, overwrite = false): void {
    const abs = path.join(this.root, rel);
    if (!overwrite && fs.existsSync(abs)) refuse(`文件 ${rel} 已存在，未做任何更改`, `${rel} already exists; nothing was changed`);
    this.files.push({ path: rel, content, expected: overwrite ? undefined : null });
  }

  /** Whether a repository-relative file exists: on disk, or added by this operation. */
  fileExists(rel: string): boolean {
    return this.files.some((f) => f.path === rel && f.content !== null) || fs.existsSync(path.join(this.root, rel));
  }

  note(zh: string, en: string): void {
    this.notes.push({ zh, en });
  }

  /** The next steps of these records as they stand after the pending changes (domain/next.ts). */
  nextFor(ids: readonly string[]): Step[] {
    const steps: Step[] = [];
    for (const id of ids) {
      const entry = this.index.any(id);
      const programme = entry && this.index.get('programme', (entry.data as { programme?: string }).programme);
      if (!entry || !programme) continue;
      for (const s of nextSteps({ programme: programme.data, index: this.index, subject: entry, today: this.date, fileExists: (rel) => this.fileExists(rel) })) {
        if (!steps.some((x) => x.command === s.command)) steps.push(s);
      }
    }
    return steps;
  }

  /**
   * With `--correct`: every recorded value the pending edits change gets an amendment entry (old value, reason,
   * date, who) in its own record, so that the store's frozen rule sees a correction, not a silent replacement.
   * A correction that changes nothing recorded is a usage error.
   */
  private recordCorrections(): void {
    const reason = this.opts.correction?.reason?.trim();
    if (this.opts.correction && !reason) usage('--correct 须同时用 --reason 说明更正理由', '--correct needs --reason to say why');
    if (!reason) return;
    let corrected = 0;
    for (const [file, p] of [...this.pending]) {
      if (p.before === null) continue;
      const before = parseRecordText(file, p.before.replace(/^\uFEFF/, ''));
      if (!before.ok) continue;
      const changed = frozenChanges(p.kind, before.parsed.data, p.data).filter((f) => f.rule === 'frozen');
      if (!changed.length) continue;
      const entry = this.index.any(p.id)!;
      this.edit(entry, (doc) => {
        for (const f of changed) appendItem(doc, p.kind, 'amendments', clean({ date: this.date, by: this.by, field: f.field, before: f.was, reason }));
      });
      corrected += changed.length;
    }
    if (!corrected) {
      usage(
        '没有需要更正的已记录内容：--correct 只用于更正已记录的评价、票数、星级、加分、验收结论或项目编号',
        'nothing recorded would change: --correct is for correcting a recorded rating, vote, star rating, bonus, acceptance round or project number',
      );
    }
  }

  /**
   * Validates and commits every pending change as one operation (or only validates, for a dry run); `next` names
   * the records whose next steps the result carries.
   */
  async commit(message: string, opts: { next?: readonly string[] } = {}): Promise<OpResult> {
    this.recordCorrections();
    const next = this.nextFor(opts.next ?? []);
    const changes: RecordChange[] = [...this.pending.values()].map((p) => ({ kind: p.kind, id: p.id, data: p.data, text: p.text, previous: p.before }));
    const act = { date: this.opts.date, by: this.opts.by, note: this.opts.note };
    let result: Awaited<ReturnType<typeof writeRecords>>;
    try {
      result = await writeRecords(this.root, changes, message, { repo: this.repo, today: todayIn(), files: this.files, dryRun: this.opts.dryRun, act, lock: this.lock });
    } finally {
      this.lock?.release();
    }
    const summaries: ChangeSummary[] = [...this.pending.entries()].map(([file, p]) => ({ path: file, action: p.before === null ? 'create' : 'edit', diff: lineDiff(p.before ?? '', p.text) }));
    for (const f of this.files) summaries.push({ path: f.path, action: 'create', diff: typeof f.content === 'string' ? lineDiff('', f.content) : [`+ (${f.content?.byteLength ?? 0} bytes)`] });
    return { dryRun: !!this.opts.dryRun, commit: result.commit, message: withAct(message, act), changes: summaries, warnings: result.warnings, notes: this.notes, next };
  }
}

/**
 * A compact line diff (LCS): changed lines prefixed with "-" / "+", with "@@ line N" markers. Lines both texts
 * begin or end with are set aside first, so an edit or an append costs the size of the change, not the product of
 * the two lengths (a history of 20,000 lines took 39 s and 3.5 GB); a middle still too big for the table is shown
 * as removed and added whole.
 */
export function lineDiff(before: string, after: string): string[] {
  const a = before ? before.replace(/\n$/, '').split('\n') : [];
  const b = after.replace(/\n$/, '').split('\n');
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const x = a.slice(head, a.length - tail);
  const y = b.slice(head, b.length - tail);
  if (!x.length && !y.length) return [];
  if (x.length * y.length > 4_000_000) return [`@@ ${head + 1}`, ...x.map((l) => `- ${l}`), ...y.map((l) => `+ ${l}`)];
  return middleDiff(x, y, head);
}

function middleDiff(a: string[], b: string[], offset: number): string[] {
  const n = a.length;
  const m = b.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const out: string[] = [];
  let i = 0;
  let j = 0;
  let inHunk = false;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      i++;
      j++;
      inHunk = false;
      continue;
    }
    if (!inHunk) out.push(`@@ ${offset + j + 1}`);
    inHunk = true;
    if (j < m && (i >= n || lcs[i]![j + 1]! > lcs[i + 1]![j]!)) out.push(`+ ${b[j++]}`);
    else out.push(`- ${a[i++]}`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Stages (with refusals)
// ---------------------------------------------------------------------------------------------------------------

export function trackOf(entry: RecordEntry): Track {
  const t = TRACK_OF_KIND[entry.kind];
  if (!t) usage(`“${entry.id}”是${kindLabels[entry.kind]!.zh}，没有阶段`, `"${entry.id}" is a ${entry.kind}; it has no stages`);
  return t;
}

/** A stage's name in both languages, as messages show it (programme label; see domain/programme.ts stageName). */
export function stageText(p: ProgrammeRecord, track: Track, id: string): Text {
  return { zh: stageName(p, track, id, 'zh'), en: stageName(p, track, id, 'en') };
}

export function stageOf(p: ProgrammeRecord, entry: RecordEntry): Stage {
  const track = trackOf(entry);
  const id = (entry.data as { stage?: string }).stage;
  const s = findStage(p, track, id);
  if (!s) refuse(`${entry.id} 的阶段“${id}”不在方案“${p.id}”中（可用：${trackStages(p, track).map((x) => x.label).join('、')}）`, `stage "${id}" of ${entry.id} is not in programme "${p.id}"`);
  return s;
}

// ---------------------------------------------------------------------------------------------------------------
// Lookups
// ---------------------------------------------------------------------------------------------------------------

/** Whether the programme uses organisation commitments (附件2): a form for them, or a guard asking for them. */
export function usesOrgCommitments(p: ProgrammeRecord): boolean {
  return (p.forms ?? []).some((f) => f.subject === 'org-commitment') || stagesRequiring(p, 'project', 'has-org-commitment').length > 0;
}

/** Whether the programme uses member commitments (附件3). */
export function usesMemberCommitments(p: ProgrammeRecord): boolean {
  return (p.forms ?? []).some((f) => f.subject === 'member-commitment') || (['project', 'task'] as Track[]).some((t) => stagesRequiring(p, t, 'member-commitments').length > 0);
}

/** The evaluation record of a subject, created on first use. */
export function evaluationFor(ws: Workspace, p: ProgrammeRecord, subject: RecordEntry): { entry: RecordEntry<'evaluation'> } {
  const existing = evaluationOf(ws.index, subject.id);
  if (existing) return { entry: existing };
  const id = ws.create('evaluation', { programme: p.id, subject: subject.id }, { year: p.year });
  return { entry: ws.index.get('evaluation', id)! };
}

/** Orders an object's keys as a nested schema lists them (for values written whole, e.g. `acceptance`). */
export function ordered<T extends Record<string, unknown>>(value: T, order: string[]): T {
  const out: Record<string, unknown> = {};
  for (const k of order) if (value[k] !== undefined) out[k] = value[k];
  for (const [k, v] of Object.entries(value)) if (!(k in out) && v !== undefined) out[k] = v;
  return out as T;
}
