import type { Command } from 'commander';
import type { Runner } from '../main.js';
import { type Lang, T, tr } from '../../domain/i18n.js';
import { rate } from '../../commands/rating.js';
import { FOUR_LEVELS } from '../../domain/ratings.js';
import { many, opOptions, parseInt10, parseNumber, parsePairs, printOp, writeOptions, type WriteFlags } from '../workflow-output.js';

interface Flags extends WriteFlags {
  branch?: string; committee?: string; participants?: string; votes?: string[]; stars?: string[]; overall?: string; bonus?: string; opinion?: string; committeeOpinion?: string;
}

export function register(program: Command, run: Runner, lang: Lang): void {
  const cmd = program
    .command('rate <subject>')
    .description(tr(lang, '评价（按方案：评议 好/较好/一般/较差 与群众测评；1–5 星；加分；或评审意见），只能在验收之后', 'rate (per programme: four-level opinions and public poll; 1–5 stars; bonus points; or a review opinion), only after acceptance'))
    .option('--branch <level>', tr(lang, '支委会意见：好 / 较好 / 一般 / 较差', 'branch committee: 好 / 较好 / 一般 / 较差'))
    .option('--committee <level>', tr(lang, '党委（党组）意见：好 / 较好 / 一般 / 较差', 'Party committee: 好 / 较好 / 一般 / 较差'))
    .option('--participants <n>', tr(lang, '群众测评：参与测评人数', 'public poll: participants'))
    .option('--votes <votes>', tr(lang, '群众测评票数：好=20,较好=8,一般=2,较差=0（或 20/8/2/0）', 'poll votes: 好=20,较好=8,一般=2,较差=0 (or 20/8/2/0)'), many)
    .option('--stars <stars>', tr(lang, '各指标星级：群众满意率=4,综合效益=5,经验可推广性=3（可重复）', 'stars per criterion: 群众满意率=4,… (repeatable)'), many)
    .option('--overall <n>', tr(lang, '综合星级（默认各指标平均，四舍五入）', 'overall stars (default: the rounded mean)'))
    .option('--bonus <points>', tr(lang, '加分（不超过方案上限）', 'bonus points (up to the programme\'s cap)'))
    .option('--opinion <text>', tr(lang, '评审组意见', 'review opinion'))
    .option('--committee-opinion <text>', tr(lang, '党委（党组）意见（文字）', 'Party committee opinion (text)'));
  writeOptions(cmd, lang).action(
    run(async (ctx, subject: string, f: Flags) => {
      const r = await rate({
        ...opOptions(ctx, f), subject, branch: f.branch, committee: f.committee, participants: parseInt10(f.participants, '--participants'),
        votes: parsePairs(f.votes, '--votes', FOUR_LEVELS), stars: parsePairs(f.stars, '--stars'), overall: parseInt10(f.overall, '--overall'),
        bonus: parseNumber(f.bonus, '--bonus'), opinion: f.opinion, committeeOpinion: f.committeeOpinion,
      });
      const grade = r.overall !== undefined ? T(`，综合 ${r.overall} 星（${r.grade?.zh}）`, `, ${r.overall} stars overall (${r.grade?.en})`) : T('', '');
      printOp(ctx, r, T(`已评价 ${r.subject}${grade.zh}`, `rated ${r.subject}${grade.en}`), f.json, { subject: r.subject, evaluation: r.evaluation, kinds: r.kinds, overall: r.overall, grade: r.grade });
    }),
  );
}
