// The committed examples fill what their seed's forms ask for: 001's 项目组成员, 003's 进度安排, 002's 直接责任人 /
// 联络员 / 工作计划 and the co-organisers' 专人负责, the contacts and phones of applications and brand forms — each
// recorded, and each in the form's text. In process: the forms' HTML (what Chromium prints, forms.slow.test.ts reads
// the PDFs of the same layouts back with pdftotext) from every form `djyc render --all` makes for each example.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers.js';
import { loadRepository } from '../src/store/repo.js';
import { viewContext } from '../src/commands/render.js';
import { selectTargets } from '../src/output/forms/targets.js';
import { formDocument } from '../src/output/forms/document.js';
import { decodeEntities } from '../src/output/html.js';
import type { ProgrammeRecord } from '../src/domain/types.generated.js';

type Person = { name?: string; title?: string; phone?: string } | undefined;
type V = {
  project?: { contact?: Person; liaison?: Person; direct_responsible?: Person; measures?: string; team?: Array<{ member?: Person; role?: string }>; schedule?: Array<{ work?: string }> };
  brand?: { contact?: Person };
  unit?: { is_co?: boolean; co?: { responsible?: Person; work_plan?: string } };
};

/** What each form of the seeds expects filled, as [label, value] (a list: every item's texts). */
const EXPECTED: Record<string, (v: V) => Array<[string, unknown]>> = {
  'dangjian-apply': (v) => [['项目组成员', (v.project?.team ?? []).flatMap((t) => [t.member?.name, t.role])]],
  'shuji-apply': (v) => [['进度安排', (v.project?.schedule ?? []).map((s) => s.work)]],
  'zutuan-apply': (v) =>
    v.unit?.is_co
      ? [['专人负责', v.unit.co?.responsible?.name], ['联系电话', v.unit.co?.responsible?.phone], ['工作计划', v.unit.co?.work_plan]]
      : [['直接责任人', v.project?.direct_responsible?.name], ['职务', v.project?.direct_responsible?.title], ['联络员', v.project?.liaison?.name], ['联系电话', v.project?.liaison?.phone], ['工作计划', v.project?.measures]],
  'brand-apply': (v) => [['联系人', v.brand?.contact?.name], ['联系电话', v.brand?.contact?.phone]],
  'shuangling-apply': (v) => [['联系人', v.project?.contact?.name], ['联系电话', v.project?.contact?.phone]],
};

const squash = (s: string) => s.replace(/\s+/g, '');
const textOf = (html: string) => squash(decodeEntities(html.replace(/<style[\s\S]*?<\/style>/g, '').replace(/<[^>]+>/g, '')));

const EXAMPLES = fs.readdirSync(path.join(ROOT, 'examples')).filter((n) => fs.existsSync(path.join(ROOT, 'examples', n, 'djyc.yaml')));

describe('the examples fill every field their seed’s forms expect', () => {
  it('has the five programmes', () => expect(EXAMPLES.length).toBe(5));
  for (const name of EXAMPLES) {
    it(`${name}: team, schedule, contacts and phones recorded and printed`, () => {
      const repo = loadRepository(path.join(ROOT, 'examples', name));
      let checked = 0;
      for (const p of repo.records.filter((r) => r.kind === 'programme')) {
        const ctx = viewContext(repo, p.data as ProgrammeRecord);
        for (const target of selectTargets(ctx.index, p.data as ProgrammeRecord, {})) {
          const expected = EXPECTED[target.form.template];
          // A project turned down before it was filed (未予立项 at 论证) has no application to fill.
          if (!expected || (target.record.data as { stage?: string }).stage === 'rejected') continue;
          const doc = formDocument(ctx, target);
          const text = textOf(doc.html);
          for (const [label, value] of expected(doc.view as V)) {
            const values = (Array.isArray(value) ? value : [value]).filter((x) => x !== undefined && x !== '');
            expect(values.length, `${doc.label}: ${label} is empty`).toBeGreaterThan(0);
            for (const x of values) expect(text, `${doc.label}: ${label} “${String(x)}” not printed`).toContain(squash(String(x)));
            checked++;
          }
          // 职务 is a post (局长, 办公室主任), not a unit.
          const post = (doc.view as V).project?.direct_responsible?.title;
          if (post) expect(post, doc.label).not.toMatch(/(局|委员会|党委|支部|学院)$/);
        }
      }
      expect(checked, `${name}: forms checked`).toBeGreaterThan(0);
    });
  }
});
