// top-k: the most frequent values in a window. Counts are exact while the window has at most
// `capacity` distinct values; beyond that the Space-Saving algorithm (Metwally et al. 2005) keeps
// `capacity` counters, so memory is bounded and frequent values are still found.

import type { JsonValue } from '../../core/record.js';
import type { Aggregator } from './aggregator.js';
import { canonicalValue, fromCanonicalValue } from './canonical-value.js';

/**
 * `c`: canonical value → `[count, error]`; `n`: number of counters in `c`. Under Space-Saving a
 * count is an upper bound and `count − error` a lower bound of the true frequency.
 */
export type TopKAccumulator = {
  c: { [canonical: string]: [number, number] };
  n: number;
};

export interface TopKEntry {
  [field: string]: JsonValue;
  value: JsonValue;
  count: number;
}

export interface TopKOptions {
  /** How many values the result lists (default 10). */
  k?: number;
  /** Counters kept per window (default max(100, 10 × k)); exact below this many distinct values. */
  capacity?: number;
}

function isFull(acc: TopKAccumulator, capacity: number): boolean {
  return acc.n >= capacity;
}

function minCount(acc: TopKAccumulator): [string, number] {
  let minKey = '';
  let min = Number.POSITIVE_INFINITY;
  for (const key in acc.c) {
    const count = (acc.c[key] as [number, number])[0];
    if (count < min) {
      min = count;
      minKey = key;
    }
  }
  return [minKey, min];
}

/** The `k` most frequent non-null values, most frequent first (ties in canonicalValue order). */
export function topKAggregator(
  options: TopKOptions = {},
): Aggregator<TopKAccumulator, TopKEntry[]> {
  const k = options.k ?? 10;
  const capacity = options.capacity ?? Math.max(100, 10 * k);
  if (!Number.isSafeInteger(k) || k < 1) throw new RangeError(`top-k k must be ≥ 1, got ${k}`);
  if (!Number.isSafeInteger(capacity) || capacity < k) {
    throw new RangeError(`top-k capacity must be an integer ≥ k, got ${capacity}`);
  }

  return {
    stateId: `top-k.v1(k=${k},capacity=${capacity})`,
    input: 'any',
    initial: (): TopKAccumulator => ({ c: {}, n: 0 }),
    add: (acc: TopKAccumulator, value: JsonValue) => {
      if (value === null) return acc;
      const key = canonicalValue(value);
      const counter = acc.c[key];
      if (counter !== undefined) {
        counter[0] += 1;
      } else if (!isFull(acc, capacity)) {
        acc.c[key] = [1, 0];
        acc.n += 1;
      } else {
        // Space-Saving: the new value takes over the smallest counter, inheriting its count as error.
        const [minKey, min] = minCount(acc);
        delete acc.c[minKey];
        acc.c[key] = [min + 1, min];
      }
      return acc;
    },
    result: (acc: TopKAccumulator) => {
      const keys = Object.keys(acc.c);
      keys.sort((x, y) => {
        const byCount = (acc.c[y] as [number, number])[0] - (acc.c[x] as [number, number])[0];
        return byCount !== 0 ? byCount : x < y ? -1 : x > y ? 1 : 0;
      });
      const top: TopKEntry[] = [];
      for (let i = 0; i < keys.length && i < k; i++) {
        const key = keys[i] as string;
        top.push({ value: fromCanonicalValue(key), count: (acc.c[key] as [number, number])[0] });
      }
      return top;
    },
    // Mergeable Space-Saving: a value missing from a full summary may have had up to that
    // summary's minimum count, so it is counted (as error too) to keep counts upper bounds.
    merge: (a: TopKAccumulator, b: TopKAccumulator) => {
      const missingA = isFull(a, capacity) ? minCount(a)[1] : 0;
      const missingB = isFull(b, capacity) ? minCount(b)[1] : 0;
      const merged: { [canonical: string]: [number, number] } = {};
      for (const key in a.c) {
        const [count, error] = a.c[key] as [number, number];
        const other = b.c[key];
        merged[key] =
          other === undefined
            ? [count + missingB, error + missingB]
            : [count + other[0], error + other[1]];
      }
      for (const key in b.c) {
        if (merged[key] !== undefined) continue;
        const [count, error] = b.c[key] as [number, number];
        merged[key] = [count + missingA, error + missingA];
      }
      let keys = Object.keys(merged);
      if (keys.length > capacity) {
        keys.sort(
          (x, y) => (merged[y] as [number, number])[0] - (merged[x] as [number, number])[0],
        );
        keys = keys.slice(0, capacity);
      }
      a.c = {};
      for (const key of keys) a.c[key] = merged[key] as [number, number];
      a.n = keys.length;
      return a;
    },
  };
}
