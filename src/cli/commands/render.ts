import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { orgOption, resolveRecord } from '../../domain/resolve.js';
import { KINDS } from '../../domain/kinds.js';
import type { Runner } from '../runner.js';
import { type Lang, tr } from '../../domain/i18n.js';
import { RefusedError, UsageError } from '../../domain/errors.js';
import { requireRoot } from '../../store/root.js';
import type { ProgrammeRecord } from '../../domain/types.generated.js';
import type { FormFormat, FormOutput } from '../../commands/render.js';
import { colors, type CliContext } from '../io.js';
import { displayWidth } from '../../output/text-table.js';
import { RecordIndex, type Repository } from '../../domain/records.js';
import { today as todayIn } from '../../store/clock.js';
import { resolveProgramme, stagesNamed } from '../../domain/programme.js';
import { pickProgramme } from '../programme-choice.js';
import type { FormTarget } from '../../output/forms/targets.js';
import { addOptions, NOTES, options, SHARED, use, type Options, STAGE } from '../options.js';

const FORMATS = ['pdf', 'docx', 'html'] as const;

const OPTIONS = options({
  form: { flags: '-f, --form <form>', zh: '只生成该表单（方案 forms 中的表单编号，或模板名）', en: 'only this form (a form id of the programme, e.g. apply, or a template name)' },
  org: use(SHARED.org, { note: { zh: '批量：该党组织及其下级党组织的全部表单', en: 'batch: every form of this organisation and those under it' } }),
  stage: use(STAGE.stage, { note: { zh: '批量：当前处于该阶段的记录的表单', en: 'batch: the forms of records now in this stage' } }),
  all: { flags: '--all', zh: '批量：方案中全部记录的表单', en: 'batch: the forms of every record of the programme' },
  programme: use(SHARED.programme, { note: NOTES.currentProgramme }),
  output: use(SHARED.output, { note: { zh: '一条记录时为文件或文件夹，默认当前目录；批量时为文件夹，默认 out/forms', en: 'one record: a file or folder, default the current one; a batch: a folder, default out/forms' }, aliases: ['--out'] }),
  format: use(SHARED.format, { choices: FORMATS, note: { zh: 'pdf（默认）、docx（可编辑的 Word 文件）或 html（预览）；不指定时按 -o 文件的扩展名', en: "pdf (default), docx (editable Word) or html (preview); without it, the -o file's extension decides" } }),
  final: { flags: '--final', zh: '定稿：记录有未提交的修改时拒绝生成（否则表单上标“草稿”）', en: 'final copy: refuse when the records have uncommitted changes (otherwise the forms are marked 草稿, draft)' },
  today: SHARED.today,
  json: SHARED.json,
});

/**
 * Progress of a batch: a bar redrawn in place on a terminal, plain lines otherwise (logs, CI). Written to
 * stderr, so that stdout keeps the summary (or --json).
 */
export function progress(ctx: CliContext, label: string, opts: { paths?: boolean } = {}): { tick: (done: number, total: number, o: FormOutput) => void; end: () => void } {
  const tty = !!process.stderr.isTTY && !process.env.CI;
  let drawn = false;
  return {
    tick(done, total, o) {
      if (tty) {
        const width = 24;
        const filled = Math.round((done / Math.max(1, total)) * width);
        const cols = process.stderr.columns || 80;
        let line = `${label} [${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${done}/${total} ${o.ok ? '' : '✗ '}${o.label}`;
        // Keep to one terminal line (CJK characters take two columns).
        let w = 0;
        let cut = '';
        for (const ch of line) {
          w += displayWidth(ch);
          if (w > cols - 1) break;
          cut += ch;
        }
        line = cut;
        process.stderr.write(`\r\x1b[2K${line}`);
        drawn = true;
      } else {
        const what = opts.paths ? path.relative(ctx.cwd, o.out) || o.out : o.label;
        process.stderr.write(`[${done}/${total}] ${o.ok ? tr(ctx.lang, '完成', 'ok') : tr(ctx.lang, '失败', 'FAILED')} ${what}\n`);
      }
    },
    end() {
      if (tty && drawn) process.stderr.write('\r\x1b[2K');
    },
  };
}

function findForms(programme: ProgrammeRecord, name: string | undefined): string[] | undefined {
  if (!name) return undefined;
  const forms = programme.forms ?? [];
  const byId = forms.filter((f) => f.id === name);
  const byTemplate = forms.filter((f) => f.template === name);
  const found = byId.length ? byId : byTemplate;
  if (!found.length) {
    const known = forms.map((f) => `${f.id}（${f.annex ? `${f.annex} ` : ''}${f.title}）`).join('、');
    throw new UsageError(`方案“${programme.id}”中没有表单“${name}”（可用：${known}）`, `programme "${programme.id}" has no form "${name}" (available: ${forms.map((f) => f.id).join(', ')})`);
  }
  return found.map((f) => f.id);
}

/** The programme a record belongs to (or the repository's default one). */
export async function programmeFor(repo: Repository, index: RecordIndex, id: string | undefined, explicit: string | undefined, today: string): Promise<ProgrammeRecord> {
  if (id) {
    const { formSubjectOf } = await import('../../output/forms/targets.js');
    const r = index.any(id);
    if (!r) throw new UsageError(`记录“${id}”不存在`, `record "${id}" does not exist`);
    const subject = formSubjectOf(index, r);
    const pid = subject.kind === 'programme' ? subject.id : (subject.data as { programme?: string }).programme;
    if (pid) return resolveProgramme(repo, explicit ?? pid, today);
  }
  return resolveProgramme(repo, explicit, today);
}

/** The organisation `--org` names (by id, name or short name: domain/resolve.ts), as its id. */
export function requireOrg(index: RecordIndex, text: string | undefined): string | undefined {
  return orgOption(index, text);
}

/** The format an output file's extension names (.pdf, .docx, .html), else pdf. */
export function formatOfFile(out: string | undefined): string {
  const ext = out ? path.extname(out).toLowerCase() : '';
  return ext === '.docx' || ext === '.html' ? ext.slice(1) : 'pdf';
}

/** Says how many forms are drafts (rendered from uncommitted changes) and how to get final copies. */
export function draftNote(ctx: CliContext, outputs: FormOutput[]): void {
  const drafts = outputs.filter((o) => o.draft).length;
  if (!drafts) return;
  ctx.err(
    tr(
      ctx.lang,
      `提示：${drafts} 份表单的记录有未提交的修改，表单上已标“草稿”；提交后再生成即为定稿（--final 在有未提交修改时拒绝生成）`,
      `note: ${drafts} form(s) come from uncommitted changes and are marked 草稿 (draft); commit, then render again for final copies (--final refuses drafts)`,
    ),
  );
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(1);
}

export function register(program: Command, run: Runner, lang: Lang): void {
  const cmd = program
    .command('render [id]')
    .description(
      tr(
        lang,
        '生成正式表单（PDF；--format docx 生成可编辑的 Word 文件；--format html 预览）：一条记录的表单，或按 --org / --stage / --all 批量生成到文件夹。PDF 和 Word 文件页脚带验证码和二维码（djyc verify 核对）',
        'print the official forms (PDF; --format docx for editable Word files; --format html to preview): one record\'s forms, or a batch by --org / --stage / --all into a folder. PDF and Word files carry a verification code and QR code in the footer (check with djyc verify)',
      ),
    );
  addOptions(cmd, OPTIONS, lang)
    .action(
      run(async (ctx, id: string | undefined, opts: Options<typeof OPTIONS>) => {
        const chosen = opts.format ?? formatOfFile(opts.output);
        if (!(FORMATS as readonly string[]).includes(chosen)) throw new UsageError(`不支持的格式“${chosen}”（可用：${FORMATS.join(' / ')}）`, `unknown format "${chosen}" (known: ${FORMATS.join(' / ')})`);
        const format = chosen as FormFormat;
        const batch = !!(opts.org || opts.stage || opts.all);
        if (!id && !batch) {
          throw new UsageError('请指定记录编号，或用 --org / --stage / --all 批量生成', 'name a record id, or use --org / --stage / --all for a batch');
        }
        if (id && batch) throw new UsageError('记录编号不能与 --org / --stage / --all 同时使用', 'a record id cannot be combined with --org / --stage / --all');
        const today = todayIn(opts.today);
        const root = requireRoot(ctx.cwd);
        // One record's forms: only the records they show (store/partial.ts), else the whole repository. Its git
        // processes start first and run while puppeteer loads and Chromium boots in its own processes: one form
        // waits for the longer of these, not for their sum.
        const { loadForRecord } = await import('../../store/partial.js');
        const partial = id && !batch ? loadForRecord(root, id) : undefined;
        partial?.catch(() => undefined);
        const { startBrowser } = await import('../../pdf/browser.js');
        const early = format === 'pdf' ? await startBrowser({ lang: ctx.lang }) : undefined;
        try {
          const { loadRepository } = await import('../../store/repo.js');
          const { renderDocxBundle, renderForms, viewContext } = await import('../../commands/render.js');
          const { selectTargets, withArchiveForm } = await import('../../output/forms/targets.js');
          const repo = (await partial) ?? loadRepository(root);
          const index = new RecordIndex(repo);
          const org = requireOrg(index, opts.org);
          if (id) id = resolveRecord(index, id, KINDS.filter((k) => k !== 'programme'), tr(ctx.lang, '记录', 'record')).id;
          const programme = withArchiveForm(id ? await programmeFor(repo, index, id, opts.programme, today) : pickProgramme(ctx, repo, opts.programme, today), opts.form);
          const forms = findForms(programme, opts.form);
          let stage: string | undefined;
          if (opts.stage) {
            // By label or id (domain/programme.ts stagesNamed), across the programme's tracks.
            const ids = [...new Set((['project', 'task', 'brand'] as const).flatMap((t) => stagesNamed(programme, t, opts.stage!).map((s) => s.id)))];
            const labels = [...new Set((['project', 'task', 'brand'] as const).flatMap((t) => (programme[t]?.stages ?? []).map((s) => s.label)))];
            if (!ids.length) throw new UsageError(`方案“${programme.id}”中没有阶段“${opts.stage}”（可用：${labels.join('、')}）`, `programme "${programme.id}" has no stage "${opts.stage}" (known: ${labels.join(', ')})`);
            if (ids.length > 1) throw new UsageError(`“${opts.stage}”对应多个阶段：${ids.join('、')}，请写阶段编号`, `"${opts.stage}" names several stages: ${ids.join(', ')}; use the stage id`);
            stage = ids[0];
          }
          const vctx = viewContext(repo, programme, { today });
          const targets: FormTarget[] = selectTargets(index, programme, { forms, org, stage, record: id });
          if (targets.length === 0) {
            throw new RefusedError(
              id
                ? `记录“${id}”还没有可生成的表单（尚未到达任何表单所在的阶段；可用 --form 指定表单生成空白表）`
                : '没有符合条件的表单',
              id ? `record "${id}" has no form to print yet (it has not reached the stage of any form; name one with --form to print it blank)` : 'no form matches',
            );
          }

          const ext = `.${format}`;
          let outDir: string;
          let outFile: string | undefined;
          let mergeTo: string | undefined;
          const out = opts.output ? path.resolve(ctx.cwd, opts.output) : undefined;
          if (!batch && out && !(fs.existsSync(out) && fs.statSync(out).isDirectory()) && path.extname(out).toLowerCase() === ext) {
            if (targets.length === 1) outFile = out;
            else if (format !== 'html') mergeTo = out;
            else throw new UsageError(`该记录有 ${targets.length} 份表单：HTML 请输出到文件夹（-o 文件夹）`, `this record has ${targets.length} forms: write HTML to a folder (-o folder)`);
          }
          if (mergeTo && format === 'docx') {
            // Several forms of one record into one Word file: a section per form.
            const started = Date.now();
            const r = await renderDocxBundle(vctx, targets, mergeTo, { title: targets.length ? `${path.basename(mergeTo, '.docx')}` : '', final: opts.final });
            const seconds = (Date.now() - started) / 1000;
            if (opts.json) {
              ctx.out(JSON.stringify({ programme: programme.id, format, seconds, merged: { out: r.out }, outputs: r.forms.map((o) => ({ form: o.target.form.id, record: o.target.record.id, member: o.target.member, unit: o.target.unit, title: o.label, ok: true, code: o.code, draft: o.draft })) }, null, 2));
            } else {
              ctx.out(tr(ctx.lang, `已生成 ${path.relative(ctx.cwd, r.out) || r.out}（${r.forms.length} 份表单，每份一节）`, `wrote ${path.relative(ctx.cwd, r.out) || r.out} (${r.forms.length} forms, a section each)`));
              draftNote(ctx, r.forms);
            }
            return 0;
          }
          outDir = mergeTo ? fs.mkdtempSync(path.join(os.tmpdir(), 'djyc-render-')) : (out ?? (batch ? path.join(ctx.cwd, 'out', 'forms') : ctx.cwd));
          if (outFile) outDir = path.dirname(outFile);

          const started = Date.now();
          const bar = progress(ctx, tr(ctx.lang, '生成表单', 'rendering'), { paths: !mergeTo });
          let outputs: FormOutput[];
          try {
            outputs = await renderForms(vctx, targets, {
              outDir,
              outFile,
              format,
              final: opts.final,
              browser: await early?.browser(),
              lang: ctx.lang,
              onProgress: targets.length > 1 ? bar.tick : undefined,
            });
          } finally {
            bar.end();
          }
          const elapsed = Date.now() - started;
          const failed = outputs.filter((o) => !o.ok);
          let merged: number | undefined;
          if (mergeTo && failed.length === 0) {
            const { mergePdfs } = await import('../../pdf/pdf.js');
            merged = await mergePdfs(
              outputs.map((o) => ({ title: o.label, path: o.out })),
              mergeTo,
              { outline: true, title: outputs[0]?.label, verify: outputs.map((o) => o.stampText).filter((t): t is string => !!t) },
            );
          }
          if (mergeTo) fs.rmSync(outDir, { recursive: true, force: true });
          const ok = outputs.filter((o) => o.ok);
          const rate = ok.length / Math.max(0.001, elapsed / 1000);
          if (opts.json) {
            ctx.out(
              JSON.stringify(
                {
                  programme: programme.id,
                  format,
                  seconds: Number(seconds(elapsed)),
                  forms_per_second: Number(rate.toFixed(1)),
                  merged: mergeTo && merged !== undefined ? { out: mergeTo, pages: merged } : undefined,
                  outputs: outputs.map((o) => ({ form: o.target.form.id, record: o.target.record.id, member: o.target.member, unit: o.target.unit, title: o.label, out: mergeTo ? undefined : o.out, ok: o.ok, pages: o.pages, code: o.code, draft: o.draft, error: o.error, missing_glyphs: o.missingGlyphs })),
                },
                null,
                2,
              ),
            );
          } else {
            const rel = (p: string) => path.relative(ctx.cwd, p) || p;
            if (mergeTo && merged !== undefined) {
              ctx.out(tr(ctx.lang, `已生成 ${rel(mergeTo)}（${ok.length} 份表单，共 ${merged} 页，含书签）`, `wrote ${rel(mergeTo)} (${ok.length} forms, ${merged} pages, with bookmarks)`));
            } else if (!batch && ok.length <= 3) {
              for (const o of ok) ctx.out(tr(ctx.lang, `已生成 ${rel(o.out)}（${o.label}${o.pages ? `，${o.pages} 页` : ''}）`, `wrote ${rel(o.out)} (${o.label}${o.pages ? `, ${o.pages} page(s)` : ''})`));
            } else {
              ctx.out(
                tr(
                  ctx.lang,
                  `已生成 ${ok.length} 份表单（${format.toUpperCase()}）到 ${rel(outDir)}，用时 ${seconds(elapsed)} 秒（${rate.toFixed(1)} 份/秒）`,
                  `wrote ${ok.length} forms (${format.toUpperCase()}) to ${rel(outDir)} in ${seconds(elapsed)} s (${rate.toFixed(1)} forms/s)`,
                ),
              );
            }
            draftNote(ctx, ok);
            const { describeChar } = await import('../../output/charmap.js');
            for (const o of ok) {
              if (!o.missingGlyphs?.length) continue;
              const chars = o.missingGlyphs.map(describeChar).join(tr(ctx.lang, '、', ', '));
              ctx.err(tr(ctx.lang, `提示：${rel(o.out)} 中以下字符没有内置字体，可能印成方框：${chars}`, `note: no bundled font has these characters of ${rel(o.out)}; they may print as boxes: ${chars}`));
            }
          }
          if (failed.length) {
            const c = await colors(process.stderr);
            ctx.err(c.red(tr(ctx.lang, `${failed.length} 份表单生成失败：`, `${failed.length} form(s) failed:`)));
            for (const f of failed) ctx.err(`  ${f.label} → ${path.relative(ctx.cwd, f.out) || f.out}: ${f.error ?? ''}`);
            return 1;
          }
          return 0;
        } finally {
          await early?.close();
        }
      }),
    );
}
