/**
 * `djyc status --format pdf`: the dashboard printed with the PDF engine; every figure read back with pdftotext
 * must agree with `djyc ledger` / `djyc deadlines` on the same repository.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRepository } from '../src/store/repo.js';
import { FOUR_LEVELS } from '../src/domain/ratings.js';
import { computeDeadlines } from '../src/domain/deadlines.js';
import { isDroppedStage, trackStages } from '../src/domain/programme.js';
import { resolveProgramme } from '../src/domain/programme.js';
import { buildDashboard } from '../src/output/dashboard.js';
import { djyc, tempDir, workerBrowser } from './helpers.js';
import { ledgerJson, statusRepos, TRACK_TOTALS, type Repo } from './status-fixture.js';

const repos: Repo[] = [];
beforeAll(async () => {
  repos.push(...statusRepos());
  await workerBrowser();
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
          // Dropped stages (未予立项…) are left out of the funnel: such a project counts nowhere (domain/participation.ts).
          for (const s of trackStages(p, t.track).filter((s) => !isDroppedStage(p, t.track, s.id))) {
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
  });
});
