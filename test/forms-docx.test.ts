// Forms as data and as Word files, without a browser: every layout checked by its schema (and a broken one reported
// with file, line and column), every form of the five examples as .docx read back from its XML (labels in the
// seed's order, fonts, page, merged cells, header rows), record text kept as text, the verification stamp, and a
// second reader (mammoth) opening every file. LibreOffice's reading of the same files: forms-docx.slow.test.ts.
import fs from 'node:fs';
import path from 'node:path';
import mammoth from 'mammoth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listTemplates } from '../src/assets/templates.js';
import { loadRepository } from '../src/store/repo.js';
import { resolveProgramme } from '../src/domain/programme.js';
import { LayoutError, loadLayout, parseLayout } from '../src/output/forms/layout.js';
import { layoutHtml } from '../src/output/forms/html.js';
import { formDocument } from '../src/output/forms/document.js';
import { selectTargets, withArchiveForm, type FormTarget } from '../src/output/forms/targets.js';
import { canonicalJson, normaliseCode, parsePayload, parsePayloads, payloadText, shortCode } from '../src/output/forms/verification.js';
import { docxOf, viewContext } from '../src/commands/render.js';
import { gitState, stampOf } from '../src/commands/verification.js';
import type { ViewContext } from '../src/output/forms/views.js';
import { djyc, ROOT, tempDir } from './helpers.js';
import { firstOutOfOrder, LABELS, squash } from './forms-labels.js';
import { docxParts, EXAMPLES, partText, decodeXml as decode } from './docx-helpers.js';

interface Example {
  name: string;
  ctx: ViewContext;
  targets: FormTarget[];
}

function loadExamples(): Example[] {
  return EXAMPLES.map((name) => {
    const repo = loadRepository(path.join(ROOT, 'examples', name));
    // The examples' programme files predate the brand archive (品牌创建档案): it is added as `--form archive` adds it.
    const programme = withArchiveForm(resolveProgramme(repo), 'archive');
    const ctx = viewContext(repo, programme, { today: '2020-12-30' });
    return { name, ctx, targets: selectTargets(ctx.index, programme, {}) };
  });
}

describe('form layouts', () => {
  it('every shipped layout passes its schema, and every form of every preset has one', () => {
    const names = listTemplates();
    expect(names.length).toBe(15);
    for (const n of names) expect(loadLayout(n).body.length, n).toBeGreaterThan(0);
  });

  it('reports a broken layout with its file, line and column', () => {
    const bad = (text: string): LayoutError => {
      try {
        parseLayout('bad', text);
      } catch (err) {
        expect(err).toBeInstanceOf(LayoutError);
        return err as LayoutError;
      }
      throw new Error('accepted a broken layout');
    };
    let e = bad('body:\n  - table:\n      columns: [50, 50]\n      rows:\n        - [项目名称, { value: "{project.title}", colour: red }]\n');
    expect([e.line, e.col]).toEqual([5, 46]);
    expect(e.message).toMatch(/^templates\/forms\/bad\.yaml:5:46: .*colour/);
    e = bad('body:\n  - note: "注：{project.title|bold}"\n');
    expect([e.line, e.col]).toEqual([2, 11]);
    expect(e.detail).toContain('unknown format “bold”');
    e = bad('body:\n  - note: "注：{project.title"\n');
    expect(e.detail).toContain('“{” without “}”');
    e = bad('body:\n  - prose:\n      - p: 正文\n        style: bold\n');
    expect([e.line, e.col]).toEqual([4, 16]);
    e = bad('body: [\n');
    expect(e.line).toBeGreaterThanOrEqual(1);
    e = bad('per: everyone\nbody: []\n');
    expect(e.detail).toMatch(/per.*member, unit/);
  });

  it('keeps the labels in the layouts: no form label is written in the code', () => {
    const labels = ['理由依据', '创新措施', '切入点', '可行性分析', '申报参与单位', '我单位将树立领跑标准', '盖章（签名）', '单位主要负责人（签字）'];
    const walk = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
    // Where a renderer would be tempted to write them (the CLI's help may name a field, e.g. --concept 品牌内涵).
    const renderers = [...walk(path.join(ROOT, 'src/output')), ...walk(path.join(ROOT, 'src/pdf')), path.join(ROOT, 'src/commands/render.ts'), path.join(ROOT, 'src/commands/pack.ts')];
    for (const file of renderers.filter((f) => f.endsWith('.ts'))) {
      const text = fs.readFileSync(file, 'utf8');
      for (const l of labels) expect(text.includes(l), `${path.relative(ROOT, file)} holds the label ${l}`).toBe(false);
    }
  });
});

describe('forms as Word files (no browser)', () => {
  const files = new Map<string, { target: FormTarget; buf: Buffer; parts: Record<string, string>; view: Record<string, unknown> }>();
  let examples: Example[];

  beforeAll(async () => {
    examples = loadExamples();
    for (const ex of examples) {
      const state = gitState(ex.ctx.index.repo);
      // One of each form of the example, and every copy of the split ones' first record.
      const seen = new Set<string>();
      for (const t of ex.targets) {
        if (seen.has(t.form.template)) continue;
        seen.add(t.form.template);
        const doc = formDocument(ex.ctx, t);
        const buf = await docxOf([{ doc, stamp: stampOf(ex.ctx, t, doc.view, state) }], doc.label);
        files.set(`${ex.name}/${t.form.id}`, { target: t, buf, parts: docxParts(buf), view: doc.view });
      }
    }
  });

  it('renders every form of the seeds, labels in the seed\'s order, with the record\'s values', () => {
    const templates = new Set([...files.values()].map((f) => f.target.form.template));
    expect([...templates].sort()).toEqual(listTemplates());
    for (const [key, f] of files) {
      const text = partText(f.parts['word/document.xml']!);
      expect(firstOutOfOrder(text, LABELS[f.target.form.template]!), `${key}: label missing or out of order`).toBeUndefined();
      const project = f.view.project as { title?: string } | undefined;
      const showsTitle = fs.readFileSync(path.join(ROOT, 'templates/forms', `${f.target.form.template}.yaml`), 'utf8').includes('{project.title}');
      if (project?.title && showsTitle) expect(squash(text), key).toContain(squash(project.title));
    }
    const list = partText(files.get('jinhua-2017/task-list')!.parts['word/document.xml']!);
    expect(squash(list)).toContain('自主申报');
    const closure = partText(files.get('huishan-2020/task-closure')!.parts['word/document.xml']!);
    // Check boxes as characters: one of the four levels ticked, the others open.
    expect(closure).toMatch(/☑(好|较好|一般|较差)/);
    expect(closure).toMatch(/☐较差/);
  });

  it('sets A4 with the GB/T 9704 margins and names the fonts as offices have them, in every slot', () => {
    const f = files.get('huishan-2020/apply')!;
    const doc = f.parts['word/document.xml']!;
    expect(doc).toMatch(/<w:pgSz w:w="11906" w:h="16838"/);
    const mar = /<w:pgMar ([^>]*)\/>/.exec(doc)![1]!;
    // 37 / 35 / 28 / 26 mm in twips.
    expect(mar).toContain('w:top="2098"');
    expect(mar).toContain('w:bottom="1984"');
    expect(mar).toContain('w:left="1587"');
    expect(mar).toContain('w:right="1474"');
    const styles = f.parts['word/styles.xml']!;
    expect(styles).toMatch(/<w:rFonts w:ascii="仿宋_GB2312" w:cs="仿宋_GB2312" w:eastAsia="仿宋_GB2312" w:hAnsi="仿宋_GB2312"\/>|<w:rFonts(?=[^>]*w:eastAsia="仿宋_GB2312")(?=[^>]*w:ascii="仿宋_GB2312")(?=[^>]*w:hAnsi="仿宋_GB2312")[^>]*\/>/);
    expect(styles).toMatch(/<w:sz w:val="32"\/>/); // 三号
    // The title: 方正小标宋简体 二号 in the East Asian slot and the others.
    expect(doc).toMatch(/<w:rFonts(?=[^>]*w:eastAsia="方正小标宋简体")(?=[^>]*w:ascii="方正小标宋简体")(?=[^>]*w:hAnsi="方正小标宋简体")[^>]*\/><w:sz w:val="44"\/>/);
    // Tables at 四号, dense lists at 小四.
    expect(doc).toMatch(/<w:sz w:val="28"\/>/);
    expect(files.get('jinhua-2017/task-list')!.parts['word/document.xml']).toMatch(/<w:sz w:val="24"\/>/);
    // The alternatives Word and WPS fall back to.
    const fonts = f.parts['word/fontTable.xml']!;
    expect(fonts).toContain('<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>');
    expect(fonts).toContain('<w:font w:name="方正小标宋简体">');
  });

  it('requests only the faces offices have in every file: 仿宋_GB2312 body, 方正小标宋简体 title, 黑体 headings', () => {
    const allowed = new Set(['仿宋_GB2312', '方正小标宋简体', '黑体']);
    for (const [key, f] of files) {
      const xml = Object.entries(f.parts).filter(([n]) => /^word\/(document|styles|header\d*|footer\d*)\.xml$/.test(n)).map(([, x]) => x).join('');
      const named = new Set([...xml.matchAll(/<w:rFonts ([^>]*)\/>/g)].flatMap((m) => [...m[1]!.matchAll(/w:(?:ascii|hAnsi|eastAsia|cs)="([^"]*)"/g)].map((n) => n[1]!)));
      expect([...named].filter((n) => !allowed.has(n)), key).toEqual([]);
      expect(named.has('仿宋_GB2312'), key).toBe(true);
      // The title, in the East Asian slot where Word and WPS look for Chinese text.
      expect(f.parts['word/document.xml'], key).toMatch(/<w:rFonts(?=[^>]*w:eastAsia="方正小标宋简体")[^>]*\/>/);
      // Theme fonts would override the named ones in Word.
      expect(xml, key).not.toMatch(/w:(?:ascii|hAnsi|eastAsia|cs)Theme=/);
    }
  });

  it('makes real Word tables: merged cells, repeated header rows, rows that stay whole', () => {
    const apply = files.get('dangjian-plus-2017/apply')!.parts['word/document.xml']!;
    // 项目组成员及职务 spans the team's rows; 项目名称's value spans four columns.
    expect(apply).toContain('<w:vMerge w:val="restart"/>');
    expect(apply).toMatch(/<w:vMerge\/>|<w:vMerge w:val="continue"\/>/);
    expect(apply).toContain('<w:gridSpan w:val="4"/>');
    expect(apply).toContain('<w:cantSplit/>');
    expect((apply.match(/<w:tblGrid>/g) ?? []).length).toBe(1);
    const list = files.get('jinhua-2017/task-list')!.parts['word/document.xml']!;
    expect(list).toContain('<w:tblHeader/>');
    // The project list runs over pages: its rows are listed, 18 of them.
    expect((list.match(/<w:tr>|<w:tr /g) ?? []).length).toBe(19);
    // A blank cell keeps its height: the 理由依据 box is at least 110 mm (6236 twips) high.
    expect(files.get('huishan-2020/apply')!.parts['word/document.xml']).toMatch(/<w:trHeight w:val="6236" w:hRule="atLeast"\/>/);
  });

  it('keeps seal and signature rows, and the notes, on the page of the rows above them (Word and the PDF\'s HTML)', () => {
    const SEAL = /盖章|签名|签字（章）/;
    const rowsOf = (xml: string) => [...xml.matchAll(/<w:tbl>(.*?)<\/w:tbl>/gs)].map((t) => [...t[1]!.matchAll(/<w:tr[ >].*?<\/w:tr>/gs)].map((r) => r[0]));
    let seals = 0;
    for (const [key, f] of files) {
      const xml = f.parts['word/document.xml']!;
      for (const rows of rowsOf(xml)) {
        rows.forEach((row, i) => {
          if (i === 0 || !SEAL.test(partText(row))) return;
          seals++;
          expect(rows[i - 1], `${key}: the row above ${partText(row).trim()} does not keep with it`).toContain('<w:keepNext/>');
          expect(row, key).toContain('<w:cantSplit/>');
        });
      }
      // A note under a table: the table's last row keeps with it.
      for (const m of xml.matchAll(/<w:tr[ >](?:(?!<w:tr[ >]).)*?<\/w:tr><\/w:tbl><w:p>(?:(?!<\/w:p>).)*?注：/gs)) expect(m[0], key).toContain('<w:keepNext/>');
      // A signature under prose: the paragraph above keeps with it.
      for (const m of xml.matchAll(/<w:p>((?:(?!<w:p>).)*?)<\/w:p><w:p>(?:(?!<\/w:p>).)*?(承诺单位：|承诺人：)/gs)) expect(m[1], key).toContain('<w:keepNext/>');
      const html = layoutHtml(loadLayout(f.target.form.template), f.view);
      // The note rides in its table as the last row, kept with the row above (when no row of the table splits).
      if (html.includes('注：') && !html.includes('class="long')) expect(html, key).toMatch(/<tr class="keep note-row"><td colspan="\d+"><div class="note">注：[^<]*<\/div><\/td><\/tr>\n<\/tbody>/);
      for (const tr of html.match(/<tr[ >].*?<\/tr>/gs) ?? []) if (SEAL.test(tr.replace(/<[^>]+>/g, ''))) expect(tr, key).toMatch(/^<tr class="[^"]*\bkeep\b/);
    }
    expect(seals).toBeGreaterThanOrEqual(8);
    const css = fs.readFileSync(path.join(ROOT, 'templates/forms/_forms.css'), 'utf8');
    expect(css).toMatch(/table\.form tr\.keep \{\s*break-before: avoid;/);
    expect(css).toMatch(/\.note \{[^}]*break-before: avoid;/);
    expect(css).toMatch(/\.sign-block \{[^}]*break-before: avoid;/);
  });

  it('puts a seal or signature at the foot of its cell, below the recorded opinion (Word and the PDF\'s HTML)', () => {
    const SEAL = /（盖章）|签字（章）|盖章（签名）/;
    let seals = 0;
    let pushed = 0;
    for (const [key, f] of files) {
      for (const row of f.parts['word/document.xml']!.match(/<w:tr[ >].*?<\/w:tr>/gs) ?? []) {
        const cells = row.match(/<w:tc>.*?<\/w:tc>/gs) ?? [];
        if (!cells.some((c) => SEAL.test(partText(c)))) continue;
        seals++;
        // The sign is the cell's last paragraph, set apart from the opinion above it.
        for (const c of cells.filter((x) => SEAL.test(partText(x)))) {
          const paras = c.match(/<w:p>.*?<\/w:p>/gs)!;
          expect(partText(paras.at(-1)!), key).toMatch(SEAL);
          // Pushed down by what the cell's height leaves (cells without a height: right under the opinion).
          if (Number(/<w:spacing w:before="(\d+)"/.exec(paras.at(-1)!)?.[1]) > 80) pushed++;
        }
      }
      const html = layoutHtml(loadLayout(f.target.form.template), f.view);
      for (const m of html.matchAll(/<div class="opinion"(?: style="min-height:(\d+)mm")?><div class="op-body">(.*?)<\/div><div class="op-foot">(.*?)<\/div><\/div>/gs)) {
        if (!SEAL.test(m[3]!.replace(/<[^>]+>/g, ''))) continue;
        seals++;
        expect(m[2]!.replace(/<[^>]+>/g, ''), key).not.toMatch(SEAL);
      }
    }
    expect(seals).toBeGreaterThanOrEqual(6);
    expect(pushed).toBeGreaterThanOrEqual(3);
    expect(fs.readFileSync(path.join(ROOT, 'templates/forms/_forms.css'), 'utf8')).toMatch(/\.opinion \.op-foot \{\s*margin-top: auto;/);
  });

  it('keeps record text as text: no fields, no markup, = + - @ as typed, 5,000 characters whole', async () => {
    const ex = examples[0]!;
    const t = ex.targets.find((x) => x.form.id === 'apply')!;
    const doc = formDocument(ex.ctx, t);
    const hostile = ['=SUM(A1:A9)', '+86 13800000000', '-1', '@cmd', '<w:fldSimple w:instr="DATE"/>', '{ DATE \\@ "yyyy" }', '<b>粗体</b>', 'a\u0001b\u000bc'];
    const long = Array.from({ length: 100 }, (_, i) => `第${i + 1}段${'围绕群众普遍关注的热点难点问题开展调研走访形成问题清单'.repeat(2)}。`).join('\n');
    expect([...long.replace(/\n/g, '')].length).toBeGreaterThanOrEqual(5000);
    const view = { ...doc.view, project: { ...(doc.view.project as object), title: hostile.join(' '), reason: long } };
    const buf = await docxOf([{ doc: { ...doc, view } }], 'x');
    const xml = docxParts(buf)['word/document.xml']!;
    expect(xml).not.toMatch(/<w:fldSimple|<w:instrText|<w:fldChar|<w:hyperlink/);
    const text = partText(xml);
    for (const h of hostile.slice(0, -1)) expect(text).toContain(h);
    expect(text).toContain('abc'); // control characters XML cannot hold are dropped, the rest kept
    for (const para of long.split('\n')) expect(text).toContain(para);
    // The long row may break across pages; the others may not.
    expect(xml).toMatch(/<w:tr>(?:(?!<\/w:tr>).)*?第1段/s);
  });

  it('carries the verification stamp: the code and QR image in the footer, the payload in a custom property', () => {
    const f = files.get('huishan-2020/apply')!;
    const footerName = Object.keys(f.parts).find((n) => /^word\/footer\d*\.xml$/.test(n))!;
    const footer = partText(f.parts[footerName]!);
    expect(footer).toMatch(/验证码 [0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}/);
    expect(f.parts[`word/_rels/${footerName.slice(5)}.rels`]).toMatch(/media\/[^"]+\.png/);
    const custom = f.parts['docProps/custom.xml']!;
    const payload = parsePayload(decode(/<vt:lpwstr>([^<]*)<\/vt:lpwstr>/.exec(custom)![1]!));
    expect(payload).toMatchObject({ repo: '惠山区区级机关“双领一创”（示例）', form: 'apply', ids: [f.target.record.id] });
  });

  it('is read by a second, independent reader (mammoth) without error (every file of the examples: the slow test)', async () => {
    for (const [key, f] of files) {
      const r = await mammoth.extractRawText({ buffer: f.buf });
      expect(r.messages.filter((m) => m.type === 'error'), key).toEqual([]);
      expect(squash(r.value), key).toContain(squash(LABELS[f.target.form.template]!.find((l) => !/^附/.test(l))!));
    }
  });

  it('renders the HTML for the PDF from the same layout', () => {
    const f = files.get('huishan-2020/task-closure')!;
    const html = layoutHtml(loadLayout(f.target.form.template), f.view);
    expect(firstOutOfOrder(html.replace(/<[^>]+>/g, ''), LABELS['shuangling-task-closure']!)).toBeUndefined();
  });
});

describe('verification payload', () => {
  it('round-trips, escapes what would break it, and refuses what is not one', () => {
    const p = { repo: '名称;含=分号%', form: 'apply', ids: ['t-1', 'm-2'], sha256: 'A'.repeat(43), commit: 'a'.repeat(40) };
    expect(parsePayload(payloadText(p))).toEqual(p);
    expect(parsePayload('DJYC1;repo=x;form=a;ids=p;sha256=short')).toBeUndefined();
    expect(parsePayload('hello')).toBeUndefined();
    const { commit: _c, ...draft } = p;
    expect(parsePayload(payloadText(draft))).toEqual(draft);
  });

  it('gives a short code that survives retyping', () => {
    const code = shortCode('f'.repeat(64));
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);
    expect(normaliseCode(code.toLowerCase().replace('-', ' '))).toBe(code);
    expect(normaliseCode('0O1IL-00000')).toBe('00111-00000');
    expect(normaliseCode('too short')).toBeUndefined();
  });

  it('hashes the same content the same way whatever the key order', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: '中' }], u: undefined })).toBe('{"a":[{"c":"中","d":2}],"b":1}');
  });
});

describe('render --format docx through the CLI: the batch selectors of PDF, and one file for a record\'s forms', () => {
  let root: string;
  let ex: Example;
  const docxIn = (dir: string): string[] => fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.docx')).sort();

  beforeAll(() => {
    root = path.join(tempDir('djyc-docx-cli-'), 'repo');
    fs.cpSync(path.join(ROOT, 'examples', 'huishan-2020'), root, { recursive: true });
    ex = loadExamples()[0]!;
    expect(ex.name).toBe('huishan-2020');
  });

  afterAll(() => fs.rmSync(path.dirname(root), { recursive: true, force: true }));

  it('writes one Word file per form for --org, --stage and --all, the forms the PDF batch selects', () => {
    const programme = ex.ctx.programme;
    for (const [args, sel] of [
      // Each with a form or two, to keep the test short.
      [['--org', 'org-hs-gw', '--form', 'apply'], { org: 'org-hs-gw', forms: ['apply'] }],
      [['--stage', 'showcased', '--form', 'project-closure'], { stage: 'showcased', forms: ['project-closure'] }],
      [['--all', '--form', 'brand'], { forms: ['brand'] }],
    ] as const) {
      const dir = `out-${args[0]!.slice(2)}`;
      const r = djyc(['render', ...args, '--format', 'docx', '-o', dir, '--json'], { cwd: root });
      expect(r.code, r.stderr).toBe(0);
      const expected = selectTargets(ex.ctx.index, programme, sel);
      expect(expected.length, args.join(' ')).toBeGreaterThan(0);
      const files = docxIn(path.join(root, dir));
      expect(files.length, args.join(' ')).toBe(expected.length);
      const outputs = JSON.parse(r.stdout).outputs as Array<{ form: string; record: string; out: string; ok: boolean }>;
      expect(outputs.map((o) => `${o.form} ${o.record}`).sort()).toEqual(expected.map((t) => `${t.form.id} ${t.record.id}`).sort());
      // Each a Word package with the seed's labels of its form.
      for (const o of outputs.filter((_, i) => i % 7 === 0)) {
        const text = partText(docxParts(fs.readFileSync(o.out))['word/document.xml']!);
        const template = programme.forms!.find((x) => x.id === o.form)!.template;
        expect(firstOutOfOrder(text, LABELS[template]!), o.out).toBeUndefined();
      }
    }
  });

  it('puts a record\'s several forms into one Word file, a section (new page) and a stamp each', () => {
    // A task with a 附件5 for each of its members.
    const id = ex.targets.find((t) => t.form.id === 'task-closure' && t.member && ex.targets.some((u) => u.record.id === t.record.id && u.member !== t.member))!.record.id;
    const copies = selectTargets(ex.ctx.index, ex.ctx.programme, { record: id });
    expect(copies.length).toBeGreaterThan(1);
    const r = djyc(['render', id, '-o', 'task.docx'], { cwd: root });
    expect(r.code, r.stderr).toBe(0);
    const parts = docxParts(fs.readFileSync(path.join(root, 'task.docx')));
    const doc = parts['word/document.xml']!;
    const sections = doc.match(/<w:sectPr/g) ?? [];
    expect(sections.length).toBe(copies.length);
    // A section that starts on the same page would be w:type="continuous".
    expect(doc).not.toContain('w:val="continuous"');
    const text = partText(doc);
    for (const t of copies) expect(squash(text)).toContain(squash(t.member ? (ex.ctx.index.get('member', t.member)?.data as { name: string }).name : ''));
    expect(parsePayloads(decode(/<vt:lpwstr>([^<]*)<\/vt:lpwstr>/.exec(parts['docProps/custom.xml']!)![1]!)).length).toBe(copies.length);
  });
});
