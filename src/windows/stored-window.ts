// How the window operator stores windows: one store entry per record key holding all of that
// key's windows as compact JSON, so a batch's keys load in one multi-get and `get` stays sync.

import type { JsonValue } from '../core/record.js';

/**
 * One window of one key: `[startMs, endMs, maxTimestampMs, flags, ...accumulators]`, with the
 * accumulators in the order of the operator's aggregations. `[startMs, endMs)` is half-open;
 * `maxTimestampMs` is the largest event time aggregated into it (the emitted records' timestamp).
 */
export type StoredWindow = [number, number, number, number, ...JsonValue[]];

/** A key's windows, sorted by startMs ascending: the store value. */
export type StoredWindows = StoredWindow[];

export const START = 0;
export const END = 1;
export const MAX_TS = 2;
export const FLAGS = 3;
/** Index of the first accumulator. */
export const ACC = 4;

/** Flag bit: the final result of this window has been emitted (emit: final). */
export const FLAG_EMITTED = 1;

/** Inserts `window` keeping startMs order; scans from the end, where new windows usually go. */
export function insertWindow(windows: StoredWindows, window: StoredWindow): void {
  let i = windows.length;
  while (i > 0 && (windows[i - 1] as StoredWindow)[START] > window[START]) i--;
  windows.splice(i, 0, window);
}

/**
 * Inserts `window`, or replaces the window with the same startMs (a Kafka Streams window store
 * `put`: sliding windows are identified by their start).
 */
export function putWindow(windows: StoredWindows, window: StoredWindow): void {
  let i = windows.length;
  while (i > 0 && (windows[i - 1] as StoredWindow)[START] > window[START]) i--;
  if (i > 0 && (windows[i - 1] as StoredWindow)[START] === window[START]) windows[i - 1] = window;
  else windows.splice(i, 0, window);
}
