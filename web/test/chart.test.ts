import { describe, expect, it } from 'vitest';
import { labelEvery, niceTicks, OTHER, stackByYear } from '../src/lib/chart';

describe('stackByYear', () => {
  it('fills gaps between years and stacks types, most frequent first', () => {
    const c = stackByYear([
      { type: 'arrest', year: 2010, count: 2 },
      { type: 'forced_return', year: 2010, count: 5 },
      { type: 'arrest', year: 2012, count: 1 },
    ]);
    expect(c.years).toEqual([2010, 2011, 2012]);
    expect(c.series).toEqual(['forced_return', 'arrest']);
    expect(c.values).toEqual([[5, 2], [0, 0], [0, 1]]);
    expect(c.totals).toEqual([7, 0, 1]);
    expect(c.max).toBe(7);
  });
  it('folds rare types into one series', () => {
    const rows = ['a', 'b', 'c', 'd'].map((type, i) => ({ type, year: 2000, count: 10 - i }));
    const c = stackByYear(rows, 3);
    expect(c.series).toEqual(['a', 'b', OTHER]);
    expect(c.values[0]).toEqual([10, 9, 8 + 7]);
  });
  it('is empty without data', () => {
    expect(stackByYear([]).years).toEqual([]);
    expect(stackByYear([{ type: 'a', year: 2000, count: 0 }]).series).toEqual([]);
  });
});

describe('axis', () => {
  it('chooses round ticks that cover the maximum', () => {
    expect(niceTicks(7)).toEqual([0, 2, 4, 6, 8]);
    expect(niceTicks(1)).toEqual([0, 1]);
    expect(niceTicks(100)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(0)).toEqual([0, 1]);
    expect(niceTicks(13)).toEqual([0, 5, 10, 15]);
  });
  it('thins year labels', () => {
    expect(labelEvery(10, 16)).toBe(1);
    expect(labelEvery(40, 16)).toBe(3);
  });
});
