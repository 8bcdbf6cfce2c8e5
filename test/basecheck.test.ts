import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { djyc, git, readJson } from './helpers.js';
import { buildFixture, commitAll, recordFile, writeRecordFiles, PROGRAMME } from './ledger-fixture.js';
import { checkAgainstBase } from '../src/store/basecheck.js';
import { draw } from '../src/store/draw.js';
import type { Problem } from '../src/domain/problem.js';

/**
 * Every case is a real git repository with two commits: the base (tagged `base`) and a pull-request commit on a
 * branch made from it. `validate --base base` must refuse each illegal change.
 */
let root: string;

function edit(file: string, change: (text: string) => string): void {
  const abs = path.join(root, file);
  const before = fs.readFileSync(abs, 'utf8');
  const after = change(before);
  if (after === before) throw new Error(`edit of ${file} changed nothing`);
  fs.writeFileSync(abs, after);
}

/** Starts a fresh pull-request branch from the base, applies the edits, commits, and checks against the base. */
async function pr(name: string, apply: () => void): Promise<Problem[]> {
  git(root, ['checkout', '-q', '-f', '-B', `pr-${name}`, 'base']);
  git(root, ['clean', '-qfd']);
  apply();
  commitAll(root, `PR ${name}`);
  return checkAgainstBase(root, 'base');
}

const rules = (ps: Problem[]) => ps.map((p) => `${p.file}:${p.rule}`);

const PB = recordFile('project', 'p-b');
const EV = recordFile('evaluation', 'ev-pa');

describe('validate --base: changes judged against the base version', () => {
  beforeAll(() => {
    root = buildFixture();
    // The base also holds a fully rated evaluation.
    writeRecordFiles(root, [['evaluation', {
      id: 'ev-pa', programme: PROGRAMME, subject: 'p-a', acceptance: { date: '2020-12-01', result: 'pass', methods: ['查阅资料'] },
      branch_rating: '好', committee_rating: '好', poll: { participants: 10, votes: { 好: 8, 较好: 2, 一般: 0, 较差: 0 } },
      stars: { overall: 4 }, bonus_points: 5, rated_on: '2020-12-10',
    }]]);
    commitAll(root, 'base: rated evaluation');
    git(root, ['tag', 'base']);
  });

  it('accepts legal moves recorded in the history, step by step', async () => {
    const problems = await pr('legal', () => {
      edit(PB, (t) => t.replace('stage: proposed\n', 'stage: claimed\n') + '  - stage: approved\n    from: proposed\n    date: 2020-04-10\n  - stage: claimed\n    from: approved\n    date: 2020-04-20\n');
      edit(EV, (t) => t + 'review_opinion: 同意\n'); // a new field may be added
    });
    expect(problems).toEqual([]);
  });

  it('refuses an illegal stage move, naming file:line:col', async () => {
    const problems = await pr('illegal', () => {
      edit(PB, (t) => t.replace('stage: proposed\n', 'stage: claimed\n') + '  - stage: claimed\n    from: proposed\n    date: 2020-04-20\n');
    });
    expect(rules(problems)).toEqual([`${PB}:base-stage-move`]);
    const text = fs.readFileSync(path.join(root, PB), 'utf8').split('\n');
    const line = text.findIndex((l) => l.includes('- stage: claimed')) + 1;
    const col = text[line - 1]!.indexOf('claimed') + 1;
    expect(problems[0]).toMatchObject({ line, col, severity: 'error', params: { from: 'proposed', to: 'claimed', allowed: 'approved / rejected' } });
    const cli = djyc(['validate', '--base', 'base', '--today', '2021-01-20'], { cwd: root });
    expect(cli.code).toBe(1);
    expect(cli.stdout).toContain(`${PB}:${line}:${col}`);
    expect(cli.stdout).toContain('阶段不能从“proposed”转入“claimed”');
  });

  /** `validate --base base` as CI runs it: the rules it reports for one file. */
  const cliRules = (file: string) => {
    const cli = djyc(['validate', '--base', 'base', '--format', 'json', '--today', '2021-01-20'], { cwd: root });
    expect(cli.code).toBe(1);
    return readJson<{ problems: { file: string; rule: string }[] }>(cli.stdout).problems.filter((p) => p.file === file).map((p) => p.rule);
  };

  it('refuses a stage change that the history does not record (said once: the record contradicts its history)', async () => {
    const problems = await pr('no-history', () => edit(PB, (t) => t.replace('stage: proposed\n', 'stage: approved\n')));
    expect(problems).toEqual([]);
    expect(cliRules(PB)).toEqual(['history-stage']);
  });

  it('refuses a stage change on a record that has no history at all (the base check says it)', async () => {
    git(root, ['checkout', '-q', '-f', '-B', 'legacy-base', 'base']);
    edit(PB, (t) => t.replace(/^history:\n(?:[ -].*\n)*/m, ''));
    commitAll(root, 'a record from before histories were kept');
    git(root, ['tag', '-f', 'base-legacy']);
    edit(PB, (t) => t.replace('stage: proposed\n', 'stage: approved\n'));
    commitAll(root, 'stage moved by hand');
    expect(rules(await checkAgainstBase(root, 'base-legacy'))).toEqual([`${PB}:base-stage-history`]);
  });

  it('refuses a history entry whose "from" is not where the record was (said once)', async () => {
    const problems = await pr('wrong-from', () => {
      edit(PB, (t) => t.replace('stage: proposed\n', 'stage: approved\n') + '  - stage: approved\n    from: rejected\n    date: 2020-04-10\n');
    });
    expect(problems).toEqual([]);
    expect(cliRules(PB)).toEqual(['history-from']);
  });

  it('refuses a panel that claims a seeded draw but was picked by hand; accepts the draw itself', async () => {
    const candidates = ['exp-a', 'exp-b', 'exp-c', 'exp-d', 'exp-e'];
    const drawn = draw('pr-seed', candidates.map((id) => ({ id, load: 0 })), 3);
    const handPicked = [candidates.find((x) => !drawn.includes(x))!, ...drawn.slice(1)];
    const panel = (experts: string[]) => (t: string) =>
      `${t}panel:\n  seed: pr-seed\n  drawn_on: 2020-11-30\n  experts:\n${experts.map((x) => `    - ${x}\n`).join('')}  algorithm: djyc-draw-v1\n  candidates:\n${candidates.map((x) => `    - expert: ${x}\n      load: 0\n`).join('')}`;
    const picked = await pr('panel-by-hand', () => edit(EV, panel(handPicked)));
    expect(rules(picked)).toEqual([`${EV}:base-panel-draw`]);
    expect(picked[0]!.params).toMatchObject({ seed: 'pr-seed', recorded_en: handPicked.join(', '), redrawn_en: drawn.join(', ') });
    const text = fs.readFileSync(path.join(root, EV), 'utf8').split('\n');
    expect(picked[0]).toMatchObject({ line: text.indexOf('  experts:') + 2, col: 5 });
    expect(await pr('panel-drawn', () => edit(EV, panel(drawn)))).toEqual([]);
    // An expert added beyond the candidate list: the draw gives all five, the panel names a sixth.
    const all = draw('pr-seed', candidates.map((id) => ({ id, load: 0 })), candidates.length);
    expect(rules(await pr('panel-one-more', () => edit(EV, panel([...all, 'exp-x']))))).toEqual([`${EV}:base-panel-draw`]);
  });

  it('refuses an expert from the lead unit on a panel it adds, even one the draw gave (回避)', async () => {
    const candidates = ['exp-a', 'exp-b', 'exp-c'];
    const drawn = draw('pr-conflict', candidates.map((id) => ({ id, load: 0 })), 3);
    const problems = await pr('panel-conflict', () => {
      writeRecordFiles(root, candidates.map((id) => ['expert', { id, name: `专家${id.slice(-1)}`, categories: ['呼应群众普遍期待'], ...(id === 'exp-a' ? { organisation: 'org-jy' } : {}) }]));
      edit(EV, (t) => `${t}panel:\n  seed: pr-conflict\n  experts:\n${drawn.map((x) => `    - ${x}\n`).join('')}  algorithm: djyc-draw-v1\n  candidates:\n${candidates.map((x) => `    - expert: ${x}\n      load: 0\n`).join('')}`);
    });
    expect(rules(problems)).toEqual([`${EV}:base-panel-ineligible`]);
    const text = fs.readFileSync(path.join(root, EV), 'utf8').split('\n');
    expect(problems[0]).toMatchObject({ line: text.indexOf('    - exp-a') + 1, col: 7, params: { expert: 'exp-a', reason_en: 'from the lead or a co-organising unit (conflict of interest)' } });
  });

  it('refuses a re-check sample whose projects are not what its recorded draw gives', async () => {
    const candidates = ['p-a', 'p-b', 'p-c', 'p-d'];
    const drawn = draw('recheck-seed', candidates.map((id) => ({ id })), 2);
    const handPicked = [drawn[0]!, candidates.find((x) => !drawn.includes(x))!];
    const SEL = recordFile('selection', 'sel-recheck');
    const selection = (subjects: string[]) => () =>
      writeRecordFiles(root, [['selection', { id: 'sel-recheck', programme: PROGRAMME, award: 'recheck', title: '抽查复核', draw: { seed: 'recheck-seed', algorithm: 'djyc-draw-v1', sample: 2, candidates }, entries: subjects.map((subject) => ({ subject })) }]]);
    const picked = await pr('sample-by-hand', selection(handPicked));
    expect(rules(picked)).toEqual([`${SEL}:base-panel-draw`]);
    expect(picked[0]!.params).toMatchObject({ recorded_en: handPicked.join(', '), redrawn_en: drawn.join(', ') });
    expect(await pr('sample-drawn', selection(drawn))).toEqual([]);
  });

  it('keeps history append-only: no entry changed, none removed', async () => {
    const changed = await pr('history-edit', () => edit(PB, (t) => t.replace('date: 2020-03-15', 'date: 2020-03-01')));
    expect(rules(changed)).toEqual([`${PB}:base-history-changed`]);
    expect(changed[0]!.params).toMatchObject({ n: 1 });
    const removed = await pr('history-cut', () => edit(recordFile('project', 'p-a'), (t) => t.replace(/ {2}- stage: implementing\n {4}from: published\n {4}date: 2020-05-11\n {4}by: 张明\n/, '')));
    expect(rules(removed)).toContain(`${recordFile('project', 'p-a')}:base-history-removed`);
  });

  it.each([
    ['branch_rating', (t: string) => t.replace('branch_rating: 好', 'branch_rating: 较好')],
    ['committee_rating', (t: string) => t.replace('committee_rating: 好', 'committee_rating: 一般')],
    ['poll', (t: string) => t.replace('好: 8\n', '好: 7\n').replace('较好: 2\n', '较好: 3\n')],
    ['stars', (t: string) => t.replace('overall: 4', 'overall: 5')],
    ['bonus_points', (t: string) => t.replace('bonus_points: 5', 'bonus_points: 6')],
    ['acceptance/0', (t: string) => t.replace('result: pass', 'result: rework')],
    ['branch_rating', (t: string) => t.replace('branch_rating: 好\n', '')],
  ])('freezes %s once recorded', async (field, change) => {
    const problems = await pr(`frozen-${field}`, () => edit(EV, change));
    expect(rules(problems)).toEqual([`${EV}:frozen`]);
    expect(problems[0]!.params.field).toBe(field);
  });

  it('freezes a project number once given', async () => {
    const problems = await pr('number', () => edit(recordFile('project', 'p-a'), (t) => t.replace('number: 2020-001', 'number: 2020-009')));
    expect(rules(problems)).toEqual([`${recordFile('project', 'p-a')}:frozen`]);
  });

  it('refuses deleting a record', async () => {
    const problems = await pr('delete', () => git(root, ['rm', '-q', recordFile('report', 'r-a-q2')]));
    expect(problems).toMatchObject([{ file: recordFile('report', 'r-a-q2'), line: 1, col: 1, rule: 'base-deleted' }]);
  });

  it('reads the programme from the base: a change cannot approve itself', async () => {
    const programme = recordFile('programme', PROGRAMME);
    const addEdge = (t: string) => t.replace(/next: \[ ?approved, rejected ?\]/, 'next: [approved, rejected, claimed]');
    const move = () => edit(PB, (t) => t.replace('stage: proposed\n', 'stage: claimed\n') + '  - stage: claimed\n    from: proposed\n    date: 2020-04-20\n');
    const selfApproved = await pr('self-approve', () => {
      edit(programme, addEdge);
      move();
    });
    expect(rules(selfApproved)).toEqual([`${PB}:base-stage-move`]);
    const cli = djyc(['validate', '--base', 'base', '--format', 'json', '--today', '2021-01-20'], { cwd: root });
    expect(cli.code).toBe(1);
    expect(readJson<{ problems: { rule: string }[] }>(cli.stdout).problems.map((p) => p.rule)).toContain('base-stage-move');

    // Once the programme change is on the base, the same move passes.
    git(root, ['checkout', '-q', '-f', '-B', 'programme-first', 'base']);
    edit(programme, addEdge);
    commitAll(root, 'programme: allow proposed → claimed');
    git(root, ['tag', '-f', 'base2']);
    move();
    commitAll(root, 'move along the new edge');
    expect(await checkAgainstBase(root, 'base2')).toEqual([]);
  });

  it('reads the schemas from the base', async () => {
    const schema = 'schemas/task.schema.json';
    // Base version of the schema requires `due` on tasks…
    git(root, ['checkout', '-q', '-f', '-B', 'strict-base', 'base']);
    edit(schema, (t) => t.replace('"required": [\n    "id",', '"required": [\n    "due",\n    "id",'));
    commitAll(root, 'schemas: tasks need a due date');
    git(root, ['tag', '-f', 'base3']);
    // …so a pull request that relaxes it again and adds a task without one is refused.
    git(root, ['checkout', '-q', 'HEAD~1', '--', schema]);
    writeRecordFiles(root, [['task', { id: 't-new', programme: PROGRAMME, project: 'p-a', members: ['m-li'], content: '新任务', stage: 'claimed', history: [{ stage: 'claimed', date: '2020-04-28' }] }]]);
    commitAll(root, 'relax the schema and add a task without due');
    const problems = await checkAgainstBase(root, 'base3');
    expect(problems).toMatchObject([{ file: recordFile('task', 't-new'), rule: 'base-schema', params: { detail_zh: '缺少必填字段“due”' } }]);
    // The base schema compiled once is kept as code (named by the texts) and gives the same answer; broken code is compiled again.
    const kept = path.join(root, '.git', 'djyc-cache', 'validators');
    const files = fs.readdirSync(kept);
    expect(files).toHaveLength(1);
    expect(await checkAgainstBase(root, 'base3')).toEqual(problems);
    fs.writeFileSync(path.join(kept, files[0]!), 'this is not javascript (');
    expect(await checkAgainstBase(root, 'base3')).toEqual(problems);
  });

  it('refuses an unknown base ref with exit 2', async () => {
    git(root, ['checkout', '-q', '-f', 'base']);
    const r = djyc(['validate', '--base', 'no-such-branch'], { cwd: root });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('找不到基准版本“no-such-branch”');
    await expect(checkAgainstBase(root, '--output=x')).rejects.toThrow();
  });
});
