// CachingKeyValueStore over real RocksDB: sync reads after prefetch, write-back commits with a
// changelog, LRU eviction that never drops dirty entries, and merged iteration.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SluiceError } from '../../src/core/errors.js';
import { CachingKeyValueStore } from '../../src/state/caching-key-value-store.js';
import { ChangeLoggingBytesStore } from '../../src/state/change-logging-bytes-store.js';
import { JsonSerde } from '../../src/state/json-serde.js';
import { ReadOnlyKeyValueView } from '../../src/state/read-only-key-value-view.js';
import { decodeCheckpoint, isCheckpointMarker } from '../../src/state/store-checkpoint.js';
import { InMemoryChangelog } from './in-memory-changelog.js';

const TOPIC = 'job-counts-changelog';
const rocksdb = { blockCacheBytes: 1 << 20, writeBufferBytes: 1 << 20 };

interface Count {
  n: number;
}

describe('CachingKeyValueStore', () => {
  let dir: string;
  let changelog: InMemoryChangelog;
  let store: CachingKeyValueStore<Count>;

  async function open(maxCacheBytes = 1 << 20): Promise<CachingKeyValueStore<Count>> {
    const inner = await ChangeLoggingBytesStore.open({
      location: join(dir, 'counts', '0'),
      rocksdb,
      stateId: 'count-v1',
      changelog: { reader: changelog, sink: changelog, topic: TOPIC, partition: 0 },
    });
    return new CachingKeyValueStore('counts', inner, new JsonSerde<Count>(), { maxCacheBytes });
  }

  async function commit(s: CachingKeyValueStore<Count>, offset: string): Promise<void> {
    s.prepareCommit({ input: offset });
    await changelog.flush();
    await s.completeCommit();
  }

  async function all(s: CachingKeyValueStore<Count>): Promise<Array<[string, number]>> {
    const out: Array<[string, number]> = [];
    for await (const [k, v] of s.entries()) out.push([k, v.n]);
    return out;
  }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sluice-cache-'));
    changelog = new InMemoryChangelog();
    store = await open();
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves reads only for prefetched or written keys', async () => {
    expect(() => store.get('a')).toThrow(SluiceError);
    expect(() => store.get('a')).toThrow(/prefetch/);
    await store.prefetch(['a', 'a']);
    expect(store.get('a')).toBeUndefined();
    store.put('b', { n: 2 });
    expect(store.get('b')).toEqual({ n: 2 });
    store.delete('b');
    expect(store.get('b')).toBeUndefined();
    await store.prefetch(['a', 'b']);
    expect(store.stats).toMatchObject({ misses: 1, hits: 2 });
  });

  it('commits dirty entries to RocksDB and the changelog, then a marker with the offsets', async () => {
    store.put('a', { n: 1 });
    store.put('b', { n: 2 });
    store.put('c', { n: 3 });
    await commit(store, '10');
    store.delete('c');
    store.put('a', { n: 11 });
    await commit(store, '20');

    const log = changelog.records(TOPIC, 0);
    const decoded = log.map((r) =>
      isCheckpointMarker(r.key)
        ? `marker ${JSON.stringify(decodeCheckpoint(r.value!).inputOffsets)}`
        : `${r.key!.toString()}=${r.value?.toString() ?? 'null'}`,
    );
    expect(decoded).toEqual([
      'a={"n":1}',
      'b={"n":2}',
      'c={"n":3}',
      'marker {"input":"10"}',
      'c=null',
      'a={"n":11}',
      'marker {"input":"20"}',
    ]);

    await store.close();
    store = await open();
    expect(store.inner.checkpoint).toMatchObject({ seq: 2, inputOffsets: { input: '20' } });
    await store.prefetch(['a', 'b', 'c']);
    expect([store.get('a'), store.get('b'), store.get('c')]).toEqual([
      { n: 11 },
      { n: 2 },
      undefined,
    ]);
  });

  it('serializes values at prepareCommit: later in-place changes wait for the next put and commit', async () => {
    const value = { n: 1 };
    store.put('a', value);
    store.prepareCommit({ input: '1' });
    value.n = 99;
    await changelog.flush();
    await store.completeCommit();
    await store.close();
    store = await open();
    await store.prefetch(['a']);
    expect(store.get('a')).toEqual({ n: 1 });
  });

  it('evicts least recently used clean entries over budget, never dirty ones or the current batch', async () => {
    await store.close();
    store = await open(20_000); // roughly 100 small entries
    for (let i = 0; i < 300; i++) store.put(`k${i}`, { n: i });
    expect(store.needsCommit).toBe(true);
    await commit(store, '300');
    expect(store.needsCommit).toBe(false);
    expect(store.stats.entries).toBeLessThan(150);
    expect(store.stats.evictions).toBeGreaterThan(150);

    // Dirty entries survive any amount of prefetching.
    for (let i = 0; i < 50; i++) store.put(`dirty${i}`, { n: i });
    for (let round = 0; round < 5; round++) {
      const batch = Array.from({ length: 60 }, (_, i) => `k${round * 60 + i}`);
      await store.prefetch(batch);
      for (const key of batch) expect(store.get(key)).toEqual({ n: Number(key.slice(1)) });
    }
    for (let i = 0; i < 50; i++) expect(store.get(`dirty${i}`)).toEqual({ n: i });
    // A batch larger than the budget is still fully readable right after its prefetch.
    const big = Array.from({ length: 250 }, (_, i) => `k${i}`);
    await store.prefetch(big);
    for (const key of big) expect(store.get(key)?.n).toBe(Number(key.slice(1)));
  });

  it('iterates disk merged with uncommitted writes and deletes, in key order', async () => {
    store.put('a', { n: 1 });
    store.put('b', { n: 2 });
    store.put('c', { n: 3 });
    await commit(store, '3');
    store.put('a', { n: 10 });
    store.delete('b');
    store.put('d', { n: 4 });
    store.put('', { n: 0 });
    expect(await all(store)).toEqual([
      ['', 0],
      ['a', 10],
      ['c', 3],
      ['d', 4],
    ]);
    // Between the phases the prepared values are not on disk yet; iteration still shows them.
    store.prepareCommit({ input: '7' });
    expect(await all(store)).toEqual([
      ['', 0],
      ['a', 10],
      ['c', 3],
      ['d', 4],
    ]);
    await changelog.flush();
    await store.completeCommit();
    expect(await all(store)).toEqual([
      ['', 0],
      ['a', 10],
      ['c', 3],
      ['d', 4],
    ]);
  });

  it('gives the query API reads through cache then disk without filling the cache', async () => {
    for (let i = 0; i < 10; i++) store.put(`k${i}`, { n: i });
    await commit(store, '10');
    await store.close();
    store = await open();
    store.put('k3', { n: 33 });
    const view = new ReadOnlyKeyValueView(store);
    expect(view.name).toBe('counts');
    expect(await view.get('k3')).toEqual({ n: 33 });
    expect(await view.get('k4')).toEqual({ n: 4 });
    expect(await view.get('nope')).toBeUndefined();
    expect(store.stats.entries).toBe(1);
    const page = await view.range({ fromKey: 'k2', toKey: 'k6', limit: 3 });
    expect(page).toEqual([
      ['k2', { n: 2 }],
      ['k3', { n: 33 }],
      ['k4', { n: 4 }],
    ]);
    expect(await view.approximateNumEntries()).toBeGreaterThanOrEqual(10);
    await store.close();
    await expect(view.get('k1')).rejects.toMatchObject({ code: 'STATE_STORE', retriable: true });
    store = await open();
  });

  it('refuses a second prepareCommit before the first completes', async () => {
    store.put('a', { n: 1 });
    store.prepareCommit({ input: '1' });
    expect(() => store.prepareCommit({ input: '2' })).toThrow(/twice/);
    await changelog.flush();
    await store.completeCommit();
  });
});
