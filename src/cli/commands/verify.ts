import type { Command } from 'commander';
import type { Runner } from '../runner.js';
import { T, say, tr, type Lang, type Text } from '../../domain/i18n.js';
import type { VerifyOutcome } from '../../commands/verify.js';
import { colors } from '../io.js';
import { addOptions, options, SHARED } from '../options.js';

const OPTIONS = options({ json: SHARED.json });

const REASON: Record<NonNullable<VerifyOutcome['reason']>, Text> = {
  draft: T('该表单生成于未提交的修改（草稿），无法列出变更的字段', 'the form was made from uncommitted changes (a draft): the changed fields cannot be listed'),
  'commit-missing': T('表单记下的提交在本记录库中找不到，无法列出变更的字段', 'the commit the form names is not in this repository: the changed fields cannot be listed'),
  'other-repository': T('表单来自另一个记录库', 'the form comes from another repository'),
  'no-record': T('记录库中没有这条记录', 'the repository has no such record'),
  'no-form': T('记录所属方案中没有这份表单', "the record's programme has no such form"),
  'no-target': T('该记录已没有这份表单（成员或单位已不在其中）', 'the record no longer has this form (the member or unit is no longer part of it)'),
  'record-deleted': T('记录已被删除', 'the record has been deleted'),
  'code-not-found': T('当前记录中没有哪份表单带这个验证码：记录可能已变更，请核对文件或二维码内容', 'no form of the records as they are now has this code: the record may have changed; check the file or the QR code text instead'),
};

const OP: Record<'added' | 'removed' | 'changed', Text> = {
  added: T('表单现在还显示', 'now also shown'),
  removed: T('表单不再显示（或已删除）', 'no longer shown (or deleted)'),
  changed: T('已修改', 'changed'),
};

export function register(program: Command, run: Runner, lang: Lang): void {
  const cmd = program
    .command('verify <file-or-code>')
    .description(
      tr(
        lang,
        '核对表单：读取 PDF / Word 文件中的验证信息、二维码内容或验证码，判断记录库是否仍是表单生成时的内容（一致 / 记录已变更及变更字段 / 未知记录）',
        'check a form: read the verification data of a PDF or Word file, a QR code text or a verification code, and tell whether the repository still holds what the form was made from (matches / changed, with the fields / unknown record)',
      ),
    );
  addOptions(cmd, OPTIONS, lang)
    .action(
      run(async (ctx, input: string, opts: { json?: boolean }) => {
        const { loadRepository, requireRoot } = await import('../../store/repo.js');
        const { showValue } = await import('../../store/gitlog.js');
        const { verifyInput } = await import('../../commands/verify.js');
        const repo = loadRepository(requireRoot(ctx.cwd));
        const outcomes = await verifyInput(repo, input, ctx.cwd);
        const ok = outcomes.every((o) => o.status === 'matches');
        if (opts.json) {
          ctx.out(JSON.stringify({ ok, forms: outcomes }, null, 2));
          return ok ? 0 : 1;
        }
        const c = await colors();
        for (const o of outcomes) {
          const what = [o.form, o.payload.ids.join(' / ')].filter(Boolean).join('：');
          const commit = o.payload.commit ? tr(ctx.lang, `，提交 ${o.payload.commit.slice(0, 8)}`, `, commit ${o.payload.commit.slice(0, 8)}`) : tr(ctx.lang, '，草稿', ', draft');
          if (o.status === 'matches') {
            ctx.out(c.green(tr(ctx.lang, `✓ 一致：${what}（记录库中的记录与表单生成时相同${commit}）`, `✓ matches: ${what} (the records are as when the form was made${commit})`)));
            continue;
          }
          if (o.status === 'unknown') {
            ctx.out(c.red(tr(ctx.lang, `✗ 未知记录：${what || input}`, `✗ unknown record: ${what || input}`)) + (o.reason ? `\n  ${say(ctx.lang, REASON[o.reason])}` : ''));
            continue;
          }
          ctx.out(c.red(tr(ctx.lang, `✗ 记录已变更：${what}（表单生成后记录有改动${commit}）`, `✗ the record changed since: ${what} (changed after the form was made${commit})`)));
          if (o.reason) ctx.out(`  ${say(ctx.lang, REASON[o.reason])}`);
          for (const rc of o.changes) {
            ctx.out(`  ${rc.kind} ${rc.id}${rc.op === 'changed' ? '' : `（${say(ctx.lang, OP[rc.op])}）`}`);
            for (const f of rc.fields) {
              if (f.op === 'added') ctx.out(`    ${c.green('+')} ${f.path}: ${showValue(f.after)}`);
              else if (f.op === 'removed') ctx.out(`    ${c.red('-')} ${f.path}: ${showValue(f.before)}`);
              else ctx.out(`    ${c.cyan('~')} ${f.path}: ${showValue(f.before)} → ${showValue(f.after)}`);
            }
          }
        }
        return ok ? 0 : 1;
      }),
    );
}
