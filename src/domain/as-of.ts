/**
 * The state the records held on a past date (`--as-of`), rebuilt from the records themselves, so that a quarterly
 * report to the 区委 can be made afterwards from the same repository:
 * - a record with a history (projects, tasks, brands) is back at the stage its history shows on that date, with
 *   the later history left out; a record whose history starts later did not exist yet;
 * - a report, closure, commitment or selection dated later (submitted_on, signed_on, decided_on) did not exist yet;
 * - an evaluation keeps the acceptance rounds and the panel of that date, and loses ratings recorded later;
 *   a rating corrected later (`amendments`) shows the value it had then;
 * - records without any date (organisations, members, experts) are taken as they are.
 * And how outputs name the day they describe: `--as-of` is "截至 D"; `--today` alone moves only the deadline
 * arithmetic over today's records, and the outputs say so rather than claim the state of that day.
 *
 * Pure: a repository in, a repository out (the records are copied, never changed in place).
 */
import { factsOf, withData, type RecordEntry, type Repository } from './records.js';
import { deepEqual } from './frozen.js';
import { tr, type Lang } from './i18n.js';

/** What an output's date means: the records as of that date, or today's records with deadlines counted on it. */
export type Dated = 'as-of' | 'today';

/** The words an output puts beside its date. `undefined`: the real today, records as they are. */
export function datedText(lang: Lang, date: string, dated: Dated | undefined): string {
  if (dated === 'today') return tr(lang, `记录为当前状态，时限按 ${date} 计算`, `records as they are now, deadlines counted on ${date}`);
  return tr(lang, `截至 ${date}`, `as of ${date}`);
}

type Data = Record<string, any>;
const DATED_FIELD: Partial<Record<string, string>> = { report: 'submitted_on', closure: 'submitted_on', commitment: 'signed_on', selection: 'decided_on' };
const RATING_FIELDS = ['committee_opinion', 'branch_rating', 'committee_rating', 'poll', 'stars', 'bonus_points', 'review_opinion', 'rated_on'];
const isDate = (v: unknown): v is string => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v);

/**
 * The repository as its records stood at the end of `date`. Decided on each record's summary (records.ts factsOf,
 * which holds every field looked at here): a record the same on that date is kept as it is, its file unread; only
 * one that was different then is rebuilt from its whole data.
 */
export function recordsAsOf(repo: Repository, date: string): Repository {
  const records: RecordEntry[] = [];
  for (const r of repo.records) {
    const facts = factsOf(r) as Data;
    const then = recordAsOf(r.kind, facts, date);
    if (!then) continue;
    // (recordAsOf keeps the order of the keys it keeps: equal data is what the outputs would show alike.)
    if (then === facts || deepEqual(then, facts)) {
      records.push(r);
      continue;
    }
    const data = facts === r.data ? then : recordAsOf(r.kind, r.data as Data, date);
    if (data) records.push(withData(r, data));
  }
  return { ...repo, records };
}

/** One record as of `date`, or undefined when it did not exist yet. */
export function recordAsOf(kind: string, data: Data, date: string): Data | undefined {
  if (!data || typeof data !== 'object' || kind === 'programme') return data;
  let out: Data = data;
  const field = DATED_FIELD[kind];
  if (field && isDate(data[field]) && data[field] > date) return undefined;
  if (Array.isArray(data.history)) {
    const dated = data.history.filter((h: Data) => h && isDate(h.date));
    if (dated.length && dated[0].date > date) return undefined;
    const kept = data.history.filter((h: Data) => !(h && isDate(h.date) && h.date > date));
    const last = [...kept].reverse().find((h: Data) => h && typeof h.stage === 'string');
    out = { ...out, history: kept, ...(last ? { stage: last.stage } : {}) };
  }
  if (Array.isArray(out.amendments)) out = amendmentsAsOf(out, date);
  return kind === 'evaluation' ? evaluationAsOf(out, date) : out;
}

function evaluationAsOf(data: Data, date: string): Data | undefined {
  const out: Data = { ...data };
  if (out.panel && isDate(out.panel.drawn_on) && out.panel.drawn_on > date) delete out.panel;
  if (Array.isArray(out.acceptance)) {
    const rounds = out.acceptance.filter((a: Data) => !(a && isDate(a.date) && a.date > date));
    if (rounds.length) out.acceptance = rounds;
    else delete out.acceptance;
  } else if (out.acceptance && isDate(out.acceptance.date) && out.acceptance.date > date) delete out.acceptance;
  if (isDate(out.rated_on) && out.rated_on > date) for (const f of RATING_FIELDS) delete out[f];
  const left = ['panel', 'acceptance', ...RATING_FIELDS].some((f) => out[f] !== undefined);
  return left ? out : undefined;
}

/** A value corrected after `date` shows what it was then (amendments record the old value and the day). */
function amendmentsAsOf(data: Data, date: string): Data {
  const later = (data.amendments as Data[]).filter((a) => a && isDate(a.date) && a.date > date);
  if (!later.length) return data;
  const out: Data = { ...data, amendments: (data.amendments as Data[]).filter((a) => !later.includes(a)) };
  // Latest first, so the earliest later correction's old value is what stands.
  for (const a of [...later].reverse()) {
    if (typeof a.field !== 'string' || !('before' in a)) continue;
    const [key, i] = a.field.split('/');
    if (i === undefined) out[key!] = a.before;
    else if (Array.isArray(out[key!]) && /^\d+$/.test(i)) out[key!] = Object.assign([...out[key!]], { [Number(i)]: a.before });
  }
  return out;
}
