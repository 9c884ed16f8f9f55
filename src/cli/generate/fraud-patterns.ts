// Fraud injected into the `transactions` stream by `sluice generate`: each incident is a short
// plan of timed transactions on one account, each labelled with its pattern (→ `fraud-labels`).
// Normal traffic comes from transaction-model.ts; the generator interleaves both by event time.

import { CITIES, distanceKm } from './cities.js';
import type { Prng } from './prng.js';
import type {
  CardAccount,
  Merchant,
  TransactionEvent,
  TransactionModel,
} from './transaction-model.js';

export const FRAUD_PATTERNS = ['card_testing', 'account_takeover', 'spending_spike'] as const;
export type FraudPattern = (typeof FRAUD_PATTERNS)[number];

/** One planned fraudulent transaction; `txn.ts` is its planned event time, epoch ms. */
export interface PlannedFraud {
  readonly txn: TransactionEvent;
  readonly pattern: FraudPattern;
  readonly incidentId: string;
}

/** Shapes of the patterns. Times in ms, amounts in currency units. */
export const FRAUD_SHAPES = {
  cardTesting: {
    /** Small probes before the large payment (inclusive range). */
    minProbes: 3,
    maxProbes: 8,
    /** Probe amounts are in [minProbeAmount, maxProbeAmount] — always below 2.00. */
    minProbeAmount: 0.5,
    maxProbeAmount: 1.99,
    /** Gap between consecutive probes, [min, max). */
    probeGapMs: [3_000, 15_000],
    /** Gap from the last probe to the large payment, [min, max). */
    cashOutGapMs: [5_000, 30_000],
    cashOutAmount: [250, 1_500],
  },
  accountTakeover: {
    minTransactions: 2,
    maxTransactions: 5,
    /** Payments happen at least this far from home. */
    minDistanceKm: 1_000,
    /** Amount = habit mean × a factor in [min, max). */
    amountFactor: [3, 10],
    gapMs: [20_000, 120_000],
  },
  spendingSpike: {
    /** Amount = habit mean + k × habit stddev, k in [min, max). */
    stdDevs: [8, 15],
  },
} as const;

/** Mean fraudulent transactions per incident of each pattern (for the incident rate). */
const MEAN_TRANSACTIONS: Record<FraudPattern, number> = {
  card_testing: (FRAUD_SHAPES.cardTesting.minProbes + FRAUD_SHAPES.cardTesting.maxProbes) / 2 + 1,
  account_takeover:
    (FRAUD_SHAPES.accountTakeover.minTransactions + FRAUD_SHAPES.accountTakeover.maxTransactions) /
    2,
  spending_spike: 1,
};

/** Plans fraud incidents on the model's accounts. Patterns are equally likely. */
export class FraudPatterns {
  private incidentSeq = 0;

  constructor(
    private readonly prng: Prng,
    private readonly model: TransactionModel,
    private readonly runTag: string,
  ) {}

  /** Mean number of transactions an incident produces, patterns equally likely. */
  static meanTransactionsPerIncident(): number {
    const total = FRAUD_PATTERNS.reduce((sum, p) => sum + MEAN_TRANSACTIONS[p], 0);
    return total / FRAUD_PATTERNS.length;
  }

  /**
   * Probability of starting an incident per normal transaction so that `fraudRate` of all
   * transactions (normal + fraudulent) are fraudulent: q·E / (1 + q·E) = rate.
   */
  static incidentProbability(fraudRate: number): number {
    if (fraudRate <= 0) return 0;
    if (fraudRate >= 1) return 1;
    return fraudRate / (FraudPatterns.meanTransactionsPerIncident() * (1 - fraudRate));
  }

  /** An incident of a random pattern on a random account, starting at `startMs`. */
  planRandom(startMs: number, account?: CardAccount): PlannedFraud[] {
    const pattern = this.prng.pick(FRAUD_PATTERNS);
    return this.plan(pattern, account ?? this.model.pickAccount(this.prng), startMs);
  }

  /** An incident of `pattern` on `account`; its first transaction is at `startMs`. */
  plan(pattern: FraudPattern, account: CardAccount, startMs: number): PlannedFraud[] {
    const incidentId = `inc-${this.runTag}-${this.incidentSeq++}`;
    const txns =
      pattern === 'card_testing'
        ? this.cardTesting(account, startMs)
        : pattern === 'account_takeover'
          ? this.accountTakeover(account, startMs)
          : this.spendingSpike(account, startMs);
    return txns.map((txn) => ({ txn, pattern, incidentId }));
  }

  /** Stolen card details checked with tiny payments at unknown merchants, then cashed out. */
  private cardTesting(account: CardAccount, startMs: number): TransactionEvent[] {
    const shape = FRAUD_SHAPES.cardTesting;
    const prng = this.prng;
    const card = prng.pick(account.cards);
    const device = this.model.newDeviceId();
    const home = this.model.homeCity(account);
    const used = new Set(account.usualMerchants);
    const probes = prng.int(shape.minProbes, shape.maxProbes);
    const txns: TransactionEvent[] = [];
    let tsMs = startMs;
    for (let i = 0; i <= probes; i++) {
      const cashOut = i === probes;
      if (i > 0) {
        const [min, max] = cashOut ? shape.cashOutGapMs : shape.probeGapMs;
        tsMs += Math.round(prng.uniform(min, max));
      }
      const merchant = this.newMerchant(used, prng.chance(0.6) ? -1 : account.city);
      used.add(merchant.index);
      const amount = cashOut
        ? prng.uniform(shape.cashOutAmount[0], shape.cashOutAmount[1])
        : prng.uniform(shape.minProbeAmount, shape.maxProbeAmount);
      txns.push(
        this.model.transaction({
          account,
          cardId: card,
          merchant,
          amount,
          deviceId: device,
          lat: account.homeLat + 0.02 * prng.normal(),
          lon: account.homeLon + 0.02 * prng.normal(),
          city: home,
          tsMs,
        }),
      );
    }
    return txns;
  }

  /** Someone else logs in from far away on a new device and spends big. */
  private accountTakeover(account: CardAccount, startMs: number): TransactionEvent[] {
    const shape = FRAUD_SHAPES.accountTakeover;
    const prng = this.prng;
    const home = this.model.homeCity(account);
    const far = CITIES.map((c, i) => ({ c, i })).filter(
      ({ c }) =>
        c.country !== home.country &&
        distanceKm(c.lat, c.lon, account.homeLat, account.homeLon) >= shape.minDistanceKm,
    );
    const target = prng.pick(far);
    const device = this.model.newDeviceId();
    const card = account.cards[0] ?? '';
    const mean = this.model.habitMean(account);
    const count = prng.int(shape.minTransactions, shape.maxTransactions);
    const used = new Set(account.usualMerchants);
    const txns: TransactionEvent[] = [];
    let tsMs = startMs;
    for (let i = 0; i < count; i++) {
      if (i > 0) tsMs += Math.round(prng.uniform(shape.gapMs[0], shape.gapMs[1]));
      const merchant = this.newMerchant(used, target.i);
      used.add(merchant.index);
      txns.push(
        this.model.transaction({
          account,
          cardId: card,
          merchant,
          amount: mean * prng.uniform(shape.amountFactor[0], shape.amountFactor[1]),
          deviceId: device,
          lat: target.c.lat + 0.03 * prng.normal(),
          lon: target.c.lon + 0.03 * prng.normal(),
          city: target.c,
          tsMs,
        }),
      );
    }
    return txns;
  }

  /** The account holder (usual merchant, device, place) — but an amount far off the habit. */
  private spendingSpike(account: CardAccount, startMs: number): TransactionEvent[] {
    const [min, max] = FRAUD_SHAPES.spendingSpike.stdDevs;
    const prng = this.prng;
    const amount =
      this.model.habitMean(account) + prng.uniform(min, max) * this.model.habitStdDev(account);
    const merchantIndex = account.usualMerchants[0] ?? 0;
    return [
      this.model.transaction({
        account,
        cardId: account.cards[0] ?? '',
        merchant: this.model.merchants[merchantIndex] as Merchant,
        amount,
        deviceId: account.devices[0] ?? '',
        lat: account.homeLat + 0.02 * prng.normal(),
        lon: account.homeLon + 0.02 * prng.normal(),
        city: this.model.homeCity(account),
        tsMs: startMs,
      }),
    ];
  }

  /** A merchant outside `exclude`, in `city` (-1 = online). */
  private newMerchant(exclude: ReadonlySet<number>, city: number): Merchant {
    const pool = city < 0 ? this.model.onlineMerchants : (this.model.merchantsByCity[city] ?? []);
    for (let attempt = 0; attempt < 50; attempt++) {
      const m = this.prng.pick(pool);
      if (!exclude.has(m)) return this.model.merchants[m] as Merchant;
    }
    // Every merchant of the pool is known to the account: use any merchant it has never seen.
    const fallback = this.model.merchants.find((m) => !exclude.has(m.index));
    return fallback ?? (this.model.merchants[0] as Merchant);
  }
}
