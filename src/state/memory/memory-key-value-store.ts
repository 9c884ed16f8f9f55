// An in-memory KeyValueStore for tests and the TestDriver: a Map, no disk, no cache misses.
// Same contract as the RocksDB-backed store, so processors run unchanged on either.

import type { KeyValueStore, ReadOnlyKeyValueStore } from '../../core/store.js';

export interface MemoryKeyValueStoreOptions {
  /**
   * Store JSON copies instead of references, as a serializing store would: a value changed after
   * `put` is not seen by `get` until it is put again. Off by default (faster); turn it on in tests
   * that must catch a processor relying on object identity.
   */
  copyValues?: boolean;
}

/**
 * A Map-backed KeyValueStore. `get` never throws (every key counts as prefetched), `prefetch` is
 * a no-op, `entries` iterates a snapshot taken when iteration starts, in insertion order.
 */
export class MemoryKeyValueStore<V> implements KeyValueStore<V> {
  private readonly map = new Map<string, V>();
  private readonly copyValues: boolean;

  constructor(
    readonly name: string,
    options: MemoryKeyValueStoreOptions = {},
  ) {
    this.copyValues = options.copyValues === true;
  }

  get(key: string): V | undefined {
    const value = this.map.get(key);
    return this.copyValues && value !== undefined ? copy(value) : value;
  }

  put(key: string, value: V): void {
    this.map.set(key, this.copyValues ? copy(value) : value);
  }

  delete(key: string): void {
    this.map.delete(key);
  }

  prefetch(_keys: readonly string[]): Promise<void> {
    return Promise.resolve();
  }

  async *entries(): AsyncIterable<[string, V]> {
    for (const [key, value] of [...this.map]) yield [key, this.copyValues ? copy(value) : value];
  }

  /** Number of keys held. */
  get size(): number {
    return this.map.size;
  }

  /** Every key-value pair, sorted by the keys' UTF-8 bytes (RocksDB's order). */
  snapshot(): Array<[string, V]> {
    return [...this.map]
      .map(([key, value]): [Buffer, string, V] => [
        Buffer.from(key),
        key,
        this.copyValues ? copy(value) : value,
      ])
      .sort(([a], [b]) => Buffer.compare(a, b))
      .map(([, key, value]): [string, V] => [key, value]);
  }

  /** The query API's view of this store: async reads, key ranges in key order. */
  readOnly(): ReadOnlyKeyValueStore<V> {
    return {
      name: this.name,
      get: (key) => Promise.resolve(this.get(key)),
      range: ({ fromKey, toKey, limit }) =>
        Promise.resolve(
          this.snapshot()
            .filter(
              ([key]) =>
                (fromKey === undefined || utf8Compare(key, fromKey) >= 0) &&
                (toKey === undefined || utf8Compare(key, toKey) < 0),
            )
            .slice(0, Math.max(0, limit)),
        ),
      approximateNumEntries: () => Promise.resolve(this.map.size),
    };
  }
}

function utf8Compare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

function copy<V>(value: V): V {
  return JSON.parse(JSON.stringify(value)) as V;
}
