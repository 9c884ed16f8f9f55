import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  distinctCountAggregator,
  type DistinctCountAccumulator,
} from '../../../src/windows/aggregators/distinct-count.js';
import { hyperLogLog } from '../../../src/windows/aggregators/hyper-log-log.js';
import { murmur3Hash32 } from '../../../src/windows/aggregators/murmur3.js';
import type { JsonValue } from '../../../src/core/record.js';

function fold(values: JsonValue[], limit = 1000): DistinctCountAccumulator {
  const agg = distinctCountAggregator({ limit });
  return values.reduce<DistinctCountAccumulator>((acc, v) => agg.add(acc, v, 0), agg.initial());
}

describe('distinct-count', () => {
  it('is exact up to the limit, keeping types apart and ignoring nulls', () => {
    const acc = fold([
      'a',
      'b',
      'a',
      1,
      '1',
      true,
      null,
      { x: 1 },
      { x: 1 },
      '__proto__',
      'constructor',
    ]);
    expect(acc.n).toBe(8);
    expect(acc.h).toBeNull();
    expect(distinctCountAggregator().result(acc)).toBe(8);
  });

  it('switches to HyperLogLog past the limit and stays within 5% on 100k distinct values', () => {
    const agg = distinctCountAggregator({ limit: 1000 });
    let acc = agg.initial();
    for (let i = 0; i < 100_000; i++) acc = agg.add(acc, `user-${i}`, 0);
    for (let i = 0; i < 50_000; i++) acc = agg.add(acc, `user-${i}`, 0); // repeats change nothing
    expect(acc.s).toBeNull();
    expect(acc.h).toHaveLength(4096);
    const estimate = agg.result(acc);
    // Standard error 1.04/√4096 ≈ 1.6%; 5% is beyond 3σ.
    expect(Math.abs(estimate - 100_000) / 100_000).toBeLessThan(0.05);
    expect(JSON.stringify(acc).length).toBeLessThan(4200);
  });

  it('is accurate just past the limit (linear counting range)', () => {
    const acc = fold(
      Array.from({ length: 1500 }, (_, i) => i),
      1000,
    );
    expect(acc.s).toBeNull();
    expect(Math.abs(acc.n - 1500)).toBeLessThan(1500 * 0.03);
  });

  it('merges: exact ∪ exact, exact ∪ sketch, sketch ∪ sketch; merge(initial, x) = x', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 3000 }), { maxLength: 400 }),
        fc.array(fc.integer({ min: 0, max: 3000 }), { maxLength: 400 }),
        fc.integer({ min: 0, max: 300 }),
        (a, b, limit) => {
          const agg = distinctCountAggregator({ limit });
          const merged = agg.merge!(fold(a, limit), fold(b, limit));
          const whole = fold([...a, ...b], limit);
          const truth = new Set([...a, ...b]).size;
          if (truth <= limit) {
            expect(merged.n).toBe(truth);
            expect(merged.s).not.toBeNull();
          } else {
            // Both are sketches of the same set: identical registers, identical estimates.
            expect(merged.h).toBe(whole.h);
            expect(merged.n).toBe(whole.n);
          }
          const alone = fold(a, limit);
          expect(agg.merge!(agg.initial(), fold(a, limit))).toEqual(alone);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('stateId reflects limit and precision', () => {
    expect(distinctCountAggregator().stateId).toBe('distinct-count.v1(limit=1000,p=12)');
    expect(distinctCountAggregator({ limit: 5, precision: 10 }).stateId).toBe(
      'distinct-count.v1(limit=5,p=10)',
    );
    expect(() => distinctCountAggregator({ precision: 20 })).toThrow(RangeError);
  });
});

describe('hyperLogLog and murmur3', () => {
  it('murmur3 is MurmurHash3_x86_32 of the UTF-16LE bytes', () => {
    // A byte-wise reference, checked against published vectors, then compared on random strings.
    const reference = (bytes: Uint8Array, seed = 0): number => {
      let h = seed | 0;
      const tail = bytes.length & ~3;
      const mix = (k: number): number => {
        k = Math.imul(k, 0xcc9e2d51);
        k = (k << 15) | (k >>> 17);
        return Math.imul(k, 0x1b873593);
      };
      for (let i = 0; i < tail; i += 4) {
        h ^= mix(bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24));
        h = (h << 13) | (h >>> 19);
        h = (Math.imul(h, 5) + 0xe6546b64) | 0;
      }
      const rest = bytes.length & 3;
      if (rest > 0) {
        let k = 0;
        if (rest === 3) k ^= bytes[tail + 2]! << 16;
        if (rest >= 2) k ^= bytes[tail + 1]! << 8;
        k ^= bytes[tail]!;
        h ^= mix(k);
      }
      h ^= bytes.length;
      h ^= h >>> 16;
      h = Math.imul(h, 0x85ebca6b);
      h ^= h >>> 13;
      h = Math.imul(h, 0xc2b2ae35);
      h ^= h >>> 16;
      return h >>> 0;
    };
    expect(reference(Buffer.from('hello'))).toBe(0x248bfa47);
    expect(reference(Buffer.from('The quick brown fox jumps over the lazy dog'))).toBe(0x2e4ff723);
    expect(reference(Buffer.from(''), 1)).toBe(0x514e28b7);
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.integer(), (text, seed) => {
        expect(murmur3Hash32(text, seed)).toBe(reference(Buffer.from(text, 'utf16le'), seed));
      }),
    );
  });

  it('registers are a string; union is register-wise max and idempotent', () => {
    let a = hyperLogLog.empty(8);
    let b = hyperLogLog.empty(8);
    for (let i = 0; i < 500; i++) a = hyperLogLog.add(a, murmur3Hash32(`x${i}`));
    for (let i = 250; i < 750; i++) b = hyperLogLog.add(b, murmur3Hash32(`x${i}`));
    const u = hyperLogLog.merge(a, b);
    expect(hyperLogLog.merge(u, a)).toBe(u);
    expect(hyperLogLog.merge(a, b)).toBe(hyperLogLog.merge(b, a));
    expect(Math.abs(hyperLogLog.estimate(u) - 750) / 750).toBeLessThan(0.2);
    expect(hyperLogLog.estimate(hyperLogLog.empty())).toBe(0);
    expect(() => hyperLogLog.merge(a, hyperLogLog.empty(9))).toThrow(RangeError);
  });
});
