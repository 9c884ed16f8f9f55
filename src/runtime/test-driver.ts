// A broker-free driver that runs a whole job deterministically, like Kafka Streams'
// TopologyTestDriver: pipe input records with explicit timestamps, read sink and DLQ outputs,
// inspect stores, commit, and crash or restart tasks to test restore and redelivery.

import { JsonCodec } from '../codecs/json-codec.js';
import { ManualClock } from '../core/clock.js';
import type { JsonObject, RawRecord, RecordHeaders } from '../core/record.js';
import type { OutputRecord, RecordSink } from '../core/sink.js';
import type { KeyValueStore } from '../core/store.js';
import type { Topology } from '../core/topology.js';
import { MetricsRegistry } from '../metrics/metrics-registry.js';
import { MemoryTaskStateFactory } from './memory-task-state.js';
import { StreamTask } from './stream-task.js';
import type { TaskStateFactory } from './task-state.js';

export interface TestInput {
  key?: string | null;
  /** An object is JSON-encoded; a string or Buffer is sent as is (to test bad input). */
  value: JsonObject | string | Buffer | null;
  timestampMs: number;
  partition?: number;
  headers?: RecordHeaders;
}

export interface TestOutput {
  readonly topic: string;
  readonly key: string | null;
  /** Parsed JSON when the value is JSON, else the raw text. */
  readonly value: unknown;
  readonly rawValue: Buffer | null;
  readonly headers: RecordHeaders;
}

export interface TestDriverOptions {
  /** Partitions per topic (sources and repartition topics). Default 1. */
  partitions?: number;
  clock?: ManualClock;
  stateFactory?: TaskStateFactory;
}

class CapturingSink implements RecordSink {
  readonly records: OutputRecord[] = [];
  send(record: OutputRecord): void {
    this.records.push(record);
  }
  drain(): void {}
  async flush(): Promise<void> {}
  async close(): Promise<void> {}
}

export class TestDriver {
  readonly clock: ManualClock;
  readonly metrics = new MetricsRegistry();
  private readonly sink = new CapturingSink();
  private readonly codec: JsonCodec;
  private readonly partitions: number;
  private readonly stateFactory: TaskStateFactory;
  private readonly tasks = new Map<string, StreamTask>();
  private readonly nextOffset = new Map<string, bigint>();
  /** Every record delivered to a task, per `topic:partition`, in offset order (the "broker log"). */
  private readonly log = new Map<string, RawRecord[]>();
  /** Committed next offset per `topic:partition`, as of the last `commit()`. */
  private readonly committed = new Map<string, string>();
  /** How many sink records have been routed to repartition consumers already. */
  private routed = 0;

  constructor(
    readonly topology: Topology,
    options: TestDriverOptions = {},
  ) {
    this.clock = options.clock ?? new ManualClock(0);
    this.codec = new JsonCodec(topology.maxRecordBytes);
    this.partitions = options.partitions ?? 1;
    this.stateFactory = options.stateFactory ?? new MemoryTaskStateFactory();
  }

  /** Feeds records into a source topic and runs everything they cause, including repartitions. */
  async pipe(topic: string, inputs: readonly TestInput[]): Promise<void> {
    const byPartition = new Map<number, RawRecord[]>();
    for (const input of inputs) {
      const partition = input.partition ?? this.partitionFor(input.key ?? null);
      const raw = this.rawRecord(topic, partition, input);
      let list = byPartition.get(partition);
      if (!list) byPartition.set(partition, (list = []));
      list.push(raw);
    }
    for (const [partition, raws] of byPartition) {
      await this.deliver(topic, partition, raws);
    }
    await this.routeRepartitions();
  }

  /** Records written to a topic (sinks, DLQ, repartition), in order. */
  outputs(topic: string): TestOutput[] {
    return this.sink.records.filter((r) => r.topic === topic).map(toTestOutput);
  }

  deadLetters(): TestOutput[] {
    return this.outputs(this.topology.deadLetterTopic);
  }

  /** A store of the task on `partition` of the sub-topology that declares it. */
  store<V>(name: string, partition = 0): KeyValueStore<V> | undefined {
    for (const task of this.tasks.values()) {
      if (task.id.partition !== partition) continue;
      const s = task.state.stores.get(name);
      if (s) return s as KeyValueStore<V>;
    }
    return undefined;
  }

  /** Commits every task: state and offsets become what a restart restores. */
  async commit(): Promise<void> {
    for (const task of this.tasks.values()) {
      await task.beforeCommit();
      task.state.prepareCommit(task.checkpointOffsets());
    }
    for (const task of this.tasks.values()) {
      await task.state.completeCommit();
      for (const [topic, offset] of task.positions) {
        this.committed.set(`${topic}:${task.id.partition}`, offset);
      }
    }
  }

  /**
   * Simulates a crash: tasks are dropped without committing. Input after the last commit must
   * be piped again (as Kafka would redeliver it), or call `restart()` to have it redelivered;
   * outputs already captured stay captured.
   */
  async crash(): Promise<void> {
    this.tasks.clear();
  }

  /**
   * Simulates a process restart, as Kafka redelivers after a crash: drops every task without
   * committing, reopens each (restoring its committed state) and redelivers the records of its
   * input partitions — source and repartition topics — from the offset its state resumes from
   * (the committed one; 0 if none), one record per batch, then routes what that produces. Under
   * at-least-once, records processed but not committed before the crash are processed again, so
   * their outputs repeat; at a commit boundary nothing is redelivered.
   */
  async restart(): Promise<void> {
    await this.crash();
    // Sub-topologies in order, so a repartition topic's old records come before the copies
    // that reprocessing its writer produces (they are routed after, at higher offsets).
    for (const sub of this.topology.subtopologies) {
      for (const raws of this.log.values()) {
        const first = raws[0];
        if (!first || !sub.sourceTopics.includes(first.topic)) continue;
        const task = await this.taskFor(first.topic, first.partition);
        const resumeOffset = BigInt(task.state.resumeOffsets.get(first.topic) ?? '0');
        for (const raw of raws) {
          if (BigInt(raw.offset) >= resumeOffset) await task.processBatch([raw]);
        }
      }
    }
    await this.routeRepartitions();
  }

  /**
   * Committed input position (next offset to read) of a topic partition as of the last
   * `commit()`, as a decimal string; undefined if no commit covered it.
   */
  committedOffset(topic: string, partition = 0): string | undefined {
    return this.committed.get(`${topic}:${partition}`);
  }

  /** Closes every task (as a clean shutdown, without committing). */
  async close(): Promise<void> {
    for (const task of this.tasks.values()) {
      await task.close();
      await task.state.close();
    }
    this.tasks.clear();
  }

  private async deliver(topic: string, partition: number, raws: RawRecord[]): Promise<void> {
    const logId = `${topic}:${partition}`;
    let logged = this.log.get(logId);
    if (!logged) this.log.set(logId, (logged = []));
    logged.push(...raws);
    const task = await this.taskFor(topic, partition);
    await task.processBatch(raws);
  }

  /** The task reading `topic`'s `partition`, opened (and its state restored) on first use. */
  private async taskFor(topic: string, partition: number): Promise<StreamTask> {
    const sub = this.topology.subtopologies.find((s) => s.sourceTopics.includes(topic));
    if (!sub) throw new Error(`no sub-topology of job ${this.topology.job} reads topic ${topic}`);
    const id = `${sub.id}:${partition}`;
    let task = this.tasks.get(id);
    if (!task) {
      const state = await this.stateFactory.open({
        job: this.topology.job,
        partition,
        subtopology: sub.id,
        declarations: sub.nodes.flatMap((n) => n.stores),
        changelogSink: this.sink,
      });
      task = new StreamTask({
        topology: this.topology,
        subtopology: sub,
        partition,
        sink: this.sink,
        codec: this.codec,
        clock: this.clock,
        metrics: this.metrics,
        state,
      });
      await task.init();
      this.tasks.set(id, task);
    }
    return task;
  }

  private async routeRepartitions(): Promise<void> {
    const internal = new Set(
      this.topology.subtopologies.filter((s) => s.internalSource).flatMap((s) => s.sourceTopics),
    );
    while (this.routed < this.sink.records.length) {
      const pending = this.sink.records.slice(this.routed);
      this.routed = this.sink.records.length;
      for (const out of pending) {
        if (!internal.has(out.topic)) continue;
        const key = out.key === null ? null : String(out.key);
        const partition = out.partition ?? this.partitionFor(key);
        const raw = this.rawRecord(out.topic, partition, {
          key,
          value: out.value === null ? null : Buffer.from(out.value),
          timestampMs: out.timestampMs ?? this.clock.nowMs(),
          headers: out.headers ?? {},
        });
        await this.deliver(out.topic, partition, [raw]);
      }
    }
  }

  private rawRecord(topic: string, partition: number, input: TestInput): RawRecord {
    const id = `${topic}:${partition}`;
    const offset = this.nextOffset.get(id) ?? 0n;
    this.nextOffset.set(id, offset + 1n);
    const v = input.value;
    const value =
      v === null
        ? null
        : Buffer.isBuffer(v)
          ? v
          : Buffer.from(typeof v === 'string' ? v : JSON.stringify(v));
    return {
      topic,
      partition,
      offset: offset.toString(),
      timestampMs: input.timestampMs,
      key: input.key === undefined || input.key === null ? null : Buffer.from(input.key),
      value,
      headers: input.headers ?? {},
    };
  }

  private partitionFor(key: string | null): number {
    if (key === null || this.partitions === 1) return 0;
    let h = 0;
    for (let i = 0; i < key.length; i++) h = (Math.imul(h, 31) + key.charCodeAt(i)) | 0;
    return Math.abs(h) % this.partitions;
  }
}

function toTestOutput(r: OutputRecord): TestOutput {
  const rawValue =
    r.value === null ? null : Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value);
  let value: unknown = null;
  if (rawValue !== null) {
    const text = rawValue.toString('utf8');
    try {
      value = JSON.parse(text);
    } catch {
      value = text;
    }
  }
  const key = r.key === null ? null : Buffer.isBuffer(r.key) ? r.key.toString('utf8') : r.key;
  return { topic: r.topic, key, value, rawValue, headers: r.headers ?? {} };
}
