// Flags of `sluice evaluate` → validated options for the evaluation run. Every problem is
// reported at once; the `--help` text lives here beside the flags it describes.

import { CliOptionValues } from '../cli-option-values.js';

export interface EvaluateOptions {
  readonly help: boolean;
  /** Generated events, activity and transactions together (labels not counted). */
  readonly events: number;
  readonly seed: number;
  /** Share of the activity events, the last ones in stream order, held out as "the future". */
  readonly holdoutShare: number;
  /** Fraction of transactions that are fraudulent (the generator's --fraud-rate). */
  readonly fraudRate: number;
  /** Share of the payments, the first ones, that only build the accounts' profiles (not scored). */
  readonly fraudWarmupShare: number;
  /** Wall-clock transactions/s while the fraud job runs live (alert latency is measured then). */
  readonly transactionRatePerSec: number;
  /** Bootstrap servers from --brokers; undefined = KAFKA_BROKERS, else the local broker. */
  readonly brokers: string[] | undefined;
  /** The recommendations job file to score. */
  readonly recsJob: string;
  /** The fraud job file to score (the fraud part is skipped when it does not exist). */
  readonly fraudJob: string;
  /** Where the results JSON goes. */
  readonly outFile: string;
  /** Keep the topics, groups and state the run created. */
  readonly keep: boolean;
}

/**
 * 800k events give ~200k warm-up payments, about 100 per account: the amount-habit rules need
 * that much history to separate spending spikes from an account's largest normal payments
 * (with 300k, spike precision and recall were ~0.88).
 */
export const DEFAULT_EVALUATE_EVENTS = 800_000;
export const DEFAULT_EVALUATE_SEED = 42;
export const DEFAULT_HOLDOUT_SHARE = 0.1;
export const DEFAULT_FRAUD_RATE = 0.01;
export const DEFAULT_FRAUD_WARMUP = 0.5;
export const DEFAULT_TRANSACTION_RATE = 2_000;
export const DEFAULT_EVALUATE_FILE = 'bench-results/evaluate.json';
export const DEFAULT_RECS_JOB = 'jobs/recommendations.yaml';
export const DEFAULT_FRAUD_JOB = 'jobs/fraud-signals.yaml';

export const EVALUATE_HELP = `Usage: sluice evaluate [options]

Scores the shipped jobs on generated traffic, on the real broker (KAFKA_BROKERS, else the local
broker on SLUICE_KAFKA_PORT, started if needed):
  fraud            jobs/fraud-signals.yaml on payments with labelled fraud patterns: the first
                   ones (--fraud-warmup) as fast as possible to build the accounts' profiles, the
                   rest live at --transaction-rate and scored: precision, recall and alert
                   latency per pattern
  recommendations  jobs/recommendations.yaml on the activity before a cut; for each user, the
                   next item they view after the cut is looked up in GET /recommendations/:user:
                   hit-rate@10 and NDCG@10, beside a popularity baseline and an offline item-kNN
                   computed in DuckDB on the same history
Both jobs run in this process (unique topics and groups, a temporary state dir, the API on a free
port). Prints a table on stdout, progress on stderr, writes the figures as JSON and deletes what
it created.

Options:
  --events N             events to generate, activity and payments half each (default ${DEFAULT_EVALUATE_EVENTS})
  --seed N               generator seed (default ${DEFAULT_EVALUATE_SEED})
  --holdout F            share of the activity held out as the future (default ${DEFAULT_HOLDOUT_SHARE})
  --fraud-rate F         fraction of payments that are fraud (default ${DEFAULT_FRAUD_RATE})
  --fraud-warmup F       share of the payments that only build profiles (default ${DEFAULT_FRAUD_WARMUP})
  --transaction-rate N   payments/s while the fraud job runs (default ${DEFAULT_TRANSACTION_RATE})
  --recs-job FILE        recommendations job to score (default ${DEFAULT_RECS_JOB})
  --fraud-job FILE       fraud job to score (default ${DEFAULT_FRAUD_JOB}; skipped if missing)
  --brokers LIST         host:port,... (default: KAFKA_BROKERS, else the local broker)
  --out FILE             results JSON (default ${DEFAULT_EVALUATE_FILE})
  --keep                 keep the topics, groups and state the run created
  -h, --help             this text
`;

/** Parses `sluice evaluate` arguments; throws CONFIG_INVALID listing every problem. */
export function parseEvaluateOptions(args: readonly string[]): EvaluateOptions {
  const flags = CliOptionValues.parse(args, {
    help: { type: 'boolean', short: 'h' },
    events: { type: 'string' },
    seed: { type: 'string' },
    holdout: { type: 'string' },
    'fraud-rate': { type: 'string' },
    'fraud-warmup': { type: 'string' },
    'transaction-rate': { type: 'string' },
    brokers: { type: 'string' },
    'recs-job': { type: 'string' },
    'fraud-job': { type: 'string' },
    out: { type: 'string' },
    keep: { type: 'boolean' },
  });
  const events = flags.wholeNumber('events', DEFAULT_EVALUATE_EVENTS, 1_000);
  const seed = flags.wholeNumber('seed', DEFAULT_EVALUATE_SEED, Number.MIN_SAFE_INTEGER);
  const holdoutShare = flags.numberBetween('holdout', DEFAULT_HOLDOUT_SHARE, 0, 1);
  const fraudRate = flags.numberBetween('fraud-rate', DEFAULT_FRAUD_RATE, 0, 0.5);
  const fraudWarmupShare =
    flags.text('fraud-warmup') === '0'
      ? 0
      : flags.numberBetween('fraud-warmup', DEFAULT_FRAUD_WARMUP, 0, 1);
  const transactionRatePerSec = flags.wholeNumber('transaction-rate', DEFAULT_TRANSACTION_RATE, 1);
  const brokers = flags.brokers();
  const outFile = flags.text('out') ?? DEFAULT_EVALUATE_FILE;
  if (outFile.trim() === '') flags.problems.push('--out names no file');
  // --help wins over bad values: the user asked how to fix them.
  if (!flags.flag('help')) flags.throwIfProblems();
  return {
    help: flags.flag('help'),
    events,
    seed,
    holdoutShare,
    fraudRate,
    fraudWarmupShare,
    transactionRatePerSec,
    brokers,
    recsJob: flags.text('recs-job') ?? DEFAULT_RECS_JOB,
    fraudJob: flags.text('fraud-job') ?? DEFAULT_FRAUD_JOB,
    outFile,
    keep: flags.flag('keep'),
  };
}
