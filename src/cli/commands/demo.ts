import path from 'node:path';
import type { Command } from 'commander';
import type { Runner } from '../runner.js';
import { type Lang, tr } from '../../domain/i18n.js';
import { kindLabels } from '../../domain/i18n.js';
import { colors } from '../io.js';
import { PACKAGE_ROOT } from '../../assets/paths.js';
import { addOptions, options, SHARED, use, type Options } from '../options.js';

const OPTIONS = options({
  output: use(SHARED.output, { note: { zh: '演示文件夹：记录库在 repo/，PDF 在 pdf/', en: 'the demo folder: the repository in repo/, PDFs in pdf/' }, default: 'demo-output', aliases: ['--dir'] }),
  pdf: { flags: '--no-pdf', zh: '只建记录库，不生成 PDF', en: 'build the repository only, no PDFs' },
  json: SHARED.json,
});

export function register(program: Command, run: Runner, lang: Lang): void {
  const cmd = program
    .command('demo')
    .description(
      tr(
        lang,
        '演示：新建一个“双领一创”（惠山区 2020）示例记录库，逐步写入组织、党员、项目、承诺、任务、执行书、结项、验收评议和品牌（每步一次提交），再生成全部表单、一个报送材料包和领办公示',
        'demo: build a sample records repository for 双领一创 (Huishan 2020) step by step — organisations, members, projects, commitments, tasks, reports, closures, ratings and a brand, one commit per step — then print every form, a submission pack and the public notice',
      ),
    );
  addOptions(cmd, OPTIONS, lang)
    .action(
      run(async (ctx, opts: Options<typeof OPTIONS>) => {
        const { buildDemo, DEMO_PACK, DEMO_PACK_ORG, prepareDemoOutput } = await import('../../demo/demo.js');
        const { loadRepository } = await import('../../store/repo.js');
        const { renderForms, viewContext } = await import('../../commands/render.js');
        const { buildNotice, buildPack } = await import('../../commands/pack.js');
        const { closeBrowser, launchBrowser } = await import('../../pdf/browser.js');
        const { progress } = await import('./render.js');
        const { resolveProgramme } = await import('../../domain/programme.js');
        const { selectTargets } = await import('../../output/forms/targets.js');
        const c = await colors();
        const started = Date.now();
        const outRoot = prepareDemoOutput(path.resolve(ctx.cwd, opts.output));
        const rel = (p: string) => path.relative(ctx.cwd, p) || p;
        const say = (zh: string, en: string) => {
          if (!opts.json) ctx.out(tr(ctx.lang, zh, en));
        };

        say(`== 1/3 记录库：${rel(path.join(outRoot, 'repo'))}`, `== 1/3 records repository: ${rel(path.join(outRoot, 'repo'))}`);
        const demo = await buildDemo(path.join(outRoot, 'repo'), (s) => {
          say(`  ${c.green('✓')} ${s.commit.slice(0, 8)} ${s.message}${s.records ? `（${s.records} 条记录）` : ''}`, `  ${c.green('✓')} ${s.commit.slice(0, 8)} ${s.message}${s.records ? ` (${s.records} records)` : ''}`);
        });
        const repoSeconds = (Date.now() - started) / 1000;
        const counts = Object.entries(demo.counts)
          .map(([k, n]) => `${tr(ctx.lang, kindLabels[k as keyof typeof kindLabels]?.zh ?? k, k)} ${n}`)
          .join(tr(ctx.lang, '，', ', '));
        say(`  ${demo.steps.length} 次提交，${counts}（${repoSeconds.toFixed(1)} 秒）`, `  ${demo.steps.length} commits; ${counts} (${repoSeconds.toFixed(1)} s)`);

        const result: Record<string, unknown> = { dir: outRoot, repo: demo.root, programme: demo.programme, commits: demo.steps.length, records: demo.counts, repo_seconds: repoSeconds };
        if (opts.pdf) {
          const repo = loadRepository(demo.root);
          const programme = resolveProgramme(repo, demo.programme);
          const today = '2020-12-30';
          const vctx = viewContext(repo, programme, { today });
          const targets = selectTargets(vctx.index, programme, {});
          const pdfDir = path.join(outRoot, 'pdf');
          const browser = await launchBrowser({ lang: ctx.lang });
          try {
            say(`== 2/3 全部表单：${rel(path.join(pdfDir, 'forms'))}`, `== 2/3 every form: ${rel(path.join(pdfDir, 'forms'))}`);
            const t0 = Date.now();
            const bar = progress(ctx, tr(ctx.lang, '生成表单', 'rendering'));
            const outputs = await renderForms(vctx, targets, { outDir: path.join(pdfDir, 'forms'), browser, lang: ctx.lang, onProgress: !opts.json && process.stderr.isTTY ? bar.tick : undefined });
            bar.end();
            const formSeconds = (Date.now() - t0) / 1000;
            const ok = outputs.filter((o) => o.ok);
            const byForm = new Map<string, number>();
            for (const o of ok) {
              const f = o.target.form;
              const key = o.group ?? f.title;
              byForm.set(key, (byForm.get(key) ?? 0) + 1);
            }
            for (const [k, n] of byForm) say(`  ${k} × ${n}`, `  ${k} × ${n}`);
            say(
              `  ${ok.length} 份表单，${ok.reduce((n, o) => n + (o.pages ?? 0), 0)} 页，用时 ${formSeconds.toFixed(1)} 秒（${(ok.length / formSeconds).toFixed(1)} 份/秒）`,
              `  ${ok.length} forms, ${ok.reduce((n, o) => n + (o.pages ?? 0), 0)} pages in ${formSeconds.toFixed(1)} s (${(ok.length / formSeconds).toFixed(1)} forms/s)`,
            );
            const failed = outputs.filter((o) => !o.ok);
            for (const f of failed) ctx.err(c.red(`  ✗ ${f.label}: ${f.error ?? ''}`));

            say('== 3/3 报送材料包与领办公示', '== 3/3 submission pack and public notice');
            const t1 = Date.now();
            const org = repo.records.find((r) => r.id === DEMO_PACK_ORG)!.data as { name: string; short_name?: string };
            const packId = DEMO_PACK;
            const pack = await buildPack({ repo, programme, org: DEMO_PACK_ORG, pack: packId, out: path.join(pdfDir, `${org.short_name ?? org.name}-结项申请及品牌申报.pdf`), lang: ctx.lang, today, browser });
            if (pack.failures.length) for (const f of pack.failures) ctx.err(c.red(`  ✗ ${f.label}: ${f.error ?? ''}`));
            else say(`  ${rel(pack.out)}：${pack.pack.label}，${pack.parts.length - 2 - (pack.attachments ? 1 : 0)} 份表单，${pack.pages} 页（封面、目录、书签、附件材料清单）`, `  ${rel(pack.out)}: ${pack.pack.label}, ${pack.parts.length - 2 - (pack.attachments ? 1 : 0)} forms, ${pack.pages} pages (cover, contents, bookmarks, supporting files)`);
            const notice = await buildNotice({ repo, programme, org: DEMO_PACK_ORG, out: path.join(pdfDir, `${org.short_name ?? org.name}-领办公示.pdf`), lang: ctx.lang, today: '2020-05-01', browser });
            say(`  ${rel(notice.out)}：${notice.projects} 个项目、${notice.tasks} 项任务（电话号码已打码）`, `  ${rel(notice.out)}: ${notice.projects} projects, ${notice.tasks} tasks (phone numbers masked)`);
            const packSeconds = (Date.now() - t1) / 1000;
            Object.assign(result, {
              pdf: pdfDir,
              forms: ok.length,
              forms_failed: failed.length,
              forms_seconds: formSeconds,
              forms_per_second: Number((ok.length / formSeconds).toFixed(1)),
              pack: { out: pack.out, pages: pack.pages, parts: pack.parts.map((p) => p.title) },
              notice: notice.out,
              pack_seconds: packSeconds,
            });
            if (failed.length || pack.failures.length) {
              result.seconds = (Date.now() - started) / 1000;
              if (opts.json) ctx.out(JSON.stringify(result, null, 2));
              return 1;
            }
          } finally {
            await closeBrowser(browser);
          }
        }
        result.seconds = (Date.now() - started) / 1000;
        if (opts.json) {
          ctx.out(JSON.stringify(result, null, 2));
        } else {
          // How to call djyc from inside the demo repository: by its path when it is not installed.
          const bin = path.join(PACKAGE_ROOT, 'bin', 'djyc');
          const cli = process.argv[1] && path.resolve(process.argv[1]) === bin ? `node ${path.relative(demo.root, bin)}` : 'djyc';
          ctx.out(
            tr(
              ctx.lang,
              `完成，共用时 ${(result.seconds as number).toFixed(1)} 秒。试试：\n  cd ${rel(demo.root)}\n  ${cli} validate\n  ${cli} render --org ${DEMO_PACK_ORG} -o out/forms\n  ${cli} pack --org ${DEMO_PACK_ORG} --notice`,
              `done in ${(result.seconds as number).toFixed(1)} s. Try:\n  cd ${rel(demo.root)}\n  ${cli} validate\n  ${cli} render --org ${DEMO_PACK_ORG} -o out/forms\n  ${cli} pack --org ${DEMO_PACK_ORG} --notice`,
            ),
          );
        }
        return 0;
      }),
    );
}
