import { describe, expect, it } from 'vitest';
import { SourceLocator } from '../../src/expr/source-locator.js';

describe('SourceLocator', () => {
  it('finds successive occurrences of an identifier, skipping strings and numbers', () => {
    const locator = new SourceLocator('a + "a" + 1e5 + a + e');
    expect(locator.nextIdentifier('a')).toBe(0);
    expect(locator.nextIdentifier('a')).toBe(16);
    expect(locator.nextIdentifier('e')).toBe(20);
    expect(locator.nextString()).toBe(4);
    expect(locator.nextNumber()).toBe(10);
  });

  it('finds brackets and comments outside strings', () => {
    const locator = new SourceLocator('["#", x] # note');
    expect(locator.nextBracket('[')).toBe(0);
    expect(locator.commentOffset).toBe(9);
  });

  it('handles escaped quotes inside strings', () => {
    const locator = new SourceLocator('"a\\"b" + c');
    expect(locator.nextIdentifier('c')).toBe(9);
  });
});
