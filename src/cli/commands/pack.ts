import path from 'node:path';
import type { Command } from 'commander';
import type { Runner } from '../runner.js';
import { type Lang, tr } from '../../domain/i18n.js';
import { UsageError } from '../../domain/errors.js';
import { checkIsoDate, colors } from '../io.js';
import { today as todayIn } from '../../store/clock.js';
import { pickProgramme } from '../programme-choice.js';
import { addOptions, NOTES, options, SHARED, use, type Options } from '../options.js';

const OPTIONS = options({
  org: use(SHARED.org, { note: { zh: '报送材料的党组织', en: 'the organisation that submits' }, required: true }),
  stage: { flags: '--stage <pack>', zh: '报送环节：方案 packs 中材料包的名称或编号（如 项目认领；默认按今天所在的时间窗口选择）', en: "the submission step: a pack of the programme, by label or id (e.g. 项目认领; default: the one whose window holds today)" },
  notice: { flags: '--notice', zh: '生成领办公示（公开材料，电话号码打码）', en: 'print the public notice of claims (public: phone numbers masked)' },
  programme: use(SHARED.programme, { note: NOTES.currentProgramme }),
  output: use(SHARED.output, { note: { zh: '默认在当前目录下按党组织和环节命名', en: 'default: named after the organisation and the step, in the current folder' }, aliases: ['--out'] }),
  format: use(SHARED.format, { choices: ['pdf', 'docx', 'html'], note: { zh: 'pdf（默认）；材料包也可 docx（Word，每份表单一节）；领办公示也可 html；不指定时按 -o 文件的扩展名', en: "pdf (default); a pack also docx (Word, a section per form); the notice also html; without it, the -o file's extension decides" } }),
  final: { flags: '--final', zh: '定稿：记录有未提交的修改时拒绝生成', en: 'final copy: refuse when the records have uncommitted changes' },
  from: { flags: '--from <YYYY-MM-DD>', zh: '领办公示的公示期开始日期（默认取方案 public.notice_window 窗口）', en: "start of the notice period (default: the programme's public.notice_window)" },
  until: { flags: '--until <YYYY-MM-DD>', zh: '领办公示的公示期结束日期', en: 'end of the notice period' },
  today: SHARED.today,
  json: SHARED.json,
});

function safeName(s: string): string {
  return s.normalize('NFC').replace(/[^\p{L}\p{N}_-]+/gu, '').slice(0, 60) || 'pack';
}

export function register(program: Command, run: Runner, lang: Lang): void {
  const cmd = program
    .command('pack')
    .description(
      tr(
        lang,
        '报送材料包：一个党组织在某一环节报送的全部表单合成一个 PDF（封面、目录、书签、附件材料清单）；--notice 生成领办公示（电话号码打码）',
        'submission pack: every form an organisation submits at a step, as one PDF (cover, contents, bookmarks, list of supporting files); --notice prints the public notice of claims (phone numbers masked)',
      ),
    );
  addOptions(cmd, OPTIONS, lang)
    .action(
      run(async (ctx, opts: Options<typeof OPTIONS>) => {
        const { loadRepository, requireRoot } = await import('../../store/repo.js');
        const { buildNotice, buildPack, choosePack } = await import('../../commands/pack.js');
        const { formatOfFile, progress, requireOrg } = await import('./render.js');
        const { RecordIndex } = await import('../../domain/records.js');
        if (opts.notice && opts.stage) throw new UsageError('--notice 不能与 --stage 同时使用', '--notice cannot be combined with --stage');
        opts.format ??= formatOfFile(opts.output);
        if (opts.format !== 'pdf' && opts.format !== 'html' && opts.format !== 'docx') throw new UsageError(`不支持的格式“${opts.format}”（可用：pdf / docx / html）`, `unknown format "${opts.format}" (known: pdf / docx / html)`);
        if (opts.format === 'html' && !opts.notice) throw new UsageError('材料包不能生成 HTML（--format html 仅用于 --notice）', 'a pack cannot be HTML (--format html is for --notice)');
        if (opts.format === 'docx' && opts.notice) throw new UsageError('领办公示只能生成 PDF 或 HTML', 'the notice is PDF or HTML only');
        if ((opts.from || opts.until) && !opts.notice) throw new UsageError('--from / --until 是领办公示的公示期，仅用于 --notice', '--from / --until are the notice period: for --notice only');
        checkIsoDate(opts.from, '--from');
        checkIsoDate(opts.until, '--until');
        const today = todayIn(opts.today);
        const root = requireRoot(ctx.cwd);
        const repo = loadRepository(root);
        const index = new RecordIndex(repo);
        const orgId = requireOrg(index, opts.org)!;
        const programme = pickProgramme(ctx, repo, opts.programme, today);
        const org = index.get('organisation', orgId)!.data;
        const rel = (p: string) => path.relative(ctx.cwd, p) || p;
        const started = Date.now();

        if (opts.notice) {
          const out = path.resolve(ctx.cwd, opts.output ?? `${safeName(org.short_name ?? org.name)}-领办公示.${opts.format}`);
          const r = await buildNotice({ repo, programme, org: orgId, out, lang: ctx.lang, today, format: opts.format as 'pdf' | 'html', from: opts.from, until: opts.until });
          if (opts.json) ctx.out(JSON.stringify({ ...r, seconds: (Date.now() - started) / 1000 }, null, 2));
          else ctx.out(tr(ctx.lang, `已生成领办公示 ${rel(r.out)}（${r.projects} 个项目、${r.tasks} 项任务，${r.period ? `公示期 ${r.period.from} 至 ${r.period.until}，` : ''}电话号码已打码）`, `wrote the notice ${rel(r.out)} (${r.projects} projects, ${r.tasks} tasks, ${r.period ? `notice period ${r.period.from} – ${r.period.until}, ` : ''}phone numbers masked)`));
          return 0;
        }

        const pack = choosePack(programme, opts.stage, today);
        const format = opts.format as 'pdf' | 'docx';
        const out = path.resolve(ctx.cwd, opts.output ?? `${safeName(org.short_name ?? org.name)}-${safeName(pack.label)}.${format}`);
        const bar = progress(ctx, tr(ctx.lang, '生成材料', 'rendering'));
        let r;
        try {
          r = await buildPack({ repo, programme, org: orgId, pack: pack.id, out, lang: ctx.lang, today, onProgress: bar.tick, format, final: opts.final });
        } finally {
          bar.end();
        }
        if (r.failures.length) {
          const c = await colors(process.stderr);
          ctx.err(c.red(tr(ctx.lang, `${r.failures.length} 份表单生成失败，未生成材料包：`, `${r.failures.length} form(s) failed; no pack was written:`)));
          for (const f of r.failures) ctx.err(`  ${f.label}: ${f.error ?? ''}`);
          return 1;
        }
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        if (opts.json) {
          ctx.out(JSON.stringify({ out: r.out, pack: r.pack.id, label: r.pack.label, pages: r.pages, parts: r.parts, attachments: r.attachments, missing_attachments: r.missingAttachments, seconds: Number(seconds) }, null, 2));
          return 0;
        }
        if (format === 'docx') {
          ctx.out(tr(ctx.lang, `已生成材料包 ${rel(r.out)}：${r.pack.label}，${r.parts.length} 份表单（Word，每份一节），用时 ${seconds} 秒`, `wrote the pack ${rel(r.out)}: ${r.pack.label}, ${r.parts.length} forms (Word, a section each) in ${seconds} s`));
          return 0;
        }
        const forms = r.parts.length - 2 - (r.attachments ? 1 : 0);
        ctx.out(
          tr(
            ctx.lang,
            `已生成材料包 ${rel(r.out)}：${r.pack.label}，${forms} 份表单，共 ${r.pages} 页（封面、目录、书签${r.attachments ? `、附件材料清单 ${r.attachments} 项` : ''}），用时 ${seconds} 秒`,
            `wrote the pack ${rel(r.out)}: ${r.pack.label}, ${forms} forms, ${r.pages} pages (cover, contents, bookmarks${r.attachments ? `, ${r.attachments} supporting files listed` : ''}) in ${seconds} s`,
          ),
        );
        if (r.missingAttachments) {
          ctx.err(tr(ctx.lang, `提示：${r.missingAttachments} 项附件材料在记录库中找不到文件（清单中已注明）`, `note: ${r.missingAttachments} supporting file(s) are missing from the repository (marked in the list)`));
        }
        return 0;
      }),
    );
}
