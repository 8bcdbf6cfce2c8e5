// The official forms as PDF: every template of every preset rendered from small repositories (one browser for
// the file, forms printed in batches), read back with pdftotext/pdffonts; long text over pages; record text as
// data (injection with a loopback listener); submission packs with bookmarks; the public notice; the CLI.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { PDFDocument } from '@pdfme/pdf-lib';
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemo } from '../src/demo/demo.js';
import { loadRepository } from '../src/store/repo.js';
import { writeRecords } from '../src/store/records.js';
import { findUnmaskedPhones } from '../src/domain/privacy.js';
import { programmeFromPreset } from '../src/commands/init.js';
import { parseDocument as parseYaml } from 'yaml';
import type { ProgrammeRecord } from '../src/domain/types.generated.js';
import { BrowserNotFoundError } from '../src/pdf/browser.js';
import { readOutline } from '../src/pdf/pdf.js';
import { buildView, imageDataUrl } from '../src/output/forms/views.js';
import { cnCount, estimateLines } from '../src/output/forms/text.js';
import { layoutMeta as templateMeta } from '../src/output/forms/layout.js';
import { renderForms, viewContext, type FormOutput } from '../src/commands/render.js';
import { buildNotice, buildPack, choosePack } from '../src/commands/pack.js';
import { DjycError } from '../src/domain/errors.js';
import { brandPlanRecords, dangjianRecords, makeRepo, shujiRecords, TINY_PNG, writeFile, zutuanRecords } from './forms-fixtures.js';
import { djyc, requestBarrier, tempDir, workerBrowser } from './helpers.js';
import { firstOutOfOrder, LABELS, squash, STACKED } from './forms-labels.js';
import type { Repository } from '../src/domain/records.js';
import { validateRepository } from '../src/store/validate.js';
import { listTemplates, templateExists, FORMS_DIR } from '../src/assets/templates.js';
import { resolveProgramme } from '../src/domain/programme.js';
import { listPresets } from '../src/assets/presets.js';
import { formTitle, selectTargets, type FormTarget } from '../src/output/forms/targets.js';
import { readAttachment } from '../src/store/attachments.js';
import { formDocument } from '../src/output/forms/document.js';
import { parseDocument as parseHtml } from '../src/pdf/engine.js';
import type { ViewContext } from '../src/output/forms/views.js';


const raw = (pdf: string): string => execFileSync('pdftotext', ['-raw', '-enc', 'UTF-8', pdf, '-'], { encoding: 'utf8' });
const layout = (pdf: string): string => execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', pdf, '-'], { encoding: 'utf8' });
const pages = async (pdf: string): Promise<number> => (await PDFDocument.load(fs.readFileSync(pdf))).getPageCount();

/** Strongly red pixels on page 1 at 20 dpi (the demo logo is red; nothing else on a form is). */
function redPixels(pdf: string): number {
  const ppm = execFileSync('pdftoppm', ['-r', '20', '-f', '1', '-l', '1', pdf], { maxBuffer: 1 << 24 });
  // Binary PPM: "P6\n<w> <h>\n255\n" then RGB triples.
  let off = 0;
  for (let fields = 0; fields < 4; ) {
    while (ppm[off] === 0x20 || ppm[off] === 0x0a) off++;
    while (ppm[off] !== 0x20 && ppm[off] !== 0x0a) off++;
    fields++;
  }
  off++;
  let n = 0;
  for (let i = off; i + 2 < ppm.length; i += 3) if (ppm[i]! > 150 && ppm[i + 1]! < 90 && ppm[i + 2]! < 90) n++;
  return n;
}

/** Templates whose forms hold a seal or signature space (（盖章）, 签名, 签字（章）, 盖章（签名）). */
const SEALED = new Set(['brand-apply', 'dangjian-apply', 'shuji-apply', 'shuangling-task-closure', 'zutuan-apply']);

/**
 * The seal and signature spaces of printed forms, in mm: from the end of the opinion to the foot of its cell. The
 * forms' own HTML, at the fit level each was printed at, laid out once as printed (print media, the 156 mm text
 * block) in a page of the shared browser — no PDF printed again.
 */
async function sealSpaces(browser: Browser, ctx: ViewContext, outputs: FormOutput[]): Promise<Map<FormOutput, number[]>> {
  const done = outputs.filter((r) => r.ok);
  const parts = done.map((r) => parseHtml(formDocument(ctx, r.target, r.fit ?? 0).html));
  const html = `<!DOCTYPE html><html lang="zh-CN"><head>${parts[0]!.head}</head><body style="width:156mm">${parts.map((p) => `<section>${p.body}</section>`).join('')}</body></html>`;
  const page = await browser.newPage();
  try {
    await page.emulateMediaType('print');
    await page.setContent(html, { waitUntil: 'load' });
    const mm = (await page.evaluate(`[...document.querySelectorAll('body > section')].map((s) => [...s.querySelectorAll('td.opinion-cell')].map((td) => (td.getBoundingClientRect().bottom - td.querySelector('.op-body').getBoundingClientRect().bottom) * 25.4 / 96))`)) as number[][];
    return new Map(done.map((r, i) => [r, mm[i]!]));
  } finally {
    await page.close();
  }
}

/** Every form of a sealed template has its seal spaces, each at least 40 mm high (a round seal is Ø 40–42 mm). */
async function expectSealSpaces(browser: Browser, ctx: ViewContext, outputs: FormOutput[]): Promise<number> {
  const spaces = await sealSpaces(browser, ctx, outputs);
  let n = 0;
  for (const [r, mm] of spaces) {
    if (SEALED.has(r.target.form.template)) expect(mm.length, `${r.label}: seal spaces`).toBeGreaterThan(0);
    for (const h of mm) expect(h, `${r.label}: seal space ${h.toFixed(1)} mm (fit ${r.fit ?? 0})`).toBeGreaterThanOrEqual(39.9);
    n += mm.length;
  }
  return n;
}

function isSubsequence(text: string, label: string): boolean {
  let at = 0;
  for (const ch of label) {
    at = text.indexOf(ch, at);
    if (at < 0) return false;
    at += ch.length;
  }
  return true;
}

function expectLabels(pdf: string, labels: string[]): void {
  // Reading order (content stream) for the order; the layout text (pdftotext -layout) must show every label
  // too: on one line, or, for a stacked label, its characters in order.
  expect(firstOutOfOrder(raw(pdf), labels), `${path.basename(pdf)}: label out of order or missing`).toBeUndefined();
  const lay = squash(layout(pdf));
  for (const l of labels) {
    const ok = STACKED.has(l) ? isSubsequence(lay, squash(l)) : lay.includes(squash(l));
    expect(ok, `${path.basename(pdf)}: ${l} in the layout text`).toBe(true);
  }
}

describe('templates (no browser)', () => {
  it('has a template for every form of every preset, and validate finds them', () => {
    const names = new Set<string>();
    for (const preset of listPresets()) {
      const { text } = programmeFromPreset(preset, 2020);
      const p = parseYaml(text).toJS() as ProgrammeRecord;
      for (const f of p.forms ?? []) {
        names.add(f.template);
        expect(templateExists(f.template), `${preset}: templates/forms/${f.template}.yaml`).toBe(true);
      }
    }
    expect([...names].sort()).toEqual(
      ['brand-apply', 'brand-archive', 'dangjian-apply', 'dangjian-plan', 'member-commitment', 'org-commitment', 'project-report', 'shuangling-apply', 'shuangling-project-closure', 'shuangling-task-closure', 'shuji-apply', 'summary-report', 'task-report', 'zutuan-apply', 'zutuan-task-list'].sort(),
    );
    expect(listTemplates()).toEqual(expect.arrayContaining([...names]));
    expect(Object.keys(LABELS).sort()).toEqual([...names].sort());
    // A programme naming a template that does not exist is still reported, and names cannot climb out.
    expect(templateExists('../_base')).toBe(false);
    expect(templateExists('no-such-form')).toBe(false);
  });

  it('never uses triple-stash, and puts no value into href or style attributes', () => {
    // djyc's own documents (pack cover, contents, notice); the forms are layouts, escaped by their renderer.
    const files = fs.readdirSync(FORMS_DIR).filter((f) => f.endsWith('.hbs'));
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const f of files) {
      const src = fs.readFileSync(path.join(FORMS_DIR, f), 'utf8');
      expect(src.includes('{{{'), `${f} uses {{{`).toBe(false);
      expect(/\b(href|style|srcset|action|formaction|xlink:href)\s*=\s*"[^"]*\{\{/i.test(src), `${f}: a value in href/style`).toBe(false);
      expect(/<script|javascript:|on[a-z]+\s*=/i.test(src), `${f}: script`).toBe(false);
    }
  });

  it('counts, dates, line estimates and images', () => {
    expect([1, 2, 3, 10, 12, 20, 25].map(cnCount)).toEqual(['一', '两', '三', '十', '十二', '二十', '二十五']);
    expect(estimateLines('短')).toBe(1);
    expect(estimateLines('字'.repeat(5000))).toBeGreaterThan(200);
    expect(imageDataUrl(TINY_PNG)).toMatch(/^data:image\/png;base64,/);
    expect(imageDataUrl(Buffer.from('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>'))).toMatch(/^data:image\/svg\+xml;base64,/);
    expect(imageDataUrl(Buffer.from('root:x:0:0:root:/root:/bin/bash\n'))).toBeUndefined();
    // A file a record names is read only from attachments/ inside the repository (store/attachments.ts).
    const root = tempDir();
    writeFile(root, 'attachments/logo.png', TINY_PNG);
    for (const rel of ['../etc/passwd', '/etc/passwd', 'file:///etc/passwd', 'attachments/../djyc.yaml', 'records/x.yaml']) {
      expect(readAttachment(root, rel, 1024).ok, rel).toBe(false);
    }
    expect(readAttachment(root, 'attachments/logo.png', 1024)).toMatchObject({ ok: true });
  });

  it('the missing-browser error is an ordinary djyc error with exit code 2', () => {
    const err = new BrowserNotFoundError(['/nonexistent/chromium']);
    expect(err).toBeInstanceOf(DjycError);
    expect(err.exitCode).toBe(2);
    expect(err.localized('zh')).toContain('找不到 Chromium');
    expect(err.localized('en')).toContain('No Chromium');
  });
});

/** The demo repository (seed 000, driven through the workflow), built once for the file; the CLI tests copy it. */
let demoSource: Promise<string> | undefined;
const demoRepository = (): Promise<string> => (demoSource ??= buildDemo(path.join(tempDir('djyc-forms-demo-'), 'repo')).then((r) => r.root));

/** Ids the workflow gave at random, found by content. */
function ids(repo: Repository) {
  const task = (content: string) => repo.records.find((r) => r.kind === 'task' && (r.data as { content: string }).content.startsWith(content))!.id;
  const commitment = (type: string, who: string) =>
    repo.records.find((r) => r.kind === 'commitment' && (r.data as { type: string }).type === type && ((r.data as { member?: string; organisation: string }).member ?? (r.data as { organisation: string }).organisation) === who)!.id;
  const report = (subject: string, quarter: string) => repo.records.find((r) => r.kind === 'report' && (r.data as { subject: string }).subject === subject && (r.data as { quarter: string }).quarter === quarter)!.id;
  const closure = (subject: string) => repo.records.find((r) => r.kind === 'closure' && (r.data as { subject: string }).subject === subject)!.id;
  return { task, commitment, report, closure };
}

describe('forms as PDF', () => {
  let browser: Browser;
  let demoRoot: string;
  let demo: Repository;
  let demoProgramme: ProgrammeRecord;
  const others: Record<string, { root: string; today: string }> = {};
  let server: http.Server;
  let port = 0;
  let hits: string[] = [];
  const out = tempDir('djyc-forms-out-');
  const LONG_REASON = Array.from(
    { length: 50 },
    (_, i) => `第${i + 1}段：围绕群众普遍关注的热点、呼声强烈的难点和工作中长期存在亟待解决的问题，机关党员下沉一线开展调研走访，形成问题清单和责任清单，逐项推动解决，确保件件有着落、事事有回音（${i + 1}）。`,
  ).join('\n');

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url !== '/barrier') hits.push(req.url ?? '');
      res.end('x');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
    const launching = workerBrowser();

    const source = await demoRepository();
    demoRoot = path.join(tempDir(), 'repo');
    fs.cpSync(source, demoRoot, { recursive: true });
    // A project with nothing but a title (blank form), one with a 5,000-character 理由依据, one with hostile text.
    writeFile(demoRoot, 'attachments/evil.svg', `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10"><image href="http://127.0.0.1:${port}/svg-image.png" width="10" height="10"/><script>fetch('http://127.0.0.1:${port}/svg-script')</script></svg>`);
    const evil = `<script>fetch('http://127.0.0.1:${port}/script')</script><img src=file:///etc/passwd><img src="http://127.0.0.1:${port}/img.png"> http://127.0.0.1:${port}/link <link rel="stylesheet" href="http://127.0.0.1:${port}/x.css"><style>@import url(http://127.0.0.1:${port}/i.css);</style><iframe src="http://127.0.0.1:${port}/frame"></iframe>{{programme.name}}`;
    await writeRecords(
      demoRoot,
      [
        { kind: 'project', id: 'p-test-blank', data: { id: 'p-test-blank', programme: 'shuangling-2020', title: '待填写的项目', stage: 'proposed' } },
        { kind: 'project', id: 'p-test-long', data: { id: 'p-test-long', programme: 'shuangling-2020', title: '长文本理由依据测试项目', proposed_by: 'org-hs-weijian', contact: 'm-hs-chen-jing', reason: LONG_REASON, stage: 'proposed' } },
        { kind: 'project', id: 'p-test-evil', data: { id: 'p-test-evil', programme: 'shuangling-2020', title: `注入测试<script>alert(1)</script>`, proposed_by: 'org-hs-shichang', reason: evil, stage: 'proposed' } },
        { kind: 'brand', id: 'b-test-evil', data: { id: 'b-test-evil', programme: 'shuangling-2020', organisation: 'org-hs-shichang', name: `<b>注入</b>`, concept: evil, logo: 'attachments/evil.svg', stage: 'applied' } },
        { kind: 'organisation', id: 'org-test-empty', data: { id: 'org-test-empty', name: '测试用空党支部', type: '党支部', parent: 'org-hs-gongwei' } },
      ],
      'test records',
      { today: '2020-03-20' },
    );
    // A record naming a file outside the repository: written by hand (djyc's own writes refuse such a path).
    writeFile(demoRoot, 'records/brands/b-test-passwd.yaml', 'id: b-test-passwd\nprogramme: shuangling-2020\norganisation: org-hs-weijian\nname: 越界标识\nlogo: ../../../../../../etc/passwd\nstage: applied\n');
    demo = loadRepository(demoRoot);
    demoProgramme = resolveProgramme(demo);

    const sets: Array<[string, number, Parameters<typeof makeRepo>[2], string]> = [
      ['dangjian-plus', 2017, dangjianRecords(), '2017-12-01'],
      ['zutuan', 2017, zutuanRecords(), '2017-05-20'],
      ['shuji', 2017, shujiRecords(), '2017-03-20'],
      ['brand-plan', 2020, brandPlanRecords('attachments/logo.png'), '2020-09-02'],
    ];
    for (const [preset, year, recs, today] of sets) {
      const root = await makeRepo(preset, year, recs, today);
      if (preset === 'brand-plan') writeFile(root, 'attachments/logo.png', TINY_PNG);
      others[preset] = { root, today };
    }
    browser = await launching;
  });

  afterAll(async () => {
    server?.close();
    fs.rmSync(out, { recursive: true, force: true });
  });

  const outputsOf = async (repo: Repository, today: string, sel: Parameters<typeof selectTargets>[2], dir: string): Promise<FormOutput[]> => {
    const programme = resolveProgramme(repo);
    const ctx = viewContext(repo, programme, { today });
    const targets = selectTargets(ctx.index, programme, sel, templateMeta);
    const res = await renderForms(ctx, targets, { outDir: path.join(out, dir), browser });
    expect(res.filter((r) => !r.ok).map((r) => `${r.label}: ${r.error}`)).toEqual([]);
    return res;
  };

  it('renders every form of 000 from the demo records: labels in the seed\'s order, values, one page each', async () => {
    const t0 = Date.now();
    const res = await outputsOf(demo, '2020-12-30', {}, 'shuangling');
    const seconds = (Date.now() - t0) / 1000;
    // 3 applications, 3 + 10 commitments, 3 + 10 closures, 1 brand, 6 + 16 reports; and the test records:
    // 3 projects at the application stage, 2 brands at the brand application stage; 3 brand archives (品牌创建档案).
    expect(res.length).toBe(60);
    const id = ids(demo);
    const kehou2 = id.task('联系堰桥、长安片区10所学校');
    const byTemplate = new Map<string, FormOutput[]>();
    for (const r of res) byTemplate.set(r.target.form.template, [...(byTemplate.get(r.target.form.template) ?? []), r]);
    expect([...byTemplate.keys()].sort()).toEqual(['brand-apply', 'brand-archive', 'member-commitment', 'org-commitment', 'project-report', 'shuangling-apply', 'shuangling-project-closure', 'shuangling-task-closure', 'task-report']);
    for (const r of res) {
      if (r.target.record.id.startsWith('p-test') || r.target.record.id.startsWith('b-test')) continue;
      expectLabels(r.out, LABELS[r.target.form.template]!);
      // The brand archive is a file that grows with the brand's history, not a one-page form.
      if (r.target.form.template !== 'brand-archive') expect(r.pages, `${r.label} fits one page`).toBe(1);
    }
    console.log(`[forms] ${res.length} forms of 000 in ${seconds.toFixed(1)} s (${(res.length / seconds).toFixed(1)} forms/s)`);
    const seals = await expectSealSpaces(browser, viewContext(demo, demoProgramme, { today: '2020-12-30' }), res);
    // 责任人（签字）: the signature space left empty, the typed name beside it in brackets.
    const sctx = viewContext(demo, demoProgramme, { today: '2020-12-30' });
    const signed = byTemplate.get('task-report')!.flatMap((r) => {
      const name = (formDocument(sctx, r.target).view as { report?: { responsible?: { name?: string } } }).report?.responsible?.name;
      return name ? [{ r, name }] : [];
    });
    expect(signed.length).toBeGreaterThan(0);
    for (const { r, name } of signed) expect(squash(raw(r.out)), r.label).toContain(`（签字）（${name}）`);
    console.log(`[forms] ${seals} seal spaces of 000 at least 40 mm high`);

    const find = (template: string, key: string) => byTemplate.get(template)!.find((r) => r.target.key === key)!;
    // 附件1: the applying unit, category ticks, the contact and the phone (forms for the upper organisation show it).
    const apply = squash(raw(find('shuangling-apply', 'p-2020-hs-kehou').out));
    for (const v of ['区教育局机关党支部', '“双减”背景下课后服务党员先锋岗建设', '服务高质量发展任务', '呼应群众普遍期待', '李敏', '13905100202', '全区义务教育学校参加课后服务的学生约4.2万人']) expect(apply).toContain(squash(v));
    // 附件2 and 附件3: the pledge with the organisation, the item, the dates.
    const orgC = squash(raw(find('org-commitment', id.commitment('organisation', 'org-hs-jiaoyu')).out));
    expect(orgC).toContain('中共无锡市惠山区教育局机关支部委员会领办以下一项工作：1．“双减”背景下课后服务党员先锋岗建设。');
    expect(orgC).toContain('2020年4月20日');
    const memC = squash(raw(find('member-commitment', id.commitment('member', 'm-hs-li-min')).out));
    // A task held by two: each member's position from the member record; held alone: the line given.
    expect(memC).toContain('作为区教育局机关党支部组织委员');
    expect(squash(raw(find('member-commitment', id.commitment('member', 'm-hs-zhao-lei')).out))).toContain('作为惠山区教育局基础教育科科长');
    expect(memC).toContain('确保2020年10月31日前完成领办的工作。');
    expect(memC).toContain('承诺人：李敏');
    // 附件4: results, the committee's and the panel's opinions.
    const closure = squash(raw(find('shuangling-project-closure', 'p-2020-hs-kehou').out));
    for (const v of ['第二次家长满意度测评满意率达到96.3%', '同意结项。项目紧扣群众关切', '验收通过']) expect(closure).toContain(squash(v));
    // 附件5: one per member of a group task; votes.
    const task = byTemplate.get('shuangling-task-closure')!.filter((r) => r.target.record.id === kehou2);
    expect(task.map((r) => r.target.member).sort()).toEqual(['m-hs-li-min', 'm-hs-qian-fang']);
    const qian = squash(raw(task.find((r) => r.target.member === 'm-hs-qian-fang')!.out));
    expect(qian).toContain('钱芳');
    expect(qian).toContain('教师发展中心副主任');
    expect(qian).toContain('参与测评人数：28人');
    expect(qian).toContain('好：19票；较好：7票；一般：2票；较差：0票');
    // 附件6: the district comes from the programme (region), the logo is embedded as an image.
    const brand = find('brand-apply', 'b-2020-hs-jiaoyu');
    expectLabels(brand.out, ['附件6', '惠山区机关党建品牌申报审批表', ...LABELS['brand-apply']!]);
    expect(squash(raw(brand.out))).toContain('红烛先锋');
    // The logo (red, vector SVG) is drawn in the 品牌标识 cell: red pixels on the page (18 mm high: the form is
    // set at its tightest to keep the demo's texts and three 40 mm seal spaces on one page).
    expect(brand.fit).toBe(3);
    expect(redPixels(brand.out)).toBeGreaterThan(20);
    // Quarterly reports.
    const rep = squash(raw(find('project-report', id.report('p-2020-hs-kehou', '2020Q3')).out));
    expect(rep).toContain('（2020年第三季度）');
    expect(rep).toContain('2020年7月1日至2020年9月30日');
    expect(rep).toContain('收集家长意见建议126条');

    // Fonts: every font embedded, the CJK ones as subset CID TrueType.
    const fonts = execFileSync('pdffonts', [brand.out], { encoding: 'utf8' }).split('\n').slice(2).filter(Boolean);
    expect(fonts.length).toBeGreaterThan(0);
    for (const line of fonts) expect(line, line).toMatch(/CID TrueType\s+Identity-H\s+yes\s+yes\s+yes/);
    expect(fonts.some((l) => /NotoSerifSC/.test(l))).toBe(true);
  });

  it('selects forms by organisation (with the organisations under it), by stage, by record', () => {
    const ctx = viewContext(demo, demoProgramme, {});
    const pick = (sel: Parameters<typeof selectTargets>[2]) => selectTargets(ctx.index, demoProgramme, sel, templateMeta).map((t) => `${t.form.id}:${t.key}`);
    const weijian = pick({ org: 'org-hs-weijian' });
    expect(weijian.filter((k) => k.startsWith('apply:'))).toEqual(['apply:p-2020-hs-yizhan', 'apply:p-test-long']);
    expect(weijian.filter((k) => k.startsWith('task-closure:')).length).toBe(3);
    expect(weijian.some((k) => k.includes('kehou'))).toBe(false);
    // The parent organisation gets its branches' forms.
    expect(pick({ org: 'org-hs-gongwei' }).length).toBeGreaterThan(weijian.length);
    // By stage: tasks now rated, with their commitments and reports.
    const rated = pick({ stage: 'rated' });
    expect(new Set(rated.map((k) => k.split(':')[0]))).toEqual(new Set(['member-commitment', 'task-closure', 'task-report']));
    // A record: only the forms of stages it reached; a closure id stands for its project.
    expect(pick({ record: 'p-test-blank' })).toEqual(['apply:p-test-blank']);
    expect(pick({ record: ids(demo).closure('p-2020-hs-kehou') })).toEqual(['apply:p-2020-hs-kehou', 'project-closure:p-2020-hs-kehou']);
    expect(pick({ record: 'p-test-blank', forms: ['project-closure'] })).toEqual(['project-closure:p-test-blank']);
  });

  it('shows the recorded choice ticked and the others open (four levels, categories)', () => {
    const ctx = viewContext(demo, demoProgramme, { today: '2020-12-30' });
    const task = ctx.index.get('task', ids(demo).task('编印《惠山区课后服务精品课程目录》'))!;
    const t: FormTarget = { form: demoProgramme.forms!.find((f) => f.id === 'task-closure')!, record: task, member: 'm-hs-zhao-lei', key: task.id };
    const html = formDocument(ctx, t).html;
    const ticks = [...html.slice(html.indexOf('<body>')).matchAll(/<span class="check( on)?"><\/span>(好|较好|一般|较差)/g)].map((m) => `${m[2]}${m[1] ? '√' : ''}`);
    expect(ticks).toEqual(['好', '较好√', '一般', '较差', '好', '较好√', '一般', '较差']);
    expect(html.slice(html.indexOf('<body>'))).not.toContain('☐');
    const apply = formDocument(ctx, { form: demoProgramme.forms!.find((f) => f.id === 'apply')!, record: ctx.index.get('project', 'p-2020-hs-yizhan')!, key: 'x' }).html;
    const cats = [...apply.slice(apply.indexOf('<body>')).matchAll(/<span class="check( on)?"><\/span>([^<]+)/g)].map((m) => `${m[2]}${m[1] ? '√' : ''}`);
    expect(cats).toEqual(['服务“四个区”打造', '服务高质量发展任务', '呼应群众普遍期待√', '突出典型示范']);
  });

  it('takes the district of the brand form from the programme, not from the code', () => {
    const brandForm = demoProgramme.forms!.find((f) => f.id === 'brand')!;
    expect(formTitle(demoProgramme, brandForm)).toBe('惠山区机关党建品牌申报审批表');
    const other = { ...demoProgramme, region: '滨湖区' };
    expect(formTitle(other, brandForm)).toBe('滨湖区机关党建品牌申报审批表');
    expect(formTitle({ ...demoProgramme, region: undefined }, brandForm)).toBe('机关党建品牌申报审批表');
    const ctx = viewContext(demo, other, {});
    const view = buildView(ctx, { form: brandForm, record: ctx.index.get('brand', 'b-2020-hs-jiaoyu')!, key: 'b' });
    expect((view.form as { title: string }).title).toBe('滨湖区机关党建品牌申报审批表');
  });

  it('renders a form whose data is not recorded yet, with blanks to fill by hand', async () => {
    const res = await outputsOf(demo, '2020-03-20', { record: 'p-test-blank', forms: ['apply', 'project-closure'] }, 'blank');
    expect(res.map((r) => r.target.form.id)).toEqual(['apply', 'project-closure']);
    expectLabels(res[0]!.out, LABELS['shuangling-apply']!);
    expectLabels(res[1]!.out, LABELS['shuangling-project-closure']!);
    const text = squash(raw(res[0]!.out));
    expect(text).toContain('待填写的项目');
    expect(res.every((r) => r.pages === 1)).toBe(true);
    // A commitment with no items yet: two numbered blank lines, and 年 月 日 to write the date.
    const ctx = viewContext(demo, demoProgramme, {});
    const blank = { kind: 'commitment' as const, id: 'c-x', file: 'x', text: '', data: { id: 'c-x', programme: 'shuangling-2020', type: 'organisation' as const, organisation: 'org-hs-jiaoyu', items: [] } };
    const html = formDocument(ctx, { form: demoProgramme.forms!.find((f) => f.id === 'org-commitment')!, record: blank, key: 'c-x' }).html;
    expect(html).toContain('1．<span class="blank w12">');
    expect(html).toContain('2．<span class="blank w12">');
    expect(html).toContain('class="date-blank"');
  });

  it('flows a 5,000-character 理由依据 over pages without losing a line', async () => {
    expect([...LONG_REASON.replace(/\n/g, '')].length).toBeGreaterThan(4000);
    const [r] = await outputsOf(demo, '2020-03-20', { record: 'p-test-long', forms: ['apply'] }, 'long');
    expect(r!.pages).toBeGreaterThanOrEqual(2);
    const text = raw(r!.out);
    // Page numbers on a multi-page form: — 1 —, — 2 —.
    expect(text).toMatch(/—\s*1\s*—/);
    expect(text).toMatch(/—\s*2\s*—/);
    // GB/T 9704: odd page numbers at the right of the text block, even at the left, one character (14 pt) in.
    const numberLine = (page: number) => {
      const xml = execFileSync('pdftotext', ['-bbox', '-f', String(page), '-l', String(page), r!.out, '-'], { encoding: 'utf8' });
      const words = [...xml.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<\/word>/g)].map((m) => ({ x0: Number(m[1]), y0: Number(m[2]), x1: Number(m[3]), t: m[4]! }));
      const line = words.filter((w) => /^(—|\d+|—\d+—)$/.test(w.t) && Math.abs(w.y0 - 762) < 12);
      return { left: Math.min(...line.map((w) => w.x0)), right: Math.max(...line.map((w) => w.x1)) };
    };
    const pt = (mm: number) => (mm * 72) / 25.4;
    expect(numberLine(1).right).toBeCloseTo(pt(210 - 26) - 14, -1);
    expect(numberLine(2).left).toBeCloseTo(pt(28) + 14, -1);
    // Page numbers and the verification footer of each page come between the parts of a paragraph split by a page.
    const body = squash(text).replace(/—\d+—/g, '').replace(/验证码[0-9A-Z]{5}-[0-9A-Z]{5}用djycverify核对记录/g, '');
    for (const para of LONG_REASON.split('\n')) expect(body, para.slice(0, 8)).toContain(squash(para));
    // The rows that fit stay whole on the first page; the note comes after the last paragraph.
    const first = squash(execFileSync('pdftotext', ['-raw', '-f', '1', '-l', '1', r!.out, '-'], { encoding: 'utf8' }));
    expect(first).toContain('联系电话13905100302');
    expect(body.indexOf('第50段')).toBeLessThan(body.indexOf('注：项目类别栏内容可以多选'));
  });

  it('prints hostile record text as text and fetches nothing', async () => {
    hits = [];
    const res = await outputsOf(demo, '2020-03-20', { record: 'p-test-evil', forms: ['apply'] }, 'evil');
    const brands = await outputsOf(demo, '2020-11-10', { forms: ['brand'] }, 'evil-brand');
    const evilBrand = brands.find((b) => b.target.record.id === 'b-test-evil')!;
    const passwdBrand = brands.find((b) => b.target.record.id === 'b-test-passwd')!;
    await requestBarrier(browser, `http://127.0.0.1:${port}`);
    expect(hits).toEqual([]);
    for (const pdf of [res[0]!.out, evilBrand.out]) {
      // Line ends removed: a long unbroken run gets break points (output/linebreak.ts), so where the lines end
      // depends on the listener's port number.
      const text = squash(raw(pdf));
      expect(text).toContain('<script>');
      expect(text).toContain(squash('<img src=file:///etc/passwd>'));
      expect(text).toContain(`http://127.0.0.1:${port}/link`);
      expect(text).toContain('{{programme.name}}');
      expect(text).not.toContain('root:x:0:0');
    }
    expect(squash(raw(res[0]!.out))).toContain('注入测试<script>alert(1)</script>');
    // A logo path outside the repository is not read at all.
    expect(fs.readFileSync(passwdBrand.out, 'latin1')).not.toMatch(/\/Subtype\s*\/Image/);
    expect(formDocument(viewContext(demo, demoProgramme, {}), passwdBrand.target).html).not.toContain('data:image');
    const ctx = viewContext(demo, demoProgramme, {});
    const html = formDocument(ctx, { form: demoProgramme.forms!.find((f) => f.id === 'apply')!, record: ctx.index.get('project', 'p-test-evil')!, key: 'e' }).html;
    expect(html).not.toMatch(/<script|<img src=file|<iframe|<link rel="stylesheet" href="http:\/\/127/);
    expect(html).toContain('&lt;script&gt;');
  });

  it('renders every form of the other presets (001, 002, 003, 004) with their values', async () => {
    const all: FormOutput[] = [];
    let seals = 0;
    for (const [preset, { root, today }] of Object.entries(others)) {
      const repo = loadRepository(root);
      expect(validateRepository(repo, { today }).filter((p) => p.rule === 'programme-form-template')).toEqual([]);
      const res = await outputsOf(repo, today, { includeUnreached: true }, preset);
      seals += await expectSealSpaces(browser, viewContext(repo, resolveProgramme(repo), { today }), res);
      all.push(...res);
    }
    expect(seals).toBeGreaterThan(0);
    const get = (template: string, key?: string) => all.find((r) => r.target.form.template === template && (!key || r.target.key === key))!;
    for (const r of all) {
      if (r.target.form.template === 'zutuan-apply' || r.target.form.template === 'project-report') continue;
      expectLabels(r.out, LABELS[r.target.form.template]!);
    }
    expect(all.filter((r) => r.pages !== 1 && r.target.form.template !== 'brand-archive').map((r) => r.label)).toEqual([]);

    // 001 附件1: leader, team with roles, goals, the branch's opinion; 附件2 the plan.
    const dj = squash(raw(get('dangjian-apply').out));
    for (const v of ['机关第一党支部', '刘建明', '综合部主任', '孙晓燕', '副组长', '何志强', '全年实现党员责任区零事故', '同意申报。', '2017年4月20日']) expect(dj).toContain(v);
    const plan = squash(raw(get('dangjian-plan').out));
    expect(plan).toContain('（一）2017年5月1日至2017年6月30日：划分责任区，制定积分办法');
    expect(plan).toContain('（二）2017年7月1日至2017年11月30日');
    expect(plan).toContain('五、完成时限：2017年11月30日');
    const summary = squash(raw(get('summary-report', 'p-dj-anquan').out));
    expectLabels(get('summary-report', 'p-dj-anquan').out, ['项目实施总结报告', ...LABELS['summary-report']!]);
    for (const v of ['开展隐患排查96次', '隐患整改率100%', '自评为优秀', '2017年11月28日']) expect(summary).toContain(v);
    expectLabels(get('project-report').out, ['“党建+”项目季度进展情况', ...LABELS['project-report']!]);

    // 002 附1: every project, co-organisers or 自主申报; 附2 one form per unit.
    const list = squash(raw(get('zutuan-task-list').out));
    expect(list).toContain('1制订党员干部学分制管理制度参照党员领导干部');
    expect(list).toContain('市行政执法局直属机关党委市质监局直属机关党委');
    expect(list).toContain('2建立领导干部双重组织生活报告制度');
    expect(list).toContain('自主申报');
    const lead = get('zutuan-apply', 'p-zt-xuefen');
    const co = get('zutuan-apply', 'p-zt-xuefen-org-zt-zhijian');
    expectLabels(lead.out, [...LABELS['zutuan-apply']!, '直接责任人', '职务', '联络员', '联系电话', '项目内容及目标要求', '工作计划', '单位党组织意见', '（盖章）']);
    expectLabels(co.out, [...LABELS['zutuan-apply']!, '专人负责', '联系电话', '切入点', '工作计划', '单位党组织意见', '（盖章）']);
    expect(squash(raw(lead.out))).toContain('吴国平职务局党委副书记');
    expect(squash(raw(lead.out))).toContain('13800138202');
    expect(squash(raw(co.out))).toContain('负责学分认定标准的调研。');
    expect(squash(raw(co.out))).toContain('申报单位（盖章）：市质监局直属机关党委');

    // 003 立项书: categories ticked, schedule, the upper organisation's opinion box.
    const sj = squash(raw(get('shuji-apply').out));
    for (const v of ['钱永红', '13800138301', '2017年3月1日至2017年12月20日', '学院已有党支部工作手册', '2017年7月1日至2017年12月20日：达标创建与验收', '省委教育工委审核意见']) expect(sj).toContain(v);

    // 004: the brand form with 品牌理念 and 品牌载体 (programme `fields`), the PNG logo embedded.
    const bp = get('brand-apply');
    expectLabels(bp.out, ['附件', '市直机关党建品牌申报表', '创建单位', '品牌名称', '联系人', '联系电话', '品牌内涵', '品牌理念', '品牌载体', '品牌标识', '取得成效']);
    expect(squash(raw(bp.out))).toContain('理财为民，服务至上。');
    expect(fs.readFileSync(bp.out, 'latin1')).toMatch(/\/Subtype\s*\/Image/);
  });

  it('packs what an organisation submits at a step: cover, contents, bookmarks, numbers, supporting files', async () => {
    expect(choosePack(demoProgramme, undefined, '2020-11-05').id).toBe('closure');
    expect(choosePack(demoProgramme, undefined, '2020-04-20').id).toBe('claim');
    expect(choosePack(demoProgramme, undefined, '2020-06-01').id).toBe('claim');
    expect(() => choosePack(demoProgramme, 'nope', '2020-06-01')).toThrow(/没有材料包“nope”/);

    const file = path.join(out, 'pack.pdf');
    const r = await buildPack({ repo: demo, programme: demoProgramme, org: 'org-hs-jiaoyu', pack: 'closure', out: file, today: '2020-11-12', browser });
    expect(r.failures).toEqual([]);
    expect(r.pages).toBe(await pages(file));
    const outline = readOutline(await PDFDocument.load(fs.readFileSync(file)));
    expect(outline.map((o) => o.title.split('：')[0])).toEqual([
      '封面', '目录', '附件4 党组织领办项目结项书', '附件5 党员领办任务结项书', '附件5 党员领办任务结项书', '附件5 党员领办任务结项书', '附件5 党员领办任务结项书', '附件6 惠山区机关党建品牌申报审批表', '附件材料清单',
    ]);
    expect(outline.map((o) => o.page)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(outline.some((o) => o.title.startsWith('附件5 党员领办任务结项书：王华'))).toBe(true);
    // Contents list each part with the page number printed on it; the cover has none.
    const toc = squash(execFileSync('pdftotext', ['-raw', '-f', '2', '-l', '2', file, '-'], { encoding: 'utf8' }));
    expect(toc).toMatch(/^目录附件4党组织领办项目结项书/);
    expect(toc).toMatch(/附件材料清单[·.]*8—1—$/);
    const cover = squash(execFileSync('pdftotext', ['-raw', '-f', '1', '-l', '1', file, '-'], { encoding: 'utf8' }));
    expect(cover).toContain('结项申请及品牌申报');
    expect(cover).not.toMatch(/—\d+—/);
    const last = squash(execFileSync('pdftotext', ['-raw', '-f', '9', '-l', '9', file, '-'], { encoding: 'utf8' }));
    expect(last).toContain('附件材料清单');
    // At closure: the closure's 印证性 materials (copied into the repository by djyc close), not the application's.
    expect(last).toContain('双减背景下课后服务党员先锋岗建设工作总结.md');
    expect(last).toContain('印证性');
    expect(last).not.toContain('请示');
    expect(last).toContain('已随附');
    expect(last).toMatch(/—8—$/);
    expect(r.missingAttachments).toBe(0);
    // The forms keep the phone number (submitted to the upper organisation).
    expect(squash(raw(file))).toContain('13905100202');

    // At application: the 依据性 materials.
    const apply = await buildPack({ repo: demo, programme: demoProgramme, org: 'org-hs-jiaoyu', pack: 'apply', out: path.join(out, 'apply-pack.pdf'), today: '2020-03-25', browser });
    expect(apply.parts.map((p) => p.title.split('：')[0])).toEqual(['封面', '目录', '附件1 “双领一创”项目申报表', '附件材料清单']);
    expect(squash(raw(path.join(out, 'apply-pack.pdf')))).toContain('区教育局机关党支部关于申报“双领一创”项目的请示attachments/2020/p-2020-hs-kehou-apply.md依据性');

    // Nothing to submit: refused with the reason.
    await expect(buildPack({ repo: demo, programme: demoProgramme, org: 'org-test-empty', pack: 'closure', out: path.join(out, 'none.pdf'), browser })).rejects.toThrow(/没有可报送的材料/);
  });

  it('prints the public notice of claims with phone numbers masked', async () => {
    const file = path.join(out, 'notice.pdf');
    const r = await buildNotice({ repo: demo, programme: demoProgramme, org: 'org-hs-gongwei', out: file, today: '2020-05-01', browser });
    expect(r.projects).toBe(3);
    expect(r.tasks).toBe(8);
    const text = raw(file);
    expect(findUnmaskedPhones(text)).toEqual([]);
    expect(squash(text)).toContain('139****0202');
    for (const v of ['“双领一创”项目领办公示', '领办项目', '领办任务', '领办党员', '李敏、钱芳', '家庭医生签约服务“党员健康驿站”', '徐婷、何军', '区级机关工委反映']) expect(squash(text)).toContain(squash(v));
    expect(text).not.toContain('13905100');
  });
});

describe('djyc render / pack / demo (CLI)', () => {
  let root: string;
  beforeAll(async () => {
    root = path.join(tempDir('djyc-cli-demo-'), 'repo');
    fs.cpSync(await demoRepository(), root, { recursive: true });
  });

  it('renders one record to a file, several forms into one PDF with bookmarks, and reports usage errors', async () => {
    const one = djyc(['render', 'p-2020-hs-kehou', '--form', 'apply', '-o', 'apply.pdf'], { cwd: root });
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toContain('apply.pdf');
    expect(await pages(path.join(root, 'apply.pdf'))).toBe(1);

    const merged = djyc(['render', 'p-2020-hs-kehou', '-o', 'all.pdf'], { cwd: root });
    expect(merged.code, merged.stderr).toBe(0);
    const outline = readOutline(await PDFDocument.load(fs.readFileSync(path.join(root, 'all.pdf'))));
    expect(outline.map((o) => o.title.split('：')[0])).toEqual(['附件1 “双领一创”项目申报表', '附件4 党组织领办项目结项书']);

    expect(djyc(['render'], { cwd: root }).code).toBe(2);
    const unknown = djyc(['render', 'p-nope'], { cwd: root });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('p-nope');
    const badForm = djyc(['render', 'p-2020-hs-kehou', '--form', 'nope'], { cwd: root });
    expect(badForm.code).toBe(2);
    expect(badForm.stderr).toContain('apply');
    expect(djyc(['render', '--org', 'org-nope'], { cwd: root }).code).toBe(2);
    expect(djyc(['render', '--all', '--format', 'odt'], { cwd: root }).code).toBe(2);
  });

  it('renders a batch into a folder (plain progress lines without a terminal), and HTML for preview', () => {
    const batch = djyc(['render', '--org', 'org-hs-weijian', '-o', 'out/weijian'], { cwd: root });
    expect(batch.code, batch.stderr).toBe(0);
    const files = fs.readdirSync(path.join(root, 'out/weijian'));
    // 1 application, 1 + 3 commitments, 1 + 3 closures, 2 + 6 reports.
    expect(files.filter((f) => f.endsWith('.pdf')).length).toBe(17);
    expect(batch.stderr).toMatch(/^\[1\/17\] 完成 /m);
    expect(batch.stdout).toMatch(/已生成 17 份表单（PDF）到 out\/weijian，用时 [\d.]+ 秒/);

    const html = djyc(['render', '--all', '--format', 'html', '-o', 'out/html'], { cwd: root });
    expect(html.code, html.stderr).toBe(0);
    const pagesHtml = fs.readdirSync(path.join(root, 'out/html'));
    expect(pagesHtml.length).toBe(53); // with the brand archive (品牌创建档案) of the one brand
    const doc = fs.readFileSync(path.join(root, 'out/html', pagesHtml.find((f) => f.startsWith('brand_'))!), 'utf8');
    expect(doc).toContain("default-src 'none'");
    expect(doc).toContain('惠山区机关党建品牌申报审批表');
    expect(doc).toContain('src="data:image/svg+xml;base64,');
  });

  it('packs and prints the notice from the command line', async () => {
    const pack = djyc(['pack', '--org', 'org-hs-yizhan', '--stage', 'claim'], { cwd: root });
    expect(pack.code).toBe(2);
    const claim = djyc(['pack', '--org', 'org-hs-weijian', '--stage', 'claim', '-o', 'claim.pdf'], { cwd: root });
    expect(claim.code, claim.stderr).toBe(0);
    expect(claim.stdout).toContain('已生成材料包 claim.pdf：项目认领，4 份表单');
    const outline = readOutline(await PDFDocument.load(fs.readFileSync(path.join(root, 'claim.pdf'))));
    expect(outline.map((o) => o.title.split('：')[0])).toEqual(['封面', '目录', '附件2 党组织领办项目承诺书', '附件3 党员领办任务承诺书', '附件3 党员领办任务承诺书', '附件3 党员领办任务承诺书']);
    const notice = djyc(['pack', '--org', 'org-hs-weijian', '--notice', '-o', 'notice.pdf', '--lang', 'en'], { cwd: root });
    expect(notice.code, notice.stderr).toBe(0);
    expect(notice.stdout).toContain('phone numbers masked');
    expect(findUnmaskedPhones(raw(path.join(root, 'notice.pdf')))).toEqual([]);
  });
});
