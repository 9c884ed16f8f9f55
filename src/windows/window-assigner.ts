// The seam between the window operator and the per-type logic (time, sliding, session windows):
// an assigner decides which windows a record updates; the operator owns state, index and output.

import type { StoredWindow, StoredWindows } from './stored-window.js';

/** What the operator offers an assigner while it applies one record (of `currentKey`). */
export interface WindowUpdateTarget {
  /** Max event time seen, including the current record. */
  readonly streamTimeMs: number;
  /** True while a window ending at `endMs` still accepts records (`endMs + closeDelay > streamTime`). */
  isOpen(endMs: number): boolean;
  /** False once a window is past its retention: the logic must treat it as absent. */
  isRetained(window: StoredWindow): boolean;
  /** A new window with fresh accumulators (or copies of `seed`'s), maxTimestampMs = `maxTimestampMs`. */
  newWindow(
    startMs: number,
    endMs: number,
    maxTimestampMs: number,
    seed?: StoredWindow,
  ): StoredWindow;
  /** Adds the current record's values to the window's accumulators and its event time to maxTimestampMs. */
  aggregate(window: StoredWindow): void;
  /** Merges `from`'s accumulators into `into`'s (session merges). */
  mergeInto(into: StoredWindow, from: StoredWindow): void;
  /**
   * Puts a new window into the due index. A window whose end later moves (sessions) keeps its
   * entry: when it fires early, the operator reschedules the key.
   */
  track(window: StoredWindow): void;
  /** The window changed: forward its result (emit: update). */
  updated(window: StoredWindow): void;
  /** A session was merged away under another start: forward a retraction (emit: update). */
  retracted(startMs: number, endMs: number, maxTimestampMs: number): void;
}

export interface WindowAssigner {
  /**
   * Applies the current record (event time `timestampMs`) to one key's windows, mutating the
   * array (kept sorted by startMs). Returns false if the record was added to no window (it was
   * too late for all of them); windows may still have been created or changed in that case (a
   * sliding right window seeded from later records).
   */
  assign(windows: StoredWindows, timestampMs: number, target: WindowUpdateTarget): boolean;
}
