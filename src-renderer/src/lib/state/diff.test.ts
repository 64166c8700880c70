import { describe, expect, it } from 'vitest';
import { applyRecords, diffRecords, invertRecords } from './diff';

const r = (id: string, v = 0) => ({ id, v });

describe('record diffs', () => {
  const cases: [string, { id: string; v: number }[], { id: string; v: number }[]][] = [
    ['insert in the middle', [r('a'), r('c')], [r('a'), r('b'), r('c')]],
    ['remove from the middle', [r('a'), r('b'), r('c')], [r('a'), r('c')]],
    ['update', [r('a'), r('b')], [r('a'), r('b', 1)]],
    ['mixed', [r('a'), r('b'), r('c'), r('d')], [r('x'), r('b', 2), r('d'), r('y')]],
    ['reorder', [r('a'), r('b'), r('c')], [r('c'), r('a'), r('b')]],
    ['empty to full', [], [r('a'), r('b')]],
  ];
  for (const [name, before, after] of cases) {
    it(`${name}: apply gives the after list, invert gives the before list`, () => {
      const diff = diffRecords(before, after);
      expect(applyRecords(before, diff)).toStrictEqual(after);
      expect(applyRecords(after, invertRecords(diff))).toStrictEqual(before);
    });
  }

  it('an unchanged list gives an empty diff and the same array back', () => {
    const list = [r('a'), r('b')];
    const diff = diffRecords(list, [...list]);
    expect(diff).toEqual({ added: [], removed: [], updated: [] });
    expect(applyRecords(list, diff)).toBe(list);
  });
});
