// variance and stddev of a numeric field: Welford's online update, and Chan et al.'s parallel
// formula to merge two partial results (session merges) without losing precision.

import type { JsonValue } from '../../core/record.js';
import type { Aggregator } from './aggregator.js';

/** Accumulator: `[count, mean, m2]`, where m2 is the sum of squared deviations from the mean. */
export type VarianceAccumulator = [number, number, number];

export interface VarianceOptions {
  /** Divide by n (population) instead of n − 1 (sample, the default, as SQL `variance`). */
  population?: boolean;
}

function welford(
  kind: 'variance' | 'stddev',
  options: VarianceOptions,
): Aggregator<VarianceAccumulator, number | null> {
  const population = options.population === true;
  const minCount = population ? 1 : 2;
  return {
    stateId: `${kind}.v1${population ? '.population' : '.sample'}`,
    input: 'number',
    initial: (): VarianceAccumulator => [0, 0, 0],
    add: (acc: VarianceAccumulator, value: JsonValue) => {
      if (typeof value !== 'number') return acc;
      const n = acc[0] + 1;
      const delta = value - acc[1];
      const mean = acc[1] + delta / n;
      acc[0] = n;
      acc[1] = mean;
      acc[2] += delta * (value - mean);
      return acc;
    },
    result: (acc: VarianceAccumulator) => {
      const n = acc[0];
      if (n < minCount) return null;
      // Rounding can leave m2 a hair below zero for identical values.
      const variance = Math.max(0, acc[2]) / (population ? n : n - 1);
      return kind === 'variance' ? variance : Math.sqrt(variance);
    },
    merge: (a: VarianceAccumulator, b: VarianceAccumulator) => {
      const na = a[0];
      const nb = b[0];
      if (nb === 0) return a;
      if (na === 0) {
        a[0] = nb;
        a[1] = b[1];
        a[2] = b[2];
        return a;
      }
      const n = na + nb;
      const delta = b[1] - a[1];
      a[0] = n;
      a[1] = a[1] + (delta * nb) / n;
      a[2] = a[2] + b[2] + (delta * delta * na * nb) / n;
      return a;
    },
  };
}

/** Sample variance (n − 1; null below 2 values) or, with `population`, population variance. */
export function varianceAggregator(
  options: VarianceOptions = {},
): Aggregator<VarianceAccumulator, number | null> {
  return welford('variance', options);
}

/** Square root of `varianceAggregator`'s result, same options. */
export function stddevAggregator(
  options: VarianceOptions = {},
): Aggregator<VarianceAccumulator, number | null> {
  return welford('stddev', options);
}
