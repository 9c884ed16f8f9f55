// Bench step: throughput of the shipped fraud-signals job (key-by account, fraud-score with its
// rules) on the same broker and partition count as the windowed job, over generated payments.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { parseJobText } from '../../jobs/job-loader.js';
import { KafkaAdmin } from '../../sources/kafka/kafka-admin.js';
import { DemoDataGenerator } from '../generate/demo-data-generator.js';
import { prefixedJobSpec } from '../evaluate/shipped-job.js';
import type { BenchStep } from './bench-step.js';
import { measureSluiceThroughput } from './sluice-job-run.js';

const PAYMENTS = 200_000;
const PARTITIONS = 4;

export const fraudJobStep: BenchStep = {
  name: 'fraud-signals',
  async run(ctx) {
    const prefix = `sluice-bench-fraud-${ctx.runId}-`;
    const file = 'jobs/fraud-signals.yaml';
    const parsed = parseJobText(await readFile(file, 'utf8'), file);
    if (!parsed.spec) throw new Error(`${file} is not valid`);
    const spec = prefixedJobSpec(parsed.spec, prefix);
    const topic = `${prefix}transactions`;
    ctx.cleanupLater({ groups: [spec.name] });

    const admin = await KafkaAdmin.connect(ctx.brokers);
    await admin.ensureTopics([{ name: topic, partitions: PARTITIONS }]);
    const kafka = new Kafka({
      clientId: 'sluice-bench-fraud',
      brokers: [...ctx.brokers],
      logLevel: logLevel.NOTHING,
    });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    ctx.progress(`fraud-signals: producing ${PAYMENTS.toLocaleString('en-US')} payments`);
    const generator = new DemoDataGenerator({
      startMs: Date.now(),
      seed: 3,
      streams: ['transactions'],
    });
    let sent = 0;
    while (sent < PAYMENTS) {
      const batch = [...generator.take(2000)]
        .filter((m) => m.topic === 'transactions')
        .slice(0, PAYMENTS - sent);
      await producer.send({
        topic,
        messages: batch.map((m) => ({
          key: m.key,
          value: m.value,
          timestamp: String(m.timestampMs),
        })),
      });
      sent += batch.length;
    }
    await producer.disconnect();

    try {
      const result = await measureSluiceThroughput({
        brokers: ctx.brokers,
        spec,
        topic,
        events: PAYMENTS,
        startOffsets: new Map(
          Array.from({ length: PARTITIONS }, (_, p) => [p, 0] as [number, number]),
        ),
        stateDir: join(ctx.workDir, 'fraud-signals'),
        progress: ctx.progress,
      });
      return {
        figures: { fraud_eps: Math.round(result.eventsPerSec), fraud_cpu_s: result.cpuSeconds },
        rows: [
          {
            label: 'fraud-signals job (payments)',
            eventsPerSec: result.eventsPerSec,
            cpuSeconds: result.cpuSeconds,
            peakRssMb: result.peakRssMb,
            detail: `${PAYMENTS.toLocaleString('en-US')} generated payments, key-by account + fraud-score, ${result.deadLetters} dead letters`,
          },
        ],
      };
    } finally {
      const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
      if (!ctx.options.keep) await admin.deleteTopics(topics);
      await admin.close();
    }
  },
};
