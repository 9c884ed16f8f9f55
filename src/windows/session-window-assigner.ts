// Session windows, as Kafka Streams' SessionWindows / KStreamSessionWindowAggregate: a record
// joins every open session of its key within `gapMs` of it, merging them into one.

import {
  END,
  MAX_TS,
  START,
  insertWindow,
  type StoredWindow,
  type StoredWindows,
} from './stored-window.js';
import type { WindowAssigner, WindowUpdateTarget } from './window-assigner.js';

/**
 * Kafka's session `[first, last]` is stored as `[startMs, endMs) = [first, last + 1)`. A record at
 * `ts` merges with each open session that has `last ≥ ts − gap` and `first ≤ ts + gap` (gap
 * inclusive). Closed sessions (watermark ≥ endMs + gap + grace) are never merged again — Kafka
 * Streams with its default store retention (gap + grace) behaves the same way.
 */
export class SessionWindowAssigner implements WindowAssigner {
  private readonly candidates: StoredWindow[] = [];

  constructor(private readonly gapMs: number) {}

  assign(windows: StoredWindows, timestampMs: number, target: WindowUpdateTarget): boolean {
    const ts = timestampMs;
    const gap = this.gapMs;
    const candidates = this.candidates;
    candidates.length = 0;
    let mergedStart = ts;
    let mergedEnd = ts + 1;
    for (const window of windows) {
      if (window[START] > ts + gap) break;
      if (window[END] - 1 < ts - gap || !target.isOpen(window[END])) continue;
      candidates.push(window);
      if (window[START] < mergedStart) mergedStart = window[START];
      if (window[END] > mergedEnd) mergedEnd = window[END];
    }

    if (candidates.length === 0) {
      if (!target.isOpen(mergedEnd)) return false;
      const session = target.newWindow(ts, ts + 1, ts);
      target.aggregate(session);
      insertWindow(windows, session);
      target.track(session);
      target.updated(session);
      return true;
    }

    const base = candidates[0] as StoredWindow;
    if (candidates.length === 1 && base[START] === mergedStart && base[END] === mergedEnd) {
      // The record falls inside an existing session: its bounds do not move.
      target.aggregate(base);
      target.updated(base);
      return true;
    }

    // Kafka Streams forwards a tombstone for every merged session; the update that follows has
    // the same output key (key|startMs) as a session that kept its start, so only others retract.
    for (const session of candidates) {
      if (session[START] !== mergedStart) {
        target.retracted(session[START], session[END], session[MAX_TS]);
      }
    }
    for (let i = 1; i < candidates.length; i++) {
      const other = candidates[i] as StoredWindow;
      target.mergeInto(base, other);
      windows.splice(windows.indexOf(other), 1);
    }
    base[END] = mergedEnd;
    base[MAX_TS] = mergedEnd - 1;
    if (base[START] !== mergedStart) {
      base[START] = mergedStart;
      windows.splice(windows.indexOf(base), 1);
      insertWindow(windows, base);
    }
    target.aggregate(base);
    // No new index entry when the end moves: the session's earlier entry fires first, finds it
    // not yet due and reschedules it, so the index holds O(sessions), not O(records).
    target.updated(base);
    candidates.length = 0;
    return true;
  }
}
