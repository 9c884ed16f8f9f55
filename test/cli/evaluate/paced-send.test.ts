// sendPaced at full speed (rate 0, nothing to wait for): order kept, labels with their event,
// batches bounded, and a send failure surfaces.
import { describe, expect, it } from 'vitest';
import { sendPaced } from '../../../src/cli/evaluate/paced-send.js';
import type { GeneratedMessage } from '../../../src/cli/generate/demo-data-generator.js';
import type { DemoSink } from '../../../src/cli/generate/demo-producer.js';

function msg(i: number, stream: GeneratedMessage['stream'] = 'transactions'): GeneratedMessage {
  return { topic: stream, key: String(i), value: Buffer.from(String(i)), timestampMs: i, stream };
}

class RecordingSink implements DemoSink {
  readonly rejectedOversized = 0;
  readonly batches: GeneratedMessage[][] = [];
  constructor(private readonly failOn = -1) {}
  async ensureTopics(): Promise<void> {}
  async send(messages: readonly GeneratedMessage[]): Promise<void> {
    this.batches.push([...messages]);
    if (this.batches.length === this.failOn) throw new Error('broker said no');
  }
  async close(): Promise<void> {}
}

describe('sendPaced', () => {
  const messages = [
    msg(0),
    msg(1),
    msg(1, 'fraud-labels'),
    msg(2),
    msg(3),
    msg(4),
    msg(4, 'fraud-labels'),
  ];

  it('sends everything in order in bounded batches, labels in the batch of their event', async () => {
    const sink = new RecordingSink();
    const sentAt: number[] = [];
    const result = await sendPaced(sink, messages, {
      ratePerSec: 0,
      maxBatch: 2,
      maxInFlight: 2,
      onSend: (batch) => sentAt.push(batch.length),
    });
    expect(result.events).toBe(5);
    expect(sink.batches.flat()).toEqual(messages);
    expect(sink.batches.map((b) => b.map((m) => `${m.stream[0]}${m.key}`))).toEqual([
      ['t0', 't1', 'f1'],
      ['t2', 't3'],
      ['t4', 'f4'],
    ]);
    expect(sentAt).toEqual([3, 2, 2]);
  });

  it('rejects with the first failure', async () => {
    await expect(
      sendPaced(new RecordingSink(2), messages, { ratePerSec: 0, maxBatch: 1, maxInFlight: 4 }),
    ).rejects.toThrow(/broker said no/);
  });
});
