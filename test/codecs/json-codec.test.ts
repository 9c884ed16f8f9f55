import { describe, expect, it } from 'vitest';
import { JsonCodec } from '../../src/codecs/json-codec.js';
import type { RawRecord } from '../../src/core/record.js';

function raw(value: Buffer | string | null): RawRecord {
  return {
    topic: 't',
    partition: 0,
    offset: '0',
    timestampMs: 0,
    key: null,
    headers: {},
    value: typeof value === 'string' ? Buffer.from(value) : value,
  };
}

describe('JsonCodec', () => {
  const codec = new JsonCodec(100);

  it('decodes a JSON object', () => {
    const r = codec.decode(raw('{"a":1,"b":"x"}'));
    expect(r).toEqual({ ok: true, value: { a: 1, b: 'x' } });
  });

  it.each([
    ['null value', null, 'DECODE_EMPTY'],
    ['empty value', '', 'DECODE_EMPTY'],
    ['oversized value', `{"a":"${'x'.repeat(200)}"}`, 'RECORD_TOO_LARGE'],
    ['non-UTF-8 bytes', Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), 'DECODE_NOT_UTF8'],
    ['truncated JSON', '{"a":1', 'DECODE_INVALID_JSON'],
    ['a JSON array', '[1,2]', 'DECODE_NOT_OBJECT'],
    ['a JSON number', '42', 'DECODE_NOT_OBJECT'],
    ['JSON null', 'null', 'DECODE_NOT_OBJECT'],
    ['__proto__ key', '{"__proto__":{"polluted":true}}', 'DECODE_FORBIDDEN_KEY'],
    ['nested constructor key', '{"a":[{"constructor":{"prototype":1}}]}', 'DECODE_FORBIDDEN_KEY'],
  ])('rejects %s', (_name, value, code) => {
    const r = codec.decode(raw(value));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe(code);
  });

  it('does not pollute Object.prototype', () => {
    codec.decode(raw('{"__proto__":{"polluted":true}}'));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('accepts the words inside string values', () => {
    const r = codec.decode(raw('{"note":"constructor of __proto__"}'));
    expect(r.ok).toBe(true);
  });
});
