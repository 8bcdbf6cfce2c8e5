/**
 * CI for records repositories: output formats (GitHub annotations escaped, JUnit, SARIF 2.1.0, several at once,
 * the step summary), `validate --changed` against real branches (changed records, records whose references a
 * change breaks, deleted files, pre-existing problems left out, shallow clones explained), and the loader's
 * promises: the content cache and worker threads never change a result, and a stale cache is never trusted.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { ROOT, djyc, git, initRepo, tempDir } from './helpers.js';
import { escapeData, escapeProperty, format, github } from '../src/output/problems/index.js';
import { sarif } from '../src/output/problems/sarif.js';
import { junit } from '../src/output/problems/junit.js';
import { summary } from '../src/output/problems/summary.js';
import type { Problem } from '../src/domain/problem.js';

const ENV = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t', DJYC_TODAY: '2020-03-10' };

function write(repo: string, rel: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(repo, rel)), { recursive: true });
  fs.writeFileSync(path.join(repo, rel), text);
}

function commit(repo: string, message: string): void {
  git(repo, ['add', '-A']);
  git(repo, ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '--no-verify', '-m', message]);
}

const org = (id: string, name: string) => `id: ${id}\nname: ${name}\ntype: 党支部\n`;
const member = (id: string, orgId: string, name = '张三') => `id: ${id}\nname: ${name}\norganisation: ${orgId}\nparty_title: 党员\n`;

/** A small repository on main: two organisations with members, a project, and one problem that predates any change. */
function baseRepo(): string {
  const repo = initRepo('shuangling', 2020);
  write(repo, 'records/organisations/org-a.yaml', org('org-a', '甲支部'));
  write(repo, 'records/organisations/org-b.yaml', org('org-b', '乙支部'));
  for (const [id, o] of [['m-a1', 'org-a'], ['m-a2', 'org-a'], ['m-b1', 'org-b'], ['m-b2', 'org-b']] as const) write(repo, `records/members/${id}.yaml`, member(id, o));
  write(repo, 'records/projects/p-1.yaml', 'id: p-1\nprogramme: shuangling-2020\ntitle: 便民服务\nlead: org-b\nstage: proposed\nhistory:\n  - stage: proposed\n    date: "2020-03-05"\n');
  // Already wrong on main: not this pull request's business.
  write(repo, 'records/members/m-old.yaml', `${member('m-old', 'org-a', '旧')}hobby: 钓鱼\n`);
  commit(repo, 'records');
  return repo;
}

const P = (over: Partial<Problem>): Problem => ({ file: 'records/members/m-1.yaml', line: 3, col: 5, severity: 'error', rule: 'schema-type', params: { field_zh: '姓名', field_en: 'name', type_zh: '文本', type_en: 'text' }, ...over });

describe('formats', () => {
  it('GitHub annotations escape %, CR and LF in messages, and also : and , in properties', () => {
    expect(escapeData('100% a\r\nb')).toBe('100%25 a%0D%0Ab');
    expect(escapeProperty('a:b,c%')).toBe('a%3Ab%2Cc%25');
    const line = github([P({ file: 'records/x,y:z.yaml', rule: 'category-unknown', params: { value: '50%\n下一行', allowed: 'a' } })], { lang: 'zh' });
    expect(line).toContain('file=records/x%2Cy%3Az.yaml,line=3,col=5');
    expect(line).toContain('50%25%0A下一行');
    expect(line.trim().split('\n')).toHaveLength(1);
  });

  it('SARIF 2.1.0: rules are the problem rules, results carry physical locations', () => {
    const log = JSON.parse(sarif([P({}), P({ rule: 'ref-missing', line: 7, col: 2, severity: 'warning', params: { field: 'lead', id: 'x', kind_zh: '党组织', kind_en: 'organisation' } }), P({ file: 'records/a b.yaml', line: 0, col: 0 })], { lang: 'en', toolVersion: '9.9.9' }));
    expect(log.version).toBe('2.1.0');
    expect(log.$schema).toMatch(/sarif-2\.1\.0/);
    const run = log.runs[0];
    expect(run.tool.driver.name).toBe('djyc');
    expect(run.tool.driver.version).toBe('9.9.9');
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(['ref-missing', 'schema-type']);
    expect(run.results).toHaveLength(3);
    const [first, second, third] = run.results;
    expect(first.ruleId).toBe('schema-type');
    expect(run.tool.driver.rules[first.ruleIndex].id).toBe('schema-type');
    expect(first.locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'records/members/m-1.yaml', uriBaseId: '%SRCROOT%' }, region: { startLine: 3, startColumn: 5 } });
    expect(second.level).toBe('warning');
    expect(second.message.text).toBe('"lead" refers to organisation "x", which does not exist');
    // Positions are 1-based in SARIF; a URI is percent-encoded.
    expect(third.locations[0].physicalLocation.region).toEqual({ startLine: 1, startColumn: 1 });
    expect(third.locations[0].physicalLocation.artifactLocation.uri).toBe('records/a%20b.yaml');
  });

  it('JUnit: one failing test case per problem, grouped by file; a passing case when all is well; XML escaped', () => {
    const xml = junit([P({ rule: 'category-unknown', params: { value: 'a<b&"c"', allowed: 'x' } }), P({ file: 'records/b.yaml', severity: 'warning' })], { lang: 'en' });
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    expect(xml).toContain('<testsuites name="djyc validate" tests="2" failures="2" errors="0">');
    expect(xml.match(/<testsuite /g)).toHaveLength(2);
    expect(xml).toContain('a&lt;b&amp;&quot;c&quot;');
    expect(xml).toContain('<failure type="warning"');
    expect(xml).not.toMatch(/<[^>]*a<b/);
    const ok = junit([], { lang: 'zh' });
    expect(ok).toContain('tests="1" failures="0"');
    expect(ok).toContain('记录校验通过');
  });

  it('the summary lists every problem and says when GitHub shows only 10 annotations', () => {
    const many = Array.from({ length: 12 }, (_, i) => P({ line: i + 1, params: { value: '|管道|', allowed: 'x' }, rule: 'category-unknown' }));
    const md = summary(many, { lang: 'zh', reports: ['report.sarif'] });
    expect(md).toContain('12** 个错误');
    expect(md).toContain('只显示前 10 个错误和 10 个警告注释');
    expect(md).toContain('report.sarif');
    expect(md.split('\n').filter((l) => l.startsWith('| `records/'))).toHaveLength(12);
    expect(md).toContain('\\|管道\\|');
    expect(summary([], { lang: 'en' })).toContain('No problems');
  });

  it('a mobile number that slips into a message is masked in every format', () => {
    const p = P({ rule: 'category-unknown', params: { value: '13800138000', allowed: 'x' } });
    for (const name of ['stylish', 'json', 'github', 'junit', 'sarif'] as const) {
      const text = format(name, [p], { lang: 'zh' });
      expect(text).toContain('138****8000');
      expect(text).not.toContain('13800138000');
    }
    expect(summary([p], { lang: 'zh' })).not.toContain('13800138000');
  });
});

describe('djyc validate: outputs', () => {
  it('writes several formats at once, each to its own file, and appends the GitHub step summary', () => {
    const repo = baseRepo();
    const out = tempDir('djyc-out-');
    const stepSummary = path.join(out, 'summary.md');
    fs.writeFileSync(stepSummary, '# earlier step\n');
    const r = djyc(['validate', '--output', 'github=-', '--output', `sarif=${path.join(out, 'sub', 'report.sarif')}`, '--output', `junit=${path.join(out, 'report.xml')}`, '--output', `json=${path.join(out, 'report.json')}`], {
      cwd: repo,
      env: { ...ENV, GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: stepSummary },
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('::error file=records/members/m-old.yaml,line=5,col=1,title=djyc schema-unknown-key::');
    const sarifLog = JSON.parse(fs.readFileSync(path.join(out, 'sub', 'report.sarif'), 'utf8'));
    const unknownKey = sarifLog.runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'schema-unknown-key');
    expect(unknownKey.locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'records/members/m-old.yaml', uriBaseId: '%SRCROOT%' }, region: { startLine: 5, startColumn: 1 } });
    expect(fs.readFileSync(path.join(out, 'report.xml'), 'utf8')).toContain('schema-unknown-key');
    expect(JSON.parse(fs.readFileSync(path.join(out, 'report.json'), 'utf8')).errors).toBe(1);
    const md = fs.readFileSync(stepSummary, 'utf8');
    expect(md.startsWith('# earlier step\n')).toBe(true);
    expect(md).toContain('## djyc validate');
    expect(md).toContain('records/members/m-old.yaml');
    // No temp files left next to the reports (atomic writes).
    expect(fs.readdirSync(out).filter((f) => f.includes('tmp'))).toEqual([]);
  });

  it('bad --output values are usage errors (exit 2)', () => {
    const repo = baseRepo();
    for (const bad of ['pdf=x', '=x', 'sarif=']) {
      const r = djyc(['validate', '--output', bad], { cwd: repo, env: ENV });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('--output');
    }
  });
});

describe('djyc validate --changed', () => {
  it('reports changed records and the records whose references a change broke, not what was already wrong', () => {
    const repo = baseRepo();
    git(repo, ['checkout', '-q', '-b', 'pr']);
    git(repo, ['rm', '-q', 'records/organisations/org-b.yaml']);
    write(repo, 'records/members/m-a1.yaml', member('m-a1', 'org-a', ''));
    commit(repo, 'pr: delete org-b, break a name');
    // Uncommitted and untracked changes count too.
    write(repo, 'records/members/m-new.yaml', member('m-new', 'org-zz'));
    const r = djyc(['validate', '--changed', 'main', '--format', 'json'], { cwd: repo, env: ENV });
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { problems: { file: string; rule: string }[] };
    const files = [...new Set(report.problems.map((p) => p.file))].sort();
    expect(files).toEqual([
      'records/members/m-a1.yaml',
      'records/members/m-b1.yaml',
      'records/members/m-b2.yaml',
      'records/members/m-new.yaml',
      'records/organisations/org-b.yaml',
      'records/projects/p-1.yaml',
    ]);
    expect(report.problems.filter((p) => p.file === 'records/projects/p-1.yaml').map((p) => p.rule)).toEqual(['ref-missing']);
    // The deleted record itself: the base checks refuse deletions.
    expect(report.problems.find((p) => p.file === 'records/organisations/org-b.yaml')?.rule).toBe('base-deleted');
    expect(files).not.toContain('records/members/m-old.yaml');
    // The whole repository still has the old problem.
    expect(djyc(['validate', '--format', 'json'], { cwd: repo, env: ENV }).stdout).toContain('m-old.yaml');
  });

  it('a change that is fine passes, even with problems elsewhere; the default base is main; no change → nothing to report', () => {
    const repo = baseRepo();
    git(repo, ['checkout', '-q', '-b', 'pr2']);
    expect(djyc(['validate', '--changed'], { cwd: repo, env: ENV }).code).toBe(0);
    // Exempted: since org-b claimed p-1, every member without a task is reported (domain/participation.ts).
    write(repo, 'records/members/m-a3.yaml', `${member('m-a3', 'org-a', '李四')}exemptions:\n  - programme: shuangling-2020\n    reason: 长期病休\n`);
    commit(repo, 'pr2: a new member');
    const r = djyc(['validate', '--changed'], { cwd: repo, env: ENV });
    expect(r.stdout).toContain('未发现问题');
    expect(r.code).toBe(0);
  });

  it('a duplicate id made by a change is reported on both records', () => {
    const repo = baseRepo();
    git(repo, ['checkout', '-q', '-b', 'dup']);
    write(repo, 'records/organisations/m-a2.yaml', org('m-a2', '重号支部'));
    commit(repo, 'dup');
    const r = djyc(['validate', '--changed', 'main', '--format', 'json', '--lang', 'en'], { cwd: repo, env: ENV });
    expect(r.code).toBe(1);
    const rules = (JSON.parse(r.stdout).problems as { file: string; rule: string }[]).map((p) => `${p.file} ${p.rule}`);
    expect(rules.some((x) => x.endsWith('duplicate-id'))).toBe(true);
  });

  it('a shallow clone is detected, with how to fetch enough history', () => {
    const repo = baseRepo();
    git(repo, ['checkout', '-q', '-b', 'feature']);
    write(repo, 'records/members/m-a3.yaml', member('m-a3', 'org-a', '李四'));
    commit(repo, 'feature');
    git(repo, ['checkout', '-q', 'main']);
    write(repo, 'records/members/m-a4.yaml', member('m-a4', 'org-a', '王五'));
    commit(repo, 'main moves on');
    const clone = path.join(tempDir(), 'shallow');
    git(path.dirname(clone), ['clone', '-q', '--depth', '1', '--no-single-branch', `file://${repo}`, clone]);
    git(clone, ['checkout', '-q', 'feature']);
    const r = djyc(['validate', '--changed', 'origin/main'], { cwd: clone, env: ENV });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('git fetch --unshallow');
    expect(r.stderr).toContain('fetch-depth: 0');
    expect(r.stderr).not.toContain('    at ');
    const en = djyc(['validate', '--changed', 'origin/main', '--lang', 'en'], { cwd: clone, env: ENV });
    expect(en.stderr).toContain('shallow clone');
    // Unknown base: a usage error naming it.
    const unknown = djyc(['validate', '--changed', 'no-such-branch'], { cwd: repo, env: ENV });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no-such-branch');
  });
});

describe('cache and worker threads never change a result', () => {
  /** A repository of ~250 files with problems of every sort. */
  function messyRepo(): string {
    const repo = initRepo('shuangling', 2020);
    for (let i = 0; i < 40; i++) write(repo, `records/organisations/org-${i}.yaml`, org(`org-${i}`, `第${i}支部`));
    // Every 16th member holds a value JSON cannot carry (infinity): such results travel from the worker threads by
    // structured clone, and these land in every thread's share of the files.
    for (let i = 0; i < 200; i++) write(repo, `records/members/m-${i}.yaml`, member(`m-${i}`, `org-${i % 45}`, `党员${i}`) + (i % 16 ? '' : 'rank: .inf\n'));
    write(repo, 'records/members/m-bad-yaml.yaml', 'id: m-bad-yaml\nname: [unclosed\n');
    write(repo, 'records/members/m-alias.yaml', 'id: m-alias\nname: &n 张\norganisation: *n\n');
    write(repo, 'records/members/m-dupkey.yaml', 'id: m-dupkey\nname: 甲\nname: 乙\norganisation: org-1\n');
    write(repo, 'records/members/m-phone.yaml', 'id: m-phone\nname: 丙\norganisation: org-1\nphone: 13800138000\n');
    write(repo, 'records/members/m-nan.yaml', 'id: m-nan\nname: .nan\norganisation: org-1\nactive: .inf\n');
    write(repo, 'records/organisations/org-0-copy.yaml', org('org-0', '复制'));
    write(repo, 'records/organisations/m-0.yaml', org('m-0', '与党员同号'));
    write(repo, 'records/members/m-same-1.yaml', member('m-same', 'org-1'));
    write(repo, 'records/members/m-same-2.yaml', member('m-same', 'org-1'));
    write(repo, 'records/members/m-crlf.yaml', 'id: m-crlf\r\nname: 丁\r\norganisation: org-2\r\n');
    write(repo, 'records/members/m-block.yaml', 'id: m-block\nname: |\n  多行\n  姓名\norganisation: org-2\n');
    write(repo, 'records/members/m-conflict.yaml', 'id: m-conflict\n<<<<<<< HEAD\nname: 甲\n=======\nname: 乙\n>>>>>>> other\norganisation: org-2\n');
    commit(repo, 'messy');
    return repo;
  }

  const run = (repo: string, env: Record<string, string>) => {
    const r = djyc(['validate', '--format', 'json'], { cwd: repo, env: { ...ENV, ...env } });
    expect(r.stderr).not.toContain('    at ');
    return { code: r.code, out: r.stdout };
  };

  it('no cache, cold cache, warm cache, worker threads and summaries only all give the same report', () => {
    const repo = messyRepo();
    const reference = run(repo, { DJYC_NO_CACHE: '1' });
    expect(reference.code).toBe(1);
    const problems = JSON.parse(reference.out).problems as { rule: string }[];
    for (const rule of ['yaml-syntax', 'yaml-alias', 'duplicate-key', 'schema-type', 'ref-missing', 'duplicate-id', 'id-filename', 'merge-conflict']) {
      expect(problems.map((p) => p.rule)).toContain(rule);
    }
    const forced = { DJYC_CACHE_MIN: '0', DJYC_GIT_KEYS_MIN: '0' };
    const parallel = { ...forced, DJYC_PARALLEL_MIN: '1', DJYC_THREADS: '3', DJYC_DATA_MAX: '0', DJYC_LISTING_SETTLE_MS: '0' };
    expect(run(repo, forced)).toEqual(reference); // cold
    expect(fs.existsSync(path.join(repo, '.git', 'djyc-cache'))).toBe(true);
    expect(run(repo, forced)).toEqual(reference); // warm: every result from the cache
    fs.rmSync(path.join(repo, '.git', 'djyc-cache'), { recursive: true });
    const stats = djyc(['validate', '--format', 'json'], { cwd: repo, env: { ...ENV, ...parallel, DJYC_STATS: '1' } });
    expect(stats.stderr).toMatch(/"threads":3/);
    expect(stats.stdout).toBe(reference.out); // workers, each writing its own segment, summaries only
    // Every record file has its row in the segments written (the main thread's and each worker's) but those whose
    // results JSON cannot carry (infinity, NaN: never cached), and is not analysed again when read back.
    const cacheFiles = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? cacheFiles(path.join(dir, d.name)) : [path.join(dir, d.name)]));
    const cached = cacheFiles(path.join(repo, '.git', 'djyc-cache'))
      .filter((f) => /\/seg-[^/]+\.json$/.test(f))
      .flatMap((f) => (JSON.parse(fs.readFileSync(f, 'utf8')) as { rows: [string][] }).rows.map((row) => row[0]));
    const records = git(repo, ['ls-files', 'records']).trim().split('\n').filter((f) => f.endsWith('.yaml'));
    const volatile = records.filter((f) => /: \.(inf|nan)$/m.test(fs.readFileSync(path.join(repo, f), 'utf8')));
    expect(volatile.length).toBeGreaterThan(10);
    expect([...new Set(cached)].sort()).toEqual(records.filter((f) => !volatile.includes(f)).sort());
    expect(cached.length).toBe(new Set(cached).size);
    // Read back by loading, not from the memo the run above kept when the folders had settled (a slow machine).
    fs.rmSync(path.join(repo, '.git', 'djyc-cache', 'memo-validate.json'), { force: true });
    const back = djyc(['validate', '--format', 'json'], { cwd: repo, env: { ...ENV, ...parallel, DJYC_STATS: '1' } });
    expect(back.stdout).toBe(reference.out);
    // (programme files are read anew by every run: the other records' cached results are keyed by them)
    const programmes = records.filter((f) => f.startsWith('records/programmes/')).length;
    expect(back.stderr).toContain(`"analysed":${volatile.length + programmes},`);
    expect(run(repo, { ...forced, DJYC_GIT_KEYS_MIN: '999999' })).toEqual(reference); // keys by hashing, not from git
  });

  it('a stale or damaged cache is never trusted: edits, new files, programme changes, corrupt segments', () => {
    const repo = messyRepo();
    // DJYC_LISTING_SETTLE_MS=0: the kind folders' listing is cached even though they were written just now.
    const forced = { DJYC_CACHE_MIN: '0', DJYC_GIT_KEYS_MIN: '0', DJYC_LISTING_SETTLE_MS: '0' };
    const first = run(repo, forced);
    const cacheDir = path.join(repo, '.git', 'djyc-cache');
    expect(fs.existsSync(path.join(cacheDir, 'listing-1.json'))).toBe(true);
    expect(run(repo, forced)).toEqual(first); // the listing read back
    // A link and a stray temp file in a folder listed before are seen (the folder's stat data changed).
    fs.symlinkSync('m-1.yaml', path.join(repo, 'records/members/m-link.yaml'));
    write(repo, 'records/members/.m-2.yaml.djyc-tmp-1-1', 'x');
    const linked = run(repo, forced);
    expect(linked).toEqual(run(repo, { DJYC_NO_CACHE: '1' }));
    expect(linked.out).toContain('path-symlink');
    expect(linked.out).toContain('stray-temp');
    fs.rmSync(path.join(repo, 'records/members/m-link.yaml'));
    fs.rmSync(path.join(repo, 'records/members/.m-2.yaml.djyc-tmp-1-1'));
    // An edit that keeps the size (git's stat check and our content key both catch it), a new file, a deletion.
    const f = path.join(repo, 'records/members/m-3.yaml');
    fs.writeFileSync(f, fs.readFileSync(f, 'utf8').replace('党员3', '党员X'));
    write(repo, 'records/members/m-extra.yaml', member('m-extra', 'org-nowhere'));
    fs.rmSync(path.join(repo, 'records/organisations/org-5.yaml'));
    const after = run(repo, forced);
    expect(after).toEqual(run(repo, { DJYC_NO_CACHE: '1' }));
    expect(after.out).toContain('org-nowhere');
    // The programme changes: results computed under the old one are not reused.
    const prog = path.join(repo, 'records/programmes/shuangling-2020.yaml');
    fs.writeFileSync(prog, fs.readFileSync(prog, 'utf8').replace('name_max_chars: { max: 10, severity: warning }', 'name_max_chars: { max: 2, severity: warning }'));
    expect(run(repo, forced)).toEqual(run(repo, { DJYC_NO_CACHE: '1' }));
    // Damaged segments and a damaged listing are dropped, and the result is still right.
    fs.writeFileSync(path.join(cacheDir, 'listing-1.json'), '{"djyc":"listing-1","dirs":{"members":{"sig":1}}}');
    for (const gen of fs.readdirSync(cacheDir)) {
      if (!fs.statSync(path.join(cacheDir, gen)).isDirectory()) continue;
      for (const seg of fs.readdirSync(path.join(cacheDir, gen))) fs.writeFileSync(path.join(cacheDir, gen, seg), '{"not": "a segment"');
    }
    expect(run(repo, forced)).toEqual(run(repo, { DJYC_NO_CACHE: '1' }));
    // And the cache folder can simply be deleted.
    fs.rmSync(cacheDir, { recursive: true });
    expect(run(repo, forced)).toEqual(run(repo, { DJYC_NO_CACHE: '1' }));
  });

  it('--changed on a cached repository (the base reuses the working tree records) agrees with an uncached run', () => {
    const repo = messyRepo();
    git(repo, ['checkout', '-q', '-b', 'pr']);
    fs.rmSync(path.join(repo, 'records/organisations/org-7.yaml'));
    write(repo, 'records/members/m-9.yaml', member('m-9', 'org-9', ''));
    commit(repo, 'pr');
    const forced = { DJYC_CACHE_MIN: '0', DJYC_GIT_KEYS_MIN: '0' };
    const changed = (env: Record<string, string>) => djyc(['validate', '--changed', 'main', '--format', 'json'], { cwd: repo, env: { ...ENV, ...env } }).stdout;
    const reference = changed({ DJYC_NO_CACHE: '1' });
    expect(JSON.parse(reference).problems.length).toBeGreaterThan(3);
    expect(changed(forced)).toBe(reference);
    expect(changed(forced)).toBe(reference);
  });
});

describe('djyc init: the pull-request workflow', () => {
  it('writes a GitHub/Gitea workflow that validates changes with annotations, SARIF and a summary', () => {
    const repo = initRepo('zutuan', 2017);
    const wf = fs.readFileSync(path.join(repo, '.github/workflows/djyc.yml'), 'utf8');
    expect(wf).toContain('pull_request');
    expect(wf).toContain('fetch-depth: 0');
    expect(wf).toContain('validate --changed');
    expect(wf).toContain('--output github=-');
    expect(wf).toContain('sarif=');
    expect(wf).not.toContain('{{version}}');
  });

  it('runs on a maintained Node with the current action majors; djyc\'s own test workflow covers Node 20, 22 and 24', () => {
    type Wf = { jobs: Record<string, { strategy?: { matrix?: { node?: number[] } }; steps: { uses?: string; with?: Record<string, unknown> }[] }> };
    const read = (f: string) => parseYaml(fs.readFileSync(path.join(ROOT, f), 'utf8')) as Wf;
    const steps = Object.values(read('templates/repo/github-workflow.yml').jobs)[0]!.steps;
    // Node 22 and 24 are the LTS lines still maintained (20 reached its end of life in April 2026).
    expect([22, 24]).toContain(Number(steps.find((s) => s.uses?.startsWith('actions/setup-node@'))!.with!['node-version']));
    const majors = Object.fromEntries(steps.filter((s) => s.uses).map((s) => s.uses!.split('@') as [string, string]).map(([a, v]) => [a, Number(v.slice(1))]));
    expect(majors).toEqual({ 'actions/checkout': 7, 'actions/setup-node': 7, 'actions/cache': 6, 'actions/upload-artifact': 7 });
    const tests = Object.values(read('examples/ci/djyc-tests.yml').jobs)[0]!;
    expect(tests.strategy?.matrix?.node).toEqual([20, 22, 24]);
    expect(tests.steps.find((s) => s.uses?.startsWith('actions/setup-node@'))!.with!['node-version']).toBe('${{ matrix.node }}');
  });
});
