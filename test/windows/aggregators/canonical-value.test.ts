import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../../src/core/record.js';
import {
  canonicalValue,
  fromCanonicalValue,
} from '../../../src/windows/aggregators/canonical-value.js';

describe('canonicalValue', () => {
  it('keeps types apart and never yields an Object.prototype member name', () => {
    expect(canonicalValue(1)).not.toBe(canonicalValue('1'));
    expect(canonicalValue(true)).not.toBe(canonicalValue('true'));
    for (const name of Object.getOwnPropertyNames(Object.prototype)) {
      expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain(canonicalValue(name));
    }
  });

  it('round-trips JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const v = JSON.parse(JSON.stringify(value)) as JsonValue;
        expect(fromCanonicalValue(canonicalValue(v))).toEqual(v);
      }),
    );
  });
});
