import { describe, expect, it } from 'vitest';
import { Prng } from '../../../src/cli/generate/prng.js';
import { WeightedChoice } from '../../../src/cli/generate/weighted-choice.js';

describe('WeightedChoice', () => {
  it('samples in proportion to the weights and never picks a zero weight', () => {
    const choice = new WeightedChoice([1, 0, 3, 6]);
    const prng = new Prng(5);
    const counts = [0, 0, 0, 0];
    const n = 100_000;
    for (let i = 0; i < n; i++) counts[choice.sample(prng)]!++;
    expect(counts[1]).toBe(0);
    expect(counts[0]! / n).toBeCloseTo(0.1, 2);
    expect(counts[2]! / n).toBeCloseTo(0.3, 2);
    expect(counts[3]! / n).toBeCloseTo(0.6, 2);
  });

  it('builds Zipf weights with rank 0 most likely', () => {
    const zipf = WeightedChoice.zipf(4, 1);
    const total = 1 + 1 / 2 + 1 / 3 + 1 / 4;
    expect(zipf.probability(0)).toBeCloseTo(1 / total, 10);
    expect(zipf.probability(3)).toBeCloseTo(0.25 / total, 10);
  });

  it('rejects negative weights and an all-zero list', () => {
    expect(() => new WeightedChoice([1, -1])).toThrow(RangeError);
    expect(() => new WeightedChoice([0, 0])).toThrow(RangeError);
  });
});
