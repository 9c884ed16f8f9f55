// Features of one payment, computed from its account's state before the payment is learned:
// velocity over windows (per card and per account), amount anomaly, geo-velocity, new device /
// merchant / country / card, card testing. Rules (fraud-rules.ts) are expressions over these.

import { findSeen, type AccountState } from './account-state.js';
import type { FraudTransaction } from './fraud-transaction.js';
import { haversineKm } from './haversine-km.js';
import { statsStdDev } from './running-stats.js';

/** A velocity window: features `<scope>_<measure>_<name>` over the last `sizeMs` of event time. */
export interface VelocityWindow {
  /** Suffix of the feature names, e.g. `1m` → `card_count_1m`. [a-z0-9]+ */
  readonly name: string;
  readonly sizeMs: number;
}

export interface FraudFeatureOptions {
  readonly windows: readonly VelocityWindow[];
  /** Learned payments an account needs before its amount z-scores are computed (else 0). */
  readonly warmup: number;
  /**
   * Prior for the spread of ln(amount) (a log standard deviation), worth `priorWeight` payments:
   * the log-amount habit's variance is (priorWeight·prior² + (n−1)·s²) / (priorWeight + n − 1),
   * so a short history does not make every larger amount look extreme. priorWeight 0 = no prior.
   */
  readonly priorLogStdDev: number;
  readonly priorWeight: number;
  /** Travel shorter than this is never impossible (GPS noise, same city), km. */
  readonly minTravelKm: number;
  /** Faster than this between consecutive payments is impossible travel, km/h. */
  readonly impossibleSpeedKmh: number;
  readonly cardTesting: {
    /** How far back small payments count, ms. */
    readonly windowMs: number;
    /** Amounts at or below this are small (probes), currency units. */
    readonly smallAmount: number;
    /** Amounts at or above this are large (the cash-out), currency units. */
    readonly largeAmount: number;
    /** Small payments on the card within the window before a large one that make card testing. */
    readonly minSmall: number;
  };
}

/** Feature name → value (numbers finite; booleans for flags). */
export type FraudFeatures = Record<string, number | boolean>;

/** Elapsed time below this counts as this much, so speed stays finite for simultaneous payments. */
const MIN_ELAPSED_HOURS = 1 / 3600;

const VELOCITY_MEASURES = ['count', 'sum', 'merchants', 'countries'] as const;

/** What each feature means, for jobs/README.md and rule validation. Window features use `<w>`. */
export const FRAUD_FEATURE_DOCS: Readonly<Record<string, string>> = {
  txn_count: 'payments learned by the account profile before this one',
  warm: 'txn_count >= warmup: the profile has enough history to judge amounts',
  amount_mean: 'mean learned amount (Welford)',
  amount_stddev: 'sample standard deviation of learned amounts (Welford)',
  amount_z: '(amount - amount_mean) / amount_stddev once warm, else 0',
  amount_log_z:
    '(ln(amount) - mean ln) / (log spread · sqrt(1 + 1/n)) once warm, else 0; the log spread is shrunk towards profile.priorLogStdDev',
  amount_lognormal_z:
    'z-score of amount under the lognormal habit fitted to ln(amount) (mean e^(m+s²/2), stddev mean·sqrt(e^(s²)-1)) once warm, else 0',
  amount_ratio: 'amount / amount_mean (0 before the first learned payment)',
  small_amount: 'amount <= cardTesting.smallAmount',
  new_device: 'device_id not in the profile (always true for a new account)',
  new_merchant: 'merchant_id not in the profile',
  new_country: 'country not in the profile',
  new_card: 'card_id not in the profile',
  distance_km: 'haversine km from the last learned payment (0 without one)',
  elapsed_s: 'seconds of event time since that payment (absolute value)',
  speed_kmh: 'distance_km / elapsed hours (elapsed at least 1 s)',
  impossible_travel: 'distance_km >= geo.minDistanceKm and speed_kmh > geo.impossibleSpeedKmh',
  card_small_count: 'small payments on this card in the card-testing window before this one',
  card_testing: 'card_small_count >= cardTesting.minSmall and amount >= cardTesting.largeAmount',
  'card_count_<w>': 'payments on this card in window <w>, this one included',
  'card_sum_<w>': 'their total amount',
  'card_merchants_<w>': 'distinct merchants among them',
  'card_countries_<w>': 'distinct countries among them',
  'account_count_<w>': 'payments on the account (any card) in window <w>, this one included',
  'account_sum_<w>': 'their total amount',
  'account_merchants_<w>': 'distinct merchants among them',
  'account_countries_<w>': 'distinct countries among them',
};

/** Every feature name for these windows (what rules may read besides the payment's fields). */
export function fraudFeatureNames(windows: readonly VelocityWindow[]): string[] {
  const names: string[] = [];
  for (const name of Object.keys(FRAUD_FEATURE_DOCS)) {
    if (!name.endsWith('_<w>')) names.push(name);
    else for (const w of windows) names.push(name.replace('<w>', w.name));
  }
  return names;
}

/** The features that do not depend on a window (computed for every payment). */
export const PAYMENT_FEATURE_NAMES: readonly string[] = Object.keys(FRAUD_FEATURE_DOCS).filter(
  (name) => !name.endsWith('_<w>'),
);

/**
 * Which velocity measures to compute. Scanning an account's recent payments is the costliest
 * part of scoring, distinct counts most of all, so the scorer computes only what its rules read.
 */
export interface VelocityNeeds {
  /** `*_count_<w>`, `*_sum_<w>`. */
  readonly sums: boolean;
  readonly merchants: boolean;
  readonly countries: boolean;
}

export const ALL_VELOCITY: VelocityNeeds = { sums: true, merchants: true, countries: true };

/** The velocity measures among `names` (e.g. the fields rules read), for these windows. */
export function velocityNeeds(
  names: Iterable<string>,
  windows: readonly VelocityWindow[],
): VelocityNeeds {
  let sums = false;
  let merchants = false;
  let countries = false;
  const suffixes = windows.map((w) => `_${w.name}`);
  for (const name of names) {
    if (!name.startsWith('card_') && !name.startsWith('account_')) continue;
    const base = suffixes.find((sfx) => name.endsWith(sfx));
    if (base === undefined) continue;
    const measure = name.slice(name.indexOf('_') + 1, name.length - base.length);
    if (measure === 'count' || measure === 'sum') sums = true;
    else if (measure === 'merchants') merchants = true;
    else if (measure === 'countries') countries = true;
  }
  return { sums, merchants, countries };
}

/** The payment velocity is measured around: its card, event time and (if new) its own values. */
interface VelocityAnchor {
  readonly cardId: string;
  readonly timestampMs: number;
  /** The payment itself when it is not in the recent list yet; undefined when it is. */
  readonly self?: {
    readonly amount: number;
    readonly merchantId: string;
    readonly country: string;
  };
}

/** Computes the features of payments; holds the precomputed feature names of the windows. */
export class FraudFeatureExtractor {
  /** Every feature name, for these windows. */
  readonly featureNames: readonly string[];
  private readonly names: ReadonlyArray<Readonly<Record<string, string>>>;
  // Scratch space reused by every call (one extractor per task, calls never overlap).
  private readonly fromMs: number[];
  private readonly cardCount: number[];
  private readonly cardSum: number[];
  private readonly accountCount: number[];
  private readonly accountSum: number[];
  /** Newest event time per card merchant, card country, account merchant, account country. */
  private readonly newest = [
    new Map<string, number>(),
    new Map<string, number>(),
    new Map<string, number>(),
    new Map<string, number>(),
  ] as const;

  constructor(private readonly options: FraudFeatureOptions) {
    this.names = options.windows.map((w) => {
      const out: Record<string, string> = {};
      for (const scope of ['card', 'account']) {
        for (const m of VELOCITY_MEASURES) out[`${scope}_${m}`] = `${scope}_${m}_${w.name}`;
      }
      return out;
    });
    this.featureNames = fraudFeatureNames(options.windows);
    const zeros = (): number[] => options.windows.map(() => 0);
    this.fromMs = zeros();
    this.cardCount = zeros();
    this.cardSum = zeros();
    this.accountCount = zeros();
    this.accountSum = zeros();
  }

  /**
   * Features of `txn` given its account's `state` (not yet containing `txn`). Writes them into
   * `out` (a reused object keeps one shape and spares an allocation per payment) and returns it.
   * Velocity features are written only for the measures in `needs` (default: all). Does not
   * change `state`.
   */
  compute(
    state: AccountState,
    txn: FraudTransaction,
    out: FraudFeatures = {},
    needs: VelocityNeeds = ALL_VELOCITY,
  ): FraudFeatures {
    const o = this.options;
    const f = out;
    const n = state.amount.n;
    const warm = n >= o.warmup;
    const stddev = statsStdDev(state.amount);
    f['txn_count'] = n;
    f['warm'] = warm;
    f['amount_mean'] = state.amount.mean;
    f['amount_stddev'] = stddev;
    f['amount_z'] = warm && stddev > 0 ? (txn.amount - state.amount.mean) / stddev : 0;
    let logZ = 0;
    let lognormalZ = 0;
    if (warm && txn.amount > 0) {
      const log = state.logAmount;
      const weight = o.priorWeight;
      const dof = weight + log.n - 1;
      const variance =
        dof > 0
          ? (weight * o.priorLogStdDev ** 2 + Math.max(0, log.m2)) / dof
          : o.priorLogStdDev ** 2;
      if (variance > 0) {
        logZ = (Math.log(txn.amount) - log.mean) / Math.sqrt(variance * (1 + 1 / log.n));
        const habitMean = Math.exp(log.mean + variance / 2);
        lognormalZ = (txn.amount - habitMean) / (habitMean * Math.sqrt(Math.expm1(variance)));
      }
    }
    f['amount_log_z'] = logZ;
    f['amount_lognormal_z'] = lognormalZ;
    f['amount_ratio'] = n > 0 && state.amount.mean > 0 ? txn.amount / state.amount.mean : 0;
    f['small_amount'] = txn.amount <= o.cardTesting.smallAmount;
    f['new_device'] = findSeen(state.devices, txn.deviceId) === undefined;
    f['new_merchant'] = findSeen(state.merchants, txn.merchantId) === undefined;
    f['new_country'] = findSeen(state.countries, txn.country) === undefined;
    f['new_card'] = findSeen(state.cards, txn.cardId) === undefined;

    let distanceKm = 0;
    let elapsedS = 0;
    let speedKmh = 0;
    if (state.last !== null) {
      const [lat, lon, lastMs] = state.last;
      distanceKm = haversineKm(lat, lon, txn.lat, txn.lon);
      elapsedS = Math.abs(txn.timestampMs - lastMs) / 1000;
      speedKmh = distanceKm / Math.max(elapsedS / 3600, MIN_ELAPSED_HOURS);
    }
    f['distance_km'] = distanceKm;
    f['elapsed_s'] = elapsedS;
    f['speed_kmh'] = speedKmh;
    f['impossible_travel'] = distanceKm >= o.minTravelKm && speedKmh > o.impossibleSpeedKmh;

    let smallCount = 0;
    const smallFromMs = txn.timestampMs - o.cardTesting.windowMs;
    for (const e of state.small) {
      if (e[0] > smallFromMs && e[1] === txn.cardId) smallCount++;
    }
    f['card_small_count'] = smallCount;
    f['card_testing'] =
      smallCount >= o.cardTesting.minSmall && txn.amount >= o.cardTesting.largeAmount;

    this.velocity(
      state,
      {
        cardId: txn.cardId,
        timestampMs: txn.timestampMs,
        self: { amount: txn.amount, merchantId: txn.merchantId, country: txn.country },
      },
      f,
      needs,
    );
    return f;
  }

  /**
   * Every velocity feature as of the account's latest scored payment (which is in the recent
   * list already): what the query API shows. Empty for an account with no payment.
   */
  latestVelocity(state: AccountState, cardId: string, timestampMs: number): FraudFeatures {
    const f: FraudFeatures = {};
    this.velocity(state, { cardId, timestampMs }, f, ALL_VELOCITY);
    return f;
  }

  /**
   * Count, sum and distinct merchants and countries per window, per card and per account, in
   * one pass over the recent payments. Distinct counts keep the newest event time of each
   * merchant or country: it is in window w when that time is after w's start.
   */
  private velocity(
    state: AccountState,
    anchor: VelocityAnchor,
    f: FraudFeatures,
    needs: VelocityNeeds,
  ): void {
    if (!needs.sums && !needs.merchants && !needs.countries) return;
    const windows = this.options.windows;
    const w = windows.length;
    const { fromMs, cardCount, cardSum, accountCount, accountSum } = this;
    const ts0 = anchor.timestampMs;
    const self = anchor.self;
    let oldestFromMs = Number.POSITIVE_INFINITY;
    for (let i = 0; i < w; i++) {
      fromMs[i] = ts0 - windows[i]!.sizeMs;
      if (fromMs[i]! < oldestFromMs) oldestFromMs = fromMs[i]!;
      cardCount[i] = self === undefined ? 0 : 1;
      cardSum[i] = self === undefined ? 0 : self.amount;
      accountCount[i] = cardCount[i]!;
      accountSum[i] = cardSum[i]!;
    }
    const [cardMerchants, cardCountries, accountMerchants, accountCountries] = this.newest;
    const merchants = needs.merchants;
    const countries = needs.countries;
    if (merchants) {
      cardMerchants.clear();
      accountMerchants.clear();
    }
    if (countries) {
      cardCountries.clear();
      accountCountries.clear();
    }
    if (self !== undefined) {
      // The payment itself counts in every window.
      if (merchants) {
        cardMerchants.set(self.merchantId, Number.POSITIVE_INFINITY);
        accountMerchants.set(self.merchantId, Number.POSITIVE_INFINITY);
      }
      if (countries) {
        cardCountries.set(self.country, Number.POSITIVE_INFINITY);
        accountCountries.set(self.country, Number.POSITIVE_INFINITY);
      }
    }
    const cardId = anchor.cardId;
    const recent = state.recent;
    for (let r = 0; r < recent.length; r++) {
      const e = recent[r]!;
      const ts = e[0];
      // Event time after the window start: later payments that arrived first count too.
      if (ts <= oldestFromMs) continue;
      const sameCard = e[2] === cardId;
      if (needs.sums) {
        const amount = e[1];
        for (let i = 0; i < w; i++) {
          if (ts <= fromMs[i]!) continue;
          accountCount[i]!++;
          accountSum[i]! += amount;
          if (sameCard) {
            cardCount[i]!++;
            cardSum[i]! += amount;
          }
        }
      }
      if (merchants) {
        newer(accountMerchants, e[3], ts);
        if (sameCard) newer(cardMerchants, e[3], ts);
      }
      if (countries) {
        newer(accountCountries, e[4], ts);
        if (sameCard) newer(cardCountries, e[4], ts);
      }
    }
    for (let i = 0; i < w; i++) {
      const names = this.names[i]!;
      const from = fromMs[i]!;
      if (needs.sums) {
        f[names['card_count']!] = cardCount[i]!;
        f[names['card_sum']!] = cardSum[i]!;
        f[names['account_count']!] = accountCount[i]!;
        f[names['account_sum']!] = accountSum[i]!;
      }
      if (merchants) {
        f[names['card_merchants']!] = countAfter(cardMerchants, from);
        f[names['account_merchants']!] = countAfter(accountMerchants, from);
      }
      if (countries) {
        f[names['card_countries']!] = countAfter(cardCountries, from);
        f[names['account_countries']!] = countAfter(accountCountries, from);
      }
    }
  }
}

/** Keeps the newest event time per id. */
function newer(map: Map<string, number>, id: string, ts: number): void {
  const seen = map.get(id);
  if (seen === undefined || ts > seen) map.set(id, ts);
}

/** How many ids were last seen after `fromMs`. */
function countAfter(map: ReadonlyMap<string, number>, fromMs: number): number {
  let n = 0;
  for (const ts of map.values()) if (ts > fromMs) n++;
  return n;
}
