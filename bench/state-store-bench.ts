// State store micro-benchmarks on this machine: the RocksDB binding (batched writes, multi-get,
// awaited single gets, range scan), the cache layer (sync get/put, commit) and a restore from
// an in-memory changelog (records/s and peak RSS). Prints one line per figure.
//
//   npx tsx bench/state-store-bench.ts [--only binding|cache|restore]
//                                      [--restore-records 2000000] [--restore-keys N]

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RawRecord } from '../src/core/record.js';
import type { OutputRecord, RecordSink } from '../src/core/sink.js';
import type { ChangelogReader } from '../src/core/store.js';
import type { CachingKeyValueStore } from '../src/state/caching-key-value-store.js';
import { RocksDBBytesStore } from '../src/state/rocksdb/rocksdb-bytes-store.js';
import { CHECKPOINT_MARKER_KEY, encodeCheckpoint } from '../src/state/store-checkpoint.js';
import { StoreManager } from '../src/state/store-manager.js';

const MiB = 1024 * 1024;

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function report(what: string, count: number, startNs: bigint, unit = 'ops'): void {
  const seconds = Number(process.hrtime.bigint() - startNs) / 1e9;
  const rate = Math.round(count / seconds).toLocaleString('en-US');
  console.log(
    `${what.padEnd(52)} ${rate.padStart(12)} ${unit}/s  (${count} in ${seconds.toFixed(2)} s)`,
  );
}

const VALUE = Buffer.from(
  JSON.stringify({ count: 12, sum: 345.6, firstMs: 1700000000000, lastMs: 1700000100000 }),
);
const keyOf = (i: number): Buffer => Buffer.from(`user-${String(i).padStart(8, '0')}`);

/** A sink that accepts everything at once (measures the store, not a broker). */
class NullSink implements RecordSink {
  sent = 0;
  send(_record: OutputRecord): void {
    this.sent++;
  }
  drain(): void {}
  async flush(): Promise<void> {}
  async close(): Promise<void> {}
}

/**
 * A changelog of `records` puts over `keys` distinct keys, then one marker, generated lazily in
 * fetch-sized batches of 1000 (as a Kafka consumer would hand them over).
 */
class GeneratedChangelog implements ChangelogReader {
  constructor(
    private readonly records: number,
    private readonly keys: number,
  ) {}

  async endOffset(): Promise<string> {
    return String(this.records + 1);
  }

  async *readPartition(
    topic: string,
    partition: number,
    range: { fromOffset: string; toOffset: string },
  ): AsyncIterable<readonly RawRecord[]> {
    const to = Math.min(Number(range.toOffset), this.records + 1);
    for (let start = Number(range.fromOffset); start < to; start += 1000) {
      const batch: RawRecord[] = [];
      for (let offset = start; offset < Math.min(to, start + 1000); offset++) {
        const isMarker = offset === this.records;
        batch.push({
          topic,
          partition,
          offset: String(offset),
          timestampMs: 0,
          headers: {},
          key: isMarker ? CHECKPOINT_MARKER_KEY : keyOf(offset % this.keys),
          value: isMarker
            ? encodeCheckpoint({
                seq: 1,
                stateId: 'bench-v1',
                inputOffsets: { input: String(this.records) },
              })
            : VALUE,
        });
      }
      yield batch;
    }
  }
}

async function benchBinding(dir: string): Promise<void> {
  const store = await RocksDBBytesStore.open(join(dir, 'raw'), {
    blockCacheBytes: 8 * MiB,
    writeBufferBytes: 4 * MiB,
  });
  const N = 500_000;
  let t = process.hrtime.bigint();
  for (let i = 0; i < N; i += 1000) {
    const batch = store.batch();
    for (let j = i; j < i + 1000; j++) batch.put(keyOf(j), VALUE);
    await batch.commit();
  }
  report('rocksdb: batched put (1000 per batch)', N, t);

  const rounds = 300;
  t = process.hrtime.bigint();
  for (let r = 0; r < rounds; r++) {
    const keys = Array.from({ length: 1000 }, () => keyOf(Math.floor(Math.random() * N)));
    await store.getMany(keys);
  }
  report('rocksdb: multi-get, 1000 random keys per call', rounds * 1000, t, 'keys');

  t = process.hrtime.bigint();
  for (let i = 0; i < 5000; i++) await store.get(keyOf(Math.floor(Math.random() * N)));
  report('rocksdb: awaited single get (one per round trip)', 5000, t);

  t = process.hrtime.bigint();
  let scanned = 0;
  for await (const chunk of store.range({ gte: keyOf(100_000), limit: 50_000 }))
    scanned += chunk.length;
  report('rocksdb: range scan of 50k', scanned, t, 'entries');
  await store.close();
}

async function benchCache(dir: string): Promise<void> {
  const sink = new NullSink();
  const manager = new StoreManager({ stateDir: join(dir, 'cache'), memoryBudgetBytes: 256 * MiB });
  const task = await manager.open({
    job: 'bench',
    partition: 0,
    subtopology: 0,
    declarations: [{ name: 'counts', kind: 'key-value', stateId: 'bench-v1', queryable: false }],
    changelogSink: sink,
  });
  const store = task.stores.get('counts') as CachingKeyValueStore<{ count: number }>;
  const keys = 100_000;
  const names = Array.from({ length: keys }, (_, i) => `user-${i}`);
  for (const k of names) store.put(k, { count: 0 });
  const ops = 5_000_000;
  let t = process.hrtime.bigint();
  for (let i = 0; i < ops; i++) {
    const k = names[i % keys]!;
    const v = store.get(k)!;
    store.put(k, { count: v.count + 1 });
  }
  report('cache: sync get + put on cached keys', ops, t);

  t = process.hrtime.bigint();
  task.prepareCommit(new Map([['input', '1']]));
  await sink.flush();
  await task.completeCommit();
  report('cache: commit (serialize, changelog send, batch)', keys, t, 'entries');

  await task.close();
  const reopened = await manager.open({
    job: 'bench',
    partition: 0,
    subtopology: 0,
    declarations: [{ name: 'counts', kind: 'key-value', stateId: 'bench-v1', queryable: false }],
    changelogSink: sink,
  });
  const cold = reopened.stores.get('counts') as CachingKeyValueStore<{ count: number }>;
  t = process.hrtime.bigint();
  for (let i = 0; i < keys; i += 1000) await cold.prefetch(names.slice(i, i + 1000));
  report('cache: prefetch of cold keys, 1000 per batch', keys, t, 'keys');
  await reopened.close();
}

async function benchRestore(dir: string, records: number, keys: number): Promise<void> {
  const manager = new StoreManager({
    stateDir: join(dir, 'restore'),
    changelogReader: new GeneratedChangelog(records, keys),
    memoryBudgetBytes: 256 * MiB,
  });
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  const t = process.hrtime.bigint();
  const task = await manager.open({
    job: 'bench',
    partition: 0,
    subtopology: 0,
    declarations: [{ name: 'counts', kind: 'key-value', stateId: 'bench-v1', queryable: false }],
    changelogSink: new NullSink(),
    onRestoreProgress: () => {
      rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    },
  });
  report(`restore: ${records} records over ${keys} keys`, records, t, 'records');
  const store = task.stores.get('counts') as CachingKeyValueStore<unknown>;
  console.log(
    `restore: resumed at ${task.resumeOffsets.get('input')}, ~${store.approximateNumEntries()} keys, ` +
      `RSS before ${Math.round(rssBefore / MiB)} MiB, peak sampled ${Math.round(rssPeak / MiB)} MiB, ` +
      `process max RSS ${Math.round((process.resourceUsage().maxRSS * 1024) / MiB)} MiB`,
  );
  await task.close();
}

const dir = await mkdtemp(join(tmpdir(), 'sluice-state-bench-'));
try {
  console.log(`node ${process.version}, rocksdb npm 5.2.1, ${dir}`);
  const only = option('only');
  if (only === undefined || only === 'binding') await benchBinding(dir);
  if (only === undefined || only === 'cache') await benchCache(dir);
  if (only === undefined || only === 'restore') {
    const records = flag('restore-records', 2_000_000);
    await benchRestore(dir, records, flag('restore-keys', records));
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
