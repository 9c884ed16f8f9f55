// The cache layer and the store processors use: typed values in memory in front of the
// changelogged RocksDB store. Reads are synchronous (a batch's keys are prefetched in one
// multi-get); writes only mark entries dirty; a commit serializes the dirty entries once.

import { SluiceError } from '../core/errors.js';
import type { KeyTimeIndex, KeyValueStore, Serde } from '../core/store.js';
import type { BytesChange, ChangeLoggingBytesStore } from './change-logging-bytes-store.js';
import { RocksDBTimeIndex } from './rocksdb/rocksdb-time-index.js';

export interface CachingOptions {
  /** Cache budget, bytes (estimated from key lengths and serialized value sizes). */
  readonly maxCacheBytes: number;
  /** `needsCommit` turns true once dirty entries exceed this share of the budget. Default 0.5. */
  readonly maxDirtyFraction?: number;
}

/** Cache counters since open. */
export interface CacheStats {
  readonly entries: number;
  readonly estimatedBytes: number;
  readonly dirtyEntries: number;
  readonly hits: number;
  readonly misses: number;
  readonly evictions: number;
}

interface CacheEntry<V> {
  /**
   * The key as first cached. The LRU and dirty sets take this one, not the caller's equal
   * string: each record brings its own copy of the key, and holding those copied every one
   * through young collections.
   */
  readonly key: string;
  /** undefined: the key is known to be absent (never stored, or deleted). */
  value: V | undefined;
  /** Estimated memory of key, value and bookkeeping. */
  bytes: number;
  /** Changed since the last prepareCommit. */
  dirty: boolean;
  /** In a prepared commit whose RocksDB write has not completed: not on disk yet. */
  pending: boolean;
  /** The prefetch call that last touched it (protects a batch's keys from that call's eviction). */
  touchedAt: number;
}

/**
 * Bookkeeping per entry: the entry object, the key string header, two Map slots with the spare
 * capacity and deleted holes the tables carry under LRU churn (measured ~150 bytes per entry in
 * a heap snapshot at 580k entries), the value's array objects.
 */
const ENTRY_OVERHEAD_BYTES = 240;
/**
 * A value decoded from JSON takes about this many times its serialized length on the heap
 * (measured: a one-window StoredWindows of 55 JSON bytes takes ~150 bytes as arrays of doubles).
 */
const VALUE_EXPANSION = 3;

/**
 * Write-back cache over a ChangeLoggingBytesStore. Values are held by reference: a processor
 * that changes a value in place must still `put` it, or the change is never committed.
 * Keys are strings stored as UTF-8 (ordered by code point); lone surrogates are not preserved.
 */
export class CachingKeyValueStore<V> implements KeyValueStore<V> {
  private readonly cache = new Map<string, CacheEntry<V>>();
  /** Clean entries, least recently used first: the only ones eviction may drop. */
  private readonly lru = new Map<string, CacheEntry<V>>();
  private readonly dirtyKeys = new Set<string>();
  private pendingKeys: string[] = [];
  private cacheBytes = 0;
  private dirtyBytes = 0;
  private maxCacheBytes: number;
  private readonly maxDirtyFraction: number;
  /** Running mean of serialized value sizes, for entries not yet serialized. */
  private meanValueBytes = 64;
  private prefetchSeq = 0;
  private hits = 0;
  private misses = 0;
  private evictions = 0;
  private closed = false;
  private timeIndex_: RocksDBTimeIndex | undefined;

  constructor(
    readonly name: string,
    /** The layer below; its `checkpoint` holds the offsets to resume from. */
    readonly inner: ChangeLoggingBytesStore,
    private readonly serde: Serde<V>,
    options: CachingOptions,
  ) {
    this.maxCacheBytes = options.maxCacheBytes;
    this.maxDirtyFraction = options.maxDirtyFraction ?? 0.5;
  }

  /**
   * A time index in this store's RocksDB instance, outside the changelog and the cache budget
   * (its memory is what is added between flushes). Created on first use.
   */
  get timeIndex(): KeyTimeIndex {
    return (this.timeIndex_ ??= new RocksDBTimeIndex(this.inner.local));
  }

  /** The value of a key prefetched or written since it was last evicted. Throws otherwise. */
  get(key: string): V | undefined {
    const entry = this.cache.get(key);
    if (entry === undefined) throw this.notCached(key);
    return entry.value;
  }

  put(key: string, value: V): void {
    this.write(key, value);
  }

  delete(key: string): void {
    this.write(key, undefined);
  }

  /**
   * Loads the keys not yet cached with one multi-get (absent keys are cached as absent). Makes
   * room first by evicting least recently used clean entries, never keys of this call; keys of
   * earlier calls in the same batch are the most recent, so they go only if one batch's keys
   * exceed the whole budget.
   */
  async prefetch(keys: readonly string[]): Promise<void> {
    this.assertOpen();
    const seq = ++this.prefetchSeq;
    let missing: Set<string> | undefined;
    for (const key of keys) {
      const entry = this.cache.get(key);
      if (entry !== undefined) {
        this.hits++;
        if (entry.touchedAt !== seq) {
          entry.touchedAt = seq;
          // Only clean, committed entries are in the LRU: most touches skip its lookup.
          if (!entry.dirty && !entry.pending && this.lru.delete(key))
            this.lru.set(entry.key, entry);
        }
      } else {
        (missing ??= new Set()).add(key);
      }
    }
    if (missing === undefined) return;
    this.misses += missing.size;
    const missKeys = [...missing];
    this.evict(missKeys.length * this.estimateBytes('', this.meanValueBytes));
    const values = await this.inner.local.getMany(missKeys.map((k) => Buffer.from(k, 'utf8')));
    for (let i = 0; i < missKeys.length; i++) {
      const key = missKeys[i]!;
      if (this.cache.has(key)) continue; // written while the read was in flight: newer
      const bytes = values[i];
      const value = bytes === undefined ? undefined : this.deserialize(key, bytes);
      const entry: CacheEntry<V> = {
        key,
        value,
        bytes: this.estimateBytes(key, bytes?.length ?? 0),
        dirty: false,
        pending: false,
        touchedAt: seq,
      };
      if (bytes !== undefined) this.observeValueBytes(bytes.length);
      this.cache.set(key, entry);
      this.lru.set(key, entry);
      this.cacheBytes += entry.bytes;
    }
  }

  /** Every entry, from disk merged with the cache, in key order (UTF-8 bytes). */
  entries(): AsyncIterable<[string, V]> {
    return this.range({});
  }

  /**
   * Entries with `fromKey <= key < toKey` (undefined = unbounded) in key order, uncommitted
   * writes included. Reads a disk snapshot; the cache does not change.
   */
  async *range(options: { fromKey?: string; toKey?: string }): AsyncGenerator<[string, V]> {
    this.assertOpen();
    const gte = options.fromKey === undefined ? undefined : Buffer.from(options.fromKey, 'utf8');
    const lt = options.toKey === undefined ? undefined : Buffer.from(options.toKey, 'utf8');
    const overlay = this.overlay(gte, lt);
    let next = 0;
    for await (const chunk of this.inner.local.range({
      ...(gte ? { gte } : {}),
      ...(lt ? { lt } : {}),
    })) {
      for (const [keyBytes, valueBytes] of chunk) {
        while (next < overlay.length && Buffer.compare(overlay[next]!.keyBytes, keyBytes) < 0) {
          const o = overlay[next++]!;
          if (o.value !== undefined) yield [o.key, o.value];
        }
        if (next < overlay.length && overlay[next]!.keyBytes.equals(keyBytes)) {
          const o = overlay[next++]!;
          if (o.value !== undefined) yield [o.key, o.value];
          continue;
        }
        const key = keyBytes.toString('utf8');
        yield [key, this.deserialize(key, valueBytes)];
      }
    }
    for (; next < overlay.length; next++) {
      const o = overlay[next]!;
      if (o.value !== undefined) yield [o.key, o.value];
    }
  }

  /** A read that may go to disk and leaves the cache as it is (for the query API). */
  async lookup(key: string): Promise<V | undefined> {
    this.assertOpen();
    const entry = this.cache.get(key);
    if (entry !== undefined) return entry.value;
    const bytes = await this.inner.local.get(Buffer.from(key, 'utf8'));
    return bytes === undefined ? undefined : this.deserialize(key, bytes);
  }

  /** RocksDB's estimate of stored keys; uncommitted new keys are not counted. */
  approximateNumEntries(): number {
    const all = this.inner.local.approximateNumEntries();
    // The time index lives in the same instance: its entries are not keys of the store.
    const indexed = this.timeIndex_?.approximateEntries ?? 0;
    return all > indexed ? all - indexed : 0;
  }

  /** True when dirty entries exceed their share of the budget: the task should commit soon. */
  get needsCommit(): boolean {
    return this.dirtyBytes >= this.maxCacheBytes * this.maxDirtyFraction;
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /** Changes the budget; the cache shrinks at the next prefetch or commit. */
  setMaxCacheBytes(bytes: number): void {
    this.maxCacheBytes = bytes;
  }

  get stats(): CacheStats {
    return {
      entries: this.cache.size,
      estimatedBytes: this.cacheBytes,
      dirtyEntries: this.dirtyKeys.size,
      hits: this.hits,
      misses: this.misses,
      evictions: this.evictions,
    };
  }

  /** Dirty entries, or changelog repairs found at open, wait for a commit. */
  get hasChanges(): boolean {
    return this.dirtyKeys.size > 0 || this.inner.hasRepairs;
  }

  /**
   * Phase 1 of a commit: serialize dirty entries and queue them, then a checkpoint marker with
   * `inputOffsets`, on the changelog sink. Then flush the sink and call `completeCommit`.
   * `seq` numbers the task's commit (the same in all its stores); default: this store's next.
   */
  prepareCommit(inputOffsets: Readonly<Record<string, string>>, seq?: number): void {
    this.assertOpen();
    const keys = [...this.dirtyKeys];
    const changes: BytesChange[] = new Array<BytesChange>(keys.length);
    // Serialize everything before changing any flag, so a value that fails leaves no half state.
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      const entry = this.cache.get(key)!;
      let value: Buffer | null = null;
      if (entry.value !== undefined) {
        try {
          value = this.serde.serialize(entry.value);
        } catch (err) {
          throw new SluiceError(
            'STATE_STORE',
            `store "${this.name}": cannot serialize key "${key}"`,
            {
              cause: err,
              domain: 'internal',
            },
          );
        }
      }
      changes[i] = { key: Buffer.from(key, 'utf8'), value };
    }
    this.inner.prepareCommit(changes, {
      seq: seq ?? this.inner.checkpoint.seq + 1,
      inputOffsets,
    });
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      const entry = this.cache.get(key)!;
      const value = changes[i]!.value;
      if (value !== null) this.observeValueBytes(value.length);
      this.resize(entry, this.estimateBytes(key, value?.length ?? 0));
      entry.dirty = false;
      entry.pending = true;
    }
    this.dirtyKeys.clear();
    this.dirtyBytes = 0;
    this.pendingKeys = keys;
  }

  /** Phase 2, after the sink flushed: the RocksDB batch with the checkpoint; then evicts. */
  async completeCommit(): Promise<void> {
    this.assertOpen();
    await this.inner.completeCommit();
    for (const key of this.pendingKeys) {
      const entry = this.cache.get(key);
      if (entry === undefined) continue;
      entry.pending = false;
      if (!entry.dirty) this.lru.set(key, entry);
    }
    this.pendingKeys = [];
    // Commits fall between batches: nothing read so far needs protecting from this eviction.
    this.prefetchSeq++;
    this.evict(0);
  }

  /** Closes RocksDB. Uncommitted writes are dropped: commit first to keep them. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.cache.clear();
    this.lru.clear();
    this.dirtyKeys.clear();
    await this.inner.close();
  }

  private write(key: string, value: V | undefined): void {
    let entry = this.cache.get(key);
    if (entry === undefined) {
      if (this.closed) throw this.notCached(key);
      entry = {
        key,
        value,
        bytes: this.estimateBytes(key, value === undefined ? 0 : this.meanValueBytes),
        dirty: false,
        pending: false,
        touchedAt: this.prefetchSeq,
      };
      this.cache.set(key, entry);
      this.cacheBytes += entry.bytes;
    } else {
      entry.value = value;
      this.lru.delete(key);
    }
    if (!entry.dirty) {
      entry.dirty = true;
      this.dirtyKeys.add(entry.key);
      this.dirtyBytes += entry.bytes;
    }
  }

  /** Drops least recently used clean entries until `incomingBytes` more fit in the budget. */
  private evict(incomingBytes: number): void {
    const target = this.maxCacheBytes - incomingBytes;
    if (this.cacheBytes <= target) return;
    for (const [key, entry] of this.lru) {
      if (this.cacheBytes <= target) break;
      if (entry.touchedAt === this.prefetchSeq) continue;
      this.lru.delete(key);
      this.cache.delete(key);
      this.cacheBytes -= entry.bytes;
      this.evictions++;
    }
  }

  /** Uncommitted and in-flight entries within `[gte, lt)`, sorted by UTF-8 key bytes. */
  private overlay(
    gte: Buffer | undefined,
    lt: Buffer | undefined,
  ): Array<{ key: string; keyBytes: Buffer; value: V | undefined }> {
    const out: Array<{ key: string; keyBytes: Buffer; value: V | undefined }> = [];
    const add = (key: string): void => {
      const entry = this.cache.get(key);
      if (entry === undefined) return;
      const keyBytes = Buffer.from(key, 'utf8');
      if (gte !== undefined && Buffer.compare(keyBytes, gte) < 0) return;
      if (lt !== undefined && Buffer.compare(keyBytes, lt) >= 0) return;
      out.push({ key, keyBytes, value: entry.value });
    };
    for (const key of this.dirtyKeys) add(key);
    for (const key of this.pendingKeys) if (!this.dirtyKeys.has(key)) add(key);
    return out.sort((a, b) => Buffer.compare(a.keyBytes, b.keyBytes));
  }

  private resize(entry: CacheEntry<V>, bytes: number): void {
    this.cacheBytes += bytes - entry.bytes;
    entry.bytes = bytes;
  }

  private estimateBytes(key: string, serializedValueBytes: number): number {
    return ENTRY_OVERHEAD_BYTES + key.length + serializedValueBytes * VALUE_EXPANSION;
  }

  private observeValueBytes(length: number): void {
    this.meanValueBytes += (length - this.meanValueBytes) / 64;
  }

  private deserialize(key: string, bytes: Buffer): V {
    try {
      return this.serde.deserialize(bytes);
    } catch (err) {
      throw new SluiceError(
        'STATE_STORE',
        `store "${this.name}": cannot read the value of key "${key}"`,
        {
          cause: err,
        },
      );
    }
  }

  private notCached(key: string): SluiceError {
    const why = this.closed
      ? `store "${this.name}" is closed`
      : `store "${this.name}": key "${key}" was read before it was prefetched or written ` +
        `(call prefetch in prepareBatch, or raise the state memory budget if one batch's keys exceed it)`;
    return new SluiceError('STATE_STORE', why, { domain: 'internal' });
  }

  private assertOpen(): void {
    if (this.closed) {
      throw new SluiceError('STATE_STORE', `store "${this.name}" is closed`, { retriable: true });
    }
  }
}
