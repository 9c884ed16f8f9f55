// The native closures must give exactly what mathjs compiled gives (same value, or both fail
// with the same error code), for random expressions of the supported subset and random records.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SluiceError } from '../../src/core/errors.js';
import type { JsonObject, JsonValue } from '../../src/core/record.js';
import { compileExpression } from '../../src/expr/expression-compiler.js';

type Outcome = { value: JsonValue } | { error: string };

function run(source: string, engine: 'native' | 'mathjs', fields: JsonObject): Outcome {
  const compiled = compileExpression(source, { engine });
  expect(compiled.engine).toBe(engine);
  try {
    return { value: compiled.evaluate(fields) };
  } catch (err) {
    if (!(err instanceof SluiceError)) throw err;
    return { error: err.code };
  }
}

const numberLiteral = fc
  .oneof(
    fc.integer({ min: -20, max: 20 }),
    fc.constantFrom(0, 0.1, 0.2, 0.3, 0.5, 2.5, -2.5, 1e-13, 1e15, 100),
    fc.double({ min: -1e4, max: 1e4, noNaN: true, noDefaultInfinity: true }),
  )
  .map((n) => (n < 0 || Object.is(n, -0) ? `(${String(n)})` : String(n)));
const stringLiteral = fc.constantFrom(
  '"NL"',
  '"BE"',
  '"nl"',
  '" a "',
  '""',
  '"10"',
  '"abc"',
  "'x'",
);

const recordNumber = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }),
  fc.constantFrom(0, -0, 0.1, 0.2, 0.30000000000000004, 0.3, 1e-13, 2.5, -2.5),
  fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }),
);
const recordString = fc.constantFrom('NL', 'BE', 'nl', ' a ', '', '10', 'abc', '2.5');
// Records as the JSON codec produces them (fc.record may build null-prototype objects).
const records = fc
  .record({
    a: recordNumber,
    b: recordNumber,
    s: recordString,
    t: recordString,
    p: fc.boolean(),
    q: fc.boolean(),
    n: fc.oneof(fc.constant(null), recordNumber),
    o: fc.record({ x: recordNumber, y: recordString }),
    l: fc.array(recordString, { maxLength: 3 }),
  })
  .map((r) => JSON.parse(JSON.stringify(r)) as JsonObject);

const { num, str, bool, any } = fc.letrec<{ num: string; str: string; bool: string; any: string }>(
  (tie) => ({
    num: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      numberLiteral,
      fc.constantFrom('a', 'b', 'o.x', 'o["x"]', 'pi', 'e', 'coalesce(n, 1)', 'length(s)'),
      fc
        .tuple(tie('num'), fc.constantFrom('+', '-', '*', '/', '^', '%'), tie('num'))
        .map(([x, op, y]) => `(${x} ${op} (${y}))`),
      tie('num').map((x) => `-(${x})`),
      fc
        .tuple(
          fc.constantFrom(
            'abs',
            'round',
            'floor',
            'ceil',
            'sqrt',
            'cbrt',
            'exp',
            'log',
            'log10',
            'log2',
            'sign',
          ),
          tie('num'),
        )
        .map(([f, x]) => `${f}(${x})`),
      fc
        .tuple(
          fc.constantFrom('round', 'min', 'max', 'pow', 'mod', 'log', 'floor', 'ceil'),
          tie('num'),
          tie('num'),
        )
        .map(([f, x, y]) => `${f}(${x}, ${y})`),
      fc.tuple(tie('bool'), tie('num'), tie('num')).map(([c, x, y]) => `(${c} ? ${x} : ${y})`),
      fc.tuple(tie('num'), tie('num')).map(([x, y]) => `(n ?? (${x})) + ${y}`),
      fc
        .tuple(tie('num'), tie('num'), tie('num'), tie('num'))
        .map(([w, x, y, z]) => `haversine(${w}, ${x}, ${y}, ${z})`),
    ),
    str: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      stringLiteral,
      fc.constantFrom('s', 't', 'o.y'),
      fc.tuple(fc.constantFrom('lower', 'upper', 'trim'), tie('str')).map(([f, x]) => `${f}(${x})`),
      fc.tuple(tie('str'), tie('any')).map(([x, y]) => `concat(${x}, ${y})`),
      fc.tuple(tie('bool'), tie('str'), tie('str')).map(([c, x, y]) => `(${c} ? ${x} : ${y})`),
    ),
    bool: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constantFrom(
        'true',
        'false',
        'p',
        'q',
        'has(n)',
        'has(missing)',
        'isNull(n)',
        'has(o.x)',
        'has(o.z)',
      ),
      fc
        .tuple(tie('num'), fc.constantFrom('==', '!=', '<', '<=', '>', '>='), tie('num'))
        .map(([x, op, y]) => `(${x} ${op} (${y}))`),
      fc
        .tuple(tie('str'), fc.constantFrom('==', '!='), tie('str'))
        .map(([x, op, y]) => `(${x} ${op} (${y}))`),
      fc
        .tuple(tie('bool'), fc.constantFrom('and', 'or', 'xor', '==', '!='), tie('bool'))
        .map(([x, op, y]) => `(${x} ${op} (${y}))`),
      tie('bool').map((x) => `not (${x})`),
      fc.tuple(tie('num'), tie('num'), tie('num')).map(([x, y, z]) => `(${x} < ${y} <= ${z})`),
      fc
        .tuple(fc.constantFrom('contains', 'startsWith', 'endsWith'), tie('str'), tie('str'))
        .map(([f, x, y]) => `${f}(${x}, ${y})`),
      tie('str').map((x) => `contains(l, ${x})`),
      tie('str').map((x) => `contains(["NL", "BE"], ${x})`),
    ),
    // Mixed types: conversions (mathjs turns "10" into 10, true into 1) and type errors.
    any: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      tie('num'),
      tie('str'),
      tie('bool'),
      fc.constantFrom('null', 'n', 'l', '[a, s]'),
      fc
        .tuple(
          tie('any'),
          fc.constantFrom('+', '*', '>', '==', '!=', 'and', 'or', '??'),
          tie('any'),
        )
        .map(([x, op, y]) => `(${x} ${op} (${y}))`),
      tie('any').map((x) => `not (${x})`),
      tie('any').map((x) => `-(${x})`),
      fc.tuple(tie('any'), tie('any'), tie('any')).map(([c, x, y]) => `(${c} ? ${x} : ${y})`),
      tie('any').map((x) => `coalesce(missing, ${x})`),
    ),
  }),
);

function expectSameOutcome(source: string, fields: JsonObject): void {
  const native = run(source, 'native', fields);
  const mathjs = run(source, 'mathjs', fields);
  expect({ source, fields, outcome: native }).toEqual({ source, fields, outcome: mathjs });
}

describe('native evaluator ≡ mathjs compiled', { timeout: 60_000 }, () => {
  it('agrees on numeric expressions', () => {
    fc.assert(
      fc.property(num, records, (source, fields) => expectSameOutcome(source, fields)),
      { numRuns: 500 },
    );
  });

  it('agrees on string expressions', () => {
    fc.assert(
      fc.property(str, records, (source, fields) => expectSameOutcome(source, fields)),
      { numRuns: 300 },
    );
  });

  it('agrees on boolean expressions (comparisons with tolerance, logic, helpers)', () => {
    fc.assert(
      fc.property(bool, records, (source, fields) => expectSameOutcome(source, fields)),
      { numRuns: 500 },
    );
  });

  it('agrees on mixed-type expressions, including the ones that fail', () => {
    fc.assert(
      fc.property(any, records, (source, fields) => expectSameOutcome(source, fields)),
      { numRuns: 500 },
    );
  });

  it('agrees on the cases picked by hand', () => {
    const fields = {
      a: 0.1,
      b: 0.2,
      s: '10',
      t: 'NL',
      p: true,
      q: false,
      n: null,
      o: { x: 1, y: 'y' },
      l: ['NL'],
    };
    for (const source of [
      'a + b == 0.3',
      'a + b != 0.3',
      'a + b > 0.3',
      'a + b >= 0.3',
      'floor(2.9999999999999996)',
      'round(-2.5)',
      'round(2.345, 2)',
      '"5" + 1',
      's + 1',
      's == 10',
      'true + 1',
      'p and 1',
      'q or 0',
      'not 0',
      'n ?? 7',
      '1 ? "x" : "y"',
      '"" ? 1 : 2',
      'n ? 1 : 2',
      'mod(-7, 3)',
      '-7 % 3',
      'pow(-8, 1/3)',
      'sqrt(-1)',
      'log(-1)',
      'min(1, "2")',
      'max(a, b, 0.15)',
      '[1, s]',
      'number("2.5")',
      'concat("a", 1, true, null)',
    ]) {
      expectSameOutcome(source, fields);
    }
  });
});
