/**
 * `djyc publish`: the public notice board site, checked in a real headless Chromium from file://.
 * Repositories: the fixtures of test/publish-fixture.ts, plus every examples/<name>/djyc.yaml when present.
 * Uses the built CLI: run `npx tsc -p .` first.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'puppeteer-core';
import { loadRepository } from '../src/store/repo.js';
import { computeLedger } from '../src/domain/ledger.js';
import { funnel, horizontalBars, stackedBars, FILLS } from '../src/output/charts.js';
import { buildSite } from '../src/commands/publish.js';
import { ROOT, djyc, initRepo, tempDir, workerBrowser } from './helpers.js';
import { listPresets } from '../src/assets/presets.js';
import { FIXTURE_TODAY, brandPlanRepo, shuanglingRepo } from './publish-fixture.js';

const PHONE = /1[3-9]\d{9}/;

/** Every file under a folder, relative paths with forward slashes. */
function walk(dir: string, base = dir): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const abs = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(abs, base));
    else out.push(path.relative(base, abs).split(path.sep).join('/'));
  }
  return out.sort();
}

function exampleRepos(): { name: string; root: string }[] {
  const dir = path.join(ROOT, 'examples');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((n) => fs.existsSync(path.join(dir, n, 'djyc.yaml')))
    .sort()
    .map((n) => ({ name: `examples/${n}`, root: path.join(dir, n) }));
}

interface Published {
  name: string;
  root: string;
  site: string;
  today?: string;
}

let browser: Browser;
const published: Published[] = [];
const shots = path.join(tempDir('djyc-publish-shots-'));

beforeAll(async () => {
  const repos: { name: string; root: string; today?: string }[] = [
    { name: 'shuangling', root: shuanglingRepo(), today: FIXTURE_TODAY },
    { name: 'brand-plan', root: brandPlanRepo(), today: FIXTURE_TODAY },
    ...exampleRepos(),
  ];
  for (const r of repos) {
    const site = path.join(tempDir('djyc-site-'), 'site');
    const args = ['publish', '-o', site, ...(r.today ? ['--today', r.today] : [])];
    const res = djyc(args, { cwd: r.root });
    if (res.code !== 0) throw new Error(`publish ${r.name} failed (${res.code}): ${res.stderr}`);
    published.push({ ...r, site });
  }
  browser = await workerBrowser();
});

/** The top level's pages, and the first and the last page of every folder. */
function samplePages(all: string[]): string[] {
  const byFolder = new Map<string, string[]>();
  for (const f of all) {
    const dir = path.posix.dirname(f);
    byFolder.set(dir, [...(byFolder.get(dir) ?? []), f]);
  }
  return [...byFolder].flatMap(([dir, files]) => (dir === '.' ? files : [...new Set([files[0]!, files[files.length - 1]!])]));
}

/** A page that may load only files of the site: anything else is recorded. Requests are watched, not intercepted:
 * holding every request (a font slice, a script) in the browser process until the test answers costs more CPU than the
 * rest of this file, and an offline test machine has nowhere for a stray request to go. */
async function sitePage(site: string, js = true): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage();
  const problems: string[] = [];
  const base = pathToFileURL(site).href + '/';
  await page.setJavaScriptEnabled(js);
  page.on('request', (req) => {
    const url = req.url();
    if (url.startsWith('data:') || (url.startsWith(base) && fs.existsSync(decodeURIComponent(new URL(url).pathname)))) return;
    problems.push(`request left the site or missed a file: ${url}`);
  });
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warn') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${(e as Error).message}`));
  page.on('requestfailed', (r) => problems.push(`failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  return { page, problems };
}

describe('djyc publish: the site', () => {
  it('publishes the fixtures and every example', () => {
    expect(published.length).toBeGreaterThanOrEqual(2);
    for (const p of published) expect(fs.existsSync(path.join(p.site, 'index.html'))).toBe(true);
  });

  it('every page loads in Chromium from file:// with no console error and no request leaving the site', async () => {
    for (const p of published) {
      const all = walk(p.site).filter((f) => f.endsWith('.html'));
      expect(all.length).toBeGreaterThan(3);
      // Every page of the site's top level, and the first and last page of each record folder: the pages of a folder
      // share one template and one script, so a third one loads nothing new (every link and asset of every page is
      // resolved on disk by the test below).
      const pages = samplePages(all);
      const { page, problems } = await sitePage(p.site);
      for (const f of pages) {
        await page.goto(pathToFileURL(path.join(p.site, f)).href, { waitUntil: 'load' });
        await page.evaluate(() => document.fonts.ready.then(() => undefined));
        // Fonts really came from the site's copies (no tofu from a missing face).
        const families = await page.evaluate(() => [...document.fonts].filter((f) => f.status === 'loaded').map((f) => f.family));
        expect(families.some((f) => f.includes('DJYC Hei')), `${p.name} ${f}: fonts`).toBe(true);
      }
      await page.close();
      expect(problems, p.name).toEqual([]);
    }
  });

  it('pages also load with JavaScript off', async () => {
    for (const p of published) {
      const { page, problems } = await sitePage(p.site, false);
      for (const f of ['index.html', 'search.html', 'organisations.html']) {
        await page.goto(pathToFileURL(path.join(p.site, f)).href, { waitUntil: 'load' });
      }
      await page.close();
      expect(problems, p.name).toEqual([]);
    }
  });

  it('every internal link and asset resolves to an existing file (and anchor); no absolute URL anywhere', () => {
    for (const p of published) {
      const files = new Set(walk(p.site));
      const ids = new Map<string, Set<string>>();
      const idsOf = (f: string) => {
        let s = ids.get(f);
        if (!s) ids.set(f, (s = new Set([...fs.readFileSync(path.join(p.site, f), 'utf8').matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!))));
        return s;
      };
      let links = 0;
      for (const f of [...files].filter((x) => x.endsWith('.html') || x.endsWith('.css'))) {
        const text = fs.readFileSync(path.join(p.site, f), 'utf8');
        const refs = f.endsWith('.css')
          ? [...text.matchAll(/url\(([^)]+)\)/g)].map((m) => m[1]!.replace(/["']/g, ''))
          : [...text.matchAll(/\s(?:href|src|action)="([^"]*)"/g)].map((m) => m[1]!);
        for (const raw of refs) {
          const ref = raw.replace(/&amp;/g, '&');
          expect(ref, `${p.name} ${f}`).not.toMatch(/^(?:[a-z][a-z0-9+.-]*:|\/)/i);
          links++;
          const [target, frag] = ref.split('#');
          const resolved = target ? path.posix.normalize(path.posix.join(path.posix.dirname(f), target.split('?')[0]!)) : f;
          expect(files.has(resolved), `${p.name} ${f} → ${ref}`).toBe(true);
          if (frag) expect(idsOf(resolved).has(frag), `${p.name} ${f} → ${ref} (anchor)`).toBe(true);
        }
      }
      expect(links).toBeGreaterThan(20);
    }
  });

  it('the search box finds a project by a word of its title (typed into the form, JavaScript on)', async () => {
    for (const p of published) {
      const ledger = computeLedger(loadRepository(p.root), { today: p.today });
      const project = ledger.projects.find((r) => r.public && !r.dropped && [...r.title.replace(/[“”"‘’\s]/g, '')].length >= 4);
      if (!project) continue; // brand-only programmes have no projects
      const word = [...project.title.replace(/[“”"‘’\s]/g, '')].slice(1, 3).join('');
      const { page, problems } = await sitePage(p.site);
      await page.goto(pathToFileURL(path.join(p.site, 'index.html')).href, { waitUntil: 'load' });
      await page.type('#q', word);
      await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('form.search button')]);
      expect(page.url()).toContain('search.html?q=');
      const hits = await page.$$eval('#results a', (as) => as.map((a) => ({ text: a.textContent, href: a.getAttribute('href') })));
      expect(hits, `${p.name}: "${word}"`).toContainEqual({ text: project.title, href: `projects/${project.id}.html` });
      const status = await page.$eval('#search-status', (e) => e.textContent);
      expect(status).toContain(word);
      await page.goto(pathToFileURL(path.join(p.site, 'search.html')).href + '?q=' + encodeURIComponent('不可能出现的词语组合'), { waitUntil: 'load' });
      expect(await page.$$eval('#results li', (l) => l.length)).toBe(0);
      await page.close();
      expect(problems).toEqual([]);
    }
  });

  it('no unmasked phone number in any file of any site; free-text phones are shown masked', () => {
    for (const p of published) {
      for (const f of walk(p.site)) {
        const text = fs.readFileSync(path.join(p.site, f), 'latin1') + fs.readFileSync(path.join(p.site, f), 'utf8');
        expect(PHONE.test(text), `${p.name}: ${f}`).toBe(false);
      }
    }
    const sl = published.find((p) => p.name === 'shuangling')!;
    // The fixture pasted 13912345678 into a project's text and 17712345678 into a task.
    expect(fs.readFileSync(path.join(sl.site, 'projects/p-hongzhu.html'), 'utf8')).toContain('139****5678');
    expect(fs.readFileSync(path.join(sl.site, 'claims.html'), 'utf8')).toContain('177****5678');
  });

  it('publishes only what the programme marks public; a project with public: false is nowhere', () => {
    const sl = published.find((p) => p.name === 'shuangling')!;
    const all = walk(sl.site).filter((f) => /\.(html|js|css)$/.test(f)).map((f) => fs.readFileSync(path.join(sl.site, f), 'utf8')).join('\n');
    expect(all).not.toContain('内部审计整改专项');
    expect(all).not.toContain('内部审计问题清单整改');
    expect(all).not.toContain('何平'); // holds a task only in the hidden project
    expect(fs.existsSync(path.join(sl.site, 'projects/p-neibu.html'))).toBe(false);
    for (const f of ['claims.html', 'progress.html', 'brands.html', 'selections.html']) expect(fs.existsSync(path.join(sl.site, f)), f).toBe(true);
    // The claims notice: each organisation's project, each member's task and finish date.
    const claims = fs.readFileSync(path.join(sl.site, 'claims.html'), 'utf8');
    for (const s of ['区教育局机关支部', '“红烛先锋”送教下乡行动', '李晓梅、陈志强', '承担语文、数学学科送教', '2020-11-30']) expect(claims).toContain(s);
    // The progress board: stage, reports filed and missing, closure and acceptance.
    const progress = fs.readFileSync(path.join(sl.site, 'progress.html'), 'utf8');
    for (const s of ['实施推进', '2020Q3（逾期报送）', '已申请（2020-10-30）', '通过（2020-11-18）']) expect(progress).toContain(s);

    const bp = published.find((p) => p.name === 'brand-plan')!;
    // brand-plan: public.claims is false; brands and selections are public.
    expect(fs.existsSync(path.join(bp.site, 'claims.html'))).toBe(false);
    expect(fs.readFileSync(path.join(bp.site, 'index.html'), 'utf8')).not.toContain('claims.html');
    expect(fs.existsSync(path.join(bp.site, 'brands.html'))).toBe(true);
    const bpAll = walk(bp.site).filter((f) => f.endsWith('.html')).map((f) => fs.readFileSync(path.join(bp.site, f), 'utf8')).join('\n');
    expect(bpAll).not.toContain('白玉兰'); // a member's name: claims are not public
    expect(bpAll).toContain('税韵先锋');
  });

  it('is self-contained: fonts copied from the npm packages (only the slices used), the logo copied in', () => {
    const sl = published.find((p) => p.name === 'shuangling')!;
    const fonts = walk(sl.site).filter((f) => f.startsWith('assets/fonts/'));
    expect(fonts.length).toBeGreaterThan(5);
    expect(fonts.every((f) => f.endsWith('.woff2'))).toBe(true);
    const total = fonts.reduce((a, f) => a + fs.statSync(path.join(sl.site, f)).size, 0);
    expect(total).toBeLessThan(8 * 1024 * 1024);
    expect(fs.readFileSync(path.join(sl.site, 'assets/fonts.css'), 'utf8')).toMatch(/url\(fonts\/hei-[^)]+\.woff2\)/);
    expect(fs.existsSync(path.join(sl.site, 'assets/logos/b-hongzhu.svg'))).toBe(true);
    expect(fs.readFileSync(path.join(sl.site, 'brands.html'), 'utf8')).toContain('src="assets/logos/b-hongzhu.svg"');
  });

  it('screenshots: the front page, the claims notice and a project page render as a notice board', async () => {
    for (const p of published) {
      const { page, problems } = await sitePage(p.site);
      await page.setViewport({ width: 1200, height: 900 });
      for (const f of ['index.html', 'claims.html', 'progress.html', 'brands.html']) {
        if (!fs.existsSync(path.join(p.site, f))) continue;
        await page.goto(pathToFileURL(path.join(p.site, f)).href, { waitUntil: 'load' });
        await page.evaluate(() => document.fonts.ready.then(() => undefined));
        // The first screen, where the band and the title are: a full-page shot of a long list costs seconds of encoding.
        const png = await page.screenshot({ path: path.join(shots, `${p.name.replace(/\W+/g, '-')}-${f}.png`) as `${string}.png` });
        expect(png.length).toBeGreaterThan(20_000);
        // The red band and the page title are there, in the site's own fonts.
        const band = await page.$eval('header.band', (e) => getComputedStyle(e).backgroundColor);
        expect(band).toBe('rgb(166, 27, 20)');
        const title = await page.$eval('h1.page-title', (e) => ({ font: getComputedStyle(e).fontFamily, text: e.textContent }));
        expect(title.font).toContain('DJYC Song');
        expect(title.text?.length).toBeGreaterThan(1);
      }
      await page.close();
      expect(problems).toEqual([]);
    }
  });

  it('writes atomically: republishing replaces the site; a folder it did not make is refused untouched; records/ is refused', () => {
    const sl = published.find((p) => p.name === 'shuangling')!;
    fs.writeFileSync(path.join(sl.site, 'stale.html'), 'old');
    const again = djyc(['publish', '-o', sl.site, '--today', FIXTURE_TODAY], { cwd: sl.root });
    expect(again.code, again.stderr).toBe(0);
    expect(fs.existsSync(path.join(sl.site, 'stale.html'))).toBe(false);
    expect(fs.readdirSync(path.dirname(sl.site)).filter((n) => n.includes('djyc-tmp') || n.includes('djyc-old'))).toEqual([]);

    const mine = tempDir('djyc-notasite-');
    fs.writeFileSync(path.join(mine, 'keep.txt'), 'mine');
    const refused = djyc(['publish', '-o', mine], { cwd: sl.root });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('不是 djyc 发布的网站');
    expect(fs.readdirSync(mine)).toEqual(['keep.txt']);

    const inRecords = djyc(['publish', '-o', 'records/site'], { cwd: sl.root });
    expect(inRecords.code).toBe(2);
    expect(fs.existsSync(path.join(sl.root, 'records/site'))).toBe(false);
    expect(inRecords.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('refuses to publish from records that do not load: exit 1, file:line:col, nothing written', () => {
    const root = initRepo('shuangling', 2020);
    fs.writeFileSync(path.join(root, 'records/projects/p-bad.yaml'), 'id: p-bad\ntitle: [unclosed\n');
    const out = path.join(tempDir(), 'site');
    const res = djyc(['publish', '-o', out], { cwd: root });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/records\/projects\/p-bad\.yaml:\d+:\d+/);
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.readdirSync(path.dirname(out))).toEqual([]);
  });

  it('every preset publishes from a fresh repository (nothing recorded yet)', () => {
    for (const preset of listPresets()) {
      const root = initRepo(preset, 2021);
      const repo = loadRepository(root);
      const { files, result } = buildSite(repo, { out: '/nowhere', today: '2021-06-01' });
      expect(files.has('index.html'), preset).toBe(true);
      expect(result.projects).toBe(0);
      for (const [name, f] of files) if ('text' in f) expect(f.text, `${preset} ${name}`).not.toMatch(/undefined|\[object Object\]|NaN/);
    }
  });

  it('templates use double-stash only', () => {
    const dir = path.join(ROOT, 'templates/site');
    for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.hbs'))) {
      expect(fs.readFileSync(path.join(dir, f), 'utf8'), f).not.toContain('{{{');
    }
  });

  it('escapes record text: markup in a title is shown, never run', () => {
    const sl = published.find((p) => p.name === 'shuangling')!;
    const repo = loadRepository(sl.root);
    const evil = '<script>alert(1)</script><img src=x onerror=alert(2)>';
    const rec = repo.records.find((r) => r.id === 'p-hongzhu')!;
    (rec.data as { title: string }).title = evil;
    const { files } = buildSite(repo, { out: '/nowhere', today: FIXTURE_TODAY });
    const html = (files.get('projects/p-hongzhu.html') as { text: string }).text;
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    const index = (files.get('assets/search-index.js') as { text: string }).text;
    expect(index).not.toContain('</script>');
  });
});

describe('charts.ts: SVG for print and black-and-white', () => {
  it('horizontal bars carry their numbers and escape labels', () => {
    const svg = horizontalBars({ id: 'c1', title: '覆盖率 <测试>', data: [{ label: '<b>支部</b>', value: 3, total: 4, valueText: '3/4 75%' }, { label: '二支部', value: 0 }] });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('3/4 75%');
    expect(svg).toContain('&#60;b&#62;支部');
    expect(svg).not.toContain('<b>');
    expect(svg).toContain('<title id="c1-t">覆盖率 &#60;测试&#62;</title>');
  });

  it('stacked bars give every series its own pattern or grey level and a legend', () => {
    const series = FILLS.map((f, i) => ({ key: f.key, label: `系列${i}` }));
    const svg = stackedBars({ id: 'c2', title: 't', series, rows: [{ label: 'a', values: series.map(() => 5) }] });
    const fills = [...svg.matchAll(/<rect x="[^"]*" y="[^"]*" width="[^"]*" height="17" (fill="[^"]*")/g)].map((m) => m[1]);
    expect(new Set(fills).size).toBe(FILLS.length);
    for (const s of series) expect(svg).toContain(`>${s.label}</text>`);
    expect(svg).toContain('= 30');
    expect(svg).toMatch(/<pattern id="c2-hatch"/);
  });

  it('the funnel draws one bar per stage with its value', () => {
    const svg = funnel({ id: 'c3', title: 'f', stages: [{ label: '申报', value: 10 }, { label: '立项', value: 6, note: '当前 2' }, { label: '结项', value: 0 }] });
    expect(svg).toContain('>10</text>');
    expect(svg).toContain('>6（当前 2）</text>');
    expect(svg.match(/<rect /g)?.length).toBeGreaterThanOrEqual(3);
  });

  it('rejects an id that could break out of its attribute', () => {
    expect(() => funnel({ id: 'a"b', title: 'x', stages: [] })).toThrow();
  });
});

// Where the screenshots went (for people looking at them after a run).
afterAll(() => {
  if (process.env.DJYC_SHOW_SHOTS) console.log(`screenshots: ${shots}`);
});
