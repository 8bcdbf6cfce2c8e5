/**
 * A record's history from git: every commit that touched its file — its own path, records/<kind>/<id>.yaml, and no
 * other (no rename detection: two similar records are not one record renamed) — who and when, the commit
 * message, and which fields changed — both versions parsed and compared field by field (nested paths such as
 * `history[4].stage` or `poll.votes.好`). Phone numbers are masked (138****8000) wherever they appear: in values of
 * `phone` fields, inside any text value, and in commit messages.
 */
import fs from 'node:fs';
import path from 'node:path';
import { gitText, showFile } from './git.js';
import { KIND_DIRS, KINDS, RECORDS_DIR, kindOfDir, type Kind } from '../domain/kinds.js';
import { parseRecordText } from './yaml.js';
import { maskPhone, redactPhones } from '../domain/privacy.js';
import { UsageError } from '../domain/errors.js';

export type ChangeOp = 'added' | 'removed' | 'changed';

export interface FieldChange {
  /** Field path, e.g. `stage`, `history[4]`, `poll.votes.好`. */
  path: string;
  op: ChangeOp;
  /** Values with phone numbers masked. */
  before?: unknown;
  after?: unknown;
}

export interface LogEntry {
  commit: string;
  author: string;
  /** Author date, ISO 8601 with offset. */
  date: string;
  /** First line of the commit message (phone numbers masked). */
  message: string;
  file: string;
  op: 'created' | 'modified' | 'deleted';
  changes: FieldChange[];
  /** True when one of the two versions could not be parsed (changes then stay empty). */
  unparsable?: boolean;
}

export interface RecordLog {
  id: string;
  kind: Kind;
  file: string;
  /** Whether the file exists in the working tree. */
  exists: boolean;
  entries: LogEntry[];
}

/** Finds a record's file by id: in the working tree, else the last path it had in git history. */
export async function findRecordFile(root: string, id: string): Promise<{ kind: Kind; file: string; exists: boolean }> {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(id)) throw new UsageError(`编号“${id}”格式不正确`, `"${id}" is not a valid id`);
  for (const kind of KINDS) {
    const file = `${RECORDS_DIR}/${KIND_DIRS[kind]}/${id}.yaml`;
    if (fs.existsSync(path.join(root, file))) return { kind, file, exists: true };
  }
  const out = await gitText(root, ['log', '--format=', '--name-only', '--diff-filter=AD', '--', `${RECORDS_DIR}/*/${id}.yaml`]).catch(() => '');
  for (const line of out.split('\n')) {
    const m = /^records\/([^/]+)\/[^/]+\.yaml$/.exec(line.trim());
    const kind = m ? kindOfDir(m[1]!) : undefined;
    if (kind) return { kind, file: line.trim(), exists: false };
  }
  throw new UsageError(`找不到记录“${id}”（当前文件和 git 历史中都没有）`, `no record "${id}" (neither in the files nor in git history)`);
}

const SEP = '\u001e';
const FIELD = '\u001f';

/** The history of one record. */
export async function recordLog(root: string, id: string, opts: { limit?: number } = {}): Promise<RecordLog> {
  const { kind, file, exists } = await findRecordFile(root, id);
  // The record's own path only: an id names one file, and git's rename guessing would take a similar record's
  // history (a new record copied from another, one deleted as another was added) for this one's.
  const args = ['log', '--no-renames', '--name-status', `--format=${SEP}%H${FIELD}%an${FIELD}%aI${FIELD}%s`];
  if (opts.limit) args.push(`-n${opts.limit}`);
  let out: string;
  try {
    out = await gitText(root, [...args, '--', file]);
  } catch {
    throw new UsageError('无法读取 git 历史（这里是 git 仓库吗？）', 'cannot read git history (is this a git repository?)');
  }
  const entries: LogEntry[] = [];
  for (const block of out.split(SEP).slice(1)) {
    const [head, ...rest] = block.split('\n');
    const [commit, author, date, subject] = head!.split(FIELD) as [string, string, string, string];
    const status = rest.map((l) => l.trim()).find((l) => /^[AMDRTC]/.test(l));
    let op: LogEntry['op'] = 'modified';
    if (status) {
      const code = status.split('\t')[0]!;
      op = code === 'A' ? 'created' : code === 'D' ? 'deleted' : 'modified';
    }
    const newText = op === 'deleted' ? null : await showFile(root, commit, `./${file}`);
    const oldText = op === 'created' ? null : await showFile(root, `${commit}^`, `./${file}`);
    const oldData = oldText === null ? undefined : parseData(file, oldText);
    const newData = newText === null ? undefined : parseData(file, newText);
    const unparsable = oldData === FAILED || newData === FAILED;
    const changes = unparsable ? [] : diffRecords(oldData as unknown, newData as unknown);
    entries.push({
      commit, author, date, message: redactPhones(subject ?? ''), file, op,
      changes, ...(unparsable ? { unparsable: true } : {}),
    });
  }
  return { id, kind, file, exists, entries };
}

const FAILED = Symbol('unparsable');

function parseData(file: string, text: string): unknown {
  const r = parseRecordText(file, text);
  return r.ok ? r.parsed.data : FAILED;
}

export const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Structural equality of parsed YAML data (plain objects, arrays, scalars; key order does not matter). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

function joinPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  const safe = /^[\p{L}\p{N}_-]+$/u.test(key) ? key : JSON.stringify(key);
  return base ? `${base}.${safe}` : safe;
}

/** Masks phone numbers in a value: whole values of phone fields, and mobile numbers inside any text. */
export function maskValue(value: unknown, key?: string): unknown {
  const phoneKey = !!key && /phone|电话|手机/i.test(key);
  if (typeof value === 'string' || typeof value === 'number') {
    if (phoneKey) return maskPhone(value);
    return typeof value === 'string' ? redactPhones(value) : value;
  }
  if (Array.isArray(value)) return value.map((v) => maskValue(v, key));
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskValue(v, k)]));
  return value;
}

/** Field-by-field differences between two versions of a record (either may be undefined: created / deleted). */
export function diffRecords(before: unknown, after: unknown): FieldChange[] {
  const out: FieldChange[] = [];
  const walk = (a: unknown, b: unknown, p: string, key?: string) => {
    if (deepEqual(a, b)) return;
    if (a === undefined) {
      out.push({ path: p, op: 'added', after: maskValue(b, key) });
      return;
    }
    if (b === undefined) {
      out.push({ path: p, op: 'removed', before: maskValue(a, key) });
      return;
    }
    if (isObject(a) && isObject(b)) {
      const keys = [...Object.keys(a), ...Object.keys(b).filter((k) => !Object.hasOwn(a, k))];
      for (const k of keys) walk(a[k], b[k], joinPath(p, k), k);
      return;
    }
    if (Array.isArray(a) && Array.isArray(b)) {
      for (let i = 0; i < Math.max(a.length, b.length); i++) walk(a[i], b[i], joinPath(p, i), key);
      return;
    }
    out.push({ path: p, op: 'changed', before: maskValue(a, key), after: maskValue(b, key) });
  };
  if (before === undefined && after !== undefined && isObject(after)) {
    for (const [k, v] of Object.entries(after)) out.push({ path: joinPath('', k), op: 'added', after: maskValue(v, k) });
    return out;
  }
  if (after === undefined && isObject(before)) {
    for (const [k, v] of Object.entries(before)) out.push({ path: joinPath('', k), op: 'removed', before: maskValue(v, k) });
    return out;
  }
  walk(before, after, '');
  return out;
}

/** A value for display on one line. */
export function showValue(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value.includes('\n') ? JSON.stringify(value) : value;
  return JSON.stringify(value);
}
