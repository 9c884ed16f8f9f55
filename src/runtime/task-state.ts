// What a task needs from its state: its opened stores, the input offsets it must resume from,
// and a two-phase commit around the sink flush. RocksDB-backed in the engine, in-memory in the
// TestDriver.

import type { StoreDeclaration } from '../core/processor.js';
import type { RecordSink } from '../core/sink.js';
import type { KeyValueStore } from '../core/store.js';

export interface TaskState {
  /** Stores by name, restored and ready. */
  readonly stores: ReadonlyMap<string, KeyValueStore<unknown>>;
  /** Next input offset per source topic from the last complete checkpoint (empty if none). */
  readonly resumeOffsets: ReadonlyMap<string, string>;
  /** Phase 1: write dirty entries and a checkpoint marker with `offsets` to the changelog sink. */
  prepareCommit(offsets: ReadonlyMap<string, string>): void;
  /** Phase 2, after the sink flushed: persist state and offsets locally in one atomic write. */
  completeCommit(): Promise<void>;
  /** True when the cache holds more dirty data than its budget: commit soon. */
  needsCommit(): boolean;
  close(): Promise<void>;
}

export interface TaskStateRequest {
  readonly job: string;
  readonly partition: number;
  readonly subtopology: number;
  readonly declarations: readonly StoreDeclaration[];
  readonly changelogSink: RecordSink;
  /** Reports restore progress (records replayed so far, records expected). */
  readonly onRestoreProgress?: (store: string, restored: number, total: number) => void;
  /** Called during long restores to keep group membership alive. */
  readonly heartbeat?: () => Promise<void>;
}

export interface TaskStateFactory {
  open(request: TaskStateRequest): Promise<TaskState>;
}

/** A task with no stores. */
export const EMPTY_TASK_STATE: TaskState = {
  stores: new Map(),
  resumeOffsets: new Map(),
  prepareCommit: () => undefined,
  completeCommit: async () => undefined,
  needsCommit: () => false,
  close: async () => undefined,
};
