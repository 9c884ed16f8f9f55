// Progress lines of a long `sluice bench` phase (to stderr): count, current rate and ETA, at
// most one line per interval. The clock is injected so tests step it by hand.

import type { Clock } from '../../core/clock.js';
import { formatProgressLine, ThrottledProgress } from '../progress-format.js';

/** Writes "preload: 1,200,000/2,000,000 events (60.0%) · 98,765 ev/s · ETA 8s" lines. */
export class PhaseProgress extends ThrottledProgress {
  constructor(
    label: string,
    clock: Clock,
    write: (line: string) => void,
    /** Events the phase will have handled when done; undefined = open-ended. */
    total?: number,
    /** Minimum time between lines, ms. */
    intervalMs = 2_000,
  ) {
    super(clock, write, intervalMs, ({ count, eventsPerSec, averagePerSec }) => {
      // The ETA at the average rate.
      const eta =
        total !== undefined && averagePerSec > 0 && count < total
          ? formatSeconds(((total - count) / averagePerSec) * 1000)
          : undefined;
      return formatProgressLine({ label, count, total, eventsPerSec, eta });
    });
  }
}

/** 83_400 ms → "1m23s"; under a minute "12s"; under 10 s "4.2s". */
export function formatSeconds(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  if (s < 10) return `${s.toFixed(1)}s`;
  if (s < 60) return `${Math.round(s)}s`;
  const whole = Math.round(s);
  return `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, '0')}s`;
}
