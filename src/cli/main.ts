import path from 'node:path';
import type { Command } from 'commander';
import { packageVersion } from '../assets/paths.js';
import { DjycError, EXIT_CODES, ProblemsError } from '../domain/errors.js';
import { tr, type Lang } from '../domain/i18n.js';
import { installOutputGuard, makeContext, colors, resolveLang, type CliContext } from './io.js';

export type Action = (ctx: CliContext, ...args: any[]) => Promise<number | void>;
/** Wraps a command's action: builds its context and sends every error through the single boundary below. */
export type Runner = (action: Action) => (...args: any[]) => Promise<void>;

const COMMANDS = [
  'init', 'new', 'import', 'validate',
  'advance', 'claim', 'task', 'report', 'close', 'panel', 'accept', 'rate', 'select', 'brand',
  'deadlines', 'ledger', 'log', 'status', 'render', 'pack', 'verify', 'publish', 'hook', 'demo',
] as const;

/** Command names registered by a module other than their own name. */
const MODULE_OF: Record<string, (typeof COMMANDS)[number]> = {
  'new-project': 'new', 'new-org': 'new', 'new-member': 'new', 'new-expert': 'new', recheck: 'panel', intervene: 'accept',
};

function moduleOf(command: string | undefined): (typeof COMMANDS)[number] | undefined {
  if (!command) return undefined;
  if (MODULE_OF[command]) return MODULE_OF[command];
  return (COMMANDS as readonly string[]).includes(command) && command !== 'new' ? (command as (typeof COMMANDS)[number]) : undefined;
}

/** The first word that is not a global option or its value. */
function invokedCommand(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--lang' || a === '-C' || a === '--cwd') i++;
    else if (!a.startsWith('-')) return a;
  }
  return undefined;
}

/** The single error boundary: known errors become a message and an exit code; nothing prints a stack trace. */
export async function reportError(err: unknown, lang: Lang): Promise<number> {
  const c = await colors(process.stderr);
  if (err instanceof ProblemsError) {
    const { stylish } = await import('../output/problems/index.js');
    process.stderr.write(stylish(err.problems, { lang, color: c }));
    process.stderr.write(`${c.red(err.localized(lang))}\n`);
    return err.exitCode;
  }
  if (err instanceof DjycError) {
    process.stderr.write(`${c.red(tr(lang, '错误：', 'error: '))}${err.localized(lang)}\n`);
    return err.exitCode;
  }
  const e = err as { code?: string; message?: string; exitCode?: number };
  if (e?.code?.startsWith?.('commander.')) return e.exitCode ?? EXIT_CODES.usage;
  process.stderr.write(`${c.red(tr(lang, '内部错误：', 'internal error: '))}${e?.message ?? String(err)}\n`);
  if (process.env.DJYC_DEBUG) process.stderr.write(`${(err as Error)?.stack ?? ''}\n`);
  return EXIT_CODES.usage;
}

const COMMANDER_ERRORS: [RegExp, string][] = [
  [/^error: unknown command '(.*)'/, '错误：未知命令“$1”'],
  [/^error: unknown option '(.*)'/, '错误：未知选项“$1”'],
  [/^error: required option '(.*)' not specified/, '错误：缺少必填选项 $1'],
  [/^error: missing required argument '(.*)'/, '错误：缺少参数 $1'],
  [/^error: option '(.*)' argument missing/, '错误：选项 $1 缺少取值'],
  [/^error: too many arguments(.*)/, '错误：参数过多$1'],
];

/** commander speaks English; users read Chinese by default. */
function translateCommanderError(text: string, lang: Lang): string {
  if (lang === 'en') return text;
  for (const [re, zh] of COMMANDER_ERRORS) if (re.test(text)) return text.replace(re, zh);
  return text;
}

export async function main(argv: string[]): Promise<void> {
  const args = argv.slice(2);
  // Fast path: `djyc --version` loads nothing else.
  if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
    process.stdout.write(`${packageVersion()}\n`);
    return;
  }
  installOutputGuard();
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
    .version(packageVersion(), '-V, --version', tr(lang, '显示版本号', 'print the version'))
    .helpOption('-h, --help', tr(lang, '显示帮助', 'show help'))
    .helpCommand('help [command]', tr(lang, '显示某个命令的帮助', 'show help for a command'))
    .option('--lang <lang>', tr(lang, '界面语言：zh（默认）或 en', 'language: zh (default) or en'))
    .option('-C, --cwd <dir>', tr(lang, '在该目录中运行（默认当前目录）', 'run in this folder (default: current)'))
    .showHelpAfterError()
    .exitOverride();
  program.configureOutput({ writeErr: (s) => process.stderr.write(s), outputError: (s, write) => write(translateCommanderError(s, lang)) });
  program.configureHelp({ sortSubcommands: false });
  // Subcommands inherit the translated help option and exit behaviour.
  const origCommand = program.command.bind(program);
  program.command = ((nameAndArgs: string, ...rest: any[]) => {
    const sub = (origCommand as any)(nameAndArgs, ...rest) as Command;
    sub.helpOption('-h, --help', tr(lang, '显示帮助', 'show help')).exitOverride().showHelpAfterError();
    return sub;
  }) as typeof program.command;

  const run: Runner = (action) => async (...actionArgs: any[]) => {
    const opts = program.opts<{ cwd?: string }>();
    const ctx = makeContext(lang, path.resolve(opts.cwd ?? process.cwd()));
    const code = await action(ctx, ...actionArgs);
    if (typeof code === 'number') process.exitCode = code;
  };

  // Load only the invoked command's module (some pull in heavy libraries); all of them for help or a typo.
  const wanted = moduleOf(invokedCommand(args));
  for (const name of wanted ? [wanted] : COMMANDS) {
    const mod = (await import(`./commands/${name}.js`)) as { register(program: Command, run: Runner, lang: Lang): void };
    mod.register(program, run, lang);
  }

  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES.usage;
      return;
    }
    process.exitCode = await reportError(err, lang);
  } finally {
    if (process.env.DJYC_STATS === '1') {
      const { loadStats } = await import('../store/parallel.js');
      if (loadStats.files || loadStats.ms) process.stderr.write(`djyc load: ${JSON.stringify(loadStats)}\n`);
    }
  }
}
