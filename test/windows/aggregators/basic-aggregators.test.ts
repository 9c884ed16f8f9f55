// count, sum, min, max, avg, first, last: hand-computed values, null handling, merge laws.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../../src/core/record.js';
import type { Aggregator } from '../../../src/windows/aggregators/aggregator.js';
import { avgAggregator } from '../../../src/windows/aggregators/avg.js';
import { countAggregator } from '../../../src/windows/aggregators/count.js';
import { firstAggregator, lastAggregator } from '../../../src/windows/aggregators/first-last.js';
import { maxAggregator, minAggregator } from '../../../src/windows/aggregators/min-max.js';
import { sumAggregator } from '../../../src/windows/aggregators/sum.js';

function fold<A extends JsonValue, R extends JsonValue>(
  aggregator: Aggregator<A, R>,
  values: Array<JsonValue | [JsonValue, number]>,
): A {
  let acc = aggregator.initial();
  values.forEach((v, i) => {
    const [value, ts] = Array.isArray(v) && v.length === 2 && typeof v[1] === 'number' ? v : [v, i];
    acc = aggregator.add(acc, value as JsonValue, ts as number);
  });
  return acc;
}

function result<A extends JsonValue, R extends JsonValue>(
  aggregator: Aggregator<A, R>,
  values: JsonValue[],
): R {
  return aggregator.result(fold(aggregator, values));
}

describe('count, sum, min, max, avg', () => {
  it('computes hand-checked results and ignores nulls', () => {
    const values = [3, null, -1.5, 10, 0];
    expect(result(countAggregator(), values)).toBe(4);
    expect(result(sumAggregator(), values)).toBe(11.5);
    expect(result(minAggregator(), values)).toBe(-1.5);
    expect(result(maxAggregator(), values)).toBe(10);
    expect(result(avgAggregator(), values)).toBe(11.5 / 4);
  });

  it('has sensible empty results', () => {
    expect(result(countAggregator(), [])).toBe(0);
    expect(result(sumAggregator(), [null])).toBe(0);
    expect(result(minAggregator(), [])).toBeNull();
    expect(result(maxAggregator(), [null])).toBeNull();
    expect(result(avgAggregator(), [])).toBeNull();
  });

  it('declares numeric inputs so the operator can reject strings', () => {
    expect(sumAggregator().input).toBe('number');
    expect(avgAggregator().input).toBe('number');
    expect(countAggregator().input).toBe('any');
  });
});

describe('first and last (by event time)', () => {
  it('pick by timestamp, not arrival order; ties keep the first / take the latest arrival', () => {
    const events: Array<[JsonValue, number]> = [
      ['b', 20],
      ['a', 10],
      ['c', 30],
      ['late', 5],
      [null, 1],
      ['c2', 30],
    ];
    expect(firstAggregator().result(fold(firstAggregator(), events))).toBe('late');
    expect(lastAggregator().result(fold(lastAggregator(), events))).toBe('c2');
    const tie: Array<[JsonValue, number]> = [
      ['x', 7],
      ['y', 7],
    ];
    expect(firstAggregator().result(fold(firstAggregator(), tie))).toBe('x');
    expect(lastAggregator().result(fold(lastAggregator(), tie))).toBe('y');
    expect(firstAggregator().result(firstAggregator().initial())).toBeNull();
  });

  it('keep objects as values', () => {
    expect(lastAggregator().result(fold(lastAggregator(), [[{ a: [1] }, 1]]))).toEqual({ a: [1] });
  });
});

describe('merge laws (property)', () => {
  const numbers = fc.array(fc.oneof(fc.integer({ min: -1000, max: 1000 }), fc.constant(null)), {
    maxLength: 30,
  });
  const cases: Array<[string, () => Aggregator<JsonValue, JsonValue>]> = [
    ['count', countAggregator],
    ['sum', sumAggregator],
    ['min', minAggregator],
    ['max', maxAggregator],
    ['avg', avgAggregator],
    ['first', firstAggregator],
    ['last', lastAggregator],
  ];
  for (const [name, make] of cases) {
    it(`${name}: merge(fold(a), fold(b)) = fold(a ++ b), merge(initial, x) = x`, () => {
      fc.assert(
        fc.property(numbers, numbers, (a, b) => {
          const agg = make();
          // Distinct timestamps so first/last are defined by position.
          const withTs = (xs: JsonValue[], offset: number): Array<[JsonValue, number]> =>
            xs.map((x, i) => [x, offset + i]);
          const whole = fold(agg, [...withTs(a, 0), ...withTs(b, 1000)]);
          const merged = agg.merge!(fold(agg, withTs(a, 0)), fold(agg, withTs(b, 1000)));
          expect(agg.result(merged)).toEqual(agg.result(whole));
          expect(agg.result(agg.merge!(agg.initial(), fold(agg, withTs(a, 0))))).toEqual(
            agg.result(fold(agg, withTs(a, 0))),
          );
          // Accumulators survive a JSON round trip (they are stored as JSON).
          expect(JSON.parse(JSON.stringify(whole))).toEqual(whole);
        }),
      );
    });
  }
});
