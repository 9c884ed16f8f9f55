import { describe, expect, it } from 'vitest';
import { fieldExtractor } from '../../src/windows/field-extractor.js';
import { rec } from './window-harness.js';

describe('fieldExtractor', () => {
  it('reads a top-level field, a dotted path, and gives null when missing', () => {
    const r = rec('k', 0, { amount: 5, 'a.b': 1, payment: { amount: 7, tags: ['x'] } });
    expect(fieldExtractor('amount')(r)).toBe(5);
    expect(fieldExtractor('a.b')(r)).toBe(1);
    expect(fieldExtractor('payment.amount')(r)).toBe(7);
    expect(fieldExtractor('payment.tags')(r)).toEqual(['x']);
    expect(fieldExtractor('missing')(r)).toBeNull();
    expect(fieldExtractor('payment.amount.x')(r)).toBeNull();
    expect(fieldExtractor('payment.tags.0')(r)).toBeNull();
    expect(fieldExtractor('__proto__')(r)).toBeNull();
    expect(fieldExtractor('payment.constructor')(r)).toBeNull();
  });
});
