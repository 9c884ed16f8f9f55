import { describe, expect, it } from 'vitest';
import {
  BENCH_STORE,
  benchJobInternalTopics,
  benchJobSpec,
} from '../../../src/cli/bench/bench-job.js';
import { BenchWorkload } from '../../../src/cli/bench/bench-workload.js';
import { buildTopology } from '../../../src/jobs/topology-builder.js';
import { TestDriver } from '../../../src/runtime/test-driver.js';

const MINUTE_MS = 60_000;
const T0 = Date.UTC(2026, 0, 1);

function driverFor(emit: 'final' | 'update'): TestDriver {
  const spec = benchJobSpec({ job: 'bench-t', inputTopic: 'in', outputTopic: 'out', emit });
  return new TestDriver(buildTopology(spec));
}

const event = (key: string, amount: number, ts: number) => ({
  key,
  value: { key, amount, ts, seq: 0, pad: 'xx' },
  timestampMs: 0, // event time comes from `ts`, not the message timestamp
});

describe('the benchmark job', () => {
  it('emits one count + sum per key and minute when the window closes (emit final)', async () => {
    const driver = driverFor('final');
    await driver.pipe('in', [
      event('a', 1.5, T0 + 1_000),
      event('b', 10, T0 + 2_000),
      event('a', 2.25, T0 + 59_999),
    ]);
    expect(driver.outputs('out')).toEqual([]);
    await driver.pipe('in', [event('a', 4, T0 + MINUTE_MS)]); // stream time reaches the end
    expect(driver.outputs('out').map((o) => o.value)).toEqual([
      { key: 'a', startMs: T0, endMs: T0 + MINUTE_MS, count: 2, sum: 3.75 },
      { key: 'b', startMs: T0, endMs: T0 + MINUTE_MS, count: 1, sum: 10 },
    ]);
    expect(driver.outputs('out')[0]?.key).toBe(`a|${T0}`);
    expect(driver.deadLetters()).toEqual([]);
  });

  it('emits on every record with emit update, and keeps the open window in its store', async () => {
    const driver = driverFor('update');
    await driver.pipe('in', [event('a', 1, T0), event('a', 2, T0 + 10)]);
    expect(driver.outputs('out').map((o) => (o.value as { count: number }).count)).toEqual([1, 2]);
    expect(driver.store(BENCH_STORE)?.get('a')).toBeDefined();
  });

  it('aggregates the workload as the Kafka Streams app does (count and sum per key)', async () => {
    const driver = driverFor('final');
    const workload = new BenchWorkload(10, 1);
    const inputs = Array.from({ length: 130_000 }, (_, i) => {
      const e = workload.event(i);
      return { key: e.key, value: e.value, timestampMs: e.timestampMs };
    });
    // In batches, as a consumer fetches them (one pipe of 130k overflows the driver's push).
    for (let i = 0; i < inputs.length; i += 5_000)
      await driver.pipe('in', inputs.slice(i, i + 5_000));
    const first = driver
      .outputs('out')
      .map((o) => o.value as { key: string; startMs: number; count: number; sum: number })
      .filter((v) => v.key === 'key-00003' && v.startMs === T0);
    // Events 3, 13, 23, … 59_993 fall in the first minute: 6000 of them.
    let sum = 0;
    for (let i = 3; i < MINUTE_MS; i += 10) sum += BenchWorkload.amount(i);
    expect(first).toHaveLength(1);
    expect(first[0]?.count).toBe(6000);
    expect(first[0]?.sum).toBeCloseTo(sum, 6);
  });

  it('names the topics the job creates, for the cleanup', () => {
    const spec = benchJobSpec({
      job: 'bench-t',
      inputTopic: 'in',
      outputTopic: 'out',
      emit: 'final',
    });
    expect(benchJobInternalTopics(spec)).toEqual([
      'bench-t-dlq',
      `bench-t-${BENCH_STORE}-changelog`,
    ]);
    expect(buildTopology(spec).subtopologies).toHaveLength(1);
  });
});
