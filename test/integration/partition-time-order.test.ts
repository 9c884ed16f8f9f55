// Event-time order across partitions on the real broker: four input partitions cover the same
// two hours of event time, each more than one fetch (1 MiB) long; a key-by sends every record
// through a repartition topic into a window with a 3-minute grace. The runner interleaves the
// partitions by timestamp, so the repartitioned stream stays within the grace: no record is late.
// (Processed a whole fetch per partition at a time, the repartition topic would jump back by
// about 80 minutes at each partition switch.)
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startService } from '../../src/cli/sluice-service.js';
import { loadConfig } from '../../src/config/sluice-config.js';
import type { JobSpec } from '../../src/jobs/job-spec.js';
import { buildTopology } from '../../src/jobs/topology-builder.js';
import { silentLogger } from '../../src/runtime/logger.js';
import { KafkaTopicSink } from '../../src/sinks/kafka/kafka-topic-sink.js';
import { KafkaAdmin } from '../../src/sources/kafka/kafka-admin.js';
import { testBrokers, uniqueTestName } from './kafka-test-env.js';
import { deleteTopicsWithPrefix } from './support/proof-env.js';

const PARTITIONS = 4;
/** Per partition: one record per event-time second; ~210 B each, so ~1.5 MB per partition. */
const PER_PARTITION = 7_200;
const T0 = Date.UTC(2026, 0, 1);

describe('event-time order across input partitions', () => {
  const brokers = testBrokers();
  const prefix = `${uniqueTestName('time-order')}-`;
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  });

  it('a repartitioned window sees no late records when partitions cover the same time', async () => {
    const input = `${prefix}in`;
    const admin = await KafkaAdmin.connect(brokers);
    await admin.ensureTopics([{ name: input, partitions: PARTITIONS }]);
    await admin.close();
    cleanups.push(() => deleteTopicsWithPrefix(brokers, prefix));
    const sink = await KafkaTopicSink.connect({ brokers, clientId: uniqueTestName('producer') });
    const pad = 'x'.repeat(150);
    // Partition by partition: each partition's log runs through the whole two hours.
    for (let p = 0; p < PARTITIONS; p++) {
      for (let i = 0; i < PER_PARTITION; i++) {
        const ts = T0 + i * 1000;
        const user = `u${(i * PARTITIONS + p) % 40}`;
        const value = JSON.stringify({ user, ts, pad });
        sink.send({ topic: input, partition: p, key: `e${p}-${i}`, value, timestampMs: ts });
      }
    }
    await sink.close();

    const spec: JobSpec = {
      name: `${prefix}job`,
      source: { topics: [input], timestampField: 'ts', startFrom: 'earliest' },
      nodes: [
        { kind: 'key-by', name: 'by-user', key: 'user' },
        {
          kind: 'window',
          name: 'per-minute',
          window: { type: 'tumbling', size: '1m', grace: '3m' },
          aggregations: { n: { fn: 'count' } },
          emit: 'final',
          store: { name: 'per-user-minute' },
        },
        { kind: 'to-topic', name: 'out', topic: `${prefix}out` },
      ],
    };
    const stateDir = await mkdtemp(join(tmpdir(), 'sluice-it-'));
    cleanups.push(async () => rm(stateDir, { recursive: true, force: true }));
    const config = { ...loadConfig({}), brokers, stateDir, apiPort: 0, commitIntervalMs: 500 };
    const service = await startService({
      topologies: [buildTopology(spec)],
      brokers,
      config,
      logger: silentLogger,
    });
    cleanups.push(() => service.stop());

    // Both sub-topologies count their input: done when each saw every record.
    const total = PARTITIONS * PER_PARTITION;
    let seen = 0;
    for (const deadlineMs = Date.now() + 90_000; Date.now() < deadlineMs;) {
      seen = service.engine.metrics.sum('recordsIn', { job: spec.name });
      if (seen >= 2 * total) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const late = service.engine.metrics.sum('lateRecords', { job: spec.name });
    const deadLetters = service.engine.metrics.sum('deadLetters', { job: spec.name });
    console.log(
      `records in (both sub-topologies) ${seen} of ${2 * total}; late ${late}; dead letters ${deadLetters}`,
    );
    expect(seen).toBe(2 * total);
    expect(late).toBe(0);
    expect(deadLetters).toBe(0);
  });
});
