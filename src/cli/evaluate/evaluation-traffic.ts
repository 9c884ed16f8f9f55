// The traffic of `sluice evaluate`: one seeded demo-data run split into the activity the
// recommendations job sees (training), the activity after the cut it never sees (held out), and
// the payments with their fraud labels. Pure: the command produces what this returns.

import type { EvaluationEvent } from '../../scoring/recommendations/recs-evaluation.js';
import {
  DEFAULT_TOPIC_NAMES,
  DemoDataGenerator,
  type GeneratedMessage,
  type GeneratorStats,
  type TopicNames,
} from '../generate/demo-data-generator.js';

export interface EvaluationTrafficOptions {
  readonly seed: number;
  /** Event messages to generate, activity and payments together (labels not counted). */
  readonly events: number;
  /** Share of the activity events, the last in stream order, held out; in (0, 1). */
  readonly holdoutShare: number;
  /** Fraction of payments that are fraudulent, in [0, 1). */
  readonly fraudRate: number;
  /** Share of the payments, the first in stream order, that only build profiles; in [0, 1). */
  readonly fraudWarmupShare: number;
  /** Event time of the first event, epoch ms. */
  readonly startMs: number;
  /** Prepended to every topic name. */
  readonly topicPrefix: string;
}

export interface EvaluationTraffic {
  readonly topics: TopicNames;
  /** Activity messages before the cut, in stream order: what the recommendations job reads. */
  readonly trainingMessages: readonly GeneratedMessage[];
  /**
   * The first payments and their labels (each label right after its payment), in stream order:
   * the accounts' history, not scored.
   */
  readonly warmupPayments: readonly GeneratedMessage[];
  /** The payments after the warm-up, with their labels: these are scored. */
  readonly scoredPayments: readonly GeneratedMessage[];
  /** `trainingMessages` decoded. */
  readonly training: readonly EvaluationEvent[];
  /** Activity after the cut, decoded, in stream order; never produced. */
  readonly heldOut: readonly EvaluationEvent[];
  readonly stats: GeneratorStats;
}

/**
 * Generates `events` clean (uncorrupted) events, activity and payments half each. Splits the
 * activity at `⌊activity · (1 − holdoutShare)⌋` (the first part is training, the rest held out)
 * and the payments at `⌊payments · fraudWarmupShare⌋` (warm-up, then scored).
 */
export function evaluationTraffic(options: EvaluationTrafficOptions): EvaluationTraffic {
  const topics: TopicNames = {
    activity: options.topicPrefix + DEFAULT_TOPIC_NAMES.activity,
    transactions: options.topicPrefix + DEFAULT_TOPIC_NAMES.transactions,
    fraudLabels: options.topicPrefix + DEFAULT_TOPIC_NAMES.fraudLabels,
  };
  const generator = new DemoDataGenerator({
    seed: options.seed,
    startMs: options.startMs,
    topicNames: topics,
    fraudRate: options.fraudRate,
    corruptRate: 0,
  });
  const activity: GeneratedMessage[] = [];
  const payments: GeneratedMessage[] = [];
  let paymentCount = 0;
  for (const m of generator.take(options.events)) {
    if (m.stream === 'activity') activity.push(m);
    else payments.push(m);
    if (m.stream === 'transactions') paymentCount++;
  }
  const cut = Math.floor(activity.length * (1 - options.holdoutShare));
  const trainingMessages = activity.slice(0, cut);
  // The cut falls before a payment, never between a payment and its label.
  const warmupCount = Math.floor(paymentCount * options.fraudWarmupShare);
  let seen = 0;
  let paymentCut = payments.length;
  for (let i = 0; i < payments.length; i++) {
    if (payments[i]?.stream !== 'transactions') continue;
    if (seen++ === warmupCount) {
      paymentCut = i;
      break;
    }
  }
  return {
    topics,
    trainingMessages,
    warmupPayments: payments.slice(0, paymentCut),
    scoredPayments: payments.slice(paymentCut),
    training: trainingMessages.map(decodeActivity),
    heldOut: activity.slice(cut).map(decodeActivity),
    stats: generator.stats(),
  };
}

/** A generated `user-activity` message as the evaluation functions take it. */
export function decodeActivity(message: GeneratedMessage): EvaluationEvent {
  const e = JSON.parse(message.value.toString('utf8')) as Record<string, unknown>;
  return {
    userId: String(e.user_id),
    itemId: String(e.item_id),
    sessionId: String(e.session_id),
    category: String(e.category),
    type: String(e.event_type),
    tsMs: Number(e.ts),
  };
}
