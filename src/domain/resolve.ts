/**
 * How people name records: the one resolver every command uses for an argument or an option that names a record.
 * A record may be named by its id, a project number (2020-007), its name (an organisation's full or short name, a
 * member's or expert's name, a project's title, a brand's name), a task by its member's name, the readable part of
 * its id (`jiaoyuju` for `org-jiaoyuju-7kq3m`), or an unambiguous beginning or part of any of these.
 *
 * The rules are tried in order and the first that matches anything decides (so an exact name wins over a longer
 * name that begins with it):
 *   1. the id itself;
 *   2. a project number;
 *   3. a name, exactly (spaces, quotes, full- and half-width forms and Latin case ignored);
 *   4. a task by the name of a member who holds it; a brand by its organisation's name;
 *   5. the readable part of an id (the id without its kind, year and random suffix);
 *   6. the beginning of an id (with or without its kind prefix);
 *   7. the beginning of a name;
 *   8. a part of a name (two characters or more).
 * One record: that is the one. Several at the same rule: refused, listing them (nothing is guessed).
 * Pure: the index in, records out.
 */
import { UsageError } from './errors.js';
import { kindLabel, type Lang } from './i18n.js';
import { ID_PREFIX, type Kind } from './kinds.js';
import { factsOf, type RecordEntry, type RecordIndex } from './records.js';

export type MatchRule = 'id' | 'number' | 'name' | 'related-name' | 'slug' | 'id-prefix' | 'name-prefix' | 'name-part';

export interface Match<K extends Kind = Kind> {
  rule: MatchRule | null;
  entries: RecordEntry<K>[];
}

/** A name as compared: NFKC (full-width → half-width), no spaces or quotes, Latin lower case, brackets unified. */
export function normName(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[\s\u200b\u3000“”‘’"'「」『』《》〈〉]/g, '')
    .replace(/[【〔［]/g, '[')
    .replace(/[】〕］]/g, ']')
    .toLowerCase();
}

/** The names a record goes by (rule 3), as written in the record. */
export function namesOf(entry: RecordEntry): string[] {
  const d = factsOf(entry);
  switch (entry.kind) {
    case 'organisation':
      return [d.name, d.short_name].filter(Boolean);
    case 'member':
    case 'expert':
      return [d.name].filter(Boolean);
    case 'project':
      return [d.title].filter(Boolean);
    case 'brand':
      return [d.name].filter(Boolean);
    case 'programme':
      return [d.name, d.short_name].filter(Boolean);
    case 'selection':
      return [d.title].filter(Boolean);
    default:
      return [];
  }
}

/** The readable part of an id: `org-jiaoyuju-7kq3m` → `jiaoyuju`, `p-2020-hs-jiaotong` → `hs-jiaotong`. */
export function idSlug(id: string): string {
  const m = /^([a-z]+)-(.*)$/.exec(id);
  if (!m) return '';
  return m[2]!.replace(/^\d{4}-/, '').replace(/-[2-9a-hjkmnp-z]{5}$/, '');
}

type Table = Map<string, RecordEntry[]>;
type NameTables = { byName: Table; named: { entry: RecordEntry; keys: string[] }[] };

function add(map: Table, key: string, e: RecordEntry): void {
  if (!key) return;
  let list = map.get(key);
  if (!list) map.set(key, (list = []));
  // An entry's keys are added together: a repeat can only be the last one (a search was k² for k tasks of one member).
  if (list[list.length - 1] !== e) list.push(e);
}

/**
 * Lookup tables over one index, each built on first use and kept with it: a hint (refFor) asks only the number,
 * name and related-name rules, so it never pays for the slugs of 100,000 records.
 */
class Names {
  private names?: NameTables;
  private related?: Table;
  private slugs?: Table;
  private numbers?: Table;

  constructor(private readonly index: RecordIndex) {}

  get byName(): Table {
    return this.nameTables().byName;
  }

  get named(): NameTables['named'] {
    return this.nameTables().named;
  }

  private nameTables(): NameTables {
    if (!this.names) {
      const byName: Table = new Map();
      const named: NameTables['named'] = [];
      for (const e of this.index.byId.values()) {
        const keys = namesOf(e).map(normName).filter(Boolean);
        for (const k of keys) add(byName, k, e);
        if (keys.length) named.push({ entry: e, keys });
      }
      this.names = { byName, named };
    }
    return this.names;
  }

  get bySlug(): Table {
    if (!this.slugs) {
      const t: Table = new Map();
      for (const e of this.index.byId.values()) {
        add(t, idSlug(e.id), e);
        add(t, e.id.replace(/^[a-z]+-(\d{4}-)?/, ''), e);
      }
      this.slugs = t;
    }
    return this.slugs;
  }

  get byNumber(): Table {
    if (!this.numbers) {
      const t: Table = new Map();
      for (const e of this.index.byId.values()) {
        const number = e.kind === 'project' ? (factsOf(e).number as string | undefined) : undefined;
        if (number) add(t, normName(String(number)), e);
      }
      this.numbers = t;
    }
    return this.numbers;
  }

  get byRelated(): Table {
    if (!this.related) {
      const t: Table = new Map();
      const index = this.index;
      const memberName = (id: string) => index.get('member', id) && factsOf(index.get('member', id)!).name;
      for (const task of index.all('task')) for (const m of factsOf(task).members ?? []) if (memberName(m)) add(t, normName(memberName(m)), task);
      for (const b of index.all('brand')) {
        const o = index.get('organisation', factsOf(b).organisation);
        for (const n of o ? namesOf(o) : []) add(t, normName(n), b);
      }
      this.related = t;
    }
    return this.related;
  }
}

const tables = new WeakMap<RecordIndex, Names>();
function names(index: RecordIndex): Names {
  let n = tables.get(index);
  if (!n) tables.set(index, (n = new Names(index)));
  return n;
}

/** Every record the text names under the first rule that names any (of the given kinds). */
export function matchRecords<K extends Kind>(index: RecordIndex, text: string, kinds: readonly K[]): Match<K> {
  return firstMatch(index, text, kinds, 'name-part', Infinity);
}

/**
 * matchRecords, asking no rule after `last` (those scan every record) and keeping at most `atMost` + 1 entries
 * (enough to tell one from several).
 */
function firstMatch<K extends Kind>(index: RecordIndex, text: string, kinds: readonly K[], last: MatchRule, atMost: number): Match<K> {
  const want = (e: RecordEntry | undefined): e is RecordEntry<K> => !!e && kinds.includes(e.kind as K);
  const raw = text.trim();
  const key = normName(raw);
  if (!key) return { rule: null, entries: [] };
  const byId = index.any(raw) ?? index.any(raw.toLowerCase());
  // The id itself needs no tables (most commands are given ids by scripts).
  if (want(byId)) return { rule: 'id', entries: [byId] };
  const n = names(index);
  const rules: [MatchRule, () => RecordEntry[]][] = [
    ['id', () => (byId ? [byId] : [])],
    ['number', () => n.byNumber.get(key) ?? []],
    ['name', () => n.byName.get(key) ?? []],
    ['related-name', () => n.byRelated.get(key) ?? []],
    ['slug', () => n.bySlug.get(key) ?? []],
    ['id-prefix', () => (/^[a-z0-9-]+$/.test(key) ? [...index.byId.values()].filter((e) => e.id.startsWith(key) || e.id.slice(e.id.indexOf('-') + 1).startsWith(key)) : [])],
    ['name-prefix', () => n.named.filter((x) => x.keys.some((k) => k.startsWith(key))).map((x) => x.entry)],
    ['name-part', () => ([...key].length >= 2 ? n.named.filter((x) => x.keys.some((k) => k.includes(key))).map((x) => x.entry) : [])],
  ];
  for (const [rule, find] of rules) {
    const entries = new Set<RecordEntry<K>>();
    for (const e of find()) {
      if (!want(e)) continue;
      entries.add(e);
      if (entries.size > atMost) break;
    }
    if (entries.size) return { rule, entries: [...entries] };
    if (rule === last) break;
  }
  return { rule: null, entries: [] };
}

/** How a record is listed among candidates: its name and id (a task: its content and members). */
export function describeRecord(index: RecordIndex, e: RecordEntry, lang: Lang): string {
  const d = factsOf(e);
  const kind = kindLabel(e.kind, lang);
  let name = namesOf(e)[0] ?? '';
  if (e.kind === 'organisation' && d.short_name) name = d.short_name;
  if (e.kind === 'project' && d.number) name = `${d.number} ${name}`;
  if (e.kind === 'task') {
    const who = (d.members ?? []).map((m: string) => (index.get('member', m) ? factsOf(index.get('member', m)!).name : m)).join(lang === 'zh' ? '、' : ', ');
    const content = String(d.content ?? '');
    name = `${who}${lang === 'zh' ? '：' : ': '}${content.length > 24 ? `${content.slice(0, 24)}…` : content}`;
  }
  return lang === 'zh' ? `${kind} ${name ? `${name}（${e.id}）` : e.id}` : `${kind} ${name ? `${name} (${e.id})` : e.id}`;
}

/** A record as a sentence names it: a project's title in quotes, a task by its members and content, else its name (or id). */
export function recordName(index: RecordIndex, e: RecordEntry, lang: Lang): string {
  const d = factsOf(e);
  const q = (s: string) => (lang === 'zh' ? `“${s}”` : `"${s}"`);
  if (e.kind === 'task') {
    const who = (d.members ?? []).map((m: string) => (index.get('member', m) ? factsOf(index.get('member', m)!).name : m)).join(lang === 'zh' ? '、' : ', ');
    const content = String(d.content ?? '');
    const short = content.length > 20 ? `${content.slice(0, 20)}…` : content;
    return lang === 'zh' ? `${who}的任务${q(short)}` : `${who}'s task ${q(short)}`;
  }
  if (e.kind === 'organisation') return d.short_name ?? d.name ?? e.id;
  const name = namesOf(e)[0];
  return name ? (e.kind === 'member' || e.kind === 'expert' ? name : q(name)) : e.id;
}

/** How many candidates a refusal lists before "and N more". */
const LISTED = 12;

/**
 * The one record `text` names among `kinds`; a usage error (exit 2) naming what was looked for when nothing
 * matches, or listing the candidates when several do. `what` names the argument or flag in the message.
 */
export function resolveRecord<K extends Kind>(index: RecordIndex, text: string, kinds: readonly K[], what?: string): RecordEntry<K> {
  const m = matchRecords(index, text, kinds);
  if (m.entries.length === 1) return m.entries[0]!;
  const label = (lang: Lang) => kinds.map((k) => kindLabel(k, lang)).join(lang === 'zh' ? '、' : ', ');
  const flag = (lang: Lang) => (what ? `${what}${lang === 'zh' ? '：' : ': '}` : '');
  if (!m.entries.length) {
    throw new UsageError(
      `${flag('zh')}找不到${label('zh')}“${text}”（可用 djyc find ${shellWord(text)} 查找）`,
      `${flag('en')}no ${label('en')} "${text}" (try djyc find ${shellWord(text)})`,
    );
  }
  const list = (lang: Lang) => {
    const lines = m.entries.slice(0, LISTED).map((e) => `  ${describeRecord(index, e, lang)}`);
    if (m.entries.length > LISTED) lines.push(lang === 'zh' ? `  ……另有 ${m.entries.length - LISTED} 条` : `  … and ${m.entries.length - LISTED} more`);
    return lines.join('\n');
  };
  throw new UsageError(
    `${flag('zh')}“${text}”对应 ${m.entries.length} 条记录，请写得更具体（写全名称，或写编号）：\n${list('zh')}`,
    `${flag('en')}"${text}" matches ${m.entries.length} records; be more specific (the full name, or the id):\n${list('en')}`,
  );
}

/** A word as a shell reads it: quoted when it holds spaces, quotes or shell characters. */
export function shellWord(text: string): string {
  return /^[^\s'"`$\\|&;<>()*?#~!{}[\]]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * The shortest way to name a record that the resolver takes back to it among `kinds` (its name, a task by its
 * member, a project's number, else its id), quoted for the shell: what the next-step hints and `djyc todo` print.
 */
export function refFor(index: RecordIndex, entry: RecordEntry, kinds: readonly Kind[] = [entry.kind]): string {
  const d = factsOf(entry);
  const candidates: string[] = [];
  if (entry.kind === 'organisation' && d.short_name) candidates.push(d.short_name);
  candidates.push(...namesOf(entry));
  if (entry.kind === 'project' && d.number) candidates.push(String(d.number));
  if (entry.kind === 'task') for (const m of d.members ?? []) if (index.get('member', m)) candidates.push(factsOf(index.get('member', m)!).name);
  for (const c of candidates) {
    if (!c || /^-/.test(c)) continue;
    // Only the rules a hint may use, and only whether one record answers.
    const m = firstMatch(index, c, kinds, 'related-name', 1);
    if (m.entries.length === 1 && m.entries[0] === entry && (m.rule === 'name' || m.rule === 'number' || m.rule === 'related-name')) return shellWord(c);
  }
  return entry.id;
}

/** The kind a word names (`项目`, `project`, `projects`, `org`): for `djyc list <kind>`. */
export function kindOfWord(word: string): Kind | undefined {
  const w = normName(word);
  const words: Record<string, Kind> = {
    programme: 'programme', programmes: 'programme', 方案: 'programme',
    organisation: 'organisation', organisations: 'organisation', org: 'organisation', orgs: 'organisation', organization: 'organisation', 党组织: 'organisation', 组织: 'organisation',
    member: 'member', members: 'member', 党员: 'member',
    expert: 'expert', experts: 'expert', 专家: 'expert', 专家库: 'expert',
    project: 'project', projects: 'project', 项目: 'project',
    task: 'task', tasks: 'task', 任务: 'task',
    commitment: 'commitment', commitments: 'commitment', 承诺书: 'commitment',
    report: 'report', reports: 'report', 执行书: 'report',
    closure: 'closure', closures: 'closure', 结项书: 'closure',
    evaluation: 'evaluation', evaluations: 'evaluation', 验收: 'evaluation', 评价: 'evaluation',
    brand: 'brand', brands: 'brand', 品牌: 'brand',
    selection: 'selection', selections: 'selection', 评选: 'selection',
  };
  if (words[w]) return words[w];
  return (Object.entries(ID_PREFIX) as [Kind, string][]).find(([, prefix]) => prefix === w)?.[0];
}

/** The organisation an `--org` option names, as its id (undefined when the option is not given). */
export function orgOption(index: RecordIndex, text: string | undefined, flag = '--org'): string | undefined {
  return text ? resolveRecord(index, text, ['organisation'], flag).id : undefined;
}
