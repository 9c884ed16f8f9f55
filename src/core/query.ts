// What the query API may read: job status and read-only views of queryable stores, with the
// owner of each key (this instance or another one's address). No RocksDB, no kafkajs here.

import type { JsonObject } from './record.js';

/** One window of one key, as served by the API. `[startMs, endMs)`, epoch ms. */
export interface WindowRow {
  readonly key: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly value: JsonObject;
}

export interface QueryableStoreView {
  readonly name: string;
  readonly job: string;
  /** Windows of a key overlapping [fromMs, toMs); undefined if this instance has no such key. */
  windowsOfKey(key: string, fromMs?: number, toMs?: number): Promise<WindowRow[] | undefined>;
  /** Windows overlapping [fromMs, toMs) across the keys this instance owns, at most `limit`. */
  windows(fromMs: number, toMs: number, limit: number): Promise<WindowRow[]>;
}

/** Who owns a key of a store: here, another instance (API address), or nobody right now. */
export type KeyOwner =
  | { readonly kind: 'local' }
  | { readonly kind: 'remote'; readonly address: string }
  | { readonly kind: 'unavailable'; readonly reason: string };

export interface TaskStatusView {
  readonly subtopology: number;
  readonly partition: number;
  readonly status: 'restoring' | 'running';
  readonly watermarkMs: number | null;
  readonly positions: Readonly<Record<string, string>>;
  readonly lag: Readonly<Record<string, number>>;
}

export interface JobStatusView {
  readonly job: string;
  readonly state: 'running' | 'restoring' | 'failed' | 'stopped';
  readonly tasks: readonly TaskStatusView[];
  readonly error?: string;
}

export interface JobDescription {
  readonly job: string;
  readonly sourceTopics: readonly string[];
  readonly stores: ReadonlyArray<{ readonly name: string; readonly queryable: boolean }>;
  /** Human-readable topology (as `sluice describe` prints it). */
  readonly topology: string;
}

/** Everything the API reads, implemented by the runtime. */
export interface QueryBackend {
  jobs(): readonly JobDescription[];
  status(): readonly JobStatusView[];
  store(name: string): QueryableStoreView | undefined;
  /** Queryable store names. */
  storeNames(): readonly string[];
  ownerOf(store: string, key: string): Promise<KeyOwner>;
  /** Prometheus text of all metrics. */
  metricsText(): string;
  /**
   * The stored value of `key` in a queryable store, read on this instance from the partition
   * that owns the key (uncommitted writes included), in the store's own value format; undefined
   * if absent, if that partition is not open here, or if the store is unknown.
   */
  storeValue?(store: string, key: string): Promise<unknown>;
  /**
   * The value of `key` in each partition of a queryable store open on this instance, in
   * partition order, absent ones left out: for per-task entries (totals, top-k lists) that a
   * processor keeps under the same key in every task.
   */
  storeValuesByPartition?(store: string, key: string): Promise<unknown[]>;
}
