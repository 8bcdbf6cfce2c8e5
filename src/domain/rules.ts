/**
 * Cross-record rules of the workflow, run with the other checks (checks.ts): project numbers unique within a
 * programme; one quarterly report per subject and quarter; one closure and one evaluation per subject. Two branches merged in git can each break one of these.
 */
import type { MessageKey } from './i18n.js';
import { groupBy, type RecordEntry, type RecordIndex } from './records.js';

export interface RuleIssue {
  file: string;
  pointer: string;
  at: 'key' | 'value';
  severity: 'error' | 'warning';
  rule: MessageKey;
  params: Record<string, string | number>;
}

/** The groups of two or more records sharing a key. */
function groups<T extends RecordEntry>(items: T[], key: (r: T) => string | undefined): T[][] {
  return [...groupBy(items, key).values()].filter((l) => l.length > 1);
}

export function workflowIssues(index: RecordIndex): RuleIssue[] {
  const out: RuleIssue[] = [];
  for (const list of groups(index.all('project'), (p) => (typeof p.data.number === 'string' && p.data.number ? `${p.data.programme}|${p.data.number}` : undefined))) {
    for (const p of list) {
      out.push({ file: p.file, pointer: '/number', at: 'value', severity: 'error', rule: 'number-duplicate', params: { number: p.data.number!, others: list.filter((x) => x !== p).map((x) => x.id).join(', ') } });
    }
  }
  for (const list of groups(index.all('report'), (r) => (typeof r.data.subject === 'string' && typeof r.data.quarter === 'string' ? `${r.data.subject}|${r.data.quarter}` : undefined))) {
    for (const r of list) {
      out.push({ file: r.file, pointer: '/quarter', at: 'value', severity: 'error', rule: 'report-duplicate', params: { subject: r.data.subject, quarter: r.data.quarter, others: list.filter((x) => x !== r).map((x) => x.id).join(', ') } });
    }
  }
  for (const kind of ['closure', 'evaluation'] as const) {
    const records = index.all(kind) as RecordEntry<'closure' | 'evaluation'>[];
    for (const list of groups(records, (r) => (typeof r.data.subject === 'string' ? r.data.subject : undefined))) {
      for (const r of list) {
        out.push({
          file: r.file, pointer: '/subject', at: 'value', severity: 'error', rule: 'subject-duplicate',
          params: { subject: r.data.subject, others: list.filter((x) => x !== r).map((x) => x.id).join(', '), kind_zh: kind === 'closure' ? '结项书' : '验收与评价记录', kind_en: kind },
        });
      }
    }
  }
  return out;
}
