// A reporter: the ten slowest test files of the run, with their tier, after vitest's own summary.
import type { Reporter, TestModule } from 'vitest/node';

export default class SlowestFiles implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const rows = modules
      .map((m) => ({ file: m.relativeModuleId, tier: m.project.name, ms: m.diagnostic().duration }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 10);
    if (!rows.length) return;
    const width = Math.max(...rows.map((r) => r.file.length));
    const lines = rows.map((r) => `  ${(r.ms / 1000).toFixed(1).padStart(6)} s  ${r.tier.padEnd(4)}  ${r.file.padEnd(width)}`);
    process.stdout.write(`\n Slowest test files\n${lines.join('\n')}\n\n`);
  }
}
