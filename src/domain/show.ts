/**
 * What `djyc show` adds about a record's round (issue 15) to the general view of domain/browse.ts: where it came
 * from or went (carry-over, with the other round's programme), the committee's opinion on its closure, every
 * acceptance round, and the re-check result when the project was sampled. Pure: the index in, lines out.
 */
import { acceptanceRounds, roundLine } from './acceptance.js';
import { T, type Lang, type Text } from './i18n.js';
import { recheckOf, recheckRule, type RecheckEntry } from './recheck.js';
import { closureOf, evaluationOf, summary, type RecordEntry, type RecordIndex } from './records.js';

export interface ShowFact {
  label: Text;
  value: string;
}

export interface RoundFacts {
  facts: ShowFact[];
  /** The sample check (抽查复核 / 抽检) of a sampled project, under the programme's label. */
  recheck?: RecheckEntry & { label: string };
}

const SHOWN = ['project', 'task', 'brand'] as const;

/** Whether the record has a round (a project, task or brand). */
export function showable(kind: string): kind is (typeof SHOWN)[number] {
  return (SHOWN as readonly string[]).includes(kind);
}

/** The round's facts of a project, task or brand (none for other records). */
export function roundFacts(index: RecordIndex, entry: RecordEntry, lang: Lang): RoundFacts {
  const facts: ShowFact[] = [];
  if (!showable(entry.kind)) return { facts };
  const d = summary(entry) as Record<string, any>;
  const add = (label: Text, value: string | undefined) => {
    if (value) facts.push({ label, value });
  };
  const ref = (id: string | undefined) => {
    if (!id) return undefined;
    const other = index.any(id);
    const programme = other ? (summary(other) as { programme?: string }).programme : undefined;
    return programme ? (lang === 'en' ? `${id} (programme ${programme})` : `${id}（方案 ${programme}）`) : id;
  };
  add(T('转入自', 'carried from'), ref(d.carried_from));
  add(T('已转入', 'carried into'), ref(d.carried_to));
  const closure = summary(closureOf(index, entry.id));
  if (closure?.committee_opinion) add(T('党委（党组）意见', "committee's opinion"), `${closure.committee_opinion}${closure.committee_opinion_on ? `（${closure.committee_opinion_on}）` : ''}`);
  const rounds = acceptanceRounds(summary(evaluationOf(index, entry.id)));
  rounds.forEach((r, i) => add(rounds.length > 1 ? T(`验收（第${i + 1}轮）`, `acceptance (round ${i + 1})`) : T('验收', 'acceptance'), roundLine(r, lang)));
  const p = summary(index.get('programme', d.programme));
  const rule = p && entry.kind === 'project' ? recheckRule(p) : undefined;
  const rc = rule ? recheckOf(index, entry.id) : undefined;
  return { facts, ...(rc && rule ? { recheck: { ...rc, label: rule.label } } : {}) };
}
