/**
 * Personal data. Phone numbers never appear in validation messages, logs or public outputs; public outputs show
 * them masked (138****8000). Hashing does not anonymise a phone number (the number space is enumerable), so we
 * mask, and we keep values out of messages altogether.
 */

/** A mainland mobile number not embedded in a longer run of digits (the bare 11-digit writing). */
export const MOBILE_PATTERN = /(?<![0-9])1[3-9][0-9]{9}(?![0-9])/g;

// ---------------------------------------------------------------------------------------------------------------
// One masking function for personal data in free text (maskPersonalData): every public or shared output passes
// its text through it — the site, the public notice, `djyc log`, problem messages (stylish, JSON, GitHub
// annotations, SARIF, JUnit) and the CLI's output guard.

/** A digit, ASCII or full-width. */
const D = '[0-9\\uFF10-\\uFF19]';
/** A separator inside a number as people write it: spaces, one dash or dot (ASCII or full-width), spaces. */
const S = '(?:[ \\u00A0\\u3000]?[-\\u2010\\u2011\\u2012\\u2013\\u2014\\uFF0D.\\uFF0E\\u00B7]?[ \\u00A0\\u3000]?)';
/** Country code before a number: +86, 0086, (+86), full-width too. */
const CC = `(?:(?:[+\\uFF0B]|00|\\uFF10\\uFF10)[ \\u00A0\\u3000]?(?:86|\\uFF18\\uFF16)${S}|[(\\uFF08][+\\uFF0B]?(?:86|\\uFF18\\uFF16)[)\\uFF09][ \\u00A0\\u3000]?)`;
/** Not inside a longer number: no digit next to it, and not the whole or the fractional part of a decimal. */
const NOT_DIGIT_BEFORE = '(?<![0-9\\uFF10-\\uFF19]|[0-9\\uFF10-\\uFF19][.\\uFF0E])';
const NOT_DIGIT_AFTER = '(?![0-9\\uFF10-\\uFF19]|[.\\uFF0E][0-9\\uFF10-\\uFF19])';
const ONE = '[1\\uFF11]';
const X = '[0-9\\uFF10-\\uFF19Xx\\uFF38\\uFF58]';

const PATTERNS = {
  // Before the others: an address whose local part is a phone number is an address.
  email: `(?<![A-Za-z0-9._%+\\-])[A-Za-z0-9._%+\\-]+[@\\uFF20][A-Za-z0-9](?:[A-Za-z0-9\\-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9\\-]*[A-Za-z0-9])?)*\\.[A-Za-z]{2,}(?![A-Za-z0-9])`,
  // 18 digits (the last may be X): region, birth date, sequence, check digit; optionally spaced 6-8-4.
  id18: `${NOT_DIGIT_BEFORE}[1-9\\uFF11-\\uFF19]${D}{5}[ \\u00A0\\u3000]?${D}{8}[ \\u00A0\\u3000]?${D}{3}${X}(?![0-9\\uFF10-\\uFF19A-Za-z])`,
  // The old 15-digit number: region, YYMMDD, sequence.
  id15: `${NOT_DIGIT_BEFORE}[1-9\\uFF11-\\uFF19]${D}{14}${NOT_DIGIT_AFTER}`,
  // 1[3-9]x xxxx xxxx, with a country code or not, grouped 3-4-4 (or 3-8, 7-4) by spaces, dashes or dots.
  mobile: `${NOT_DIGIT_BEFORE}${CC}?${ONE}[3-9\\uFF13-\\uFF19]${D}${S}${D}{4}${S}${D}{4}${NOT_DIGIT_AFTER}`,
  // Area code (010, 02x, 0xxx; without the 0 after a country code, in brackets or not) and a 7–8 digit number.
  landline: `${NOT_DIGIT_BEFORE}(?:${CC}[(\\uFF08]?[0\\uFF10]?|[(\\uFF08]?[0\\uFF10])(?:${ONE}[0\\uFF10]|[2\\uFF12]${D}|[3-9\\uFF13-\\uFF19]${D}{2})[)\\uFF09]?${S}[1-9\\uFF11-\\uFF19]${D}{2,3}${S}${D}{4}${NOT_DIGIT_AFTER}`,
} as const;

type PersonalKind = keyof typeof PATTERNS;
const KINDS = Object.keys(PATTERNS) as PersonalKind[];
const PERSONAL = new RegExp(KINDS.map((k) => `(${PATTERNS[k]})`).join('|'), 'gu');
/** Quick refusal: text with no digit and no @ holds nothing to mask (most of it). */
const MAYBE = /[0-9@\uFF10-\uFF19\uFF20]/;

const toAscii = (ch: string) => {
  const c = ch.codePointAt(0)!;
  return c >= 0xff01 && c <= 0xff5e ? String.fromCodePoint(c - 0xfee0) : ch;
};
const isDigit = (ch: string) => (ch >= '0' && ch <= '9') || (ch >= '\uFF10' && ch <= '\uFF19');
/** The digits of a match, as ASCII (X for an ID card's check character). */
const digitsOf = (m: string) => [...m].map(toAscii).filter((c) => /[0-9Xx]/.test(c)).join('').toUpperCase();

/** A real date YYYYMMDD (from 1900 to 2099). */
function realDate(y: number, m: number, d: number): boolean {
  if (y < 1900 || y > 2099 || m < 1 || m > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** Whether 18 characters are a valid resident ID number: a real birth date and the ISO 7064 MOD 11-2 check digit. */
export function isIdCardNumber(value: string): boolean {
  const v = digitsOf(value);
  if (v.length === 15) return /^[1-9]\d{14}$/.test(v) && realDate(1900 + Number(v.slice(6, 8)), Number(v.slice(8, 10)), Number(v.slice(10, 12)));
  if (!/^[1-9]\d{16}[\dX]$/.test(v)) return false;
  if (!realDate(Number(v.slice(6, 10)), Number(v.slice(10, 12)), Number(v.slice(12, 14)))) return false;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(v[i]) * weights[i]!;
  return '10X98765432'[sum % 11] === v[17];
}

/** Replaces the digits of `text` (ASCII or full-width, X of an ID) by '*', except the first `head` and last `tail`. */
function maskDigits(text: string, head: number, tail: number): string {
  const chars = [...text];
  const total = chars.filter((c) => isDigit(c) || /[Xx\uFF38\uFF58]/.test(c)).length;
  let seen = 0;
  return chars
    .map((c) => {
      if (!isDigit(c) && !/[Xx\uFF38\uFF58]/.test(c)) return c;
      const keep = seen < head || seen >= total - tail;
      seen++;
      return keep ? c : '*';
    })
    .join('');
}

/** Whether the match at `at` lies inside a long run of hex characters: a commit or blob id, not a phone number. */
function insideHash(text: string, at: number, length: number): boolean {
  const hex = /[0-9a-fA-F]/;
  let from = at;
  let to = at + length;
  for (let i = at; i < to; i++) if (!hex.test(text[i]!)) return false;
  while (from > 0 && hex.test(text[from - 1]!)) from--;
  while (to < text.length && hex.test(text[to]!)) to++;
  return to - from >= 32;
}

function maskMatch(kind: PersonalKind, m: string): string | undefined {
  switch (kind) {
    case 'email': {
      const at = Math.max(m.lastIndexOf('@'), m.lastIndexOf('\uFF20'));
      const local = [...m.slice(0, at)];
      return `${local[0]}***${m.slice(at)}`;
    }
    case 'id18':
    case 'id15':
      return isIdCardNumber(m) ? maskDigits(m, 3, 4) : undefined;
    case 'mobile': {
      const digits = digitsOf(m);
      return maskDigits(m, digits.length - 11 + 3, 4);
    }
    case 'landline': {
      // Keep the country and area code (what precedes the subscriber number) and the last 4 digits.
      const digits = digitsOf(m);
      const subscriber = /[1-9]\d{6,7}$/.exec(digits.replace(/^(?:0086|86)?0?(?:10|2\d|[3-9]\d\d)/, ''))?.[0] ?? digits.slice(-8);
      return maskDigits(m, digits.length - subscriber.length, 4);
    }
  }
}

/**
 * Masks personal data in free text: mainland mobile numbers in every common writing (+86 / 0086 / (+86) prefixes,
 * spaces, dashes, dots, full-width digits) → 138****8000 with its separators kept; landlines with their area code
 * (0510-83591234, (0510)8359 1234, 010-12345678, +86 510 8359 1234) → 0510-****1234; resident ID card numbers
 * (18 digits with a valid check digit and birth date, or the old 15-digit ones) → 320***********1234; e-mail
 * addresses → z***@example.com. Ordinary numbers — dates, years, project numbers (2020-007), amounts, counts —
 * and hexadecimal ids (commit hashes) are left alone. Idempotent: masked text is not masked again.
 */
export function maskPersonalData(text: string): string {
  if (!MAYBE.test(text)) return text;
  return text.length < LONG_TEXT ? maskText(text) : maskLines(text);
}

/** Texts at least this long are masked line by line (maskLines). */
const LONG_TEXT = 65_536;

/**
 * maskText for a long text (a report of thousands of rows), the same result faster: no pattern spans a line break
 * and none looks past one, so only the lines that can hold a match are searched — those with an @, or with 10
 * digits none more than 4 characters apart (every number the patterns take has that many: the shortest, a
 * landline, 0 + a 2-digit area code + 7 digits, or 86 + 2 + 7 with a country code).
 */
const CLUSTER = /[0-9\uFF10-\uFF19](?:[^0-9\uFF10-\uFF19\n]{0,4}[0-9\uFF10-\uFF19]){9}/g;

function maskLines(text: string): string {
  const starts: number[] = [];
  const lineOf = (at: number) => text.lastIndexOf('\n', at - 1) + 1;
  CLUSTER.lastIndex = 0;
  for (let m = CLUSTER.exec(text); m; m = CLUSTER.exec(text)) {
    starts.push(lineOf(m.index));
    const eol = text.indexOf('\n', CLUSTER.lastIndex);
    if (eol < 0) break;
    CLUSTER.lastIndex = eol;
  }
  for (const sign of ['@', '\uFF20']) for (let i = text.indexOf(sign); i >= 0; i = text.indexOf(sign, text.indexOf('\n', i) < 0 ? text.length : text.indexOf('\n', i))) starts.push(lineOf(i));
  if (!starts.length) return text;
  const parts: string[] = [];
  let copied = 0;
  for (const start of [...new Set(starts)].sort((a, b) => a - b)) {
    const eol = text.indexOf('\n', start);
    const end = eol < 0 ? text.length : eol;
    const line = text.slice(start, end);
    const masked = maskText(line);
    if (masked === line) continue;
    parts.push(text.slice(copied, start), masked);
    copied = end;
  }
  parts.push(text.slice(copied));
  return parts.join('');
}

function maskText(text: string): string {
  return text.replace(PERSONAL, (m: string, ...groups: unknown[]) => {
    const offset = groups[KINDS.length] as number;
    const kind = KINDS[groups.findIndex((g, i) => i < KINDS.length && g !== undefined)]!;
    if (kind !== 'email' && insideHash(text, offset, m.length)) return m;
    return maskMatch(kind, m) ?? m;
  });
}

/** Every unmasked item of personal data in a text, with its kind (for guards and tests). */
export function findPersonalData(text: string): { kind: 'mobile' | 'landline' | 'id-card' | 'email'; value: string }[] {
  const out: { kind: 'mobile' | 'landline' | 'id-card' | 'email'; value: string }[] = [];
  if (!MAYBE.test(text)) return out;
  for (const match of text.matchAll(PERSONAL)) {
    const kind = KINDS[match.slice(1, KINDS.length + 1).findIndex((g) => g !== undefined)]!;
    if (kind !== 'email' && insideHash(text, match.index!, match[0].length)) continue;
    if ((kind === 'id18' || kind === 'id15') && !isIdCardNumber(match[0])) continue;
    out.push({ kind: kind === 'id18' || kind === 'id15' ? 'id-card' : kind, value: match[0] });
  }
  return out;
}

/**
 * Masks a phone number for public output. A mobile number keeps its first 3 and last 4 digits (13800138000 →
 * 138****8000; a country code in front is kept: +86 138****8000); a landline written with its area code keeps
 * the code and the last 4 digits (0510-****1234); other numbers keep only their last 4 digits (their last 2 when
 * shorter than 7). Separators are kept; full-width digits count as digits. null/undefined/'' → ''.
 */
export function maskPhone(phone: string | number | null | undefined): string {
  if (phone === null || phone === undefined) return '';
  const text = String(phone).trim();
  const digits = [...text].filter(isDigit).map(toAscii).join('');
  if (!digits) return text ? '*'.repeat(Math.min(text.length, 8)) : '';
  const area = /^[(\uFF08]?([0\uFF10][0-9\uFF10-\uFF19]{2,3})[)\uFF09]?[- \uFF0D]/.exec(text);
  if (digits.length >= 11 && /1[3-9][0-9]{9}$/.test(digits)) return maskDigits(text, digits.length - 11 + 3, 4);
  if (area && digits.length >= area[1]!.length + 5) return maskDigits(text, area[1]!.length, 4);
  if (digits.length >= 11) return maskDigits(text, 3, 4);
  if (digits.length >= 7) return maskDigits(text, 0, 4);
  return maskDigits(text, 0, Math.min(2, Math.max(0, digits.length - 3)));
}

/** The masking of personal data in free text (see maskPersonalData): the name the outputs have always called. */
export const redactPhones = maskPersonalData;

/** Unmasked mobile numbers found in a text, in any writing (for guards and tests). */
export function findUnmaskedPhones(text: string): string[] {
  return findPersonalData(text).filter((f) => f.kind === 'mobile').map((f) => f.value);
}

/**
 * A member's phone number for a form that needs it: the roster (when configured) wins over the record's `phone`.
 * Returns undefined when neither has one. Callers that publish must pass the result through maskPhone().
 */
export function phoneOf(member: { id: string; phone?: string }, roster?: Map<string, string>): string | undefined {
  return roster?.get(member.id) ?? member.phone;
}
