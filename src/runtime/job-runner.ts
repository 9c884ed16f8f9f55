// Runs one job on Kafka: one consumer group (group = job name), one StreamTask per assigned
// (sub-topology, partition), periodic commits in the order that keeps state and offsets
// consistent: flush sinks and changelogs → persist state with offsets → commit group offsets.

import { JsonCodec } from '../codecs/json-codec.js';
import type { Clock } from '../core/clock.js';
import { errorMessage, toSluiceError } from '../core/errors.js';
import type { Topology } from '../core/topology.js';
import type { MetricsRegistry } from '../metrics/metrics-registry.js';
import { KafkaTopicSink } from '../sinks/kafka/kafka-topic-sink.js';
import { KafkaAdmin, type TopicRequest } from '../sources/kafka/kafka-admin.js';
import { KafkaSource, type BatchControl, type SourceBatch } from '../sources/kafka/kafka-source.js';
import type { Logger } from './logger.js';
import { StreamTask } from './stream-task.js';
import { EMPTY_TASK_STATE, type TaskStateFactory } from './task-state.js';

/** Consecutive failed commits after which the job stops (status `failed`). */
const MAX_FAILED_COMMITS = 10;

export interface JobRunnerOptions {
  readonly topology: Topology;
  readonly brokers: readonly string[];
  readonly metrics: MetricsRegistry;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly stateFactory: TaskStateFactory;
  /** How often state and offsets are committed. */
  readonly commitIntervalMs: number;
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
  private source: KafkaSource | undefined;
  private sink: KafkaTopicSink | undefined;
  private readonly tasks = new Map<string, StreamTask>();
  private readonly restoring = new Set<string>();
  /** Serialises batches, commits and task changes: the consume loop is single-threaded. */
  private serial: Promise<void> = Promise.resolve();
  private lastCommitMs = 0;
  private readonly codec: JsonCodec;
  private readonly topicToSub = new Map<string, number>();
  private readonly highWatermarks = new Map<string, string>();
  private stopped = false;
  private commitTimer: NodeJS.Timeout | undefined;
  private failedCommits = 0;
  /** A commit whose phase 1 ran and whose flush may still be in flight. */
  private pendingCommit: PendingCommit | undefined;
  /** Per task: the input positions of its last successful commit (where a rewind goes). */
  private readonly committedPositions = new Map<string, Map<string, string>>();
  private readonly partitionCounts = new Map<number, number>();
  private fatal: unknown;

  constructor(private readonly options: JobRunnerOptions) {
    this.codec = new JsonCodec(options.topology.maxRecordBytes);
    for (const sub of options.topology.subtopologies) {
      for (const t of sub.sourceTopics) this.topicToSub.set(t, sub.id);
    }
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
    this.source = await KafkaSource.connect({
      brokers,
      groupId: topology.job,
      clientId: `sluice-${topology.job}-${this.options.instanceId}`,
      topics: topology.subtopologies.flatMap((s) => s.sourceTopics),
      fromBeginning: topology.startFrom === 'earliest',
      member: { api: this.options.apiAddress },
      ...(this.options.sessionTimeoutMs === undefined
        ? {}
        : { sessionTimeoutMs: this.options.sessionTimeoutMs }),
    });
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
      onBatch: (batch, control) => this.enqueue(() => this.onBatch(batch, control)),
      onCrash: (error, restarting) => {
        logger.error(
          `job ${topology.job}: consumer failed${restarting ? ' (restarting)' : ''}: ${error.message}`,
        );
        if (!restarting) this.fatal ??= error;
      },
      onAssignment: (assignment) => {
        void this.enqueue(() => this.onAssignment(assignment));
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

  private async onBatch(batch: SourceBatch, control: BatchControl): Promise<void> {
    if (this.stopped || control.isStale()) return;
    const subId = this.topicToSub.get(batch.topic);
    if (subId === undefined) return;
    const id = `${subId}:${batch.partition}`;
    const task =
      this.tasks.get(id) ??
      (await this.createTask(subId, batch.partition, () => control.heartbeat()));
    let records = batch.records;
    const position = task.positions.get(batch.topic);
    const first = records[0];
    if (position !== undefined && first !== undefined && BigInt(first.offset) < BigInt(position)) {
      // Fetched before a seek to restored state took effect: those records are in the state.
      const from = BigInt(position);
      records = records.filter((r) => BigInt(r.offset) >= from);
      if (records.length === 0) return;
    }
    const committed = this.committedPositions.get(id);
    if (committed && !committed.has(batch.topic)) committed.set(batch.topic, records[0]!.offset);
    this.highWatermarks.set(`${batch.topic}:${batch.partition}`, batch.highWatermark);
    const started = performance.now();
    await task.processBatch(records);
    this.sink!.drain();
    const next = BigInt(records[records.length - 1]!.offset) + 1n;
    this.options.metrics
      .gauge('consumerLag', {
        job: this.job,
        topic: batch.topic,
        partition: String(batch.partition),
      })
      .set(Math.max(0, Number(BigInt(batch.highWatermark) - next)));
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

  /** Closes tasks the group took away (after a commit) and opens the newly assigned ones. */
  private async onAssignment(assignment: Readonly<Record<string, number[]>>): Promise<void> {
    const keep = new Map<string, { sub: number; partition: number }>();
    for (const [topic, partitions] of Object.entries(assignment)) {
      const sub = this.topicToSub.get(topic);
      if (sub === undefined) continue;
      for (const p of partitions) keep.set(`${sub}:${p}`, { sub, partition: p });
    }
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
      const offsets = [];
      for (const { id, task, positions, sourceTimestamps } of pending.prepared) {
        if (this.tasks.get(id) !== task) continue;
        await task.state.completeCommit();
        for (const ts of sourceTimestamps) latency.observe(Math.max(0, flushedAtMs - ts) / 1000);
        for (const [topic, offset] of positions)
          offsets.push({ topic, partition: task.id.partition, offset });
        this.committedPositions.set(id, positions);
      }
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
