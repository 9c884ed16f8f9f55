import { describe, expect, it } from 'vitest';
import { compileExpression } from '../../src/expr/expression-compiler.js';
import {
  KeyByProcessor,
  keyString,
  REPARTITION_TIMESTAMP_HEADER,
} from '../../src/operators/key-by-processor.js';
import { RecordingContext, streamRecord } from './recording-context.js';

describe('KeyByProcessor', () => {
  it('sends the record to the repartition topic with the new key and event time, and does not forward', () => {
    const ctx = new RecordingContext('by-item');
    const record = streamRecord(
      { item_id: 'i-9', user_id: 'u1' },
      { key: 'u1', timestampMs: 1234, headers: { trace: 'abc' } },
    );
    new KeyByProcessor(compileExpression('item_id'), 'job-by-item-repartition').process(
      record,
      ctx,
    );
    expect(ctx.forwarded).toEqual([]);
    expect(ctx.sent).toEqual([
      {
        topic: 'job-by-item-repartition',
        key: 'i-9',
        value: JSON.stringify({ item_id: 'i-9', user_id: 'u1' }),
        headers: {
          trace: 'abc',
          [REPARTITION_TIMESTAMP_HEADER]: '1234',
          // partition:offset:seq:topic of the input record, for downstream de-duplication
          'sluice-origin': '0:42:0:in',
        },
        timestampMs: 1234,
      },
    ]);
    expect(REPARTITION_TIMESTAMP_HEADER).toBe('sluice-ts');
  });

  it('numbers the records one input produces in the origin header', () => {
    const ctx = new RecordingContext('k');
    const processor = new KeyByProcessor(compileExpression('item_id'), 't');
    const record = streamRecord({ item_id: 'a' });
    processor.process(record, ctx);
    processor.process({ ...record, value: { item_id: 'b' } }, ctx);
    processor.process(streamRecord({ item_id: 'c' }), ctx);
    expect(ctx.sent.map((s) => s.headers?.['sluice-origin'])).toEqual([
      '0:42:0:in',
      '0:42:1:in',
      '0:42:0:in',
    ]);
  });

  it('keys by an expression, composite keys as JSON', () => {
    const ctx = new RecordingContext('k');
    new KeyByProcessor(compileExpression('[user_id, item_id]'), 't').process(
      streamRecord({ user_id: 'u', item_id: 7 }),
      ctx,
    );
    expect(ctx.sent[0]!.key).toBe('["u",7]');
  });

  it('dead-letters a missing key field (FIELD_MISSING) and a null key (FIELD_TYPE)', () => {
    const ctx = new RecordingContext('by-item');
    const processor = new KeyByProcessor(compileExpression('item_id'), 't');
    processor.process(streamRecord({ user_id: 'u1' }), ctx);
    processor.process(streamRecord({ item_id: null }), ctx);
    expect(ctx.sent).toEqual([]);
    expect(ctx.deadLetters.map((d) => d.error.code)).toEqual(['FIELD_MISSING', 'FIELD_TYPE']);
    expect(ctx.deadLetters.every((d) => d.error.context.node === 'by-item')).toBe(true);
  });

  it('turns key values into strings', () => {
    expect(keyString('a', 'x')).toBe('a');
    expect(keyString(12.5, 'x')).toBe('12.5');
    expect(keyString(true, 'x')).toBe('true');
    expect(keyString(['a', 1], 'x')).toBe('["a",1]');
    expect(() => keyString({ a: 1 }, 'x')).toThrow(/object/);
    expect(() => keyString(null, 'x')).toThrow(/null/);
  });
});
