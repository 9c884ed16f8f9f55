// The one mathjs instance expressions run in: `create(all)`, plus Sluice's helpers and string
// equality, then locked down as the mathjs security guide recommends (functions that import,
// parse or evaluate more code throw). Both evaluators call functions from this instance.

import { all, create } from 'mathjs';
import { SluiceError } from '../core/errors.js';
import type { ExpressionNode } from './expression-tree.js';
import { EXPRESSION_FUNCTIONS } from './expression-functions.js';

/** Any callable from the mathjs namespace (typed-functions check their own arguments). */
export type MathFunction = (...args: unknown[]) => unknown;

/** A mathjs node as parsed: our narrowed view plus mathjs' own compile. */
export type ParsedNode = ExpressionNode & { compile(): CompiledMathjs };

export interface CompiledMathjs {
  evaluate(scope: unknown): unknown;
}

interface TypedFunction extends MathFunction {
  readonly signatures: Readonly<Record<string, MathFunction>>;
}

/** What an argument of has/isNull/coalesce evaluates to when a field it reads is absent. */
const MISSING: unique symbol = Symbol('missing');

/** Functions that would let an expression change mathjs or run other code (mathjs security docs). */
export const DISABLED_FUNCTIONS = [
  'import',
  'createUnit',
  'reviver',
  'evaluate',
  'parse',
  'parser',
  'compile',
  'simplify',
  'simplifyConstant',
  'simplifyCore',
  'rationalize',
  'derivative',
  'resolve',
  'symbolicEqual',
  'leafCount',
  'help',
  'chain',
] as const;

/**
 * The mathjs function names operators compile to (arithmetic, comparison, logic, `??`): resolved
 * before the lock so none is lazy after, and the only operators the checker accepts.
 */
export const OPERATOR_FUNCTIONS = [
  'add',
  'subtract',
  'multiply',
  'divide',
  'pow',
  'mod',
  'unaryMinus',
  'unaryPlus',
  'equal',
  'unequal',
  'smaller',
  'smallerEq',
  'larger',
  'largerEq',
  'and',
  'or',
  'xor',
  'not',
  'nullish',
] as const;

interface MathNamespace {
  [name: string]: unknown;
  expression: { mathWithTransform: Record<string, unknown> };
  typed(name: string, signatures: Record<string, MathFunction>): TypedFunction;
  import(values: Record<string, unknown>, options?: { override?: boolean }): void;
  parse(source: string): unknown;
}

function isMissing(value: unknown): boolean {
  return value === MISSING || value === undefined;
}

function isFieldMissing(err: unknown): boolean {
  return err instanceof SluiceError && err.code === 'FIELD_MISSING';
}

/** Builds and locks the instance. Runs once, when this module loads. */
function createLockedMath(): {
  parse: (source: string) => ParsedNode;
  withTransform: Record<string, unknown>;
  plain: MathNamespace;
} {
  // Plain arrays (not Matrix) and real results (NaN, not Complex, for sqrt(-1)) keep every
  // value JSON-shaped; the tolerances stay mathjs' defaults so both evaluators agree.
  if (all === undefined) throw new Error('mathjs did not export its factories');
  const math = create(all, {
    matrix: 'Array',
    number: 'number',
    predictable: true,
  }) as unknown as MathNamespace;
  const parse = math.parse.bind(math) as (source: string) => ParsedNode;
  const compiledArgs = new WeakMap<object, CompiledMathjs>();
  const evaluateArg = (node: ParsedNode, scope: unknown): unknown => {
    let compiled = compiledArgs.get(node);
    if (compiled === undefined) {
      compiled = node.compile();
      compiledArgs.set(node, compiled);
    }
    try {
      return compiled.evaluate(scope);
    } catch (err) {
      if (isFieldMissing(err)) return MISSING;
      throw err;
    }
  };

  // `"NL" == country` must compare strings; mathjs would try to turn both into numbers.
  math.import({
    equal: math.typed('equal', { 'string, string': (a, b) => a === b }),
    unequal: math.typed('unequal', { 'string, string': (a, b) => a !== b }),
  });

  const helpers: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(EXPRESSION_FUNCTIONS)) {
    if (spec.source === 'sluice' && spec.implementation !== undefined) {
      helpers[name] = spec.implementation;
    }
  }
  const firstArg = (args: ParsedNode[], scope: unknown): unknown => {
    const [node] = args;
    if (node === undefined) throw new TypeError('missing argument');
    return evaluateArg(node, scope);
  };
  const has = (args: ParsedNode[], _math: unknown, scope: unknown): boolean =>
    !isMissing(firstArg(args, scope));
  const isNull = (args: ParsedNode[], _math: unknown, scope: unknown): boolean => {
    const value = firstArg(args, scope);
    return value === null || isMissing(value);
  };
  const coalesce = (args: ParsedNode[], _math: unknown, scope: unknown): unknown => {
    for (const arg of args) {
      const value = evaluateArg(arg, scope);
      if (value !== null && !isMissing(value)) return value;
    }
    return null;
  };
  for (const fn of [has, isNull, coalesce]) Object.assign(fn, { rawArgs: true });
  helpers['has'] = has;
  helpers['isNull'] = isNull;
  helpers['coalesce'] = coalesce;

  // Helpers go only where expressions look functions up: mathjs' own `concat` (matrices) and
  // `isNull` stay as they are for the mathjs functions that depend on them.
  const withTransform = math.expression.mathWithTransform;
  for (const [name, value] of Object.entries(helpers)) {
    Object.defineProperty(withTransform, name, {
      value,
      writable: false,
      enumerable: true,
      configurable: false,
    });
  }

  // Resolve every function expressions may reach now: mathjs creates functions lazily, and a
  // function created after the lock would receive the disabled stubs as dependencies.
  for (const name of [...OPERATOR_FUNCTIONS, ...Object.keys(EXPRESSION_FUNCTIONS)]) {
    if (typeof withTransform[name] !== 'function') {
      throw new Error(`mathjs has no function "${name}"`);
    }
  }

  const disabled: Record<string, MathFunction> = {};
  for (const name of DISABLED_FUNCTIONS) {
    disabled[name] = () => {
      throw new Error(`function ${name} is disabled in Sluice expressions`);
    };
  }
  math.import(disabled, { override: true });
  return { parse, withTransform, plain: math };
}

const locked = createLockedMath();

/** The locked-down mathjs instance, narrowed to what the compiler needs. */
export const expressionMath = {
  /** Parses one expression (throws mathjs' SyntaxError with a 1-based `char`). */
  parse(source: string): ParsedNode {
    return locked.parse(source);
  },

  /** The function an operator or call resolves to in the expression namespace. */
  fn(name: string): MathFunction {
    const value = Object.hasOwn(locked.withTransform, name)
      ? locked.withTransform[name]
      : undefined;
    if (typeof value !== 'function') throw new Error(`no expression function "${name}"`);
    return value as MathFunction;
  },

  /** The function itself, bypassing the expression transform (`and`, `or`, `nullish` are lazy there). */
  plainFn(name: string): MathFunction {
    const value = Object.hasOwn(locked.plain, name) ? locked.plain[name] : undefined;
    if (typeof value !== 'function') throw new Error(`no mathjs function "${name}"`);
    return value as MathFunction;
  },

  /**
   * The implementation mathjs dispatches to for exactly these argument types (e.g.
   * `['number', 'number']`), when the expression namespace calls the plain function (no
   * transform). Calling it directly skips the typed-function dispatch, with identical results.
   */
  signature(name: string, types: readonly string[]): MathFunction | undefined {
    const value = Object.hasOwn(locked.withTransform, name)
      ? locked.withTransform[name]
      : undefined;
    if (value === undefined || value !== locked.plain[name]) return undefined;
    const signatures = (value as Partial<TypedFunction>).signatures;
    if (signatures === undefined) return undefined;
    const key = types.join(',');
    return Object.hasOwn(signatures, key) ? signatures[key] : undefined;
  },
};
