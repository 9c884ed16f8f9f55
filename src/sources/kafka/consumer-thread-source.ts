// Source step on a thread of its own: the job's kafkajs consumer runs on the consumer thread
// (consumer-thread.ts), and batches arrive here packed; the fields the job reads are decoded as
// each arrives (FieldProjector). Measured by `sluice bench`: kafkajs' decoding and the garbage of
// its per-record objects were a third of the main thread's time; see bench/README.md.

import { FieldProjector } from '../../codecs/value-projection.js';
import { SluiceError } from '../../core/errors.js';
import { firstMessage, startModuleThread } from '../../core/module-thread.js';
import type {
  ConsumerThreadData,
  FromConsumerThread,
  ToConsumerThread,
} from './consumer-thread-protocol.js';
import { sourceBatchOf, type FetchedBatchMessage } from './fetched-batch.js';
import type {
  BatchControl,
  KafkaSourceOptions,
  RecordSource,
  SourceHandler,
  TopicPartitionOffset,
} from './kafka-source.js';

export interface ConsumerThreadSourceOptions {
  /** The consumer the thread runs. */
  readonly source: KafkaSourceOptions;
  /** Source topic → the top-level fields its sub-topology reads, where it reads only some. */
  readonly fields: ReadonlyMap<string, readonly string[]>;
  /** Larger values are not decoded ahead (processing dead-letters them). */
  readonly maxRecordBytes: number;
  /** See ConsumerThreadData.maxAheadBytes. */
  readonly maxAheadBytes: number;
  /** See ConsumerThreadData.maxPostedBytes. */
  readonly maxPostedBytes: number;
}

/** The part of a Worker the source uses (a stand-in in unit tests). */
export interface ConsumerThreadHandle {
  postMessage(message: ToConsumerThread): void;
  on(event: 'message', listener: (message: FromConsumerThread) => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  terminate(): Promise<number>;
}

/**
 * Fetch sizes on the consumer thread: 2 MiB responses, 512 KiB per partition (the in-process
 * consumer fetches 16 MiB and 4 MiB). kafkajs decodes a whole response before handing over its
 * first batch, so the thread holds all of its records through young collections; with 16 MiB
 * (~80k records) garbage collection was 27% of the thread's time. Alternated `sluice bench`
 * pairs, benchmark job: 552-604k events/s at 2 MiB against 451-506k at 16 MiB, with 5.6-6.1
 * against 7.0-7.6 CPU s and 690-775 against 883-906 MiB peak RSS (1 MiB: 563-593k).
 */
export const THREAD_FETCH_BYTES = 2 * 1024 * 1024;
export const THREAD_FETCH_BYTES_PER_PARTITION = 512 * 1024;

/** How long `stop` waits for the thread to leave the group before ending it. */
const STOP_TIMEOUT_MS = 15_000;

export class ConsumerThreadSource implements RecordSource {
  private handler: SourceHandler | undefined;
  /** Per source topic whose sub-topology reads only some fields, their projector. */
  private readonly projectors = new Map<string, FieldProjector>();
  private readonly commits = new Map<number, (ok: boolean) => void>();
  private nextCommitId = 0;
  /** Seeks sent, and per `topic:partition` the number of its latest one. */
  private seeks = 0;
  private readonly lastSeekOf = new Map<string, number>();
  private running: { resolve: () => void; reject: (err: Error) => void } | undefined;
  private whenStopped: (() => void) | undefined;
  private exited = false;

  /** Over a running, connected thread (see `connect`). */
  constructor(
    private readonly worker: ConsumerThreadHandle,
    private readonly options: ConsumerThreadSourceOptions,
  ) {
    worker.on('message', (message: FromConsumerThread) => this.onMessage(message));
    worker.on('error', (err) => this.onThreadGone(err));
    worker.on('exit', (code) => this.onThreadGone(new Error(`consumer thread exited (${code})`)));
    for (const [topic, fields] of options.fields) {
      this.projectors.set(topic, new FieldProjector(fields, options.maxRecordBytes));
    }
  }

  /** Starts the thread, connects its consumer and subscribes (see KafkaSource.connect). */
  static async connect(options: ConsumerThreadSourceOptions): Promise<ConsumerThreadSource> {
    const data: ConsumerThreadData = {
      source: {
        maxBytes: THREAD_FETCH_BYTES,
        maxBytesPerPartition: THREAD_FETCH_BYTES_PER_PARTITION,
        ...options.source,
      },
      maxAheadBytes: options.maxAheadBytes,
      maxPostedBytes: options.maxPostedBytes,
    };
    const worker = startModuleThread(new URL('./consumer-thread.js', import.meta.url), data);
    const first = await firstMessage<FromConsumerThread>(worker, 'consumer thread').catch(
      async (err: unknown) => {
        await worker.terminate();
        throw err;
      },
    );
    if (first.type !== 'connected') {
      await worker.terminate();
      throw new SluiceError(
        'KAFKA_UNAVAILABLE',
        first.type === 'failed' ? first.message : `unexpected ${first.type}`,
        { retriable: true },
      );
    }
    return new ConsumerThreadSource(worker, options);
  }

  run(handler: SourceHandler): Promise<void> {
    this.handler = handler;
    return new Promise((resolve, reject) => {
      this.running = { resolve, reject };
      this.send({ type: 'run' });
    });
  }

  commit(offsets: readonly TopicPartitionOffset[]): Promise<boolean> {
    if (offsets.length === 0) return Promise.resolve(true);
    if (this.exited) return Promise.resolve(false);
    const id = this.nextCommitId++;
    return new Promise((resolve) => {
      this.commits.set(id, resolve);
      this.send({ type: 'commit', id, offsets: offsets.map((o) => ({ ...o })) });
    });
  }

  seek(topic: string, partition: number, offset: string): void {
    this.lastSeekOf.set(`${topic}:${partition}`, ++this.seeks);
    this.send({ type: 'seek', topic, partition, offset });
  }

  async stop(): Promise<void> {
    if (!this.exited) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, STOP_TIMEOUT_MS);
        this.whenStopped = () => {
          clearTimeout(timer);
          resolve();
        };
        this.send({ type: 'stop' });
      });
    }
    this.exited = true;
    await this.worker.terminate();
    this.settleCommits();
  }

  get groupId(): string {
    return this.options.source.groupId;
  }

  private send(message: ToConsumerThread): void {
    if (!this.exited) this.worker.postMessage(message);
  }

  private onMessage(message: FromConsumerThread): void {
    switch (message.type) {
      case 'batches':
        for (const batch of message.batches) this.onBatch(batch, message.seeksApplied);
        break;
      case 'assignment':
        this.handler?.onAssignment(message.assignment);
        break;
      case 'crash':
        this.handler?.onCrash?.(new Error(message.message), message.restarting);
        break;
      case 'committed':
        this.commits.get(message.id)?.(message.ok);
        this.commits.delete(message.id);
        break;
      case 'running':
        this.running?.resolve();
        this.running = undefined;
        break;
      case 'failed':
        this.running?.reject(new SluiceError('KAFKA_UNAVAILABLE', message.message));
        this.running = undefined;
        break;
      case 'stopped':
        this.whenStopped?.();
        break;
      case 'connected':
        break;
    }
  }

  private onBatch(batch: FetchedBatchMessage, seeksApplied: number): void {
    const handler = this.handler;
    if (!handler) return;
    const key = `${batch.topic}:${batch.partition}`;
    const lastSeekOf = this.lastSeekOf;
    const control: BatchControl = {
      heartbeat: () => {
        this.send({ type: 'heartbeat' });
        return Promise.resolve();
      },
      // Posted before the thread applied a later seek of the partition: obsolete.
      isStale: () => (lastSeekOf.get(key) ?? 0) > seeksApplied,
    };
    const taken = (): void => this.send({ type: 'taken', bytes: batch.bytes });
    handler
      .onBatch(sourceBatchOf(batch, this.projectors.get(batch.topic)), control)
      .then(taken, taken);
  }

  private onThreadGone(err: Error): void {
    if (this.exited) return;
    this.exited = true;
    this.settleCommits();
    this.whenStopped?.();
    this.running?.reject(err);
    this.running = undefined;
    this.handler?.onCrash?.(err, false);
  }

  private settleCommits(): void {
    for (const resolve of this.commits.values()) resolve(false);
    this.commits.clear();
  }
}
