// count: how many records (or non-null values of `of`) fell in the window.

import type { JsonValue } from '../../core/record.js';
import type { Aggregator } from './aggregator.js';

/** Counts non-null values; the window operator passes a constant when `of` is not given. */
export function countAggregator(): Aggregator<number, number> {
  return {
    stateId: 'count.v1',
    input: 'any',
    initial: () => 0,
    add: (acc: number, value: JsonValue) => (value === null ? acc : acc + 1),
    result: (acc: number) => acc,
    merge: (a: number, b: number) => a + b,
  };
}
