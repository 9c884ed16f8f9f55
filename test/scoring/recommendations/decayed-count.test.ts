// Decayed trending counts: hand-computed half-life arithmetic, independence from arrival order,
// and the log score that ranks counts with different reference times.

import { describe, expect, it } from 'vitest';
import {
  decayedAdd,
  decayedLogScore,
  decayedValueAt,
  logScoreValueAt,
} from '../../../src/scoring/recommendations/decayed-count.js';

const HOUR = 3_600_000;
const T10 = Date.UTC(2024, 0, 1, 10);
const T11 = T10 + HOUR;

describe('decayed counts', () => {
  it('halves an event weight every half-life', () => {
    const one = decayedAdd(undefined, 1, T10, HOUR);
    expect(one).toEqual({ value: 1, refMs: T10 });
    // 1 at 10:00 is 0.5 at 11:00; plus 1 at 11:00.
    const two = decayedAdd(one, 1, T11, HOUR);
    expect(two).toEqual({ value: 1.5, refMs: T11 });
    expect(decayedValueAt(two, T11 + 2 * HOUR, HOUR)).toBeCloseTo(0.375, 12);
    expect(decayedValueAt(two, T11 + 30 * 60_000, HOUR)).toBeCloseTo(1.5 / Math.SQRT2, 12);
  });

  it('does not depend on arrival order', () => {
    const late = decayedAdd(decayedAdd(undefined, 1, T11, HOUR), 1, T10, HOUR);
    expect(late).toEqual({ value: 1.5, refMs: T11 });
    const weighted = decayedAdd(decayedAdd(undefined, 3, T10, HOUR), 2, T11, HOUR);
    expect(weighted.value).toBeCloseTo(3.5, 12);
  });

  it('does not grow a count read before its reference time', () => {
    expect(decayedValueAt({ value: 2, refMs: T11 }, T10, HOUR)).toBe(2);
  });

  it('log scores rank counts with different reference times by their value at any time', () => {
    const a = { value: 4, refMs: T10 }; // 2 at 11:00
    const b = { value: 3, refMs: T11 }; // 3 at 11:00
    expect(decayedLogScore(b, HOUR)).toBeGreaterThan(decayedLogScore(a, HOUR));
    expect(decayedLogScore(a, HOUR)).toBeCloseTo(2 + T10 / HOUR, 9);
    for (const atMs of [T11, T11 + 5 * HOUR]) {
      expect(logScoreValueAt(decayedLogScore(a, HOUR), atMs, HOUR)).toBeCloseTo(
        decayedValueAt(a, atMs, HOUR),
        9,
      );
    }
  });

  it('a log score only grows as events are added', () => {
    let count = decayedAdd(undefined, 1, T10, HOUR);
    let score = decayedLogScore(count, HOUR);
    for (const ts of [T10 + 1, T11 + 7 * HOUR, T10 - HOUR]) {
      count = decayedAdd(count, 1, ts, HOUR);
      const next = decayedLogScore(count, HOUR);
      expect(next).toBeGreaterThan(score);
      score = next;
    }
  });
});
