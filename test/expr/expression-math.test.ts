import { describe, expect, it } from 'vitest';
import { DISABLED_FUNCTIONS, expressionMath } from '../../src/expr/expression-math.js';
import { RecordScope } from '../../src/expr/record-scope.js';

// The checker refuses these calls before anything runs; these tests prove the second lock:
// even a tree that reached mathjs compiled could not use them.
describe('the locked-down mathjs instance', () => {
  it('has every function the mathjs security guide names disabled', () => {
    for (const name of [
      'import',
      'createUnit',
      'evaluate',
      'parse',
      'simplify',
      'derivative',
      'compile',
      'resolve',
      'reviver',
    ]) {
      expect(DISABLED_FUNCTIONS).toContain(name);
    }
    for (const name of DISABLED_FUNCTIONS.filter((n) => n !== 'import' && n !== 'chain')) {
      expect(() => expressionMath.fn(name)(), name).toThrow(/disabled/);
    }
  });

  it('throws when a compiled tree calls a disabled function', () => {
    for (const source of [
      'evaluate("1+1")',
      'parse("1")',
      'simplify("x")',
      'derivative("x^2", "x")',
      'createUnit("foo")',
    ]) {
      const compiled = expressionMath.parse(source).compile();
      expect(() => compiled.evaluate(new RecordScope({}, new Set())), source).toThrow(/disabled/);
    }
  });

  it('keeps sandbox escapes through constructor out even without the checker', () => {
    const compiled = expressionMath.parse('cos.constructor("return process")(1)').compile();
    expect(() => compiled.evaluate(new RecordScope({}, new Set()))).toThrow();
  });

  it('compares strings with == and != (mathjs alone would turn them into numbers)', () => {
    const scope = new RecordScope({ c: 'NL' }, new Set(['c']));
    expect(expressionMath.parse('c == "NL"').compile().evaluate(scope)).toBe(true);
    expect(expressionMath.parse('c != "NL"').compile().evaluate(scope)).toBe(false);
  });

  it('exposes the number implementations mathjs dispatches to', () => {
    const larger = expressionMath.signature('larger', ['number', 'number']);
    expect(larger?.(0.1 + 0.2, 0.3)).toBe(false);
    expect(expressionMath.signature('min', ['number', 'number'])).toBeUndefined(); // has a transform
  });
});

describe('RecordScope', () => {
  it('claims only the fields the expression uses and fails on missing ones', () => {
    const scope = new RecordScope({ a: 1 }, new Set(['a', 'b']));
    expect(scope.has('a')).toBe(true);
    expect(scope.has('sum')).toBe(false);
    expect(scope.get('a')).toBe(1);
    expect(() => scope.get('b')).toThrow(/field "b" is missing/);
    expect(() => scope.set('a')).toThrow(/cannot assign/);
    expect([...scope.keys()]).toEqual(['a', 'b']);
  });
});
