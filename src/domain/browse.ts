/**
 * Finding one's way in a repository: the rows of `djyc list`, the hits of `djyc find` and the view of `djyc show`.
 * Records are named as people know them (a project's title, an organisation's short name, a member's name), stages by
 * their programme label. Pure: the index in, plain data out (the CLI prints it).
 */
import { roundFacts, type RoundFacts, type ShowFact } from './show.js';
import { T, kindLabel, type Lang, type Text } from './i18n.js';
import type { Kind } from './kinds.js';
import { stillNeeded, type Step } from './next.js';
import { subjectObligations } from './obligations.js';
import { findStage, historyOf, stageName, stagesNamed, TRACK_OF_KIND, type Track } from './programme.js';
import { fullPinyin, initials } from './pinyin.js';
import { factsOf, summary, orgName, memberName, orgSubtree, tasksOf, closureOf, evaluationOf, type RecordEntry, type RecordIndex } from './records.js';
import { namesOf, normName, recordName } from './resolve.js';
import type { ProgrammeRecord } from './types.generated.js';

// ---- list -------------------------------------------------------------------------------------------------------

export interface Column {
  key: string;
  label: Text;
}

export interface ListOptions {
  kind: Kind;
  /** Only records of this organisation and those under it (an id). */
  org?: string;
  /** Only records now at this stage (its label or id). */
  stage?: string;
  programme?: string;
  year?: number;
}

export interface ListView {
  kind: Kind;
  columns: Column[];
  rows: Record<string, string>[];
}

// Summaries (records.ts factsOf): listing or relating records never reads their files; `show` reads the one it shows.
const d = (e: RecordEntry) => factsOf(e) as Record<string, any>;
const join = (items: string[], lang: Lang) => items.filter(Boolean).join(lang === 'zh' ? '、' : ', ');

/** The programme of a record, if it has one. */
function programmeOf(index: RecordIndex, e: RecordEntry): ProgrammeRecord | undefined {
  return index.get('programme', d(e).programme)?.data;
}

/** A record's stage label in both languages ('' when it has none). */
export function stageOfRecord(index: RecordIndex, e: RecordEntry): Text {
  const track = TRACK_OF_KIND[e.kind];
  const p = programmeOf(index, e);
  if (!track || !p || !d(e).stage) return T('', '');
  return T(stageName(p, track, d(e).stage, 'zh'), stageName(p, track, d(e).stage, 'en'));
}

/** The organisations a record belongs to (for `--org`). */
export function orgsOf(index: RecordIndex, e: RecordEntry): string[] {
  const x = d(e);
  const memberOrg = (m: string) => summary(index.get('member', m))?.organisation;
  switch (e.kind) {
    case 'organisation':
      return [e.id];
    case 'member':
    case 'expert':
    case 'brand':
      return [x.organisation].filter(Boolean);
    case 'project':
      return [x.lead ?? x.proposed_by, ...(x.co_organisers ?? []).map((c: { organisation: string }) => c.organisation)].filter(Boolean);
    case 'task':
      return (x.members ?? []).map(memberOrg).filter(Boolean);
    case 'commitment':
      return [x.organisation].filter(Boolean);
    case 'report':
    case 'closure':
    case 'evaluation': {
      const s = index.any(x.subject);
      return s && s.kind !== e.kind ? orgsOf(index, s) : [];
    }
    default:
      return [];
  }
}

/** The columns of each kind's list. */
function columnsOf(kind: Kind): Column[] {
  const c = (key: string, zh: string, en: string): Column => ({ key, label: T(zh, en) });
  const id = c('id', '编号', 'id');
  switch (kind) {
    case 'project':
      return [c('number', '项目编号', 'number'), c('title', '项目名称', 'title'), c('lead', '领办单位', 'lead'), c('leader', '负责人', 'leader'), c('stage', '阶段', 'stage'), id];
    case 'task':
      return [c('members', '领办党员', 'members'), c('content', '任务内容', 'task'), c('project', '所属项目', 'project'), c('due', '完成时限', 'due'), c('stage', '阶段', 'stage'), id];
    case 'organisation':
      return [c('short_name', '简称', 'short name'), c('name', '党组织名称', 'name'), c('type', '组织类型', 'type'), c('parent', '上级党组织', 'parent'), c('members', '党员', 'members'), id];
    case 'member':
      return [c('name', '姓名', 'name'), c('organisation', '党组织', 'organisation'), c('admin_title', '行政职务', 'title'), c('party_title', '党内职务', 'party title'), c('tasks', '领办任务', 'tasks'), id];
    case 'expert':
      return [c('name', '姓名', 'name'), c('unit', '工作单位', 'unit'), c('categories', '擅长类别', 'categories'), id];
    case 'brand':
      return [c('name', '品牌名称', 'name'), c('organisation', '创建单位', 'organisation'), c('stage', '阶段', 'stage'), id];
    case 'report':
      return [c('subject', '项目或任务', 'subject'), c('quarter', '季度', 'quarter'), c('submitted_on', '填报日期', 'submitted'), id];
    case 'commitment':
      return [c('who', '承诺单位或承诺人', 'by'), c('type', '类别', 'type'), c('items', '承诺事项', 'items'), c('signed_on', '签订日期', 'signed'), id];
    case 'closure':
      return [c('subject', '项目或任务', 'subject'), c('submitted_on', '申请日期', 'submitted'), id];
    case 'evaluation':
      return [c('subject', '评价对象', 'subject'), c('acceptance', '验收', 'acceptance'), c('rating', '评价', 'rating'), id];
    case 'selection':
      return [c('title', '名称', 'title'), c('decided_on', '确定日期', 'decided'), c('entries', '入选', 'entries'), id];
    case 'programme':
      return [c('short_name', '简称', 'short name'), c('name', '方案名称', 'name'), c('year', '年度', 'year'), id];
  }
}

// Tasks each member holds, counted once per index: a list of 17,800 members scanned 17,500 tasks for each.
const heldMemo = new WeakMap<RecordIndex, Map<string, number>>();
function tasksHeld(index: RecordIndex): Map<string, number> {
  let held = heldMemo.get(index);
  if (!held) {
    heldMemo.set(index, (held = new Map()));
    for (const t of index.all('task')) for (const m of new Set(summary(t).members ?? [])) held.set(m, (held.get(m) ?? 0) + 1);
  }
  return held;
}

/** One record as a row of its kind's list. */
function rowOf(index: RecordIndex, e: RecordEntry, lang: Lang): Record<string, string> {
  const x = d(e);
  const name = (id: string | undefined) => (id ? (index.any(id) ? recordName(index, index.any(id)!, lang).replace(/^[“"]|[”"]$/g, '') : id) : '');
  const stage = stageOfRecord(index, e);
  const base: Record<string, string> = { id: e.id, stage: lang === 'en' ? stage.en : stage.zh };
  switch (e.kind) {
    case 'project':
      return { ...base, number: x.number ?? '', title: x.title ?? '', lead: orgName(index, x.lead ?? x.proposed_by), leader: memberName(index, x.leader) };
    case 'task':
      return { ...base, members: join((x.members ?? []).map((m: string) => memberName(index, m)), lang), content: x.content ?? '', project: name(x.project), due: x.due ?? '' };
    case 'organisation':
      return { ...base, short_name: x.short_name ?? '', name: x.name ?? '', type: x.type ?? '', parent: orgName(index, x.parent), members: String(index.where('member', 'organisation', e.id).filter((m) => summary(m).active !== false).length) };
    case 'member':
      return { ...base, name: x.name ?? '', organisation: orgName(index, x.organisation), admin_title: x.admin_title ?? '', party_title: x.party_title ?? '', tasks: String(tasksHeld(index).get(e.id) ?? 0) };
    case 'expert':
      return { ...base, name: x.name ?? '', unit: x.unit ?? '', categories: join(x.categories ?? [], lang) };
    case 'brand':
      return { ...base, name: x.name ?? '', organisation: orgName(index, x.organisation) };
    case 'report':
      return { ...base, subject: name(x.subject), quarter: x.quarter ?? '', submitted_on: x.submitted_on ?? '' };
    case 'commitment':
      return { ...base, who: x.type === 'member' ? memberName(index, x.member) : orgName(index, x.organisation), type: x.type === 'member' ? (lang === 'en' ? 'member' : '党员') : lang === 'en' ? 'organisation' : '党组织', items: String((x.items ?? []).length), signed_on: x.signed_on ?? '' };
    case 'closure':
      return { ...base, subject: name(x.subject), submitted_on: x.submitted_on ?? '' };
    case 'evaluation': {
      const a = x.acceptance?.result;
      const rating = [x.branch_rating, x.committee_rating, x.stars?.overall !== undefined ? `${x.stars.overall}★` : '', x.bonus_points !== undefined ? `+${x.bonus_points}` : ''].filter(Boolean);
      return { ...base, subject: name(x.subject), acceptance: a === 'pass' ? (lang === 'en' ? 'pass' : '通过') : a === 'rework' ? (lang === 'en' ? 'rework' : '整改') : '', rating: join(rating, lang) };
    }
    case 'selection':
      return { ...base, title: x.title ?? '', decided_on: x.decided_on ?? '', entries: String((x.entries ?? []).length) };
    case 'programme':
      return { ...base, short_name: x.short_name ?? '', name: x.name ?? '', year: String(x.year ?? '') };
  }
}

/** The records of a kind, filtered, in file order (projects by number, then title). */
export function listView(index: RecordIndex, opts: ListOptions, lang: Lang): ListView {
  let records = [...index.all(opts.kind)];
  if (opts.org) {
    const scope = orgSubtree(index, opts.org);
    records = records.filter((e) => orgsOf(index, e).some((o) => scope.has(o)));
  }
  if (opts.programme) records = records.filter((e) => (e.kind === 'programme' ? e.id : d(e).programme) === opts.programme);
  if (opts.year !== undefined) {
    const year = opts.year;
    records = records.filter((e) => {
      const p = e.kind === 'programme' ? (e.data as ProgrammeRecord) : programmeOf(index, e);
      if (!p) return e.kind === 'organisation' || e.kind === 'member' || e.kind === 'expert';
      return year >= p.year && year < p.year + (p.years ?? 1);
    });
  }
  if (opts.stage) {
    const stage = opts.stage;
    records = records.filter((e) => {
      const track = TRACK_OF_KIND[e.kind];
      const p = programmeOf(index, e);
      return !!track && !!p && stagesNamed(p, track, stage).some((s) => s.id === d(e).stage);
    });
  }
  if (opts.kind === 'project') records.sort((a, b) => String(d(a).number ?? '~').localeCompare(String(d(b).number ?? '~')) || String(d(a).title).localeCompare(String(d(b).title), 'zh'));
  return { kind: opts.kind, columns: columnsOf(opts.kind), rows: records.map((e) => rowOf(index, e, lang)) };
}

/** Whether a stage label or id names a stage of any programme in the repository. */
export function knownStage(index: RecordIndex, text: string): boolean {
  return index.all('programme').some((p) => (['project', 'task', 'brand'] as Track[]).some((t) => stagesNamed(p.data, t, text).length));
}

// ---- find -------------------------------------------------------------------------------------------------------

export interface Hit {
  kind: Kind;
  id: string;
  /** The record as a sentence names it. */
  name: string;
  stage: string;
  /** Where the text was found: 名称 / 编号 / 拼音首字母 / 拼音 / 内容. */
  where: Text;
}

/** The texts of a record `find` looks through besides its names: a task's content and members, a project's number. */
function searchTexts(index: RecordIndex, e: RecordEntry): string[] {
  const x = d(e);
  if (e.kind === 'task') return [x.content ?? '', ...(x.members ?? []).map((m: string) => memberName(index, m))];
  if (e.kind === 'project') return [x.number ?? ''];
  return [];
}

/**
 * Records whose name, title, number, id or (for Latin letters) pinyin or pinyin initials contain the text, best
 * first: names before ids, ids before pinyin, pinyin before other text. Kinds without names (reports …) are found
 * by id only.
 */
export function findRecords(index: RecordIndex, text: string, lang: Lang, opts: { kinds?: readonly Kind[]; limit?: number } = {}): Hit[] {
  const key = normName(text);
  if (!key) return [];
  const latin = /^[a-z0-9]+$/.test(key);
  const hits: (Hit & { rank: number })[] = [];
  for (const e of index.byId.values()) {
    if (opts.kinds && !opts.kinds.includes(e.kind)) continue;
    const names = namesOf(e);
    const person = e.kind === 'member' || e.kind === 'expert';
    let rank = -1;
    let where: Text = T('', '');
    if (names.some((n) => normName(n) === key)) [rank, where] = [0, T('名称', 'name')];
    else if (names.some((n) => normName(n).includes(key))) [rank, where] = [1, T('名称', 'name')];
    else if (searchTexts(index, e).some((t) => normName(t).includes(key))) [rank, where] = [2, e.kind === 'project' ? T('项目编号', 'number') : T('内容', 'content')];
    else if (e.id.includes(key)) [rank, where] = [3, T('编号', 'id')];
    else if (latin && names.some((n) => initials(n, { person }).includes(key))) [rank, where] = [4, T('拼音首字母', 'pinyin initials')];
    else if (latin && key.length >= 2 && names.some((n) => fullPinyin(n, { person }).includes(key))) [rank, where] = [5, T('拼音', 'pinyin')];
    if (rank < 0) continue;
    const stage = stageOfRecord(index, e);
    hits.push({ kind: e.kind, id: e.id, name: recordName(index, e, lang), stage: lang === 'en' ? stage.en : stage.zh, where, rank });
  }
  hits.sort((a, b) => a.rank - b.rank || a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name, 'zh'));
  return hits.slice(0, opts.limit ?? 50).map(({ rank: _rank, ...h }) => h);
}

// ---- show -------------------------------------------------------------------------------------------------------

export interface Field {
  key: string;
  label: string;
  value: string;
}

export interface ShowView {
  kind: Kind;
  id: string;
  /** 项目 / 党组织 …, and the record as a sentence names it. */
  kindLabel: string;
  name: string;
  programme?: { id: string; name: string };
  stage?: { id: string; label: string; since?: string; final: boolean };
  fields: Field[];
  /** The record's round (domain/show.ts): carry-over, the committee's opinion, acceptance rounds. */
  facts: ShowFact[];
  /** The re-check result of a sampled project. */
  recheck?: RoundFacts['recheck'];
  history: { date: string; from?: string; to: string; by?: string; note?: string }[];
  related: { kind: Kind; kindLabel: string; id: string; name: string; note: string }[];
  /** What the record still needs, each with the command that does it. */
  needs: Step[];
  /** Things it lacks that no single command names (e.g. members of an organisation without a task). */
  gaps: string[];
}

export interface ShowInput {
  today: string;
  fileExists(rel: string): boolean;
  /** Field labels of the kind's schema (its `title`s), by key. */
  labels: Record<string, string>;
}

/** Fields the view shows elsewhere (heading, stage, history) or never (personal data). */
const NOT_FIELDS = new Set(['id', 'stage', 'history', 'programme', 'phone', 'carried_from', 'carried_to']);

/** A field's value as text: a record id becomes the record's name, lists are joined, objects show their parts. */
function valueText(index: RecordIndex, value: unknown, lang: Lang, self: string): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') {
    const r = value !== self ? index.any(value) : undefined;
    return r ? recordName(index, r, lang).replace(/^[“"]|[”"]$/g, '') : value;
  }
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return lang === 'en' ? (value ? 'yes' : 'no') : value ? '是' : '否';
  if (Array.isArray(value)) {
    const parts = value.map((v) => valueText(index, v, lang, self)).filter(Boolean);
    return parts.some((p) => p.includes('：') || p.length > 30) ? parts.map((p) => `\n- ${p}`).join('') : join(parts, lang);
  }
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${k}${lang === 'zh' ? '：' : ': '}${valueText(index, v, lang, self)}`)
      .join(lang === 'zh' ? '；' : '; ');
  }
  return String(value);
}

/** The view of one record: its fields by their Chinese names, stage, history, related records and what it still needs. */
export function showView(index: RecordIndex, e: RecordEntry, input: ShowInput, lang: Lang): ShowView {
  const x = e.data as Record<string, any>;
  const p = programmeOf(index, e);
  const track = TRACK_OF_KIND[e.kind];
  const view: ShowView = {
    kind: e.kind, id: e.id, kindLabel: kindLabel(e.kind, lang), name: recordName(index, e, lang).replace(/^[“"]|[”"]$/g, ''),
    fields: [], facts: [], history: [], related: [], needs: [], gaps: [],
  };
  if (p) view.programme = { id: p.id, name: p.short_name ?? p.name };
  if (track && p && x.stage) {
    const s = findStage(p, track, x.stage);
    const since = [...historyOf(x)].reverse().find((h) => h.stage === x.stage)?.date;
    view.stage = { id: x.stage, label: stageName(p, track, x.stage, lang), final: !!s?.final, ...(since ? { since } : {}) };
  }
  const round = roundFacts(index, e, lang);
  view.facts = round.facts;
  if (round.recheck) view.recheck = round.recheck;
  for (const [key, value] of Object.entries(x)) {
    if (NOT_FIELDS.has(key)) continue;
    const text = valueText(index, value, lang, e.id);
    if (text) view.fields.push({ key, label: lang === 'en' ? key : (input.labels[key] ?? key), value: text });
  }
  if (track && p) {
    let prev: string | undefined;
    for (const h of historyOf(x)) {
      const moved = h.from ?? (prev !== undefined && prev !== h.stage ? prev : undefined);
      view.history.push({ date: h.date, ...(moved ? { from: stageName(p, track, moved, lang) } : {}), to: stageName(p, track, h.stage, lang), ...(h.by ? { by: h.by } : {}), ...(h.note ? { note: h.note } : {}) });
      prev = h.stage;
    }
  }
  const listed = new Set(view.related.map((x) => x.id));
  const rel = (r: RecordEntry | undefined, note = '') => {
    if (!r || listed.has(r.id)) return;
    listed.add(r.id);
    view.related.push({ kind: r.kind, kindLabel: kindLabel(r.kind, lang), id: r.id, name: recordName(index, r, lang), note });
  };
  const stageNote = (r: RecordEntry) => (lang === 'en' ? stageOfRecord(index, r).en : stageOfRecord(index, r).zh);
  if (e.kind === 'project' || e.kind === 'task' || e.kind === 'brand') {
    if (e.kind === 'task') rel(index.any(x.project), stageNote(index.any(x.project) ?? e));
    if (e.kind === 'project') for (const t of tasksOf(index, e.id)) rel(t, stageNote(t));
    for (const c of index.all('commitment')) if ((summary(c).items ?? []).some((i) => i.project === e.id || i.task === e.id)) rel(c, summary(c).signed_on ?? '');
    const reports = index.where('report', 'subject', e.id);
    for (const r of reports) rel(r, `${summary(r).quarter}${summary(r).submitted_on ? ` ${summary(r).submitted_on}` : ''}`);
    const closure = closureOf(index, e.id);
    rel(closure, summary(closure)?.submitted_on ?? '');
    rel(evaluationOf(index, e.id));
    if (p) {
      view.needs = stillNeeded({ programme: p, index, subject: e, today: input.today, fileExists: input.fileExists });
      // Reports of quarters not yet over are not owed yet; overdue ones are among the steps.
      if (e.kind !== 'brand') {
        const owed = subjectObligations(p, e.kind, { id: e.id, record: x }, new Map([[e.id, reports]]), input.today, e.kind === 'task' ? summary(index.get('project', x.project)) : undefined);
        const pending = owed.filter((o) => o.required && !o.report && o.status === 'pending').map((o) => o.quarter);
        if (pending.length) view.gaps.push(lang === 'en' ? `reports still to come: ${pending.join(', ')}` : `今后还要填报的执行书：${pending.join('、')}`);
      }
    }
  }
  if (e.kind === 'organisation') {
    rel(index.any(x.parent), lang === 'en' ? 'parent' : '上级党组织');
    for (const o of index.all('organisation')) if (summary(o).parent === e.id) rel(o, lang === 'en' ? 'under it' : '下级党组织');
    for (const pr of index.all('project')) if (summary(pr).lead === e.id || (!summary(pr).lead && summary(pr).proposed_by === e.id)) rel(pr, stageNote(pr));
    for (const pr of index.all('project')) if ((summary(pr).co_organisers ?? []).some((c) => c.organisation === e.id)) rel(pr, lang === 'en' ? 'co-organiser' : '联办');
    for (const b of index.all('brand')) if (summary(b).organisation === e.id) rel(b, stageNote(b));
    const members = index.all('member').filter((m) => summary(m).organisation === e.id && summary(m).active !== false);
    const holders = new Set(index.all('task').flatMap((t) => summary(t).members ?? []));
    const without = members.filter((m) => !holders.has(m.id) && !(summary(m).exemptions ?? []).length);
    view.fields.push({ key: 'members', label: lang === 'en' ? 'members' : '党员', value: join(members.map((m) => summary(m).name), lang) });
    if (without.length && index.all('task').length) view.gaps.push(lang === 'en' ? `members without a task or exemption: ${join(without.map((m) => summary(m).name), lang)}` : `尚未领办任务、也没有免领记录的党员：${join(without.map((m) => summary(m).name), lang)}`);
  }
  if (e.kind === 'member') {
    for (const t of index.all('task')) if ((summary(t).members ?? []).includes(e.id)) rel(t, stageNote(t));
    for (const c of index.all('commitment')) if (summary(c).member === e.id) rel(c, summary(c).signed_on ?? '');
  }
  return view;
}
