import path from 'node:path';
import type { Command } from 'commander';
import type { Runner } from '../runner.js';
import { type Lang, T, tr } from '../../domain/i18n.js';
import { opOptions, printOp } from '../workflow-output.js';
import type { ImportResult } from '../../commands/import.js';
import { UsageError } from '../../domain/errors.js';
import { IMPORT_KINDS, type ImportKind } from '../../domain/kinds.js';
import type { TableEncoding } from '../../commands/import-table.js';
import { command, options, SHARED, use, WRITE, type Options } from '../options.js';

const KIND_ZH: Record<ImportKind, string> = { org: '党组织', member: '党员', project: '项目' };
const KIND_EN: Record<ImportKind, string> = { org: 'organisations', member: 'members', project: 'projects' };

function encodingLabel(e: TableEncoding, lang: Lang): string {
  const zh: Record<TableEncoding, string> = {
    'utf-8': 'UTF-8', 'utf-8-bom': 'UTF-8（带 BOM）', gb18030: 'GB18030（GBK）', 'utf-16le': 'UTF-16', 'utf-16be': 'UTF-16', xlsx: 'Excel 工作簿',
  };
  const en: Record<TableEncoding, string> = {
    'utf-8': 'UTF-8', 'utf-8-bom': 'UTF-8 (BOM)', gb18030: 'GB18030 (GBK)', 'utf-16le': 'UTF-16', 'utf-16be': 'UTF-16', xlsx: 'Excel workbook',
  };
  return (lang === 'en' ? en : zh)[e];
}

function report(r: ImportResult, lang: Lang): string {
  const lines: string[] = [];
  const n = r.records.length;
  const orgs = r.createdOrganisations.length;
  const source = r.sheet ? `${r.file}（${r.sheet}）` : r.file;
  if (r.dryRun) {
    lines.push(tr(lang, `试运行：${source} 可导入 ${n} 个${KIND_ZH[r.kind]}${orgs ? `，并新建党组织 ${orgs} 个` : ''}（未写入任何文件）`, `dry run: ${source} would import ${n} ${KIND_EN[r.kind]}${orgs ? ` and create ${orgs} organisations` : ''} (nothing written)`));
  } else {
    lines.push(tr(lang, `已从 ${source} 导入 ${n} 个${KIND_ZH[r.kind]}${orgs ? `，新建党组织 ${orgs} 个` : ''}`, `imported ${n} ${KIND_EN[r.kind]} from ${source}${orgs ? `, created ${orgs} organisations` : ''}`));
  }
  lines.push(tr(lang, `编码：${encodingLabel(r.encoding, lang)}`, `encoding: ${encodingLabel(r.encoding, lang)}`));
  if (r.programme) lines.push(tr(lang, `方案：${r.programme}`, `programme: ${r.programme}`));
  for (const x of r.records) lines.push(`  ${tr(lang, `第 ${x.line} 行`, `line ${x.line}`)} → ${x.path}  ${x.name}`);
  if (orgs) {
    lines.push(tr(lang, '新建党组织（类型按名称推断，请核对）：', 'new organisations (type guessed from the name: check it):'));
    for (const x of r.createdOrganisations) lines.push(`  ${x.path}  ${x.name}`);
  }
  if (r.commit) lines.push(tr(lang, `提交：${r.commit.slice(0, 8)}`, `commit: ${r.commit.slice(0, 8)}`));
  return lines.join('\n');
}

const OPTIONS = options({
  kind: { flags: '--kind <kind>', zh: '导入的记录种类', en: 'what to import', note: { zh: 'org 为党组织，member 为党员，project 为项目', en: 'organisations, members or projects' }, choices: IMPORT_KINDS },
  programme: use(SHARED.programme, { note: { zh: '导入项目所属的方案；默认：记录库的默认方案', en: "the imported projects' programme; default: the repository's default programme" } }),
  createMissing: { flags: '--create-missing', zh: '自动新建文件中提到但记录库中没有的党组织（类型按名称推断）', en: 'create organisations the file names but the repository lacks (type guessed from the name)' },
  sheet: { flags: '--sheet <name>', zh: 'Excel 工作表名称（默认第一个有数据的工作表）', en: 'worksheet name (default: the first with data)' },
  ...WRITE,
});

export function register(program: Command, run: Runner, lang: Lang): void {
  command(program, lang, 'import <file>', T('从台账（CSV 或 Excel 工作簿，中文表头）批量导入党组织、党员或项目：全部有效才写入，一次提交', 'bulk import organisations, members or projects from a ledger (CSV or .xlsx, Chinese headers): all rows valid or nothing written, one commit'), OPTIONS)
    .action(
      run(async (ctx, file: string, opts: Options<typeof OPTIONS>) => {
                const { importReportSheet, sheetKind } = await import('../../commands/sheet.js');
                const { requireRoot } = await import('../../store/repo.js');
                const { importFile } = await import('../../commands/import.js');
                const { formatProblemMessage } = await import('../../domain/problem.js');
                const { IMPORT_KINDS } = await import('../../commands/import-cells.js');
                // A workbook made by `djyc sheet` says what it is; it needs no --kind.
        const sheet = opts.kind ? undefined : await sheetKind(path.resolve(ctx.cwd, file));
        if (sheet?.kind === 'report') {
          const r = await importReportSheet({ ...opOptions(ctx, opts), root: requireRoot(ctx.cwd), file: path.resolve(ctx.cwd, file), display: file });
          printOp(ctx, r, T(`已从 ${file} 导入 ${r.reports.length} 份 ${r.quarter} 执行书`, `imported ${r.reports.length} ${r.quarter} report(s) from ${file}`), opts.json, { quarter: r.quarter, reports: r.reports });
          return 0;
        }
        if (sheet && (IMPORT_KINDS as string[]).includes(sheet.kind)) {
          opts.kind = sheet.kind;
          opts.sheet ??= sheet.sheet;
        }
        if (!opts.kind) throw new UsageError(`缺少 --kind（${IMPORT_KINDS.join(' / ')}）；djyc sheet 生成的表格不需要 --kind`, `missing --kind (${IMPORT_KINDS.join(' / ')}); workbooks made by djyc sheet need none`);
        if (!IMPORT_KINDS.includes(opts.kind as ImportKind)) {
          throw new UsageError(`--kind 应为 ${IMPORT_KINDS.join(' / ')}（党组织 / 党员 / 项目），收到“${opts.kind}”`, `--kind must be one of ${IMPORT_KINDS.join(' / ')}, got "${opts.kind}"`);
        }
        const root = requireRoot(ctx.cwd);
        const abs = path.resolve(ctx.cwd, file);
        // Problems in the file reach the boundary, which lists them (and with --json prints them in its JSON object).
        const result = await importFile(root, abs, {
          kind: opts.kind as ImportKind, programme: opts.programme, createMissing: opts.createMissing, dryRun: opts.dryRun, sheet: opts.sheet, display: file,
          date: opts.date, by: opts.by, note: opts.note,
        });
        if (opts.json) {
          ctx.out(JSON.stringify({
            ...result,
            warnings: result.warnings.map((w) => ({ file: w.file, line: w.line, col: w.col, severity: w.severity, rule: w.rule, message: formatProblemMessage(w, ctx.lang) })),
          }, null, 2));
          return 0;
        }
        if (result.encoding === 'gb18030') {
          ctx.err(tr(ctx.lang, `注意：${file} 不是 UTF-8 编码，已按 GB18030（GBK）读取`, `note: ${file} is not UTF-8; read it as GB18030 (GBK)`));
        }
        for (const w of result.warnings) ctx.err(`${w.file}:${w.line}:${w.col}  ${tr(ctx.lang, '警告', 'warning')}  ${formatProblemMessage(w, ctx.lang)}`);
        ctx.out(report(result, ctx.lang));
        return 0;
      }),
    );
}
