// Throwaway preloader for trying the baselines by hand (the benchmark's own preloader is
// elsewhere): writes N ~200-byte JSON events over 10k keys into a fresh topic with kafkajs.
import { Kafka, Partitioners, logLevel } from 'kafkajs';

export interface DevPreloadOptions {
  brokers: string[];
  topic: string;
  records: number;
  /** Default 4. */
  partitions?: number;
  /** Distinct keys; default 10 000. */
  keys?: number;
  /** Events per send call (one at a time, so each partition stays in `ts` order); default 10 000. */
  batchSize?: number;
}

/** Event time of event 0; event i is at BASE_TS_MS + i ms, so each partition is in order. */
const BASE_TS_MS = Date.UTC(2026, 0, 1);

/**
 * Recreates `topic` (deleting an old one) and writes `records` events, keyed by
 * `card-<i mod keys>`, shaped like the `transactions` contract (~200 bytes each).
 */
export async function devPreload(
  opts: DevPreloadOptions,
): Promise<{ elapsedMs: number; bytes: number }> {
  const kafka = new Kafka({
    clientId: 'sluice-bench-dev-preload',
    brokers: opts.brokers,
    logLevel: logLevel.ERROR,
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    if ((await admin.listTopics()).includes(opts.topic)) {
      await admin.deleteTopics({ topics: [opts.topic] });
      await waitUntil(async () => !(await admin.listTopics()).includes(opts.topic));
    }
    await admin.createTopics({
      topics: [{ topic: opts.topic, numPartitions: opts.partitions ?? 4, replicationFactor: 1 }],
      waitForLeaders: true,
    });
  } finally {
    await admin.disconnect();
  }

  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const keys = opts.keys ?? 10_000;
  const batchSize = opts.batchSize ?? 10_000;
  const startedMs = Date.now();
  let bytes = 0;
  try {
    for (let from = 0; from < opts.records; from += batchSize) {
      const to = Math.min(opts.records, from + batchSize);
      const messages = [];
      for (let i = from; i < to; i++) {
        const key = `card-${String(i % keys).padStart(5, '0')}`;
        const value = JSON.stringify({
          txn_id: `t-${String(i).padStart(10, '0')}`,
          account_id: `acct-${String(i % keys).padStart(5, '0')}`,
          card_id: key,
          amount: Math.round(((i * 7919) % 100_000) + 1) / 100,
          currency: 'EUR',
          merchant_id: `m-${String((i * 31) % 5000).padStart(4, '0')}`,
          merchant_category: 'grocery',
          device_id: `d-${String(i % 20_000).padStart(5, '0')}`,
          ts: BASE_TS_MS + i,
        });
        bytes += value.length + key.length;
        messages.push({ key, value });
      }
      await producer.send({ topic: opts.topic, messages, acks: 1 });
    }
  } finally {
    await producer.disconnect();
  }
  return { elapsedMs: Date.now() - startedMs, bytes };
}

async function waitUntil(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('timed out waiting for the old topic to go');
}
