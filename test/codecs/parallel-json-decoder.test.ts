import { afterAll, describe, expect, it } from 'vitest';
import { predecodedValue, type JsonObject, type RawRecord } from '../../src/core/record.js';
import { readFrameLayout, writeValueFrame } from '../../src/codecs/decode-protocol.js';
import { ParallelJsonDecoder } from '../../src/codecs/parallel-json-decoder.js';

function raw(value: Buffer | string | null, offset = 0): RawRecord {
  return {
    topic: 't',
    partition: 0,
    offset: String(offset),
    timestampMs: 0,
    key: null,
    value: typeof value === 'string' ? Buffer.from(value, 'utf8') : value,
    headers: {},
    predecoded: undefined,
  };
}

const FIELDS = ['amount', 'name', 'ts'];

function pick(value: JsonObject, fields: readonly string[]): JsonObject {
  const out: JsonObject = {};
  for (const f of fields) if (Object.hasOwn(value, f)) out[f] = value[f]!;
  return out;
}

describe('value frame', () => {
  it('round-trips values, empty values and values not sent', () => {
    const values = [Buffer.from('{"a":1}'), null, Buffer.alloc(0), Buffer.from('x'.repeat(50))];
    const frame = writeValueFrame(
      values.map((v) => raw(v)),
      0,
      values.length,
      10,
    );
    const buf = Buffer.from(frame);
    const { starts, lengths } = readFrameLayout(buf, values.length);
    const read = Array.from(starts, (start, i) =>
      lengths[i]! < 0 ? null : buf.toString('utf8', start, start + lengths[i]!),
    );
    expect(read).toEqual([
      '{"a":1}',
      null,
      '',
      null, // over the 10-byte bound: left to the main thread
    ]);
    // A range of the records: only its values, in order.
    const part = Buffer.from(
      writeValueFrame(
        values.map((v) => raw(v)),
        2,
        4,
        100,
      ),
    );
    expect(readFrameLayout(part, 2).lengths).toEqual(Int32Array.from([0, 50]));
  });
});

describe('ParallelJsonDecoder', () => {
  const decoder = new ParallelJsonDecoder(1024);
  afterAll(() => decoder.close());

  it('hands over only the fields read, exactly as JSON.parse gives them', async () => {
    const records = [
      raw('{"amount":12.5,"name":"é€😀","ts":1767225600000,"pad":"xxxxxxxx","other":{"deep":1}}'),
      raw('{"ts":1,"name":null,"amount":-3e-7}'),
      raw('{"name":"\\ud800 lone","amount":true}'),
      raw('{"unrelated":1}'),
    ];
    await decoder.decodeInto(records, FIELDS);
    expect(records.map(predecodedValue)).toEqual([
      { amount: 12.5, name: 'é€😀', ts: 1767225600000 },
      { ts: 1, name: null, amount: -3e-7 },
      { name: '\ud800 lone', amount: true },
      {},
    ]);
  });

  it('leaves to the main thread what fails to decode, and objects or arrays it reads', async () => {
    const records = [
      raw('{"amount":'), // invalid JSON
      raw(Buffer.from([0x7b, 0xff, 0x7d])), // not UTF-8
      raw(''),
      raw(null),
      raw('[1,2]'),
      raw('{"__proto__":{"x":1},"amount":1}'),
      raw(`{"amount":1,"pad":"${'x'.repeat(2000)}"}`), // over maxRecordBytes
      raw('{"amount":{"nested":1}}'),
      raw('{"amount":[1]}'),
      raw('{"amount":2}'),
    ];
    await decoder.decodeInto(records, FIELDS);
    expect(records.map(predecodedValue)).toEqual([
      ...Array.from({ length: 9 }, () => undefined),
      { amount: 2 },
    ]);
  });

  it('hands over numbers exactly, -0 and the Infinity of a huge literal included', async () => {
    const records = [raw('{"amount":-0}'), raw('{"amount":1e400}'), raw('{"amount":5e-324}')];
    await decoder.decodeInto(records, FIELDS);
    expect(Object.is(predecodedValue(records[0]!)!.amount, -0)).toBe(true);
    expect(predecodedValue(records[1]!)).toEqual({ amount: Infinity });
    expect(predecodedValue(records[2]!)).toEqual({ amount: 5e-324 });
  });

  it('works when the job reads no field at all', async () => {
    const records = [raw('{"a":1}'), raw('oops')];
    await decoder.decodeInto(records, []);
    expect(records.map(predecodedValue)).toEqual([{}, undefined]);
  });

  it('agrees with JSON.parse on 5,000 generated values, in order', async () => {
    let seed = 42;
    const rand = (): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const scalars = [0, 1, -1, 0.1, 1e21, 123456789012345, 'a', '', 'ß"\\\n', true, false, null];
    const records: RawRecord[] = [];
    const sources: string[] = [];
    for (let i = 0; i < 5000; i++) {
      const value: Record<string, unknown> = { seq: i };
      for (const f of [...FIELDS, 'pad']) {
        if (rand() < 0.8) value[f] = scalars[Math.floor(rand() * scalars.length)];
      }
      const text = JSON.stringify(value);
      sources.push(text);
      records.push(raw(text, i));
    }
    await decoder.decodeInto(records, FIELDS);
    records.forEach((r, i) => {
      expect(predecodedValue(r), `record ${i}`).toEqual(
        pick(JSON.parse(sources[i]!) as JsonObject, FIELDS),
      );
    });
  });

  it('decodes only the records of the given range', async () => {
    const records = [0, 1, 2, 3].map((n) => raw(`{"amount":${n}}`, n));
    await decoder.decodeInto(records, FIELDS, 1, 3);
    expect(records.map(predecodedValue)).toEqual([
      undefined,
      { amount: 1 },
      { amount: 2 },
      undefined,
    ]);
  });

  it('leaves records as they are once closed', async () => {
    const closed = new ParallelJsonDecoder(1024);
    await closed.close();
    const records = [raw('{"amount":1}')];
    await closed.decodeInto(records, FIELDS);
    expect(predecodedValue(records[0]!)).toBeUndefined();
  });
});
