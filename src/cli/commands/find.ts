import type { Command } from 'commander';
import type { Runner } from '../runner.js';
import { type Lang, say, tr, T } from '../../domain/i18n.js';
import { textTable } from '../../output/text-table.js';
import { command, options, SHARED, type Options } from '../options.js';

const OPTIONS = options({
  kind: { flags: '--kind <kind>', zh: '只找这一类记录（项目、任务、党组织、党员 …）', en: 'only this kind of record (project, task, org, member …)' },
  json: SHARED.json,
});

export function register(program: Command, run: Runner, lang: Lang): void {
  command(program, lang, 'find <text>', T('查找记录：按名称、项目名称、项目编号、记录编号、任务内容，或拼音、拼音首字母', 'find records by name, title, project number, id, task content, or pinyin and pinyin initials (jtaq finds 交通安全)'), OPTIONS).action(
    run(async (ctx, text: string, f: Options<typeof OPTIONS>) => {
      const { requireRoot } = await import('../../store/repo.js');
      const { find } = await import('../../commands/browse.js');
      const hits = find({ root: requireRoot(ctx.cwd), text, kind: f.kind, lang: ctx.lang });
      if (f.json) {
        ctx.out(JSON.stringify(hits.map((h) => ({ ...h, where: say(ctx.lang, h.where) })), null, 2));
        return hits.length ? 0 : 1;
      }
      if (!hits.length) {
        ctx.out(tr(ctx.lang, `没有找到“${text}”。`, `nothing found for "${text}".`));
        return 1;
      }
      const headers = ctx.lang === 'en' ? ['kind', 'name', 'stage', 'found in', 'id'] : ['类别', '名称', '阶段', '匹配', '编号'];
      const kinds: Record<string, string> = {};
      const { kindLabel } = await import('../../domain/i18n.js');
      for (const h of hits) kinds[h.kind] = kindLabel(h.kind, ctx.lang);
      ctx.out(textTable(headers, hits.map((h) => [kinds[h.kind]!, h.name, h.stage, say(ctx.lang, h.where), h.id])));
      return 0;
    }),
  );
}
