// Progress lines for long `sluice generate` runs (to stderr): count, current rate and ETA, at
// most one line per interval. The clock is injected so tests step it by hand.

import type { Clock } from '../../core/clock.js';
import { formatProgressLine } from '../progress-format.js';

// generate-command and its tests take the count format from here, with the duration format.
export { formatCount } from '../progress-format.js';

export interface ProgressTarget {
  /** Total events to produce, if bounded by count. */
  readonly total?: number;
  /** Run length in ms, if bounded by duration. */
  readonly durationMs?: number;
}

/** Writes "generate: 12,345/100,000 events (12.3%) · 9,876 ev/s · ETA 9s" lines. */
export class ProgressReporter {
  private readonly startMs: number;
  private lastMs: number;
  private lastCount = 0;

  constructor(
    private readonly clock: Clock,
    private readonly write: (line: string) => void,
    private readonly target: ProgressTarget = {},
    /** Minimum time between lines. */
    private readonly intervalMs = 1_000,
  ) {
    this.startMs = clock.nowMs();
    this.lastMs = this.startMs;
  }

  /** Report `count` events done if an interval has passed since the last line; true if written. */
  update(count: number): boolean {
    const nowMs = this.clock.nowMs();
    if (nowMs - this.lastMs < this.intervalMs) return false;
    this.write(this.line(count, nowMs));
    this.lastMs = nowMs;
    this.lastCount = count;
    return true;
  }

  /** The progress line for `count` events at `nowMs` (rate over the last interval). */
  line(count: number, nowMs: number): string {
    const spanMs = Math.max(1, nowMs - this.lastMs);
    const rate = ((count - this.lastCount) * 1000) / spanMs;
    const elapsedMs = Math.max(1, nowMs - this.startMs);
    const averageRate = (count * 1000) / elapsedMs;
    const { total, durationMs } = this.target;
    let etaMs: number | undefined;
    if (total !== undefined && total > 0 && averageRate > 0) {
      etaMs = ((total - count) / averageRate) * 1000;
    }
    if (durationMs !== undefined && durationMs > 0) {
      const left = Math.max(0, durationMs - elapsedMs);
      etaMs = etaMs === undefined ? left : Math.min(etaMs, left);
    }
    return formatProgressLine({
      label: 'generate',
      count,
      total,
      eventsPerSec: rate,
      eta: etaMs === undefined ? undefined : formatDuration(etaMs),
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
