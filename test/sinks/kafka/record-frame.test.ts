import { describe, expect, it } from 'vitest';
import type { OutputRecord } from '../../../src/core/sink.js';
import { readRecordFrame, RecordFrameWriter } from '../../../src/sinks/kafka/record-frame.js';

const text = (b: Buffer | null | undefined): string | null => (b ? b.toString('utf8') : null);

describe('record frames (job thread → producer thread)', () => {
  it('round-trips keys, values, partitions, timestamps and headers in order', () => {
    const records: OutputRecord[] = [
      { topic: 'a', key: 'k1', value: '{"n":1}' },
      { topic: 'b', key: null, value: Buffer.from([0, 255, 7]), partition: 3 },
      { topic: 'a', key: 'ключ-🔑', value: null, timestampMs: 1_700_000_000_123 },
      {
        topic: 'dlq',
        key: Buffer.from('raw'),
        value: 'v',
        headers: { 'sluice.error.code': 'LATE', 'x-é': 'ü' },
        partition: 0,
        timestampMs: 0,
      },
    ];
    const writer = new RecordFrameWriter(8); // tiny: forces the buffer to grow
    for (const r of records) writer.write(r);
    expect(writer.count).toBe(4);
    const frame = writer.take();
    expect(frame.count).toBe(4);
    expect(frame.topics).toEqual(['a', 'b', 'dlq']);
    const read = readRecordFrame(frame.buffer);
    expect(read.map((r) => frame.topics[r.topicIndex])).toEqual(['a', 'b', 'a', 'dlq']);
    expect(read.map((r) => text(r.key))).toEqual(['k1', null, 'ключ-🔑', 'raw']);
    expect(read[0]!.value?.toString()).toBe('{"n":1}');
    expect([...read[1]!.value!]).toEqual([0, 255, 7]);
    expect(read[2]!.value).toBeNull();
    expect(read.map((r) => r.partition)).toEqual([undefined, 3, undefined, 0]);
    expect(read.map((r) => r.timestampMs)).toEqual([undefined, undefined, 1_700_000_000_123, 0]);
    expect(
      Object.fromEntries(Object.entries(read[3]!.headers!).map(([k, v]) => [k, text(v)])),
    ).toEqual({
      'sluice.error.code': 'LATE',
      'x-é': 'ü',
    });
    expect(read[0]!.headers).toBeUndefined();
  });

  it('starts empty after take, with its own topic table', () => {
    const writer = new RecordFrameWriter();
    writer.write({ topic: 'x', key: 'a', value: 'b' });
    writer.take();
    expect(writer.count).toBe(0);
    expect(writer.byteLength).toBe(0);
    writer.write({ topic: 'y', key: 'c', value: 'd' });
    const frame = writer.take();
    expect(frame.topics).toEqual(['y']);
    expect(readRecordFrame(frame.buffer).map((r) => r.topicIndex)).toEqual([0]);
  });
});
