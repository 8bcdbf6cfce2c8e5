import type { Command } from 'commander';
import type { Runner } from '../runner.js';
import { say, tr, type Lang } from '../../domain/i18n.js';
import { requireRoot, loadRepository } from '../../store/repo.js';
import { RecordIndex } from '../../domain/records.js';
import { recordView, showable } from '../../domain/show.js';
import { recheckText } from '../../output/ledger-tables.js';
import { UsageError } from '../../domain/errors.js';
import { addOptions, options, SHARED, use, type Options } from '../options.js';

const OPTIONS = options({
  programme: use(SHARED.programme, { note: { zh: '按项目编号查找时所在的方案', en: 'the programme a project number is looked up in' } }),
  json: SHARED.json,
});

export function register(program: Command, run: Runner, lang: Lang): void {
  const cmd = program
    .command('show <id>')
    .description(tr(lang, '查看一个项目、任务或品牌：所处阶段、转入转出、结项和党委（党组）意见、验收、抽查复核结论、历史记录（只读）', 'show a project, task or brand: its stage, carry-over, closure and committee opinion, acceptance, re-check result and history (read-only)'));
  addOptions(cmd, OPTIONS, lang).action(
    run(async (ctx, id: string, f: Options<typeof OPTIONS>) => {
      const index = new RecordIndex(loadRepository(requireRoot(ctx.cwd)));
      if (f.programme !== undefined && !index.get('programme', f.programme)) throw new UsageError(`方案“${f.programme}”不存在`, `programme "${f.programme}" does not exist`);
      let entry = index.any(id);
      if (!entry) {
        const byNumber = index.all('project').filter((p) => p.data.number === id && (f.programme === undefined || p.data.programme === f.programme));
        if (byNumber.length > 1) throw new UsageError(`项目编号“${id}”对应多个项目：${byNumber.map((p) => `${p.id}（${p.data.programme}）`).join('、')}，请用 --programme 指定方案`, `project number "${id}" matches several projects: ${byNumber.map((p) => p.id).join(', ')}; choose with --programme`);
        entry = byNumber[0];
      }
      if (!entry) throw new UsageError(`记录“${id}”不存在`, `record "${id}" does not exist`);
      if (!showable(entry.kind)) throw new UsageError(`“${id}”不是项目、任务或品牌（品牌档案：djyc brand archive；历史：djyc log）`, `"${id}" is not a project, task or brand (see djyc log)`);
      const v = recordView(index, entry);
      if (!v) throw new UsageError(`${id} 所属的方案不存在`, `the programme of ${id} does not exist`);
      if (f.json) return ctx.out(JSON.stringify(v, null, 2));
      const L = (zh: string, en: string) => tr(ctx.lang, zh, en);
      const lines = [`${v.id}  ${v.title}`, `${L('阶段', 'stage')}：${ctx.lang === 'en' ? v.stage.labelEn : v.stage.label}`];
      for (const fact of v.facts) lines.push(`${say(ctx.lang, fact.label)}：${fact.value}`);
      if (v.recheck) lines.push(`${v.recheck.label}：${recheckText(v.recheck, ctx.lang) || L('已抽中，尚无结论', 'sampled, no result yet')}`);
      lines.push('', L('历史记录', 'history'));
      for (const h of v.history) lines.push(`  ${h.date}  ${h.label}${h.by ? `  ${h.by}` : ''}${h.note ? `  ${h.note}` : ''}`);
      ctx.out(lines.join('\n'));
    }),
  );
}
