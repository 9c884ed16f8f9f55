// The producer thread of a KafkaTopicSink: owns the kafkajs producer, so partitioning, request
// encoding and their garbage happen off the thread that processes records. Frames arrive in send
// order; one request is in flight at a time (kafkajs may reorder concurrent sendBatch calls), and
// frames that queue up meanwhile go out together in the next request.

import { parentPort, workerData } from 'node:worker_threads';
import { CompressionTypes, Kafka, logLevel, type Message, type Producer } from 'kafkajs';
import type { FromProducer, ProducerThreadOptions, ToProducer } from './producer-protocol.js';
import { readRecordFrame } from './record-frame.js';

interface QueuedFrame {
  readonly seq: number;
  readonly buffer: ArrayBuffer;
  readonly topics: readonly string[];
}

const port = parentPort!;
const options = workerData as ProducerThreadOptions;
const queue: QueuedFrame[] = [];
let active: Promise<void> | undefined;
let closing = false;

function post(message: FromProducer): void {
  port.postMessage(message);
}

function toMessages(frames: readonly QueuedFrame[]): Map<string, Message[]> {
  const byTopic = new Map<string, Message[]>();
  for (const frame of frames) {
    for (const r of readRecordFrame(frame.buffer)) {
      const topic = frame.topics[r.topicIndex]!;
      let messages = byTopic.get(topic);
      if (!messages) {
        messages = [];
        byTopic.set(topic, messages);
      }
      const message: Message = { key: r.key, value: r.value };
      if (r.headers) message.headers = r.headers;
      if (r.partition !== undefined) message.partition = r.partition;
      if (r.timestampMs !== undefined) message.timestamp = String(r.timestampMs);
      messages.push(message);
    }
  }
  return byTopic;
}

/** Sends until the queue is empty; one loop at a time (the running one picks up new frames). */
function pump(producer: Producer): Promise<void> {
  active ??= sendQueued(producer).finally(() => {
    active = undefined;
  });
  return active;
}

async function sendQueued(producer: Producer): Promise<void> {
  while (queue.length > 0) {
    const frames: QueuedFrame[] = [queue.shift()!];
    let bytes = frames[0]!.buffer.byteLength;
    while (queue.length > 0 && bytes + queue[0]!.buffer.byteLength <= options.maxRequestBytes) {
      const next = queue.shift()!;
      bytes += next.buffer.byteLength;
      frames.push(next);
    }
    const upTo = frames[frames.length - 1]!.seq;
    const byTopic = toMessages(frames);
    try {
      await producer.sendBatch({
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
        acks: -1,
        compression: CompressionTypes.None,
      });
      post({
        type: 'acked',
        upTo,
        counts: [...byTopic].map(([topic, messages]) => [topic, messages.length] as const),
      });
    } catch (err) {
      post({ type: 'failed', upTo, message: err instanceof Error ? err.message : String(err) });
    }
  }
}

async function main(): Promise<void> {
  const kafka = new Kafka({
    clientId: options.clientId,
    brokers: [...options.brokers],
    logLevel: logLevel.NOTHING,
    retry: { retries: 8 },
  });
  const producer = kafka.producer({
    idempotent: options.idempotent,
    maxInFlightRequests: options.idempotent ? 1 : 5,
    allowAutoTopicCreation: true,
  });
  try {
    await producer.connect();
  } catch (err) {
    post({ type: 'connect-failed', message: err instanceof Error ? err.message : String(err) });
    return;
  }
  port.on('message', (message: ToProducer) => {
    if (message.type === 'frame') {
      queue.push(message);
      void pump(producer);
      return;
    }
    if (closing) return;
    closing = true;
    void (async () => {
      // Queued frames were flushed by the sink before close; send any left, then leave.
      while (active) await active;
      await producer.disconnect().catch(() => undefined);
      post({ type: 'closed' });
      port.close();
    })();
  });
  post({ type: 'ready' });
}

void main();
