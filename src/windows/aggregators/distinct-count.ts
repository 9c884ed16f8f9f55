// distinct-count: exact while a window has at most `limit` distinct values, then a HyperLogLog
// sketch (≈1.6% standard error at the default precision 12), so memory per window stays bounded.

import type { JsonValue } from '../../core/record.js';
import type { Aggregator } from './aggregator.js';
import { canonicalValue } from './canonical-value.js';
import { DEFAULT_HLL_PRECISION, hyperLogLog } from './hyper-log-log.js';
import { murmur3Hash32 } from './murmur3.js';

/**
 * `n`: the count (exact while `s` is set, else the sketch's estimate, cached so results cost
 * nothing); `s`: the exact set as an object whose keys are `canonicalValue`s (their type prefix
 * means no key can be an Object.prototype member); `h`: the sketch's registers once past `limit`.
 */
export type DistinctCountAccumulator = {
  n: number;
  s: { [canonical: string]: number } | null;
  h: string | null;
};

export interface DistinctCountOptions {
  /** Exact up to this many distinct values per window (default 1000), then HyperLogLog. */
  limit?: number;
  /** HyperLogLog precision p (2^p registers), 4..16; default 12. */
  precision?: number;
}

export const DEFAULT_DISTINCT_LIMIT = 1000;

/** Number of distinct non-null values (1 and "1" are different values). */
export function distinctCountAggregator(
  options: DistinctCountOptions = {},
): Aggregator<DistinctCountAccumulator, number> {
  const limit = options.limit ?? DEFAULT_DISTINCT_LIMIT;
  const precision = options.precision ?? DEFAULT_HLL_PRECISION;
  if (!Number.isSafeInteger(limit) || limit < 0) {
    throw new RangeError(`distinct-count limit must be a non-negative integer, got ${limit}`);
  }
  hyperLogLog.empty(precision); // validates the precision once

  const toSketch = (set: { [canonical: string]: number }, registers: string | null): string => {
    const bytes =
      registers === null ? new Uint8Array(1 << precision) : hyperLogLog.toBytes(registers);
    for (const key in set) hyperLogLog.addToBytes(bytes, murmur3Hash32(key));
    return hyperLogLog.fromBytes(bytes);
  };

  const overflow = (acc: DistinctCountAccumulator): DistinctCountAccumulator => {
    if (acc.s !== null && acc.n > limit) {
      acc.h = toSketch(acc.s, null);
      acc.s = null;
      acc.n = hyperLogLog.estimate(acc.h);
    }
    return acc;
  };

  return {
    stateId: `distinct-count.v1(limit=${limit},p=${precision})`,
    input: 'any',
    initial: (): DistinctCountAccumulator => ({ n: 0, s: {}, h: null }),
    add: (acc: DistinctCountAccumulator, value: JsonValue) => {
      if (value === null) return acc;
      const key = canonicalValue(value);
      if (acc.s !== null) {
        if (acc.s[key] === undefined) {
          acc.s[key] = 1;
          acc.n += 1;
          if (acc.n > limit) overflow(acc);
        }
        return acc;
      }
      const registers = acc.h ?? hyperLogLog.empty(precision);
      const next = hyperLogLog.add(registers, murmur3Hash32(key));
      if (next !== registers) {
        acc.h = next;
        acc.n = hyperLogLog.estimate(next);
      }
      return acc;
    },
    result: (acc: DistinctCountAccumulator) => acc.n,
    merge: (a: DistinctCountAccumulator, b: DistinctCountAccumulator) => {
      if (a.s !== null && b.s !== null) {
        for (const key in b.s) {
          if (a.s[key] === undefined) {
            a.s[key] = 1;
            a.n += 1;
          }
        }
        return overflow(a);
      }
      const ra = a.s !== null ? toSketch(a.s, null) : (a.h ?? hyperLogLog.empty(precision));
      const merged = b.s !== null ? toSketch(b.s, ra) : hyperLogLog.merge(ra, b.h ?? ra);
      a.s = null;
      a.h = merged;
      a.n = hyperLogLog.estimate(merged);
      return a;
    },
  };
}
