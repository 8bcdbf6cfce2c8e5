/**
 * The option table (src/cli/options.ts) over the whole command line, in-process: every option comes from a declared
 * table, every shared flag is declared once and used as declared, one spelling per idea across commands, every
 * command that writes records takes the whole write group, and every option and command has Chinese and English help
 * with no English words in the Chinese.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Command, Option } from 'commander';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { buildProgram } from '../src/cli/main.js';
import { describe as describeOption, GLOBAL, SHARED, specOf, WRITE, type OptionSpec } from '../src/cli/options.js';
import { EXIT_CODES, exitCodesHelp } from '../src/cli/help.js';

const ROOT = path.resolve(__dirname, '..');

/** Every command of the tree with its path (`brand new`), the root included. */
function walk(cmd: Command, prefix: string[] = []): { path: string; cmd: Command }[] {
  const here = prefix.length ? [{ path: prefix.join(' '), cmd }] : [{ path: '', cmd }];
  return [...here, ...cmd.commands.flatMap((c) => walk(c, [...prefix, c.name()]))];
}

/** commander's own options (help, version) are not djyc's to declare. */
const isBuiltIn = (o: Option) => o.long === '--help' || o.long === '--version';

const longOf = (flags: string) => /--[\w-]+/.exec(flags)![0];

/** The commands that write records, as README lists them ("所有写入命令"): the write group is promised for each. */
const WRITE_COMMANDS = [
  'new-project', 'new-org', 'new-member', 'new-expert', 'import',
  'advance', 'claim', 'task add', 'task exempt', 'report', 'close', 'panel', 'recheck', 'accept', 'intervene', 'rate', 'select',
  'brand new', 'brand set', 'brand goal', 'brand pair', 'brand outcome', 'programme add', 'carry-over',
];

/** Other spellings of ideas that have a shared flag: none of these may appear on any command. */
const SYNONYMS: Record<string, string[]> = {
  '--output': ['--out', '--outfile', '--output-file', '--output-dir', '--out-dir', '--dir', '--dest'],
  '--programme': ['--program', '--plan-id'],
  '--org': ['--organisation', '--organization', '--unit-id'],
  '--dry-run': ['--dryrun', '--dry', '--check-only', '--simulate'],
  '--json': ['--json-output', '--as-json'],
  '--today': ['--now', '--on'],
  '--by': ['--user', '--actor', '--operator'],
  '--note': ['--comment', '--remark', '--memo'],
};

/** Latin words a Chinese text may hold: names of formats, products and tools (not English prose). */
const NAMES = new Set(['Excel', 'Word', 'Markdown', 'GitHub', 'Actions', 'Chromium', 'Chrome', 'git', 'djyc', 'main' /* git's default branch */, 'Node', 'LibreOffice', 'husky', 'npm']);

let zh: Command;
let en: Command;
let programmeKeys: Set<string>;

beforeAll(async () => {
  zh = await buildProgram('zh');
  en = await buildProgram('en');
  const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas/programme.schema.json'), 'utf8')) as { properties: Record<string, unknown> };
  programmeKeys = new Set(Object.keys(schema.properties));
});

function commands(program: Command) {
  return walk(program);
}

function find(program: Command, p: string): Command {
  const c = commands(program).find((x) => x.path === p);
  if (!c) throw new Error(`no command "${p}"`);
  return c.cmd;
}

/** Latin words in a Chinese text that are neither code (flags, paths, keys, ids), acronyms, names nor allowed values. */
function englishWords(text: string, allowed: Set<string>): string[] {
  const tokens = text.match(/[A-Za-z0-9$_.\/=\[\]<>+\-]*[A-Za-z]{2,}[A-Za-z0-9$_.\/=\[\]<>+\-]*/g) ?? [];
  return tokens.filter((t) => {
    if (t.startsWith('-')) return false; // a flag
    if (/[0-9$_.\/=\[\]<>+]/.test(t) || /\w-\w/.test(t)) return false; // a path, key, variable, value like due-soon
    if (/^[A-Z]+$/.test(t)) return false; // an acronym: JSON, PDF, CSV, YAML, CI
    if (NAMES.has(t) || allowed.has(t)) return false;
    return true;
  });
}

describe('the option table', () => {
  it('declares every shared flag once: no two shared declarations spell the same flag', () => {
    const shared = [...Object.values(SHARED), ...Object.values(WRITE), ...Object.values(GLOBAL)];
    const byLong = new Map<string, Set<OptionSpec>>();
    for (const s of shared) byLong.set(longOf(s.flags), new Set([...(byLong.get(longOf(s.flags)) ?? []), s]));
    for (const [long, specs] of byLong) expect(specs.size, long).toBe(1);
    // The write group's --json is the shared one, not a second declaration.
    expect(WRITE.json).toBe(SHARED.json);
  });

  it('every option of every command comes from a table, and a shared flag is always the shared declaration', () => {
    const sharedByLong = new Map([...Object.values(SHARED), ...Object.values(WRITE), ...Object.values(GLOBAL)].map((s) => [longOf(s.flags), s]));
    const checked: string[] = [];
    for (const { path: p, cmd } of commands(zh)) {
      for (const o of cmd.options) {
        if (isBuiltIn(o)) continue;
        const spec = specOf(o);
        if (o.hidden) {
          // A hidden option is an older spelling kept for scripts, declared as an alias of a table entry.
          const owner = cmd.options.map(specOf).find((s) => s?.aliases?.includes(o.long!));
          expect(owner, `${p} ${o.flags}: hidden but no table entry declares it as an alias`).toBeDefined();
          continue;
        }
        expect(spec, `djyc ${p} ${o.flags}: not declared in an option table`).toBeDefined();
        const shared = sharedByLong.get(o.long!);
        if (shared) {
          expect(spec === shared || spec!.base === shared, `djyc ${p} ${o.flags}: declares a shared flag again instead of using the shared declaration`).toBe(true);
          expect(o.flags.startsWith(shared.flags.replace(/\s.*$/, '')), `djyc ${p} ${o.flags}`).toBe(true);
          expect(o.description.startsWith(shared.zh), `djyc ${p} ${o.flags}: "${o.description}" does not start with the shared description`).toBe(true);
        }
        checked.push(`${p} ${o.long}`);
      }
    }
    expect(checked.length).toBeGreaterThan(150);
  });

  it('one spelling per idea: no synonym of a shared flag anywhere, and a short flag always means the same long flag', () => {
    const shortToLong = new Map<string, Set<string>>();
    const longToShort = new Map<string, Set<string>>();
    for (const { path: p, cmd } of commands(zh)) {
      for (const o of cmd.options) {
        if (isBuiltIn(o) || o.hidden) continue;
        for (const [idea, others] of Object.entries(SYNONYMS)) expect(others, `djyc ${p}: ${o.long} spells ${idea} differently`).not.toContain(o.long);
        if (o.short) shortToLong.set(o.short, new Set([...(shortToLong.get(o.short) ?? []), o.long!]));
        longToShort.set(o.long!, new Set([...(longToShort.get(o.long!) ?? []), o.short ?? '']));
      }
    }
    for (const [short, longs] of shortToLong) expect([...longs], short).toHaveLength(1);
    for (const [long, shorts] of longToShort) expect([...shorts], long).toHaveLength(1);
    expect([...shortToLong.get('-o')!]).toEqual(['--output']);
  });

  it('every command that writes records takes the whole write group, from the shared declaration', () => {
    for (const p of WRITE_COMMANDS) {
      const cmd = find(zh, p);
      for (const [key, spec] of Object.entries(WRITE)) {
        const o = cmd.options.find((x) => x.attributeName() === key);
        expect(o, `djyc ${p} lacks ${spec.flags}`).toBeDefined();
        expect(specOf(o!), `djyc ${p} ${spec.flags}`).toBe(spec);
      }
    }
  });

  it('every option and command has Chinese and English help; the Chinese holds no English words', () => {
    const commandNames = new Set(commands(zh).map((c) => c.cmd.name()));
    const zhCommands = commands(zh);
    const enCommands = new Map(commands(en).map((c) => [c.path, c.cmd]));
    const offenders: string[] = [];
    for (const { path: p, cmd } of zhCommands) {
      const enCmd = enCommands.get(p)!;
      const allChoices = new Set(cmd.options.flatMap((o) => specOf(o)?.choices ?? []));
      const allowed = new Set([...commandNames, ...programmeKeys, ...allChoices]);
      if (p) {
        expect(cmd.description(), `djyc ${p}`).toMatch(/[\u4e00-\u9fff]/);
        expect(enCmd.description(), `djyc ${p}`).toMatch(/[A-Za-z]{3}/);
        expect(enCmd.description()).not.toBe(cmd.description());
        for (const w of englishWords(cmd.description(), allowed)) offenders.push(`djyc ${p}: "${w}" in "${cmd.description()}"`);
      }
      for (const o of cmd.options) {
        if (isBuiltIn(o) || o.hidden) continue;
        const spec = specOf(o)!;
        expect(spec.zh.trim(), `djyc ${p} ${o.flags}`).not.toBe('');
        expect(spec.en.trim(), `djyc ${p} ${o.flags}`).not.toBe('');
        expect(o.description, `djyc ${p} ${o.flags}`).toBe(describeOption(spec, 'zh'));
        expect(o.description, `djyc ${p} ${o.flags}`).toMatch(/[\u4e00-\u9fff]/);
        const enOption = enCmd.options.find((x) => x.long === o.long)!;
        expect(enOption.description, `djyc ${p} ${o.flags}`).toBe(describeOption(spec, 'en'));
        expect(enOption.description).not.toBe(o.description);
        if (spec.note) expect(spec.note.zh && spec.note.en, `djyc ${p} ${o.flags}: note`).toBeTruthy();
        const optionAllowed = new Set([...allowed, ...(spec.choices ?? []), ...(spec.default ? [spec.default] : [])]);
        for (const w of englishWords(o.description, optionAllowed)) offenders.push(`djyc ${p} ${o.long}: "${w}" in "${o.description}"`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('the English-words check catches English in a Chinese text', () => {
    expect(englishWords('方案编号（默认 from djyc.yaml）', new Set())).toEqual(['from']);
    expect(englishWords('输出格式（可选：table / json；默认：table）', new Set(['table', 'json']))).toEqual([]);
    expect(englishWords('写到该文件（例如 期限.ics）；--fail-on 为 due-soon 时；JSON、PDF；DJYC_TODAY', new Set())).toEqual([]);
  });

  it('the help names every exit code, in both languages', () => {
    expect(EXIT_CODES.map((e) => e.code)).toEqual([0, 1, 2, 4, 5]);
    for (const e of EXIT_CODES) {
      expect(e.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(englishWords(e.zh, new Set())).toEqual([]);
      expect(e.en).toMatch(/[a-z]{3}/);
    }
    expect(exitCodesHelp('zh')).toContain('退出码：');
    expect(exitCodesHelp('en')).toContain('Exit codes:');
  });
});

describe('the error boundary', () => {
  it('no browser to print with is an environment error (exit 2), with its own instructions, also as JSON', async () => {
    const { reportError } = await import('../src/cli/main.js');
    const { BrowserNotFoundError } = await import('../src/pdf/browser.js');
    const out: string[] = [];
    const err: string[] = [];
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
    try {
      expect(await reportError(new BrowserNotFoundError(['/nowhere/chromium']), 'zh', { json: true, command: 'djyc status' })).toBe(2);
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
    }
    expect(err.join('')).toContain('找不到 Chromium');
    expect(JSON.parse(out.join(''))).toMatchObject({ ok: false, code: 2, rule: null, hint: null });
    expect(EXIT_CODES.find((e) => e.code === 2)!.zh).toContain('找不到浏览器');
  });
});
