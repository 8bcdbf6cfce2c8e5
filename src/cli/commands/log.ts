import type { Command } from 'commander';
import type { Runner } from '../runner.js';
import { T, say, tr, type Lang, type Text } from '../../domain/i18n.js';
import type { LogEntry } from '../../store/gitlog.js';
import { UsageError } from '../../domain/errors.js';
import { colors } from '../io.js';
import { command, NOTES, options, SHARED, use, type Options } from '../options.js';

const FORMATS = ['text', 'json'] as const;

const OPTIONS = options({
  format: use(SHARED.format, { choices: FORMATS, default: 'text' }),
  json: use(SHARED.json, { note: NOTES.sameAsFormatJson }),
  limit: { flags: '-n, --limit <n>', zh: '只显示最近 n 次提交', en: 'only the last n commits' },
});

const OP: Record<LogEntry['op'], Text> = {
  created: T('新建', 'created'),
  modified: T('修改', 'modified'),
  deleted: T('删除', 'deleted'),
};

/** A commit time as Asia/Shanghai wall-clock time (the programmes' days), e.g. 2020-05-11 09:30. */
function shanghaiTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).format(d);
}

export function register(program: Command, run: Runner, lang: Lang): void {
  command(program, lang, 'log <id>', T('一条记录的变更历史（来自 git）：谁、何时、提交说明、哪些字段变了', "a record's history from git: who, when, the commit message and which fields changed"), OPTIONS)
    .action(
      run(async (ctx, id: string, opts: Options<typeof OPTIONS>) => {
        const { requireRoot } = await import('../../store/repo.js');
        const { recordLog, showValue } = await import('../../store/gitlog.js');
        const format = opts.json ? 'json' : opts.format;
        if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`不支持的格式“${format}”（可用：${FORMATS.join(' / ')}）`, `unknown format "${format}" (known: ${FORMATS.join(' / ')})`);
        const limit = opts.limit === undefined ? undefined : Number(opts.limit);
        if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) throw new UsageError('--limit 应为正整数', '--limit must be a positive integer');
        const root = requireRoot(ctx.cwd);
        // A name or number of a record that exists resolves to its id; a deleted record's history is asked for by its id.
        const { loadRepository } = await import('../../store/repo.js');
        const { RecordIndex } = await import('../../domain/records.js');
        const { matchRecords, resolveRecord } = await import('../../domain/resolve.js');
        const { KINDS } = await import('../../domain/kinds.js');
        const index = new RecordIndex(loadRepository(root));
        if (matchRecords(index, id, KINDS).entries.length) id = resolveRecord(index, id, KINDS).id;
        const log = await recordLog(root, id, { limit });
        if (format === 'json') {
          process.stdout.write(`${JSON.stringify(log, null, 2)}\n`);
          return 0;
        }
        const c = await colors();
        const lines: string[] = [c.bold(`${log.file}${log.exists ? '' : tr(ctx.lang, '（已删除）', ' (deleted)')}`), ''];
        if (!log.entries.length) lines.push(tr(ctx.lang, '该文件尚未提交，没有历史。', 'the file has not been committed yet: no history.'));
        for (const e of log.entries) {
          const when = shanghaiTime(e.date);
          lines.push(`${c.yellow(e.commit.slice(0, 8))}  ${when}  ${e.author}  ${c.dim(`[${say(ctx.lang, OP[e.op])}]`)}  ${e.message}`);
          if (e.unparsable) lines.push(`    ${tr(ctx.lang, '（该版本无法解析，未比较字段）', '(a version could not be parsed; fields not compared)')}`);
          for (const ch of e.changes) {
            if (ch.op === 'added') lines.push(`    ${c.green('+')} ${ch.path}: ${showValue(ch.after)}`);
            else if (ch.op === 'removed') lines.push(`    ${c.red('-')} ${ch.path}: ${showValue(ch.before)}`);
            else lines.push(`    ${c.cyan('~')} ${ch.path}: ${showValue(ch.before)} → ${showValue(ch.after)}`);
          }
          lines.push('');
        }
        process.stdout.write(`${lines.join('\n')}`);
        return 0;
      }),
    );
}
