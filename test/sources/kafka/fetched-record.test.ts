import { describe, expect, it } from 'vitest';
import { FetchedRecord } from '../../../src/sources/kafka/fetched-record.js';

describe('FetchedRecord', () => {
  it('reads key and value back from where they lie in the fetched bytes', () => {
    const response = Buffer.from('....key-1{"a":1}....', 'utf8');
    const key = response.subarray(4, 9);
    const value = response.subarray(9, 16);
    const record = new FetchedRecord('t', 3, '42', 1000, key, value, { h: 'v' });
    expect(record.key?.toString()).toBe('key-1');
    expect(record.value?.toString()).toBe('{"a":1}');
    expect(record.size).toBe(12);
    expect({ topic: record.topic, partition: record.partition, offset: record.offset }).toEqual({
      topic: 't',
      partition: 3,
      offset: '42',
    });
    expect(record.headers).toEqual({ h: 'v' });
    expect(record.predecoded).toBeUndefined();
  });

  it('keeps a missing key, a tombstone and an empty value apart', () => {
    const none = new FetchedRecord('t', 0, '0', 0, null, null, {});
    expect(none.key).toBeNull();
    expect(none.value).toBeNull();
    expect(none.size).toBe(0);
    const empty = new FetchedRecord('t', 0, '1', 0, Buffer.alloc(0), Buffer.alloc(0), {});
    expect(empty.key?.length).toBe(0);
    expect(empty.value?.length).toBe(0);
  });
});
