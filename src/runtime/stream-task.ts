// A task: one sub-topology running on one input partition. It decodes a fetched batch, runs
// every record through the node chain synchronously, tracks the watermark and input positions,
// and dead-letters whatever fails. The job runner (or TestDriver) owns commits.

import type { JsonCodec } from '../codecs/json-codec.js';
import { RecordValidator } from '../codecs/record-validator.js';
import type { Clock } from '../core/clock.js';
import { SluiceError, toSluiceError } from '../core/errors.js';
import type { Processor, ProcessorContext, TaskId } from '../core/processor.js';
import {
  EVENT_TIME_HEADER,
  ORIGIN_HEADER,
  predecodedValue,
  rawKeyText,
  type JsonObject,
  type RawRecord,
  type StreamRecord,
} from '../core/record.js';
import type { OutputRecord, RecordSink } from '../core/sink.js';
import type { SubTopology, Topology } from '../core/topology.js';
import type { CounterChild, MetricsRegistry } from '../metrics/metrics-registry.js';
import { deadLetterRecord } from './dead-letter.js';
import type { TaskState } from './task-state.js';

/** Checkpoint entries that hold upstream origins rather than input offsets start with this. */
const ORIGIN_MARK_PREFIX = '@origin:';
/** Checkpoint entries that hold nodes' own values (`@node:<node>:<name>`) start with this. */
const NODE_VALUE_PREFIX = '@node:';

export interface StreamTaskDeps {
  readonly topology: Topology;
  readonly subtopology: SubTopology;
  readonly partition: number;
  readonly sink: RecordSink;
  readonly codec: JsonCodec;
  readonly clock: Clock;
  readonly metrics: MetricsRegistry;
  readonly state: TaskState;
}

export class StreamTask {
  readonly id: TaskId;
  private readonly processors: Processor[];
  private readonly contexts: ProcessorContext[];
  private readonly deadLetterCounters = new Map<string, CounterChild>();
  private readonly recordsIn: CounterChild;
  /** Max event time seen (ms); -Infinity before the first record. */
  private watermark = Number.NEGATIVE_INFINITY;
  /** Next offset to read per source topic. */
  readonly positions = new Map<string, string>();
  /** Source timestamps of the newest record of each batch since the last commit (for latency). */
  readonly pendingSourceTimestamps: number[] = [];
  private readonly batchKeys: string[] = [];
  private readonly hasPrepare: boolean;
  private readonly validator: RecordValidator | undefined;
  /**
   * Per upstream partition (`topic:partition`), the last origin applied: `[offset, seq]`. Kept
   * only for repartition inputs of tasks with state, and committed with that state.
   */
  private readonly originMarks = new Map<string, [bigint, number]>();
  private readonly dedupe: boolean;
  private readonly duplicatesSkipped: CounterChild;
  /** Nodes' checkpoint values by `<node>:<name>`, committed with the task's state. */
  private readonly nodeValues = new Map<string, string>();

  constructor(private readonly deps: StreamTaskDeps) {
    const { topology, subtopology, partition } = deps;
    this.id = { job: topology.job, subtopology: subtopology.id, partition };
    this.processors = subtopology.nodes.map((n) => n.create());
    this.contexts = subtopology.nodes.map((n, i) => this.makeContext(n.name, i));
    this.recordsIn = deps.metrics.counter('recordsIn', { job: topology.job });
    this.hasPrepare = this.processors.some((p) => p.prepareBatch !== undefined);
    // Repartitioned records were validated when they first entered the job.
    this.dedupe = deps.subtopology.internalSource && deps.state.stores.size > 0;
    for (const [name, value] of deps.state.resumeOffsets) {
      if (name.startsWith(NODE_VALUE_PREFIX)) {
        this.nodeValues.set(name.slice(NODE_VALUE_PREFIX.length), value);
        continue;
      }
      if (!name.startsWith(ORIGIN_MARK_PREFIX)) continue;
      const [offset, seq] = value.split(':');
      this.originMarks.set(name.slice(ORIGIN_MARK_PREFIX.length), [
        BigInt(offset ?? '0'),
        Number(seq ?? '0'),
      ]);
    }
    this.duplicatesSkipped = deps.metrics.counter('duplicatesSkipped', { job: topology.job });
    this.validator =
      topology.fieldTypes && !deps.subtopology.internalSource
        ? new RecordValidator(topology.fieldTypes)
        : undefined;
  }

  get watermarkMs(): number {
    return this.watermark;
  }

  get state(): TaskState {
    return this.deps.state;
  }

  async init(): Promise<void> {
    for (let i = 0; i < this.processors.length; i++) {
      await this.processors[i]!.init?.(this.contexts[i]!);
    }
  }

  /**
   * Processes one fetched batch. The only awaits are per batch: the stores' multi-get in
   * `prepareBatch`; every record then runs through the chain synchronously.
   */
  async processBatch(raws: readonly RawRecord[]): Promise<void> {
    if (raws.length === 0) return;
    this.recordsIn.inc(raws.length);
    const records: StreamRecord[] = [];
    for (const raw of raws) {
      const record = this.decode(raw);
      if (record) records.push(record);
    }
    if (this.hasPrepare && records.length > 0) {
      this.batchKeys.length = 0;
      for (const r of records) if (r.key !== null) this.batchKeys.push(r.key);
      for (let i = 0; i < this.processors.length; i++) {
        const p = this.processors[i]!;
        if (p.prepareBatch) await p.prepareBatch(this.batchKeys, this.contexts[i]!);
      }
    }
    const first = this.processors[0];
    const firstCtx = this.contexts[0];
    for (const record of records) {
      if (record.timestampMs > this.watermark) this.watermark = record.timestampMs;
      if (!first || !firstCtx) continue;
      try {
        first.process(record, firstCtx);
      } catch (err) {
        this.deadLetter(record.raw, firstCtx.node, toSluiceError(err, 'INTERNAL'));
      }
    }
    this.advanceWatermark();
    const last = raws[raws.length - 1]!;
    this.positions.set(last.topic, (BigInt(last.offset) + 1n).toString());
    this.pendingSourceTimestamps.push(last.timestampMs);
  }

  /** Tell every node the watermark (they may close windows and forward results). */
  advanceWatermark(): void {
    if (this.watermark === Number.NEGATIVE_INFINITY) return;
    for (let i = 0; i < this.processors.length; i++) {
      const p = this.processors[i]!;
      if (!p.onWatermark) continue;
      try {
        p.onWatermark(this.watermark, this.contexts[i]!);
      } catch (err) {
        throw new SluiceError('INTERNAL', `node ${this.contexts[i]!.node} failed on watermark`, {
          cause: err,
        });
      }
    }
  }

  /**
   * What a commit records: input positions plus, for repartition inputs, upstream origins, and
   * the nodes' checkpoint values.
   */
  checkpointOffsets(): ReadonlyMap<string, string> {
    if (this.originMarks.size === 0 && this.nodeValues.size === 0) return this.positions;
    const out = new Map(this.positions);
    for (const [upstream, [offset, seq]] of this.originMarks) {
      out.set(`${ORIGIN_MARK_PREFIX}${upstream}`, `${offset}:${seq}`);
    }
    for (const [name, value] of this.nodeValues) out.set(`${NODE_VALUE_PREFIX}${name}`, value);
    return out;
  }

  /** Run processors' commit hooks (before the state's two-phase commit). */
  async beforeCommit(): Promise<void> {
    for (let i = 0; i < this.processors.length; i++) {
      await this.processors[i]!.onCommit?.(this.contexts[i]!);
    }
  }

  async close(): Promise<void> {
    for (const p of this.processors) await p.close?.();
  }

  private decode(raw: RawRecord): StreamRecord | undefined {
    const { topology } = this.deps;
    let value = predecodedValue(raw);
    if (value === undefined) {
      const decoded = this.deps.codec.decode(raw);
      if (!decoded.ok) {
        this.deadLetter(raw, 'decode', decoded.error);
        return undefined;
      }
      value = decoded.value;
    }
    const invalid = this.validator?.check(value);
    if (invalid) {
      this.deadLetter(raw, 'decode', invalid);
      return undefined;
    }
    let timestampMs = raw.timestampMs;
    if (this.dedupe && this.alreadyApplied(raw)) {
      this.duplicatesSkipped.inc();
      return undefined;
    }
    const carried = raw.headers[EVENT_TIME_HEADER];
    if (this.deps.subtopology.internalSource && carried !== undefined) {
      timestampMs = Number(carried);
    } else if (topology.timestampField !== undefined) {
      const ts = eventTime(value, topology.timestampField);
      if (typeof ts === 'string') {
        this.deadLetter(
          raw,
          'decode',
          new SluiceError(
            ts === 'missing' ? 'FIELD_MISSING' : 'FIELD_TYPE',
            `timestamp field "${topology.timestampField}" is ${ts === 'missing' ? 'missing' : 'not epoch milliseconds'}`,
            { context: { field: topology.timestampField } },
          ),
        );
        return undefined;
      }
      timestampMs = ts;
    }
    return {
      key: rawKeyText(raw),
      value,
      timestampMs,
      headers: raw.headers,
      origin: raw,
      raw,
    };
  }

  /** True if this repartitioned record's origin was applied before (an upstream replay). */
  private alreadyApplied(raw: RawRecord): boolean {
    const header = raw.headers[ORIGIN_HEADER];
    if (header === undefined) return false;
    const first = header.indexOf(':');
    const second = header.indexOf(':', first + 1);
    const third = header.indexOf(':', second + 1);
    if (first < 0 || second < 0 || third < 0) return false;
    const upstream = `${header.slice(third + 1)}:${header.slice(0, first)}`;
    const offset = BigInt(header.slice(first + 1, second));
    const seq = Number(header.slice(second + 1, third));
    const mark = this.originMarks.get(upstream);
    if (mark && (offset < mark[0] || (offset === mark[0] && seq <= mark[1]))) return true;
    this.originMarks.set(upstream, [offset, seq]);
    return false;
  }

  private deadLetter(raw: RawRecord, node: string, error: SluiceError): void {
    const { topology } = this.deps;
    this.deps.sink.send(deadLetterRecord(topology.deadLetterTopic, topology.job, node, raw, error));
    let counter = this.deadLetterCounters.get(error.code);
    if (!counter) {
      counter = this.deps.metrics.counter('deadLetters', { job: topology.job, reason: error.code });
      this.deadLetterCounters.set(error.code, counter);
    }
    counter.inc();
  }

  private makeContext(node: string, index: number): ProcessorContext {
    const lateCounter = this.deps.metrics.counter('lateRecords', {
      job: this.deps.topology.job,
      node,
    });
    return {
      taskId: this.id,
      node,
      forward: (record: StreamRecord): void => {
        const next = this.processors[index + 1];
        if (!next) return;
        const ctx = this.contexts[index + 1]!;
        try {
          next.process(record, ctx);
        } catch (err) {
          this.deadLetter(record.raw, ctx.node, toSluiceError(err, 'INTERNAL'));
        }
      },
      send: (output: OutputRecord): void => {
        this.deps.sink.send(output);
      },
      deadLetter: (record: StreamRecord, error: SluiceError): void => {
        this.deadLetter(record.raw, node, error);
      },
      getStore: <S>(name: string): S => {
        const store = this.deps.state.stores.get(name);
        if (!store) {
          throw new SluiceError('INTERNAL', `node ${node} asked for undeclared store "${name}"`);
        }
        return store as S;
      },
      countLate: (): void => {
        lateCounter.inc();
      },
      nowMs: (): number => this.deps.clock.nowMs(),
      checkpoint: {
        get: (name: string): string | undefined => this.nodeValues.get(`${node}:${name}`),
        set: (name: string, value: string): void => {
          this.nodeValues.set(`${node}:${name}`, value);
        },
      },
    };
  }
}

/** Event time from a field: a finite number of epoch ms, or a numeric string. */
function eventTime(value: JsonObject, field: string): number | 'missing' | 'wrong-type' {
  const v = Object.prototype.hasOwnProperty.call(value, field) ? value[field] : undefined;
  if (v === undefined || v === null) return 'missing';
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return 'wrong-type';
}
