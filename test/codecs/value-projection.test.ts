import { describe, expect, it } from 'vitest';
import { FieldProjector, type ValueLayout } from '../../src/codecs/value-projection.js';
import type { JsonObject } from '../../src/core/record.js';

const FIELDS = ['amount', 'name', 'ts'];

/** Values back to back in one buffer (at an offset, as in a fetched batch); null: no value. */
function layoutOf(values: ReadonlyArray<Buffer | string | null>): ValueLayout {
  const buffers = values.map((v) => (typeof v === 'string' ? Buffer.from(v, 'utf8') : v));
  const data = Buffer.concat([Buffer.from('key'), ...buffers.map((b) => b ?? Buffer.alloc(0))]);
  const starts: number[] = [];
  let pos = 3;
  for (const b of buffers) {
    starts.push(pos);
    pos += b?.length ?? 0;
  }
  return {
    data,
    count: buffers.length,
    valueStart: (i) => starts[i]!,
    valueLength: (i) => buffers[i]?.length ?? -1,
  };
}

/** Each value as projected: an object of the fields present, undefined if left. */
function project(
  values: ReadonlyArray<Buffer | string | null>,
  fields: readonly string[] = FIELDS,
  maxRecordBytes = 1024,
): Array<JsonObject | undefined> {
  const projected = new FieldProjector(fields, maxRecordBytes).project(layoutOf(values));
  return values.map((_, i) => projected.valueAt(i));
}

function pick(value: JsonObject, fields: readonly string[]): JsonObject {
  const out: JsonObject = {};
  for (const f of fields) if (Object.hasOwn(value, f)) out[f] = value[f]!;
  return out;
}

describe('FieldProjector', () => {
  it('hands over only the fields read, exactly as JSON.parse gives them', () => {
    expect(
      project([
        '{"amount":12.5,"name":"é€😀","ts":1767225600000,"pad":"xxxxxxxx","other":{"deep":1}}',
        '{"ts":1,"name":null,"amount":-3e-7}',
        '{"name":"\\ud800 lone","amount":true}',
        '{"unrelated":1}',
      ]),
    ).toEqual([
      { amount: 12.5, name: 'é€😀', ts: 1767225600000 },
      { ts: 1, name: null, amount: -3e-7 },
      { name: '\ud800 lone', amount: true },
      {},
    ]);
  });

  it('leaves to processing what fails to decode, and objects or arrays it reads', () => {
    expect(
      project([
        '{"amount":', // invalid JSON
        Buffer.from([0x7b, 0xff, 0x7d]), // not UTF-8
        '',
        null,
        '[1,2]',
        '{"__proto__":{"x":1},"amount":1}',
        `{"amount":1,"pad":"${'x'.repeat(2000)}"}`, // over maxRecordBytes
        '{"amount":{"nested":1}}',
        '{"amount":[1]}',
        '{"amount":2}',
      ]),
    ).toEqual([...Array.from({ length: 9 }, () => undefined), { amount: 2 }]);
  });

  it('hands over numbers exactly, -0 and the Infinity of a huge literal included', () => {
    const values = project(['{"amount":-0}', '{"amount":1e400}', '{"amount":5e-324}']);
    expect(Object.is(values[0]!.amount, -0)).toBe(true);
    expect(values[1]).toEqual({ amount: Infinity });
    expect(values[2]).toEqual({ amount: 5e-324 });
  });

  it('works when the job reads no field at all', () => {
    expect(project(['{"a":1}', 'oops'], [])).toEqual([{}, undefined]);
  });

  it('builds a new object each time a value is read', () => {
    const projected = new FieldProjector(FIELDS, 1024).project(layoutOf(['{"amount":1}']));
    const first = projected.valueAt(0)!;
    first.amount = 2;
    expect(projected.valueAt(0)).toEqual({ amount: 1 });
  });

  it('agrees with JSON.parse on 5,000 generated values, in order', () => {
    let seed = 42;
    const rand = (): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const scalars = [0, 1, -1, 0.1, 1e21, 123456789012345, 'a', '', 'ß"\\\n', true, false, null];
    const sources: string[] = [];
    for (let i = 0; i < 5000; i++) {
      const value: Record<string, unknown> = { seq: i };
      for (const f of [...FIELDS, 'pad']) {
        if (rand() < 0.8) value[f] = scalars[Math.floor(rand() * scalars.length)];
      }
      sources.push(JSON.stringify(value));
    }
    project(sources).forEach((value, i) => {
      expect(value, `record ${i}`).toEqual(pick(JSON.parse(sources[i]!) as JsonObject, FIELDS));
    });
  });
});
