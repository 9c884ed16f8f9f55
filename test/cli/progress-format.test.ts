// The progress line text shared by `sluice bench` phases and `sluice generate`.
import { describe, expect, it } from 'vitest';
import { formatCount, formatProgressLine } from '../../src/cli/progress-format.js';

describe('formatProgressLine', () => {
  it('shows the share of a bounded run, the rounded rate and the ETA', () => {
    expect(
      formatProgressLine({
        label: 'preload',
        count: 200_000,
        total: 1_000_000,
        eventsPerSec: 99_999.6,
        eta: '8.0s',
      }),
    ).toBe('preload: 200,000/1,000,000 events (20.0%) · 100,000 ev/s · ETA 8.0s');
  });

  it('leaves out the share without a positive total, and the ETA without one', () => {
    expect(formatProgressLine({ label: 'load', count: 5_000, eventsPerSec: 5_000 })).toBe(
      'load: 5,000 events · 5,000 ev/s',
    );
    expect(formatProgressLine({ label: 'g', count: 3, total: 0, eventsPerSec: 1, eta: '2s' })).toBe(
      'g: 3 events · 1 ev/s · ETA 2s',
    );
  });
});

describe('formatCount', () => {
  it('rounds and groups thousands without the machine locale', () => {
    expect(formatCount(1_234_567)).toBe('1,234,567');
    expect(formatCount(999.5)).toBe('1,000');
    expect(formatCount(12)).toBe('12');
  });
});
