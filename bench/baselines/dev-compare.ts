// Tries the Java baselines by hand on the local broker, without Sluice: preload a topic, run
// kafka-consumer-perf-test and the Kafka Streams app on it, print the figures, clean up.
// npx tsx bench/baselines/dev-compare.ts [--records=500000] [--port=9092] [--keep-broker]
//   [--commit-intervals=default,1000] [--repeat=1] [--topic=...] [--skip-preload]
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { ensureLocalKafka, stopLocalKafka } from '../../src/cli/local-kafka/index.js';
import { runConsumerPerfBaseline } from '../../src/cli/bench/consumer-perf-baseline.js';
import { devPreload } from './dev-preload.js';
import { runKafkaStreamsBaseline } from '../../src/cli/bench/kafka-streams-baseline.js';

async function devCompare(argv: string[]): Promise<void> {
  const flags = new Map(
    argv.map((a) => {
      const [name, value] = a.replace(/^--/, '').split('=', 2);
      return [name ?? '', value ?? 'true'];
    }),
  );
  const port = Number(flags.get('port') ?? 9092);
  const records = Number(flags.get('records') ?? 500_000);
  const repeat = Number(flags.get('repeat') ?? 1);
  const topic = flags.get('topic') ?? `sluice-bench-dev-${records}`;
  const commitIntervals = (flags.get('commit-intervals') ?? 'default,1000')
    .split(',')
    .map((s) => (s === 'default' ? undefined : Number(s)));

  const kafka = await ensureLocalKafka({ port });
  const stateDir = join(tmpdir(), `sluice-bench-ks-${process.pid}`);
  try {
    if (flags.get('skip-preload') !== 'true') {
      const loaded = await devPreload({ brokers: kafka.brokers, topic, records });
      log({ step: 'preload', records, ...loaded, avgBytes: Math.round(loaded.bytes / records) });
    }
    for (let run = 1; run <= repeat; run++) {
      const perf = await runConsumerPerfBaseline({ brokers: kafka.brokers, topic, records });
      log({ step: 'consumer-perf', run, ...perf });
      for (const commitIntervalMs of commitIntervals) {
        const ks = await runKafkaStreamsBaseline({
          brokers: kafka.brokers,
          topic,
          expectedRecords: records,
          applicationId: `sluice-bench-ks-${Date.now()}`,
          stateDir,
          ...(commitIntervalMs === undefined ? {} : { commitIntervalMs }),
        });
        log({ step: 'kafka-streams', run, ...ks });
      }
    }
  } finally {
    await rm(stateDir, { recursive: true, force: true });
    if (flags.get('keep-topic') !== 'true') await deleteTopic(kafka.brokers, topic);
    if (kafka.startedByUs && flags.get('keep-broker') !== 'true') await stopLocalKafka({ port });
  }
}

async function deleteTopic(brokers: string[], topic: string): Promise<void> {
  const admin = new Kafka({
    clientId: 'sluice-bench-dev',
    brokers,
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics: [topic] });
  } finally {
    await admin.disconnect();
  }
}

function log(fields: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(fields)}\n`);
}

await devCompare(process.argv.slice(2));
