// Sends a store's committed changes to its changelog partition through the task's sink, then a
// checkpoint marker: a restore applies changes only up to the last marker it finds.

import type { RecordSink } from '../core/sink.js';
import {
  CHECKPOINT_MARKER_KEY,
  encodeCheckpoint,
  type StoreCheckpoint,
} from './store-checkpoint.js';

export class ChangelogWriter {
  private sent = 0;

  constructor(
    private readonly sink: RecordSink,
    /** `<job>-<store>-changelog`. */
    readonly topic: string,
    /** Same as the task's input partition. */
    readonly partition: number,
  ) {}

  /**
   * Records handed to the sink so far. Each takes at least one offset once written, so the end
   * offset seen at open plus this count is a lower bound on the changelog end.
   */
  get sentRecords(): number {
    return this.sent;
  }

  /** A changed value (bytes) or a deletion (null: a tombstone, so compaction drops the key). */
  send(key: Buffer, value: Buffer | null): void {
    this.sink.send({ topic: this.topic, partition: this.partition, key, value });
    this.sent++;
  }

  /** Seals everything sent before it as one complete commit. */
  sendMarker(checkpoint: StoreCheckpoint): void {
    this.send(CHECKPOINT_MARKER_KEY, encodeCheckpoint(checkpoint));
  }

  /** Waits until the sink has every record (used when a reset must be durable at open). */
  flush(): Promise<void> {
    return this.sink.flush();
  }
}
