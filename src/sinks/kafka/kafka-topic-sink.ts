// Sink step of the flow: the only module that owns a kafkajs producer. Records are queued
// without awaiting and sent in large batches; flush() resolves when every one is acknowledged.

import { CompressionTypes, Kafka, logLevel, type Message, type Producer } from 'kafkajs';
import { errorMessage, SluiceError } from '../../core/errors.js';
import type { OutputRecord, RecordSink } from '../../core/sink.js';

export interface KafkaTopicSinkOptions {
  brokers: readonly string[];
  clientId: string;
  /** Send when this many records are queued, without waiting for flush(). */
  batchRecords?: number;
  /**
   * Send when this many bytes are queued. Kafka checks `max.message.bytes` against a whole
   * partition's record batch, so bounded requests keep every batch well under it.
   */
  batchBytes?: number;
  /** Idempotent producer (acks=all, no duplicates from retries). */
  idempotent?: boolean;
}

export class KafkaTopicSink implements RecordSink {
  private readonly producer: Producer;
  private queue: OutputRecord[] = [];
  private inFlight: Array<Promise<unknown>> = [];
  /** The last batch handed to the producer: the next one starts after it (see sendQueued). */
  private tail: Promise<unknown> = Promise.resolve();
  private failure: unknown;
  private readonly batchRecords: number;
  private readonly batchBytes: number;
  private queuedBytes = 0;
  /** Records acknowledged per topic (for metrics). */
  readonly sentByTopic = new Map<string, number>();

  private constructor(producer: Producer, options: KafkaTopicSinkOptions) {
    this.producer = producer;
    this.batchRecords = options.batchRecords ?? 5000;
    this.batchBytes = options.batchBytes ?? 512 * 1024;
  }

  static async connect(options: KafkaTopicSinkOptions): Promise<KafkaTopicSink> {
    const kafka = new Kafka({
      clientId: options.clientId,
      brokers: [...options.brokers],
      logLevel: logLevel.NOTHING,
      retry: { retries: 8 },
    });
    const producer = kafka.producer({
      idempotent: options.idempotent ?? false,
      maxInFlightRequests: options.idempotent ? 1 : 5,
      allowAutoTopicCreation: true,
    });
    try {
      await producer.connect();
    } catch (err) {
      throw new SluiceError(
        'KAFKA_UNAVAILABLE',
        `producer cannot reach ${options.brokers.join(',')}`,
        {
          cause: err,
          retriable: true,
        },
      );
    }
    return new KafkaTopicSink(producer, options);
  }

  send(record: OutputRecord): void {
    this.queue.push(record);
    this.queuedBytes += byteLength(record.key) + byteLength(record.value) + 64;
    if (this.queue.length >= this.batchRecords || this.queuedBytes >= this.batchBytes)
      this.sendQueued();
  }

  drain(): void {
    this.sendQueued();
  }

  async flush(): Promise<void> {
    this.sendQueued();
    const pending = this.inFlight;
    this.inFlight = [];
    await Promise.all(pending);
    if (this.failure !== undefined) {
      const err = this.failure;
      this.failure = undefined;
      throw new SluiceError('KAFKA_UNAVAILABLE', `producing failed: ${errorMessage(err)}`, {
        cause: err,
        retriable: true,
      });
    }
  }

  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      await this.producer.disconnect();
    }
  }

  private sendQueued(): void {
    if (this.queue.length === 0) return;
    const byTopic = new Map<string, Message[]>();
    for (const r of this.queue) {
      let messages = byTopic.get(r.topic);
      if (!messages) {
        messages = [];
        byTopic.set(r.topic, messages);
      }
      const message: Message = { key: r.key, value: r.value };
      if (r.headers) message.headers = r.headers;
      if (r.partition !== undefined) message.partition = r.partition;
      if (r.timestampMs !== undefined) message.timestamp = String(r.timestampMs);
      messages.push(message);
    }
    this.queue = [];
    this.queuedBytes = 0;
    const topicMessages = [...byTopic].map(([topic, messages]) => ({ topic, messages }));
    // One batch at a time: kafkajs encodes concurrent sendBatch calls asynchronously and can put
    // a later one on the wire first, reordering records of one key (seen on the local broker:
    // window updates landing after newer ones, changelog values after their commit's marker).
    const p = this.tail
      .then(() =>
        this.producer.sendBatch({ topicMessages, acks: -1, compression: CompressionTypes.None }),
      )
      .then(() => {
        for (const { topic, messages } of topicMessages) {
          this.sentByTopic.set(topic, (this.sentByTopic.get(topic) ?? 0) + messages.length);
        }
      })
      .catch((err: unknown) => {
        this.failure ??= err;
      });
    this.tail = p;
    this.inFlight.push(p);
  }
}

function byteLength(v: string | Buffer | null): number {
  if (v === null) return 0;
  return typeof v === 'string' ? v.length * 2 : v.length;
}
