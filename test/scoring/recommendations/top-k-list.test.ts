// Bounded sorted top-k lists: entry, update, eviction, ties, and merging tasks' lists.

import { describe, expect, it } from 'vitest';
import {
  mergeTopK,
  offerTopK,
  type ScoredId,
} from '../../../src/scoring/recommendations/top-k-list.js';

describe('offerTopK', () => {
  it('keeps the k best, sorted, ties in id order', () => {
    const list: ScoredId[] = [];
    expect(offerTopK(list, 'b', 2, 3)).toBe(true);
    expect(offerTopK(list, 'a', 2, 3)).toBe(true);
    expect(offerTopK(list, 'c', 5, 3)).toBe(true);
    expect(list).toEqual([
      ['c', 5],
      ['a', 2],
      ['b', 2],
    ]);
    // Full: a newcomer must beat the last entry.
    expect(offerTopK(list, 'd', 1, 3)).toBe(false);
    expect(offerTopK(list, 'c2', 2, 3)).toBe(false); // ties with b but 'c2' > 'b'
    expect(offerTopK(list, 'd', 3, 3)).toBe(true);
    expect(list).toEqual([
      ['c', 5],
      ['d', 3],
      ['a', 2],
    ]);
  });

  it('moves an updated id to its new place', () => {
    const list: ScoredId[] = [
      ['c', 5],
      ['d', 3],
      ['a', 2],
    ];
    expect(offerTopK(list, 'a', 6, 3)).toBe(true);
    expect(list).toEqual([
      ['a', 6],
      ['c', 5],
      ['d', 3],
    ]);
  });
});

describe('mergeTopK', () => {
  it('merges lists, keeping each id once with its best score', () => {
    const merged = mergeTopK(
      [
        [
          ['a', 5],
          ['b', 1],
        ],
        [
          ['c', 4],
          ['a', 2],
        ],
        [],
      ],
      2,
    );
    expect(merged).toEqual([
      ['a', 5],
      ['c', 4],
    ]);
    expect(mergeTopK([[['a', 1]]], 0)).toEqual([]);
  });
});
