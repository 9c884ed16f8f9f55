import fc from 'fast-check';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SluiceError } from '../../src/core/errors.js';
import type { KeyValueStore } from '../../src/core/store.js';
import { CachingKeyValueStore } from '../../src/state/caching-key-value-store.js';
import { ChangeLoggingBytesStore } from '../../src/state/change-logging-bytes-store.js';
import { JsonSerde } from '../../src/state/json-serde.js';
import { MemoryKeyValueStore } from '../../src/state/memory/memory-key-value-store.js';
import { countAggregator } from '../../src/windows/aggregators/count.js';
import { distinctCountAggregator } from '../../src/windows/aggregators/distinct-count.js';
import { sumAggregator } from '../../src/windows/aggregators/sum.js';
import { fieldExtractor } from '../../src/windows/field-extractor.js';
import type { StoredWindows } from '../../src/windows/stored-window.js';
import {
  STREAM_TIME_KEY,
  WindowOperator,
  type WindowOperatorOptions,
} from '../../src/windows/window-operator.js';
import { emitted, fakeContext, harness, pipe, rec, type Harness } from './window-harness.js';

const count = { n: { aggregator: countAggregator(), extract: () => true } };
const amount = fieldExtractor('amount');

describe('WindowOperator: store declaration and stateId', () => {
  const base: WindowOperatorOptions = {
    window: { type: 'tumbling', sizeMs: 60_000 },
    aggregations: { n: { aggregator: countAggregator(), extract: () => true } },
    storeName: 'counts',
  };

  it('declares one window store with its retention', () => {
    const op = new WindowOperator({ ...base, queryable: true });
    expect(op.stores()).toEqual([
      {
        name: 'counts',
        kind: 'window',
        stateId: op.stateId,
        queryable: true,
        retentionMs: 60_000,
        view: expect.any(Function),
      },
    ]);
    expect(op.stateId).toBe('window.v1:tumbling(size=60000):n=count.v1');
  });

  it('changes stateId when the window shape or any aggregator parameter changes', () => {
    const id = (options: Partial<WindowOperatorOptions>): string =>
      new WindowOperator({ ...base, ...options }).stateId;
    const ids = [
      id({}),
      id({ window: { type: 'tumbling', sizeMs: 30_000 } }),
      id({ window: { type: 'hopping', sizeMs: 60_000, advanceMs: 30_000 } }),
      id({ window: { type: 'sliding', sizeMs: 60_000 } }),
      id({ window: { type: 'session', gapMs: 60_000 } }),
      id({ aggregations: { m: { aggregator: countAggregator(), extract: () => true } } }),
      id({ aggregations: { n: { aggregator: sumAggregator(), extract: amount } } }),
      id({
        aggregations: {
          n: { aggregator: distinctCountAggregator({ limit: 10 }), extract: amount },
        },
      }),
      id({
        aggregations: {
          n: { aggregator: distinctCountAggregator({ limit: 20 }), extract: amount },
        },
      }),
    ];
    expect(new Set(ids).size).toBe(ids.length);
    // Grace, retention and emit mode do not change what stored windows mean.
    expect(
      id({
        window: { type: 'tumbling', sizeMs: 60_000, graceMs: 5000 },
        retentionMs: 1e6,
        emit: 'final',
      }),
    ).toBe(ids[0]);
  });

  it('raises retention to the minimum that keeps results exact, and defaults to size + grace', () => {
    const retention = (options: Partial<WindowOperatorOptions>): number =>
      new WindowOperator({ ...base, ...options }).retentionMs;
    expect(retention({ window: { type: 'tumbling', sizeMs: 100, graceMs: 20 } })).toBe(120);
    expect(
      retention({ window: { type: 'tumbling', sizeMs: 100, graceMs: 20 }, retentionMs: 0 }),
    ).toBe(20);
    expect(
      retention({ window: { type: 'sliding', sizeMs: 100, graceMs: 20 }, retentionMs: 0 }),
    ).toBe(121);
    expect(retention({ window: { type: 'session', gapMs: 100, graceMs: 20 } })).toBe(220);
    expect(
      retention({ window: { type: 'session', gapMs: 100, graceMs: 20 }, retentionMs: 0 }),
    ).toBe(120);
  });

  it('rejects reserved names, empty aggregations, non-mergeable session aggregators, bad retention', () => {
    const make = (options: Partial<WindowOperatorOptions>) => () =>
      new WindowOperator({ ...base, ...options });
    expect(make({ aggregations: { key: count.n } })).toThrow(/reserved/);
    expect(make({ aggregations: {} })).toThrow(/at least one/);
    const noMerge = { ...countAggregator(), merge: undefined };
    expect(
      make({
        window: { type: 'session', gapMs: 10 },
        aggregations: { n: { aggregator: noMerge, extract: () => 1 } },
      }),
    ).toThrow(/session/);
    expect(make({ retentionMs: -1 })).toThrow(SluiceError);
    expect(make({ window: { type: 'hopping', sizeMs: 10, advanceMs: 20 } })).toThrow(/advance/);
  });
});

describe('WindowOperator: bad records', () => {
  it('dead-letters a null key (FIELD_MISSING), a negative event time and a non-numeric value (FIELD_TYPE)', async () => {
    const h = await harness({
      window: { type: 'tumbling', sizeMs: 10 },
      aggregations: { total: { aggregator: sumAggregator(), extract: amount, of: 'amount' } },
    });
    await pipe(h, [
      rec(null, 1, { amount: 1 }),
      rec('k', -5, { amount: 1 }),
      rec('k', 2, { amount: '12' }),
      rec('k', 3, { amount: 4 }),
    ]);
    expect(h.deadLetters.map((d) => d.error.code)).toEqual([
      'FIELD_MISSING',
      'FIELD_TYPE',
      'FIELD_TYPE',
    ]);
    expect(h.deadLetters[2]!.error.context.field).toBe('amount');
    expect(h.deadLetters[0]!.error.message).toMatch(/window needs a key/);
    // The bad records changed nothing: the window holds only the good one.
    expect(emitted(h.forwarded, 'total').map((e) => e.value)).toEqual([4]);
    expect(h.late.count).toBe(0);
  });

  it('ignores null and missing values for numeric aggregations', async () => {
    const h = await harness({
      window: { type: 'tumbling', sizeMs: 10 },
      aggregations: { total: { aggregator: sumAggregator(), extract: amount }, n: count.n },
    });
    await pipe(h, [rec('k', 1, { amount: 2 }), rec('k', 2, {}), rec('k', 3, { amount: null })]);
    expect(h.op.view('k', h.store.get('k'))).toEqual([
      { key: 'k', startMs: 0, endMs: 10, total: 2, n: 3 },
    ]);
  });

  it('dead-letters a failing extractor with EXPR_EVAL, or with the SluiceError it threw', async () => {
    const h = await harness({
      window: { type: 'tumbling', sizeMs: 10 },
      aggregations: {
        x: {
          aggregator: sumAggregator(),
          of: 'amount / rate',
          extract: (r) => {
            if (r.value.mode === 'sluice') throw new SluiceError('FIELD_MISSING', 'no rate');
            if (r.value.mode === 'throw') throw new Error('division by zero');
            return 1;
          },
        },
      },
    });
    await pipe(h, [rec('k', 1, { mode: 'throw' }), rec('k', 2, { mode: 'sluice' })]);
    expect(h.deadLetters.map((d) => [d.error.code, d.error.context.field ?? null])).toEqual([
      ['EXPR_EVAL', 'amount / rate'],
      ['FIELD_MISSING', null],
    ]);
    expect(h.store.get('k')).toBeUndefined();
  });
});

describe('WindowOperator: grace and late records', () => {
  it('accepts records until stream time reaches end + grace, then dead-letters them as LATE', async () => {
    const h = await harness({
      window: { type: 'tumbling', sizeMs: 10, graceMs: 5 },
      aggregations: count,
    });
    await pipe(h, [rec('k', 1), rec('k', 14), rec('k', 9)]);
    expect(h.deadLetters).toEqual([]);
    expect(h.op.view('k', h.store.get('k'))[0]).toEqual({ key: 'k', startMs: 0, endMs: 10, n: 2 });
    await pipe(h, [rec('other', 15), rec('k', 9)]);
    expect(h.deadLetters.map((d) => [d.record.timestampMs, d.error.code])).toEqual([[9, 'LATE']]);
    expect(h.deadLetters[0]!.error.message).toMatch(/late/);
    expect(h.late.count).toBe(1);
  });

  it('a late record still advances nothing and a record advancing time is never late', async () => {
    const h = await harness({ window: { type: 'tumbling', sizeMs: 10 }, aggregations: count });
    await pipe(h, [rec('k', 100), rec('k', 50), rec('k', 101)]);
    expect(h.op.streamTimeMs).toBe(101);
    expect(h.deadLetters).toHaveLength(1);
  });
});

describe('WindowOperator: emit final', () => {
  it('emits each window once when it closes, ordered by start then key (UTF-8), after the closing record', async () => {
    const h = await harness({
      window: { type: 'tumbling', sizeMs: 10, graceMs: 2 },
      aggregations: count,
      emit: 'final',
    });
    await pipe(h, [
      rec('b', 1),
      rec('\u{1F600}', 2),
      rec('\uFF5E', 3),
      rec('a', 4),
      rec('a', 9),
      rec('b', 11),
    ]);
    expect(h.forwarded).toEqual([]);
    await pipe(h, [rec('c', 11, {}, { trace: 'x' }), rec('c', 12)]); // stream time 12 = 10 + 2 closes [0,10)
    expect(emitted(h.forwarded, 'n')).toEqual([
      { key: 'a', startMs: 0, endMs: 10, value: 2, timestampMs: 9 },
      { key: 'b', startMs: 0, endMs: 10, value: 1, timestampMs: 1 },
      { key: '\uFF5E', startMs: 0, endMs: 10, value: 1, timestampMs: 3 },
      { key: '\u{1F600}', startMs: 0, endMs: 10, value: 1, timestampMs: 2 },
    ]);
    expect(h.forwarded[0]!.key).toBe('a|0');
    // The results came out while processing c@12 (Kafka Streams emits after the record).
    expect(h.forwarded[0]!.origin.offset).toBe(h.forwarded[3]!.origin.offset);
    h.forwarded.length = 0;
    h.op.onWatermark(40, h.ctx);
    expect(emitted(h.forwarded, 'n').map((e) => [e.key, e.startMs, e.value])).toEqual([
      ['b', 10, 1],
      ['c', 10, 2],
    ]);
    expect(h.forwarded[0]!.headers).toEqual({});
    h.forwarded.length = 0;
    h.op.onWatermark(1000, h.ctx);
    expect(h.forwarded).toEqual([]);
  });

  it('emits on watermark when no later record for the operator arrives', async () => {
    const h = await harness({
      window: { type: 'hopping', sizeMs: 10, advanceMs: 5 },
      aggregations: count,
      emit: 'final',
    });
    await pipe(h, [rec('k', 7)]);
    h.op.onWatermark(10, h.ctx);
    expect(emitted(h.forwarded, 'n').map((e) => [e.startMs, e.value])).toEqual([[0, 1]]);
    h.op.onWatermark(15, h.ctx);
    expect(emitted(h.forwarded, 'n').map((e) => [e.startMs, e.value])).toEqual([
      [0, 1],
      [5, 1],
    ]);
  });
});

describe('WindowOperator: retention', () => {
  it('keeps closed windows queryable until end + retention, then deletes them', async () => {
    const h = await harness({
      window: { type: 'tumbling', sizeMs: 10 },
      aggregations: count,
      retentionMs: 30,
    });
    await pipe(h, [rec('k', 1), rec('j', 39)]);
    expect(h.op.view('k', h.store.get('k')).map((w) => w.startMs)).toEqual([0]);
    await pipe(h, [rec('j', 40)]);
    expect(h.store.get('k')).toBeUndefined();
    expect(h.op.view('j', h.store.get('j')).map((w) => w.startMs)).toEqual([30, 40]);
  });

  it('view filters windows overlapping [fromMs, toMs)', async () => {
    const h = await harness({
      window: { type: 'tumbling', sizeMs: 10 },
      aggregations: count,
      retentionMs: 1000,
    });
    await pipe(h, [rec('k', 1), rec('k', 11), rec('k', 21)]);
    expect(h.op.view('k', h.store.get('k'), 10, 20).map((w) => w.startMs)).toEqual([10]);
    expect(h.op.view('k', h.store.get('k'), 5).map((w) => w.startMs)).toEqual([0, 10, 20]);
    expect(h.op.view('k', undefined)).toEqual([]);
  });
});

/** A store whose `get` throws for keys neither prefetched nor written since the last eviction. */
class EvictingStore implements KeyValueStore<StoredWindows> {
  private readonly inner = new MemoryKeyValueStore<StoredWindows>('evicting', { copyValues: true });
  private readonly cached = new Set<string>();
  readonly name = 'evicting';
  prefetches: string[][] = [];
  get(key: string): StoredWindows | undefined {
    if (!this.cached.has(key)) throw new Error(`key ${key} not prefetched`);
    return this.inner.get(key);
  }
  put(key: string, value: StoredWindows): void {
    this.cached.add(key);
    this.inner.put(key, value);
  }
  delete(key: string): void {
    this.cached.add(key);
    this.inner.delete(key);
  }
  prefetch(keys: readonly string[]): Promise<void> {
    this.prefetches.push([...keys]);
    for (const key of keys) this.cached.add(key);
    return Promise.resolve();
  }
  entries(): AsyncIterable<[string, StoredWindows]> {
    return this.inner.entries();
  }
  evict(): void {
    this.cached.clear();
  }
}

describe('WindowOperator: keys not in the cache', () => {
  it('defers closing windows of uncached keys to the next prepareBatch, prefetching them', async () => {
    const store = new EvictingStore();
    const h = await harness(
      { window: { type: 'tumbling', sizeMs: 10 }, aggregations: count, emit: 'final' },
      store,
    );
    await pipe(h, [rec('a', 1), rec('b', 2)]);
    store.evict();
    await pipe(h, [rec('c', 10)]); // closes [0,10) of a and b, whose values are not cached
    expect(h.forwarded).toEqual([]);
    await pipe(h, [rec('c', 11)]);
    expect(store.prefetches.at(-2)).toEqual(['a', 'b']);
    expect(emitted(h.forwarded, 'n').map((e) => [e.key, e.value])).toEqual([
      ['a', 1],
      ['b', 1],
    ]);
  });

  it('also catches up in onCommit', async () => {
    const store = new EvictingStore();
    const h = await harness(
      { window: { type: 'tumbling', sizeMs: 10 }, aggregations: count },
      store,
    );
    await pipe(h, [rec('a', 1)]);
    store.evict();
    await pipe(h, [rec('c', 100)]); // a's window expires (retention 10) but a is not cached
    await h.op.onCommit(h.ctx);
    store.evict();
    await store.prefetch(['a']);
    expect(store.get('a')).toBeUndefined();
  });
});

describe('WindowOperator: restore', () => {
  it('rebuilds its index and stream time from the store: same output as an uninterrupted run', async () => {
    const input = [
      rec('a', 1),
      rec('b', 5),
      rec('a', 12),
      rec('c', 14),
      rec('b', 18),
      rec('a', 9),
      rec('c', 21),
      rec('a', 25),
      rec('b', 31),
      rec('a', 3),
      rec('c', 44),
    ];
    const options = {
      window: { type: 'tumbling', sizeMs: 10, graceMs: 3 },
      aggregations: count,
      emit: 'final',
    } as const;
    const whole = await harness(options);
    await pipe(whole, input);

    const store = new MemoryKeyValueStore<StoredWindows>('win-store', { copyValues: true });
    const first = await harness(options, store);
    await pipe(first, input.slice(0, 6));
    // "Crash" and restart: a fresh operator over the same (restored) store.
    const second = await harness(options, store);
    expect(second.op.streamTimeMs).toBe(18);
    await pipe(second, input.slice(6));
    const outputs = [...first.forwarded, ...second.forwarded];
    expect(emitted(outputs, 'n')).toEqual(emitted(whole.forwarded, 'n'));
    expect([...first.deadLetters, ...second.deadLetters].map((d) => d.record.timestampMs)).toEqual(
      whole.deadLetters.map((d) => d.record.timestampMs),
    );
  });

  it('emits finals that were due before the restart exactly once', async () => {
    const options = {
      window: { type: 'tumbling', sizeMs: 10 },
      aggregations: count,
      emit: 'final',
    } as const;
    const store = new MemoryKeyValueStore<StoredWindows>('win-store', { copyValues: true });
    const first = await harness(options, store);
    // Process without firing: the window is due, but the crash comes before any watermark.
    first.op.process(rec('a', 1), first.ctx);
    first.op.process(rec('a', 2), first.ctx);
    const second = await harness(options, store);
    second.op.onWatermark(10, second.ctx);
    expect(emitted(second.forwarded, 'n').map((e) => [e.key, e.value])).toEqual([['a', 2]]);
    const third = await harness(options, store);
    third.op.onWatermark(10, third.ctx);
    expect(third.forwarded).toEqual([]);
    expect(third.forwarded).toEqual([]);
  });
});

describe('WindowOperator: stream time in the task checkpoint', () => {
  const options = {
    window: { type: 'tumbling', sizeMs: 10 },
    aggregations: count,
    emit: 'final',
  } as const;

  it('commits stream time to the checkpoint, not the store, and restores it from there', async () => {
    const store = new MemoryKeyValueStore<StoredWindows>('win-store', { copyValues: true });
    const checkpoint = new Map<string, string>();
    const first = await harness(options, store, checkpoint);
    first.op.process(rec('a', 1), first.ctx);
    first.op.onWatermark(100, first.ctx); // closes and deletes [0,10): the store is empty again
    await first.op.onCommit(first.ctx);
    expect(checkpoint.get('stream-time')).toBe('100');
    expect(store.get(STREAM_TIME_KEY)).toBeUndefined();
    const left: string[] = [];
    for await (const [key] of store.entries()) left.push(key);
    expect(left).toEqual([]);

    const second = await harness(options, store, checkpoint);
    expect(second.op.streamTimeMs).toBe(100);
    second.op.process(rec('a', 5), second.ctx);
    expect(second.deadLetters.map((d) => d.error.code)).toEqual(['LATE']);
    // Without the checkpoint, nothing in the store remembers time 100.
    const amnesiac = await harness(options, store);
    expect(amnesiac.op.streamTimeMs).toBe(Number.NEGATIVE_INFINITY);
  });

  it('reads the stream time older versions kept in the store, then deletes that entry', async () => {
    const store = new MemoryKeyValueStore<StoredWindows>('win-store', { copyValues: true });
    (store as MemoryKeyValueStore<unknown>).put(STREAM_TIME_KEY, 70);
    const checkpoint = new Map<string, string>();
    const h = await harness(options, store, checkpoint);
    expect(h.op.streamTimeMs).toBe(70);
    expect(store.get(STREAM_TIME_KEY)).toBeUndefined();
    await h.op.onCommit(h.ctx);
    expect(checkpoint.get('stream-time')).toBe('70');
  });
});

describe('WindowOperator: restart anywhere (property)', () => {
  it('a fresh operator over the same store continues exactly like an uninterrupted one', async () => {
    const arbRecords = fc.array(
      fc.record({ key: fc.constantFrom('a', 'b', 'c'), ts: fc.integer({ min: 0, max: 200 }) }),
      { maxLength: 50 },
    );
    await fc.assert(
      fc.asyncProperty(
        arbRecords,
        fc.nat(),
        fc.constantFrom('update', 'final'),
        fc.constantFrom('tumbling', 'hopping', 'sliding', 'session'),
        async (records, cut, emit, type) => {
          const window =
            type === 'session'
              ? ({ type, gapMs: 7, graceMs: 12 } as const)
              : type === 'hopping'
                ? ({ type, sizeMs: 10, advanceMs: 5, graceMs: 12 } as const)
                : ({ type, sizeMs: 10, graceMs: 12 } as const);
          const options = { window, aggregations: count, emit } as const;
          const input = records.map((r) => rec(r.key, r.ts));
          const whole = await harness(options);
          await pipe(whole, input);
          const at = records.length === 0 ? 0 : cut % (records.length + 1);
          const store = new MemoryKeyValueStore<StoredWindows>('win-store', { copyValues: true });
          const first = await harness(options, store);
          await pipe(first, input.slice(0, at));
          const second = await harness(options, store);
          await pipe(second, input.slice(at));
          expect(emitted([...first.forwarded, ...second.forwarded], 'n')).toEqual(
            emitted(whole.forwarded, 'n'),
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('WindowOperator: expiry index on disk (RocksDB store)', () => {
  async function rocksStore(dir: string): Promise<CachingKeyValueStore<StoredWindows>> {
    const inner = await ChangeLoggingBytesStore.open({
      location: join(dir, 'win-store'),
      rocksdb: { blockCacheBytes: 1 << 20, writeBufferBytes: 1 << 20 },
      stateId: 'window-test',
    });
    return new CachingKeyValueStore('win-store', inner, new JsonSerde<StoredWindows>(), {
      maxCacheBytes: 1 << 20,
    });
  }

  /** A tumbling 10 ms count over a fresh RocksDB store with 30 ms retention; cleaned up after. */
  async function withTumblingOnRocks(
    inMemoryExpiries: number,
    test: (h: Harness, store: CachingKeyValueStore<StoredWindows>) => Promise<void>,
  ): Promise<void> {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-window-disk-'));
    const store = await rocksStore(dir);
    try {
      const options = {
        window: { type: 'tumbling', sizeMs: 10 },
        aggregations: count,
        retentionMs: 30,
        inMemoryExpiries,
      } as const;
      await test(await harness(options, store), store);
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  }

  async function contents(store: KeyValueStore<StoredWindows>): Promise<string[]> {
    const out: string[] = [];
    for await (const [key, windows] of store.entries())
      out.push(`${key}=${JSON.stringify(windows)}`);
    return out.sort();
  }

  it('with inMemoryExpiries 0, holds no expiry in memory and deletes expired windows at the next batch or commit', async () => {
    await withTumblingOnRocks(0, async (h, store) => {
      await pipe(h, [rec('k', 1), rec('j', 39), rec('i', 5)]);
      expect(h.op.indexedWindows).toBe(0);
      expect(store.timeIndex.nextTimeMs).toBe(40);
      await pipe(h, [rec('j', 40)]);
      // Due now, deleted at the next prepareBatch or commit (not synchronously).
      expect(h.store.get('k')).toBeDefined();
      await h.op.onCommit(h.ctx);
      expect(h.store.get('k')).toBeUndefined();
      expect(h.store.get('i')).toBeUndefined();
      expect(h.op.view('j', h.store.get('j')).map((w) => w.startMs)).toEqual([30, 40]);
    });
  });

  it('keeps expiries in memory up to inMemoryExpiries, then moves them to disk', async () => {
    await withTumblingOnRocks(3, async (h, store) => {
      await pipe(h, [rec('a', 1), rec('b', 2)]);
      expect(h.op.indexedWindows).toBe(2);
      expect(store.timeIndex.nextTimeMs).toBe(Number.POSITIVE_INFINITY);
      await pipe(h, [rec('c', 3)]);
      expect(h.op.indexedWindows).toBe(0);
      expect(store.timeIndex.nextTimeMs).toBe(40);
      await pipe(h, [rec('d', 45)]);
      await h.op.onCommit(h.ctx);
      expect(['a', 'b', 'c'].map((k) => h.store.get(k))).toEqual([undefined, undefined, undefined]);
      expect(h.op.view('d', h.store.get('d')).map((w) => w.startMs)).toEqual([40]);
    });
  });

  it('same outputs and final state as the in-memory index, across a restart (property)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-window-disk-'));
    let run = 0;
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.record({
              key: fc.constantFrom('a', 'b', 'c', 'd'),
              ts: fc.integer({ min: 0, max: 300 }),
            }),
            { maxLength: 60 },
          ),
          fc.nat(),
          fc.constantFrom('update', 'final'),
          fc.constantFrom('tumbling', 'sliding', 'session'),
          fc.constantFrom(0, 4),
          async (records, cut, emit, type, inMemoryExpiries) => {
            const window =
              type === 'session'
                ? ({ type, gapMs: 7, graceMs: 12 } as const)
                : ({ type, sizeMs: 10, graceMs: 12 } as const);
            const options = { window, aggregations: count, emit, retentionMs: 40 } as const;
            const onDisk = { ...options, inMemoryExpiries };
            const input = records.map((r) => rec(r.key, r.ts));
            const memory = await harness(options);
            await pipe(memory, input, 3);
            await memory.op.onCommit(memory.ctx);

            const store = await rocksStore(join(dir, String(run++)));
            try {
              const at = records.length === 0 ? 0 : cut % (records.length + 1);
              const first = await harness(onDisk, store);
              await pipe(first, input.slice(0, at), 3);
              await first.op.onCommit(first.ctx);
              const second = await harness(onDisk, store);
              await pipe(second, input.slice(at), 3);
              await second.op.onCommit(second.ctx);
              expect(emitted([...first.forwarded, ...second.forwarded], 'n')).toEqual(
                emitted(memory.forwarded, 'n'),
              );
              expect(await contents(store)).toEqual(await contents(memory.store));
            } finally {
              await store.close();
            }
          },
        ),
        { numRuns: 60 },
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('WindowOperator: batching does not change results', () => {
  it('same outputs with batch sizes 1 and 7, update and final', async () => {
    const arbRecords = fc.array(
      fc.record({
        key: fc.constantFrom('a', 'b', 'c', 'd'),
        ts: fc.integer({ min: 0, max: 200 }),
        amount: fc.integer({ min: -5, max: 5 }),
      }),
      { maxLength: 60 },
    );
    await fc.assert(
      fc.asyncProperty(
        arbRecords,
        fc.constantFrom('update', 'final'),
        fc.constantFrom('tumbling', 'sliding', 'session'),
        async (records, emit, type) => {
          const window =
            type === 'session'
              ? ({ type, gapMs: 7, graceMs: 15 } as const)
              : ({ type, sizeMs: 10, graceMs: 15 } as const);
          const options = {
            window,
            aggregations: { total: { aggregator: sumAggregator(), extract: amount } },
            emit,
          } as const;
          const input = records.map((r) => rec(r.key, r.ts, { amount: r.amount }));
          const one = await harness(options);
          await pipe(one, input, 1);
          const seven = await harness(options);
          await pipe(seven, input, 7);
          expect(emitted(seven.forwarded, 'total')).toEqual(emitted(one.forwarded, 'total'));
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('WindowOperator: against brute-force references (no late records)', () => {
  const arbTimestamps = fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 1, maxLength: 40 });

  it('sliding windows: [t − size, t] per record and [t + 1, t + 1 + size] when a later record is in it', async () => {
    await fc.assert(
      fc.asyncProperty(arbTimestamps, fc.integer({ min: 1, max: 30 }), async (timestamps, size) => {
        const h = await harness({
          window: { type: 'sliding', sizeMs: size, graceMs: 10_000 },
          aggregations: count,
        });
        await pipe(
          h,
          timestamps.map((ts) => rec('k', ts)),
        );
        const actual = h.op.view('k', h.store.get('k')).map((w) => [w.startMs, w.endMs, w.n]);
        const countIn = (start: number, end: number): number =>
          timestamps.filter((t) => t >= Math.max(0, start) && t <= end).length;
        const expected = new Map<number, [number, number, number]>();
        for (const t of timestamps) {
          // Kafka Streams keeps records earlier than `size` in the one window [0, size].
          const start = Math.max(0, t - size);
          expected.set(start, [start, start + size + 1, countIn(start, start + size)]);
          if (timestamps.some((u) => u > t && u <= t + 1 + size)) {
            expected.set(t + 1, [t + 1, t + size + 2, countIn(t + 1, t + 1 + size)]);
          }
        }
        expect(actual).toEqual([...expected.values()].sort((x, y) => x[0] - y[0]));
      }),
      { numRuns: 300 },
    );
  });

  it('session windows: timestamps sorted and split where the gap between neighbours exceeds gapMs', async () => {
    await fc.assert(
      fc.asyncProperty(arbTimestamps, fc.integer({ min: 1, max: 30 }), async (timestamps, gap) => {
        const h = await harness({
          window: { type: 'session', gapMs: gap, graceMs: 10_000 },
          aggregations: count,
        });
        await pipe(
          h,
          timestamps.map((ts) => rec('k', ts)),
        );
        const sorted = [...timestamps].sort((a, b) => a - b);
        const expected: Array<[number, number, number]> = [];
        for (const t of sorted) {
          const last = expected.at(-1);
          if (last !== undefined && t - (last[1] - 1) <= gap) {
            last[1] = t + 1;
            last[2]++;
          } else {
            expected.push([t, t + 1, 1]);
          }
        }
        expect(h.op.view('k', h.store.get('k')).map((w) => [w.startMs, w.endMs, w.n])).toEqual(
          expected,
        );
      }),
      { numRuns: 300 },
    );
  });

  it('tumbling final: every closed window emitted once with the count of its accepted records', async () => {
    await fc.assert(
      fc.asyncProperty(
        arbTimestamps,
        fc.integer({ min: 0, max: 20 }),
        async (timestamps, grace) => {
          const h = await harness({
            window: { type: 'tumbling', sizeMs: 10, graceMs: grace },
            aggregations: count,
            emit: 'final',
          });
          await pipe(
            h,
            timestamps.map((ts) => rec('k', ts)),
          );
          h.op.onWatermark(10_000, h.ctx);
          let streamTime = -Infinity;
          const counts = new Map<number, number>();
          let late = 0;
          for (const t of timestamps) {
            streamTime = Math.max(streamTime, t);
            const start = t - (t % 10);
            if (start + 10 + grace <= streamTime) late++;
            else counts.set(start, (counts.get(start) ?? 0) + 1);
          }
          expect(emitted(h.forwarded, 'n').map((e) => [e.startMs, e.value])).toEqual(
            [...counts].sort((a, b) => a[0] - b[0]),
          );
          expect(h.late.count).toBe(late);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('WindowOperator: fake context sanity', () => {
  it('uses the store named in its options', async () => {
    const store = new MemoryKeyValueStore<unknown>('other');
    const op = new WindowOperator({
      window: { type: 'tumbling', sizeMs: 10 },
      aggregations: count,
      storeName: 'missing',
    });
    await expect(op.init(fakeContext(store, [], [], { count: 0 }))).rejects.toThrow(
      /unknown store/,
    );
  });
});
