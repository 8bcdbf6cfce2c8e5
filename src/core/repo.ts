import fs from 'node:fs';
import path from 'node:path';
import { CONFIG_FILE, KIND_DIRS, KINDS, RECORDS_DIR, kindOfDir, type Kind } from './kinds.js';
import { parseRecordBytes } from './yaml.js';
import { checkSchema } from './schemas.js';
import type { Problem } from './problem.js';
import type { ConfigRecord, RecordTypes } from './types.generated.js';
import { UsageError } from './errors.js';

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

/** Stray files left by an interrupted atomic write: `.name.yaml.djyc-tmp-<pid>-<n>`. */
export const TEMP_PATTERN = /\.djyc-tmp-\d+(-\d+)?$/;

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

function loadConfig(root: string, problems: Problem[]): ConfigRecord {
  const file = CONFIG_FILE;
  const bytes = fs.readFileSync(path.join(root, file));
  const r = parseRecordBytes(file, bytes);
  if (!r.ok) {
    problems.push(...r.problems);
    return { djyc: 1 };
  }
  for (const issue of checkSchema('config', r.parsed.data)) {
    problems.push({ file, line: 0, col: 0, severity: 'error', rule: issue.rule, params: issue.params, pointer: issue.pointer, at: issue.at });
  }
  return r.parsed.data as ConfigRecord;
}

/** Lists record files: every `records/<kind dir>/*.yaml`, sorted, plus problems for what does not belong. */
export function listRecordFiles(root: string, problems: Problem[] = []): { kind: Kind; file: string }[] {
  const out: { kind: Kind; file: string }[] = [];
  const recordsDir = path.join(root, RECORDS_DIR);
  if (!fs.existsSync(recordsDir)) return out;
  for (const dirent of fs.readdirSync(recordsDir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (dirent.name.startsWith('.')) continue;
    const rel = `${RECORDS_DIR}/${dirent.name}`;
    if (!dirent.isDirectory()) continue;
    const kind = kindOfDir(dirent.name);
    if (!kind) {
      problems.push({ file: rel, line: 1, col: 1, severity: 'warning', rule: 'unknown-folder', params: { dir: dirent.name, dirs: KINDS.map((k) => KIND_DIRS[k]).join(', ') } });
      continue;
    }
    for (const name of fs.readdirSync(path.join(recordsDir, dirent.name)).sort()) {
      if (TEMP_PATTERN.test(name)) {
        problems.push({ file: `${rel}/${name}`, line: 1, col: 1, severity: 'warning', rule: 'stray-temp', params: {} });
        continue;
      }
      if (name.endsWith('.yaml')) out.push({ kind, file: `${rel}/${name}` });
    }
  }
  return out;
}

/** Loads a whole records repository (config and every record). Never throws on bad records: they become problems. */
export function loadRepository(root: string): Repository {
  const loadProblems: Problem[] = [];
  const config = loadConfig(root, loadProblems);
  const records: RecordEntry[] = [];
  const unparsed: string[] = [];
  for (const { kind, file } of listRecordFiles(root, loadProblems)) {
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(path.join(root, file));
    } catch {
      continue; // deleted between listing and reading
    }
    const r = parseRecordBytes(file, bytes);
    if (!r.ok) {
      loadProblems.push(...r.problems);
      unparsed.push(file);
      continue;
    }
    records.push({ kind, id: path.basename(file, '.yaml'), file, data: r.parsed.data as never, text: r.parsed.text });
  }
  return { root, config, records, loadProblems, unparsed };
}

/** Lookup helpers over a loaded repository. */
export class RecordIndex {
  readonly byId = new Map<string, RecordEntry>();
  private readonly byKind = new Map<Kind, RecordEntry[]>();

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

  get<K extends Kind>(kind: K, id: string | undefined): RecordEntry<K> | undefined {
    if (!id) return undefined;
    const r = this.byId.get(id);
    return r && r.kind === kind ? (r as RecordEntry<K>) : undefined;
  }

  any(id: string | undefined): RecordEntry | undefined {
    return id ? this.byId.get(id) : undefined;
  }
}
