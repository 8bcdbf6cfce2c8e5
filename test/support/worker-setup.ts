// Every test file: its shared browsers (the test thread's and the CLI thread's) are closed when it ends. The unit
// tier must not print at all.
import { afterAll } from 'vitest';
import { closeSharedBrowser } from '../../src/pdf/browser.js';
import { closeCliBrowser } from '../helpers.js';

afterAll(async () => {
  const cli = closeCliBrowser();
  const own = await closeSharedBrowser();
  if (process.env.DJYC_TEST_TIER === 'unit' && (cli || own)) throw new Error('a test of the unit tier started Chromium: it belongs in the slow tier');
});
