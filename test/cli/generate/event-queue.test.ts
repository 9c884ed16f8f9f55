import { describe, expect, it } from 'vitest';
import { EventQueue } from '../../../src/cli/generate/event-queue.js';
import { Prng } from '../../../src/cli/generate/prng.js';

describe('EventQueue', () => {
  it('pops by due time, first-in first-out among equal times', () => {
    const q = new EventQueue<string>();
    q.push(30, 'c');
    q.push(10, 'a1');
    q.push(20, 'b');
    q.push(10, 'a2');
    expect(q.peekDueMs()).toBe(10);
    expect([q.pop(), q.pop(), q.pop(), q.pop(), q.pop()]).toEqual([
      'a1',
      'a2',
      'b',
      'c',
      undefined,
    ]);
    expect(q.size).toBe(0);
  });

  it('sorts many random entries', () => {
    const q = new EventQueue<number>();
    const prng = new Prng(1);
    const due = Array.from({ length: 1000 }, () => prng.int(0, 500));
    due.forEach((d) => q.push(d, d));
    const out: number[] = [];
    while (q.size > 0) out.push(q.pop()!);
    expect(out).toEqual([...due].sort((a, b) => a - b));
  });
});
