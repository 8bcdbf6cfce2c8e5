// A reporter: the ten slowest test files of the run, with their tier and when they started (seconds after the run
// began: a long file that starts late is what makes a run long). DJYC_TEST_TIMELINE=<file> also writes every
// file's start and end as JSON, to see how the workers were kept busy.
import fs from 'node:fs';
import type { Reporter, TestModule } from 'vitest/node';

export default class SlowestFiles implements Reporter {
  private began = Date.now();
  private starts = new Map<string, number>();

  onInit(): void {
    this.began = Date.now();
  }

  onTestModuleStart(m: TestModule): void {
    this.starts.set(m.moduleId, Date.now() - this.began);
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const all = modules
      .map((m) => ({ file: m.relativeModuleId, tier: m.project.name, ms: m.diagnostic().duration, start: this.starts.get(m.moduleId) ?? 0 }))
      .sort((a, b) => b.ms - a.ms);
    if (process.env.DJYC_TEST_TIMELINE) fs.writeFileSync(process.env.DJYC_TEST_TIMELINE, JSON.stringify(all, null, 1));
    const rows = all.slice(0, 10);
    if (!rows.length) return;
    const width = Math.max(...rows.map((r) => r.file.length));
    const lines = rows.map((r) => `  ${(r.ms / 1000).toFixed(1).padStart(6)} s  ${r.tier.padEnd(4)}  ${r.file.padEnd(width)}  started at ${(r.start / 1000).toFixed(0)} s`);
    process.stdout.write(`\n Slowest test files\n${lines.join('\n')}\n\n`);
  }
}
