/**
 * `djyc status` in a real terminal (a pseudo-terminal from util-linux `script`): colour when the terminal
 * supports it, none with NO_COLOR.
 */
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, requireTool } from './helpers.js';
import { FIXTURE_TODAY, shuanglingRepo } from './publish-fixture.js';

// util-linux `script` provides the pseudo-terminal.
const script = spawnSync('sh', ['-c', 'command -v script'], { encoding: 'utf8' }).stdout.trim();

let root: string;
beforeAll(() => {
  root = shuanglingRepo();
});

describe('djyc status in the terminal', () => {
  it('colours when the terminal supports it, and respects NO_COLOR', () => {
    requireTool(!!script, 'script (util-linux)');
    const base = { ...process.env, TERM: 'xterm' } as Record<string, string>;
    delete base.NO_COLOR;
    delete base.FORCE_COLOR;
    delete base.CI;
    const run = (env: Record<string, string>) =>
      spawnSync(script, ['-qec', `${process.execPath} ${BIN} status --today ${FIXTURE_TODAY}`, '/dev/null'], { cwd: root, encoding: 'utf8', env: { ...base, ...env } });
    const coloured = run({});
    const withNoColor = run({ NO_COLOR: '1' });
    expect(coloured.stdout).toMatch(/\x1b\[\d+m/);
    expect(withNoColor.stdout).not.toMatch(/\x1b\[\d+m/);
    expect(withNoColor.stdout).toContain('项目阶段');
  });
});
