/**
 * Tests that call the commands in-process, one date after another: `on(date)` sets the day the commands take as
 * today (DJYC_TODAY), restored after each test; `repoWith` makes a records repository from a preset on 2 January.
 */
import path from 'node:path';
import { afterEach } from 'vitest';
import { initRepository } from '../src/commands/init.js';
import { tempDir } from './helpers.js';

const savedToday = process.env.DJYC_TODAY;
afterEach(() => {
  if (savedToday === undefined) delete process.env.DJYC_TODAY;
  else process.env.DJYC_TODAY = savedToday;
});

export const on = (date: string): string => (process.env.DJYC_TODAY = date);

export async function repoWith(preset: string, year: number): Promise<string> {
  const dir = path.join(tempDir('djyc-repo-'), 'repo');
  on(`${year}-01-02`);
  await initRepository({ dir, preset, year });
  return dir;
}
