import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  stddevAggregator,
  varianceAggregator,
  type VarianceAccumulator,
} from '../../../src/windows/aggregators/variance.js';

function twoPass(xs: number[], population: boolean): number {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const ss = xs.reduce((s, x) => s + (x - mean) ** 2, 0);
  return ss / (population ? xs.length : xs.length - 1);
}

function fold(xs: number[], population = false): VarianceAccumulator {
  const agg = varianceAggregator({ population });
  return xs.reduce((acc, x) => agg.add(acc, x, 0), agg.initial());
}

describe('variance and stddev (Welford)', () => {
  it('matches a hand-computed example', () => {
    // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, squared deviations sum 32.
    const xs = [2, 4, 4, 4, 5, 5, 7, 9];
    expect(varianceAggregator().result(fold(xs))).toBeCloseTo(32 / 7, 12);
    expect(varianceAggregator({ population: true }).result(fold(xs, true))).toBe(4);
    expect(stddevAggregator({ population: true }).result(fold(xs, true))).toBe(2);
    expect(stddevAggregator().result(fold(xs))).toBeCloseTo(Math.sqrt(32 / 7), 12);
  });

  it('is null below two values (sample) or one (population), and ignores nulls', () => {
    const agg = varianceAggregator();
    expect(agg.result(agg.add(agg.initial(), 5, 0))).toBeNull();
    expect(agg.result(agg.add(agg.initial(), null, 0))).toBeNull();
    expect(varianceAggregator({ population: true }).result(fold([5], true))).toBe(0);
  });

  it('stays accurate with a large offset where the naive sum-of-squares formula fails', () => {
    const xs = [1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16];
    expect(varianceAggregator().result(fold(xs))).toBeCloseTo(30, 9);
  });

  it('agrees with the two-pass formula, and merging (Chan) agrees with one pass', () => {
    const values = fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { maxLength: 50 });
    fc.assert(
      fc.property(values, values, fc.boolean(), (a, b, population) => {
        const agg = varianceAggregator({ population });
        const all = [...a, ...b];
        const whole = agg.result(fold(all, population));
        const merged = agg.result(agg.merge!(fold(a, population), fold(b, population)));
        if (all.length < (population ? 1 : 2)) {
          expect(whole).toBeNull();
          expect(merged).toBeNull();
          return;
        }
        const expected = twoPass(all, population);
        const tolerance = 1e-9 * Math.max(1, expected);
        expect(Math.abs(whole! - expected)).toBeLessThanOrEqual(tolerance);
        expect(Math.abs(merged! - expected)).toBeLessThanOrEqual(tolerance);
      }),
      { numRuns: 500 },
    );
  });

  it('has distinct stateIds per kind and option', () => {
    const ids = [
      varianceAggregator(),
      varianceAggregator({ population: true }),
      stddevAggregator(),
      stddevAggregator({ population: true }),
    ].map((a) => a.stateId);
    expect(new Set(ids).size).toBe(4);
  });
});
