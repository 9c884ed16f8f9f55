// Regressions found by the crash proofs, on the real broker: the topic sink must keep the order
// of one key's records across many batches in flight (window updates and changelog values rely
// on it), and the changelog reader must read a partition larger than one fetch exactly once.
import { afterAll, describe, expect, it } from 'vitest';
import { KafkaTopicSink } from '../../src/sinks/kafka/kafka-topic-sink.js';
import { KafkaAdmin } from '../../src/sources/kafka/kafka-admin.js';
import { KafkaChangelogReader } from '../../src/sources/kafka/kafka-changelog-reader.js';
import { testBrokers, uniqueTestName } from './kafka-test-env.js';
import { readWholeTopic } from './support/window-readers.js';

describe('topic sink order and changelog reads on the real broker', () => {
  const brokers = testBrokers();
  const topics: string[] = [];
  afterAll(async () => {
    const admin = await KafkaAdmin.connect(brokers);
    await admin.deleteTopics(topics).catch(() => undefined);
    await admin.close();
  });

  const sendNumbered = async (topic: string, count: number, keys: number): Promise<void> => {
    const sink = await KafkaTopicSink.connect({ brokers, clientId: uniqueTestName('order') });
    const pad = 'x'.repeat(150);
    try {
      for (let i = 0; i < count; i++) {
        sink.send({ topic, key: `k${i % keys}`, value: JSON.stringify({ i, pad }) });
        // As the runtime does after each input batch: send now, without waiting.
        if (i % 3000 === 2999) sink.drain();
      }
      await sink.flush();
    } finally {
      await sink.close();
    }
  };

  it('keeps each key in send order across many batches in flight', async () => {
    const topic = uniqueTestName('sink-order');
    topics.push(topic);
    const admin = await KafkaAdmin.connect(brokers);
    await admin.ensureTopics([{ name: topic, partitions: 4 }]);
    await admin.close();
    const count = 100_000;
    await sendNumbered(topic, count, 50);

    const records = await readWholeTopic(brokers, topic);
    const last = new Map<string, number>();
    let inversions = 0;
    for (const r of records) {
      const key = r.key!.toString('utf8');
      const i = (JSON.parse(r.value!.toString('utf8')) as { i: number }).i;
      if ((last.get(key) ?? -1) > i) inversions++;
      last.set(key, i);
    }
    console.log(`records ${records.length}, per-key inversions ${inversions}`);
    expect(records).toHaveLength(count);
    expect(inversions).toBe(0);
  });

  it('reads a partition bigger than one fetch once, in order', async () => {
    const topic = uniqueTestName('big-partition');
    topics.push(topic);
    const admin = await KafkaAdmin.connect(brokers);
    await admin.ensureTopics([{ name: topic, partitions: 1 }]);
    // ~19 MB in one partition: more than the reader's 16 MiB per-partition fetch.
    const count = 100_000;
    await sendNumbered(topic, count, 1000);
    const end = (await admin.endOffsets(topic)).get(0)!;
    await admin.close();

    const reader = new KafkaChangelogReader(brokers);
    let n = 0;
    let ordered = true;
    try {
      for await (const batch of reader.readPartition(topic, 0, {
        fromOffset: '0',
        toOffset: end,
      })) {
        for (const r of batch) {
          if (Number(r.offset) !== n) ordered = false;
          n++;
        }
      }
    } finally {
      await reader.close();
    }
    expect(end).toBe(String(count));
    expect(n).toBe(count);
    expect(ordered).toBe(true);
  }, 120_000);

  it('counts acknowledged records per topic, and refuses to flush once its producer thread is gone', async () => {
    const topic = uniqueTestName('sink-closed');
    topics.push(topic);
    const admin = await KafkaAdmin.connect(brokers);
    await admin.ensureTopics([{ name: topic, partitions: 2 }]);
    await admin.close();
    const sink = await KafkaTopicSink.connect({ brokers, clientId: uniqueTestName('closed') });
    for (let i = 0; i < 1234; i++) sink.send({ topic, key: `k${i}`, value: String(i) });
    await sink.flush();
    expect(sink.sentByTopic.get(topic)).toBe(1234);
    await sink.close();
    await sink.close(); // idempotent
    sink.send({ topic, key: 'late', value: 'x' });
    await expect(sink.flush()).rejects.toMatchObject({ code: 'KAFKA_UNAVAILABLE' });
    expect((await readWholeTopic(brokers, topic)).length).toBe(1234);
  });
});
