/**
 * iCalendar (RFC 5545) for deadlines: CRLF line endings, lines folded at 75 octets (never inside a UTF-8 character),
 * TEXT values escaped (`\\`, `;`, `,`, newlines), all-day events (`DTSTART;VALUE=DATE`, exclusive `DTEND`), and a UID
 * stable per item so re-importing updates events instead of duplicating them. Pure: items in, text out.
 */
import { addDays } from '../domain/dates.js';
import { STATUS_LABELS, type DeadlineItem, type DeadlineReport } from '../domain/deadlines.js';
import { joinList, say, tr, type Lang } from '../domain/i18n.js';

/** Escapes a TEXT value (RFC 5545 §3.3.11). */
export function escapeText(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r\n|\r|\n/g, '\\n');
}

/** Folds one content line at 75 octets: continuation lines start with a single space (RFC 5545 §3.1). */
export function foldLine(line: string): string {
  const out: string[] = [];
  let current = '';
  let octets = 0;
  let limit = 75;
  for (const ch of line) {
    const size = Buffer.byteLength(ch, 'utf8');
    if (octets + size > limit) {
      out.push(current);
      current = ' ';
      octets = 1;
      limit = 75;
    }
    current += ch;
    octets += size;
  }
  out.push(current);
  return out.join('\r\n');
}

const compactDate = (d: string) => d.replace(/-/g, '');

function describe(item: DeadlineItem, lang: Lang): string {
  const lines: string[] = [];
  lines.push(`${tr(lang, '状态', 'status')}: ${say(lang, STATUS_LABELS[item.status])}`);
  if (item.organisation) lines.push(`${tr(lang, '党组织', 'organisation')}: ${item.organisation.name}`);
  if (item.people.length) lines.push(`${tr(lang, '负责人', 'in charge')}: ${joinList(item.people.map((p) => p.name), lang)}`);
  if (item.responsible) lines.push(`${tr(lang, '责任单位', 'responsible')}: ${item.responsible}`);
  if (item.subject) lines.push(`${tr(lang, '记录', 'record')}: ${item.subject.id}`);
  lines.push(`${tr(lang, '方案', 'programme')}: ${item.programme}`);
  return lines.join('\n');
}

/** Builds a VCALENDAR from deadline items (items that are done are left out). */
export function toIcs(report: Pick<DeadlineReport, 'today' | 'items'>, opts: { lang: Lang; name?: string }): string {
  const stamp = `${compactDate(report.today)}T000000Z`;
  const lines: string[] = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//djyc//deadlines//ZH',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${escapeText(opts.name ?? tr(opts.lang, 'djyc 时间安排与期限', 'djyc deadlines'))}`,
    'X-WR-TIMEZONE:Asia/Shanghai',
  ];
  for (const item of report.items) {
    if (item.status === 'done') continue;
    const start = item.start ?? item.due;
    const title = say(opts.lang, { zh: item.title, en: item.titleEn });
    lines.push(
      'BEGIN:VEVENT',
      `UID:${item.uid}@djyc`,
      `DTSTAMP:${stamp}`,
      `DTSTART;VALUE=DATE:${compactDate(start)}`,
      `DTEND;VALUE=DATE:${compactDate(addDays(item.due, 1))}`,
      `SUMMARY:${escapeText(title)}`,
      `DESCRIPTION:${escapeText(describe(item, opts.lang))}`,
      `CATEGORIES:${escapeText(item.kind)}`,
      'TRANSP:TRANSPARENT',
      'END:VEVENT',
    );
  }
  lines.push('END:VCALENDAR');
  return `${lines.map(foldLine).join('\r\n')}\r\n`;
}
