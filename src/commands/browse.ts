/**
 * The reading use cases that help an office find its way: `djyc list`, `djyc find`, `djyc show` and `djyc todo`.
 * Each reads the repository once and hands plain data to the CLI (domain/browse.ts, domain/todo.ts compute it).
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadRepository } from '../store/repo.js';
import { loadSchema } from '../store/schemas.js';
import { today as todayIn } from '../store/clock.js';
import { UsageError } from '../domain/errors.js';
import type { Lang } from '../domain/i18n.js';
import { KINDS, type Kind } from '../domain/kinds.js';
import { RecordIndex, type Repository } from '../domain/records.js';
import { kindOfWord, matchRecords, orgOption, resolveRecord } from '../domain/resolve.js';
import { findRecords, knownStage, listView, showView, type Hit, type ListView, type ShowView } from '../domain/browse.js';
import { computeTodo, type Todo } from '../domain/todo.js';
import { resolveProgramme } from '../domain/programme.js';

export interface ListOptions {
  root: string;
  /** A kind as a word: 项目, project, org, 党员 … (default: projects). */
  kind?: string;
  org?: string;
  stage?: string;
  programme?: string;
  year?: string;
  lang: Lang;
}

/** The kind a word names, or a usage error listing the words. */
export function kindNamed(word: string | undefined): Kind {
  if (word === undefined) return 'project';
  const kind = kindOfWord(word);
  if (!kind) {
    throw new UsageError(
      `不认识的记录类别“${word}”（可用：项目、任务、党组织、党员、专家、品牌、承诺书、执行书、结项书、评价、评选、方案）`,
      `unknown kind "${word}" (known: ${KINDS.join(', ')})`,
    );
  }
  return kind;
}

export function list(o: ListOptions): ListView {
  const kind = kindNamed(o.kind);
  const index = new RecordIndex(loadRepository(o.root));
  const year = o.year === undefined ? undefined : Number(o.year);
  if (o.year !== undefined && !/^\d{4}$/.test(o.year)) throw new UsageError(`--year 应为四位年份（收到“${o.year}”）`, `--year must be a year like 2020 (got "${o.year}")`);
  if (o.stage && !knownStage(index, o.stage)) throw new UsageError(`--stage：方案中没有阶段“${o.stage}”`, `--stage: no stage "${o.stage}" in the programmes`);
  const programme = o.programme ? resolveProgramme(index, o.programme).id : undefined;
  return listView(index, { kind, org: orgOption(index, o.org), stage: o.stage, programme, year }, o.lang);
}

export function find(o: { root: string; text: string; kind?: string; lang: Lang; limit?: number }): Hit[] {
  const index = new RecordIndex(loadRepository(o.root));
  return findRecords(index, o.text, o.lang, { ...(o.kind ? { kinds: [kindNamed(o.kind)] } : {}), limit: o.limit });
}

/**
 * The record `text` names (domain/resolve.ts); with `programme`, one of that programme's records: the same project
 * number in two rounds (a format without the year) names the one of that round.
 */
function recordIn(index: RecordIndex, text: string, programme: string | undefined, lang: Lang) {
  const what = lang === 'en' ? 'record' : '记录';
  if (programme === undefined) return resolveRecord(index, text, KINDS, what);
  const p = resolveProgramme(index, programme);
  const own = (e: { data: unknown }) => (e.data as { programme?: string }).programme;
  const m = matchRecords(index, text, KINDS);
  const mine = m.entries.filter((e) => own(e) === p.id);
  const entry = mine.length === 1 ? mine[0]! : resolveRecord(index, text, KINDS, what);
  const theirs = own(entry);
  if (theirs !== undefined && theirs !== p.id) throw new UsageError(`${entry.id} 属于方案“${theirs}”，不是 --programme 所指的“${p.id}”`, `${entry.id} belongs to programme "${theirs}", not "${p.id}" (--programme)`);
  return entry;
}

export function show(o: { root: string; text: string; lang: Lang; today?: string; programme?: string }): ShowView {
  const index = new RecordIndex(loadRepository(o.root));
  const entry = recordIn(index, o.text, o.programme, o.lang);
  const props = (loadSchema(entry.kind).properties ?? {}) as Record<string, { title?: string }>;
  const labels = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, v.title ?? k]));
  return showView(index, entry, { today: todayIn(o.today), fileExists: (rel) => fs.existsSync(path.join(o.root, rel)), labels }, o.lang);
}

/** The to-do list, and the repository it was made from (a memo of the answer needs it). */
export function todo(o: { root: string; org?: string; programme?: string; today?: string; within?: number; fileExists?: (rel: string) => boolean }): Todo & { repo: Repository } {
  const repo = loadRepository(o.root);
  const index = RecordIndex.of(repo);
  const programme = o.programme ? resolveProgramme(index, o.programme).id : undefined;
  const fileExists = o.fileExists ?? ((rel: string) => fs.existsSync(path.join(o.root, rel)));
  return { ...computeTodo(repo, { today: todayIn(o.today), within: o.within, org: orgOption(index, o.org), programme, fileExists }), repo };
}
