/**
 * Pull-request checks (`djyc validate --base <ref>`): each changed record is compared with its version at the base
 * (the merge base of <ref> and HEAD), and judged by the programme and schemas AS THEY ARE AT THE BASE — so a change
 * cannot approve itself (editing a programme's `next` lists and moving a project along the new edge in the same
 * pull request is refused; so is loosening a schema and using the looser shape).
 *
 * Rules
 * - no record deleted (base-deleted);
 * - history is append-only: entries present at the base are unchanged and still there (base-history-changed,
 *   base-history-removed);
 * - stage moves follow the base programme's `next` lists, step by step through the appended history entries
 *   (base-stage-move), an entry's `from` matches where the record was (base-history-from), and a stage change is
 *   recorded in the history (base-stage-history) — these two only where the record's history does not already
 *   contradict itself, which every validation reports (checks.ts history-from, history-stage);
 * - a panel or a re-check sample added or changed that claims a seeded draw is what the draw gives
 *   (base-panel-draw: no expert or project put in by hand);
 * - recorded results are never silently replaced (domain/frozen.ts, the rule the write path and the hooks apply
 *   too): ratings, votes, stars, bonus points, review opinions, acceptance rounds and a project's number (frozen);
 *   a change made with `--correct --reason` (an entry in the record's `amendments`) is allowed and reported as a
 *   visible amendment (severity notice, frozen-amended);
 * - changed and added records satisfy the base schemas too (base-schema).
 * Problems carry file:line:col through store/validate.ts `positionIssues`.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { loadRepository } from './repo.js';
import { kindOfDir, RECORDS_DIR, type Kind } from '../domain/kinds.js';
import { recordData } from './yaml.js';
import type { Issue } from '../domain/checks.js';
import { checkSchema, compileWithCache } from './schemas.js';
import { VALIDATORS_DIR, cacheRoot } from './cache.js';
import { findStage, TRACK_OF_KIND } from '../domain/programme.js';
import { deepEqual, isObject } from './gitlog.js';
import { frozenChanges } from '../domain/frozen.js';
import { historyMismatches } from '../domain/checks.js';
import { DRAW_ALGORITHM, draw } from './draw.js';
import { expertEligibility } from '../domain/panel.js';
import { RecordIndex, type Repository } from '../domain/records.js';
import { sortProblems, type Problem } from '../domain/problem.js';
import { UsageError } from '../domain/errors.js';
import type { ProgrammeRecord } from '../domain/types.generated.js';
import { positionIssues } from './validate.js';
import { gitText, showFile, showFiles } from './git.js';
import { SCHEMAS_DIR } from '../assets/paths.js';


export interface BaseCheckOptions {
  /** Today's date (kept for symmetry with validate; the base rules do not depend on it). */
  today?: string;
  /** An already loaded repository (the working tree). */
  repo?: Repository;
  /**
   * The files changed since the base, when the caller has listed them already (validate --changed), and their texts
   * at the base when it has read them (null: none there).
   */
  changes?: { base: string; changed: string[]; deleted: string[]; baseTexts?: ReadonlyMap<string, string | null> };
}

type Data = Record<string, any>;
type HistoryEntry = { stage?: unknown; from?: unknown };

/** Resolves the commit to compare with: the merge base of `ref` and HEAD (or `ref` itself when there is none). */
export async function resolveBase(root: string, ref: string): Promise<string> {
  if (ref.startsWith('-')) throw new UsageError(`基准版本“${ref}”不能以 - 开头`, `base ref "${ref}" must not start with -`);
  let commit: string;
  try {
    commit = (await gitText(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).trim();
  } catch {
    commit = '';
  }
  if (!commit) throw new UsageError(`找不到基准版本“${ref}”（分支、标签或提交）`, `no base version "${ref}" (branch, tag or commit)`);
  try {
    const mb = (await gitText(root, ['merge-base', commit, 'HEAD'])).trim();
    return mb || commit;
  } catch {
    return commit;
  }
}

interface Changed {
  status: 'A' | 'M' | 'D';
  file: string;
  kind: Kind;
}

async function changedRecords(root: string, base: string): Promise<Changed[]> {
  // Paths relative to the records root (--relative; `rev:./path` below), which may be a folder inside a larger repository.
  const diff = await gitText(root, ['diff', '--name-status', '--no-renames', '--relative', base, '--', `${RECORDS_DIR}/`]);
  const untracked = await gitText(root, ['ls-files', '--others', '--exclude-standard', '--', `${RECORDS_DIR}/`]);
  const lines = [...diff.split('\n'), ...untracked.split('\n').filter(Boolean).map((f) => `A\t${f}`)];
  return lines.flatMap((line) => {
    const [code, file] = line.split('\t');
    return code && file ? changeOf(file, code[0] === 'D' ? 'D' : code[0] === 'A' ? 'A' : 'M') : [];
  });
}

function changeOf(file: string, status: Changed['status']): Changed[] {
  const m = /^records\/([^/]+)\/[^/]+\.yaml$/.exec(file);
  const kind = m ? kindOfDir(m[1]!) : undefined;
  return kind ? [{ status, file, kind }] : [];
}

const installedTexts = new Map<string, string>();
/** An installed schema file's text, read once. */
function installedText(name: string): string {
  let text = installedTexts.get(name);
  if (text === undefined) installedTexts.set(name, (text = fs.readFileSync(path.join(SCHEMAS_DIR, `${name}.schema.json`), 'utf8')));
  return text;
}

/**
 * Ajv over the base's own schemas (`schemas/*.schema.json` at the base commit), compiled lazily per kind. Where the
 * base's schema and common definitions are byte for byte the installed ones, the base can add no error that plain
 * validation does not already report (same schema, same pointers): no second compile.
 */
class BaseSchemas {
  private validators = new Map<string, ValidateFunction | null>();
  private texts: Map<string, string | null>;

  constructor(private root: string, private base: string, kinds: Kind[]) {
    this.texts = showFiles(root, base, ['common', ...new Set(kinds)].map((name) => `schemas/${name}.schema.json`));
  }

  /** A schema's text at the base (the constructor read every one the checks ask for), or null. */
  private text(name: string): string | null {
    return this.texts.get(`schemas/${name}.schema.json`) ?? null;
  }

  validator(kind: Kind): ValidateFunction | null {
    if (this.validators.has(kind)) return this.validators.get(kind)!;
    let v: ValidateFunction | null = null;
    const text = this.text(kind);
    const common = this.text('common');
    const same = text !== null && common === installedText('common') && text === installedText(kind);
    if (text !== null && common !== null && !same) {
      try {
        // Compiled once per pair of texts and kept in the cache folder (the base of the next pull request is often the same).
        const where = cacheRoot(this.root);
        v = compileWithCache(text, common, { strict: false, verbose: false }, where && path.join(where, VALIDATORS_DIR));
      } catch {
        v = null;
      }
    }
    this.validators.set(kind, v);
    return v;
  }
}

function schemaDetail(e: ErrorObject): { pointer: string; at: 'key' | 'value'; zh: string; en: string } {
  const p = e.params as Record<string, any>;
  const field = e.instancePath.split('/').pop() || '记录';
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(p.additionalProperty);
      return { pointer: `${e.instancePath}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`, at: 'key', zh: `未知字段“${key}”`, en: `unknown key "${key}"` };
    }
    case 'required':
      return { pointer: e.instancePath, at: e.instancePath ? 'key' : 'value', zh: `缺少必填字段“${p.missingProperty}”`, en: `missing required key "${p.missingProperty}"` };
    case 'enum':
      return { pointer: e.instancePath, at: 'value', zh: `“${field}”的值不在允许范围内，可选：${(p.allowedValues as unknown[]).join(' / ')}`, en: `"${field}" must be one of: ${(p.allowedValues as unknown[]).join(' / ')}` };
    case 'type':
      return { pointer: e.instancePath, at: 'value', zh: `“${field}”的类型不对（应为 ${p.type}）`, en: `"${field}" must be ${p.type}` };
    default:
      return { pointer: e.instancePath, at: 'value', zh: `“${field}”不符合要求（${e.keyword}）`, en: `"${field}" is invalid (${e.keyword})` };
  }
}

/**
 * A panel the pull request adds or changes that says it was drawn (a seed, the candidate list, `djyc-draw-v1`) but
 * is not what that draw gives: an expert put in by hand. A panel without a candidate list or of another algorithm
 * makes no such claim (`djyc panel --verify` says so); one left as the base had it is not judged again.
 */
function panelNotDrawn(panel: unknown): Record<string, string> | undefined {
  const p = panel as { seed?: unknown; experts?: unknown; candidates?: unknown; algorithm?: unknown };
  if ((p.algorithm ?? DRAW_ALGORITHM) !== DRAW_ALGORITHM || typeof p.seed !== 'string') return undefined;
  if (!Array.isArray(p.experts) || !p.experts.every((x) => typeof x === 'string')) return undefined;
  if (!Array.isArray(p.candidates) || !p.candidates.length || !p.candidates.every((c) => isObject(c) && typeof (c as { expert?: unknown }).expert === 'string')) return undefined;
  const candidates = (p.candidates as { expert: string; load?: unknown }[]).map((c) => ({ id: c.expert, load: typeof c.load === 'number' ? c.load : 0 }));
  const experts = p.experts as string[];
  return unlessDrawn(p.seed, experts, draw(p.seed, candidates, experts.length));
}

/**
 * Experts on a panel the pull request adds or changes who may not sit on it as the repository now stands: from the
 * lead or a co-organising unit (回避), or of other categories. One who has since left the pool is not refused.
 */
function ineligibleOnPanel(index: RecordIndex, evaluation: Data): { at: number; params: Record<string, string> }[] {
  const panel = evaluation.panel as { experts?: unknown };
  if (!Array.isArray(panel.experts) || typeof evaluation.subject !== 'string') return [];
  const subject = index.any(evaluation.subject);
  if (!subject) return [];
  const out: { at: number; params: Record<string, string> }[] = [];
  panel.experts.forEach((x: unknown, at: number) => {
    const expert = typeof x === 'string' ? index.get('expert', x) : undefined;
    if (!expert) return; // a missing expert is plain validation's (ref-missing)
    const e = expertEligibility(index, subject, expert);
    if (!e.ok && e.reason && expert.data.active !== false) out.push({ at, params: { expert: expert.id, reason_zh: e.reason.zh, reason_en: e.reason.en } });
  });
  return out;
}

/** The problem's parameters when what a record names is not what its draw gives (in order, and as many). */
function unlessDrawn(seed: string, recorded: string[], redrawn: string[]): Record<string, string> | undefined {
  if (redrawn.length === recorded.length && redrawn.every((x, i) => x === recorded[i])) return undefined;
  return { seed, recorded_zh: recorded.join('、'), recorded_en: recorded.join(', '), redrawn_zh: redrawn.join('、'), redrawn_en: redrawn.join(', ') };
}

/** The same for a sampled re-check (抽查复核, `djyc recheck`): its entries are the subjects its recorded draw gives. */
function sampleNotDrawn(now: Data, before: Data | undefined): Record<string, string> | undefined {
  const d = now.draw as { seed?: unknown; candidates?: unknown; sample?: unknown } | undefined;
  if (!isObject(d) || typeof d.seed !== 'string' || !Array.isArray(d.candidates) || !d.candidates.every((c) => typeof c === 'string')) return undefined;
  if (!Array.isArray(now.entries)) return undefined;
  const subjects = (now.entries as unknown[]).map((e) => (isObject(e) ? (e as { subject?: unknown }).subject : undefined));
  const was = before && Array.isArray(before.entries) ? (before.entries as unknown[]).map((e) => (isObject(e) ? (e as { subject?: unknown }).subject : undefined)) : undefined;
  if (before && deepEqual(d, before.draw) && deepEqual(subjects, was)) return undefined;
  const redrawn = draw(d.seed, (d.candidates as string[]).map((id) => ({ id })), typeof d.sample === 'number' ? d.sample : subjects.length);
  return unlessDrawn(d.seed, subjects.map((x) => String(x)), redrawn);
}

/** Compares the working tree's records with their versions at `ref`. */
export async function checkAgainstBase(root: string, ref: string, opts: BaseCheckOptions = {}): Promise<Problem[]> {
  // The merge base the caller's change list was made against is resolved already (it is its own merge base with HEAD).
  const base = opts.changes && ref === opts.changes.base ? ref : await resolveBase(root, ref);
  const repo = opts.repo ?? loadRepository(root);
  const current = new Map(repo.records.map((r) => [r.file, r]));
  const issues: Issue[] = [];
  const push = (file: string, pointer: string, rule: Issue['rule'], params: Issue['params'], at: 'key' | 'value' = 'value') =>
    issues.push({ file, pointer, at, severity: 'error', rule, params: { ref, ...params } });

  // The caller's list of changes when it is for this base; else git's. Added or modified is told by the base text.
  const given = opts.changes && opts.changes.base === base ? opts.changes : undefined;
  const deleted = new Set(given?.deleted);
  const listed = given ? given.changed.flatMap((f) => changeOf(f, deleted.has(f) ? 'D' : 'M')) : await changedRecords(root, base);
  // Every base version read with one git process (unless the caller has read them).
  const wanted = listed.filter((c) => c.status !== 'D').map((c) => c.file);
  const known = given?.baseTexts;
  const baseTexts = known && wanted.every((f) => known.has(f)) ? known : showFiles(root, base, wanted);
  const changes = listed.map((c) => (c.status === 'M' && baseTexts.get(c.file) == null ? { ...c, status: 'A' as const } : c));

  const programmes = new Map<string, ProgrammeRecord | null>();
  const baseProgramme = async (id: unknown): Promise<ProgrammeRecord | null> => {
    if (typeof id !== 'string') return null;
    if (!programmes.has(id)) {
      const text = await showFile(root, base, `./${RECORDS_DIR}/programmes/${id}.yaml`);
      const data = text === null ? undefined : recordData(`${id}.yaml`, text);
      programmes.set(id, isObject(data) ? (data as unknown as ProgrammeRecord) : null);
    }
    return programmes.get(id)!;
  };
  const schemas = new BaseSchemas(root, base, changes.filter((c) => c.status !== 'D').map((c) => c.kind));
  let records: RecordIndex | undefined;
  const index = () => (records ??= RecordIndex.of(repo));

  for (const change of changes) {
    const { file, kind } = change;
    if (change.status === 'D') {
      push(file, '', 'base-deleted', {});
      continue;
    }
    const head = current.get(file);
    if (!head || !isObject(head.data)) continue; // unreadable now: plain validation reports it
    const now = head.data as Data;

    // The base schemas must accept the record too.
    const validate = schemas.validator(kind);
    if (validate && !validate(now)) {
      const known = new Set(checkSchema(kind, now).map((i) => i.pointer));
      const seen = new Set<string>();
      for (const e of validate.errors ?? []) {
        const d = schemaDetail(e);
        if (known.has(d.pointer) || seen.has(`${d.pointer}|${d.zh}`)) continue;
        seen.add(`${d.pointer}|${d.zh}`);
        push(file, d.pointer, 'base-schema', { detail_zh: d.zh, detail_en: d.en }, d.at);
      }
    }
    // The base version, parsed once (none for an added record).
    const baseText = change.status === 'A' ? null : baseTexts.get(file);
    const parsedBase = baseText == null ? undefined : recordData(file, baseText);
    const was = isObject(parsedBase) ? (parsedBase as Data) : undefined;
    if (kind === 'evaluation' && isObject(now.panel) && !deepEqual(now.panel, was?.panel)) {
      const wrong = panelNotDrawn(now.panel);
      if (wrong) push(file, '/panel/experts', 'base-panel-draw', wrong);
      for (const x of ineligibleOnPanel(index(), now)) push(file, `/panel/experts/${x.at}`, 'base-panel-ineligible', x.params);
    }
    if (kind === 'selection') {
      const wrong = sampleNotDrawn(now, was);
      if (wrong) push(file, '/entries', 'base-panel-draw', wrong);
    }
    if (change.status === 'A' || !was) continue;
    const before = was;

    // History: append-only.
    const beforeHistory: HistoryEntry[] = Array.isArray(before.history) ? before.history : [];
    const nowHistory: HistoryEntry[] = Array.isArray(now.history) ? now.history : [];
    if (nowHistory.length < beforeHistory.length) {
      push(file, Array.isArray(now.history) ? '/history' : '', 'base-history-removed', { before: beforeHistory.length, after: nowHistory.length });
    }
    for (let i = 0; i < Math.min(beforeHistory.length, nowHistory.length); i++) {
      if (!deepEqual(beforeHistory[i], nowHistory[i])) push(file, `/history/${i}`, 'base-history-changed', { n: i + 1 });
    }

    // Stage moves: by the base programme, step by step through the appended history.
    const track = TRACK_OF_KIND[kind];
    if (track && typeof before.stage === 'string' && typeof now.stage === 'string') {
      const programme = await baseProgramme(before.programme);
      if (programme) {
        const allowed = (from: string) => findStage(programme, track, from)?.next ?? [];
        const label = (id: string) => findStage(programme, track, id)?.label ?? id;
        // What the record's own history contradicts is reported by the rule every validation runs (checks.ts
        // history-from / history-stage); here only what the base adds to it.
        const mismatches = historyMismatches(now.stage, now.history);
        const saidAlready = (entry?: number) => mismatches.some((m) => m.entry === entry);
        let at: string = before.stage;
        const appended = nowHistory.slice(beforeHistory.length);
        appended.forEach((e, j) => {
          const i = beforeHistory.length + j;
          if (!e || typeof e.stage !== 'string' || e.stage === at) return;
          if (typeof e.from === 'string' && e.from !== at && !saidAlready(i)) push(file, `/history/${i}/from`, 'base-history-from', { from: e.from, actual: at });
          if (!allowed(at).includes(e.stage)) {
            push(file, `/history/${i}/stage`, 'base-stage-move', { from: at, to: e.stage, allowed: allowed(at).join(' / ') || '—', from_label: label(at) });
          }
          at = e.stage;
        });
        if (at !== now.stage) {
          if ((before.stage !== now.stage || appended.length) && !saidAlready(undefined)) push(file, '/stage', 'base-stage-history', { from: at, to: now.stage });
          if (!allowed(at).includes(now.stage)) push(file, '/stage', 'base-stage-move', { from: at, to: now.stage, allowed: allowed(at).join(' / ') || '—' });
        }
      }
    }

    // Recorded results: the same rule as every write (domain/frozen.ts).
    for (const f of frozenChanges(kind, before, now)) {
      issues.push({ file, pointer: f.pointer, at: 'value', severity: f.severity, rule: f.rule, params: { ref, ...f.params } });
    }
  }
  return sortProblems(positionIssues(repo, issues));
}
