import path from 'node:path';
import type { Command } from 'commander';
import { packageVersion } from '../assets/paths.js';
import { DjycError, EXIT_CODES, ProblemsError, UsageError, storageError } from '../domain/errors.js';
import { showIds, tr, type Lang } from '../domain/i18n.js';
import { installOutputGuard, installPipeGuard, makeContext, colors } from './io.js';
import type { CommandModule, Runner } from './runner.js';
import { addOptions, GLOBAL, LANGS } from './options.js';
import { commanderRule, exitCodesHelp, helpConfiguration, translateCommanderError, usageHint } from './help.js';

/** Each command's module, loaded only when needed (some pull in heavy libraries). Spelled out so that every bundler and test runner can follow it. */
const MODULES = {
  init: () => import('./commands/init.js'),
  new: () => import('./commands/new.js'),
  import: () => import('./commands/import.js'),
  validate: () => import('./commands/validate.js'),
  advance: () => import('./commands/advance.js'),
  claim: () => import('./commands/claim.js'),
  task: () => import('./commands/task.js'),
  report: () => import('./commands/report.js'),
  close: () => import('./commands/close.js'),
  panel: () => import('./commands/panel.js'),
  accept: () => import('./commands/accept.js'),
  rate: () => import('./commands/rate.js'),
  select: () => import('./commands/select.js'),
  brand: () => import('./commands/brand.js'),
  deadlines: () => import('./commands/deadlines.js'),
  ledger: () => import('./commands/ledger.js'),
  log: () => import('./commands/log.js'),
  list: () => import('./commands/list.js'),
  show: () => import('./commands/show.js'),
  find: () => import('./commands/find.js'),
  todo: () => import('./commands/todo.js'),
  set: () => import('./commands/set.js'),
  sheet: () => import('./commands/sheet.js'),
  status: () => import('./commands/status.js'),
  render: () => import('./commands/render.js'),
  pack: () => import('./commands/pack.js'),
  verify: () => import('./commands/verify.js'),
  publish: () => import('./commands/publish.js'),
  hook: () => import('./commands/hook.js'),
  demo: () => import('./commands/demo.js'),
  doctor: () => import('./commands/doctor.js'),
  upgrade: () => import('./commands/upgrade.js'),
  programme: () => import('./commands/programme.js'),
  'carry-over': () => import('./commands/carry-over.js'),
} satisfies Record<string, () => Promise<CommandModule>>;

const COMMANDS = Object.keys(MODULES) as (keyof typeof MODULES)[];

/** Command names registered by a module other than their own name. */
const MODULE_OF: Record<string, (typeof COMMANDS)[number]> = {
  'new-project': 'new', 'new-org': 'new', 'new-member': 'new', 'new-expert': 'new', recheck: 'panel', intervene: 'accept',
};

/** Commands that group subcommands (`djyc brand new`). */
const GROUPS = new Set(['brand', 'task', 'hook', 'programme']);

function moduleOf(command: string | undefined): (typeof COMMANDS)[number] | undefined {
  if (!command) return undefined;
  if (MODULE_OF[command]) return MODULE_OF[command];
  return (COMMANDS as readonly string[]).includes(command) && command !== 'new' ? (command as (typeof COMMANDS)[number]) : undefined;
}

/** The words that are not global options or their values, up to the first option of the command. */
function commandWords(args: string[]): string[] {
  const words: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--lang' || a === '-C' || a === '--cwd') i++;
    else if (a.startsWith('-')) {
      if (words.length) break;
    } else {
      words.push(a);
      if (words.length === 2 || !GROUPS.has(words[0]!)) break;
    }
  }
  return words;
}

/** `djyc brand new` for the command at hand (for the hint after a usage error). */
function commandPath(args: string[]): string {
  return ['djyc', ...commandWords(args)].join(' ');
}

/** Whether the caller reads machine output: `--json` or `--format json` anywhere before `--`. */
export function wantsJson(args: string[]): boolean {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') return false;
    if (a === '--json' || a === '--format=json' || (a === '--format' && args[i + 1] === 'json')) return true;
  }
  return false;
}

/** `zh`, `en`, and locale spellings of them (`zh-CN`, `en_US.UTF-8`); anything else is not a language djyc speaks. */
function parseLang(value: string): Lang | undefined {
  const m = /^(zh|en)(?:[-_][\w.@-]*)?$/i.exec(value.trim());
  return m ? (m[1]!.toLowerCase() as Lang) : undefined;
}

/** The language: `--lang`, then DJYC_LANG, then Chinese; an unknown value is a usage error (exit 2). */
export function chooseLang(args: string[], env: NodeJS.ProcessEnv = process.env): { lang: Lang; error?: UsageError } {
  const envValue = env.DJYC_LANG?.trim() ? env.DJYC_LANG : undefined;
  const envLang = envValue === undefined ? undefined : parseLang(envValue);
  const i = args.findIndex((a) => a === '--lang' || a.startsWith('--lang='));
  const end = args.indexOf('--');
  const flag = i < 0 || (end >= 0 && i > end) ? undefined : args[i]!.includes('=') ? args[i]!.slice('--lang='.length) : args[i + 1];
  const accepted = LANGS.join(' / ');
  if (flag !== undefined && !flag.startsWith('-')) {
    const lang = parseLang(flag);
    if (lang) return { lang };
    return {
      lang: envLang ?? 'zh',
      error: new UsageError(`不支持的界面语言“${flag}”（--lang 可用：${accepted}）`, `unknown language "${flag}" (--lang accepts: ${accepted})`),
    };
  }
  if (envValue !== undefined && !envLang) {
    return {
      lang: 'zh',
      error: new UsageError(`环境变量 DJYC_LANG 的值“${envValue}”不是支持的界面语言（可用：${accepted}）`, `DJYC_LANG is "${envValue}", which is not a language djyc speaks (accepted: ${accepted})`),
    };
  }
  return { lang: envLang ?? 'zh' };
}

/** What a failure looks like to a program that asked for JSON (one object on standard output). */
export interface JsonFailure {
  ok: false;
  code: number;
  rule: string | null;
  message: string;
  hint: string | null;
  [more: string]: unknown;
}

function printJsonFailure(failure: JsonFailure): void {
  process.stdout.write(`${JSON.stringify(failure, null, 2)}\n`);
}

/** The one rule id of a list of problems, or null when they differ. */
function singleRule(rules: string[]): string | null {
  return rules.length && rules.every((r) => r === rules[0]) ? rules[0]! : null;
}

/**
 * The single error boundary: known errors become a message and an exit code; nothing prints a stack trace. With
 * `json`, the failure is also printed as one JSON object on standard output.
 */
export async function reportError(err: unknown, lang: Lang, opts: { json?: boolean; command?: string } = {}): Promise<number> {
  const c = await colors(process.stderr);
  const hint = (code: number) => (code === EXIT_CODES.usage && opts.command && err instanceof UsageError ? usageHint(opts.command, lang) : null);
  if (err instanceof ProblemsError) {
    const { stylish, json } = await import('../output/problems/index.js');
    process.stderr.write(stylish(err.problems, { lang, color: c }));
    process.stderr.write(`${c.red(err.localized(lang))}\n`);
    if (opts.json) {
      const listed = JSON.parse(json(err.problems, { lang })) as Record<string, unknown>;
      printJsonFailure({ ok: false, code: err.exitCode, rule: singleRule(err.problems.filter((p) => p.severity === 'error').map((p) => p.rule)), message: err.localized(lang), hint: null, ...listed });
    }
    return err.exitCode;
  }
  if (err instanceof DjycError) {
    process.stderr.write(`${c.red(tr(lang, '错误：', 'error: '))}${err.localized(lang)}\n`);
    if (opts.json) printJsonFailure({ ok: false, code: err.exitCode, rule: null, message: err.localized(lang), hint: hint(err.exitCode) });
    return err.exitCode;
  }
  const e = err as { code?: string; message?: string; exitCode?: number; path?: string };
  // A full disk or a read-only place met outside the write loop (an output file, a report): one clear sentence.
  const storage = storageError(err, e?.path ?? tr(lang, '目标文件', 'the output'), 'untouched');
  if (storage) {
    const message = storage.localized(lang);
    process.stderr.write(`${c.red(tr(lang, '错误：', 'error: '))}${message}\n`);
    if (opts.json) printJsonFailure({ ok: false, code: storage.exitCode, rule: null, message, hint: null });
    return storage.exitCode;
  }
  const message = e?.message ?? String(err);
  process.stderr.write(`${c.red(tr(lang, '内部错误：', 'internal error: '))}${message}\n`);
  if (process.env.DJYC_DEBUG) process.stderr.write(`${(err as Error)?.stack ?? ''}\n`);
  if (opts.json) printJsonFailure({ ok: false, code: EXIT_CODES.usage, rule: null, message, hint: tr(lang, '设置环境变量 DJYC_DEBUG=1 后重新运行可看到详细信息', 'run again with DJYC_DEBUG=1 for details') });
  return EXIT_CODES.usage;
}

/** The command (`djyc brand new`) in which commander found the last usage error. */
let usageErrorIn: string | undefined;

/** Makes a command remember, when commander finds a usage error in it, that it was this one (for the JSON hint). */
function noteUsageErrors(cmd: Command, commandPath: string): void {
  const error = cmd.error.bind(cmd);
  cmd.error = ((message: string, errorOptions?: { code?: string; exitCode?: number }) => {
    usageErrorIn = commandPath;
    return error(message, errorOptions);
  }) as Command['error'];
}

/**
 * The whole command line as commander sees it. With `args`, only the invoked command's module is loaded (some pull
 * in heavy libraries); without, every command (for the help, a typo, and the tests over the option table).
 */
export async function buildProgram(lang: Lang, opts: { args?: string[] } = {}): Promise<Command> {
  const args = opts.args ?? [];
  const { Command: CommandClass } = await import('commander');
  const program: Command = new CommandClass('djyc');
  const help = helpConfiguration(lang);
  program
    .description(tr(lang, 'djyc：党建项目化管理记录库与命令行工具', 'djyc: records repository and CLI for party-building project management'))
    .version(packageVersion(), '-V, --version', tr(lang, '显示版本号', 'print the version'))
    .helpOption('-h, --help', tr(lang, '显示帮助', 'show help'))
    .helpCommand('help [command]', tr(lang, '显示某个命令的帮助', 'show help for a command'))
    .showHelpAfterError(usageHint('djyc', lang))
    .addHelpText('afterAll', exitCodesHelp(lang))
    .exitOverride();
  program.configureOutput({ writeErr: (s) => process.stderr.write(s), outputError: (s, write) => write(translateCommanderError(s, lang)) });
  addOptions(program, GLOBAL, lang);
  program.configureHelp(help);
  noteUsageErrors(program, 'djyc');
  // Subcommands inherit the translated help, the hint after a usage error and the exit behaviour.
  const origCommand = program.command.bind(program);
  const wrapCommand = (parent: Command, orig: typeof program.command) =>
    ((nameAndArgs: string, ...rest: any[]) => {
      const sub = (orig as any)(nameAndArgs, ...rest) as Command;
      const names: string[] = [];
      for (let c: Command | null = parent; c; c = c.parent) names.unshift(c.name());
      const subPath = [...names, sub.name()].join(' ');
      sub.helpOption('-h, --help', tr(lang, '显示帮助', 'show help')).exitOverride().showHelpAfterError(usageHint(subPath, lang)).configureHelp(help);
      noteUsageErrors(sub, subPath);
      const subOrig = sub.command.bind(sub);
      sub.command = wrapCommand(sub, subOrig);
      return sub;
    }) as typeof program.command;
  program.command = wrapCommand(program, origCommand);

  const run: Runner = (action) => async (...actionArgs: any[]) => {
    const o = program.opts<{ cwd?: string; verbose?: boolean }>();
    showIds(!!o.verbose);
    const ctx = makeContext(lang, path.resolve(o.cwd ?? process.cwd()));
    const code = await action(ctx, ...actionArgs);
    if (typeof code === 'number') process.exitCode = code;
  };

  const wanted = moduleOf(commandWords(args)[0]);
  for (const name of wanted ? [wanted] : COMMANDS) {
    (await MODULES[name]()).register(program, run, lang);
  }
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const args = argv.slice(2);
  // Fast path: `djyc --version` loads nothing else.
  if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
    process.stdout.write(`${packageVersion()}\n`);
    return;
  }
  installPipeGuard();
  installOutputGuard();
  const json = wantsJson(args);
  const command = commandPath(args);
  const { lang, error } = chooseLang(args);
  if (error) {
    process.exitCode = await reportError(error, lang, { json, command: 'djyc' });
    return;
  }
  const program = await buildProgram(lang, { args });
  const { CommanderError } = await import('commander');
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      const code = err.exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES.usage;
      process.exitCode = code;
      if (code !== 0 && json) {
        const message = translateCommanderError(err.message, lang).replace(/^(错误：|error: )/, '');
        printJsonFailure({ ok: false, code, rule: commanderRule(err.code), message, hint: usageHint(usageErrorIn ?? command, lang) });
      }
      return;
    }
    process.exitCode = await reportError(err, lang, { json, command });
  } finally {
    if (process.env.DJYC_STATS === '1') {
      const { loadStats, resetLoadStats } = await import('../store/parallel.js');
      if (loadStats.files || loadStats.ms) process.stderr.write(`djyc load: ${JSON.stringify(loadStats)}\n`);
      resetLoadStats();
    }
  }
}
