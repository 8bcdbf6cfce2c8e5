import type { Command } from 'commander';
import type { Runner } from '../runner.js';
import { T, tr, type Lang, type Text } from '../../domain/i18n.js';
import type { CliContext } from '../io.js';
import { requireRoot } from '../../store/root.js';
import type { CreateResult, ProjectInput } from '../../commands/create.js';
import { RefusedError, UsageError } from '../../domain/errors.js';
import { isIsoDate } from '../../domain/dates.js';
import { askCheckbox, askConfirm, askSelect, askText, isPromptCancel, type Choice } from '../prompts.js';
import { formatProblemMessage } from '../../domain/problem.js';
import { RecordIndex, type Repository, summary } from '../../domain/records.js';
import { resolveRecord } from '../../domain/resolve.js';
import { pickProgramme } from '../programme-choice.js';
import { today as todayIn } from '../../store/clock.js';
import { jsonSteps, printNext, printOp } from '../workflow-output.js';
import { command, addOptions, NOTES, options, SHARED, use, WRITE, type Options } from '../options.js';

async function printResult(ctx: CliContext, kind: Text, r: CreateResult, json?: boolean) {
  if (r.dryRun) {
    const { lineDiff } = await import('../../commands/workspace.js');
    // What would be written, as the workflow commands show it; nothing is.
    const op = { dryRun: true, commit: '', message: r.message, changes: [{ path: r.path, action: 'create' as const, diff: lineDiff('', r.text) }], warnings: r.warnings, notes: [], next: [] };
    return printOp(ctx, op, T(`将新建${kind.zh}：${r.id}`, `would create ${kind.en}: ${r.id}`), json, { id: r.id, path: r.path });
  }
  if (json) return ctx.out(JSON.stringify({ id: r.id, path: r.path, commit: r.commit, nextSteps: jsonSteps(ctx.lang, r.next) }, null, 2));
  for (const w of r.warnings) ctx.err(`${w.file}:${w.line}:${w.col}  ${tr(ctx.lang, '警告', 'warning')}  ${formatProblemMessage(w, ctx.lang)}`);
  ctx.out(tr(ctx.lang, `已新建${kind.zh}：${r.id}\n文件：${r.path}\n提交：${r.commit.slice(0, 8)}`, `created ${kind.en}: ${r.id}\nfile: ${r.path}\ncommit: ${r.commit.slice(0, 8)}`));
  printNext(ctx, r.next);
}

function missing(lang: Lang, flag: string): never {
  throw new UsageError(`缺少必填项 ${flag}（非交互模式下不会提问）`, `missing required ${flag} (no prompts without a terminal)`);
}

function orgChoices(index: RecordIndex): Choice[] {
  return index.all('organisation').filter((o) => !summary(o).external).map((o) => ({ value: o.id, name: `${summary(o).short_name ?? summary(o).name}（${o.id}）` }));
}

function memberChoices(index: RecordIndex, org?: string): Choice[] {
  return index.all('member').filter((m) => !org || summary(m).organisation === org).map((m) => ({ value: m.id, name: `${summary(m).name}${summary(m).party_title ? `，${summary(m).party_title}` : ''}（${m.id}）` }));
}

/** Options of every new-* command: an explicit id or a readable part of a generated one, no prompts, and the write group. */
const COMMON = options({
  id: use(SHARED.id, { note: { zh: '默认自动生成', en: 'default: generated' } }),
  slug: SHARED.slug,
  yes: SHARED.yes,
  ...WRITE,
});

const PROJECT = options({
  programme: use(SHARED.programme, { note: NOTES.currentProgramme }),
  title: { flags: '--title <text>', zh: '项目名称', en: 'title' },
  category: { flags: '--category <name>', zh: '项目类别', en: 'category', repeat: 'split' },
  source: { flags: '--source <name>', zh: '项目来源：上级提议 / 自行申报 / 社会征集', en: 'source: 上级提议 / 自行申报 / 社会征集' },
  org: use(SHARED.org, { note: { zh: '领办（申报）的党组织', en: 'the lead organisation' } }),
  proposedBy: { flags: '--proposed-by <id>', zh: '申报（提议）单位编号（默认同领办单位；认领前可只填此项）', en: 'proposing organisation id (default: the lead; before a claim it may stand alone)' },
  leader: { flags: '--leader <id>', zh: '项目负责人（党员编号）', en: 'project leader (member id)' },
  contact: { flags: '--contact <id>', zh: '联系人（党员编号）', en: 'contact (member id)' },
  coOrganiser: { flags: '--co-organiser <id>', zh: '联办单位编号', en: 'co-organiser id', repeat: 'split' },
  upper: { flags: '--upper <id>', zh: '报送的上级党组织编号', en: 'upper organisation id' },
  reason: { flags: '--reason <text>', zh: '理由依据', en: 'reason and basis' },
  feasibility: { flags: '--feasibility <text>', zh: '可行性分析', en: 'feasibility' },
  goals: { flags: '--goals <text>', zh: '目标要求', en: 'goals' },
  content: { flags: '--content <text>', zh: '主要内容', en: 'content' },
  measures: { flags: '--measures <text>', zh: '推进措施', en: 'measures' },
  start: { flags: '--start <YYYY-MM-DD>', zh: '开始日期', en: 'start date' },
  due: { flags: '--due <YYYY-MM-DD>', zh: '完成时限', en: 'due date' },
  team: { flags: '--team <member[:role]>', zh: '项目组成员及其在项目组的职务，如 孙晓燕:副组长', en: 'a team member and their role in the team, e.g. 孙晓燕:副组长', repeat: 'whole' },
  schedule: { flags: '--schedule <from~to:work>', zh: '进度安排一段，如 2017-03-01~2017-06-30:制定标准（日期可省）', en: 'one period of the schedule, e.g. 2017-03-01~2017-06-30:set the standard (dates optional)', repeat: 'whole' },
  ...COMMON,
});

const ORG_TYPES = ['党委', '党工委', '机关工委', '党总支', '党支部', '党组', '党小组', '其他'];

const ORG = options({
  name: { flags: '--name <name>', zh: '党组织名称', en: 'name' },
  shortName: { flags: '--short-name <name>', zh: '简称', en: 'short name' },
  type: { flags: '--type <type>', zh: '组织类型', en: 'type', choices: ORG_TYPES },
  unit: { flags: '--unit <name>', zh: '所在单位', en: 'unit' },
  parent: { flags: '--parent <id>', zh: '上级党组织编号', en: 'parent organisation id' },
  external: { flags: '--external', zh: '外部组织（只作引用）', en: 'external organisation (reference only)' },
  ...COMMON,
});

const MEMBER = options({
  name: { flags: '--name <name>', zh: '姓名', en: 'name' },
  org: use(SHARED.org, { note: { zh: '所在党组织', en: "the member's organisation" } }),
  adminTitle: { flags: '--admin-title <text>', zh: '行政职务', en: 'administrative title' },
  partyTitle: { flags: '--party-title <text>', zh: '党内职务', en: 'party title' },
  phone: { flags: '--phone <digits>', zh: '联系电话（个人信息）', en: 'phone (personal data)' },
  ...COMMON,
});

const EXPERT = options({
  name: { flags: '--name <name>', zh: '姓名', en: 'name' },
  category: { flags: '--category <name>', zh: '擅长类别', en: 'category', repeat: 'split' },
  unit: { flags: '--unit <name>', zh: '工作单位', en: 'unit' },
  org: use(SHARED.org, { note: { zh: '所在党组织，用于回避', en: "the expert's organisation, for conflicts of interest" } }),
  title: { flags: '--title <text>', zh: '职务职称', en: 'title' },
  ...COMMON,
});

type ProjectFlags = Options<typeof PROJECT>;

/** The act and the dry run, as the core's create functions take them. */
function createOptions(f: Options<typeof COMMON>) {
  return { date: f.date, by: f.by, note: f.note, dryRun: f.dryRun };
}

/** Fills what flags left out: asks on a terminal, refuses (naming the flag) without one. */
async function projectInput(ctx: CliContext, repo: Repository, f: ProjectFlags): Promise<ProjectInput> {
  const index = new RecordIndex(repo);
  // The act's day picks the round (a project filed with --date 2020-03-16 belongs to 2020's programme).
  const programme = pickProgramme(ctx, repo, f.programme, f.date && isIsoDate(f.date) ? f.date : todayIn());
  const ask = ctx.interactive && !f.yes;
  // Records named by name, short name, number or id (domain/resolve.ts), kept as ids.
  const org = (text: string | undefined, flag: string) => (text ? resolveRecord(index, text, ['organisation'], flag).id : undefined);
  const person = (text: string | undefined, flag: string) => (text ? resolveRecord(index, text, ['member'], flag).id : undefined);
  const team = f.team?.map((t) => {
    const m = /^(.+?)(?:\s*[:：]\s*(.*))?$/.exec(t.trim());
    return { member: person(m![1]!.trim(), '--team')!, ...(m![2]?.trim() ? { role: m![2].trim() } : {}) };
  });
  const schedule = f.schedule?.map(parseSchedule);
  f = { ...f, org: org(f.org, '--org'), proposedBy: org(f.proposedBy, '--proposed-by'), upper: org(f.upper, '--upper'), leader: person(f.leader, '--leader'), contact: person(f.contact, '--contact'), coOrganiser: f.coOrganiser?.map((c) => org(c, '--co-organiser')!) };
  const lang = ctx.lang;
  const title = f.title ?? (ask ? await askText(lang, '项目名称', 'project title', { required: true }) : missing(lang, '--title'));
  const cats = programme.project?.categories ?? [];
  let categories = f.category;
  if (!categories?.length && cats.length) {
    if (ask) {
      const choices = cats.map((c) => ({ value: c, name: c }));
      categories = programme.project?.multiple_categories
        ? await askCheckbox(lang, '项目类别（可多选）', 'categories (several allowed)', choices)
        : [await askSelect(lang, '项目类别', 'category', choices)];
    } else missing(lang, '--category');
  }
  const sources = programme.project?.sources ?? [];
  let source = f.source;
  if (!source && sources.length) source = ask ? await askSelect(lang, '项目来源', 'source', sources.map((s) => ({ value: s, name: s }))) : missing(lang, '--source');
  let lead = f.org;
  // A project proposed by one organisation (上级提议, or declared before 认领) may have no lead yet.
  if (!lead && !f.proposedBy) {
    const choices = orgChoices(index);
    if (!choices.length) throw new UsageError('记录库中还没有党组织，请先运行 djyc new-org', 'no organisations yet: run djyc new-org first');
    lead = ask ? await askSelect(lang, '领办（申报）党组织', 'lead organisation', choices) : missing(lang, '--org');
  }
  let leader = f.leader;
  if (!leader && ask) {
    const choices = memberChoices(index, lead);
    const secretary = index.get('organisation', lead)?.data.secretary;
    if (choices.length) leader = await askSelect(lang, '项目负责人', 'leader', secretary ? [...choices.filter((c) => c.value === secretary), ...choices.filter((c) => c.value !== secretary)] : choices);
  }
  const text = async (value: string | undefined, zh: string, en: string) => value ?? (ask ? (await askText(lang, zh, en)) || undefined : undefined);
  const reason = await text(f.reason, '理由依据', 'reason and basis');
  const feasibility = programme.project?.leader_is_secretary ? await text(f.feasibility, '可行性分析', 'feasibility') : f.feasibility;
  const goals = await text(f.goals, '目标要求', 'goals');
  const content = await text(f.content, '主要内容', 'content');
  const measures = await text(f.measures, '推进措施', 'measures');
  const dateCheck = (v: string) => !v || isIsoDate(v) || tr(lang, '日期格式为 YYYY-MM-DD', 'dates look like YYYY-MM-DD');
  const due = f.due ?? (ask ? (await askText(lang, '完成时限（YYYY-MM-DD，可留空）', 'due date (YYYY-MM-DD, optional)', { validate: dateCheck })) || undefined : undefined);
  if (ask && !f.dryRun && !(await askConfirm(lang, `新建项目“${title}”并提交？`, `create project "${title}" and commit?`))) {
    throw new RefusedError('已取消，未写入任何文件', 'cancelled; nothing was written');
  }
  return {
    programme: programme.id, id: f.id, slug: f.slug, title, categories, source, lead, proposedBy: f.proposedBy, leader, contact: f.contact, reason, feasibility,
    goals, content, measures, start: f.start, due, coOrganisers: f.coOrganiser, upper: f.upper, team, schedule,
  };
}

/** One period of a schedule: `2017-03-01~2017-06-30:work` (至 for ~, ： for :; either date, or both, may be left out). */
export function parseSchedule(text: string): { from?: string; to?: string; work: string } {
  const m = /^\s*(\d{4}-\d{2}-\d{2})?\s*(?:(?:~|～|至)\s*(\d{4}-\d{2}-\d{2})?)?\s*[:：]\s*(\S[\s\S]*)$/.exec(text);
  const bad = () => new UsageError(`--schedule “${text}”：应为 起始日期~结束日期:工作内容，如 2017-03-01~2017-06-30:制定标准`, `--schedule "${text}": expected from~to:work, e.g. 2017-03-01~2017-06-30:set the standard`);
  if (!m) {
    if (/^\s*\d{4}-/.test(text)) throw bad();
    if (!text.trim()) throw bad();
    return { work: text.trim() };
  }
  const [, from, to, work] = m;
  for (const d of [from, to]) if (d && !isIsoDate(d)) throw bad();
  if (from && to && from > to) throw new UsageError(`--schedule “${text}”：开始日期晚于结束日期`, `--schedule "${text}": starts after it ends`);
  return { ...(from ? { from } : {}), ...(to ? { to } : {}), work: work!.trim() };
}

function withPromptGuard<T extends unknown[]>(fn: (...a: T) => Promise<number | void>) {
  return async (...a: T) => {
    try {
      return await fn(...a);
    } catch (err) {
      if (isPromptCancel(err)) throw new RefusedError('已取消，未写入任何文件', 'cancelled; nothing was written');
      throw err;
    }
  };
}

export function register(program: Command, run: Runner, lang: Lang): void {
  command(program, lang, 'new-project', T('新建项目（终端中逐项提问；有参数或无终端时不提问）', 'create a project (asks on a terminal; never asks with flags or without one)'), PROJECT).action(
    run(withPromptGuard(async (ctx, f: ProjectFlags) => {
      const root = requireRoot(ctx.cwd);
      const { loadRepository } = await import('../../store/repo.js');
      const { createProject } = await import('../../commands/create.js');
      const repo = loadRepository(root);
      const input = await projectInput(ctx, repo, f);
      await printResult(ctx, T('项目', 'project'), await createProject(root, input, { repo, ...createOptions(f) }), f.json);
    })),
  );

  const org = program.command('new-org').description(tr(lang, '新建党组织', 'create an organisation'));
  addOptions(org, ORG, lang).action(
    run(withPromptGuard(async (ctx, f: Options<typeof ORG>) => {
      const root = requireRoot(ctx.cwd);
      const { loadRepository } = await import('../../store/repo.js');
      const { createSimple } = await import('../../commands/create.js');
      const repo = loadRepository(root);
      const ask = ctx.interactive && !f.yes;
      const name = f.name ?? (ask ? await askText(ctx.lang, '党组织名称', 'name', { required: true }) : missing(ctx.lang, '--name'));
      const type = f.type ?? (ask ? await askSelect(ctx.lang, '组织类型', 'type', ORG_TYPES.map((t) => ({ value: t, name: t }))) : missing(ctx.lang, '--type'));
      const parent = f.parent ? resolveRecord(new RecordIndex(repo), f.parent, ['organisation'], '--parent').id : undefined;
      const r = await createSimple(root, 'organisation', { id: f.id, name, short_name: f.shortName, type: type as never, unit: f.unit, parent, external: f.external || undefined }, { slug: f.slug, repo, ...createOptions(f) });
      await printResult(ctx, T('党组织', 'organisation'), r, f.json);
    })),
  );

  const member = program.command('new-member').description(tr(lang, '新建党员', 'create a member'));
  addOptions(member, MEMBER, lang).action(
    run(withPromptGuard(async (ctx, f: Options<typeof MEMBER>) => {
      const root = requireRoot(ctx.cwd);
      const { loadRepository } = await import('../../store/repo.js');
      const { createSimple } = await import('../../commands/create.js');
      const repo = loadRepository(root);
      const ask = ctx.interactive && !f.yes;
      const name = f.name ?? (ask ? await askText(ctx.lang, '姓名', 'name', { required: true }) : missing(ctx.lang, '--name'));
      const org = f.org ? resolveRecord(new RecordIndex(repo), f.org, ['organisation'], '--org').id : ask ? await askSelect(ctx.lang, '所在党组织', 'organisation', orgChoices(new RecordIndex(repo))) : missing(ctx.lang, '--org');
      const r = await createSimple(root, 'member', { id: f.id, name, organisation: org, admin_title: f.adminTitle, party_title: f.partyTitle, phone: f.phone }, { slug: f.slug, repo, ...createOptions(f) });
      await printResult(ctx, T('党员', 'member'), r, f.json);
    })),
  );

  const expert = program.command('new-expert').description(tr(lang, '新建专家（专家库）', 'create an expert (expert pool)'));
  addOptions(expert, EXPERT, lang).action(
    run(withPromptGuard(async (ctx, f: Options<typeof EXPERT>) => {
      const root = requireRoot(ctx.cwd);
      const { loadRepository } = await import('../../store/repo.js');
      const { createSimple } = await import('../../commands/create.js');
      const repo = loadRepository(root);
      const ask = ctx.interactive && !f.yes;
      const name = f.name ?? (ask ? await askText(ctx.lang, '姓名', 'name', { required: true }) : missing(ctx.lang, '--name'));
      let categories = f.category;
      if (!categories?.length) {
        const cats = [...new Set(new RecordIndex(repo).all('programme').flatMap((p) => p.data.project?.categories ?? []))];
        categories = ask && cats.length ? await askCheckbox(ctx.lang, '擅长类别', 'categories', cats.map((c) => ({ value: c, name: c }))) : missing(ctx.lang, '--category');
      }
      const r = await createSimple(root, 'expert', { id: f.id, name, categories, unit: f.unit, organisation: f.org ? resolveRecord(new RecordIndex(repo), f.org, ['organisation'], '--org').id : undefined, title: f.title }, { slug: f.slug, repo, ...createOptions(f) });
      await printResult(ctx, T('专家', 'expert'), r, f.json);
    })),
  );
}
