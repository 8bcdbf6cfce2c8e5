/**
 * Cross-record rules of the workflow, run with the other checks (checks.ts): project numbers unique within a
 * programme; one quarterly report per subject and quarter; one closure and one evaluation per subject. Two branches merged in git can each break one of these.
 */
import type { MessageKey } from './i18n.js';
import { groupBy, idList, summary, type RecordEntry, type RecordIndex } from './records.js';

export interface RuleIssue {
  file: string;
  pointer: string;
  at: 'key' | 'value';
  severity: 'error' | 'warning';
  rule: MessageKey;
  params: Record<string, string | number>;
}

/** The other records of a group, for the message on one of them. */
function others(list: RecordEntry[], r: RecordEntry): string {
  const ids: string[] = [];
  for (const x of list) {
    if (x === r) continue;
    ids.push(x.id);
    if (ids.length === 10) break;
  }
  return idList(ids, list.length - 1);
}

/** The groups of two or more records sharing a key. */
function groups<T extends RecordEntry>(items: T[], key: (r: T) => string | undefined): T[][] {
  return [...groupBy(items, key).values()].filter((l) => l.length > 1);
}

export function workflowIssues(index: RecordIndex): RuleIssue[] {
  const out: RuleIssue[] = [];
  for (const list of groups(index.all('project'), (p) => {
    const d = summary(p);
    return typeof d.number === 'string' && d.number ? `${d.programme}|${d.number}` : undefined;
  })) {
    for (const p of list) {
      out.push({ file: p.file, pointer: '/number', at: 'value', severity: 'error', rule: 'number-duplicate', params: { number: summary(p).number!, others: others(list, p) } });
    }
  }
  for (const list of groups(index.all('report'), (r) => {
    const d = summary(r);
    return typeof d.subject === 'string' && typeof d.quarter === 'string' ? `${d.subject}|${d.quarter}` : undefined;
  })) {
    for (const r of list) {
      out.push({ file: r.file, pointer: '/quarter', at: 'value', severity: 'error', rule: 'report-duplicate', params: { subject: summary(r).subject, quarter: summary(r).quarter, others: others(list, r) } });
    }
  }
  for (const kind of ['closure', 'evaluation'] as const) {
    const records = index.all(kind) as RecordEntry<'closure' | 'evaluation'>[];
    for (const list of groups(records, (r) => {
      const subject = summary(r).subject;
      return typeof subject === 'string' ? subject : undefined;
    })) {
      for (const r of list) {
        out.push({
          file: r.file, pointer: '/subject', at: 'value', severity: 'error', rule: 'subject-duplicate',
          params: { subject: summary(r).subject, others: others(list, r), kind_zh: kind === 'closure' ? '结项书' : '验收与评价记录', kind_en: kind },
        });
      }
    }
  }
  return out;
}
