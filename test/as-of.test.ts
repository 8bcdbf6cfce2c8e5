/**
 * Issue 12 item 4: state as of a date. `--as-of` rebuilds what the records held on that day from their own history
 * (domain/as-of.ts) for `status`, `ledger`, `deadlines` and `publish`; `--today` alone moves only the deadline
 * arithmetic, and the outputs say so instead of "截至 <date>".
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, djyc, readJson, tempDir } from './helpers.js';
import { loadRepository } from '../src/store/repo.js';
import { recordAsOf, recordsAsOf } from '../src/domain/as-of.js';
import { computeLedger } from '../src/domain/ledger.js';
import { publishSite } from '../src/commands/publish.js';

const HUISHAN = path.join(ROOT, 'examples', 'huishan-2020');

describe('status --as-of on the 000 example', () => {
  it('shows the mid-year state: projects being implemented, no closure, no acceptance, no rating yet', () => {
    const res = djyc(['status', '--as-of', '2020-07-15', '--json'], { cwd: HUISHAN });
    expect(res.code, res.stderr).toBe(0);
    const j = readJson(res.stdout);
    expect(j).toMatchObject({ today: '2020-07-15', dated: 'as-of' });
    const d = j.programmes[0];
    const projects = d.tracks.find((t: { track: string }) => t.track === 'project');
    const count = (id: string) => projects.stages.find((s: { id: string }) => s.id === id)?.count ?? 0;
    expect(count('implementing')).toBe(4);
    expect(count('accepted') + count('closing') + count('showcased')).toBe(0);
    expect(d.ratings.acceptance).toMatchObject({ rounds: 0 });
    expect(d.ratings.fourLevel.reduce((n: number, x: { count: number }) => n + x.count, 0)).toBe(0);

    // The year-end state differs: the same command without --as-of.
    const now = readJson(djyc(['status', '--json', '--today', '2020-12-31'], { cwd: HUISHAN }).stdout).programmes[0];
    const nowProjects = now.tracks.find((t: { track: string }) => t.track === 'project');
    expect(nowProjects.stages.find((s: { id: string }) => s.id === 'implementing')?.count ?? 0).toBeLessThan(4);

    const text = djyc(['status', '--as-of', '2020-07-15'], { cwd: HUISHAN }).stdout;
    expect(text).toContain('截至 2020-07-15');
    expect(text).toMatch(/实施推进\s+4 /);
  });

  it('--today alone does not claim the state of that day', () => {
    for (const [cmd, extra] of [['status', []], ['ledger', ['--table', 'projects']], ['deadlines', []]] as const) {
      const res = djyc([cmd, '--today', '2020-07-15', ...extra], { cwd: HUISHAN });
      expect(res.code, `${cmd}: ${res.stderr}`).toBe(0);
      expect(res.stdout, cmd).not.toContain('截至 2020-07-15');
      expect(res.stdout, cmd).toContain('记录为当前状态，时限按 2020-07-15 计算');
      const asOf = djyc([cmd, '--as-of', '2020-07-15', ...extra], { cwd: HUISHAN });
      expect(asOf.code, `${cmd}: ${asOf.stderr}`).toBe(0);
      expect(asOf.stdout, cmd).toContain('截至 2020-07-15');
    }
    const both = djyc(['status', '--today', '2020-07-15', '--as-of', '2020-07-15'], { cwd: HUISHAN });
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--as-of 与 --today 只能选一个');
  });
});

describe('the records as of a date (domain/as-of.ts)', () => {
  it('rewinds stages, leaves out later reports and ratings, and keeps the rounds of acceptance of that day', () => {
    const repo = loadRepository(HUISHAN);
    const then = recordsAsOf(repo, '2020-07-15');
    const later = (kind: string, field: string) => repo.records.filter((r) => r.kind === kind && String((r.data as Record<string, unknown>)[field]) > '2020-07-15');
    expect(later('report', 'submitted_on').length).toBeGreaterThan(0);
    for (const r of later('report', 'submitted_on')) expect(then.records.find((x) => x.id === r.id)).toBeUndefined();
    for (const r of later('evaluation', 'rated_on')) {
      const e = then.records.find((x) => x.id === r.id)?.data as Record<string, unknown> | undefined;
      expect(e?.branch_rating ?? e?.committee_rating ?? e?.stars).toBeUndefined();
    }
    const ledger = computeLedger(then, { today: '2020-07-15' });
    expect(ledger.projects.filter((p) => !p.dropped).map((p) => p.stage.id)).toEqual(['implementing', 'implementing', 'implementing', 'implementing']);
    expect(Object.values(ledger.totals.ratings).reduce((a, b) => a + b, 0)).toBe(0);
    expect(ledger.totals.reports.filed).toBeLessThan(computeLedger(repo, { today: '2020-07-15' }).totals.reports.filed);

    // A rework round before the date stays, the passing round after it does not; a correction after it is undone.
    const ev = recordAsOf('evaluation', {
      id: 'e', programme: 'x', subject: 'p',
      acceptance: [{ date: '2020-12-01', result: '整改' }, { date: '2021-01-10', result: '通过' }],
      branch_rating: '较好', rated_on: '2020-12-05',
      amendments: [{ date: '2021-02-01', field: 'branch_rating', before: '好', reason: '录入错误' }],
    }, '2020-12-31')!;
    expect(ev).toMatchObject({ acceptance: [{ date: '2020-12-01', result: '整改' }], branch_rating: '好', amendments: [] });
    expect(recordAsOf('evaluation', { id: 'e', acceptance: [{ date: '2021-01-10', result: '通过' }] }, '2020-12-31')).toBeUndefined();
    expect(recordAsOf('project', { id: 'p', stage: 'approved', history: [{ stage: 'proposed', date: '2021-01-01' }] }, '2020-12-31')).toBeUndefined();
  });

  it('publish --as-of builds the site from the records of that day', () => {
    const out = path.join(tempDir('djyc-asof-site-'), 'site');
    publishSite(HUISHAN, { out, today: '2020-07-15', asOf: true, dated: 'as-of' });
    const page = fs.readFileSync(path.join(out, 'projects', 'p-2020-hs-jiaotong.html'), 'utf8');
    expect(page).toContain('实施推进');
    expect(page).not.toContain('验收通过');
  });
});
