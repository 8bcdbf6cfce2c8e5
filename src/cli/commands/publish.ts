import path from 'node:path';
import type { Command } from 'commander';
import type { Runner } from '../main.js';
import { type Lang, tr } from '../../domain/i18n.js';
import { checkIsoDate, colors } from '../io.js';

function size(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

export function register(program: Command, run: Runner, lang: Lang): void {
  program
    .command('publish')
    .description(tr(lang, '生成党务公开栏网站（领办公示、进度公示、品牌展示、年度评选），可放在内网或直接打开', 'build the public notice board website (claims, progress, brands, selections) for an intranet or file://'))
    .option('-o, --output <dir>', tr(lang, '输出文件夹（默认 site/）', 'output folder (default site/)'), 'site')
    .option('--programme <id>', tr(lang, '方案编号（默认记录库的默认方案）', 'programme id (default: the repository default)'))
    .option('--today <date>', tr(lang, '按该日期发布（默认今天；也可设 DJYC_TODAY）', 'publish as of this date (default today; or DJYC_TODAY)'))
    .option('--within <days>', tr(lang, '首页“即将到期”的天数，例如 14d、2w', 'how soon counts as "due soon" on the front page, e.g. 14d, 2w'), '14d')
    .action(
      run(async (ctx, opts: { output: string; programme?: string; today?: string; within: string }) => {
        // Loaded here, so that other commands do not pay for the site builder.
        const { requireRoot } = await import('../../store/repo.js');
        const { parseWithin } = await import('../../domain/deadlines.js');
        const { publishSite } = await import('../../commands/publish.js');
        checkIsoDate(opts.today);
        const within = parseWithin(opts.within);
        const root = requireRoot(ctx.cwd);
        const out = path.resolve(ctx.cwd, opts.output);
        const r = publishSite(root, { out, programme: opts.programme, today: opts.today, within, lang: ctx.lang });
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
        return 0;
      }),
    );
}
