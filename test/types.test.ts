import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';
import { ROOT } from './helpers.js';
import { checkSchema } from '../src/store/schemas.js';
import { parseRecordText } from '../src/store/yaml.js';

const PRESETS = path.join(ROOT, 'templates', 'programmes');
const presets = fs.readdirSync(PRESETS).filter((f) => f.endsWith('.yaml')).sort();

describe('generated types', () => {
  it('src/domain/types.generated.ts matches the schemas (gen-types --check)', () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/gen-types.mjs'), '--check'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stderr + r.stdout).not.toMatch(/stale|differ/i);
    expect(r.status).toBe(0);
  });

  it('--check fails when the generated file is stale (the check can fail)', () => {
    // Run the generator against a copy of the package where one schema gained a property.
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'djyc-types-'));
    try {
      fs.cpSync(path.join(ROOT, 'schemas'), path.join(tmp, 'schemas'), { recursive: true });
      fs.mkdirSync(path.join(tmp, 'scripts'));
      fs.mkdirSync(path.join(tmp, 'src/domain'), { recursive: true });
      fs.copyFileSync(path.join(ROOT, 'scripts/gen-types.mjs'), path.join(tmp, 'scripts/gen-types.mjs'));
      fs.copyFileSync(path.join(ROOT, 'src/domain/types.generated.ts'), path.join(tmp, 'src/domain/types.generated.ts'));
      const file = path.join(tmp, 'schemas/member.schema.json');
      const schema = JSON.parse(fs.readFileSync(file, 'utf8'));
      schema.properties.nickname = { type: 'string', title: '昵称', description: '测试用' };
      fs.writeFileSync(file, JSON.stringify(schema, null, 2));
      const r = spawnSync(process.execPath, [path.join(tmp, 'scripts/gen-types.mjs'), '--check'], { cwd: tmp, encoding: 'utf8' });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('stale');
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe('programme presets', () => {
  it('there are the five presets of the seeds', () => {
    expect(presets).toEqual(['brand-plan.yaml', 'dangjian-plus.yaml', 'shuangling.yaml', 'shuji.yaml', 'zutuan.yaml']);
  });

  // An independent ajv (not djyc's loader) so the schemas themselves are what is tested.
  const ajv = new Ajv({ allErrors: true, strict: true });
  (addFormatsModule as unknown as (a: Ajv, o: unknown) => void)(ajv, { mode: 'full', formats: ['date'] });
  ajv.addKeyword({ keyword: 'x-ref', schemaType: 'string' });
  const load = (n: string) => JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas', `${n}.schema.json`), 'utf8'));
  ajv.addSchema(load('common'));
  const validateProgramme = ajv.compile(load('programme'));

  for (const file of presets) {
    it(`${file} validates against schemas/programme.schema.json`, () => {
      const text = fs.readFileSync(path.join(PRESETS, file), 'utf8');
      const parsed = parseRecordText(file, text);
      expect(parsed.ok ? [] : parsed.problems).toEqual([]);
      const data = parse(text, { version: '1.2', schema: 'core' });
      const ok = validateProgramme(data);
      expect(ok ? [] : validateProgramme.errors).toEqual([]);
      expect(checkSchema('programme', data)).toEqual([]);
      expect(data.preset).toBe(file.replace(/\.yaml$/, ''));
    });
  }

  it('a preset with a typo fails the schema (the check can fail)', () => {
    const data = parse(fs.readFileSync(path.join(PRESETS, 'zutuan.yaml'), 'utf8'));
    data.project.stages[0].requries = ['has-lead'];
    expect(validateProgramme(data)).toBe(false);
    expect(checkSchema('programme', data).map((i) => i.rule)).toContain('schema-unknown-key');
  });
});
