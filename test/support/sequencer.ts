// The order test files start in: longest first, whatever their tier, so that no long file starts late and runs on
// alone at the end while the other cores wait (on 2 cores one 100 s file started last makes the whole run 100 s
// longer). vitest's own order sorts tiers by name (cli, slow, unit) and, on a fresh clone such as CI's, files by size.
// A file's expected time is its duration in vitest's results cache when an earlier run left one (a local checkout),
// else the estimate below (seconds on a 2-core machine running the whole suite, from test/support/slowest-files.ts's
// figures; a stale figure only changes the order), else a guess from its tier.
import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const ESTIMATE_S: Record<string, number> = {
  'test/package.slow.test.ts': 110,
  'test/workflow-examples.slow.test.ts': 95,
  'test/forms-docx.slow.test.ts': 78,
  'test/forms.slow.test.ts': 77,
  'test/faults.slow.test.ts': 69,
  'test/golden.cli.test.ts': 65,
  'test/publish.slow.test.ts': 54,
  'test/concurrency.cli.test.ts': 42,
  'test/fonts.slow.test.ts': 42,
  'test/demo.slow.test.ts': 37,
  'test/workflow-core.test.ts': 26,
  'test/render-engine.slow.test.ts': 19,
  'test/hook.cli.test.ts': 19,
  'test/property.slow.test.ts': 19,
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
    return [...files].sort((a, b) => weight.get(b)! - weight.get(a)!);
  }
}
