/**
 * Every command-line option, declared once as data (as vitest declares its CLI): the flags, the Chinese and English
 * help, and what the value is. Commands add their options from these tables with `addOptions` and type their
 * action's options as `Options<typeof TABLE>`, so a flag's spelling, its help and its TypeScript type come from one
 * declaration and cannot drift apart.
 *
 * The shared groups (programme, organisation, today, output, format, JSON, the write group) are declared here once;
 * a command takes one as it is, or through `use` with what only that command knows (its accepted values, its default,
 * a short note on what the flag means there). The flags and the base description never change per command.
 */
import type { Command, Option } from 'commander';
import { say, T, type Lang, type Text } from '../domain/i18n.js';

export interface OptionSpec {
  /** commander flags: `-o, --output <path>`, `--dry-run`, `--changed [base]`, `--no-cache`. */
  readonly flags: string;
  /** Help in Chinese (the default language) and English. */
  readonly zh: string;
  readonly en: string;
  /** Repeatable: `split` also splits each value on commas (, ，、); `whole` keeps each value whole. */
  readonly repeat?: 'split' | 'whole';
  readonly required?: boolean;
  /** Default value (shown in the help). */
  readonly default?: string;
  /** Accepted values (shown in the help). */
  readonly choices?: readonly string[];
  /** What the option means in this command (a default computed at run time, a role), shown after the description. */
  readonly note?: Text;
  /** Older spellings still accepted and hidden from the help, so that scripts keep working. */
  readonly aliases?: readonly string[];
  /** The shared declaration this one was taken from (set by `use`). */
  readonly base?: OptionSpec;
}

export type OptionTable = Readonly<Record<string, OptionSpec>>;

// --- Types derived from the table -----------------------------------------------------------------------------

type LongName<F extends string> = F extends `${string}--${infer R}` ? (R extends `${infer N} ${string}` ? N : R) : never;
type Camel<S extends string> = S extends `${infer A}-${infer B}` ? `${A}${Capitalize<Camel<B>>}` : S;
/** The property commander stores a flag under: `--dry-run` → `dryRun`, `--no-cache` → `cache`. */
export type OptionKey<F extends string> = LongName<F> extends `no-${infer R}` ? Camel<R> : Camel<LongName<F>>;

type Negated<S extends OptionSpec> = S['flags'] extends `${string}--no-${string}` ? true : false;
type RawValue<S extends OptionSpec> = S extends { repeat: 'split' | 'whole' }
  ? string[]
  : S['flags'] extends `${string}<${string}>`
    ? string
    : S['flags'] extends `${string}[${string}]`
      ? string | true
      : boolean;
type Value<S extends OptionSpec> = Negated<S> extends true ? boolean : S extends { required: true } | { default: string } ? RawValue<S> : RawValue<S> | undefined;

/** The options object a command's action receives, derived from its table. */
export type Options<Table extends OptionTable> = { -readonly [K in keyof Table]: Value<Table[K]> };

type KeysMatchFlags<Table extends OptionTable> = {
  [K in keyof Table]: K extends OptionKey<Table[K]['flags']> ? Table[K] : { flags: `key ${K & string} does not match its long flag` };
};

/** Declares a table; the compiler refuses a key that is not the flag's camel-case name (the name commander uses). */
export function options<const Table extends OptionTable>(table: Table & KeysMatchFlags<Table>): Table {
  return table;
}

/** What a command may add to a shared option: never its flags or its description. */
export interface Use {
  readonly note?: Text;
  readonly choices?: readonly string[];
  readonly default?: string;
  readonly required?: boolean;
  readonly repeat?: 'split' | 'whole';
  readonly aliases?: readonly string[];
  /** Another name for the value in the help (`<format=file>` instead of `<path>`). */
  readonly value?: string;
}

/** A shared option as one command uses it. */
export function use<const S extends OptionSpec, const U extends Use>(shared: S, how: U): Omit<S, keyof U> & Omit<U, 'value'> {
  const { value, ...rest } = how;
  const flags = value ? shared.flags.replace(/[<[][^>\]]*[>\]]$/, value) : shared.flags;
  return { ...shared, ...rest, flags, base: shared.base ?? shared } as unknown as Omit<S, keyof U> & Omit<U, 'value'>;
}

// --- The shared groups ----------------------------------------------------------------------------------------

/** Notes used by several commands, declared once. */
export const NOTES = {
  repositoryProgramme: T('默认：记录库的默认方案', "default: the repository's default programme"),
  currentProgramme: T('默认：今天所在年度的方案（没有则为最新的方案；并列时取 djyc.yaml 的 default_programme）', "default: the programme of today's year (else the newest; djyc.yaml's default_programme breaks a tie)"),
  allProgrammes: T('默认：日历仍在进行的方案（例如次年初的交流展示、多年规划），没有则为今天所在年度的方案', 'default: the programmes whose calendar reaches today (a showcase the next January, a plan over several years), else the one of today\'s year'),
  subtree: T('限于该党组织及其下级党组织', 'only this organisation and those under it'),
  sameAsFormatJson: T('同 --format json', 'same as --format json'),
  standardOutput: T('默认写到标准输出', 'default: standard output'),
} as const;

/** A stage by its label or id, for the commands that select records by stage (`pack --stage` names a pack instead). */
export const STAGE = options({
  stage: { flags: '--stage <stage>', zh: '阶段（方案中的阶段名称，如 领办公示；或阶段编号）', en: "stage (its label in the programme, e.g. 领办公示, or its id)" },
});

export const SHARED = options({
  programme: { flags: '--programme <id>', zh: '方案编号', en: 'programme id' },
  org: { flags: '--org <org>', zh: '党组织（名称、简称或编号）', en: 'organisation (name, short name or id)' },
  project: { flags: '--project <project>', zh: '项目（名称、项目编号或记录编号）', en: 'project (title, project number or id)' },
  today: {
    flags: '--today <YYYY-MM-DD>',
    zh: '把该日期当作今天来计算（默认今天，按亚洲/上海时间；也可设环境变量 DJYC_TODAY）',
    en: 'take this date as today (default: today in Asia/Shanghai, or DJYC_TODAY)',
  },
  asOf: {
    flags: '--as-of <YYYY-MM-DD>',
    zh: '按记录在该日的状态输出（由各记录的历史还原），时限也按该日计算',
    en: 'the state the records held on that date (from each record\'s history); deadlines counted on that date too',
  },
  within: { flags: '--within <days>', zh: '多少天内算“即将到期”，例如 14d、2w', en: 'how soon counts as "due soon", e.g. 14d, 2w', default: '14d' },
  format: { flags: '--format <format>', zh: '输出格式', en: 'output format' },
  json: { flags: '--json', zh: '以 JSON 输出结果；出错时也输出一个说明错误的 JSON 对象', en: 'print the result as JSON; an error, too, prints one JSON object' },
  output: { flags: '-o, --output <path>', zh: '写到该文件或文件夹', en: 'write to this file or folder' },
  yes: { flags: '-y, --yes', zh: '不提问，缺少必填项即报错', en: 'never ask; a missing required field is an error' },
  id: { flags: '--id <id>', zh: '指定编号', en: 'explicit id' },
  slug: { flags: '--slug <text>', zh: '编号中的可读部分（拼音或英文字母）', en: 'readable part of a generated id' },
});

/** The languages djyc speaks. */
export const LANGS = ['zh', 'en'] as const;

/** Options of djyc itself, before or after any command. */
export const GLOBAL = options({
  verbose: { flags: '--verbose', zh: '消息中在阶段名称后同时写出阶段编号', en: 'also show stage ids in messages (e.g. approved)' },
  lang: { flags: '--lang <lang>', zh: '界面语言', en: 'language', choices: LANGS, note: T('默认为 zh，或环境变量 DJYC_LANG 的值', 'default: zh, or DJYC_LANG') },
  cwd: { flags: '-C, --cwd <dir>', zh: '在该目录中运行', en: 'run in this folder', note: T('默认当前目录', 'default: the current folder') },
});

/** The write group: every command that writes records takes all of these (README promises them). */
export const WRITE = options({
  date: {
    flags: '--date <YYYY-MM-DD>',
    zh: '办理日期，不能晚于今天（默认今天，按亚洲/上海时间；环境变量 DJYC_TODAY 可固定今天）',
    en: 'date of the act, not after today (default: today in Asia/Shanghai; DJYC_TODAY fixes today)',
  },
  by: {
    flags: '--by <name>',
    zh: '操作人，记入历史记录和提交说明（默认 git 用户名）',
    en: 'who acts, for the history and the commit message (default: the git user name)',
  },
  note: { flags: '--note <text>', zh: '备注，记入历史记录和提交说明', en: 'a note for the history and the commit message' },
  dryRun: { flags: '--dry-run', zh: '试运行：校验并显示将要写入的内容，不写入任何文件', en: 'dry run: check and show what would be written; write nothing' },
  json: SHARED.json,
});

export type WriteOptions = Options<typeof WRITE>;

/**
 * Correcting a recorded result (`rate`, `accept`): the two flags go together. Without them a recorded rating, vote,
 * star rating, bonus or acceptance round is never changed (domain/frozen.ts); with them the old value and the reason
 * stay in the record's amendments, and `validate --base` shows the change as an amendment.
 */
export const CORRECT = options({
  correct: {
    flags: '--correct',
    zh: '更正已记录的结论（评议等次、群众测评、星级、加分、评审意见或本轮验收结论）：原值和理由记入更正记录',
    en: 'correct a recorded result (ratings, poll, stars, bonus, review opinion or this round\'s acceptance): the old value and the reason go into the amendments',
    note: T('须同时用 --reason 说明理由', 'needs --reason'),
  },
  reason: { flags: '--reason <text>', zh: '更正理由', en: 'why the result is corrected', note: T('与 --correct 同用', 'with --correct') },
});

export type CorrectOptions = Options<typeof CORRECT>;

/** `--programme` on a command that acts on one record: where its project number is looked up, and a check that it belongs there. */
export const RECORD = options({
  programme: use(SHARED.programme, { note: T('记录所属的方案：项目编号在该方案中查找，记录须属于该方案', "the record's programme: project numbers are looked up in it, and the record must belong to it") }),
});

// --- Adding a table to a command ------------------------------------------------------------------------------

const specs = new WeakMap<Option, OptionSpec>();

/** The declaration an option was made from (for the tests over the table). */
export function specOf(option: Option): OptionSpec | undefined {
  return specs.get(option);
}

/** The help line of an option: its description, then what the command adds (note, accepted values, default). */
export function describe(spec: OptionSpec, lang: Lang): string {
  const en = lang === 'en';
  const extra: string[] = [];
  if (spec.note) extra.push(en ? spec.note.en : spec.note.zh);
  if (spec.repeat === 'split') extra.push(en ? 'repeatable, or comma-separated' : '可重复，也可用逗号分隔');
  if (spec.repeat === 'whole') extra.push(en ? 'repeatable' : '可重复');
  if (spec.choices?.length) extra.push(`${en ? 'one of: ' : '可选：'}${spec.choices.join(' / ')}`);
  if (spec.default !== undefined) extra.push(`${en ? 'default: ' : '默认：'}${spec.default}`);
  const text = en ? spec.en : spec.zh;
  if (!extra.length) return text;
  return en ? `${text} (${extra.join('; ')})` : `${text}（${extra.join('；')}）`;
}

/** A repeatable value; `split` also takes `a,b` (Chinese commas too). */
function collect(split: boolean) {
  return (value: string, previous: string[] | undefined) => [...(previous ?? []), ...(split ? value.split(/[,，、]/).map((s) => s.trim()).filter(Boolean) : [value])];
}

/** Adds every option of a table to a command, in table order. */
/** A command as its data: usage, help in both languages and option table, added to `parent`; `.action()` follows. */
export function command(parent: Command, lang: Lang, usage: string, help: Text, table: OptionTable): Command {
  return addOptions(parent.command(usage).description(say(lang, help)), table, lang);
}

export function addOptions(cmd: Command, table: OptionTable, lang: Lang): Command {
  for (const [key, spec] of Object.entries(table)) {
    const option = cmd.createOption(spec.flags, describe(spec, lang));
    if (option.attributeName() !== key) throw new Error(`option table: key "${key}" does not match ${spec.flags}`);
    if (spec.repeat) option.argParser(collect(spec.repeat === 'split'));
    if (spec.default !== undefined) option.default(spec.default);
    if (spec.required) option.makeOptionMandatory(true);
    specs.set(option, spec);
    cmd.addOption(option);
    for (const alias of spec.aliases ?? []) {
      const value = /\s([<[].*)$/.exec(spec.flags)?.[1];
      const hidden = cmd.createOption(value ? `${alias} ${value}` : alias).hideHelp();
      if (spec.repeat) hidden.argParser(collect(spec.repeat === 'split'));
      cmd.addOption(hidden);
      // commander stores the alias under its own name first; copy it to the option's one.
      cmd.on(`option:${hidden.name()}`, () => cmd.setOptionValueWithSource(key, cmd.getOptionValue(hidden.attributeName()), 'cli'));
    }
  }
  return cmd;
}

/** Options of the commands that fit djyc into a machine and a repository (hook install, doctor, upgrade). */
export const PLATFORM = options({
  husky: {
    flags: '--husky',
    zh: '仓库使用 husky 时，把 djyc 的一行检查写进 .husky/pre-commit（不改动 husky 生成的文件）',
    en: "with husky, add djyc's one line to .husky/pre-commit (husky's generated files are left alone)",
  },
  force: {
    flags: '--force',
    zh: '替换已有的其他钩子（原钩子保留为 <钩子>.before-djyc，并在 djyc 的检查之前照常运行；其他钩子管理工具的钩子不替换）',
    en: "replace another existing hook (kept as <hook>.before-djyc and still run before djyc's check; never another hook manager's)",
  },
  package: {
    flags: '--package <spec>',
    zh: '持续集成安装 djyc 的来源，写入 djyc.yaml：本单位掌握的注册表确定版本（如 @本单位/djyc@0.1.0）、git 地址（git+https://…#v0.1.0）或记录库中 npm pack 打出的包文件路径（vendor/djyc-0.1.0.tgz）',
    en: 'where CI installs djyc from, written to djyc.yaml: an exact version of a registry name you control (@org/djyc@0.1.0), a git URL (git+https://…#v0.1.0) or a tarball path in the repository (vendor/djyc-0.1.0.tgz)',
  },
  launch: {
    flags: '--no-launch',
    zh: '不启动浏览器打印测试页（只查找浏览器）',
    en: 'do not start the browser to print the test page (only look for it)',
  },
});
