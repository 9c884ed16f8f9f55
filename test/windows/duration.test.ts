import { describe, expect, it } from 'vitest';
import { SluiceError } from '../../src/core/errors.js';
import { parseDurationMs } from '../../src/windows/duration.js';

describe('parseDurationMs', () => {
  it.each([
    [250, 250],
    ['500ms', 500],
    ['10s', 10_000],
    ['1.5s', 1500],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['7d', 604_800_000],
    [' 2 m ', 120_000],
    ['0s', 0],
  ])('%j → %d ms', (spec, ms) => {
    expect(parseDurationMs(spec)).toBe(ms);
  });

  it.each([['5'], ['5 minutes'], ['-1s'], ['1.5ms'], ['s'], [''], [-1], [1.5], [Number.NaN]])(
    'rejects %j with JOB_INVALID',
    (spec) => {
      expect(() => parseDurationMs(spec)).toThrow(SluiceError);
      try {
        parseDurationMs(spec);
      } catch (err) {
        expect((err as SluiceError).code).toBe('JOB_INVALID');
      }
    },
  );
});
