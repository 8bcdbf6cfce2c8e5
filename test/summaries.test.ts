/**
 * Reports and lookups over a big repository read the records' summaries (domain/records.ts factsOf), never their
 * files: on repositories loaded summaries-only — as one of more than DJYC_DATA_MAX records is — deadlines, ledger,
 * status, list, find and todo read no record file, show reads the one record it shows, and `--as-of` reads only the
 * records that were different on its date.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRepository } from '../src/store/repo.js';
import { computeDeadlines } from '../src/domain/deadlines.js';
import { computeLedger } from '../src/domain/ledger.js';
import { computeTodo } from '../src/domain/todo.js';
import { findRecords, listView, showView } from '../src/domain/browse.js';
import { PROSE_FIELDS, RecordIndex, type Repository } from '../src/domain/records.js';
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
  // A brand still at its first stage: what it needs next (its logo and concept) is judged on its summary.
  const r = repos.find((x) => x.name === 'shuangling')!;
  fs.mkdirSync(path.join(r.root, 'records/brands'), { recursive: true });
  fs.writeFileSync(
    path.join(r.root, 'records/brands/b-naming.yaml'),
    'id: b-naming\nprogramme: shuangling-2020\norganisation: org-jyj\nname: 红烛先锋\nlogo: attachments/logos/b-naming.png\nconcept: 以教育服务群众\ncontact: m-wang\nstage: naming\nhistory:\n  - stage: naming\n    date: "2020-05-05"\n    by: 机关工委\n',
  );
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

  it('summaries give what whole data gives: deadlines, ledger, status, todo, list, find and what a record still needs, on dates through the year', () => {
    const withData = <T>(run: () => T): T => {
      const saved = process.env.DJYC_DATA_MAX;
      process.env.DJYC_DATA_MAX = '1000000';
      try {
        return run();
      } finally {
        process.env.DJYC_DATA_MAX = saved;
      }
    };
    // What each report says, as text (Text values and all): the same from summaries as from whole records.
    const reports = (repo: Repository, r: Repo, today: string) => {
      const index = new RecordIndex(repo);
      const out: string[] = [`todo ${JSON.stringify(computeTodo(repo, { today, fileExists: () => true }))}`];
      for (const programme of r.programmes) {
        out.push(`deadlines ${programme} ${JSON.stringify(computeDeadlines(repo, { today, programme }))}`);
        out.push(`ledger ${programme} ${JSON.stringify(computeLedger(repo, { today, programme }))}`);
        out.push(`status ${programme} ${JSON.stringify(buildDashboard(repo, { today, programme }))}`);
      }
      for (const kind of ['project', 'task', 'report', 'organisation', 'member', 'brand', 'closure', 'commitment', 'evaluation', 'expert'] as const) {
        out.push(`list ${kind} ${JSON.stringify(listView(index, { kind }, 'zh'))}`);
      }
      for (const text of ['党', '先锋', '2020', 'zb', 'hz']) out.push(`find ${text} ${JSON.stringify(findRecords(index, text, 'zh'))}`);
      // What every project, task and brand still needs (show), judged on summaries for all but the record shown.
      for (const e of repo.records) {
        if (e.kind === 'project' || e.kind === 'task' || e.kind === 'brand') out.push(`needs ${e.id} ${JSON.stringify(showView(index, e, { today, fileExists: () => true, labels: {} }, 'zh').needs)}`);
      }
      return out;
    };
    let compared = 0;
    for (const r of repos) {
      for (const today of ['2020-05-10', '2020-09-20', r.today]) {
        const summaries = reports(loadRepository(r.root), r, today);
        const whole = withData(() => reports(loadRepository(r.root), r, today));
        expect(summaries, `${r.name} ${today}`).toEqual(whole);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(6);
  });

  it('list, find and todo; show reads only the record it shows', () => {
    for (const r of repos) {
      const repo = loadRepository(r.root);
      const index = new RecordIndex(repo);
      for (const kind of ['project', 'task', 'report', 'organisation', 'member', 'brand', 'closure', 'commitment'] as const) listView(index, { kind }, 'zh');
      for (const text of ['党', 'p', '2020', 'zb']) findRecords(index, text, 'zh');
      const todo = computeTodo(repo, { today: r.today, fileExists: () => true });
      expect(todo.count, r.name).toBeGreaterThanOrEqual(0);
      // todo rewinds records to its day from their summaries too: no record file is read, on the repository's day or
      // on a day when most histories are cut.
      computeTodo(repo, { today: '2020-05-10', fileExists: () => true });
      expect(read(repo), r.name).toEqual([]);
      const fresh = loadRepository(r.root);
      const project = fresh.records.find((e) => e.kind === 'project' || e.kind === 'brand')!;
      showView(new RecordIndex(fresh), project, { today: r.today, fileExists: () => true, labels: {} }, 'zh');
      expect(read(fresh), r.name).toEqual([project.id]);
    }
  });
});

describe('one index per loaded repository', () => {
  const entry = (id: string) => ({ kind: 'member' as const, id, file: `records/members/${id}.yaml`, data: { id, name: id, organisation: 'org-a' } as never, text: '' });
  const repoOf = (...ids: string[]): Repository => ({ root: '/nowhere', config: {} as never, records: ids.map(entry), loadProblems: [], unparsed: [] });

  it('is shared by the reports that read the same repository, and built again when its records were replaced or grew', () => {
    const repo = repoOf('m-1', 'm-2');
    const index = RecordIndex.of(repo);
    expect(RecordIndex.of(repo)).toBe(index);
    expect(index.where('member', 'organisation', 'org-a').map((m) => m.id)).toEqual(['m-1', 'm-2']);
    // Another repository object over other records (a past date's view, an edit): its own index.
    const other = repoOf('m-1');
    expect(RecordIndex.of(other)).not.toBe(index);
    expect(RecordIndex.of(other).all('member').map((m) => m.id)).toEqual(['m-1']);
    repo.records.push(entry('m-3'));
    const grown = RecordIndex.of(repo);
    expect(grown).not.toBe(index);
    expect(grown.where('member', 'organisation', 'org-a').map((m) => m.id)).toEqual(['m-1', 'm-2', 'm-3']);
    repo.records = [entry('m-9')];
    expect(RecordIndex.of(repo).all('member').map((m) => m.id)).toEqual(['m-9']);
  });
});
