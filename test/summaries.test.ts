/**
 * Reports and lookups over a big repository read the records' summaries (domain/records.ts factsOf), never their
 * files: on repositories loaded summaries-only — as one of more than DJYC_DATA_MAX records is — deadlines, ledger,
 * status, list, find and todo read no record file, show reads the one record it shows, and `--as-of` reads only the
 * records that were different on its date.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRepository } from '../src/store/repo.js';
import { computeDeadlines } from '../src/domain/deadlines.js';
import { computeLedger } from '../src/domain/ledger.js';
import { computeTodo } from '../src/domain/todo.js';
import { findRecords, listView, showView } from '../src/domain/browse.js';
import { PROSE_FIELDS, RecordIndex, factsOf, type Repository } from '../src/domain/records.js';
import { buildDashboard } from '../src/output/dashboard.js';
import { recordsAsOf } from '../src/domain/as-of.js';
import { statusRepos, type Repo } from './status-fixture.js';

/** Records of kinds with prose whose data has been read from their files (LoadedRecord settles `data` then). */
function read(repo: Repository): string[] {
  return repo.records.filter((r) => PROSE_FIELDS[r.kind] && 'value' in Object.getOwnPropertyDescriptor(r, 'data')!).map((r) => r.id);
}

const repos: Repo[] = [];
let saved: string | undefined;
beforeAll(() => {
  saved = process.env.DJYC_DATA_MAX;
  process.env.DJYC_DATA_MAX = '0';
  repos.push(...statusRepos());
});
afterAll(() => {
  if (saved === undefined) delete process.env.DJYC_DATA_MAX;
  else process.env.DJYC_DATA_MAX = saved;
});

describe('reports and lookups read summaries, not record files', () => {
  it('loads summaries only (the premise of the other checks)', () => {
    for (const r of repos) {
      const repo = loadRepository(r.root);
      expect(repo.records.some((e) => PROSE_FIELDS[e.kind]), r.name).toBe(true);
      expect(read(repo), r.name).toEqual([]);
      // Reading one record's data is seen.
      const project = repo.records.find((e) => PROSE_FIELDS[e.kind])!;
      void project.data;
      expect(read(repo), r.name).toEqual([project.id]);
    }
  });

  it('deadlines, ledger and status', () => {
    for (const r of repos) {
      for (const programme of r.programmes) {
        const repo = loadRepository(r.root);
        computeDeadlines(repo, { today: r.today, programme });
        computeLedger(repo, { today: r.today, programme });
        buildDashboard(repo, { today: r.today, programme });
        expect(read(repo), `${r.name} ${programme}`).toEqual([]);
      }
    }
  });

  it('--as-of reads only the records that were different on its date, and gives what whole data gives', () => {
    for (const r of repos) {
      for (const date of ['2020-04-30', '2020-07-15', r.today]) {
        const repo = loadRepository(r.root);
        const then = recordsAsOf(repo, date);
        const changed = new Set(then.records.filter((e) => !repo.records.includes(e)).map((e) => e.id));
        expect(read(repo).filter((id) => !changed.has(id)), `${r.name} ${date}`).toEqual([]);
        const saved = process.env.DJYC_DATA_MAX;
        process.env.DJYC_DATA_MAX = '1000000';
        try {
          const whole = recordsAsOf(loadRepository(r.root), date);
          expect(then.records.map((e) => [e.id, JSON.stringify(e.data)]), `${r.name} ${date}`).toEqual(whole.records.map((e) => [e.id, JSON.stringify(e.data)]));
        } finally {
          process.env.DJYC_DATA_MAX = saved;
        }
      }
    }
  });

  it('list, find and todo; show reads only the record it shows', () => {
    for (const r of repos) {
      const repo = loadRepository(r.root);
      const index = new RecordIndex(repo);
      for (const kind of ['project', 'task', 'report', 'organisation', 'member', 'brand', 'closure', 'commitment'] as const) listView(index, { kind }, 'zh');
      for (const text of ['党', 'p', '2020', 'zb']) findRecords(index, text, 'zh');
      const todo = computeTodo(repo, { today: r.today, fileExists: () => true });
      expect(todo.count, r.name).toBeGreaterThanOrEqual(0);
      // todo rewinds records to its day: only those with history (or ratings) after it are rewritten, from their files.
      const later = repo.records.filter((e) => {
        const x = factsOf(e);
        return (x.history ?? []).some((h: { date?: string }) => (h?.date ?? '') > r.today) || x.rated_on > r.today || x.acceptance?.date > r.today;
      });
      expect(read(repo).filter((id) => !later.some((e) => e.id === id)), r.name).toEqual([]);
      const fresh = loadRepository(r.root);
      const project = fresh.records.find((e) => e.kind === 'project' || e.kind === 'brand')!;
      showView(new RecordIndex(fresh), project, { today: r.today, fileExists: () => true, labels: {} }, 'zh');
      expect(read(fresh), r.name).toEqual([project.id]);
    }
  });
});
