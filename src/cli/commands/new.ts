import type { Command } from 'commander';
import type { Runner } from '../main.js';
import { type Lang, tr } from '../../domain/i18n.js';
import type { CliContext } from '../io.js';
import { loadRepository, requireRoot } from '../../store/repo.js';
import { createProject, createSimple, type CreateResult, type ProjectInput } from '../../commands/create.js';
import { RefusedError, UsageError } from '../../domain/errors.js';
import { isIsoDate } from '../../domain/dates.js';
import { askCheckbox, askConfirm, askSelect, askText, isPromptCancel, type Choice } from '../prompts.js';
import { formatProblemMessage } from '../../domain/problem.js';
import { RecordIndex, type Repository } from '../../domain/records.js';
import { resolveProgramme } from '../../domain/programme.js';

const list = (v: string, prev: string[] = []) => [...prev, ...v.split(/[,，、]/).map((s) => s.trim()).filter(Boolean)];

function printResult(ctx: CliContext, kindZh: string, kindEn: string, r: CreateResult, json?: boolean) {
  if (json) return ctx.out(JSON.stringify({ id: r.id, path: r.path, commit: r.commit }, null, 2));
  for (const w of r.warnings) ctx.err(`${w.file}:${w.line}:${w.col}  ${tr(ctx.lang, '警告', 'warning')}  ${formatProblemMessage(w, ctx.lang)}`);
  ctx.out(tr(ctx.lang, `已新建${kindZh}：${r.id}\n文件：${r.path}\n提交：${r.commit.slice(0, 8)}`, `created ${kindEn}: ${r.id}\nfile: ${r.path}\ncommit: ${r.commit.slice(0, 8)}`));
}

function missing(lang: Lang, flag: string): never {
  throw new UsageError(`缺少必填项 ${flag}（非交互模式下不会提问）`, `missing required ${flag} (no prompts without a terminal)`);
}

function orgChoices(index: RecordIndex): Choice[] {
  return index.all('organisation').filter((o) => !o.data.external).map((o) => ({ value: o.id, name: `${o.data.short_name ?? o.data.name}（${o.id}）` }));
}

function memberChoices(index: RecordIndex, org?: string): Choice[] {
  return index.all('member').filter((m) => !org || m.data.organisation === org).map((m) => ({ value: m.id, name: `${m.data.name}${m.data.party_title ? `，${m.data.party_title}` : ''}（${m.id}）` }));
}

interface ProjectFlags {
  programme?: string; id?: string; slug?: string; title?: string; category?: string[]; source?: string; org?: string; proposedBy?: string; leader?: string;
  contact?: string; reason?: string; feasibility?: string; goals?: string; content?: string; measures?: string; start?: string; due?: string;
  coOrganiser?: string[]; upper?: string; yes?: boolean; json?: boolean;
}

/** Fills what flags left out: asks on a terminal, refuses (naming the flag) without one. */
async function projectInput(ctx: CliContext, repo: Repository, f: ProjectFlags): Promise<ProjectInput> {
  const index = new RecordIndex(repo);
  const programme = resolveProgramme(repo, f.programme);
  const ask = ctx.interactive && !f.yes;
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
  if (ask && !(await askConfirm(lang, `新建项目“${title}”并提交？`, `create project "${title}" and commit?`))) {
    throw new RefusedError('已取消，未写入任何文件', 'cancelled; nothing was written');
  }
  return {
    programme: programme.id, id: f.id, slug: f.slug, title, categories, source, lead, proposedBy: f.proposedBy, leader, contact: f.contact, reason, feasibility,
    goals, content, measures, start: f.start, due, coOrganisers: f.coOrganiser, upper: f.upper,
  };
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
  program
    .command('new-project')
    .description(tr(lang, '新建项目（终端中逐项提问；有参数或无终端时不提问）', 'create a project (asks on a terminal; never asks with flags or without one)'))
    .option('--programme <id>', tr(lang, '方案编号（默认 djyc.yaml 中的默认方案）', 'programme id (default from djyc.yaml)'))
    .option('--title <text>', tr(lang, '项目名称', 'title'))
    .option('--category <name>', tr(lang, '项目类别（可重复或用逗号分隔）', 'category (repeat or comma-separate)'), list)
    .option('--source <name>', tr(lang, '项目来源：上级提议 / 自行申报 / 社会征集', 'source'))
    .option('--org <id>', tr(lang, '领办（申报）党组织编号', 'lead organisation id'))
    .option('--proposed-by <id>', tr(lang, '申报（提议）单位编号（默认同领办单位；认领前可只填此项）', 'proposing organisation id (default: the lead; before a claim it may stand alone)'))
    .option('--leader <id>', tr(lang, '项目负责人（党员编号）', 'leader (member id)'))
    .option('--contact <id>', tr(lang, '联系人（党员编号）', 'contact (member id)'))
    .option('--co-organiser <id>', tr(lang, '联办单位（可重复）', 'co-organiser (repeatable)'), list)
    .option('--upper <id>', tr(lang, '报送上级党组织', 'upper organisation'))
    .option('--reason <text>', tr(lang, '理由依据', 'reason and basis'))
    .option('--feasibility <text>', tr(lang, '可行性分析', 'feasibility'))
    .option('--goals <text>', tr(lang, '目标要求', 'goals'))
    .option('--content <text>', tr(lang, '主要内容', 'content'))
    .option('--measures <text>', tr(lang, '推进措施', 'measures'))
    .option('--start <date>', tr(lang, '开始日期', 'start date'))
    .option('--due <date>', tr(lang, '完成时限', 'due date'))
    .option('--id <id>', tr(lang, '指定编号（默认自动生成）', 'explicit id (default generated)'))
    .option('--slug <text>', tr(lang, '编号中的可读部分（英文或拼音）', 'readable part of the id'))
    .option('-y, --yes', tr(lang, '不提问，缺项即报错', 'never ask; missing fields are errors'))
    .option('--json', tr(lang, '以 JSON 输出编号和路径', 'print id and path as JSON'))
    .action(
      run(withPromptGuard(async (ctx, f: ProjectFlags) => {
        const root = requireRoot(ctx.cwd);
        const repo = loadRepository(root);
        const input = await projectInput(ctx, repo, f);
        printResult(ctx, '项目', 'project', await createProject(root, input, { repo }), f.json);
      })),
    );

  program
    .command('new-org')
    .description(tr(lang, '新建党组织', 'create an organisation'))
    .option('--name <name>', tr(lang, '党组织名称', 'name'))
    .option('--short-name <name>', tr(lang, '简称', 'short name'))
    .option('--type <type>', tr(lang, '类型：党委 / 党总支 / 党支部 / 党组 …', 'type: 党委 / 党总支 / 党支部 / 党组 …'))
    .option('--unit <name>', tr(lang, '所在单位', 'unit'))
    .option('--parent <id>', tr(lang, '上级党组织编号', 'parent organisation id'))
    .option('--external', tr(lang, '外部组织（只作引用）', 'external organisation (reference only)'))
    .option('--id <id>', tr(lang, '指定编号', 'explicit id'))
    .option('--slug <text>', tr(lang, '编号中的可读部分', 'readable part of the id'))
    .option('-y, --yes', tr(lang, '不提问', 'never ask'))
    .option('--json', tr(lang, '以 JSON 输出', 'print JSON'))
    .action(
      run(withPromptGuard(async (ctx, f: { name?: string; shortName?: string; type?: string; unit?: string; parent?: string; external?: boolean; id?: string; slug?: string; yes?: boolean; json?: boolean }) => {
        const root = requireRoot(ctx.cwd);
        const repo = loadRepository(root);
        const ask = ctx.interactive && !f.yes;
        const name = f.name ?? (ask ? await askText(ctx.lang, '党组织名称', 'name', { required: true }) : missing(ctx.lang, '--name'));
        const types = ['党委', '党工委', '机关工委', '党总支', '党支部', '党组', '党小组', '其他'];
        const type = f.type ?? (ask ? await askSelect(ctx.lang, '组织类型', 'type', types.map((t) => ({ value: t, name: t }))) : missing(ctx.lang, '--type'));
        const r = await createSimple(root, 'organisation', { id: f.id, name, short_name: f.shortName, type: type as never, unit: f.unit, parent: f.parent, external: f.external || undefined }, { slug: f.slug, repo });
        printResult(ctx, '党组织', 'organisation', r, f.json);
      })),
    );

  program
    .command('new-member')
    .description(tr(lang, '新建党员', 'create a member'))
    .option('--name <name>', tr(lang, '姓名', 'name'))
    .option('--org <id>', tr(lang, '所在党组织编号', 'organisation id'))
    .option('--admin-title <text>', tr(lang, '行政职务', 'administrative title'))
    .option('--party-title <text>', tr(lang, '党内职务', 'party title'))
    .option('--phone <digits>', tr(lang, '联系电话（个人信息）', 'phone (personal data)'))
    .option('--id <id>', tr(lang, '指定编号', 'explicit id'))
    .option('--slug <text>', tr(lang, '编号中的可读部分', 'readable part of the id'))
    .option('-y, --yes', tr(lang, '不提问', 'never ask'))
    .option('--json', tr(lang, '以 JSON 输出', 'print JSON'))
    .action(
      run(withPromptGuard(async (ctx, f: { name?: string; org?: string; adminTitle?: string; partyTitle?: string; phone?: string; id?: string; slug?: string; yes?: boolean; json?: boolean }) => {
        const root = requireRoot(ctx.cwd);
        const repo = loadRepository(root);
        const ask = ctx.interactive && !f.yes;
        const name = f.name ?? (ask ? await askText(ctx.lang, '姓名', 'name', { required: true }) : missing(ctx.lang, '--name'));
        const org = f.org ?? (ask ? await askSelect(ctx.lang, '所在党组织', 'organisation', orgChoices(new RecordIndex(repo))) : missing(ctx.lang, '--org'));
        const r = await createSimple(root, 'member', { id: f.id, name, organisation: org, admin_title: f.adminTitle, party_title: f.partyTitle, phone: f.phone }, { slug: f.slug, repo });
        printResult(ctx, '党员', 'member', r, f.json);
      })),
    );

  program
    .command('new-expert')
    .description(tr(lang, '新建专家（专家库）', 'create an expert (expert pool)'))
    .option('--name <name>', tr(lang, '姓名', 'name'))
    .option('--category <name>', tr(lang, '擅长类别（可重复）', 'category (repeatable)'), list)
    .option('--unit <name>', tr(lang, '工作单位', 'unit'))
    .option('--org <id>', tr(lang, '所在党组织编号（用于回避）', 'organisation id (for conflicts of interest)'))
    .option('--title <text>', tr(lang, '职务职称', 'title'))
    .option('--id <id>', tr(lang, '指定编号', 'explicit id'))
    .option('--slug <text>', tr(lang, '编号中的可读部分', 'readable part of the id'))
    .option('-y, --yes', tr(lang, '不提问', 'never ask'))
    .option('--json', tr(lang, '以 JSON 输出', 'print JSON'))
    .action(
      run(withPromptGuard(async (ctx, f: { name?: string; category?: string[]; unit?: string; org?: string; title?: string; id?: string; slug?: string; yes?: boolean; json?: boolean }) => {
        const root = requireRoot(ctx.cwd);
        const repo = loadRepository(root);
        const ask = ctx.interactive && !f.yes;
        const name = f.name ?? (ask ? await askText(ctx.lang, '姓名', 'name', { required: true }) : missing(ctx.lang, '--name'));
        let categories = f.category;
        if (!categories?.length) {
          const cats = [...new Set(new RecordIndex(repo).all('programme').flatMap((p) => p.data.project?.categories ?? []))];
          categories = ask && cats.length ? await askCheckbox(ctx.lang, '擅长类别', 'categories', cats.map((c) => ({ value: c, name: c }))) : missing(ctx.lang, '--category');
        }
        const r = await createSimple(root, 'expert', { id: f.id, name, categories, unit: f.unit, organisation: f.org, title: f.title }, { slug: f.slug, repo });
        printResult(ctx, '专家', 'expert', r, f.json);
      })),
    );
}
