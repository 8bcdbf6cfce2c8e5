/**
 * Privacy guard: phone numbers never appear unmasked in what djyc prints or publishes. The CLI is run over the
 * example repositories (with phone numbers given to every member) and over a fixture with phone numbers planted
 * where messages repeat values — validate in every format, ledger, deadlines, log, status and publish — and every
 * output (standard output and error, files written) is searched for an 11-digit mobile number not in masked form.
 * (Numbers typed into free text — a title, a note — are masked on the terminal by the CLI's output guard; files
 * that ledger and deadlines write with -o carry free text as it is, so the planted fixture checks their terminal
 * output, and the examples check their files with phone numbers in the members' phone fields.)
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, djyc, git, initRepo, tempDir } from './helpers.js';
import { findUnmaskedPhones, maskPhone, redactPhones } from '../src/domain/privacy.js';
import { readPhoneRoster } from '../src/store/roster.js';

const ENV = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' };
const TEXT_FILE = /\.(json|csv|md|txt|ics|html|xml|sarif|yaml|yml|js|css)$/i;

/** Every unmasked mobile number in a command's output and in the text files under `dir`. */
function leaks(outputs: string[], dir?: string): string[] {
  const found: string[] = [];
  for (const o of outputs) found.push(...findUnmaskedPhones(o));
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (TEXT_FILE.test(e.name)) found.push(...findUnmaskedPhones(fs.readFileSync(p, 'utf8')).map((n) => `${n} in ${path.relative(dir!, p)}`));
    }
  };
  if (dir && fs.existsSync(dir)) walk(dir);
  return found;
}

/** Gives every member of a repository a phone number (valid, quoted), commits, then changes one (for `log`). */
function withPhones(repo: string): string | undefined {
  const dir = path.join(repo, 'records', 'members');
  let first: string | undefined;
  let n = 0;
  for (const f of fs.existsSync(dir) ? fs.readdirSync(dir).filter((x) => x.endsWith('.yaml')).sort() : []) {
    const file = path.join(dir, f);
    const text = fs.readFileSync(file, 'utf8');
    if (/^phone:/m.test(text)) continue;
    fs.writeFileSync(file, `${text.replace(/\n?$/, '\n')}phone: "139${String(10000000 + n++).padStart(8, '0')}"\n`);
    first ??= f.replace(/\.yaml$/, '');
  }
  return first;
}

function gitInit(repo: string): void {
  if (!fs.existsSync(path.join(repo, '.git'))) git(repo, ['init', '-q', '-b', 'main']);
  git(repo, ['add', '-A']);
  git(repo, ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '--allow-empty', '-m', 'corpus']);
}

/** Runs every output-producing command on a repository; returns the outputs and the folder of written files. */
function runAll(repo: string, today: string, member: string | undefined, full: boolean, files = false): { outputs: string[]; out: string; ran: string[] } {
  const out = tempDir('djyc-guard-out-');
  const outputs: string[] = [];
  const ran: string[] = [];
  const env = { ...ENV, DJYC_TODAY: today };
  const run = (args: string[]) => {
    const r = djyc(args, { cwd: repo, env });
    expect(r.stderr, `djyc ${args.join(' ')}`).not.toMatch(/\n\s+at .*\(/);
    outputs.push(r.stdout, r.stderr);
    ran.push(args[0]!);
    return r;
  };
  for (const format of ['stylish', 'json', 'github', 'junit', 'sarif']) run(['validate', '--format', format]);
  run(['validate', '--lang', 'en', '--output', `sarif=${path.join(out, 'v.sarif')}`, '--output', `junit=${path.join(out, 'v.xml')}`, '--summary', path.join(out, 'summary.md')]);
  if (!full) return { outputs, out, ran };
  run(['validate', '--changed', 'HEAD~1', '--format', 'json']);
  for (const format of ['table', 'csv', 'md', 'json']) run(['ledger', '--format', format, '--today', today, ...(files ? ['-o', path.join(out, `ledger.${format}`)] : [])]);
  for (const format of ['table', 'json', 'ics']) run(['deadlines', '--format', format, '--all', '--today', today, ...(files ? ['-o', path.join(out, `deadlines.${format}`)] : [])]);
  if (member) {
    run(['log', member]);
    run(['log', member, '--format', 'json']);
  }
  run(['status', '--today', today]);
  run(['status', '--json', '--today', today]);
  run(['publish', '-o', path.join(out, 'site'), '--today', today]);
  return { outputs, out, ran };
}

describe('the guard itself', () => {
  it('finds an unmasked mobile number, and not a masked one or a longer digit run', () => {
    expect(findUnmaskedPhones('联系电话 13800138000。')).toEqual(['13800138000']);
    expect(findUnmaskedPhones('138****8000, 0510-83591234, 213800138000, 1380013800')).toEqual([]);
    expect(leaks(['ok', 'call 15912345678'])).toEqual(['15912345678']);
    expect(maskPhone('13800138000')).toBe('138****8000');
    expect(redactPhones('a 13800138000 b')).toBe('a 138****8000 b');
  });

  it('reads the phone roster kept outside the repository, never echoing a value in its errors', () => {
    const dir = tempDir('djyc-roster-');
    fs.writeFileSync(path.join(dir, 'roster.csv'), '编号,电话\nm-1,13800138000\nm-2, "13900139000"\n');
    expect(readPhoneRoster(dir, { personal_data: { phone_roster: 'roster.csv' } })).toEqual(new Map([['m-1', '13800138000'], ['m-2', '13900139000']]));
    fs.writeFileSync(path.join(dir, 'bad.csv'), 'm-1,13800138000,extra\n');
    let message = '';
    try {
      readPhoneRoster(dir, { personal_data: { phone_roster: 'bad.csv' } });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('第 1 行');
    expect(message).not.toContain('13800138000');
    expect(readPhoneRoster(dir, {})).toEqual(new Map());
  });
});

describe('no unmasked phone number in any output', () => {
  it('a fixture with phone numbers where messages repeat values, and a phone roster outside the repository', () => {
    const repo = initRepo('shuangling', 2020);
    const roster = path.join(tempDir('djyc-roster-'), 'phones.csv');
    fs.writeFileSync(roster, 'm-1,13700137000\nm-2,13600136000\n');
    fs.appendFileSync(path.join(repo, 'djyc.yaml'), `personal_data:\n  phone_roster: ${JSON.stringify(roster)}\n`);
    const w = (rel: string, text: string) => fs.writeFileSync(path.join(repo, rel), text);
    w('records/organisations/org-a.yaml', 'id: org-a\nname: 甲支部\ntype: 党支部\ncontact: m-1\nsecretary: m-1\n');
    w('records/members/m-1.yaml', 'id: m-1\nname: 张三\norganisation: org-a\nphone: "13800138000"\n');
    w('records/members/m-2.yaml', 'id: m-2\nname: "13912345678"\norganisation: org-a\nphone: 13512345678\n');
    w('records/members/m-3.yaml', 'id: m-3\nname: 王五\norganisation: org-a\nphone: "1381234abcd"\n');
    w('records/projects/p-1.yaml', 'id: p-1\nprogramme: shuangling-2020\ntitle: 便民服务 热线13312345678\ncategories: [13712345678]\nsource: "15012345678"\nlead: org-a\ncontact: m-1\nstage: proposed\nhistory:\n  - stage: proposed\n    date: "2020-03-05"\n    note: 联系 18812345678\n');
    gitInit(repo);
    w('records/members/m-1.yaml', 'id: m-1\nname: 张三\norganisation: org-a\nphone: "13800138999"\n');
    gitInit(repo);
    const { outputs, out, ran } = runAll(repo, '2020-05-20', 'm-1', true);
    // The planted values really reach the messages (masked), so the guard is looking at the right place.
    expect(outputs.join('\n')).toContain('139****5678');
    expect(ran.length).toBeGreaterThan(8);
    expect(leaks(outputs, out)).toEqual([]);
  });

  it('the example repositories, every member given a phone number', () => {
    const examples = fs.existsSync(path.join(ROOT, 'examples')) ? fs.readdirSync(path.join(ROOT, 'examples')).filter((d) => fs.existsSync(path.join(ROOT, 'examples', d, 'djyc.yaml'))) : [];
    expect(examples.length).toBeGreaterThan(0);
    const found: string[] = [];
    examples.forEach((name, i) => {
      const repo = path.join(tempDir('djyc-guard-'), name);
      fs.cpSync(path.join(ROOT, 'examples', name), repo, { recursive: true });
      const member = withPhones(repo);
      gitInit(repo);
      if (member) {
        const file = path.join(repo, 'records', 'members', `${member}.yaml`);
        fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/phone: "(\d+)"/, 'phone: "13300133000"'));
        gitInit(repo);
      }
      const year = Number(/(\d{4})/.exec(name)?.[1] ?? 2020);
      // All commands on two of them, validate in every format on all.
      const { outputs, out } = runAll(repo, `${year}-12-20`, member, i < 2, true);
      found.push(...leaks(outputs, out).map((l) => `${name}: ${l}`));
    });
    expect(found).toEqual([]);
  });
});
