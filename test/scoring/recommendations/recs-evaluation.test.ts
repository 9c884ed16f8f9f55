// Evaluation helpers against hand-computed values: hit-rate@k, NDCG@k, held-out next-view
// cases, popularity, and the offline item-kNN over consecutive views.

import { describe, expect, it } from 'vitest';
import {
  hitRateAtK,
  ndcgAtK,
  nextViewCases,
  OfflineItemKnn,
  popularItems,
  type EvaluationEvent,
} from '../../../src/scoring/recommendations/recs-evaluation.js';

function ev(
  userId: string,
  itemId: string,
  sessionId = `s-${userId}`,
  type = 'view',
): EvaluationEvent {
  return { userId, itemId, sessionId, category: 'c', type, tsMs: 0 };
}

describe('ranking metrics', () => {
  const cases = [
    { relevant: 'a', ranked: ['a', 'b'] }, // rank 0: 1
    { relevant: 'b', ranked: ['a', 'b'] }, // rank 1: 1/log2(3)
    { relevant: 'c', ranked: ['a', 'b'] }, // miss
    { relevant: 'd', ranked: ['a', 'b', 'c', 'd'] }, // rank 3: beyond k = 2
  ];

  it('hit-rate@k is the share of cases with the item in the first k', () => {
    expect(hitRateAtK(cases, 2)).toBe(0.5);
    expect(hitRateAtK(cases, 4)).toBe(0.75);
    expect(hitRateAtK([], 10)).toBe(0);
  });

  it('NDCG@k with one relevant item is 1/log2(rank + 2)', () => {
    expect(ndcgAtK(cases, 2)).toBeCloseTo((1 + 1 / Math.log2(3)) / 4, 12);
    expect(ndcgAtK(cases, 4)).toBeCloseTo((1 + 1 / Math.log2(3) + 1 / Math.log2(5)) / 4, 12);
    expect(ndcgAtK([], 10)).toBe(0);
  });
});

describe('held-out cases and baselines', () => {
  const training = [
    ev('u1', 'a'),
    ev('u1', 'b'),
    ev('u2', 'a'),
    ev('u2', 'c'),
    ev('u2', 'b', 's-u2', 'purchase'),
  ];
  const test = [
    ev('u3', 'x'),
    ev('u1', 'c', 's-u1', 'add_to_cart'),
    ev('u1', 'd'),
    ev('u1', 'e'),
    ev('u2', 'b'),
  ];

  it("takes each known user's first test view", () => {
    expect(nextViewCases(training, [...test, ev('u4', 'a')])).toEqual([
      { userId: 'u1', itemId: 'd', sameSession: true },
      { userId: 'u2', itemId: 'b', sameSession: true },
    ]);
    expect(nextViewCases(training, [ev('u1', 'a', 'later')])).toEqual([
      { userId: 'u1', itemId: 'a', sameSession: false },
    ]);
  });

  it('popularity counts views only', () => {
    expect(popularItems(training, 2)).toEqual(['a', 'b']);
  });

  it('item-kNN: cosine over consecutive views in a session, from the last viewed item', () => {
    // Pairs (both directions): a–b (u1), a–c (u2); views a 2, b 1, c 1. The u3 pair crosses sessions.
    const knn = new OfflineItemKnn([...training, ev('u3', 'b', 's1'), ev('u3', 'c', 's2')]);
    expect(knn.similar('a', 5)).toEqual(['b', 'c']);
    expect(knn.similar('b', 5)).toEqual(['a']);
    expect(knn.recommend('u2', 5)).toEqual(['a']); // last view c
    expect(knn.recommend('nobody', 5)).toEqual([]);
  });
});
