import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../../src/core/record.js';
import { topKAggregator, type TopKAccumulator } from '../../../src/windows/aggregators/top-k.js';

function fold(values: JsonValue[], k = 3, capacity?: number): TopKAccumulator {
  const agg = topKAggregator(capacity === undefined ? { k } : { k, capacity });
  return values.reduce<TopKAccumulator>((acc, v) => agg.add(acc, v, 0), agg.initial());
}

describe('top-k', () => {
  it('lists the k most frequent values, ties in canonical order (type, then text), nulls ignored', () => {
    const agg = topKAggregator({ k: 3 });
    const acc = fold(['b', 'a', 'c', 'a', 'b', 'a', 'd', null, 7, 7, 7, 'd', true]);
    expect(agg.result(acc)).toEqual([
      { value: 7, count: 3 },
      { value: 'a', count: 3 },
      { value: 'b', count: 2 },
    ]);
  });

  it('finds heavy hitters with Space-Saving once distinct values exceed capacity', () => {
    const agg = topKAggregator({ k: 2, capacity: 20 });
    let acc = agg.initial();
    for (let i = 0; i < 5000; i++) {
      acc = agg.add(acc, i % 5 === 0 ? 'hot' : i % 7 === 0 ? 'warm' : `cold-${i}`, 0);
    }
    expect(acc.n).toBe(20);
    const top = agg.result(acc);
    expect(top.map((e) => e.value)).toEqual(['hot', 'warm']);
    // Counts are upper bounds: hot really occurs 1000 times, and at most capacity errors are added.
    expect(top[0]!.count).toBeGreaterThanOrEqual(1000);
    const [count, error] = acc.c['shot']!;
    expect(count - error).toBeLessThanOrEqual(1000);
  });

  it('merge is exact below capacity and keeps counts as upper bounds beyond it', () => {
    const values = fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 200 });
    fc.assert(
      fc.property(values, values, (a, b) => {
        const capacity = 25;
        const agg = topKAggregator({ k: 5, capacity });
        const merged = agg.merge!(fold(a, 5, capacity), fold(b, 5, capacity));
        const truth = new Map<number, number>();
        for (const x of [...a, ...b]) truth.set(x, (truth.get(x) ?? 0) + 1);
        expect(merged.n).toBeLessThanOrEqual(capacity);
        for (const [key, [count, error]] of Object.entries(merged.c)) {
          const real = truth.get(Number(key.slice(1))) ?? 0;
          expect(count).toBeGreaterThanOrEqual(real);
          expect(count - error).toBeLessThanOrEqual(real);
        }
        if (truth.size <= capacity) {
          const expected = [...truth].sort((x, y) => y[1] - x[1] || x[0] - y[0]).slice(0, 5);
          expect(agg.result(merged).map((e) => e.count)).toEqual(expected.map((e) => e[1]));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('stateId reflects k and capacity; bad parameters throw', () => {
    expect(topKAggregator().stateId).toBe('top-k.v1(k=10,capacity=100)');
    expect(topKAggregator({ k: 20 }).stateId).toBe('top-k.v1(k=20,capacity=200)');
    expect(() => topKAggregator({ k: 0 })).toThrow(RangeError);
    expect(() => topKAggregator({ k: 5, capacity: 3 })).toThrow(RangeError);
  });
});
