// The aggregation contract the window operator folds records into. Accumulators are plain JSON
// (they are written to RocksDB and the changelog as JSON), so an aggregator is pure functions.

import type { JsonValue } from '../../core/record.js';

/**
 * Folds values into an accumulator `A` and reads a result `R` from it.
 *
 * - `initial()` returns a fresh accumulator each call (callers mutate it).
 * - `add` may mutate `acc` in place and must return the updated accumulator. `value` is what the
 *   aggregation's extractor returned; `null` means "missing" and is ignored by every aggregator
 *   (count without `of` is given a non-null constant per record).
 * - `merge(a, b)` combines two accumulators of disjoint record sets, `a` holding the earlier
 *   records when order matters; it may mutate and return `a`. `merge(initial(), x)` ≡ `x`.
 *   Session windows need it (merging sessions); sliding windows do not.
 * - `stateId` names the accumulator format and parameters; it changes whenever either changes,
 *   so stored accumulators are never read with different semantics.
 */
export interface Aggregator<A extends JsonValue = JsonValue, R extends JsonValue = JsonValue> {
  readonly stateId: string;
  /** `number`: the window operator dead-letters records whose value is neither a finite number nor null. */
  readonly input: 'number' | 'any';
  initial(): A;
  add(acc: A, value: JsonValue, timestampMs: number): A;
  result(acc: A): R;
  merge?(a: A, b: A): A;
}
