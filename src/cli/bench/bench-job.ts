// The job `sluice bench` measures: per key, a 1-minute tumbling count + sum of `amount` (event
// time from `ts`), kept in a queryable RocksDB window store with changelog, results to a topic:
// the same work as the Kafka Streams baseline (bench/kafka-streams).

import type { JobSpec } from '../../jobs/job-spec.js';
import { deadLetterTopicName } from '../../jobs/topology-builder.js';
import { changelogTopic } from '../../runtime/job-runner.js';

/** Name of the window store (queryable: the latency phase reads it over the API). */
export const BENCH_STORE = 'count-sum';

export interface BenchJobOptions {
  /** Job name: also its consumer group and the prefix of its internal topics. */
  readonly job: string;
  readonly inputTopic: string;
  readonly outputTopic: string;
  /**
   * `final` (the default of the benchmark): one result per window when it closes, close to the
   * Kafka Streams app, whose 10 MiB record cache folds a window's updates into about one
   * output. `update`: one result per input record.
   */
  readonly emit: 'final' | 'update';
}

/**
 * The benchmark job as a job-file spec (what `sluice run` would load from YAML):
 * window node `per-minute` (tumbling 1m, grace 0 as in the Java app, `count` and `sum` of
 * `amount`, store `count-sum`) → `to-topic` output. Store settings stay at their defaults
 * (RocksDB, changelog, retention = one window), so the run measures Sluice as shipped.
 */
export function benchJobSpec(options: BenchJobOptions): JobSpec {
  return {
    name: options.job,
    description: 'sluice bench: 1-minute tumbling count + sum of amount per key',
    source: { topics: [options.inputTopic], timestampField: 'ts', startFrom: 'earliest' },
    nodes: [
      {
        kind: 'window',
        name: 'per-minute',
        window: { type: 'tumbling', size: '1m' },
        aggregations: { count: { fn: 'count' }, sum: { fn: 'sum', of: 'amount' } },
        emit: options.emit,
        store: { name: BENCH_STORE, queryable: true },
      },
      { kind: 'to-topic', name: 'to-output', topic: options.outputTopic },
    ],
  };
}

/** Topics the job creates besides its output (dead letters, changelog), for the cleanup. */
export function benchJobInternalTopics(spec: JobSpec): string[] {
  return [deadLetterTopicName(spec), changelogTopic(spec.name, BENCH_STORE)];
}
