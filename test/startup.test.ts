/**
 * `djyc --help` registers every command, and `djyc <command> --help` the one named: so what a command module loads
 * when it is imported (not when its action runs) is paid by every help and every run. Command modules load their
 * heavy code inside the action (`await import(...)`): their static imports reach no package but commander, and
 * only the cheap parts of djyc (options, texts, pure domain rules). Speed itself is measured in scripts/bench.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers.js';

const SRC = path.join(ROOT, 'src');
// Static value imports (`import type` is erased by the compiler; `await import()` runs only in the action).
const IMPORT = /^import\s+(?!type\b)(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;

/** Every module a module loads before it runs, and the packages among them. */
function staticClosure(entry: string): { modules: Set<string>; packages: Set<string> } {
  const modules = new Set<string>();
  const packages = new Set<string>();
  const stack = [entry];
  while (stack.length) {
    const file = stack.pop()!;
    if (modules.has(file)) continue;
    modules.add(file);
    for (const m of fs.readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const spec = m[1]!;
      if (spec.startsWith('.')) stack.push(path.resolve(path.dirname(file), spec).replace(/\.js$/, '.ts'));
      else if (!spec.startsWith('node:')) packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
    }
  }
  return { modules, packages };
}

describe('start-up cost', () => {
  const entries = [path.join(SRC, 'cli/main.ts'), ...fs.readdirSync(path.join(SRC, 'cli/commands')).filter((f) => f.endsWith('.ts')).map((f) => path.join(SRC, 'cli/commands', f))];

  it('the program and every command module load no package but commander until a command runs', () => {
    const heavy = entries.map((e) => ({ module: path.relative(SRC, e), packages: [...staticClosure(e).packages].filter((p) => p !== 'commander') })).filter((x) => x.packages.length);
    expect(heavy).toEqual([]);
  });

  it('nor the store, the forms or the PDF code', () => {
    const far = entries.flatMap((e) => [...staticClosure(e).modules].map((m) => path.relative(SRC, m)).filter((m) => /^(commands|pdf|demo|output\/(forms|docx|site))\//.test(m) || /^store\/(?!root\.ts|clock\.ts|files\.ts)/.test(m)).map((m) => `${path.relative(SRC, e)} → ${m}`));
    expect(far).toEqual([]);
  });
});
