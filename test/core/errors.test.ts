import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, SluiceError, errorMessage, toSluiceError } from '../../src/core/errors.js';

describe('error codes', () => {
  const readme = readFileSync('README.md', 'utf8');

  it.each(Object.keys(ERROR_CODES))('%s is documented in README.md', (code) => {
    expect(readme).toMatch(new RegExp(`^\\| \`${code}\` +\\|`, 'm'));
  });

  it('gives each code a domain', () => {
    expect(new SluiceError('LATE', 'x').domain).toBe('user');
    expect(new SluiceError('KAFKA_UNAVAILABLE', 'x').domain).toBe('external');
    expect(new SluiceError('INTERNAL', 'x').domain).toBe('internal');
  });

  it('wraps foreign errors and keeps the cause', () => {
    const cause = new TypeError('boom');
    const wrapped = toSluiceError(cause, 'EXPR_EVAL');
    expect(wrapped.code).toBe('EXPR_EVAL');
    expect(wrapped.cause).toBe(cause);
    expect(toSluiceError(wrapped)).toBe(wrapped);
    expect(errorMessage({ a: 1 })).toBe('{"a":1}');
  });
});
