import type { Lang } from '../core/i18n.js';

/** What every command gets from the CLI layer: language, streams, and whether a person is at a terminal. */
export interface CliContext {
  lang: Lang;
  cwd: string;
  interactive: boolean;
  out(text: string): void;
  err(text: string): void;
}

export function makeContext(lang: Lang, cwd: string): CliContext {
  return {
    lang,
    cwd,
    interactive: !!process.stdin.isTTY && !!process.stdout.isTTY && !process.env.CI,
    out: (t) => void process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
    err: (t) => void process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
  };
}

/** Picks the Chinese or English text. */
export function tr(lang: Lang, zh: string, en: string): string {
  return lang === 'en' ? en : zh;
}

/** chalk, loaded only when colour is wanted (NO_COLOR respected by chalk itself). */
export async function colors(stream: NodeJS.WriteStream = process.stdout) {
  const { Chalk } = await import('chalk');
  const level = process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '' ? 0 : stream.isTTY ? 1 : 0;
  const c = new Chalk({ level });
  return { red: c.red, yellow: c.yellow, dim: c.dim, bold: c.bold, green: c.green, cyan: c.cyan };
}
