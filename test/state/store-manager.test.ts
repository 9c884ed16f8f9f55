// StoreManager: per-task store layout, one memory budget, commits across a task's stores that
// survive a crash between two stores' writes, restore progress and read-only views.

import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoreDeclaration } from '../../src/core/processor.js';
import type { KeyValueStore } from '../../src/core/store.js';
import { MetricsRegistry } from '../../src/metrics/metrics-registry.js';
import type { TaskStateFactory } from '../../src/runtime/task-state.js';
import type { CachingKeyValueStore } from '../../src/state/caching-key-value-store.js';
import { StoreManager, type StoreManagerOptions } from '../../src/state/store-manager.js';
import type { TaskStores } from '../../src/state/task-stores.js';
import { isCheckpointMarker, decodeCheckpoint } from '../../src/state/store-checkpoint.js';
import { InMemoryChangelog } from './in-memory-changelog.js';

const MiB = 1024 * 1024;
const decl = (name: string, stateId = `${name}-v1`): StoreDeclaration => ({
  name,
  kind: 'key-value',
  stateId,
  queryable: true,
});

describe('StoreManager', () => {
  let dir: string;
  let changelog: InMemoryChangelog;
  let manager: StoreManager;
  const logLines: string[] = [];

  function makeManager(
    extra: Partial<StoreManagerOptions> = {},
    stateDir = join(dir, 'state'),
  ): StoreManager {
    return new StoreManager({
      stateDir,
      changelogReader: changelog,
      memoryBudgetBytes: 64 * MiB,
      blockCacheBytesPerStore: 1 * MiB,
      writeBufferBytesPerStore: 1 * MiB,
      log: (line) => logLines.push(line),
      ...extra,
    });
  }

  function openTask(
    m = manager,
    partition = 0,
    stores = [decl('a'), decl('b')],
  ): Promise<TaskStores> {
    return m.open({
      job: 'job',
      partition,
      subtopology: 0,
      declarations: stores,
      changelogSink: changelog,
    });
  }

  function kv(task: TaskStores, name: string): CachingKeyValueStore<number> {
    return task.stores.get(name) as CachingKeyValueStore<number>;
  }

  async function commit(task: TaskStores, offset: string): Promise<void> {
    task.prepareCommit(new Map([['input', offset]]));
    await changelog.flush();
    await task.completeCommit();
  }

  async function contents(store: CachingKeyValueStore<number>): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for await (const [k, v] of store.entries()) out[k] = v;
    return out;
  }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sluice-manager-'));
    changelog = new InMemoryChangelog();
    manager = makeManager();
    logLines.length = 0;
  });
  afterEach(async () => {
    await manager.closeAll();
    await rm(dir, { recursive: true, force: true });
  });

  it('matches the runtime TaskStateFactory contract', () => {
    const factory: TaskStateFactory = manager;
    expect(factory).toBe(manager);
    const stores: ReadonlyMap<string, KeyValueStore<unknown>> = new Map<
      string,
      CachingKeyValueStore<unknown>
    >();
    expect(stores.size).toBe(0);
  });

  it('opens one RocksDB per store and partition under stateDir/job/store/partition', async () => {
    const task = await openTask(manager, 3, [decl('counts'), decl('../odd/name')]);
    expect(task.resumeOffsets.size).toBe(0);
    await expect(stat(join(dir, 'state', 'job', 'counts', '3', 'CURRENT'))).resolves.toBeTruthy();
    await expect(
      stat(join(dir, 'state', 'job', '%2E.%2Fodd%2Fname', '3', 'CURRENT')),
    ).resolves.toBeTruthy();
    expect(manager.partitions('job', 'counts')).toEqual([3]);
    expect([...task.openReports.values()].map((r) => r.source)).toEqual(['empty', 'empty']);
  });

  it('splits one memory budget between RocksDB instances and caches', async () => {
    const small = makeManager({ memoryBudgetBytes: 20 * MiB, minCacheBytesPerStore: 2 * MiB });
    const first = await openTask(small, 0);
    expect(small.memoryPlan).toEqual({
      budgetBytes: 20 * MiB,
      openStores: 2,
      nativeBytesPerStore: 3 * MiB,
      cacheBytesPerStore: 7 * MiB,
      overcommitted: false,
    });
    await openTask(small, 1);
    await openTask(small, 2);
    expect(small.memoryPlan).toMatchObject({
      openStores: 6,
      cacheBytesPerStore: 2 * MiB,
      overcommitted: true,
    });
    expect(logLines.some((l) => l.includes('memory budget'))).toBe(true);
    await first.close();
    expect(small.memoryPlan.openStores).toBe(4);
    await small.closeAll();
  });

  it('commits all stores at one commit number and resumes from its offsets', async () => {
    const task = await openTask();
    kv(task, 'a').put('x', 1);
    await commit(task, '10');
    const before = changelog.records('job-b-changelog', 0).length;
    task.prepareCommit(new Map([['input', '10']])); // nothing changed: skipped
    await task.completeCommit();
    expect(changelog.records('job-b-changelog', 0)).toHaveLength(before);
    kv(task, 'b').put('y', 2);
    await commit(task, '20');
    await task.close();

    const reopened = await openTask();
    expect(Object.fromEntries(reopened.resumeOffsets)).toEqual({ input: '20' });
    expect(reopened.commitSeq).toBe(2);
    const markers = changelog
      .records('job-a-changelog', 0)
      .filter((r) => isCheckpointMarker(r.key));
    expect(markers.map((r) => decodeCheckpoint(r.value!).seq)).toEqual([1, 2]);
  });

  it('after a crash between two stores\u2019 RocksDB writes, brings the behind store forward', async () => {
    const task = await openTask();
    kv(task, 'a').put('x', 1);
    kv(task, 'b').put('y', 1);
    await commit(task, '10');
    kv(task, 'a').put('x', 2);
    kv(task, 'b').put('y', 2);
    task.prepareCommit(new Map([['input', '20']]));
    await changelog.flush();
    await kv(task, 'a').completeCommit(); // b never completes: crash
    await task.close();

    const reopened = await openTask();
    expect(Object.fromEntries(reopened.resumeOffsets)).toEqual({ input: '20' });
    expect(reopened.openReports.get('a')?.source).toBe('local');
    expect(reopened.openReports.get('b')?.source).toBe('catch-up');
    expect(await contents(kv(reopened, 'a'))).toEqual({ x: 2 });
    expect(await contents(kv(reopened, 'b'))).toEqual({ y: 2 });
  });

  it('after a crash while flushing, keeps every store at the commit all of them sealed', async () => {
    const task = await openTask();
    kv(task, 'a').put('x', 1);
    kv(task, 'b').put('y', 1);
    await commit(task, '10');
    kv(task, 'a').put('x', 2);
    kv(task, 'b').put('y', 2);
    task.prepareCommit(new Map([['input', '20']]));
    changelog.deliverPartially(2); // store a's change and marker got out, store b's did not
    await task.close();

    const reopened = await openTask();
    expect(Object.fromEntries(reopened.resumeOffsets)).toEqual({ input: '10' });
    expect(reopened.openReports.get('a')).toMatchObject({ source: 'local', orphanKeys: 1 });
    expect(await contents(kv(reopened, 'a'))).toEqual({ x: 1 });
    expect(await contents(kv(reopened, 'b'))).toEqual({ y: 1 });
    // The re-sent value and a marker above the orphaned one make a later restore agree.
    kv(reopened, 'b').put('z', 3);
    await commit(reopened, '30');
    expect(reopened.commitSeq).toBe(3);
    await reopened.close();
    const elsewhere = makeManager({}, join(dir, 'elsewhere'));
    const restored = await openTask(elsewhere);
    expect(Object.fromEntries(restored.resumeOffsets)).toEqual({ input: '30' });
    expect(await contents(kv(restored, 'a'))).toEqual({ x: 1 });
    expect(await contents(kv(restored, 'b'))).toEqual({ y: 1, z: 3 });
    await elsewhere.closeAll();
  });

  it('reports restore progress by callback, metric, status and log line', async () => {
    const task = await openTask(manager, 0, [decl('a')]);
    for (let i = 0; i < 3000; i++) kv(task, 'a').put(`k${i}`, i);
    await commit(task, '3000');
    await task.close();

    const metrics = new MetricsRegistry();
    const restoring = makeManager(
      { metrics, restore: { writeBatchRecords: 500 } },
      join(dir, 'other'),
    );
    const progress: Array<[string, number, number]> = [];
    const restored = await restoring.open({
      job: 'job',
      partition: 0,
      subtopology: 0,
      declarations: [decl('a')],
      changelogSink: changelog,
      onRestoreProgress: (store, done, total) => progress.push([store, done, total]),
    });
    expect(progress.at(-1)).toEqual(['a', 3000, 3001]);
    expect(metrics.sum('restoredRecords', { job: 'job', store: 'a' })).toBe(3000);
    expect(metrics.sum('restoreRemaining', { job: 'job', store: 'a' })).toBe(0);
    expect(metrics.sum('stateEntries', { job: 'job', store: 'a' })).toBeGreaterThan(2000);
    expect(restoring.restoreStatus()).toEqual([
      expect.objectContaining({
        job: 'job',
        store: 'a',
        partition: 0,
        phase: 'ready',
        source: 'restored',
        restoredRecords: 3000,
      }),
    ]);
    expect(logLines.some((l) => /restoring from job-a-changelog\[0\]/.test(l))).toBe(true);
    expect(logLines.some((l) => /restored, 3000 records replayed/.test(l))).toBe(true);
    await restored.close();
    expect(restoring.restoreStatus()).toEqual([]);
  });

  it('serves read-only views of open partitions and waits for a closing partition before reopening', async () => {
    const task = await openTask(manager, 0, [decl('a')]);
    kv(task, 'a').put('k1', 1);
    await commit(task, '1');
    kv(task, 'a').put('k2', 2);
    const view = manager.readOnlyStore<number>('job', 'a', 0)!;
    expect(await view.get('k1')).toBe(1);
    expect(await view.range({ limit: 10 })).toEqual([
      ['k1', 1],
      ['k2', 2],
    ]);
    expect(manager.readOnlyStore('job', 'a', 1)).toBeUndefined();

    const closing = task.close(); // not awaited: the reopen must wait for RocksDB's lock
    const reopened = await openTask(manager, 0, [decl('a')]);
    await closing;
    await expect(view.get('k1')).rejects.toMatchObject({ code: 'STATE_STORE' });
    expect(Object.fromEntries(reopened.resumeOffsets)).toEqual({ input: '1' });
  });
});
