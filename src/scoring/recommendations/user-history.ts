// A user's recent history, as the recs-history node keeps it per user: the distinct items the
// user touched, most recent last, with what they did and in which session. Each view also
// yields the co-occurrence pairs (earlier item → viewed item) the item node counts.

import { ACTIVITY_FLAGS, type ActivityEvent } from './activity-event.js';

/**
 * `[itemId, lastTsMs, flags, sessionNo, category]`: the item, the event time of the user's last
 * event on it (epoch ms), a bit per event type seen (ACTIVITY_FLAGS), the ordinal of the
 * session of that last event, and the item's category ('' if unknown).
 */
export type HistoryEntry = [
  itemId: string,
  lastTsMs: number,
  flags: number,
  sessionNo: number,
  category: string,
];

/** The stored value of one user (plain JSON, at most `maxItems` entries). */
export interface StoredUserHistory {
  /** Distinct items, least recently touched first. */
  items: HistoryEntry[];
  /** Id of the current session ('' when records carry none). */
  session: string;
  /** Ordinal of the current session, from 0. */
  sessionNo: number;
  /** Latest event time seen for this user, epoch ms (0 before the first event). */
  lastMs: number;
}

export interface UserHistoryOptions {
  /** Distinct items kept per user; the least recently touched drop out. */
  readonly maxItems: number;
  /** A view pairs with items touched at most this long before or after it (event time, ms). */
  readonly pairWindowMs: number;
  /** At most this many earlier items (the most recent first) pair with each view. */
  readonly maxPairs: number;
  /** The d-th most recent earlier item pairs with weight pairDecay^(d−1), in (0, 1]. */
  readonly pairDecay: number;
  /** A gap longer than this between a user's events starts a new session (ms). */
  readonly sessionGapMs: number;
  /** Pair only items of the same session (a new session_id or a gap starts one). */
  readonly sameSession: boolean;
}

export const DEFAULT_USER_HISTORY_OPTIONS: UserHistoryOptions = {
  maxItems: 50,
  pairWindowMs: 30 * 60_000,
  maxPairs: 3,
  pairDecay: 0.5,
  sessionGapMs: 30 * 60_000,
  sameSession: true,
};

/** One co-occurrence pair: `antecedent` was touched before the viewed item, with this weight. */
export interface HistoryPair {
  readonly antecedent: string;
  readonly weight: number;
}

/** An empty history. */
export function emptyUserHistory(): StoredUserHistory {
  return { items: [], session: '', sessionNo: 0, lastMs: 0 };
}

/**
 * Records one event of the user at event time `tsMs` (epoch ms), updating `history` in place,
 * and returns the pairs it yields: for a view of B, up to `maxPairs` distinct earlier items A
 * (most recent first, within `pairWindowMs`, same session if `sameSession`), each A → B with
 * weight pairDecay^(d−1). Other event types only update the history.
 *
 * Example (defaults): views of a, b, c in one session → the view of c yields b → c (1) and
 * a → c (0.5).
 */
export function recordActivity(
  history: StoredUserHistory,
  event: ActivityEvent,
  tsMs: number,
  options: UserHistoryOptions,
): HistoryPair[] {
  const newSession =
    history.items.length > 0 &&
    ((event.sessionId !== undefined && event.sessionId !== history.session) ||
      tsMs - history.lastMs > options.sessionGapMs);
  if (newSession) history.sessionNo++;
  if (event.sessionId !== undefined) history.session = event.sessionId;
  if (history.items.length === 0 || tsMs > history.lastMs) history.lastMs = tsMs;

  const items = history.items;
  const pairs: HistoryPair[] = [];
  if (event.type === 'view' && options.maxPairs > 0) {
    let weight = 1;
    for (let i = items.length - 1; i >= 0 && pairs.length < options.maxPairs; i--) {
      const entry = items[i] as HistoryEntry;
      if (entry[0] === event.itemId) continue;
      if (options.sameSession && entry[3] !== history.sessionNo) break;
      if (Math.abs(tsMs - entry[1]) > options.pairWindowMs) continue;
      pairs.push({ antecedent: entry[0], weight });
      weight *= options.pairDecay;
    }
  }

  let flags = ACTIVITY_FLAGS[event.type];
  let category = event.category;
  let lastTsMs = tsMs;
  for (let i = items.length - 1; i >= 0; i--) {
    const entry = items[i] as HistoryEntry;
    if (entry[0] !== event.itemId) continue;
    flags |= entry[2];
    if (category === '') category = entry[4];
    if (entry[1] > lastTsMs) lastTsMs = entry[1];
    items.splice(i, 1);
    break;
  }
  items.push([event.itemId, lastTsMs, flags, history.sessionNo, category]);
  if (items.length > options.maxItems) items.splice(0, items.length - options.maxItems);
  return pairs;
}

/** A stored history, or undefined if the value is not one (absent, or another format). */
export function asUserHistory(value: unknown): StoredUserHistory | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const items = (value as Record<string, unknown>)['items'];
  return Array.isArray(items) ? (value as StoredUserHistory) : undefined;
}
