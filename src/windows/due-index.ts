// The in-memory index of when each key next needs attention (a window closing or expiring):
// due time → keys. The window operator rebuilds it from the store after a restore. It holds
// every key it indexes, so the operator keeps expiries on the store's disk index when it has one.

import type { KeyTimeIndex } from '../core/store.js';

/**
 * Keys bucketed by due time (epoch ms) with a min-heap of the distinct times. A key may appear
 * more than once and stale entries are allowed: whoever takes a key re-checks its windows.
 * Also a KeyTimeIndex (for stores without one on disk): `flush` does nothing.
 */
export class DueIndex implements KeyTimeIndex {
  private readonly buckets = new Map<number, string[]>();
  private readonly heap: number[] = [];
  private entries = 0;

  /** The earliest due time, or +Infinity when empty. */
  nextDueMs = Number.POSITIVE_INFINITY;

  get size(): number {
    return this.entries;
  }

  get nextTimeMs(): number {
    return this.nextDueMs;
  }

  flush(): Promise<void> {
    return Promise.resolve();
  }

  /** `takeDue` cut after `limit` entries (a bucket may be split), as a KeyTimeIndex. */
  takeUpTo(upToMs: number, limit: number): Promise<string[]> {
    if (limit >= this.entries) return Promise.resolve(this.takeDue(upToMs));
    const seen = new Set<string>();
    let taken = 0;
    while (this.nextDueMs <= upToMs && taken < limit) {
      const dueMs = this.nextDueMs;
      const bucket = this.buckets.get(dueMs) ?? [];
      const room = limit - taken;
      let part: string[];
      if (bucket.length <= room) {
        this.pop();
        this.buckets.delete(dueMs);
        part = bucket;
      } else {
        part = bucket.splice(0, room);
      }
      this.entries -= part.length;
      taken += part.length;
      for (const key of part) seen.add(key);
    }
    return Promise.resolve([...seen]);
  }

  add(dueMs: number, key: string): void {
    let bucket = this.buckets.get(dueMs);
    if (bucket === undefined) {
      bucket = [];
      this.buckets.set(dueMs, bucket);
      this.push(dueMs);
    }
    bucket.push(key);
    this.entries++;
  }

  /** Removes and returns every key due at or before `nowMs`, without duplicates, in due order. */
  takeDue(nowMs: number): string[] {
    if (this.nextDueMs > nowMs) return [];
    const first = this.pop();
    const keys = this.buckets.get(first) ?? [];
    this.buckets.delete(first);
    this.entries -= keys.length;
    if (this.nextDueMs > nowMs) return keys.length > 1 ? [...new Set(keys)] : keys;
    const seen = new Set(keys);
    while (this.nextDueMs <= nowMs) {
      const dueMs = this.pop();
      const bucket = this.buckets.get(dueMs) ?? [];
      this.buckets.delete(dueMs);
      this.entries -= bucket.length;
      for (const key of bucket) seen.add(key);
    }
    return [...seen];
  }

  /** Removes and returns every entry: due time → keys, in no particular order. */
  drain(): Map<number, string[]> {
    const all = new Map(this.buckets);
    this.clear();
    return all;
  }

  clear(): void {
    this.buckets.clear();
    this.heap.length = 0;
    this.entries = 0;
    this.nextDueMs = Number.POSITIVE_INFINITY;
  }

  private push(value: number): void {
    const heap = this.heap;
    let i = heap.length;
    heap.push(value);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent] as number;
      if (p <= value) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = value;
    this.nextDueMs = heap[0] as number;
  }

  private pop(): number {
    const heap = this.heap;
    const top = heap[0] as number;
    const last = heap.pop() as number;
    const n = heap.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= n) break;
        const right = left + 1;
        const child = right < n && (heap[right] as number) < (heap[left] as number) ? right : left;
        const c = heap[child] as number;
        if (c >= last) break;
        heap[i] = c;
        i = child;
      }
      heap[i] = last;
    }
    this.nextDueMs = n > 0 ? (heap[0] as number) : Number.POSITIVE_INFINITY;
    return top;
  }
}
