// Welford's running mean and variance against values worked out by hand.
import { describe, expect, it } from 'vitest';
import {
  addToStats,
  emptyStats,
  statsStdDev,
  statsVariance,
} from '../../../src/scoring/fraud/running-stats.js';

describe('running stats (Welford)', () => {
  it('matches the textbook example 2, 4, 4, 4, 5, 5, 7, 9', () => {
    const s = emptyStats();
    for (const x of [2, 4, 4, 4, 5, 5, 7, 9]) addToStats(s, x);
    expect(s.n).toBe(8);
    expect(s.mean).toBe(5);
    // Sum of squared deviations 32: sample variance 32 / 7.
    expect(s.m2).toBeCloseTo(32, 12);
    expect(statsVariance(s)).toBeCloseTo(32 / 7, 12);
    expect(statsStdDev(s)).toBeCloseTo(2.138089935, 9);
  });

  it('has no spread with fewer than two values', () => {
    const s = emptyStats();
    expect(statsStdDev(s)).toBe(0);
    addToStats(s, 42);
    expect(s.mean).toBe(42);
    expect(statsVariance(s)).toBe(0);
  });

  it('stays exact for large offsets (no catastrophic cancellation)', () => {
    const s = emptyStats();
    for (const x of [1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16]) addToStats(s, x);
    expect(s.mean).toBe(1e9 + 10);
    expect(statsVariance(s)).toBeCloseTo(30, 6);
  });
});
