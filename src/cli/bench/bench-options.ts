// Flags of `sluice bench` → validated options for the benchmark phases. Every problem is
// reported at once; the `--help` text lives here beside the flags it describes.

import { parseArgs } from 'node:util';
import { SluiceError } from '../../core/errors.js';

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
}

export const DEFAULT_BENCH_EVENTS = 2_000_000;
export const DEFAULT_BENCH_TOPIC = 'sluice-bench-input';
export const DEFAULT_LATENCY_SECONDS = 20;
export const DEFAULT_RESULTS_FILE = 'bench-results/latest.json';

export const BENCH_HELP = `Usage: sluice bench [options]

Measures Sluice on the local broker (KAFKA_BROKERS, else the broker on SLUICE_KAFKA_PORT, started
if needed), one phase after another:
  preload          N JSON events (~200 B, 10k keys) into a fresh 4-partition topic
  client ceiling   kafkajs reading the topic with no processing (the client Sluice uses)
  broker ceiling   kafka-consumer-perf-test reading the topic
  sluice job       1-minute tumbling count + sum per key, RocksDB + changelog, default settings
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
  --emit final|update   emit mode of the job's window node (default final; see bench/README.md)
  --brokers LIST        host:port,... (default: KAFKA_BROKERS, else the local broker)
  --only LIST           run only these steps (the preload still runs unless skipped):
                        client-ceiling, broker-ceiling, sluice-job, kafka-streams,
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
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: {
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
      },
    }));
  } catch (err) {
    throw new SluiceError('CONFIG_INVALID', (err as Error).message, { cause: err });
  }
  const problems: string[] = [];
  const int = (name: string, fallback: number, min: number): number => {
    const text = values[name];
    if (typeof text !== 'string') return fallback;
    const n = Number(text.replace(/_/g, ''));
    if (!Number.isSafeInteger(n) || n < min) {
      problems.push(`--${name} ${text}: expected a whole number >= ${min}`);
      return fallback;
    }
    return n;
  };
  const events = int('events', DEFAULT_BENCH_EVENTS, 1);
  const latencySeconds = int('latency-seconds', DEFAULT_LATENCY_SECONDS, 0);
  const latencyRate = values['latency-rate'] === undefined ? undefined : int('latency-rate', 1, 1);
  const emitText = values.emit ?? 'final';
  if (emitText !== 'final' && emitText !== 'update') {
    problems.push(`--emit ${String(emitText)}: expected final or update`);
  }
  const topic = typeof values.topic === 'string' ? values.topic : DEFAULT_BENCH_TOPIC;
  if (!/^[A-Za-z0-9._-]{1,200}$/.test(topic)) {
    problems.push(`--topic ${topic}: expected 1-200 characters of A-Z a-z 0-9 . _ -`);
  }
  let brokers: string[] | undefined;
  if (typeof values.brokers === 'string') {
    brokers = values.brokers.split(',').map((b) => b.trim());
    for (const b of brokers) {
      if (!/^[^:\s]+:\d{1,5}$/.test(b)) problems.push(`--brokers: "${b}" is not host:port`);
    }
  }
  let only: string[] | undefined;
  if (typeof values.only === 'string') {
    only = values.only
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    for (const name of only) {
      if (stepNames.length > 0 && !stepNames.includes(name)) {
        problems.push(`--only: unknown step "${name}" (steps: ${stepNames.join(', ')})`);
      }
    }
  }
  if (problems.length > 0) {
    throw new SluiceError('CONFIG_INVALID', problems.join('\n  '));
  }
  return {
    help: values.help === true,
    events,
    topic,
    skipPreload: values['skip-preload'] === true,
    kafkaStreams: values['no-kafka-streams'] !== true,
    latencySeconds,
    latencyRate,
    emit: emitText === 'update' ? 'update' : 'final',
    keep: values.keep === true,
    brokers,
    only,
    outFile: typeof values.out === 'string' ? values.out : DEFAULT_RESULTS_FILE,
  };
}
