// Progress lines on stderr, shared by `sluice bench` phases and `sluice generate`:
// "label: 1,200/10,000 events (12.0%) · 980 ev/s · ETA 9s", at most one per interval. Each caller
// decides the ETA from the rates measured here.

import type { Clock } from '../core/clock.js';

/** What one progress line shows. */
export interface ProgressLineParts {
  readonly label: string;
  /** Events done so far. */
  readonly count: number;
  /** Events when done; undefined or <= 0 = open-ended, no share shown. */
  readonly total?: number | undefined;
  /** Current rate, events per second (rounded for display). */
  readonly eventsPerSec: number;
  /** Remaining time, already formatted (e.g. "9s"); undefined = no ETA part. */
  readonly eta?: string | undefined;
}

/** "label: count[/total events (pct%)| events] · rate ev/s[ · ETA eta]", pct to 0.1. */
export function formatProgressLine(parts: ProgressLineParts): string {
  const { label, count, total, eventsPerSec, eta } = parts;
  let text = `${label}: ${formatCount(count)}`;
  if (total !== undefined && total > 0) {
    text += `/${formatCount(total)} events (${((100 * count) / total).toFixed(1)}%)`;
  } else {
    text += ' events';
  }
  text += ` · ${formatCount(eventsPerSec)} ev/s`;
  if (eta !== undefined) text += ` · ETA ${eta}`;
  return text;
}

/** 1234567 → "1,234,567", rounded to a whole number (fixed locale: same on every machine). */
export function formatCount(n: number): string {
  return Math.round(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** What a progress line can be built from, at the moment it is written. */
export interface ProgressRates {
  /** Events done so far. */
  readonly count: number;
  /** Rate since the previous line, events per second. */
  readonly eventsPerSec: number;
  /** Rate since the start, events per second (for an ETA). */
  readonly averagePerSec: number;
  /** Time since the start, ms (at least 1). */
  readonly elapsedMs: number;
}

/** Writes a line for the count at most once per interval; the clock is injected for tests. */
export class ThrottledProgress {
  private readonly startMs: number;
  private lastMs: number;
  private lastCount = 0;

  constructor(
    private readonly clock: Clock,
    private readonly write: (line: string) => void,
    /** Minimum time between lines, ms. */
    private readonly intervalMs: number,
    private readonly format: (rates: ProgressRates) => string,
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

  /** The line for `count` at `nowMs`: the rate over the last interval and the average rate. */
  line(count: number, nowMs: number): string {
    const elapsedMs = Math.max(1, nowMs - this.startMs);
    return this.format({
      count,
      eventsPerSec: ((count - this.lastCount) * 1000) / Math.max(1, nowMs - this.lastMs),
      averagePerSec: (count * 1000) / elapsedMs,
      elapsedMs,
    });
  }
}
