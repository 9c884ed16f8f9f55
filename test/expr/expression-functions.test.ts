import { describe, expect, it } from 'vitest';
import {
  EXPRESSION_FUNCTIONS,
  lookupExpressionFunction,
} from '../../src/expr/expression-functions.js';

function impl(name: string): (...args: unknown[]) => unknown {
  const fn = lookupExpressionFunction(name)?.implementation;
  if (fn === undefined) throw new Error(`no implementation for ${name}`);
  return fn;
}

describe('expression functions', () => {
  it('looks up own entries only', () => {
    expect(lookupExpressionFunction('abs')?.source).toBe('mathjs');
    expect(lookupExpressionFunction('constructor')).toBeUndefined();
    expect(lookupExpressionFunction('toString')).toBeUndefined();
  });

  it('string helpers check their argument types', () => {
    expect(impl('lower')('AbC')).toBe('abc');
    expect(impl('upper')('AbC')).toBe('ABC');
    expect(impl('trim')('  x ')).toBe('x');
    expect(impl('length')([1, 2])).toBe(2);
    expect(() => impl('lower')(5)).toThrow(/lower\(\) expects a string, got number/);
    expect(impl('concat')('a', 1, false, null)).toBe('a1false');
    expect(() => impl('concat')('a', [1])).toThrow(/got array/);
    expect(impl('contains')('hello', 'ell')).toBe(true);
    expect(impl('contains')(['NL', 'BE'], 'BE')).toBe(true);
    expect(impl('startsWith')('card-1', 'card')).toBe(true);
    expect(impl('endsWith')('card-1', '-2')).toBe(false);
  });

  it('haversine gives great-circle kilometres', () => {
    expect(impl('haversine')(0, 0, 0, 0)).toBe(0);
    expect(impl('haversine')(0, 0, 0, 180)).toBeCloseTo(Math.PI * 6371.0088, 6);
    expect(impl('haversine')(52.3676, 4.9041, 51.5072, -0.1276)).toBeCloseTo(357.6, 0);
  });

  it('every function has a summary and sane arity', () => {
    for (const [name, spec] of Object.entries(EXPRESSION_FUNCTIONS)) {
      expect(spec.summary.length, name).toBeGreaterThan(5);
      expect(spec.minArgs, name).toBeLessThanOrEqual(spec.maxArgs);
    }
  });
});
