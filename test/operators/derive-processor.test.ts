import { describe, expect, it } from 'vitest';
import { compileExpression } from '../../src/expr/expression-compiler.js';
import { DeriveProcessor } from '../../src/operators/derive-processor.js';
import { RecordingContext, streamRecord } from './recording-context.js';

function derive(fields: Record<string, string>): DeriveProcessor {
  return new DeriveProcessor(
    Object.entries(fields).map(([name, source]) => ({
      name,
      expression: compileExpression(source),
    })),
  );
}

describe('DeriveProcessor', () => {
  it('adds fields in order, later ones seeing earlier ones, and keeps the rest', () => {
    const ctx = new RecordingContext('enrich');
    const record = streamRecord({ price: 2.5, qty: 4 }, { key: 'u1', timestampMs: 1000 });
    derive({ total: 'price * qty', big: 'total >= 10', price: 'round(price)' }).process(
      record,
      ctx,
    );
    expect(ctx.forwarded).toHaveLength(1);
    const out = ctx.forwarded[0]!;
    expect(out.value).toEqual({ price: 3, qty: 4, total: 10, big: true });
    expect(out.key).toBe('u1');
    expect(out.timestampMs).toBe(1000);
    expect(out.origin).toBe(record.origin);
  });

  it('does not modify the input record', () => {
    const ctx = new RecordingContext('enrich');
    const record = streamRecord({ price: 2 });
    derive({ price: 'price * 100' }).process(record, ctx);
    expect(record.value).toEqual({ price: 2 });
    expect(ctx.forwarded[0]!.value).toEqual({ price: 200 });
  });

  it('handles an optional field with coalesce and isNull', () => {
    const ctx = new RecordingContext('enrich');
    const processor = derive({
      cents: 'isNull(price) ? null : round(price * 100)',
      paid: 'coalesce(price, 0)',
    });
    processor.process(streamRecord({}), ctx);
    processor.process(streamRecord({ price: null }), ctx);
    processor.process(streamRecord({ price: 1.234 }), ctx);
    expect(ctx.forwarded.map((r) => r.value)).toEqual([
      { cents: null, paid: 0 },
      { price: null, cents: null, paid: 0 },
      { price: 1.234, cents: 123, paid: 1.234 },
    ]);
  });

  it('dead-letters the original record when a field fails, forwarding nothing', () => {
    const ctx = new RecordingContext('enrich');
    const record = streamRecord({ a: 1 });
    derive({ b: 'a + 1', c: 'missing * 2' }).process(record, ctx);
    expect(ctx.forwarded).toEqual([]);
    expect(ctx.deadLetters[0]!.record).toBe(record);
    expect(ctx.deadLetters[0]!.error.code).toBe('FIELD_MISSING');
    expect(ctx.deadLetters[0]!.error.context).toMatchObject({ node: 'enrich', field: 'missing' });
  });

  it('dead-letters a non-finite result with EXPR_EVAL', () => {
    const ctx = new RecordingContext('ratio');
    derive({ r: 'a / b' }).process(streamRecord({ a: 1, b: 0 }), ctx);
    expect(ctx.deadLetters[0]!.error.code).toBe('EXPR_EVAL');
    expect(ctx.deadLetters[0]!.error.message).toContain('Infinity');
  });
});
