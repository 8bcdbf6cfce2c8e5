/** jsonPieces: a big JSON report in pieces, byte for byte what JSON.stringify(value, null, 2) writes. */
import { describe, expect, it } from 'vitest';
import { jsonPieces } from '../src/output/json-pieces.js';

const whole = (value: Record<string, unknown>) => `${JSON.stringify(value, null, 2)}\n`;

describe('jsonPieces', () => {
  const item = (i: number) => ({
    uid: `task-due-t-${i}`,
    title: `任务完成时限：第${i}项\n含换行与"引号"`,
    due: '2020-10-20',
    days: -i,
    people: i % 3 ? [{ id: `m-${i}`, name: '徐海洁' }] : [],
    subject: i % 2 ? { kind: 'task', id: `t-${i}`, nested: { deep: [1, [2, []], {}] } } : undefined,
    empty: {},
  });

  it('gives the same text as JSON.stringify, whatever the number of elements and the piece size', () => {
    for (const n of [0, 1, 2, 499, 500, 501, 1203]) {
      const value = { today: '2020-12-20', within: 14, programmes: ['shuangling-2020'], counts: { overdue: n }, items: Array.from({ length: n }, (_, i) => item(i)) };
      for (const per of [1, 7, 500]) {
        const pieces = [...jsonPieces(value, 'items', per)];
        expect(pieces.join('')).toBe(whole(value));
        // Big lists really come in pieces.
        if (n > per) expect(pieces.length).toBeGreaterThan(2);
      }
    }
  });

  it('a list that is not the last key, nested deeper values, odd elements, and a value without the list', () => {
    const value = { a: 1, items: [null, 'x', 3, [], [1, 2], { b: undefined, c: () => 1 }, undefined], z: { y: [] } };
    expect([...jsonPieces(value, 'items', 2)].join('')).toBe(whole(value));
    expect([...jsonPieces({ a: [] }, 'items')].join('')).toBe(whole({ a: [] }));
    expect([...jsonPieces({ items: 'not a list' }, 'items')].join('')).toBe(whole({ items: 'not a list' }));
  });
});
