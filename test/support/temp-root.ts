// Every temporary folder of a run — the tests' own, and those djyc, git, Chromium and LibreOffice make under them —
// goes into one folder per run (TMPDIR for the workers and everything they start), removed when the run ends: a
// developer who runs the suite again and again does not fill /tmp (it had grown to 11 GB here). A run that is
// killed leaves that one folder, named djyc-run-*.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export default function setup(): () => void {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'djyc-run-'));
  const before = process.env.TMPDIR;
  process.env.TMPDIR = root;
  return () => {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
    try {
      fs.rmSync(root, { recursive: true, force: true, maxRetries: 3 });
    } catch {
      /* a process of the run still holding a file: the folder stays, named djyc-run-* */
    }
  };
}
