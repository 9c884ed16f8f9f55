import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/clock.js';
import { PhaseProgress, formatSeconds } from '../../../src/cli/bench/phase-progress.js';

describe('PhaseProgress', () => {
  it('writes at most one line per interval with the rate and the ETA', () => {
    const clock = new ManualClock(0);
    const lines: string[] = [];
    const progress = new PhaseProgress('preload', clock, (l) => lines.push(l), 1_000_000, 2_000);
    clock.advance(1_000);
    expect(progress.update(100_000)).toBe(false);
    clock.advance(1_000);
    expect(progress.update(200_000)).toBe(true);
    clock.advance(2_000);
    progress.update(600_000);
    expect(lines).toEqual([
      'preload: 200,000/1,000,000 events (20.0%) · 100,000 ev/s · ETA 8.0s',
      'preload: 600,000/1,000,000 events (60.0%) · 200,000 ev/s · ETA 2.7s',
    ]);
  });

  it('leaves out the ETA without a total', () => {
    const clock = new ManualClock(0);
    const progress = new PhaseProgress('load', clock, () => undefined);
    expect(progress.line(5_000, 1_000)).toBe('load: 5,000 events · 5,000 ev/s');
  });

  it('formats durations', () => {
    expect(formatSeconds(4_210)).toBe('4.2s');
    expect(formatSeconds(12_400)).toBe('12s');
    expect(formatSeconds(83_400)).toBe('1m23s');
  });
});
