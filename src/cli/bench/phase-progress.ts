// Progress lines of a long `sluice bench` phase (to stderr): count, current rate and ETA, at
// most one line per interval. The clock is injected so tests step it by hand.

import type { Clock } from '../../core/clock.js';
import { formatProgressLine } from '../progress-format.js';

/** Writes "preload: 1,200,000/2,000,000 events (60.0%) · 98,765 ev/s · ETA 8s" lines. */
export class PhaseProgress {
  private readonly startMs: number;
  private lastMs: number;
  private lastCount = 0;

  constructor(
    private readonly label: string,
    private readonly clock: Clock,
    private readonly write: (line: string) => void,
    /** Events the phase will have handled when done; undefined = open-ended. */
    private readonly total?: number,
    /** Minimum time between lines, ms. */
    private readonly intervalMs = 2_000,
  ) {
    this.startMs = clock.nowMs();
    this.lastMs = this.startMs;
  }

  /** Reports `count` if an interval passed since the last line; true if a line was written. */
  update(count: number): boolean {
    const nowMs = this.clock.nowMs();
    if (nowMs - this.lastMs < this.intervalMs) return false;
    this.write(this.line(count, nowMs));
    this.lastMs = nowMs;
    this.lastCount = count;
    return true;
  }

  /** The line for `count` at `nowMs`: the rate over the last interval, the ETA at the average rate. */
  line(count: number, nowMs: number): string {
    const rate = ((count - this.lastCount) * 1000) / Math.max(1, nowMs - this.lastMs);
    const averageRate = (count * 1000) / Math.max(1, nowMs - this.startMs);
    const total = this.total;
    const eta =
      total !== undefined && averageRate > 0 && count < total
        ? formatSeconds(((total - count) / averageRate) * 1000)
        : undefined;
    return formatProgressLine({ label: this.label, count, total, eventsPerSec: rate, eta });
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
