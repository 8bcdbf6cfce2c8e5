import { loadRepository } from '../store/repo.js';
import fs from 'node:fs';
import path from 'node:path';
import { initialStage } from '../domain/programme.js';
import { recordPath } from '../domain/kinds.js';
import { nextSteps, takesTasks, type Step } from '../domain/next.js';
import { refFor } from '../domain/resolve.js';
import { T } from '../domain/i18n.js';
import { serializeRecord, withAct, writeRecords, type Act, type WriteResult, newRecordId } from '../store/records.js';
import { checkDate } from './workspace.js';
import { UsageError } from '../domain/errors.js';
import { resolveProgramme } from '../domain/programme.js';
import { actor } from '../store/git.js';
import type { Kind } from '../domain/kinds.js';
import type { ExpertRecord, MemberRecord, OrganisationRecord, ProgrammeRecord, ProjectRecord } from '../domain/types.generated.js';
import { RecordIndex, type RecordEntry, type Repository, summary } from '../domain/records.js';
import { today as todayIn } from '../store/clock.js';

export interface ProjectInput {
  programme?: string;
  id?: string;
  slug?: string;
  title: string;
  categories?: string[];
  source?: string;
  lead?: string;
  proposedBy?: string;
  leader?: string;
  contact?: string;
  reason?: string;
  feasibility?: string;
  goals?: string;
  content?: string;
  measures?: string;
  start?: string;
  due?: string;
  team?: { member: string; role?: string }[];
  schedule?: { from?: string; to?: string; work: string }[];
  coOrganisers?: string[];
  upper?: string;
}

export interface CreateResult extends WriteResult {
  id: string;
  path: string;
  /** The record file as written (or, for a dry run, as it would be). */
  text: string;
  /** The commit message (with the act's trailers). */
  message: string;
  dryRun: boolean;
  /** What comes next for the new record (domain/next.ts), each with its command. */
  next: Step[];
}

/** How a new record is made: the act (`--date`, `--by`, `--note`), and `dryRun` to validate and describe it only. */
export interface CreateOptions extends Act {
  today?: string;
  repo?: Repository;
  dryRun?: boolean;
}

/** A new project record in the programme's first stage, with its first history entry (shared by new-project and import). */
export function buildProjectRecord(programme: ProgrammeRecord, input: ProjectInput, id: string, history: { date: string; by: string; note?: string }): ProjectRecord {
  const stage = initialStage(programme, 'project');
  if (!stage || programme.project?.enabled === false) {
    throw new UsageError(`方案“${programme.id}”不使用项目`, `programme "${programme.id}" has no projects`);
  }
  return {
    id,
    programme: programme.id,
    title: input.title,
    categories: input.categories,
    source: input.source,
    proposed_by: input.proposedBy ?? input.lead,
    lead: input.lead,
    co_organisers: input.coOrganisers?.map((organisation) => ({ organisation })),
    leader: input.leader,
    contact: input.contact,
    team: input.team?.length ? input.team : undefined,
    upper: input.upper,
    reason: input.reason,
    feasibility: input.feasibility,
    goals: input.goals,
    content: input.content,
    measures: input.measures,
    schedule: input.schedule?.length ? input.schedule : undefined,
    start: input.start,
    due: input.due,
    stage: stage.id,
    history: [{ stage: stage.id, date: history.date, by: history.by, note: history.note ?? '创建' }],
  };
}

/** Builds a project record in the programme's first stage, with its first history entry. */
export async function createProject(root: string, input: ProjectInput, opts: CreateOptions = {}): Promise<CreateResult> {
  const repo = opts.repo ?? loadRepository(root);
  const date = opts.date === undefined ? todayIn(opts.today) : checkDate(opts.date);
  const programme = resolveProgramme(repo, input.programme, date);
  const id = input.id ?? newRecordId('project', { year: programme.year, slug: input.slug, name: { kind: 'title', name: input.title } });
  const data = buildProjectRecord(programme, input, id, { date, by: opts.by?.trim() || (await actor(root)), note: opts.note?.trim() || undefined });
  return write(root, 'project', id, data, `djyc new-project: ${id} ${input.title}`, { ...opts, repo });
}

async function write(root: string, kind: Kind, id: string, data: object, message: string, opts: CreateOptions): Promise<CreateResult> {
  const text = serializeRecord(kind, data);
  const act: Act = { date: opts.date, by: opts.by, note: opts.note };
  const result = await writeRecords(root, [{ kind, id, data, text }], message, { repo: opts.repo, today: opts.today, dryRun: opts.dryRun, act });
  const repo = opts.repo ?? loadRepository(root);
  const next = opts.dryRun ? [] : nextAfterCreate(root, repo, { kind, id, file: recordPath(kind, id), data: data as never, text }, opts.date ?? todayIn(opts.today));
  return { ...result, id, path: result.paths[0]!, text, message: withAct(message, act), dryRun: !!opts.dryRun, next };
}

/**
 * What comes next after a new record: a project's next stage (domain/next.ts); an organisation's members; a
 * member's task in a project of the organisation that is taking tasks.
 */
function nextAfterCreate(root: string, repo: Repository, entry: RecordEntry, today: string): Step[] {
  const index = new RecordIndex({ ...repo, records: [...repo.records.filter((r) => r.id !== entry.id), entry] });
  const added = index.any(entry.id)!;
  if (entry.kind === 'project') {
    const programme = index.get('programme', (entry.data as { programme?: string }).programme);
    return programme ? nextSteps({ programme: programme.data, index, subject: added, today, fileExists: (rel) => fs.existsSync(path.join(root, rel)) }) : [];
  }
  if (entry.kind === 'organisation') {
    return [{ kind: 'guard', subject: entry.id, command: `djyc new-member --name <姓名> --org ${refFor(index, added)} --admin-title <行政职务> --party-title <党内职务>`, what: T('登记本组织的党员', 'enter its members') }];
  }
  if (entry.kind === 'member') {
    const org = (entry.data as { organisation?: string }).organisation;
    const open = index.all('project').filter((p) => summary(p).lead === org && !!index.get('programme', summary(p).programme) && takesTasks(index.get('programme', summary(p).programme)!.data, summary(p).stage));
    return open.slice(0, 1).map((p) => ({ kind: 'guard' as const, subject: entry.id, command: `djyc task add ${refFor(index, p)} --member ${refFor(index, added)} --content <任务内容> --due <完成时限>`, what: T('认领任务（签订承诺书）', 'take a task (and sign the commitment)') }));
  }
  return [];
}

export async function createSimple<K extends 'organisation' | 'member' | 'expert'>(
  root: string,
  kind: K,
  data: Omit<K extends 'organisation' ? OrganisationRecord : K extends 'member' ? MemberRecord : ExpertRecord, 'id'> & { id?: string },
  opts: CreateOptions & { slug?: string } = {},
): Promise<CreateResult> {
  // These records have no history of their own: the act is kept in the commit (see `withAct`), its date checked the same way.
  if (opts.date !== undefined) checkDate(opts.date);
  const named = data as { name?: string; short_name?: string };
  const id = data.id ?? newRecordId(kind as Kind, { slug: opts.slug, name: kind === 'organisation' ? { kind: 'organisation', name: named.short_name ?? named.name ?? '' } : { kind: 'person', name: named.name ?? '' } });
  const record = { ...data, id };
  const label = (record as { name?: string }).name ?? '';
  return write(root, kind, id, record, `djyc new-${kind === 'organisation' ? 'org' : kind}: ${id} ${label}`, opts);
}
