/**
 * The official forms as data: which forms a programme defines, which records each applies to, and the view
 * model a template renders (labels live in the templates; values, ticks and names come from the records).
 *
 * Pure: no terminal, no browser, no writes. The only outside input is `readAsset` (the brand logo), which the
 * caller passes in. Nothing here branches on a programme id: forms, subjects, stages and titles come from the
 * programme file; the per-member / per-unit split comes from the template's meta comment.
 */
import path from 'node:path';
import { chineseDate, quarterEnd, quarterStart } from '../../domain/dates.js';
import type { Kind } from '../../domain/kinds.js';
import { maskPhone, phoneOf, redactPhones } from '../../domain/privacy.js';
import { findStage, stageIndex, TRACK_OF_KIND, type Track } from '../../domain/programme.js';
import type {
  BrandRecord,
  ClosureRecord,
  CommitmentRecord,
  EvaluationRecord,
  MemberRecord,
  ProgrammeRecord,
  ProjectRecord,
  ReportRecord,
  TaskRecord,
} from '../../domain/types.generated.js';
import { type RecordEntry, type RecordIndex, orgSubtree } from '../../domain/records.js';

export type FormDef = NonNullable<ProgrammeRecord['forms']>[number];
export type PackDef = NonNullable<ProgrammeRecord['packs']>[number];
export type Subject = FormDef['subject'];

/** What a template declares about itself in its meta comment (see templates.ts). */
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

export const FOUR_LEVELS = ['好', '较好', '一般', '较差'] as const;

// ---- titles and names -------------------------------------------------------------------------------------

/** The printed title of a form: the programme's region in front when the form asks for it. */
export function formTitle(programme: ProgrammeRecord, form: FormDef): string {
  return form.regional && programme.region ? `${programme.region}${form.title}` : form.title;
}

/** A record's human label for lists and bookmarks. */
export function recordLabel(index: RecordIndex, r: RecordEntry): string {
  const d = r.data as unknown as Record<string, unknown>;
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
      const c = r.data as CommitmentRecord;
      const who = c.type === 'member' ? index.get('member', c.member)?.data.name : index.get('organisation', c.organisation)?.data.name;
      return who ?? r.id;
    }
    case 'report': {
      const rep = r.data as ReportRecord;
      const s = index.any(rep.subject);
      return `${s ? recordLabel(index, s) : rep.subject} ${quarterLabel(rep.quarter)}`;
    }
    case 'closure':
    case 'evaluation': {
      const s = index.any((r.data as ClosureRecord | EvaluationRecord).subject);
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
  const p = (r.data as { programme?: string }).programme;
  return p === undefined ? true : p === programme.id;
}

/** Whether a record is of the form's subject (kind and, for commitments, reports and closures, their sort). */
export function matchesSubject(index: RecordIndex, form: FormDef, r: RecordEntry): boolean {
  if (SUBJECT_KIND[form.subject] !== r.kind) return false;
  switch (form.subject) {
    case 'org-commitment':
      return (r.data as CommitmentRecord).type === 'organisation';
    case 'member-commitment':
      return (r.data as CommitmentRecord).type === 'member';
    case 'project-report':
    case 'project-closure':
      return index.any((r.data as ReportRecord | ClosureRecord).subject)?.kind === 'project';
    case 'task-report':
    case 'task-closure':
      return index.any((r.data as ReportRecord | ClosureRecord).subject)?.kind === 'task';
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
  const d = r.data as unknown as Record<string, unknown>;
  if (r.kind === 'project') return `${(d.number as string) ?? '~'}|${r.file}`;
  if (r.kind === 'task') {
    const p = index.get('project', d.project as string);
    return `${p ? sortKey(index, p) : '~'}|${r.file}`;
  }
  if (r.kind === 'report') return `${d.quarter as string}|${r.file}`;
  return r.file;
}

function sortRecords<T extends RecordEntry>(index: RecordIndex, list: T[]): T[] {
  return [...list].sort((a, b) => (sortKey(index, a) < sortKey(index, b) ? -1 : sortKey(index, a) > sortKey(index, b) ? 1 : 0));
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
  const d = r.data as { stage?: string; history?: { stage: string }[] };
  if (!findStage(programme, track, form.stage)) return true;
  if (d.stage === form.stage || d.history?.some((h) => h.stage === form.stage)) return true;
  if (d.history?.length) return false;
  const current = findStage(programme, track, d.stage);
  return !!current && !current.final && stageIndex(programme, track, d.stage) > stageIndex(programme, track, form.stage);
}

/** The subject record behind a closure or evaluation id; any other record stands for itself. */
export function formSubjectOf(index: RecordIndex, r: RecordEntry): RecordEntry {
  if (r.kind === 'closure' || r.kind === 'evaluation') {
    const s = index.any((r.data as ClosureRecord | EvaluationRecord).subject);
    if (s) return s;
  }
  return r;
}

/** The forms a record can be printed on, split per member or unit when the template says so. */
export function targetsFor(index: RecordIndex, form: FormDef, r: RecordEntry, meta: TemplateMeta = {}): FormTarget[] {
  if (meta.per === 'member' && r.kind === 'task') {
    const members = (r.data as TaskRecord).members ?? [];
    if (members.length > 1) return members.map((m) => ({ form, record: r, member: m, key: `${r.id}-${m}` }));
    return [{ form, record: r, member: members[0], key: r.id }];
  }
  if (meta.per === 'unit' && r.kind === 'project') {
    const p = r.data as ProjectRecord;
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
    return m ? [m.data.organisation] : [];
  }
  return recordOwners(index, t.record);
}

function recordOwners(index: RecordIndex, r: RecordEntry, depth = 0): string[] {
  if (depth > 3) return [];
  switch (r.kind) {
    case 'project': {
      const p = r.data as ProjectRecord;
      const o = p.lead ?? p.proposed_by;
      return o ? [o] : [];
    }
    case 'task': {
      const t = r.data as TaskRecord;
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
      return [(r.data as CommitmentRecord).organisation];
    case 'brand':
      return [(r.data as BrandRecord).organisation];
    case 'organisation':
      return [r.id];
    case 'report':
    case 'closure':
    case 'evaluation': {
      const s = index.any((r.data as { subject: string }).subject);
      return s ? recordOwners(index, s, depth + 1) : [];
    }
    default:
      return [];
  }
}

/** The current stage a target's record is in (for `--stage`): its own, or its subject's. */
export function targetStage(index: RecordIndex, t: FormTarget): string | undefined {
  const r = t.record;
  const own = (r.data as { stage?: string }).stage;
  if (own) return own;
  if (r.kind === 'report') return (index.any((r.data as ReportRecord).subject)?.data as { stage?: string } | undefined)?.stage;
  if (r.kind === 'commitment') {
    for (const it of (r.data as CommitmentRecord).items ?? []) {
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
export function selectTargets(index: RecordIndex, programme: ProgrammeRecord, sel: Selection, metaOf: (template: string) => TemplateMeta): FormTarget[] {
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

// ---- view model ------------------------------------------------------------------------------------------

export interface ViewContext {
  index: RecordIndex;
  programme: ProgrammeRecord;
  /** Phone numbers from the off-repository roster (win over the records'). */
  roster?: Map<string, string>;
  /** Public output: phone numbers masked, phone numbers inside free text masked too. */
  public?: boolean;
  /** Reads a repository-relative file (the brand logo); undefined when missing or not allowed. */
  readAsset?: (relPath: string) => Buffer | undefined;
  today?: string;
}

export interface PersonView {
  id: string;
  name: string;
  admin_title: string;
  party_title: string;
  /** 行政职务, else 党内职务. */
  title: string;
  phone: string;
  organisation: string;
}

export interface OrgView {
  id: string;
  name: string;
  short_name: string;
  unit: string;
  type: string;
  secretary?: PersonView;
  contact?: PersonView;
  parent?: string;
}

export interface Choice {
  label: string;
  on: boolean;
}

function choiceList(options: readonly string[] | undefined, selected: string | string[] | undefined): Choice[] {
  const chosen = new Set(Array.isArray(selected) ? selected : selected ? [selected] : []);
  const list = [...(options ?? [])];
  // A recorded value outside the programme's list still shows, ticked.
  for (const c of chosen) if (!list.includes(c)) list.push(c);
  return list.map((label) => ({ label, on: chosen.has(label) }));
}

export function fourLevels(value: string | undefined): Choice[] {
  return choiceList(FOUR_LEVELS, value);
}

class ViewBuilder {
  constructor(private readonly ctx: ViewContext) {}

  private get index(): RecordIndex {
    return this.ctx.index;
  }

  /** Free text for the form: in public outputs, phone numbers inside it are masked. */
  t(v: string | undefined): string {
    if (v === undefined || v === null) return '';
    return this.ctx.public ? redactPhones(String(v)) : String(v);
  }

  person(id: string | undefined): PersonView | undefined {
    if (!id) return undefined;
    const m = this.index.get('member', id);
    if (!m) return { id, name: '', admin_title: '', party_title: '', title: '', phone: '', organisation: '' };
    const d: MemberRecord = m.data;
    const raw = phoneOf(d, this.ctx.roster) ?? '';
    return {
      id,
      name: d.name,
      admin_title: d.admin_title ?? '',
      party_title: d.party_title ?? '',
      title: d.admin_title ?? d.party_title ?? '',
      phone: this.ctx.public ? maskPhone(raw) : raw,
      organisation: d.organisation,
    };
  }

  org(id: string | undefined): OrgView | undefined {
    if (!id) return undefined;
    const o = this.index.get('organisation', id);
    if (!o) return { id, name: '', short_name: '', unit: '', type: '' };
    const d = o.data;
    return {
      id,
      name: d.name,
      short_name: d.short_name ?? d.name,
      unit: d.unit ?? '',
      type: d.type,
      secretary: this.person(d.secretary),
      contact: this.person(d.contact),
      parent: d.parent ? this.index.get('organisation', d.parent)?.data.name : undefined,
    };
  }

  latest<K extends 'closure' | 'evaluation'>(kind: K, subject: string): RecordEntry<K> | undefined {
    const list = this.index.all(kind).filter((r) => (r.data as { subject: string }).subject === subject);
    const date = (r: RecordEntry<K>): string => {
      const d = r.data as ClosureRecord & EvaluationRecord;
      return d.submitted_on ?? d.rated_on ?? d.acceptance?.date ?? '';
    };
    return [...list].sort((a, b) => (date(a) < date(b) ? -1 : date(a) > date(b) ? 1 : 0)).pop();
  }

  closure(subject: string) {
    const c = this.latest('closure', subject)?.data;
    if (!c) return undefined;
    return {
      id: c.id,
      results: this.t(c.results),
      self_assessment: this.t(c.self_assessment),
      summary_report: this.t(c.summary_report),
      submitted_on: c.submitted_on,
      attachments: c.attachments ?? [],
    };
  }

  evaluation(subject: string) {
    const e = this.latest('evaluation', subject)?.data;
    if (!e) return { branch_levels: fourLevels(undefined), committee_levels: fourLevels(undefined) };
    const experts = (e.panel?.experts ?? []).map((x) => this.index.get('expert', x)?.data.name ?? '').filter(Boolean);
    return {
      id: e.id,
      acceptance: e.acceptance ? { ...e.acceptance, opinion: this.t(e.acceptance.opinion), result_label: e.acceptance.result === 'pass' ? '通过' : '整改' } : undefined,
      committee_opinion: this.t(e.committee_opinion),
      review_opinion: this.t(e.review_opinion),
      branch_rating: e.branch_rating,
      committee_rating: e.committee_rating,
      branch_levels: fourLevels(e.branch_rating),
      committee_levels: fourLevels(e.committee_rating),
      poll: e.poll,
      stars: e.stars,
      bonus_points: e.bonus_points,
      rated_on: e.rated_on,
      experts,
    };
  }

  project(id: string | undefined, full = true): Record<string, unknown> | undefined {
    const r = this.index.get('project', id);
    if (!r) return undefined;
    const p: ProjectRecord = r.data;
    const prog = this.ctx.programme.project;
    const lead = this.org(p.lead ?? p.proposed_by);
    const view: Record<string, unknown> = {
      id: p.id,
      number: p.number ?? '',
      title: this.t(p.title),
      stage: p.stage,
      stage_label: findStage(this.ctx.programme, 'project', p.stage)?.label ?? p.stage,
      categories: p.categories ?? [],
      category_choices: choiceList(prog?.categories, p.categories),
      source: p.source ?? '',
      source_choices: choiceList(prog?.sources, p.source),
      proposer: this.org(p.proposed_by ?? p.lead),
      lead,
      assigned_by: this.org(p.assigned_by),
      co_organisers: (p.co_organisers ?? []).map((c) => ({
        org: this.org(c.organisation),
        entry_point: this.t(c.entry_point),
        work_plan: this.t(c.work_plan),
        plan_submitted_on: c.plan_submitted_on,
        responsible: this.person(c.responsible),
      })),
      co_organiser_names: (p.co_organisers ?? []).map((c) => this.index.get('organisation', c.organisation)?.data.name ?? c.organisation),
      leader: this.person(p.leader),
      direct_responsible: this.person(p.direct_responsible),
      liaison: this.person(p.liaison),
      contact: this.person(p.contact) ?? lead?.contact,
      team: (p.team ?? []).map((m) => ({ member: this.person(m.member), role: m.role ?? '' })),
      team_rows: Math.max(2, (p.team ?? []).length),
      upper: this.org(p.upper),
      reason: this.t(p.reason),
      feasibility: this.t(p.feasibility),
      goals: this.t(p.goals),
      content: this.t(p.content),
      measures: this.t(p.measures),
      schedule: (p.schedule ?? []).map((s) => ({ ...s, work: this.t(s.work), period: period(s.from, s.to) })),
      start: p.start,
      due: p.due,
      duration: period(p.start, p.due),
      approval: p.approval,
      branch_opinion: this.t(p.branch_opinion),
      committee_opinion: this.t(p.committee_opinion),
      attachments: p.attachments ?? [],
    };
    if (full) {
      view.closure = this.closure(p.id);
      view.evaluation = this.evaluation(p.id);
      view.tasks = this.index
        .all('task')
        .filter((t) => t.data.project === p.id)
        .map((t) => this.task(t.id, false));
    }
    return view;
  }

  task(id: string | undefined, full = true): Record<string, unknown> | undefined {
    const r = this.index.get('task', id);
    if (!r) return undefined;
    const t: TaskRecord = r.data;
    const members = (t.members ?? []).map((m) => this.person(m)!);
    const view: Record<string, unknown> = {
      id: t.id,
      content: this.t(t.content),
      due: t.due,
      stage: t.stage,
      members,
      member_names: members.map((m) => m.name).filter(Boolean),
      attachments: t.attachments ?? [],
    };
    if (full) {
      view.project = this.project(t.project, false);
      view.closure = this.closure(t.id);
      view.evaluation = this.evaluation(t.id);
    }
    return view;
  }

  brand(id: string) {
    const b: BrandRecord | undefined = this.index.get('brand', id)?.data;
    if (!b) return undefined;
    return {
      id: b.id,
      name: this.t(b.name),
      logo: this.logo(b.logo),
      logo_missing: !!b.logo && !this.logo(b.logo),
      concept: this.t(b.concept),
      philosophy: this.t(b.philosophy),
      carrier: this.t(b.carrier),
      results: this.t(b.results),
      contact: this.person(b.contact),
      org: this.org(b.organisation),
      branch_opinion: this.t(b.branch_opinion),
      committee_opinion: this.t(b.committee_opinion),
      review_opinion: this.t(b.review_opinion),
      outcome: b.outcome,
      recognition: b.recognition,
      annual_goals: b.annual_goals ?? [],
      evaluation: this.evaluation(b.id),
      attachments: b.attachments ?? [],
    };
  }

  private logos = new Map<string, string | undefined>();
  logo(rel: string | undefined): string | undefined {
    if (!rel || !this.ctx.readAsset) return undefined;
    if (this.logos.has(rel)) return this.logos.get(rel);
    const bytes = this.ctx.readAsset(rel);
    const url = bytes ? imageDataUrl(bytes) : undefined;
    this.logos.set(rel, url);
    return url;
  }

  report(r: ReportRecord) {
    const subject = this.index.any(r.subject);
    return {
      id: r.id,
      quarter: r.quarter,
      quarter_label: quarterLabel(r.quarter),
      period: /^\d{4}Q[1-4]$/.test(r.quarter) ? period(quarterStart(r.quarter), quarterEnd(r.quarter)) : '',
      progress: this.t(r.progress),
      problems: this.t(r.problems),
      next_steps: this.t(r.next_steps),
      responsible: this.person(r.responsible),
      submitted_on: r.submitted_on,
      subject_kind: subject?.kind,
      attachments: r.attachments ?? [],
    };
  }

  commitment(c: CommitmentRecord) {
    const member = this.person(c.member);
    const org = this.org(c.organisation);
    const items = (c.items ?? []).map((it) => {
      const text = it.text ?? (it.project ? this.index.get('project', it.project)?.data.title : undefined) ?? (it.task ? this.index.get('task', it.task)?.data.content : undefined) ?? '';
      return { text: this.t(text).replace(/[。.；;，,\s]+$/u, '') };
    });
    const role = member ? member.party_title || member.admin_title || '党员' : '';
    return {
      id: c.id,
      type: c.type,
      org,
      member,
      position: this.t(c.position) || (member ? `${org?.short_name ?? ''}${role}` : ''),
      items,
      count: items.length,
      complete_by: c.complete_by,
      signed_on: c.signed_on,
    };
  }

  programmeView() {
    const p = this.ctx.programme;
    return {
      id: p.id,
      name: p.name,
      short_name: p.short_name ?? p.name,
      issuer: p.issuer ?? '',
      region: p.region ?? '',
      document: p.document ?? '',
      year: p.year,
      project_label: p.project?.label ?? '项目',
      categories: p.project?.categories ?? [],
    };
  }
}

function stageDate(r: RecordEntry, stage: string | undefined): string | undefined {
  if (!stage) return undefined;
  const history = (r.data as { history?: Array<{ stage: string; date: string }> }).history ?? [];
  return history.filter((h) => h.stage === stage).pop()?.date;
}

/** “2020年5月1日至2020年11月30日”, or one end, or ''. */
function period(from: string | undefined, to: string | undefined): string {
  const a = chineseDate(from);
  const b = chineseDate(to);
  if (a && b) return `${a}至${b}`;
  return a ? `${a}起` : b ? `至${b}` : '';
}

/** A data: URL for an image file, or undefined when the bytes are not a PNG, JPEG, GIF, WebP or SVG image. */
export function imageDataUrl(bytes: Buffer): string | undefined {
  let mime: string | undefined;
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) mime = 'image/png';
  else if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) mime = 'image/jpeg';
  else if (bytes.subarray(0, 6).toString('latin1') === 'GIF87a' || bytes.subarray(0, 6).toString('latin1') === 'GIF89a') mime = 'image/gif';
  else if (bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP') mime = 'image/webp';
  else {
    const head = bytes.subarray(0, 2048).toString('utf8').replace(/^\uFEFF/, '').trimStart();
    if (/^(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*(<!DOCTYPE svg[^>]*>\s*)?<svg[\s>]/i.test(head)) mime = 'image/svg+xml';
  }
  return mime ? `data:${mime};base64,${bytes.toString('base64')}` : undefined;
}

/** A repository-relative path that stays inside the repository (no absolute paths, no `..`). */
export function safeRelative(root: string, rel: string): string | undefined {
  if (!rel || path.isAbsolute(rel) || /^[a-z]+:/i.test(rel)) return undefined;
  const abs = path.resolve(root, rel);
  const back = path.relative(root, abs);
  if (!back || back.startsWith('..') || path.isAbsolute(back)) return undefined;
  return abs;
}

/**
 * The view a form template renders. Every kind of subject gets the programme, the form, the organisation it
 * belongs to, and its own record with references resolved (names, titles, phone numbers, closures,
 * evaluations); templates pick what they print.
 */
export function buildView(ctx: ViewContext, target: FormTarget): Record<string, unknown> {
  const b = new ViewBuilder(ctx);
  const { form, record } = target;
  const view: Record<string, unknown> = {
    programme: b.programmeView(),
    form: {
      id: form.id,
      annex: form.annex ?? '',
      title: formTitle(ctx.programme, form),
      fields: Object.fromEntries((form.fields ?? []).map((f) => [f, true])),
      /** When the record entered the stage the form belongs to (from its history). */
      date: stageDate(record, form.stage),
    },
    today: ctx.today,
  };
  switch (record.kind) {
    case 'project': {
      const project = b.project(record.id)!;
      view.project = project;
      const unit = target.unit ?? ((record.data as ProjectRecord).lead ?? (record.data as ProjectRecord).proposed_by);
      view.org = b.org(unit);
      if (target.unit) {
        const p = record.data as ProjectRecord;
        const isLead = target.unit === (p.lead ?? p.proposed_by);
        const co = (project.co_organisers as Array<{ org?: OrgView }>).find((c) => c.org?.id === target.unit);
        view.unit = { is_lead: isLead, is_co: !isLead, org: b.org(target.unit), co };
      }
      break;
    }
    case 'task': {
      const task = b.task(record.id)!;
      view.task = task;
      view.project = task.project;
      const memberId = target.member ?? (record.data as TaskRecord).members?.[0];
      view.member = b.person(memberId);
      view.org = b.org(b.person(memberId)?.organisation || ((task.project as { lead?: OrgView } | undefined)?.lead?.id ?? undefined));
      break;
    }
    case 'commitment': {
      const c = b.commitment(record.data as CommitmentRecord);
      view.commitment = c;
      view.org = c.org;
      view.member = c.member;
      break;
    }
    case 'report': {
      const rep = record.data as ReportRecord;
      view.report = b.report(rep);
      const s = ctx.index.any(rep.subject);
      if (s?.kind === 'task') {
        const task = b.task(s.id)!;
        view.task = task;
        view.project = task.project;
        view.member = (task.members as PersonView[])[0];
        view.org = b.org((task.members as PersonView[])[0]?.organisation);
      } else if (s?.kind === 'project') {
        const project = b.project(s.id)!;
        view.project = project;
        view.org = project.lead;
      }
      break;
    }
    case 'brand': {
      const brand = b.brand(record.id)!;
      view.brand = brand;
      view.org = brand.org;
      break;
    }
    case 'organisation':
      view.org = b.org(record.id);
      break;
    case 'programme': {
      const projects = recordsForForm(ctx.index, ctx.programme, { ...form, subject: 'project' }).map((p) => b.project(p.id, false)!);
      view.projects = projects;
      break;
    }
    default:
      break;
  }
  return view;
}

/**
 * The public notice of claims (领办公示) of an organisation (and its descendants): its projects, who leads
 * them, their tasks and who holds them. Public: phone numbers are masked, also inside free text; projects
 * marked `public: false` are left out. Undefined when the organisation leads no project.
 */
export function claimsNoticeView(ctx: ViewContext, orgId: string): Record<string, unknown> | undefined {
  const b = new ViewBuilder({ ...ctx, public: true });
  const subtree = orgSubtree(ctx.index, orgId);
  const projects = sortRecords(
    ctx.index,
    ctx.index.all('project').filter((r) => r.data.programme === ctx.programme.id && r.data.public !== false && !!r.data.lead && subtree.has(r.data.lead)),
  );
  if (projects.length === 0) return undefined;
  const rows = projects.map((r, i) => {
    const p = b.project(r.id, false)!;
    const tasks = ctx.index
      .all('task')
      .filter((t) => t.data.project === r.id)
      .map((t) => b.task(t.id, false)!);
    const lead = p.lead as OrgView | undefined;
    const leader = (p.leader as PersonView | undefined) ?? lead?.secretary;
    const contact = (p.contact as PersonView | undefined) ?? leader;
    return { index: i + 1, project: p, lead, leader, contact, tasks, span: Math.max(1, tasks.length) };
  });
  return {
    programme: b.programmeView(),
    org: b.org(orgId),
    rows,
    project_count: rows.length,
    task_count: rows.reduce((n, r) => n + r.tasks.length, 0),
    member_count: new Set(rows.flatMap((r) => r.tasks.flatMap((t) => (t.members as PersonView[]).map((m) => m.id)))).size,
    today: ctx.today,
  };
}

/**
 * Attachments (supporting files) the records of a set of targets reference, once each, in order: each
 * record's own; on a form submitted at the stage where closure is requested (its stage `requires`
 * has-closure), the closure's 印证性 materials instead of the application's 依据性 ones.
 */
export function attachmentsOf(index: RecordIndex, targets: FormTarget[], programme?: ProgrammeRecord): Array<{ title: string; path?: string; type?: string; of: string; kind: Kind }> {
  const out: Array<{ title: string; path?: string; type?: string; of: string; kind: Kind }> = [];
  const seen = new Set<string>();
  const add = (r: RecordEntry | undefined, skipType?: string) => {
    if (!r) return;
    for (const a of (r.data as { attachments?: Array<{ title: string; path?: string; type?: string }> }).attachments ?? []) {
      if (skipType && a.type === skipType) continue;
      const key = `${a.path ?? ''}|${a.title}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ title: a.title, path: a.path, type: a.type, of: recordLabel(index, r), kind: r.kind });
    }
  };
  for (const t of targets) {
    const track = TRACK_OF_KIND[t.record.kind] as Track | undefined;
    const atClosure = !!programme && !!track && !!t.form.stage && !!findStage(programme, track, t.form.stage)?.requires?.includes('has-closure');
    // At closure the application's 依据性 materials are not sent again.
    add(t.record, atClosure ? '依据性' : undefined);
    if (atClosure) for (const c of index.all('closure')) if (c.data.subject === t.record.id) add(c);
  }
  return out;
}
