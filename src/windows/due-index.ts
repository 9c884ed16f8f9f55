// The in-memory index of when each key next needs attention (a window closing or expiring):
// due time → keys. The window operator rebuilds it from the store after a restore.

/**
 * Keys bucketed by due time (epoch ms) with a min-heap of the distinct times. A key may appear
 * more than once and stale entries are allowed: whoever takes a key re-checks its windows.
 */
export class DueIndex {
  private readonly buckets = new Map<number, string[]>();
  private readonly heap: number[] = [];
  private entries = 0;

  /** The earliest due time, or +Infinity when empty. */
  nextDueMs = Number.POSITIVE_INFINITY;

  get size(): number {
    return this.entries;
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
