// Runs one job on Kafka: one consumer group (group = job name), one StreamTask per assigned
// (sub-topology, partition), periodic commits in the order that keeps state and offsets
// consistent: flush sinks and changelogs → persist state with offsets → commit group offsets.

import { JsonCodec } from '../codecs/json-codec.js';
import type { Clock } from '../core/clock.js';
import type { ConsumerThreadMode } from '../config/sluice-config.js';
import { errorMessage, toSluiceError } from '../core/errors.js';
import type { Topology } from '../core/topology.js';
import type { MetricsRegistry } from '../metrics/metrics-registry.js';
import { KafkaTopicSink } from '../sinks/kafka/kafka-topic-sink.js';
import { KafkaAdmin, type TopicRequest } from '../sources/kafka/kafka-admin.js';
import { ConsumerThreadSource } from '../sources/kafka/consumer-thread-source.js';
import {
  KafkaSource,
  type BatchControl,
  type RecordSource,
  type SourceBatch,
  type TopicPartitionOffset,
} from '../sources/kafka/kafka-source.js';
import {
  BatchQueues,
  chooseCandidate,
  chunkEnd,
  mustWait,
  type ChunkCandidate,
  type QueuedBatch,
} from './batch-queues.js';
import type { Logger } from './logger.js';
import { StreamTask } from './stream-task.js';
import { EMPTY_TASK_STATE, type TaskStateFactory } from './task-state.js';

/** Consecutive failed commits after which the job stops (status `failed`). */
const MAX_FAILED_COMMITS = 10;
/**
 * Fetched-ahead records the runner holds before the consumer waits, as estimated heap (see
 * RECORD_OVERHEAD_BYTES): ~110k 200-byte events, more than a full fetch response (16 MiB, ~80k
 * of them), so the next fetch overlaps processing; ~130k small repartitioned records.
 */
const MAX_QUEUED_BYTES = 64 * 1024 * 1024;
/**
 * With a consumer thread, the batches fetched ahead (up to MAX_QUEUED_BYTES) wait on that thread,
 * and the main thread queues only this much, plus as much posted to it (THREAD_POSTED_BYTES).
 * Batches that wait on the main thread outlive young collections, and their buffers (external
 * memory) are then freed only by full collections, which they start: 4-5 per benchmark run with
 * 64 MiB queued here, 2-3 with 8 MiB (and 674-743k against 628-719k events/s, alternated).
 */
const THREAD_QUEUED_BYTES = 8 * 1024 * 1024;
const THREAD_POSTED_BYTES = 8 * 1024 * 1024;
/**
 * A chunk — records run through one task before the oldest queued record is chosen again — ends
 * at the first record newer than every other task's next one, but holds at least
 * MIN_CHUNK_RECORDS (per-chunk work stays amortised) and at most MAX_CHUNK_RECORDS.
 */
const MIN_CHUNK_RECORDS = 64;
/** Longest wait for a partition with older records on the broker before going on without it. */
const MAX_IDLE_MS = 20;
const MAX_CHUNK_RECORDS = 1000;
/** Outputs are handed to the producer thread at least this often while a drain runs. */
const SINK_DRAIN_MS = 10;
/** How long one drain runs before commits and assignments waiting behind it get their turn. */
const DRAIN_SLICE_MS = 50;

export interface JobRunnerOptions {
  readonly topology: Topology;
  readonly brokers: readonly string[];
  readonly metrics: MetricsRegistry;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly stateFactory: TaskStateFactory;
  /** How often state and offsets are committed. */
  readonly commitIntervalMs: number;
  /** Where the job's consumer runs (see ConsumerThreadMode). Default 'auto'. */
  readonly consumerThread?: ConsumerThreadMode;
  /** Consumer-group session timeout, ms (default: the source's). */
  readonly sessionTimeoutMs?: number;
  /** This instance's query-API address, advertised to the group ('' if none). */
  readonly apiAddress: string;
  readonly instanceId: string;
}

export type TaskStatus = 'restoring' | 'running';

export interface TaskView {
  readonly subtopology: number;
  readonly partition: number;
  readonly status: TaskStatus;
  readonly watermarkMs: number | null;
  readonly positions: Record<string, string>;
  readonly lag: Record<string, number>;
}

export class JobRunner {
  private source: RecordSource | undefined;
  private sink: KafkaTopicSink | undefined;
  private readonly tasks = new Map<string, StreamTask>();
  private readonly restoring = new Set<string>();
  /** Serialises batches, commits and task changes: the consume loop is single-threaded. */
  private serial: Promise<void> = Promise.resolve();
  private lastCommitMs = 0;
  private readonly codec: JsonCodec;
  private readonly topicToSub = new Map<string, number>();
  /** Source topic → the fields its sub-topology reads, where it reads only some. */
  private readonly sourceFields = new Map<string, readonly string[]>();
  private readonly highWatermarks = new Map<string, string>();
  private stopped = false;
  private commitTimer: NodeJS.Timeout | undefined;
  private failedCommits = 0;
  /** Whether the job's consumer runs on a thread of its own (see ConsumerThreadMode). */
  private readonly consumerThread: boolean;
  /** Fetched batches not yet processed, per task (`sub:partition`), in fetch order. */
  private readonly queues: BatchQueues;
  private drainScheduled = false;
  /** Kafka timestamp of the last record each task processed (for event-time order). */
  private readonly lastTimestamps = new Map<string, number>();
  /** Since when the drain has waited for a lagging partition's fetch. */
  private idleSinceMs: number | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  /** Tasks of the latest assignment (undefined before the first). */
  private assigned: Set<string> | undefined;
  /** A commit whose phase 1 ran and whose flush may still be in flight. */
  private pendingCommit: PendingCommit | undefined;
  /** Per task: the input positions of its last successful commit (where a rewind goes). */
  private readonly committedPositions = new Map<string, Map<string, string>>();
  private readonly partitionCounts = new Map<number, number>();
  private fatal: unknown;

  constructor(private readonly options: JobRunnerOptions) {
    this.codec = new JsonCodec(options.topology.maxRecordBytes);
    for (const sub of options.topology.subtopologies) {
      for (const t of sub.sourceTopics) {
        this.topicToSub.set(t, sub.id);
        if (sub.sourceFields && !sub.internalSource) this.sourceFields.set(t, sub.sourceFields);
      }
    }
    const mode = options.consumerThread ?? 'auto';
    this.consumerThread = mode === 'on' || (mode === 'auto' && this.sourceFields.size > 0);
    this.queues = new BatchQueues(this.consumerThread ? THREAD_QUEUED_BYTES : MAX_QUEUED_BYTES);
  }

  get job(): string {
    return this.options.topology.job;
  }

  /** Creates missing topics, connects, joins the group and starts consuming. */
  async start(): Promise<void> {
    const { topology, brokers, logger } = this.options;
    const admin = await KafkaAdmin.connect(brokers, `sluice-${topology.job}-admin`);
    try {
      await ensureJobTopics(admin, topology);
      const counts = await admin.partitionCounts(
        topology.subtopologies.flatMap((sub) => sub.sourceTopics),
      );
      for (const sub of topology.subtopologies) {
        this.partitionCounts.set(sub.id, counts.get(sub.sourceTopics[0] ?? '') ?? 1);
      }
    } finally {
      await admin.close();
    }
    this.sink = await KafkaTopicSink.connect({
      brokers,
      clientId: `sluice-${topology.job}-${this.options.instanceId}`,
    });
    const sourceOptions = {
      brokers,
      groupId: topology.job,
      clientId: `sluice-${topology.job}-${this.options.instanceId}`,
      topics: topology.subtopologies.flatMap((s) => s.sourceTopics),
      fromBeginning: topology.startFrom === 'earliest',
      member: { api: this.options.apiAddress },
      ...(this.options.sessionTimeoutMs === undefined
        ? {}
        : { sessionTimeoutMs: this.options.sessionTimeoutMs }),
    };
    this.source = this.consumerThread
      ? await ConsumerThreadSource.connect({
          source: sourceOptions,
          fields: this.sourceFields,
          maxRecordBytes: topology.maxRecordBytes,
          maxAheadBytes: MAX_QUEUED_BYTES,
          maxPostedBytes: THREAD_POSTED_BYTES,
        })
      : await KafkaSource.connect(sourceOptions);
    this.lastCommitMs = this.options.clock.nowMs();
    // Commit on time even when no batch arrives, so outputs and offsets never wait for traffic.
    this.commitTimer = setInterval(
      () => {
        if (
          this.stopped ||
          this.options.clock.nowMs() - this.lastCommitMs < this.options.commitIntervalMs
        )
          return;
        void this.enqueue(() => this.commitAll()).catch(() => undefined);
      },
      Math.max(10, Math.floor(this.options.commitIntervalMs / 2)),
    );
    this.commitTimer.unref();
    await this.source.run({
      // Not through the serial queue: a batch waiting for room there would block the drain
      // that makes the room.
      onBatch: (batch, control) => this.onBatch(batch, control),
      onCrash: (error, restarting) => {
        logger.error(
          `job ${topology.job}: consumer failed${restarting ? ' (restarting)' : ''}: ${error.message}`,
        );
        if (!restarting) this.fatal ??= error;
      },
      onAssignment: (assignment) => {
        const keep = this.assignedTasks(assignment);
        // At once, not behind queued work: batches of partitions this member lost go unprocessed.
        this.assigned = new Set(keep.keys());
        this.queues.drop(this.queues.taskIds().filter((id) => !keep.has(id)));
        void this.enqueue(() => this.onAssignment(keep));
      },
    });
    logger.info(
      `job ${topology.job}: consuming ${topology.subtopologies.flatMap((s) => s.sourceTopics).join(', ')}`,
    );
  }

  /** Finishes the current batch, commits, closes tasks and leaves the group. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.commitTimer);
    clearTimeout(this.idleTimer);
    // The consumer may be waiting for room in the queue: let it finish before it disconnects.
    this.queues.drop(this.queues.taskIds());
    await this.enqueue(async () => {
      await this.commitAll();
      await this.finishPendingCommit();
      for (const [id, task] of this.tasks) await this.closeTask(id, task);
    });
    await this.source?.stop();
    await this.sink?.close();
  }

  /** A failure that stopped processing (e.g. Kafka unreachable for too long). */
  get failure(): unknown {
    return this.fatal;
  }

  taskViews(): TaskView[] {
    const views: TaskView[] = [];
    for (const [id, task] of this.tasks) {
      const positions = Object.fromEntries(task.positions);
      const lag: Record<string, number> = {};
      for (const [topic, pos] of task.positions) {
        const hw = this.highWatermarks.get(`${topic}:${task.id.partition}`);
        if (hw !== undefined) lag[topic] = Math.max(0, Number(BigInt(hw) - BigInt(pos)));
      }
      views.push({
        subtopology: task.id.subtopology,
        partition: task.id.partition,
        status: this.restoring.has(id) ? 'restoring' : 'running',
        watermarkMs: Number.isFinite(task.watermarkMs) ? task.watermarkMs : null,
        positions,
        lag,
      });
    }
    for (const id of this.restoring) {
      if (this.tasks.has(id)) continue;
      const [sub, partition] = id.split(':').map(Number);
      views.push({
        subtopology: sub ?? 0,
        partition: partition ?? 0,
        status: 'restoring',
        watermarkMs: null,
        positions: {},
        lag: {},
      });
    }
    return views;
  }

  /** Partitions of a sub-topology's source topics (known after start). */
  sourcePartitions(subtopology: number): number | undefined {
    return this.partitionCounts.get(subtopology);
  }

  /** True if this instance runs the task (sub-topology, partition) and it is not restoring. */
  hasRunningTask(subtopology: number, partition: number): boolean {
    return this.tasks.has(`${subtopology}:${partition}`);
  }

  /** Stores of the tasks on this instance, by (store name, partition), for the query API. */
  storesOf(name: string): Array<{ partition: number; store: unknown }> {
    const out: Array<{ partition: number; store: unknown }> = [];
    for (const task of this.tasks.values()) {
      const s = task.state.stores.get(name);
      if (s) out.push({ partition: task.id.partition, store: s });
    }
    return out;
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    const next = this.serial.then(work).catch((err: unknown) => {
      this.fatal ??= err;
      this.options.logger.error(`job ${this.job}: ${toSluiceError(err).message}`);
      throw err;
    });
    this.serial = next.catch(() => undefined);
    return next;
  }

  /**
   * Takes a fetched batch into its task's queue and returns, so the consumer fetches the next
   * while this one is processed; it waits only while too much is queued.
   */
  private async onBatch(batch: SourceBatch, control: BatchControl): Promise<void> {
    if (this.stopped) return;
    const subId = this.topicToSub.get(batch.topic);
    if (subId === undefined) return;
    const id = `${subId}:${batch.partition}`;
    // Fetched before a rebalance took the partition away.
    if (this.assigned !== undefined && !this.assigned.has(id)) return;
    this.queues.push(id, batch, control);
    this.scheduleDrain();
    await this.queues.waitForRoom(control, () => this.stopped);
  }

  private scheduleDrain(): void {
    if (this.drainScheduled || this.stopped) return;
    this.drainScheduled = true;
    // On the next turn of the event loop: the consumer hands over all the batches of a fetch
    // response first, so the drain can choose among every partition's records.
    setImmediate(() => {
      void this.enqueue(() => this.drain()).catch(() => undefined);
    });
  }

  /**
   * Processes queued records in chunks, each time from the task whose next record is oldest
   * (by Kafka timestamp), so partitions advance together in event time: a partition's whole
   * fetch no longer runs ahead of the others into a repartition topic. After a time slice it
   * yields to the other serial work (commits, assignments) and continues.
   */
  private async drain(): Promise<void> {
    this.drainScheduled = false;
    const until = performance.now() + DRAIN_SLICE_MS;
    let nextDrainMs = performance.now() + SINK_DRAIN_MS;
    try {
      for (;;) {
        if (this.stopped) return;
        const next = this.nextChunk();
        if (!next) return;
        const waits = mustWait(next);
        if (waits) {
          // A partition of this sub-topology has records on the broker older than this head but
          // none fetched yet: wait for its fetch (up to MAX_IDLE_MS), as Kafka Streams does.
          const nowMs = performance.now();
          this.idleSinceMs ??= nowMs;
          if (nowMs - this.idleSinceMs < MAX_IDLE_MS) {
            this.waitForFetch(MAX_IDLE_MS - (nowMs - this.idleSinceMs));
            return;
          }
        } else {
          this.idleSinceMs = undefined;
        }
        this.queues.fetchWanted = false;
        // Outputs go out every few ms (one frame to the producer thread), not per chunk.
        if (performance.now() >= nextDrainMs) {
          this.sink?.drain();
          nextDrainMs = performance.now() + SINK_DRAIN_MS;
        }
        // Waited long enough for a partition: go on without it, in full chunks.
        await this.processChunk(
          next.taskId,
          next.entry,
          waits ? Number.POSITIVE_INFINITY : next.untilMs,
        );
        this.queues.releaseRoom();
        if (performance.now() >= until) {
          this.scheduleDrain();
          return;
        }
      }
    } finally {
      this.sink?.drain();
      this.queues.releaseRoom();
    }
  }

  /** Lets the consumer fetch past the queue bound and drains again after `ms` or a new batch. */
  private waitForFetch(ms: number): void {
    this.queues.fetchWanted = true;
    this.queues.releaseRoom(true);
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.scheduleDrain(), Math.max(1, Math.ceil(ms)));
  }

  /**
   * What to process next: per sub-topology the oldest queue head, whose chunk ends at the other
   * queues' oldest next record or at the last record of a partition that has nothing queued
   * but records left on the broker; of those, one that need not wait, oldest first.
   */
  private nextChunk(): ChunkCandidate | undefined {
    const bySub = this.queues.oldestHeads((topic) => this.topicToSub.get(topic) ?? 0);
    for (const [id, task] of this.tasks) {
      if (this.queues.has(id)) continue;
      const candidate = bySub.get(task.id.subtopology);
      const lastMs = this.lastTimestamps.get(id);
      if (candidate === undefined || lastMs === undefined || lastMs >= candidate.untilMs) continue;
      if (this.hasRecordsLeft(task)) candidate.untilMs = lastMs;
    }
    return chooseCandidate(bySub.values());
  }

  /** True if the broker holds records of the task's partition beyond what it processed. */
  private hasRecordsLeft(task: StreamTask): boolean {
    for (const [topic, position] of task.positions) {
      const hw = this.highWatermarks.get(`${topic}:${task.id.partition}`);
      if (hw !== undefined && BigInt(hw) > BigInt(position)) return true;
    }
    return false;
  }

  /** Runs the next chunk of a queued batch through its task. */
  private async processChunk(id: string, entry: QueuedBatch, untilMs: number): Promise<void> {
    const { batch, control } = entry;
    const subId = this.topicToSub.get(batch.topic)!;
    const task =
      this.tasks.get(id) ??
      (await this.createTask(subId, batch.partition, () => control.heartbeat()));
    // Dropped while the task opened (a rebalance took the partition, or a rewind).
    if (this.queues.head(id) !== entry) return;
    const position = task.positions.get(batch.topic);
    if (
      entry.next === 0 &&
      position !== undefined &&
      BigInt(batch.fetchedOffset) > BigInt(position)
    ) {
      // Fetched from beyond where the task is (before a seek back took effect): re-read.
      this.queues.dropHead(id);
      this.source?.seek(batch.topic, batch.partition, position);
      return;
    }
    const end = chunkEnd(entry, untilMs, MIN_CHUNK_RECORDS, MAX_CHUNK_RECORDS);
    let records = batch.records.slice(entry.next, end);
    this.queues.advance(id, entry, end);
    const first = records[0]!;
    if (position !== undefined && BigInt(first.offset) < BigInt(position)) {
      // Read again after a seek or a rebalance: those records are in the state already.
      const from = BigInt(position);
      records = records.filter((r) => BigInt(r.offset) >= from);
      if (records.length === 0) return;
    }
    const committed = this.committedPositions.get(id);
    if (committed && !committed.has(batch.topic)) committed.set(batch.topic, records[0]!.offset);
    this.highWatermarks.set(`${batch.topic}:${batch.partition}`, batch.highWatermark);
    const started = performance.now();
    await task.processBatch(records);
    this.lastTimestamps.set(id, records[records.length - 1]!.timestampMs);
    let nextOffset = BigInt(records[records.length - 1]!.offset) + 1n;
    const afterBatch = BigInt(batch.lastOffset) + 1n;
    if (end >= batch.records.length && afterBatch > nextOffset) {
      // The fetch ended with records the consumer filters (transaction markers, aborted records):
      // continue after them, or the next fetch would look like a gap.
      task.positions.set(batch.topic, afterBatch.toString());
      nextOffset = afterBatch;
    }
    this.options.metrics
      .gauge('consumerLag', {
        job: this.job,
        topic: batch.topic,
        partition: String(batch.partition),
      })
      .set(Math.max(0, Number(BigInt(batch.highWatermark) - nextOffset)));
    this.options.metrics
      .histogram('batchDuration', { job: this.job })
      .observe((performance.now() - started) / 1000);
    const now = this.options.clock.nowMs();
    if (now - this.lastCommitMs >= this.options.commitIntervalMs || task.state.needsCommit()) {
      await this.commitAll();
    }
  }

  /**
   * Opens (and if needed restores) a task's state and resumes its partitions where the state
   * was committed: state, not the group offset, decides where a stateful task continues.
   */
  private async createTask(
    subId: number,
    partition: number,
    heartbeat?: () => Promise<void>,
  ): Promise<StreamTask> {
    const { topology, metrics, clock, stateFactory, logger } = this.options;
    const sub = topology.subtopologies.find((s) => s.id === subId)!;
    const id = `${subId}:${partition}`;
    const declarations = sub.nodes.flatMap((n) => n.stores);
    this.restoring.add(id);
    const state =
      declarations.length === 0
        ? EMPTY_TASK_STATE
        : await stateFactory.open({
            job: topology.job,
            partition,
            subtopology: subId,
            declarations,
            changelogSink: this.sink!,
            ...(heartbeat ? { heartbeat } : {}),
            onRestoreProgress: (store, restored, total) => {
              metrics
                .gauge('restoreRemaining', { job: topology.job, store })
                .set(Math.max(0, total - restored));
            },
          });
    const task = new StreamTask({
      topology,
      subtopology: sub,
      partition,
      sink: this.sink!,
      codec: this.codec,
      clock,
      metrics,
      state,
    });
    await task.init();
    this.tasks.set(id, task);
    this.restoring.delete(id);
    const committed = new Map<string, string>();
    for (const [topic, offset] of state.resumeOffsets) {
      if (!sub.sourceTopics.includes(topic)) continue;
      task.positions.set(topic, offset);
      committed.set(topic, offset);
      this.source?.seek(topic, partition, offset);
    }
    this.committedPositions.set(id, committed);
    metrics.gauge('assignedPartitions', { job: topology.job }).set(this.tasks.size);
    logger.info(
      `job ${topology.job}: task ${id} started${declarations.length ? ` with ${declarations.length} store(s)` : ''}`,
    );
    return task;
  }

  /** Tasks (`sub:partition`) of an assignment (topic → partitions). */
  private assignedTasks(
    assignment: Readonly<Record<string, number[]>>,
  ): Map<string, { sub: number; partition: number }> {
    const keep = new Map<string, { sub: number; partition: number }>();
    for (const [topic, partitions] of Object.entries(assignment)) {
      const sub = this.topicToSub.get(topic);
      if (sub === undefined) continue;
      for (const p of partitions) keep.set(`${sub}:${p}`, { sub, partition: p });
    }
    return keep;
  }

  /** Closes tasks the group took away (after a commit) and opens the newly assigned ones. */
  private async onAssignment(
    keep: ReadonlyMap<string, { sub: number; partition: number }>,
  ): Promise<void> {
    const revoked = [...this.tasks].filter(([id]) => !keep.has(id));
    if (revoked.length > 0) {
      await this.commitAll();
      await this.finishPendingCommit();
      for (const [id, task] of revoked) await this.closeTask(id, task);
      this.options.logger.info(
        `job ${this.job}: revoked tasks ${revoked.map(([id]) => id).join(', ')}`,
      );
    }
    // Open new tasks now, not at their first record: state is restored and queryable at once.
    for (const [id, { sub, partition }] of keep) {
      if (this.tasks.has(id) || this.stopped) continue;
      try {
        await this.createTask(sub, partition);
      } catch (err) {
        // E.g. "not the leader" on a changelog topic created a moment ago. Not fatal: the task
        // opens at its partition's first batch instead (as before eager opening). Thrown on, this
        // marked the whole job failed for good although it went on processing.
        this.restoring.delete(id);
        this.options.logger.warn(
          `job ${this.job}: task ${id} did not open (${errorMessage(err)}); retrying at its first batch`,
        );
      }
    }
  }

  private async closeTask(id: string, task: StreamTask): Promise<void> {
    this.queues.drop([id]);
    this.lastTimestamps.delete(id);
    await task.close();
    await task.state.close();
    this.tasks.delete(id);
    this.options.metrics.gauge('assignedPartitions', { job: this.job }).set(this.tasks.size);
  }

  /**
   * Commits in two phases so processing goes on while outputs are in flight. Phase 1 (here, in
   * the serial queue): processors' commit hooks, each task's state prepares its changelog records
   * and checkpoint, and the sink flush starts. Phase 2 (`finishPendingCommit`, between batches
   * once the flush is acknowledged): RocksDB batches with the prepared offsets, then the group
   * offsets. A commit finishes before the next one starts. If the flush fails, the tasks are
   * closed without completing and the partitions rewound to the last completed commit, so nothing
   * since then is lost or counted twice. Repeated failures stop the job.
   */
  private async commitAll(): Promise<void> {
    await this.finishPendingCommit();
    if (!this.sink || !this.source) return;
    const started = performance.now();
    const prepared: PreparedTask[] = [];
    try {
      for (const [id, task] of this.tasks) {
        await task.beforeCommit();
        task.state.prepareCommit(task.checkpointOffsets());
        prepared.push({
          id,
          task,
          positions: new Map(task.positions),
          sourceTimestamps: task.pendingSourceTimestamps.splice(0),
        });
      }
    } catch (err) {
      await this.onCommitFailed(err);
      return;
    }
    this.lastCommitMs = this.options.clock.nowMs();
    // Flush before persisting offsets, or a crash could keep offsets whose outputs were lost.
    const flushed = this.sink.flush().then(
      () => undefined,
      (err: unknown) => ({ err }),
    );
    const pending: PendingCommit = { prepared, flushed, started, finished: false };
    this.pendingCommit = pending;
    void flushed.then(() => {
      if (!pending.finished)
        void this.enqueue(() => this.finishPendingCommit()).catch(() => undefined);
    });
  }

  /** Phase 2 of the commit in flight, if any: waits for its flush, then persists. */
  private async finishPendingCommit(): Promise<void> {
    const pending = this.pendingCommit;
    if (!pending || pending.finished) return;
    const failed = await pending.flushed;
    pending.finished = true;
    this.pendingCommit = undefined;
    if (failed) {
      await this.onCommitFailed(failed.err);
      return;
    }
    try {
      const flushedAtMs = this.options.clock.nowMs();
      const latency = this.options.metrics.histogram('endToEndLatency', { job: this.job });
      const offsets: TopicPartitionOffset[] = [];
      const current = pending.prepared.filter(({ id, task }) => this.tasks.get(id) === task);
      // Each task's stores are RocksDB instances of their own: their writes run side by side
      // (4 tasks one after another took 9-27 ms per commit, during which nothing is processed).
      const written = await Promise.allSettled(
        current.map(({ task }) => task.state.completeCommit()),
      );
      let failed: PromiseRejectedResult | undefined;
      current.forEach(({ id, task, positions, sourceTimestamps }, i) => {
        const result = written[i]!;
        if (result.status === 'rejected') {
          failed ??= result;
          return;
        }
        for (const ts of sourceTimestamps) latency.observe(Math.max(0, flushedAtMs - ts) / 1000);
        for (const [topic, offset] of positions)
          offsets.push({ topic, partition: task.id.partition, offset });
        this.committedPositions.set(id, positions);
      });
      if (failed) throw failed.reason;
      await this.source?.commit(offsets);
    } catch (err) {
      await this.onCommitFailed(err);
      return;
    }
    this.failedCommits = 0;
    for (const [topic, count] of this.sink?.sentByTopic ?? []) {
      this.options.metrics.counter('recordsOut', { job: this.job, topic }).value = count;
    }
    this.options.metrics
      .histogram('commitDuration', { job: this.job })
      .observe((performance.now() - pending.started) / 1000);
  }

  private async onCommitFailed(err: unknown): Promise<void> {
    this.failedCommits++;
    this.options.logger.error(
      `job ${this.job}: commit failed (${this.failedCommits} in a row), rewinding to the last commit: ${errorMessage(err)}`,
    );
    await this.rewindToLastCommit();
    if (this.failedCommits >= MAX_FAILED_COMMITS) throw err;
  }

  private async rewindToLastCommit(): Promise<void> {
    this.queues.drop(this.queues.taskIds());
    this.lastTimestamps.clear();
    for (const [id, task] of [...this.tasks]) {
      await task.close().catch(() => undefined);
      await task.state.close().catch(() => undefined);
      this.tasks.delete(id);
      for (const [topic, offset] of this.committedPositions.get(id) ?? []) {
        this.source?.seek(topic, task.id.partition, offset);
      }
    }
    this.options.metrics.gauge('assignedPartitions', { job: this.job }).set(this.tasks.size);
  }
}

interface PreparedTask {
  readonly id: string;
  readonly task: StreamTask;
  /** Input positions the prepared state reflects (what the group commit records). */
  readonly positions: Map<string, string>;
  readonly sourceTimestamps: number[];
}

interface PendingCommit {
  readonly prepared: readonly PreparedTask[];
  /** Resolves when the sink acknowledged everything up to phase 1; `{ err }` if it failed. */
  readonly flushed: Promise<{ err: unknown } | undefined>;
  readonly started: number;
  finished: boolean;
}

/** Creates the job's DLQ, sink, repartition and changelog topics with the sources' partitions. */
export async function ensureJobTopics(admin: KafkaAdmin, topology: Topology): Promise<void> {
  const sourceTopics = topology.subtopologies
    .filter((s) => !s.internalSource)
    .flatMap((s) => s.sourceTopics);
  const counts = await admin.partitionCounts(sourceTopics);
  const missing = sourceTopics.filter((t) => !counts.has(t));
  const defaultPartitions = counts.get(sourceTopics[0] ?? '') ?? 4;
  // Dead letters carry the original bytes (up to maxRecordBytes) plus headers; outputs derive
  // from such records. Topics we create accept batches well above that.
  const maxMessageBytes = String(
    Math.max(8 * 1024 * 1024, topology.maxRecordBytes * 2 + 1024 * 1024),
  );
  const big = { 'max.message.bytes': maxMessageBytes };
  const requests: TopicRequest[] = missing.map((name) => ({ name, partitions: defaultPartitions }));
  requests.push({ name: topology.deadLetterTopic, partitions: defaultPartitions, config: big });
  for (const sub of topology.subtopologies) {
    for (const node of sub.nodes) {
      for (const t of node.outputTopics) {
        requests.push({
          name: t.name,
          partitions: t.partitions ?? defaultPartitions,
          config: { ...big, ...t.config },
        });
      }
      for (const store of node.stores) {
        requests.push({
          name: changelogTopic(topology.job, store.name),
          partitions: defaultPartitions,
          config: {
            ...big,
            'cleanup.policy': 'compact',
            'min.compaction.lag.ms': '0',
            'segment.ms': '600000',
          },
        });
      }
    }
  }
  await admin.ensureTopics(requests);
}

export function changelogTopic(job: string, store: string): string {
  return `${job}-${store}-changelog`;
}
