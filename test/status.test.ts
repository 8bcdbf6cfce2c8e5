/**
 * `djyc status`: terminal and JSON. Every figure must agree with `djyc ledger` / `djyc deadlines` on the same
 * repository. The PDF: status.slow.test.ts; colour in a real terminal: status.cli.test.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRepository } from '../src/store/repo.js';
import { computeDeadlines } from '../src/domain/deadlines.js';
import { resolveProgramme } from '../src/domain/programme.js';
import { buildDashboard, mainPath } from '../src/output/dashboard.js';
import { statusText } from '../src/output/status.js';
import { djyc, readJson } from './helpers.js';
import { ledgerJson, statusRepos, TRACK_TOTALS, type Repo } from './status-fixture.js';

const repos: Repo[] = [];
beforeAll(() => {
  repos.push(...statusRepos());
});

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
    // The rejected project (未予立项) is counted nowhere, not even at the funnel's first stage.
    expect(funnel.map((s) => s.reached)).toEqual([5, 4, 4, 4, 4, 2, 1, 0]);
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
    const iStages = out.indexOf('项目阶段（共 5）');
    const iCoverage = out.indexOf('覆盖面：党员领办任务 8/10（80%）');
    expect(iOverdue).toBeGreaterThan(-1);
    expect(iStages).toBeGreaterThan(iOverdue);
    expect(iCoverage).toBeGreaterThan(iStages);
    expect(out).toMatch(/实施推进\s+2 /);
    expect(out).toContain('另有未予立项 1：不由任何党组织领办，不计入各项统计');
    expect(out).toContain('季度执行书：应报');
    expect(out).not.toMatch(/1[3-9]\d{9}/);
    const en = djyc(['status', '--today', r.today, '--lang', 'en'], { cwd: r.root });
    expect(en.stdout).toContain('Overdue: ');
    expect(en.stdout).toContain('Coverage: members holding a task 8/10 (80%)');
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
