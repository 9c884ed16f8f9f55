// Progress lines for long `sluice generate` runs (to stderr): count, current rate and ETA, at
// most one line per interval. The clock is injected so tests step it by hand.

import type { Clock } from '../../core/clock.js';
import { formatProgressLine, ThrottledProgress } from '../progress-format.js';

// generate-command and its tests take the count format from here, with the duration format.
export { formatCount } from '../progress-format.js';

export interface ProgressTarget {
  /** Total events to produce, if bounded by count. */
  readonly total?: number;
  /** Run length in ms, if bounded by duration. */
  readonly durationMs?: number;
}

/** Writes "generate: 12,345/100,000 events (12.3%) · 9,876 ev/s · ETA 9s" lines. */
export class ProgressReporter extends ThrottledProgress {
  constructor(
    clock: Clock,
    write: (line: string) => void,
    target: ProgressTarget = {},
    /** Minimum time between lines, ms. */
    intervalMs = 1_000,
  ) {
    super(clock, write, intervalMs, ({ count, eventsPerSec, averagePerSec, elapsedMs }) => {
      const { total, durationMs } = target;
      let etaMs: number | undefined;
      if (total !== undefined && total > 0 && averagePerSec > 0) {
        etaMs = ((total - count) / averagePerSec) * 1000;
      }
      if (durationMs !== undefined && durationMs > 0) {
        const left = Math.max(0, durationMs - elapsedMs);
        etaMs = etaMs === undefined ? left : Math.min(etaMs, left);
      }
      return formatProgressLine({
        label: 'generate',
        count,
        total,
        eventsPerSec,
        eta: etaMs === undefined ? undefined : formatDuration(etaMs),
      });
    });
  }
}

/** 83_000 ms → "1m23s"; under a minute "12s"; under a second "0.4s". */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${(Math.max(0, ms) / 1000).toFixed(1)}s`;
  const totalS = Math.round(ms / 1000);
  const h = Math.floor(totalS / 3600);
  const m = Math.floor((totalS % 3600) / 60);
  const s = totalS % 60;
  if (h > 0) return `${h}h${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m${String(s).padStart(2, '0')}s`;
  return `${s}s`;
}
