/**
 * The view model a form template renders (labels live in the templates; values, ticks and names come from the
 * records). Pure: no terminal, no browser, no writes. The only outside input is `readAsset` (the brand logo), which
 * the caller passes in.
 */
import { acceptanceRounds, latestRound, panelOpinionText, type AcceptanceRound } from '../../domain/acceptance.js';
import { chineseDate, quarterEnd, quarterStart } from '../../domain/dates.js';
import type { Kind } from '../../domain/kinds.js';
import { maskPhone, phoneOf, redactPhones } from '../../domain/privacy.js';
import { findStage, historyOf, TRACK_OF_KIND, trackStages, type Track, lastEntered, type Staged } from '../../domain/programme.js';
import type { BrandRecord, ClosureRecord, CommitmentRecord, EvaluationRecord, MemberRecord, ProgrammeRecord, ProjectRecord, ReportRecord, TaskRecord } from '../../domain/types.generated.js';
import { type RecordEntry, type RecordIndex, orgSubtree, summary } from '../../domain/records.js';
import { FOUR_LEVELS } from '../../domain/ratings.js';
import { leadOf } from '../../domain/participation.js';
import { type FormTarget, formTitle, recordLabel, quarterLabel, recordsForForm, sortRecords } from './targets.js';

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
    const list = this.index.where(kind, 'subject', subject);
    const date = (r: RecordEntry<K>): string => {
      const d = r.data as ClosureRecord & EvaluationRecord;
      return d.submitted_on ?? d.rated_on ?? latestRound(d)?.date ?? '';
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
      committee_opinion: this.t(c.committee_opinion),
      committee_opinion_on: c.committee_opinion_on,
      attachments: c.attachments ?? [],
    };
  }

  /**
   * The acceptance as the closure form shows it: `opinion` is the 验收组意见 box — the opinion that stands, with the
   * earlier rounds listed under it when there were any (domain/acceptance.ts panelOpinionText); `rounds` each round.
   */
  acceptance(e: EvaluationRecord) {
    const last = latestRound(e);
    if (!last) return undefined;
    const label = (r: AcceptanceRound) => (r.result === 'pass' ? '通过' : '整改');
    return {
      ...last,
      opinion: this.t(panelOpinionText(e)),
      final_opinion: this.t(last.opinion),
      result_label: label(last),
      rounds: acceptanceRounds(e).map((r, i) => ({ ...r, n: i + 1, opinion: this.t(r.opinion), result_label: label(r) })),
    };
  }

  evaluation(subject: string) {
    const e = this.latest('evaluation', subject)?.data;
    if (!e) return { branch_levels: fourLevels(undefined), committee_levels: fourLevels(undefined) };
    const experts = (e.panel?.experts ?? []).map((x) => this.index.get('expert', x)?.data.name ?? '').filter(Boolean);
    return {
      id: e.id,
      acceptance: this.acceptance(e),
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
      const closure = this.closure(p.id);
      const evaluation = this.evaluation(p.id);
      view.closure = closure;
      // 000 附件4: the committee's opinion is given with the closure request (before acceptance); an older record
      // may hold it on the evaluation instead.
      view.evaluation = closure?.committee_opinion ? { ...evaluation, committee_opinion: closure.committee_opinion } : evaluation;
      view.tasks = this.index
        .where('task', 'project', p.id)
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

  /** Opinions recorded on the record itself and by `djyc rate` in its evaluation: both print, once each. */
  private opinions(...texts: Array<string | undefined>): string {
    return [...new Set(texts.map((x) => this.t(x)).filter(Boolean))].join('\n');
  }

  brand(id: string) {
    const b: BrandRecord | undefined = this.index.get('brand', id)?.data;
    if (!b) return undefined;
    const evaluation = this.evaluation(b.id) as { committee_opinion?: string; review_opinion?: string };
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
      committee_opinion: this.opinions(b.committee_opinion, evaluation.committee_opinion),
      review_opinion: this.opinions(b.review_opinion, evaluation.review_opinion),
      outcome: b.outcome,
      recognition: b.recognition,
      annual_goals: b.annual_goals ?? [],
      evaluation,
      attachments: b.attachments ?? [],
    };
  }

  /** 品牌创建档案 (004): the whole history of a brand, for the archive form. */
  archive(id: string) {
    const r = this.index.get('brand', id);
    if (!r) return undefined;
    const b: BrandRecord = r.data;
    const p = this.ctx.programme;
    const label = (stage: string | undefined) => (stage ? (findStage(p, 'brand', stage)?.label ?? stage) : '');
    const namingStage = trackStages(p, 'brand').find((s) => s.requires?.includes('has-naming-document') || s.requires?.includes('has-rating'));
    const history = historyOf(b);
    const evaluations = this.index.where('evaluation', 'subject', id).map((e) => e.data);
    const years = p.years ?? 1;
    const carried = [
      b.carried_from ? `由 ${(this.index.any(b.carried_from)?.data as { programme?: string } | undefined)?.programme ?? ''} ${b.carried_from} 转入` : '',
      b.carried_to ? `已转入 ${(this.index.any(b.carried_to)?.data as { programme?: string } | undefined)?.programme ?? ''} ${b.carried_to}` : '',
    ].filter(Boolean).map((x) => x.replace(/\s+/g, ' '));
    return {
      stage_label: label(b.stage),
      period: years > 1 ? `${p.year}—${p.year + years - 1}年` : `${p.year}年度`,
      recognition: {
        consultation_until: b.recognition?.consultation_until,
        named_on: b.recognition?.named_on ?? (namingStage ? lastEntered(b as Staged, namingStage.id) : undefined),
        document: b.recognition?.document ?? '',
      },
      review_opinion: this.t(b.review_opinion ?? evaluations.map((e) => e.review_opinion).filter(Boolean).pop()),
      annual_goals: (b.annual_goals ?? []).map((g) => ({ year: g.year, goals: this.t(g.goals), measures: this.t(g.measures), submitted_on: g.submitted_on })),
      pairings: (b.pairings ?? []).map((x) => ({ name: this.index.get('organisation', x.organisation)?.data.name ?? x.organisation, since: x.since, note: this.t(x.note) })),
      selections: this.index
        .all('selection')
        .map((sel) => ({ sel: sel.data, e: sel.data.entries.find((x) => x.subject === id) }))
        .filter((x) => x.e)
        .map((x) => ({ title: x.sel.title ?? x.sel.award, rank: x.e!.rank, decided_on: x.sel.decided_on, basis: [x.sel.decision?.meeting, x.sel.decision?.document].filter(Boolean).join('，') })),
      history: history.map((h) => ({ date: h.date, stage_label: label(h.stage), from_label: h.from ? label(h.from) : '', by: h.by ?? '', note: this.t(h.note) })),
      carried: carried.join('；'),
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
  return stage ? lastEntered(r.data as Staged, stage) : undefined;
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
      view.archive = b.archive(record.id);
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
    ctx.index.all('project').filter((r) => summary(r).programme === ctx.programme.id && summary(r).public !== false && subtree.has(leadOf(ctx.programme, summary(r)) ?? '')),
  );
  if (projects.length === 0) return undefined;
  const rows = projects.map((r, i) => {
    const p = b.project(r.id, false)!;
    const tasks = ctx.index
      .where('task', 'project', r.id)
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
    if (atClosure) for (const c of index.where('closure', 'subject', t.record.id)) add(c);
  }
  return out;
}
