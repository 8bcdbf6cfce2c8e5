#!/usr/bin/env node
// A third shape of city for `node scripts/bench/run.mjs --repo`: a copy of a city (e.g. the offices city in
// .bench-cache/) whose prose records — projects, tasks, reports, closures — carry three times the prose and are
// written again by other writers than the generators': the `yaml` package (line width 100, or every string double-
// quoted) and js-yaml 3 (`safeDump`, line width 90; quoted dates), in turn. The other records keep their bytes. The
// copy is committed on `main` (git's automatic gc off, as in the generated cities).
//
//   node scripts/bench/restyle.mjs <city repository> <new dir>
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { configureRepo, GIT_ENV } from './gen-offices.mjs';

const require = createRequire(import.meta.url);
// js-yaml 3 comes with ajv-cli (a development dependency), as scripts/bench/ajv-yaml12.cjs takes it.
const jsyaml = require(require.resolve('js-yaml', { paths: [path.dirname(require.resolve('ajv-cli/package.json'))] }));

const PROSE_KINDS = ['projects', 'tasks', 'reports', 'closures'];
const WRITERS = [
  (data) => YAML.stringify(data, { lineWidth: 100 }),
  (data) => jsyaml.safeDump(data, { lineWidth: 90 }),
  (data) => YAML.stringify(data, { defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN', lineWidth: 100 }),
];

/** Strings of more than 80 characters (prose) three times over, as three paragraphs. */
function moreProse(value) {
  if (typeof value === 'string') return value.length > 80 ? [value, value, value].join('\n\n') : value;
  if (Array.isArray(value)) return value.map(moreProse);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, moreProse(v)]));
  return value;
}

export function restyle(source, dir) {
  execFileSync('git', ['clone', '-q', source, dir], { stdio: 'ignore' });
  execFileSync('git', ['checkout', '-q', '-B', 'main'], { cwd: dir, stdio: 'ignore' });
  configureRepo(dir);
  let n = 0;
  for (const kind of PROSE_KINDS) {
    const folder = path.join(dir, 'records', kind);
    if (!fs.existsSync(folder)) continue;
    for (const name of fs.readdirSync(folder).sort()) {
      if (!name.endsWith('.yaml')) continue;
      const file = path.join(folder, name);
      const data = YAML.parse(fs.readFileSync(file, 'utf8').replace(/^\ufeff/, ''));
      fs.writeFileSync(file, WRITERS[n++ % WRITERS.length](moreProse(data)));
    }
  }
  const git = (args) => execFileSync('git', args, { cwd: dir, stdio: 'ignore', env: { ...process.env, ...GIT_ENV } });
  git(['add', '--', 'records']);
  git(['commit', '-q', '-m', 'bench: prose records three times as long, written by yaml and js-yaml']);
  return { rewritten: n };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [source, dir] = process.argv.slice(2);
  if (!source || !dir) {
    process.stderr.write('usage: node scripts/bench/restyle.mjs <city repository> <new dir>\n');
    process.exit(2);
  }
  if (fs.existsSync(dir) && fs.readdirSync(dir).length) {
    process.stderr.write(`${dir} is not empty\n`);
    process.exit(2);
  }
  const t0 = Date.now();
  const info = restyle(path.resolve(source), path.resolve(dir));
  process.stdout.write(`${JSON.stringify({ ...info, seconds: (Date.now() - t0) / 1000 })}\n`);
}
