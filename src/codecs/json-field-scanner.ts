// The consumer thread's fast path: reads the top-level fields a job needs straight from a JSON
// value's bytes while validating the whole text. It handles only ASCII text without escapes;
// anything else (escapes, non-ASCII bytes, forbidden keys, an object or array in a read field,
// invalid JSON) is answered "not handled" and takes the JSON.parse path, so every answer it
// gives is the one JSON.parse would give.

import {
  FIELD_FALSE,
  FIELD_NULL,
  FIELD_NUMBER,
  FIELD_STRING,
  FIELD_TRUE,
} from './value-projection.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const LOWER_E = 0x65;
const UPPER_E = 0x45;

/** Deeper nesting than this is left to JSON.parse (the scanner's container stack is fixed). */
const MAX_DEPTH = 256;
/** Exact powers of ten: the range where one IEEE multiply or divide rounds correctly (Clinger). */
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);
/** Significant digits whose integer value stays below 2^53 (exact in a double). */
const MAX_FAST_DIGITS = 15;

/** Member positions whose keys the scanner remembers (see JsonFieldScanner.knownKeys). */
const MAX_KNOWN_KEYS = 64;

/** Bytes in a JSON string: plain, the closing quote, or one the scanner leaves to JSON.parse. */
const STRING_PLAIN = 0;
const STRING_QUOTE = 1;
const STRING_OTHER = 2;
/** Escapes and non-ASCII are JSON.parse's to decode; raw control characters are invalid JSON. */
const STRING_BYTE = Uint8Array.from({ length: 256 }, (_, c) =>
  c === QUOTE
    ? STRING_QUOTE
    : c === BACKSLASH || c < 0x20 || c >= 0x80
      ? STRING_OTHER
      : STRING_PLAIN,
);

const FORBIDDEN_KEYS = ['__proto__', 'constructor', 'prototype'].map((k) => Buffer.from(k));

/** Where a scan writes a value's fields: `types`/`numbers` slot `base + j` is field j. */
export interface ScanTarget {
  readonly types: Uint8Array;
  readonly numbers: Float64Array;
  readonly strings: string[];
}

/**
 * Reads `fields` (top-level names) from JSON object texts. One per source topic: the field
 * names are matched as bytes.
 */
export class JsonFieldScanner {
  private readonly fieldBytes: readonly Buffer[];
  private readonly stack = new Uint8Array(MAX_DEPTH);
  /**
   * The keys of the last values scanned, by member position, and their field indexes (-1: not
   * read). Events of one topic mostly repeat their keys in the same order, so a key that matches
   * the one last seen at its position is taken without validating or looking it up again.
   */
  private readonly knownKeys: Buffer[] = [];
  private readonly knownFields = new Int32Array(MAX_KNOWN_KEYS);

  constructor(
    fields: readonly string[],
    private readonly maxRecordBytes: number,
  ) {
    this.fieldBytes = fields.map((f) => Buffer.from(f, 'utf8'));
  }

  /**
   * Scans `buf[start, end)`. Returns true when the text is a valid JSON object handled here, with
   * every read field that is present written at `base + j` (absent fields are left untouched:
   * the caller passes zeroed slots). Returns false when JSON.parse must decide; the slots and
   * `strings` may then hold partial writes, which the caller resets.
   */
  scan(buf: Buffer, start: number, end: number, base: number, out: ScanTarget): boolean {
    if (end - start === 0 || end - start > this.maxRecordBytes) return false;
    let p = skipSpace(buf, start, end);
    if (p >= end || buf[p] !== OPEN_OBJECT) return false;
    p = skipSpace(buf, p + 1, end);
    if (p < end && buf[p] === CLOSE_OBJECT) return skipSpace(buf, p + 1, end) === end;
    for (let member = 0; ; member++) {
      let keyEnd: number;
      let field: number;
      const known = this.knownKeys[member];
      if (known !== undefined && isQuotedKey(known, buf, p, end)) {
        keyEnd = p + 1 + known.length;
        field = this.knownFields[member]!;
      } else {
        keyEnd = scanMemberKey(buf, p, end);
        if (keyEnd < 0) return false;
        field = this.fieldIndex(buf, p + 1, keyEnd);
        this.remember(member, buf.subarray(p + 1, keyEnd), field);
      }
      p = memberValueStart(buf, keyEnd, end);
      if (p < 0) return false;
      // A later duplicate key overwrites an earlier one, as in JSON.parse.
      p = field < 0 ? this.skipValue(buf, p, end) : readField(buf, p, end, base + field, out);
      if (p < 0) return false;
      p = skipSpace(buf, p, end);
      if (p >= end) return false;
      const c = buf[p];
      if (c === CLOSE_OBJECT) return skipSpace(buf, p + 1, end) === end;
      if (c !== COMMA) return false;
      p = skipSpace(buf, p + 1, end);
    }
  }

  /** A valid key (plain, not forbidden) seen at `member`: the one later values are matched with. */
  private remember(member: number, key: Buffer, field: number): void {
    if (member >= MAX_KNOWN_KEYS) return;
    // Later positions belong to the old shape; they are learnt again from this value on.
    this.knownKeys.length = Math.min(this.knownKeys.length, member);
    this.knownKeys.push(Buffer.from(key));
    this.knownFields[member] = field;
  }

  private fieldIndex(buf: Buffer, start: number, end: number): number {
    for (let j = 0; j < this.fieldBytes.length; j++) {
      if (bytesEqual(this.fieldBytes[j]!, buf, start, end)) return j;
    }
    return -1;
  }

  /** Validates one value of any kind at `p`; its end, or -1. Containers use the fixed stack. */
  private skipValue(buf: Buffer, p: number, end: number): number {
    const c = buf[p];
    if (c !== OPEN_OBJECT && c !== OPEN_ARRAY) return skipScalar(buf, p, end);
    const stack = this.stack;
    let depth = 0;
    stack[depth++] = c;
    p = skipSpace(buf, p + 1, end);
    let first = true;
    for (;;) {
      if (p >= end) return -1;
      const top = stack[depth - 1]!;
      const close = closerOf(top);
      let closed = first && buf[p] === close;
      if (!closed) {
        if (top === OPEN_OBJECT) {
          const keyEnd = scanMemberKey(buf, p, end);
          if (keyEnd < 0) return -1;
          p = memberValueStart(buf, keyEnd, end);
          if (p < 0) return -1;
        }
        const v = buf[p];
        if (v === OPEN_OBJECT || v === OPEN_ARRAY) {
          if (depth === MAX_DEPTH) return -1;
          stack[depth++] = v;
          p = skipSpace(buf, p + 1, end);
          first = true;
          continue;
        }
        p = skipScalar(buf, p, end);
        if (p < 0) return -1;
        p = skipSpace(buf, p, end);
        if (p >= end) return -1;
        if (buf[p] === COMMA) {
          p = skipSpace(buf, p + 1, end);
          first = false;
          continue;
        }
        closed = buf[p] === close;
        if (!closed) return -1;
      }
      // Close containers for as long as closers follow.
      for (;;) {
        depth--;
        p++;
        if (depth === 0) return p;
        p = skipSpace(buf, p, end);
        if (p >= end) return -1;
        if (buf[p] === COMMA) {
          p = skipSpace(buf, p + 1, end);
          first = false;
          break;
        }
        if (buf[p] !== closerOf(stack[depth - 1]!)) return -1;
      }
    }
  }
}

function skipSpace(buf: Buffer, p: number, end: number): number {
  while (p < end) {
    const c = buf[p]!;
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
    p++;
  }
  return p;
}

/**
 * True if `buf[p, end)` starts with `key` in quotes. `key` was validated when it was first seen,
 * so the match stands for the whole of scanMemberKey.
 */
function isQuotedKey(key: Buffer, buf: Buffer, p: number, end: number): boolean {
  const n = key.length;
  if (p + n + 1 >= end || buf[p] !== QUOTE || buf[p + n + 1] !== QUOTE) return false;
  for (let i = 0; i < n; i++) if (key[i] !== buf[p + 1 + i]) return false;
  return true;
}

/**
 * From just after an opening quote: the closing quote's index, or -1 (escape, non-ASCII, invalid).
 * One table lookup per byte, four bytes per step: the long string fields of events are most of
 * their bytes.
 */
function scanString(buf: Buffer, p: number, end: number): number {
  const end4 = end - 4;
  while (
    p <= end4 &&
    (STRING_BYTE[buf[p]!]! |
      STRING_BYTE[buf[p + 1]!]! |
      STRING_BYTE[buf[p + 2]!]! |
      STRING_BYTE[buf[p + 3]!]!) ===
      0
  ) {
    p += 4;
  }
  let kind = STRING_PLAIN;
  while (p < end && (kind = STRING_BYTE[buf[p]!]!) === STRING_PLAIN) p++;
  return p < end && kind === STRING_QUOTE ? p : -1;
}

/**
 * An object member's key at `p` (an opening quote): the index of its closing quote, or -1 when it
 * is not a plain key (escapes, non-ASCII) or is a forbidden one.
 */
function scanMemberKey(buf: Buffer, p: number, end: number): number {
  if (p >= end || buf[p] !== QUOTE) return -1;
  const keyEnd = scanString(buf, p + 1, end);
  if (keyEnd < 0) return -1;
  for (const forbidden of FORBIDDEN_KEYS) {
    if (bytesEqual(forbidden, buf, p + 1, keyEnd)) return -1;
  }
  return keyEnd;
}

/** After a key's closing quote: where its value starts (past the colon and spaces), or -1. */
function memberValueStart(buf: Buffer, keyEnd: number, end: number): number {
  const p = skipSpace(buf, keyEnd + 1, end);
  if (p >= end || buf[p] !== COLON) return -1;
  const value = skipSpace(buf, p + 1, end);
  return value < end ? value : -1;
}

function closerOf(open: number): number {
  return open === OPEN_OBJECT ? CLOSE_OBJECT : CLOSE_ARRAY;
}

/** True if `buf[start, end)` holds exactly the bytes of `expected`. */
function bytesEqual(expected: Buffer, buf: Buffer, start: number, end: number): boolean {
  if (expected.length !== end - start) return false;
  for (let i = 0; i < expected.length; i++) if (expected[i] !== buf[start + i]) return false;
  return true;
}

function matchLiteral(buf: Buffer, p: number, end: number, literal: string): number {
  if (end - p < literal.length) return -1;
  for (let i = 0; i < literal.length; i++) {
    if (buf[p + i] !== literal.charCodeAt(i)) return -1;
  }
  return p + literal.length;
}

/** A string, number or literal at `p`: its end, or -1. */
function skipScalar(buf: Buffer, p: number, end: number): number {
  const c = buf[p];
  if (c === QUOTE) {
    const close = scanString(buf, p + 1, end);
    return close < 0 ? -1 : close + 1;
  }
  if (c === 0x74) return matchLiteral(buf, p, end, 'true');
  if (c === 0x66) return matchLiteral(buf, p, end, 'false');
  if (c === 0x6e) return matchLiteral(buf, p, end, 'null');
  return scanNumber(buf, p, end, -1, undefined);
}

/** Reads a read field's value at `p` into slot `slot`; its end, or -1 (objects and arrays too). */
function readField(buf: Buffer, p: number, end: number, slot: number, out: ScanTarget): number {
  const c = buf[p];
  if (c === QUOTE) {
    const close = scanString(buf, p + 1, end);
    if (close < 0) return -1;
    out.types[slot] = FIELD_STRING;
    out.numbers[slot] = out.strings.length;
    // ASCII only (scanString refuses the rest), so latin1 decodes it exactly and cheaply.
    out.strings.push(buf.toString('latin1', p + 1, close));
    return close + 1;
  }
  let next: number;
  if (c === 0x74) {
    next = matchLiteral(buf, p, end, 'true');
    out.types[slot] = FIELD_TRUE;
  } else if (c === 0x66) {
    next = matchLiteral(buf, p, end, 'false');
    out.types[slot] = FIELD_FALSE;
  } else if (c === 0x6e) {
    next = matchLiteral(buf, p, end, 'null');
    out.types[slot] = FIELD_NULL;
  } else {
    next = scanNumber(buf, p, end, slot, out);
  }
  return next;
}

/**
 * Validates a JSON number at `p` (RFC 8259 grammar); its end, or -1. With a slot, also writes
 * its value: exactly when the digits fit the fast path (≤ 15 significant digits, power of ten
 * within ±22, one correctly rounded operation), else through Number() on the text — the same
 * correctly rounded conversion JSON.parse uses.
 */
function scanNumber(
  buf: Buffer,
  p: number,
  end: number,
  slot: number,
  out: ScanTarget | undefined,
): number {
  const start = p;
  let negative = false;
  if (buf[p] === MINUS) {
    negative = true;
    p++;
  }
  if (p >= end) return -1;
  let mantissa = 0;
  let digits = 0;
  let c = buf[p]!;
  if (c === ZERO) {
    p++;
  } else if (c > ZERO && c <= NINE) {
    while (p < end && (c = buf[p]!) >= ZERO && c <= NINE) {
      mantissa = mantissa * 10 + (c - ZERO);
      digits++;
      p++;
    }
  } else {
    return -1;
  }
  let fractionDigits = 0;
  if (p < end && buf[p] === DOT) {
    p++;
    const fractionStart = p;
    while (p < end && (c = buf[p]!) >= ZERO && c <= NINE) {
      mantissa = mantissa * 10 + (c - ZERO);
      digits++;
      p++;
    }
    fractionDigits = p - fractionStart;
    if (fractionDigits === 0) return -1;
  }
  let exponent = 0;
  let exponentDigits = 0;
  if (p < end && (buf[p] === LOWER_E || buf[p] === UPPER_E)) {
    p++;
    let exponentNegative = false;
    if (p < end && (buf[p] === PLUS || buf[p] === MINUS)) {
      exponentNegative = buf[p] === MINUS;
      p++;
    }
    const exponentStart = p;
    while (p < end && (c = buf[p]!) >= ZERO && c <= NINE) {
      if (exponent < 1e6) exponent = exponent * 10 + (c - ZERO);
      p++;
    }
    exponentDigits = p - exponentStart;
    if (exponentDigits === 0) return -1;
    if (exponentNegative) exponent = -exponent;
  }
  if (out === undefined) return p;
  const power = exponent - fractionDigits;
  let value: number;
  if (mantissa === 0) {
    value = 0;
  } else if (digits <= MAX_FAST_DIGITS && power >= -22 && power <= 22) {
    value = power >= 0 ? mantissa * POW10[power]! : mantissa / POW10[-power]!;
  } else {
    out.types[slot] = FIELD_NUMBER;
    out.numbers[slot] = Number(buf.toString('latin1', start, p));
    return p;
  }
  out.types[slot] = FIELD_NUMBER;
  out.numbers[slot] = negative ? -value : value;
  return p;
}
