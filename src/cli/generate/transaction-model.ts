// Card payments for `sluice generate` → topic `transactions`: accounts with one or two cards, a
// home city, usual devices and merchants and a lognormal amount habit. This file makes the
// normal traffic; fraud-patterns.ts injects the fraudulent transactions using the same accounts.

import { CITIES, type City } from './cities.js';
import type { Prng } from './prng.js';
import { WeightedChoice } from './weighted-choice.js';

/** One `transactions` event, exactly the contract's shape (key = `card_id`). */
export interface TransactionEvent {
  txn_id: string;
  account_id: string;
  card_id: string;
  /** In `currency`, 2 decimals. */
  amount: number;
  currency: string;
  merchant_id: string;
  merchant_category: string;
  device_id: string;
  lat: number;
  lon: number;
  country: string;
  /** Event time, epoch ms. */
  ts: number;
}

export interface Merchant {
  readonly id: string;
  readonly index: number;
  readonly category: string;
  /** Index into {@link CITIES}; -1 for an online merchant (paid from wherever the buyer is). */
  readonly city: number;
}

export interface CardAccount {
  readonly id: string;
  readonly index: number;
  /** 1 or 2 card ids; the first is used most. */
  readonly cards: readonly string[];
  /** Index into {@link CITIES}. */
  readonly city: number;
  readonly homeLat: number;
  readonly homeLon: number;
  /** 1 or 2 device ids; the first is used most. */
  readonly devices: readonly string[];
  /** Merchant indexes this account pays at, most frequent first. */
  readonly usualMerchants: readonly number[];
  /** Amount habit: ln(amount) ~ Normal(amountMu, amountSigma), clipped at ±3 sigma. */
  readonly amountMu: number;
  readonly amountSigma: number;
}

const MERCHANT_CATEGORIES: ReadonlyArray<{ name: string; weight: number }> = [
  { name: 'grocery', weight: 5 },
  { name: 'restaurant', weight: 4 },
  { name: 'fuel', weight: 2 },
  { name: 'pharmacy', weight: 1.5 },
  { name: 'clothing', weight: 1.5 },
  { name: 'electronics', weight: 1 },
  { name: 'entertainment', weight: 1 },
  { name: 'travel', weight: 0.7 },
  { name: 'utilities', weight: 0.5 },
];
const ONLINE_CATEGORIES = ['online_retail', 'digital_goods', 'subscriptions', 'electronics'];
const ONLINE_MERCHANTS = 40;
/** Normal payments at a merchant outside the usual set (new but local). */
const NEW_MERCHANT_PROBABILITY = 0.03;
/** Normal payments from the second device (when there is one). */
const SECOND_DEVICE_PROBABILITY = 0.1;
/** Normal payments with the second card (when there is one). */
const SECOND_CARD_PROBABILITY = 0.2;
/** Spread of normal payment locations around home, degrees (~2 km). */
const LOCAL_NOISE_DEG = 0.02;

export interface TransactionModelOptions {
  readonly accounts: number;
  /** Makes transaction ids unique per run (see DemoDataGenerator). */
  readonly runTag: string;
}

/** Accounts, merchants and their normal payments; ids are allocated here for fraud too. */
export class TransactionModel {
  readonly accounts: readonly CardAccount[];
  readonly merchants: readonly Merchant[];
  /** Per city: indexes of its merchants; online merchants are in `onlineMerchants`. */
  readonly merchantsByCity: readonly (readonly number[])[];
  readonly onlineMerchants: readonly number[];
  private readonly accountChoice: WeightedChoice;
  private readonly merchantHabit: readonly WeightedChoice[];
  private readonly prng: Prng;
  private readonly runTag: string;
  private txnSeq = 0;
  private deviceSeq = 0;

  /** `prng` is consumed: the world and the payment stream each use a fork of it. */
  constructor(prng: Prng, options: TransactionModelOptions) {
    if (options.accounts < 1) throw new RangeError('transactions need at least 1 account');
    this.runTag = options.runTag;
    const world = prng.fork('accounts');
    this.prng = prng.fork('payments');

    const merchantCategory = new WeightedChoice(MERCHANT_CATEGORIES.map((c) => c.weight));
    const perCity = Math.min(400, Math.max(15, Math.ceil(options.accounts / 8)));
    const merchants: Merchant[] = [];
    const byCity: number[][] = CITIES.map(() => []);
    CITIES.forEach((_, city) => {
      for (let i = 0; i < perCity; i++) {
        const index = merchants.length;
        const category = MERCHANT_CATEGORIES[merchantCategory.sample(world)]?.name ?? 'grocery';
        merchants.push({ id: merchantId(index), index, category, city });
        byCity[city]?.push(index);
      }
    });
    const online: number[] = [];
    for (let i = 0; i < ONLINE_MERCHANTS; i++) {
      const index = merchants.length;
      merchants.push({
        id: merchantId(index),
        index,
        category: world.pick(ONLINE_CATEGORIES),
        city: -1,
      });
      online.push(index);
    }
    this.merchants = merchants;
    this.merchantsByCity = byCity;
    this.onlineMerchants = online;

    const cityChoice = new WeightedChoice(CITIES.map((c) => c.population));
    // Shoppers in a city share its popular merchants (the big supermarket), Zipf by rank.
    const localPopularity = WeightedChoice.zipf(perCity, 0.9);
    const onlinePopularity = WeightedChoice.zipf(ONLINE_MERCHANTS, 1.1);
    let cardSeq = 0;
    const habits: WeightedChoice[] = [];
    this.accounts = Array.from({ length: options.accounts }, (_, index) => {
      const city = cityChoice.sample(world);
      const home = CITIES[city] as City;
      const cards = [`card-${pad(cardSeq++, 6)}`];
      if (world.chance(0.35)) cards.push(`card-${pad(cardSeq++, 6)}`);
      const devices = [this.newDeviceId()];
      if (world.chance(0.4)) devices.push(this.newDeviceId());
      const usual: number[] = [];
      const localCount = world.int(4, 12);
      const localMerchants = byCity[city] ?? [];
      for (let attempt = 0; usual.length < localCount && attempt < 200; attempt++) {
        const m = localMerchants[localPopularity.sample(world)];
        if (m !== undefined && !usual.includes(m)) usual.push(m);
      }
      const onlineCount = world.int(1, 3);
      for (let attempt = 0; usual.length < localCount + onlineCount && attempt < 200; attempt++) {
        const m = online[onlinePopularity.sample(world)];
        if (m !== undefined && !usual.includes(m)) usual.push(m);
      }
      habits.push(WeightedChoice.zipf(usual.length, 1));
      const medianAmount = 35 * Math.exp(clip(0.5 * world.normal(), -1, 1.5));
      return {
        id: `acct-${pad(index, 5)}`,
        index,
        cards,
        city,
        homeLat: round(home.lat + 0.05 * world.normal(), 5),
        homeLon: round(home.lon + 0.05 * world.normal(), 5),
        devices,
        usualMerchants: usual,
        amountMu: Math.log(medianAmount),
        amountSigma: world.uniform(0.35, 0.75),
      };
    });
    this.merchantHabit = habits;
    // A few accounts pay a lot, most pay now and then.
    this.accountChoice = new WeightedChoice(
      this.accounts.map(() => Math.exp(0.8 * world.normal())),
    );
  }

  /** Mean of the account's amount habit (of the unclipped lognormal), currency units. */
  habitMean(account: CardAccount): number {
    return Math.exp(account.amountMu + account.amountSigma ** 2 / 2);
  }

  /** Standard deviation of the account's amount habit (of the unclipped lognormal). */
  habitStdDev(account: CardAccount): number {
    return this.habitMean(account) * Math.sqrt(Math.expm1(account.amountSigma ** 2));
  }

  /** An account, weighted by how often it pays. */
  pickAccount(prng: Prng = this.prng): CardAccount {
    return this.accounts[this.accountChoice.sample(prng)] as CardAccount;
  }

  /** The account's home city. */
  homeCity(account: CardAccount): City {
    return CITIES[account.city] as City;
  }

  /** A payment that follows the account's habits with small noise. */
  normalTransaction(tsMs: number): TransactionEvent {
    const prng = this.prng;
    const account = this.pickAccount();
    const card =
      account.cards.length > 1 && prng.chance(SECOND_CARD_PROBABILITY)
        ? account.cards[1]
        : account.cards[0];
    const device =
      account.devices.length > 1 && prng.chance(SECOND_DEVICE_PROBABILITY)
        ? account.devices[1]
        : account.devices[0];
    let merchantIndex: number;
    if (prng.chance(NEW_MERCHANT_PROBABILITY)) {
      merchantIndex = prng.pick(this.merchantsByCity[account.city] ?? this.onlineMerchants);
    } else {
      const habit = this.merchantHabit[account.index] as WeightedChoice;
      merchantIndex = account.usualMerchants[habit.sample(prng)] ?? 0;
    }
    const z = clip(prng.normal(), -3, 3);
    const amount = Math.max(0.5, round(Math.exp(account.amountMu + account.amountSigma * z), 2));
    const home = this.homeCity(account);
    return this.transaction({
      account,
      cardId: card ?? account.cards[0] ?? '',
      merchant: this.merchants[merchantIndex] as Merchant,
      amount,
      deviceId: device ?? '',
      lat: account.homeLat + LOCAL_NOISE_DEG * prng.normal(),
      lon: account.homeLon + LOCAL_NOISE_DEG * prng.normal(),
      city: home,
      tsMs,
    });
  }

  /** Builds a transaction with a fresh `txn_id`; amounts round to cents, coordinates to 1e-5°. */
  transaction(parts: {
    account: CardAccount;
    cardId: string;
    merchant: Merchant;
    amount: number;
    deviceId: string;
    lat: number;
    lon: number;
    /** Where the payment happens: its country and currency. */
    city: City;
    tsMs: number;
  }): TransactionEvent {
    return {
      txn_id: `txn-${this.runTag}-${this.txnSeq++}`,
      account_id: parts.account.id,
      card_id: parts.cardId,
      amount: round(parts.amount, 2),
      currency: parts.city.currency,
      merchant_id: parts.merchant.id,
      merchant_category: parts.merchant.category,
      device_id: parts.deviceId,
      lat: round(parts.lat, 5),
      lon: round(parts.lon, 5),
      country: parts.city.country,
      ts: parts.tsMs,
    };
  }

  /** A device id never used before (accounts' own devices and fraudsters' share one sequence). */
  newDeviceId(): string {
    return `dev-${pad(this.deviceSeq++, 8)}`;
  }
}

function merchantId(index: number): string {
  return `merch-${pad(index, 5)}`;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function clip(x: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, x));
}

function round(x: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(x * f) / f;
}
