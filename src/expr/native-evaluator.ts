// Turns a checked mathjs parse tree into plain JavaScript closures: the per-record hot path.
// Each operator has a fast path for the common argument types (numbers, strings, booleans) that
// calls the very function mathjs would dispatch to; any other types go to the mathjs function
// itself, so results match mathjs compiled (property tests in test/expr prove it).

import type { JsonObject } from '../core/record.js';
import { fieldMissingError } from './expression-error.js';
import { lookupExpressionConstant, lookupExpressionFunction } from './expression-functions.js';
import { expressionMath, type MathFunction } from './expression-math.js';
import type { ExpressionNode } from './expression-tree.js';
import { SluiceError } from '../core/errors.js';

/** Evaluates one record; throws on a missing field or a type mismatch. */
export type NativeEvaluator = (fields: JsonObject) => unknown;

/** The tree uses something the native evaluator does not translate: use mathjs compiled. */
export class UntranslatableError extends Error {}

/** Translates `root` (already accepted by the checker) into closures. */
export function buildNativeEvaluator(root: ExpressionNode): NativeEvaluator {
  return translate(root);
}

function translate(node: ExpressionNode): NativeEvaluator {
  switch (node.type) {
    case 'ConstantNode': {
      const value = node.value;
      return () => value;
    }
    case 'SymbolNode':
      return symbol(node.name, false);
    case 'ParenthesisNode':
      return translate(node.content);
    case 'AccessorNode':
      return accessor(node, false);
    case 'ArrayNode': {
      const items = node.items.map(translate);
      return (f) => items.map((item) => item(f));
    }
    case 'ConditionalNode': {
      const condition = translate(node.condition);
      const whenTrue = translate(node.trueExpr);
      const whenFalse = translate(node.falseExpr);
      return (f) => (testCondition(condition(f)) ? whenTrue(f) : whenFalse(f));
    }
    case 'RelationalNode': {
      const params = node.params.map(translate);
      const compares = node.conditionals.map((fn) => binaryFunction(fn));
      return (f) => {
        let right = params[0]!(f);
        for (let i = 0; i < compares.length; i++) {
          const left = right;
          right = params[i + 1]!(f);
          if (!compares[i]!(left, right)) return false;
        }
        return true;
      };
    }
    case 'OperatorNode':
      return operator(node.fn, node.args.map(translate));
    case 'FunctionNode':
      return call(node);
    default:
      throw new UntranslatableError(node.type);
  }
}

/**
 * A field read. Records are plain JSON objects (the codec's output: prototype Object.prototype
 * or null), and every Object.prototype name is refused by the checker, so `undefined` here
 * means absent — no own-property test needed on the hot path.
 */
function symbol(name: string, lenient: boolean): NativeEvaluator {
  const constant = lookupExpressionConstant(name);
  if (constant !== undefined) return () => constant;
  if (lenient) return (f) => f[name];
  return (f) => {
    const value = f[name];
    if (value === undefined) throw fieldMissingError(name);
    return value;
  };
}

function accessor(
  node: Extract<ExpressionNode, { type: 'AccessorNode' }>,
  lenient: boolean,
): NativeEvaluator {
  const property = propertyName(node);
  const path = fieldPath(node);
  const object =
    node.object.type === 'SymbolNode'
      ? symbol(node.object.name, lenient)
      : node.object.type === 'AccessorNode'
        ? accessor(node.object, lenient)
        : translate(node.object);
  return (f) => {
    const target = object(f);
    if (target === undefined && lenient) return undefined;
    if (target === null || typeof target !== 'object' || Array.isArray(target)) {
      throw new TypeError(`cannot read property "${property}" of ${describe(target)} (${path})`);
    }
    if (Object.hasOwn(target, property)) return (target as JsonObject)[property];
    if (lenient) return undefined;
    throw fieldMissingError(path);
  };
}

function propertyName(node: Extract<ExpressionNode, { type: 'AccessorNode' }>): string {
  const index = node.index;
  if (index.type === 'IndexNode' && index.dimensions.length === 1) {
    const dim = index.dimensions[0]!;
    if (dim.type === 'ConstantNode' && typeof dim.value === 'string') return dim.value;
  }
  throw new UntranslatableError('computed property');
}

/** `a.b.c` for messages. */
export function fieldPath(node: ExpressionNode): string {
  if (node.type === 'SymbolNode') return node.name;
  if (node.type === 'AccessorNode') return `${fieldPath(node.object)}.${propertyName(node)}`;
  return '(value)';
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/** mathjs' ConditionalNode test, verbatim for JSON values. */
function testCondition(condition: unknown): boolean {
  if (
    typeof condition === 'number' ||
    typeof condition === 'boolean' ||
    typeof condition === 'string'
  ) {
    return !!condition;
  }
  if (condition === null || condition === undefined) return false;
  throw new TypeError(
    `Unsupported type of condition "${Array.isArray(condition) ? 'Array' : 'Object'}"`,
  );
}

type Binary = (a: unknown, b: unknown) => unknown;

/** A two-argument mathjs function with fast paths for same-typed primitives. */
function binaryFunction(fn: string): Binary {
  const generic = expressionMath.fn(fn);
  const numbers = expressionMath.signature(fn, ['number', 'number']);
  if (fn === 'equal' || fn === 'unequal') {
    const equalNumbers = expressionMath.signature('equal', ['number', 'number']);
    if (equalNumbers === undefined) return generic;
    const negate = fn === 'unequal';
    return (a, b) => {
      if (typeof a === 'number' && typeof b === 'number') return negate !== equalNumbers(a, b);
      if (typeof a === 'string' && typeof b === 'string') return negate !== (a === b);
      if (typeof a === 'boolean' && typeof b === 'boolean') return negate !== (a === b);
      return generic(a, b);
    };
  }
  if (numbers === undefined) return generic;
  const booleans = expressionMath.signature(fn, ['boolean', 'boolean']);
  if (booleans === undefined) {
    return (a, b) =>
      typeof a === 'number' && typeof b === 'number' ? numbers(a, b) : generic(a, b);
  }
  return (a, b) => {
    if (typeof a === 'number' && typeof b === 'number') return numbers(a, b);
    if (typeof a === 'boolean' && typeof b === 'boolean') return booleans(a, b);
    return generic(a, b);
  };
}

function unaryFunction(fn: string): (a: unknown) => unknown {
  const generic = expressionMath.fn(fn);
  const numbers = expressionMath.signature(fn, ['number']);
  if (fn === 'not') return (a) => (typeof a === 'boolean' ? !a : generic(a));
  if (numbers === undefined) return generic;
  return (a) => (typeof a === 'number' ? numbers(a) : generic(a));
}

function operator(fn: string, args: NativeEvaluator[]): NativeEvaluator {
  const [left, right] = args;
  if (left === undefined) throw new UntranslatableError(`operator ${fn} without operands`);
  if (args.length === 1) {
    const apply = unaryFunction(fn);
    return (f) => apply(left(f));
  }
  if (args.length !== 2 || right === undefined) throw new UntranslatableError(`operator ${fn}`);
  // and, or and ?? evaluate their right side only when needed, as mathjs' transforms do.
  if (fn === 'and') {
    const and = expressionMath.plainFn('and');
    return (f) => {
      const a = left(f);
      if (typeof a === 'boolean') {
        if (!a) return false;
        const b = right(f);
        return typeof b === 'boolean' ? b : and(a, b);
      }
      if (!Array.isArray(a) && !and(a, true)) return false;
      return and(a, right(f));
    };
  }
  if (fn === 'or') {
    const or = expressionMath.plainFn('or');
    return (f) => {
      const a = left(f);
      if (typeof a === 'boolean') {
        if (a) return true;
        const b = right(f);
        return typeof b === 'boolean' ? b : or(a, b);
      }
      if (!Array.isArray(a) && or(a, false)) return true;
      return or(a, right(f));
    };
  }
  if (fn === 'nullish') {
    const nullish = expressionMath.plainFn('nullish');
    return (f) => {
      const a = left(f);
      if (!Array.isArray(a) && a !== null && a !== undefined) return a;
      return nullish(a, right(f));
    };
  }
  const apply = binaryFunction(fn);
  return (f) => apply(left(f), right(f));
}

function call(node: Extract<ExpressionNode, { type: 'FunctionNode' }>): NativeEvaluator {
  if (node.fn.type !== 'SymbolNode') throw new UntranslatableError('call of a computed function');
  const name = node.fn.name;
  const spec = lookupExpressionFunction(name);
  if (spec === undefined) throw new UntranslatableError(`function ${name}`);
  if (spec.source === 'special') return special(name, node.args.map(lenientArgument));
  const args = node.args.map(translate);
  const fn: MathFunction =
    spec.source === 'sluice' && spec.implementation !== undefined
      ? spec.implementation
      : expressionMath.fn(name);
  const [a0, a1] = args;
  if (args.length === 1 && a0 !== undefined) {
    const numbers =
      spec.source === 'mathjs' ? expressionMath.signature(name, ['number']) : undefined;
    if (numbers !== undefined) {
      return (f) => {
        const x = a0(f);
        return typeof x === 'number' ? numbers(x) : fn(x);
      };
    }
    return (f) => fn(a0(f));
  }
  if (args.length === 2 && a0 !== undefined && a1 !== undefined) {
    const numbers =
      spec.source === 'mathjs' ? expressionMath.signature(name, ['number', 'number']) : undefined;
    if (numbers !== undefined) {
      return (f) => {
        const x = a0(f);
        const y = a1(f);
        return typeof x === 'number' && typeof y === 'number' ? numbers(x, y) : fn(x, y);
      };
    }
    return (f) => fn(a0(f), a1(f));
  }
  return (f) => fn(...args.map((arg) => arg(f)));
}

/** An argument of has/isNull/coalesce: undefined when the field (or a field it reads) is absent. */
function lenientArgument(node: ExpressionNode): NativeEvaluator {
  if (node.type === 'SymbolNode') return symbol(node.name, true);
  if (node.type === 'AccessorNode') return accessor(node, true);
  const strict = translate(node);
  return (f) => {
    try {
      return strict(f);
    } catch (err) {
      if (err instanceof SluiceError && err.code === 'FIELD_MISSING') return undefined;
      throw err;
    }
  };
}

function special(name: string, args: NativeEvaluator[]): NativeEvaluator {
  const [first] = args;
  switch (name) {
    case 'has':
      if (first === undefined) break;
      return (f) => first(f) !== undefined;
    case 'isNull':
      if (first === undefined) break;
      return (f) => {
        const value = first(f);
        return value === null || value === undefined;
      };
    case 'coalesce':
      return (f) => {
        for (const arg of args) {
          const value = arg(f);
          if (value !== null && value !== undefined) return value;
        }
        return null;
      };
  }
  throw new UntranslatableError(`special form ${name}`);
}
