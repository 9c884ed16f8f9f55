import { describe, expect, it } from 'vitest';
import {
  BENCH_BASE_TS_MS,
  BENCH_VALUE_BYTES,
  BenchWorkload,
} from '../../../src/cli/bench/bench-workload.js';
import { partitionForKey } from '../../../src/runtime/key-partitioner.js';

describe('BenchWorkload', () => {
  const workload = new BenchWorkload();

  it('keys events over 10k keys and sends each to its default-partitioner partition', () => {
    const e = workload.event(10_042);
    expect(e.key).toBe('key-00042');
    expect(e.partition).toBe(partitionForKey('key-00042', 4));
    expect(workload.event(42).key).toBe(e.key);
    expect(new Set(Array.from({ length: 20_000 }, (_, i) => workload.event(i).key)).size).toBe(
      10_000,
    );
  });

  it('writes ~200-byte JSON with key, amount and ts rising by 1 ms per event', () => {
    const a = workload.event(0);
    const b = workload.event(1_234_567);
    const value = JSON.parse(b.value) as Record<string, unknown>;
    expect(value).toMatchObject({ key: b.key, ts: BENCH_BASE_TS_MS + 1_234_567, seq: 1_234_567 });
    expect(value.amount).toBe(BenchWorkload.amount(1_234_567));
    expect(b.timestampMs).toBe(BENCH_BASE_TS_MS + 1_234_567);
    for (const e of [a, b, workload.event(1_999_999)]) {
      expect(Math.abs(e.value.length - BENCH_VALUE_BYTES)).toBeLessThanOrEqual(12);
    }
  });

  it('keeps amounts in [0.01, 1000] with two decimals', () => {
    for (let i = 0; i < 5_000; i++) {
      const amount = BenchWorkload.amount(i * 37);
      expect(amount).toBeGreaterThanOrEqual(0.01);
      expect(amount).toBeLessThanOrEqual(1000);
      expect(Math.round(amount * 100) / 100).toBe(amount);
    }
  });

  it('takes an explicit event time for live traffic', () => {
    const e = workload.event(5, 1_800_000_000_000);
    expect(e.timestampMs).toBe(1_800_000_000_000);
    expect((JSON.parse(e.value) as { ts: number }).ts).toBe(1_800_000_000_000);
  });

  it('rejects a workload without keys or partitions', () => {
    expect(() => new BenchWorkload(0)).toThrow(RangeError);
    expect(() => new BenchWorkload(10, 0)).toThrow(RangeError);
  });
});
