// Sink step of the flow: records are packed into frames on the job's thread and produced by a
// kafkajs producer on a thread of their own (producer-worker.ts), so request encoding and its
// garbage use the second core. Nothing is awaited per record; flush() resolves when every
// record sent so far is acknowledged.

import type { Worker } from 'node:worker_threads';
import { errorMessage, SluiceError } from '../../core/errors.js';
import { firstMessage, startModuleThread } from '../../core/module-thread.js';
import type { OutputRecord, RecordSink } from '../../core/sink.js';
import type { FromProducer, ProducerThreadOptions, ToProducer } from './producer-protocol.js';
import { RecordFrameWriter } from './record-frame.js';

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
  private readonly writer = new RecordFrameWriter();
  private sentSeq = 0;
  private settledSeq = 0;
  private waiters: Array<{ seq: number; resolve: () => void }> = [];
  private failure: string | undefined;
  private dead: string | undefined;
  private closed: Promise<void> | undefined;
  private readonly batchRecords: number;
  private readonly batchBytes: number;
  /** Records acknowledged per topic (for metrics). */
  readonly sentByTopic = new Map<string, number>();

  private constructor(
    private readonly worker: Worker,
    options: KafkaTopicSinkOptions,
  ) {
    this.batchRecords = options.batchRecords ?? 5000;
    this.batchBytes = options.batchBytes ?? 512 * 1024;
    worker.on('message', (message: FromProducer) => this.onMessage(message));
    worker.on('error', (err) => this.onDeath(`producer thread failed: ${errorMessage(err)}`));
    worker.on('exit', (code) => this.onDeath(`producer thread exited (code ${code})`));
  }

  static async connect(options: KafkaTopicSinkOptions): Promise<KafkaTopicSink> {
    const threadOptions: ProducerThreadOptions = {
      brokers: [...options.brokers],
      clientId: options.clientId,
      idempotent: options.idempotent ?? false,
      maxRequestBytes: options.batchBytes ?? 512 * 1024,
    };
    const worker = startModuleThread(
      new URL('./producer-worker.js', import.meta.url),
      threadOptions,
    );
    // The producer's sockets must not keep a process alive that forgot to close its sink.
    worker.unref();
    const ready = await firstMessage<FromProducer>(worker, 'producer thread').then(
      (message) =>
        message.type === 'ready'
          ? undefined
          : message.type === 'connect-failed'
            ? message.message
            : `unexpected ${message.type}`,
      (err: unknown) => errorMessage(err),
    );
    if (ready !== undefined) {
      await worker.terminate();
      throw new SluiceError(
        'KAFKA_UNAVAILABLE',
        `producer cannot reach ${options.brokers.join(',')}: ${ready}`,
        { retriable: true },
      );
    }
    return new KafkaTopicSink(worker, options);
  }

  send(record: OutputRecord): void {
    this.writer.write(record);
    if (this.writer.count >= this.batchRecords || this.writer.byteLength >= this.batchBytes)
      this.sendQueued();
  }

  drain(): void {
    this.sendQueued();
  }

  async flush(): Promise<void> {
    this.sendQueued();
    const seq = this.sentSeq;
    if (this.settledSeq < seq) {
      await new Promise<void>((resolve) => this.waiters.push({ seq, resolve }));
    }
    if (this.failure !== undefined) {
      const message = this.failure;
      this.failure = undefined;
      throw new SluiceError('KAFKA_UNAVAILABLE', `producing failed: ${message}`, {
        retriable: true,
      });
    }
  }

  async close(): Promise<void> {
    this.closed ??= (async () => {
      try {
        await this.flush();
      } finally {
        await this.stopThread();
      }
    })();
    return this.closed;
  }

  private async stopThread(): Promise<void> {
    if (this.dead === undefined) {
      const closed = new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 10_000);
        this.worker.on('message', (message: FromProducer) => {
          if (message.type !== 'closed') return;
          clearTimeout(timer);
          resolve();
        });
        this.worker.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
      });
      this.post({ type: 'close' });
      await closed;
    }
    this.dead ??= 'closed';
    await this.worker.terminate();
  }

  private sendQueued(): void {
    if (this.writer.count === 0) return;
    const frame = this.writer.take();
    this.sentSeq++;
    if (this.dead !== undefined) {
      this.failure ??= this.dead;
      this.settle(this.sentSeq);
      return;
    }
    this.post({ type: 'frame', seq: this.sentSeq, buffer: frame.buffer, topics: frame.topics }, [
      frame.buffer,
    ]);
  }

  private post(message: ToProducer, transfer: ArrayBuffer[] = []): void {
    this.worker.postMessage(message, transfer);
  }

  private onMessage(message: FromProducer): void {
    if (message.type === 'acked') {
      for (const [topic, count] of message.counts) {
        this.sentByTopic.set(topic, (this.sentByTopic.get(topic) ?? 0) + count);
      }
      this.settle(message.upTo);
    } else if (message.type === 'failed') {
      this.failure ??= message.message;
      this.settle(message.upTo);
    }
  }

  /** The thread is gone: whatever it had not acknowledged failed. */
  private onDeath(reason: string): void {
    if (this.dead !== undefined) return;
    this.dead = reason;
    if (this.settledSeq < this.sentSeq) this.failure ??= reason;
    this.settle(this.sentSeq);
  }

  private settle(upTo: number): void {
    if (upTo > this.settledSeq) this.settledSeq = upTo;
    if (this.waiters.length === 0) return;
    const still: typeof this.waiters = [];
    for (const w of this.waiters) {
      if (w.seq <= this.settledSeq) w.resolve();
      else still.push(w);
    }
    this.waiters = still;
  }
}
