// Issue "foundation" acceptance on the real broker: 10,000 generated events of which ~1% are
// corrupted in assorted ways run through the shipped filter + derive job; every input record
// comes out exactly once, either on the output topic or on the dead-letter topic.
import { readFile } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { prefixedJobSpec } from '../../src/cli/evaluate/shipped-job.js';
import { generateCommand } from '../../src/cli/generate/generate-command.js';
import { startService, type RunningService } from '../../src/cli/sluice-service.js';
import { loadConfig } from '../../src/config/sluice-config.js';
import { parseJobText } from '../../src/jobs/job-loader.js';
import { buildTopology } from '../../src/jobs/topology-builder.js';
import { DLQ_HEADERS } from '../../src/runtime/dead-letter.js';
import { silentLogger } from '../../src/runtime/logger.js';
import { testBrokers, uniqueTestName } from './kafka-test-env.js';
import { readWholeTopic, topicSize } from './support/window-readers.js';
import { deleteTopicsWithPrefix } from './support/proof-env.js';

const INPUT = 10_000;

describe('stateless pipeline on the real broker', () => {
  const brokers = testBrokers();
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  });

  // With the consumer on its own thread (the default) and on the job's thread.
  it.each([{ consumerThread: 'on' as const }, { consumerThread: 'off' as const }])(
    'output + dead letters = input, with complete DLQ headers (consumer thread: $consumerThread)',
    async ({ consumerThread }) => {
      const prefix = `${uniqueTestName('stateless')}-`;
      const quiet = { stdout: () => undefined, stderr: () => undefined };
      const code = await generateCommand(
        [
          '--topics',
          'activity',
          '--count',
          String(INPUT),
          '--rate',
          '0',
          '--corrupt-rate',
          '0.01',
          '--seed',
          '11',
          '--topic-prefix',
          prefix,
          '--brokers',
          brokers.join(','),
          '--quiet',
        ],
        quiet,
      );
      expect(code).toBe(0);

      const text = await readFile('jobs/activity-enrich.yaml', 'utf8');
      const parsed = parseJobText(text, 'jobs/activity-enrich.yaml');
      expect(parsed.problems).toEqual([]);
      const spec = prefixedJobSpec(parsed.spec!, prefix);
      const topology = buildTopology(spec);
      const stateDir = await mkdtemp(join(tmpdir(), 'sluice-it-'));
      const config = {
        ...loadConfig({}),
        brokers,
        stateDir,
        apiPort: 0,
        commitIntervalMs: 200,
        consumerThread,
      };
      const service: RunningService = await startService({
        topologies: [topology],
        brokers,
        config,
        logger: silentLogger,
      });
      cleanups.push(async () => rm(stateDir, { recursive: true, force: true }));
      cleanups.push(() => deleteTopicsWithPrefix(brokers, prefix));
      cleanups.push(() => service.stop());

      const outTopic = `${prefix}activity-enriched`;
      // Wait until output + dead letters hold as many records as went in. The sum of end offsets
      // counts records: both topics are new, neither compacted nor written in transactions.
      let written = 0;
      for (const deadlineMs = Date.now() + 90_000; Date.now() < deadlineMs;) {
        written = 0;
        for (const t of [outTopic, topology.deadLetterTopic])
          written += await topicSize(brokers, t);
        if (written >= INPUT) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      // Let a few more commits pass: duplicates would show up now.
      await new Promise((r) => setTimeout(r, 1500));
      const out = await readWholeTopic(brokers, outTopic);
      const dlq = await readWholeTopic(brokers, topology.deadLetterTopic);
      console.log(`input ${INPUT}, output ${out.length}, dead letters ${dlq.length}`);
      expect(written).toBeGreaterThanOrEqual(INPUT);
      expect(out.length + dlq.length).toBe(INPUT);
      expect(dlq.length).toBeGreaterThan(50);

      // Every dead letter names its reason and origin, and the origins are distinct input records.
      const origins = new Set<string>();
      for (const d of dlq) {
        for (const h of Object.values(DLQ_HEADERS))
          expect(d.headers[h], `header ${h}`).toBeDefined();
        expect(d.headers[DLQ_HEADERS.job]).toBe(spec.name);
        expect(d.headers[DLQ_HEADERS.topic]).toBe(`${prefix}user-activity`);
        origins.add(`${d.headers[DLQ_HEADERS.partition]}:${d.headers[DLQ_HEADERS.offset]}`);
      }
      expect(origins.size).toBe(dlq.length);
      const reasons = new Set(dlq.map((d) => d.headers[DLQ_HEADERS.code]));
      expect([...reasons].sort()).toEqual(
        expect.arrayContaining([
          'DECODE_INVALID_JSON',
          'DECODE_NOT_UTF8',
          'DECODE_NOT_OBJECT',
          'DECODE_FORBIDDEN_KEY',
        ]),
      );

      // The metric agrees with the topic, and the job never failed or restarted its tasks.
      expect(service.engine.metrics.sum('deadLetters', { job: spec.name })).toBe(dlq.length);
      const status = service.engine.status()[0]!;
      expect(status.state).toBe('running');
      expect(status.tasks.map((t) => t.partition).sort()).toEqual([0, 1, 2, 3]);
      // Outputs are enriched JSON objects.
      const sample = JSON.parse(out[0]!.value!.toString('utf8')) as Record<string, unknown>;
      expect(sample).toHaveProperty('is_purchase');
      expect(sample).toHaveProperty('weight');
    },
  );
});
