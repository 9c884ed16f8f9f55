// kafkajs 2.2.4 against the local Kafka 4.x broker: the requests Sluice relies on (admin,
// produce, group consume and commit, transactions with sendOffsets) must still be accepted
// after Kafka 4.0 dropped old protocol versions (KIP-896).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, Partitioners, logLevel, type Consumer, type KafkaMessage } from 'kafkajs';
import { testBrokers, uniqueTestName } from './kafka-test-env.js';

const kafka = new Kafka({
  clientId: 'sluice-kafka-compat-test',
  brokers: testBrokers(),
  logLevel: logLevel.NOTHING,
});
const admin = kafka.admin();
const createdTopics: string[] = [];
const openConsumers: Consumer[] = [];

async function createTopic(prefix: string, numPartitions: number): Promise<string> {
  const topic = uniqueTestName(prefix);
  createdTopics.push(topic);
  await admin.createTopics({ topics: [{ topic, numPartitions }], waitForLeaders: true });
  return topic;
}

/** Runs a consumer in `groupId` until it has seen `count` messages, then stops it. */
async function consume(
  topic: string,
  groupId: string,
  count: number,
  onMessage?: (partition: number, message: KafkaMessage, consumer: Consumer) => Promise<void>,
): Promise<string[]> {
  const consumer = kafka.consumer({ groupId });
  openConsumers.push(consumer);
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const values: string[] = [];
  await new Promise<void>((resolve, reject) => {
    consumer
      .run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          values.push(message.value?.toString() ?? '');
          await onMessage?.(partition, message, consumer);
          if (values.length === count) resolve();
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return values;
}

function committedTotal(
  offsets: Array<{ partitions: Array<{ partition: number; offset: string }> }>,
): number {
  return offsets
    .flatMap((t) => t.partitions)
    .reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
}

beforeAll(async () => {
  await admin.connect();
});

afterAll(async () => {
  await Promise.all(openConsumers.map((c) => c.disconnect().catch(() => undefined)));
  if (createdTopics.length > 0) await admin.deleteTopics({ topics: createdTopics });
  const remaining = await admin.listTopics();
  expect(remaining.filter((t) => createdTopics.includes(t))).toEqual([]);
  await admin.disconnect();
});

describe('kafkajs against the local broker', () => {
  it('describes the cluster and creates, lists and describes a topic', async () => {
    const cluster = await admin.describeCluster();
    expect(cluster.brokers.length).toBeGreaterThan(0);

    const topic = await createTopic('compat-admin', 3);
    expect(await admin.listTopics()).toContain(topic);
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(metadata.topics[0]?.partitions).toHaveLength(3);
  });

  it('consumes in a group, commits offsets, and resumes after them', async () => {
    const topic = await createTopic('compat-group', 3);
    const groupId = uniqueTestName('compat-group');
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const first = ['a', 'b', 'c', 'd', 'e', 'f'];
    await producer.send({ topic, messages: first.map((v) => ({ key: `k-${v}`, value: v })) });

    const seen = await consume(topic, groupId, first.length, async (partition, message, c) => {
      await c.commitOffsets([
        { topic, partition, offset: (BigInt(message.offset) + 1n).toString() },
      ]);
    });
    expect([...seen].sort()).toEqual(first);
    const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
    expect(committedTotal(committed)).toBe(first.length);

    // A new member of the same group starts from the commits, not from the beginning.
    await producer.send({
      topic,
      messages: [
        { key: 'k-g', value: 'g' },
        { key: 'k-h', value: 'h' },
      ],
    });
    await producer.disconnect();
    const resumed = await consume(topic, groupId, 2);
    expect([...resumed].sort()).toEqual(['g', 'h']);
  });

  it('commits and aborts transactions; read_committed sees only the committed records', async () => {
    const topic = await createTopic('compat-txn', 1);
    const producer = kafka.producer({
      transactionalId: uniqueTestName('compat-txn'),
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    for (const [value, outcome] of [
      ['committed-1', 'commit'],
      ['aborted', 'abort'],
      ['committed-2', 'commit'],
    ] as const) {
      const transaction = await producer.transaction();
      await transaction.send({ topic, messages: [{ key: 'k', value }] });
      await (outcome === 'commit' ? transaction.commit() : transaction.abort());
    }
    await producer.disconnect();

    const values = await consume(topic, uniqueTestName('compat-txn-reader'), 2);
    expect(values).toEqual(['committed-1', 'committed-2']);
  });

  it('commits consumer offsets inside a transaction (sendOffsets)', async () => {
    const topic = await createTopic('compat-eos', 1);
    const groupId = uniqueTestName('compat-eos');
    const producer = kafka.producer({
      transactionalId: uniqueTestName('compat-eos'),
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    const transaction = await producer.transaction();
    await transaction.send({ topic, messages: [{ key: 'k', value: 'out' }] });
    await transaction.sendOffsets({
      consumerGroupId: groupId,
      topics: [{ topic, partitions: [{ partition: 0, offset: '7' }] }],
    });
    await transaction.commit();
    await producer.disconnect();

    // The broker applies transactional offsets when the commit marker is written, which can
    // land just after commit() returns: poll briefly (bounded) instead of reading once.
    let committed = await admin.fetchOffsets({ groupId, topics: [topic] });
    for (let i = 0; i < 50 && committed[0]?.partitions[0]?.offset !== '7'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      committed = await admin.fetchOffsets({ groupId, topics: [topic] });
    }
    expect(committed[0]?.partitions).toEqual([
      expect.objectContaining({ partition: 0, offset: '7' }),
    ]);
  });
});
