// Opens, restores and closes the state stores of each task (one RocksDB instance per store and
// partition under `<stateDir>/<job>/<store>/<partition>`), splits one memory budget between
// RocksDB and the caches, and serves read-only views and restore status to the query API.

import { join } from 'node:path';
import { systemClock, type Clock } from '../core/clock.js';
import { SluiceError } from '../core/errors.js';
import type { StoreDeclaration, TaskId } from '../core/processor.js';
import type { RecordSink } from '../core/sink.js';
import type { ChangelogReader, ReadOnlyKeyValueStore, Serde } from '../core/store.js';
import type { MetricsRegistry } from '../metrics/metrics-registry.js';
import { CachingKeyValueStore } from './caching-key-value-store.js';
import {
  ChangeLoggingBytesStore,
  type StoreOpenReport,
  type StoreOpenSource,
  type StoreOpening,
} from './change-logging-bytes-store.js';
import type { RestoreProgress } from './changelog-restorer.js';
import { changelogTopicName } from './changelog-topic.js';
import { JsonSerde } from './json-serde.js';
import { ReadOnlyKeyValueView } from './read-only-key-value-view.js';
import { TaskStores } from './task-stores.js';

const MiB = 1024 * 1024;

export interface StoreManagerOptions {
  /** Root of all local state (default layout: `state/`). */
  readonly stateDir: string;
  /**
   * One budget, bytes, for every store of this process: RocksDB block caches and write buffers
   * plus the write-back caches. Default 256 MiB.
   */
  readonly memoryBudgetBytes?: number;
  /** Where changelogs are read at open. Undefined: no changelogs (local state only). */
  readonly changelogReader?: ChangelogReader;
  /** RocksDB block cache per instance (the 5.2.1 binding cannot share one). Default 8 MiB. */
  readonly blockCacheBytesPerStore?: number;
  /** RocksDB memtable size per instance; two may exist at once. Default 4 MiB. */
  readonly writeBufferBytesPerStore?: number;
  /** A cache never gets less than this, even over budget. Default 4 MiB. */
  readonly minCacheBytesPerStore?: number;
  /** Share of a cache that dirty entries may fill before `needsCommit`. Default 0.5. */
  readonly maxDirtyFraction?: number;
  /** fsync each commit's RocksDB batch (power-loss safety; a killed process is safe without). */
  readonly syncWrites?: boolean;
  /** Value format per store; default JSON. */
  readonly serdeFor?: (declaration: StoreDeclaration) => Serde<unknown>;
  /** Restore tuning: records read from the end per marker probe, records per RocksDB batch. */
  readonly restore?: { readonly probeRecords?: number; readonly writeBatchRecords?: number };
  readonly metrics?: MetricsRegistry;
  /** One line per restore start, progress (every 5 s) and end, and per reset or wipe. */
  readonly log?: (line: string) => void;
  readonly clock?: Clock;
}

/** What a task asks for (the runtime's TaskStateRequest has this shape). */
export interface StoreTaskRequest {
  readonly job: string;
  readonly partition: number;
  readonly subtopology: number;
  readonly declarations: readonly StoreDeclaration[];
  /** The task's sink; changelog records go through it and it is flushed before each completeCommit. */
  readonly changelogSink: RecordSink;
  /** Restore progress per store: records replayed so far, records expected (an upper bound). */
  readonly onRestoreProgress?: (store: string, restored: number, total: number) => void;
  /** Called every few seconds of a long restore (keeps consumer-group membership alive). */
  readonly heartbeat?: () => Promise<void>;
}

/** One store instance's restore state, for the status endpoint. */
export interface StoreRestoreStatus {
  readonly job: string;
  readonly store: string;
  readonly partition: number;
  readonly phase: 'opening' | 'restoring' | 'ready';
  readonly source?: StoreOpenSource;
  readonly restoredRecords: number;
  readonly totalRecords: number;
  readonly recordsPerSecond: number;
}

/** How the memory budget is split right now. */
export interface StoreMemoryPlan {
  readonly budgetBytes: number;
  readonly openStores: number;
  /** Block cache + two write buffers per RocksDB instance. */
  readonly nativeBytesPerStore: number;
  readonly cacheBytesPerStore: number;
  /** True when the open stores need more than the budget (each cache is at its minimum). */
  readonly overcommitted: boolean;
}

const PROGRESS_LOG_INTERVAL_MS = 5000;

export class StoreManager {
  private readonly budgetBytes: number;
  private readonly blockCacheBytes: number;
  private readonly writeBufferBytes: number;
  private readonly minCacheBytes: number;
  private readonly clock: Clock;
  /** Open stores by `job/store/partition`. */
  private readonly open_ = new Map<string, CachingKeyValueStore<unknown>>();
  private readonly status = new Map<string, StoreRestoreStatus>();
  private readonly closing = new Map<string, Promise<void>>();
  private readonly tasks = new Set<TaskStores>();

  constructor(private readonly options: StoreManagerOptions) {
    this.budgetBytes = options.memoryBudgetBytes ?? 256 * MiB;
    this.blockCacheBytes = options.blockCacheBytesPerStore ?? 8 * MiB;
    this.writeBufferBytes = options.writeBufferBytesPerStore ?? 4 * MiB;
    this.minCacheBytes = options.minCacheBytesPerStore ?? 4 * MiB;
    this.clock = options.clock ?? systemClock;
  }

  /** `<stateDir>/<job>/<store>/<partition>`, names made safe as path segments. */
  storeLocation(job: string, store: string, partition: number): string {
    return join(this.options.stateDir, pathSegment(job), pathSegment(store), String(partition));
  }

  /**
   * Opens the task's stores: local state where it is trusted, else restored from the changelog
   * (progress through `onRestoreProgress`, metrics, `restoreStatus()` and log lines). All stores
   * end at the same commit; `resumeOffsets` are its input offsets.
   */
  async open(request: StoreTaskRequest): Promise<TaskStores> {
    const taskId: TaskId = {
      job: request.job,
      subtopology: request.subtopology,
      partition: request.partition,
    };
    const declarations = distinctDeclarations(request.declarations);
    const openings: Array<{ declaration: StoreDeclaration; opening: StoreOpening }> = [];
    const finished: Array<{ declaration: StoreDeclaration; store: ChangeLoggingBytesStore }> = [];
    try {
      for (const declaration of declarations) {
        const id = this.storeKey(request.job, declaration.name, request.partition);
        await this.closing.get(id);
        this.setStatus(id, request, declaration.name, { phase: 'opening' });
        const opening = await ChangeLoggingBytesStore.prepareOpen({
          location: this.storeLocation(request.job, declaration.name, request.partition),
          rocksdb: {
            blockCacheBytes: this.blockCacheBytes,
            writeBufferBytes: this.writeBufferBytes,
          },
          stateId: declaration.stateId,
          ...(this.options.changelogReader
            ? {
                changelog: {
                  reader: this.options.changelogReader,
                  sink: request.changelogSink,
                  topic: changelogTopicName(request.job, declaration.name),
                  partition: request.partition,
                },
              }
            : {}),
          restore: {
            ...this.options.restore,
            clock: this.clock,
            onProgress: this.progressHandler(id, request, declaration.name),
            ...(request.heartbeat ? { heartbeat: request.heartbeat } : {}),
          },
          ...(this.options.syncWrites === undefined ? {} : { syncWrites: this.options.syncWrites }),
          ...(this.options.log ? { log: this.options.log } : {}),
        });
        openings.push({ declaration, opening });
      }
      // The newest commit every store can reach: a crash between two stores' commits leaves
      // one a commit ahead; finishing all at the lower commit keeps them consistent.
      const available = openings
        .map((o) => o.opening.availableSeq)
        .filter((s): s is number => s !== undefined);
      const targetSeq = available.length > 0 ? Math.min(...available) : undefined;
      while (openings.length > 0) {
        const { declaration, opening } = openings.shift()!;
        finished.push({ declaration, store: await opening.finish(targetSeq) });
      }
    } catch (err) {
      await Promise.allSettled([
        ...openings.map((o) => o.opening.abort()),
        ...finished.map((f) => f.store.close()),
      ]);
      for (const d of declarations)
        this.status.delete(this.storeKey(request.job, d.name, request.partition));
      throw err;
    }

    const atTarget = finished.find(
      (f) => f.store.checkpoint.seq > 0 && f.store.openReport.source !== 'reset',
    );
    const resumeOffsets = new Map(Object.entries(atTarget?.store.checkpoint.inputOffsets ?? {}));
    const seq = Math.max(0, ...finished.map((f) => f.store.highestSeqAtOpen));
    const stores = new Map<string, CachingKeyValueStore<unknown>>();
    const reports = new Map<string, StoreOpenReport>();
    const ids: string[] = [];
    for (const { declaration, store } of finished) {
      const id = this.storeKey(request.job, declaration.name, request.partition);
      const serde = this.options.serdeFor?.(declaration) ?? new JsonSerde<unknown>();
      const cache = new CachingKeyValueStore<unknown>(declaration.name, store, serde, {
        maxCacheBytes: this.minCacheBytes,
        ...(this.options.maxDirtyFraction === undefined
          ? {}
          : { maxDirtyFraction: this.options.maxDirtyFraction }),
      });
      stores.set(declaration.name, cache);
      reports.set(declaration.name, store.openReport);
      this.open_.set(id, cache);
      ids.push(id);
      const prior = this.status.get(id);
      this.setStatus(id, request, declaration.name, {
        phase: 'ready',
        source: store.openReport.source,
        restoredRecords: store.openReport.restoredRecords,
        totalRecords: prior?.totalRecords ?? store.openReport.restoredRecords,
        recordsPerSecond: prior?.recordsPerSecond ?? 0,
      });
      if (this.options.metrics) {
        this.options.metrics
          .gauge('restoreRemaining', { job: request.job, store: declaration.name })
          .set(0);
      }
    }
    this.rebalanceBudget();
    const task: TaskStores = new TaskStores(taskId, stores, resumeOffsets, reports, seq, {
      onCommitted: () => this.updateGauges(request.job, [...stores.keys()]),
      onClose: (closed) => {
        this.tasks.delete(task);
        for (const id of ids) {
          this.open_.delete(id);
          this.status.delete(id);
          const done = closed.finally(() => {
            if (this.closing.get(id) === done) this.closing.delete(id);
          });
          this.closing.set(id, done);
        }
        this.rebalanceBudget();
      },
    });
    this.tasks.add(task);
    this.updateGauges(request.job, [...stores.keys()]);
    return task;
  }

  /** Read-only view of one partition's store for the query API; undefined if not open here. */
  readOnlyStore<V>(
    job: string,
    store: string,
    partition: number,
  ): ReadOnlyKeyValueStore<V> | undefined {
    const cache = this.open_.get(this.storeKey(job, store, partition));
    return cache ? new ReadOnlyKeyValueView(cache as CachingKeyValueStore<V>) : undefined;
  }

  /** Partitions of a store open on this instance, ascending. */
  partitions(job: string, store: string): number[] {
    const prefix = `${job}\u0000${store}\u0000`;
    return [...this.open_.keys()]
      .filter((k) => k.startsWith(prefix))
      .map((k) => Number(k.slice(prefix.length)))
      .sort((a, b) => a - b);
  }

  /** Restore state of every store being opened or open, for the status endpoint. */
  restoreStatus(): StoreRestoreStatus[] {
    return [...this.status.values()];
  }

  get memoryPlan(): StoreMemoryPlan {
    const openStores = this.open_.size;
    const nativeBytesPerStore = this.blockCacheBytes + 2 * this.writeBufferBytes;
    const free = this.budgetBytes - openStores * nativeBytesPerStore;
    const share =
      openStores > 0 ? Math.floor(free / openStores) : this.budgetBytes - nativeBytesPerStore;
    return {
      budgetBytes: this.budgetBytes,
      openStores,
      nativeBytesPerStore,
      cacheBytesPerStore: Math.max(this.minCacheBytes, share),
      overcommitted: share < this.minCacheBytes,
    };
  }

  /** Closes every open task's stores (uncommitted writes are dropped: commit first). */
  async closeAll(): Promise<void> {
    await Promise.allSettled([...this.tasks].map((t) => t.close()));
  }

  private rebalanceBudget(): void {
    const plan = this.memoryPlan;
    for (const cache of this.open_.values()) cache.setMaxCacheBytes(plan.cacheBytesPerStore);
    if (plan.overcommitted) {
      this.options.log?.(
        `state: ${plan.openStores} open stores need more than the ${plan.budgetBytes} byte memory budget ` +
          `(each cache held at ${plan.cacheBytesPerStore} bytes)`,
      );
    }
  }

  private progressHandler(
    id: string,
    request: StoreTaskRequest,
    store: string,
  ): (progress: RestoreProgress) => void {
    let reported = 0;
    let lastLogMs = this.clock.nowMs();
    return (progress) => {
      this.setStatus(id, request, store, {
        phase: 'restoring',
        restoredRecords: progress.restoredRecords,
        totalRecords: progress.totalRecords,
        recordsPerSecond: progress.recordsPerSecond,
      });
      request.onRestoreProgress?.(store, progress.restoredRecords, progress.totalRecords);
      const metrics = this.options.metrics;
      if (metrics) {
        const labels = { job: request.job, store };
        metrics.counter('restoredRecords', labels).inc(progress.restoredRecords - reported);
        metrics
          .gauge('restoreRemaining', labels)
          .set(Math.max(0, progress.totalRecords - progress.restoredRecords));
      }
      reported = progress.restoredRecords;
      const nowMs = this.clock.nowMs();
      if (nowMs - lastLogMs >= PROGRESS_LOG_INTERVAL_MS) {
        lastLogMs = nowMs;
        this.options.log?.(
          `state ${request.job}/${store}/${request.partition}: restored ${progress.restoredRecords} of ` +
            `~${progress.totalRecords} records (${Math.round(progress.recordsPerSecond)}/s, ETA ` +
            `${progress.recordsPerSecond > 0 ? Math.ceil(Math.max(0, progress.totalRecords - progress.restoredRecords) / progress.recordsPerSecond) : '?'} s)`,
        );
      }
    };
  }

  private setStatus(
    id: string,
    request: StoreTaskRequest,
    store: string,
    update: Partial<StoreRestoreStatus> & Pick<StoreRestoreStatus, 'phase'>,
  ): void {
    const prior = this.status.get(id);
    this.status.set(id, {
      job: request.job,
      store,
      partition: request.partition,
      restoredRecords: 0,
      totalRecords: 0,
      recordsPerSecond: 0,
      ...prior,
      ...update,
    });
  }

  private updateGauges(job: string, stores: readonly string[]): void {
    const metrics = this.options.metrics;
    if (!metrics) return;
    for (const store of stores) {
      let entries = 0;
      let bytes = 0;
      for (const partition of this.partitions(job, store)) {
        const cache = this.open_.get(this.storeKey(job, store, partition));
        if (!cache) continue;
        entries += cache.approximateNumEntries();
        bytes += cache.inner.local.approximateSizeBytes();
      }
      metrics.gauge('stateEntries', { job, store }).set(entries);
      metrics.gauge('stateBytes', { job, store }).set(bytes);
    }
  }

  private storeKey(job: string, store: string, partition: number): string {
    return `${job}\u0000${store}\u0000${partition}`;
  }
}

/** One declaration per store name; two nodes sharing a store must agree on its format. */
function distinctDeclarations(declarations: readonly StoreDeclaration[]): StoreDeclaration[] {
  const byName = new Map<string, StoreDeclaration>();
  for (const d of declarations) {
    const prior = byName.get(d.name);
    if (prior && prior.stateId !== d.stateId) {
      throw new SluiceError('STATE_STORE', `store "${d.name}" is declared with two stateIds`, {
        domain: 'internal',
      });
    }
    if (!prior) byName.set(d.name, d);
  }
  return [...byName.values()];
}

/** A name as one path segment: no separators, no `.`/`..`. */
function pathSegment(name: string): string {
  const encoded = encodeURIComponent(name);
  return encoded.startsWith('.') ? `%2E${encoded.slice(1)}` : encoded;
}
