// Builds dist/ from src/ once before any test runs: the cli tier spawns bin/djyc (which runs dist/) and djyc()
// runs dist/ in a thread of each test worker, so a stale build must never be what they test. Compiled files
// whose source is gone (moved or deleted) are removed first; type errors stop the run.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function pruneOrphans(dir: string): void {
  if (!fs.existsSync(dir)) return;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      pruneOrphans(p);
      if (!fs.readdirSync(p).length) fs.rmdirSync(p);
    } else if (e.name.endsWith('.js')) {
      const source = path.join(ROOT, 'src', path.relative(path.join(ROOT, 'dist'), p)).replace(/\.js$/, '.ts');
      if (!fs.existsSync(source)) fs.rmSync(p);
    }
  }
}

export default function setup(): void {
  pruneOrphans(path.join(ROOT, 'dist'));
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  try {
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    throw new Error(`the build (tsc -p tsconfig.json) failed, so no test runs:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}
