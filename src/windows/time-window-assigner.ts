// Tumbling and hopping windows: fixed, epoch-aligned `[k × advanceMs, k × advanceMs + sizeMs)`,
// as Kafka Streams' TimeWindows and KStreamWindowAggregate.

import { START, type StoredWindow, type StoredWindows } from './stored-window.js';
import type { WindowAssigner, WindowUpdateTarget } from './window-assigner.js';

/** Start of the first window (k ≥ 0) containing `timestampMs`; windows never start before 0. */
export function firstWindowStartMs(timestampMs: number, sizeMs: number, advanceMs: number): number {
  return Math.floor(Math.max(0, timestampMs - sizeMs + advanceMs) / advanceMs) * advanceMs;
}

/** Tumbling when `advanceMs === sizeMs`. Windows are updated in start order (Kafka Streams' order). */
export class TimeWindowAssigner implements WindowAssigner {
  constructor(
    private readonly sizeMs: number,
    private readonly advanceMs: number,
  ) {}

  assign(windows: StoredWindows, timestampMs: number, target: WindowUpdateTarget): boolean {
    let accepted = false;
    for (
      let startMs = firstWindowStartMs(timestampMs, this.sizeMs, this.advanceMs);
      startMs <= timestampMs;
      startMs += this.advanceMs
    ) {
      const endMs = startMs + this.sizeMs;
      if (!target.isOpen(endMs)) continue;
      accepted = true;
      let i = windows.length - 1;
      while (i >= 0 && (windows[i] as StoredWindow)[START] > startMs) i--;
      let window = windows[i];
      if (window === undefined || window[START] !== startMs) {
        window = target.newWindow(startMs, endMs, timestampMs);
        windows.splice(i + 1, 0, window);
        target.track(window);
      }
      target.aggregate(window);
      target.updated(window);
    }
    return accepted;
  }
}
