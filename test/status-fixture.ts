/**
 * The repositories the `djyc status` tests run on — the publish fixtures and every examples/<name> — and the
 * ledger each status figure must agree with.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { loadRepository } from '../src/store/repo.js';
import type { Ledger } from '../src/domain/ledger.js';
import type { Track } from '../src/domain/programme.js';
import { ROOT, djyc, readJson } from './helpers.js';
import { FIXTURE_TODAY, brandPlanRepo, shuanglingRepo } from './publish-fixture.js';

export interface Repo {
  name: string;
  root: string;
  today: string;
  programmes: string[];
}

function programmesOf(root: string): string[] {
  return loadRepository(root).records.filter((r) => r.kind === 'programme').map((r) => r.id);
}

export function statusRepos(): Repo[] {
  const repos: Repo[] = [];
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
  return repos;
}

const ledgers = new Map<string, Ledger>();
/** `djyc ledger --format json` (once per repository and programme). */
export function ledgerJson(r: Repo, programme: string): Ledger {
  const key = `${r.root}\u0000${programme}`;
  const cached = ledgers.get(key);
  if (cached) return cached;
  const res = djyc(['ledger', '--format', 'json', '--programme', programme, '--today', r.today], { cwd: r.root });
  expect(res.code, res.stderr).toBe(0);
  const l = readJson<Ledger>(res.stdout);
  ledgers.set(key, l);
  return l;
}

export const TRACK_TOTALS: Record<Track, 'projectStages' | 'taskStages' | 'brandStages'> = { project: 'projectStages', task: 'taskStages', brand: 'brandStages' };
