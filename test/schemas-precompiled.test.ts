/**
 * The build precompiles the records' schemas (scripts/gen-validators.mjs → dist/store/schema-validators.generated.cjs)
 * so that no run loads ajv and compiles them. The precompiled validators must report exactly what compiling the
 * schemas reports — the same ajv errors, hence the same issues — on valid and invalid records of every kind, and
 * must be ignored when the schema files are not those they were generated from.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ValidateFunction } from 'ajv';
import { ROOT } from './helpers.js';
import { listRecordFiles } from '../src/store/repo.js';
import { parseRecordText } from '../src/store/yaml.js';
import { parse as parseYaml } from 'yaml';
import { FORMS_DIR, LAYOUT_VALIDATOR_FILE, createLayoutAjv, layoutSchemaText, layoutValidator, listTemplates } from '../src/assets/templates.js';
import { checkSchema, compileValidator, precompiledValidators, schemaNames, schemasHash, PRECOMPILED_FILE, type SchemaName } from '../src/store/schemas.js';

type Name = Exclude<SchemaName, 'common'>;
const DIST_STORE = path.join(ROOT, 'dist', 'store');

function parsed(root: string, file: string): unknown {
  const r = parseRecordText(file, fs.readFileSync(path.join(root, file), 'utf8'));
  if (!r.ok) throw new Error(`${file} does not parse`);
  return r.parsed.data;
}

/** Valid records of every kind: two of each kind from the examples (read as djyc reads them), and their configurations. */
function validRecords(): { name: Name; data: unknown }[] {
  const out: { name: Name; data: unknown }[] = [];
  const perKind = new Map<Name, number>();
  for (const example of fs.readdirSync(path.join(ROOT, 'examples'))) {
    const root = path.join(ROOT, 'examples', example);
    if (!fs.existsSync(path.join(root, 'djyc.yaml'))) continue;
    out.push({ name: 'config', data: parsed(root, 'djyc.yaml') });
    for (const { kind, file } of listRecordFiles(root)) {
      const n = perKind.get(kind) ?? 0;
      if (n >= 2) continue;
      perKind.set(kind, n + 1);
      out.push({ name: kind, data: parsed(root, file) });
    }
  }
  return out;
}

/** Ways to break a record: every top-level field deleted, given a wrong type, emptied, given a bad date; a stray key. */
function mutants(data: unknown): unknown[] {
  const base = data as Record<string, unknown>;
  const out: unknown[] = [{ ...base, zz_unknown: 1 }, {}, [], 'text'];
  for (const key of Object.keys(base)) {
    const { [key]: _dropped, ...rest } = base;
    out.push(rest);
    for (const bad of [12345, '', '2023-02-29', 'NOT A VALUE', [], [{ zz: 1 }], { zz: 1 }, null, true, -1]) out.push({ ...base, [key]: bad });
    const value = base[key];
    if (Array.isArray(value) && value.length && value[0] && typeof value[0] === 'object') {
      // One level down: the first item of a list of mappings broken the same ways.
      const item = value[0] as Record<string, unknown>;
      for (const k of Object.keys(item)) {
        for (const bad of [12345, '2023-02-29']) out.push({ ...base, [key]: [{ ...item, [k]: bad }, ...value.slice(1)] });
      }
    }
  }
  return out;
}

const errorsOf = (validate: ValidateFunction, data: unknown) => {
  validate(data);
  return (validate.errors ?? []).map((e) => ({ keyword: e.keyword, instancePath: e.instancePath, schemaPath: e.schemaPath, params: e.params, message: e.message, data: e.data }));
};

describe('precompiled schema validators', () => {
  const precompiled = precompiledValidators(DIST_STORE);

  it('the build wrote them from the package schemas, one per kind', () => {
    expect(precompiled).not.toBeNull();
    expect(precompiled!.SCHEMAS_HASH).toBe(schemasHash());
    for (const name of schemaNames().filter((n) => n !== 'common')) expect(typeof precompiled![name]).toBe('function');
  });

  it('give the same errors and issues as compiled schemas on valid and invalid records of every kind', () => {
    const records = validRecords();
    const kinds = new Set(records.map((r) => r.name));
    // Every kind the schemas define is exercised.
    expect([...kinds].sort()).toEqual(schemaNames().filter((n) => n !== 'common').sort());
    const compiled = new Map<Name, ValidateFunction>();
    const keywords = new Set<string>();
    const fastSeen: string[] = [];
    const slowSeen: string[] = [];
    let invalid = 0;
    let compared = 0;
    for (const { name, data } of records) {
      const fast = precompiled![name] as ValidateFunction;
      const slow = compiled.get(name) ?? compiled.set(name, compileValidator(name)).get(name)!;
      expect(checkSchema(name, data, fast)).toEqual([]);
      expect(checkSchema(name, data, slow)).toEqual([]);
      for (const bad of mutants(data)) {
        const errors = errorsOf(fast, bad);
        // Compared as text: one deep comparison per mutant would be most of the test's time.
        fastSeen.push(JSON.stringify([name, errors, checkSchema(name, bad, fast)]));
        slowSeen.push(JSON.stringify([name, errorsOf(slow, bad), checkSchema(name, bad, slow)]));
        if (errors.length) invalid++;
        for (const e of errors) keywords.add(e.keyword);
        compared++;
      }
    }
    for (let i = 0; i < fastSeen.length; i++) if (fastSeen[i] !== slowSeen[i]) expect(fastSeen[i]).toBe(slowSeen[i]);
    expect(compared).toBeGreaterThan(500);
    expect(invalid).toBeGreaterThan(compared / 2);
    // The mutants reach the keywords issues are made of (schemas.ts toIssue), the date format included.
    for (const k of ['additionalProperties', 'required', 'type', 'enum', 'pattern', 'format', 'minLength']) expect(keywords).toContain(k);
  });

  it('are ignored when the schema files differ from those they were generated from', () => {
    // A copy beside the real one (so that it finds ajv's run-time helpers), claiming other schema files.
    const dir = fs.mkdtempSync(path.join(DIST_STORE, '..', '.precompiled-test-'));
    try {
      const text = fs.readFileSync(path.join(DIST_STORE, PRECOMPILED_FILE), 'utf8');
      fs.writeFileSync(path.join(dir, PRECOMPILED_FILE), text);
      expect(precompiledValidators(dir)).not.toBeNull();
      const stale = fs.mkdtempSync(path.join(DIST_STORE, '..', '.precompiled-test-'));
      try {
        fs.writeFileSync(path.join(stale, PRECOMPILED_FILE), text.replace(/exports\.SCHEMAS_HASH = "[0-9a-f]+"/, 'exports.SCHEMAS_HASH = "0000"'));
        expect(precompiledValidators(stale)).toBeNull();
      } finally {
        fs.rmSync(stale, { recursive: true, force: true });
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the forms\' layout schema too: the same errors on every shipped layout and on broken ones; a stale one is ignored', () => {
    const DIST_ASSETS = path.join(ROOT, 'dist', 'assets');
    const fast = layoutValidator({ dir: DIST_ASSETS, compile: false });
    expect(fast).toBeDefined();
    const slow = createLayoutAjv().compile(JSON.parse(layoutSchemaText()) as object);
    const seen: [string, string][] = [];
    let invalid = 0;
    for (const name of listTemplates()) {
      const layout = parseYaml(fs.readFileSync(path.join(FORMS_DIR, `${name}.yaml`), 'utf8')) as Record<string, unknown>;
      expect(fast!(layout)).toBe(true);
      for (const bad of mutants(layout)) {
        const errors = errorsOf(fast!, bad);
        if (errors.length) invalid++;
        seen.push([JSON.stringify(errors), JSON.stringify(errorsOf(slow, bad))]);
      }
    }
    for (const [a, b] of seen) if (a !== b) expect(a).toBe(b);
    expect(invalid).toBeGreaterThan(seen.length / 2);
    const stale = fs.mkdtempSync(path.join(DIST_ASSETS, '..', '.precompiled-test-'));
    try {
      const text = fs.readFileSync(path.join(DIST_ASSETS, LAYOUT_VALIDATOR_FILE), 'utf8');
      fs.writeFileSync(path.join(stale, LAYOUT_VALIDATOR_FILE), text.replace(/exports\.LAYOUT_SCHEMA_HASH = "[0-9a-f]+"/, 'exports.LAYOUT_SCHEMA_HASH = "0000"'));
      expect(layoutValidator({ dir: stale, compile: false })).toBeUndefined();
      // The same copy with the true digest is used (so the one above was refused for its digest alone).
      fs.mkdirSync(path.join(stale, 'good'));
      fs.writeFileSync(path.join(stale, 'good', LAYOUT_VALIDATOR_FILE), text);
      expect(layoutValidator({ dir: path.join(stale, 'good'), compile: false })).toBeDefined();
    } finally {
      fs.rmSync(stale, { recursive: true, force: true });
    }
  });
});
