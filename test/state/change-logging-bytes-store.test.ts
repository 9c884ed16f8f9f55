// Crash consistency and restore of a changelogged store: a crash at each step of the commit
// (simulated by dropping the store without committing) leaves exactly one committed state and
// its offsets, locally and in what a restore from the changelog rebuilds.

import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CachingKeyValueStore } from '../../src/state/caching-key-value-store.js';
import { ChangeLoggingBytesStore } from '../../src/state/change-logging-bytes-store.js';
import { JsonSerde } from '../../src/state/json-serde.js';
import {
  CHECKPOINT_MARKER_KEY,
  encodeCheckpoint,
  isCheckpointMarker,
} from '../../src/state/store-checkpoint.js';
import { InMemoryChangelog } from './in-memory-changelog.js';

const TOPIC = 'job-s-changelog';
const rocksdb = { blockCacheBytes: 1 << 20, writeBufferBytes: 1 << 20 };
type Store = CachingKeyValueStore<number>;

describe('ChangeLoggingBytesStore', () => {
  let dir: string;
  let changelog: InMemoryChangelog;
  const opened: Store[] = [];

  async function open(
    options: { location?: string; stateId?: string; changelog?: InMemoryChangelog | null } = {},
  ) {
    const log = options.changelog === undefined ? changelog : options.changelog;
    const inner = await ChangeLoggingBytesStore.open({
      location: join(dir, options.location ?? 'a'),
      rocksdb,
      stateId: options.stateId ?? 'v1',
      ...(log ? { changelog: { reader: log, sink: log, topic: TOPIC, partition: 0 } } : {}),
      restore: { probeRecords: 4, writeBatchRecords: 3 },
    });
    const store = new CachingKeyValueStore('s', inner, new JsonSerde<number>(), {
      maxCacheBytes: 1 << 20,
    });
    opened.push(store);
    return store;
  }

  async function commit(store: Store, offset: string, log = changelog): Promise<void> {
    store.prepareCommit({ input: offset });
    await log.flush();
    await store.completeCommit();
  }

  function put(store: Store, entries: Record<string, number | null>): void {
    for (const [k, v] of Object.entries(entries)) {
      if (v === null) store.delete(k);
      else store.put(k, v);
    }
  }

  /** A crash: the process dies; nothing more reaches RocksDB (close only releases the lock). */
  async function crash(store: Store): Promise<void> {
    await store.close();
  }

  async function contents(store: Store): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for await (const [k, v] of store.entries()) out[k] = v;
    return out;
  }

  function appendMarker(seq: number, offset: string, stateId = 'v1'): void {
    changelog.append(
      TOPIC,
      0,
      CHECKPOINT_MARKER_KEY,
      encodeCheckpoint({ seq, stateId, inputOffsets: { input: offset } }),
    );
  }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sluice-changelogging-'));
    changelog = new InMemoryChangelog();
    changelog.batchSize = 2;
  });
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('a crash after uncommitted writes reopens the committed state and its offsets', async () => {
    const store = await open();
    put(store, { a: 1, b: 2 });
    await commit(store, '10');
    put(store, { a: 5, c: 3, b: null });
    await crash(store);

    const reopened = await open();
    expect(reopened.inner.openReport.source).toBe('local');
    expect(reopened.inner.checkpoint.inputOffsets).toEqual({ input: '10' });
    expect(await contents(reopened)).toEqual({ a: 1, b: 2 });
  });

  it('a crash before the sink flushed loses the prepared commit everywhere', async () => {
    const store = await open();
    put(store, { a: 1 });
    await commit(store, '10');
    put(store, { a: 2 });
    store.prepareCommit({ input: '20' });
    changelog.dropQueued();
    await crash(store);

    const reopened = await open();
    expect(reopened.inner.openReport).toMatchObject({ source: 'local', orphanKeys: 0 });
    expect(reopened.inner.checkpoint.inputOffsets).toEqual({ input: '10' });
    expect(await contents(reopened)).toEqual({ a: 1 });
  });

  it('a crash after the flush but before the RocksDB write catches up from the changelog', async () => {
    const store = await open();
    put(store, { a: 1, b: 1 });
    await commit(store, '10');
    put(store, { a: 2, b: null, c: 3 });
    store.prepareCommit({ input: '20' });
    await changelog.flush();
    await crash(store);

    const reopened = await open();
    expect(reopened.inner.openReport.source).toBe('catch-up');
    expect(reopened.inner.checkpoint).toMatchObject({ seq: 2, inputOffsets: { input: '20' } });
    expect(await contents(reopened)).toEqual({ a: 2, c: 3 });
  });

  it('a crash mid-flush ignores the unsealed tail and re-sends its keys with the next commit', async () => {
    const store = await open();
    put(store, { a: 1, b: 1 });
    await commit(store, '10');
    put(store, { a: 2, b: 2, c: 2 });
    store.prepareCommit({ input: '20' });
    changelog.deliverPartially(3); // a, b, c arrive; the marker does not
    await crash(store);

    // Restoring right now (local state lost) ignores the tail too.
    const elsewhere = await open({ location: 'b' });
    expect(elsewhere.inner.openReport).toMatchObject({ source: 'restored', orphanKeys: 3 });
    expect(elsewhere.inner.checkpoint.inputOffsets).toEqual({ input: '10' });
    expect(await contents(elsewhere)).toEqual({ a: 1, b: 1 });
    await elsewhere.close();

    const reopened = await open();
    expect(reopened.inner.openReport).toMatchObject({ source: 'local', orphanKeys: 3 });
    expect(await contents(reopened)).toEqual({ a: 1, b: 1 });
    put(reopened, { d: 4 });
    await commit(reopened, '30');
    const resent = changelog
      .records(TOPIC, 0)
      .slice(-5)
      .map((r) =>
        isCheckpointMarker(r.key)
          ? 'marker'
          : `${r.key!.toString()}=${r.value?.toString() ?? 'null'}`,
      );
    expect(resent).toEqual(['a=1', 'b=1', 'c=null', 'd=4', 'marker']);

    // The orphans are now sealed by a later marker, but the re-sent values come after them.
    for (const compact of [false, true]) {
      if (compact) changelog.compact(TOPIC, 0);
      const restored = await open({ location: `c-${compact}` });
      expect(restored.inner.openReport.source).toBe('restored');
      expect(restored.inner.checkpoint.inputOffsets).toEqual({ input: '30' });
      expect(await contents(restored)).toEqual({ a: 1, b: 1, d: 4 });
      await restored.close();
    }
  });

  it('restores a compacted changelog with tombstones up to the last marker, ignoring an unsealed tail', async () => {
    const store = await open();
    put(store, { a: 1, b: 1, c: 1 });
    await commit(store, '5');
    put(store, { a: 2, b: null, d: 1 });
    await commit(store, '9');
    put(store, { c: 2 });
    await commit(store, '12');
    await crash(store);
    changelog.compact(TOPIC, 0); // drops the older markers and superseded values, keeps tombstones
    expect(changelog.records(TOPIC, 0).filter((r) => isCheckpointMarker(r.key))).toHaveLength(1);
    // An unfinished commit after the last marker: never applied.
    changelog.append(TOPIC, 0, 'a', '3');
    changelog.append(TOPIC, 0, 'e', '1');
    changelog.append(TOPIC, 0, 'c', null);

    const restored = await open({ location: 'fresh' });
    expect(restored.inner.openReport).toMatchObject({ source: 'restored', orphanKeys: 3 });
    expect(restored.inner.checkpoint).toMatchObject({ seq: 3, inputOffsets: { input: '12' } });
    expect(await contents(restored)).toEqual({ a: 2, c: 2, d: 1 });
    // Its next commit re-sends the committed values of a, e (absent: a tombstone) and c.
    await commit(restored, '13');
    const tail = changelog.records(TOPIC, 0).slice(-4);
    expect(
      tail.map((r) =>
        isCheckpointMarker(r.key)
          ? 'marker'
          : `${r.key!.toString()}=${r.value?.toString() ?? 'null'}`,
      ),
    ).toEqual(['a=2', 'e=null', 'c=2', 'marker']);
  });

  it('restores from a hand-written log whose only marker follows compacted history', async () => {
    changelog.append(TOPIC, 0, 'x', '1');
    changelog.append(TOPIC, 0, 'y', null);
    changelog.append(TOPIC, 0, 'z', '3');
    appendMarker(7, '70');
    for (let i = 0; i < 12; i++) changelog.append(TOPIC, 0, `tail${i}`, '9'); // longer than one probe window

    const restored = await open();
    expect(restored.inner.checkpoint).toMatchObject({ seq: 7, inputOffsets: { input: '70' } });
    expect(restored.inner.openReport).toMatchObject({ restoredRecords: 3, orphanKeys: 12 });
    expect(await contents(restored)).toEqual({ x: 1, z: 3 });
  });

  it('wipes local state of another stateId and restores; a changelog of another stateId is reset', async () => {
    const v1 = await open();
    put(v1, { a: 1, b: 2 });
    await commit(v1, '10');
    await crash(v1);

    // A v2 instance elsewhere finds v1 records in the changelog: it tombstones them and starts empty.
    const v2 = await open({ location: 'other', stateId: 'v2' });
    expect(v2.inner.openReport).toMatchObject({ source: 'reset' });
    expect(v2.inner.openReport.reason).toMatch(/stateId v1/);
    expect(v2.inner.checkpoint.inputOffsets).toEqual({});
    expect(await contents(v2)).toEqual({});
    put(v2, { a: 100 });
    await commit(v2, '50');
    await v2.close();

    // The first instance, now v2 too: its v1 files are wiped and the v2 changelog restored.
    const again = await open({ stateId: 'v2' });
    expect(again.inner.openReport.source).toBe('restored');
    expect(again.inner.openReport.reason).toMatch(/stateId changed from v1 to v2/);
    expect(again.inner.checkpoint.inputOffsets).toEqual({ input: '50' });
    expect(await contents(again)).toEqual({ a: 100 });
  });

  it('distrusts local state ahead of its changelog (topic recreated) and restores what is there', async () => {
    const store = await open();
    put(store, { a: 1 });
    await commit(store, '10');
    await crash(store);
    changelog = new InMemoryChangelog();

    const reopened = await open();
    expect(reopened.inner.openReport.source).toBe('empty');
    expect(reopened.inner.openReport.reason).toMatch(/changelog ends at 0/);
    expect(await contents(reopened)).toEqual({});
  });

  it('wipes damaged local files and restores them from the changelog', async () => {
    const store = await open();
    put(store, { a: 1 });
    await commit(store, '10');
    await crash(store);
    const files = await readdir(join(dir, 'a'));
    const current = files.find((f) => f === 'CURRENT')!;
    await writeFile(join(dir, 'a', current), 'garbage-without-newline');

    const reopened = await open();
    expect(reopened.inner.openReport.source).toBe('restored');
    expect(reopened.inner.openReport.reason).toMatch(/damaged/);
    expect(await contents(reopened)).toEqual({ a: 1 });
  });

  it('without a changelog keeps state and offsets locally', async () => {
    const store = await open({ changelog: null });
    put(store, { a: 1 });
    store.prepareCommit({ input: '3' });
    await store.completeCommit();
    put(store, { a: 2 });
    await crash(store);
    const reopened = await open({ changelog: null });
    expect(reopened.inner.openReport.source).toBe('local');
    expect(reopened.inner.checkpoint).toMatchObject({
      inputOffsets: { input: '3' },
      changelogPosition: null,
    });
    expect(await contents(reopened)).toEqual({ a: 1 });
  });
});
