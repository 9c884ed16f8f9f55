import { describe, expect, it } from 'vitest';
import type { RawRecord } from '../../src/core/record.js';
import {
  BatchQueues,
  chooseCandidate,
  chunkEnd,
  mustWait,
  type ChunkCandidate,
} from '../../src/runtime/batch-queues.js';
import {
  recordList,
  type BatchControl,
  type SourceBatch,
} from '../../src/sources/kafka/kafka-source.js';

function batch(topic: string, partition: number, timestamps: number[], bytes = 100): SourceBatch {
  const records: RawRecord[] = timestamps.map((timestampMs, i) => ({
    topic,
    partition,
    offset: String(i),
    timestampMs,
    key: null,
    value: Buffer.from('{}'),
    headers: {},
  }));
  return {
    topic,
    partition,
    records: recordList(records),
    highWatermark: String(records.length),
    fetchedOffset: '0',
    lastOffset: String(records.length - 1),
    bytes,
  };
}

function control(stale = false): BatchControl & { heartbeats: number } {
  const c = {
    heartbeats: 0,
    heartbeat: async (): Promise<void> => {
      c.heartbeats++;
    },
    isStale: () => stale,
  };
  return c;
}

const subOf = (topic: string): number => (topic === 'repartition' ? 1 : 0);

describe('BatchQueues: what runs next', () => {
  it('per sub-topology, the oldest head; its chunk ends at the other queues’ oldest next record', () => {
    const q = new BatchQueues(1_000_000);
    q.push('0:0', batch('in', 0, [50, 60, 70]), control());
    q.push('0:1', batch('in', 1, [10, 20, 90]), control());
    q.push('0:2', batch('in', 2, [30, 40]), control());
    q.push('1:0', batch('repartition', 0, [5, 6]), control());
    const heads = q.oldestHeads(subOf);
    expect(heads.get(0)).toMatchObject({ taskId: '0:1', headMs: 10, untilMs: 30 });
    expect(heads.get(1)).toMatchObject({ taskId: '1:0', headMs: 5, untilMs: Infinity });
  });

  it('ends a chunk at the first record newer than untilMs, within its minimum and maximum', () => {
    const q = new BatchQueues(1_000_000);
    q.push('0:0', batch('in', 0, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), control());
    const entry = q.head('0:0')!;
    expect(chunkEnd(entry, 4, 1, 100)).toBe(4); // records 1..4
    expect(chunkEnd(entry, 4, 6, 100)).toBe(6); // at least 6 records
    expect(chunkEnd(entry, 100, 1, 3)).toBe(3); // at most 3
    entry.next = 8;
    expect(chunkEnd(entry, 100, 1, 100)).toBe(10); // the batch's end
  });

  it('drops stale heads (a seek is pending) and keeps the byte count', () => {
    const q = new BatchQueues(1_000_000);
    q.push('0:0', batch('in', 0, [1], 300), control(true));
    q.push('0:0', batch('in', 0, [7], 200), control());
    expect(q.queuedBytes).toBe(500);
    expect(q.oldestHeads(subOf).get(0)).toMatchObject({ taskId: '0:0', headMs: 7 });
    expect(q.queuedBytes).toBe(200);
  });

  it('removes a batch once all its records are done', () => {
    const q = new BatchQueues(1_000_000);
    q.push('0:0', batch('in', 0, [1, 2, 3], 50), control());
    const entry = q.head('0:0')!;
    q.advance('0:0', entry, 2);
    expect(q.head('0:0')).toBe(entry);
    expect(entry.next).toBe(2);
    q.advance('0:0', entry, 3);
    expect(q.has('0:0')).toBe(false);
    expect(q.queuedBytes).toBe(0);
  });

  it('prefers a sub-topology that need not wait, then the oldest head', () => {
    const candidate = (taskId: string, headMs: number, untilMs: number): ChunkCandidate => ({
      taskId,
      subtopology: 0,
      entry: { batch: batch('in', 0, [headMs]), control: control(), next: 0 },
      headMs,
      untilMs,
    });
    const waiting = candidate('a', 5, 3);
    const ready = candidate('b', 9, 20);
    const older = candidate('c', 7, 20);
    expect(mustWait(waiting)).toBe(true);
    expect(chooseCandidate([waiting, ready])?.taskId).toBe('b');
    expect(chooseCandidate([ready, older, waiting])?.taskId).toBe('c');
    expect(chooseCandidate([waiting])?.taskId).toBe('a');
    expect(chooseCandidate([])).toBeUndefined();
  });
});

describe('BatchQueues: bound on fetched-ahead bytes', () => {
  it('makes the consumer wait above the bound until a batch is done', async () => {
    const q = new BatchQueues(150);
    const c = control();
    q.push('0:0', batch('in', 0, [1], 100), c);
    await q.waitForRoom(c, () => false); // under the bound: no wait
    q.push('0:1', batch('in', 1, [2], 100), c);
    let resolved = false;
    const waiting = q
      .waitForRoom(c, () => false)
      .then(() => {
        resolved = true;
      });
    await new Promise((r) => setImmediate(r));
    expect(resolved).toBe(false);
    q.dropHead('0:0');
    q.releaseRoom();
    await waiting;
    expect(resolved).toBe(true);
    expect(c.heartbeats).toBe(1);
  });

  it('lets the consumer fetch past the bound when a fetch is wanted, or once stopped', async () => {
    const q = new BatchQueues(50);
    const c = control();
    q.push('0:0', batch('in', 0, [1], 100), c);
    q.fetchWanted = true;
    await q.waitForRoom(c, () => false);
    q.fetchWanted = false;
    await q.waitForRoom(c, () => true);
    q.drop(['0:0']);
    expect(q.queuedBytes).toBe(0);
    expect(q.taskIds()).toEqual([]);
  });
});
