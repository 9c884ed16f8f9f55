// A store's time index on disk: (time, key) entries in the reserved namespace of the store's own
// RocksDB instance, outside its changelog. The window operator keeps the windows to expire here,
// so its memory does not grow with the number of live keys.

import type { KeyTimeIndex } from '../../core/store.js';
import type { RocksDBBytesStore } from './rocksdb-bytes-store.js';
import { META_KEY_PREFIX } from './rocksdb-write-batch.js';

/** `0xFF "time:"`: after every data key (UTF-8 has no 0xFF byte), apart from the meta entries. */
const PREFIX = Buffer.concat([META_KEY_PREFIX, Buffer.from('time:')]);
/** Just past every index key. */
const PREFIX_END = Buffer.concat([META_KEY_PREFIX, Buffer.from('time;')]);
const TIME_BYTES = 8;
const HEADER_BYTES = PREFIX.length + TIME_BYTES;
/**
 * The value of every entry: one byte, never empty. The binding copies an empty Buffer into a
 * `new char[0]` it never frees (it skips empty slices when disposing): ~32 bytes leaked per put.
 */
const VALUE = Buffer.from([0]);
const TWO_32 = 2 ** 32;

/**
 * Entries are keyed `PREFIX + 8-byte big-endian time + key (UTF-8)`, so a range scan returns them
 * in (time, key-bytes) order; the value is one zero byte. Adds are buffered in two arrays until
 * `flush`, so the in-memory part is bounded by what is added between flushes. Taken entries are
 * deleted; scans start at the lowest time that can still hold entries, so they skip the tombstones of
 * earlier takes (a queue-shaped workload RocksDB is slow to iterate otherwise).
 */
export class RocksDBTimeIndex implements KeyTimeIndex {
  private pendingTimes: number[] = [];
  private pendingKeys: string[] = [];
  private pendingMinMs = Number.POSITIVE_INFINITY;
  /** The earliest time on disk (exact after each take, lowered by flushes). */
  private diskNextMs = Number.POSITIVE_INFINITY;
  /** No entry on disk has a smaller time. */
  private scanFromMs = 0;
  /** Whether `diskNextMs` has been read from disk since the index was opened. */
  private loaded = false;
  private written = 0;

  constructor(private readonly db: RocksDBBytesStore) {}

  get nextTimeMs(): number {
    return this.pendingMinMs < this.diskNextMs ? this.pendingMinMs : this.diskNextMs;
  }

  /**
   * Entries written minus entries taken since open: about the entries on disk (rewriting an
   * existing entry counts twice; entries left by an earlier process are not counted).
   */
  get approximateEntries(): number {
    return this.written > 0 ? this.written : 0;
  }

  /** Buffered entries not yet on disk. */
  get pendingEntries(): number {
    return this.pendingKeys.length;
  }

  add(timeMs: number, key: string): void {
    this.pendingTimes.push(timeMs);
    this.pendingKeys.push(key);
    if (timeMs < this.pendingMinMs) this.pendingMinMs = timeMs;
  }

  async flush(): Promise<void> {
    if (!this.loaded) await this.load();
    const times = this.pendingTimes;
    const keys = this.pendingKeys;
    if (keys.length === 0) return;
    const minMs = this.pendingMinMs;
    this.pendingTimes = [];
    this.pendingKeys = [];
    this.pendingMinMs = Number.POSITIVE_INFINITY;
    const batch = this.db.batch();
    for (let i = 0; i < keys.length; i++) {
      batch.put(encodeEntry(times[i] as number, keys[i] as string), VALUE);
    }
    await batch.commit();
    this.written += keys.length;
    if (minMs < this.diskNextMs) this.diskNextMs = minMs;
    if (minMs < this.scanFromMs) this.scanFromMs = Math.max(0, Math.floor(minMs));
  }

  async takeUpTo(upToMs: number, limit: number): Promise<string[]> {
    if (this.nextTimeMs > upToMs && this.loaded) return [];
    await this.flush();
    if (this.diskNextMs > upToMs || limit <= 0) return [];
    const keys: string[] = [];
    const seen = new Set<string>();
    const batch = this.db.batch();
    let taken = 0;
    let lastMs = this.scanFromMs;
    for await (const chunk of this.db.reservedRange({
      gte: encodeTime(this.scanFromMs),
      lt: encodeTime(Math.floor(upToMs) + 1),
      limit,
    })) {
      for (const [entry] of chunk) {
        batch.delete(entry);
        taken++;
        lastMs = decodeTime(entry);
        const key = entry.toString('utf8', HEADER_BYTES);
        if (!seen.has(key)) {
          seen.add(key);
          keys.push(key);
        }
      }
    }
    if (taken > 0) await batch.commit();
    this.written -= taken;
    // All entries up to upToMs are gone unless the limit cut the scan short.
    this.scanFromMs = taken < limit ? Math.floor(upToMs) + 1 : lastMs;
    this.diskNextMs = await this.firstTimeOnDisk();
    return keys;
  }

  private async load(): Promise<void> {
    this.loaded = true;
    this.scanFromMs = 0;
    this.diskNextMs = await this.firstTimeOnDisk();
    if (Number.isFinite(this.diskNextMs)) this.scanFromMs = this.diskNextMs;
  }

  private async firstTimeOnDisk(): Promise<number> {
    for await (const chunk of this.db.reservedRange({
      gte: encodeTime(this.scanFromMs),
      lt: PREFIX_END,
      limit: 1,
    })) {
      const first = chunk[0];
      if (first !== undefined) return decodeTime(first[0]);
    }
    return Number.POSITIVE_INFINITY;
  }
}

/** PREFIX + time as 8 bytes big-endian (negative times count as 0). */
function encodeTime(timeMs: number): Buffer {
  const out = Buffer.allocUnsafe(HEADER_BYTES);
  PREFIX.copy(out, 0);
  writeTime(out, timeMs);
  return out;
}

function encodeEntry(timeMs: number, key: string): Buffer {
  const out = Buffer.allocUnsafe(HEADER_BYTES + Buffer.byteLength(key, 'utf8'));
  PREFIX.copy(out, 0);
  writeTime(out, timeMs);
  out.write(key, HEADER_BYTES, 'utf8');
  return out;
}

function writeTime(out: Buffer, timeMs: number): void {
  const t = timeMs > 0 ? Math.floor(timeMs) : 0;
  out.writeUInt32BE(Math.floor(t / TWO_32), PREFIX.length);
  out.writeUInt32BE(t % TWO_32, PREFIX.length + 4);
}

function decodeTime(entry: Buffer): number {
  return entry.readUInt32BE(PREFIX.length) * TWO_32 + entry.readUInt32BE(PREFIX.length + 4);
}
