// The consumer thread's hand-over of packed batches: posted to the main thread while it has room
// (ConsumerThreadData.maxPostedBytes), held on the thread otherwise. Kept apart from the thread's
// script so that the accounting can be tested without a thread.

import type { FetchedBatchMessage } from './fetched-batch.js';

/** Batches packed in one turn, posted together, with the seeks applied when they were packed. */
export interface BatchGroup {
  readonly batches: FetchedBatchMessage[];
  /** A group packed before a seek is stale after it, however late it is posted. */
  readonly seeksApplied: number;
  /** Estimated bytes of its batches (FetchedBatchMessage.bytes). */
  readonly bytes: number;
}

export class BatchPoster {
  private readonly held: BatchGroup[] = [];
  private postedBytes = 0;

  constructor(
    private readonly maxPostedBytes: number,
    private readonly post: (group: BatchGroup) => void,
  ) {}

  /** Posted and not yet taken, estimated bytes. */
  get posted(): number {
    return this.postedBytes;
  }

  /** Groups held on this thread. */
  get heldGroups(): number {
    return this.held.length;
  }

  add(batches: FetchedBatchMessage[], seeksApplied: number): void {
    if (batches.length === 0) return;
    const bytes = batches.reduce((sum, b) => sum + b.bytes, 0);
    this.held.push({ batches, seeksApplied, bytes });
    this.postWhileRoom();
  }

  /** The main thread took `bytes` of posted batches: post more. */
  taken(bytes: number): void {
    this.postedBytes -= bytes;
    this.postWhileRoom();
  }

  /** Posts the oldest held groups while less than the bound is posted (always one at least). */
  private postWhileRoom(): void {
    while (this.held.length > 0 && this.postedBytes < this.maxPostedBytes) {
      const group = this.held.shift()!;
      this.postedBytes += group.bytes;
      this.post(group);
    }
  }
}
