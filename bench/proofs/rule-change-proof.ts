// Proof on the real broker that fraud rules change at runtime without a restart: runs the shipped
// fraud-signals job (prefixed topics, a temporary copy of its rules file), produces payments at a
// steady rate, then appends a rule to the rules file and measures how long until alerts carry the
// new rule's reason. Usage: npx tsx bench/proofs/rule-change-proof.ts --brokers 127.0.0.1:9092
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { DemoDataGenerator } from '../../src/cli/generate/demo-data-generator.js';
import { prefixedJobSpec } from '../../src/cli/evaluate/shipped-job.js';
import { startService } from '../../src/cli/sluice-service.js';
import { loadConfig } from '../../src/config/sluice-config.js';
import { parseJobText } from '../../src/jobs/job-loader.js';
import type { JobSpec } from '../../src/jobs/job-spec.js';
import { buildTopology } from '../../src/jobs/topology-builder.js';
import { silentLogger } from '../../src/runtime/logger.js';
import { KafkaAdmin } from '../../src/sources/kafka/kafka-admin.js';

const { values } = parseArgs({
  options: { brokers: { type: 'string', default: '127.0.0.1:9092' } },
});
const brokers = values.brokers.split(',');
const prefix = `rule-proof-${Date.now().toString(36)}-`;
const dir = await mkdtemp(join(tmpdir(), 'sluice-rule-proof-'));
const rulesFile = join(dir, 'fraud-rules.yaml');
await copyFile('jobs/rules/fraud-rules.yaml', rulesFile);

const parsed = parseJobText(
  await readFile('jobs/fraud-signals.yaml', 'utf8'),
  'jobs/fraud-signals.yaml',
);
// The shipped job with every topic prefixed and the rules file pointing at the copy.
const shipped = prefixedJobSpec(parsed.spec!, prefix);
const spec: JobSpec = {
  ...shipped,
  nodes: shipped.nodes.map((n) => (n.kind === 'fraud-score' ? { ...n, rulesFile } : n)),
};
const topology = buildTopology(spec);

const port = 18000 + Math.floor(Math.random() * 1000);
const config = {
  ...loadConfig({}),
  brokers,
  stateDir: join(dir, 'state'),
  apiPort: port,
  commitIntervalMs: 200,
};
const kafka = new Kafka({ clientId: 'rule-proof', brokers, logLevel: logLevel.NOTHING });
const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
await producer.connect();
const generator = new DemoDataGenerator({
  startMs: Date.now(),
  seed: 5,
  streams: ['transactions'],
});
// Create the input topic before the job subscribes.
const admin = await KafkaAdmin.connect(brokers);
await admin.ensureTopics([{ name: `${prefix}transactions`, partitions: 4 }]);
const service = await startService({
  topologies: [topology],
  brokers,
  config,
  logger: silentLogger,
});

let running = true;
const produced = (async () => {
  while (running) {
    const batch = [...generator.take(100)].filter((m) => m.topic === 'transactions');
    await producer.send({
      topic: `${prefix}transactions`,
      messages: batch.map((m) => ({ key: m.key, value: m.value, timestamp: String(Date.now()) })),
    });
    await new Promise((r) => setTimeout(r, 100));
  }
})();

async function alertsWith(reason: string): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/fraud/alerts?limit=1000`);
  const body = (await res.json()) as { alerts: Array<{ reasons: string[] }> };
  return body.alerts.filter((a) => a.reasons.includes(reason)).length;
}

await new Promise((r) => setTimeout(r, 8000));
const reason = 'proof rule: every payment';
console.log(`before the change: ${await alertsWith(reason)} alerts with "${reason}"`);
const rules = await readFile(rulesFile, 'utf8');
await writeFile(
  rulesFile,
  `${rules}\n  - name: proof-every-payment\n    when: amount > 0\n    weight: 1\n    reason: "${reason}"\n`,
);
const changedAt = performance.now();
let seenAfterMs: number | undefined;
while (performance.now() - changedAt < 20_000) {
  if ((await alertsWith(reason)) > 0) {
    seenAfterMs = performance.now() - changedAt;
    break;
  }
  await new Promise((r) => setTimeout(r, 50));
}
console.log(
  seenAfterMs === undefined
    ? 'FAIL: no alert with the new rule within 20 s'
    : `rule file changed → first alert with the new rule after ${Math.round(seenAfterMs)} ms (no restart; job state ${service.engine.status()[0]?.state})`,
);
running = false;
await produced;
await producer.disconnect();
await service.stop();
await admin.deleteTopics((await admin.listTopics()).filter((t) => t.startsWith(prefix)));
await admin.close();
await rm(dir, { recursive: true, force: true });
process.exit(seenAfterMs === undefined ? 1 : 0);
