// Dunning's G² against values worked out by hand and against Apache Mahout's published test
// values (LogLikelihoodTest), which use the same unnormalised-entropy formulation.

import { describe, expect, it } from 'vitest';
import {
  isPositivelyAssociated,
  logLikelihoodRatio,
} from '../../../src/scoring/recommendations/log-likelihood-ratio.js';

describe('logLikelihoodRatio', () => {
  it('matches hand-computed values', () => {
    // H(rows) = H(cols) = 2 ln 2, H(matrix) = 2 ln 2 → 2·(2 ln 2) = 4 ln 2.
    expect(logLikelihoodRatio(1, 0, 0, 1)).toBeCloseTo(4 * Math.LN2, 12);
    expect(logLikelihoodRatio(10, 0, 0, 10)).toBeCloseTo(40 * Math.LN2, 10);
    // N = 6; rows and cols 3/3: 2·(2·(6 ln 6 − 6 ln 3) − (6 ln 6 − 4 ln 2)) = 20 ln 2 − 12 ln 3.
    expect(logLikelihoodRatio(2, 1, 1, 2)).toBeCloseTo(20 * Math.LN2 - 12 * Math.log(3), 12);
  });

  it('matches Mahout LogLikelihoodTest values', () => {
    expect(logLikelihoodRatio(5, 1995, 0, 100_000)).toBeCloseTo(39.33052, 4);
    expect(logLikelihoodRatio(1000, 1995, 1000, 100_000)).toBeCloseTo(4730.737, 2);
    expect(logLikelihoodRatio(1000, 1000, 1000, 100_000)).toBeCloseTo(5734.343, 2);
    expect(logLikelihoodRatio(1000, 1000, 1000, 99_000)).toBeCloseTo(5714.932, 2);
  });

  it('is 0 for independent counts and never negative', () => {
    expect(logLikelihoodRatio(1, 1, 1, 1)).toBe(0);
    expect(logLikelihoodRatio(3, 6, 9, 18)).toBeCloseTo(0, 10);
    expect(logLikelihoodRatio(0, 0, 0, 0)).toBe(0);
    expect(logLikelihoodRatio(-1, 2, 3, 4)).toBeGreaterThanOrEqual(0);
  });

  it('is symmetric in the association direction; isPositivelyAssociated tells them apart', () => {
    expect(logLikelihoodRatio(0, 1, 1, 0)).toBeCloseTo(logLikelihoodRatio(1, 0, 0, 1), 12);
    expect(isPositivelyAssociated(1, 0, 0, 1)).toBe(true);
    expect(isPositivelyAssociated(0, 1, 1, 0)).toBe(false);
    expect(isPositivelyAssociated(1, 1, 1, 1)).toBe(false);
  });
});
