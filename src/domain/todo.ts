/**
 * `djyc todo`: what each organisation and each person has to do now, with the command that does it. The steps come
 * from domain/next.ts (reports owed, the next stage and the guards in its way, read from the programme's data), the
 * coverage reminders from domain/deadlines.ts (members still without a task, …).
 *
 * The records are read as they stood on `today` (recordsAsOf): a stage entered, a report or closure filed, a
 * commitment signed after that day is not there yet. So `djyc todo --today 2020-07-12` answers what was due on that
 * day, also in a repository that has since moved on.
 */
import { computeDeadlines } from './deadlines.js';
import { daysBetween } from './dates.js';
import { T, type Text } from './i18n.js';
import { nextSteps, takesTasks, type Step } from './next.js';
import { historyOf, TRACK_OF_KIND } from './programme.js';
import { RecordIndex, factsOf, summary, namedMember, namedOrg, orgSubtree, withData, type Named, type RecordEntry, type Repository } from './records.js';
import { recordName, refFor } from './resolve.js';
import { orgsOf } from './browse.js';

export type TodoStatus = 'overdue' | 'due-soon' | 'open';

export interface TodoItem {
  status: TodoStatus;
  /** Last day, if any. */
  due?: string;
  /** What is to be done (with the record it is about). */
  what: Text;
  command: string;
  /** Why, when a stage cannot be entered yet. */
  reason?: Text;
  window?: Step['window'];
  subject?: string;
}

export interface TodoPerson {
  /** Undefined: the organisation as a whole. */
  person?: Named;
  items: TodoItem[];
}

export interface TodoGroup {
  /** Undefined: records without an organisation. */
  org?: Named;
  people: TodoPerson[];
}

export interface TodoOptions {
  today: string;
  /** Days ahead counted as due soon (default 14). */
  within?: number;
  /** Only this organisation and those under it (an id). */
  org?: string;
  /** Only this programme (default: every programme). */
  programme?: string;
  /** Whether a repository-relative file exists (the logo guard). */
  fileExists(rel: string): boolean;
}

export interface Todo {
  today: string;
  groups: TodoGroup[];
  count: number;
}

/**
 * The repository as it stood at the end of `day`: histories cut at that day (a record's stage is the last one it
 * had entered), records whose history starts later left out, and reports, closures, commitments and selections
 * dated later left out, as are acceptances and ratings recorded later.
 */
export function recordsAsOf(repo: Repository, day: string): Repository {
  const records: RecordEntry[] = [];
  for (const e of repo.records) {
    // Summaries only (records.ts factsOf): no rule behind a step reads prose, so a rewound copy is made from the
    // summary too, and no record file is read (a past day on a big repository rewinds thousands of records).
    const x = factsOf(e);
    if (TRACK_OF_KIND[e.kind]) {
      const all = historyOf(x);
      const kept = all.filter((h) => h.date <= day);
      if (all.length && !kept.length) continue;
      if (kept.length === all.length) records.push(e);
      else records.push(withData(e, { ...x, history: kept, stage: kept[kept.length - 1]!.stage }));
      continue;
    }
    const dated = e.kind === 'report' || e.kind === 'closure' ? x.submitted_on : e.kind === 'commitment' ? x.signed_on : e.kind === 'selection' ? x.decided_on : undefined;
    if (typeof dated === 'string' && dated > day) continue;
    if (e.kind === 'evaluation' && (x.acceptance?.date > day || x.rated_on > day)) {
      const ev = { ...x };
      if (ev.acceptance?.date > day) delete ev.acceptance;
      if (ev.rated_on > day) for (const k of ['branch_rating', 'committee_rating', 'poll', 'stars', 'bonus_points', 'review_opinion', 'committee_opinion', 'rated_on']) delete ev[k];
      records.push(withData(e, ev));
      continue;
    }
    records.push(e);
  }
  return { ...repo, records };
}

function statusOf(step: { due?: string; window?: Step['window'] }, today: string, within: number): TodoStatus | undefined {
  if (step.window && step.window.start > today) return undefined;
  if (!step.due) return 'open';
  if (step.due < today) return 'overdue';
  if (daysBetween(today, step.due) <= within) return 'due-soon';
  return step.window ? 'open' : undefined;
}

const ORDER: TodoStatus[] = ['overdue', 'due-soon', 'open'];

export function computeTodo(repo: Repository, opts: TodoOptions): Todo {
  const today = opts.today;
  const within = opts.within ?? 14;
  const view = recordsAsOf(repo, today);
  const index = RecordIndex.of(view);
  const scope = opts.org ? orgSubtree(index, opts.org) : undefined;
  const groups = new Map<string, TodoGroup>();
  // Looked up by key, not searched: one organisation may have 20,000 members, one member thousands of tasks.
  const people = new Map<TodoGroup, Map<string | undefined, TodoGroup['people'][number]>>();
  const commands = new Map<TodoGroup['people'][number], Set<string>>();
  const add = (orgId: string | undefined, person: Named | undefined, item: TodoItem) => {
    const key = orgId ?? '';
    let g = groups.get(key);
    if (!g) {
      groups.set(key, (g = { ...(orgId ? { org: namedOrg(index, orgId) } : {}), people: [] }));
      people.set(g, new Map());
    }
    let p = people.get(g)!.get(person?.id);
    if (!p) {
      g.people.push((p = { ...(person ? { person } : {}), items: [] }));
      people.get(g)!.set(person?.id, p);
      commands.set(p, new Set());
    }
    if (!commands.get(p)!.has(item.command)) {
      commands.get(p)!.add(item.command);
      p.items.push(item);
    }
  };

  for (const kind of ['project', 'task', 'brand'] as const) {
    for (const e of index.all(kind)) {
      const x = factsOf(e);
      if (opts.programme && x.programme !== opts.programme) continue;
      const orgs = orgsOf(index, e);
      if (scope && !orgs.some((o) => scope.has(o))) continue;
      const programme = index.get('programme', x.programme);
      if (!programme) continue;
      const steps = nextSteps({ programme: programme.data, index, subject: e, today, fileExists: opts.fileExists });
      const org = (scope ? orgs.find((o) => scope.has(o)) : undefined) ?? orgs[0];
      const people: Named[] = kind === 'task' ? (x.members ?? []).map((m: string) => namedMember(index, m)!) : kind === 'project' ? [x.leader ?? x.contact].filter(Boolean).map((m: string) => namedMember(index, m)!) : [x.contact].filter(Boolean).map((m: string) => namedMember(index, m)!);
      const name = recordName(index, e, 'zh');
      const nameEn = recordName(index, e, 'en');
      for (const s of steps) {
        const status = statusOf(s, today, within);
        if (!status) continue;
        add(org, people[0], { status, ...(s.due ? { due: s.due } : {}), what: T(`${s.what.zh}：${name}`, `${s.what.en}: ${nameEn}`), command: s.command, ...(s.reason ? { reason: s.reason } : {}), ...(s.window ? { window: s.window } : {}), subject: e.id });
      }
    }
  }

  // Coverage: members without a task (task add or exemption), too few projects or brands.
  const deadlines = computeDeadlines(view, { today, within, ...(opts.org ? { org: opts.org } : {}), ...(opts.programme ? { programme: opts.programme } : {}), keep: (i) => i.kind === 'coverage' && (i.status === 'overdue' || i.status === 'due-soon') });
  for (const it of deadlines.items) {
    if (it.kind !== 'coverage' || !it.organisation || (it.status !== 'overdue' && it.status !== 'due-soon')) continue;
    const status = it.status;
    const orgRef = refFor(index, index.get('organisation', it.organisation.id)!);
    const programme = index.get('programme', it.programme)?.data;
    const open = index.where('project', 'lead', it.organisation.id).find((p) => summary(p).programme === it.programme && !!programme && takesTasks(programme, summary(p).stage));
    if (it.uid.startsWith('coverage-every-member-')) {
      for (const m of it.people) {
        const member = index.get('member', m.id);
        const ref = member ? refFor(index, member) : m.id;
        const command = open ? `djyc task add ${refFor(index, open)} --member ${ref} --content <任务内容> --due <完成时限>` : `djyc task exempt ${ref} --reason <免领理由>`;
        add(it.organisation.id, m, { status, due: it.due, what: T(`${m.name} 尚未领办任务（或记录免领理由：djyc task exempt ${ref} --reason <免领理由>）`, `${m.name} holds no task (or record an exemption: djyc task exempt ${ref} --reason <reason>)`), command });
      }
    } else if (it.uid.startsWith('coverage-projects-')) {
      add(it.organisation.id, undefined, { status, due: it.due, what: T(it.title, it.titleEn), command: `djyc new-project --title <项目名称> --org ${orgRef} --category <项目类别> --source <项目来源> --yes` });
    } else if (it.uid.startsWith('coverage-brands-')) {
      add(it.organisation.id, undefined, { status, due: it.due, what: T(it.title, it.titleEn), command: `djyc brand new --org ${orgRef} --name <品牌名称> --concept <品牌内涵>` });
    }
  }

  const out = [...groups.values()];
  for (const g of out) {
    for (const p of g.people) p.items.sort((a, b) => ORDER.indexOf(a.status) - ORDER.indexOf(b.status) || (a.due ?? '9999').localeCompare(b.due ?? '9999'));
    g.people.sort((a, b) => (a.person ? 1 : 0) - (b.person ? 1 : 0));
  }
  // The most urgent status of each group, worked out once (a spread of every item's would overflow the stack).
  const first = new Map(out.map((g) => [g, g.people.reduce((n, p) => p.items.reduce((m, i) => Math.min(m, ORDER.indexOf(i.status)), n), Infinity)]));
  out.sort((a, b) => first.get(a)! - first.get(b)!);
  return { today, groups: out, count: out.reduce((n, g) => n + g.people.reduce((m, p) => m + p.items.length, 0), 0) };
}
