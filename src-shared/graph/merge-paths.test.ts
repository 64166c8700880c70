import { describe, expect, it } from 'vitest';
import { mergePaths, type PathNode } from './merge-paths';

const node = (type: string, ...inputs: number[]): PathNode => ({ type, inputs });

describe('mergePaths', () => {
  it('finds the block input of a residual block, the skip as the add’s own edge and the branch’s first layer', () => {
    // 0 in → 1 d0 → 2 d1 → 3 d2 → 4 add(d0, d2) → 5 out
    const nodes = [
      node('input'),
      node('dense', 0),
      node('dense', 1),
      node('dense', 2),
      node('add', 1, 3),
      node('output', 4),
    ];
    expect(mergePaths(nodes, 0)).toEqual([
      { merge: 4, fork: 1, entries: [[{ consumer: 4, slot: 0 }], [{ consumer: 2, slot: 0 }]] },
    ]);
  });

  it('splits at the block input even when both paths have layers (a projection shortcut)', () => {
    // 1 d0 forks into 2 proj and 3 b1 → 4 b2; 5 add(proj, b2)
    const nodes = [
      node('input'),
      node('dense', 0),
      node('dense', 1),
      node('dense', 1),
      node('dense', 3),
      node('add', 2, 4),
    ];
    expect(mergePaths(nodes, 0)[0]).toEqual({
      merge: 5,
      fork: 1,
      entries: [[{ consumer: 2, slot: 0 }], [{ consumer: 3, slot: 0 }]],
    });
  });

  it('nests: the outer block’s branch holds the inner block', () => {
    // 1 x; 2 a(x); 3 b(a); 4 inner add(a, b); 5 c(inner); 6 outer add(x, c)
    const nodes = [
      node('input'),
      node('dense', 0),
      node('dense', 1),
      node('dense', 2),
      node('add', 2, 3),
      node('dense', 4),
      node('add', 1, 5),
    ];
    const found = mergePaths(nodes, 0);
    expect(found.map((m) => [m.merge, m.fork])).toEqual([
      [4, 2],
      [6, 1],
    ]);
    expect(found[1].entries).toEqual([[{ consumer: 6, slot: 0 }], [{ consumer: 2, slot: 0 }]]);
  });

  it('gives no path share when a branch layer also feeds something outside the block', () => {
    // 3 b1 also feeds 5 (a later layer): its gradient there would mix with the branch's.
    const nodes = [
      node('input'),
      node('dense', 0),
      node('dense', 1),
      node('add', 1, 2),
      node('dense', 3),
      node('concatenate', 4, 2),
    ];
    const first = mergePaths(nodes, 0).find((m) => m.merge === 3)!;
    expect(first.entries).toEqual([[{ consumer: 3, slot: 0 }], null]);
  });

  it('gives no path share to inputs whose paths share layers (dense connectivity)', () => {
    // 1 x; 2 d1(x); 3 d2(d1); 4 concat(x, d1, d2)
    const nodes = [
      node('input'),
      node('dense', 0),
      node('dense', 1),
      node('dense', 2),
      node('concatenate', 1, 2, 3),
    ];
    expect(mergePaths(nodes, 0)[0].entries).toEqual([[{ consumer: 4, slot: 0 }], null, null]);
  });
});
