/**
 * Validation of a loaded repository: the domain's checks (domain/checks.ts) run with what only the store has —
 * the schemas (ajv), the references they declare, the shipped form templates, the results the loader computed —
 * then every issue positioned as file:line:col by parsing the files that have one.
 */
import path from 'node:path';
import { LoadedRecord } from './repo.js';
import { checkSchema } from './schemas.js';
import { fastRefs } from './cache.js';
import { parseRecordText, locate } from './yaml.js';
import { today as clockToday } from './clock.js';
import { templateExists } from '../assets/templates.js';
import { attachmentViolations, readRecordBytes, type FileViolation } from './containment.js';
import { PATH_KINDS, checkRepository, recordPaths, type CheckEnv, type Issue } from '../domain/checks.js';
import { recordPathProblem } from '../domain/paths.js';
import type { MessageKey } from '../domain/i18n.js';
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
  /** false: only each record's own checks, none between records (domain/checks.ts). */
  crossRecord?: boolean;
  /** attachments/'s violations, when the caller took them already (containment.ts attachmentViolations). */
  violations?: FileViolation[];
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
  return checkRepository(repo, CHECK_ENV, { today: clockToday(opts.today), only: opts.only, scope: opts.scope, crossRecord: opts.crossRecord });
}

/** Validates a loaded repository: every problem in every file, each with file, line and column. */
export function validateRepository(repo: Repository, opts: ValidateOptions = {}): Problem[] {
  let issues = collectIssues(repo, opts);
  let loadProblems = repo.loadProblems;
  if (opts.only) {
    // Position only what is reported: positions cost a YAML parse of each file.
    issues = issues.filter((i) => opts.only!.has(i.file));
    loadProblems = loadProblems.filter((p) => opts.only!.has(p.file));
  } else {
    // The files under attachments/ (the disk side of the containment rule): checked when the whole repository is.
    const files = attachmentProblems(repo, opts.violations);
    issues = [...issues, ...files.issues];
    loadProblems = [...loadProblems, ...files.problems];
  }
  return positionProblems(repo, issues, loadProblems);
}

/**
 * The disk side of the containment rule (containment.ts): every symbolic link, device, FIFO or socket under
 * attachments/ and every file whose content is not what its extension says, as a problem on that file — and, when
 * there is one, on each record that names it (or a path through it), at the record's path.
 */
export function attachmentProblems(repo: Pick<Repository, 'root' | 'records'>, violations: FileViolation[] = attachmentViolations(repo.root)): { problems: Problem[]; issues: Issue[] } {
  const problems: Problem[] = violations.map((v) => ({ file: v.file, line: 1, col: 1, severity: 'error', rule: v.rule as MessageKey, params: v.params }));
  const issues: Issue[] = [];
  if (!violations.length) return { problems, issues };
  const bad = new Map(violations.map((v) => [v.file, v]));
  for (const r of repo.records) {
    if (!PATH_KINDS.has(r.kind)) continue;
    for (const { pointer, path: p } of recordPaths(r.data)) {
      if (typeof p !== 'string' || recordPathProblem(p)) continue;
      const segs = p.split('/');
      for (let i = 1; i <= segs.length; i++) {
        const v = bad.get(segs.slice(0, i).join('/'));
        if (v) {
          issues.push({ file: r.file, pointer, at: 'value', severity: 'error', rule: v.rule as MessageKey, params: { ...v.params, path: p } });
          break;
        }
      }
    }
  }
  return { problems, issues };
}

/** Issues and load problems (some of the repository's) as positioned, sorted problems. */
export function positionProblems(repo: Repository, issues: Issue[], loadProblems: Problem[] = repo.loadProblems): Problem[] {
  return sortProblems([...loadProblems.filter((p) => p.line > 0), ...positionIssues(repo, issues), ...positionConfigProblems({ ...repo, loadProblems })]);
}

function positionConfigProblems(repo: Repository): Problem[] {
  const pending = repo.loadProblems.filter((p) => p.line === 0);
  if (!pending.length) return [];
  const text = readRecordBytes(path.join(repo.root, CONFIG_FILE))?.toString('utf8') ?? '';
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
      text = readRecordBytes(path.join(repo.root, file))?.toString('utf8') ?? '';
    }
    const parsed = parseRecordText(file, text);
    for (const i of list) {
      const pos = parsed.ok ? locate(parsed.parsed, i.pointer, i.at) : { line: 1, col: 1 };
      out.push({ file, line: pos.line, col: pos.col, severity: i.severity, rule: i.rule, params: i.params, pointer: i.pointer, at: i.at });
    }
  }
  return out;
}
