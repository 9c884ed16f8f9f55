// The pure core of `sluice generate`: interleaves shop activity, card payments and planned fraud
// on one event clock, stamps event times with jitter, corrupts a fraction, and yields Kafka-ready
// messages. No Kafka here: the command, tests, benchmark and evaluation all consume this.

import { SluiceError } from '../../core/errors.js';
import { ActivityModel, type ActivityBehaviour, type ActivityEvent } from './activity-model.js';
import { CORRUPTION_KIND_NAMES, Corruptor, type CorruptionKind } from './corruptor.js';
import { EventQueue } from './event-queue.js';
import {
  FRAUD_PATTERNS,
  FraudPatterns,
  type FraudPattern,
  type PlannedFraud,
} from './fraud-patterns.js';
import { Prng } from './prng.js';
import { TransactionModel, type TransactionEvent } from './transaction-model.js';

/** The event streams the generator can produce (`--topics`). */
export type EventStream = 'activity' | 'transactions';
export const EVENT_STREAMS: readonly EventStream[] = ['activity', 'transactions'];

export interface TopicNames {
  readonly activity: string;
  readonly transactions: string;
  readonly fraudLabels: string;
}

export const DEFAULT_TOPIC_NAMES: TopicNames = {
  activity: 'user-activity',
  transactions: 'transactions',
  fraudLabels: 'fraud-labels',
};

/**
 * How far event time (`ts`) lags the generator's event clock, so consumers see out-of-order
 * events. A fraction `lateRate` lags by (jitterMs, lateMaxMs]; a fraction `jitterRate` by
 * [0, jitterMs]; the rest are exactly in order.
 */
export interface EventTimeJitter {
  readonly jitterMs: number;
  readonly jitterRate: number;
  readonly lateRate: number;
  readonly lateMaxMs: number;
}

export const DEFAULT_JITTER: EventTimeJitter = {
  jitterMs: 300,
  jitterRate: 0.2,
  lateRate: 0.01,
  lateMaxMs: 5_000,
};

export interface DemoDataOptions {
  /** Same seed + same options ⇒ byte-identical messages. */
  readonly seed: number;
  /** Event time of the first event, epoch ms. */
  readonly startMs: number;
  readonly streams: readonly EventStream[];
  readonly topicNames: TopicNames;
  readonly users: number;
  readonly items: number;
  readonly accounts: number;
  /** Fraction of `transactions` messages that are fraudulent, in [0, 1). */
  readonly fraudRate: number;
  /** Fraction of event messages replaced by a bad value, in [0, 1]. Labels are never corrupted. */
  readonly corruptRate: number;
  /** Events per second of event time (the event clock's mean rate; Poisson arrivals). */
  readonly eventRatePerSec: number;
  /** With both streams: the fraction of events that are activity (the rest are payments). */
  readonly activityShare: number;
  readonly jitter: EventTimeJitter;
  /** Cap on oversized (> 1 MiB) corrupt values per run. */
  readonly maxOversized: number;
  readonly activityBehaviour?: Partial<ActivityBehaviour>;
}

export const DEFAULT_DEMO_DATA_OPTIONS: Omit<DemoDataOptions, 'startMs'> = {
  seed: 42,
  streams: EVENT_STREAMS,
  topicNames: DEFAULT_TOPIC_NAMES,
  users: 5_000,
  items: 2_000,
  accounts: 2_000,
  fraudRate: 0.01,
  corruptRate: 0,
  eventRatePerSec: 1_000,
  activityShare: 0.5,
  jitter: DEFAULT_JITTER,
  maxOversized: 10,
};

/** A message ready for a producer. */
export interface GeneratedMessage {
  readonly topic: string;
  readonly key: string;
  readonly value: Buffer;
  /** Message timestamp = the event's `ts` (labels: their transaction's `ts`), epoch ms. */
  readonly timestampMs: number;
  readonly stream: EventStream | 'fraud-labels';
  /** Set when `value` is a deliberately bad message. */
  readonly corruption?: CorruptionKind;
}

/** One `fraud-labels` value: the contract's `{txn_id, pattern}` plus incident and account ids. */
export interface FraudLabel {
  txn_id: string;
  pattern: FraudPattern;
  incident_id: string;
  account_id: string;
}

export interface GeneratorStats {
  /** Event messages (activity + transactions, corrupt ones included; labels excluded). */
  events: number;
  messagesByTopic: Record<string, number>;
  activityByType: Record<ActivityEvent['event_type'], number>;
  fraudTransactionsByPattern: Record<FraudPattern, number>;
  fraudIncidentsByPattern: Record<FraudPattern, number>;
  corruptionsByKind: Record<CorruptionKind, number>;
  /** Event clock: first and latest event time, epoch ms (before jitter). */
  firstEventMs: number;
  lastEventMs: number;
}

interface QueuedFraud extends PlannedFraud {
  /** Position in its incident (0 = first). */
  readonly position: number;
}

/**
 * Endless, deterministic demo traffic. `next()` returns one message; `take(n)` yields `n` event
 * messages plus the labels of the fraudulent ones among them (each label right after its
 * transaction). Only event time is simulated; pacing in wall-clock time is the caller's job.
 */
export class DemoDataGenerator implements Iterable<GeneratedMessage> {
  readonly options: DemoDataOptions;
  /** Undefined when the activity stream is off. */
  readonly activity: ActivityModel | undefined;
  /** Undefined when the transactions stream is off. */
  readonly transactions: TransactionModel | undefined;
  /** Short id shared by this run's event, session, transaction and incident ids. */
  readonly runTag: string;
  private readonly fraud: FraudPatterns | undefined;
  private readonly corruptor: Corruptor;
  private readonly planned = new EventQueue<QueuedFraud>();
  private readonly busyUntilMs = new Map<string, number>();
  private readonly outbox: GeneratedMessage[] = [];
  private readonly clockPrng: Prng;
  private readonly mixPrng: Prng;
  private readonly fraudPrng: Prng;
  private readonly corruptPrng: Prng;
  private readonly incidentProbability: number;
  private readonly meanGapMs: number;
  private clockMs: number;
  private readonly counters: GeneratorStats;

  constructor(options: Partial<DemoDataOptions> & { startMs: number }) {
    const o: DemoDataOptions = { ...DEFAULT_DEMO_DATA_OPTIONS, ...options };
    validate(o);
    this.options = o;
    const root = new Prng(o.seed);
    // The run tag mixes in the start time so runs with other starts never reuse ids.
    this.runTag = new Prng(`${o.seed}@${o.startMs}`).nextUint32().toString(36).padStart(7, '0');
    // Each concern draws from its own stream: turning corruption on, say, replaces some
    // messages but leaves every other message exactly as it was.
    const activityPrng = root.fork('activity');
    const transactionPrng = root.fork('transactions');
    this.fraudPrng = root.fork('fraud');
    this.corruptPrng = root.fork('corruption');
    this.clockPrng = root.fork('clock');
    this.mixPrng = root.fork('mix');
    this.activity = o.streams.includes('activity')
      ? new ActivityModel(activityPrng, {
          users: o.users,
          items: o.items,
          runTag: this.runTag,
          ...(o.activityBehaviour ? { behaviour: o.activityBehaviour } : {}),
        })
      : undefined;
    this.transactions = o.streams.includes('transactions')
      ? new TransactionModel(transactionPrng, { accounts: o.accounts, runTag: this.runTag })
      : undefined;
    this.fraud = this.transactions
      ? new FraudPatterns(this.fraudPrng.fork('plans'), this.transactions, this.runTag)
      : undefined;
    this.corruptor = new Corruptor(this.corruptPrng.fork('values'), {
      maxOversized: o.maxOversized,
    });
    this.incidentProbability = FraudPatterns.incidentProbability(o.fraudRate);
    this.meanGapMs = 1000 / o.eventRatePerSec;
    this.clockMs = o.startMs;
    const zero = <K extends string>(keys: readonly K[]): Record<K, number> =>
      Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
    this.counters = {
      events: 0,
      messagesByTopic: {},
      activityByType: zero(['view', 'add_to_cart', 'purchase'] as const),
      fraudTransactionsByPattern: zero(FRAUD_PATTERNS),
      fraudIncidentsByPattern: zero(FRAUD_PATTERNS),
      corruptionsByKind: zero(CORRUPTION_KIND_NAMES),
      firstEventMs: o.startMs,
      lastEventMs: o.startMs,
    };
  }

  /** Topics this run writes to (event topics, plus fraud labels when payments are on). */
  topics(): string[] {
    const names = this.options.topicNames;
    const topics: string[] = [];
    if (this.activity) topics.push(names.activity);
    if (this.transactions) topics.push(names.transactions, names.fraudLabels);
    return topics;
  }

  /** A snapshot of what has been produced so far. */
  stats(): GeneratorStats {
    return structuredClone({ ...this.counters, corruptionsByKind: { ...this.corruptor.counts } });
  }

  /** Event messages produced so far (labels excluded). */
  get events(): number {
    return this.counters.events;
  }

  /** The next message: a pending label if any, else the next event. */
  next(): GeneratedMessage {
    const pending = this.outbox.shift();
    if (pending !== undefined) return this.count(pending);
    this.clockMs += this.clockPrng.exponential(this.meanGapMs);
    this.counters.lastEventMs = Math.round(this.clockMs);
    this.counters.events++;
    const due = this.planned.peekDueMs();
    if (due !== undefined && due <= this.clockMs) return this.count(this.emitFraud());
    const activity =
      this.activity !== undefined &&
      (this.transactions === undefined || this.mixPrng.chance(this.options.activityShare));
    return this.count(activity ? this.emitActivity() : this.emitPayment());
  }

  /** Yields `events` event messages and the labels of the fraudulent ones (labels not counted). */
  *take(events: number): Generator<GeneratedMessage> {
    const end = this.counters.events + events;
    while (this.counters.events < end || this.outbox.length > 0) yield this.next();
  }

  *[Symbol.iterator](): Iterator<GeneratedMessage> {
    for (;;) yield this.next();
  }

  private emitActivity(): GeneratedMessage {
    const model = this.activity as ActivityModel;
    const event = model.nextEvent(this.eventTimeMs(Math.round(this.clockMs)));
    this.counters.activityByType[event.event_type]++;
    return this.eventMessage('activity', this.options.topicNames.activity, event.user_id, event);
  }

  private emitPayment(): GeneratedMessage {
    const model = this.transactions as TransactionModel;
    const fraud = this.fraud as FraudPatterns;
    if (this.incidentProbability > 0 && this.fraudPrng.chance(this.incidentProbability)) {
      this.planIncident(fraud, model);
    }
    const txn = model.normalTransaction(this.eventTimeMs(Math.round(this.clockMs)));
    return this.eventMessage(
      'transactions',
      this.options.topicNames.transactions,
      txn.card_id,
      txn,
    );
  }

  private planIncident(fraud: FraudPatterns, model: TransactionModel): void {
    // One incident per account at a time, so each fraudulent payment has one clear pattern.
    let account = model.pickAccount(this.fraudPrng);
    for (let i = 0; i < 5 && (this.busyUntilMs.get(account.id) ?? -Infinity) >= this.clockMs; i++) {
      account = model.pickAccount(this.fraudPrng);
    }
    if ((this.busyUntilMs.get(account.id) ?? -Infinity) >= this.clockMs) return;
    const plan = fraud.planRandom(Math.ceil(this.clockMs), account);
    plan.forEach((p, position) => this.planned.push(p.txn.ts, { ...p, position }));
    const lastMs = plan.at(-1)?.txn.ts ?? this.clockMs;
    this.busyUntilMs.set(account.id, lastMs);
  }

  private emitFraud(): GeneratedMessage {
    const planned = this.planned.pop() as QueuedFraud;
    const txn: TransactionEvent = { ...planned.txn, ts: this.eventTimeMs(planned.txn.ts) };
    this.counters.fraudTransactionsByPattern[planned.pattern]++;
    if (planned.position === 0) this.counters.fraudIncidentsByPattern[planned.pattern]++;
    const label: FraudLabel = {
      txn_id: txn.txn_id,
      pattern: planned.pattern,
      incident_id: planned.incidentId,
      account_id: txn.account_id,
    };
    this.outbox.push({
      topic: this.options.topicNames.fraudLabels,
      key: txn.txn_id,
      value: Buffer.from(JSON.stringify(label)),
      timestampMs: txn.ts,
      stream: 'fraud-labels',
    });
    // Fraudulent payments are never corrupted: every label must name a readable transaction.
    return {
      topic: this.options.topicNames.transactions,
      key: txn.card_id,
      value: Buffer.from(JSON.stringify(txn)),
      timestampMs: txn.ts,
      stream: 'transactions',
    };
  }

  private eventMessage(
    stream: EventStream,
    topic: string,
    key: string,
    event: ActivityEvent | TransactionEvent,
  ): GeneratedMessage {
    if (this.options.corruptRate > 0 && this.corruptPrng.chance(this.options.corruptRate)) {
      const bad = this.corruptor.corrupt({ ...event }, stream);
      return { topic, key, value: bad.value, timestampMs: event.ts, stream, corruption: bad.kind };
    }
    return { topic, key, value: Buffer.from(JSON.stringify(event)), timestampMs: event.ts, stream };
  }

  /** Event time for an event due at `clockMs`: mostly in order, some a little or a lot late. */
  private eventTimeMs(clockMs: number): number {
    const { jitterMs, jitterRate, lateRate, lateMaxMs } = this.options.jitter;
    const r = this.clockPrng.next();
    if (r < lateRate) return clockMs - Math.round(this.clockPrng.uniform(jitterMs, lateMaxMs));
    if (r < lateRate + jitterRate) return clockMs - Math.round(this.clockPrng.uniform(0, jitterMs));
    return clockMs;
  }

  private count(message: GeneratedMessage): GeneratedMessage {
    const byTopic = this.counters.messagesByTopic;
    byTopic[message.topic] = (byTopic[message.topic] ?? 0) + 1;
    return message;
  }
}

function validate(o: DemoDataOptions): void {
  const problems: string[] = [];
  const positiveInt = (name: string, v: number): void => {
    if (!Number.isSafeInteger(v) || v < 1) problems.push(`${name} must be a positive integer`);
  };
  const fraction = (name: string, v: number, maxExclusive = false): void => {
    if (!(v >= 0 && (maxExclusive ? v < 1 : v <= 1))) {
      problems.push(`${name} must be in [0, 1${maxExclusive ? ')' : ']'}`);
    }
  };
  positiveInt('users', o.users);
  if (!Number.isSafeInteger(o.items) || o.items < 2) problems.push('items must be at least 2');
  positiveInt('accounts', o.accounts);
  fraction('fraudRate', o.fraudRate, true);
  fraction('corruptRate', o.corruptRate);
  fraction('activityShare', o.activityShare);
  fraction('jitter.jitterRate', o.jitter.jitterRate);
  fraction('jitter.lateRate', o.jitter.lateRate);
  if (o.jitter.jitterRate + o.jitter.lateRate > 1) problems.push('jitter rates add up past 1');
  if (!(o.jitter.jitterMs >= 0 && o.jitter.lateMaxMs >= o.jitter.jitterMs)) {
    problems.push('jitter needs 0 <= jitterMs <= lateMaxMs');
  }
  if (!(o.eventRatePerSec > 0 && Number.isFinite(o.eventRatePerSec))) {
    problems.push('eventRatePerSec must be a positive number');
  }
  if (!Number.isFinite(o.startMs)) problems.push('startMs must be a number');
  if (!Number.isSafeInteger(o.seed)) problems.push('seed must be an integer');
  if (o.streams.length === 0) problems.push('at least one stream (activity, transactions)');
  if (problems.length > 0) {
    throw new SluiceError('CONFIG_INVALID', `invalid generator options: ${problems.join('; ')}`);
  }
}
