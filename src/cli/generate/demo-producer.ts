// Where `sluice generate` sends its messages: Kafka through a kafkajs producer (creating missing
// topics first), or nowhere for --dry-run. The command's loop only sees the DemoSink interface.

import { Kafka, Partitioners, logLevel, type Admin, type Message, type Producer } from 'kafkajs';
import { SluiceError } from '../../core/errors.js';
import type { GeneratedMessage } from './demo-data-generator.js';

/** Receives batches of generated messages. */
export interface DemoSink {
  /** Creates missing topics with `partitions` partitions (existing ones are left alone). */
  ensureTopics(topics: readonly string[], partitions: number): Promise<void>;
  /** Resolves when the broker acknowledged the batch. Several calls may be in flight. */
  send(messages: readonly GeneratedMessage[]): Promise<void>;
  /** Oversized values the broker refused (topic max.message.bytes too small), by topic. */
  readonly rejectedOversized: number;
  close(): Promise<void>;
}

export interface DemoProducerOptions {
  readonly brokers: readonly string[];
  readonly acks: -1 | 1;
}

/** Values above this go alone in their own request, so a refusal cannot take others with it. */
const OVERSIZED_BYTES = 1024 * 1024;
/** Topics we create accept the generator's oversized corrupt values (1 MiB + a little). */
const TOPIC_MAX_MESSAGE_BYTES = String(4 * 1024 * 1024);

/** Produces generated messages to Kafka: keyed, message timestamp = event time, no compression. */
export class DemoProducer implements DemoSink {
  rejectedOversized = 0;
  private readonly kafka: Kafka;
  private producer: Producer | undefined;
  private connecting: Promise<Producer> | undefined;

  constructor(private readonly options: DemoProducerOptions) {
    this.kafka = new Kafka({
      clientId: 'sluice-generate',
      brokers: [...options.brokers],
      // Failures surface as our own errors; kafkajs's JSON log lines would only repeat them.
      logLevel: logLevel.NOTHING,
      connectionTimeout: 3_000,
      retry: { retries: 5, initialRetryTime: 200 },
    });
  }

  async ensureTopics(topics: readonly string[], partitions: number): Promise<void> {
    const admin: Admin = this.kafka.admin();
    try {
      await admin.connect();
      const existing = new Set(await admin.listTopics());
      const missing = topics.filter((t) => !existing.has(t));
      if (missing.length > 0) {
        // Returns false (no throw) if another client created one meanwhile: that is fine.
        await admin.createTopics({
          waitForLeaders: true,
          topics: missing.map((topic) => ({
            topic,
            numPartitions: partitions,
            configEntries: [{ name: 'max.message.bytes', value: TOPIC_MAX_MESSAGE_BYTES }],
          })),
        });
      }
    } catch (err) {
      throw this.unavailable(err);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  async send(messages: readonly GeneratedMessage[]): Promise<void> {
    const producer = await this.connected();
    const byTopic = new Map<string, Message[]>();
    const oversized: GeneratedMessage[] = [];
    for (const m of messages) {
      if (m.value.length > OVERSIZED_BYTES) {
        oversized.push(m);
        continue;
      }
      let list = byTopic.get(m.topic);
      if (list === undefined) byTopic.set(m.topic, (list = []));
      list.push(toKafkaMessage(m));
    }
    const sends: Promise<unknown>[] = [];
    if (byTopic.size > 0) {
      sends.push(
        producer.sendBatch({
          acks: this.options.acks,
          topicMessages: [...byTopic].map(([topic, list]) => ({ topic, messages: list })),
        }),
      );
    }
    for (const m of oversized) {
      sends.push(
        producer
          .send({ topic: m.topic, acks: this.options.acks, messages: [toKafkaMessage(m)] })
          .catch((err: unknown) => {
            // A topic made elsewhere may keep the 1 MiB default: count it, keep going.
            if (isTooLarge(err)) this.rejectedOversized++;
            else throw err;
          }),
      );
    }
    try {
      await Promise.all(sends);
    } catch (err) {
      throw this.unavailable(err);
    }
  }

  async close(): Promise<void> {
    const producer = this.connecting ? await this.connecting.catch(() => undefined) : this.producer;
    await producer?.disconnect();
    this.producer = undefined;
    this.connecting = undefined;
  }

  private connected(): Promise<Producer> {
    // One connection promise shared by concurrent first sends: racing connects would leave
    // extra producers open and keep the process alive after the run.
    this.connecting ??= this.connect();
    return this.connecting;
  }

  private async connect(): Promise<Producer> {
    const producer = this.kafka.producer({
      // Java-compatible murmur2: keys land on the same partitions as with Kafka Streams.
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
    });
    try {
      await producer.connect();
    } catch (err) {
      this.connecting = undefined;
      throw this.unavailable(err);
    }
    this.producer = producer;
    return producer;
  }

  private unavailable(err: unknown): SluiceError {
    if (err instanceof SluiceError) return err;
    const message = err instanceof Error ? err.message : String(err);
    const refused = brokerRefusal(err);
    if (refused !== undefined) {
      // The broker answered: it is reachable, it does not accept these messages.
      return new SluiceError(
        'KAFKA_REJECTED',
        `Kafka at ${this.options.brokers.join(',')} refused the messages (${refused}): ${message}` +
          (refused === 'INVALID_TIMESTAMP'
            ? '. Kafka refuses timestamps more than log.message.timestamp.after.max.ms (1 h by ' +
              'default) ahead of its clock: start event time earlier (--start) or raise --event-rate'
            : ''),
        { cause: err, domain: 'user' },
      );
    }
    return new SluiceError(
      'KAFKA_UNAVAILABLE',
      `Kafka at ${this.options.brokers.join(',')}: ${message}`,
      { cause: err, retriable: true },
    );
  }
}

/** Counts and drops messages (`--dry-run`). */
export class DryRunSink implements DemoSink {
  readonly rejectedOversized = 0;
  async ensureTopics(): Promise<void> {}
  async send(): Promise<void> {}
  async close(): Promise<void> {}
}

function toKafkaMessage(m: GeneratedMessage): Message {
  return { key: m.key, value: m.value, timestamp: String(m.timestampMs) };
}

/** True if the broker refused the message for its size (kafkajs may wrap the protocol error). */
/** Broker error types that mean "not these messages", not "cannot reach the broker". */
const REFUSALS = new Set([
  'INVALID_TIMESTAMP',
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'CORRUPT_MESSAGE',
  'POLICY_VIOLATION',
  'TOPIC_AUTHORIZATION_FAILED',
]);

/** The kafkajs error type of a broker refusal anywhere in the error's causes, if any. */
export function brokerRefusal(err: unknown): string | undefined {
  if (!(err instanceof Error)) return undefined;
  const e = err as Error & { type?: unknown; errors?: unknown[]; originalError?: unknown };
  if (typeof e.type === 'string' && REFUSALS.has(e.type)) return e.type;
  for (const inner of [e.cause, e.originalError, ...(e.errors ?? [])]) {
    const found = brokerRefusal(inner);
    if (found !== undefined) return found;
  }
  return undefined;
}

function isTooLarge(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const e = err as Error & { type?: string; errors?: unknown[] };
  if (e.type === 'MESSAGE_TOO_LARGE') return true;
  if (/larger than the max message size/i.test(e.message)) return true;
  return isTooLarge(e.cause) || (e.errors ?? []).some(isTooLarge);
}
