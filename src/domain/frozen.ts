/**
 * Recorded results are never silently replaced: the one rule set, applied by the store's write path (every djyc
 * write command), by `validate --base` and by the git hooks alike.
 *
 * Once recorded, these values do not change: an evaluation's ratings (支委会意见, 党委（党组）意见, both as levels and
 * as text), the public poll (participants and votes), the stars, the bonus points, the review opinion; a project's
 * number; and every acceptance round (a new round is appended, the earlier ones stay as they were). A real
 * correction is explicit (`--correct --reason "…"`): the record's `amendments` list gains an entry naming the field,
 * the value it held (`before`), the reason, the date and who — and then the change is allowed and reported as a
 * visible amendment (severity "notice"), never as an error. `amendments` itself is append-only.
 *
 * Pure: the record as it was and as it is in, findings (a JSON Pointer into the record as it is) out.
 */
import type { Kind } from './kinds.js';
import { T, type MessageKey, type Text } from './i18n.js';
import { acceptanceRounds, RESULT_LABELS } from './acceptance.js';

/** A value that cannot change once it holds one. `field` is how an amendment names it. */
export interface FrozenField {
  pointer: string;
  field: string;
  label: Text;
}

export const FROZEN_FIELDS: Partial<Record<Kind, FrozenField[]>> = {
  evaluation: [
    { pointer: '/branch_rating', field: 'branch_rating', label: T('支委会意见', 'branch committee opinion') },
    { pointer: '/committee_rating', field: 'committee_rating', label: T('党委（党组）意见', 'Party committee opinion') },
    { pointer: '/committee_opinion', field: 'committee_opinion', label: T('党委（党组）意见（文字）', 'Party committee opinion (text)') },
    { pointer: '/poll', field: 'poll', label: T('群众测评', 'public poll') },
    { pointer: '/stars', field: 'stars', label: T('星级评估', 'star rating') },
    { pointer: '/bonus_points', field: 'bonus_points', label: T('加分', 'bonus points') },
    { pointer: '/review_opinion', field: 'review_opinion', label: T('评审组意见', 'review opinion') },
  ],
  project: [{ pointer: '/number', field: 'number', label: T('项目编号', 'project number') }],
};

/** Kinds with frozen values (and so an `amendments` list). */
export function hasFrozenFields(kind: Kind): boolean {
  return !!FROZEN_FIELDS[kind];
}

/** One correction as recorded in `amendments`. */
export interface Amendment {
  date: string;
  by?: string;
  field: string;
  before?: unknown;
  reason: string;
}

export interface FrozenFinding {
  pointer: string;
  /** The value's name as an amendment gives it, and the value it held. */
  field: string;
  was: unknown;
  severity: 'error' | 'notice';
  rule: Extract<MessageKey, 'frozen' | 'frozen-amended' | 'amendments-changed'>;
  params: Record<string, string | number>;
}

type Data = Record<string, unknown>;

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => deepEqual(x, bb[i]));
  }
  const ka = Object.keys(a as Data);
  const kb = Object.keys(b as Data);
  return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual((a as Data)[k], (b as Data)[k]));
}

function at(data: unknown, pointer: string): unknown {
  let v: unknown = data;
  for (const seg of pointer.split('/').slice(1)) {
    if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
    v = (v as Data)[seg.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return v;
}

/** A value as a person reads it in a message: text as is, anything else as compact JSON. */
export function showValue(v: unknown): string {
  if (v === undefined || v === null) return '—';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

export function amendmentsOf(data: unknown): Amendment[] {
  const list = data && typeof data === 'object' ? (data as { amendments?: unknown }).amendments : undefined;
  return Array.isArray(list) ? (list.filter((a) => a && typeof a === 'object') as Amendment[]) : [];
}

/** How an amendment names an acceptance round (0-based, as in the list). */
export function roundField(i: number): string {
  return `acceptance/${i}`;
}

/** The label of a frozen value by its amendment field name. */
export function frozenLabel(kind: Kind, field: string): Text {
  const m = /^acceptance\/(\d+)$/.exec(field);
  if (m) return T(`第 ${Number(m[1]) + 1} 轮验收`, `acceptance round ${Number(m[1]) + 1}`);
  return FROZEN_FIELDS[kind]?.find((f) => f.field === field)?.label ?? T(field, field);
}

/**
 * The recorded values a change would alter: an error for each one altered without an amendment entry (added by
 * the same change) that names it and the value it held; a notice for each altered with one.
 */
export function frozenChanges(kind: Kind, before: unknown, after: unknown): FrozenFinding[] {
  const fields = FROZEN_FIELDS[kind];
  if (!fields || !before || typeof before !== 'object' || !after || typeof after !== 'object') return [];
  const out: FrozenFinding[] = [];
  const was = amendmentsOf(before);
  const now = amendmentsOf(after);
  for (let i = 0; i < was.length; i++) {
    if (!deepEqual(was[i], now[i])) out.push({ pointer: now[i] ? `/amendments/${i}` : Array.isArray((after as Data).amendments) ? '/amendments' : '', field: 'amendments', was: was[i], severity: 'error', rule: 'amendments-changed', params: { n: i + 1 } });
  }
  const added = now.slice(was.length);
  const amendment = (field: string, value: unknown) => added.find((a) => a.field === field && deepEqual(a.before, value));

  const judge = (field: string, label: Text, old: unknown, current: unknown, pointer: string, shown: (v: unknown) => string) => {
    if (deepEqual(old, current)) return;
    const a = amendment(field, old);
    if (a) {
      out.push({
        pointer, field, was: old, severity: 'notice', rule: 'frozen-amended',
        params: { field, label_zh: label.zh, label_en: label.en, before: shown(old), after: current === undefined ? '—' : shown(current), reason: a.reason, date: a.date, by: a.by ?? '' },
      });
    } else {
      out.push({ pointer, field, was: old, severity: 'error', rule: 'frozen', params: { field, label_zh: label.zh, label_en: label.en, before: shown(old) } });
    }
  };

  for (const f of fields) {
    const old = at(before, f.pointer);
    if (old === undefined || old === null) continue;
    const current = at(after, f.pointer);
    judge(f.field, f.label, old, current, current === undefined ? '' : f.pointer, showValue);
  }

  if (kind === 'evaluation') {
    const oldRounds = acceptanceRounds(before as Data);
    const newRounds = acceptanceRounds(after as Data);
    const list = Array.isArray((after as Data).acceptance);
    oldRounds.forEach((r, i) => {
      const current = newRounds[i];
      const pointer = current === undefined ? ((after as Data).acceptance !== undefined ? '/acceptance' : '') : list ? `/acceptance/${i}` : '/acceptance';
      const round = (v: unknown) => {
        const x = v as typeof r;
        return `${x.date} ${RESULT_LABELS[x.result]?.zh ?? x.result}${x.opinion ? `：${x.opinion}` : ''}`;
      };
      judge(roundField(i), frozenLabel(kind, roundField(i)), r, current, pointer, round);
    });
  }
  return out;
}
