// A Kafka stand-in for state tests: a RecordSink whose flush appends queued records to
// per-partition logs with offsets, and a ChangelogReader over those logs. It can compact a log
// (latest record per key, offsets kept) and lose or half-deliver what was not flushed (a crash).

import type { RawRecord } from '../../src/core/record.js';
import type { OutputRecord, RecordSink } from '../../src/core/sink.js';
import type { ChangelogReader } from '../../src/core/store.js';

interface LogRecord {
  readonly offset: bigint;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
}

export class InMemoryChangelog implements RecordSink, ChangelogReader {
  private readonly logs = new Map<string, { records: LogRecord[]; next: bigint }>();
  private queued: OutputRecord[] = [];
  /** Records per batch returned by readPartition. */
  batchSize = 500;
  flushes = 0;

  send(record: OutputRecord): void {
    this.queued.push(record);
  }

  drain(): void {}

  async flush(): Promise<void> {
    this.deliver(this.queued.length);
    this.flushes++;
  }

  async close(): Promise<void> {}

  /** A crash while flushing: only the first `count` queued records reach the log. */
  deliverPartially(count: number): void {
    this.deliver(count);
    this.queued = [];
  }

  /** A crash before flushing: queued records are lost. */
  dropQueued(): void {
    this.queued = [];
  }

  get queuedCount(): number {
    return this.queued.length;
  }

  /** Appends a record directly (tests build logs by hand). */
  append(
    topic: string,
    partition: number,
    key: Buffer | string | null,
    value: Buffer | string | null,
  ): bigint {
    const log = this.log(topic, partition);
    const offset = log.next++;
    log.records.push({ offset, key: toBuffer(key), value: toBuffer(value) });
    return offset;
  }

  /** Log compaction: keep only the latest record per key (offsets unchanged); optionally drop tombstones. */
  compact(topic: string, partition: number, options: { dropTombstones?: boolean } = {}): void {
    const log = this.log(topic, partition);
    const latest = new Map<string, bigint>();
    for (const r of log.records) if (r.key) latest.set(r.key.toString('latin1'), r.offset);
    log.records = log.records.filter((r) => {
      if (!r.key) return true;
      if (latest.get(r.key.toString('latin1')) !== r.offset) return false;
      return !(options.dropTombstones && r.value === null);
    });
  }

  records(topic: string, partition: number): readonly LogRecord[] {
    return this.log(topic, partition).records;
  }

  async endOffset(topic: string, partition: number): Promise<string> {
    return this.log(topic, partition).next.toString();
  }

  async *readPartition(
    topic: string,
    partition: number,
    range: { fromOffset: string; toOffset: string },
  ): AsyncIterable<readonly RawRecord[]> {
    const from = BigInt(range.fromOffset);
    const to = BigInt(range.toOffset);
    const selected = this.log(topic, partition).records.filter(
      (r) => r.offset >= from && r.offset < to,
    );
    for (let i = 0; i < selected.length; i += this.batchSize) {
      yield selected.slice(i, i + this.batchSize).map((r) => ({
        topic,
        partition,
        offset: r.offset.toString(),
        timestampMs: 0,
        key: r.key,
        value: r.value,
        headers: {},
      }));
    }
  }

  private deliver(count: number): void {
    for (const record of this.queued.slice(0, count)) {
      this.append(record.topic, record.partition ?? 0, record.key, record.value);
    }
    this.queued = this.queued.slice(count);
  }

  private log(topic: string, partition: number): { records: LogRecord[]; next: bigint } {
    const id = `${topic}:${partition}`;
    let log = this.logs.get(id);
    if (!log) {
      log = { records: [], next: 0n };
      this.logs.set(id, log);
    }
    return log;
  }
}

function toBuffer(v: Buffer | string | null): Buffer | null {
  return v === null ? null : Buffer.isBuffer(v) ? v : Buffer.from(v, 'utf8');
}
