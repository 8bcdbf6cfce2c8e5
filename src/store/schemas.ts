import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Ajv, ErrorObject, Options, ValidateFunction } from 'ajv';
import { SCHEMAS_DIR } from '../assets/paths.js';
import { writeAtomic } from './files.js';
import type { Kind } from '../domain/kinds.js';
import { T, type MessageKey, type Text } from '../domain/i18n.js';

export type SchemaName = Kind | 'config' | 'common';
type JsonSchema = Record<string, any>;

// ajv and ajv-formats are CommonJS: loaded only when a schema must be compiled (a stale or missing precompiled
// module, see scripts/gen-validators.mjs), since loading and compiling them is most of a small command's start.
const require = createRequire(import.meta.url);

/** Written by scripts/gen-validators.mjs next to the compiled schemas.js: every kind's validator, precompiled. */
export const PRECOMPILED_FILE = 'schema-validators.generated.cjs';

/** A schema violation, not yet positioned: a JSON Pointer into the record plus a message key and params. */
export interface SchemaIssue {
  pointer: string;
  at: 'key' | 'value';
  rule: MessageKey;
  params: Record<string, string | number>;
}

let ajv: Ajv | undefined;
const schemas = new Map<string, JsonSchema>();
const validators = new Map<string, ValidateFunction>();

export function loadSchema(name: SchemaName): JsonSchema {
  let schema = schemas.get(name);
  if (!schema) {
    schema = JSON.parse(fs.readFileSync(path.join(SCHEMAS_DIR, `${name}.schema.json`), 'utf8')) as JsonSchema;
    schemas.set(name, schema);
  }
  return schema;
}

/** The names of the package's schemas (every schemas/<name>.schema.json), `common` included. */
export function schemaNames(): string[] {
  return fs.readdirSync(SCHEMAS_DIR).filter((f) => f.endsWith('.schema.json')).map((f) => f.slice(0, -'.schema.json'.length)).sort();
}

/** A digest of every schema file: the precompiled validators are used only when built from these very files. */
export function schemasHash(): string {
  const h = crypto.createHash('sha256');
  for (const name of schemaNames()) h.update(`${name}\0`).update(fs.readFileSync(path.join(SCHEMAS_DIR, `${name}.schema.json`))).update('\0');
  return h.digest('hex');
}

/**
 * The one ajv configuration of the records' schemas, shared by the run-time compiler and the build-time generator
 * (which passes `code` options): every problem (allErrors), typos in our schemas fail loudly (strict), errors keep
 * the failing value (verbose); full-mode dates; `x-ref` only marks references (collectRefs reads it). The base
 * checks pass a base version's own common definitions, without strictness (older schemas are read as they are).
 */
export function createAjv(extra: Options = {}, common: object = loadSchema('common')): Ajv {
  const { Ajv: AjvClass } = require('ajv') as typeof import('ajv');
  const addFormats = require('ajv-formats') as (ajv: Ajv, opts?: unknown) => Ajv;
  const instance = new AjvClass({ allErrors: true, strict: true, verbose: true, $data: false, ...extra });
  addFormats(instance, { mode: 'full', formats: ['date'] });
  instance.addKeyword({ keyword: 'x-ref', schemaType: 'string' });
  instance.addSchema(common);
  return instance;
}

function getAjv(): Ajv {
  return (ajv ??= createAjv());
}

type PrecompiledModule = { SCHEMAS_HASH?: string } & Record<string, ValidateFunction | string | undefined>;
let precompiledModule: PrecompiledModule | null | undefined;

/**
 * The build's precompiled validators (from a folder, default this module's), or null when there are none or they
 * were generated from other schema files than the package's (a stale build): then the schemas are compiled.
 */
export function precompiledValidators(dir?: string): PrecompiledModule | null {
  if (!dir && precompiledModule !== undefined) return precompiledModule;
  let mod: PrecompiledModule | undefined;
  try {
    mod = require(dir ? path.join(dir, PRECOMPILED_FILE) : `./${PRECOMPILED_FILE}`) as PrecompiledModule;
  } catch {
    mod = undefined; // running from src/ (tests) or an unbuilt checkout
  }
  const found = mod && mod.SCHEMAS_HASH === schemasHash() ? mod : null;
  if (!dir) precompiledModule = found;
  return found;
}

/** Compiles a kind's schema now (what the precompiled module holds; the tests compare the two). */
export function compileValidator(name: Exclude<SchemaName, 'common'>): ValidateFunction {
  return getAjv().compile(loadSchema(name));
}

export function validatorFor(name: Exclude<SchemaName, 'common'>): ValidateFunction {
  let v = validators.get(name);
  if (!v) {
    const ready = precompiledValidators()?.[name];
    v = typeof ready === 'function' ? ready : compileValidator(name);
    validators.set(name, v);
  }
  return v;
}

/** Validates data against a kind's schema and turns ajv's errors into positioned-later issues. */
export function checkSchema(name: Exclude<SchemaName, 'common'>, data: unknown, validate: ValidateFunction = validatorFor(name)): SchemaIssue[] {
  if (validate(data)) return [];
  currentSchema = loadSchema(name);
  // An `if` error only says the taken branch failed; that branch's own errors say where and why.
  return dedupe((validate.errors ?? []).filter((e) => e.keyword !== 'if').map(toIssue));
}

function dedupe(issues: SchemaIssue[]): SchemaIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.pointer}|${i.rule}|${JSON.stringify(i.params)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const TYPE_NAMES: Record<string, Text> = {
  string: T('文本（数字请加引号）', 'text (quote numbers)'),
  integer: T('整数', 'an integer'),
  number: T('数字', 'a number'),
  boolean: T('true 或 false', 'true or false'),
  array: T('列表', 'a list'),
  object: T('键值映射', 'a mapping'),
};

const PATTERN_HINTS: Record<string, Text> = {
  '^[a-z0-9][a-z0-9-]{0,62}[a-z0-9]$': T('（编号只能由小写字母、数字和连字符组成）', ' (ids use lowercase letters, digits and hyphens)'),
  '^[0-9]{4}Q[1-4]$': T('（季度格式如 2020Q3）', ' (quarters look like 2020Q3)'),
  '^[0-9][0-9 -]{4,19}$': T('（电话号码只能包含数字）', ' (phone numbers contain digits only)'),
  '^[01][0-9]-[0-3][0-9]$': T('（格式 MM-DD）', ' (format MM-DD)'),
  '^[a-z][a-z0-9-]*$': T('（小写字母、数字和连字符）', ' (lowercase letters, digits and hyphens)'),
};

function lastSegment(pointer: string): string {
  const seg = pointer.split('/').pop() ?? '';
  return seg.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** The `title` the kind's schema gives the property at a pointer (walking properties and items). */
function titleAt(root: JsonSchema, pointer: string): string | undefined {
  let s: JsonSchema | undefined = root;
  let title: string | undefined;
  for (const seg of pointer.split('/').slice(1)) {
    if (!s) return undefined;
    s = resolveRef(branch(resolveRef(s), /^\d+$/.test(seg) ? [] : {}));
    if (/^\d+$/.test(seg) && s.items) s = s.items as JsonSchema;
    else s = (s.properties as Record<string, JsonSchema> | undefined)?.[seg.replace(/~1/g, '/').replace(/~0/g, '~')];
    title = typeof s?.title === 'string' ? s.title : undefined;
  }
  return title;
}

let currentSchema: JsonSchema = {};

function fieldParams(e: ErrorObject): Record<string, string> {
  const name = lastSegment(e.instancePath);
  const label = /^\d+$/.test(name) ? `${lastSegment(e.instancePath.replace(/\/[^/]*$/, ''))}[${Number(name) + 1}]` : name;
  const title = titleAt(currentSchema, e.instancePath);
  return { field_zh: title && title !== label ? `${title}（${label}）` : label || '记录', field_en: label || 'record' };
}

function toIssue(e: ErrorObject): SchemaIssue {
  const pointer = e.instancePath;
  const p = e.params as Record<string, any>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(p.additionalProperty);
      return { pointer: `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`, at: 'key', rule: 'schema-unknown-key', params: { key } };
    }
    case 'required':
      return { pointer, at: pointer ? 'key' : 'value', rule: 'schema-missing-key', params: { key: String(p.missingProperty) } };
    case 'type': {
      const t = TYPE_NAMES[String(p.type)] ?? T(String(p.type), String(p.type));
      return { pointer, at: 'value', rule: 'schema-type', params: { ...fieldParams(e), type_zh: t.zh, type_en: t.en } };
    }
    case 'enum':
      return { pointer, at: 'value', rule: 'schema-enum', params: { ...fieldParams(e), allowed: (p.allowedValues as unknown[]).join(' / ') } };
    case 'pattern': {
      const h = PATTERN_HINTS[String(p.pattern)] ?? T('', '');
      return { pointer, at: 'value', rule: 'schema-pattern', params: { ...fieldParams(e), hint_zh: h.zh, hint_en: h.en } };
    }
    case 'format':
      return { pointer, at: 'value', rule: 'schema-format', params: { ...fieldParams(e), format_zh: p.format === 'date' ? '日期（YYYY-MM-DD）' : String(p.format), format_en: p.format === 'date' ? 'date (YYYY-MM-DD)' : String(p.format) } };
    case 'minLength':
      return { pointer, at: 'value', rule: 'schema-min-length', params: fieldParams(e) };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { pointer, at: 'value', rule: 'schema-range', params: { ...fieldParams(e), detail: `${p.comparison} ${p.limit}` } };
    case 'minItems':
    case 'maxItems':
      return { pointer, at: 'value', rule: 'schema-items', params: { ...fieldParams(e), detail: `${e.keyword === 'minItems' ? '≥' : '≤'} ${p.limit}` } };
    case 'uniqueItems':
      return { pointer: `${pointer}/${p.i}`, at: 'value', rule: 'schema-unique', params: fieldParams(e) };
    default:
      return { pointer, at: 'value', rule: 'schema-other', params: { ...fieldParams(e), detail: e.keyword } };
  }
}

/** A reference found in a record: the pointer of the value, the kinds it may name, and the id it names. */
export interface RefUse {
  pointer: string;
  kinds: Kind[];
  id: string;
}

function resolveRef(schema: JsonSchema): JsonSchema {
  const ref = schema.$ref as string | undefined;
  if (!ref) return schema;
  const m = /^common\.schema\.json#\/definitions\/(\w+)$/.exec(ref);
  if (!m) return schema;
  const target = loadSchema('common').definitions[m[1]!] as JsonSchema;
  return { ...target, ...schema, $ref: undefined };
}

/**
 * The branch of an `if: {type}` / `then` / `else` schema a value takes (the schemas use only that form: a list of
 * rounds, or one legacy round); any other schema as it is.
 */
function branch(schema: JsonSchema, value: unknown): JsonSchema {
  const cond = schema.if as JsonSchema | undefined;
  if (!cond || (!schema.then && !schema.else)) return schema;
  const type = cond.type as string | undefined;
  const matches = type === 'array' ? Array.isArray(value) : type === 'object' ? !!value && typeof value === 'object' && !Array.isArray(value) : typeof value === type;
  return ((matches ? schema.then : schema.else) as JsonSchema | undefined) ?? schema;
}

/** Walks a record alongside its schema and lists every `x-ref` value: references are declared in the schemas. */
export function collectRefs(name: Exclude<SchemaName, 'common'>, data: unknown): RefUse[] {
  const out: RefUse[] = [];
  const walk = (schema: JsonSchema | undefined, value: unknown, pointer: string) => {
    if (!schema || value === null || value === undefined) return;
    const s = resolveRef(branch(resolveRef(schema), value));
    if (typeof s['x-ref'] === 'string' && typeof value === 'string') {
      out.push({ pointer, kinds: (s['x-ref'] as string).split('|') as Kind[], id: value });
      return;
    }
    if (Array.isArray(value) && s.items) {
      value.forEach((item, i) => walk(s.items as JsonSchema, item, `${pointer}/${i}`));
    } else if (typeof value === 'object' && !Array.isArray(value) && s.properties) {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        const sub = (s.properties as Record<string, JsonSchema>)[k];
        if (sub && Object.prototype.hasOwnProperty.call(s.properties, k)) walk(sub, v, `${pointer}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`);
      }
    }
  };
  walk(loadSchema(name), data, '');
  return out;
}

/**
 * A validator for a schema under other common definitions (a base version's schemas: store/basecheck.ts), as
 * createAjv would compile it with `extra` options; kept as ajv standalone code in `cacheDir` (named by a hash of
 * the texts, the options and ajv's version) so a later run loads that code instead of loading ajv and compiling.
 * Unreadable or broken kept code is compiled again; an unusable folder only costs the compile.
 */
export function compileWithCache(schemaText: string, commonText: string, extra: Options, cacheDir: string | undefined): ValidateFunction {
  let versions = '';
  try {
    versions = `${(require('ajv/package.json') as { version: string }).version} ${(require('ajv-formats/package.json') as { version: string }).version}`;
  } catch {
    cacheDir = undefined; // no version to name the code by: compile every time
  }
  const key = crypto.createHash('sha256').update(`djyc-validator-1\0${versions}\0${JSON.stringify(extra)}\0${commonText}\0${schemaText}`).digest('hex').slice(0, 32);
  const file = cacheDir ? path.join(cacheDir, `validator-${key}.cjs`) : undefined;
  if (file) {
    try {
      const code = fs.readFileSync(file, 'utf8');
      const mod = { exports: {} as { default?: ValidateFunction } };
      // The code ajv generated for this very text (named by its hash): its `require`s are ajv's runtime helpers.
      new Function('require', 'module', 'exports', code)(require, mod, mod.exports);
      const v = mod.exports.default ?? (mod.exports as unknown as ValidateFunction);
      if (typeof v === 'function') return v;
    } catch {
      /* missing or broken: compile */
    }
  }
  const ajv = createAjv({ ...extra, code: { source: true } }, JSON.parse(commonText) as object);
  const v = ajv.compile(JSON.parse(schemaText) as object);
  if (file) {
    try {
      const standaloneCode = require('ajv/dist/standalone').default as (ajv: Ajv, v: ValidateFunction) => string;
      fs.mkdirSync(path.dirname(file), { recursive: true });
      writeAtomic(file, standaloneCode(ajv, v));
    } catch {
      /* the cache is an optimisation only */
    }
  }
  return v;
}
