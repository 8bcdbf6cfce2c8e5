/**
 * What counts: one definition for `validate`, `deadlines`, `ledger`, `status`, `publish` and the forms, so that on
 * the same day they agree.
 *
 * - A project counts unless it is dropped (未予立项, 撤销…: programme.ts isDroppedStage). A dropped project is led by
 *   nobody: no lead, no co-organisers, no 领办项目数, no coverage, no public notice.
 * - The organisations a programme's rules cover: every organisation of the repository but external ones (a 工委 that
 *   runs the campaign from outside) and the programme's organiser. They owe projects and brands; their members owe
 *   tasks.
 * - Every member rule (原则上每名党员必须领办任务): each active member of a covered organisation holds a task of the
 *   programme (a task of a counted project), or has a recorded exemption (when the programme allows them) — whether
 *   or not the member's organisation has claimed a project (if it has not, that is why the member has no task),
 *   once any organisation has claimed one (before that, there is nothing to take a task on).
 * - Projects per organisation: counted projects led, and (where the programme counts them) joined as co-organiser.
 * - Brands per organisation: the programme's brands of each covered organisation.
 *
 * Pure: records in, sets and counts out. Reads records' facts (domain/records.ts factsOf), as the cross-record checks do.
 */
import { factsOf, orgsUnder, type RecordEntry, type RecordIndex } from './records.js';
import { isDropped, isTrackEnabled } from './programme.js';
import type { ProgrammeRecord } from './types.generated.js';

type Facts = Record<string, any>;

/** Whether a project counts (is not dropped). */
export function counts(p: ProgrammeRecord, project: { stage?: string }): boolean {
  return !isDropped(p, project);
}

/** The organisation leading a project, if it counts. */
export function leadOf(p: ProgrammeRecord, project: { stage?: string; lead?: string }): string | undefined {
  return counts(p, project) && typeof project.lead === 'string' ? project.lead : undefined;
}

/** The co-organisers of a project that counts (none besides its lead). */
export function coOrganisersOf(p: ProgrammeRecord, project: { stage?: string; lead?: string; co_organisers?: { organisation?: string }[] }): string[] {
  if (!counts(p, project)) return [];
  const out = new Set<string>();
  for (const c of project.co_organisers ?? []) if (c && typeof c.organisation === 'string' && c.organisation !== project.lead) out.add(c.organisation);
  return [...out];
}

/** The programme's projects that count, in file order. */
export function countedProjects(index: RecordIndex, p: ProgrammeRecord): RecordEntry<'project'>[] {
  return index.all('project').filter((r) => factsOf(r).programme === p.id && counts(p, factsOf(r)));
}

/** Whether an organisation is covered by the programme's rules (not external, not the organiser). */
export function isCovered(p: ProgrammeRecord, org: RecordEntry<'organisation'>): boolean {
  return !factsOf(org).external && org.id !== p.organiser;
}

/** The organisations the programme's rules cover, in file order. */
export function coveredOrganisations(index: RecordIndex, p: ProgrammeRecord): RecordEntry<'organisation'>[] {
  return index.all('organisation').filter((o) => isCovered(p, o));
}

/** Counted projects led and joined (as co-organiser, not also leading) per organisation. */
export function projectCounts(index: RecordIndex, p: ProgrammeRecord): { led: Map<string, number>; joined: Map<string, number> } {
  const led = new Map<string, number>();
  const joined = new Map<string, number>();
  for (const pr of countedProjects(index, p)) {
    const d = factsOf(pr);
    const lead = leadOf(p, d);
    if (lead) led.set(lead, (led.get(lead) ?? 0) + 1);
    for (const c of coOrganisersOf(p, d)) joined.set(c, (joined.get(c) ?? 0) + 1);
  }
  return { led, joined };
}

/** The number `project.per_organisation` counts for an organisation: led, plus joined where the rule says so. */
export function projectsCounted(p: ProgrammeRecord, counts: ReturnType<typeof projectCounts>, org: string): number {
  const joined = p.project?.per_organisation?.counts === 'lead-or-co-organiser' ? (counts.joined.get(org) ?? 0) : 0;
  return (counts.led.get(org) ?? 0) + joined;
}

/** Organisations below `project.per_organisation.min` (those of the listed types only), with their count. */
export function organisationsShortOfProjects(index: RecordIndex, p: ProgrammeRecord): { org: RecordEntry<'organisation'>; count: number; min: number }[] {
  const rule = p.project?.per_organisation;
  if (!rule || p.project?.enabled === false) return [];
  const types = rule.organisation_types ?? [];
  const c = projectCounts(index, p);
  const out: { org: RecordEntry<'organisation'>; count: number; min: number }[] = [];
  for (const o of coveredOrganisations(index, p)) {
    if (types.length && !types.includes(factsOf(o).type)) continue;
    const count = projectsCounted(p, c, o.id);
    if (count < rule.min) out.push({ org: o, count, min: rule.min });
  }
  return out;
}

/** Members holding a task of the programme on a project that counts. */
export function taskHolders(index: RecordIndex, p: ProgrammeRecord): Set<string> {
  const out = new Set<string>();
  for (const t of index.all('task')) {
    const d = factsOf(t);
    if (d.programme !== p.id) continue;
    const project = index.get('project', d.project);
    if (project && !counts(p, factsOf(project))) continue;
    for (const m of d.members ?? []) out.add(m);
  }
  return out;
}

/** Whether a member has a recorded exemption for the programme (and the programme allows them). */
export function isExempt(p: ProgrammeRecord, member: RecordEntry<'member'>): boolean {
  if (p.task?.every_member?.exemption_allowed === false) return false;
  return ((factsOf(member).exemptions ?? []) as { programme?: string }[]).some((e) => e?.programme === p.id);
}

/** Active members of the covered organisations. */
export function coveredMembers(index: RecordIndex, p: ProgrammeRecord): RecordEntry<'member'>[] {
  const orgs = new Set(coveredOrganisations(index, p).map((o) => o.id));
  return index.all('member').filter((m) => {
    const d: Facts = factsOf(m);
    return d.active !== false && orgs.has(d.organisation);
  });
}

/**
 * The members the every-member rule finds without a task (and without an exemption), with whether their
 * organisation leads or joins a counted project yet. Empty when the programme has no such rule.
 */
export function membersWithoutTask(index: RecordIndex, p: ProgrammeRecord): { member: RecordEntry<'member'>; org: string; orgHasProject: boolean }[] {
  if (!p.task?.every_member || !isTrackEnabled(p, 'task')) return [];
  const holders = taskHolders(index, p);
  const taking = participatingOrganisations(index, p);
  const out: { member: RecordEntry<'member'>; org: string; orgHasProject: boolean }[] = [];
  for (const m of coveredMembers(index, p)) {
    if (holders.has(m.id) || isExempt(p, m)) continue;
    const org = factsOf(m).organisation as string;
    // Before any organisation has claimed a project there is nothing to take a task on: the rule starts with the claims.
    if (!taking.size) continue;
    out.push({ member: m, org, orgHasProject: taking.has(org) });
  }
  return out;
}

/**
 * Organisations taking part in a counted project: its lead and co-organisers, and their sub-organisations (the
 * 党支部 under a leading 党总支 carry out its tasks).
 */
export function participatingOrganisations(index: RecordIndex, p: ProgrammeRecord): Set<string> {
  const out = new Set<string>();
  for (const pr of countedProjects(index, p)) {
    const d = factsOf(pr);
    const lead = leadOf(p, d);
    if (lead) out.add(lead);
    for (const c of coOrganisersOf(p, d)) out.add(c);
  }
  return new Set(orgsUnder(index, out));
}

/** Brands of the programme per organisation. */
export function brandCounts(index: RecordIndex, p: ProgrammeRecord): Map<string, number> {
  const out = new Map<string, number>();
  for (const b of index.all('brand')) {
    const d = factsOf(b);
    if (d.programme === p.id && typeof d.organisation === 'string') out.set(d.organisation, (out.get(d.organisation) ?? 0) + 1);
  }
  return out;
}

/** Covered organisations with too few or too many brands under `brand.per_organisation`. */
export function organisationsOutsideBrandRange(index: RecordIndex, p: ProgrammeRecord): { org: RecordEntry<'organisation'>; count: number; tooMany: boolean }[] {
  const rule = p.brand?.per_organisation;
  if (!rule || !isTrackEnabled(p, 'brand')) return [];
  const counts = brandCounts(index, p);
  const out: { org: RecordEntry<'organisation'>; count: number; tooMany: boolean }[] = [];
  for (const o of coveredOrganisations(index, p)) {
    const count = counts.get(o.id) ?? 0;
    const tooFew = rule.min !== undefined && count < rule.min;
    const tooMany = rule.max !== undefined && count > rule.max;
    if (tooFew || tooMany) out.push({ org: o, count, tooMany });
  }
  return out;
}
