// Reads whole topics once, from the beginning to the end offsets they have when the read starts:
// how `sluice evaluate` collects the fraud job's alerts and the generator's labels.

import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';

export interface SnapshotRecord {
  readonly topic: string;
  readonly partition: number;
  readonly key: string | null;
  readonly value: Buffer | null;
  /** Message timestamp, epoch ms. */
  readonly timestampMs: number;
}

/**
 * Every record of `topics` up to their current end offsets (a consumer group of its own, deleted
 * afterwards). A missing topic reads as empty. Throws when the end is not reached in `timeoutMs`.
 */
export async function readTopicSnapshot(
  brokers: readonly string[],
  topics: readonly string[],
  timeoutMs = 60_000,
): Promise<SnapshotRecord[]> {
  const kafka = new Kafka({
    clientId: 'sluice-evaluate-reader',
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  const groupId = `sluice-evaluate-reader-${randomBytes(6).toString('hex')}`;
  try {
    const existing = new Set(await admin.listTopics());
    /** `topic:partition` → the offset of its last record (end − 1), for non-empty partitions. */
    const remaining = new Map<string, bigint>();
    const wanted = topics.filter((t) => existing.has(t));
    for (const topic of wanted) {
      for (const p of await admin.fetchTopicOffsets(topic)) {
        if (BigInt(p.high) > BigInt(p.low)) {
          remaining.set(`${topic}:${p.partition}`, BigInt(p.high) - 1n);
        }
      }
    }
    const records: SnapshotRecord[] = [];
    if (remaining.size === 0) return records;
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: wanted, fromBeginning: true });
      let finish: () => void = () => undefined;
      const done = new Promise<void>((resolve) => (finish = resolve));
      await consumer.run({
        eachBatch: async ({ batch }) => {
          const id = `${batch.topic}:${batch.partition}`;
          const last = remaining.get(id);
          for (const m of batch.messages) {
            if (last === undefined || BigInt(m.offset) > last) break;
            records.push({
              topic: batch.topic,
              partition: batch.partition,
              key: m.key ? m.key.toString('utf8') : null,
              value: m.value,
              timestampMs: Number(m.timestamp),
            });
          }
          // Not `offset === last`: a transactional producer's commit marker can be the last offset.
          if (last !== undefined && BigInt(batch.lastOffset()) >= last) remaining.delete(id);
          if (remaining.size === 0) finish();
        },
      });
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new Error(
                `reading ${wanted.join(', ')}: ${remaining.size} partition(s) not at their end after ${timeoutMs} ms`,
              ),
            ),
          timeoutMs,
        );
      });
      try {
        await Promise.race([done, timedOut]);
      } finally {
        clearTimeout(timer);
      }
      return records;
    } finally {
      await consumer.disconnect().catch(() => undefined);
      await admin.deleteGroups([groupId]).catch(() => undefined);
    }
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
