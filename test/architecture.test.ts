/**
 * The dependency rule of src/ (README, "how the code is laid out"): each top-level folder is a layer and may import
 * only the layers listed for it; domain/ and output/ are pure (no Node built-in with side effects, no process.env,
 * no clock); and no module imports itself through a cycle. Imports are read from the module record of the oxc
 * parser (through rolldown, which vitest's vite runs on): static imports, `export … from`, `import type`, dynamic
 * `import('…')` with a literal.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseSync } from 'rolldown/utils';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers.js';
import { PACKAGE_ROOT, SCHEMAS_DIR, TEMPLATES_DIR } from '../src/assets/paths.js';

const SRC = path.join(ROOT, 'src');

/** Layer → the layers it may import (besides itself). */
export const ALLOWED: Record<string, string[]> = {
  cli: ['commands', 'demo', 'output', 'pdf', 'store', 'assets', 'domain'],
  demo: ['commands', 'output', 'pdf', 'store', 'assets', 'domain'],
  commands: ['output', 'pdf', 'store', 'assets', 'domain'],
  pdf: ['output', 'store', 'assets', 'domain'],
  output: ['assets', 'domain'],
  store: ['assets', 'domain'],
  assets: ['domain'],
  domain: [],
};

/** Layers that compute only: records and options in, values out. */
const PURE = new Set(['domain', 'output']);
const SIDE_EFFECTS = /^(node:)?(fs|fs\/promises|child_process|worker_threads|os|crypto|net|http|https|http2|dgram|cluster|readline|process)$/;
const IMPURE_GLOBALS: [RegExp, string][] = [
  [/\bprocess\.env\b/, 'process.env'],
  [/\bDate\.now\(\)/, 'Date.now()'],
  [/\bnew Date\(\)/, 'new Date()'],
];

export interface SourceFile {
  /** Path relative to src/, forward slashes. */
  file: string;
  text: string;
}

export interface Violation {
  file: string;
  message: string;
}

function layerOf(file: string): string {
  return file.split('/')[0]!;
}

/** The module specifiers a file imports (static, re-exports, type-only and dynamic with a literal). */
export function importsOf(text: string): string[] {
  const { module, errors } = parseSync('file.ts', text, { lang: 'ts' });
  if (errors.length) throw new Error(`cannot read the imports: ${errors.map((e) => e.message).join('; ')}`);
  const found: { at: number; spec: string }[] = [
    ...module.staticImports.map((i) => ({ at: i.start, spec: i.moduleRequest.value })),
    ...module.staticExports.flatMap((e) => e.entries.flatMap((x) => (x.moduleRequest ? [{ at: e.start, spec: x.moduleRequest.value }] : []))),
    ...module.dynamicImports.flatMap((d) => {
      const literal = /^(['"])(.*)\1$/s.exec(text.slice(d.moduleRequest.start, d.moduleRequest.end));
      return literal ? [{ at: d.start, spec: literal[2]! }] : [];
    }),
    // require('…') of createRequire, and import('…') in a type (`typeof import('ajv')`): not in the module record.
    ...[...text.matchAll(/\b(?:require|import)\(\s*(['"])([^'"\n]+)\1\s*\)/g)].map((m) => ({ at: m.index, spec: m[2]! })),
  ];
  // Each once, in the order they are written.
  return [...new Set(found.sort((a, b) => a.at - b.at).map((f) => f.spec))];
}

/** Resolves a relative specifier of `from` to a src-relative .ts path. */
function resolve(from: string, spec: string): string {
  return path.posix.normalize(path.posix.join(path.posix.dirname(from), spec)).replace(/\.js$/, '.ts');
}

/** Every import that breaks the layer rule, and every impure import or global in a pure layer. */
export function layerViolations(files: SourceFile[]): Violation[] {
  const out: Violation[] = [];
  for (const { file, text } of files) {
    const layer = layerOf(file);
    const allowed = ALLOWED[layer];
    if (!allowed) {
      out.push({ file, message: `is in no layer (${layer}/ is not one of ${Object.keys(ALLOWED).join(', ')})` });
      continue;
    }
    for (const spec of importsOf(text)) {
      if (spec.startsWith('.')) {
        const target = layerOf(resolve(file, spec));
        if (target !== layer && !allowed.includes(target)) out.push({ file, message: `imports ${spec}: ${layer}/ may not depend on ${target}/` });
      } else if (PURE.has(layer) && SIDE_EFFECTS.test(spec)) {
        out.push({ file, message: `imports ${spec}: ${layer}/ is pure` });
      }
    }
    if (PURE.has(layer)) {
      for (const [re, what] of IMPURE_GLOBALS) if (re.test(text)) out.push({ file, message: `uses ${what}: ${layer}/ is pure` });
    }
  }
  return out;
}

/** Import cycles between modules, each as the files on it (first repeated at the end). */
export function importCycles(files: SourceFile[]): string[][] {
  const graph = new Map<string, string[]>();
  for (const { file, text } of files) {
    graph.set(file, importsOf(text).filter((s) => s.startsWith('.')).map((s) => resolve(file, s)));
  }
  // Tarjan's strongly connected components: every component of more than one module, or a module importing itself, is a cycle.
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    for (let w = stack.pop()!; ; w = stack.pop()!) {
      onStack.delete(w);
      component.push(w);
      if (w === v) break;
    }
    if (component.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(pathThrough(graph, new Set(component), v));
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return cycles.sort((a, b) => a[0]!.localeCompare(b[0]!));
}

/** One concrete cycle through `start` inside a strongly connected component (breadth-first, shortest). */
function pathThrough(graph: Map<string, string[]>, component: Set<string>, start: string): string[] {
  const prev = new Map<string, string>();
  const queue = [start];
  while (queue.length) {
    const v = queue.shift()!;
    for (const w of graph.get(v) ?? []) {
      if (!component.has(w)) continue;
      if (w === start) {
        const cycle = [start];
        for (let x = v; x !== start; x = prev.get(x)!) cycle.splice(1, 0, x);
        return [...cycle, start];
      }
      if (!prev.has(w)) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}

function sources(): SourceFile[] {
  const out: SourceFile[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.name.endsWith('.ts')) out.push({ file: path.relative(SRC, full).split(path.sep).join('/'), text: fs.readFileSync(full, 'utf8') });
    }
  };
  walk(SRC);
  return out.sort((a, b) => a.file.localeCompare(b.file));
}

describe('the dependency rule', () => {
  it('catches what it is meant to catch (a synthetic tree that breaks every rule)', () => {
    const bad: SourceFile[] = [
      { file: 'domain/ledger.ts', text: "import fs from 'node:fs';\nimport { loadRepository } from '../store/repo.js';\nexport const t = process.env.DJYC_TODAY;" },
      { file: 'output/table.ts', text: "import { execFileSync } from 'node:child_process';\nexport const w = () => import('../commands/run.js');" },
      { file: 'store/repo.ts', text: "export type { Row } from '../output/table.js';\nimport type { Browser } from '../pdf/browser.js';\nexport type R = typeof import('../cli/main.js');\nconst m = require('../demo/run.js');" },
      { file: 'core/util.ts', text: '' },
      { file: 'commands/a.ts', text: "import { b } from './b.js';\nimport { x } from '../domain/x.js';" },
      { file: 'commands/b.ts', text: "import { c } from './c.js';" },
      { file: 'commands/c.ts', text: "import { a } from './a.js';" },
      { file: 'domain/x.ts', text: "import { y } from './x.js';" },
    ];
    const found = layerViolations(bad).map((v) => `${v.file}: ${v.message}`);
    expect(found).toEqual([
      'domain/ledger.ts: imports node:fs: domain/ is pure',
      'domain/ledger.ts: imports ../store/repo.js: domain/ may not depend on store/',
      'domain/ledger.ts: uses process.env: domain/ is pure',
      'output/table.ts: imports node:child_process: output/ is pure',
      'output/table.ts: imports ../commands/run.js: output/ may not depend on commands/',
      'store/repo.ts: imports ../output/table.js: store/ may not depend on output/',
      'store/repo.ts: imports ../pdf/browser.js: store/ may not depend on pdf/',
      'store/repo.ts: imports ../cli/main.js: store/ may not depend on cli/',
      'store/repo.ts: imports ../demo/run.js: store/ may not depend on demo/',
      'core/util.ts: is in no layer (core/ is not one of cli, demo, commands, pdf, output, store, assets, domain)',
    ]);
    expect(importCycles(bad)).toEqual([
      ['commands/a.ts', 'commands/b.ts', 'commands/c.ts', 'commands/a.ts'],
      ['domain/x.ts', 'domain/x.ts'],
    ]);
  });

  it('holds for every file of src/', () => {
    const files = sources();
    expect(files.length).toBeGreaterThan(50);
    expect(layerViolations(files).map((v) => `${v.file}: ${v.message}`)).toEqual([]);
  });

  it('has no import cycle in src/', () => {
    expect(importCycles(sources()).map((c) => c.join(' → '))).toEqual([]);
  });
});

describe('the published package', () => {
  it('lists in `files` every folder djyc reads at run time, and only what exists', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { files: string[]; bin: Record<string, string> };
    for (const f of pkg.files) expect(fs.existsSync(path.join(ROOT, f)), `package.json files: ${f}`).toBe(true);
    const needed = [SCHEMAS_DIR, TEMPLATES_DIR, path.join(PACKAGE_ROOT, 'dist'), ...Object.values(pkg.bin).map((b) => path.join(PACKAGE_ROOT, b))];
    for (const dir of needed) expect(pkg.files).toContain(path.relative(PACKAGE_ROOT, dir).split(path.sep)[0]);
  });
});
