// Turns what an expression produced into plain JSON before it reaches a record: numbers must
// be finite, arrays and objects are copied through, and mathjs types (BigNumber, Matrix, Unit,
// Complex, functions) are refused so nothing exotic leaks into a topic.

import { SluiceError } from '../core/errors.js';
import type { JsonObject, JsonValue } from '../core/record.js';

/** `value` as a JsonValue; throws EXPR_EVAL if it has no JSON form. */
export function toJsonResult(value: unknown, source: string): JsonValue {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (Number.isFinite(value)) return value;
      throw evalError(
        source,
        `produced ${String(value)} (division by zero or an invalid operation?)`,
      );
    case 'object':
      if (value === null) return null;
      if (Array.isArray(value)) return value.map((item) => toJsonResult(item, source));
      if (isMatrix(value)) return toJsonResult(value.toArray(), source);
      if (isPlainObject(value)) {
        const out: JsonObject = {};
        for (const [key, item] of Object.entries(value)) out[key] = toJsonResult(item, source);
        return out;
      }
      throw evalError(source, `produced a ${constructorName(value)}, which has no JSON form`);
    case 'undefined':
      throw evalError(source, 'produced no value (a missing nested field?)');
    default:
      throw evalError(source, `produced a ${typeof value}, which has no JSON form`);
  }
}

function evalError(source: string, message: string): SluiceError {
  return new SluiceError('EXPR_EVAL', `expression \`${source}\` ${message}`);
}

function isMatrix(value: object): value is { toArray(): unknown } {
  return (
    (value as { isMatrix?: unknown }).isMatrix === true &&
    typeof (value as { toArray?: unknown }).toArray === 'function'
  );
}

function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function constructorName(value: object): string {
  const ctor = (value as { constructor?: { name?: unknown } }).constructor;
  return typeof ctor?.name === 'string' ? ctor.name : 'object';
}
