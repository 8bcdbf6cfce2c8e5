/**
 * Personal data. Phone numbers never appear in validation messages, logs or public outputs; public outputs show
 * them masked (138****8000). Hashing does not anonymise a phone number (the number space is enumerable), so we
 * mask, and we keep values out of messages altogether.
 */

/** A mainland mobile number not embedded in a longer run of digits. */
export const MOBILE_PATTERN = /(?<![0-9])1[3-9][0-9]{9}(?![0-9])/g;

/**
 * Masks a phone number for public output. A mobile number keeps its first 3 and last 4 digits (13800138000 →
 * 138****8000; a country code in front is kept: +86 138****8000); a landline written with its area code keeps
 * the code and the last 4 digits (0510-****1234); other numbers keep only their last 4 digits (their last 2 when
 * shorter than 7). Separators are kept. null/undefined/'' → ''.
 */
export function maskPhone(phone: string | number | null | undefined): string {
  if (phone === null || phone === undefined) return '';
  const text = String(phone).trim();
  const digits = text.replace(/[^0-9]/g, '');
  if (!digits) return text ? '*'.repeat(Math.min(text.length, 8)) : '';
  let keepHead: number;
  let keepTail: number;
  const area = /^\(?(0[0-9]{2,3})\)?[- ]/.exec(text);
  if (digits.length >= 11 && /1[3-9][0-9]{9}$/.test(digits)) {
    // A mobile number, perhaps after a country code (+86): keep the code, the first 3 and the last 4 digits.
    keepHead = digits.length - 11 + 3;
    keepTail = 4;
  } else if (area && digits.length >= area[1]!.length + 5) {
    // A landline with its area code written apart (0510-83591234): keep the code and the last 4 digits.
    keepHead = area[1]!.length;
    keepTail = 4;
  } else if (digits.length >= 11) {
    keepHead = 3;
    keepTail = 4;
  } else if (digits.length >= 7) {
    keepHead = 0;
    keepTail = 4;
  } else {
    keepHead = 0;
    keepTail = Math.min(2, Math.max(0, digits.length - 3));
  }
  let seen = 0;
  let out = '';
  for (const ch of text) {
    if (ch >= '0' && ch <= '9') {
      out += seen < keepHead || seen >= digits.length - keepTail ? ch : '*';
      seen++;
    } else out += ch;
  }
  return out;
}

/** Replaces every unmasked mobile number inside free text by its masked form. */
export function redactPhones(text: string): string {
  return text.replace(MOBILE_PATTERN, (m) => maskPhone(m));
}

/** Unmasked mobile numbers found in a text (for guards and tests). */
export function findUnmaskedPhones(text: string): string[] {
  return [...text.matchAll(MOBILE_PATTERN)].map((m) => m[0]);
}

/**
 * A member's phone number for a form that needs it: the roster (when configured) wins over the record's `phone`.
 * Returns undefined when neither has one. Callers that publish must pass the result through maskPhone().
 */
export function phoneOf(member: { id: string; phone?: string }, roster?: Map<string, string>): string | undefined {
  return roster?.get(member.id) ?? member.phone;
}
