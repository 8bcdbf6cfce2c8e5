/**
 * `djyc show <id>`: one project, task or brand in its round, as an office asks about it — where it stands, where
 * it came from or went (carry-over), the closure with the committee's opinion, acceptance, the re-check result
 * and its history. Pure: the index in, a view out; the CLI prints it.
 */
import { T, type Text } from './i18n.js';
import { findStage, historyOf, TRACK_OF_KIND, type Track } from './programme.js';
import { recheckOf, recheckRule, type RecheckEntry } from './recheck.js';
import { closureOf, evaluationOf, memberName, orgName, type RecordEntry, type RecordIndex } from './records.js';

export interface ShowFact {
  label: Text;
  value: string;
}

export interface RecordView {
  kind: 'project' | 'task' | 'brand';
  id: string;
  programme: string;
  title: string;
  stage: { id: string; label: string; labelEn: string; final: boolean };
  facts: ShowFact[];
  recheck?: RecheckEntry & { label: string };
  history: { date: string; stage: string; label: string; by?: string; note?: string }[];
}

const SHOWN = ['project', 'task', 'brand'] as const;

export function showable(kind: string): kind is RecordView['kind'] {
  return (SHOWN as readonly string[]).includes(kind);
}

/** The view of one record (undefined when it is not a project, task or brand, or its programme is missing). */
export function recordView(index: RecordIndex, entry: RecordEntry): RecordView | undefined {
  if (!showable(entry.kind)) return undefined;
  const d = entry.data as Record<string, any>;
  const p = index.get('programme', d.programme)?.data;
  if (!p) return undefined;
  const track = TRACK_OF_KIND[entry.kind] as Track;
  const s = findStage(p, track, d.stage);
  const label = (id: string) => findStage(p, track, id)?.label ?? id;
  const facts: ShowFact[] = [];
  const add = (zh: string, en: string, value: unknown) => {
    if (value !== undefined && value !== null && value !== '') facts.push({ label: T(zh, en), value: String(value) });
  };
  add('方案', 'programme', `${p.short_name ?? p.name}（${p.id}）`);
  if (entry.kind === 'project') {
    add('项目编号', 'number', d.number);
    add('领办单位', 'lead', d.lead ? orgName(index, d.lead) : undefined);
    add('联办单位', 'co-organisers', (d.co_organisers ?? []).map((c: { organisation: string }) => orgName(index, c.organisation)).join('、'));
    add('负责人', 'leader', d.leader ? memberName(index, d.leader) : undefined);
    add('完成时限', 'due', d.due);
  } else if (entry.kind === 'task') {
    add('所属项目', 'project', d.project);
    add('领办党员', 'members', (d.members ?? []).map((m: string) => memberName(index, m)).join('、'));
    add('完成时限', 'due', d.due);
  } else {
    add('党组织', 'organisation', orgName(index, d.organisation));
    add('提升结论', 'outcome', d.outcome);
    add('征求意见截止', 'consultation until', d.recognition?.consultation_until);
    add('命名文件', 'naming document', d.recognition?.document);
  }
  add('转入自', 'carried from', d.carried_from);
  add('已转入', 'carried into', d.carried_to);
  const closure = closureOf(index, entry.id)?.data;
  add('结项申请', 'closure requested', closure?.submitted_on);
  add('党委（党组）意见', "committee's opinion", closure?.committee_opinion ? `${closure.committee_opinion}${closure.committee_opinion_on ? `（${closure.committee_opinion_on}）` : ''}` : undefined);
  const acceptance = evaluationOf(index, entry.id)?.data.acceptance;
  add('验收', 'acceptance', acceptance ? `${acceptance.result === 'pass' ? '通过' : '整改'}（${acceptance.date}）` : undefined);
  const rule = recheckRule(p);
  const rc = entry.kind === 'project' && rule ? recheckOf(index, entry.id) : undefined;
  return {
    kind: entry.kind,
    id: entry.id,
    programme: p.id,
    title: d.title ?? d.name ?? d.content ?? entry.id,
    stage: { id: d.stage, label: s?.label ?? d.stage, labelEn: s?.label_en ?? d.stage, final: !!s?.final },
    facts,
    ...(rc && rule ? { recheck: { ...rc, label: rule.label } } : {}),
    history: historyOf(d as { stage: string }).map((h) => ({ date: h.date, stage: h.stage, label: label(h.stage), ...(h.by ? { by: h.by } : {}), ...(h.note ? { note: h.note } : {}) })),
  };
}
