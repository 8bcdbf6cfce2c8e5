import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** The djyc package root (works from src/ under vitest and from dist/ when built: both are two levels deep). */
export const PACKAGE_ROOT = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const SCHEMAS_DIR = path.join(PACKAGE_ROOT, 'schemas');
export const TEMPLATES_DIR = path.join(PACKAGE_ROOT, 'templates');
export const PRESETS_DIR = path.join(TEMPLATES_DIR, 'programmes');

let version: string | undefined;
/** djyc's version, from its package.json. */
export function packageVersion(): string {
  return (version ??= (JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version);
}

