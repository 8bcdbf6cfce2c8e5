/**
 * Personal data in free text (issue 10, hole 6): one masking function, maskPersonalData, property-tested with
 * generated variants — mobiles in every common writing (+86 / 0086 / (+86), spaces, dashes, dots, full-width
 * digits), landlines with their area code, ID card numbers with a valid check digit (18 digits, or the old 15),
 * e-mail addresses — all masked; dates, years, project numbers, amounts and counts untouched. Then the real
 * outputs: the site, `djyc log` and problem messages in every format (the public notice PDF: privacy.slow.test.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { djyc, tempDir } from './helpers.js';
import { findPersonalData, isIdCardNumber, maskPersonalData, maskPhone, redactPhones } from '../src/domain/privacy.js';
import { PLANTED_ENV, leaks, plantedRepo } from './privacy-fixture.js';
import { linePieces } from '../src/cli/io.js';

const RUNS = 400;
const fullWidth = (s: string) => s.replace(/[0-9+()@xX]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
/** Digits (ASCII or full-width) and X of a text, as ASCII, everything else dropped. */
const digitsIn = (s: string) => [...s].map((c) => (c >= '\uFF10' && c <= '\uFF19' ? String.fromCharCode(c.charCodeAt(0) - 0xfee0) : c)).filter((c) => /[0-9]/.test(c)).join('');

const digit = fc.integer({ min: 0, max: 9 }).map(String);
const digits = (n: number) => fc.array(digit, { minLength: n, maxLength: n }).map((a) => a.join(''));
/** Text around a number: words without digits, ending/starting away from the number (a space or punctuation). */
const context = fc.constantFrom('', '联系电话：', '请致电 ', 'Tel: ', '（', '电话', '如有疑问，请联系王老师，', '手机号码为 ', 'call ');
const after = fc.constantFrom('', '。', '）', ' 谢谢', '，工作日接听', ';', ' (office)', '！');
const sep = fc.constantFrom('', ' ', '-', '.', '－', '\u3000', ' - ', '．');

/** A mobile number and one way of writing it. */
const mobile = fc
  .tuple(fc.integer({ min: 3, max: 9 }), digit, digits(8), fc.constantFrom('', '+86', '+86 ', '+86-', '0086', '0086 ', '(+86)', '（+86）', '+86 '), sep, sep, fc.constantFrom('3-4-4', '3-8', '7-4'), fc.boolean())
  .map(([second, third, rest, cc, s1, s2, grouping, wide]) => {
    const number = `1${second}${third}${rest}`;
    const [a, b, c] = [number.slice(0, 3), number.slice(3, 7), number.slice(7)];
    const body = grouping === '3-4-4' ? `${a}${s1}${b}${s2}${c}` : grouping === '3-8' ? `${a}${s1}${b}${c}` : `${a}${b}${s1}${c}`;
    const written = `${cc}${body}`;
    return { number, written: wide ? fullWidth(written) : written };
  });

/** A landline: area code and a 7- or 8-digit number, in the common writings. */
const landline = fc
  .tuple(
    fc.constantFrom('010', '020', '021', '022', '023', '025', '0510', '0512', '0571', '0755', '0898', '0470'),
    fc.integer({ min: 2, max: 9 }),
    fc.boolean(),
    digits(7),
    fc.constantFrom('-', ' ', '', '()', '（）', '+86 ', '+86-'),
    fc.boolean(),
    fc.boolean(),
  )
  .map(([area, first, eight, rest, style, split, wide]) => {
    const subscriber = `${first}${eight ? rest : rest.slice(0, 6)}`;
    const sub = split ? `${subscriber.slice(0, subscriber.length - 4)} ${subscriber.slice(-4)}` : subscriber;
    const written = style === '()' ? `(${area})${sub}` : style === '（）' ? `（${area}）${sub}` : style.startsWith('+86') ? `${style}${area.slice(1)} ${sub}` : `${area}${style}${sub}`;
    return { subscriber, written: wide ? fullWidth(written) : written };
  });

/** A valid resident ID number (real birth date, ISO 7064 check digit), written plainly, spaced or full-width. */
const idCard = fc
  .tuple(fc.integer({ min: 110000, max: 659999 }), fc.date({ min: new Date('1930-01-01T00:00:00Z'), max: new Date('2019-12-31T00:00:00Z'), noInvalidDate: true }), digits(3), fc.constantFrom('plain', 'spaced', 'wide', 'lower'))
  .map(([region, birth, seq, style]) => {
    const body = `${region}${birth.toISOString().slice(0, 10).replace(/-/g, '')}${seq}`;
    const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const sum = [...body].reduce((a, c, i) => a + Number(c) * weights[i]!, 0);
    const number = `${body}${'10X98765432'[sum % 11]}`;
    const written = style === 'spaced' ? `${number.slice(0, 6)} ${number.slice(6, 14)} ${number.slice(14)}` : style === 'wide' ? fullWidth(number) : style === 'lower' ? number.toLowerCase() : number;
    return { number, written };
  });

/** An old 15-digit ID number (region, YYMMDD, sequence). */
const oldIdCard = fc
  .tuple(fc.integer({ min: 110000, max: 659999 }), fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('1999-12-31T00:00:00Z'), noInvalidDate: true }), digits(3))
  .map(([region, birth, seq]) => {
    const number = `${region}${birth.toISOString().slice(2, 10).replace(/-/g, '')}${seq}`;
    return { number, written: number };
  });

const label = fc.stringMatching(/^[a-z0-9][a-z0-9]{0,8}$/);
const email = fc
  .tuple(label, fc.constantFrom('', '.', '_', '-', '+'), fc.stringMatching(/^[a-z0-9]{1,8}$/), fc.constantFrom('163.com', 'qq.com', 'gov.cn', 'mail.wuxi.gov.cn', 'example.org', 'djyc.local'), fc.boolean())
  .map(([a, s, b, domain, upper]) => {
    const local = `${a}${s}${b}`;
    const written = `${upper ? local.toUpperCase() : local}@${domain}`;
    return { local: upper ? local.toUpperCase() : local, written };
  });

describe('maskPersonalData: generated variants', () => {
  it('a long text (masked line by line) comes out as each of its lines masked alone', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(context, mobile, after), { minLength: 1, maxLength: 20 }), (pieces) => {
        const lines = pieces.map(([before, m, end]) => `${before}${m.written}${end}`.replace(/\n/g, ' '));
        // Filler lines that only look like numbers (dates, ids, 9 digits) between them, past the long-text threshold.
        const filler = Array.from({ length: 2500 }, (_, i) => `  "due": "2020-12-${String(i % 28 + 1).padStart(2, '0')}", "id": "t-${i}-001"`);
        const all = [...filler.slice(0, 1200), ...lines, ...filler.slice(1200), 'x 13800138000 @ y'];
        const text = all.join('\n');
        expect(maskPersonalData(text)).toBe(all.map((l) => maskPersonalData(l)).join('\n'));
        // Written to the terminal in pieces of whole lines (cli/io.ts writeOutput), each masked by the guard: the same text.
        const written = linePieces(text, 5000);
        expect(written.join('')).toBe(text);
        expect(written.slice(0, -1).every((p) => p.endsWith('\n'))).toBe(true);
        expect(written.map((p) => maskPersonalData(p)).join('')).toBe(maskPersonalData(text));
      }),
      { numRuns: 20 },
    );
  });

  it('masks a mobile number in every common writing, in any text around it', () => {
    fc.assert(
      fc.property(context, mobile, after, (before, m, end) => {
        const text = `${before}${m.written}${end}`;
        const out = maskPersonalData(text);
        expect(digitsIn(out)).not.toContain(m.number);
        expect(out).toContain('****');
        expect(out.startsWith(before)).toBe(true);
        expect(out.endsWith(end)).toBe(true);
        expect(maskPersonalData(out)).toBe(out);
        expect(findPersonalData(out)).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });

  it('masks a landline written with its area code', () => {
    fc.assert(
      fc.property(context, landline, after, (before, l, end) => {
        const out = maskPersonalData(`${before}${l.written}${end}`);
        // Exactly the subscriber number but its last 4 digits is masked; the area code stays.
        expect(digitsIn(out).length).toBe(digitsIn(l.written).length - (l.subscriber.length - 4));
        expect(digitsIn(out).endsWith(l.subscriber.slice(-4))).toBe(true);
        expect(out).toMatch(/\*{3}/);
        expect(maskPersonalData(out)).toBe(out);
      }),
      { numRuns: RUNS },
    );
  });

  it('masks an ID card number with a valid check digit (18 digits, or the old 15), and knows a wrong check digit', () => {
    fc.assert(
      fc.property(context, fc.oneof(idCard, oldIdCard), after, (before, id, end) => {
        expect(isIdCardNumber(id.number)).toBe(true);
        const out = maskPersonalData(`${before}${id.written}${end}`);
        expect(digitsIn(out)).not.toContain(digitsIn(id.number).slice(0, 14));
        expect(out).toContain('****');
        expect(maskPersonalData(out)).toBe(out);
      }),
      { numRuns: RUNS },
    );
    fc.assert(
      fc.property(idCard, (id) => {
        const wrong = `${id.number.slice(0, 17)}${'0123456789X'.replace(id.number[17]!, '')[0]}`;
        expect(isIdCardNumber(wrong)).toBe(false);
      }),
      { numRuns: 100 },
    );
  });

  it('masks e-mail addresses, keeping the first character and the domain', () => {
    fc.assert(
      fc.property(context, email, after, (before, e, end) => {
        const out = maskPersonalData(`${before}${e.written}${end}`);
        if (e.local.length > 1) expect(out).not.toContain(e.written);
        expect(out).toContain(`${e.local[0]}***@`);
        expect(maskPersonalData(out)).toBe(out);
      }),
      { numRuns: RUNS },
    );
  });

  it('leaves ordinary numbers alone: dates, years, project numbers, amounts, counts, times, percentages, hashes', () => {
    const year = fc.integer({ min: 1949, max: 2099 });
    const date = fc.tuple(year, fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }), fc.constantFrom('-', '/', '.', '年', '')).map(([y, m, d, s]) => {
      const p = (n: number) => String(n).padStart(2, '0');
      return s === '年' ? `${y}年${m}月${d}日` : `${y}${s}${p(m)}${s}${p(d)}`;
    });
    const projectNumber = fc.tuple(year, fc.integer({ min: 1, max: 999 })).map(([y, n]) => `${y}-${String(n).padStart(3, '0')}`);
    const amount = fc.oneof(
      fc.integer({ min: 0, max: 999_999_999 }).map((n) => `${n} 元`),
      fc.integer({ min: 0, max: 2_000_000_000 }).map((n) => `${n.toLocaleString('en-US')}元`),
      fc.tuple(fc.integer({ min: 0, max: 99_999_999 }), fc.integer({ min: 0, max: 99 })).map(([n, c]) => `${n}.${String(c).padStart(2, '0')} 万元`),
      fc.tuple(fc.integer({ min: 0, max: 999_999_999 }), digits(6)).map(([n, f]) => `${n}.${f}`),
    );
    const count = fc.integer({ min: 0, max: 9_999_999 }).map((n) => `${n} 人`);
    const time = fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 })).map(([h, m]) => `${h}:${String(m).padStart(2, '0')}`);
    const percent = fc.integer({ min: 0, max: 100 }).map((n) => `${n}%`);
    const hash = fc.stringMatching(/^[0-9a-f]{40}$/);
    const ordinary = fc.oneof(date, projectNumber, amount, count, time, percent, year.map(String), hash);
    fc.assert(
      fc.property(fc.array(fc.tuple(ordinary, fc.constantFrom('，', '。', ' ', '；', '、', ' 至 ', '：')), { minLength: 1, maxLength: 6 }), (parts) => {
        const text = parts.map(([a, b]) => `${a}${b}`).join('');
        expect(maskPersonalData(text)).toBe(text);
        expect(findPersonalData(text)).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });

  it('keeps the separators and country code in the masked form; maskPhone and redactPhones agree with it', () => {
    expect(maskPersonalData('电话 +86 138 0013 8000。')).toBe('电话 +86 138 **** 8000。');
    expect(maskPersonalData('138-0013-8000')).toBe('138-****-8000');
    expect(maskPersonalData('１３８００１３８０００')).toBe('１３８****８０００');
    expect(maskPersonalData('0510-83591234 转 801')).toBe('0510-****1234 转 801');
    expect(maskPersonalData('（0510）8359 1234')).toBe('（0510）**** 1234');
    expect(maskPersonalData('身份证号 11010519491231002X')).toBe('身份证号 110***********002X');
    expect(maskPersonalData('zhang.san@163.com')).toBe('z***@163.com');
    expect(maskPersonalData('第 2020-007 号，2020-05-20 前完成，计 13 人')).toBe('第 2020-007 号，2020-05-20 前完成，计 13 人');
    expect(redactPhones).toBe(maskPersonalData);
    expect(maskPhone('13800138000')).toBe('138****8000');
    expect(maskPhone('0510-83591234')).toBe('0510-****1234');
  });
});

describe('masked in every public or shared output', () => {
  it('the site, djyc log and problem messages in every format (the public notice PDF: privacy.slow.test.ts)', () => {
    const repo = plantedRepo({ badCategory: true });
    const out = tempDir('djyc-privacy-');
    const outputs: string[] = [];
    const run = (args: string[]) => {
      const r = djyc(args, { cwd: repo, env: PLANTED_ENV });
      outputs.push(r.stdout, r.stderr);
      return r;
    };
    for (const format of ['stylish', 'json', 'github', 'junit', 'sarif']) expect(run(['validate', '--format', format]).code).toBe(1);
    expect(outputs.join('\n')).toContain('category-unknown');
    expect(run(['publish', '-o', path.join(out, 'site')]).code).toBe(0);
    const log = run(['log', 'p-hongzhu']);
    expect(log.code, log.stderr).toBe(0);
    expect(log.stdout).toContain('goals');
    expect(run(['log', 't-li', '--format', 'json']).code).toBe(0);
    const siteText = (fs.readdirSync(path.join(out, 'site'), { recursive: true }) as string[])
      .filter((f) => /\.(html|js|json)$/.test(f))
      .map((f) => fs.readFileSync(path.join(out, 'site', f), 'utf8'))
      .join('\n');
    expect(siteText).toContain('全年送教不少于 10 次');
    for (const [where, text] of [['terminal', outputs.join('\n')], ['site', siteText]] as const) {
      expect(leaks(text), where).toEqual([]);
      expect(findPersonalData(text), where).toEqual([]);
    }
  });
});
