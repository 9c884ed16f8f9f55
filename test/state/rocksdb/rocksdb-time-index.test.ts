// RocksDBTimeIndex on a real RocksDB in a temp dir: (time, key) order, limits, duplicates, its
// isolation from the store's data, reopening, and agreement with a sorted-list model.

import fc from 'fast-check';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RocksDBBytesStore } from '../../../src/state/rocksdb/rocksdb-bytes-store.js';
import { RocksDBTimeIndex } from '../../../src/state/rocksdb/rocksdb-time-index.js';

const options = { blockCacheBytes: 1 << 20, writeBufferBytes: 1 << 20 };

async function dataEntries(store: RocksDBBytesStore): Promise<string[]> {
  const out: string[] = [];
  for await (const chunk of store.range()) for (const [k] of chunk) out.push(k.toString('utf8'));
  return out;
}

describe('RocksDBTimeIndex', () => {
  let dir: string;
  let store: RocksDBBytesStore;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sluice-time-index-'));
    store = await RocksDBBytesStore.open(join(dir, 'db'), options);
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('returns keys due at or before a time, in (time, key) order, once, and drops them', async () => {
    const index = new RocksDBTimeIndex(store);
    index.add(30, 'c');
    index.add(10, 'b');
    index.add(20, 'a');
    index.add(10, 'a');
    index.add(20, 'b');
    // 2^32 and above: the time's high word matters.
    index.add(2 ** 40 + 5, 'far');
    expect(index.nextTimeMs).toBe(10);
    expect(await index.takeUpTo(5, 100)).toEqual([]);
    expect(await index.takeUpTo(20, 100)).toEqual(['a', 'b']);
    expect(index.nextTimeMs).toBe(30);
    expect(await index.takeUpTo(20, 100)).toEqual([]);
    expect(await index.takeUpTo(2 ** 41, 100)).toEqual(['c', 'far']);
    expect(index.nextTimeMs).toBe(Number.POSITIVE_INFINITY);
  });

  it('takes at most `limit` entries per call and resumes where it stopped', async () => {
    const index = new RocksDBTimeIndex(store);
    for (let i = 0; i < 25; i++) index.add(100, `k${String(i).padStart(2, '0')}`);
    index.add(50, 'early');
    const first = await index.takeUpTo(100, 10);
    expect(first).toEqual(['early', ...Array.from({ length: 9 }, (_, i) => `k0${i}`)]);
    expect(index.nextTimeMs).toBe(100);
    const second = await index.takeUpTo(100, 10);
    const third = await index.takeUpTo(100, 10);
    expect([...second, ...third]).toEqual(
      Array.from({ length: 16 }, (_, i) => `k${String(i + 9).padStart(2, '0')}`),
    );
    expect(index.nextTimeMs).toBe(Number.POSITIVE_INFINITY);
  });

  it('an entry added below what was already taken is still found', async () => {
    const index = new RocksDBTimeIndex(store);
    index.add(100, 'a');
    expect(await index.takeUpTo(150, 10)).toEqual(['a']);
    index.add(120, 'late');
    await index.flush();
    expect(index.nextTimeMs).toBe(120);
    expect(await index.takeUpTo(150, 10)).toEqual(['late']);
  });

  it('keeps its entries out of the data range and the store keys count', async () => {
    const batch = store.batch();
    batch.put(Buffer.from('user-1'), Buffer.from('{}'));
    await batch.commit();
    const index = new RocksDBTimeIndex(store);
    index.add(5, 'user-1');
    index.add(6, 'user-2');
    await index.flush();
    expect(index.pendingEntries).toBe(0);
    expect(index.approximateEntries).toBe(2);
    expect(await dataEntries(store)).toEqual(['user-1']);
    await index.takeUpTo(5, 10);
    expect(index.approximateEntries).toBe(1);
  });

  it('finds the entries of an earlier instance after reopening', async () => {
    const index = new RocksDBTimeIndex(store);
    index.add(7, 'x');
    index.add(3, 'y');
    await index.flush();
    await store.close();
    store = await RocksDBBytesStore.open(join(dir, 'db'), options);
    const reopened = new RocksDBTimeIndex(store);
    // Unknown until the disk is read (the owner rebuilds and flushes at open).
    await reopened.flush();
    expect(reopened.nextTimeMs).toBe(3);
    expect(await reopened.takeUpTo(10, 10)).toEqual(['y', 'x']);
  });

  it('agrees with a sorted list (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.record({
              add: fc.integer({ min: 0, max: 60 }),
              key: fc.integer({ min: 0, max: 9 }),
            }),
            fc.record({
              take: fc.integer({ min: 0, max: 70 }),
              limit: fc.integer({ min: 1, max: 6 }),
            }),
          ),
          { maxLength: 40 },
        ),
        async (ops) => {
          const db = await RocksDBBytesStore.open(join(dir, `p${Math.random()}`), options);
          try {
            const index = new RocksDBTimeIndex(db);
            // Model: a multiset of (time, key) entries; a duplicate (time, key) is one entry.
            const model = new Set<string>();
            const entryOf = (t: number, k: string): string => `${String(t).padStart(3, '0')}|${k}`;
            for (const op of ops) {
              if ('add' in op) {
                index.add(op.add, `k${op.key}`);
                model.add(entryOf(op.add, `k${op.key}`));
                continue;
              }
              const due = [...model].filter((e) => Number(e.slice(0, 3)) <= op.take).sort();
              const takenEntries = due.slice(0, op.limit);
              for (const e of takenEntries) model.delete(e);
              const expected = [...new Set(takenEntries.map((e) => e.slice(4)))];
              expect(await index.takeUpTo(op.take, op.limit)).toEqual(expected);
              const next = [...model].sort()[0];
              expect(index.nextTimeMs).toBe(
                next === undefined ? Number.POSITIVE_INFINITY : Number(next.slice(0, 3)),
              );
            }
          } finally {
            await db.close();
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
