// Neighbour scores from pair counts: the counts map onto the LLR table as documented, cosine is
// pair / √(antecedent · consequent), and inconsistent marginals are clamped, not NaN.

import { describe, expect, it } from 'vitest';
import { itemSimilarity } from '../../../src/scoring/recommendations/item-similarity.js';
import { logLikelihoodRatio } from '../../../src/scoring/recommendations/log-likelihood-ratio.js';

describe('itemSimilarity', () => {
  it('llr builds the 2×2 table from pair, marginals and total', () => {
    // k11 = 2, k12 = 3 − 2 = 1, k21 = 3 − 2 = 1, k22 = 6 − 3 − 3 + 2 = 2.
    const score = itemSimilarity('llr', { pair: 2, antecedent: 3, consequent: 3, total: 6 });
    expect(score).toBeCloseTo(20 * Math.LN2 - 12 * Math.log(3), 12);
    expect(score).toBeCloseTo(logLikelihoodRatio(2, 1, 1, 2), 12);
  });

  it('llr is 0 for pairs seen less often than chance', () => {
    // Expected under independence: 5·5/10 = 2.5 > 1.
    expect(itemSimilarity('llr', { pair: 1, antecedent: 5, consequent: 5, total: 10 })).toBe(0);
  });

  it('llr favours a rare neighbour over a popular one with the same pair count', () => {
    const rare = itemSimilarity('llr', { pair: 5, antecedent: 10, consequent: 6, total: 1000 });
    const popular = itemSimilarity('llr', {
      pair: 5,
      antecedent: 10,
      consequent: 300,
      total: 1000,
    });
    expect(rare).toBeGreaterThan(popular);
  });

  it('cosine is pair / √(antecedent · consequent)', () => {
    expect(itemSimilarity('cosine', { pair: 2, antecedent: 4, consequent: 4, total: 0 })).toBe(0.5);
    expect(
      itemSimilarity('cosine', { pair: 1, antecedent: 4, consequent: 9, total: 0 }),
    ).toBeCloseTo(1 / 6, 12);
  });

  it('clamps marginals below the pair count and returns 0 for no pair', () => {
    expect(itemSimilarity('cosine', { pair: 2, antecedent: 1, consequent: 0, total: 0 })).toBe(1);
    const llr = itemSimilarity('llr', { pair: 2, antecedent: 1, consequent: 0, total: 0 });
    expect(Number.isFinite(llr)).toBe(true);
    expect(itemSimilarity('llr', { pair: 0, antecedent: 5, consequent: 5, total: 10 })).toBe(0);
  });
});
