/**
 * Deadlines: what is overdue and what falls due soon, per organisation and person in charge — computed from the
 * programme file (calendar windows, stage windows, report rules, durations, annual brand goals) and the records.
 * Days are Asia/Shanghai calendar days (dates.ts). Remind, never nag: no check-ins, no points for activity.
 *
 * Items (one `DeadlineItem` each, with a stable `uid`):
 * - window       a calendar window of the programme (时间安排). upcoming → open → due-soon (ends within N days) →
 *                closed; `overdue` once ended while records in scope still have not reached a stage tied to it
 *                (`calendar[].stage`, else the stages whose `window` is it), `lagging` counts those records.
 * - stage        per project/task/brand: the next stage it owes (reachable through `next`, not yet in its history,
 *                with a window), due at that window's end.
 * - report       a quarterly report (执行书) owed and not filed: due quarter end + grace_days (see obligations.ts).
 * - task-due     a task's finish date (task.due, else its member commitment's complete_by) while not closed.
 * - project-due  a project's planned completion (project.due, else its organisation commitment's complete_by).
 * - duration     a project's maximum duration (project.duration: start + warn_months, start + max_months).
 * - annual-goals a brand's annual goals (brand.annual_goals.due each programme year after it reached from_stage).
 * - coverage     one per organisation, due at the end of the rule's window: members still without a task
 *                (task.every_member), too few projects led or joined (project.per_organisation), too few brands
 *                (brand.per_organisation) — the same rules `djyc validate` applies, as a reminder before the deadline.
 * Status: overdue (due day passed) / due-soon (due within `within` days) / open (a window in progress) /
 * upcoming (later) / closed (a window ended with nothing lagging) / done (met).
 */
import { daysBetween, isIsoDate, monthDay } from './dates.js';
import { calendarEnd, durationStart, findStage, firstEntered, reached, programmeEnd, roundAnchor, trackStages, windowDates, windowOccurrences, type Occurrence, type Track, type Window } from './programme.js';
import { UsageError } from './errors.js';
import { T, type Text } from './i18n.js';
import type { Kind } from './kinds.js';
import type { ProgrammeRecord } from './types.generated.js';
import { RecordIndex, namedMember, summary, namedOrg, orgSubtree, type Named, type RecordEntry, type Repository } from './records.js';
import { subjectObligations } from './obligations.js';
import { counts, membersWithoutTask, organisationsOutsideBrandRange, organisationsShortOfProjects } from './participation.js';
import { activeOn, chooseProgramme } from './years.js';

export type DeadlineKind = 'window' | 'stage' | 'report' | 'task-due' | 'project-due' | 'duration' | 'annual-goals' | 'coverage';
export type DeadlineStatus = 'overdue' | 'due-soon' | 'open' | 'upcoming' | 'closed' | 'done';

/** The Chinese and English name of each status (for tables and calendars). */
export const STATUS_LABELS: Record<DeadlineStatus, Text> = {
  overdue: T('已逾期', 'overdue'),
  'due-soon': T('即将到期', 'due soon'),
  open: T('进行中', 'open'),
  upcoming: T('未开始', 'upcoming'),
  closed: T('已结束', 'closed'),
  done: T('已完成', 'done'),
};

/** The Chinese and English name of each kind of item (terminal table, site and dashboard alike). */
export const KIND_LABELS: Record<DeadlineKind, Text> = {
  window: T('时间节点', 'window'),
  stage: T('阶段', 'stage'),
  report: T('执行书', 'report'),
  'task-due': T('任务时限', 'task due'),
  'project-due': T('项目时限', 'project due'),
  duration: T('实施周期', 'duration'),
  'annual-goals': T('年度目标', 'annual goals'),
  coverage: T('覆盖面', 'coverage'),
};

export interface DeadlineItem {
  /** Stable identifier (also the calendar UID): the same item keeps it from one run to the next. */
  uid: string;
  kind: DeadlineKind;
  programme: string;
  title: string;
  titleEn: string;
  /** First day (windows). */
  start?: string;
  /** Last day (window end, due date). */
  due: string;
  status: DeadlineStatus;
  /** Days from today to `due` (negative when overdue). */
  days: number;
  subject?: { kind: Kind; id: string; title: string };
  organisation?: Named;
  /** People in charge (names only). */
  people: Named[];
  /** The window's responsible units, as the programme words them. */
  responsible?: string;
  window?: string;
  stage?: string;
  quarter?: string;
  /** For durations: a warning limit or the hard maximum. */
  severity?: 'warning' | 'error';
  /** For windows: records in scope that have not reached the window's stage. */
  lagging?: number;
}

export interface DeadlineOptions {
  today: string;
  /** Days ahead counted as "due soon" (default 14). */
  within?: number;
  /** Only this programme (default: the programmes whose calendar reaches today, else the current one; see years.ts). */
  programme?: string;
  /** Only this organisation and those under it (windows stay, their lag counts are restricted). */
  org?: string;
  /**
   * Only the items this accepts are made and listed; every item is still counted. A report that prints the current
   * items of a repository with 200,000 upcoming ones makes those few, not all of them (their titles, people, sorting).
   */
  keep?: (item: ItemKey) => boolean;
}

/** What decides whether an item is listed, known before the item is made. */
export type ItemKey = Pick<DeadlineItem, 'kind' | 'status' | 'due' | 'start'>;

export interface DeadlineReport {
  today: string;
  within: number;
  programmes: string[];
  items: DeadlineItem[];
  counts: Record<DeadlineStatus, number>;
}

/** Parses `14d`, `2w`, `14` into days. */
export function parseWithin(value: string): number {
  const m = /^(\d+)\s*([dw]?)$/i.exec(value.trim());
  if (!m) throw new UsageError(`无法识别的时长“${value}”（例如 14d、2w）`, `cannot read duration "${value}" (e.g. 14d, 2w)`);
  return Number(m[1]) * (m[2]?.toLowerCase() === 'w' ? 7 : 1);
}

/** Adds whole months, clamping the day (2020-01-31 + 1 month = 2020-02-29). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) + months;
  const ny = Math.floor(total / 12);
  const nm = (total % 12) + 1;
  const last = new Date(Date.UTC(ny, nm, 0)).getUTCDate();
  return `${ny}-${String(nm).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

const STATUS_ORDER: DeadlineStatus[] = ['overdue', 'due-soon', 'open', 'upcoming', 'closed', 'done'];

function dateStatus(due: string, today: string, within: number): DeadlineStatus {
  if (due < today) return 'overdue';
  return daysBetween(today, due) <= within ? 'due-soon' : 'upcoming';
}

type Staged = { stage: string; history?: { stage: string; date: string; from?: string }[] };

/** Stages reachable from the current one through `next` (excluding it), in track order. */
const reachableMemo = new WeakMap<ProgrammeRecord, Map<string, Set<string>>>();

/** reachable, computed once per programme, track and stage (thousands of records share a handful of stages). Read-only. */
function reachableOnce(p: ProgrammeRecord, track: Track, from: string): Set<string> {
  let byStage = reachableMemo.get(p);
  if (!byStage) reachableMemo.set(p, (byStage = new Map()));
  const key = `${track}\0${from}`;
  let set = byStage.get(key);
  if (!set) byStage.set(key, (set = reachable(p, track, from)));
  return set;
}

function reachable(p: ProgrammeRecord, track: Track, from: string): Set<string> {
  const seen = new Set<string>();
  const queue = [from];
  while (queue.length) {
    const s = findStage(p, track, queue.shift());
    for (const n of s?.next ?? []) {
      if (!seen.has(n)) {
        seen.add(n);
        queue.push(n);
      }
    }
  }
  seen.delete(from);
  return seen;
}

/** Target stages of a window: the calendar's `stage`, else the stages (of any track) naming the window. */
function windowTargets(p: ProgrammeRecord, w: Window): { track: Track; stage: string }[] {
  const out: { track: Track; stage: string }[] = [];
  for (const track of ['project', 'task', 'brand'] as Track[]) {
    for (const s of trackStages(p, track)) {
      if (w.stage ? s.id === w.stage : s.window === w.id) out.push({ track, stage: s.id });
    }
  }
  return out;
}

/** The stages a record still owes: reachable, not yet in its history, tied to a window; in track order. */
function owedStages(p: ProgrammeRecord, track: Track, record: Staged): { stage: string; window: Window }[] {
  const current = findStage(p, track, record.stage);
  if (!current || current.final) return [];
  const ahead = reachableOnce(p, track, record.stage);
  const out: { stage: string; window: Window }[] = [];
  for (const s of trackStages(p, track)) {
    if (!ahead.has(s.id)) continue;
    const w = (p.calendar ?? []).find((c) => (c.stage ? c.stage === s.id : c.id === s.window));
    // A yearly window is owed again in each round (继续培育: last year's 初选 does not count for this year's review).
    if (w && (w.every_year || !(record.history ?? []).some((h) => h?.stage === s.id))) out.push({ stage: s.id, window: w });
  }
  return out;
}

/** Whether a record has finished its work: a closure filed, or it is at / went through a final stage or one that needs a closure. */
function finished(p: ProgrammeRecord, track: Track, record: Staged, hasClosure: boolean): boolean {
  if (hasClosure) return true;
  const visited = [record.stage, ...(record.history ?? []).map((h) => h?.stage)];
  return visited.some((id) => {
    const s = findStage(p, track, id);
    return !!s && (!!s.final || (s.requires ?? []).includes('has-closure'));
  });
}

export function computeDeadlines(repo: Repository, opts: DeadlineOptions): DeadlineReport {
  const index = RecordIndex.of(repo);
  const today = opts.today;
  const within = opts.within ?? 14;
  let programmes = index.all('programme').map((r) => summary(r));
  if (opts.programme) {
    programmes = programmes.filter((p) => p.id === opts.programme);
    if (!programmes.length) {
      const known = index.all('programme').map((r) => r.id).join(', ') || '—';
      throw new UsageError(`方案“${opts.programme}”不存在（可用：${known}）`, `programme "${opts.programme}" does not exist (available: ${known})`);
    }
  } else if (programmes.length > 1) {
    // Several rounds: those whose calendar reaches today (a 2020 round still showing in January 2021, a three-year
    // plan), else the current one (years.ts), else — when even that is a tie — every programme.
    const active = activeOn(programmes, today, calendarEnd);
    if (active.length) programmes = active;
    else {
      try {
        programmes = [chooseProgramme(index, undefined, today).programme];
      } catch {
        // a tie: keep them all
      }
    }
  }
  if (opts.org && !index.get('organisation', opts.org)) {
    throw new UsageError(`党组织“${opts.org}”不存在`, `organisation "${opts.org}" does not exist`);
  }
  const scope = opts.org ? orgSubtree(index, opts.org) : undefined;
  const items: DeadlineItem[] = [];
  const counts = Object.fromEntries(STATUS_ORDER.map((s) => [s, 0])) as Record<DeadlineStatus, number>;
  const take = (kind: DeadlineKind, status: DeadlineStatus, due: string, start?: string): boolean => {
    counts[status]++;
    return !opts.keep || opts.keep({ kind, status, due, start });
  };
  for (const p of programmes) programmeDeadlines(index, p, today, within, scope, take, items);
  items.sort((a, b) => STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status) || a.due.localeCompare(b.due) || a.uid.localeCompare(b.uid));
  return { today, within, programmes: programmes.map((p) => p.id), items, counts };
}

/**
 * Adds the programme's items to `items`. Each is counted by `take` before it is made, and made only when `take`
 * says it is listed: the names of a subject's organisation and people are looked up for listed items only.
 */
function programmeDeadlines(
  index: RecordIndex,
  p: ProgrammeRecord,
  today: string,
  within: number,
  scope: Set<string> | undefined,
  take: (kind: DeadlineKind, status: DeadlineStatus, due: string, start?: string) => boolean,
  items: DeadlineItem[],
): void {
  const mine = <K extends 'project' | 'task' | 'brand' | 'report' | 'closure' | 'commitment'>(kind: K) =>
    index.all(kind).filter((r) => (summary(r) as { programme?: string }).programme === p.id);
  const memberOrg = (id: string) => summary(index.get('member', id))?.organisation;
  const closures = new Map<string, string | undefined>();
  for (const c of mine('closure')) {
    const prev = closures.get(summary(c).subject);
    const d = summary(c).submitted_on;
    if (!closures.has(summary(c).subject) || (d && (!prev || d < prev))) closures.set(summary(c).subject, d);
  }
  const reports = new Map<string, RecordEntry<'report'>[]>();
  for (const r of mine('report')) {
    let list = reports.get(summary(r).subject);
    if (!list) reports.set(summary(r).subject, (list = []));
    list.push(r);
  }
  const commitments = mine('commitment');
  const inScope = (org: string | undefined) => !scope || (!!org && scope.has(org));

  // Who is in charge of each record.
  type Subject = { track: Track; entry: RecordEntry<'project'> | RecordEntry<'task'> | RecordEntry<'brand'>; title: string; org: () => Named | undefined; people: () => Named[]; visible: boolean };
  const subjects: Subject[] = [];
  // Names are looked up when an item is made (see take), once per subject.
  const once = <T>(f: () => T): (() => T) => {
    let done = false;
    let value: T;
    return () => {
      if (!done) {
        value = f();
        done = true;
      }
      return value;
    };
  };
  const orgOf = (s: Subject): { organisation?: Named } => {
    const org = s.org();
    return org ? { organisation: org } : {};
  };
  // A dropped project (未予立项, 撤销…) owes nothing, and neither do its tasks.
  for (const e of mine('project')) {
    const d = summary(e);
    if (!counts(p, d)) continue;
    const person = d.leader ?? d.contact ?? d.direct_responsible;
    const orgs = [d.lead, ...(d.co_organisers ?? []).map((c) => c.organisation)];
    subjects.push({ track: 'project', entry: e, title: d.title, org: once(() => namedOrg(index, d.lead ?? d.proposed_by)), people: once(() => (person ? [namedMember(index, person)!] : [])), visible: !scope || orgs.some((o) => inScope(o)) || (!d.lead && inScope(d.proposed_by)) });
  }
  for (const e of mine('task')) {
    const d = summary(e);
    const project = summary(index.get('project', d.project));
    if (project && !counts(p, project)) continue;
    const org = () => namedOrg(index, (d.members ?? []).map(memberOrg).find(Boolean) ?? project?.lead);
    subjects.push({ track: 'task', entry: e, title: d.content, org: once(org), people: once(() => (d.members ?? []).map((m) => namedMember(index, m)!)), visible: !scope || (d.members ?? []).some((m) => inScope(memberOrg(m))) || inScope(project?.lead) });
  }
  for (const e of mine('brand')) {
    const d = summary(e);
    subjects.push({ track: 'brand', entry: e, title: d.name, org: once(() => namedOrg(index, d.organisation)), people: once(() => (d.contact ? [namedMember(index, d.contact)!] : [])), visible: inScope(d.organisation) });
  }
  // A record carried into another round (djyc carry-over) owes nothing more here: the new record does.
  const visible = subjects.filter((s) => s.visible && !(summary(s.entry) as { carried_to?: string }).carried_to);
  type Owed = { stage: string; window: Window; occurrence: Occurrence }[];
  // occurrenceFrom with each window's occurrences listed once.
  const occurrences = new Map<Window, Occurrence[]>();
  const occurrenceOf = (w: Window, anchor: string): Occurrence => {
    let all = occurrences.get(w);
    if (!all) occurrences.set(w, (all = windowOccurrences(p, w)));
    return all.find((o) => o.end >= anchor) ?? all[all.length - 1]!;
  };
  // What a record owes depends on its track, stage, the stages in its history and its round: thousands of records
  // share one list (read-only).
  const owedLists = new Map<string, Owed>();
  const owedOf = new Map<Subject, Owed>();
  const owed = (s: Subject): Owed => {
    let list = owedOf.get(s);
    if (!list) {
      const data = summary(s.entry) as Staged;
      // A window that recurs every year applies in the record's own round (a brand re-applying in 2021 owes 2021's review).
      const anchor = roundAnchor(p, s.track, data);
      let key = `${s.track}\0${data.stage}\0${anchor}`;
      for (const h of data.history ?? []) key += `\0${h?.stage}`;
      list = owedLists.get(key);
      if (!list) owedLists.set(key, (list = owedStages(p, s.track, data).map((o) => ({ ...o, occurrence: occurrenceOf(o.window, anchor) }))));
      owedOf.set(s, list);
    }
    return list;
  };

  // Calendar windows (each occurrence of a yearly one), with the records lagging behind each: the records owing a
  // stage, by window id, occurrence and (track, stage), gathered in one pass (not one pass per window).
  const byList = new Map<Owed, Subject[]>();
  for (const s of visible) {
    const list = owed(s);
    if (!list.length) continue;
    let group = byList.get(list);
    if (!group) byList.set(list, (group = []));
    group.push(s);
  }
  const owing = new Map<string, Set<Subject>>();
  for (const [list, group] of byList) {
    for (const o of list) {
      const key = `${o.window.id}\0${o.occurrence.start}\0${group[0]!.track}\0${o.stage}`;
      let set = owing.get(key);
      if (!set) owing.set(key, (set = new Set()));
      for (const s of group) set.add(s);
    }
  }
  for (const w of p.calendar ?? []) {
    if (typeof w.start !== 'string' || typeof w.end !== 'string') continue;
    const targets = windowTargets(p, w);
    for (const occ of windowOccurrences(p, w)) {
      const { start, end } = occ;
      if (!isIsoDate(start) || !isIsoDate(end)) continue;
      const behind = new Set<Subject>();
      for (const t of targets) for (const s of owing.get(`${w.id}\0${start}\0${t.track}\0${t.stage}`) ?? []) behind.add(s);
      const lagging = behind.size;
      let status: DeadlineStatus;
      if (end < today) status = lagging ? 'overdue' : 'closed';
      else if (start > today) status = 'upcoming';
      else status = daysBetween(today, end) <= within ? 'due-soon' : 'open';
      if (!take('window', status, end, start)) continue;
      const yearly = !!w.every_year;
      items.push({
        uid: yearly ? `window-${p.id}-${w.id}-${occ.year}` : `window-${p.id}-${w.id}`, kind: 'window', programme: p.id,
        title: yearly ? `${w.label}（${occ.year} 年度）` : w.label, titleEn: yearly ? `${w.label} (${occ.year})` : w.label,
        start, due: end, status, days: daysBetween(today, end), people: [],
        ...(w.responsible ? { responsible: w.responsible } : {}), window: w.id, lagging,
      });
    }
  }

  // Per record: the next stage it owes.
  for (const s of visible) {
    const next = owed(s)[0];
    if (!next) continue;
    const { end } = next.occurrence;
    const status = dateStatus(end, today, within);
    if (!take('stage', status, end)) continue;
    const stage = findStage(p, s.track, next.stage)!;
    items.push({
      uid: `stage-${s.entry.id}-${next.stage}`, kind: 'stage', programme: p.id,
      title: `${stage.label}：${s.title}`, titleEn: `${stage.label_en ?? stage.id}: ${s.title}`,
      due: end, status, days: daysBetween(today, end),
      subject: { kind: s.entry.kind, id: s.entry.id, title: s.title }, ...orgOf(s), people: s.people(),
      window: next.window.id, stage: next.stage,
    });
  }

  // Quarterly reports owed and not filed.
  const bySubject = new Map(subjects.map((s) => [s.entry.id, s]));
  for (const s of visible) {
    if (s.track === 'brand') continue;
    const project = s.track === 'task' ? summary(index.get('project', (summary(s.entry) as { project: string }).project)) : undefined;
    const obligations = subjectObligations(p, s.track, { id: s.entry.id, record: summary(s.entry) }, reports, today, project);
    for (const o of obligations) {
      if (o.report || !o.required) continue;
      const subj = bySubject.get(o.subject)!;
      const status = o.status === 'missing' ? 'overdue' : dateStatus(o.due, today, within);
      if (!take('report', status, o.due)) continue;
      items.push({
        uid: `report-${o.subject}-${o.quarter}`, kind: 'report', programme: p.id,
        title: `${o.quarter} ${s.track === 'project' ? '党组织领办项目执行书' : '党员领办任务执行书'}：${subj.title}`,
        titleEn: `${o.quarter} ${s.track} report: ${subj.title}`,
        due: o.due, status, days: daysBetween(today, o.due), subject: { kind: s.entry.kind, id: s.entry.id, title: s.title },
        ...orgOf(s), people: s.people(), quarter: o.quarter,
      });
    }
  }

  // Finish dates of tasks and projects (from the records, else from the signed commitments).
  // Earliest complete_by of the signed commitments naming each task (member commitments) or project (organisation ones).
  const promised = new Map<string, string>();
  for (const c of commitments) {
    const d = summary(c).complete_by;
    if (!d || !isIsoDate(d)) continue;
    for (const i of summary(c).items ?? []) {
      const key = summary(c).type === 'member' ? (i.task ? `task:${i.task}` : undefined) : i.project ? `project:${i.project}` : undefined;
      if (key && (!promised.has(key) || d < promised.get(key)!)) promised.set(key, d);
    }
  }
  const commitmentDate = (track: 'task' | 'project', id: string) => promised.get(`${track}:${id}`);
  for (const s of visible) {
    if (s.track === 'brand') continue;
    const d = summary(s.entry) as { due?: string };
    const due = d.due ?? commitmentDate(s.track, s.entry.id);
    if (!due || !isIsoDate(due)) continue;
    const done = finished(p, s.track, summary(s.entry), closures.has(s.entry.id));
    const kind = s.track === 'task' ? 'task-due' : 'project-due';
    const status = done ? 'done' : dateStatus(due, today, within);
    if (!take(kind, status, due)) continue;
    items.push({
      uid: `${s.track}-due-${s.entry.id}`, kind, programme: p.id,
      title: `${s.track === 'task' ? '任务完成时限' : '项目完成时限'}：${s.title}`, titleEn: `${s.track} due: ${s.title}`,
      due, status, days: daysBetween(today, due),
      subject: { kind: s.entry.kind, id: s.entry.id, title: s.title }, ...orgOf(s), people: s.people(),
    });
  }

  // Maximum durations.
  const duration = p.project?.duration;
  if (duration) {
    for (const s of visible) {
      if (s.track !== 'project') continue;
      // The same start as `validate`: the start date, else approval, else the programme year (programme.ts).
      const start = durationStart(p, summary(s.entry) as { start?: string });
      if (!isIsoDate(start.date)) continue;
      const done = finished(p, 'project', summary(s.entry), closures.has(s.entry.id));
      const limits: [number | undefined, 'warning' | 'error'][] = [[duration.warn_months, 'warning'], [duration.max_months, 'error']];
      for (const [months, severity] of limits) {
        if (!months) continue;
        const due = addMonths(start.date, months);
        const status = done ? 'done' : dateStatus(due, today, within);
        if (!take('duration', status, due)) continue;
        items.push({
          uid: `duration-${severity}-${s.entry.id}`, kind: 'duration', programme: p.id,
          title: severity === 'error' ? `实施周期最长 ${months} 个月：${s.title}` : `实施周期一般在 ${months} 个月以内：${s.title}`,
          titleEn: severity === 'error' ? `maximum duration ${months} months: ${s.title}` : `duration normally within ${months} months: ${s.title}`,
          due, status, days: daysBetween(today, due), severity,
          subject: { kind: 'project', id: s.entry.id, title: s.title }, ...orgOf(s), people: s.people(),
        });
      }
    }
  }

  // Coverage rules with a deadline: members holding a task, projects per organisation, brands per organisation.
  const coverageItem = (rule: string, orgId: string, windowId: string | undefined, title: string, titleEn: string, people: Named[] = []) => {
    const w = windowId ? (p.calendar ?? []).find((c) => c.id === windowId) : undefined;
    if (!w || !inScope(orgId)) return;
    const { end } = windowDates(p, w);
    const status = dateStatus(end, today, within);
    if (!take('coverage', status, end)) return;
    const org = namedOrg(index, orgId)!;
    items.push({
      uid: `coverage-${rule}-${p.id}-${orgId}`, kind: 'coverage', programme: p.id, title, titleEn,
      due: end, status, days: daysBetween(today, end), organisation: org, people, window: w.id,
    });
  };
  // The same rules and the same counts as `djyc validate` (domain/participation.ts).
  const without = new Map<string, Named[]>();
  for (const { member, org } of membersWithoutTask(index, p)) {
    let list = without.get(org);
    if (!list) without.set(org, (list = []));
    list.push({ id: member.id, name: summary(member).name ?? member.id });
  }
  for (const [org, members] of without) {
    coverageItem('every-member', org, p.task?.every_member?.window, `${members.length} 名党员尚未领办任务`, `${members.length} member(s) without a task`, members);
  }
  const perOrg = p.project?.per_organisation;
  for (const { org, count, min } of organisationsShortOfProjects(index, p)) {
    const co = perOrg?.counts === 'lead-or-co-organiser';
    coverageItem('projects', org.id, perOrg?.window, `领办${co ? '或参与联办' : ''}项目 ${count} 个，至少 ${min} 个`, `leads${co ? ' or joins' : ''} ${count} project(s), at least ${min}`);
  }
  const brandRule = p.brand?.per_organisation;
  for (const { org, count, tooMany } of organisationsOutsideBrandRange(index, p)) {
    if (tooMany || brandRule?.min === undefined) continue; // too many is no deadline: validate reports it
    coverageItem('brands', org.id, brandRule.window, `党建品牌 ${count} 个，至少 ${brandRule.min} 个`, `${count} brand(s), at least ${brandRule.min}`);
  }

  // Annual brand goals.
  const goals = p.brand?.annual_goals;
  if (goals?.due && /^\d{2}-\d{2}$/.test(goals.due)) {
    const lastYear = Number(programmeEnd(p).slice(0, 4));
    for (const s of visible) {
      if (s.track !== 'brand') continue;
      const b = summary(s.entry) as RecordEntry<'brand'>['data'];
      // Named brands only: at from_stage, or at a final stage they reached through it (示范品牌) — not a brand that
      // went on to 重新申报, 继续培育 or 不予认定, whatever the order the stages are listed in.
      if (goals.from_stage && !(b.stage === goals.from_stage || (findStage(p, 'brand', b.stage)?.final && (reached(b, goals.from_stage) || !!b.recognition?.named_on)))) continue;
      const since = (goals.from_stage ? firstEntered(b, goals.from_stage) : undefined) ?? b.recognition?.named_on;
      for (let year = p.year; year <= lastYear; year++) {
        const due = monthDay(year, goals.due);
        if (since ? due <= since : year !== Number(today.slice(0, 4))) continue;
        const filed = (b.annual_goals ?? []).some((g) => g.year === year);
        const status = filed ? 'done' : dateStatus(due, today, within);
        if (!take('annual-goals', status, due)) continue;
        items.push({
          uid: `annual-goals-${s.entry.id}-${year}`, kind: 'annual-goals', programme: p.id,
          title: `${year} 年度品牌目标上报：${s.title}`, titleEn: `${year} annual brand goals: ${s.title}`,
          due, status, days: daysBetween(today, due),
          subject: { kind: 'brand', id: s.entry.id, title: s.title }, ...orgOf(s), people: s.people(),
        });
      }
    }
  }
}

/** Items worth showing now: overdue, due soon, open windows, and windows starting within `within` days. */
export function isCurrent(item: ItemKey, today: string, within: number): boolean {
  return item.status === 'overdue' || item.status === 'due-soon' || item.status === 'open' ||
    (item.kind === 'window' && item.status === 'upcoming' && !!item.start && daysBetween(today, item.start) <= within);
}

/** The report's items worth showing now (isCurrent). */
export function currentItems(report: DeadlineReport): DeadlineItem[] {
  return report.items.filter((i) => isCurrent(i, report.today, report.within));
}

/** Whether `--fail-on` matches: `overdue` fails on overdue items; `due-soon` on overdue or due-soon ones (by the counts: listed or not). */
export function failsOn(report: Pick<DeadlineReport, 'counts'>, on: 'overdue' | 'due-soon'): boolean {
  return report.counts.overdue > 0 || (on === 'due-soon' && report.counts['due-soon'] > 0);
}
