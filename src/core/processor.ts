// The Processor contract: one required method, optional lifecycle. A topology is a chain of
// named processors; the runtime drives them one fetched batch at a time, synchronously.

import type { SluiceError } from './errors.js';
import type { JsonObject, StreamRecord } from './record.js';
import type { OutputRecord } from './sink.js';

/** Identifies one task: a job's sub-topology on one input partition. */
export interface TaskId {
  readonly job: string;
  /** Index of the sub-topology (0 = reads the job's source topics; 1.. = after a repartition). */
  readonly subtopology: number;
  readonly partition: number;
}

/** What a processor sees of the running task. Stores come from the task's store manager. */
export interface ProcessorContext {
  readonly taskId: TaskId;
  /** Name of the node this processor runs as. */
  readonly node: string;
  /** Pass a record to the next node in the chain. */
  forward(record: StreamRecord): void;
  /** Write a record to a topic through the task's producer (sinks, repartition). */
  send(output: OutputRecord): void;
  /** Send a record to the job's dead-letter topic with the reason; it goes no further. */
  deadLetter(record: StreamRecord, error: SluiceError): void;
  /** A state store this node declared in `stores()`, opened and restored by the runtime. */
  getStore<S>(name: string): S;
  /** Count a late record (metric `sluice_late_records_total`). */
  countLate(): void;
  /** Current wall-clock time, epoch ms (a manual clock in tests). */
  nowMs(): number;
  /**
   * Small values of this node committed atomically with the task's state and input offsets, and
   * read back after a restart or a restore (e.g. a window node's stream time). Set them in
   * `onCommit`; only tasks with state stores keep them.
   */
  readonly checkpoint: CheckpointValues;
}

/** A node's own named strings in its task's checkpoint (see ProcessorContext.checkpoint). */
export interface CheckpointValues {
  get(name: string): string | undefined;
  set(name: string, value: string): void;
}

/** A state store a processor needs, created and restored by the runtime before `init`. */
export interface StoreDeclaration {
  readonly name: string;
  readonly kind: 'key-value' | 'window';
  /** Changes when the stored value format changes, so incompatible bytes are never reused. */
  readonly stateId: string;
  readonly queryable: boolean;
  /** Entries older than this (by window end) are deleted and tombstoned. Undefined = keep. */
  readonly retentionMs?: number;
  /**
   * How the query API presents a stored value: rows (e.g. one per window) overlapping
   * [fromMs, toMs). Without it, a value is served as one row.
   */
  readonly view?: (key: string, value: unknown, fromMs?: number, toMs?: number) => JsonObject[];
}

export interface Processor {
  /** Handle one record: forward zero or more records, or dead-letter it. Never awaits. */
  process(record: StreamRecord, ctx: ProcessorContext): void;
  /** Stores this processor uses. */
  stores?(): readonly StoreDeclaration[];
  init?(ctx: ProcessorContext): void | Promise<void>;
  /**
   * Called once per batch before any `process` call, with the keys of the batch's records,
   * so a stateful processor can load what it needs in one multi-get instead of an await per record.
   */
  prepareBatch?(keys: readonly string[], ctx: ProcessorContext): void | Promise<void>;
  /** Event time advanced (per-task watermark = max event time seen). May forward records. */
  onWatermark?(watermarkMs: number, ctx: ProcessorContext): void;
  /** Before offsets are committed: flush what must be durable. */
  onCommit?(ctx: ProcessorContext): void | Promise<void>;
  close?(): void | Promise<void>;
}

/** Builds a fresh processor for each task (processors hold per-task state). */
export type ProcessorFactory = () => Processor;
