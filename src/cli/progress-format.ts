// The text of a progress line on stderr, shared by `sluice bench` phases and `sluice generate`:
// "label: 1,200/10,000 events (12.0%) · 980 ev/s · ETA 9s". Each caller decides the rate and ETA.

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
