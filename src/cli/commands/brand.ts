import path from 'node:path';
import type { Command } from 'commander';
import type { Runner } from '../runner.js';
import { type Lang, T, showingIds, tr } from '../../domain/i18n.js';
import type { BrandArchive } from '../../commands/brands.js';
import { opOptions, parseInt10, printOp } from '../workflow-output.js';
import { UsageError } from '../../domain/errors.js';
import { command, NOTES, options, SHARED, use, RECORD, WRITE, type Options } from '../options.js';

function archiveText(a: BrandArchive, lang: Lang): string {
  const b = a.brand;
  const L = (zh: string, en: string) => tr(lang, zh, en);
  const lines: string[] = [];
  lines.push(L(`党建品牌创建档案：${b.name}（${b.id}）`, `Brand archive: ${b.name} (${b.id})`));
  lines.push(L(`创建单位：${a.organisation.name}（${a.organisation.id}）`, `organisation: ${a.organisation.name} (${a.organisation.id})`));
  lines.push(L(`方案：${a.programme.name}（${a.programme.id}）`, `programme: ${a.programme.name} (${a.programme.id})`));
  lines.push(L(`当前阶段：${a.stage.label}${showingIds() ? `（${a.stage.id}）` : ''}`, `stage: ${a.stage.id} (${a.stage.label})`));
  if (b.outcome) lines.push(L(`提升阶段结论：${b.outcome}`, `outcome: ${b.outcome}`));
  const rec = b.recognition;
  if (rec?.consultation_until || rec?.document || rec?.named_on) {
    lines.push(L(`认定：${[rec.consultation_until && `征求意见至 ${rec.consultation_until}`, rec.named_on && `${rec.named_on} 命名`, rec.document && `命名文件 ${rec.document}`].filter(Boolean).join('，')}`, `recognition: ${[rec.consultation_until && `consultation until ${rec.consultation_until}`, rec.named_on && `named ${rec.named_on}`, rec.document && `document ${rec.document}`].filter(Boolean).join(', ')}`));
  }
  for (const [zh, en, v] of [['品牌标识', 'logo', b.logo], ['品牌内涵', 'concept', b.concept], ['品牌理念', 'philosophy', b.philosophy], ['品牌载体', 'carrier', b.carrier], ['取得成效', 'results', b.results]] as const) {
    if (v) lines.push(L(`${zh}：${v}`, `${en}: ${v}`));
  }
  if (a.programme.phases.length) {
    lines.push('', L('三年规划阶段：', 'phases:'));
    for (const ph of a.programme.phases) lines.push(`  ${ph.label}${ph.until ? L(`（截至 ${ph.until}）`, ` (until ${ph.until})`) : ''}${ph.goal ? `：${ph.goal}` : ''}`);
  }
  lines.push('', L('历史记录：', 'history:'));
  for (const h of a.history) {
    const stage = lang === 'en' ? `${h.from ? `${h.from} → ` : ''}${h.stage}` : `${h.fromLabel ? `${h.fromLabel} → ` : ''}${h.label}`;
    lines.push(`  ${h.date}  ${stage}${h.by ? `  ${h.by}` : ''}${h.note ? `  ${h.note}` : ''}`);
  }
  lines.push('', L('年度目标：', 'annual goals:'));
  if (!a.annualGoals.length) lines.push(L('  （无）', '  (none)'));
  for (const g of a.annualGoals) lines.push(`  ${g.year}${g.submitted_on ? L(`（${g.submitted_on} 上报）`, ` (reported ${g.submitted_on})`) : ''}：${g.goals}${g.measures ? L(`；措施：${g.measures}`, `; measures: ${g.measures}`) : ''}`);
  lines.push('', L('结对共建：', 'pairings:'));
  if (!a.pairings.length) lines.push(L('  （无）', '  (none)'));
  for (const p of a.pairings) lines.push(`  ${p.name}（${p.organisation}）${p.since ? L(`，${p.since} 起`, `, since ${p.since}`) : ''}${p.note ? `：${p.note}` : ''}`);
  lines.push('', L('评价：', 'evaluations:'));
  if (!a.evaluations.length) lines.push(L('  （无）', '  (none)'));
  for (const e of a.evaluations) {
    const parts = [e.review_opinion && L(`评审组意见：${e.review_opinion}`, `review: ${e.review_opinion}`), e.committee_opinion && L(`党委意见：${e.committee_opinion}`, `committee: ${e.committee_opinion}`), e.rated_on && L(`评价日期 ${e.rated_on}`, `rated ${e.rated_on}`)].filter(Boolean);
    lines.push(`  ${e.id}  ${parts.join('；')}`);
  }
  if (a.selections.length) {
    lines.push('', L('入选：', 'selections:'));
    for (const s of a.selections) lines.push(`  ${s.title}${s.rank ? L(` 第 ${s.rank} 名`, ` #${s.rank}`) : ''}${s.decided_on ? `（${s.decided_on}）` : ''}${[s.meeting, s.document].filter(Boolean).length ? `  ${[s.meeting, s.document].filter(Boolean).join(L('，', ', '))}` : ''}`);
  }
  if (a.carried.from || a.carried.to) {
    lines.push('');
    if (a.carried.from) lines.push(L(`由 ${a.carried.from} 转入`, `carried from ${a.carried.from}`));
    if (a.carried.to) lines.push(L(`已转入 ${a.carried.to}`, `carried into ${a.carried.to}`));
  }
  lines.push('', L(`可打印的品牌创建档案：djyc render ${b.id} --form archive`, `printable archive: djyc render ${b.id} --form archive`));
  return lines.join('\n');
}

/** What a brand says about itself: the same fields when it is named (brand new) and while it is cultivated (brand set). */
const FIELDS = options({
  name: { flags: '--name <text>', zh: '品牌名称（一般不超过 10 个字）', en: 'brand name (normally at most 10 characters)' },
  concept: { flags: '--concept <text>', zh: '品牌内涵', en: 'concept' },
  philosophy: { flags: '--philosophy <text>', zh: '品牌理念', en: 'philosophy' },
  carrier: { flags: '--carrier <text>', zh: '品牌载体', en: 'carrier' },
  results: { flags: '--results <text>', zh: '取得成效', en: 'results' },
  contact: { flags: '--contact <member>', zh: '联系人（党员编号）', en: 'contact (member id)' },
  logo: { flags: '--logo <file>', zh: '品牌标识图片（PNG / JPEG / SVG，复制到 attachments/logos/）', en: 'logo image (PNG / JPEG / SVG, copied to attachments/logos/)' },
});

const NEW = options({
  org: use(SHARED.org, { note: { zh: '创建品牌的党组织', en: 'the organisation that creates the brand' }, required: true }),
  ...FIELDS,
  name: use(FIELDS.name, { required: true }),
  programme: use(SHARED.programme, { note: NOTES.currentProgramme }),
  id: use(SHARED.id, { note: { zh: '默认自动生成', en: 'default: generated' } }),
  ...WRITE,
});

const SET = options({
  ...FIELDS,
  branchOpinion: { flags: '--branch-opinion <text>', zh: '基层党组织意见', en: 'opinion of the branch' },
  committeeOpinion: { flags: '--committee-opinion <text>', zh: '党委（党组）意见', en: 'opinion of the Party committee' },
  document: { flags: '--document <text>', zh: '命名文件文号', en: 'naming document number' },
  consultationUntil: { flags: '--consultation-until <YYYY-MM-DD>', zh: '征求意见截止日期', en: 'end of the consultation' },
  ...RECORD,
  ...WRITE,
});

const GOAL = options({
  year: { flags: '--year <yyyy>', zh: '年度', en: 'year', required: true },
  goals: { flags: '--goals <text>', zh: '目标任务', en: 'goals', required: true },
  measures: { flags: '--measures <text>', zh: '工作措施', en: 'measures' },
  replace: { flags: '--replace', zh: '替换已上报的该年度目标', en: 'replace the goals already reported for that year' },
  ...RECORD,
  ...WRITE,
});

const PAIR = options({
  with: { flags: '--with <org>', zh: '后进党组织编号', en: 'lagging organisation id', required: true },
  markLagging: { flags: '--mark-lagging', zh: '同时将该党组织标记为后进党组织', en: 'also mark that organisation as lagging' },
  ...RECORD,
  ...WRITE,
});

const ARCHIVE = options({ ...RECORD, json: SHARED.json });
const OUTCOME = options({ ...RECORD, ...WRITE });

export function register(program: Command, run: Runner, lang: Lang): void {
  const brand = program.command('brand').description(tr(lang, '党建品牌：命名、年度目标、结对共建、提升结论、创建档案', 'brands: naming, annual goals, pairing, outcome, archive'));

  command(brand, lang, 'new', T('品牌命名：名称（一般不超过 10 个字，超过时警告）、内涵、理念、载体、标识（图片复制到 attachments/logos/）', 'name a brand: name (≤ 10 characters, else a warning), concept, carrier, logo (copied to attachments/logos/)'), NEW).action(
    run(async (ctx, f: Options<typeof NEW>) => {
      const { newBrand } = await import('../../commands/brands.js');
      const r = await newBrand({
        ...opOptions(ctx, f), org: f.org, name: f.name, concept: f.concept, philosophy: f.philosophy, carrier: f.carrier, results: f.results, contact: f.contact,
        logo: f.logo ? path.resolve(ctx.cwd, f.logo) : undefined, programme: f.programme, id: f.id,
      });
      printOp(ctx, r, T(`已新建品牌 ${r.brand}“${f.name}”${r.logo ? `，标识 ${r.logo}` : ''}`, `created brand ${r.brand} "${f.name}"${r.logo ? `, logo ${r.logo}` : ''}`), f.json, { brand: r.brand, logo: r.logo });
    }),
  );

  command(brand, lang, 'set <brand>', T('培育中完善品牌申报内容（标识、内涵、理念、载体、成效、意见）或记录认定信息（命名文件、征求意见截止）', 'refine a brand while it is cultivated (logo, concept, philosophy, carrier, results, opinions) or record its recognition (naming document, consultation deadline)'), SET).action(
    run(async (ctx, id: string, f: Options<typeof SET>) => {
      const { brandSet } = await import('../../commands/brands.js');
      const r = await brandSet({
        ...opOptions(ctx, f), brand: id, logo: f.logo ? path.resolve(ctx.cwd, f.logo) : undefined, name: f.name, concept: f.concept, philosophy: f.philosophy, carrier: f.carrier,
        results: f.results, contact: f.contact, branchOpinion: f.branchOpinion, committeeOpinion: f.committeeOpinion, document: f.document, consultationUntil: f.consultationUntil,
      });
      printOp(ctx, r, T(`已更新品牌 ${r.brand}：${r.fields.join('、')}`, `updated brand ${r.brand}: ${r.fields.join(', ')}`), f.json, { brand: r.brand, logo: r.logo, fields: r.fields });
    }),
  );

  command(brand, lang, 'goal <brand>', T('已命名品牌上报年度深化创建目标任务和工作措施（每年初）', "a named brand reports its goals and measures for the year (at each year's start)"), GOAL).action(
    run(async (ctx, id: string, f: Options<typeof GOAL>) => {
      const { brandGoal } = await import('../../commands/brands.js');
      const r = await brandGoal({ ...opOptions(ctx, f), brand: id, year: parseInt10(f.year, '--year')!, goals: f.goals, measures: f.measures, replace: f.replace });
      printOp(ctx, r, T(`已上报 ${r.brand} 的 ${r.year} 年度目标`, `reported the ${r.year} goals of ${r.brand}`), f.json, { brand: r.brand, year: r.year, late: r.late });
    }),
  );

  command(brand, lang, 'pair <brand>', T('品牌单位与后进党组织结对共建', 'pair a brand organisation with a lagging one (结对共建)'), PAIR).action(
    run(async (ctx, id: string, f: Options<typeof PAIR>) => {
      const { brandPair } = await import('../../commands/brands.js');
      const r = await brandPair({ ...opOptions(ctx, f), brand: id, with: f.with, markLagging: f.markLagging });
      printOp(ctx, r, T(`${r.brand} 已与 ${r.with} 结对共建`, `${r.brand} paired with ${r.with}`), f.json, { brand: r.brand, with: r.with });
    }),
  );

  command(brand, lang, 'outcome <brand> <outcome>', T('提升阶段结论：精品 / 督导提升 / 重新申报（“重新申报”的品牌转入重新申报阶段）', 'phase-2 outcome: 精品 / 督导提升 / 重新申报 (重新申报 moves the brand to the re-apply stage)'), OUTCOME).action(
    run(async (ctx, id: string, value: string, f: Options<typeof OUTCOME>) => {
      const { brandOutcome } = await import('../../commands/brands.js');
      const r = await brandOutcome({ ...opOptions(ctx, f), brand: id, outcome: value });
      const move = r.stage ? T(`，从 ${r.stage.fromName.zh} 转入 ${r.stage.toName.zh}`, `, moved from ${r.stage.fromName.en} to ${r.stage.toName.en}`) : T('', '');
      printOp(ctx, r, T(`已记录 ${r.brand} 的提升结论：${r.outcome}${move.zh}`, `recorded the outcome of ${r.brand}: ${r.outcome}${move.en}`), f.json, { brand: r.brand, outcome: r.outcome, stage: r.stage && { from: r.stage.from, to: r.stage.to } });
    }),
  );

  command(brand, lang, 'archive <brand>', T('品牌创建档案：品牌的全部历史、年度目标、结对共建、评价和入选情况（只读）', "brand archive: a brand's history, goals, pairings, evaluations and selections (read-only)"), ARCHIVE).action(
    run(async (ctx, id: string, f: Options<typeof ARCHIVE>) => {
      const { brandArchive } = await import('../../commands/brands.js');
      const { requireRoot } = await import('../../store/repo.js');
      if (!id) throw new UsageError('缺少品牌编号', 'missing brand id');
      const a = await brandArchive(requireRoot(ctx.cwd), id, f.programme);
      ctx.out(f.json ? JSON.stringify(a, null, 2) : archiveText(a, ctx.lang));
    }),
  );
}
