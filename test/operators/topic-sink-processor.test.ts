import { describe, expect, it } from 'vitest';
import { TopicSinkProcessor } from '../../src/operators/topic-sink-processor.js';
import { RecordingContext, streamRecord } from './recording-context.js';

describe('TopicSinkProcessor', () => {
  it('sends the value as JSON with key, headers and event time, then forwards the record', () => {
    const ctx = new RecordingContext('out');
    const record = streamRecord(
      { a: 1, s: 'x' },
      { key: 'k', timestampMs: 99, headers: { h: 'v' } },
    );
    new TopicSinkProcessor('activity-enriched').process(record, ctx);
    expect(ctx.sent).toEqual([
      {
        topic: 'activity-enriched',
        key: 'k',
        value: '{"a":1,"s":"x"}',
        headers: { h: 'v' },
        timestampMs: 99,
      },
    ]);
    expect(ctx.forwarded).toEqual([record]);
  });

  it('keeps a null key', () => {
    const ctx = new RecordingContext('out');
    new TopicSinkProcessor('t').process(streamRecord({}, { key: null }), ctx);
    expect(ctx.sent[0]!.key).toBeNull();
  });
});
