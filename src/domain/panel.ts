/**
 * Who may sit on an acceptance panel (验收组): experts of the pool whose categories match the subject's, none from
 * the lead or co-organising units. `djyc panel` draws from them; a pull request's base check refuses a panel it
 * adds or changes with anyone else on it (store/basecheck.ts).
 */
import { T } from './i18n.js';
import { orgSubtree, summary, type RecordEntry, type RecordIndex } from './records.js';

type Conflicts = { orgs: Set<string>; units: Set<string> };

// Worked out once per subject: eligibility is asked for every expert of a pool of thousands.
const conflictsOf = new WeakMap<RecordIndex, WeakMap<RecordEntry, Conflicts>>();

/** Units a project's experts must not come from: lead and co-organisers, their sub-organisations, and their 单位. */
export function conflictUnits(index: RecordIndex, subject: RecordEntry): Conflicts {
  let known = conflictsOf.get(index);
  if (!known) conflictsOf.set(index, (known = new WeakMap()));
  let out = known.get(subject);
  if (!out) known.set(subject, (out = findConflicts(index, subject)));
  return out;
}

function findConflicts(index: RecordIndex, subject: RecordEntry): Conflicts {
  const d = summary(subject) as { lead?: string; organisation?: string; co_organisers?: { organisation: string }[]; project?: string };
  let roots = [d.lead, d.organisation, ...(d.co_organisers ?? []).map((c) => c.organisation)].filter((x): x is string => !!x);
  if (subject.kind === 'task') {
    const project = summary(index.get('project', d.project));
    if (project) roots = [project.lead, ...(project.co_organisers ?? []).map((c) => c.organisation)].filter((x): x is string => !!x);
  }
  const orgs = new Set<string>();
  const units = new Set<string>();
  for (const r of roots) {
    for (const o of orgSubtree(index, r)) orgs.add(o);
    // the unit's party organisation above the branch counts too (an expert from the 党委 of the same 局)
    const own = summary(index.get('organisation', r));
    let parent = own?.parent;
    const unit = own?.unit;
    // Stops at an organisation met before: parents that loop (validate reports them) must not hang a draw.
    const met = new Set([r]);
    while (parent && !met.has(parent)) {
      met.add(parent);
      const po = index.get('organisation', parent);
      if (!po || !unit || summary(po).unit !== unit) break;
      orgs.add(po.id);
      parent = summary(po).parent;
    }
  }
  for (const o of orgs) {
    const unit = summary(index.get('organisation', o))?.unit;
    if (unit) units.add(unit);
  }
  return { orgs, units };
}

export interface Eligibility {
  expert: RecordEntry<'expert'>;
  ok: boolean;
  reason?: { zh: string; en: string };
}

/**
 * Whether an expert may sit on a subject's panel: in the pool, categories matching (or a general category the
 * programme declares, `evaluation.general_categories`), no conflict of interest.
 */
export function expertEligibility(index: RecordIndex, subject: RecordEntry, expert: RecordEntry<'expert'>): Eligibility {
  // Summaries (no file read per expert of a pool of thousands): none of these fields is prose.
  const e = summary(expert);
  if (e.active === false) return { expert, ok: false, reason: T('已不在专家库中', 'no longer in the pool') };
  const cats = ((summary(subject) as { categories?: string[] }).categories ?? []);
  const general = index.get('programme', (summary(subject) as { programme?: string }).programme)?.data.evaluation?.general_categories ?? [];
  if (cats.length && !e.categories.some((c) => cats.includes(c) || general.includes(c))) return { expert, ok: false, reason: T('擅长类别与项目类别不符', 'categories do not match') };
  const { orgs, units } = conflictUnits(index, subject);
  const ownUnit = e.organisation ? summary(index.get('organisation', e.organisation))?.unit : undefined;
  if ((e.organisation && orgs.has(e.organisation)) || (e.unit && units.has(e.unit)) || (ownUnit && units.has(ownUnit))) {
    return { expert, ok: false, reason: T('来自领办或联办单位（回避）', 'from the lead or a co-organising unit (conflict of interest)') };
  }
  return { expert, ok: true };
}

