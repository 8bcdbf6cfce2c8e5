// Every test file: the CLI thread's connection to the worker's browser is closed when it ends, and the worker's
// browser is kept for the worker's next file. The unit tier must not print at all.
import fc from 'fast-check';
import { afterAll } from 'vitest';
import { closeSharedBrowser, pauseSharing } from '../../src/pdf/browser.js';
import { closeCliBrowser } from '../helpers.js';

afterAll(async () => {
  const cli = closeCliBrowser();
  if (process.env.DJYC_TEST_TIER === 'unit') {
    const own = await closeSharedBrowser();
    if (cli || own) throw new Error('a test of the unit tier started Chromium: it belongs in the slow tier');
    return;
  }
  // The worker's browser waits for the next file of this worker (files share it: no launch per file, fonts stay
  // loaded in its pages); it ends with the worker, whose DevTools pipe closes then.
  pauseSharing();
});

// Property tests draw the same cases on every run, so that CI answers the same way twice; a failure prints its seed
// and path. DJYC_FC_SEED=random (or another number) explores further, by hand.
const seed = process.env.DJYC_FC_SEED;
if (seed !== 'random') fc.configureGlobal({ seed: seed ? Number(seed) : 20201231 });
