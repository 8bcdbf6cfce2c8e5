/**
 * `djyc set <record> field=value …`: edits any field the record's schema allows and no rule freezes. Fields are named
 * by their key or their Chinese title (书记, 项目负责人); references take names (the one resolver); lists take
 * `、`/`,`-separated items or `field+=item` to append one. The edit is validated like every write (schema,
 * references, programme rules) and committed once; records with a history get an entry naming the changed fields,
 * and a project's change after 约谈 can be recorded as the intervention 调整 (`adjust`).
 */
import { parse as parseYaml } from 'yaml';
import { loadSchema } from '../store/schemas.js';
import { FROZEN_FIELDS } from '../domain/frozen.js';
import type { Kind } from '../domain/kinds.js';
import type { RecordEntry } from '../domain/records.js';
import { Workspace, appendItem, clean, refuse, setField, stageOf, usage, type OpOptions, type OpResult } from './workspace.js';

export interface SetOptions extends OpOptions {
  record: string;
  /** `key=value`, `key+=item` or `key=` (removes an optional field). */
  assignments: string[];
  /** Record the change as the intervention 调整 (projects only). */
  adjust?: boolean;
}

type Schema = Record<string, any>;

/** Never through `set`: identity, the programme, stages and history (advance), the interventions list (intervene). */
const MANAGED = new Set(['id', 'programme', 'stage', 'history', 'interventions']);
const EDITABLE_KINDS: readonly Kind[] = ['project', 'task', 'organisation', 'member', 'expert', 'brand', 'commitment', 'report', 'closure', 'evaluation', 'selection'];
const WITH_HISTORY = new Set<Kind>(['project', 'task', 'brand']);

function deref(s: Schema | undefined): Schema | undefined {
  if (!s?.$ref) return s;
  const m = /^common\.schema\.json#\/definitions\/(.+)$/.exec(s.$ref);
  const def = m ? loadSchema('common').definitions?.[m[1]!] : undefined;
  return def ? { ...def, ...s, $ref: undefined } : s;
}

/** The schema property a key names: its key, or its Chinese title (书记 → secretary). */
function propertyOf(schema: Schema, key: string): [string, Schema] | undefined {
  const props: Record<string, Schema> = schema.properties ?? {};
  if (props[key]) return [key, props[key]!];
  const byTitle = Object.entries(props).filter(([, p]) => p.title === key);
  return byTitle.length === 1 ? byTitle[0] : undefined;
}

export interface FieldChange {
  key: string;
  title: string;
  value: unknown;
}

export async function setFields(o: SetOptions): Promise<OpResult & { record: string; kind: Kind; fields: FieldChange[] }> {
  await using ws = await Workspace.open(o);
  const entry = ws.find(o.record, EDITABLE_KINDS) as RecordEntry;
  if (!o.assignments.length) usage('缺少要修改的字段，例如 djyc set <记录> contact=王华', 'no field to change, e.g. djyc set <record> contact=王华');
  const schema = loadSchema(entry.kind as Kind);
  const required = new Set<string>(schema.required ?? []);
  const data = entry.data as unknown as Record<string, unknown>;
  const p = WITH_HISTORY.has(entry.kind as Kind) ? ws.programmeOf(entry) : undefined;
  const stage = p ? stageOf(p, entry) : undefined;
  if (stage?.final) refuse(`${entry.id} 已处于终结阶段“${stage.label}”，不再修改`, `${entry.id} is at its final stage ${stage.id}; it no longer changes`);
  if (o.adjust && entry.kind !== 'project') usage('--adjust 只用于项目（记为督促措施“调整”）', '--adjust is for projects only (recorded as the intervention 调整)');

  const changes = new Map<string, FieldChange>();
  const resolveRef = (kind: string, text: string, key: string): string => ws.find(text.trim(), [kind as Kind], key).id;
  /** One value of a property from the command line, typed by its schema; references by name. */
  const valueOf = (prop: Schema, raw: string, key: string): unknown => {
    const s = deref(prop)!;
    if (s['x-ref']) return resolveRef(s['x-ref'], raw, key);
    if (s.type === 'boolean') {
      if (/^(true|是|yes)$/i.test(raw.trim())) return true;
      if (/^(false|否|no)$/i.test(raw.trim())) return false;
      usage(`${key} 应为 true/false（是/否），收到“${raw}”`, `${key} must be true or false (got "${raw}")`);
    }
    if (s.type === 'integer' || s.type === 'number') {
      const n = Number(raw.trim());
      if (!raw.trim() || !Number.isFinite(n)) usage(`${key} 应为数字，收到“${raw}”`, `${key} must be a number (got "${raw}")`);
      return n;
    }
    if (s.type === 'object') {
      let parsed: unknown;
      if (!raw.trim().startsWith('{')) {
        // Positional: the properties in schema order, split at ':' (王华:组长; 2020-05-01:2020-06-30:调研走访).
        const keys = Object.keys(s.properties ?? {});
        const parts = raw.split(/[:：]/);
        const head = parts.slice(0, keys.length - 1);
        const rest = parts.slice(keys.length - 1).join(':');
        parsed = Object.fromEntries([...head, ...(parts.length >= keys.length ? [rest] : [])].map((v, i) => [keys[i]!, v.trim()]).filter(([, v]) => v));
      } else try {
        parsed = parseYaml(raw, { version: '1.2', schema: 'core' });
      } catch {
        usage(`${key} 的值应写成 {键: 值, …}，收到“${raw}”`, `${key} takes {key: value, …} (got "${raw}")`);
      }
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) usage(`${key} 的值应写成 {键: 值, …}`, `${key} takes {key: value, …}`);
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
        const sub = propertyOf(s, k);
        if (!sub) {
          out[k] = v; // the schema check names the unknown key
          continue;
        }
        out[sub[0]] = typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? valueOf(sub[1], String(v), `${key}.${sub[0]}`) : v;
      }
      return out;
    }
    return raw.trim().normalize('NFC');
  };

  for (const a of o.assignments) {
    const m = /^([^=+]+?)\s*(\+?=)([\s\S]*)$/.exec(a);
    if (!m) usage(`“${a}”应写成 字段=值（或 字段+=值 追加一项）`, `"${a}" must be field=value (or field+=value to append)`);
    const [, name, op, raw] = m as unknown as [string, string, string, string];
    const found = propertyOf(schema, name.trim());
    if (!found) {
      const known = Object.entries(schema.properties ?? {}).filter(([k]) => !MANAGED.has(k)).map(([k, v]) => `${k}（${(v as Schema).title ?? k}）`);
      usage(`${entry.id} 没有字段“${name}”。可修改：${known.join('、')}`, `${entry.id} has no field "${name}". Editable: ${known.join(', ')}`);
    }
    const [key, prop] = found!;
    if (MANAGED.has(key)) {
      const how = key === 'stage' || key === 'history' ? 'djyc advance' : key === 'interventions' ? 'djyc intervene' : '';
      refuse(`字段“${key}”不能用 set 修改${how ? `，请用 ${how}` : ''}`, `"${key}" cannot be changed with set${how ? `; use ${how}` : ''}`);
    }
    // Acceptance rounds and amendments are history: only accept / --correct write them (domain/frozen.ts).
    const frozen = key === 'acceptance' || key === 'amendments' || (FROZEN_FIELDS[entry.kind as Kind] ?? []).some((f) => f.field === key);
    if (frozen && data[key] !== undefined) refuse(`“${prop.title ?? key}”一经记录不能更改（${entry.id}：${JSON.stringify(data[key])}）`, `"${key}" cannot change once recorded (${entry.id}: ${JSON.stringify(data[key])})`);
    const s = deref(prop)!;
    const prior = changes.get(key)?.value ?? data[key];
    let value: unknown;
    if (op === '+=') {
      if (s.type !== 'array') usage(`“${key}”不是列表，不能用 +=`, `"${key}" is not a list; += appends to lists`);
      value = [...((prior as unknown[] | undefined) ?? []), valueOf(s.items ?? {}, raw, key)];
    } else if (!raw.trim()) {
      if (required.has(key)) refuse(`“${prop.title ?? key}”是必填字段，不能清空`, `"${key}" is required and cannot be emptied`);
      value = undefined;
    } else if (s.type === 'array') {
      const items = s.items?.type === 'object' || deref(s.items)?.type === 'object' ? splitObjects(raw) : raw.split(/[、,，]/).map((x) => x.trim()).filter(Boolean);
      value = items.map((item) => valueOf(s.items ?? {}, item, key));
    } else value = valueOf(s, raw, key);
    changes.set(key, { key, title: prop.title ?? key, value });
  }

  const fields = [...changes.values()];
  const unchanged = fields.filter((f) => JSON.stringify(f.value) === JSON.stringify(data[f.key]));
  if (unchanged.length === fields.length) refuse(`${entry.id} 的这些字段已是给定的值，未做任何更改`, `${entry.id} already holds these values; nothing was changed`);
  ws.edit(entry, (doc) => {
    for (const f of fields) {
      if (f.value === undefined) doc.delete(f.key);
      else setField(doc, entry.kind as Kind, f.key, f.value);
    }
  });
  const titles = fields.map((f) => f.title).join('、');
  if (o.adjust) ws.edit(entry, (doc) => appendItem(doc, 'project', 'interventions', clean({ date: ws.date, type: '调整', by: ws.by, note: o.note?.trim() ?? `调整${titles}` })));
  if (stage) ws.history(entry, { stage: stage.id, date: ws.date, by: ws.by, note: o.note ?? `${o.adjust ? '调整' : '修改'}${titles}` });
  const result = await ws.commit(`djyc set: ${entry.id} ${fields.map((f) => f.key).join(', ')}${o.adjust ? ' (调整)' : ''}`, { next: WITH_HISTORY.has(entry.kind as Kind) ? [entry.id] : [] });
  return { ...result, record: entry.id, kind: entry.kind as Kind, fields };
}

/** `{member: 王华, role: 组长}; {member: 周立}` or `王华:组长; 周立` → one string per item. */
function splitObjects(raw: string): string[] {
  return raw.split(/[;；]/).map((x) => x.trim()).filter(Boolean);
}
