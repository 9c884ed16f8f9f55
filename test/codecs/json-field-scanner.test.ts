import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FIELD_FALSE,
  FIELD_NULL,
  FIELD_NUMBER,
  FIELD_STRING,
  FIELD_TRUE,
} from '../../src/codecs/value-projection.js';
import { JsonFieldScanner } from '../../src/codecs/json-field-scanner.js';

const FIELDS = ['amount', 'name', 'ts', 'flag'];

type Projected = Record<string, unknown>;

/** The scanner's answer as an object, or 'unhandled'. */
function scan(
  text: string | Buffer,
  fields = FIELDS,
  maxBytes = 1 << 20,
  scanner = new JsonFieldScanner(fields, maxBytes),
): Projected | 'unhandled' {
  const buf = Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8');
  // Scan from inside a larger buffer, as the consumer thread does with a fetched batch.
  const frame = Buffer.concat([Buffer.from('{"x":'), buf, Buffer.from('}}')]);
  const types = new Uint8Array(fields.length);
  const numbers = new Float64Array(fields.length);
  const strings: string[] = [];
  if (!scanner.scan(frame, 5, 5 + buf.length, 0, { types, numbers, strings })) return 'unhandled';
  const out: Projected = {};
  fields.forEach((f, j) => {
    const t = types[j];
    if (t === FIELD_NUMBER) out[f] = numbers[j];
    else if (t === FIELD_STRING) out[f] = strings[numbers[j]!];
    else if (t === FIELD_TRUE) out[f] = true;
    else if (t === FIELD_FALSE) out[f] = false;
    else if (t === FIELD_NULL) out[f] = null;
  });
  return out;
}

/** What JSON.parse makes of the text, projected the same way; undefined if it is not an object. */
function viaJsonParse(text: string, fields = FIELDS): Projected | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  const out: Projected = {};
  for (const f of fields) {
    if (Object.hasOwn(parsed, f)) out[f] = (parsed as Projected)[f];
  }
  return out;
}

function hasForbiddenKey(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some(hasForbiddenKey);
  return Object.keys(value).some(
    (k) =>
      k === '__proto__' ||
      k === 'constructor' ||
      k === 'prototype' ||
      hasForbiddenKey((value as Projected)[k]),
  );
}

/** Equal with -0 told apart from 0. */
function expectSame(actual: Projected, expected: Projected): void {
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  for (const k of Object.keys(expected)) expect(Object.is(actual[k], expected[k]), k).toBe(true);
}

describe('JsonFieldScanner', () => {
  it('reads the fields asked for, skipping the rest, as JSON.parse gives them', () => {
    const text =
      ' {"key":"key-00042", "amount":123.45,"ts":1767225600000,"seq":1000000000,' +
      '"pad":"xxxx","nested":{"a":[1,2,{"b":null}],"c":[]},"name":"ab","flag":false}\n';
    expect(scan(text)).toEqual({ amount: 123.45, ts: 1767225600000, name: 'ab', flag: false });
    expectSame(scan(text) as Projected, viaJsonParse(text)!);
  });

  it('handles empty objects, absent fields, literals and the last of duplicate keys', () => {
    expect(scan('{}')).toEqual({});
    expect(scan('{"other":1}')).toEqual({});
    expect(scan('{"flag":true,"name":null}')).toEqual({ flag: true, name: null });
    expect(scan('{"ts":1,"ts":2}')).toEqual({ ts: 2 });
  });

  it.each([
    ['-0', -0],
    ['-0.0', -0],
    ['0e5', 0],
    ['1e400', Infinity],
    ['-1e400', -Infinity],
    ['1e-400', 0],
    ['0.1', 0.1],
    ['0.000123', 0.000123],
    ['123456789012345678901234567890', Number('123456789012345678901234567890')],
    ['9007199254740993', Number('9007199254740993')],
    ['1.7976931348623157e308', 1.7976931348623157e308],
    ['5e-324', 5e-324],
    ['2.2250738585072011e-308', Number('2.2250738585072011e-308')],
    ['1E+2', 100],
    ['-12.5e-3', -0.0125],
  ])('reads the number %s exactly as JSON.parse does', (literal, expected) => {
    const out = scan(`{"amount":${literal}}`) as Projected;
    expect(Object.is(out.amount, expected)).toBe(true);
    expect(Object.is(out.amount, JSON.parse(literal))).toBe(true);
  });

  it.each([
    ['escapes', '{"name":"a\\"b"}'],
    ['escapes in a skipped field', '{"other":"a\\nb"}'],
    ['escaped keys', '{"n\\u0061me":"x"}'],
    ['non-ASCII text', '{"name":"é"}'],
    ['a forbidden key', '{"__proto__":{"x":1}}'],
    ['a nested forbidden key', '{"a":[{"constructor":1}]}'],
    ['a nested prototype key', '{"a":{"b":{"prototype":1}}}'],
    ['an object in a read field', '{"amount":{"v":1}}'],
    ['an array in a read field', '{"ts":[1]}'],
  ])('leaves %s to JSON.parse', (_what, text) => {
    expect(scan(text)).toBe('unhandled');
  });

  it.each([
    ['empty text', ''],
    ['whitespace only', '  '],
    ['a top-level array', '[1]'],
    ['a top-level string', '"x"'],
    ['a top-level number', '1'],
    ['null', 'null'],
    ['a trailing comma', '{"a":1,}'],
    ['a trailing comma in an array', '{"a":[1,]}'],
    ['a leading comma in an array', '{"a":[,1]}'],
    ['a missing colon', '{"a" 1}'],
    ['a missing value', '{"a":}'],
    ['an unquoted key', '{a:1}'],
    ['single quotes', "{'a':1}"],
    ['a leading zero', '{"amount":01}'],
    ['a bare dot', '{"amount":1.}'],
    ['a leading dot', '{"amount":.5}'],
    ['a plus sign', '{"amount":+1}'],
    ['a lone minus', '{"amount":-}'],
    ['an empty exponent', '{"amount":1e}'],
    ['NaN', '{"amount":NaN}'],
    ['Infinity', '{"amount":Infinity}'],
    ['a misspelt literal', '{"flag":tru}'],
    ['a literal cut short', '{"flag":nul'],
    ['text after the object', '{"a":1} x'],
    ['two objects', '{}{}'],
    ['an unclosed object', '{"a":1'],
    ['an unclosed string', '{"a":"x}'],
    ['an unclosed nested array', '{"a":[1,[2]}'],
    ['mismatched brackets', '{"a":[1}'],
    ['a raw control character', '{"name":"a\tb"}'],
    ['a comment', '{"a":1 /* c */}'],
    ['a vertical tab as space', '{\u000b"a":1}'],
  ])('refuses %s (JSON.parse decides)', (_what, text) => {
    expect(scan(text)).toBe('unhandled');
  });

  it('answers the same once it knows the keys of earlier values, whatever the next one holds', () => {
    const scanner = new JsonFieldScanner(FIELDS, 1 << 20);
    const texts = [
      '{"amount":1,"name":"a","x":2}',
      '{"amount":2,"name":"b","x":3}',
      '{"amountx":3,"name":"c"}', // a known key as a prefix of another
      '{"amoun":4,"nam":"d"}', // a known key's prefix
      '{"name":"e","amount":5}', // the same keys in another order
      '{"amount":6}',
      '{"amount":7,"name":"f","x":8,"ts":9}', // more members than before
      '{"amount":10,"constructor":1}', // a forbidden key where "name" was
      '{"amount":11,"na\u006de":"g"}', // "name" written with an escape
      '{"amount":12,"name"', // cut off after a known key
      '{"amount":13,"name":"h","x":14}',
    ];
    for (const text of texts) {
      expect(scan(text, FIELDS, 1 << 20, scanner), text).toEqual(scan(text));
    }
    expect(scan(texts.at(-1)!, FIELDS, 1 << 20, scanner)).toEqual({ amount: 13, name: 'h' });
  });

  it('leaves oversized values and deep nesting to JSON.parse', () => {
    expect(scan('{"pad":"xxxxxxxxxx"}', FIELDS, 10)).toBe('unhandled');
    const deep = `{"a":${'['.repeat(300)}${']'.repeat(300)}}`;
    expect(scan(deep)).toBe('unhandled');
    const fine = `{"a":${'['.repeat(200)}${']'.repeat(200)},"ts":3}`;
    expect(scan(fine)).toEqual({ ts: 3 });
  });

  it('never answers differently from JSON.parse on generated and mutated JSON', () => {
    const key = fc.oneof(
      fc.constantFrom(...FIELDS, '__proto__', 'constructor', 'prototype', 'x'),
      fc.stringMatching(/^[a-z_]{0,6}$/),
      fc.string({ maxLength: 6 }),
    );
    const scalar = fc.oneof(
      fc.double(),
      fc.integer(),
      fc.constantFrom(-0, 1e21, 1e-7, 0.1, 123.45),
      fc.stringMatching(/^[a-z0-9 .-]{0,8}$/),
      fc.string({ maxLength: 8 }),
      fc.string({ unit: 'grapheme', maxLength: 4 }),
      fc.boolean(),
      fc.constant(null),
    );
    const { value } = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        scalar,
        fc.array(tie('value'), { maxLength: 4 }),
        fc.dictionary(key, tie('value'), { maxKeys: 4 }),
      ),
    }));
    const spacing = fc.constantFrom('', ' ', '\n', '\t ', '\r\n');
    const text = fc
      .tuple(fc.dictionary(key, value, { maxKeys: 7 }), spacing)
      .map(([obj, space]) => JSON.stringify(obj, null, space.length > 0 ? space : undefined));
    // Mutations: JSON's structural bytes inserted, deleted or swapped in at random places.
    const mutated = fc
      .tuple(
        text,
        fc.array(
          fc.tuple(
            fc.nat(),
            fc.constantFrom(
              '',
              '{',
              '}',
              '[',
              ']',
              ',',
              ':',
              '"',
              '\\',
              '-',
              '0',
              'e',
              '.',
              ' ',
              'é',
            ),
            fc.boolean(),
          ),
          { maxLength: 3 },
        ),
      )
      .map(([t, edits]) => {
        let s = t;
        for (const [at, piece, replace] of edits) {
          const i = s.length === 0 ? 0 : at % s.length;
          s = s.slice(0, i) + piece + s.slice(replace ? i + 1 : i);
        }
        return s;
      });
    let handled = 0;
    let runs = 0;
    // One scanner for every run too: it remembers keys from earlier texts (knownKeys).
    const shared = new JsonFieldScanner(FIELDS, 1 << 20);
    fc.assert(
      fc.property(fc.oneof(text, mutated), (t) => {
        runs++;
        const got = scan(t);
        expect(scan(t, FIELDS, 1 << 20, shared), t).toEqual(got);
        if (got === 'unhandled') return;
        handled++;
        const expected = viaJsonParse(t);
        expect(expected, t).toBeDefined();
        expect(hasForbiddenKey(JSON.parse(t)), t).toBe(false);
        expectSame(got, expected!);
      }),
      { numRuns: 5000 },
    );
    // The fast path must actually be taken for a good share of the inputs, or this proves nothing.
    expect(handled).toBeGreaterThan(runs / 10);
  });
});
