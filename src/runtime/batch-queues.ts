// Fetched batches waiting to be processed, one queue per task, with a bound on the bytes held
// (the consumer waits for room) and the choice of what to run next: within a sub-topology, the
// task whose next record is oldest, so its partitions advance together in event time.

import { RoomWaiters } from '../core/room-waiters.js';
import type { BatchControl, SourceBatch } from '../sources/kafka/kafka-source.js';

export interface QueuedBatch {
  readonly batch: SourceBatch;
  readonly control: BatchControl;
  /** Index of the first record not processed yet. */
  next: number;
}

/** A sub-topology's next chunk: its oldest queue head and where that chunk should stop. */
export interface ChunkCandidate {
  readonly taskId: string;
  readonly subtopology: number;
  readonly entry: QueuedBatch;
  /** Timestamp of the head's next record, ms. */
  readonly headMs: number;
  /** The chunk ends before the first record newer than this (the other tasks' oldest next). */
  untilMs: number;
}

export class BatchQueues {
  private readonly queues = new Map<string, QueuedBatch[]>();
  private bytes = 0;
  private readonly room = new RoomWaiters();
  /** Set while processing waits for a partition's fetch: the consumer may exceed the bound. */
  fetchWanted = false;

  constructor(
    /** Queued bytes (keys and values) above which the consumer waits. */
    private readonly maxBytes: number,
  ) {}

  get queuedBytes(): number {
    return this.bytes;
  }

  has(taskId: string): boolean {
    return (this.queues.get(taskId)?.length ?? 0) > 0;
  }

  head(taskId: string): QueuedBatch | undefined {
    return this.queues.get(taskId)?.[0];
  }

  push(taskId: string, batch: SourceBatch, control: BatchControl): void {
    let queue = this.queues.get(taskId);
    if (!queue) {
      queue = [];
      this.queues.set(taskId, queue);
    }
    queue.push({ batch, control, next: 0 });
    this.bytes += batch.bytes;
  }

  /**
   * Resolves once the queue is under its bound, a fetch is wanted or `stopped()` turns true;
   * heartbeats every second meanwhile (a long restore can hold the queue).
   */
  async waitForRoom(control: BatchControl, stopped: () => boolean): Promise<void> {
    await this.room.waitWhile(
      () => this.bytes > this.maxBytes && !this.fetchWanted && !stopped(),
      () => control.heartbeat(),
    );
  }

  /** Wakes waiting consumers if there is room (or regardless, when `force`). */
  releaseRoom(force = false): void {
    if (!force && this.bytes > this.maxBytes && !this.fetchWanted) return;
    this.room.wakeAll();
  }

  /** Records of `entry` (the head of its task's queue) up to `end` are done. */
  advance(taskId: string, entry: QueuedBatch, end: number): void {
    entry.next = end;
    if (end >= entry.batch.records.length && this.head(taskId) === entry) this.dropHead(taskId);
  }

  dropHead(taskId: string): void {
    const done = this.queues.get(taskId)?.shift();
    if (done) this.bytes -= done.batch.bytes;
  }

  /** Forgets the tasks' queues (closed, revoked or rewound: their partitions are re-read). */
  drop(taskIds: Iterable<string>): void {
    for (const id of [...taskIds]) {
      const queue = this.queues.get(id);
      if (!queue) continue;
      for (const q of queue) this.bytes -= q.batch.bytes;
      queue.length = 0;
      this.queues.delete(id);
    }
    this.releaseRoom(true);
  }

  taskIds(): string[] {
    return [...this.queues.keys()];
  }

  /**
   * Per sub-topology, the queue head whose next record has the smallest timestamp, with the
   * smallest next timestamp of the sub-topology's other queues as `untilMs`. Heads whose batch
   * went stale (a seek of its partition is pending) are dropped on the way.
   */
  oldestHeads(subtopologyOf: (topic: string) => number): Map<number, ChunkCandidate> {
    const bySub = new Map<number, ChunkCandidate>();
    for (const [taskId, queue] of this.queues) {
      let head = queue[0];
      while (head && head.control.isStale()) {
        this.dropHead(taskId);
        head = queue[0];
      }
      if (!head) continue;
      const subtopology = subtopologyOf(head.batch.topic);
      const headMs = head.batch.records.timestampAt(head.next);
      const current = bySub.get(subtopology);
      if (current === undefined) {
        bySub.set(subtopology, {
          taskId,
          subtopology,
          entry: head,
          headMs,
          untilMs: Number.POSITIVE_INFINITY,
        });
      } else if (headMs < current.headMs) {
        bySub.set(subtopology, {
          taskId,
          subtopology,
          entry: head,
          headMs,
          untilMs: Math.min(current.untilMs, current.headMs),
        });
      } else if (headMs < current.untilMs) {
        current.untilMs = headMs;
      }
    }
    return bySub;
  }
}

/** True if the candidate should wait: a record it must not pass is older than its head. */
export function mustWait(candidate: ChunkCandidate): boolean {
  return candidate.untilMs < candidate.headMs;
}

/** Of the sub-topologies' candidates: one that need not wait if any, then the oldest head. */
export function chooseCandidate(candidates: Iterable<ChunkCandidate>): ChunkCandidate | undefined {
  let best: ChunkCandidate | undefined;
  for (const c of candidates) {
    if (
      best === undefined ||
      (mustWait(best) && !mustWait(c)) ||
      (mustWait(best) === mustWait(c) && c.headMs < best.headMs)
    ) {
      best = c;
    }
  }
  return best;
}

/**
 * Where a chunk of `entry` ends (exclusive index): at the first record newer than `untilMs`, but
 * after at least `minRecords` and at most `maxRecords` records (and at the batch's end).
 */
export function chunkEnd(
  entry: QueuedBatch,
  untilMs: number,
  minRecords: number,
  maxRecords: number,
): number {
  const records = entry.batch.records;
  const max = Math.min(records.length, entry.next + maxRecords);
  let end = Math.min(max, entry.next + minRecords);
  while (end < max && records.timestampAt(end) <= untilMs) end++;
  return end;
}
