// Source step of the flow: the only module that owns a kafkajs consumer. One consumer per job
// (group = job name); batches are handed to the runtime whole, offsets committed only when told.

import { Kafka, logLevel, type Consumer, type EachBatchPayload } from 'kafkajs';
import { SluiceError } from '../../core/errors.js';
import type { RawRecord } from '../../core/record.js';
import { decodeHeaders } from './kafka-headers.js';
import { partitionAlignedAssigner, type MemberInfo } from './partition-aligned-assigner.js';

export interface TopicPartitionOffset {
  readonly topic: string;
  readonly partition: number;
  /** The next offset to read (Kafka's committed-offset convention). */
  readonly offset: string;
}

/**
 * A batch's records, read by index. Records of the consumer thread's batches are made only when
 * a chunk is taken for processing (`slice`): made when the batch arrives, ~100k queued records
 * outlived young collections and were most of what each one copied.
 */
export interface RecordList {
  readonly length: number;
  /** The Kafka timestamp of record `index` (0 ≤ index < length), without making the record. */
  timestampAt(index: number): number;
  slice(from: number, to: number): RawRecord[];
}

/** A RecordList over records already made. */
export function recordList(records: readonly RawRecord[]): RecordList {
  return {
    length: records.length,
    timestampAt: (index) => records[index]!.timestampMs,
    slice: (from, to) => records.slice(from, to),
  };
}

export interface SourceBatch {
  readonly topic: string;
  readonly partition: number;
  readonly records: RecordList;
  /** Log end offset of the partition when fetched (for lag). */
  readonly highWatermark: string;
  /**
   * The offset this fetch started from. The batch continues a partition only if this is at or
   * before where processing is: after a seek, batches fetched from further on are stale.
   */
  readonly fetchedOffset: string;
  /** Offset of the fetch's last record, including records the consumer filtered out. */
  readonly lastOffset: string;
  /**
   * Estimated heap the records hold: keys, values and RECORD_OVERHEAD_BYTES each (for the
   * runner's bound on fetched-ahead data).
   */
  readonly bytes: number;
}

/**
 * Default largest fetch per partition: 4 MiB. Measured by `sluice bench` (2M events, 4
 * partitions): with 1 MiB a partition often ran dry while the others still had older records
 * queued, and the runner waited for its fetch (~260 waits per run); with 4 MiB (and the runner's
 * 32 MiB queue) ~20, and the job ran 15-25% faster. The whole response is capped at 16 MiB.
 */
export const FETCH_BYTES_PER_PARTITION = 4 * 1024 * 1024;
/** Default largest fetch response (all partitions). */
export const FETCH_BYTES = 16 * 1024 * 1024;

/**
 * Heap a fetched record holds besides its key and value bytes: kafkajs' message object and its
 * offset and timestamp strings, two Buffer views, the headers object, our RawRecord and its
 * share of the predecoded values. Counting payload alone let ~400k small records (~100 B) queue in 32 MiB.
 */
export const RECORD_OVERHEAD_BYTES = 500;

export interface BatchControl {
  /** Keep group membership alive during long work (restores). */
  heartbeat(): Promise<void>;
  /** True while a seek of this batch's partition is pending: the batch is obsolete. */
  isStale(): boolean;
}

export interface SourceHandler {
  /**
   * Takes a fetched batch. It may return before the batch is processed (the consumer then
   * fetches on); processing order and where a partition continues are the handler's business.
   */
  onBatch(batch: SourceBatch, control: BatchControl): Promise<void>;
  /** The group assigned this member a new set of partitions (topic → partitions). */
  onAssignment(assignment: Readonly<Record<string, number[]>>): void;
  /** The consumer failed; kafkajs restarts it when `restarting` is true. */
  onCrash?(error: Error, restarting: boolean): void;
}

/** What the runner needs of a source: KafkaSource, or ConsumerThreadSource running one. */
export interface RecordSource {
  /** Starts fetching; resolves once the consumer runs (batches arrive through the handler). */
  run(handler: SourceHandler): Promise<void>;
  /** Commits the next offsets to read; false if the commit failed (e.g. during a rebalance). */
  commit(offsets: readonly TopicPartitionOffset[]): Promise<boolean>;
  /** Continue a partition from `offset`. */
  seek(topic: string, partition: number, offset: string): void;
  stop(): Promise<void>;
  readonly groupId: string;
}

export interface KafkaSourceOptions {
  brokers: readonly string[];
  groupId: string;
  clientId: string;
  topics: readonly string[];
  fromBeginning: boolean;
  member: MemberInfo;
  /**
   * Largest fetch per partition (default FETCH_BYTES_PER_PARTITION). The runner interleaves
   * partitions by timestamp whatever the size.
   */
  maxBytesPerPartition?: number;
  /** Largest fetch response, all partitions together (default FETCH_BYTES). */
  maxBytes?: number;
  /** How long the group waits for a silent member before rebalancing without it. Default 30 s. */
  sessionTimeoutMs?: number;
}

export class KafkaSource implements RecordSource {
  /** Per `topic:partition`, the payload of its latest batch (see controlFor). */
  private readonly latestPayloads = new Map<string, EachBatchPayload>();

  private constructor(
    private readonly consumer: Consumer,
    private readonly options: KafkaSourceOptions,
  ) {}

  static async connect(options: KafkaSourceOptions): Promise<KafkaSource> {
    const kafka = new Kafka({
      clientId: options.clientId,
      brokers: [...options.brokers],
      // Transient broker states (coordinator moving, rebalances) are retried by kafkajs; failures
      // that matter reach us as CRASH events or rejected calls, so its own log stays quiet.
      logLevel: logLevel.NOTHING,
      retry: { retries: 8 },
    });
    const consumer = kafka.consumer({
      groupId: options.groupId,
      partitionAssigners: [partitionAlignedAssigner(options.member)],
      maxBytesPerPartition: options.maxBytesPerPartition ?? FETCH_BYTES_PER_PARTITION,
      maxBytes: options.maxBytes ?? FETCH_BYTES,
      maxWaitTimeInMs: 100,
      sessionTimeout: options.sessionTimeoutMs ?? 30_000,
      // At most a third of the session timeout, so one lost heartbeat never expires a member.
      heartbeatInterval: Math.min(3_000, Math.floor((options.sessionTimeoutMs ?? 30_000) / 3)),
      rebalanceTimeout: 60_000,
    });
    try {
      await consumer.connect();
      for (const topic of options.topics) {
        await consumer.subscribe({ topic, fromBeginning: options.fromBeginning });
      }
    } catch (err) {
      throw new SluiceError(
        'KAFKA_UNAVAILABLE',
        `consumer for group ${options.groupId} cannot reach ${options.brokers.join(',')}: ${String(err)}`,
        { cause: err, retriable: true },
      );
    }
    return new KafkaSource(consumer, options);
  }

  /** Starts fetching; resolves once the consumer runs (batches arrive through the handler). */
  async run(handler: SourceHandler): Promise<void> {
    await this.runBatches(handler, async (payload) => {
      const { batch } = payload;
      const records: RawRecord[] = new Array<RawRecord>(batch.messages.length);
      let bytes = 0;
      for (let i = 0; i < batch.messages.length; i++) {
        const m = batch.messages[i]!;
        records[i] = {
          topic: batch.topic,
          partition: batch.partition,
          offset: m.offset,
          timestampMs: Number(m.timestamp),
          key: m.key,
          value: m.value,
          headers: decodeHeaders(m.headers),
        };
        bytes += (m.key?.length ?? 0) + (m.value?.length ?? 0) + RECORD_OVERHEAD_BYTES;
      }
      await handler.onBatch(
        {
          topic: batch.topic,
          partition: batch.partition,
          records: recordList(records),
          highWatermark: batch.highWatermark,
          fetchedOffset: fetchedOffsetOf(batch),
          lastOffset: batch.lastOffset(),
          bytes,
        },
        this.controlFor(batch.topic, batch.partition, payload),
      );
    });
  }

  /**
   * Starts fetching with kafkajs' batches handed to `eachBatch` as they are (the consumer
   * thread packs them itself). A batch's offsets are resolved once `eachBatch` returns.
   */
  async runBatches(
    events: Pick<SourceHandler, 'onAssignment' | 'onCrash'>,
    eachBatch: (payload: EachBatchPayload) => Promise<void>,
  ): Promise<void> {
    this.consumer.on(this.consumer.events.CRASH, (event) => {
      events.onCrash?.(event.payload.error, event.payload.restart);
    });
    this.consumer.on(this.consumer.events.GROUP_JOIN, (event) => {
      events.onAssignment(event.payload.memberAssignment);
    });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: async (payload: EachBatchPayload) => {
        if (payload.batch.messages.length === 0) return;
        await eachBatch(payload);
        // Fetch on from here; the handler seeks the partition back if it needs these again.
        payload.resolveOffset(payload.batch.lastOffset());
      },
    });
  }

  /**
   * The control of a queued batch. It reaches the partition's latest kafkajs payload through a
   * map instead of holding its own: kafkajs' payload closures keep their batch, and with it every
   * fetched message object, alive as long as the control is queued (twice the heap per record).
   * Both calls only read the consumer group's state, so any payload of the partition will do.
   */
  private controlFor(topic: string, partition: number, payload: EachBatchPayload): BatchControl {
    const key = `${topic}:${partition}`;
    this.latestPayloads.set(key, payload);
    const latest = this.latestPayloads;
    return {
      heartbeat: () => latest.get(key)?.heartbeat() ?? Promise.resolve(),
      isStale: () => latest.get(key)?.isStale() ?? false,
    };
  }

  /** Commits the next offsets to read. Fails quietly during a rebalance (state resumes from checkpoints). */
  async commit(offsets: readonly TopicPartitionOffset[]): Promise<boolean> {
    if (offsets.length === 0) return true;
    try {
      await this.consumer.commitOffsets(offsets.map((o) => ({ ...o })));
      return true;
    } catch {
      return false;
    }
  }

  /** Continue a partition from `offset` (e.g. back to the last commit after a failed flush). */
  seek(topic: string, partition: number, offset: string): void {
    this.consumer.seek({ topic, partition, offset });
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }

  get groupId(): string {
    return this.options.groupId;
  }
}

/** kafkajs keeps the fetch's start offset on its Batch without declaring it in its types. */
export function fetchedOffsetOf(batch: EachBatchPayload['batch']): string {
  const fetched = (batch as { fetchedOffset?: unknown }).fetchedOffset;
  if (typeof fetched === 'string') return fetched;
  // Not seen with kafkajs 2.2.4; the first record is the nearest safe stand-in.
  return batch.firstOffset() ?? '0';
}
