// first and last: the value with the earliest / latest event time in the window (not arrival order).

import type { JsonValue } from '../../core/record.js';
import type { Aggregator } from './aggregator.js';

/** Accumulator: `[timestampMs, value]` of the chosen record, or null before any value. */
export type FirstLastAccumulator = [number, JsonValue] | null;

/** The value with the smallest event time; on equal times the one that arrived first. */
export function firstAggregator(): Aggregator<FirstLastAccumulator, JsonValue> {
  return {
    stateId: 'first.v1',
    input: 'any',
    initial: () => null,
    add: (acc: FirstLastAccumulator, value: JsonValue, timestampMs: number) =>
      value === null || (acc !== null && acc[0] <= timestampMs) ? acc : [timestampMs, value],
    result: (acc: FirstLastAccumulator) => (acc === null ? null : acc[1]),
    // `a` holds the earlier records, so it wins ties.
    merge: (a: FirstLastAccumulator, b: FirstLastAccumulator) =>
      a === null ? b : b === null || a[0] <= b[0] ? a : b,
  };
}

/** The value with the largest event time; on equal times the one that arrived last. */
export function lastAggregator(): Aggregator<FirstLastAccumulator, JsonValue> {
  return {
    stateId: 'last.v1',
    input: 'any',
    initial: () => null,
    add: (acc: FirstLastAccumulator, value: JsonValue, timestampMs: number) =>
      value === null || (acc !== null && acc[0] > timestampMs) ? acc : [timestampMs, value],
    result: (acc: FirstLastAccumulator) => (acc === null ? null : acc[1]),
    merge: (a: FirstLastAccumulator, b: FirstLastAccumulator) =>
      a === null ? b : b === null || a[0] > b[0] ? a : b,
  };
}
