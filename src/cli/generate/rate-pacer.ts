// Wall-clock pacing for `sluice generate --rate`: how many events may go out now, and how long to
// wait otherwise. Pure arithmetic on times passed in, so tests drive it with a manual clock.

/**
 * Paces a stream at `ratePerSec` events per second from `startMs` (epoch ms): by time t, at most
 * floor((t - startMs) · rate / 1000) + 1 events are due. Sends go out in chunks of about 1/50 s
 * of traffic, so low rates are smooth and high rates are not one request per event.
 * A rate of 0 means as fast as possible: everything is always due.
 */
export class RatePacer {
  /** Smallest chunk worth a send (events), at least 1. */
  readonly chunk: number;

  constructor(
    readonly ratePerSec: number,
    readonly startMs: number,
    /** Largest chunk (events) one call may allow. */
    readonly maxChunk: number,
  ) {
    if (!(ratePerSec >= 0) || !Number.isFinite(ratePerSec)) {
      throw new RangeError('rate must be a finite number >= 0');
    }
    if (!(maxChunk >= 1)) throw new RangeError('maxChunk must be >= 1');
    this.chunk =
      ratePerSec === 0 ? maxChunk : Math.min(maxChunk, Math.max(1, Math.round(ratePerSec / 50)));
  }

  /** Events due by `nowMs` and not yet sent, given `sent` so far (ignores the chunk size). */
  due(sent: number, nowMs: number): number {
    if (this.ratePerSec === 0) return Infinity;
    const elapsedMs = Math.max(0, nowMs - this.startMs);
    return Math.max(0, Math.floor((elapsedMs * this.ratePerSec) / 1000) + 1 - sent);
  }

  /**
   * Events to send now: 0 until a whole chunk is due (or `remaining` is smaller than a chunk),
   * then everything due up to `maxChunk` and `remaining`.
   */
  allowance(sent: number, nowMs: number, remaining = Infinity): number {
    const due = Math.min(this.due(sent, nowMs), this.maxChunk, remaining);
    return due >= Math.min(this.chunk, remaining) ? due : 0;
  }

  /** Milliseconds from `nowMs` until `allowance` would be positive (0 if it already is). */
  waitMs(sent: number, nowMs: number, remaining = Infinity): number {
    if (this.ratePerSec === 0 || this.allowance(sent, nowMs, remaining) > 0) return 0;
    // Event number `sent + need - 1` (0-based) becomes due at startMs + index · 1000 / rate.
    const need = Math.min(this.chunk, remaining);
    const dueAtMs = this.startMs + Math.ceil(((sent + need - 1) * 1000) / this.ratePerSec);
    return Math.max(1, dueAtMs - nowMs);
  }
}
