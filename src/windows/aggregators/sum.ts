// sum: the total of a numeric field over the window.

import type { JsonValue } from '../../core/record.js';
import type { Aggregator } from './aggregator.js';

/** Sum of the numeric values (0 for an empty window); null values are ignored. */
export function sumAggregator(): Aggregator<number, number> {
  return {
    stateId: 'sum.v1',
    input: 'number',
    initial: () => 0,
    add: (acc: number, value: JsonValue) => (typeof value === 'number' ? acc + value : acc),
    result: (acc: number) => acc,
    merge: (a: number, b: number) => a + b,
  };
}
