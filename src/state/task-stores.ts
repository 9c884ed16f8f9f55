// The stores of one task, committed together: every store writes the same commit number and
// input offsets, so after a crash between two stores' writes the task reopens them all at the
// newest commit each can reach (see StoreManager.open) and resumes from one set of offsets.

import { SluiceError } from '../core/errors.js';
import type { TaskId } from '../core/processor.js';
import type { CachingKeyValueStore } from './caching-key-value-store.js';
import type { StoreOpenReport } from './change-logging-bytes-store.js';

export interface TaskStoresHooks {
  /** After each completed commit (gauges). */
  readonly onCommitted?: () => void;
  /** When close starts, with its completion (the manager forgets the stores, and a reopen of the
   * same partition waits for it). */
  readonly onClose?: (closed: Promise<void>) => void;
}

export class TaskStores {
  private pending: 'prepared' | 'skipped' | undefined;
  private committedOffsetsJson: string;
  private preparedOffsetsJson = '';
  private closed = false;

  constructor(
    readonly taskId: TaskId,
    /** Opened, restored stores by name. */
    readonly stores: ReadonlyMap<string, CachingKeyValueStore<unknown>>,
    /** Next input offset per key the runtime passed to prepareCommit; empty = none committed. */
    readonly resumeOffsets: ReadonlyMap<string, string>,
    /** How each store was opened (local, catch-up, restored, empty, reset). */
    readonly openReports: ReadonlyMap<string, StoreOpenReport>,
    /** Commit number of the last commit; the next one is above every number seen at open. */
    private seq: number,
    private readonly hooks: TaskStoresHooks = {},
  ) {
    this.committedOffsetsJson = canonicalJson(Object.fromEntries(resumeOffsets));
  }

  /**
   * Phase 1: each store sends its dirty entries and a marker with `offsets` to the changelog
   * sink. Skipped (in every store) when nothing changed and the offsets are those committed.
   * Then the runtime flushes the sink and calls `completeCommit`; if the flush fails, it must
   * close the task instead: reopening resumes from the last completed commit.
   */
  prepareCommit(offsets: ReadonlyMap<string, string>): void {
    this.assertUsable();
    if (this.pending !== undefined) {
      throw new SluiceError('STATE_STORE', 'prepareCommit called twice without completeCommit', {
        domain: 'internal',
      });
    }
    const inputOffsets = Object.fromEntries(offsets);
    const json = canonicalJson(inputOffsets);
    let changed = json !== this.committedOffsetsJson;
    for (const store of this.stores.values()) changed ||= store.hasChanges;
    if (!changed) {
      this.pending = 'skipped';
      return;
    }
    const seq = this.seq + 1;
    for (const store of this.stores.values()) store.prepareCommit(inputOffsets, seq);
    this.seq = seq;
    this.preparedOffsetsJson = json;
    this.pending = 'prepared';
  }

  /** Phase 2, after the sink flushed: each store's atomic RocksDB batch with the offsets. */
  async completeCommit(): Promise<void> {
    this.assertUsable();
    const pending = this.pending;
    if (pending === undefined) {
      throw new SluiceError('STATE_STORE', 'completeCommit called without prepareCommit', {
        domain: 'internal',
      });
    }
    if (pending === 'prepared') {
      await Promise.all([...this.stores.values()].map((s) => s.completeCommit()));
      this.committedOffsetsJson = this.preparedOffsetsJson;
      this.hooks.onCommitted?.();
    }
    this.pending = undefined;
  }

  /** True when some store's dirty entries exceed their budget: commit before the next batch. */
  needsCommit(): boolean {
    for (const store of this.stores.values()) if (store.needsCommit) return true;
    return false;
  }

  /** Commit number of the last prepared commit (0 before any). */
  get commitSeq(): number {
    return this.seq;
  }

  /** Closes every store; uncommitted writes are dropped (commit first). */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    const closed = Promise.allSettled([...this.stores.values()].map((s) => s.close())).then(
      (results) => {
        const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
        if (failed) throw failed.reason;
      },
    );
    this.hooks.onClose?.(closed.catch(() => undefined));
    return closed;
  }

  private assertUsable(): void {
    if (this.closed) {
      throw new SluiceError(
        'STATE_STORE',
        `stores of task ${this.taskId.job}/${this.taskId.partition} are closed`,
        {
          domain: 'internal',
        },
      );
    }
  }
}

/** JSON with keys sorted, so equal offsets compare equal whatever order the map was built in. */
function canonicalJson(record: Readonly<Record<string, string>>): string {
  return JSON.stringify(
    Object.keys(record)
      .sort()
      .map((k) => [k, record[k]]),
  );
}
