/** The programme presets djyc ships (templates/programmes/*.yaml): one per source plan; a new one needs no code. */
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../domain/errors.js';
import { PRESETS_DIR } from './paths.js';

export function listPresets(): string[] {
  return fs.readdirSync(PRESETS_DIR).filter((f) => f.endsWith('.yaml')).map((f) => f.replace(/\.yaml$/, '')).sort();
}

export function presetText(preset: string): string {
  if (!listPresets().includes(preset)) {
    throw new UsageError(`没有名为“${preset}”的预设（可用：${listPresets().join(', ')}）`, `no preset named "${preset}" (available: ${listPresets().join(', ')})`);
  }
  return fs.readFileSync(path.join(PRESETS_DIR, `${preset}.yaml`), 'utf8');
}
