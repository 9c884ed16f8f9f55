// The main thread's side of the consumer thread, over a stand-in thread: batches reach the
// handler in order and are reported taken once it returns, seeks make earlier batches stale,
// commits and crashes cross over, and a thread that dies fails what waits on it.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type {
  FromConsumerThread,
  ToConsumerThread,
} from '../../src/sources/kafka/consumer-thread-protocol.js';
import {
  ConsumerThreadSource,
  type ConsumerThreadHandle,
} from '../../src/sources/kafka/consumer-thread-source.js';
import {
  encodeFetchedBatch,
  type FetchedBatchMessage,
} from '../../src/sources/kafka/fetched-batch.js';
import type {
  BatchControl,
  RecordList,
  SourceBatch,
} from '../../src/sources/kafka/kafka-source.js';

class StandInThread extends EventEmitter implements ConsumerThreadHandle {
  readonly sent: ToConsumerThread[] = [];
  terminated = false;

  postMessage(message: ToConsumerThread): void {
    this.sent.push(message);
    // The thread answers a run, a commit and a stop as the real one does.
    if (message.type === 'run') queueMicrotask(() => this.reply({ type: 'running' }));
    if (message.type === 'commit') {
      queueMicrotask(() => this.reply({ type: 'committed', id: message.id, ok: true }));
    }
    if (message.type === 'stop') queueMicrotask(() => this.reply({ type: 'stopped' }));
  }

  reply(message: FromConsumerThread): void {
    this.emit('message', message);
  }

  terminate(): Promise<number> {
    this.terminated = true;
    return Promise.resolve(0);
  }
}

function packed(partition: number, offsets: number[]): FetchedBatchMessage {
  return encodeFetchedBatch(
    {
      topic: 'in',
      partition,
      highWatermark: '1000',
      messages: offsets.map((o) => ({
        offset: String(o),
        timestamp: String(1000 + o),
        key: Buffer.from(`k${o}`),
        value: Buffer.from(`{"n":${o}}`),
      })),
    },
    String(offsets[0] ?? 0),
    String(offsets.at(-1) ?? 0),
  );
}

interface Received {
  readonly batch: SourceBatch;
  readonly control: BatchControl;
}

async function started(): Promise<{
  thread: StandInThread;
  source: ConsumerThreadSource;
  received: Received[];
  assignments: Array<Record<string, number[]>>;
  crashes: Array<[string, boolean]>;
  release: () => void;
}> {
  const thread = new StandInThread();
  const source = new ConsumerThreadSource(thread, {
    source: {
      brokers: ['127.0.0.1:1'],
      groupId: 'g',
      clientId: 'c',
      topics: ['in'],
      fromBeginning: true,
      member: { api: '' },
    },
    fields: new Map([['in', ['n']]]),
    maxRecordBytes: 1024,
    maxAheadBytes: 1024 * 1024,
    maxPostedBytes: 1024 * 1024,
  });
  const received: Received[] = [];
  const assignments: Array<Record<string, number[]>> = [];
  const crashes: Array<[string, boolean]> = [];
  let gate: () => void = () => undefined;
  let open = new Promise<void>((resolve) => (gate = resolve));
  await source.run({
    onBatch: async (batch, control) => {
      received.push({ batch, control });
      await open;
    },
    onAssignment: (a) => assignments.push(a),
    onCrash: (err, restarting) => crashes.push([err.message, restarting]),
  });
  const release = (): void => {
    gate();
    open = new Promise<void>((resolve) => (gate = resolve));
  };
  return { thread, source, received, assignments, crashes, release };
}

const offsetsOf = (records: RecordList): string[] =>
  records.slice(0, records.length).map((r) => r.offset);

describe('ConsumerThreadSource', () => {
  it('hands over batches in order, decoded, and reports them taken once the handler returns', async () => {
    const { thread, received, release } = await started();
    const a = packed(0, [0, 1]);
    const b = packed(1, [5]);
    thread.reply({ type: 'batches', batches: [a, b], seeksApplied: 0 });
    expect(received.map((r) => [r.batch.partition, offsetsOf(r.batch.records)])).toEqual([
      [0, ['0', '1']],
      [1, ['5']],
    ]);
    expect(received[0]!.batch.records.slice(1, 2)[0]!.predecoded?.valueAt(1)).toEqual({ n: 1 });
    expect(thread.sent.filter((m) => m.type === 'taken')).toEqual([]);
    release();
    await new Promise((r) => setImmediate(r));
    expect(thread.sent.filter((m) => m.type === 'taken')).toEqual([
      { type: 'taken', bytes: a.bytes },
      { type: 'taken', bytes: b.bytes },
    ]);
  });

  it('marks a batch stale when a later seek of its partition was not yet applied', async () => {
    const { thread, source, received } = await started();
    thread.reply({ type: 'batches', batches: [packed(0, [0]), packed(1, [0])], seeksApplied: 0 });
    source.seek('in', 0, '0');
    expect(thread.sent.at(-1)).toEqual({ type: 'seek', topic: 'in', partition: 0, offset: '0' });
    expect(received.map((r) => r.control.isStale())).toEqual([true, false]);
    // Posted after the thread applied the seek: current.
    thread.reply({ type: 'batches', batches: [packed(0, [0])], seeksApplied: 1 });
    expect(received[2]!.control.isStale()).toBe(false);
  });

  it('passes assignments, crashes and commits across', async () => {
    const { thread, source, assignments, crashes } = await started();
    thread.reply({ type: 'assignment', assignment: { in: [0, 2] } });
    thread.reply({ type: 'crash', message: 'broker gone', restarting: true });
    expect(assignments).toEqual([{ in: [0, 2] }]);
    expect(crashes).toEqual([['broker gone', true]]);
    await expect(source.commit([{ topic: 'in', partition: 0, offset: '7' }])).resolves.toBe(true);
    expect(thread.sent.find((m) => m.type === 'commit')).toMatchObject({
      offsets: [{ topic: 'in', partition: 0, offset: '7' }],
    });
    await expect(source.commit([])).resolves.toBe(true);
  });

  it('fails pending commits and reports a crash when the thread dies', async () => {
    const { thread, source, crashes } = await started();
    thread.postMessage = (message) => void thread.sent.push(message); // stops answering
    const pending = source.commit([{ topic: 'in', partition: 0, offset: '1' }]);
    thread.emit('exit', 1);
    await expect(pending).resolves.toBe(false);
    expect(crashes).toEqual([['consumer thread exited (1)', false]]);
    await expect(source.commit([{ topic: 'in', partition: 0, offset: '2' }])).resolves.toBe(false);
  });

  it('stops the thread after it leaves the group', async () => {
    const { thread, source } = await started();
    await source.stop();
    expect(thread.sent.at(-1)).toEqual({ type: 'stop' });
    expect(thread.terminated).toBe(true);
  });
});
