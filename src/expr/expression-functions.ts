// The functions an expression may call: an allow-list. Anything else — `import`, `evaluate`,
// `parse`, every other mathjs function — is refused when the expression compiles. Sluice's own
// helpers are defined here and installed in the locked-down mathjs instance as well, so both
// evaluators (native closures and mathjs compiled) run the very same code.

/** How a function is evaluated. */
export type FunctionSource =
  /** A mathjs built-in, called with mathjs semantics. */
  | 'mathjs'
  /** A Sluice helper (below), installed in mathjs too. */
  | 'sluice'
  /** Evaluated lazily: a missing field counts as null instead of failing the record. */
  | 'special';

export interface ExpressionFunction {
  readonly minArgs: number;
  /** Most arguments; `Infinity` for variadic functions. */
  readonly maxArgs: number;
  readonly source: FunctionSource;
  /** Sluice helpers only. Throws a TypeError on arguments of the wrong type. */
  readonly implementation?: (...args: unknown[]) => unknown;
  /** One line for jobs/README.md and error messages. */
  readonly summary: string;
}

/** Mean Earth radius (IUGG), km. */
const EARTH_RADIUS_KM = 6371.0088;

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function requireString(fn: string, value: unknown): string {
  if (typeof value !== 'string')
    throw new TypeError(`${fn}() expects a string, got ${typeName(value)}`);
  return value;
}

function requireNumber(fn: string, value: unknown): number {
  if (typeof value !== 'number')
    throw new TypeError(`${fn}() expects numbers, got ${typeName(value)}`);
  return value;
}

function lower(value: unknown): string {
  return requireString('lower', value).toLowerCase();
}

function upper(value: unknown): string {
  return requireString('upper', value).toUpperCase();
}

function trim(value: unknown): string {
  return requireString('trim', value).trim();
}

function length(value: unknown): number {
  if (typeof value === 'string' || Array.isArray(value)) return value.length;
  throw new TypeError(`length() expects a string or an array, got ${typeName(value)}`);
}

/** Like SQL's concat: numbers and booleans are written as JavaScript would, null as nothing. */
function concat(...values: unknown[]): string {
  let out = '';
  for (const value of values) {
    if (value === null) continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      out += String(value);
    } else {
      throw new TypeError(`concat() expects strings, numbers or booleans, got ${typeName(value)}`);
    }
  }
  return out;
}

/** Substring test on strings; membership (strict equality) on arrays. */
function contains(haystack: unknown, needle: unknown): boolean {
  if (typeof haystack === 'string') return haystack.includes(requireString('contains', needle));
  if (Array.isArray(haystack)) return haystack.includes(needle);
  throw new TypeError(`contains() expects a string or an array first, got ${typeName(haystack)}`);
}

function startsWith(value: unknown, prefix: unknown): boolean {
  return requireString('startsWith', value).startsWith(requireString('startsWith', prefix));
}

function endsWith(value: unknown, suffix: unknown): boolean {
  return requireString('endsWith', value).endsWith(requireString('endsWith', suffix));
}

/** Great-circle distance in km between two points given in degrees. */
function haversine(lat1: unknown, lon1: unknown, lat2: unknown, lon2: unknown): number {
  const toRad = Math.PI / 180;
  const phi1 = requireNumber('haversine', lat1) * toRad;
  const phi2 = requireNumber('haversine', lat2) * toRad;
  const dPhi = phi2 - phi1;
  const dLambda = (requireNumber('haversine', lon2) - requireNumber('haversine', lon1)) * toRad;
  const a = Math.sin(dPhi / 2) ** 2 + Math.cos(phi1) * Math.cos(phi2) * Math.sin(dLambda / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)));
}

function mathjs(minArgs: number, maxArgs: number, summary: string): ExpressionFunction {
  return { minArgs, maxArgs, source: 'mathjs', summary };
}

function sluice(
  implementation: (...args: never[]) => unknown,
  minArgs: number,
  maxArgs: number,
  summary: string,
): ExpressionFunction {
  return {
    minArgs,
    maxArgs,
    source: 'sluice',
    implementation: implementation as (...args: unknown[]) => unknown,
    summary,
  };
}

/** Every function an expression may call, by name. */
export const EXPRESSION_FUNCTIONS: Readonly<Record<string, ExpressionFunction>> = Object.freeze({
  abs: mathjs(1, 1, 'absolute value'),
  ceil: mathjs(1, 2, 'round up (optionally to n decimals)'),
  floor: mathjs(1, 2, 'round down (optionally to n decimals)'),
  round: mathjs(1, 2, 'round half away from zero (optionally to n decimals)'),
  sqrt: mathjs(1, 1, 'square root (NaN for negative numbers)'),
  cbrt: mathjs(1, 1, 'cube root'),
  exp: mathjs(1, 1, 'e to the power x'),
  log: mathjs(1, 2, 'natural logarithm, or log(x, base)'),
  log10: mathjs(1, 1, 'base-10 logarithm'),
  log2: mathjs(1, 1, 'base-2 logarithm'),
  pow: mathjs(2, 2, 'x to the power y (same as x ^ y)'),
  min: mathjs(1, Infinity, 'smallest argument'),
  max: mathjs(1, Infinity, 'largest argument'),
  sign: mathjs(1, 1, '-1, 0 or 1'),
  mod: mathjs(2, 2, 'remainder with the sign of the divisor (same as x % y)'),
  number: mathjs(1, 1, 'convert a numeric string or boolean to a number'),
  lower: sluice(lower, 1, 1, 'lower-case a string'),
  upper: sluice(upper, 1, 1, 'upper-case a string'),
  trim: sluice(trim, 1, 1, 'strip leading and trailing white space'),
  length: sluice(length, 1, 1, 'length of a string or an array'),
  concat: sluice(
    concat,
    1,
    Infinity,
    'join strings, numbers and booleans into a string (null adds nothing)',
  ),
  contains: sluice(
    contains,
    2,
    2,
    'substring test, or membership in an array: contains(["NL", "BE"], country)',
  ),
  startsWith: sluice(startsWith, 2, 2, 'string starts with a prefix'),
  endsWith: sluice(endsWith, 2, 2, 'string ends with a suffix'),
  haversine: sluice(
    haversine,
    4,
    4,
    'great-circle distance in km: haversine(lat1, lon1, lat2, lon2), degrees',
  ),
  has: {
    minArgs: 1,
    maxArgs: 1,
    source: 'special',
    summary: 'true if the field (or nested field a.b) is present, even when null',
  },
  isNull: {
    minArgs: 1,
    maxArgs: 1,
    source: 'special',
    summary: 'true if the value is null or the field is missing',
  },
  coalesce: {
    minArgs: 1,
    maxArgs: Infinity,
    source: 'special',
    summary: 'the first argument that is neither null nor a missing field, else null',
  },
});

/** Names that resolve to values rather than record fields. */
export const EXPRESSION_CONSTANTS: Readonly<Record<string, number>> = Object.freeze({
  pi: Math.PI,
  e: Math.E,
});

/** The allow-listed function called `name`, if any (own keys only: `constructor` is not one). */
export function lookupExpressionFunction(name: string): ExpressionFunction | undefined {
  return Object.hasOwn(EXPRESSION_FUNCTIONS, name) ? EXPRESSION_FUNCTIONS[name] : undefined;
}

/** The constant called `name` (`pi`, `e`), if any. */
export function lookupExpressionConstant(name: string): number | undefined {
  return Object.hasOwn(EXPRESSION_CONSTANTS, name) ? EXPRESSION_CONSTANTS[name] : undefined;
}
