import { describe, expect, it } from 'vitest';
import { fieldExtractor } from '../../src/windows/field-extractor.js';
import { firstWindowStartMs } from '../../src/windows/time-window-assigner.js';
import { concatAggregator, emitted, harness, pipe, rec } from './window-harness.js';

const v = fieldExtractor('v');
const agg = { agg: { aggregator: concatAggregator(), extract: v } };

describe('firstWindowStartMs', () => {
  it('aligns tumbling windows to the epoch', () => {
    const size = 5 * 60_000;
    const ts = Date.UTC(2024, 0, 1, 12, 3, 10);
    expect(firstWindowStartMs(ts, size, size)).toBe(Date.UTC(2024, 0, 1, 12, 0, 0));
    expect(firstWindowStartMs(Date.UTC(2024, 0, 1, 12, 5), size, size)).toBe(
      Date.UTC(2024, 0, 1, 12, 5),
    );
  });

  it('gives the earliest hopping window containing the record, never before 0', () => {
    expect(firstWindowStartMs(12, 10, 5)).toBe(5); // [5,15) and [10,20)
    expect(firstWindowStartMs(15, 10, 5)).toBe(10); // 15 is not in [5,15)
    expect(firstWindowStartMs(3, 10, 5)).toBe(0); // [-5,5) does not exist
  });
});

describe('tumbling windows', () => {
  it('puts 12:03:10 in [12:00, 12:05) and emits on every update', async () => {
    const size = 5 * 60_000;
    const t = (h: number, m: number, s: number): number => Date.UTC(2024, 0, 1, h, m, s);
    const h = await harness({
      window: { type: 'tumbling', sizeMs: size },
      aggregations: agg,
    });
    await pipe(h, [
      rec('u1', t(12, 3, 10), { v: 'a' }),
      rec('u1', t(12, 4, 59), { v: 'b' }),
      rec('u1', t(12, 5, 0), { v: 'c' }),
    ]);
    expect(emitted(h.forwarded)).toEqual([
      {
        key: 'u1',
        startMs: t(12, 0, 0),
        endMs: t(12, 5, 0),
        value: '0+a',
        timestampMs: t(12, 3, 10),
      },
      {
        key: 'u1',
        startMs: t(12, 0, 0),
        endMs: t(12, 5, 0),
        value: '0+a+b',
        timestampMs: t(12, 4, 59),
      },
      {
        key: 'u1',
        startMs: t(12, 5, 0),
        endMs: t(12, 10, 0),
        value: '0+c',
        timestampMs: t(12, 5, 0),
      },
    ]);
    expect(h.forwarded[0]!.key).toBe(`u1|${t(12, 0, 0)}`);
  });
});

describe('hopping windows (Kafka Streams KStreamWindowAggregateTest fixtures)', () => {
  it('testAggBasic: same updates, in the same order, with the same timestamps', async () => {
    const h = await harness({
      window: { type: 'hopping', sizeMs: 10, advanceMs: 5, graceMs: 100 },
      aggregations: agg,
    });
    const input: Array<[string, string, number]> = [
      ['A', '1', 0],
      ['B', '2', 1],
      ['C', '3', 2],
      ['D', '4', 3],
      ['A', '1', 4],
      ['A', '1', 5],
      ['B', '2', 6],
      ['D', '4', 7],
      ['B', '2', 8],
      ['C', '3', 9],
      ['A', '1', 10],
      ['B', '2', 11],
      ['D', '4', 12],
      ['B', '2', 13],
      ['C', '3', 14],
      ['B', '1', 3],
      ['B', '2', 2],
      ['B', '3', 9],
    ];
    await pipe(
      h,
      input.map(([k, value, ts]) => rec(k, ts, { v: value })),
    );
    const expected: Array<[string, number, string, number]> = [
      ['A', 0, '0+1', 0],
      ['B', 0, '0+2', 1],
      ['C', 0, '0+3', 2],
      ['D', 0, '0+4', 3],
      ['A', 0, '0+1+1', 4],
      ['A', 0, '0+1+1+1', 5],
      ['A', 5, '0+1', 5],
      ['B', 0, '0+2+2', 6],
      ['B', 5, '0+2', 6],
      ['D', 0, '0+4+4', 7],
      ['D', 5, '0+4', 7],
      ['B', 0, '0+2+2+2', 8],
      ['B', 5, '0+2+2', 8],
      ['C', 0, '0+3+3', 9],
      ['C', 5, '0+3', 9],
      ['A', 5, '0+1+1', 10],
      ['A', 10, '0+1', 10],
      ['B', 5, '0+2+2+2', 11],
      ['B', 10, '0+2', 11],
      ['D', 5, '0+4+4', 12],
      ['D', 10, '0+4', 12],
      ['B', 5, '0+2+2+2+2', 13],
      ['B', 10, '0+2+2', 13],
      ['C', 5, '0+3+3', 14],
      ['C', 10, '0+3', 14],
      ['B', 0, '0+2+2+2+1', 8],
      ['B', 0, '0+2+2+2+1+2', 8],
      ['B', 0, '0+2+2+2+1+2+3', 9],
      ['B', 5, '0+2+2+2+2+3', 13],
    ];
    expect(emitted(h.forwarded)).toEqual(
      expected.map(([key, startMs, value, timestampMs]) => ({
        key,
        startMs,
        endMs: startMs + 10,
        value,
        timestampMs,
      })),
    );
  });

  it('shouldLogAndMeterWhenSkippingExpiredWindow: closed windows skipped, open ones updated', async () => {
    const h = await harness({
      window: { type: 'hopping', sizeMs: 10, advanceMs: 5, graceMs: 90 },
      aggregations: {
        agg: { aggregator: { ...concatAggregator(), initial: () => '' }, extract: v },
      },
    });
    await pipe(
      h,
      [100, 0, 1, 2, 3, 4, 5, 6].map((ts) => rec('k', ts, { v: String(ts) })),
    );
    expect(emitted(h.forwarded).map((e) => [e.startMs, e.endMs, e.value, e.timestampMs])).toEqual([
      [95, 105, '+100', 100],
      [100, 110, '+100', 100],
      [5, 15, '+5', 5],
      [5, 15, '+5+6', 6],
    ]);
    // Records 0–4 belong only to [0,10), closed at stream time 100 (10 + 90 ≤ 100): dead-lettered.
    // Records 5 and 6 still updated [5,15), so they are not (Kafka counts each skipped window).
    expect(h.deadLetters.map((d) => [d.record.timestampMs, d.error.code])).toEqual([
      [0, 'LATE'],
      [1, 'LATE'],
      [2, 'LATE'],
      [3, 'LATE'],
      [4, 'LATE'],
    ]);
    expect(h.late.count).toBe(5);
  });

  it('shouldLogAndMeterWhenSkippingExpiredWindowByGrace (tumbling)', async () => {
    const h = await harness({
      window: { type: 'tumbling', sizeMs: 10, graceMs: 90 },
      aggregations: {
        agg: { aggregator: { ...concatAggregator(), initial: () => '' }, extract: v },
      },
    });
    await pipe(
      h,
      [200, 100, 101, 102, 103, 104, 105, 6].map((ts) => rec('k', ts, { v: String(ts) })),
    );
    expect(emitted(h.forwarded).map((e) => [e.startMs, e.endMs, e.value, e.timestampMs])).toEqual([
      [200, 210, '+200', 200],
    ]);
    expect(h.deadLetters).toHaveLength(7);
    expect(h.late.count).toBe(7);
  });
});
