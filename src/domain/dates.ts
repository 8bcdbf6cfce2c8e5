/** Calendar days in Asia/Shanghai, as ISO strings (YYYY-MM-DD): the programmes' days, wherever djyc runs. */
const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

const isoDates = new Map<string, boolean>();

export function isIsoDate(value: string): boolean {
  if (typeof value !== 'string') return false;
  let ok = isoDates.get(value);
  if (ok === undefined) {
    ok = checkIsoDate(value);
    if (isoDates.size >= 10_000) isoDates.clear();
    isoDates.set(value, ok);
  }
  return ok;
}

function checkIsoDate(value: string): boolean {
  const m = ISO.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!));
  return d.getUTCFullYear() === +m[1]! && d.getUTCMonth() === +m[2]! - 1 && d.getUTCDate() === +m[3]!;
}

/**
 * The Asia/Shanghai calendar day of an instant (the caller reads the clock: see store/clock.ts). China Standard Time
 * has been UTC+8 all year since September 1991 (no daylight saving), so plain arithmetic gives it: an
 * Intl.DateTimeFormat with a time zone costs every command ≈ 0.1 s of ICU start-up.
 */
export function todayIn(now: Date): string {
  return new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

function toUtc(date: string): Date {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y!, m! - 1, d!));
}

function fromUtc(d: Date): string {
  return d.toISOString().slice(0, 10);
}

// Reports and deadlines ask for the same few days again and again (quarter ends plus grace, for every subject, and
// days from today to each due day): answers are kept per date string, without building a key string per call.
const added = new Map<number, Map<string, string>>();
let addedSize = 0;

export function addDays(date: string, days: number): string {
  let byDate = added.get(days);
  if (!byDate) added.set(days, (byDate = new Map()));
  let out = byDate.get(date);
  if (out === undefined) {
    const d = toUtc(date);
    d.setUTCDate(d.getUTCDate() + days);
    out = fromUtc(d);
    if (++addedSize > 10_000) {
      added.clear();
      addedSize = 1;
      added.set(days, (byDate = new Map()));
    }
    byDate.set(date, out);
  }
  return out;
}

/** Days since 1970-01-01 of a YYYY-MM-DD date (NaN for other text), kept per string. */
const dayNumbers = new Map<string, number>();

function dayNumber(date: string): number {
  let n = dayNumbers.get(date);
  if (n === undefined) {
    n = Math.round(toUtc(date).getTime() / 86_400_000);
    if (dayNumbers.size >= 10_000) dayNumbers.clear();
    dayNumbers.set(date, n);
  }
  return n;
}

export function daysBetween(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from);
}

/** Whole months from one date to another, rounded up when days remain (2020-03-01 → 2021-03-02 is 13). */
export function monthsBetween(from: string, to: string): number {
  const a = toUtc(from);
  const b = toUtc(to);
  let months = (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + (b.getUTCMonth() - a.getUTCMonth());
  if (b.getUTCDate() > a.getUTCDate()) months += 1;
  return months;
}

/** A programme's MM-DD in a given year (02-29 in a common year becomes 02-28). */
export function monthDay(year: number, md: string): string {
  const date = `${year}-${md}`;
  if (isIsoDate(date)) return date;
  return `${year}-${md.slice(0, 2)}-28`;
}

export function quarterOf(date: string): string {
  const [y, m] = date.split('-').map(Number);
  return `${y}Q${Math.floor((m! - 1) / 3) + 1}`;
}

export function quarterStart(quarter: string): string {
  const y = Number(quarter.slice(0, 4));
  const q = Number(quarter.slice(5));
  return `${y}-${String((q - 1) * 3 + 1).padStart(2, '0')}-01`;
}

export function quarterEnd(quarter: string): string {
  const y = Number(quarter.slice(0, 4));
  const q = Number(quarter.slice(5));
  return addDays(q === 4 ? `${y + 1}-01-01` : `${y}-${String(q * 3 + 1).padStart(2, '0')}-01`, -1);
}

/** Quarters from the one containing `from` to the one containing `to`, inclusive. */
export function quartersBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let q = quarterOf(from);
  const last = quarterOf(to);
  while (q <= last) {
    out.push(q);
    const y = Number(q.slice(0, 4));
    const n = Number(q.slice(5));
    q = n === 4 ? `${y + 1}Q1` : `${y}Q${n + 1}`;
  }
  return out;
}

/** 2020-04-15 → 2020年4月15日 (as on the paper forms). */
export function chineseDate(date: string | undefined): string {
  if (!date || !isIsoDate(date)) return '';
  const [y, m, d] = date.split('-').map(Number);
  return `${y}年${m}月${d}日`;
}
