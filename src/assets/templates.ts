/**
 * The templates djyc ships (templates/forms, templates/site), read once per process. A programme's form is a
 * layout, templates/forms/<name>.yaml (see output/forms/layout.ts); djyc's own documents and partials (pack cover,
 * contents, notice) are handlebars files named with an underscore, never a programme's form. Names are plain
 * words: no path can be smuggled in through a programme file.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Ajv, Options, ValidateFunction } from 'ajv';
import { TEMPLATES_DIR } from './paths.js';

const require = createRequire(import.meta.url);

export const FORMS_DIR = path.join(TEMPLATES_DIR, 'forms');
export const SITE_DIR = path.join(TEMPLATES_DIR, 'site');

const FORM_NAME = /^[a-z0-9][a-z0-9-]*$/;
const INTERNAL_NAME = /^_[a-z0-9][a-z0-9-]*$/;

const texts = new Map<string, string>();
function read(file: string): string {
  let t = texts.get(file);
  if (t === undefined) texts.set(file, (t = fs.readFileSync(file, 'utf8')));
  return t;
}

/** The layout file of a form, e.g. templates/forms/shuangling-apply.yaml. */
export function layoutPath(name: string): string {
  return path.join(FORMS_DIR, `${name}.yaml`);
}

/** The layout file as shown in messages (relative to the package). */
export function layoutFile(name: string): string {
  return `templates/forms/${name}.yaml`;
}

/** Whether a programme may name this form template: a plain name of a shipped layout. */
export function templateExists(name: string): boolean {
  return FORM_NAME.test(name) && fs.existsSync(layoutPath(name));
}

/** Names of the form layouts shipped in templates/forms. */
export function listTemplates(): string[] {
  return fs
    .readdirSync(FORMS_DIR)
    .filter((f) => f.endsWith('.yaml') && !f.startsWith('_'))
    .map((f) => f.slice(0, -5))
    .sort();
}

/** The text of a form's layout. */
export function formLayoutSource(name: string): string {
  if (!FORM_NAME.test(name)) throw new Error(`invalid form name: ${name}`);
  return read(layoutPath(name));
}

/** templates/forms/_layout.schema.json: the JSON Schema every layout is checked against. */
export function layoutSchemaText(): string {
  return read(path.join(FORMS_DIR, '_layout.schema.json'));
}

/** Written by scripts/gen-validators.mjs next to the compiled templates.js: the layout schema, precompiled. */
export const LAYOUT_VALIDATOR_FILE = 'layout-validator.generated.cjs';

/** A digest of the layout schema: the precompiled validator is used only when generated from this very text. */
export function layoutSchemaHash(): string {
  return crypto.createHash('sha256').update(layoutSchemaText()).digest('hex');
}

/** The ajv that checks layouts (every problem, typos in the schema fail loudly); `extra` for the generator. */
export function createLayoutAjv(extra: Options = {}): Ajv {
  const { Ajv: AjvClass } = require('ajv') as typeof import('ajv');
  return new AjvClass({ allErrors: true, strict: true, ...extra });
}

/**
 * The layout schema's validator: precompiled at build time (from a folder, default this module's), or compiled now
 * when there is none or it was generated from another schema text (a stale build). `compile: false` for the first
 * only (undefined without one).
 */
export function layoutValidator(opts: { dir?: string; compile?: boolean } = {}): ValidateFunction | undefined {
  try {
    const mod = require(opts.dir ? path.join(opts.dir, LAYOUT_VALIDATOR_FILE) : `./${LAYOUT_VALIDATOR_FILE}`) as { LAYOUT_SCHEMA_HASH?: string; layout?: ValidateFunction };
    if (mod.LAYOUT_SCHEMA_HASH === layoutSchemaHash() && typeof mod.layout === 'function') return mod.layout;
  } catch {
    // running from src/ (tests) or an unbuilt checkout
  }
  return opts.compile === false ? undefined : createLayoutAjv().compile(JSON.parse(layoutSchemaText()) as object);
}

/** The source of one of djyc's own documents (`_name.hbs`: pack cover, contents, notice, page numbers). */
export function formTemplateSource(name: string): string {
  if (!INTERNAL_NAME.test(name)) throw new Error(`invalid template name: ${name}`);
  return read(path.join(FORMS_DIR, `${name}.hbs`));
}

/** The form partials (`_name.hbs`, used as {{> name}}): name → source. */
export function formPartials(): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of fs.readdirSync(FORMS_DIR).sort()) if (f.startsWith('_') && f.endsWith('.hbs')) out.set(f.slice(1, -4), read(path.join(FORMS_DIR, f)));
  return out;
}

/** templates/forms/_base.css: page set-up and fonts shared by every printed document. */
export function baseStylesheet(): string {
  return read(path.join(FORMS_DIR, '_base.css'));
}

/** templates/forms/_forms.css: the official forms' shared layout. */
export function formsStylesheet(): string {
  return read(path.join(FORMS_DIR, '_forms.css'));
}

/** The site's templates: page name → source (`_name` are partials). */
export function siteTemplates(): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of fs.readdirSync(SITE_DIR).filter((n) => n.endsWith('.hbs')).sort()) out.set(f.slice(0, -4), read(path.join(SITE_DIR, f)));
  return out;
}

/** A static file of the site (site.css, search.js). */
export function siteAsset(name: 'site.css' | 'search.js'): string {
  return read(path.join(SITE_DIR, name));
}
