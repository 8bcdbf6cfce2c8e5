import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { DjycError, ProblemsError } from '../core/errors.js';
import { resolveLang, type Lang } from '../core/i18n.js';
import { makeContext, tr, colors, type CliContext } from './io.js';

export type Action = (ctx: CliContext, ...args: any[]) => Promise<number | void>;
/** Wraps a command's action: builds its context and sends every error through the single boundary below. */
export type Runner = (action: Action) => (...args: any[]) => Promise<void>;

const COMMANDS = [
  'init', 'new', 'import', 'validate',
  'advance', 'claim', 'task', 'report', 'close', 'panel', 'accept', 'rate', 'select', 'brand',
  'deadlines', 'ledger', 'log', 'status', 'render', 'pack', 'publish', 'hook', 'demo',
] as const;

function version(): string {
  const pkg = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../package.json');
  return (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { version: string }).version;
}

/** The single error boundary: known errors become a message and an exit code; nothing prints a stack trace. */
export async function reportError(err: unknown, lang: Lang): Promise<number> {
  const c = await colors(process.stderr);
  if (err instanceof ProblemsError) {
    const { stylish } = await import('../formatters/index.js');
    process.stderr.write(stylish(err.problems, { lang, color: c }));
    process.stderr.write(`${c.red(err.localized(lang))}\n`);
    return err.exitCode;
  }
  if (err instanceof DjycError) {
    process.stderr.write(`${c.red(tr(lang, '错误：', 'error: '))}${err.localized(lang)}\n`);
    return err.exitCode;
  }
  const e = err as { code?: string; message?: string; exitCode?: number };
  if (e?.code?.startsWith?.('commander.')) return e.exitCode ?? 2;
  process.stderr.write(`${c.red(tr(lang, '内部错误：', 'internal error: '))}${e?.message ?? String(err)}\n`);
  if (process.env.DJYC_DEBUG) process.stderr.write(`${(err as Error)?.stack ?? ''}\n`);
  return 2;
}

export async function main(argv: string[]): Promise<void> {
  const args = argv.slice(2);
  // Fast path: `djyc --version` loads nothing else.
  if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
    process.stdout.write(`${version()}\n`);
    return;
  }
  const langFlag = (() => {
    const i = args.findIndex((a) => a === '--lang' || a.startsWith('--lang='));
    if (i < 0) return undefined;
    return args[i]!.includes('=') ? args[i]!.split('=')[1] : args[i + 1];
  })();
  const lang = resolveLang(langFlag);
  const { Command: CommandClass, CommanderError } = await import('commander');
  const program: Command = new CommandClass('djyc');
  program
    .description(tr(lang, 'djyc：党建项目化管理记录库与命令行工具', 'djyc: records repository and CLI for party-building project management'))
    .version(version(), '-V, --version')
    .option('--lang <lang>', tr(lang, '界面语言：zh（默认）或 en', 'language: zh (default) or en'))
    .option('-C, --cwd <dir>', tr(lang, '在该目录中运行（默认当前目录）', 'run in this folder (default: current)'))
    .showHelpAfterError()
    .exitOverride();
  program.configureOutput({ writeErr: (s) => process.stderr.write(s) });

  const run: Runner = (action) => async (...actionArgs: any[]) => {
    const opts = program.opts<{ cwd?: string }>();
    const ctx = makeContext(lang, path.resolve(opts.cwd ?? process.cwd()));
    const code = await action(ctx, ...actionArgs);
    if (typeof code === 'number') process.exitCode = code;
  };

  for (const name of COMMANDS) {
    const mod = (await import(`./commands/${name}.js`)) as { register(program: Command, run: Runner, lang: Lang): void };
    mod.register(program, run, lang);
  }

  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode === 0 ? 0 : 2;
      return;
    }
    process.exitCode = await reportError(err, lang);
  }
}
