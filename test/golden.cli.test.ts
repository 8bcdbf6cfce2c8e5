/**
 * Golden end-to-end runs of the real binary (bin/djyc in a new node process) for every command, each compared
 * with the same call through djyc() — the built CLI in a thread of the test worker, which the other tiers use:
 * same exit code, same standard output and error, same files written. What the rest of the suite checks
 * in-process therefore holds for the binary too.
 */
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, djyc, djycSpawn, git, initRepo, tempDir, type CliOptions, type CliResult } from './helpers.js';
import { FIXTURE_TODAY, shuanglingRepo } from './publish-fixture.js';

/** Generated record ids (p-2017-8a6vd, org-3tvua): random, so two runs name the same record differently. */
const GENERATED_ID = /\b([a-z]+)-(\d{4}-)?[a-z0-9]{5}\b/g;

/** Output with the given folders named by placeholders, and commit ids (two runs commit at other times) and
 * generated record ids blanked. */
function normalise(r: CliResult, places: Record<string, string> = {}, commits = false): CliResult {
  const n = (text: string) => {
    let t = text;
    for (const [name, dir] of Object.entries(places).sort((a, b) => b[1].length - a[1].length)) t = t.split(dir).join(`<${name}>`);
    return commits ? t.replace(/\b[0-9a-f]{7,40}\b/g, '<commit>').replace(GENERATED_ID, '$1-$2<id>') : t;
  };
  return { code: r.code, stdout: n(r.stdout), stderr: n(r.stderr) };
}

/** Runs a command that writes nothing both ways, in the same folder; returns the binary's result. */
function same(args: string[], opts: CliOptions = {}): CliResult {
  const spawned = djycSpawn(args, opts);
  expect(djyc(args, opts), `djyc ${args.join(' ')}`).toEqual(spawned);
  return spawned;
}

/** Every file under a folder (git's own files left out) with its content; generated ids blanked when asked. */
function tree(dir: string, ids = false): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const abs = path.join(e.parentPath, e.name);
    const rel = path.relative(dir, abs);
    if (!e.isFile() || rel.split(path.sep).includes('.git')) continue;
    const entry = `${rel}\n${fs.readFileSync(abs).toString(ids ? 'utf8' : 'base64')}`;
    out.push(ids ? entry.replace(GENERATED_ID, '$1-$2<id>') : entry);
  }
  return out.sort();
}

/** Two copies of a repository (history included): one for the binary, one for djyc(). */
function twins(repo: string): [string, string] {
  const base = tempDir('djyc-golden-');
  const a = path.join(base, 'a');
  const b = path.join(base, 'b');
  fs.cpSync(repo, a, { recursive: true });
  fs.cpSync(repo, b, { recursive: true });
  return [a, b];
}

/** Runs a command that writes, once each way on twin copies: same result, same files, same commit messages. */
function sameWrite(repo: string, args: (dir: string) => string[], env: Record<string, string> = {}): CliResult {
  const [a, b] = twins(repo);
  const spawned = djycSpawn(args(a), { cwd: a, env });
  const inProcess = djyc(args(b), { cwd: b, env });
  expect(normalise(inProcess, { repo: b }, true), args(b).join(' ')).toEqual(normalise(spawned, { repo: a }, true));
  expect(tree(b, true)).toEqual(tree(a, true));
  const log = (dir: string) => git(dir, ['log', '--format=%s%n%b']).replace(GENERATED_ID, '$1-$2<id>');
  expect(log(b)).toBe(log(a));
  return spawned;
}

let repo: string;
const env = { DJYC_TODAY: FIXTURE_TODAY, DJYC_USER: '测试员' };
beforeAll(() => {
  repo = shuanglingRepo();
});

describe('the binary and djyc() agree', () => {
  it('version, help, unknown commands and options', () => {
    expect(same(['--version']).stdout.trim()).toBe(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version);
    expect(same(['--help', '--lang', 'en']).stdout).toContain('show help');
    expect(same(['nope']).code).toBe(2);
    expect(same(['validate', '--nope'], { cwd: repo }).code).toBe(2);
    // The commands not run for real below.
    for (const cmd of ['task', 'close', 'recheck', 'accept', 'intervene', 'select']) expect(same([cmd, '--help']).code, cmd).toBe(0);
  });

  it('init', () => {
    const base = tempDir('djyc-golden-init-');
    const a = djycSpawn(['init', path.join(base, 'a'), '--programme', 'zutuan', '--year', '2017', '--json']);
    const b = djyc(['init', path.join(base, 'b'), '--programme', 'zutuan', '--year', '2017', '--json']);
    expect(a.code).toBe(0);
    expect(normalise(b, { dir: path.join(base, 'b') }, true)).toEqual(normalise(a, { dir: path.join(base, 'a') }, true));
    expect(tree(path.join(base, 'b'))).toEqual(tree(path.join(base, 'a')));
  });

  it('validate, deadlines, ledger, log and status read the same', () => {
    expect(same(['validate', '--format', 'json', '--lang', 'en'], { cwd: repo, env }).code).toBe(0);
    expect(same(['deadlines', '--format', 'ics', '--all'], { cwd: repo, env }).code).toBe(0);
    expect(same(['ledger', '--format', 'csv', '--table', 'coverage'], { cwd: repo, env }).code).toBe(0);
    expect(same(['log', 'p-hongzhu'], { cwd: repo, env }).code).toBe(0);
    expect(same(['status'], { cwd: repo, env }).code).toBe(0);
    // Outside any repository.
    expect(same(['validate'], { cwd: tempDir('djyc-golden-none-'), env }).code).not.toBe(0);
  });

  it('the workflow commands: dry runs, refusals and real steps', () => {
    expect(same(['advance', 'p-wangge', '--dry-run'], { cwd: repo, env }).code).toBe(0);
    expect(same(['advance', 'p-wangge', '--to', 'implementing'], { cwd: repo, env }).code).toBe(1);
    expect(same(['claim', 'p-hongzhu', '--org', 'org-jyj'], { cwd: repo, env }).code).not.toBe(0);
    expect(same(['rate', 'p-wangge'], { cwd: repo, env }).code).not.toBe(0);
    expect(same(['panel', 'p-hongzhu', '--verify'], { cwd: repo, env }).code).not.toBe(0);
    expect(same(['brand', 'archive', 'b-hongzhu', '--json'], { cwd: repo, env }).code).toBe(0);
    expect(git(repo, ['status', '--porcelain'])).toBe('');
    expect(sameWrite(repo, () => ['advance', 'p-wangge', '--by', '区级机关工委', '--note', '予以立项'], env).code).toBe(0);
    expect(sameWrite(repo, () => ['report', 'p-hongzhu', '--quarter', '2020Q4', '--progress', '完成送教 12 次'], { ...env, DJYC_TODAY: '2021-01-05' }).code).toBe(0);
  });

  it('new-org, new-member, new-expert and new-project write the same records', () => {
    expect(sameWrite(repo, () => ['new-org', '--id', 'org-golden', '--name', '中共某局机关第九支部委员会', '--type', '党支部', '--parent', 'org-gw'], env).code).toBe(0);
    expect(sameWrite(repo, () => ['new-member', '--id', 'm-golden', '--name', '金文', '--org', 'org-jyj', '--phone', '13800138123'], env).code).toBe(0);
    expect(sameWrite(repo, () => ['new-expert', '--id', 'exp-golden', '--name', '钱专家', '--category', '呼应群众普遍期待'], env).code).toBe(0);
    expect(sameWrite(repo, () => ['new-project', '--id', 'p-golden', '--title', '金色阳光', '--category', '呼应群众普遍期待', '--source', '自行申报', '--org', 'org-jyj', '--json'], env).code).toBe(0);
  });

  it('import', () => {
    const zutuan = initRepo('zutuan', 2017);
    const csv = path.join(ROOT, 'test/fixtures/zutuan-2017-tasks.csv');
    const dry = { cwd: zutuan, env: { DJYC_TODAY: '2017-04-20' } };
    const spawned = djycSpawn(['import', csv, '--kind', 'project', '--create-missing', '--dry-run'], dry);
    expect(spawned.code).toBe(0);
    expect(normalise(djyc(['import', csv, '--kind', 'project', '--create-missing', '--dry-run'], dry), {}, true)).toEqual(normalise(spawned, {}, true));
    expect(sameWrite(zutuan, () => ['import', csv, '--kind', 'project', '--create-missing'], { DJYC_TODAY: '2017-04-20' }).code).toBe(0);
  });

  it('render, pack and publish write the same files', () => {
    const [a, b] = twins(repo);
    const text = (pdf: string) => execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', pdf, '-'], { encoding: 'utf8' });
    for (const args of [['render', 'p-hongzhu', '--form', 'apply', '-o', 'apply.pdf'], ['pack', '--org', 'org-jyj', '--notice', '-o', 'notice.pdf']]) {
      const spawned = djycSpawn(args, { cwd: a, env });
      expect(spawned.code, `${args.join(' ')}: ${spawned.stderr}`).toBe(0);
      expect(normalise(djyc(args, { cwd: b, env }), { repo: b })).toEqual(normalise(spawned, { repo: a }));
      expect(text(path.join(b, args.at(-1)!))).toBe(text(path.join(a, args.at(-1)!)));
    }
    const site = (dir: string) => path.join(dir, '..', `site-${path.basename(dir)}`);
    const published = djycSpawn(['publish', '-o', site(a)], { cwd: a, env });
    expect(published.code, published.stderr).toBe(0);
    expect(normalise(djyc(['publish', '-o', site(b)], { cwd: b, env }), { site: site(b), repo: b })).toEqual(normalise(published, { site: site(a), repo: a }));
    expect(tree(site(b))).toEqual(tree(site(a)));
  });

  it('hook install and demo refuse and write the same', () => {
    const [a, b] = twins(repo);
    expect(djycSpawn(['hook', 'install', '--pre-commit'], { cwd: a }).code).toBe(0);
    expect(djyc(['hook', 'install', '--pre-commit'], { cwd: b }).code).toBe(0);
    expect(fs.readFileSync(path.join(b, '.git/hooks/pre-commit'), 'utf8')).toBe(fs.readFileSync(path.join(a, '.git/hooks/pre-commit'), 'utf8'));
    const mine = tempDir('djyc-golden-demo-');
    fs.writeFileSync(path.join(mine, 'mine.txt'), 'keep me');
    expect(same(['demo', '--dir', mine]).code).toBe(1);
    expect(fs.readFileSync(path.join(mine, 'mine.txt'), 'utf8')).toBe('keep me');
  });
});
