// Types for the `rocksdb` npm package 5.2.1 (Level's binding; it ships none), limited to what
// src/state/rocksdb uses. The underscore methods skip abstract-leveldown's per-key checks and
// copies (which also reject empty keys); they are stable within the pinned 5.2.x line.

declare module 'rocksdb' {
  type Callback<T = void> = (err: Error | null | undefined, result?: T) => void;

  interface RocksDBOpenOptions {
    createIfMissing?: boolean;
    errorIfExists?: boolean;
    /** Snappy when true (default true). */
    compression?: boolean;
    /** LRU block cache of this instance, bytes (0 = none). One cache per instance in 5.2.1. */
    cacheSize?: number;
    /** Memtable size, bytes; RocksDB keeps up to two. */
    writeBufferSize?: number;
    blockSize?: number;
    maxOpenFiles?: number;
    infoLogLevel?: 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'header';
  }

  interface RocksDBIteratorOptions {
    gt?: Buffer;
    gte?: Buffer;
    lt?: Buffer;
    lte?: Buffer;
    reverse?: boolean;
    limit?: number;
    keys?: boolean;
    values?: boolean;
    keyAsBuffer?: boolean;
    valueAsBuffer?: boolean;
    fillCache?: boolean;
    /** Bytes the binding reads per native call (default 16 KiB). */
    highWaterMark?: number;
  }

  interface RocksDBIterator {
    next(callback: (err: Error | null | undefined, key?: Buffer, value?: Buffer) => void): void;
    end(callback: Callback): void;
  }

  interface RocksDBChainedBatch {
    _put(key: Buffer, value: Buffer): void;
    _del(key: Buffer): void;
    _write(options: { sync?: boolean }, callback: Callback): void;
  }

  interface RocksDB {
    readonly location: string;
    readonly status: string;
    open(options: RocksDBOpenOptions, callback: Callback): void;
    close(callback: Callback): void;
    _getMany(
      keys: Buffer[],
      options: { asBuffer: boolean; fillCache: boolean },
      callback: Callback<Array<Buffer | undefined>>,
    ): void;
    _chainedBatch(): RocksDBChainedBatch;
    iterator(options: RocksDBIteratorOptions): RocksDBIterator;
    approximateSize(start: Buffer, end: Buffer, callback: Callback<number>): void;
    getProperty(property: string): string;
  }

  interface RocksDBConstructor {
    (location: string): RocksDB;
  }

  const rocksdb: RocksDBConstructor;
  export default rocksdb;
  export type {
    RocksDB,
    RocksDBChainedBatch,
    RocksDBIterator,
    RocksDBIteratorOptions,
    RocksDBOpenOptions,
  };
}
