import os from 'node:os';
import { defineConfig } from 'vitest/config';
import LongestFirst from './test/support/sequencer.js';

// Three tiers, one command (`npm test` runs them all; `npx vitest run --project unit` one of them):
// - unit: in-process, no browser, no djyc process (djyc() runs the CLI in a thread of the test worker);
// - cli:  files named *.cli.test.ts — spawn the built binary bin/djyc (git hooks, terminals, concurrent runs);
// - slow: files named *.slow.test.ts — kill -9 fault loops, the five programmes end to end, PDFs and screenshots.
const CLI = ['test/**/*.cli.test.ts'];
const SLOW = ['test/**/*.slow.test.ts'];

const shared = {
  // Generous: a timeout is not a speed check (benchmarks are), and CI machines are shared; synchronous spawns under load take long.
  testTimeout: 300_000,
  hookTimeout: 300_000,
  pool: 'forks' as const,
  setupFiles: ['test/support/worker-setup.ts'],
};
const env = {
  DJYC_LANG: 'zh',
  NO_COLOR: '1',
  GIT_AUTHOR_NAME: 'djyc test',
  GIT_AUTHOR_EMAIL: 't@djyc.local',
  GIT_COMMITTER_NAME: 'djyc test',
  GIT_COMMITTER_EMAIL: 't@djyc.local',
  // No `git maintenance run --auto` after each of the suite's thousands of commits in short-lived repositories.
  GIT_CONFIG_COUNT: '1',
  GIT_CONFIG_KEY_0: 'maintenance.auto',
  GIT_CONFIG_VALUE_0: 'false',
};

export default defineConfig({
  test: {
    // dist/ is built once, before every tier (test/support/global-setup.ts).
    globalSetup: ['test/support/global-setup.ts', 'test/support/temp-root.ts'],
    reporters: ['default', './test/support/slowest-files.ts'],
    // Longest files first across the tiers (test/support/sequencer.ts).
    sequence: { sequencer: LongestFirst },
    // One worker more than cores: many files wait on child processes (git, Chromium, LibreOffice, djyc itself), so a
    // third worker keeps two cores busy (on 2 cores: 392 s → 316 s). Each test file uses its own temporary
    // repositories; one browser per worker.
    maxWorkers: os.availableParallelism() + 1,
    projects: [
      // Files share their worker (no fresh process per file): they leave no global state behind (each closes its CLI
      // thread's browser in afterAll and leaves the worker's browser for the next file, test/support/worker-setup.ts),
      // and a fresh process per file cost about a quarter of the unit tier's CPU and 40 s of the slow tier's
      // (re-importing vitest, puppeteer and src/).
      { test: { ...shared, isolate: false, name: 'unit', include: ['test/**/*.test.ts'], exclude: [...CLI, ...SLOW], env: { ...env, DJYC_TEST_TIER: 'unit' } } },
      { test: { ...shared, isolate: false, name: 'cli', include: CLI, env: { ...env, DJYC_TEST_TIER: 'cli' } } },
      { test: { ...shared, isolate: false, name: 'slow', include: SLOW, env: { ...env, DJYC_TEST_TIER: 'slow' } } },
    ],
  },
});
