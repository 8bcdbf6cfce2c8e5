/**
 * Every check of a loaded repository, pure: records and programmes in, issues (file + JSON Pointer + rule) out.
 * Per-record checks (schema, references, the record's own rules) and cross-record checks (duplicate ids, coverage,
 * secretary limits, workflow rules). What needs the outside world — the schemas (ajv), the references the schemas
 * declare, the shipped form templates, results the loader already computed — comes in as a `CheckEnv`, which the
 * store provides (store/validate.ts), as it does positions (file:line:col).
 */
import { factsOf, idList, RecordIndex, type RecordEntry, type Repository } from './records.js';
import { kindLabels, type MessageKey } from './i18n.js';
import { isIsoDate, monthsBetween, quarterEnd, quarterStart } from './dates.js';
import { CONFIG_FILE, type Kind } from './kinds.js';
import { TRACK_OF_KIND, durationStart, findStage, isDropped, trackStages, windowClosed, windowDates, type Track } from './programme.js';
import type { Severity } from './problem.js';
import type { ProgrammeRecord } from './types.generated.js';
import { workflowIssues } from './rules.js';
import { membersWithoutTask, organisationsOutsideBrandRange, organisationsShortOfProjects } from './participation.js';
import { recordPathProblem } from './paths.js';

/** A finding before it has a position: the record file and a JSON Pointer into it. */
export interface Issue {
  file: string;
  pointer: string;
  at: 'key' | 'value';
  severity: Severity;
  rule: MessageKey;
  params: Record<string, string | number>;
}

/** A problem of a record found from its content and its programme alone (no file, no other record). */
export interface LocalIssue {
  pointer: string;
  at: 'key' | 'value';
  severity: Severity;
  rule: MessageKey;
  params: Record<string, string | number>;
}

/** A reference made by a record: where, to which kinds, which id. */
export interface RefUse {
  pointer: string;
  kinds: Kind[];
  id: string;
}

/** What the checks need from outside the domain (see the module comment). */
export interface CheckEnv {
  /** Schema problems of a record's data. */
  schema(kind: Kind, data: unknown): LocalIssue[];
  /** The references a record makes (`x-ref` in its kind's schema), in document order. */
  refs(kind: Kind, data: unknown): RefUse[];
  /** Whether djyc ships a form template of that name. */
  templateExists(name: string): boolean;
  /** Schema and local results computed while loading, when they still hold for this programme. */
  precomputed?(r: RecordEntry, programme: ProgrammeRecord | undefined): { schema: LocalIssue[]; local: LocalIssue[] } | undefined;
}

export interface CheckOptions {
  /** Today's date for window-dependent rules (warning while a window is open, error after). */
  today: string;
  /** Report only on these repository-relative files (cross-record checks still see everything). */
  only?: Set<string>;
  /**
   * Run the per-record checks only on these files (cross-record rules still run on, and report, everything).
   * `djyc validate --changed` uses it; `only`, when also given, still filters what is reported.
   */
  scope?: Set<string>;
  /** false: only each record's own checks (schema, id, references, its own rules), none between records. */
  crossRecord?: boolean;
}

type Ctx = {
  index: RecordIndex;
  today: string;
  issues: Issue[];
  env: CheckEnv;
  categories?: Set<string>;
  cross?: boolean;
  /** Organisations on a loop of parents (orgLoops, once per run). */
  orgLoops?: Map<string, OrgLoop>;
};

function push(ctx: Ctx, r: Pick<RecordEntry, 'file'>, pointer: string, rule: MessageKey, params: Issue['params'] = {}, severity: Severity = 'error', at: 'key' | 'value' = 'value') {
  // A rule between records must be listed (CROSS_RULES): `validate --changed` takes its results from the base.
  if (ctx.cross && !CROSS_RULES.has(rule)) throw new Error(`internal: the cross-record rule ${rule} is not in CROSS_RULES`);
  ctx.issues.push({ file: r.file, pointer, at, severity, rule, params });
}

/**
 * Rules about the state of a whole campaign (every member holds a task, every organisation leads enough projects,
 * brands per organisation). They describe what is still missing, so a write never fails because of them: adding a
 * member or an organisation must stay possible before it has its task or project. `djyc validate` reports them.
 */
const COVERAGE_RULES_LIST: MessageKey[] = ['member-no-task', 'member-no-task-org', 'org-min-projects', 'brand-per-org'];
export const COVERAGE_RULES: ReadonlySet<MessageKey> = new Set<MessageKey>(COVERAGE_RULES_LIST);

/**
 * The fields the checks between records read, per kind; programmes are read whole. Those checks see every record
 * through crossView only, so two versions of a record with the same cross facts give every record the same results
 * of those checks: `validate --changed` relies on it (store/changed.ts quickChanged) and takes them from the base.
 */
export const CROSS_FIELDS: Readonly<Record<Exclude<Kind, 'programme'>, readonly string[]>> = {
  organisation: ['programme', 'secretary', 'short_name', 'name', 'external', 'type', 'parent'],
  member: ['programme', 'organisation', 'active', 'party_title', 'name', 'exemptions'],
  expert: ['programme', 'categories'],
  project: ['programme', 'lead', 'leader', 'co_organisers', 'stage', 'number', 'start', 'approval', 'carried_to'],
  task: ['programme', 'project', 'members', 'carried_to'],
  commitment: ['programme'],
  report: ['programme', 'subject', 'quarter'],
  closure: ['programme', 'subject', 'submitted_on'],
  evaluation: ['programme', 'subject', 'bonus_by_unit'],
  brand: ['programme', 'organisation', 'carried_to'],
  selection: ['programme'],
};

/** The rules of the checks between records (push refuses any other there). */
export const CROSS_RULES: ReadonlySet<MessageKey> = new Set<MessageKey>([
  'duplicate-id', 'programme-missing', 'leader-not-secretary', 'expert-category-unknown', 'bonus-unit-not-in-project',
  'carried-programme-order', 'task-project-programme', 'secretary-limit', 'number-duplicate', 'report-duplicate',
  'subject-duplicate', 'report-before-start', 'closure-before-start', 'org-parent-cycle', ...COVERAGE_RULES_LIST,
]);

/** A record's cross facts (see CROSS_FIELDS): its summary's values of those fields, in that order. */
export function crossFacts(kind: Kind, facts: Record<string, unknown>): Record<string, unknown> {
  if (kind === 'programme') return facts;
  const out: Record<string, unknown> = {};
  for (const f of CROSS_FIELDS[kind]) if (f in facts) out[f] = facts[f];
  return out;
}

/** A record as the checks between records see it: kind, id, file and its cross facts (programmes whole). */
function crossView(r: RecordEntry): RecordEntry {
  if (r.kind === 'programme') return r;
  return { kind: r.kind, id: r.id, file: r.file, data: crossFacts(r.kind, factsOf(r)), text: '' } as unknown as RecordEntry;
}

const esc = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');

/** Kinds whose records may name files (a brand's logo; attachments lists). */
export const PATH_KINDS: ReadonlySet<Kind> = new Set(['brand', 'project', 'task', 'report', 'closure']);

/** The paths a record names, with their JSON Pointers: a brand's logo and every attachment's path. */
export function recordPaths(data: unknown): { pointer: string; path: unknown }[] {
  const out: { pointer: string; path: unknown }[] = [];
  if (!data || typeof data !== 'object') return out;
  const d = data as Record<string, unknown>;
  if (d.logo !== undefined && d.logo !== null) out.push({ pointer: '/logo', path: d.logo });
  if (Array.isArray(d.attachments)) {
    d.attachments.forEach((a, i) => {
      if (a && typeof a === 'object' && (a as { path?: unknown }).path !== undefined) out.push({ pointer: `/attachments/${i}/path`, path: (a as { path?: unknown }).path });
    });
  }
  return out;
}

/** The problems of a loaded repository before positions: files, JSON Pointers, rules (load problems not included). */
export function checkRepository(repo: Repository, env: CheckEnv, opts: CheckOptions): Issue[] {
  const cross = opts.crossRecord !== false;
  // Lookups between records go through their cross views (CROSS_FIELDS).
  const views = repo.records.map(crossView);
  const index = new RecordIndex({ ...repo, records: views });
  const ctx: Ctx = { index, today: opts.today, issues: [], env };
  const scope = opts.scope ?? opts.only;

  if (cross) inCrossPhase(ctx, () => checkDuplicateIds(ctx));
  // Per-record checks only push problems on the record itself: skip the records nobody asked about.
  repo.records.forEach((r, i) => {
    if (!scope || scope.has(r.file)) checkRecord(ctx, r, views[i]!, cross);
  });
  if (cross) {
    inCrossPhase(ctx, () => {
      checkConfig(ctx, repo);
      checkCoverage(ctx);
      checkSecretaryLimit(ctx);
      for (const i of workflowIssues(index)) push(ctx, i, i.pointer, i.rule, i.params, i.severity, i.at);
    });
  }
  return ctx.issues;
}

function inCrossPhase(ctx: Ctx, run: () => void): void {
  ctx.cross = true;
  try {
    run();
  } finally {
    ctx.cross = false;
  }
}

function checkConfig(ctx: Ctx, repo: Repository) {
  const id = repo.config.default_programme;
  if (id && !ctx.index.get('programme', id)) {
    push(ctx, { file: CONFIG_FILE }, '/default_programme', 'programme-missing', { id });
  }
}

function checkDuplicateIds(ctx: Ctx) {
  const seen = new Map<string, RecordEntry>();
  for (const r of ctx.index.repo.records) {
    const first = seen.get(r.id);
    if (first) push(ctx, r, '/id', 'duplicate-id', { id: r.id, other: first.file });
    else seen.set(r.id, r);
  }
}

/** A record's fields for the cross-record checks (its facts when loaded from the cache, see records.ts). */
const view = factsOf;

function programmeOf(ctx: Ctx, r: RecordEntry): ProgrammeRecord | undefined {
  if (r.kind === 'programme') return r.data as ProgrammeRecord;
  const id = view(r).programme;
  return ctx.index.get('programme', id)?.data as ProgrammeRecord | undefined;
}

/** A record's own checks, then (`cross`) those of its own that read other records, on its cross view `v`. */
function checkRecord(ctx: Ctx, r: RecordEntry, v: RecordEntry, cross: boolean) {
  const programme = programmeOf(ctx, r);
  // Results computed while loading are reused when they still hold (the store decides).
  const usable = ctx.env.precomputed?.(r, programme);
  const pushLocal = (list: LocalIssue[]) => {
    for (const i of list) ctx.issues.push({ file: r.file, pointer: i.pointer, at: i.at, severity: i.severity, rule: i.rule, params: i.params });
  };
  if (usable) pushLocal(usable.schema);
  else pushLocal(ctx.env.schema(r.kind, r.data));

  const data = view(r);
  if (typeof data.id === 'string' && data.id !== r.id) push(ctx, r, '/id', 'id-filename', { id: data.id, expected: r.id });

  for (const ref of ctx.env.refs(r.kind, data)) {
    const target = ctx.index.any(ref.id);
    if (target && ref.kinds.includes(target.kind)) continue;
    const field = ref.pointer.split('/').filter((s) => !/^\d+$/.test(s)).pop() ?? '';
    const kindNames = (lang: 'zh' | 'en') => ref.kinds.map((k) => kindLabels[k]?.[lang] ?? k).join(lang === 'zh' ? '或' : ' or ');
    if (!target) {
      push(ctx, r, ref.pointer, 'ref-missing', { field, id: ref.id, kind_zh: kindNames('zh'), kind_en: kindNames('en') });
    } else {
      push(ctx, r, ref.pointer, 'ref-wrong-kind', { field, id: ref.id, kind_zh: kindNames('zh'), kind_en: kindNames('en'), actual_zh: kindLabels[target.kind]!.zh, actual_en: target.kind });
    }
  }

  pushLocal(usable ? usable.local : localRuleIssues(r.kind, r.data, programme));
  if (r.kind === 'programme') return checkProgramme(ctx, r, r.data as ProgrammeRecord);
  if (!cross) return;
  inCrossPhase(ctx, () => {
    if (v.kind === 'expert') checkExpertCategories(ctx, v);
    if (v.kind === 'organisation') checkParentChain(ctx, v);
    if (!programme) return;
    if (v.kind === 'evaluation') checkUnitBonus(ctx, v);
    if (v.kind === 'project' || v.kind === 'task' || v.kind === 'brand') checkCarried(ctx, v, programme);
    if (v.kind === 'project') checkProjectLeader(ctx, v, programme);
    if (v.kind === 'task') checkTask(ctx, v);
    if (v.kind === 'report') checkReportPeriod(ctx, v);
    if (v.kind === 'closure') checkClosureDate(ctx, v);
  });
}

/**
 * An organisation that is its own ancestor: the tree the ledger, deadlines and `--org` walk has no root there, and
 * which organisations are "under" it has no answer. Each organisation on the loop is reported, at its `parent`.
 */
function checkParentChain(ctx: Ctx, r: RecordEntry) {
  const on = (ctx.orgLoops ??= orgLoops(ctx.index)).get(r.id);
  if (!on) return;
  // From this organisation round to itself; a long loop is shown by its ends (each of its organisations says it).
  const { loop, at } = on;
  const from = (i: number) => loop[(at + i) % loop.length]!;
  const ids = loop.length <= 12 ? loop.map((_, i) => from(i)) : [...[0, 1, 2, 3, 4].map(from), '…', ...[5, 4, 3, 2, 1].map((i) => from(loop.length - i))];
  push(ctx, r, '/parent', 'org-parent-cycle', { chain: [...ids, r.id].join(' → ') });
}

/** An organisation on a loop of parents: the loop (each organisation followed by its parent) and where it is on it. */
export interface OrgLoop {
  loop: readonly string[];
  at: number;
}

/** Every organisation on a loop of parents. Each organisation is walked once: a chain of any depth costs its length. */
export function orgLoops(index: RecordIndex): Map<string, OrgLoop> {
  const parentOf = (id: string): string | undefined => {
    const o = index.get('organisation', id);
    const p = o ? view(o).parent : undefined;
    return typeof p === 'string' ? p : undefined;
  };
  const loops = new Map<string, OrgLoop>();
  const done = new Set<string>();
  for (const start of index.all('organisation')) {
    const path: string[] = [];
    const onPath = new Map<string, number>();
    for (let id: string | undefined = start.id; id !== undefined && !done.has(id); id = parentOf(id)) {
      const at = onPath.get(id);
      if (at !== undefined) {
        const loop = path.slice(at);
        loop.forEach((o, i) => loops.set(o, { loop, at: i }));
        break;
      }
      onPath.set(id, path.length);
      path.push(id);
    }
    for (const id of path) done.add(id);
  }
  return loops;
}

const QUARTER = /^\d{4}Q[1-4]$/;

/** The project a report or closure is about (a task's project) and its start date, when it has a valid one. */
function projectStart(ctx: Ctx, subjectId: unknown): { project: string; start: string } | undefined {
  if (typeof subjectId !== 'string') return undefined;
  let subject = ctx.index.any(subjectId);
  if (subject?.kind === 'task') subject = ctx.index.get('project', view(subject).project);
  const start = subject?.kind === 'project' ? view(subject).start : undefined;
  return typeof start === 'string' && isIsoDate(start) ? { project: subject!.id, start } : undefined;
}

/** A report of a quarter that ended before its project started (a task's project) reports on nothing that was done. */
function checkReportPeriod(ctx: Ctx, r: RecordEntry) {
  const d = view(r);
  if (typeof d.quarter !== 'string' || !QUARTER.test(d.quarter)) return;
  const at = projectStart(ctx, d.subject);
  const end = quarterEnd(d.quarter);
  if (at && end < at.start) push(ctx, r, '/quarter', 'report-before-start', { quarter: d.quarter, end, ...at });
}

/** Nothing can be closed before it started. */
function checkClosureDate(ctx: Ctx, r: RecordEntry) {
  const d = view(r);
  if (typeof d.submitted_on !== 'string' || !isIsoDate(d.submitted_on)) return;
  const at = projectStart(ctx, d.subject);
  if (at && d.submitted_on < at.start) push(ctx, r, '/submitted_on', 'closure-before-start', { submitted: d.submitted_on, ...at });
}

/**
 * The checks of a record that depend only on its content and its programme (history order, stages, categories,
 * dates, durations, brand names, ratings): cacheable by content + programme, computed in worker threads.
 * Schema checks, references and cross-record rules are not included.
 */
export function localRuleIssues(kind: Kind, data: unknown, programme: ProgrammeRecord | undefined): LocalIssue[] {
  const ctx = { issues: [] as Issue[] } as Ctx;
  const r = { kind, data, file: '', id: '', text: '' } as RecordEntry;
  checkHistory(ctx, r);
  if (kind === 'report') checkReportDate(ctx, r);
  // Paths a record names: well formed and under attachments/ (the disk is checked by attachmentProblems).
  for (const { pointer, path: p } of recordPaths(data)) {
    if (typeof p !== 'string') continue;
    const rule = recordPathProblem(p);
    if (rule) push(ctx, r, pointer, rule, { path: p });
  }
  if (kind !== 'programme' && programme) {
    const d = data as Record<string, any>;
    const track = TRACK_OF_KIND[kind];
    if (track && typeof d.stage === 'string' && !findStage(programme, track, d.stage)) {
      push(ctx, r, '/stage', 'stage-unknown', {
        stage: d.stage, programme: programme.id, stages: trackStages(programme, track).map((s) => s.id).join(', '),
        track_zh: kindLabels[kind]!.zh, track_en: kind,
      });
    }
    if (kind === 'project') checkProject(ctx, r, programme);
    if (kind === 'brand') checkBrand(ctx, r, programme);
    if (kind === 'evaluation') checkEvaluation(ctx, r, programme);
    // A member commitment the programme prints (000 附件3) promises a finish date: without it the form shows a blank.
    if (kind === 'commitment' && d.type === 'member' && d.complete_by === undefined && (programme.forms ?? []).some((f) => f.subject === 'member-commitment')) {
      const form = (programme.forms ?? []).find((f) => f.subject === 'member-commitment')!;
      push(ctx, r, '/member', 'commitment-no-date', { form: [form.annex, form.title].filter(Boolean).join(' ') }, 'warning');
    }
  }
  return ctx.issues.map(({ file: _file, ...rest }) => rest);
}

/**
 * A history tells the truth about itself: dates never go back, an entry's `from` is the stage the entry above left
 * the record in, and the record stands at the stage its last entry names. Every djyc write keeps that; a hand edit
 * that moves `stage` (or rewrites an entry) without the history to match is what these catch on the whole
 * repository — a pull request's base check (basecheck.ts) judges the moves themselves by the programme.
 */
function checkHistory(ctx: Ctx, r: RecordEntry) {
  const d = r.data as { stage?: unknown; history?: unknown };
  if (!Array.isArray(d.history)) return;
  let previous: string | undefined;
  d.history.forEach((h: unknown, i: number) => {
    const e = entryOf(h);
    if (typeof e.date === 'string' && isIsoDate(e.date)) {
      if (previous && e.date < previous) push(ctx, r, `/history/${i}/date`, 'history-order', { date: e.date, previous });
      previous = e.date;
    }
  });
  for (const m of historyMismatches(d.stage, d.history)) {
    if (m.entry === undefined) push(ctx, r, '/stage', 'history-stage', { stage: m.stated, last: m.actual });
    else push(ctx, r, `/history/${m.entry}/from`, 'history-from', { from: m.stated, actual: m.actual });
  }
}

function entryOf(h: unknown): { date?: unknown; stage?: unknown; from?: unknown } {
  return h && typeof h === 'object' ? (h as { date?: unknown; stage?: unknown; from?: unknown }) : {};
}

/**
 * Where a history contradicts itself: an entry whose `from` is not the stage the entries above left the record at
 * (`entry`: its index), and a record whose `stage` is not where its last staged entry left it (`entry` undefined).
 * Entries without a stage (or without `from`) make no claim. basecheck.ts asks so as not to say the same twice.
 */
export function historyMismatches(stage: unknown, history: unknown): { entry?: number; stated: string; actual: string }[] {
  if (!Array.isArray(history)) return [];
  const out: { entry?: number; stated: string; actual: string }[] = [];
  let at: string | undefined;
  history.forEach((h: unknown, i: number) => {
    const e = entryOf(h);
    if (typeof e.from === 'string' && at !== undefined && e.from !== at) out.push({ entry: i, stated: e.from, actual: at });
    if (typeof e.stage === 'string') at = e.stage;
  });
  if (typeof stage === 'string' && at !== undefined && stage !== at) out.push({ stated: stage, actual: at });
  return out;
}

/** A quarter's report tells what was done in it: it cannot have been submitted before the quarter began. */
function checkReportDate(ctx: Ctx, r: RecordEntry) {
  const d = r.data as { quarter?: unknown; submitted_on?: unknown };
  if (typeof d.quarter !== 'string' || !QUARTER.test(d.quarter) || typeof d.submitted_on !== 'string' || !isIsoDate(d.submitted_on)) return;
  const start = quarterStart(d.quarter);
  if (d.submitted_on < start) push(ctx, r, '/submitted_on', 'report-before-quarter', { submitted: d.submitted_on, quarter: d.quarter, start });
}

function dateOrder(ctx: Ctx, r: RecordEntry, earlierKey: string, earlier: unknown, laterKey: string, later: unknown, laterPointer: string) {
  if (typeof earlier === 'string' && typeof later === 'string' && isIsoDate(earlier) && isIsoDate(later) && later < earlier) {
    push(ctx, r, laterPointer, 'date-order', { earlier: earlierKey, earlierValue: earlier, later: laterKey, laterValue: later });
  }
}

function checkProject(ctx: Ctx, r: RecordEntry, programme: ProgrammeRecord) {
  const d = r.data as Record<string, any>;
  const p = { project: programme.project ?? { stages: [] } };
  const cats: unknown = d.categories;
  const allowed = p.project.categories ?? [];
  if (Array.isArray(cats)) {
    if (allowed.length) {
      cats.forEach((c, i) => {
        if (typeof c === 'string' && !allowed.includes(c)) push(ctx, r, `/categories/${i}`, 'category-unknown', { value: c, allowed: allowed.join(' / ') });
      });
    }
    if (p.project.multiple_categories === false && cats.length > 1) push(ctx, r, '/categories/1', 'category-single');
  }
  const sources = p.project.sources ?? [];
  if (typeof d.source === 'string' && sources.length && !sources.includes(d.source)) {
    push(ctx, r, '/source', 'source-unknown', { value: d.source, allowed: sources.join(' / ') });
  }
  dateOrder(ctx, r, 'start', d.start, 'due', d.due, '/due');
  d.schedule?.forEach?.((s: any, i: number) => dateOrder(ctx, r, 'from', s?.from, 'to', s?.to, `/schedule/${i}/to`));
  const duration = p.project.duration;
  // Without a start date the duration counts from approval, else from the programme year's start (programme.ts).
  const from = durationStart(programme, d);
  if (duration && isIsoDate(from.date) && typeof d.due === 'string' && isIsoDate(d.due) && d.due >= from.date) {
    const months = monthsBetween(from.date, d.due);
    const since = from.from === 'start' ? { from_zh: '', from_en: '' } : from.from === 'approval'
      ? { from_zh: `（未写开始日期，自立项之日 ${from.date} 起计）`, from_en: ` (no start date: counted from approval on ${from.date})` }
      : { from_zh: `（未写开始日期，自 ${from.date} 起计）`, from_en: ` (no start date: counted from ${from.date})` };
    if (duration.max_months && months > duration.max_months) push(ctx, r, '/due', 'duration-max', { months, limit: duration.max_months, ...since });
    else if (duration.warn_months && months > duration.warn_months) push(ctx, r, '/due', 'duration-warn', { months, limit: duration.warn_months, ...since }, 'warning');
  }
}

/** 书记项目, 001's 由党支部书记任项目负责人: the leader is the lead organisation's secretary (a cross-record check). */
function checkProjectLeader(ctx: Ctx, r: RecordEntry, programme: ProgrammeRecord) {
  const d = view(r);
  if (programme.project?.leader_is_secretary && typeof d.lead === 'string' && typeof d.leader === 'string') {
    const secretary = secretaryOf(ctx.index, d.lead);
    if (secretary && secretary !== d.leader) {
      const m = ctx.index.get('member', secretary);
      push(ctx, r, '/leader', 'leader-not-secretary', { secretary: m ? (view(m).name ?? secretary) : secretary }, 'warning');
    }
  }
}

/**
 * An organisation's secretary: its `secretary`, else its one active member whose party title is 书记 (党支部书记,
 * 党总支书记; not 副书记). Undefined when the records do not say.
 */
function secretaryOf(index: RecordIndex, orgId: string): string | undefined {
  const org = index.get('organisation', orgId);
  if (!org) return undefined;
  if (typeof view(org).secretary === 'string') return view(org).secretary;
  const titled = index.where('member', 'organisation', orgId).filter((m) => {
    const d = view(m);
    return d.active !== false && typeof d.party_title === 'string' && d.party_title.endsWith('书记') && !d.party_title.includes('副书记');
  });
  return titled.length === 1 ? titled[0]!.id : undefined;
}

/**
 * An expert's categories are project categories of a programme, or general categories a programme declares
 * (`evaluation.general_categories`): a category matching nothing would keep the expert off every panel unseen.
 */
function checkExpertCategories(ctx: Ctx, r: RecordEntry) {
  if (!ctx.categories) {
    ctx.categories = new Set<string>();
    for (const prog of ctx.index.all('programme')) {
      for (const c of [...(prog.data.project?.categories ?? []), ...(prog.data.evaluation?.general_categories ?? [])]) if (typeof c === 'string') ctx.categories.add(c);
    }
  }
  if (!ctx.categories.size) return;
  const cats: unknown = view(r).categories;
  if (!Array.isArray(cats)) return;
  cats.forEach((c, i) => {
    if (typeof c === 'string' && !ctx.categories!.has(c)) push(ctx, r, `/categories/${i}`, 'expert-category-unknown', { value: c, allowed: [...ctx.categories!].join(' / ') });
  });
}

/** 002: bonus per unit goes to the project's lead unit and co-organisers only. */
function checkUnitBonus(ctx: Ctx, r: RecordEntry) {
  const d = view(r);
  if (!Array.isArray(d.bonus_by_unit)) return;
  const project = ctx.index.get('project', d.subject);
  if (!project) return;
  const pd = view(project);
  const units = new Set([pd.lead, ...(pd.co_organisers ?? []).map((c: { organisation?: string }) => c?.organisation)].filter(Boolean));
  d.bonus_by_unit.forEach((u: { organisation?: unknown }, i: number) => {
    if (typeof u?.organisation === 'string' && !units.has(u.organisation)) push(ctx, r, `/bonus_by_unit/${i}/organisation`, 'bonus-unit-not-in-project', { org: u.organisation, project: project.id });
  });
}

/** A record carried into another round points to a record of a later programme (djyc carry-over). */
function checkCarried(ctx: Ctx, r: RecordEntry, p: ProgrammeRecord) {
  const to = view(r).carried_to;
  if (typeof to !== 'string') return;
  const other = ctx.index.any(to);
  const op = other ? ctx.index.get('programme', factsOf(other).programme)?.data : undefined;
  if (op && op.year <= p.year) push(ctx, r, '/carried_to', 'carried-programme-order', { other: to, programme: op.id, year: op.year });
}

function checkTask(ctx: Ctx, r: RecordEntry) {
  const d = view(r);
  const project = ctx.index.get('project', d.project);
  if (project && view(project).programme !== d.programme) {
    push(ctx, r, '/programme', 'task-project-programme', { project: project.id, other: view(project).programme });
  }
}

function checkBrand(ctx: Ctx, r: RecordEntry, p: ProgrammeRecord) {
  const d = r.data as Record<string, any>;
  const rule = p.brand?.name_max_chars;
  if (rule && typeof d.name === 'string') {
    const length = [...d.name.normalize('NFC')].length;
    if (length > rule.max) push(ctx, r, '/name', 'brand-name-length', { name: d.name, length, max: rule.max }, rule.severity ?? 'warning');
  }
}

function checkEvaluation(ctx: Ctx, r: RecordEntry, p: ProgrammeRecord) {
  const d = r.data as Record<string, any>;
  const bonus = p.evaluation?.bonus;
  if (bonus && typeof d.bonus_points === 'number' && d.bonus_points > bonus.max) {
    push(ctx, r, '/bonus_points', 'bonus-max', { value: d.bonus_points, max: bonus.max });
  }
  if (bonus && Array.isArray(d.bonus_by_unit)) {
    d.bonus_by_unit.forEach((u: { points?: unknown }, i: number) => {
      if (typeof u?.points === 'number' && u.points > bonus.max) push(ctx, r, `/bonus_by_unit/${i}/points`, 'bonus-max', { value: u.points, max: bonus.max });
    });
  }
  const stars = p.evaluation?.stars;
  if (stars && d.stars && typeof d.stars === 'object') {
    const min = stars.min ?? 1;
    const max = stars.max ?? 5;
    const check = (v: unknown, pointer: string) => {
      if (typeof v === 'number' && (v < min || v > max || !Number.isInteger(v))) push(ctx, r, pointer, 'stars-range', { value: v, min, max });
    };
    check(d.stars.overall, '/stars/overall');
    for (const [k, v] of Object.entries((d.stars.criteria ?? {}) as Record<string, unknown>)) {
      if (stars.criteria?.length && !stars.criteria.includes(k)) push(ctx, r, `/stars/criteria/${esc(k)}`, 'stars-criterion', { criterion: k, allowed: stars.criteria.join(' / ') }, 'error', 'key');
      check(v, `/stars/criteria/${esc(k)}`);
    }
  }
  const poll = d.poll;
  if (poll && typeof poll.participants === 'number' && poll.votes && typeof poll.votes === 'object') {
    const sum = Object.values(poll.votes as Record<string, unknown>).reduce<number>((a, v) => a + (typeof v === 'number' ? v : 0), 0);
    if (sum !== poll.participants) push(ctx, r, '/poll/participants', 'votes-sum', { sum, participants: poll.participants });
  }
}

function checkProgramme(ctx: Ctx, r: RecordEntry, p: ProgrammeRecord) {
  const windows = new Set((p.calendar ?? []).map((w) => w.id));
  const dupes = (ids: (string | undefined)[], pointer: string, where: string) => {
    const seen = new Set<string>();
    ids.forEach((id, i) => {
      if (!id) return;
      if (seen.has(id)) push(ctx, r, `${pointer}/${i}`, 'programme-duplicate', { id, where });
      seen.add(id);
    });
  };
  dupes((p.calendar ?? []).map((w) => w.id), '/calendar', 'calendar');
  (p.calendar ?? []).forEach((w, i) => {
    if (!w || typeof w.start !== 'string' || typeof w.end !== 'string' || typeof p.year !== 'number') return;
    const { start, end } = windowDates(p, w);
    if (end < start) push(ctx, r, `/calendar/${i}/end`, 'programme-window-order', { window: w.id });
  });
  const checkWindow = (id: unknown, pointer: string) => {
    if (typeof id === 'string' && !windows.has(id)) push(ctx, r, pointer, 'programme-window', { window: id });
  };
  for (const track of ['project', 'task', 'brand'] as Track[]) {
    const stages = p[track]?.stages;
    if (!Array.isArray(stages)) continue;
    const ids = new Set(stages.map((s) => s?.id));
    dupes(stages.map((s) => s?.id), `/${track}/stages`, `${track}.stages`);
    stages.forEach((s, i) => {
      s?.next?.forEach?.((n, j) => {
        if (!ids.has(n)) push(ctx, r, `/${track}/stages/${i}/next/${j}`, 'programme-stage-next', { stage: s.id, next: n });
      });
      checkWindow(s?.window, `/${track}/stages/${i}/window`);
    });
  }
  checkWindow(p.project?.per_organisation?.window, '/project/per_organisation/window');
  checkWindow(p.task?.every_member?.window, '/task/every_member/window');
  checkWindow(p.brand?.per_organisation?.window, '/brand/per_organisation/window');
  (p.selections ?? []).forEach((s, i) => checkWindow(s?.window, `/selections/${i}/window`));
  (p.packs ?? []).forEach((s, i) => checkWindow(s?.window, `/packs/${i}/window`));
  dupes((p.forms ?? []).map((f) => f.id), '/forms', 'forms');
  (p.forms ?? []).forEach((f, i) => {
    if (f && typeof f.template === 'string' && !ctx.env.templateExists(f.template)) {
      push(ctx, r, `/forms/${i}/template`, 'programme-form-template', { template: f.template });
    }
  });
}

/**
 * Whether the checks between records judge two days alike: the day only decides whether a coverage rule's window has
 * closed (windowSeverity), so two days on the same side of every such window give the same results.
 */
export function sameCheckDay(programmes: readonly ProgrammeRecord[], a: string, b: string): boolean {
  if (a === b) return true;
  for (const p of programmes) {
    for (const rule of [p.task?.every_member, p.project?.per_organisation, p.brand?.per_organisation]) {
      if (rule?.window && windowClosed(p, rule.window, a) !== windowClosed(p, rule.window, b)) return false;
    }
  }
  return true;
}

/** Severity of a rule that tightens when its window closes: a warning while the window is open, then its own severity. */
function windowSeverity(p: ProgrammeRecord, rule: { severity?: Severity; window?: string }, today: string): Severity {
  const final = rule.severity ?? 'error';
  if (!rule.window) return final;
  return windowClosed(p, rule.window, today) ? final : 'warning';
}

function orgName(index: RecordIndex, id: string): string {
  const o = index.get('organisation', id);
  return o ? (view(o).short_name ?? view(o).name ?? id) : id;
}

/**
 * Coverage rules: every member holds a task; every organisation leads (or joins) enough projects; brands per
 * organisation — counted by domain/participation.ts, the definition deadlines, the ledger, status and publish use.
 */
function checkCoverage(ctx: Ctx) {
  const { index } = ctx;
  for (const prog of index.all('programme')) {
    const p = prog.data;
    const every = p.task?.every_member;
    if (every) {
      const severity = windowSeverity(p, every, ctx.today);
      for (const { member, org, orgHasProject } of membersWithoutTask(index, p)) {
        const rule: MessageKey = orgHasProject ? 'member-no-task' : 'member-no-task-org';
        push(ctx, member, '/organisation', rule, { member: view(member).name ?? member.id, org: orgName(index, org) }, severity);
      }
    }

    const perOrg = p.project?.per_organisation;
    if (perOrg) {
      const severity = windowSeverity(p, perOrg, ctx.today);
      for (const { org, count, min } of organisationsShortOfProjects(index, p)) {
        const od = view(org);
        push(ctx, org, '/id', 'org-min-projects', {
          org: od.short_name ?? od.name ?? org.id, count, min,
          mode_zh: perOrg.counts === 'lead-or-co-organiser' ? '或参与联办' : '', mode_en: perOrg.counts === 'lead-or-co-organiser' ? ' or joins' : '',
        }, severity);
      }
    }

    const brandRule = p.brand?.per_organisation;
    if (brandRule) {
      const severity = windowSeverity(p, brandRule, ctx.today);
      for (const { org, count, tooMany } of organisationsOutsideBrandRange(index, p)) {
        const od = view(org);
        const range = (lang: 'zh' | 'en') => [brandRule.min !== undefined ? (lang === 'zh' ? `至少 ${brandRule.min} 个` : `at least ${brandRule.min}`) : '', brandRule.max !== undefined ? (lang === 'zh' ? `至多 ${brandRule.max} 个` : `at most ${brandRule.max}`) : ''].filter(Boolean).join(lang === 'zh' ? '，' : ', ');
        push(ctx, org, '/id', 'brand-per-org', { org: od.short_name ?? od.name ?? org.id, count, range_zh: range('zh'), range_en: range('en') }, tooMany ? (brandRule.severity ?? 'error') : severity);
      }
    }
  }
}

/** 书记项目: one project per secretary per year. */
function checkSecretaryLimit(ctx: Ctx) {
  for (const prog of ctx.index.all('programme')) {
    const rule = prog.data.project?.per_secretary_per_year;
    if (!rule) continue;
    const groups = new Map<string, RecordEntry<'project'>[]>();
    for (const pr of ctx.index.all('project')) {
      const d = view(pr);
      if (d.programme !== prog.id || !d.leader || isDropped(prog.data, d)) continue;
      const year = String(d.start ?? d.approval?.date ?? `${prog.data.year}`).slice(0, 4);
      const key = `${d.leader}|${year}`;
      let list = groups.get(key);
      if (!list) groups.set(key, (list = []));
      list.push(pr);
    }
    for (const [key, list] of groups) {
      if (list.length <= rule.max) continue;
      const [member, year] = key.split('|') as [string, string];
      const m = ctx.index.get('member', member);
      const name = (m ? view(m).name : undefined) ?? member;
      // Every project of the group is flagged: which one is "extra" is for people to decide, and a new one is never let through.
      const projects = idList(list.map((x) => x.id));
      for (const pr of list) {
        push(ctx, pr, '/leader', 'secretary-limit', { member: name, year, count: list.length, max: rule.max, projects }, rule.severity ?? 'error');
      }
    }
  }
}
