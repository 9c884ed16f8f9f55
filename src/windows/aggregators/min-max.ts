// min and max of a numeric field over the window.

import type { JsonValue } from '../../core/record.js';
import type { Aggregator } from './aggregator.js';

/** Smallest numeric value, or null if the window has none. */
export function minAggregator(): Aggregator<number | null, number | null> {
  return {
    stateId: 'min.v1',
    input: 'number',
    initial: () => null,
    add: (acc: number | null, value: JsonValue) =>
      typeof value !== 'number' ? acc : acc === null || value < acc ? value : acc,
    result: (acc: number | null) => acc,
    merge: (a: number | null, b: number | null) =>
      a === null ? b : b === null ? a : Math.min(a, b),
  };
}

/** Largest numeric value, or null if the window has none. */
export function maxAggregator(): Aggregator<number | null, number | null> {
  return {
    stateId: 'max.v1',
    input: 'number',
    initial: () => null,
    add: (acc: number | null, value: JsonValue) =>
      typeof value !== 'number' ? acc : acc === null || value > acc ? value : acc,
    result: (acc: number | null) => acc,
    merge: (a: number | null, b: number | null) =>
      a === null ? b : b === null ? a : Math.max(a, b),
  };
}
