import { describe, expect, it } from 'vitest';
import { SluiceError } from '../../src/core/errors.js';
import type { JsonObject } from '../../src/core/record.js';
import { ExpressionError } from '../../src/expr/expression-error.js';
import { compileExpression } from '../../src/expr/expression-compiler.js';

function evaluate(source: string, fields: JsonObject = {}): unknown {
  return compileExpression(source).evaluate(fields);
}

function failure(source: string, fields: JsonObject = {}): SluiceError {
  try {
    evaluate(source, fields);
  } catch (err) {
    if (err instanceof SluiceError) return err;
    throw err;
  }
  throw new Error(`${source} did not fail`);
}

/** "column: message" of every problem of a refused expression. */
function problems(source: string): string[] {
  try {
    compileExpression(source);
  } catch (err) {
    if (err instanceof ExpressionError) return err.problems.map((p) => `${p.column}: ${p.message}`);
    throw err;
  }
  throw new Error(`${source} compiled`);
}

describe('compileExpression', () => {
  it('evaluates the design example over record fields', () => {
    const compiled = compileExpression('amount > 100 and country != home_country');
    expect(compiled.engine).toBe('native');
    expect(compiled.fields).toEqual(['amount', 'country', 'home_country']);
    expect(compiled.evaluate({ amount: 150, country: 'NL', home_country: 'BE' })).toBe(true);
    expect(compiled.evaluate({ amount: 150, country: 'NL', home_country: 'NL' })).toBe(false);
    expect(compiled.evaluate({ amount: 50, country: 'NL', home_country: 'BE' })).toBe(false);
  });

  it('compares strings with == and != and supports and, or, not, xor', () => {
    expect(evaluate('country != "NL"', { country: 'BE' })).toBe(true);
    expect(evaluate("country == 'NL'", { country: 'NL' })).toBe(true);
    expect(evaluate('not (a or b) xor c', { a: false, b: false, c: true })).toBe(false);
    expect(evaluate('a and b', { a: true, b: false })).toBe(false);
  });

  it('short-circuits and/or, so a guard protects a missing field', () => {
    expect(evaluate('has(price) and price > 10', {})).toBe(false);
    expect(evaluate('not has(price) or price > 10', {})).toBe(true);
  });

  it('uses mathjs arithmetic and tolerances', () => {
    expect(evaluate('a + b == 0.3', { a: 0.1, b: 0.2 })).toBe(true);
    expect(evaluate('2 ^ 3 ^ 2')).toBe(512);
    expect(evaluate('-7 % 3')).toBe(2);
    expect(evaluate('round(2.345, 2)')).toBe(2.35);
    expect(evaluate('round(-2.5)')).toBe(-3);
    expect(evaluate('1 < x <= 10', { x: 10 })).toBe(true);
    expect(evaluate('max(a, 3, b)', { a: 1, b: 7 })).toBe(7);
    expect(evaluate('pi > 3 and e < 3')).toBe(true);
  });

  it('reads nested fields and returns JSON values', () => {
    expect(evaluate('payment.card', { payment: { card: 'c1' } })).toBe('c1');
    expect(evaluate('payment["card-id"]', { payment: { 'card-id': 'c2' } })).toBe('c2');
    expect(evaluate('payment', { payment: { a: [1, 'x'] } })).toEqual({ a: [1, 'x'] });
    expect(evaluate('[a, "x", null]', { a: 1 })).toEqual([1, 'x', null]);
  });

  it('evaluates the ternary lazily and the Sluice helpers', () => {
    expect(evaluate('isNull(price) ? null : round(price * 100)', {})).toBeNull();
    expect(evaluate('isNull(price) ? null : round(price * 100)', { price: 1.234 })).toBe(123);
    expect(evaluate('coalesce(a, b.c, 5)', { b: {} })).toBe(5);
    expect(evaluate('coalesce(a, b)', { a: null })).toBeNull();
    expect(evaluate('has(a)', { a: null })).toBe(true);
    expect(evaluate('contains(["NL", "BE"], c)', { c: 'BE' })).toBe(true);
    expect(evaluate('concat(lower(a), "-", 5)', { a: 'X' })).toBe('x-5');
    expect(evaluate('round(haversine(52.37, 4.9, 48.86, 2.35))')).toBe(430);
  });

  it('treats a field named like a mathjs function or unit as a field', () => {
    expect(evaluate('sum + cm', { sum: 1, cm: 2 })).toBe(3);
    expect(failure('cm + 1').code).toBe('FIELD_MISSING');
  });

  it('fails a record with FIELD_MISSING naming the field', () => {
    const err = failure('amount > 100', {});
    expect(err.code).toBe('FIELD_MISSING');
    expect(err.context.field).toBe('amount');
    const nested = failure('payment.card == "x"', { payment: {} });
    expect(nested.code).toBe('FIELD_MISSING');
    expect(nested.context.field).toBe('payment.card');
  });

  it('fails with EXPR_EVAL on type errors and results without a JSON form', () => {
    expect(failure('"abc" + 1').code).toBe('EXPR_EVAL');
    expect(failure('x / 0', { x: 1 }).message).toContain('Infinity');
    expect(failure('sqrt(x)', { x: -1 }).message).toContain('NaN');
    expect(failure('a.b', { a: 'text' }).code).toBe('EXPR_EVAL');
  });

  it('reads records with a null prototype, and never Object.prototype members', () => {
    const fields = Object.assign(Object.create(null) as JsonObject, { a: 1 });
    expect(evaluate('a + 1', fields)).toBe(2);
    expect(problems('toString')).toEqual([
      '1: "toString" is not allowed: it reaches JavaScript internals',
    ]);
    expect(problems('a.hasOwnProperty')[0]).toContain('"hasOwnProperty" is not allowed');
  });

  it('gives the same results with the mathjs engine', () => {
    const source = 'isNull(price) ? 0 : round(price * qty, 2)';
    const native = compileExpression(source);
    const mathjs = compileExpression(source, { engine: 'mathjs' });
    expect(mathjs.engine).toBe('mathjs');
    const cases: JsonObject[] = [{}, { price: 1.005, qty: 3 }, { price: null }];
    for (const fields of cases) {
      expect(mathjs.evaluate(fields)).toEqual(native.evaluate(fields));
    }
  });

  it('reads expressions spread over lines', () => {
    expect(evaluate('a > 1\n  and b', { a: 2, b: true })).toBe(true);
  });
});

describe('refused expressions', () => {
  const hostile: Array<[string, string]> = [
    ['import({}, {override: true})', '1: function "import" is not allowed'],
    ['createUnit("x")', '1: function "createUnit" is not allowed'],
    ['evaluate("1+1")', '1: function "evaluate" is not allowed'],
    ['parse("1")', '1: function "parse" is not allowed'],
    ['simplify("x")', '1: function "simplify" is not allowed'],
    ['derivative("x^2", "x")', '1: function "derivative" is not allowed'],
    ['compile("1")', '1: function "compile" is not allowed'],
    ['resolve("x")', '1: function "resolve" is not allowed'],
    ['reviver("x")', '1: function "reviver" is not allowed'],
    ['[].constructor', '4: "constructor" is not allowed'],
    ['a.constructor', '3: "constructor" is not allowed'],
    ['a["__proto__"]', '3: "__proto__" is not allowed'],
    ['a.__defineGetter__', '3: "__defineGetter__" is not allowed'],
    ['a.b.prototype', '5: "prototype" is not allowed'],
    ['constructor', '1: "constructor" is not allowed'],
    ['__proto__', '1: "__proto__" is not allowed'],
    ['f(x) = x', '1: defining functions'],
    ['x = 1', '1: assignment (=) is not allowed'],
    ['a.b = 1', '1: assignment (=) is not allowed'],
    ['cos.constructor("return process")(1)', '1: only named functions can be called'],
    ['cos.constructor("return process")(1)', '5: "constructor" is not allowed'],
    ['a.toString()', '1: only named functions can be called'],
    ['(abs)(1)', 'implicit multiplication'],
    ['typed("x", {})', '1: unknown function "typed"'],
    ['config({relTol: 1})', '1: unknown function "config"'],
    ['map([1], f)', '1: unknown function "map"'],
    ['a[b]', '3: computed property names are not allowed'],
    ['a[1]', '3: array indexing is not supported'],
    ['a?.b', 'optional chaining'],
    ['{a: 1}', '1: object literals'],
    ['1:3', 'ranges (a:b) are not supported'],
    ['x; y', 'only one expression is allowed'],
    ['2x', '2: implicit multiplication'],
    ['a & b', '3: operator "&" is not supported'],
    ["x'", 'operator "\'" is not supported'],
    ['5 cm to inch', 'implicit multiplication'],
    ['undefined', '"undefined" is not supported'],
    ['price # cents', '7: comments (#) are not allowed'],
    ['end + 1', '1: "end" is reserved'],
    ['sum(sum)', '1: unknown function "sum"'],
    ['lower(lower)', '"lower" is used both as a function and as a field'],
    ['abs(1, 2)', '1: abs() takes 1 argument(s), got 2'],
    ['has(1 + 2)', '5: has() takes a field name'],
    ['1 +', '4: syntax error: Unexpected end of expression'],
    ['', '1: expression is empty'],
  ];
  for (const [source, expected] of hostile) {
    it(`refuses ${source === '' ? '(empty)' : source}`, () => {
      const found = problems(source);
      expect(
        found.some((p) => p.includes(expected)),
        `${JSON.stringify(found)} should include ${expected}`,
      ).toBe(true);
    });
  }

  it('reports every problem of an expression, in order, with JOB_EXPR_INVALID', () => {
    try {
      compileExpression('evaluate(a.constructor) + foo(1)');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ExpressionError);
      const error = err as ExpressionError;
      expect(error.code).toBe('JOB_EXPR_INVALID');
      expect(error.context.column).toBe(1);
      expect(error.problems.map((p) => p.column)).toEqual([1, 12, 27]);
    }
  });

  it('points at the right occurrence of a repeated name', () => {
    expect(problems('a.x + a.constructor + a.x')).toEqual([
      '9: "constructor" is not allowed: it reaches JavaScript internals',
    ]);
    expect(problems('"constructor" == a["constructor"]')).toEqual([
      '20: "constructor" is not allowed: it reaches JavaScript internals',
    ]);
  });

  it('reports line and column inside a multi-line expression', () => {
    try {
      compileExpression('a > 1\n  and foo(b)');
      expect.unreachable();
    } catch (err) {
      const [problem] = (err as ExpressionError).problems;
      expect(problem).toMatchObject({ line: 2, column: 7, offset: 12 });
    }
  });
});
