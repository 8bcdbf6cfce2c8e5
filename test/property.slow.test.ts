/**
 * Random sequences of operations on a random repository (fast-check), illegal ones and crashes at step k (a
 * writer killed with SIGKILL at a random moment) included, never leave a repository that validate rejects, and
 * every illegal operation is refused with nothing written.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ROOT, git, tempDir } from './helpers.js';
import { loadRepository } from '../src/store/repo.js';
import { COVERAGE_RULES } from '../src/domain/checks.js';
import { validateRepository } from '../src/store/validate.js';
import { initRepository } from '../src/commands/init.js';
import { createProject, createSimple } from '../src/commands/create.js';
import { DjycError } from '../src/domain/errors.js';

const tempRoot = tempDir('djyc-seq-scripts-');

// ------------------------------------------------------------------------------------------------------------
// Random operation sequences

type Op =
  | { t: 'org'; id: string; valid: boolean }
  | { t: 'member'; id: string; org: string; valid: boolean }
  | { t: 'project'; id: string; lead: string; valid: boolean }
  | { t: 'dup'; kind: 'organisation' | 'member' }
  | { t: 'crash'; id: string; delay: number };

const ids = fc.stringMatching(/^[a-z][a-z0-9]{2,6}$/);
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ t: fc.constant('org' as const), id: ids, valid: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('member' as const), id: ids, org: fc.constantFrom('first', 'missing'), valid: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('project' as const), id: ids, lead: fc.constantFrom('first', 'missing'), valid: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('dup' as const), kind: fc.constantFrom('organisation' as const, 'member' as const) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('crash' as const), id: ids, delay: fc.integer({ min: 0, max: 350 }) }) },
);

/** Early in the programme's year: coverage rules (what is still missing) are warnings, not errors, until their windows close. */
let TODAY = '2020-03-10';
/** validate's errors other than the coverage rules (those say what is still to do, not that data is wrong). */
const dataErrors = (root: string) => validateRepository(loadRepository(root), { today: TODAY }).filter((p) => p.severity === 'error' && !COVERAGE_RULES.has(p.rule));
const headOf = (root: string) => git(root, ['rev-parse', 'HEAD']).trim();

/** A child that creates an organisation through the real write path and is killed at a random moment. */
async function crashingWrite(root: string, id: string, delay: number): Promise<void> {
  const script = path.join(tempRoot, 'crash.mjs');
  if (!fs.existsSync(script)) {
    const create = pathToFileURL(path.join(ROOT, 'dist/commands/create.js')).href;
    fs.writeFileSync(script, `import { createSimple } from ${JSON.stringify(create)};\nprocess.stdout.write('ready\\n');\nawait createSimple(process.argv[2], 'organisation', { id: process.argv[3], name: '崩溃测试支部', type: '党支部' }, { today: process.argv[4] });\n`);
  }
  const child = spawn(process.execPath, [script, root, `org-crash-${id}`, TODAY], { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Once it runs (its modules loaded), the random moment; a child that ended by itself is not waited for.
  await Promise.race([exited, new Promise<void>((resolve) => child.stdout!.once('data', () => setTimeout(resolve, delay)))]);
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    /* finished already */
  }
  await exited;
}

describe('random operation sequences on a random repository', () => {
  it('never leave a repository that validate rejects; illegal operations are refused with nothing written', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('shuangling', 'zutuan', 'shuji', 'dangjian-plus'), fc.array(op, { minLength: 3, maxLength: 7 }), async (preset, ops) => {
        const root = path.join(tempDir('djyc-seq-'), 'repo');
        const year = preset === 'shuangling' ? 2020 : 2017;
        TODAY = `${year}-03-10`;
        await initRepository({ dir: root, preset, year });
        const created = await createSimple(root, 'organisation', { id: 'org-first', name: '第一支部', type: '党支部' }, { today: TODAY });
        const orgs = [created.id];
        const members: string[] = [];
        let crashes = 0;
        for (const o of ops) {
          const head = headOf(root);
          let legal = true;
          let attempt: () => Promise<unknown>;
          if (o.t === 'org') {
            legal = o.valid;
            const id = `org-${o.id}`;
            attempt = () => createSimple(root, 'organisation', o.valid ? { id, name: `${o.id}支部`, type: '党支部' } : { id, name: '', type: '不存在的类型' as never }, { today: TODAY });
            if (orgs.includes(id)) legal = false;
            if (legal) orgs.push(id);
          } else if (o.t === 'member') {
            const id = `m-${o.id}`;
            legal = o.valid && o.org === 'first' && !members.includes(id);
            attempt = () => createSimple(root, 'member', { id, name: '党员', organisation: o.org === 'first' ? 'org-first' : 'org-missing', ...(o.valid ? {} : { phone: 'abc' }) }, { today: TODAY });
            if (legal) members.push(id);
          } else if (o.t === 'project') {
            legal = o.valid && o.lead === 'first';
            attempt = () => createProject(root, { id: `p-${o.id}`, title: '项目', lead: o.lead === 'first' ? 'org-first' : 'org-missing', start: o.valid ? '2020-05-01' : '2020-12-01', due: o.valid ? '2020-11-01' : '2020-01-01' }, { today: TODAY });
            if (fs.existsSync(path.join(root, 'records/projects', `p-${o.id}.yaml`))) legal = false;
          } else if (o.t === 'dup') {
            legal = false;
            attempt = () => (o.kind === 'organisation' ? createSimple(root, 'organisation', { id: 'org-first', name: '重复', type: '党支部' }, { today: TODAY }) : createSimple(root, 'member', { id: 'org-first', name: '重号', organisation: 'org-first' }, { today: TODAY }));
          } else {
            if (crashes++ >= 1) continue; // one crash per sequence keeps the suite quick
            await crashingWrite(root, o.id, o.delay);
            attempt = async () => undefined;
          }
          let error: unknown;
          try {
            await attempt();
          } catch (err) {
            error = err;
          }
          if (legal) expect(error, `${JSON.stringify(o)} was refused: ${(error as Error)?.message}`).toBeUndefined();
          else {
            expect(error, `${JSON.stringify(o)} was accepted`).toBeInstanceOf(DjycError);
            expect(headOf(root)).toBe(head);
          }
          // Whatever happened (a crash included), the repository validates; the next write recovers.
          const problems = dataErrors(root);
          expect(problems, JSON.stringify(problems.slice(0, 3))).toEqual([]);
        }
        // After a crash the next write recovers; then the repository is clean and valid.
        await createSimple(root, 'organisation', { id: 'org-final', name: '最后支部', type: '党支部' }, { today: TODAY });
        expect(git(root, ['status', '--porcelain', '--untracked-files=all'])).toBe('');
        expect(dataErrors(root)).toEqual([]);
      }),
      { numRuns: 12 },
    );
  });
});
