/**
 * What a command module (cli/commands/<name>.ts) and the program (main.ts) agree on: a command registers its
 * options and an action; the program runs the action with a context and sends every error through its boundary.
 * In a module of its own so that the commands need not import main.ts, which loads them.
 */
import type { Command } from 'commander';
import type { Lang } from '../domain/i18n.js';
import type { CliContext } from './io.js';

export type Action = (ctx: CliContext, ...args: any[]) => Promise<number | void>;
/** Wraps a command's action: builds its context and sends every error through the single boundary of main.ts. */
export type Runner = (action: Action) => (...args: any[]) => Promise<void>;

/** A command's module: it adds its command(s) to the program. */
export type CommandModule = { register(program: Command, run: Runner, lang: Lang): void };
