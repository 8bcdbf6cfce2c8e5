/**
 * Which forms to print: the forms a programme defines, the records each applies to (and, for split forms, the
 * member or unit each copy is for), titles and file names. Pure: records and programme in, targets out. Nothing
 * here branches on a programme id: forms, subjects, stages and titles come from the programme file; the per-member
 * / per-unit split comes from the form's layout (`per`).
 */
import type { Kind } from '../../domain/kinds.js';
import { findStage, stageIndex, TRACK_OF_KIND, type Track } from '../../domain/programme.js';
import type { BrandRecord, ClosureRecord, CommitmentRecord, EvaluationRecord, ProgrammeRecord, ProjectRecord, ReportRecord, TaskRecord } from '../../domain/types.generated.js';
import { type RecordEntry, type RecordIndex, orgSubtree, summary } from '../../domain/records.js';
import { layoutMeta } from './layout.js';

export type FormDef = NonNullable<ProgrammeRecord['forms']>[number];
export type PackDef = NonNullable<ProgrammeRecord['packs']>[number];
export type Subject = FormDef['subject'];

/** What a form's layout declares about splitting it (see output/forms/layout.ts). */
export interface TemplateMeta {
  per?: 'member' | 'unit';
}

/** One form to print: a form definition applied to one record (and, for split forms, one member or unit). */
export interface FormTarget {
  form: FormDef;
  record: RecordEntry;
  /** Per-member form: the member it is for. */
  member?: string;
  /** Per-unit form: the unit (organisation) it is for. */
  unit?: string;
  /** Unique within a programme's forms: `<record>` or `<record>-<member|unit>`, plus the form id in file names. */
  key: string;
}

/**
 * The brand archive (品牌创建档案, 004 “设立品牌创建档案，全面记载创建情况”): the presets list it; a programme file made
 * before it existed still gets it on `djyc render <brand> --form archive` when the programme has brands.
 */
export const ARCHIVE_FORM: FormDef = { id: 'archive', title: '党建品牌创建档案', template: 'brand-archive', subject: 'brand' };

/** The programme's forms, plus the brand archive when asked for by name and the programme file predates it. */
export function withArchiveForm(programme: ProgrammeRecord, asked: string | undefined): ProgrammeRecord {
  const forms = programme.forms ?? [];
  if ((asked !== ARCHIVE_FORM.id && asked !== ARCHIVE_FORM.template) || forms.some((f) => f.id === asked || f.template === asked)) return programme;
  if (!programme.brand?.stages?.length || programme.brand.enabled === false) return programme;
  return { ...programme, forms: [...forms, ARCHIVE_FORM] };
}

// ---- titles and names -------------------------------------------------------------------------------------

/** The printed title of a form: the programme's region in front when the form asks for it. */
export function formTitle(programme: ProgrammeRecord, form: FormDef): string {
  return form.regional && programme.region ? `${programme.region}${form.title}` : form.title;
}

/** A record's human label for lists and bookmarks. */
export function recordLabel(index: RecordIndex, r: RecordEntry): string {
  const d = summary(r) as unknown as Record<string, unknown>;
  switch (r.kind) {
    case 'project':
      return (d.title as string) ?? r.id;
    case 'task':
      return (d.content as string) ?? r.id;
    case 'brand':
    case 'organisation':
    case 'member':
    case 'programme':
      return (d.name as string) ?? r.id;
    case 'commitment': {
      const c = summary(r) as CommitmentRecord;
      const who = c.type === 'member' ? summary(index.get('member', c.member))?.name : summary(index.get('organisation', c.organisation))?.name;
      return who ?? r.id;
    }
    case 'report': {
      const rep = summary(r) as ReportRecord;
      const s = index.any(rep.subject);
      return `${s ? recordLabel(index, s) : rep.subject} ${quarterLabel(rep.quarter)}`;
    }
    case 'closure':
    case 'evaluation': {
      const s = index.any((summary(r) as ClosureRecord | EvaluationRecord).subject);
      return s && s.kind !== r.kind ? recordLabel(index, s) : r.id;
    }
    default:
      return r.id;
  }
}

/** 2020Q3 → 2020年第三季度 */
export function quarterLabel(q: string | undefined): string {
  const m = /^(\d{4})Q([1-4])$/.exec(q ?? '');
  if (!m) return q ?? '';
  return `${m[1]}年第${['一', '二', '三', '四'][Number(m[2]) - 1]}季度`;
}

/** A file name for a form's PDF: `<record key>_<annex>_<title>` with only safe characters. */
export function fileBase(programme: ProgrammeRecord, t: FormTarget): string {
  const parts = [t.key, t.form.annex ?? '', formTitle(programme, t.form)].filter(Boolean);
  return parts
    .join('_')
    .normalize('NFC')
    .replace(/[^\p{L}\p{N}_+-]+/gu, '')
    .slice(0, 120);
}

// ---- which records a form applies to ---------------------------------------------------------------------

const SUBJECT_KIND: Record<Subject, Kind> = {
  project: 'project',
  task: 'task',
  organisation: 'organisation',
  brand: 'brand',
  'org-commitment': 'commitment',
  'member-commitment': 'commitment',
  'project-report': 'report',
  'task-report': 'report',
  'project-closure': 'closure',
  'task-closure': 'closure',
  programme: 'programme',
};

function inProgramme(r: RecordEntry, programme: ProgrammeRecord): boolean {
  if (r.kind === 'programme') return r.id === programme.id;
  const p = (summary(r) as { programme?: string }).programme;
  return p === undefined ? true : p === programme.id;
}

/** Whether a record is of the form's subject (kind and, for commitments, reports and closures, their sort). */
export function matchesSubject(index: RecordIndex, form: FormDef, r: RecordEntry): boolean {
  if (SUBJECT_KIND[form.subject] !== r.kind) return false;
  switch (form.subject) {
    case 'org-commitment':
      return (summary(r) as CommitmentRecord).type === 'organisation';
    case 'member-commitment':
      return (summary(r) as CommitmentRecord).type === 'member';
    case 'project-report':
    case 'project-closure':
      return index.any((summary(r) as ReportRecord | ClosureRecord).subject)?.kind === 'project';
    case 'task-report':
    case 'task-closure':
      return index.any((summary(r) as ReportRecord | ClosureRecord).subject)?.kind === 'task';
    default:
      return true;
  }
}

/** Every record of the programme a form applies to, in a stable order (project number, then file order). */
export function recordsForForm(index: RecordIndex, programme: ProgrammeRecord, form: FormDef): RecordEntry[] {
  const kind = SUBJECT_KIND[form.subject];
  const list = index.all(kind).filter((r) => inProgramme(r, programme) && matchesSubject(index, form, r));
  return sortRecords(index, list);
}

function sortKey(index: RecordIndex, r: RecordEntry): string {
  const d = summary(r) as unknown as Record<string, unknown>;
  // The issuing office's own 序号 (kept by import as `sequence`) first, then the project number, then the file.
  if (r.kind === 'project') return `${typeof d.sequence === 'number' ? `0${String(d.sequence).padStart(6, '0')}` : '1'}|${(d.number as string) ?? '~'}|${r.file}`;
  if (r.kind === 'task') {
    const p = index.get('project', d.project as string);
    return `${p ? sortKey(index, p) : '~'}|${r.file}`;
  }
  if (r.kind === 'report') return `${d.quarter as string}|${r.file}`;
  return r.file;
}

export function sortRecords<T extends RecordEntry>(index: RecordIndex, list: T[]): T[] {
  // Keys computed once each, not twice per comparison (a batch sorts tens of thousands of reports).
  const keyed = list.map((r) => ({ r, k: sortKey(index, r) }));
  keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
  return keyed.map((x) => x.r);
}

/**
 * Whether a record has reached the stage at which a form is submitted: the stage is its current one or in its
 * history, or it is further along the track (and not in a final stage it reached some other way). Forms with
 * no stage, and records without a track (commitments, reports, the programme), always qualify.
 */
export function formReached(programme: ProgrammeRecord, form: FormDef, r: RecordEntry): boolean {
  if (!form.stage) return true;
  const track = TRACK_OF_KIND[r.kind] as Track | undefined;
  if (!track) return true;
  const d = summary(r) as { stage?: string; history?: { stage: string }[] };
  if (!findStage(programme, track, form.stage)) return true;
  if (d.stage === form.stage || d.history?.some((h) => h.stage === form.stage)) return true;
  if (d.history?.length) return false;
  const current = findStage(programme, track, d.stage);
  return !!current && !current.final && stageIndex(programme, track, d.stage) > stageIndex(programme, track, form.stage);
}

/** The subject record behind a closure or evaluation id; any other record stands for itself. */
export function formSubjectOf(index: RecordIndex, r: RecordEntry): RecordEntry {
  if (r.kind === 'closure' || r.kind === 'evaluation') {
    const s = index.any((summary(r) as ClosureRecord | EvaluationRecord).subject);
    if (s) return s;
  }
  return r;
}

/** The forms a record can be printed on, split per member or unit when the template says so. */
export function targetsFor(index: RecordIndex, form: FormDef, r: RecordEntry, meta: TemplateMeta = {}): FormTarget[] {
  if (meta.per === 'member' && r.kind === 'task') {
    const members = (summary(r) as TaskRecord).members ?? [];
    if (members.length > 1) return members.map((m) => ({ form, record: r, member: m, key: `${r.id}-${m}` }));
    return [{ form, record: r, member: members[0], key: r.id }];
  }
  if (meta.per === 'unit' && r.kind === 'project') {
    const p = summary(r) as ProjectRecord;
    const units = [p.lead ?? p.proposed_by, ...(p.co_organisers ?? []).map((c) => c.organisation)].filter((u): u is string => !!u);
    const unique = [...new Set(units)];
    if (unique.length > 1) return unique.map((u, i) => ({ form, record: r, unit: u, key: i === 0 ? r.id : `${r.id}-${u}` }));
    return [{ form, record: r, unit: unique[0], key: r.id }];
  }
  return [{ form, record: r, key: r.id }];
}

/** The organisations a form target belongs to (whose submission it is part of). */
export function ownersOf(index: RecordIndex, t: FormTarget): string[] {
  if (t.unit) return [t.unit];
  if (t.member) {
    const m = index.get('member', t.member);
    return m ? [summary(m).organisation] : [];
  }
  return recordOwners(index, t.record);
}

function recordOwners(index: RecordIndex, r: RecordEntry, depth = 0): string[] {
  if (depth > 3) return [];
  switch (r.kind) {
    case 'project': {
      const p = summary(r) as ProjectRecord;
      const o = p.lead ?? p.proposed_by;
      return o ? [o] : [];
    }
    case 'task': {
      const t = summary(r) as TaskRecord;
      const out = new Set<string>();
      const p = index.get('project', t.project);
      if (p) recordOwners(index, p, depth + 1).forEach((o) => out.add(o));
      for (const m of t.members ?? []) {
        const org = index.get('member', m)?.data.organisation;
        if (org) out.add(org);
      }
      return [...out];
    }
    case 'commitment':
      return [(summary(r) as CommitmentRecord).organisation];
    case 'brand':
      return [(summary(r) as BrandRecord).organisation];
    case 'organisation':
      return [r.id];
    case 'report':
    case 'closure':
    case 'evaluation': {
      const s = index.any((summary(r) as { subject: string }).subject);
      return s ? recordOwners(index, s, depth + 1) : [];
    }
    default:
      return [];
  }
}

/** The current stage a target's record is in (for `--stage`): its own, or its subject's. */
export function targetStage(index: RecordIndex, t: FormTarget): string | undefined {
  const r = t.record;
  const own = (summary(r) as { stage?: string }).stage;
  if (own) return own;
  if (r.kind === 'report') return (index.any((summary(r) as ReportRecord).subject)?.data as { stage?: string } | undefined)?.stage;
  if (r.kind === 'commitment') {
    for (const it of (summary(r) as CommitmentRecord).items ?? []) {
      const s = (index.any(it.project ?? it.task)?.data as { stage?: string } | undefined)?.stage;
      if (s) return s;
    }
  }
  return undefined;
}

export interface Selection {
  /** Only these form ids. */
  forms?: string[];
  /** Only records belonging to this organisation or its descendants. */
  org?: string;
  /** Only records currently in this stage. */
  stage?: string;
  /** Only this record (or, for a closure/evaluation, its subject). */
  record?: string;
  /** Forms a record has not reached yet are printed too (default: only when forms are named). */
  includeUnreached?: boolean;
}

/**
 * The forms to print for a selection, in programme form order then record order. Without named forms, a
 * record gets only the forms of stages it has reached; programme-wide forms (subject: programme) come only
 * when no organisation is named.
 */
export function selectTargets(index: RecordIndex, programme: ProgrammeRecord, sel: Selection, metaOf: (template: string) => TemplateMeta = layoutMeta): FormTarget[] {
  const forms = (programme.forms ?? []).filter((f) => !sel.forms || sel.forms.includes(f.id));
  const unreached = sel.includeUnreached ?? !!sel.forms;
  const subtree = sel.org ? orgSubtree(index, sel.org) : undefined;
  const only = sel.record ? index.any(sel.record) : undefined;
  const subject = only ? formSubjectOf(index, only) : undefined;
  const out: FormTarget[] = [];
  for (const form of forms) {
    if (subtree && form.subject === 'programme') continue;
    let records = recordsForForm(index, programme, form);
    if (subject) records = records.filter((r) => r.id === subject.id);
    if (!unreached) records = records.filter((r) => formReached(programme, form, r));
    for (const r of records) {
      for (const t of targetsFor(index, form, r, metaOf(form.template))) {
        if (subtree && !ownersOf(index, t).some((o) => subtree.has(o))) continue;
        if (sel.stage && targetStage(index, t) !== sel.stage) continue;
        out.push(t);
      }
    }
  }
  return out;
}
