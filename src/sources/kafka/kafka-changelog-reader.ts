// Reads a range of one changelog partition for a restore. kafkajs has no manual partition
// assignment, so each read joins a throwaway consumer group (never committed, deleted after),
// seeks to the start offset and pauses every other partition of the topic.

import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { toSluiceError } from '../../core/errors.js';
import type { RawRecord } from '../../core/record.js';
import type { ChangelogReader } from '../../core/store.js';
import { decodeHeaders } from './kafka-headers.js';

export class KafkaChangelogReader implements ChangelogReader {
  private readonly kafka: Kafka;
  private admin: Admin | undefined;

  constructor(brokers: readonly string[]) {
    this.kafka = new Kafka({
      clientId: 'sluice-restore',
      brokers: [...brokers],
      logLevel: logLevel.NOTHING,
      retry: { retries: 8 },
    });
  }

  async endOffset(topic: string, partition: number): Promise<string> {
    const admin = await this.connectedAdmin();
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.find((o) => o.partition === partition)?.high ?? '0';
  }

  async *readPartition(
    topic: string,
    partition: number,
    range: { readonly fromOffset: string; readonly toOffset: string },
  ): AsyncIterable<readonly RawRecord[]> {
    const admin = await this.connectedAdmin();
    const bounds = (await admin.fetchTopicOffsets(topic)).find((o) => o.partition === partition);
    const logStart = BigInt(bounds?.low ?? '0');
    const from = BigInt(range.fromOffset) < logStart ? logStart : BigInt(range.fromOffset);
    const to = BigInt(range.toOffset);
    if (from >= to) return;

    const groupId = `sluice-restore-${randomUUID()}`;
    const consumer = this.kafka.consumer({
      groupId,
      maxBytesPerPartition: 16 * 1024 * 1024,
      maxBytes: 64 * 1024 * 1024,
      maxWaitTimeInMs: 50,
      sessionTimeout: 30_000,
    });
    // A small hand-made channel from the consumer's callbacks to this generator.
    const queue: Array<readonly RawRecord[]> = [];
    let wake: (() => void) | undefined;
    let done = false;
    let failure: unknown;
    let position = from;
    const notify = (): void => {
      wake?.();
      wake = undefined;
    };
    try {
      consumer.on(consumer.events.CRASH, (event) => {
        failure = event.payload.error;
        notify();
      });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const others = (await admin.fetchTopicOffsets(topic))
        .map((o) => o.partition)
        .filter((p) => p !== partition);
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        eachBatch: async (payload) => {
          const { batch } = payload;
          if (batch.partition !== partition || done) return;
          const out: RawRecord[] = [];
          for (const m of batch.messages) {
            const offset = BigInt(m.offset);
            if (offset < from) continue;
            if (offset >= to) break;
            out.push({
              topic,
              partition,
              offset: m.offset,
              timestampMs: Number(m.timestamp),
              key: m.key,
              value: m.value,
              headers: decodeHeaders(m.headers),
            });
          }
          // Compacted logs have gaps: the fetch position, not the last record, says we are done.
          const next = BigInt(batch.lastOffset()) + 1n;
          if (next > position) position = next;
          if (out.length > 0) queue.push(out);
          if (position >= to) done = true;
          // Without this kafkajs fetches from the last resolved offset again: a partition larger
          // than one fetch (maxBytesPerPartition) was re-read forever, in duplicates.
          payload.resolveOffset(batch.lastOffset());
          notify();
          // Backpressure: let the restore apply what it has before fetching more.
          while (queue.length > 4 && !done) {
            await new Promise((r) => setTimeout(r, 5));
            await payload.heartbeat();
          }
        },
      });
      consumer.seek({ topic, partition, offset: from.toString() });
      if (others.length > 0) consumer.pause([{ topic, partitions: others }]);

      while (true) {
        const next = queue.shift();
        if (next) {
          yield next;
          continue;
        }
        if (done || failure !== undefined) break;
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 200);
        });
      }
      if (failure !== undefined) throw toSluiceError(failure, 'KAFKA_UNAVAILABLE');
    } finally {
      done = true;
      await consumer.disconnect().catch(() => undefined);
      await admin.deleteGroups([groupId]).catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    await this.admin?.disconnect();
    this.admin = undefined;
  }

  private async connectedAdmin(): Promise<Admin> {
    if (!this.admin) {
      const admin = this.kafka.admin();
      await admin.connect();
      this.admin = admin;
    }
    return this.admin;
  }
}
