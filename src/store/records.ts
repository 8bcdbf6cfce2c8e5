import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { parseDocument, stringify, type Document } from 'yaml';
import { recordPath, schemaComment, type Kind } from '../domain/kinds.js';
import { newId, type SlugSource } from '../domain/ids.js';
import { loadRepository } from './repo.js';
import { COVERAGE_RULES } from '../domain/checks.js';
import { ProblemsError } from '../domain/errors.js';
import { commitChanges, writeLock, type FileChange, type WriteLock } from './transaction.js';
import { readRecordBytes } from './containment.js';
import type { Problem } from '../domain/problem.js';
import type { RecordEntry, Repository } from '../domain/records.js';
import { positionIssues, validateRepository } from './validate.js';
import { recordData } from './yaml.js';
import { frozenChanges } from '../domain/frozen.js';
import type { Issue } from '../domain/checks.js';

const STRINGIFY = { lineWidth: 0, minContentWidth: 0, defaultStringType: 'PLAIN', defaultKeyType: 'PLAIN', version: '1.2' } as const;

/** Drops undefined, empty strings and empty lists, so records hold only what was given. */
export function compact<T>(value: T): T {
  if (Array.isArray(value)) return value.map(compact).filter((v) => v !== undefined) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const c = compact(v);
      if (c === undefined || c === '' || (Array.isArray(c) && c.length === 0)) continue;
      out[k] = c;
    }
    return out as T;
  }
  return value;
}

/** A new record file: the schema line for editors, then the YAML. */
export function serializeRecord(kind: Kind, data: object): string {
  return `${schemaComment(kind)}\n${stringify(compact(data), STRINGIFY)}`;
}

/** Edits a record's YAML through the Document API, keeping comments and key order. */
export function editRecordText(text: string, edit: (doc: Document.Parsed) => void): string {
  const doc = parseDocument(text, { version: '1.2', schema: 'core', merge: false, uniqueKeys: true, keepSourceTokens: false });
  edit(doc);
  return doc.toString({ lineWidth: 0, minContentWidth: 0 });
}

export interface WriteResult {
  ids: string[];
  paths: string[];
  commit: string;
  warnings: Problem[];
}

export interface RecordChange {
  kind: Kind;
  id: string;
  data: object;
  /** Existing file content (when editing); the write is refused if the file changed meanwhile. */
  previous?: string | null;
  /** Text to write; defaults to a freshly serialized record. */
  text?: string;
}

/**
 * What the person acting said about the act (`--date`, `--by`, `--note`). Records with a history keep it in their
 * history entry; every commit also keeps it as trailers, so that records without a history (organisations, members,
 * experts, reports, selections) keep it in theirs: the git log.
 */
export interface Act {
  date?: string;
  by?: string;
  note?: string;
}

/** A commit message with the act's trailers (only what was given). */
export function withAct(message: string, act: Act = {}): string {
  const one = (v: string) => v.replace(/\s*\r?\n\s*/g, ' ').trim();
  const trailers = [
    act.date?.trim() && `Act-Date: ${one(act.date)}`,
    act.by?.trim() && `Acted-By: ${one(act.by)}`,
    act.note?.trim() && `Note: ${one(act.note)}`,
  ].filter(Boolean);
  return trailers.length ? `${message}\n\n${trailers.join('\n')}` : message;
}

/**
 * Validates the changed records against the whole repository, then writes and commits them as one operation.
 * The validation runs under the write lock, on the repository as read under it: a repository passed in is used only
 * when the caller holds the lock (`lock`) and read it after taking it; otherwise it is read again here.
 */
export async function writeRecords(
  root: string,
  changes: RecordChange[],
  message: string,
  /** `files`: other files written in the same commit (e.g. a copied logo); `dryRun`: validate only, write nothing; `act`: trailers of the commit. */
  opts: { repo?: Repository; today?: string; files?: FileChange[]; dryRun?: boolean; act?: Act; lock?: WriteLock } = {},
): Promise<WriteResult> {
  await using own = opts.dryRun || opts.lock ? undefined : await writeLock(root);
  const lock = opts.lock ?? own;
  const repo = opts.repo && (opts.lock || opts.dryRun) ? opts.repo : loadRepository(root);
  const prepared = changes.map((c) => ({ ...c, text: c.text ?? serializeRecord(c.kind, c.data) }));
  const files = new Set(prepared.map((c) => recordPath(c.kind, c.id)));
  const records: RecordEntry[] = repo.records.filter((r) => !files.has(r.file));
  for (const c of prepared) records.push({ kind: c.kind, id: c.id, file: recordPath(c.kind, c.id), data: c.data as never, text: c.text.replace(/^\uFEFF/, '') });
  // Coverage rules (a member without a task yet, …) never block a write: they become warnings here.
  const all = validateRepository({ ...repo, records, loadProblems: [] }, { only: files, today: opts.today }).map((p) =>
    p.severity === 'error' && COVERAGE_RULES.has(p.rule) ? { ...p, severity: 'warning' as const } : p,
  );
  // Recorded results are never silently replaced: the rule validate --base and the hooks apply (domain/frozen.ts).
  all.push(...frozenProblems(records, prepared));
  const errors = all.filter((p) => p.severity === 'error');
  if (errors.length) throw new ProblemsError(errors);
  const fileChanges: FileChange[] = prepared.map((c) => {
    const rel = recordPath(c.kind, c.id);
    const expected = c.previous !== undefined ? c.previous : null;
    return { path: rel, content: c.text, expected };
  });
  fileChanges.push(...(opts.files ?? []));
  const warnings = all.filter((p) => p.severity !== 'error');
  if (opts.dryRun || !lock) return { ids: prepared.map((c) => c.id), paths: fileChanges.map((f) => f.path), commit: '', warnings };
  const result = await commitChanges(root, fileChanges, withAct(message, opts.act), { lock });
  return { ids: prepared.map((c) => c.id), paths: result.files, commit: result.commit, warnings };
}

/** The frozen-value findings of the edited records: each compared with the file as it was read (`previous`). */
function frozenProblems(records: RecordEntry[], changes: (RecordChange & { text: string })[]): Problem[] {
  const issues: Issue[] = [];
  for (const c of changes) {
    if (typeof c.previous !== 'string') continue;
    const file = recordPath(c.kind, c.id);
    const before = recordData(file, c.previous.replace(/^\uFEFF/, ''));
    if (!before) continue;
    for (const f of frozenChanges(c.kind, before, c.data)) issues.push({ file, pointer: f.pointer, at: 'value', severity: f.severity, rule: f.rule, params: f.params });
  }
  return issues.length ? positionIssues({ root: '', records }, issues) : [];
}

/** A record file's text as it is on disk (BOM and line endings kept); null when missing, a link or not a regular file. */
export function readRecordFile(root: string, kind: Kind, id: string): string | null {
  return readRecordBytes(path.join(root, recordPath(kind, id)))?.toString('utf8') ?? null;
}

/** A new record id (see domain/ids.ts), random from node:crypto. */
export function newRecordId(kind: Kind, opts: { year?: number; slug?: string; name?: SlugSource } = {}): string {
  return newId(kind, randomBytes, opts);
}
