/**
 * Issue 12 item 1, in-process on a real temporary repository (001 党建+: a rework round, then a pass, then stars):
 * recorded results are never silently replaced.
 * - acceptance is a list of rounds; the rework round stays in the record, the ledger, the status and the form's
 *   验收组意见; a second conclusion of one round is refused, a correction keeps the old round in `amendments`;
 * - an evaluation in the old single-mapping form still validates, and the next round turns it into a list with the
 *   old round first (nothing recorded changes);
 * - a second `rate` is refused by the store's write path with the rule `validate --base` applies (domain/frozen.ts);
 *   `--correct --reason` keeps the old value in `amendments`, and `validate --base` shows it as an amendment.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { djyc, git, tempDir } from './helpers.js';
import { on } from './today.js';
import { initRepository } from '../src/commands/init.js';
import { createProject, createSimple } from '../src/commands/create.js';
import { advance } from '../src/commands/advance.js';
import { close } from '../src/commands/closure.js';
import { drawPanel } from '../src/commands/panel.js';
import { accept, intervene } from '../src/commands/acceptance.js';
import { rate } from '../src/commands/rating.js';
import { loadRepository } from '../src/store/repo.js';
import { writeRecords } from '../src/store/records.js';
import { validateRepository } from '../src/store/validate.js';
import { checkAgainstBase } from '../src/store/basecheck.js';
import { ProblemsError, RefusedError } from '../src/domain/errors.js';
import { formatProblemMessage } from '../src/domain/problem.js';
import { computeLedger } from '../src/domain/ledger.js';
import { RecordIndex } from '../src/domain/records.js';
import { ledgerTables, tablesToText } from '../src/output/ledger-tables.js';
import { statusDashboards, statusText } from '../src/output/status.js';
import { buildView } from '../src/output/forms/views.js';
import type { EvaluationRecord, ProgrammeRecord } from '../src/domain/types.generated.js';

const head = (root: string) => git(root, ['rev-parse', 'HEAD']).trim();

function evaluation(root: string): { file: string; data: EvaluationRecord } {
  const e = loadRepository(root).records.find((r) => r.kind === 'evaluation')!;
  return { file: path.join(root, e.file), data: e.data as EvaluationRecord };
}

async function failure(op: Promise<unknown>): Promise<Error & { problems?: { rule: string }[] }> {
  return op.then(
    () => {
      throw new Error('expected a refusal');
    },
    (e: Error) => e,
  );
}

describe('recorded results are never silently replaced', () => {
  it('rounds of acceptance, a refused second rating, corrections kept and shown', { timeout: 240_000 }, async () => {
    const root = path.join(tempDir('djyc-frozen-'), 'repo');
    on('2017-01-02');
    await initRepository({ dir: root, preset: 'dangjian-plus', year: 2017 });
    on('2017-04-12');
    await createSimple(root, 'organisation', { id: 'org-a', name: '客户服务中心党支部', type: '党支部', unit: '客户服务中心' });
    await createSimple(root, 'member', { id: 'm-a', name: '何平', organisation: 'org-a', party_title: '党支部书记' });
    for (const id of ['exp-1', 'exp-2', 'exp-3']) await createSimple(root, 'expert', { id, name: id, categories: ['基层组织建设'], unit: `单位${id}` });
    await createProject(root, { id: 'p-1', title: '党建+服务窗口', lead: 'org-a', leader: 'm-a', categories: ['基层组织建设'] });
    for (const [date, to] of [['2017-04-14', 'argued'], ['2017-04-20', 'applied'], ['2017-05-02', 'approved'], ['2017-05-03', 'implementing']] as const) {
      on(date);
      await advance({ root, id: 'p-1', to });
    }
    on('2017-06-20');
    await close({ root, subject: 'p-1', results: '窗口服务满意率提升', summary: '总结报告' });
    await drawPanel({ root, subject: 'p-1', seed: 'dj' });
    on('2017-06-21');
    await accept({ root, subject: 'p-1', result: 'rework', opinion: '效果一般，需整改', methods: ['听取汇报'] });
    const panel = evaluation(root).data.panel!.experts;

    // A second conclusion of the same round: refused, nothing written.
    const before = head(root);
    const second = await failure(accept({ root, subject: 'p-1', result: 'pass', opinion: '通过' }));
    expect(second).toBeInstanceOf(RefusedError);
    expect(second.message).toMatch(/本轮验收已有结论.*--correct/);
    expect(head(root)).toBe(before);

    // An evaluation written before rounds existed: one mapping. It validates, and stays first when a round is added.
    const ev = evaluation(root);
    const legacy = fs.readFileSync(ev.file, 'utf8').replace(/acceptance:\n {2}- date: (.*)\n {4}result: (.*)\n {4}opinion: (.*)\n {4}methods:\n {6}- 听取汇报\n {4}panel:\n(( {6}- .*\n)+)/, (_m, d, r, o, p) => `acceptance:\n  date: ${d}\n  result: ${r}\n  opinion: ${o}\n  methods:\n    - 听取汇报\n  panel:\n${(p as string).replace(/^ {6}/gm, '    ')}`);
    expect(legacy).not.toBe(fs.readFileSync(ev.file, 'utf8'));
    fs.writeFileSync(ev.file, legacy);
    git(root, ['commit', '-qam', 'an evaluation in the old form']);
    expect(validateRepository(loadRepository(root), { today: '2017-06-21' }).filter((p) => p.severity === 'error')).toEqual([]);
    expect(Array.isArray(evaluation(root).data.acceptance)).toBe(false);

    await intervene({ root, subject: 'p-1', type: '挂牌帮扶' });
    await advance({ root, id: 'p-1', to: 'rework' });
    on('2017-06-25');
    await advance({ root, id: 'p-1', to: 'closing' });
    on('2017-06-26');
    await accept({ root, subject: 'p-1', result: 'pass', opinion: '整改到位', methods: ['查阅资料', '听取汇报'] });
    const rounds = evaluation(root).data.acceptance as { date: string; result: string; opinion?: string; panel?: string[] }[];
    expect(rounds.map((r) => `${r.date} ${r.result} ${r.opinion}`)).toEqual(['2017-06-21 rework 效果一般，需整改', '2017-06-26 pass 整改到位']);
    expect(rounds.map((r) => r.panel)).toEqual([panel, panel]);

    // The correction of a round: the old round stays in amendments.
    const beforeCorrection = head(root);
    await accept({ root, subject: 'p-1', result: 'pass', opinion: '整改到位，同意通过验收', methods: ['查阅资料', '听取汇报'], correction: { reason: '意见漏写结论' } });
    const corrected = evaluation(root).data;
    expect((corrected.acceptance as { opinion?: string }[]).map((r) => r.opinion)).toEqual(['效果一般，需整改', '整改到位，同意通过验收']);
    expect(corrected.amendments).toEqual([{ date: '2017-06-26', by: 'djyc test', field: 'acceptance/1', before: rounds[1], reason: '意见漏写结论' }]);
    const amended = await checkAgainstBase(root, beforeCorrection);
    expect(amended.map((p) => `${p.severity}:${p.rule}`)).toEqual(['notice:frozen-amended']);

    // Ledger, status and the closure form's 验收组意见 show both rounds.
    await advance({ root, id: 'p-1', to: 'accepted' });
    const repo = loadRepository(root);
    const p = repo.records.find((r) => r.kind === 'programme')!.data as ProgrammeRecord;
    const ledger = computeLedger(repo, { today: '2017-06-26' });
    expect(ledger.projects[0]!.ratings!.acceptanceRounds.map((r) => r.result)).toEqual(['rework', 'pass']);
    expect(ledger.totals.acceptance).toEqual({ pass: 1, rework: 0, passedAfterRework: 1, rounds: 2, reworkRounds: 1 });
    const projects = ledgerTables(ledger, p, 'zh').find((t) => t.id === 'projects')!;
    expect(projects.rows[0]).toContain('通过（2017-06-26）；此前：整改（2017-06-21）');
    expect(tablesToText(ledger, [projects], 'zh')).toContain('通过（2017-06-26）；此前：');
    expect(statusText(statusDashboards(repo, { today: '2017-06-26' }))).toContain('通过 1（其中整改后通过 1），正在整改 0；共验收 2 轮，其中整改 1 轮');
    const record = repo.records.find((r) => r.id === 'p-1')!;
    const view = buildView({ index: new RecordIndex(repo), programme: p }, { form: { id: 'project-closure', title: '结项书', template: 'shuangling-project-closure', subject: 'project' } as never, record, key: 'p-1' });
    const opinion = ((view.project as { evaluation: { acceptance: { opinion: string } } }).evaluation.acceptance.opinion);
    expect(opinion.split('\n')).toEqual(['整改到位，同意通过验收', '第2轮验收（2017年6月26日）结论：通过', '此前验收：第1轮 2017年6月21日 整改：效果一般，需整改（听取汇报）']);

    // Stars, once recorded, are refused a second time by the write path — the rule validate --base applies.
    on('2017-06-28');
    await rate({ root, subject: 'p-1', stars: { 群众满意率: 4, 综合效益: 4, 经验可推广性: 3 } });
    const rated = head(root);
    const again = await failure(rate({ root, subject: 'p-1', stars: { 群众满意率: 5, 综合效益: 5, 经验可推广性: 5 } }));
    expect(again).toBeInstanceOf(ProblemsError);
    expect(again.problems!.map((x) => x.rule)).toEqual(['frozen']);
    expect(formatProblemMessage((again as ProblemsError).problems[0]!, 'zh')).toMatch(/星级评估已记录为.*--correct --reason/);
    expect(head(root)).toBe(rated);

    // The same edit made by hand (no djyc, no hook) is what validate --base refuses, with the same rule.
    const evFile = evaluation(root).file;
    const kept = fs.readFileSync(evFile, 'utf8');
    fs.writeFileSync(evFile, kept.replace('overall: 4', 'overall: 5'));
    git(root, ['commit', '-qam', 'a hand edit']);
    expect((await checkAgainstBase(root, rated)).map((x) => `${x.severity}:${x.rule}`)).toEqual(['error:frozen']);
    git(root, ['reset', '-q', '--hard', rated]);
    // And the write path refuses it too, whoever writes.
    const evEntry = loadRepository(root).records.find((r) => r.kind === 'evaluation')!;
    const edited = parseDocument(kept).toJS() as Record<string, any>;
    edited.stars.overall = 5;
    const direct = await failure(writeRecords(root, [{ kind: 'evaluation', id: evEntry.id, data: edited, previous: kept }], 'direct'));
    expect(direct.problems!.map((x) => x.rule)).toEqual(['frozen']);

    // A correction: the old stars stay in amendments; validate --base shows it as an amendment, not an error.
    await rate({ root, subject: 'p-1', stars: { 群众满意率: 5, 综合效益: 4, 经验可推广性: 3 }, correction: { reason: '群众满意率按测评表更正为 5 星' } });
    const ratedAgain = evaluation(root).data;
    expect(ratedAgain.stars).toMatchObject({ overall: 4, criteria: { 群众满意率: 5 } });
    expect(ratedAgain.amendments!.at(-1)).toEqual({ date: '2017-06-28', by: 'djyc test', field: 'stars', before: { criteria: { 群众满意率: 4, 综合效益: 4, 经验可推广性: 3 }, overall: 4, date: '2017-06-28' }, reason: '群众满意率按测评表更正为 5 星' });
    const history = (loadRepository(root).records.find((r) => r.id === 'p-1')!.data as { history: { note?: string }[] }).history;
    expect(history.at(-1)!.note).toMatch(/^更正评价：.*（理由：群众满意率按测评表更正为 5 星）$/);
    const cli = djyc(['validate', '--base', rated, '--today', '2017-06-28'], { cwd: root });
    expect(cli.code, cli.stdout + cli.stderr).toBe(0);
    expect(cli.stdout).toMatch(/更正 {2}星级评估已更正：.*理由：群众满意率按测评表更正为 5 星/);
    expect(cli.stdout).toContain('1 处更正');
    // --correct without a recorded value to correct is a usage error.
    const nothing = await failure(rate({ root, subject: 'p-1', opinion: '补充评估意见', correction: { reason: 'x' } }));
    expect(nothing.message).toMatch(/没有需要更正/);
  });
});
