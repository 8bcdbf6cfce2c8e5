// The fonts djyc ships, in real PDFs (Chromium; what they cover without a browser: fonts.test.ts): the 仿宋 body and
// the title face embedded as subsets, Word's private-use symbols mapped before printing, Ext-B from the set-up's font,
// and the note that names an uncovered character by its code point.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRepository } from '../src/store/repo.js';
import { resolveProgramme } from '../src/domain/programme.js';
import { selectTargets } from '../src/output/forms/targets.js';
import { renderForms, viewContext } from '../src/commands/render.js';
import { layoutMeta as templateMeta } from "../src/output/forms/layout.js";
import { dangjianRecords, makeRepo } from './forms-fixtures.js';
import { djyc, workerBrowser } from './helpers.js';

const squash = (s: string): string => s.replace(/\s+/g, '');
const text = (pdf: string): string => squash(execFileSync('pdftotext', ['-enc', 'UTF-8', pdf, '-'], { encoding: 'utf8' }));
/** pdffonts rows: [name, type, encoding, emb, sub, uni]. */
const pdfFonts = (pdf: string): string[][] =>
  execFileSync('pdffonts', [pdf], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .slice(2)
    .map((l) => l.trim().split(/\s{2,}|\s(?=yes|no)/));

/** The 001 fixture with Word's characters in the project's text (measures: 实施方案 and 申报表 both print it). */
function wordRecords(extra = '') {
  return dangjianRecords().map((c) =>
    c.kind === 'project'
      ? { ...c, data: { ...c.data, measures: `一是设立党员安全责任区；\uF0A3好 \uF0A3较好 \uF0FE一般 \uF0FC达标；二是每月开展隐患排查；罕见字𠀀（扩展B区）。${extra}` } }
      : c,
  );
}

describe('fonts in printed forms (Chromium)', () => {
  let browser: Browser;
  const roots: string[] = [];
  beforeAll(async () => {
    // The worker's one browser (closed when the file ends, test/support/worker-setup.ts).
    browser = await workerBrowser();
  });
  afterAll(() => {
    for (const r of roots) fs.rmSync(path.dirname(r), { recursive: true, force: true });
  });

  it('sets the body in FandolFang and the title in Noto Serif SC Bold, embedded as subsets; maps U+F0A3; draws Ext-B', async () => {
    const root = await makeRepo('dangjian-plus', 2017, wordRecords(), '2017-12-01');
    roots.push(root);
    const repo = await loadRepository(root);
    const programme = resolveProgramme(repo, undefined);
    const ctx = viewContext(repo, programme, { today: '2017-12-01' });
    const targets = selectTargets(ctx.index, programme, { record: 'p-dj-anquan' }, templateMeta).filter((t) => ['apply', 'plan'].includes(t.form.id));
    expect(targets.map((t) => t.form.id).sort()).toEqual(['apply', 'plan']);
    const outs = await renderForms(ctx, targets, { outDir: path.join(path.dirname(root), 'out'), browser });
    for (const o of outs) {
      expect(o.ok, o.error).toBe(true);
      const rows = pdfFonts(o.out);
      const names = rows.map((r) => r[0]!);
      // Every font embedded as a subset with a ToUnicode map; no Type 3, nothing from the system.
      for (const r of rows) expect(r.join(' '), o.out).toMatch(/CID TrueType Identity-H yes yes yes/);
      expect(names.some((n) => /^[A-Z]{6}\+FandolFang-Regular$/.test(n)), names.join(' ')).toBe(true);
      expect(names.some((n) => /^[A-Z]{6}\+NotoSerifSC-Bold$/.test(n)), names.join(' ')).toBe(true);
      // The boxes come from the marks face (LXGW WenKai), 𠀀 from HanaMinB (scripts/setup.sh), nothing else.
      expect(names.some((n) => /LXGWWenKai-Regular/.test(n)), names.join(' ')).toBe(true);
      expect(names.some((n) => /HanaMinB/.test(n)), names.join(' ')).toBe(true);
      for (const n of names) expect(n).toMatch(/^[A-Z]{6}\+(FandolFang-Regular|NotoSerifSC-(Bold|Regular)|NotoSansSC-(Regular|Bold)|LXGWWenKai-Regular|HanaMinB)$/);
      const t = text(o.out);
      expect(t).toContain('□好□较好☑一般✓达标');
      expect(t).toContain('罕见字𠀀');
      expect(t).not.toMatch(/[\uE000-\uF8FF]/);
      expect(o.missingGlyphs ?? []).toEqual([]);
    }
  });

  it('reports a character no face has, and the CLI names it by its code point', async () => {
    const root = await makeRepo('dangjian-plus', 2017, wordRecords('无对应字形：\uF0E9。'), '2017-12-01');
    roots.push(root);
    const r = djyc(['render', 'p-dj-anquan', '--form', 'plan', '-o', 'plan.pdf', '--today', '2017-12-01'], { cwd: root });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('U+F0E9');
    expect(r.stderr).not.toContain('U+F0A3');
    expect(text(path.join(root, 'plan.pdf'))).toContain('□好□较好☑一般');
    const json = djyc(['render', 'p-dj-anquan', '--form', 'plan', '-o', 'plan2.pdf', '--today', '2017-12-01', '--json'], { cwd: root });
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout).outputs[0].missing_glyphs).toEqual(['\uF0E9']);
  });
});
