// The per-account state: bounded seen-lists, what learning changes, the learning clamp, and
// the bounded lists of recent and small payments.
import { describe, expect, it } from 'vitest';
import {
  learnPayment,
  markSeen,
  newAccountState,
  rememberPayment,
  type SeenEntry,
} from '../../../src/scoring/fraud/account-state.js';
import { statsStdDev } from '../../../src/scoring/fraud/running-stats.js';
import { LIMITS, T0, payment } from './fraud-test-data.js';

describe('markSeen', () => {
  it('counts and keeps the latest time', () => {
    const list: SeenEntry[] = [];
    markSeen(list, 'a', 10, 3);
    markSeen(list, 'a', 5, 3);
    markSeen(list, 'b', 20, 3);
    expect(list).toEqual([
      ['a', 2, 10],
      ['b', 1, 20],
    ]);
  });

  it('when full, drops the least used entry, the oldest among equals', () => {
    const list: SeenEntry[] = [
      ['a', 3, 100],
      ['b', 1, 50],
      ['c', 1, 40],
    ];
    markSeen(list, 'd', 200, 3);
    expect(list.map((e) => e[0])).toEqual(['a', 'b', 'd']);
  });
});

describe('learnPayment', () => {
  it('learns amount, device, merchant, country, card and the location', () => {
    const s = newAccountState();
    learnPayment(s, payment({ amount: 10 }), LIMITS);
    learnPayment(
      s,
      payment({ amount: 30, deviceId: 'd2', lat: 1, lon: 2, timestampMs: T0 + 5 }),
      LIMITS,
    );
    expect(s.amount.n).toBe(2);
    expect(s.amount.mean).toBe(20);
    expect(s.logAmount.mean).toBeCloseTo((Math.log(10) + Math.log(30)) / 2, 12);
    expect(s.devices.map((d) => d[0])).toEqual(['d1', 'd2']);
    expect(s.merchants).toEqual([['m1', 2, T0 + 5]]);
    expect(s.last).toEqual([1, 2, T0 + 5]);
    // Learning does not add to the recent list: that is rememberPayment's job.
    expect(s.recent).toEqual([]);
    expect(s.scored).toBe(0);
  });

  it('an out-of-order payment does not move the last location back in time', () => {
    const s = newAccountState();
    learnPayment(s, payment({ lat: 1, timestampMs: T0 }), LIMITS);
    learnPayment(s, payment({ lat: 2, timestampMs: T0 - 1000 }), LIMITS);
    expect(s.last).toEqual([1, 4.9, T0]);
  });

  it('clamps ln(amount) to mean ± k log spreads once warm', () => {
    const limits = { ...LIMITS, learnClampLogStdDevs: 2, warmup: 3 };
    const s = newAccountState();
    // ln amounts 1, 2, 3: mean 2, spread 1 → an outlier at ln 10 is learned as ln 4.
    for (const l of [1, 2, 3]) learnPayment(s, payment({ amount: Math.exp(l) }), limits);
    learnPayment(s, payment({ amount: Math.exp(10) }), limits);
    expect(s.logAmount.mean).toBeCloseTo((1 + 2 + 3 + 4) / 4, 12);
    expect(statsStdDev(s.logAmount)).toBeCloseTo(Math.sqrt(5 / 3), 12);
    // The plain amount stats are never clamped (they are what amount_z reports).
    expect(s.amount.mean).toBeCloseTo((Math.E + Math.exp(2) + Math.exp(3) + Math.exp(10)) / 4, 6);
  });
});

describe('rememberPayment', () => {
  it('keeps small payments within the card-testing window only', () => {
    const s = newAccountState();
    rememberPayment(s, payment({ amount: 1, timestampMs: T0 }), LIMITS);
    rememberPayment(s, payment({ amount: 50, timestampMs: T0 + 1000 }), LIMITS);
    rememberPayment(s, payment({ amount: 1.5, timestampMs: T0 + 200_000 }), LIMITS);
    expect(s.small).toEqual([
      [T0, 'c1'],
      [T0 + 200_000, 'c1'],
    ]);
    rememberPayment(s, payment({ amount: 2, timestampMs: T0 + 300_000 }), LIMITS);
    // T0 is exactly one window (300 s) before the newest: dropped.
    expect(s.small.map((e) => e[0])).toEqual([T0 + 200_000, T0 + 300_000]);
    expect(s.recent).toHaveLength(4);
  });

  it('stays plain JSON', () => {
    const s = newAccountState();
    learnPayment(s, payment(), LIMITS);
    rememberPayment(s, payment(), LIMITS);
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });
});
