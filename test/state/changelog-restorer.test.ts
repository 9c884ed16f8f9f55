// ChangelogRestorer: finding the last (accepted) marker by reading back from the end, and
// replaying up to it in batches with progress and heartbeats.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/core/clock.js';
import { ChangelogRestorer, type RestoreProgress } from '../../src/state/changelog-restorer.js';
import { RocksDBBytesStore } from '../../src/state/rocksdb/rocksdb-bytes-store.js';
import { CHECKPOINT_MARKER_KEY, encodeCheckpoint } from '../../src/state/store-checkpoint.js';
import { InMemoryChangelog } from './in-memory-changelog.js';

const T = 'j-s-changelog';

describe('ChangelogRestorer', () => {
  let log: InMemoryChangelog;
  let reads: Array<{ fromOffset: string; toOffset: string }>;
  let dir: string;

  function marker(seq: number, offset: string): void {
    log.append(
      T,
      0,
      CHECKPOINT_MARKER_KEY,
      encodeCheckpoint({ seq, stateId: 'v1', inputOffsets: { in: offset } }),
    );
  }

  beforeEach(async () => {
    log = new InMemoryChangelog();
    reads = [];
    const read = log.readPartition.bind(log);
    log.readPartition = (topic, partition, range) => {
      reads.push({ ...range });
      return read(topic, partition, range);
    };
    dir = await mkdtemp(join(tmpdir(), 'sluice-restorer-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads growing windows back from the end until it finds the last marker', async () => {
    for (let i = 0; i < 50; i++) log.append(T, 0, `k${i}`, 'v');
    marker(1, '50');
    for (let i = 0; i < 40; i++) log.append(T, 0, `t${i % 7}`, 'v');
    const restorer = new ChangelogRestorer(log, T, 0, { probeRecords: 4 });

    const scan = await restorer.scan('0', await restorer.endOffset());
    expect(scan).toMatchObject({
      markerOffset: '50',
      checkpoint: { seq: 1, inputOffsets: { in: '50' } },
    });
    expect(scan.orphanKeys.map((k) => k.toString()).sort()).toEqual([
      't0',
      't1',
      't2',
      't3',
      't4',
      't5',
      't6',
    ]);
    expect(reads).toEqual([
      { fromOffset: '87', toOffset: '91' },
      { fromOffset: '55', toOffset: '87' },
      { fromOffset: '0', toOffset: '55' },
    ]);
    expect(scan.retained).toBeUndefined();
  });

  it('finds the last marker a filter accepts; later commits count as unsealed', async () => {
    log.append(T, 0, 'a', '1');
    marker(1, '10');
    log.append(T, 0, 'b', '2');
    marker(2, '20');
    log.append(T, 0, 'c', '3');
    const restorer = new ChangelogRestorer(log, T, 0);
    const scan = await restorer.scan('0', '5', (cp) => cp.seq <= 1);
    expect(scan.markerOffset).toBe('1');
    expect(scan.orphanKeys.map((k) => k.toString())).toEqual(['b', 'c']);
    expect(scan.retained?.map((r) => r.key?.toString())).toEqual(['a']);
  });

  it('has nothing to apply in an empty range or a range without markers', async () => {
    log.append(T, 0, 'a', '1');
    const restorer = new ChangelogRestorer(log, T, 0);
    expect(await restorer.scan('1', '1')).toMatchObject({
      markerOffset: undefined,
      orphanKeys: [],
    });
    const scan = await restorer.scan('0', '1');
    expect(scan.markerOffset).toBeUndefined();
    expect(scan.orphanKeys.map((k) => k.toString())).toEqual(['a']);
  });

  it('replays up to the marker in batches, reporting progress and heartbeating', async () => {
    for (let i = 0; i < 100; i++) log.append(T, 0, `k${i % 40}`, i % 10 === 9 ? null : String(i));
    marker(3, '100');
    log.append(T, 0, 'k0', 'unsealed');
    log.batchSize = 5; // batches are written once a fetched batch brings them past 7 records
    let nowMs = 0;
    const clock: Clock = { nowMs: () => (nowMs += 400) };
    const progress: RestoreProgress[] = [];
    let heartbeats = 0;
    const restorer = new ChangelogRestorer(log, T, 0, {
      probeRecords: 10,
      writeBatchRecords: 7,
      clock,
      onProgress: (p) => progress.push(p),
      heartbeat: async () => {
        heartbeats++;
      },
    });
    const store = await RocksDBBytesStore.open(join(dir, 'db'), {
      blockCacheBytes: 1 << 20,
      writeBufferBytes: 1 << 20,
    });
    try {
      const scan = await restorer.scan('0', await restorer.endOffset());
      const applied = await restorer.apply(store, scan, (batch) =>
        batch.putMeta('checkpoint', Buffer.from('done')),
      );
      expect(applied).toBe(100);
      expect(progress.length).toBeGreaterThan(2);
      expect(progress.at(-1)).toMatchObject({ restoredRecords: 100, totalRecords: 101 });
      expect(heartbeats).toBeGreaterThan(0);
      expect((await store.getMeta('checkpoint'))?.toString()).toBe('done');
      const values = await store.getMany(['k0', 'k9', 'k29', 'k39'].map((k) => Buffer.from(k)));
      // k0: 0, 40, 80 → '80'; k9: 9, 49, 89 are tombstones; k29: 29 → null, 69 → null; k39: 39, 79 → null.
      expect(values.map((v) => v?.toString())).toEqual(['80', undefined, undefined, undefined]);
    } finally {
      await store.close();
    }
  });
});
