#!/usr/bin/env node
// Checks that ajv-cli and djyc validate the same data: every record file of a repository read by js-yaml 3 with
// the YAML 1.2 core schema (what scripts/bench/ajv-yaml12.cjs makes ajv-cli do) and by djyc's own parser must give
// equal values. A generator whose text the two read differently would make the comparison meaningless.
//
//   npx tsc -p tsconfig.json && node scripts/bench/same-data.mjs .bench-cache/offices-v2-scale-1/repo
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const PKG = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const jsyaml = createRequire(path.join(PKG, 'node_modules', 'ajv-cli', 'package.json'))('js-yaml');
const { parseRecordText, decodeUtf8 } = await import(pathToFileURL(path.join(PKG, 'dist/store/yaml.js')).href);
const root = process.argv[2];
if (!root || !fs.existsSync(path.join(root, 'records'))) {
  console.error('usage: node scripts/bench/same-data.mjs <records repository>');
  process.exit(2);
}
let files = 0;
const differ = [];
for (const dir of fs.readdirSync(path.join(root, 'records')).sort()) {
  for (const f of fs.readdirSync(path.join(root, 'records', dir)).sort()) {
    if (!f.endsWith('.yaml')) continue;
    const rel = `records/${dir}/${f}`;
    const bytes = fs.readFileSync(path.join(root, rel));
    const text = decodeUtf8(bytes);
    files++;
    let a;
    try {
      a = jsyaml.safeLoad(bytes.toString('utf8'), { schema: jsyaml.CORE_SCHEMA });
    } catch (err) {
      differ.push(`${rel}: js-yaml: ${err.message.split('\n')[0]}`);
      continue;
    }
    const b = text === null ? { ok: false } : parseRecordText(rel, text);
    if (!b.ok) differ.push(`${rel}: djyc cannot parse it`);
    else if (JSON.stringify(a) !== JSON.stringify(b.parsed.data)) differ.push(`${rel}: different values`);
  }
}
console.log(`${files} files, ${differ.length} read differently`);
for (const d of differ.slice(0, 20)) console.log(`  ${d}`);
process.exit(differ.length ? 1 : 0);
