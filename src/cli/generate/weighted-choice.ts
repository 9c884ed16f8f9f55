// Sampling by weight for the demo-data models: Zipf-like item popularity, user and account
// activity, pattern mix. Cumulative weights + binary search: O(log n) per draw, no allocation.

import type { Prng } from './prng.js';

/** Picks indexes 0..n-1 with probability proportional to the given non-negative weights. */
export class WeightedChoice {
  private readonly cumulative: Float64Array;
  /** Sum of all weights (> 0). */
  readonly total: number;

  constructor(weights: readonly number[]) {
    this.cumulative = new Float64Array(weights.length);
    let sum = 0;
    weights.forEach((w, i) => {
      if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`weight ${i} is ${w}`);
      sum += w;
      this.cumulative[i] = sum;
    });
    if (!(sum > 0)) throw new RangeError('weights must have a positive sum');
    this.total = sum;
  }

  /** Zipf weights 1/(rank+1)^exponent for ranks 0..n-1 (rank 0 is the most popular). */
  static zipf(n: number, exponent: number): WeightedChoice {
    return new WeightedChoice(Array.from({ length: n }, (_, rank) => 1 / (rank + 1) ** exponent));
  }

  get size(): number {
    return this.cumulative.length;
  }

  /** Probability of index `i` (weight / total). */
  probability(i: number): number {
    const upper = this.cumulative[i] ?? 0;
    const lower = i > 0 ? (this.cumulative[i - 1] ?? 0) : 0;
    return (upper - lower) / this.total;
  }

  /** One index, drawn with probability weight / total. */
  sample(prng: Prng): number {
    const target = prng.next() * this.total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.cumulative[mid] ?? 0) > target) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}
