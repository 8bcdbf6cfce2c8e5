import path from 'node:path';
import { LoadedRecord, UNREAD_RULES, linkProgrammes, loadRepository, strayTempProblems, witnessOf } from './repo.js';
import { gitAsync, gitSync, readBlobs, scanWorkTree, type WorkTreeScan } from './git.js';
import type { Issue } from '../domain/checks.js';
import { parseRecordText } from './yaml.js';
import { CONFIG_FILE, RECORDS_DIR, kindOfDir, type Kind } from '../domain/kinds.js';
import { analyseBytes, lastLoad, programmeSignature } from './parallel.js';
import { refersToAny, resultOf, type FileResult } from './cache.js';
import type { Problem } from '../domain/problem.js';
import { UsageError } from '../domain/errors.js';
import type { ProgrammeRecord } from '../domain/types.generated.js';
import { factsOf, type RecordEntry, type Repository } from '../domain/records.js';
import { attachmentProblems, collectIssues, positionProblems } from './validate.js';
import { CROSS_RULES, crossFacts, sameCheckDay } from '../domain/checks.js';
import { summaryOf } from '../domain/records.js';
import { readMemoOfTree, treeKeyOf } from './memo.js';
import { today as clockToday } from './clock.js';
import { attachmentViolations } from './containment.js';
import { isPlainFile, loadedRepository, recordLoader } from './partial.js';
import { fastRefs, jsonSafe } from './cache.js';
import { referrerCandidates } from './referrers.js';

/**
 * `djyc validate --changed [<base>]`: pull-request checks that report what a change did. Reported are
 * - every problem of the records changed since the merge base (`git merge-base HEAD <base>`: commits, staged and
 *   unstaged edits, new untracked files), deleted records included in the reasoning;
 * - problems that are NEW on other records — compared with the same check run on the merge base: a reference a
 *   change broke (a deleted organisation → every record still naming it), an id made duplicate, a coverage or
 *   limit rule the change tipped over.
 * Cross-record checks always see the whole repository. Records unchanged since the base are taken from the
 * content cache (their git blob ids are the same), so the base costs little more than the head.
 */

export interface ChangedOptions {
  /** The branch to compare with; default: the pull request's base (GITHUB_BASE_REF / CI_MERGE_REQUEST_TARGET_BRANCH_NAME), origin/HEAD, main, master. */
  base?: string;
  today?: string;
  /** The working tree, already loaded. */
  repo?: Repository;
}

export interface ChangedResult {
  /** The ref compared with, as given or found. */
  base: string;
  /** The merge base commit. */
  mergeBase: string;
  /** Repository-relative files changed since the merge base (records and djyc.yaml), deleted ones included. */
  changed: string[];
  deleted: string[];
  /** Records not changed whose problems were examined because they refer to (or share an id with) a changed one. */
  related: string[];
  /** What to report, positioned and sorted. */
  problems: Problem[];
  repo: Repository;
  /** The changed files' texts at the merge base, when they were read (for the base checks: basecheck.ts). */
  baseTexts?: ReadonlyMap<string, string | null>;
}

function git(root: string, args: string[]): string {
  return gitSync(root, args);
}

function tryGit(root: string, args: string[]): string | undefined {
  try {
    return git(root, args).trim();
  } catch {
    return undefined;
  }
}

function commitOf(root: string, ref: string): string | undefined {
  if (ref.startsWith('-')) return undefined;
  return tryGit(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]) || undefined;
}

/** The base a pull request is compared with when none is given. */
export function defaultBase(root: string): { ref: string; tried: string[] } {
  const tried: string[] = [];
  const ciBranch = process.env.GITHUB_BASE_REF || process.env.CI_MERGE_REQUEST_TARGET_BRANCH_NAME || process.env.GITEA_BASE_REF;
  const candidates = [...(ciBranch ? [`origin/${ciBranch}`, ciBranch] : []), 'origin/HEAD', 'main', 'master', 'origin/main', 'origin/master'];
  for (const c of candidates) {
    tried.push(c);
    if (commitOf(root, c)) return { ref: c, tried };
  }
  return { ref: '', tried };
}

export function isShallow(root: string): boolean {
  return tryGit(root, ['rev-parse', '--is-shallow-repository']) === 'true';
}

function shallowHelp(ref: string): [string, string] {
  const branch = ref.replace(/^origin\//, '');
  return [
    `本仓库是浅克隆（shallow clone），缺少与“${ref}”的共同历史，无法确定本次变更：请运行 git fetch --unshallow（或 git fetch origin ${branch}）后重试；GitHub Actions 中请给 actions/checkout 设置 fetch-depth: 0，GitLab CI 中设置 GIT_DEPTH: 0`,
    `this is a shallow clone without the history shared with "${ref}", so the change cannot be worked out: run git fetch --unshallow (or git fetch origin ${branch}) and try again; in GitHub Actions give actions/checkout fetch-depth: 0, in GitLab CI set GIT_DEPTH: 0`,
  ];
}

/** The merge base of HEAD and `ref`, with clear errors for a missing ref, a shallow clone or unrelated histories. */
export function mergeBaseOf(root: string, ref: string): string {
  // The usual case in one call; the checks below only explain a failure.
  if (!ref.startsWith('-')) {
    const quick = tryGit(root, ['merge-base', 'HEAD', ref]);
    if (quick && /^[0-9a-f]{40,64}$/.test(quick)) return quick;
  }
  if (!tryGit(root, ['rev-parse', '--git-dir'])) {
    throw new UsageError('--changed 需要在 git 仓库中运行', '--changed needs a git repository');
  }
  const shallow = isShallow(root);
  const commit = commitOf(root, ref);
  if (!commit) {
    if (shallow) throw new UsageError(...shallowHelp(ref));
    throw new UsageError(`找不到基准版本“${ref}”（分支、标签或提交）；可先 git fetch origin`, `no base version "${ref}" (branch, tag or commit); try git fetch origin first`);
  }
  if (!commitOf(root, 'HEAD')) {
    throw new UsageError('当前分支还没有任何提交', 'the current branch has no commit yet');
  }
  const mb = tryGit(root, ['merge-base', 'HEAD', commit]);
  if (!mb) {
    if (shallow) throw new UsageError(...shallowHelp(ref));
    throw new UsageError(`当前分支与“${ref}”没有共同的历史`, `the current branch and "${ref}" share no history`);
  }
  return mb;
}

const RECORD_FILE = /^records\/([^/]+)\/[^/]+\.yaml$/;

function isTracked(file: string): boolean {
  const m = RECORD_FILE.exec(file);
  return file === CONFIG_FILE || (!!m && !!kindOfDir(m[1]!));
}

/**
 * What loading already learnt from git (repo.ts witnessOf): the files whose stat data differs from git's index, and
 * the listed files git did not vouch for (untracked among them). With it, only those few are compared on disk.
 */
export interface WorkTreeHint {
  dirty: string[];
  unvouched: string[];
}

/** Files changed since `commit` in the working tree (committed, staged, unstaged, untracked): records and djyc.yaml. */
export function changedSince(root: string, commit: string, hint?: WorkTreeHint): { changed: string[]; deleted: string[] } {
  if (hint && hint.dirty.length + hint.unvouched.length <= MAX_HINTED) {
    const q = hintedQueries(commit, hint);
    return changesFromHinted(q, q.args.map((args) => git(root, args)));
  }
  const [diffArgs, othersArgs] = changeQueries(commit);
  return changesFrom(git(root, diffArgs), git(root, othersArgs));
}

/**
 * changedSince, its git processes run side by side while the caller goes on. `scan`: the caller's look at records/
 * (git.ts scanWorkTree), which stands for the pass over every file that `git diff <commit>` would make.
 */
export async function changedSinceAsync(root: string, commit: string, scan?: Promise<WorkTreeScan | undefined>): Promise<{ changed: string[]; deleted: string[] }> {
  const work = await scan?.catch(() => undefined);
  if (work && work.dirty.length + work.others.length <= MAX_HINTED) {
    const q = hintedQueries(commit, { dirty: work.dirty, unvouched: work.others });
    return changesFromHinted(q, await Promise.all(q.args.map((args) => gitAsync(root, args))));
  }
  const [diffArgs, othersArgs] = changeQueries(commit);
  const [diff, others] = await Promise.all([gitAsync(root, diffArgs), gitAsync(root, othersArgs)]);
  return changesFrom(diff, others);
}

/** git's arguments for changedSince: the working tree against the commit, then the untracked files. */
function changeQueries(commit: string): [string[], string[]] {
  // --relative and no --full-tree: paths relative to the records root, which may be a folder inside a larger repository.
  return [
    ['diff', '--name-status', '-z', '--no-renames', '--relative', commit, '--', `${RECORDS_DIR}/`, CONFIG_FILE],
    ['ls-files', '--others', '--exclude-standard', '-z', '--', `${RECORDS_DIR}/`],
  ];
}

function changesFrom(diffOut: string, othersOut: string): { changed: string[]; deleted: string[] } {
  const changed = new Set<string>();
  const deleted = new Set<string>();
  const diff = diffOut.split('\0');
  for (let i = 0; i + 1 < diff.length; i += 2) {
    const status = diff[i]!;
    const file = diff[i + 1]!;
    if (!isTracked(file)) continue;
    changed.add(file);
    if (status.startsWith('D')) deleted.add(file);
  }
  for (const file of othersOut.split('\0')) {
    if (file && isTracked(file)) changed.add(file);
  }
  return { changed: [...changed].sort(), deleted: [...deleted].sort() };
}

/** Beyond this many files git does not vouch for, one pass over every file is cheaper than naming them. */
const MAX_HINTED = 1000;

interface HintedQueries {
  /** The files read from disk (the rest as git's index holds them). */
  onDisk: Set<string>;
  /** Untracked candidates: `ls-files --others` keeps those not ignored. */
  candidates: string[];
  args: string[][];
}

/**
 * changedSince without a stat pass over every file: git's index against the commit (`diff --cached`: files whose
 * working copy git vouches for are as in the index), and the working tree against the commit for only the files
 * it does not vouch for and djyc.yaml; untracked ones confirmed by `ls-files --others` (ignored files stay out).
 */
function hintedQueries(commit: string, hint: WorkTreeHint): HintedQueries {
  const onDisk = new Set([...hint.dirty, ...hint.unvouched, CONFIG_FILE]);
  const dirty = new Set(hint.dirty);
  const candidates = hint.unvouched.filter((f) => !dirty.has(f) && isTracked(f));
  const args = [
    ['diff', '--cached', '--name-status', '-z', '--no-renames', '--relative', commit, '--', `${RECORDS_DIR}/`, CONFIG_FILE],
    // Literal paths: a file name is never read as a pattern.
    ['--literal-pathspecs', 'diff', '--name-status', '-z', '--no-renames', '--relative', commit, '--', ...onDisk],
  ];
  if (candidates.length) args.push(['--literal-pathspecs', 'ls-files', '--others', '--exclude-standard', '-z', '--', ...candidates]);
  return { onDisk, candidates, args };
}

/** changedSince's answer from git's answers to hintedQueries, in their order. */
function changesFromHinted(q: HintedQueries, outs: string[]): { changed: string[]; deleted: string[] } {
  const status = new Map<string, string>();
  const parse = (out: string, take: (file: string) => boolean) => {
    const parts = out.split('\0');
    for (let i = 0; i + 1 < parts.length; i += 2) if (isTracked(parts[i + 1]!) && take(parts[i + 1]!)) status.set(parts[i + 1]!, parts[i]!);
  };
  parse(outs[0]!, (f) => !q.onDisk.has(f));
  parse(outs[1]!, () => true);
  if (q.candidates.length) {
    for (const file of outs[2]!.split('\0')) {
      if (file && isTracked(file) && !status.has(file)) status.set(file, '?');
    }
  }
  const changed = [...status.keys()].sort();
  return { changed, deleted: changed.filter((f) => status.get(f)!.startsWith('D')) };
}

/**
 * The record files `git ls-tree -z` lists (arguments after it), with their kinds and blob ids. No --full-tree: paths
 * relative to the records root, which may be a folder inside a larger repository.
 */
function recordBlobs(root: string, args: string[]): { kind: Kind; file: string; blob: string }[] {
  const out: { kind: Kind; file: string; blob: string }[] = [];
  for (const line of git(root, ['ls-tree', '-z', ...args]).split('\0')) {
    const tab = line.indexOf('\t');
    if (tab < 0) continue;
    const [, type, blob] = line.slice(0, tab).split(' ');
    const file = line.slice(tab + 1);
    const m = RECORD_FILE.exec(file);
    const kind = m ? kindOfDir(m[1]!) : undefined;
    if (type === 'blob' && kind && blob) out.push({ kind, file, blob });
  }
  return out;
}

/**
 * The records of a commit as a Repository: contents the working tree's load already analysed come from the same
 * cached results (their data is shared, read-only); the rest is read with `git cat-file` and analysed with the
 * commit's own programme files. Problems are for comparison only: positions are not computed.
 */
export function loadCommit(root: string, commit: string, head: Repository): Repository {
  const entries = recordBlobs(root, ['-r', commit, '--', `${RECORDS_DIR}/`]);
  entries.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return buildCommitRepository(root, commit, head, entries);
}

/**
 * The merge base as a Repository, cheaply: the working tree's records minus the changed ones, plus the base
 * versions of the changed ones — when the programme files are the same at both ends (the records then share
 * their loaded objects, so nothing is parsed twice). Otherwise every record of the commit (loadCommit).
 */
function baseRepository(root: string, commit: string, head: Repository, changed: string[]): Repository {
  const programmeFiles = git(root, ['ls-tree', '-r', '-z', commit, '--', `${RECORDS_DIR}/programmes/`])
    .split('\0')
    .flatMap((line): [string, string][] => {
      const tab = line.indexOf('\t');
      return tab < 0 ? [] : [[line.slice(tab + 1), line.slice(0, tab).split(' ')[2]!]];
    })
    .filter(([f]) => RECORD_FILE.test(f));
  const cache = lastLoad.root === head.root ? lastLoad.cache : undefined;
  if (!cache || lastLoad.programmeFiles !== programmeSignature(programmeFiles)) return loadCommit(root, commit, head);
  const changedSet = new Set(changed);
  const wanted = changed.filter((f) => f !== CONFIG_FILE && !f.startsWith(`${RECORDS_DIR}/programmes/`));
  const entries = wanted.length ? recordBlobs(root, [commit, '--', ...wanted]) : [];
  const base = buildCommitRepository(root, commit, head, entries, head.records.filter((r) => r.kind === 'programme'));
  // Unchanged records: the very objects of the working tree (same content, same programme files).
  const records = [...head.records.filter((r) => !changedSet.has(r.file) && r.kind !== 'programme'), ...base.records.filter((r) => r.kind !== 'programme'), ...head.records.filter((r) => r.kind === 'programme')];
  records.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const loadProblems = [...head.loadProblems.filter((p) => !changedSet.has(p.file) && p.file.startsWith(`${RECORDS_DIR}/`) && p.rule !== 'stray-temp'), ...base.loadProblems];
  const unparsed = [...head.unparsed.filter((f) => !changedSet.has(f)), ...base.unparsed];
  return { root, config: base.config, records, loadProblems, unparsed };
}

function buildCommitRepository(root: string, commit: string, head: Repository, entries: { kind: Kind; file: string; blob: string }[], givenProgrammes?: RecordEntry[]): Repository {
  const cache = lastLoad.root === head.root ? lastLoad.cache : undefined;
  const programmeEntries = entries.filter((e) => e.kind === 'programme');
  const sameProgrammes = !!givenProgrammes || (!!cache && lastLoad.programmeFiles === programmeSignature(programmeEntries.map((e) => [e.file, e.blob])));
  // Results cached under the working tree's programme files hold for this commit only when its programmes are those.
  const cached = (e: { file: string; blob: string }) => (sameProgrammes ? cache?.get(e.file, e.blob) : undefined);
  const missing = entries.filter((e) => e.kind === 'programme' || !cached(e));
  const blobs = readBlobs(root, [...new Set(missing.map((e) => e.blob))]);

  const programmes = new Map<string, ProgrammeRecord>();
  const results = new Map<string, FileResult>();
  if (givenProgrammes) {
    for (const r of givenProgrammes) if (!programmes.has(r.id)) programmes.set(String((r.data as { id?: unknown }).id ?? r.id), r.data as ProgrammeRecord);
  }
  for (const e of programmeEntries) {
    const bytes = blobs.get(e.blob);
    if (!bytes) continue;
    const r = analyseBytes(e.kind, e.file, bytes, new Map());
    results.set(e.file, r);
    const data = r.ok ? r.data : undefined;
    if (data && typeof data.id === 'string' && !programmes.has(data.id)) programmes.set(data.id, data as unknown as ProgrammeRecord);
  }
  const records: RecordEntry[] = [];
  const loadProblems: Problem[] = [];
  const unparsed: string[] = [];
  const byId = new Map<string, RecordEntry>();
  for (const r of givenProgrammes ?? []) if (!byId.has(r.id)) byId.set(r.id, r);
  for (const e of entries) {
    let r = results.get(e.file);
    if (!r) {
      const row = cached(e);
      if (row) r = resultOf(row);
      else {
        const bytes = blobs.get(e.blob);
        if (!bytes) continue;
        r = analyseBytes(e.kind, e.file, bytes, programmes);
      }
    }
    if (!r.ok) {
      for (const p of r.problems) loadProblems.push({ ...p, file: e.file });
      unparsed.push(e.file);
      continue;
    }
    const blob = e.blob;
    const entry = new LoadedRecord(root, e.kind, e.file, blob, r, { readText: () => git(root, ['cat-file', 'blob', blob]) }) as unknown as RecordEntry;
    records.push(entry);
    if (e.kind === 'programme' && !byId.has(entry.id)) byId.set(entry.id, entry);
  }
  linkProgrammes(records, byId);
  let config = head.config;
  const configText = tryGit(root, ['cat-file', 'blob', `${commit}:./${CONFIG_FILE}`]);
  if (configText !== undefined) {
    const r = parseRecordText(CONFIG_FILE, configText);
    if (r.ok) config = r.parsed.data as Repository['config'];
  }
  return { root, config, records, loadProblems, unparsed };
}

/** A problem's identity across versions: where it is and what it says, not its line and column. */
function identity(p: { file: string; rule: string; pointer?: string; params: Record<string, string | number> }): string {
  return `${p.file}\0${p.rule}\0${p.pointer ?? ''}\0${JSON.stringify(p.params)}`;
}

/** The base ref as given, else the default one (or a clear error). */
function baseRef(root: string, given: string | undefined): string {
  if (given) return given;
  const found = defaultBase(root);
  if (!found.ref) {
    if (isShallow(root)) throw new UsageError(...shallowHelp('origin/HEAD'));
    throw new UsageError(
      `找不到比较的基准分支（试过：${found.tried.join('、')}）：请写明，例如 djyc validate --changed origin/main`,
      `no base branch to compare with (tried: ${found.tried.join(', ')}): name one, e.g. djyc validate --changed origin/main`,
    );
  }
  return found.ref;
}

/** Validates the changes since the merge base of HEAD and `base` (see the module comment). */
export function validateChanged(root: string, opts: ChangedOptions = {}): ChangedResult {
  const base = baseRef(root, opts.base);
  const mergeBase = mergeBaseOf(root, base);
  const head = opts.repo ?? loadRepository(root);
  const witness = witnessOf(head)?.content;
  const { changed, deleted } = changedSince(root, mergeBase, witness && { dirty: witness.dirty, unvouched: Object.keys(witness.read) });
  const changedSet = new Set(changed);
  const ids = new Set(changed.filter((f) => f !== CONFIG_FILE).map((f) => path.basename(f, '.yaml')));

  // Unchanged records that refer to a changed or deleted record, or share an id with one.
  const related = new Set<string>();
  if (ids.size) {
    for (const r of head.records) {
      if (changedSet.has(r.file)) continue;
      if (ids.has(r.id)) {
        related.add(r.file);
        continue;
      }
      if (refersToAny(r.kind, factsOf(r), ids)) related.add(r.file);
    }
  }
  const scope = new Set([...changedSet, ...related]);
  const headIssues = collectIssues(head, { today: opts.today, scope });
  const noChange = !changed.length;
  let baseKnown = new Set<string>();
  // The base is only needed to tell old problems from new ones outside the changed files: none there, no base.
  const outside = headIssues.some((i) => !changedSet.has(i.file)) || head.loadProblems.some((p) => !changedSet.has(p.file));
  if (!noChange && outside) {
    const baseRepo = baseRepository(root, mergeBase, head, changed);
    const baseScope = new Set([...related].filter((f) => !changedSet.has(f)));
    baseKnown = new Set([...collectIssues(baseRepo, { today: opts.today, scope: baseScope }), ...baseRepo.loadProblems].map(identity));
  }
  // Everything on changed files; elsewhere only what the base did not have already.
  const keep = (p: { file: string; rule: string; pointer?: string; params: Record<string, string | number> }) => changedSet.has(p.file) || (!noChange && !baseKnown.has(identity(p)));
  const reportedIssues: Issue[] = noChange ? [] : headIssues.filter(keep);
  const reportedLoad = [...(noChange ? [] : head.loadProblems.filter((p) => !UNREAD_RULES.has(p.rule) && keep(p))), ...newUnread(root, mergeBase, head)];
  // The files under attachments/ (links, devices, content not matching the extension) are reported whatever the
  // base had: they are what a change could use to make djyc read or publish what it must not.
  const files = attachmentProblems(head);
  const problems = positionProblems(head, [...reportedIssues, ...files.issues], [...reportedLoad, ...files.problems]);
  return { base, mergeBase, changed, deleted, related: [...related].sort(), problems, repo: head };
}

/**
 * The listing's notes on paths never read as records (a folder inside a kind folder, a file not named `*.yaml`) that
 * the base did not have: the change put them there. Not record files, so not among the changes: told apart by the
 * base's tree (a folder: whether it held a file there; a file: whether it was there).
 */
function newUnread(root: string, commit: string, head: Repository): Problem[] {
  const notes = head.loadProblems.filter((p) => UNREAD_RULES.has(p.rule));
  if (!notes.length) return [];
  // (ls-tree takes paths as they are, never as patterns; many of them: the whole records/ folder instead.)
  const paths = notes.length <= 200 ? notes.map((p) => p.file) : [`${RECORDS_DIR}/`];
  const atBase = git(root, ['ls-tree', '-r', '--name-only', '-z', commit, '--', ...paths]).split('\0').filter(Boolean);
  const there = new Set(atBase);
  // Every folder holding a file at the base.
  for (const f of atBase) for (let at = f.lastIndexOf('/'); at > 0; at = f.lastIndexOf('/', at - 1)) there.add(f.slice(0, at));
  return notes.filter((p) => !there.has(p.file));
}

/** Why the last quickChanged call gave no answer (DJYC_STATS prints it). */
export const quickDecline: { reason?: string } = {};

function decline(reason: string): undefined {
  quickDecline.reason = reason;
  return undefined;
}

/** djyc.yaml or a programme: a change to it can change every record's checks. */
function isSetting(file: string): boolean {
  return file === CONFIG_FILE || kindOfDir(file.split('/')[1]!) === 'programme';
}

/** A change the quick way cannot take among the commits since `commit` (a file added or deleted, a programme, djyc.yaml). */
function committedChange(root: string, commit: string): string | undefined {
  const parts = git(root, ['diff', '--name-status', '-z', '--no-renames', '--relative', commit, 'HEAD', '--', `${RECORDS_DIR}/`, CONFIG_FILE]).split('\0');
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const file = parts[i + 1]!;
    if (!isTracked(file)) continue;
    if (isSetting(file)) return `changed: ${file}`;
    const status = parts[i]!;
    if (!status.startsWith('M')) return `${status.startsWith('A') ? 'added' : status.startsWith('D') ? 'deleted' : `changed (${status})`}: ${file}`;
  }
  return undefined;
}

/** Beyond this many changed files the whole repository is loaded anyway. */
const QUICK_MAX_FILES = 1000;

/**
 * validateChanged without loading the whole repository, when that gives the same answer for sure — else undefined
 * (the caller then runs validateChanged). It holds when a whole `djyc validate` kept its result (store/memo.ts) for
 * the merge base's records and djyc.yaml, by the same code, on a day no rule's window separates from today
 * (domain/checks.ts sameCheckDay), and the change only edited record files (none added, deleted or renamed; no
 * programme and no djyc.yaml; every file parses at both ends) without changing any record's cross facts
 * (domain/checks.ts CROSS_FIELDS; programmes whole). Then every check between records gives every record what it
 * gave at the base (those checks see records only through their cross facts), so:
 * - a changed file's problems are its own checks, run now on it and the records it names (read by file name), plus
 *   the base's results of the checks between records on it (from the memo);
 * - no other record has a problem the base did not have; what is reported besides is what validateChanged reports
 *   whatever the base had: djyc.yaml's load problems and files left by interrupted writes.
 * `related` (only counted in the summary) comes from the referrer index (store/referrers.ts). With the attachments
 * folder holding anything validate reports, the whole way is taken too.
 */
export async function quickChanged(root: string, opts: { base?: string; today?: string } = {}): Promise<ChangedResult | undefined> {
  quickDecline.reason = undefined;
  if (process.env.DJYC_CHANGED_QUICK === '0') return decline('turned off (DJYC_CHANGED_QUICK=0)');
  const base = baseRef(root, opts.base);
  const mergeBase = mergeBaseOf(root, base);
  const key = treeKeyOf(root, mergeBase);
  const memo = key ? readMemoOfTree(root, 'validate', key) : undefined;
  if (!memo) return decline('no whole validate result kept for the base');
  // What the commits since the base added, deleted or changed of the settings, known without looking at the work
  // tree: a pull request that adds a record (a quarter's reports) goes the whole way, which makes its own pass.
  const committed = committedChange(root, mergeBase);
  if (committed) return decline(committed);
  // One pass over the work tree for both questions below (what changed since the base; who refers to the changed
  // records): git answers while the attachments and settings are read here.
  const scan = scanWorkTree(root, RECORDS_DIR);
  const changes = changedSinceAsync(root, mergeBase, scan);
  scan.catch(() => undefined);
  changes.catch(() => undefined);
  const violations = attachmentViolations(root).length;
  const loader = recordLoader(root);
  const { changed, deleted } = await changes;
  const work = await scan;
  if (!work) return decline('git could not look at the work tree');
  if (work.unread) return decline(`not read as a record: ${work.unread}`);
  // What validateChanged reports whatever the base had: djyc.yaml's load problems, files of interrupted writes.
  const strays = strayTempProblems(root, work.leftovers);
  if (violations) return decline('attachments/ holds files validate reports');
  if (!loader || !strays) return decline('records/ or a kind folder is not a plain, readable folder');
  // Kept on another day (CI runs on main yesterday, the pull request today): as good when no rule's window closed between.
  const today = clockToday(opts.today);
  const { programmes } = loader;
  if (typeof memo.params.today !== 'string' || !sameCheckDay([...programmes.values()], memo.params.today, today)) return decline(`kept for ${String(memo.params.today)}, a rule's window closed since`);
  if (deleted.length) return decline(`deleted: ${deleted[0]}`);
  if (changed.length > QUICK_MAX_FILES) return decline(`${changed.length} files changed`);
  const setting = changed.find(isSetting);
  if (setting) return decline(`changed: ${setting}`);
  const loadProblems = changed.length ? [...loader.loadProblems, ...strays] : [];
  const ids = new Set(changed.map((f) => path.basename(f, '.yaml')));
  // Who refers to the changed records (for `related`), asked while their two versions are compared.
  const candidates = ids.size ? referrerCandidates(root, [...ids], scan) : Promise.resolve([]);
  candidates.catch(() => undefined);

  const baseBlobs = new Map(changed.length ? recordBlobs(root, [mergeBase, '--', ...changed]).map((e) => [e.file, e.blob]) : []);
  const baseBytes = readBlobs(root, [...new Set(baseBlobs.values())]);
  const kept = new Set<RecordEntry>();
  for (const r of loader.parsed.values()) if (r?.kind === 'programme') kept.add(r);
  for (const file of changed) {
    const kind = kindOfDir(file.split('/')[1]!)!;
    const blob = baseBlobs.get(file);
    const bytes = blob ? baseBytes.get(blob) : undefined;
    // Added (no base version), not a plain file now (a link, a device) or not parsing at either end: the whole way.
    if (!bytes) return decline(`added: ${file}`);
    if (!isPlainFile(path.join(root, file))) return decline(`not a plain file: ${file}`);
    const before = analyseBytes(kind, file, bytes, programmes);
    const now = loader.load(kind, file);
    if (!before.ok || before.volatile || !now) return decline(`does not parse at one end, or holds what JSON cannot: ${file}`);
    const nowFacts = summaryOf(kind, now.data as unknown as Record<string, unknown>);
    if (!jsonSafe(nowFacts)) return decline(`holds what JSON cannot: ${file}`);
    if (JSON.stringify(crossFacts(kind, before.facts)) !== JSON.stringify(crossFacts(kind, nowFacts))) return decline(`what the checks between records read changed: ${file}`);
  }

  // The changed records, the records sharing their ids, and those they name (their references are checked now).
  for (const id of ids) for (const r of loader.loadId(id)) kept.add(r);
  for (const file of changed) {
    const r = loader.parsed.get(file)!;
    for (const ref of fastRefs(r.kind, r.data)) for (const t of loader.loadId(ref.id)) kept.add(t);
  }
  if (loader.unsure) return decline('a reference cannot be followed by file name');

  // Unchanged records referring to a changed one or sharing its id (validateChanged's `related`).
  const changedSet = new Set(changed);
  const related = new Set<string>();
  const referrers = await candidates;
  if (!referrers) return decline('no referrer index for the working tree');
  if (ids.size) {
    for (const r of kept) if (!changedSet.has(r.file) && ids.has(r.id)) related.add(r.file);
    for (const file of referrers) {
      const m = /^[^/]+\/([^/]+)\/[^/]+\.yaml$/.exec(file);
      const kind = m ? loader.kindOf.get(m[1]!) : undefined;
      if (!kind || changedSet.has(file) || !isPlainFile(path.join(root, file))) continue;
      const r = loader.load(kind, file);
      if (r && (ids.has(r.id) || refersToAny(kind, summaryOf(kind, r.data as unknown as Record<string, unknown>), ids))) related.add(file);
    }
  }

  const repo = loadedRepository(root, loader, kept);
  const own = collectIssues(repo, { today, scope: changedSet, crossRecord: false });
  const fromBase: Issue[] = [];
  for (const p of JSON.parse(memo.payload.toString('utf8')) as Problem[]) {
    if (!changedSet.has(p.file) || !CROSS_RULES.has(p.rule)) continue;
    if (typeof p.pointer !== 'string' || !p.at) return decline(`a kept problem without its place: ${p.file}`);
    fromBase.push({ file: p.file, pointer: p.pointer, at: p.at, severity: p.severity, rule: p.rule, params: p.params });
  }
  const problems = positionProblems(repo, [...own, ...fromBase], loadProblems);
  const baseTexts = new Map(changed.map((f) => [f, baseBytes.get(baseBlobs.get(f)!)!.toString('utf8')]));
  return { base, mergeBase, changed, deleted: [], related: [...related].sort(), problems, repo, baseTexts };
}
