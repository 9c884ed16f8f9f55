// Exponentially decayed counts by event time, for trending items: each event's weight halves
// every `halfLifeMs`. Stored as (value at refMs, refMs); ranked by a time-invariant log score.

/** A decayed count: `value` as of event time `refMs` (epoch ms). */
export interface DecayedCount {
  readonly value: number;
  readonly refMs: number;
}

/**
 * Adds `weight` at event time `tsMs`. A later event moves the reference time forward (the old
 * value decays to it first); an earlier (out-of-order) one adds its weight already decayed to
 * `refMs`, so the result does not depend on arrival order.
 *
 * Example (half-life 1 h): 1 at 10:00, then 1 at 11:00 → value 1.5 at 11:00.
 */
export function decayedAdd(
  count: DecayedCount | undefined,
  weight: number,
  tsMs: number,
  halfLifeMs: number,
): DecayedCount {
  if (count === undefined) return { value: weight, refMs: tsMs };
  if (tsMs >= count.refMs) {
    return {
      value: count.value * decayFactor(tsMs - count.refMs, halfLifeMs) + weight,
      refMs: tsMs,
    };
  }
  return {
    value: count.value + weight * decayFactor(count.refMs - tsMs, halfLifeMs),
    refMs: count.refMs,
  };
}

/** The count decayed to `atMs` (not grown when `atMs` < `refMs`: an earlier read sees the value). */
export function decayedValueAt(count: DecayedCount, atMs: number, halfLifeMs: number): number {
  return count.value * decayFactor(Math.max(0, atMs - count.refMs), halfLifeMs);
}

/**
 * log2(value) + refMs / halfLifeMs: the same number whatever time the count is decayed to, so
 * counts with different reference times compare by it, and a count's score only grows as events
 * are added. −Infinity for a zero count.
 */
export function decayedLogScore(count: DecayedCount, halfLifeMs: number): number {
  return Math.log2(count.value) + count.refMs / halfLifeMs;
}

/** The value at `atMs` of a count with log score `logScore` (inverse of decayedLogScore). */
export function logScoreValueAt(logScore: number, atMs: number, halfLifeMs: number): number {
  return 2 ** (logScore - atMs / halfLifeMs);
}

/** 2^(−ageMs / halfLifeMs). */
function decayFactor(ageMs: number, halfLifeMs: number): number {
  return 2 ** (-ageMs / halfLifeMs);
}
