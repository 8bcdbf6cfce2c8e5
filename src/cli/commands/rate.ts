import type { Command } from 'commander';
import type { Runner } from '../runner.js';
import { type Lang, T } from '../../domain/i18n.js';
import { FOUR_LEVELS } from '../../domain/ratings.js';
import { correction, opOptions, parseInt10, parseNumber, parsePairs, printOp } from '../workflow-output.js';
import { command, CORRECT, options, RECORD, WRITE, type Options } from '../options.js';

const OPTIONS = options({
  branch: { flags: '--branch <level>', zh: '支委会意见', en: 'opinion of the branch committee', choices: FOUR_LEVELS },
  committee: { flags: '--committee <level>', zh: '党委（党组）意见', en: 'opinion of the Party committee', choices: FOUR_LEVELS },
  participants: { flags: '--participants <n>', zh: '群众测评：参与测评人数', en: 'public poll: participants' },
  votes: { flags: '--votes <votes>', zh: '群众测评各等次票数：好=20,较好=8,一般=2,较差=0（或 20/8/2/0）', en: 'poll votes: 好=20,较好=8,一般=2,较差=0 (or 20/8/2/0)', repeat: 'whole' },
  stars: { flags: '--stars <stars>', zh: '各指标星级：群众满意率=4,综合效益=5,经验可推广性=3', en: 'stars per criterion: 群众满意率=4,…', repeat: 'whole' },
  overall: { flags: '--overall <n>', zh: '综合星级（默认各指标平均，四舍五入）', en: 'overall stars (default: the rounded mean)' },
  bonus: { flags: '--bonus <points>', zh: '加分（不超过方案上限；按单位加分的方案中为牵头单位和每个联办单位的加分）', en: "bonus points (up to the programme's cap; where the programme awards per unit, for the lead and each co-organiser)" },
  bonusUnit: { flags: '--bonus-unit <unit=points>', zh: '某个单位的加分，例如 org-jh-sj=15（按单位加分的方案；其余单位取 --bonus）', en: 'one unit\'s points, e.g. org-jh-sj=15 (programmes awarding per unit; the others get --bonus)', repeat: 'whole' },
  opinion: { flags: '--opinion <text>', zh: '评审组意见', en: 'review opinion' },
  committeeOpinion: { flags: '--committee-opinion <text>', zh: '党委（党组）意见（文字；项目结项书上的意见请在结项申请时用 djyc close --committee-opinion 给出）', en: "Party committee opinion (text; a project closure's opinion is given with djyc close --committee-opinion)" },
  ...CORRECT,
  ...RECORD,
  ...WRITE,
});

export function register(program: Command, run: Runner, lang: Lang): void {
  command(program, lang, 'rate <subject>', T('评价（按方案：评议 好/较好/一般/较差 与群众测评；1–5 星；加分；或评审意见），只能在验收之后', 'rate (per programme: four-level opinions and public poll; 1–5 stars; bonus points; or a review opinion), only after acceptance'), OPTIONS).action(
    run(async (ctx, subject: string, f: Options<typeof OPTIONS>) => {
      const { rate } = await import('../../commands/rating.js');
      const r = await rate({
        ...opOptions(ctx, f), correction: correction(f), subject, branch: f.branch, committee: f.committee, participants: parseInt10(f.participants, '--participants'),
        votes: parsePairs(f.votes, '--votes', FOUR_LEVELS), stars: parsePairs(f.stars, '--stars'), overall: parseInt10(f.overall, '--overall'),
        bonus: parseNumber(f.bonus, '--bonus'), bonusUnits: parsePairs(f.bonusUnit, '--bonus-unit'), opinion: f.opinion, committeeOpinion: f.committeeOpinion,
      });
      const grade = r.overall !== undefined ? T(`，综合 ${r.overall} 星（${r.grade?.zh}）`, `, ${r.overall} stars overall (${r.grade?.en})`) : T('', '');
      printOp(ctx, r, T(`已评价 ${r.subject}${grade.zh}`, `rated ${r.subject}${grade.en}`), f.json, { subject: r.subject, evaluation: r.evaluation, kinds: r.kinds, overall: r.overall, grade: r.grade });
    }),
  );
}
