import path from 'node:path';
import type { Command } from 'commander';
import type { Runner } from '../runner.js';
import { type Lang, tr, T } from '../../domain/i18n.js';
import { checkIsoDate, colors } from '../io.js';
import { UsageError } from '../../domain/errors.js';
import { command, NOTES, options, SHARED, use, type Options } from '../options.js';

const OPTIONS = options({
  output: use(SHARED.output, { note: { zh: '网站文件夹', en: 'the site folder' }, default: 'site' }),
  programme: use(SHARED.programme, { note: NOTES.currentProgramme }),
  today: SHARED.today,
  asOf: SHARED.asOf,
  within: use(SHARED.within, { note: { zh: '首页的“即将到期”', en: 'on the front page' } }),
});

function size(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

export function register(program: Command, run: Runner, lang: Lang): void {
  command(program, lang, 'publish', T('生成党务公开栏网站（领办公示、进度公示、品牌展示、年度评选），可放在内网或直接打开', 'build the public notice board website (claims, progress, brands, selections) for an intranet or file://'), OPTIONS)
    .action(
      run(async (ctx, opts: Options<typeof OPTIONS>) => {
        // Loaded here, so that other commands do not pay for the site builder.
        const { requireRoot } = await import('../../store/repo.js');
        const { parseWithin } = await import('../../domain/deadlines.js');
        const { publishSite } = await import('../../commands/publish.js');
        checkIsoDate(opts.today);
        checkIsoDate(opts.asOf);
        if (opts.asOf && opts.today) throw new UsageError('--as-of 与 --today 只能选一个', 'choose either --as-of or --today');
        const within = parseWithin(opts.within);
        const root = requireRoot(ctx.cwd);
        const out = path.resolve(ctx.cwd, opts.output);
        const r = publishSite(root, { out, programme: opts.programme, today: opts.asOf ?? opts.today, asOf: !!opts.asOf, dated: opts.asOf ? 'as-of' : opts.today ? 'today' : undefined, within, lang: ctx.lang });
        const c = await colors(process.stderr);
        for (const w of r.warnings) ctx.err(c.yellow(`${tr(ctx.lang, '警告：', 'warning: ')}${ctx.lang === 'en' ? w.en : w.zh}`));
        const names: [keyof typeof r.sections, string, string][] = [
          ['claims', '领办公示', 'claims'],
          ['progress', '进度公示', 'progress'],
          ['brands', '品牌展示', 'brands'],
          ['selections', '年度评选', 'selections'],
        ];
        const shown = names.filter(([k]) => r.sections[k]).map(([, zh, en]) => tr(ctx.lang, zh, en));
        if (!shown.length) {
          ctx.err(c.yellow(tr(ctx.lang, '警告：方案的 public 未开放任何栏目，网站只有首页和党组织名单', 'warning: the programme makes nothing public (public:), so the site holds only the front page and the organisations')));
        }
        ctx.out(
          tr(
            ctx.lang,
            `已发布网站：${r.out}（${r.pages} 个页面，${r.files} 个文件，${size(r.bytes)}）\n公开栏目：${shown.join('、') || '无'}；项目 ${r.projects} 个${r.hiddenProjects ? `（另有 ${r.hiddenProjects} 个不公开）` : ''}\n打开 ${path.join(r.out, 'index.html')} 即可浏览，整个文件夹可复制到内网任意位置`,
            `site published: ${r.out} (${r.pages} pages, ${r.files} files, ${size(r.bytes)})\npublic sections: ${shown.join(', ') || 'none'}; ${r.projects} projects${r.hiddenProjects ? ` (${r.hiddenProjects} more not public)` : ''}\nopen ${path.join(r.out, 'index.html')}; the folder can be copied anywhere on an intranet`,
          ),
        );
        if (r.years && r.years.length > 1) {
          const others = r.years.filter((y) => y !== r.programme);
          ctx.out(tr(ctx.lang, `年度：首页为 ${r.programme}；${others.map((y) => `${y} 在 years/${y}/`).join('、')}（每页顶部可切换年度）`, `years: ${r.programme} at the top; ${others.map((y) => `${y} in years/${y}/`).join(', ')} (every page links the years)`));
        }
        return 0;
      }),
    );
}
