// The fraud-score node (records keyed by account_id, values `transactions` events): computes
// each payment's features from the account's state, scores them with the current rules, sends
// an alert to the alert topic above the threshold, then updates the account's state.

import { SluiceError } from '../../core/errors.js';
import type { Processor, ProcessorContext, StoreDeclaration } from '../../core/processor.js';
import type { JsonObject, StreamRecord } from '../../core/record.js';
import type { KeyValueStore } from '../../core/store.js';
import {
  learnPayment,
  newAccountState,
  rememberPayment,
  type AccountState,
  type AccountStateLimits,
  type SeenEntry,
} from './account-state.js';
import {
  FraudAlertLog,
  fraudAlertRows,
  type FraudAlert,
  type StoredAlertEntry,
} from './fraud-alert-log.js';
import {
  FraudFeatureExtractor,
  fraudFeatureNames,
  PAYMENT_FEATURE_NAMES,
  velocityNeeds,
  type FraudFeatureOptions,
  type FraudFeatures,
  type VelocityNeeds,
} from './fraud-features.js';
import type { FraudRuleSet } from './fraud-rules.js';
import type { FraudRulesSource } from './fraud-rules-watcher.js';
import { readFraudTransaction } from './fraud-transaction.js';
import { statsStdDev } from './running-stats.js';

/** Fields of the `transactions` contract: what rules may read besides the features. */
export const TRANSACTION_FIELDS = [
  'txn_id',
  'account_id',
  'card_id',
  'amount',
  'currency',
  'merchant_id',
  'merchant_category',
  'device_id',
  'lat',
  'lon',
  'country',
  'ts',
] as const;

/** Prefix of the fraud stores' stateIds: how the query API finds them (fraud-query-stores.ts). */
export const FRAUD_ACCOUNT_STATE = 'fraud-accounts';
export const FRAUD_ALERT_STATE = 'fraud-alerts';

export interface FraudScoreOptions {
  readonly features: FraudFeatureOptions;
  readonly profile: {
    /** Learn from payments that alerted too (default in jobs: false, see learnPayment). */
    readonly learnFromAlerts: boolean;
    readonly maxRecent: number;
    readonly maxDevices: number;
    readonly maxMerchants: number;
    readonly maxCountries: number;
    readonly maxCards: number;
    /** See AccountStateLimits.learnClampLogStdDevs. */
    readonly learnClampLogStdDevs: number;
  };
  readonly rules: FraudRulesSource;
  readonly alert: {
    /** A payment whose score is at or above this alerts. In (0, 1]. */
    readonly threshold: number;
    readonly topic: string;
    /** Recent alerts kept per task for GET /fraud/alerts. */
    readonly keep: number;
  };
  /** Account state store (key = account_id). */
  readonly storeName: string;
  /** Recent-alert store (a ring of `alert.keep` slots per task). */
  readonly alertStoreName: string;
  readonly queryable: boolean;
}

/** The names rules may read with these windows: contract fields and features. */
export function fraudRuleNames(features: FraudFeatureOptions): Set<string> {
  return new Set<string>([...TRANSACTION_FIELDS, ...fraudFeatureNames(features.windows)]);
}

/** Checks the options a job file can get wrong; throws JOB_INVALID naming the field. */
function validate(o: FraudScoreOptions): void {
  const fail = (field: string, message: string): never => {
    throw new SluiceError('JOB_INVALID', `${field} ${message}`, { context: { field } });
  };
  const f = o.features;
  const whole = (field: string, v: number, min: number): void => {
    if (!Number.isSafeInteger(v) || v < min) fail(field, `must be a whole number ≥ ${min}`);
  };
  const positive = (field: string, v: number): void => {
    if (!(v > 0 && Number.isFinite(v))) fail(field, 'must be a number > 0');
  };
  if (f.windows.length === 0) fail('windows', 'needs at least one window');
  for (const w of f.windows) {
    if (!/^[a-z0-9]+$/.test(w.name)) fail(`windows.${w.name}`, 'name must be a-z and 0-9 only');
    positive(`windows.${w.name}`, w.sizeMs);
  }
  whole('profile.warmup', f.warmup, 0);
  if (!(f.minTravelKm >= 0)) fail('geo.minDistanceKm', 'must be ≥ 0');
  positive('geo.impossibleSpeedKmh', f.impossibleSpeedKmh);
  positive('cardTesting.window', f.cardTesting.windowMs);
  if (!(f.cardTesting.smallAmount >= 0)) fail('cardTesting.smallAmount', 'must be ≥ 0');
  if (!(f.cardTesting.largeAmount > f.cardTesting.smallAmount))
    fail('cardTesting.largeAmount', 'must be larger than smallAmount');
  whole('cardTesting.minSmall', f.cardTesting.minSmall, 1);
  whole('profile.maxRecent', o.profile.maxRecent, 1);
  whole('profile.maxDevices', o.profile.maxDevices, 1);
  whole('profile.maxMerchants', o.profile.maxMerchants, 1);
  whole('profile.maxCountries', o.profile.maxCountries, 1);
  whole('profile.maxCards', o.profile.maxCards, 1);
  if (!(o.profile.learnClampLogStdDevs >= 0)) fail('profile.learnClamp', 'must be ≥ 0');
  if (!(f.priorLogStdDev > 0)) fail('profile.priorLogStdDev', 'must be > 0');
  if (!(f.priorWeight >= 0)) fail('profile.priorWeight', 'must be ≥ 0');
  if (!(o.alert.threshold > 0 && o.alert.threshold <= 1))
    fail('alert.threshold', 'must be in (0, 1]');
  whole('alert.keep', o.alert.keep, 1);
  if (o.storeName === o.alertStoreName) fail('store.name', 'must differ from the alert store name');
}

/** Rounds stored and reported fractions so they stay short in JSON. */
function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}

/** The features named (all when `names` is undefined), fractions rounded. */
function roundedFeatures(
  features: FraudFeatures,
  names: Iterable<string> = Object.keys(features),
): Record<string, number | boolean> {
  const out: Record<string, number | boolean> = {};
  for (const name of names) {
    const v = features[name]!;
    out[name] = typeof v === 'number' && !Number.isInteger(v) ? round4(v) : v;
  }
  return out;
}

function seenRows(list: readonly SeenEntry[]): JsonObject[] {
  return list.map(([id, count, lastSeenMs]) => ({ id, count, last_seen: lastSeenMs }));
}

/**
 * How the query API presents an account's state: one row, `[startMs, endMs)` = the latest
 * payment's event time (+1 ms), holding the profile, the latest payment's features and score.
 * With an extractor, the velocity features as of the latest payment are added to its features.
 */
export function fraudAccountRows(
  key: string,
  value: unknown,
  extractor?: FraudFeatureExtractor,
): JsonObject[] {
  const s = value as AccountState;
  const last = s.last_score;
  const at = last?.ts ?? 0;
  const velocity =
    extractor === undefined || last === null
      ? {}
      : roundedFeatures(extractor.latestVelocity(s, last.card_id, last.ts));
  return [
    {
      key,
      startMs: at,
      endMs: at + 1,
      account_id: key,
      scored: s.scored,
      profile: {
        learned: s.amount.n,
        amount_mean: round4(s.amount.mean),
        amount_stddev: round4(statsStdDev(s.amount)),
        devices: seenRows(s.devices),
        merchants: seenRows(s.merchants),
        countries: seenRows(s.countries),
        cards: seenRows(s.cards),
        last_location: s.last === null ? null : { lat: s.last[0], lon: s.last[1], ts: s.last[2] },
      },
      features: { ...(last?.features ?? {}), ...velocity },
      last_score:
        last === null
          ? null
          : {
              txn_id: last.txn_id,
              card_id: last.card_id,
              ts: last.ts,
              score: last.score,
              reasons: last.reasons,
              alerted: last.alerted,
            },
    },
  ];
}

/**
 * Per payment (key = account_id; value: a `transactions` event, see readFraudTransaction):
 * 1. features from the account's state as it was before this payment (fraud-features.ts);
 * 2. score = 1 − Π(1 − weight) over the rules that fire, with their reasons (fraud-rules.ts);
 * 3. score ≥ `alert.threshold`: an alert `{txn_id, account_id, card_id, score, reasons, ts,
 *    emitted_at}` (emitted_at = ctx.nowMs()) to `alert.topic`, key account_id, and into the
 *    recent-alert store;
 * 4. the payment joins the account's recent payments, and its profile unless it alerted (or
 *    `learnFromAlerts`);
 * 5. the record is forwarded with `fraud_score` and `fraud_reasons` added.
 * A record whose key is not its account_id, or that breaks the contract, is dead-lettered.
 */
export class FraudScoreProcessor implements Processor {
  readonly stateId: string;
  readonly alertStateId: string;
  private readonly features: FraudFeatureExtractor;
  private readonly limits: AccountStateLimits;
  private store: KeyValueStore<AccountState> | undefined;
  private alerts: FraudAlertLog | undefined;
  private readonly scope: JsonObject = {};
  /** The velocity measures the current rules read, and the rules they were worked out for. */
  private needs: VelocityNeeds | undefined;
  private needsOf: FraudRuleSet | undefined;

  constructor(private readonly options: FraudScoreOptions) {
    validate(options);
    const f = options.features;
    const p = options.profile;
    const longestWindowMs = Math.max(...f.windows.map((w) => w.sizeMs));
    this.limits = {
      maxDevices: p.maxDevices,
      maxMerchants: p.maxMerchants,
      maxCountries: p.maxCountries,
      maxCards: p.maxCards,
      maxRecent: p.maxRecent,
      recentRetentionMs: longestWindowMs,
      smallRetentionMs: f.cardTesting.windowMs,
      smallAmount: f.cardTesting.smallAmount,
      learnClampLogStdDevs: p.learnClampLogStdDevs,
      warmup: f.warmup,
    };
    this.features = new FraudFeatureExtractor(f);
    const l = this.limits;
    this.stateId =
      `${FRAUD_ACCOUNT_STATE}.v1(recent=${l.maxRecent}/${l.recentRetentionMs},small=${l.smallAmount}/` +
      `${l.smallRetentionMs},seen=${l.maxDevices}/${l.maxMerchants}/${l.maxCountries}/${l.maxCards},` +
      `clamp=${l.learnClampLogStdDevs}/${l.warmup})`;
    this.alertStateId = `${FRAUD_ALERT_STATE}.v1(keep=${options.alert.keep})`;
  }

  stores(): readonly StoreDeclaration[] {
    const { storeName, alertStoreName, queryable } = this.options;
    return [
      {
        name: storeName,
        kind: 'key-value',
        stateId: this.stateId,
        queryable,
        view: (key, value) => fraudAccountRows(key, value, this.features),
      },
      {
        name: alertStoreName,
        kind: 'key-value',
        stateId: this.alertStateId,
        queryable,
        view: fraudAlertRows,
      },
    ];
  }

  async init(ctx: ProcessorContext): Promise<void> {
    this.store = ctx.getStore<KeyValueStore<AccountState>>(this.options.storeName);
    const alertStore = ctx.getStore<KeyValueStore<StoredAlertEntry>>(this.options.alertStoreName);
    this.alerts = await FraudAlertLog.open(alertStore, this.options.alert.keep);
  }

  prepareBatch(keys: readonly string[]): Promise<void> {
    return this.requireStore().prefetch(keys);
  }

  process(record: StreamRecord, ctx: ProcessorContext): void {
    let txn;
    try {
      txn = readFraudTransaction(record.value, record.timestampMs);
    } catch (err) {
      ctx.deadLetter(record, withNode(err, ctx.node));
      return;
    }
    if (record.key !== txn.accountId) {
      ctx.deadLetter(
        record,
        new SluiceError(
          'FIELD_TYPE',
          `${ctx.node} needs records keyed by account_id (put a key-by account_id before it); ` +
            `key ${JSON.stringify(record.key)} is not account_id ${JSON.stringify(txn.accountId)}`,
          { context: { node: ctx.node, field: 'account_id' } },
        ),
      );
      return;
    }
    const store = this.requireStore();
    const state = store.get(txn.accountId) ?? newAccountState();
    // One scope object per task, refilled per payment: rules read the contract fields and the
    // features from it (spreading a record into a fresh object per payment dominated the cost).
    const scope = this.scope;
    for (const field of TRANSACTION_FIELDS) {
      const v = record.value[field];
      if (v === undefined) delete scope[field];
      else scope[field] = v;
    }
    const rules = this.options.rules.current(ctx.nowMs());
    if (rules !== this.needsOf || this.needs === undefined) {
      this.needs = velocityNeeds(rules.fields, this.options.features.windows);
      this.needsOf = rules;
    }
    this.features.compute(state, txn, scope as FraudFeatures, this.needs);
    const { score: rawScore, reasons } = rules.score(scope);
    const score = round4(rawScore);
    const alerted = score >= this.options.alert.threshold;
    if (alerted) {
      const alert: FraudAlert = {
        txn_id: txn.txnId,
        account_id: txn.accountId,
        card_id: txn.cardId,
        score,
        reasons,
        ts: txn.timestampMs,
        emitted_at: ctx.nowMs(),
      };
      ctx.send({
        topic: this.options.alert.topic,
        key: txn.accountId,
        value: JSON.stringify(alert),
        timestampMs: txn.timestampMs,
      });
      this.alerts?.append(alert);
    }
    if (!alerted || this.options.profile.learnFromAlerts) learnPayment(state, txn, this.limits);
    rememberPayment(state, txn, this.limits);
    state.last_score = {
      txn_id: txn.txnId,
      card_id: txn.cardId,
      ts: txn.timestampMs,
      score,
      reasons,
      alerted,
      // Velocity features are left out: the query API computes them from `recent` when asked.
      features: roundedFeatures(scope as FraudFeatures, PAYMENT_FEATURE_NAMES),
    };
    store.put(txn.accountId, state);
    ctx.forward({
      ...record,
      value: { ...record.value, fraud_score: score, fraud_reasons: reasons },
    });
  }

  private requireStore(): KeyValueStore<AccountState> {
    if (!this.store) throw new SluiceError('INTERNAL', 'fraud-score used before init');
    return this.store;
  }
}

function withNode(err: unknown, node: string): SluiceError {
  if (err instanceof SluiceError) {
    return new SluiceError(err.code, err.message, {
      cause: err,
      context: { ...err.context, node },
    });
  }
  return new SluiceError('INTERNAL', String(err), { cause: err, context: { node } });
}
