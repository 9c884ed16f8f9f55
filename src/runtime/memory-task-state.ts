// Task state for the TestDriver: in-memory stores whose committed contents are mirrored into an
// in-memory "changelog", so a test can drop a task at a commit boundary and restore it.

import type { KeyValueStore } from '../core/store.js';
import type { RecordSink } from '../core/sink.js';
import { MemoryKeyValueStore } from '../state/memory/memory-key-value-store.js';
import type { TaskState, TaskStateFactory, TaskStateRequest } from './task-state.js';

interface CommittedTask {
  /** Store name → key → committed value (JSON text, so restored values are fresh copies). */
  readonly stores: Map<string, Map<string, string>>;
  readonly offsets: Map<string, string>;
}

/** Keeps committed state across task restarts, like a changelog topic would. */
export class MemoryTaskStateFactory implements TaskStateFactory {
  private readonly committed = new Map<string, CommittedTask>();

  async open(request: TaskStateRequest): Promise<TaskState> {
    const id = `${request.job}/${request.subtopology}/${request.partition}`;
    let saved = this.committed.get(id);
    if (!saved) {
      saved = { stores: new Map(), offsets: new Map() };
      this.committed.set(id, saved);
    }
    const stores = new Map<string, MemoryKeyValueStore<unknown>>();
    for (const decl of request.declarations) {
      const store = new MemoryKeyValueStore<unknown>(decl.name);
      for (const [k, v] of saved.stores.get(decl.name) ?? [])
        store.put(k, JSON.parse(v) as unknown);
      stores.set(decl.name, store);
    }
    return new MemoryTaskState(saved, stores, request.changelogSink);
  }
}

class MemoryTaskState implements TaskState {
  private pendingOffsets: ReadonlyMap<string, string> | undefined;

  constructor(
    private readonly saved: CommittedTask,
    readonly stores: Map<string, MemoryKeyValueStore<unknown>>,
    _sink: RecordSink,
  ) {}

  get resumeOffsets(): ReadonlyMap<string, string> {
    return this.saved.offsets;
  }

  prepareCommit(offsets: ReadonlyMap<string, string>): void {
    this.pendingOffsets = new Map(offsets);
  }

  async completeCommit(): Promise<void> {
    for (const [name, store] of this.stores) {
      const snapshot = new Map<string, string>();
      for await (const [k, v] of (store as KeyValueStore<unknown>).entries()) {
        snapshot.set(k, JSON.stringify(v));
      }
      this.saved.stores.set(name, snapshot);
    }
    if (this.pendingOffsets) {
      for (const [t, o] of this.pendingOffsets) this.saved.offsets.set(t, o);
    }
  }

  needsCommit(): boolean {
    return false;
  }

  async close(): Promise<void> {}
}
