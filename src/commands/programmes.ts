/**
 * The rounds of a records repository (方案): `djyc programme add` starts the next round in the same repository —
 * from a preset (`--preset shuangling --year 2021`) or by carrying an edited programme forward (`--from
 * shuangling-2020 --year 2021`: the file copied with its comments and edits, its id and year changed; calendar
 * windows are relative to the year, so they move with it). `djyc programme list` shows every round and which one
 * commands act on today. Records of earlier rounds are not touched.
 */
import { parseDocument } from 'yaml';
import { readRecordFile } from '../store/records.js';
import { loadRepository } from '../store/repo.js';
import { recordPath } from '../domain/kinds.js';
import { RecordIndex } from '../domain/records.js';
import { chooseProgramme, byNewest, programmeYears, type ChoiceReason } from '../domain/years.js';
import { programmeFromPreset } from './init.js';
import { Workspace, refuse, usage, type OpOptions, type OpResult } from './workspace.js';

export interface ProgrammeAddOptions extends OpOptions {
  /** A preset (templates/programmes/<preset>.yaml) … */
  preset?: string;
  /** … or an existing programme of the repository to carry forward. */
  from?: string;
  year: number;
  /** Id of the new programme (default: <preset>-<year>, or the source's id with its year replaced). */
  id?: string;
}

export interface ProgrammeAddResult extends OpResult {
  programme: string;
  year: number;
  source: { preset?: string; from?: string };
}

/** The id of a programme carried forward: its year replaced (shuangling-2020 → shuangling-2021), else the year added. */
export function carriedId(from: string, fromYear: number, year: number): string {
  const suffix = `-${fromYear}`;
  return from.endsWith(suffix) ? `${from.slice(0, -suffix.length)}-${year}` : `${from}-${year}`;
}

const HEADER = '# yaml-language-server: $schema=../../schemas/programme.schema.json\n';

export async function addProgramme(o: ProgrammeAddOptions): Promise<ProgrammeAddResult> {
  if (!Number.isInteger(o.year) || o.year < 2000 || o.year > 2100) usage('--year 应为四位年份，例如 2021', '--year must be a four-digit year, e.g. 2021');
  if (!!o.preset === !!o.from) usage('请给出 --preset（从预设新建）或 --from（沿用已有方案），二者选一', 'give either --preset (from a preset) or --from (carry a programme forward)');
  await using ws = await Workspace.open(o);
  let id: string;
  let text: string;
  if (o.from) {
    const source = ws.index.get('programme', o.from);
    if (!source) usage(`方案“${o.from}”不存在（可用：${ws.index.all('programme').map((p) => p.id).join(', ') || '—'}）`, `programme "${o.from}" does not exist`);
    if (o.year === source.data.year) refuse(`新方案的年度 ${o.year} 与“${o.from}”相同：下一轮请给出新的年度`, `the new programme's year ${o.year} is the same as "${o.from}"'s; give the next round's year`);
    id = o.id ?? carriedId(source.id, source.data.year, o.year);
    const before = readRecordFile(ws.root, 'programme', source.id) ?? source.text;
    const doc = parseDocument(before.replace(/^\uFEFF/, ''), { version: '1.2', schema: 'core' });
    doc.set('id', id);
    doc.set('year', o.year);
    const body = doc.toString({ lineWidth: 0, minContentWidth: 0 });
    text = body.startsWith('# yaml-language-server') ? body : `${HEADER}${body}`;
  } else {
    ({ id, text } = programmeFromPreset(o.preset!, o.year, o.id));
  }
  if (ws.index.any(id)) refuse(`编号 ${id} 已被使用（方案文件 ${recordPath('programme', id)}）；可用 --id 另取编号`, `id ${id} is already taken; choose another with --id`);
  ws.createText('programme', id, text);
  const result = await ws.commit(`djyc programme add: ${id} (${o.from ? `from ${o.from}` : `preset ${o.preset}`}, ${o.year})`);
  return { ...result, programme: id, year: o.year, source: o.from ? { from: o.from } : { preset: o.preset } };
}

export interface ProgrammeListEntry {
  id: string;
  name: string;
  preset?: string;
  year: number;
  years: number;
  period: string;
  projects: number;
  brands: number;
  /** The one commands act on without --programme today. */
  current: boolean;
  isDefault: boolean;
}

export interface ProgrammeList {
  today: string;
  programmes: ProgrammeListEntry[];
  /** Why the current one is current (or null when commands must be told: a tie). */
  reason: ChoiceReason | null;
}

/** Every programme of the repository, newest first, with the one commands act on today. */
export function listProgrammes(root: string, today: string): ProgrammeList {
  const repo = loadRepository(root);
  const index = new RecordIndex(repo);
  let current: string | undefined;
  let reason: ChoiceReason | null = null;
  try {
    const c = chooseProgramme(index, undefined, today);
    current = c.programme.id;
    reason = c.reason;
  } catch {
    // several candidates and no default: commands ask for --programme
  }
  const count = (kind: 'project' | 'brand', id: string) => index.all(kind).filter((r) => r.data.programme === id).length;
  const programmes = index.all('programme').map((r) => r.data).sort(byNewest).map((p) => {
    const { first, last } = programmeYears(p);
    return {
      id: p.id, name: p.short_name ?? p.name, ...(p.preset ? { preset: p.preset } : {}), year: p.year, years: p.years ?? 1,
      period: first === last ? String(first) : `${first}—${last}`, projects: count('project', p.id), brands: count('brand', p.id),
      current: p.id === current, isDefault: p.id === repo.config.default_programme,
    };
  });
  return { today, programmes, reason };
}
