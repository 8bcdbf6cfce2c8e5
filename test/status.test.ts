/**
 * `djyc status`: terminal, JSON and PDF. Every figure must agree with `djyc ledger` / `djyc deadlines` on the same
 * repository — the PDF's numbers are read back with pdftotext. Uses the built CLI: run `npx tsc -p .` first.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRepository } from '../src/store/repo.js';
import { computeLedger, type Ledger } from '../src/domain/ledger.js';
import { computeDeadlines } from '../src/domain/deadlines.js';
import { trackStages, type Track, resolveProgramme } from '../src/domain/programme.js';
import { buildDashboard, mainPath } from '../src/output/dashboard.js';
import { statusText } from '../src/output/status.js';
import { BIN, ROOT, djyc, readJson, tempDir } from './helpers.js';
import { FIXTURE_TODAY, brandPlanRepo, shuanglingRepo } from './publish-fixture.js';
import { FOUR_LEVELS } from '../src/domain/ratings.js';

interface Repo {
  name: string;
  root: string;
  today: string;
  programmes: string[];
}

const repos: Repo[] = [];

function programmesOf(root: string): string[] {
  return loadRepository(root).records.filter((r) => r.kind === 'programme').map((r) => r.id);
}

beforeAll(() => {
  for (const [name, make] of [['shuangling', shuanglingRepo], ['brand-plan', brandPlanRepo]] as const) {
    const root = make();
    repos.push({ name, root, today: FIXTURE_TODAY, programmes: programmesOf(root) });
  }
  const dir = path.join(ROOT, 'examples');
  if (fs.existsSync(dir)) {
    for (const n of fs.readdirSync(dir).sort()) {
      const root = path.join(dir, n);
      if (fs.existsSync(path.join(root, 'djyc.yaml'))) repos.push({ name: `examples/${n}`, root, today: '2020-12-15', programmes: programmesOf(root) });
    }
  }
}, 120_000);

const ledgers = new Map<string, Ledger>();
/** `djyc ledger --format json` (once per repository and programme). */
function ledgerJson(r: Repo, programme: string): Ledger {
  const key = `${r.root}\u0000${programme}`;
  const cached = ledgers.get(key);
  if (cached) return cached;
  const res = djyc(['ledger', '--format', 'json', '--programme', programme, '--today', r.today], { cwd: r.root });
  expect(res.code, res.stderr).toBe(0);
  const l = readJson<Ledger>(res.stdout);
  ledgers.set(key, l);
  return l;
}

const TRACK_TOTALS: Record<Track, 'projectStages' | 'taskStages' | 'brandStages'> = { project: 'projectStages', task: 'taskStages', brand: 'brandStages' };

describe('djyc status --json', () => {
  it('agrees with djyc ledger on stages, coverage, reports, ratings and stars', () => {
    for (const r of repos) {
      const res = djyc(['status', '--json', '--today', r.today], { cwd: r.root });
      expect(res.code, `${r.name}: ${res.stderr}`).toBe(0);
      const status = readJson<{ programmes: ReturnType<typeof buildDashboard>[] }>(res.stdout);
      expect(status.programmes.map((p) => p.programme.id).sort()).toEqual([...r.programmes].sort());
      for (const d of status.programmes) {
        const l = ledgerJson(r, d.programme.id);
        for (const t of d.tracks) {
          for (const s of t.stages) expect(s.count, `${r.name} ${t.track} ${s.id}`).toBe(l.totals[TRACK_TOTALS[t.track]][s.id] ?? 0);
          expect(t.total).toBe(t.track === 'project' ? l.totals.projects : t.track === 'task' ? l.totals.tasks : l.totals.brands);
        }
        expect({ m: d.coverage.members, h: d.coverage.holders, e: d.coverage.exempt }).toEqual({ m: l.totals.coverage.members, h: l.totals.coverage.holders, e: l.totals.coverage.exempt });
        expect(d.coverage.withProject).toBe(l.coverage.filter((c) => c.projectsLed + c.projectsJoined > 0).length);
        if (d.reports) expect(d.reports.totals).toEqual(l.totals.reports);
        for (const q of d.reports?.quarters ?? []) {
          const ob = l.obligations.filter((o) => o.quarter === q.quarter);
          expect(q.onTime + q.late + q.undated + q.missing + q.pending).toBe(ob.length);
        }
        expect(Object.fromEntries(d.ratings.fourLevel.map((x) => [x.level, x.count]))).toEqual(l.totals.ratings);
        for (const s of d.ratings.stars ?? []) expect(s.count).toBe(l.totals.stars[String(s.stars)] ?? 0);
        expect(d.ratings.acceptance).toEqual(l.totals.acceptance);
        const dl = computeDeadlines(loadRepository(r.root), { programme: d.programme.id, today: r.today });
        expect(d.deadlines.overdue.length).toBe(dl.counts.overdue);
        expect(d.deadlines.dueSoon.length).toBe(dl.counts['due-soon']);
      }
    }
  });

  it('the funnel counts what reached each main-path stage; side branches are left out of it', () => {
    const r = repos.find((x) => x.name === 'shuangling')!;
    const repo = loadRepository(r.root);
    const d = buildDashboard(repo, { today: r.today });
    const p = resolveProgramme(repo);
    const funnel = d.tracks.find((t) => t.track === 'project')!.stages.filter((s) => s.main);
    expect(funnel.map((s) => s.id)).toEqual(mainPath(p, 'project'));
    expect(funnel.map((s) => s.id)).not.toContain('rejected');
    expect(funnel.map((s) => s.reached)).toEqual([6, 4, 4, 4, 4, 2, 1, 0]);
    for (let i = 1; i < funnel.length; i++) expect(funnel[i]!.reached!).toBeLessThanOrEqual(funnel[i - 1]!.reached!);
  });
});

describe('djyc status in the terminal', () => {
  it('lists overdue items first, then counts per stage and coverage; no colour without a terminal or with NO_COLOR', () => {
    const r = repos.find((x) => x.name === 'shuangling')!;
    const res = djyc(['status', '--today', r.today], { cwd: r.root });
    expect(res.code, res.stderr).toBe(0);
    const out = res.stdout;
    expect(out).not.toMatch(/\x1b\[/);
    const iOverdue = out.indexOf('逾期事项 ');
    const iStages = out.indexOf('项目阶段（共 6）');
    const iCoverage = out.indexOf('覆盖面：党员领办任务 8/10（80%）');
    expect(iOverdue).toBeGreaterThan(-1);
    expect(iStages).toBeGreaterThan(iOverdue);
    expect(iCoverage).toBeGreaterThan(iStages);
    expect(out).toMatch(/实施推进\s+2 /);
    expect(out).toContain('季度执行书：应报');
    expect(out).not.toMatch(/1[3-9]\d{9}/);
    const en = djyc(['status', '--today', r.today, '--lang', 'en'], { cwd: r.root });
    expect(en.stdout).toContain('Overdue: ');
    expect(en.stdout).toContain('Coverage: members holding a task 8/10 (80%)');
  });

  it('colours when the terminal supports it, and respects NO_COLOR', () => {
    const r = repos.find((x) => x.name === 'shuangling')!;
    const script = spawnSync('sh', ['-c', 'command -v script'], { encoding: 'utf8' }).stdout.trim();
    if (!script) return; // util-linux `script` provides the pseudo-terminal
    const base = { ...process.env, TERM: 'xterm' } as Record<string, string>;
    delete base.NO_COLOR;
    delete base.FORCE_COLOR;
    delete base.CI;
    const run = (env: Record<string, string>) =>
      spawnSync(script, ['-qec', `${process.execPath} ${BIN} status --today ${r.today}`, '/dev/null'], { cwd: r.root, encoding: 'utf8', env: { ...base, ...env } });
    const coloured = run({});
    const withNoColor = run({ NO_COLOR: '1' });
    expect(coloured.stdout).toMatch(/\x1b\[\d+m/);
    expect(withNoColor.stdout).not.toMatch(/\x1b\[\d+m/);
    expect(withNoColor.stdout).toContain('项目阶段');
  });

  it('statusText puts overdue items before stages (core, with paint)', () => {
    const r = repos.find((x) => x.name === 'shuangling')!;
    const d = buildDashboard(loadRepository(r.root), { today: r.today });
    const paint = { red: (s: string) => `<r>${s}</r>`, yellow: (s: string) => `<y>${s}</y>`, green: (s: string) => s, dim: (s: string) => s, bold: (s: string) => s };
    const text = statusText([d], { paint, limit: 3 });
    expect(text.indexOf('<r>✕</r>')).toBeLessThan(text.indexOf('项目阶段'));
    expect(text).toContain(`另有 ${d.deadlines.overdue.length - 3} 项`);
  });

  it('bad options are usage errors (exit 2), without a stack trace', () => {
    const r = repos[0]!;
    for (const args of [['status', '--format', 'docx'], ['status', '--today', '2020-02-30'], ['status', '--programme', 'nope']]) {
      const res = djyc(args, { cwd: r.root });
      expect(res.code, args.join(' ')).toBe(2);
      expect(res.stderr).toMatch(/^错误：/);
      expect(res.stderr).not.toMatch(/\n\s+at /);
    }
  });
});

/** pdftotext -layout, split into the sections of one programme's dashboard by their headings. */
function pdfSections(text: string, headings: string[]): Map<string, string> {
  const out = new Map<string, string>();
  const found = headings.map((h) => ({ h, i: text.indexOf(h) })).filter((x) => x.i >= 0).sort((a, b) => a.i - b.i);
  found.forEach((x, k) => out.set(x.h, text.slice(x.i, k + 1 < found.length ? found[k + 1]!.i : undefined)));
  return out;
}

function num(s: string): number {
  return Number(s.replace(/[^\d.]/g, ''));
}

describe('djyc status --format pdf', () => {
  it('prints the dashboard with the PDF engine; its figures agree with djyc ledger', () => {
    const pdftotext = spawnSync('sh', ['-c', 'command -v pdftotext'], { encoding: 'utf8' }).stdout.trim();
    expect(pdftotext, 'pdftotext (poppler-utils) is needed').not.toBe('');
    for (const r of repos) {
      for (const programme of r.programmes) {
        const out = path.join(tempDir('djyc-status-'), 'status.pdf');
        const res = djyc(['status', '--format', 'pdf', '-o', out, '--programme', programme, '--today', r.today], { cwd: r.root });
        expect(res.code, `${r.name}: ${res.stderr}`).toBe(0);
        expect(fs.readFileSync(out).subarray(0, 5).toString()).toBe('%PDF-');
        const text = spawnSync(pdftotext, ['-layout', out, '-'], { encoding: 'utf8' }).stdout;
        expect(text).not.toMatch(/1[3-9]\d{9}/);
        const l = ledgerJson(r, programme);
        const repo = loadRepository(r.root);
        const p = resolveProgramme(repo, programme);
        const d = buildDashboard(repo, { programme, today: r.today });
        const headings = [...d.tracks.map((t) => `${t.label}阶段漏斗`), '覆盖面', '季度执行书报送情况', '评议等次分布', '星级评估分布', '逾期与即将到期', '逾期事项'];
        const sections = pdfSections(text, headings);

        // Stage table of each track: "<stage>  <now>  <reached>", and the total.
        for (const t of d.tracks) {
          const sec = sections.get(`${t.label}阶段漏斗`);
          expect(sec, `${r.name}: ${t.label}`).toBeDefined();
          for (const s of trackStages(p, t.track)) {
            const re = new RegExp(`(?:^|\\s)${s.label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:（分支）)?\\s+(\\d+)\\s+(\\d+|—)\\s*$`, 'm');
            const m = re.exec(sec!);
            expect(m, `${r.name} ${t.track} ${s.label}`).not.toBeNull();
            expect(Number(m![1]), `${r.name} ${t.track} ${s.id}`).toBe(l.totals[TRACK_TOTALS[t.track]][s.id] ?? 0);
          }
          const total = /(?:^|\s)合计\s+(\d+)\s*$/m.exec(sec!);
          expect(Number(total![1])).toBe(t.track === 'project' ? l.totals.projects : t.track === 'task' ? l.totals.tasks : l.totals.brands);
        }

        // Coverage: the total row.
        if (d.coverage.tasks && d.coverage.rows.some((c) => c.members > 0 || c.led + c.joined > 0 || c.brands > 0)) {
          const m = /合计\s+(\d+)\s+(\d+)\s+(\d+)\s+([\d.]+)%/.exec(sections.get('覆盖面')!);
          expect(m, r.name).not.toBeNull();
          expect([num(m![1]!), num(m![2]!), num(m![3]!)]).toEqual([l.totals.coverage.members, l.totals.coverage.holders, l.totals.coverage.exempt]);
          expect(num(m![4]!)).toBeCloseTo(Math.round(l.totals.coverage.ratio * 1000) / 10, 5);
        }

        // Quarterly reports: on time, late, undated, missing, not yet due.
        if (d.reports && d.reports.quarters.length) {
          const m = /合计\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*$/m.exec(sections.get('季度执行书报送情况')!);
          expect(m, r.name).not.toBeNull();
          const rep = l.totals.reports;
          expect(m!.slice(1, 6).map(Number)).toEqual([rep.onTime, rep.late, rep.undated, rep.missing, rep.pending]);
          expect(sections.get('季度执行书报送情况')).toContain(`应报 ${rep.required} 份，已报 ${rep.filed} 份`);
        }

        // Ratings and stars.
        if (d.ratings.usesFourLevel) {
          const sec = sections.get('评议等次分布')!;
          for (const level of FOUR_LEVELS) {
            const m = new RegExp(`(?:^|\\s)${level}\\s+(\\d+)\\s*$`, 'm').exec(sec);
            expect(Number(m?.[1]), `${r.name} ${level}`).toBe(l.totals.ratings[level]);
          }
        }
        if (d.ratings.stars) {
          const sec = sections.get('星级评估分布')!;
          for (const s of d.ratings.stars) {
            const m = new RegExp(`(?:^|\\s)${s.stars}\\s*星\\s+(\\d+)\\s*$`, 'm').exec(sec);
            expect(Number(m?.[1]), `${r.name} ${s.stars} stars`).toBe(l.totals.stars[String(s.stars)] ?? 0);
          }
        }

        // Overdue and due soon: the stat tiles.
        const dl = computeDeadlines(repo, { programme, today: r.today });
        const tiles = text.slice(0, text.indexOf(headings.find((h) => sections.has(h))!));
        expect(tiles).toMatch(new RegExp(`(?:^|\\s)${dl.counts.overdue}(?:\\s|$)`, 'm'));
        if (d.deadlines.overdue.length + d.deadlines.dueSoon.length) {
          const m = /合计\s+(\d+)\s+(\d+)\s*$/m.exec(sections.get('逾期与即将到期')!);
          expect(m!.slice(1, 3).map(Number)).toEqual([dl.counts.overdue, dl.counts['due-soon']]);
        }
      }
    }
  }, 240_000);
});
