/**
 * Brands (党建品牌, seeds 000 and 004): naming with concept, carrier and logo (copied to attachments/logos/), the
 * annual goals of named brands (004: reported at the start of every year), pairing with a lagging organisation
 * (结对共建), the phase-2 outcome (精品 / 督导提升 / 重新申报 — an outcome that names a stage moves the brand there),
 * and the brand archive (品牌创建档案): everything recorded about one brand.
 */
import { newRecordId } from '../store/records.js';
import { readBounded, resolveInside } from '../store/containment.js';
import path from 'node:path';
import { recordPathProblem, sniffType } from '../domain/paths.js';
import { initialStage, isTrackEnabled, trackStages, findStage, historyOf, reached, stageName, stagesRequiring, type HistoryEntry } from '../domain/programme.js';
import { isIsoDate } from '../domain/dates.js';
import type { ProgrammeRecord } from '../domain/types.generated.js';
import { Workspace, appendItem, clean, refuse, setField, stageOf, stageText, usage, type OpOptions, type OpResult } from './workspace.js';
import type { Text } from '../domain/i18n.js';
import { applyStage, chooseTarget } from './advance.js';
import { type RecordEntry, orgName, summary } from '../domain/records.js';

export interface BrandNewOptions extends OpOptions {
  programme?: string;
  org: string;
  name: string;
  concept?: string;
  philosophy?: string;
  carrier?: string;
  results?: string;
  contact?: string;
  /** Path of the logo image (PNG, JPEG or SVG); copied into attachments/logos/. */
  logo?: string;
  id?: string;
}

const MAX_LOGO = 5 * 1024 * 1024;

/** Detects the image type from its bytes (not its name): domain/paths.ts sniffType. */
export function logoType(bytes: Uint8Array): 'png' | 'jpg' | 'svg' | undefined {
  const type = sniffType(bytes);
  return type === 'png' ? 'png' : type === 'jpeg' ? 'jpg' : type === 'svg' ? 'svg' : undefined;
}

function readLogo(file: string): { bytes: Buffer; ext: string } {
  // A file named on the command line: a link to a regular file is fine, a device or FIFO is not, and no more than the limit is read.
  const read = readBounded(file, MAX_LOGO, { follow: true });
  if (!read.ok) {
    if (read.rule === 'file-too-large') usage(`品牌标识文件过大（超过上限 ${MAX_LOGO} 字节）`, `the logo is too large (over the limit of ${MAX_LOGO} bytes)`);
    usage(`读不到品牌标识文件 ${file}（须为普通文件）`, `cannot read the logo file ${file} (it must be a regular file)`);
  }
  const bytes = read.bytes;
  const type = logoType(bytes);
  if (!type) usage(`${path.basename(file)} 不是 PNG、JPEG 或 SVG 图片`, `${path.basename(file)} is not a PNG, JPEG or SVG image`);
  if (type === 'svg' && /<script|\son\w+\s*=|javascript:/i.test(bytes.toString('utf8'))) usage('SVG 标识中不能含脚本', 'the SVG logo must not contain scripts');
  return { bytes, ext: type };
}

/**
 * The brand's previous logo file, when replacing it may delete it: a path that passes the containment rule, under
 * attachments/logos/, and a regular file there. Anything else a record says is never deleted.
 */
function replaceableLogo(root: string, logo: unknown): string | undefined {
  if (typeof logo !== 'string' || recordPathProblem(logo) || !logo.startsWith('attachments/logos/')) return undefined;
  return resolveInside(root, logo).ok ? logo : undefined;
}

export async function newBrand(o: BrandNewOptions): Promise<OpResult & { brand: string; logo?: string }> {
  await using ws = await Workspace.open(o);
  const p = ws.programme(o.programme);
  if (!isTrackEnabled(p, 'brand')) usage(`方案“${p.id}”没有党建品牌`, `programme "${p.id}" has no brands`);
  const org = ws.organisation(o.org, '--org');
  if (!o.name?.trim()) usage('缺少 --name（品牌名称）', 'missing --name');
  const contact = o.contact ? ws.member(o.contact, '--contact').id : undefined;
  const max = p.brand?.per_organisation?.max;
  const own = ws.index.all('brand').filter((b) => summary(b).programme === p.id && summary(b).organisation === org.id);
  if (max !== undefined && own.length >= max) {
    refuse(`${orgName(ws.index, org.id)} 已有 ${own.length} 个品牌（${own.map((b) => `${b.id}“${b.data.name}”`).join('、')}），本方案每个党组织至多 ${max} 个`, `${orgName(ws.index, org.id)} already has ${own.length} brand(s); the programme allows at most ${max}`);
  }
  const first = initialStage(p, 'brand')!;
  const id = o.id ?? newRecordId('brand', { year: p.year, name: { kind: 'title', name: o.name.trim() } });
  if (ws.index.any(id)) refuse(`编号 ${id} 已被使用`, `id ${id} is already taken`);
  let logo: string | undefined;
  if (o.logo) {
    const { bytes, ext } = readLogo(o.logo);
    logo = `attachments/logos/${id}.${ext}`;
    ws.addFile(logo, bytes);
  }
  ws.create('brand', clean({
    id, programme: p.id, organisation: org.id, name: o.name.trim().normalize('NFC'), logo, concept: o.concept?.trim(), philosophy: o.philosophy?.trim(),
    carrier: o.carrier?.trim(), results: o.results?.trim(), contact, stage: first.id,
    history: [clean({ stage: first.id, date: ws.date, by: ws.by, note: o.note ?? '确定品牌名称、标识和理念' })],
  }));
  const result = await ws.commit(`djyc brand new: ${id} ${o.name.trim()} (${org.id})`, { next: [id] });
  return { ...result, brand: id, logo };
}

export interface BrandSetOptions extends OpOptions {
  brand: string;
  logo?: string;
  name?: string;
  concept?: string;
  philosophy?: string;
  carrier?: string;
  results?: string;
  contact?: string;
  branchOpinion?: string;
  committeeOpinion?: string;
  /** 命名文件文号 and 征求意见截止 (recognition). */
  document?: string;
  consultationUntil?: string;
}

/** Updates a brand's application fields while it is cultivated (logo, concept, carrier …) and its recognition data. */
export async function brandSet(o: BrandSetOptions): Promise<OpResult & { brand: string; logo?: string; fields: string[] }> {
  await using ws = await Workspace.open(o);
  const b = ws.find(o.brand, ['brand']);
  const p = ws.programmeOf(b);
  const contact = o.contact ? ws.member(o.contact, '--contact').id : undefined;
  if (o.consultationUntil !== undefined && !isIsoDate(o.consultationUntil)) usage(`--consultation-until 应为有效日期 YYYY-MM-DD（收到“${o.consultationUntil}”）`, `--consultation-until must be a valid date (got "${o.consultationUntil}")`);
  const stage = stageOf(p, b);
  if (stage.final) refuse(`${b.id} 已处于终结阶段 ${stageName(p, 'brand', stage.id, 'zh')}，不再修改申报内容`, `${b.id} is at its final stage; its application no longer changes`);
  const fields: [string, unknown][] = [];
  let logo: string | undefined;
  if (o.logo) {
    const { bytes, ext } = readLogo(o.logo);
    logo = `attachments/logos/${b.id}.${ext}`;
    ws.addFile(logo, bytes, true);
    const previous = b.data.logo !== logo ? replaceableLogo(ws.root, b.data.logo) : undefined;
    if (previous) ws.files.push({ path: previous, content: null });
    fields.push(['logo', logo]);
  }
  for (const [key, value] of [['name', o.name?.trim().normalize('NFC')], ['concept', o.concept], ['philosophy', o.philosophy], ['carrier', o.carrier], ['results', o.results], ['contact', contact], ['branch_opinion', o.branchOpinion], ['committee_opinion', o.committeeOpinion]] as const) {
    if (value !== undefined && value.trim()) fields.push([key, value.trim()]);
  }
  if (o.document !== undefined || o.consultationUntil !== undefined) {
    fields.push(['recognition', clean({ ...(b.data.recognition ?? {}), consultation_until: o.consultationUntil ?? b.data.recognition?.consultation_until, document: o.document ?? b.data.recognition?.document })]);
  }
  if (!fields.length) usage('没有要修改的内容（--logo / --concept / --carrier / --document …）', 'nothing to change (--logo / --concept / --carrier / --document …)');
  ws.edit(b, (doc) => {
    for (const [k, v] of fields) setField(doc, 'brand', k, v);
  });
  const labels: Record<string, string> = { logo: '品牌标识', name: '品牌名称', concept: '品牌内涵', philosophy: '品牌理念', carrier: '品牌载体', results: '取得成效', contact: '联系人', branch_opinion: '基层党组织意见', committee_opinion: '党委（党组）意见', recognition: '认定信息' };
  ws.history(b, { stage: stage.id, date: ws.date, by: ws.by, note: o.note ?? `更新${fields.map(([k]) => labels[k] ?? k).join('、')}` });
  const result = await ws.commit(`djyc brand set: ${b.id} ${fields.map(([k]) => k).join(', ')}`, { next: [b.id] });
  return { ...result, brand: b.id, logo, fields: fields.map(([k]) => k) };
}

/** Stages from which a brand counts as recognised (命名 / 认定): those requiring a rating, and the final ones after. */
function recognised(p: ProgrammeRecord, b: RecordEntry<'brand'>): boolean {
  return stagesRequiring(p, 'brand', 'has-rating').some((s) => reached(b.data, s.id));
}

export interface BrandGoalOptions extends OpOptions {
  brand: string;
  year: number;
  goals: string;
  measures?: string;
  replace?: boolean;
}

export async function brandGoal(o: BrandGoalOptions): Promise<OpResult & { brand: string; year: number; late: boolean }> {
  await using ws = await Workspace.open(o);
  const b = ws.find(o.brand, ['brand']);
  const p = ws.programmeOf(b);
  const cfg = p.brand?.annual_goals;
  if (!cfg) refuse(`方案“${p.id}”不要求品牌上报年度目标`, `programme "${p.id}" asks brands for no annual goals`);
  if (!o.goals?.trim()) usage('缺少 --goals（本年度深化创建目标任务）', 'missing --goals');
  const last = p.year + (p.years ?? 1) - 1;
  if (!Number.isInteger(o.year) || o.year < p.year || o.year > last) usage(`--year 应在方案周期 ${p.year}–${last} 之内`, `--year must be within ${p.year}–${last}`);
  if (cfg.from_stage && !reached(b.data, cfg.from_stage)) {
    refuse(`${b.id}“${b.data.name}”尚未${stageName(p, 'brand', cfg.from_stage, 'zh')}，已命名的品牌才上报年度目标`, `${b.id} has not reached ${cfg.from_stage}; only named brands report annual goals`);
  }
  const goals = [...(b.data.annual_goals ?? [])];
  const at = goals.findIndex((g) => g.year === o.year);
  if (at >= 0 && !o.replace) refuse(`${b.id} 已上报 ${o.year} 年度目标（如需修改，请加 --replace）`, `${b.id} already reported goals for ${o.year} (add --replace to change them)`);
  const entry = clean({ year: o.year, goals: o.goals.trim(), measures: o.measures?.trim(), submitted_on: ws.date });
  if (at >= 0) goals[at] = entry;
  else goals.push(entry);
  goals.sort((x, y) => x.year - y.year);
  ws.edit(b, (doc) => setField(doc, 'brand', 'annual_goals', goals));
  const due = cfg.due ? `${o.year}-${cfg.due}` : undefined;
  const late = !!due && ws.date > due;
  if (late) ws.note(`注意：${o.year} 年度目标应于 ${due} 前上报，本次 ${ws.date} 上报`, `note: the ${o.year} goals were due by ${due}; reported ${ws.date}`);
  ws.history(b, { stage: b.data.stage, date: ws.date, by: ws.by, note: o.note ?? `上报 ${o.year} 年度目标任务和工作措施` });
  const result = await ws.commit(`djyc brand goal: ${b.id} ${o.year}`, { next: [b.id] });
  return { ...result, brand: b.id, year: o.year, late };
}

export interface BrandPairOptions extends OpOptions {
  brand: string;
  with: string;
  /** Mark the partner organisation as lagging (后进党组织) in the same commit. */
  markLagging?: boolean;
}

export async function brandPair(o: BrandPairOptions): Promise<OpResult & { brand: string; with: string }> {
  await using ws = await Workspace.open(o);
  const b = ws.find(o.brand, ['brand']);
  const p = ws.programmeOf(b);
  const partner = ws.organisation(o.with, '--with');
  if (!recognised(p, b)) {
    const s = stagesRequiring(p, 'brand', 'has-rating').map((x) => x.label).join('、');
    refuse(`${b.id}“${b.data.name}”尚未${s || '认定'}，已认定命名的品牌单位才与后进党组织结对共建`, `${b.id} is not recognised yet; only recognised brands pair with lagging organisations`);
  }
  if (partner.id === b.data.organisation) usage('不能与品牌创建单位自己结对', 'a brand cannot pair with its own organisation');
  if ((b.data.pairings ?? []).some((x) => x.organisation === partner.id)) refuse(`${b.id} 已与 ${orgName(ws.index, partner.id)} 结对`, `${b.id} is already paired with ${orgName(ws.index, partner.id)}`);
  if (!partner.data.lagging) {
    if (!o.markLagging) refuse(`${orgName(ws.index, partner.id)} 不是后进党组织（lagging 未设为 true）；如确定其为后进党组织，请加 --mark-lagging`, `${orgName(ws.index, partner.id)} is not marked as lagging; add --mark-lagging to mark it`);
    ws.edit(partner, (doc) => setField(doc, 'organisation', 'lagging', true));
  }
  ws.edit(b, (doc) => appendItem(doc, 'brand', 'pairings', clean({ organisation: partner.id, since: ws.date, note: o.note?.trim() })));
  ws.history(b, { stage: b.data.stage, date: ws.date, by: ws.by, note: `与${orgName(ws.index, partner.id)}结对共建` });
  const result = await ws.commit(`djyc brand pair: ${b.id} with ${partner.id}`, { next: [b.id] });
  return { ...result, brand: b.id, with: partner.id };
}

export interface BrandOutcomeOptions extends OpOptions {
  brand: string;
  outcome: string;
}

export async function brandOutcome(o: BrandOutcomeOptions): Promise<OpResult & { brand: string; outcome: string; stage?: { from: string; to: string; fromName: Text; toName: Text } }> {
  await using ws = await Workspace.open(o);
  const b = ws.find(o.brand, ['brand']);
  const p = ws.programmeOf(b);
  const outcomes = p.brand?.outcomes ?? [];
  if (!outcomes.length) refuse(`方案“${p.id}”没有品牌提升结论`, `programme "${p.id}" has no brand outcomes`);
  if (!outcomes.includes(o.outcome)) usage(`提升结论应为 ${outcomes.join(' / ')}（收到“${o.outcome}”）`, `the outcome must be ${outcomes.join(' / ')} (got "${o.outcome}")`);
  const stages = trackStages(p, 'brand');
  const appliedAt = stagesRequiring(p, 'brand', 'has-logo-and-concept')[0] ?? stages[1];
  if (appliedAt && !reached(b.data, appliedAt.id)) {
    refuse(`${b.id}“${b.data.name}”尚未${appliedAt.label}，还没有提升结论可言`, `${b.id} has not reached ${appliedAt.id}; there is nothing to conclude yet`);
  }
  const from = stageOf(p, b);
  // An outcome that names a stage (重新申报 → reapply) moves the brand there, under that stage's rules.
  const target = stages.find((s) => s.label === o.outcome);
  let move: { from: string; to: string; fromName: Text; toName: Text } | undefined;
  ws.edit(b, (doc) => setField(doc, 'brand', 'outcome', o.outcome));
  if (target && target.id !== from.id) {
    const t = chooseTarget(ws, p, b, target.id);
    applyStage(ws, p, b, from, t, { note: o.note ?? `提升阶段结论：${o.outcome}` });
    move = { from: from.id, to: t.id, fromName: stageText(p, 'brand', from.id), toName: stageText(p, 'brand', t.id) };
  } else {
    ws.history(b, { stage: from.id, date: ws.date, by: ws.by, note: o.note ?? `提升阶段结论：${o.outcome}` });
  }
  const result = await ws.commit(`djyc brand outcome: ${b.id} ${o.outcome}${move ? ` (${move.from} → ${move.to})` : ''}`, { next: [b.id] });
  return { ...result, brand: b.id, outcome: o.outcome, stage: move };
}

export interface BrandArchive {
  brand: RecordEntry<'brand'>['data'] & { id: string };
  organisation: { id: string; name: string };
  programme: { id: string; name: string; phases: { id: string; label: string; until?: string; goal?: string }[] };
  stage: { id: string; label: string };
  /** History entries with the stages' names (`label`, `fromLabel`). */
  history: (HistoryEntry & { label: string; fromLabel?: string })[];
  annualGoals: NonNullable<RecordEntry<'brand'>['data']['annual_goals']>;
  pairings: (NonNullable<RecordEntry<'brand'>['data']['pairings']>[number] & { name: string })[];
  evaluations: RecordEntry<'evaluation'>['data'][];
  selections: { id: string; title: string; rank?: number; decided_on?: string; meeting?: string; document?: string }[];
  /** Carried over from the previous round / into the next one (djyc carry-over). */
  carried: { from?: string; to?: string };
}

/** Everything recorded about a brand (品牌创建档案), read-only. */
export async function brandArchive(root: string, id: string, programme?: string): Promise<BrandArchive> {
  const ws = await Workspace.read({ root, programme });
  const b = ws.find(id, ['brand']);
  const p = ws.programmeOf(b);
  const s = findStage(p, 'brand', b.data.stage);
  return {
    brand: { ...b.data, id: b.id },
    organisation: { id: b.data.organisation, name: orgName(ws.index, b.data.organisation) },
    programme: {
      id: p.id, name: p.short_name ?? p.name,
      phases: (p.brand?.phases ?? []).map((ph) => clean({ id: ph.id, label: ph.label, until: ph.until ? `${p.year + (ph.year_offset ?? 0)}-${ph.until}` : undefined, goal: ph.goal })),
    },
    stage: { id: b.data.stage, label: s?.label ?? b.data.stage },
    history: historyOf(b.data).map((h) => clean({ ...h, label: findStage(p, 'brand', h.stage)?.label ?? h.stage, fromLabel: h.from ? (findStage(p, 'brand', h.from)?.label ?? h.from) : undefined })),
    annualGoals: b.data.annual_goals ?? [],
    pairings: (b.data.pairings ?? []).map((x) => ({ ...x, name: orgName(ws.index, x.organisation) })),
    evaluations: ws.index.all('evaluation').filter((e) => summary(e).subject === b.id).map((e) => e.data),
    selections: ws.index
      .all('selection')
      .map((sel) => ({ sel, e: sel.data.entries.find((x) => x.subject === b.id) }))
      .filter((x) => x.e)
      .map((x) => clean({ id: x.sel.id, title: x.sel.data.title ?? x.sel.data.award, rank: x.e!.rank, decided_on: x.sel.data.decided_on, meeting: x.sel.data.decision?.meeting, document: x.sel.data.decision?.document })),
    carried: clean({ from: b.data.carried_from, to: b.data.carried_to }),
  };
}
