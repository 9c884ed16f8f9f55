// Rebuilds a store from its changelog partition before the task processes records. It first
// reads the tail to find the last complete checkpoint marker, then replays every change up to
// that marker into RocksDB in large batches; changes after it belong to an unfinished commit.

import type { Clock } from '../core/clock.js';
import { systemClock } from '../core/clock.js';
import type { RawRecord } from '../core/record.js';
import type { ChangelogReader } from '../core/store.js';
import type { RocksDBBytesStore } from './rocksdb/rocksdb-bytes-store.js';
import type { RocksDBWriteBatch } from './rocksdb/rocksdb-write-batch.js';
import { decodeCheckpoint, isCheckpointMarker, type StoreCheckpoint } from './store-checkpoint.js';

/** Restore progress, reported about once a second and at the end. */
export interface RestoreProgress {
  /** Changelog records replayed so far. */
  readonly restoredRecords: number;
  /** Offsets to replay: an upper bound on records, since compaction leaves gaps. */
  readonly totalRecords: number;
  readonly elapsedMs: number;
  readonly recordsPerSecond: number;
}

/** Where the last complete commit of a changelog range ends. */
export interface ChangelogScan {
  /** Range scanned: `fromOffset <= offset < endOffset`. */
  readonly fromOffset: string;
  readonly endOffset: string;
  /** Offset of the last checkpoint marker in the range; undefined if it holds none. */
  readonly markerOffset: string | undefined;
  readonly checkpoint: StoreCheckpoint | undefined;
  /**
   * Distinct keys written after the last marker (all keys if there is none): an unfinished commit.
   * The store re-sends their committed values before its next marker, so no later marker ever
   * seals them and compaction cannot leave them shadowing committed values.
   */
  readonly orphanKeys: readonly Buffer[];
  /** Records up to the marker, kept when the first tail read covered the whole range. */
  readonly retained: readonly RawRecord[] | undefined;
}

export interface ChangelogRestorerOptions {
  /** Records read from the end when looking for the last marker; grows ×8 per miss. Default 20 000. */
  readonly probeRecords?: number;
  /** Changes per RocksDB write batch. Default 10 000. */
  readonly writeBatchRecords?: number;
  readonly onProgress?: (progress: RestoreProgress) => void;
  /** Called every few seconds during a long replay (keeps consumer-group membership alive). */
  readonly heartbeat?: () => Promise<void>;
  /** A marker record that does not parse; the scan then relies on an earlier marker. */
  readonly onBadMarker?: (offset: string, error: unknown) => void;
  readonly clock?: Clock;
}

const PROGRESS_INTERVAL_MS = 1000;
const HEARTBEAT_INTERVAL_MS = 3000;

export class ChangelogRestorer {
  private readonly probeRecords: bigint;
  private readonly writeBatchRecords: number;
  private readonly clock: Clock;

  constructor(
    private readonly reader: ChangelogReader,
    readonly topic: string,
    readonly partition: number,
    private readonly options: ChangelogRestorerOptions = {},
  ) {
    this.probeRecords = BigInt(options.probeRecords ?? 20_000);
    this.writeBatchRecords = options.writeBatchRecords ?? 10_000;
    this.clock = options.clock ?? systemClock;
  }

  /** The partition's end offset now. */
  endOffset(): Promise<string> {
    return this.reader.endOffset(this.topic, this.partition);
  }

  /**
   * Finds the last marker in `[fromOffset, endOffset)` that `accept`s (default: any) by reading
   * windows backwards from the end (a tail normally holds one commit), so the replay needs no
   * buffering of unsealed changes. Everything after that marker counts as unsealed.
   */
  async scan(
    fromOffset: string,
    endOffset: string,
    accept: (checkpoint: StoreCheckpoint) => boolean = () => true,
  ): Promise<ChangelogScan> {
    const from = BigInt(fromOffset);
    const end = BigInt(endOffset);
    const empty = { fromOffset, endOffset, markerOffset: undefined, checkpoint: undefined };
    if (from >= end) return { ...empty, orphanKeys: [], retained: undefined };
    const laterKeys: Buffer[][] = [];
    let windowEnd = end;
    let size = this.probeRecords;
    for (let first = true; ; first = false) {
      const windowStart = windowEnd - size > from ? windowEnd - size : from;
      const keep = first && windowStart === from;
      const retained: RawRecord[] = [];
      let marker:
        { offset: string; checkpoint: StoreCheckpoint; retainedCount: number } | undefined;
      let keysAfterMarker: Buffer[] = [];
      for await (const batch of this.read(windowStart, windowEnd)) {
        for (const record of batch) {
          if (isCheckpointMarker(record.key)) {
            const checkpoint = this.parseMarker(record);
            if (checkpoint && accept(checkpoint)) {
              marker = { offset: record.offset, checkpoint, retainedCount: retained.length };
              keysAfterMarker = [];
            }
            continue;
          }
          if (record.key === null) continue;
          keysAfterMarker.push(record.key);
          if (keep) retained.push(record);
        }
      }
      if (marker !== undefined || windowStart === from) {
        return {
          fromOffset,
          endOffset,
          markerOffset: marker?.offset,
          checkpoint: marker?.checkpoint,
          orphanKeys: distinct([keysAfterMarker, ...laterKeys]),
          retained: keep && marker ? retained.slice(0, marker.retainedCount) : undefined,
        };
      }
      laterKeys.unshift(keysAfterMarker);
      windowEnd = windowStart;
      size *= 8n;
    }
  }

  /**
   * Replays every change of `scan` up to its marker into `store`, in batches, one write in flight
   * while the next batch is read. `finish` adds the final meta entries to the last batch, so the
   * replayed state and its checkpoint become visible in one atomic write. Returns records applied.
   */
  async apply(
    store: RocksDBBytesStore,
    scan: ChangelogScan,
    finish: (lastBatch: RocksDBWriteBatch) => void,
  ): Promise<number> {
    const startMs = this.clock.nowMs();
    const total =
      scan.markerOffset === undefined
        ? 0
        : Number(BigInt(scan.markerOffset) + 1n - BigInt(scan.fromOffset));
    let applied = 0;
    let batch = store.batch();
    let inFlight: Promise<void> | undefined;
    let lastProgressMs = startMs;
    let lastHeartbeatMs = startMs;
    const report = (): void =>
      this.options.onProgress?.({
        restoredRecords: applied,
        totalRecords: total,
        elapsedMs: this.clock.nowMs() - startMs,
        recordsPerSecond: (applied * 1000) / Math.max(1, this.clock.nowMs() - startMs),
      });
    const source: AsyncIterable<readonly RawRecord[]> | Iterable<readonly RawRecord[]> =
      scan.markerOffset === undefined
        ? []
        : scan.retained !== undefined
          ? [scan.retained]
          : this.read(BigInt(scan.fromOffset), BigInt(scan.markerOffset) + 1n);
    for await (const records of source) {
      for (const record of records) {
        if (record.key === null || isCheckpointMarker(record.key)) continue;
        if (record.value === null) batch.delete(record.key);
        else batch.put(record.key, record.value);
        applied++;
      }
      if (batch.size < this.writeBatchRecords) continue;
      // Writes stay in order: the next one starts only after the previous has landed.
      if (inFlight) await inFlight;
      inFlight = batch.commit();
      inFlight.catch(() => undefined);
      batch = store.batch();
      const nowMs = this.clock.nowMs();
      if (nowMs - lastProgressMs >= PROGRESS_INTERVAL_MS) {
        lastProgressMs = nowMs;
        report();
      }
      if (this.options.heartbeat && nowMs - lastHeartbeatMs >= HEARTBEAT_INTERVAL_MS) {
        lastHeartbeatMs = nowMs;
        await this.options.heartbeat();
      }
    }
    if (inFlight) await inFlight;
    finish(batch);
    await batch.commit();
    report();
    return applied;
  }

  private read(from: bigint, to: bigint): AsyncIterable<readonly RawRecord[]> {
    return this.reader.readPartition(this.topic, this.partition, {
      fromOffset: from.toString(),
      toOffset: to.toString(),
    });
  }

  private parseMarker(record: RawRecord): StoreCheckpoint | undefined {
    if (record.value === null) return undefined;
    try {
      const { seq, stateId, inputOffsets } = decodeCheckpoint(record.value);
      return { seq, stateId, inputOffsets };
    } catch (err) {
      this.options.onBadMarker?.(record.offset, err);
      return undefined;
    }
  }
}

/** Keys in first-seen order without repeats. */
function distinct(lists: readonly Buffer[][]): Buffer[] {
  const seen = new Set<string>();
  const out: Buffer[] = [];
  for (const list of lists) {
    for (const key of list) {
      const id = key.toString('latin1');
      if (seen.has(id)) continue;
      seen.add(id);
      out.push(key);
    }
  }
  return out;
}
