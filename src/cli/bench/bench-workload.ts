// The benchmark's input events: ~200-byte JSON values over 10k keys, each keyed by its key and
// sent to the partition Kafka's default partitioner picks, with `ts` rising per partition.
// `sluice bench` preloads these and the live latency phase produces more of the same shape.

import { partitionForKey } from '../../runtime/key-partitioner.js';

/** Event time of event 0 in the preloaded topic: 2026-01-01T00:00:00Z. */
export const BENCH_BASE_TS_MS = Date.UTC(2026, 0, 1);
/** Distinct keys of the workload. */
export const BENCH_KEYS = 10_000;
/** Partitions of the topics the benchmark creates. */
export const BENCH_PARTITIONS = 4;
/** Target size of one event's value, in bytes (JSON text, ASCII). */
export const BENCH_VALUE_BYTES = 200;

export interface BenchEvent {
  readonly key: string;
  readonly value: string;
  readonly partition: number;
  /** Event time (the value's `ts`), epoch ms. */
  readonly timestampMs: number;
}

/**
 * Builds event `i` of the workload: key `key-<i mod keys>` (zero-padded to 5 digits), value
 * `{"key","amount","ts","seq","pad"}` padded to `BENCH_VALUE_BYTES`, `amount` a deterministic
 * number in [0.01, 1000.00]. Event time is `baseTsMs + i` unless `timestampMs` is given, so a
 * preloaded topic is in event-time order within each partition (and globally).
 */
export class BenchWorkload {
  private readonly partitionOfKey: Int32Array;
  private readonly keyNames: string[];
  private readonly pad: string;

  constructor(
    readonly keys: number = BENCH_KEYS,
    readonly partitions: number = BENCH_PARTITIONS,
    readonly baseTsMs: number = BENCH_BASE_TS_MS,
  ) {
    if (!Number.isInteger(keys) || keys < 1) throw new RangeError('keys must be an integer >= 1');
    if (!Number.isInteger(partitions) || partitions < 1)
      throw new RangeError('partitions must be an integer >= 1');
    this.keyNames = new Array<string>(keys);
    this.partitionOfKey = new Int32Array(keys);
    for (let k = 0; k < keys; k++) {
      const name = BenchWorkload.keyName(k);
      this.keyNames[k] = name;
      this.partitionOfKey[k] = partitionForKey(name, partitions);
    }
    // Sized so that a typical value (10-digit seq, 6-character amount) is BENCH_VALUE_BYTES.
    const typical = JSON.stringify({
      key: BenchWorkload.keyName(0),
      amount: 123.45,
      ts: baseTsMs,
      seq: 1_000_000_000,
      pad: '',
    }).length;
    this.pad = 'x'.repeat(Math.max(0, BENCH_VALUE_BYTES - typical));
  }

  /** `key-00042` for k = 42. */
  static keyName(k: number): string {
    return `key-${String(k).padStart(5, '0')}`;
  }

  /** Deterministic amount of event i: two decimals in [0.01, 1000.00]. */
  static amount(i: number): number {
    return (((i * 7919) % 100_000) + 1) / 100;
  }

  /** Event `i` (0-based). `timestampMs` overrides the event time (live traffic uses wall time). */
  event(i: number, timestampMs: number = this.baseTsMs + i): BenchEvent {
    const k = i % this.keys;
    const key = this.keyNames[k] as string;
    // Template, not JSON.stringify: the preloader builds millions of these.
    const value = `{"key":"${key}","amount":${BenchWorkload.amount(i)},"ts":${timestampMs},"seq":${i},"pad":"${this.pad}"}`;
    return { key, value, partition: this.partitionOfKey[k] as number, timestampMs };
  }

  /** Partition of any key under Kafka's default partitioner for this workload's partition count. */
  partitionOf(key: string): number {
    return partitionForKey(key, this.partitions);
  }
}
