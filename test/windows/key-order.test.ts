import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareUtf8 } from '../../src/windows/key-order.js';

describe('compareUtf8', () => {
  it('orders like the UTF-8 bytes (RocksDB), unlike UTF-16 for astral characters', () => {
    expect('\u{1F600}' < '\uFF5E').toBe(true); // UTF-16 order
    expect(compareUtf8('\u{1F600}', '\uFF5E')).toBeGreaterThan(0); // byte order
    expect(compareUtf8('a', 'ab')).toBeLessThan(0);
    expect(compareUtf8('b', 'a')).toBeGreaterThan(0);
    expect(compareUtf8('same', 'same')).toBe(0);
  });

  it('agrees with Buffer.compare on UTF-8 for any strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        expect(Math.sign(compareUtf8(a, b))).toBe(
          Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b))),
        );
      }),
      { numRuns: 2000 },
    );
  });
});
