// One atomic RocksDB write: data puts and deletes plus the store's meta entries (the checkpoint).
// Each op is copied into a native WriteBatch at once, so a large restore batch holds no JS arrays.

import type { RocksDBChainedBatch } from 'rocksdb';

/**
 * Reserved key namespace for meta entries. 0xFF never occurs in UTF-8, so no store key (a JS
 * string encoded as UTF-8) can equal or sort after a meta key: data ranges end at `[0xFF]`.
 */
export const META_KEY_PREFIX = Buffer.from([0xff]);

/** The RocksDB key under which a meta entry named `name` is kept. */
export function metaKey(name: string): Buffer {
  return Buffer.concat([META_KEY_PREFIX, Buffer.from(`meta:${name}`)]);
}

/** Built by `RocksDBBytesStore.batch()`; applied atomically (all ops or none, even under SIGKILL). */
export class RocksDBWriteBatch {
  private opCount = 0;
  private written = false;

  constructor(
    private readonly native: RocksDBChainedBatch,
    private readonly write: (native: RocksDBChainedBatch, sync: boolean) => Promise<void>,
  ) {}

  /** Ops added so far (puts, deletes and meta entries). */
  get size(): number {
    return this.opCount;
  }

  put(key: Buffer, value: Buffer): void {
    this.native._put(key, value);
    this.opCount++;
  }

  delete(key: Buffer): void {
    this.native._del(key);
    this.opCount++;
  }

  /** Put (or, with null, delete) a meta entry in the same atomic write as the data. */
  putMeta(name: string, value: Buffer | null): void {
    if (value === null) this.native._del(metaKey(name));
    else this.native._put(metaKey(name), value);
    this.opCount++;
  }

  /**
   * Applies the batch. Without `sync` the write reaches RocksDB's write-ahead log in the OS page
   * cache before this resolves: it survives a killed process, not a power cut.
   */
  async commit(options: { sync?: boolean } = {}): Promise<void> {
    if (this.written) throw new Error('RocksDBWriteBatch.commit called twice');
    this.written = true;
    await this.write(this.native, options.sync ?? false);
  }
}
