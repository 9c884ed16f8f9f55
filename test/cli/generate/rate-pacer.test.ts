import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/clock.js';
import { RatePacer } from '../../../src/cli/generate/rate-pacer.js';

/** Drives the pacer like the command does, on a manual clock: returns send times and sizes. */
function simulate(
  pacer: RatePacer,
  clock: ManualClock,
  runMs: number,
  total = Infinity,
): Array<[number, number]> {
  const sends: Array<[number, number]> = [];
  let sent = 0;
  const endMs = clock.nowMs() + runMs;
  while (clock.nowMs() < endMs && sent < total) {
    const n = pacer.allowance(sent, clock.nowMs(), total - sent);
    if (n === 0) {
      const wait = pacer.waitMs(sent, clock.nowMs(), total - sent);
      expect(wait).toBeGreaterThan(0);
      clock.advance(wait);
      continue;
    }
    sends.push([clock.nowMs(), n]);
    sent += n;
  }
  return sends;
}

describe('RatePacer', () => {
  it('lets events out at the rate, in chunks of about 1/50 s', () => {
    const clock = new ManualClock(10_000);
    const pacer = new RatePacer(1_000, clock.nowMs(), 500);
    expect(pacer.chunk).toBe(20);
    const sends = simulate(pacer, clock, 10_000);
    const total = sends.reduce((s, [, n]) => s + n, 0);
    expect(total).toBeGreaterThanOrEqual(9_990);
    expect(total).toBeLessThanOrEqual(10_001);
    // Never ahead of schedule: by time t at most floor(t·rate) + 1 events.
    let sent = 0;
    for (const [atMs, n] of sends) {
      sent += n;
      expect(sent).toBeLessThanOrEqual(Math.floor(((atMs - 10_000) * 1_000) / 1_000) + 1);
    }
    expect(sends.every(([, n]) => n >= 20)).toBe(true);
  });

  it('paces slow rates one event at a time', () => {
    const clock = new ManualClock(0);
    const pacer = new RatePacer(4, 0, 500);
    const sends = simulate(pacer, clock, 2_000);
    expect(sends).toEqual([
      [0, 1],
      [250, 1],
      [500, 1],
      [750, 1],
      [1_000, 1],
      [1_250, 1],
      [1_500, 1],
      [1_750, 1],
    ]);
  });

  it('catches up after a stall, at most maxChunk per call', () => {
    const pacer = new RatePacer(1_000, 0, 500);
    expect(pacer.due(0, 3_000)).toBe(3_001);
    expect(pacer.allowance(0, 3_000)).toBe(500);
    expect(pacer.allowance(2_900, 3_000)).toBe(101);
    expect(pacer.waitMs(0, 3_000)).toBe(0);
  });

  it('sends a final chunk smaller than the usual one when that is all that remains', () => {
    const pacer = new RatePacer(1_000, 0, 500);
    expect(pacer.allowance(0, 0, 5)).toBe(0); // one event due at t = 0: wait for all five
    expect(pacer.waitMs(0, 0, 5)).toBe(4);
    expect(pacer.allowance(0, 4, 5)).toBe(5);
    expect(pacer.waitMs(1, 0, 4)).toBe(4);
  });

  it('with rate 0 sends full chunks without waiting', () => {
    const pacer = new RatePacer(0, 0, 800);
    expect(pacer.allowance(1_000_000, 0)).toBe(800);
    expect(pacer.allowance(0, 0, 10)).toBe(10);
    expect(pacer.waitMs(123, 0)).toBe(0);
  });

  it('rejects negative rates', () => {
    expect(() => new RatePacer(-1, 0, 10)).toThrow(RangeError);
  });
});
