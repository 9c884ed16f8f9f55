// The bottom state layer: a bytes key/value store over one RocksDB instance (one per store and
// task, under `<stateDir>/<job>/<store>/<partition>`). Every call here is a thread-pool round
// trip, so callers hand it batches: multi-gets, atomic write batches, chunked range scans.

import { mkdir, rm } from 'node:fs/promises';
import rocksdb from 'rocksdb';
import type {
  RocksDB,
  RocksDBChainedBatch,
  RocksDBIterator,
  RocksDBIteratorOptions,
} from 'rocksdb';
import { SluiceError } from '../../core/errors.js';
import { META_KEY_PREFIX, RocksDBWriteBatch, metaKey } from './rocksdb-write-batch.js';

/** Native memory and file settings of one instance. */
export interface RocksDBOptions {
  /** LRU block cache, bytes. The 5.2.1 binding gives every instance its own cache (no sharing). */
  readonly blockCacheBytes: number;
  /** Memtable size, bytes; RocksDB holds up to two per instance while one flushes. */
  readonly writeBufferBytes: number;
  /** Default 64 (SST files are ~64 MB, so even large stores need few; many instances share the fd limit). */
  readonly maxOpenFiles?: number;
  /** Snappy; default true. */
  readonly compression?: boolean;
}

/** Keys `gte <= key < lt` in byte order (undefined = unbounded), at most `limit` entries. */
export interface BytesRange {
  readonly gte?: Buffer;
  readonly lt?: Buffer;
  readonly limit?: number;
  /** Entries per yielded chunk; default 1000. */
  readonly chunkEntries?: number;
}

/** Bytes the binding fetches per native iterator call: large, so a scan costs few round trips. */
const ITERATOR_FETCH_BYTES = 1 << 20;

export class RocksDBBytesStore {
  private closed = false;

  private constructor(
    private readonly db: RocksDB,
    /** Directory of this instance. */
    readonly location: string,
  ) {}

  /** Opens (creating if missing) the instance at `location`. Throws STATE_STORE on failure. */
  static async open(location: string, options: RocksDBOptions): Promise<RocksDBBytesStore> {
    await mkdir(location, { recursive: true });
    const db = rocksdb(location);
    await call<void>(
      (cb) =>
        db.open(
          {
            createIfMissing: true,
            cacheSize: options.blockCacheBytes,
            writeBufferSize: options.writeBufferBytes,
            maxOpenFiles: options.maxOpenFiles ?? 64,
            compression: options.compression ?? true,
          },
          cb,
        ),
      `open RocksDB at ${location}`,
    );
    return new RocksDBBytesStore(db, location);
  }

  /** Deletes an instance's directory (the instance must be closed). */
  static async destroy(location: string): Promise<void> {
    await rm(location, { recursive: true, force: true });
  }

  /** True when an open failure means the files are damaged (wipe and restore), not e.g. locked. */
  static isCorruption(err: unknown): boolean {
    const cause = err instanceof SluiceError ? err.cause : err;
    return cause instanceof Error && /Corruption|checksum mismatch/i.test(cause.message);
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  async get(key: Buffer): Promise<Buffer | undefined> {
    const [value] = await this.getMany([key]);
    return value;
  }

  /** Values in the order of `keys` (undefined = absent), in one native call. */
  async getMany(keys: Buffer[]): Promise<Array<Buffer | undefined>> {
    this.assertOpen();
    if (keys.length === 0) return [];
    // The binding drops empty keys from a multi-get (shifting the results), so the empty key,
    // which sorts first, is read as the first entry of a scan instead.
    const emptyAt = keys.findIndex((k) => k.length === 0);
    if (emptyAt >= 0) return this.getManyWithEmptyKey(keys);
    const values = await call<Array<Buffer | undefined>>(
      (cb) => this.db._getMany(keys, { asBuffer: true, fillCache: true }, cb),
      `multi-get in ${this.location}`,
    );
    return values ?? [];
  }

  private async getManyWithEmptyKey(keys: Buffer[]): Promise<Array<Buffer | undefined>> {
    const nonEmpty = keys.filter((k) => k.length > 0);
    const [values, first] = await Promise.all([this.getMany(nonEmpty), this.firstEntry()]);
    const emptyValue = first !== undefined && first[0].length === 0 ? first[1] : undefined;
    let next = 0;
    return keys.map((k) => (k.length === 0 ? emptyValue : values[next++]));
  }

  private async firstEntry(): Promise<[Buffer, Buffer] | undefined> {
    for await (const chunk of this.range({ limit: 1 })) return chunk[0];
    return undefined;
  }

  /** A meta entry written with `RocksDBWriteBatch.putMeta`. */
  async getMeta(name: string): Promise<Buffer | undefined> {
    return this.get(metaKey(name));
  }

  /** Starts an atomic write batch; nothing is written until its `commit()`. */
  batch(): RocksDBWriteBatch {
    this.assertOpen();
    return new RocksDBWriteBatch(this.db._chainedBatch(), (native, sync) =>
      this.writeNative(native, sync),
    );
  }

  /**
   * Data entries in key (byte) order, in chunks. Meta entries are never included. The scan reads
   * a snapshot taken when it starts; breaking out of the loop releases the native iterator.
   */
  async *range(range: BytesRange = {}): AsyncGenerator<Array<[Buffer, Buffer]>> {
    this.assertOpen();
    const lt =
      range.lt !== undefined && Buffer.compare(range.lt, META_KEY_PREFIX) < 0
        ? range.lt
        : META_KEY_PREFIX;
    // An empty bound means unbounded to the binding; only set the option when it bounds.
    if (range.limit === 0 || (range.lt !== undefined && range.lt.length === 0)) return;
    yield* this.iterate({ ...range, lt });
  }

  /**
   * Entries of the reserved namespace (keys starting with META_KEY_PREFIX: meta entries and side
   * indexes such as RocksDBTimeIndex), `gte <= key < lt`, in key order, in chunks.
   */
  async *reservedRange(range: {
    readonly gte: Buffer;
    readonly lt: Buffer;
    readonly limit?: number;
    readonly chunkEntries?: number;
  }): AsyncGenerator<Array<[Buffer, Buffer]>> {
    this.assertOpen();
    if (Buffer.compare(range.gte, META_KEY_PREFIX) < 0) {
      throw new SluiceError('INTERNAL', 'reservedRange must start in the reserved namespace');
    }
    if (range.limit === 0) return;
    yield* this.iterate(range);
  }

  private async *iterate(range: BytesRange): AsyncGenerator<Array<[Buffer, Buffer]>> {
    const chunkEntries = range.chunkEntries ?? 1000;
    const options: RocksDBIteratorOptions = {
      keyAsBuffer: true,
      valueAsBuffer: true,
      highWaterMark: ITERATOR_FETCH_BYTES,
      limit: range.limit ?? -1,
    };
    if (range.lt !== undefined) options.lt = range.lt;
    if (range.gte !== undefined && range.gte.length > 0) options.gte = range.gte;
    const it = this.db.iterator(options);
    try {
      for (;;) {
        const { entries, done } = await nextChunk(it, chunkEntries);
        if (entries.length > 0) yield entries;
        if (done) return;
      }
    } finally {
      if (!this.closed) await call<void>((cb) => it.end(cb), 'end iterator').catch(() => undefined);
    }
  }

  /** RocksDB's estimate of live keys (includes the few meta entries). Synchronous, cheap. */
  approximateNumEntries(): number {
    if (this.closed) return 0;
    return Number(this.db.getProperty('rocksdb.estimate-num-keys')) || 0;
  }

  /** SST files plus memtables, bytes. Synchronous, cheap. */
  approximateSizeBytes(): number {
    if (this.closed) return 0;
    const sst = Number(this.db.getProperty('rocksdb.total-sst-files-size')) || 0;
    const mem = Number(this.db.getProperty('rocksdb.cur-size-all-mem-tables')) || 0;
    return sst + mem;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await call<void>((cb) => this.db.close(cb), `close RocksDB at ${this.location}`);
  }

  private async writeNative(native: RocksDBChainedBatch, sync: boolean): Promise<void> {
    this.assertOpen();
    await call<void>((cb) => native._write({ sync }, cb), `write batch in ${this.location}`);
  }

  private assertOpen(): void {
    if (this.closed) {
      throw new SluiceError('STATE_STORE', `RocksDB store at ${this.location} is closed`, {
        retriable: true,
      });
    }
  }
}

/** Collects up to `max` entries; each `next` is served from the binding's prefetched array. */
function nextChunk(
  it: RocksDBIterator,
  max: number,
): Promise<{ entries: Array<[Buffer, Buffer]>; done: boolean }> {
  return new Promise((resolve, reject) => {
    const entries: Array<[Buffer, Buffer]> = [];
    const step = (): void => {
      it.next((err, key, value) => {
        if (err) {
          reject(new SluiceError('STATE_STORE', 'RocksDB iterator failed', { cause: err }));
        } else if (key === undefined || value === undefined) {
          resolve({ entries, done: true });
        } else {
          entries.push([key, value]);
          if (entries.length >= max) resolve({ entries, done: false });
          else step();
        }
      });
    };
    step();
  });
}

/** Calls a callback-style binding method as a promise, wrapping errors as STATE_STORE. */
function call<T>(
  fn: (cb: (err: Error | null | undefined, result?: T) => void) => void,
  what: string,
): Promise<T | undefined> {
  return new Promise((resolve, reject) => {
    fn((err, result) => {
      if (err) reject(new SluiceError('STATE_STORE', `${what}: ${err.message}`, { cause: err }));
      else resolve(result);
    });
  });
}
