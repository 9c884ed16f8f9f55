// Expected outputs are Kafka Streams' own (KStreamSlidingWindowAggregateTest), with its
// inclusive window end `end` written as endMs = end + 1.
import { describe, expect, it } from 'vitest';
import { fieldExtractor } from '../../src/windows/field-extractor.js';
import { concatAggregator, emitted, harness, pipe, rec, type Emitted } from './window-harness.js';

const agg = { agg: { aggregator: concatAggregator(), extract: fieldExtractor('v') } };

type Input = Array<[string, string, number]>;

function byStart(out: Emitted[]): Map<number, Set<string>> {
  const map = new Map<number, Set<string>>();
  for (const e of out) {
    const set = map.get(e.startMs) ?? new Set<string>();
    set.add(`${e.value as string}@${e.timestampMs}`);
    map.set(e.startMs, set);
  }
  return map;
}

function expectedByStart(entries: Array<[number, string[]]>): Map<number, Set<string>> {
  return new Map(entries.map(([start, values]) => [start, new Set(values)]));
}

/** Kafka's test sorts by key then start (a stable sort keeps emission order within a window). */
function sortedLikeKafka(out: Emitted[]): Array<[string, number, number, string, number]> {
  return [...out]
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.startMs - b.startMs))
    .map((e) => [e.key, e.startMs, e.endMs - 1, e.value as string, e.timestampMs]);
}

async function run(input: Input, emit: 'update' | 'final', sizeMs: number, graceMs: number) {
  const h = await harness({
    window: { type: 'sliding', sizeMs, graceMs },
    aggregations: agg,
    emit,
  });
  await pipe(
    h,
    input.map(([k, value, ts]) => rec(k, ts, { v: value })),
  );
  return h;
}

describe('sliding windows', () => {
  const small: Input = [
    ['A', '1', 10],
    ['A', '2', 10],
    ['A', '3', 14],
    ['A', '4', 15],
    ['A', '5', 20],
    ['A', '6', 22],
    ['A', '7', 30],
  ];

  it('testAggregateSmallInput, emit update', async () => {
    const h = await run(small, 'update', 10, 5);
    expect(byStart(emitted(h.forwarded))).toEqual(
      expectedByStart([
        [0, ['0+1@10', '0+1+2@10']],
        [4, ['0+1+2+3@14']],
        [5, ['0+1+2+3+4@15']],
        [10, ['0+1+2+3+4+5@20']],
        [11, ['0+3@14', '0+3+4@15', '0+3+4+5@20']],
        [12, ['0+3+4+5+6@22']],
        [15, ['0+4@15', '0+4+5@20', '0+4+5+6@22']],
        [16, ['0+5@20', '0+5+6@22']],
        [20, ['0+5+6+7@30']],
        [21, ['0+6@22', '0+6+7@30']],
        [23, ['0+7@30']],
      ]),
    );
    expect(h.deadLetters).toEqual([]);
  });

  it('testAggregateSmallInput, emit final', async () => {
    const h = await run(small, 'final', 10, 5);
    expect(byStart(emitted(h.forwarded))).toEqual(
      expectedByStart([
        [0, ['0+1+2@10']],
        [4, ['0+1+2+3@14']],
        [5, ['0+1+2+3+4@15']],
        [10, ['0+1+2+3+4+5@20']],
        [11, ['0+3+4+5@20']],
        [12, ['0+3+4+5+6@22']],
      ]),
    );
  });

  it('testReduceSmallInput (a reducer is an aggregator without the initial "0")', async () => {
    const reduce = {
      agg: {
        aggregator: {
          ...concatAggregator(),
          initial: () => '',
          add: (acc: string, value: unknown) =>
            acc === '' ? String(value) : `${acc}+${String(value)}`,
        },
        extract: fieldExtractor('v'),
      },
    };
    const input: Input = [
      ['A', '1', 10],
      ['A', '2', 14],
      ['A', '3', 15],
      ['A', '4', 22],
      ['A', '5', 26],
      ['A', '6', 30],
    ];
    const h = await harness({
      window: { type: 'sliding', sizeMs: 10, graceMs: 5 },
      aggregations: reduce,
    });
    await pipe(
      h,
      input.map(([k, value, ts]) => rec(k, ts, { v: value })),
    );
    expect(byStart(emitted(h.forwarded))).toEqual(
      expectedByStart([
        [0, ['1@10']],
        [4, ['1+2@14']],
        [5, ['1+2+3@15']],
        [11, ['2@14', '2+3@15']],
        [12, ['2+3+4@22']],
        [15, ['3@15', '3+4@22']],
        [16, ['4@22', '4+5@26']],
        [20, ['4+5+6@30']],
        [23, ['5@26', '5+6@30']],
        [27, ['6@30']],
      ]),
    );
  });

  const large: Input = [
    ['A', '1', 10],
    ['A', '2', 20],
    ['A', '3', 22],
    ['A', '4', 15],
    ['B', '1', 12],
    ['B', '2', 13],
    ['B', '3', 18],
    ['B', '4', 19],
    ['B', '5', 25],
    ['B', '6', 14],
    ['C', '1', 11],
    ['C', '2', 15],
    ['C', '3', 16],
    ['C', '4', 21],
    ['C', '5', 23],
    ['D', '4', 11],
    ['D', '2', 12],
    ['D', '3', 29],
    ['D', '5', 16],
  ];

  it('testAggregateLargeInput, emit update (out-of-order records, grace 50)', async () => {
    const h = await run(large, 'update', 10, 50);
    expect(sortedLikeKafka(emitted(h.forwarded))).toEqual([
      ['A', 0, 10, '0+1', 10],
      ['A', 5, 15, '0+1+4', 15],
      ['A', 10, 20, '0+1+2', 20],
      ['A', 10, 20, '0+1+2+4', 20],
      ['A', 11, 21, '0+2', 20],
      ['A', 11, 21, '0+2+4', 20],
      ['A', 12, 22, '0+2+3', 22],
      ['A', 12, 22, '0+2+3+4', 22],
      ['A', 16, 26, '0+2+3', 22],
      ['A', 21, 31, '0+3', 22],
      ['B', 2, 12, '0+1', 12],
      ['B', 3, 13, '0+1+2', 13],
      ['B', 4, 14, '0+1+2+6', 14],
      ['B', 8, 18, '0+1+2+3', 18],
      ['B', 8, 18, '0+1+2+3+6', 18],
      ['B', 9, 19, '0+1+2+3+4', 19],
      ['B', 9, 19, '0+1+2+3+4+6', 19],
      ['B', 13, 23, '0+2', 13],
      ['B', 13, 23, '0+2+3', 18],
      ['B', 13, 23, '0+2+3+4', 19],
      ['B', 13, 23, '0+2+3+4+6', 19],
      ['B', 14, 24, '0+3', 18],
      ['B', 14, 24, '0+3+4', 19],
      ['B', 14, 24, '0+3+4+6', 19],
      ['B', 15, 25, '0+3+4+5', 25],
      ['B', 19, 29, '0+4', 19],
      ['B', 19, 29, '0+4+5', 25],
      ['B', 20, 30, '0+5', 25],
      ['C', 1, 11, '0+1', 11],
      ['C', 5, 15, '0+1+2', 15],
      ['C', 6, 16, '0+1+2+3', 16],
      ['C', 11, 21, '0+1+2+3+4', 21],
      ['C', 12, 22, '0+2', 15],
      ['C', 12, 22, '0+2+3', 16],
      ['C', 12, 22, '0+2+3+4', 21],
      ['C', 13, 23, '0+2+3+4+5', 23],
      ['C', 16, 26, '0+3', 16],
      ['C', 16, 26, '0+3+4', 21],
      ['C', 16, 26, '0+3+4+5', 23],
      ['C', 17, 27, '0+4', 21],
      ['C', 17, 27, '0+4+5', 23],
      ['C', 22, 32, '0+5', 23],
      ['D', 1, 11, '0+4', 11],
      ['D', 2, 12, '0+4+2', 12],
      ['D', 6, 16, '0+4+2+5', 16],
      ['D', 12, 22, '0+2', 12],
      ['D', 12, 22, '0+2+5', 16],
      ['D', 13, 23, '0+5', 16],
      ['D', 19, 29, '0+3', 29],
    ]);
  });

  it('testAggregateLargeInput, emit final (grace 10): closed windows skipped, finals once', async () => {
    const h = await run(large, 'final', 10, 10);
    expect(sortedLikeKafka(emitted(h.forwarded))).toEqual([
      ['A', 0, 10, '0+1', 10],
      ['A', 5, 15, '0+1+4', 15],
      ['B', 2, 12, '0+1', 12],
      ['B', 3, 13, '0+1+2', 13],
      ['B', 8, 18, '0+1+2+3+6', 18],
      ['C', 5, 15, '0+2', 15],
      ['C', 6, 16, '0+2+3', 16],
    ]);
    // Records added to no window are dead-lettered (Kafka's test marks them "skip for emit
    // final"); B@14 still updated open windows, so it is not.
    expect(h.deadLetters.map((d) => `${d.record.key}@${d.record.timestampMs}`)).toEqual([
      'C@11',
      'D@11',
      'D@12',
      'D@16',
    ]);
    expect(h.late.count).toBe(4);
  });

  it('puts records in the first sizeMs after the epoch in one [0, size] window (processEarly)', async () => {
    const h = await run(
      [
        ['A', '1', 3],
        ['A', '2', 7],
        ['A', '3', 5],
      ],
      'update',
      10,
      100,
    );
    expect(
      emitted(h.forwarded).map((e) => [e.startMs, e.endMs - 1, e.value, e.timestampMs]),
    ).toEqual([
      [0, 10, '0+1', 3],
      // 7: right window of 3 created, then [0,10] updated
      [4, 14, '0+2', 7],
      [0, 10, '0+1+2', 7],
      // 5: [4,14] updated; 5's right window [6,16] seeded from it before the update; [0,10] updated
      [4, 14, '0+2+3', 7],
      [6, 16, '0+2', 7],
      [0, 10, '0+1+2+3', 7],
    ]);
  });

  it('keeps a window per distinct content: [ts - size, ts] and [ts + 1, ts + 1 + size]', async () => {
    const h = await run(
      [
        ['k', 'a', 1000],
        ['k', 'b', 1005],
      ],
      'update',
      10,
      0,
    );
    const last = new Map<number, Emitted>();
    for (const e of emitted(h.forwarded)) last.set(e.startMs, e);
    expect([...last.values()].map((e) => [e.startMs, e.endMs, e.value])).toEqual([
      [990, 1001, '0+a'],
      [1001, 1012, '0+b'],
      [995, 1006, '0+a+b'],
    ]);
  });
});
