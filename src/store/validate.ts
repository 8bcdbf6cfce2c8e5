/**
 * Validation of a loaded repository: the domain's checks (domain/checks.ts) run with what only the store has —
 * the schemas (ajv), the references they declare, the shipped form templates, the results the loader computed —
 * then every issue positioned as file:line:col by parsing the files that have one.
 */
import fs from 'node:fs';
import path from 'node:path';
import { LoadedRecord } from './repo.js';
import { checkSchema } from './schemas.js';
import { fastRefs } from './cache.js';
import { parseRecordText, locate } from './yaml.js';
import { today as clockToday } from './clock.js';
import { templateExists } from '../assets/templates.js';
import { checkRepository, type CheckEnv, type Issue } from '../domain/checks.js';
import { CONFIG_FILE } from '../domain/kinds.js';
import { sortProblems, type Problem } from '../domain/problem.js';
import type { RecordEntry, Repository } from '../domain/records.js';

export interface ValidateOptions {
  /** Today's date for window-dependent rules (default: today, see clock.ts). */
  today?: string;
  /** Report only on these repository-relative files (cross-record checks still see everything). */
  only?: Set<string>;
  /**
   * Run the per-record checks only on these files (cross-record rules still run on, and report, everything).
   * `djyc validate --changed` uses it; `only`, when also given, still filters what is reported.
   */
  scope?: Set<string>;
}

/** The store's side of the checks. */
export const CHECK_ENV: CheckEnv = {
  schema: (kind, data) => checkSchema(kind, data).map((s) => ({ pointer: s.pointer, at: s.at, severity: 'error', rule: s.rule, params: s.params })),
  refs: (kind, data) => fastRefs(kind, data),
  templateExists,
  precomputed(r, programme) {
    // Reused when the record still resolves to the very programme object its local checks used.
    const pre = LoadedRecord.info(r);
    return pre && !pre.stale && pre.programme === programme ? pre : undefined;
  },
};

/** The problems of a loaded repository before positions: files, JSON Pointers, rules (load problems not included). */
export function collectIssues(repo: Repository, opts: ValidateOptions = {}): Issue[] {
  return checkRepository(repo, CHECK_ENV, { today: clockToday(opts.today), only: opts.only, scope: opts.scope });
}

/** Validates a loaded repository: every problem in every file, each with file, line and column. */
export function validateRepository(repo: Repository, opts: ValidateOptions = {}): Problem[] {
  let issues = collectIssues(repo, opts);
  let loadProblems = repo.loadProblems;
  if (opts.only) {
    // Position only what is reported: positions cost a YAML parse of each file.
    issues = issues.filter((i) => opts.only!.has(i.file));
    loadProblems = loadProblems.filter((p) => opts.only!.has(p.file));
  }
  return positionProblems(repo, issues, loadProblems);
}

/** Issues and load problems (some of the repository's) as positioned, sorted problems. */
export function positionProblems(repo: Repository, issues: Issue[], loadProblems: Problem[] = repo.loadProblems): Problem[] {
  return sortProblems([...loadProblems.filter((p) => p.line > 0), ...positionIssues(repo, issues), ...positionConfigProblems({ ...repo, loadProblems })]);
}

function positionConfigProblems(repo: Repository): Problem[] {
  const pending = repo.loadProblems.filter((p) => p.line === 0);
  if (!pending.length) return [];
  const text = fs.readFileSync(path.join(repo.root, CONFIG_FILE), 'utf8');
  const parsed = parseRecordText(CONFIG_FILE, text);
  return pending.map((p) => ({ ...p, ...(parsed.ok ? locate(parsed.parsed, p.pointer ?? '', p.at) : { line: 1, col: 1 }) }));
}

/** Turns pointers into line/column, parsing each affected file once. */
export function positionIssues(repo: Pick<Repository, 'records' | 'root'>, issues: Issue[]): Problem[] {
  const byFile = new Map<string, Issue[]>();
  for (const i of issues) {
    let list = byFile.get(i.file);
    if (!list) byFile.set(i.file, (list = []));
    list.push(i);
  }
  // Only files with issues need their text (records loaded from the cache read it from disk on first use).
  const entries = new Map<string, Pick<RecordEntry, 'text'>>();
  for (const r of repo.records) if (byFile.has(r.file) && !entries.has(r.file)) entries.set(r.file, r);
  const out: Problem[] = [];
  for (const [file, list] of byFile) {
    let text = entries.get(file)?.text;
    if (text === undefined) {
      try {
        text = fs.readFileSync(path.join(repo.root, file), 'utf8');
      } catch {
        text = '';
      }
    }
    const parsed = parseRecordText(file, text);
    for (const i of list) {
      const pos = parsed.ok ? locate(parsed.parsed, i.pointer, i.at) : { line: 1, col: 1 };
      out.push({ file, line: pos.line, col: pos.col, severity: i.severity, rule: i.rule, params: i.params, pointer: i.pointer, at: i.at });
    }
  }
  return out;
}
