// Every test file: its shared browsers (the test thread's and the CLI thread's) are closed when it ends. The unit
// tier must not print at all.
import fc from 'fast-check';
import { afterAll } from 'vitest';
import { closeSharedBrowser } from '../../src/pdf/browser.js';
import { closeCliBrowser } from '../helpers.js';

afterAll(async () => {
  const cli = closeCliBrowser();
  const own = await closeSharedBrowser();
  if (process.env.DJYC_TEST_TIER === 'unit' && (cli || own)) throw new Error('a test of the unit tier started Chromium: it belongs in the slow tier');
});

// Property tests draw the same cases on every run, so that CI answers the same way twice; a failure prints its seed
// and path. DJYC_FC_SEED=random (or another number) explores further, by hand.
const seed = process.env.DJYC_FC_SEED;
if (seed !== 'random') fc.configureGlobal({ seed: seed ? Number(seed) : 20201231 });
