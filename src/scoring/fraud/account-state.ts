// The fraud scorer's state per account (the value of its key-value store, plain JSON): the
// running profile learned from the account's payments and the bounded list of its recent ones.
// Features are computed from it before a payment is added (fraud-features.ts).

import { addToStats, emptyStats, statsStdDev, type RunningStats } from './running-stats.js';
import type { FraudTransaction } from './fraud-transaction.js';

/** Something the profile has seen: `[id, times seen, last seen (event time, epoch ms)]`. */
export type SeenEntry = [string, number, number];

/** A recent payment: `[event time (epoch ms), amount, card_id, merchant_id, country]`. */
export type RecentPayment = [number, number, string, string, string];

/** Features and score of the account's latest payment, for the query API. */
export interface LastScore {
  txn_id: string;
  card_id: string;
  /** Event time, epoch ms. */
  ts: number;
  score: number;
  reasons: string[];
  alerted: boolean;
  features: Record<string, number | boolean>;
}

export interface AccountState {
  /** Amounts of learned payments (Welford). */
  amount: RunningStats;
  /** Natural log of learned amounts (amounts are roughly lognormal: a z-score there is fairer). */
  logAmount: RunningStats;
  /** Devices, merchants, countries and cards of learned payments, each bounded. */
  devices: SeenEntry[];
  merchants: SeenEntry[];
  countries: SeenEntry[];
  cards: SeenEntry[];
  /** Location of the last learned payment: `[lat, lon, event time ms]`; null before the first. */
  last: [number, number, number] | null;
  /** Every scored payment (learned or not) within the longest window, arrival order, bounded. */
  recent: RecentPayment[];
  /** Small payments `[event time ms, card_id]` within the card-testing window, bounded. */
  small: Array<[number, string]>;
  /** Payments scored, learned or not. */
  scored: number;
  last_score: LastScore | null;
}

/** Bounds on what a profile keeps, so one busy account cannot grow without limit. */
export interface AccountStateLimits {
  /** Entries per seen-list (devices, merchants, countries, cards); the least used go first. */
  readonly maxDevices: number;
  readonly maxMerchants: number;
  readonly maxCountries: number;
  readonly maxCards: number;
  /** Recent payments kept (also caps the small-payment list). */
  readonly maxRecent: number;
  /** Recent payments older than this before the newest (event time) are dropped, ms. */
  readonly recentRetentionMs: number;
  /** Small payments older than this before the newest are dropped, ms. */
  readonly smallRetentionMs: number;
  /** Amounts at or below this count as small (card testing probes), currency units. */
  readonly smallAmount: number;
  /**
   * Once `warmup` payments are learned, ln(amount) is clamped to mean ± `learnClampLogStdDevs`
   * log standard deviations before it is learned, so an outlier that did not alert (a missed
   * spike, a probe on a cold account) cannot widen the habit much. 0 = no clamp.
   */
  readonly learnClampLogStdDevs: number;
  readonly warmup: number;
}

/** The state of an account never seen before. */
export function newAccountState(): AccountState {
  return {
    amount: emptyStats(),
    logAmount: emptyStats(),
    devices: [],
    merchants: [],
    countries: [],
    cards: [],
    last: null,
    recent: [],
    small: [],
    scored: 0,
    last_score: null,
  };
}

/** The entry for `id`, or undefined. Linear: lists hold a few dozen entries at most. */
export function findSeen(list: readonly SeenEntry[], id: string): SeenEntry | undefined {
  for (const entry of list) if (entry[0] === id) return entry;
  return undefined;
}

/** Counts `id` as seen at `timestampMs`; when full, the least used (then oldest) entry goes. */
export function markSeen(list: SeenEntry[], id: string, timestampMs: number, max: number): void {
  const entry = findSeen(list, id);
  if (entry !== undefined) {
    entry[1] += 1;
    if (timestampMs > entry[2]) entry[2] = timestampMs;
    return;
  }
  if (list.length >= max) {
    let victim = 0;
    for (let i = 1; i < list.length; i++) {
      const a = list[i]!;
      const b = list[victim]!;
      if (a[1] < b[1] || (a[1] === b[1] && a[2] < b[2])) victim = i;
    }
    list.splice(victim, 1);
  }
  list.push([id, 1, timestampMs]);
}

/**
 * Adds a payment to the account's habit: amount stats, seen devices, merchants, countries and
 * cards, and the last location. Scored payments that alerted are not learned (unless the job
 * says so), so a fraudster cannot teach the profile their device or their spending.
 */
export function learnPayment(
  state: AccountState,
  txn: FraudTransaction,
  limits: AccountStateLimits,
): void {
  addToStats(state.amount, txn.amount);
  // Amounts of 0 or less have no log; the log habit then simply does not move.
  if (txn.amount > 0) {
    const log = state.logAmount;
    let x = Math.log(txn.amount);
    const clamp = limits.learnClampLogStdDevs;
    if (clamp > 0 && log.n >= limits.warmup && log.n >= 2) {
      const bound = clamp * statsStdDev(log);
      x = Math.min(log.mean + bound, Math.max(log.mean - bound, x));
    }
    addToStats(log, x);
  }
  const ts = txn.timestampMs;
  markSeen(state.devices, txn.deviceId, ts, limits.maxDevices);
  markSeen(state.merchants, txn.merchantId, ts, limits.maxMerchants);
  markSeen(state.countries, txn.country, ts, limits.maxCountries);
  markSeen(state.cards, txn.cardId, ts, limits.maxCards);
  // Out-of-order payments do not move the last location back in time.
  if (state.last === null || ts >= state.last[2]) state.last = [txn.lat, txn.lon, ts];
}

/**
 * Appends a scored payment to the recent lists (learned or not) and drops what fell out: the
 * oldest beyond the caps, and those older than the retention before this payment's event time.
 */
export function rememberPayment(
  state: AccountState,
  txn: FraudTransaction,
  limits: AccountStateLimits,
): void {
  const ts = txn.timestampMs;
  state.scored += 1;
  const recent = state.recent;
  recent.push([ts, txn.amount, txn.cardId, txn.merchantId, txn.country]);
  let drop = Math.max(0, recent.length - limits.maxRecent);
  while (drop < recent.length && recent[drop]![0] <= ts - limits.recentRetentionMs) drop++;
  if (drop > 0) recent.splice(0, drop);

  const small = state.small;
  if (txn.amount <= limits.smallAmount) small.push([ts, txn.cardId]);
  let dropSmall = Math.max(0, small.length - limits.maxRecent);
  while (dropSmall < small.length && small[dropSmall]![0] <= ts - limits.smallRetentionMs)
    dropSmall++;
  if (dropSmall > 0) small.splice(0, dropSmall);
}
