// RocksDBBytesStore on a real RocksDB in a temp dir: batches, multi-get, meta isolation, ranges.

import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SluiceError } from '../../../src/core/errors.js';
import { RocksDBBytesStore } from '../../../src/state/rocksdb/rocksdb-bytes-store.js';

const options = { blockCacheBytes: 1 << 20, writeBufferBytes: 1 << 20 };
const b = (s: string): Buffer => Buffer.from(s, 'utf8');

async function collect(
  store: RocksDBBytesStore,
  range: Parameters<RocksDBBytesStore['range']>[0] = {},
) {
  const out: Array<[string, string]> = [];
  for await (const chunk of store.range(range)) {
    for (const [k, v] of chunk) out.push([k.toString('utf8'), v.toString('utf8')]);
  }
  return out;
}

describe('RocksDBBytesStore', () => {
  let dir: string;
  let store: RocksDBBytesStore;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sluice-rocks-'));
    store = await RocksDBBytesStore.open(join(dir, 'db'), options);
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes puts, deletes and meta in one batch and reads them back with one multi-get', async () => {
    const first = store.batch();
    first.put(b('a'), b('1'));
    first.put(b('b'), b('2'));
    first.put(b('c'), b('3'));
    await first.commit();
    const second = store.batch();
    second.delete(b('b'));
    second.put(b('c'), b('33'));
    second.putMeta('checkpoint', b('{"seq":1}'));
    expect(second.size).toBe(3);
    await second.commit();

    const values = await store.getMany([b('a'), b('b'), b('c'), b('zz')]);
    expect(values.map((v) => v?.toString())).toEqual(['1', undefined, '33', undefined]);
    expect((await store.getMeta('checkpoint'))?.toString()).toBe('{"seq":1}');
    expect(await store.getMeta('other')).toBeUndefined();
  });

  it('keeps meta entries out of ranges and data reads, even for keys that sort last', async () => {
    const batch = store.batch();
    batch.put(b('\u{10FFFF}last'), b('x'));
    batch.put(b(''), b('empty key'));
    batch.putMeta('checkpoint', b('meta'));
    await batch.commit();
    expect(await collect(store)).toEqual([
      ['', 'empty key'],
      ['\u{10FFFF}last', 'x'],
    ]);
    expect((await store.get(b('')))?.toString()).toBe('empty key');
    const mixed = await store.getMany([b('a'), b(''), b('\u{10FFFF}last')]);
    expect(mixed.map((v) => v?.toString())).toEqual([undefined, 'empty key', 'x']);
    const del = store.batch();
    del.delete(b(''));
    await del.commit();
    expect(await store.getMany([b(''), b('\u{10FFFF}last')])).toEqual([undefined, b('x')]);
    expect(await collect(store, { lt: b('') })).toEqual([]);
  });

  it('scans [gte, lt) in byte order, with a limit, in chunks', async () => {
    const batch = store.batch();
    for (let i = 0; i < 2500; i++) batch.put(b(`k${String(i).padStart(5, '0')}`), b(String(i)));
    await batch.commit();

    const chunks: number[] = [];
    for await (const chunk of store.range({
      gte: b('k00100'),
      lt: b('k02100'),
      chunkEntries: 700,
    })) {
      chunks.push(chunk.length);
    }
    expect(chunks).toEqual([700, 700, 600]);
    const limited = await collect(store, { gte: b('k00010'), limit: 3 });
    expect(limited).toEqual([
      ['k00010', '10'],
      ['k00011', '11'],
      ['k00012', '12'],
    ]);
    expect(await collect(store, { lt: b('k00002') })).toEqual([
      ['k00000', '0'],
      ['k00001', '1'],
    ]);
  });

  it('releases the native iterator when a scan stops early', async () => {
    const batch = store.batch();
    for (let i = 0; i < 100; i++) batch.put(b(`k${i}`), b('v'));
    await batch.commit();
    for await (const chunk of store.range({ chunkEntries: 10 })) {
      expect(chunk).toHaveLength(10);
      break;
    }
    await store.close(); // would hang or crash with a leaked iterator
    store = await RocksDBBytesStore.open(join(dir, 'db'), options);
    expect(store.approximateNumEntries()).toBeGreaterThan(0);
  });

  it('keeps committed batches across close and reopen, and destroy removes the directory', async () => {
    const batch = store.batch();
    batch.put(b('k'), b('v'));
    await batch.commit({ sync: true });
    await store.close();
    store = await RocksDBBytesStore.open(join(dir, 'db'), options);
    expect((await store.get(b('k')))?.toString()).toBe('v');
    await store.close();
    await RocksDBBytesStore.destroy(join(dir, 'db'));
    await expect(stat(join(dir, 'db'))).rejects.toThrow();
    store = await RocksDBBytesStore.open(join(dir, 'db'), options);
    expect(await store.get(b('k'))).toBeUndefined();
  });

  it('rejects use after close with a retriable STATE_STORE error', async () => {
    await store.close();
    await expect(store.getMany([b('k')])).rejects.toMatchObject({
      code: 'STATE_STORE',
      retriable: true,
    });
    expect(() => store.batch()).toThrow(SluiceError);
    store = await RocksDBBytesStore.open(join(dir, 'db'), options);
  });

  it('refuses a second open of a locked instance without calling it corruption', async () => {
    const err = await RocksDBBytesStore.open(join(dir, 'db'), options).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SluiceError);
    expect(RocksDBBytesStore.isCorruption(err)).toBe(false);
  });
  it('reads the reserved namespace only through reservedRange', async () => {
    const batch = store.batch();
    batch.put(b('a'), b('1'));
    batch.put(Buffer.from([0xff, 0x74, 0x01]), b('2'));
    await batch.commit();
    expect(await collect(store)).toEqual([['a', '1']]);
    const reserved: number[][] = [];
    for await (const chunk of store.reservedRange({
      gte: Buffer.from([0xff, 0x74]),
      lt: Buffer.from([0xff, 0x75]),
    })) {
      for (const [k] of chunk) reserved.push([...k]);
    }
    expect(reserved).toEqual([[0xff, 0x74, 0x01]]);
    await expect(async () => {
      for await (const _ of store.reservedRange({ gte: b('a'), lt: b('b') })) void _;
    }).rejects.toThrow(/reserved namespace/);
  });
});
