import { describe, expect, it } from 'vitest';
import { compileExpression } from '../../src/expr/expression-compiler.js';
import { FilterProcessor } from '../../src/operators/filter-processor.js';
import { RecordingContext, streamRecord } from './recording-context.js';

describe('FilterProcessor', () => {
  const filter = new FilterProcessor(compileExpression('amount > 100 and country != "NL"'));

  it('forwards records for which the expression is true, unchanged', () => {
    const ctx = new RecordingContext('big-foreign');
    const record = streamRecord({ amount: 150, country: 'BE' });
    filter.process(record, ctx);
    expect(ctx.forwarded).toEqual([record]);
    expect(ctx.deadLetters).toEqual([]);
  });

  it('drops records for which it is false, without a dead letter', () => {
    const ctx = new RecordingContext('big-foreign');
    filter.process(streamRecord({ amount: 150, country: 'NL' }), ctx);
    filter.process(streamRecord({ amount: 50, country: 'BE' }), ctx);
    expect(ctx.forwarded).toEqual([]);
    expect(ctx.deadLetters).toEqual([]);
  });

  it('dead-letters a record missing a field with FIELD_MISSING and the node', () => {
    const ctx = new RecordingContext('big-foreign');
    const record = streamRecord({ amount: 150 });
    filter.process(record, ctx);
    expect(ctx.forwarded).toEqual([]);
    expect(ctx.deadLetters).toHaveLength(1);
    const [letter] = ctx.deadLetters;
    expect(letter!.record).toBe(record);
    expect(letter!.error.code).toBe('FIELD_MISSING');
    expect(letter!.error.context).toMatchObject({ node: 'big-foreign', field: 'country' });
  });

  it('dead-letters a non-boolean result with FIELD_TYPE', () => {
    const ctx = new RecordingContext('bad-where');
    new FilterProcessor(compileExpression('amount * 2')).process(streamRecord({ amount: 3 }), ctx);
    expect(ctx.deadLetters[0]!.error.code).toBe('FIELD_TYPE');
    expect(ctx.deadLetters[0]!.error.message).toContain('gave 6');
    expect(ctx.deadLetters[0]!.error.context.node).toBe('bad-where');
  });

  it('dead-letters an evaluation error with EXPR_EVAL', () => {
    const ctx = new RecordingContext('f');
    new FilterProcessor(compileExpression('lower(name) == "x"')).process(
      streamRecord({ name: 5 }),
      ctx,
    );
    expect(ctx.deadLetters[0]!.error.code).toBe('EXPR_EVAL');
    expect(ctx.deadLetters[0]!.error.message).toContain('lower() expects a string');
  });
});
