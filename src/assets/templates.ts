/**
 * The templates djyc ships (templates/forms, templates/site), read once per process. Names are plain words: no
 * path can be smuggled in through a programme file; names starting with an underscore are djyc's own documents
 * and partials (pack cover, contents, notice), never a programme's form.
 */
import fs from 'node:fs';
import path from 'node:path';
import { TEMPLATES_DIR } from './paths.js';

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

export function templatePath(name: string): string {
  return path.join(FORMS_DIR, `${name}.hbs`);
}

/** Whether a programme may name this form template: a plain name of a shipped template. */
export function templateExists(name: string): boolean {
  return FORM_NAME.test(name) && fs.existsSync(templatePath(name));
}

/** Names of the form templates shipped in templates/forms (partials excluded). */
export function listTemplates(): string[] {
  return fs
    .readdirSync(FORMS_DIR)
    .filter((f) => f.endsWith('.hbs') && !f.startsWith('_'))
    .map((f) => f.slice(0, -4))
    .sort();
}

/** The source of a form template (a programme's, or one of djyc's own `_name` documents). */
export function formTemplateSource(name: string): string {
  if (!FORM_NAME.test(name) && !INTERNAL_NAME.test(name)) throw new Error(`invalid template name: ${name}`);
  return read(templatePath(name));
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
