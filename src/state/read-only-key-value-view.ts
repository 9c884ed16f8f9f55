// What the query API gets for a queryable store: reads only, through the cache (uncommitted
// writes included) and then RocksDB, without disturbing the cache the task works with.

import { SluiceError } from '../core/errors.js';
import type { ReadOnlyKeyValueStore } from '../core/store.js';
import type { CachingKeyValueStore } from './caching-key-value-store.js';

export class ReadOnlyKeyValueView<V> implements ReadOnlyKeyValueStore<V> {
  constructor(private readonly store: CachingKeyValueStore<V>) {}

  get name(): string {
    return this.store.name;
  }

  /** The current value, or undefined. Rejects (retriable) once the task closed the store. */
  async get(key: string): Promise<V | undefined> {
    this.assertOpen();
    return this.store.lookup(key);
  }

  /** Entries with fromKey <= key < toKey in key order (UTF-8 bytes), at most `limit`. */
  async range(options: {
    fromKey?: string;
    toKey?: string;
    limit: number;
  }): Promise<Array<[string, V]>> {
    this.assertOpen();
    const out: Array<[string, V]> = [];
    if (options.limit <= 0) return out;
    const bounds = {
      ...(options.fromKey === undefined ? {} : { fromKey: options.fromKey }),
      ...(options.toKey === undefined ? {} : { toKey: options.toKey }),
    };
    for await (const entry of this.store.range(bounds)) {
      out.push(entry);
      if (out.length >= options.limit) break;
    }
    return out;
  }

  async approximateNumEntries(): Promise<number> {
    this.assertOpen();
    return this.store.approximateNumEntries();
  }

  private assertOpen(): void {
    if (!this.store.isOpen) {
      throw new SluiceError(
        'STATE_STORE',
        `store "${this.store.name}" is closed (partition moved or stopping)`,
        {
          retriable: true,
        },
      );
    }
  }
}
