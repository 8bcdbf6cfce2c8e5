// Every field a command records that belongs on a form appears on that form (issue 14: a recorded 评审组意见 that
// never printed because the form read the brand and `djyc rate` writes the evaluation). The record schemas are
// walked for every free-text field; each is either printed by the forms listed here or said not to belong on any
// form, with the reason. Then every such field of every record of the five examples is set to a marker of its own,
// and every form of the examples is rendered (its layout, the PDF's HTML and the Word file) to find the markers.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRepository } from '../src/store/repo.js';
import { resolveProgramme } from '../src/domain/programme.js';
import { loadLayout } from '../src/output/forms/layout.js';
import { layoutHtml } from '../src/output/forms/html.js';
import { formDocument } from '../src/output/forms/document.js';
import { selectTargets } from '../src/output/forms/targets.js';
import { docxOf, viewContext } from '../src/commands/render.js';
import { ROOT } from './helpers.js';
import { squash } from './forms-labels.js';
import { docxParts, EXAMPLES, partText } from './docx-helpers.js';

/** Record kinds whose fields the forms print. */
const KINDS = ['project', 'task', 'brand', 'evaluation', 'closure', 'report', 'commitment'] as const;

/** The free-text fields each form prints (kind.path, `[]` for every item of a list), in the seeds' forms. */
const PRINTED: Record<string, string[]> = {
  'shuangling-apply': ['project.title', 'project.reason'],
  'org-commitment': ['commitment.items[].text'],
  'member-commitment': ['commitment.position', 'commitment.items[].text'],
  // The committee's opinion comes with the closure request (issue 15); an older record's on the evaluation prints
  // only when the closure has none, so with both marked the closure's shows.
  'shuangling-project-closure': ['project.title', 'closure.results', 'closure.committee_opinion', 'evaluation.acceptance[].opinion'],
  'shuangling-task-closure': ['task.content', 'closure.results', 'evaluation.committee_opinion'],
  'brand-apply': ['brand.name', 'brand.concept', 'brand.philosophy', 'brand.carrier', 'brand.results', 'brand.branch_opinion', 'brand.committee_opinion', 'brand.review_opinion', 'evaluation.committee_opinion', 'evaluation.review_opinion'],
  'project-report': ['project.title', 'project.number', 'report.progress', 'report.problems', 'report.next_steps'],
  'task-report': ['task.content', 'project.title', 'report.progress', 'report.problems', 'report.next_steps'],
  'dangjian-apply': ['project.title', 'project.team[].role', 'project.goals', 'project.content', 'project.measures', 'project.branch_opinion', 'project.committee_opinion'],
  'dangjian-plan': ['project.title', 'project.team[].role', 'project.goals', 'project.measures', 'project.schedule[].work'],
  'summary-report': ['project.title', 'project.number', 'closure.summary_report', 'closure.results', 'closure.self_assessment'],
  'zutuan-task-list': ['project.title', 'project.content'],
  'zutuan-apply': ['project.title', 'project.content', 'project.measures', 'project.co_organisers[].entry_point', 'project.co_organisers[].work_plan'],
  'shuji-apply': ['project.title', 'project.feasibility', 'project.content', 'project.goals', 'project.schedule[].work', 'project.measures', 'project.approval.note'],
  // 004 品牌创建档案 (designed, not a seed form; the examples made with the current presets have it).
  'brand-archive': ['brand.name', 'brand.concept', 'brand.philosophy', 'brand.carrier', 'brand.results'],
};

/** Free-text fields no form of the seeds has, and why. */
const NOT_ON_FORMS: Record<string, string> = {
  'project.source': 'how the project came about: a column of the ledger and the site, no seed form asks for it',
  'project.categories[]': 'printed as the ☑ of the category choices, not as text (forms.test.ts checks the ticks)',
  'project.interventions[].by': 'interventions (约谈整改) are the ledger\'s, no seed form has them',
  'project.interventions[].note': 'interventions (约谈整改) are the ledger\'s, no seed form has them',
  'brand.logo': 'a file path: the form prints the image (forms.test.ts checks the logo)',
  'brand.annual_goals[].goals': 'the three-year plan\'s yearly goals: the site and the ledger, no seed form',
  'brand.annual_goals[].measures': 'the three-year plan\'s yearly measures: the site and the ledger, no seed form',
  'brand.pairings[].note': 'pairings (结对共建): the ledger, no seed form',
  'brand.recognition.document': 'the naming document: the public notice, not the application form',
  'evaluation.panel.seed': 'the seed of the panel draw: the draw\'s audit (djyc panel --verify)',
  'evaluation.panel.algorithm': 'how the panel was drawn: the draw\'s audit (djyc panel --verify)',
  'evaluation.panel.size_reason': 'why a panel is smaller than the programme asks: the history note and the draw\'s audit, no seed form',
};

/** Free-text fields of a record kind's schema: strings and `text`, not ids, dates, codes or the stage. */
const COMMON = JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas', 'common.schema.json'), 'utf8'));

function textFields(kind: string): string[] {
  const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas', `${kind}.schema.json`), 'utf8'));
  const out: string[] = [];
  const walk = (node: Record<string, unknown>, at: string): void => {
    const ref = node.$ref as string | undefined;
    if (ref) {
      if (ref.endsWith('/text')) out.push(at);
      // A shared structure (an acceptance round): its own text fields.
      else if (COMMON.definitions[ref.split('/').pop()!]?.properties) walk(COMMON.definitions[ref.split('/').pop()!], at);
      return;
    }
    // A list that may also be written as one object (acceptance rounds): the list's fields.
    if (node.if && node.then) return walk(node.then as Record<string, unknown>, at);
    if (node.properties) {
      for (const [name, sub] of Object.entries(node.properties as Record<string, Record<string, unknown>>)) walk(sub, at ? `${at}.${name}` : name);
    } else if (node.type === 'array' && node.items) {
      walk(node.items as Record<string, unknown>, `${at}[]`);
    } else if (node.type === 'string' && !node.enum && !node.const && !['stage', 'quarter'].includes(at)) {
      out.push(at);
    }
  };
  walk(schema, '');
  return out.map((f) => `${kind}.${f}`);
}

const marker = (field: string): string => `QZ${field.replace(/\[\]/g, '').replace(/\./g, 'x')}ZQ`;

/**
 * Sets the field (every item of a list) of a record's data to its marker, making the list item or the object that
 * holds it where the record has none (an example without a team still shows where a team member's role prints).
 */
function setMarker(data: Record<string, unknown>, segs: string[], value: string): void {
  const [seg, ...rest] = segs as [string, ...string[]];
  if (!rest.length) {
    data[seg] = value;
    return;
  }
  if (seg.endsWith('[]')) {
    const name = seg.slice(0, -2);
    // One object where a list is allowed (an acceptance recorded in the older form) is that list's one item.
    if (data[name] && typeof data[name] === 'object' && !Array.isArray(data[name])) data[name] = [data[name]];
    if (!Array.isArray(data[name]) || !(data[name] as unknown[]).length) data[name] = [{}];
    for (const item of data[name] as Array<Record<string, unknown>>) setMarker(item, rest, value);
    return;
  }
  if (!data[seg] || typeof data[seg] !== 'object') data[seg] = {};
  setMarker(data[seg] as Record<string, unknown>, rest, value);
}

describe('every recorded field that belongs on a form prints on it', () => {
  const schemaFields = KINDS.flatMap(textFields);
  /** Per form template: the text of every copy rendered from the marked examples (HTML), and one copy as Word text. */
  const html = new Map<string, string>();
  const word = new Map<string, { html: string; docx: string }>();

  beforeAll(async () => {
    const fields = [...new Set(Object.values(PRINTED).flat())];
    for (const name of EXAMPLES) {
      const repo = loadRepository(path.join(ROOT, 'examples', name));
      const programme = resolveProgramme(repo);
      const ctx = viewContext(repo, programme, { today: '2020-12-30' });
      for (const f of fields) {
        const [kind, ...segs] = f.split('.') as [(typeof KINDS)[number], ...string[]];
        for (const r of ctx.index.all(kind)) setMarker(r.data as unknown as Record<string, unknown>, segs, marker(f));
      }
      for (const t of selectTargets(ctx.index, programme, {})) {
        const doc = formDocument(ctx, t);
        const text = squash(layoutHtml(loadLayout(t.form.template), doc.view).replace(/<[^>]+>/g, ''));
        html.set(t.form.template, (html.get(t.form.template) ?? '') + text);
        if (!word.has(t.form.template)) {
          const buf = await docxOf([{ doc }], doc.label);
          word.set(t.form.template, { html: text, docx: squash(partText(docxParts(buf)['word/document.xml']!)) });
        }
      }
    }
  });

  it('knows every free-text field of the record schemas: printed by a form, or said why not', () => {
    const printed = new Set(Object.values(PRINTED).flat());
    const undecided = schemaFields.filter((f) => !printed.has(f) && !(f in NOT_ON_FORMS));
    expect(undecided, 'a new field: add it to a form (templates/forms) and PRINTED, or to NOT_ON_FORMS with the reason').toEqual([]);
    // Nothing listed that the schemas do not have, nothing on both lists.
    expect([...printed, ...Object.keys(NOT_ON_FORMS)].filter((f) => !schemaFields.includes(f))).toEqual([]);
    expect([...printed].filter((f) => f in NOT_ON_FORMS)).toEqual([]);
    expect(Object.keys(PRINTED).sort()).toEqual([...html.keys()].sort());
  });

  it('prints each of them on its forms, from the record where the command wrote it', () => {
    const missing: string[] = [];
    for (const [template, fields] of Object.entries(PRINTED)) {
      const text = html.get(template) ?? '';
      for (const f of fields) if (!text.includes(marker(f))) missing.push(`${template}: ${f}`);
    }
    expect(missing.join('\n')).toBe('');
  });

  it('prints the same in the Word file as in the PDF', () => {
    for (const [template, { html: h, docx }] of word) {
      const shown = PRINTED[template]!.map(marker).filter((m) => h.includes(m));
      expect(shown.length, template).toBeGreaterThan(0);
      for (const m of shown) expect(docx, `${template}: ${m}`).toContain(m);
    }
  });
});
