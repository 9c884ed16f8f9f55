// Issue "recommendations" acceptance on the real broker: a user's new view changes their
// recommendations within 1 s. The shipped job runs with a 60 s commit interval, so a change seen
// sooner comes from the stores' write-back cache the API reads, not from a commit.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { evaluationTraffic } from '../../src/cli/evaluate/evaluation-traffic.js';
import { waitForJobsDrained } from '../../src/cli/evaluate/job-drain.js';
import { sendPaced } from '../../src/cli/evaluate/paced-send.js';
import { RecommendationsClient } from '../../src/cli/evaluate/recommendations-client.js';
import { measureRecsFreshness } from '../../src/cli/evaluate/recs-freshness-probe.js';
import { loadShippedJob } from '../../src/cli/evaluate/shipped-job.js';
import { DemoProducer } from '../../src/cli/generate/demo-producer.js';
import { findFreePort } from '../../src/cli/local-kafka/port-probe.js';
import { startService } from '../../src/cli/sluice-service.js';
import { loadConfig } from '../../src/config/sluice-config.js';
import { buildTopology } from '../../src/jobs/topology-builder.js';
import { silentLogger } from '../../src/runtime/logger.js';
import { popularItems } from '../../src/scoring/recommendations/recs-evaluation.js';
import { KafkaAdmin } from '../../src/sources/kafka/kafka-admin.js';
import { testBrokers, uniqueTestName } from './kafka-test-env.js';
import { deleteTopicsWithPrefix } from './support/proof-env.js';

const TRIALS = 25;
const COMMIT_INTERVAL_MS = 60_000;

describe('recommendations freshness on the real broker', () => {
  const brokers = testBrokers();
  const prefix = `${uniqueTestName('fresh')}-`;
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  });

  it("a user's new view changes their recommendations within 1 s (p50)", async () => {
    const traffic = evaluationTraffic({
      seed: 21,
      events: 60_000,
      holdoutShare: 0.01,
      fraudRate: 0.01,
      fraudWarmupShare: 0,
      startMs: Date.now(),
      topicPrefix: prefix,
    });
    const producer = new DemoProducer({ brokers, acks: -1 });
    cleanups.push(() => producer.close());
    await producer.ensureTopics([traffic.topics.activity], 4);

    const spec = (await loadShippedJob('jobs/recommendations.yaml', prefix))!;
    const topology = buildTopology(spec);
    const stateDir = await mkdtemp(join(tmpdir(), 'sluice-fresh-'));
    const apiPort = await findFreePort('127.0.0.1');
    const config = {
      ...loadConfig({}),
      brokers,
      stateDir,
      apiHost: '127.0.0.1',
      apiPort,
      commitIntervalMs: COMMIT_INTERVAL_MS,
    };
    const service = await startService({
      topologies: [topology],
      brokers,
      config,
      logger: silentLogger,
      dashboardsDir: join(stateDir, 'none'),
    });
    cleanups.push(async () => rm(stateDir, { recursive: true, force: true }));
    cleanups.push(() => deleteTopicsWithPrefix(brokers, prefix));
    cleanups.push(() => service.stop());
    const admin = await KafkaAdmin.connect(brokers);
    cleanups.push(() => admin.close());

    await sendPaced(producer, traffic.trainingMessages, {
      ratePerSec: 0,
      maxBatch: 500,
      maxInFlight: 4,
    });
    await waitForJobsDrained(service, admin, [topology]);

    const category = new Map(traffic.training.map((e) => [e.itemId, e.category]));
    const counts = new Map<string, number>();
    for (const e of traffic.training) counts.set(e.userId, (counts.get(e.userId) ?? 0) + 1);
    const users = [...counts].sort((a, b) => b[1] - a[1]).map(([u]) => u);
    const lastTsMs = traffic.training.reduce((m, e) => Math.max(m, e.tsMs), 0);
    const client = new RecommendationsClient(`http://${service.apiAddress}`);
    const commits = (): number =>
      service.engine.metrics.histogram('commitDuration', { job: spec.name }).count;
    const commitsBefore = commits();
    const result = await measureRecsFreshness({
      client,
      send: (key, value, timestampMs) =>
        producer.send([
          { topic: traffic.topics.activity, key, value, timestampMs, stream: 'activity' },
        ]),
      userIds: users.slice(0, TRIALS * 3),
      items: popularItems(traffic.training, 50).map((itemId) => ({
        itemId,
        category: category.get(itemId) ?? '',
      })),
      trials: TRIALS,
      eventTimeMs: lastTsMs + 1_000,
      timeoutMs: 5_000,
    });

    const commitsDuring = commits() - commitsBefore;
    const sorted = [...result.samplesMs].sort((a, b) => a - b);
    const p50 = sorted[Math.ceil(sorted.length / 2) - 1]!;
    const max = sorted[sorted.length - 1]!;
    console.log(
      `freshness over ${sorted.length} trials (commit interval ${COMMIT_INTERVAL_MS} ms): ` +
        `p50 ${p50.toFixed(1)} ms, max ${max.toFixed(1)} ms, unchanged ${result.unchanged}, ` +
        `skipped users ${result.skipped}, commits during the trials ${commitsDuring}`,
    );
    expect(result.unchanged).toBe(0);
    expect(sorted.length).toBeGreaterThanOrEqual(20);
    expect(p50).toBeLessThan(1000);
    // Nothing was committed during the trials: the changes came from the write-back cache.
    expect(commitsDuring).toBe(0);
  });
});
