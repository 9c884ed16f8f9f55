import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/clock.js';
import {
  ProgressReporter,
  formatCount,
  formatDuration,
} from '../../../src/cli/generate/progress-reporter.js';

describe('ProgressReporter', () => {
  it('writes at most one line per interval, with count, rate and ETA', () => {
    const clock = new ManualClock(0);
    const lines: string[] = [];
    const progress = new ProgressReporter(clock, (l) => lines.push(l), { total: 10_000 });
    clock.advance(500);
    expect(progress.update(500)).toBe(false);
    clock.advance(500);
    expect(progress.update(1_000)).toBe(true);
    clock.advance(1_000);
    progress.update(3_000);
    expect(lines).toEqual([
      'generate: 1,000/10,000 events (10.0%) · 1,000 ev/s · ETA 9s',
      'generate: 3,000/10,000 events (30.0%) · 2,000 ev/s · ETA 5s',
    ]);
  });

  it('counts down the remaining time for a duration run', () => {
    const clock = new ManualClock(0);
    const lines: string[] = [];
    const progress = new ProgressReporter(clock, (l) => lines.push(l), { durationMs: 90_000 });
    clock.advance(30_000);
    progress.update(300);
    expect(lines).toEqual(['generate: 300 events · 10 ev/s · ETA 1m00s']);
  });

  it('formats counts and durations without the machine locale', () => {
    expect(formatCount(1_234_567)).toBe('1,234,567');
    expect(formatCount(12)).toBe('12');
    expect(formatDuration(400)).toBe('0.4s');
    expect(formatDuration(83_000)).toBe('1m23s');
    expect(formatDuration(3_723_000)).toBe('1h02m');
  });
});
