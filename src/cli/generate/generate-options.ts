// Flags of `sluice generate` → validated options for the generator and the producer loop.
// Every problem is reported at once; `--help` text lives here beside the flags it describes.

import { parseArgs } from 'node:util';
import { SluiceError } from '../../core/errors.js';
import {
  DEFAULT_DEMO_DATA_OPTIONS,
  DEFAULT_JITTER,
  DEFAULT_TOPIC_NAMES,
  type DemoDataOptions,
  type EventStream,
} from './demo-data-generator.js';

export interface GenerateOptions {
  readonly help: boolean;
  readonly generator: DemoDataOptions;
  /** Target events/s in wall-clock time; 0 = as fast as possible. */
  readonly ratePerSec: number;
  /** Stop after this many event messages (labels not counted); undefined = no count limit. */
  readonly count: number | undefined;
  /** Stop after this long (wall clock); undefined = no time limit. */
  readonly durationMs: number | undefined;
  readonly brokers: string[];
  readonly partitions: number;
  /** Messages per `sendBatch`. */
  readonly batchSize: number;
  /** Batches in flight before waiting for the oldest. */
  readonly maxInFlight: number;
  /** -1 = all in-sync replicas, 1 = leader only. */
  readonly acks: -1 | 1;
  /** Generate and count without connecting to Kafka. */
  readonly dryRun: boolean;
  /** No progress lines. */
  readonly quiet: boolean;
}

export const DEFAULT_BROKERS = '127.0.0.1:9092';
const DEFAULT_COUNT = 100_000;
const DEFAULT_RATE = 1_000;

export const GENERATE_HELP = `Usage: sluice generate [options]

Produce realistic, reproducible demo traffic to Kafka: shop activity (users with taste for a few
categories browsing items in sessions) and card payments with injected, labelled fraud.

Topics (created with --partitions if missing):
  user-activity   key user_id   {event_id, user_id, session_id, item_id, category,
                                 event_type: view|add_to_cart|purchase, price?, ts}
  transactions    key card_id   {txn_id, account_id, card_id, amount, currency, merchant_id,
                                 merchant_category, device_id, lat, lon, country, ts}
  fraud-labels    key txn_id    {txn_id, pattern, incident_id, account_id}
                  pattern: card_testing | account_takeover | spending_spike

What and how much:
  --topics LIST        activity,transactions (default both; fraud-labels come with transactions)
  --count N            stop after N events, labels not counted (default ${DEFAULT_COUNT}; 0 = no limit)
  --duration TIME      stop after this long, e.g. 30s, 5m (with --count: whichever comes first)
  --rate N             events per second, wall clock (default ${DEFAULT_RATE}; 0 = as fast as possible)
  --users N            shop users (default ${DEFAULT_DEMO_DATA_OPTIONS.users})
  --items N            catalog items (default ${DEFAULT_DEMO_DATA_OPTIONS.items})
  --accounts N         card accounts (default ${DEFAULT_DEMO_DATA_OPTIONS.accounts})
  --activity-share F   with both topics, fraction of events that are activity (default ${DEFAULT_DEMO_DATA_OPTIONS.activityShare})
  --fraud-rate F       fraction of transactions that are fraud (default ${DEFAULT_DEMO_DATA_OPTIONS.fraudRate})
  --corrupt-rate F     fraction of events replaced by bad messages for dead-letter tests: invalid
                       or truncated JSON, non-UTF-8, array/number, __proto__/constructor keys,
                       wrong types, missing fields, empty, rarely > 1 MiB (default 0)

Reproducibility and event time:
  --seed N             same seed, --start and other flags => byte-identical messages (default ${DEFAULT_DEMO_DATA_OPTIONS.seed})
  --start TIME         event time of the first event: now, epoch ms or ISO-8601 (default now)
  --event-rate N       events per second of event time (default: --rate, or 1000 when --rate 0)
  --jitter TIME        small out-of-order lag, at most (default ${DEFAULT_JITTER.jitterMs}ms)
  --jitter-rate F      fraction of events lagging by up to --jitter (default ${DEFAULT_JITTER.jitterRate})
  --late-rate F        fraction lagging by --jitter..--late-max (default ${DEFAULT_JITTER.lateRate})
  --late-max TIME      largest lag (default ${DEFAULT_JITTER.lateMaxMs / 1000}s)

Kafka:
  --brokers LIST       host:port,... (default $KAFKA_BROKERS or ${DEFAULT_BROKERS})
  --partitions N       partitions of topics this command creates (default 4)
  --topic-prefix P     prefix for all topic names, e.g. test-123- (default none)
  --batch-size N       messages per produce batch (default 500)
  --max-in-flight N    batches awaiting acks at once (default 4)
  --acks all|1         (default all)
  --dry-run            generate and print the summary without Kafka
  --quiet              no progress lines on stderr
  -h, --help           this text

Examples:
  sluice generate --rate 500 --duration 10m
  sluice generate --rate 0 --count 1000000 --seed 7 --start 2025-01-01T00:00:00Z
  sluice generate --topics transactions --fraud-rate 0.02 --corrupt-rate 0.01
`;

/** Parses `sluice generate` arguments; throws CONFIG_INVALID listing every problem. */
export function parseGenerateOptions(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>> = process.env,
  nowMs: number = Date.now(),
): GenerateOptions {
  const text = (type: 'string') => ({ type });
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: {
        help: { type: 'boolean', short: 'h' },
        'dry-run': { type: 'boolean' },
        quiet: { type: 'boolean' },
        topics: text('string'),
        count: text('string'),
        duration: text('string'),
        rate: text('string'),
        users: text('string'),
        items: text('string'),
        accounts: text('string'),
        'activity-share': text('string'),
        'fraud-rate': text('string'),
        'corrupt-rate': text('string'),
        seed: text('string'),
        start: text('string'),
        'event-rate': text('string'),
        jitter: text('string'),
        'jitter-rate': text('string'),
        'late-rate': text('string'),
        'late-max': text('string'),
        brokers: text('string'),
        partitions: text('string'),
        'topic-prefix': text('string'),
        'batch-size': text('string'),
        'max-in-flight': text('string'),
        acks: text('string'),
      },
    }));
  } catch (err) {
    throw new SluiceError('CONFIG_INVALID', (err as Error).message, { cause: err });
  }

  const problems: string[] = [];
  const str = (name: string): string | undefined => {
    const v = values[name];
    return typeof v === 'string' ? v : undefined;
  };
  const integer = (name: string, fallback: number, min: number): number => {
    const raw = str(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < min) {
      problems.push(`--${name} must be an integer >= ${min} (got "${raw}")`);
      return fallback;
    }
    return n;
  };
  const number = (name: string, fallback: number, min: number, max: number): number => {
    const raw = str(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
      problems.push(`--${name} must be a number in [${min}, ${max}] (got "${raw}")`);
      return fallback;
    }
    return n;
  };
  const duration = (name: string, fallback: number | undefined): number | undefined => {
    const raw = str(name);
    if (raw === undefined) return fallback;
    const ms = parseDurationMs(raw);
    if (ms === undefined)
      problems.push(`--${name} must be a duration like 500ms, 30s, 5m, 1h (got "${raw}")`);
    return ms ?? fallback;
  };

  const streams: EventStream[] = [];
  for (const part of (str('topics') ?? 'activity,transactions').split(',')) {
    const name = part.trim();
    if (name === '') continue;
    const stream: EventStream | undefined =
      name === 'activity' || name === DEFAULT_TOPIC_NAMES.activity
        ? 'activity'
        : name === 'transactions'
          ? 'transactions'
          : undefined;
    if (stream === undefined)
      problems.push(`--topics: unknown topic "${name}" (activity, transactions)`);
    else if (!streams.includes(stream)) streams.push(stream);
  }
  if (streams.length === 0 && str('topics') !== undefined) problems.push('--topics lists no topic');

  const ratePerSec = number('rate', DEFAULT_RATE, 0, 10_000_000);
  const durationMs = duration('duration', undefined);
  const countFlag = integer('count', DEFAULT_COUNT, 0);
  // --duration alone means "for that long": no default count then.
  const count =
    str('count') === undefined && durationMs !== undefined ? undefined : countFlag || undefined;
  let startMs = nowMs;
  const startRaw = str('start');
  if (startRaw !== undefined && startRaw !== 'now') {
    const parsed = /^\d+$/.test(startRaw) ? Number(startRaw) : Date.parse(startRaw);
    if (Number.isFinite(parsed)) startMs = parsed;
    else problems.push(`--start must be now, epoch ms or an ISO-8601 time (got "${startRaw}")`);
  }
  const jitterMs = duration('jitter', DEFAULT_JITTER.jitterMs) ?? DEFAULT_JITTER.jitterMs;
  const lateMaxMs = duration('late-max', DEFAULT_JITTER.lateMaxMs) ?? DEFAULT_JITTER.lateMaxMs;
  if (lateMaxMs < jitterMs) problems.push('--late-max must be at least --jitter');
  const prefix = str('topic-prefix') ?? '';
  const acksRaw = str('acks') ?? 'all';
  const acks = acksRaw === 'all' || acksRaw === '-1' ? -1 : acksRaw === '1' ? 1 : undefined;
  if (acks === undefined) problems.push(`--acks must be all or 1 (got "${acksRaw}")`);
  const brokers = (str('brokers') ?? env.KAFKA_BROKERS ?? DEFAULT_BROKERS)
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b !== '');
  if (brokers.length === 0) problems.push('--brokers lists no broker');

  const generator: DemoDataOptions = {
    seed: integer('seed', DEFAULT_DEMO_DATA_OPTIONS.seed, Number.MIN_SAFE_INTEGER),
    startMs,
    streams,
    topicNames: {
      activity: prefix + DEFAULT_TOPIC_NAMES.activity,
      transactions: prefix + DEFAULT_TOPIC_NAMES.transactions,
      fraudLabels: prefix + DEFAULT_TOPIC_NAMES.fraudLabels,
    },
    users: integer('users', DEFAULT_DEMO_DATA_OPTIONS.users, 1),
    items: integer('items', DEFAULT_DEMO_DATA_OPTIONS.items, 2),
    accounts: integer('accounts', DEFAULT_DEMO_DATA_OPTIONS.accounts, 1),
    fraudRate: number('fraud-rate', DEFAULT_DEMO_DATA_OPTIONS.fraudRate, 0, 0.5),
    corruptRate: number('corrupt-rate', DEFAULT_DEMO_DATA_OPTIONS.corruptRate, 0, 1),
    eventRatePerSec: number(
      'event-rate',
      ratePerSec > 0 ? ratePerSec : DEFAULT_DEMO_DATA_OPTIONS.eventRatePerSec,
      0.001,
      10_000_000,
    ),
    activityShare: number('activity-share', DEFAULT_DEMO_DATA_OPTIONS.activityShare, 0, 1),
    jitter: {
      jitterMs,
      jitterRate: number('jitter-rate', DEFAULT_JITTER.jitterRate, 0, 1),
      lateRate: number('late-rate', DEFAULT_JITTER.lateRate, 0, 1),
      lateMaxMs,
    },
    maxOversized: DEFAULT_DEMO_DATA_OPTIONS.maxOversized,
  };
  if (generator.jitter.jitterRate + generator.jitter.lateRate > 1) {
    problems.push('--jitter-rate plus --late-rate must not exceed 1');
  }

  const options: GenerateOptions = {
    help: values.help === true,
    generator,
    ratePerSec,
    count,
    durationMs,
    brokers,
    partitions: integer('partitions', 4, 1),
    batchSize: integer('batch-size', 500, 1),
    maxInFlight: integer('max-in-flight', 4, 1),
    acks: acks ?? -1,
    dryRun: values['dry-run'] === true,
    quiet: values.quiet === true,
  };
  if (problems.length > 0 && !options.help) {
    throw new SluiceError('CONFIG_INVALID', problems.join('\n'));
  }
  return options;
}

/** "500ms" | "30s" | "5m" | "1h" | "0" → milliseconds; undefined if not a duration. */
export function parseDurationMs(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text.trim());
  if (match === null) return text.trim() === '0' ? 0 : undefined;
  const value = Number(match[1]);
  const unitMs = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[match[2] as 'ms' | 's' | 'm' | 'h'];
  return Math.round(value * unitMs);
}
