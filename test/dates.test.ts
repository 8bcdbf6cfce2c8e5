// The Asia/Shanghai day by arithmetic (domain/dates.ts todayIn) agrees with ICU's time-zone data.
import { describe, expect, it } from 'vitest';
import { todayIn } from '../src/domain/dates.js';

describe('todayIn', () => {
  it('gives the same day as Intl with the Asia/Shanghai time zone, at midnight boundaries and across years', () => {
    const icu = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });
    const instants = [Date.UTC(2020, 11, 31, 15, 59, 59, 999), Date.UTC(2020, 11, 31, 16), Date.UTC(2024, 1, 28, 16), Date.UTC(1992, 0, 1)];
    // Every 97 minutes from 2016 to 2031: every hour of the day, leap years, year ends.
    for (let t = Date.UTC(2016, 0, 1); t < Date.UTC(2031, 0, 1); t += 97 * 60_000) instants.push(t);
    for (const t of instants) expect(todayIn(new Date(t)), new Date(t).toISOString()).toBe(icu.format(new Date(t)));
    expect(todayIn(new Date(Date.UTC(2020, 11, 31, 16)))).toBe('2021-01-01');
  });
});
