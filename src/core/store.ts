// State store contracts. Processors see a narrow, synchronous KeyValueStore whose reads are
// served from memory (the runtime prefetches a batch's keys in one multi-get first); the query
// API sees ReadOnlyKeyValueStore, which may go to disk. Layers (RocksDB bytes → changelog →
// cache → metrics) live in src/state; only the types live here.

import type { RawRecord } from './record.js';

/** Turns a store's values into bytes and back. `stateId` names the format (see StoreDeclaration). */
export interface Serde<V> {
  serialize(value: V): Buffer;
  deserialize(bytes: Buffer): V;
}

/** What a processor uses. `get` is synchronous: keys must be prefetched (or written) first. */
export interface KeyValueStore<V> {
  readonly name: string;
  /** The value for a key, or undefined. Throws if the key was neither prefetched nor written. */
  get(key: string): V | undefined;
  put(key: string, value: V): void;
  delete(key: string): void;
  /** Load these keys from disk into the cache in one multi-get; already cached keys cost nothing. */
  prefetch(keys: readonly string[]): Promise<void>;
  /** Every key-value pair, from disk merged with the cache (used to rebuild indexes after restore). */
  entries(): AsyncIterable<[string, V]>;
  /** A time index kept on local disk beside the store, if the store has one (see KeyTimeIndex). */
  readonly timeIndex?: KeyTimeIndex;
}

/**
 * (time, key) entries kept on local disk beside a store, outside its changelog, so a processor
 * finds the keys due by a time (e.g. windows to expire) without holding every key in memory.
 * Not crash-consistent and not restored: its owner rebuilds it from the store's entries when it
 * opens. Duplicate and stale entries are allowed (whoever takes a key re-checks its value).
 */
export interface KeyTimeIndex {
  /** The earliest time held (epoch ms), or +Infinity when empty. Synchronous. */
  readonly nextTimeMs: number;
  /** Adds an entry; buffered in memory until the next `flush` or `takeUpTo`. */
  add(timeMs: number, key: string): void;
  /** Writes buffered entries to disk (call it regularly, e.g. at each commit). */
  flush(): Promise<void>;
  /**
   * Removes and returns the keys of up to `limit` entries with time ≤ `upToMs` (inclusive), in
   * (time, key) order, without duplicates within one call.
   */
  takeUpTo(upToMs: number, limit: number): Promise<string[]>;
}

/** What the query API uses: reads only, possibly from disk. */
export interface ReadOnlyKeyValueStore<V> {
  readonly name: string;
  get(key: string): Promise<V | undefined>;
  /** Entries with fromKey <= key < toKey (undefined = unbounded), in key order, at most `limit`. */
  range(options: { fromKey?: string; toKey?: string; limit: number }): Promise<Array<[string, V]>>;
  approximateNumEntries(): Promise<number>;
}

/** A window's identity: `[startMs, endMs)`, epoch ms, start inclusive and end exclusive. */
export interface WindowBounds {
  readonly startMs: number;
  readonly endMs: number;
}

/**
 * Reads one partition of a store's changelog topic (`<job>-<store>-changelog`) so a task can
 * restore its state before processing. Implemented over Kafka in src/sources/kafka; restore
 * reads the tail first to find the last checkpoint marker, then replays up to it.
 */
export interface ChangelogReader {
  /** The partition's end offset (high watermark): the offset the next record will get. Decimal string. */
  endOffset(topic: string, partition: number): Promise<string>;
  /**
   * Records with `fromOffset <= offset < toOffset`, in offset order, in fetched batches (never
   * one record at a time). `fromOffset` below the log start offset reads from the log start.
   * `toOffset` is at most the end offset the caller saw; a compacted log may hold no record at
   * `toOffset - 1`, so the reader must finish once its fetch position reaches `toOffset`
   * rather than wait for that record. Breaking out of the loop must release the consumer.
   */
  readPartition(
    topic: string,
    partition: number,
    range: { readonly fromOffset: string; readonly toOffset: string },
  ): AsyncIterable<readonly RawRecord[]>;
}
