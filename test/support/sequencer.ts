// The order test files start in: tier by tier (the tier with the longest file first), longest first within a tier,
// so that no long file starts late and runs on alone at the end while the other cores wait (on 2 cores one 100 s
// file started last makes the whole run 100 s longer). vitest's own order sorts tiers by name (cli, slow, unit) and,
// on a fresh clone such as CI's, files by size.
// A file's expected time is its duration in vitest's results cache when an earlier run left one (a local checkout),
// else the estimate below (seconds on a 2-core machine running the whole suite, from test/support/slowest-files.ts's
// figures; a stale figure only changes the order), else a guess from its tier.
import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const ESTIMATE_S: Record<string, number> = {
  'test/package.slow.test.ts': 94,
  'test/workflow-examples.slow.test.ts': 69,
  'test/faults.slow.test.ts': 59,
  'test/golden.cli.test.ts': 55,
  'test/forms-docx.slow.test.ts': 53,
  'test/forms.slow.test.ts': 50,
  'test/publish.slow.test.ts': 49,
  'test/concurrency.cli.test.ts': 33,
  'test/demo.slow.test.ts': 21,
  'test/hook.cli.test.ts': 20,
  'test/workflow-core.test.ts': 18,
  'test/fonts.slow.test.ts': 17,
  'test/status.slow.test.ts': 15,
  'test/property.slow.test.ts': 13,
  'test/cli-boundary.cli.test.ts': 13,
  'test/render-engine.slow.test.ts': 12,
  'test/property.test.ts': 11,
  'test/hook-managers.cli.test.ts': 11,
  'test/security.cli.test.ts': 10,
  'test/sheet.test.ts': 9,
  'test/setup.cli.test.ts': 9,
  'test/longtext.slow.test.ts': 8,
  'test/format-keeping.test.ts': 6,
  'test/verify.cli.test.ts': 6,
  'test/foundation.cli.test.ts': 5,
  'test/basecheck.test.ts': 5,
  'test/new-project.cli.test.ts': 5,
  'test/forms-docx.test.ts': 5,
  'test/privacy.slow.test.ts': 5,
  'test/validate-ci.test.ts': 4,
};
const TIER_GUESS_S: Record<string, number> = { slow: 15, cli: 8, unit: 3 };

export default class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = this.ctx.config.root;
    const expected = (spec: TestSpecification): number => {
      const rel = path.relative(root, spec.moduleId).split(path.sep).join('/');
      const cached = this.ctx.cache.getFileTestResults(`${spec.project.name}:${rel}`)?.duration;
      if (cached) return cached / 1000;
      return ESTIMATE_S[rel] ?? TIER_GUESS_S[spec.project.name] ?? 5;
    };
    const weight = new Map(files.map((f) => [f, expected(f)]));
    // A tier's files stay together, the tier with the longest file first: vitest hands a finished worker the next
    // file only when that file is of the same project, and otherwise stops the worker and starts a new one (a fresh
    // node importing vitest, puppeteer and src/ again). Interleaved tiers started 22 workers in a run; grouped, one
    // or two per tier and slot. Long files still start first: the slow tier holds the longest, and the cli and unit
    // tiers' files are short enough to fill the end.
    const longest = new Map<string, number>();
    for (const f of files) longest.set(f.project.name, Math.max(longest.get(f.project.name) ?? 0, weight.get(f)!));
    return [...files].sort((a, b) => longest.get(b.project.name)! - longest.get(a.project.name)! || a.project.name.localeCompare(b.project.name) || weight.get(b)! - weight.get(a)!);
  }
}
