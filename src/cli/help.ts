/**
 * The help and the usage errors in the user's language: commander writes its headings, its usage line and its
 * errors in English; these turn them into Chinese (by default) and end every help with the table of exit codes.
 */
import type { Command, Help } from 'commander';
import { EXIT_CODES as CODES } from '../domain/errors.js';
import type { Lang } from '../domain/i18n.js';
import { displayWidth } from '../output/text-table.js';

/** Every exit code djyc uses (domain/errors.ts EXIT_CODES), as the help describes it. */
export const EXIT_CODES: readonly { code: number; zh: string; en: string }[] = [
  { code: CODES.ok, zh: '正常完成', en: 'done' },
  {
    code: CODES.failed,
    zh: '发现问题（记录校验错误、--fail-on 或 --max-warnings 条件成立、表单生成失败）或操作被拒绝，未写入任何文件',
    en: 'problems found (record errors, --fail-on or --max-warnings met, forms that failed) or operation refused; nothing written',
  },
  {
    code: CODES.usage,
    zh: '用法或环境错误：选项或参数不对、不在记录库中、找不到浏览器、基准版本不存在、内部错误',
    en: 'usage or environment error: wrong options or arguments, not in a records repository, no browser, missing base version, internal error',
  },
  { code: CODES.notWritable, zh: '无法写入：文件系统只读或没有写权限', en: 'cannot write: read-only file system or no permission' },
  { code: CODES.diskFull, zh: '磁盘已满', en: 'disk full' },
];

export function exitCodesHelp(lang: Lang, width = 80): string {
  const en = lang === 'en';
  const lines = EXIT_CODES.map((e) => `  ${e.code}  ${wrap(en ? e.en : e.zh, width - 5).replace(/\n/g, '\n     ')}`);
  return `\n${en ? 'Exit codes:' : '退出码：'}\n${lines.join('\n')}\n`;
}

const TITLES: Record<string, string> = {
  'Usage:': '用法：',
  'Options:': '选项：',
  'Commands:': '命令：',
  'Arguments:': '参数：',
  'Global Options:': '全局选项：',
};

/** Chinese punctuation that must not start a line. */
const NO_LINE_START = /^[，。、；：！？）》」』”’…]/;

/** Wraps text to a display width; Chinese text breaks between any two characters, Latin text at spaces. */
export function wrap(text: string, width: number): string {
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const chunks = line.match(/\s*(?:[\u2E80-\u9FFF\uF900-\uFAFF\uFF00-\uFFEF“”‘’…—]|[^\s\u2E80-\u9FFF\uF900-\uFAFF\uFF00-\uFFEF“”‘’…—]+)/gu) ?? [''];
    let current = '';
    for (const chunk of chunks) {
      if (current && displayWidth(current + chunk) > width && !NO_LINE_START.test(chunk.trimStart())) {
        out.push(current.trimEnd());
        current = chunk.trimStart();
      } else current += chunk;
    }
    out.push(current.trimEnd());
  }
  return out.join('\n');
}

/** Help settings for every command: width counted in terminal columns, headings and usage words translated. */
export function helpConfiguration(lang: Lang): Partial<Help> {
  const zh = lang !== 'en';
  const words = (s: string) => (zh ? s.replace(/\[options\]/g, '[选项]').replace(/\[command\]/g, '[命令]') : s);
  return {
    sortSubcommands: false,
    displayWidth: (s: string) => displayWidth(s.replace(/\x1b\[[0-9;]*m/g, '')),
    boxWrap: (s: string, width: number) => wrap(s, width),
    styleTitle: (s: string) => (zh ? (TITLES[s] ?? s) : s),
    // Defaults and accepted values are written into the description by options.ts, in the user's language.
    optionDescription: (option) => option.description,
    commandUsage(this: Help, cmd: Command) {
      const names: string[] = [];
      for (let c = cmd.parent; c; c = c.parent) names.unshift(c.name());
      return words([...names, cmd.name(), cmd.usage()].join(' '));
    },
    subcommandTerm(this: Help, cmd: Command) {
      const args = cmd.registeredArguments.map((a) => (a.required ? `<${a.name()}${a.variadic ? '...' : ''}>` : `[${a.name()}${a.variadic ? '...' : ''}]`)).join(' ');
      return words(`${cmd.name()}${cmd.options.length ? ' [options]' : ''}${args ? ` ${args}` : ''}`);
    },
  };
}

/** The hint after a usage error: where to read the usage of the command at hand. */
export function usageHint(commandPath: string, lang: Lang): string {
  return lang === 'en' ? `see: ${commandPath} --help` : `查看用法：${commandPath} --help`;
}

const COMMANDER_ERRORS: [RegExp, (m: RegExpExecArray) => string][] = [
  [/^error: unknown command '(.*)'/, (m) => `错误：未知命令“${m[1]}”`],
  [/^error: unknown option '(.*)'/, (m) => `错误：未知选项“${m[1]}”`],
  [/^error: required option '(.*)' not specified/, (m) => `错误：缺少必填选项 ${m[1]}`],
  [/^error: missing required argument '(.*)'/, (m) => `错误：缺少参数 ${m[1]}`],
  [/^error: option '(.*)' argument missing/, (m) => `错误：选项 ${m[1]} 缺少取值`],
  [/^error: too many arguments(?: for '(.*)')?\. Expected (\d+) arguments? but got (\d+)\./, (m) => `错误：${m[1] ? `命令 ${m[1]} 的` : ''}参数过多：应为 ${m[2]} 个，收到 ${m[3]} 个`],
  [/^error: (.*) cannot be used with (.*)/, (m) => `错误：${m[1]} 不能与 ${m[2]} 同时使用`],
  [/^error: (.*)/, (m) => `错误：${m[1]}`],
];

const DID_YOU_MEAN: [RegExp, (m: RegExpExecArray) => string][] = [
  [/^\(Did you mean one of (.*)\?\)$/, (m) => `（是否想用：${m[1]}？）`],
  [/^\(Did you mean (.*)\?\)$/, (m) => `（是否想用 ${m[1]}？）`],
];

/** commander's own error text in the user's language (its first line, and its "did you mean" line). */
export function translateCommanderError(text: string, lang: Lang): string {
  if (lang === 'en') return text;
  return text
    .split('\n')
    .map((line) => {
      for (const [re, zh] of [...COMMANDER_ERRORS, ...DID_YOU_MEAN]) {
        const m = re.exec(line);
        if (m) return zh(m);
      }
      return line;
    })
    .join('\n');
}

/** A rule id for a commander error code: `commander.unknownOption` → `unknown-option`. */
export function commanderRule(code: string): string {
  return code.replace(/^commander\./, '').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
