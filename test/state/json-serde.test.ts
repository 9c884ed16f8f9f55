// JsonSerde round-trips plain data as UTF-8 JSON.

import { describe, expect, it } from 'vitest';
import { JsonSerde } from '../../src/state/json-serde.js';

describe('JsonSerde', () => {
  it('round-trips objects, arrays and non-ASCII text', () => {
    const serde = new JsonSerde<{ n: number; tags: string[]; name: string }>();
    const value = { n: 1.5, tags: ['a', 'b'], name: 'Zürich ✓' };
    const bytes = serde.serialize(value);
    expect(bytes.toString('utf8')).toBe(JSON.stringify(value));
    expect(serde.deserialize(bytes)).toEqual(value);
  });

  it('maps non-finite numbers to null, as JSON does', () => {
    const serde = new JsonSerde<number[]>();
    expect(serde.deserialize(serde.serialize([Number.NaN, Infinity, 2]))).toEqual([null, null, 2]);
  });
});
