// Sliding windows, as Kafka Streams' SlidingWindows / KStreamSlidingWindowAggregate (its
// reverse-iterator path, used with RocksDB and in-memory stores): windows are created from
// record timestamps, so only windows whose contents differ exist.

import {
  END,
  MAX_TS,
  START,
  putWindow,
  type StoredWindow,
  type StoredWindows,
} from './stored-window.js';
import type { WindowAssigner, WindowUpdateTarget } from './window-assigner.js';

/**
 * Kafka's window `[start, start + sizeMs]` (both inclusive) is stored as
 * `[startMs, endMs) = [start, start + sizeMs + 1)`. For a record at `ts` the windows are its left
 * window `[ts − size, ts]`, its right window `[ts + 1, ts + 1 + size]` (only if a later record
 * falls in it) and every existing window containing `ts`. Records earlier than `sizeMs` after the
 * epoch share one window `[0, size]`, as in Kafka Streams (windows never start before 0).
 */
export class SlidingWindowAssigner implements WindowAssigner {
  /** Whether the current record was added to any window (else it is late). */
  private aggregated = false;

  constructor(private readonly sizeMs: number) {}

  assign(windows: StoredWindows, timestampMs: number, target: WindowUpdateTarget): boolean {
    const d = this.sizeMs;
    // Kafka Streams drops the record when even its right window would be closed.
    if (!target.isOpen(timestampMs + 1 + d)) return false;
    this.aggregated = false;
    if (timestampMs < d) {
      this.assignEarly(windows, timestampMs, target);
      return this.aggregated;
    }
    const ts = timestampMs;
    const lowestStart = Math.max(0, ts - 2 * d);
    let rightCreated = false;
    let rightSeen = false;
    let rightSeed: StoredWindow | undefined;
    let leftCreated = false;
    let leftSource: StoredWindow | undefined;
    let previousTs: number | undefined;

    for (let i = windows.length - 1; i >= 0; i--) {
      const window = windows[i] as StoredWindow;
      const start = window[START];
      if (start > ts + 1) continue;
      if (start < lowestStart) break;
      if (!target.isRetained(window)) continue;
      const kafkaEnd = start + d;
      if (start === ts + 1) {
        rightCreated = true;
      } else if (kafkaEnd > ts) {
        if (!rightSeen) {
          rightSeen = true;
          // The first window containing ts seeds ts's right window, if it holds later records.
          if (!rightCreated && window[MAX_TS] > ts) {
            rightSeed = target.newWindow(ts + 1, ts + d + 2, window[MAX_TS], window);
          }
        }
        this.update(window, target);
      } else if (kafkaEnd === ts) {
        leftCreated = true;
        const maxTs = window[MAX_TS];
        this.update(window, target);
        if (maxTs >= ts) return this.aggregated;
        previousTs = maxTs;
      } else {
        leftSource = window;
        previousTs = window[MAX_TS];
        break;
      }
    }

    if (previousTs !== undefined) {
      const previousRightStart = previousTs + 1;
      if (previousRightStart + d >= ts && !hasWindowAt(windows, previousRightStart, target)) {
        this.create(
          windows,
          target.newWindow(previousRightStart, previousRightStart + d + 1, ts),
          target,
        );
      }
    }
    if (!leftCreated) {
      const seed = previousTs !== undefined && ts - d <= previousTs ? leftSource : undefined;
      this.create(windows, target.newWindow(ts - d, ts + 1, ts, seed), target);
    }
    if (!rightCreated && rightSeed !== undefined) {
      // Kafka Streams puts the right window without a close check: it holds only later records.
      putWindow(windows, rightSeed);
      target.track(rightSeed);
      target.updated(rightSeed);
    }
    return this.aggregated;
  }

  /** Kafka Streams' processEarly: records before `sizeMs` share the window `[0, size]`. */
  private assignEarly(windows: StoredWindows, ts: number, target: WindowUpdateTarget): void {
    const d = this.sizeMs;
    let combined: StoredWindow | undefined;
    let rightSeed: StoredWindow | undefined;
    let rightCreated = false;
    let previousTs: number | undefined;
    for (const window of windows) {
      const start = window[START];
      if (start > ts + 1) break;
      if (!target.isRetained(window)) continue;
      if (start === 0) {
        combined = window;
        if (window[MAX_TS] < ts) previousTs = window[MAX_TS];
      } else if (start <= ts) {
        rightSeed = target.newWindow(ts + 1, ts + d + 2, window[MAX_TS], window);
        this.update(window, target);
      } else {
        rightCreated = true;
      }
    }
    if (rightSeed === undefined && combined !== undefined && combined[MAX_TS] > ts) {
      rightSeed = target.newWindow(ts + 1, ts + d + 2, combined[MAX_TS], combined);
    }
    if (!rightCreated && rightSeed !== undefined && rightSeed[MAX_TS] > ts) {
      putWindow(windows, rightSeed);
      target.track(rightSeed);
      target.updated(rightSeed);
    }
    if (previousTs !== undefined && !hasWindowAt(windows, previousTs + 1, target)) {
      this.create(windows, target.newWindow(previousTs + 1, previousTs + d + 2, ts), target);
    }
    if (combined === undefined) {
      this.create(windows, target.newWindow(0, d + 1, ts), target);
    } else {
      this.update(combined, target);
    }
  }

  /** Kafka's updateWindowAndForward on an existing window: skipped once the window is closed. */
  private update(window: StoredWindow, target: WindowUpdateTarget): void {
    if (!target.isOpen(window[END])) return;
    target.aggregate(window);
    this.aggregated = true;
    target.updated(window);
  }

  /** Kafka's updateWindowAndForward on a new window: stored only if still open. */
  private create(windows: StoredWindows, window: StoredWindow, target: WindowUpdateTarget): void {
    if (!target.isOpen(window[END])) return;
    target.aggregate(window);
    this.aggregated = true;
    // A previous record's right window can be this record's left window: the second put wins.
    putWindow(windows, window);
    target.track(window);
    target.updated(window);
  }
}

function hasWindowAt(windows: StoredWindows, startMs: number, target: WindowUpdateTarget): boolean {
  for (let i = windows.length - 1; i >= 0; i--) {
    const window = windows[i] as StoredWindow;
    if (window[START] === startMs) return target.isRetained(window);
    if (window[START] < startMs) return false;
  }
  return false;
}
