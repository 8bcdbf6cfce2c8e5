/**
 * Every interactive question djyc asks lives here (Chinese by default), so commands stay testable without a terminal.
 * One package per prompt kind, loaded when asked: @inquirer/prompts would install the editor, search, password …
 * prompts djyc never shows.
 */
import { type Lang, tr } from '../domain/i18n.js';

export interface Choice {
  value: string;
  name: string;
}

export async function askText(lang: Lang, zh: string, en: string, opts: { required?: boolean; multiline?: boolean; validate?: (v: string) => string | true } = {}): Promise<string> {
  const { default: input } = await import('@inquirer/input');
  return (
    await input({
      message: tr(lang, zh, en),
      required: opts.required,
      validate: (v) => (opts.required && !v.trim() ? tr(lang, '此项必填', 'required') : opts.validate ? opts.validate(v) : true),
    })
  ).trim();
}

/** The key hints under list prompts, in the user's language (inquirer writes them in English). */
function keysHelp(lang: Lang, names: Record<string, string>) {
  const tip = (keys: [string, string][]) => keys.map(([key, action]) => `${key === 'space' ? '空格' : key} ${names[action] ?? action}`).join(' • ');
  return lang === 'en' ? undefined : { style: { keysHelpTip: tip } };
}

export async function askSelect(lang: Lang, zh: string, en: string, choices: Choice[]): Promise<string> {
  const { default: select } = await import('@inquirer/select');
  return select({ message: tr(lang, zh, en), choices, pageSize: 12, theme: keysHelp(lang, { navigate: '移动', select: '确定' }) });
}

export async function askCheckbox(lang: Lang, zh: string, en: string, choices: Choice[], required = true): Promise<string[]> {
  const { default: checkbox } = await import('@inquirer/checkbox');
  return checkbox({
    message: tr(lang, `${zh}（空格选择，回车确认）`, `${en} (space to select, enter to confirm)`),
    choices,
    pageSize: 12,
    required,
    theme: keysHelp(lang, { navigate: '移动', select: '选择', all: '全选', invert: '反选', submit: '确定' }),
  });
}

export async function askConfirm(lang: Lang, zh: string, en: string, initial = true): Promise<boolean> {
  const { default: confirm } = await import('@inquirer/confirm');
  return confirm({ message: tr(lang, zh, en), default: initial, transformer: (yes) => (yes ? tr(lang, '是', 'Yes') : tr(lang, '否', 'No')) });
}

export function isPromptCancel(err: unknown): boolean {
  return (err as Error)?.name === 'ExitPromptError';
}
