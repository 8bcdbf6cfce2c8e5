// Builds dist/ from src/ before any test runs: the cli tier spawns bin/djyc (which runs dist/) and djyc() runs
// dist/ in a thread of each test worker, so a stale build must never be what they test. The build is skipped
// only when a stamp written after the last build matches both what it was built from (every file of src/,
// tsconfig.json, the compiler's version) and what it wrote (every file of dist/). Compiled files whose source is
// gone are removed; type errors stop the run.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SRC = path.join(ROOT, 'src');
const DIST = path.join(ROOT, 'dist');
// Kept out of dist/, which is published.
const STAMP = path.join(ROOT, 'node_modules', '.cache', 'djyc-test-build-stamp');

function files(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

function digest(list: string[]): string {
  const h = crypto.createHash('sha256');
  for (const f of list) h.update(`${path.relative(ROOT, f)}\0`).update(fs.readFileSync(f)).update('\0');
  return h.digest('hex');
}

const inputs = () => `${digest([...files(SRC), ...files(path.join(ROOT, 'schemas')), path.join(ROOT, 'scripts/gen-validators.mjs'), path.join(ROOT, 'tsconfig.json'), path.join(ROOT, 'node_modules/typescript/package.json')])}`;
const outputs = () => digest(files(DIST));

function pruneOrphans(): void {
  for (const f of files(DIST)) {
    if (f.endsWith('.js') && !fs.existsSync(path.join(SRC, path.relative(DIST, f)).replace(/\.js$/, '.ts'))) fs.rmSync(f);
  }
}

export default function setup(): void {
  const stamp = fs.existsSync(STAMP) ? fs.readFileSync(STAMP, 'utf8') : '';
  if (stamp === `${inputs()} ${outputs()}`) return;
  fs.rmSync(STAMP, { force: true });
  pruneOrphans();
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  try {
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    throw new Error(`the build (tsc -p tsconfig.json) failed, so no test runs:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
  // The rest of `npm run build`: the precompiled schema validators (scripts/gen-validators.mjs).
  try {
    execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'gen-validators.mjs')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    throw new Error(`the build (node scripts/gen-validators.mjs) failed, so no test runs:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
  fs.mkdirSync(path.dirname(STAMP), { recursive: true });
  fs.writeFileSync(STAMP, `${inputs()} ${outputs()}`);
}
