/**
 * Sampled checks and their results, in their time: 003's 抽查复核 (the upper organisation re-checks a sample of the
 * self-checked projects) and 001's 抽检 (the Party-work department samples the applications). The sample is a
 * `selection` record with award `recheck` (commands/panel.ts draws it); each sampled project's result — 合格, or
 * 需整改 with what to put right — is written into its entry with the date and who checked. The ledger, the site and
 * `djyc show` read it through this module. Pure.
 */
import type { ProgrammeRecord, SelectionRecord } from './types.generated.js';
import { summary, type RecordEntry, type RecordIndex } from './records.js';

/** The award id of a programme's sample check (one per programme). */
export const RECHECK_AWARD = 'recheck';

/** Results a programme accepts when none are listed: the first one means "passed". */
export const DEFAULT_RECHECK_RESULTS = ['合格', '需整改'] as const;

export interface RecheckRule {
  /** 抽查复核 / 抽检. */
  label: string;
  /** Who checks (学校党委, 单位党群工作部), if the programme says. */
  by?: string;
  /** Accepted results; the first is the pass. */
  results: string[];
  /** Whether results appear on the public site (progress pages). */
  public: boolean;
  /** Default sample size. */
  sample?: number;
  /** Projects from this stage on may be sampled (default: those that filed a closure). */
  fromStage?: string;
}

/** The programme's sample check, or undefined when it has none. */
export function recheckRule(p: ProgrammeRecord): RecheckRule | undefined {
  const r = p.evaluation?.recheck;
  if (!r) return undefined;
  return {
    label: r.label ?? '抽查复核',
    ...(r.by ? { by: r.by } : {}),
    results: r.results?.length ? [...r.results] : [...DEFAULT_RECHECK_RESULTS],
    public: r.public === true,
    ...(r.sample !== undefined ? { sample: r.sample } : {}),
    ...(r.from_stage ? { fromStage: r.from_stage } : {}),
  };
}

export interface RecheckEntry {
  project: string;
  title: string;
  /** The sample record and the day it was drawn. */
  selection: string;
  sampledOn?: string;
  /** Recorded result (合格 / 需整改 …), absent while pending. */
  result?: string;
  /** Whether the result is the programme's pass (its first result). */
  passed?: boolean;
  note?: string;
  checkedOn?: string;
  checkedBy?: string;
}

/** The sample record of a programme, if drawn. */
export function recheckSample(index: RecordIndex, p: ProgrammeRecord): RecordEntry<'selection'> | undefined {
  return index.all('selection').find((s) => s.data.programme === p.id && s.data.award === RECHECK_AWARD);
}

function entryOf(index: RecordIndex, p: ProgrammeRecord, sel: SelectionRecord & { id: string }, e: SelectionRecord['entries'][number]): RecheckEntry {
  const pass = recheckRule(p)?.results[0];
  return {
    project: e.subject,
    title: summary(index.get('project', e.subject))?.title ?? e.subject,
    selection: sel.id,
    ...(sel.decided_on ? { sampledOn: sel.decided_on } : {}),
    ...(e.result ? { result: e.result, passed: e.result === pass } : {}),
    ...(e.result_note ? { note: e.result_note } : {}),
    ...(e.checked_on ? { checkedOn: e.checked_on } : {}),
    ...(e.checked_by ? { checkedBy: e.checked_by } : {}),
  };
}

/** Every sampled project of a programme with its result (pending ones without), in draw order. */
export function recheckResults(index: RecordIndex, p: ProgrammeRecord): RecheckEntry[] {
  const sel = recheckSample(index, p);
  if (!sel) return [];
  return sel.data.entries.map((e) => entryOf(index, p, { ...sel.data, id: sel.id }, e));
}

/** One project's sample check (for `djyc show` and the project's page), if it was sampled. */
export function recheckOf(index: RecordIndex, projectId: string): RecheckEntry | undefined {
  const project = index.get('project', projectId);
  if (!project) return undefined;
  const p = index.get('programme', summary(project).programme)?.data;
  if (!p) return undefined;
  return recheckResults(index, p).find((r) => r.project === projectId);
}
