// Flags of `sluice bench` → validated options for the benchmark phases. Every problem is
// reported at once; the `--help` text lives here beside the flags it describes.

import { CliOptionValues } from '../cli-option-values.js';

export interface BenchOptions {
  readonly help: boolean;
  /** Events to preload (with --skip-preload: the topic's record count wins). */
  readonly events: number;
  /** Input topic: recreated by the preload, or reused as is with `skipPreload`. */
  readonly topic: string;
  readonly skipPreload: boolean;
  readonly kafkaStreams: boolean;
  /** Length of the live end-to-end latency phase; 0 skips it. */
  readonly latencySeconds: number;
  /** Events/s during the latency phase; undefined = half of the job's measured throughput. */
  readonly latencyRate: number | undefined;
  /** Emit mode of the benchmark job's window node. */
  readonly emit: 'final' | 'update';
  /** Keep the topics, groups and state the run created. */
  readonly keep: boolean;
  /** Bootstrap servers from --brokers; undefined = KAFKA_BROKERS, else the local broker. */
  readonly brokers: string[] | undefined;
  /** Run only these steps (by name); undefined = all. The preload runs unless skipped. */
  readonly only: readonly string[] | undefined;
  /** Where the results JSON goes. */
  readonly outFile: string;
  /**
   * Times the client ceiling and the Sluice job are measured, alternated; `ratio` is the median
   * of the pairs' ratios (the machine is shared and noisy).
   */
  readonly pairs: number;
}

export const DEFAULT_BENCH_EVENTS = 2_000_000;
export const DEFAULT_BENCH_TOPIC = 'sluice-bench-input';
export const DEFAULT_LATENCY_SECONDS = 20;
export const DEFAULT_RESULTS_FILE = 'bench-results/latest.json';
export const DEFAULT_RATIO_PAIRS = 3;

export const BENCH_HELP = `Usage: sluice bench [options]

Measures Sluice on the local broker (KAFKA_BROKERS, else the broker on SLUICE_KAFKA_PORT, started
if needed), one phase after another:
  preload          N JSON events (~200 B, 10k keys) into a fresh 4-partition topic
  client ceiling   kafkajs reading the topic with no processing (the client Sluice uses)
  broker ceiling   kafka-consumer-perf-test reading the topic
  sluice job       1-minute tumbling count + sum per key, RocksDB + changelog, default settings
  ratio pairs      client ceiling and job again, alternated (--pairs): ratio = median pair
  kafka streams    the same job as a Kafka Streams (Java) app, its defaults (and commit 1 s)
  e2e latency      the job live at half its throughput: produce → aggregate visible in the API
Prints a table on stdout, progress on stderr, and writes the figures as JSON.

Options:
  --events N            events to preload (default ${DEFAULT_BENCH_EVENTS})
  --topic NAME          input topic (default ${DEFAULT_BENCH_TOPIC})
  --skip-preload        reuse --topic as it is (its record count replaces --events)
  --no-kafka-streams    skip the Kafka Streams baseline
  --latency-seconds N   length of the latency phase (default ${DEFAULT_LATENCY_SECONDS}; 0 = skip)
  --latency-rate N      events/s in the latency phase (default: half the job's throughput)
  --pairs N             measure client ceiling + job N times, alternated; the ratio is the
                        median of the N pair ratios (default ${DEFAULT_RATIO_PAIRS}; 1 = one pair)
  --emit final|update   emit mode of the job's window node (default final; see bench/README.md)
  --brokers LIST        host:port,... (default: KAFKA_BROKERS, else the local broker)
  --only LIST           run only these steps (the preload still runs unless skipped):
                        client-ceiling, broker-ceiling, sluice-job, ratio-pairs, kafka-streams,
                        kafka-streams-commit-1s, e2e-latency (alone, it needs --latency-rate)
  --out FILE            results JSON (default ${DEFAULT_RESULTS_FILE})
  --keep                keep the topics, groups and state the run created
  -h, --help            this text
`;

/**
 * Parses `sluice bench` arguments; throws CONFIG_INVALID listing every problem. `stepNames`,
 * when given, are the names `--only` may use.
 */
export function parseBenchOptions(
  args: readonly string[],
  stepNames: readonly string[] = [],
): BenchOptions {
  const flags = CliOptionValues.parse(args, {
    help: { type: 'boolean', short: 'h' },
    events: { type: 'string' },
    topic: { type: 'string' },
    'skip-preload': { type: 'boolean' },
    'no-kafka-streams': { type: 'boolean' },
    'latency-seconds': { type: 'string' },
    'latency-rate': { type: 'string' },
    emit: { type: 'string' },
    brokers: { type: 'string' },
    out: { type: 'string' },
    only: { type: 'string' },
    keep: { type: 'boolean' },
    pairs: { type: 'string' },
  });
  const events = flags.wholeNumber('events', DEFAULT_BENCH_EVENTS, 1);
  const pairs = flags.wholeNumber('pairs', DEFAULT_RATIO_PAIRS, 1);
  const latencySeconds = flags.wholeNumber('latency-seconds', DEFAULT_LATENCY_SECONDS, 0);
  const latencyRate =
    flags.text('latency-rate') === undefined ? undefined : flags.wholeNumber('latency-rate', 1, 1);
  const emitText = flags.text('emit') ?? 'final';
  if (emitText !== 'final' && emitText !== 'update') {
    flags.problems.push(`--emit ${emitText}: expected final or update`);
  }
  const topic = flags.text('topic') ?? DEFAULT_BENCH_TOPIC;
  if (!/^[A-Za-z0-9._-]{1,200}$/.test(topic)) {
    flags.problems.push(`--topic ${topic}: expected 1-200 characters of A-Z a-z 0-9 . _ -`);
  }
  const brokers = flags.brokers();
  const only = flags.list('only');
  for (const name of only ?? []) {
    if (stepNames.length > 0 && !stepNames.includes(name)) {
      flags.problems.push(`--only: unknown step "${name}" (steps: ${stepNames.join(', ')})`);
    }
  }
  flags.throwIfProblems();
  return {
    help: flags.flag('help'),
    events,
    topic,
    skipPreload: flags.flag('skip-preload'),
    kafkaStreams: !flags.flag('no-kafka-streams'),
    latencySeconds,
    latencyRate,
    emit: emitText === 'update' ? 'update' : 'final',
    keep: flags.flag('keep'),
    brokers,
    only,
    outFile: flags.text('out') ?? DEFAULT_RESULTS_FILE,
    pairs,
  };
}
