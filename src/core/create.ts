import { loadRepository, RecordIndex, requireRoot, type Repository } from './repo.js';
import { newId } from './ids.js';
import { initialStage } from './programme.js';
import { serializeRecord, withAct, writeRecords, type Act, type WriteResult } from './records.js';
import { checkDate } from './workflow/common.js';
import { UsageError } from './errors.js';
import { today as todayIn } from './dates.js';
import { actor } from './git.js';
import type { Kind } from './kinds.js';
import type { ExpertRecord, MemberRecord, OrganisationRecord, ProgrammeRecord, ProjectRecord } from './types.generated.js';

/** Resolves which programme a command acts on: explicit, else the repository's default, else the only one. */
export function resolveProgramme(repo: Repository, id?: string): ProgrammeRecord {
  const index = new RecordIndex(repo);
  const wanted = id ?? repo.config.default_programme;
  const all = index.all('programme');
  const found = wanted ? index.get('programme', wanted) : all.length === 1 ? all[0] : undefined;
  if (!found) {
    const known = all.map((p) => p.id).join(', ') || '—';
    throw new UsageError(
      wanted ? `方案“${wanted}”不存在（可用：${known}）` : `请用 --programme 指定方案（可用：${known}）`,
      wanted ? `programme "${wanted}" does not exist (available: ${known})` : `choose a programme with --programme (available: ${known})`,
    );
  }
  return found.data;
}

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
    team: input.team,
    upper: input.upper,
    reason: input.reason,
    feasibility: input.feasibility,
    goals: input.goals,
    content: input.content,
    measures: input.measures,
    start: input.start,
    due: input.due,
    stage: stage.id,
    history: [{ stage: stage.id, date: history.date, by: history.by, note: history.note ?? '创建' }],
  };
}

/** Builds a project record in the programme's first stage, with its first history entry. */
export async function createProject(root: string, input: ProjectInput, opts: CreateOptions = {}): Promise<CreateResult> {
  const repo = opts.repo ?? loadRepository(root);
  const programme = resolveProgramme(repo, input.programme);
  const date = opts.date === undefined ? todayIn(opts.today) : checkDate(opts.date);
  const id = input.id ?? newId('project', { year: programme.year, slug: input.slug });
  const data = buildProjectRecord(programme, input, id, { date, by: opts.by?.trim() || (await actor(root)), note: opts.note?.trim() || undefined });
  return write(root, 'project', id, data, `djyc new-project: ${id} ${input.title}`, { ...opts, repo });
}

async function write(root: string, kind: Kind, id: string, data: object, message: string, opts: CreateOptions): Promise<CreateResult> {
  const text = serializeRecord(kind, data);
  const act: Act = { date: opts.date, by: opts.by, note: opts.note };
  const result = await writeRecords(root, [{ kind, id, data, text }], message, { repo: opts.repo, today: opts.today, dryRun: opts.dryRun, act });
  return { ...result, id, path: result.paths[0]!, text, message: withAct(message, act), dryRun: !!opts.dryRun };
}

export async function createSimple<K extends 'organisation' | 'member' | 'expert'>(
  root: string,
  kind: K,
  data: Omit<K extends 'organisation' ? OrganisationRecord : K extends 'member' ? MemberRecord : ExpertRecord, 'id'> & { id?: string },
  opts: CreateOptions & { slug?: string } = {},
): Promise<CreateResult> {
  // These records have no history of their own: the act is kept in the commit (see `withAct`), its date checked the same way.
  if (opts.date !== undefined) checkDate(opts.date);
  const id = data.id ?? newId(kind as Kind, { slug: opts.slug });
  const record = { ...data, id };
  const label = (record as { name?: string }).name ?? '';
  return write(root, kind, id, record, `djyc new-${kind === 'organisation' ? 'org' : kind}: ${id} ${label}`, opts);
}

export { requireRoot };
