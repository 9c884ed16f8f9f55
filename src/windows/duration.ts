// Durations as job files write them ("500ms", "10s", "5m", "1h", "7d") turned into milliseconds,
// once, when a window node is built; everything downstream works in integer milliseconds.

import { SluiceError } from '../core/errors.js';

const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

const DURATION = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/;

/**
 * Parses a duration into whole milliseconds. A number is already milliseconds; a string is a
 * non-negative decimal followed by one unit: `ms`, `s`, `m`, `h` or `d` (e.g. "1.5s" → 1500).
 * Throws `JOB_INVALID` for anything else, or if the result is not a whole, safe number of ms.
 */
export function parseDurationMs(spec: number | string): number {
  let ms: number;
  if (typeof spec === 'number') {
    ms = spec;
  } else {
    const match = DURATION.exec(spec);
    const unit = match?.[2];
    if (match === null || unit === undefined) {
      throw new SluiceError(
        'JOB_INVALID',
        `invalid duration ${JSON.stringify(spec)}: use a number of ms or e.g. "500ms", "10s", "5m", "1h", "7d"`,
      );
    }
    ms = Number(match[1]) * (UNIT_MS[unit] ?? Number.NaN);
  }
  if (!Number.isSafeInteger(ms) || ms < 0) {
    throw new SluiceError(
      'JOB_INVALID',
      `invalid duration ${JSON.stringify(spec)}: must be a whole, non-negative number of milliseconds`,
    );
  }
  return ms;
}
