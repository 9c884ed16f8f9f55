// avg: the arithmetic mean of a numeric field over the window.

import type { JsonValue } from '../../core/record.js';
import type { Aggregator } from './aggregator.js';

/** Accumulator: `[count, sum]`. */
export type AvgAccumulator = [number, number];

/** Mean of the numeric values, or null if the window has none. */
export function avgAggregator(): Aggregator<AvgAccumulator, number | null> {
  return {
    stateId: 'avg.v1',
    input: 'number',
    initial: (): AvgAccumulator => [0, 0],
    add: (acc: AvgAccumulator, value: JsonValue) => {
      if (typeof value === 'number') {
        acc[0] += 1;
        acc[1] += value;
      }
      return acc;
    },
    result: (acc: AvgAccumulator) => (acc[0] === 0 ? null : acc[1] / acc[0]),
    merge: (a: AvgAccumulator, b: AvgAccumulator) => {
      a[0] += b[0];
      a[1] += b[1];
      return a;
    },
  };
}
