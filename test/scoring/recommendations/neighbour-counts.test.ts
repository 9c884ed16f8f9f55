// Bounded neighbour counters: exact below capacity, Space-Saving replacement beyond it.

import { describe, expect, it } from 'vitest';
import {
  addNeighbourWeight,
  neighbourWeightLowerBound,
  type NeighbourCount,
} from '../../../src/scoring/recommendations/neighbour-counts.js';

describe('addNeighbourWeight', () => {
  it('counts exactly while there is room', () => {
    const list: NeighbourCount[] = [];
    addNeighbourWeight(list, 'a', 1, 2);
    addNeighbourWeight(list, 'b', 0.5, 2);
    addNeighbourWeight(list, 'a', 0.5, 2);
    expect(list).toEqual([
      ['a', 1.5, 0],
      ['b', 0.5, 0],
    ]);
  });

  it('when full, a newcomer takes over the smallest counter with its weight as overestimate', () => {
    const list: NeighbourCount[] = [
      ['a', 3, 0],
      ['b', 1, 0],
    ];
    addNeighbourWeight(list, 'c', 1, 2);
    expect(list).toEqual([
      ['a', 3, 0],
      ['c', 2, 1],
    ]);
    expect(neighbourWeightLowerBound(list[1]!)).toBe(1);
    // A frequent item keeps coming back and keeps its counter.
    addNeighbourWeight(list, 'd', 1, 2);
    expect(list.map((c) => c[0])).toEqual(['a', 'd']);
    expect(list[1]).toEqual(['d', 3, 2]);
  });
});
