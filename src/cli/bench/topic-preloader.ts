// First phase of `sluice bench`: recreates the input topic and fills it with the workload's
// events as fast as kafkajs allows (big batches, one in flight per partition, acks=1, no
// compression), so every partition stays in event-time order.

import { CompressionTypes, Kafka, Partitioners, logLevel, type Message } from 'kafkajs';
import { systemClock, type Clock } from '../../core/clock.js';
import type { BenchWorkload } from './bench-workload.js';
import { PhaseProgress } from './phase-progress.js';

export interface PreloadOptions {
  readonly brokers: readonly string[];
  readonly topic: string;
  readonly events: number;
  readonly workload: BenchWorkload;
  /** Progress lines (stderr). */
  readonly progress: (line: string) => void;
  readonly clock?: Clock;
}

export interface PreloadResult {
  readonly elapsedMs: number;
  /** Key + value bytes written. */
  readonly bytes: number;
  readonly eventsPerSec: number;
}

/**
 * Bytes of key + value per partition per request. Kafka checks `message.max.bytes` (1 MiB by
 * default) against each partition's record batch, so stay well under it.
 */
const LANE_BATCH_BYTES = 512 * 1024;

/** One partition's outgoing batch and the send before it (awaited first: keeps the order). */
interface Lane {
  messages: Message[];
  bytes: number;
  inFlight: Promise<void>;
}

/**
 * Deletes `topic` if it exists, creates it with the workload's partition count and writes
 * events 0 … events − 1, each to the partition Kafka's default partitioner gives its key (the
 * message timestamp is the send time; event time is the value's `ts`). Each partition has one request in flight at a
 * time, so records land in the order they were generated even if kafkajs pipelines requests.
 */
export async function preloadTopic(options: PreloadOptions): Promise<PreloadResult> {
  const { topic, events, workload } = options;
  const clock = options.clock ?? systemClock;
  const kafka = new Kafka({
    clientId: 'sluice-bench-preload',
    brokers: [...options.brokers],
    logLevel: logLevel.NOTHING,
  });
  await recreateTopic(kafka, topic, workload.partitions);

  const producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
  });
  await producer.connect();
  const progress = new PhaseProgress('preload', clock, options.progress, events);
  const startedMs = clock.nowMs();
  let bytes = 0;
  let acknowledged = 0;
  let failure: Error | undefined;
  const lanes: Lane[] = Array.from({ length: workload.partitions }, () => ({
    messages: [],
    bytes: 0,
    inFlight: Promise.resolve(),
  }));
  const flush = async (lane: Lane): Promise<void> => {
    await lane.inFlight;
    if (failure !== undefined) throw failure;
    const messages = lane.messages;
    lane.messages = [];
    lane.bytes = 0;
    lane.inFlight = producer
      .send({ topic, messages, acks: 1, compression: CompressionTypes.None })
      .then(
        () => {
          acknowledged += messages.length;
          progress.update(acknowledged);
        },
        (err: unknown) => {
          failure ??= err instanceof Error ? err : new Error(String(err));
        },
      );
  };
  try {
    for (let i = 0; i < events; i++) {
      const event = workload.event(i);
      const lane = lanes[event.partition] as Lane;
      // No message timestamp: the broker's time-based retention works on it, and event time
      // (`ts`, months in the past) would have the log cleaner delete the topic mid-run.
      lane.messages.push({ key: event.key, value: event.value, partition: event.partition });
      const size = event.key.length + event.value.length;
      lane.bytes += size;
      bytes += size;
      if (lane.bytes >= LANE_BATCH_BYTES) await flush(lane);
    }
    for (const lane of lanes) if (lane.messages.length > 0) await flush(lane);
    await Promise.all(lanes.map((l) => l.inFlight));
    if (failure !== undefined) throw failure;
  } finally {
    await producer.disconnect();
  }
  const elapsedMs = Math.max(1, clock.nowMs() - startedMs);
  return { elapsedMs, bytes, eventsPerSec: (events * 1000) / elapsedMs };
}

export interface TopicExtent {
  /** Σ over partitions of (end offset − start offset). */
  readonly records: number;
  readonly partitions: number;
  /** Partition → its first offset (log start). */
  readonly startOffsets: ReadonlyMap<number, number>;
}

/** How many records a topic holds and where each partition starts; undefined if it does not exist. */
export async function topicExtent(
  brokers: readonly string[],
  topic: string,
): Promise<TopicExtent | undefined> {
  const admin = new Kafka({
    clientId: 'sluice-bench-admin',
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    if (!(await admin.listTopics()).includes(topic)) return undefined;
    const offsets = await admin.fetchTopicOffsets(topic);
    const records = offsets.reduce((sum, o) => sum + (Number(o.high) - Number(o.low)), 0);
    const startOffsets = new Map(offsets.map((o) => [o.partition, Number(o.low)]));
    return { records, partitions: offsets.length, startOffsets };
  } finally {
    await admin.disconnect();
  }
}

async function recreateTopic(kafka: Kafka, topic: string, partitions: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    if ((await admin.listTopics()).includes(topic)) {
      await admin.deleteTopics({ topics: [topic] });
      // Deletion is asynchronous on the broker: creating too early fails with "already exists".
      for (let attempt = 0; (await admin.listTopics()).includes(topic); attempt++) {
        if (attempt >= 100) throw new Error(`topic ${topic} still exists 20 s after deleting it`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.createTopics({
          topics: [
            {
              topic,
              numPartitions: partitions,
              replicationFactor: -1,
              // Kept until the run deletes it, however long the run and whatever the timestamps.
              configEntries: [
                { name: 'retention.ms', value: '-1' },
                { name: 'retention.bytes', value: '-1' },
              ],
            },
          ],
          waitForLeaders: true,
        });
        return;
      } catch (err) {
        // A just-deleted topic can linger in the controller for a moment.
        if (attempt >= 20) throw err;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  } finally {
    await admin.disconnect();
  }
}
