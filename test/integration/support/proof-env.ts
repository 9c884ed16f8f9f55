// The setting of a proof run on a real broker: the windowed proof job written as a job file,
// demo traffic from the generator, waiting until a group has consumed and committed everything,
// free ports, and removal of the run's topics.

import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { generateCommand } from '../../../src/cli/generate/generate-command.js';
import type { JobSpec } from '../../../src/jobs/job-spec.js';
import { KafkaAdmin } from '../../../src/sources/kafka/kafka-admin.js';

/** `<prefix>-<random hex>`: names no other run uses (topics, groups). */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}

/** Tumbling window size of the proof job, ms. */
export const PROOF_WINDOW_MS = 60_000;

export interface ProofJob {
  readonly spec: JobSpec;
  readonly name: string;
  readonly inputTopic: string;
  readonly outputTopic: string;
  readonly store: string;
  /** Topics the job consumes (the input, plus the repartition topic with `keyBy`). */
  readonly consumedTopics: readonly string[];
  /** Where the windows' key comes from: undefined = the input's Kafka key (user_id). */
  readonly keyField: string | undefined;
}

/**
 * Per key, a tumbling 1-minute count and sum of `price`, emitted on every update to an output
 * topic and kept in a queryable store. Grace is 1 h, so no generated record is late and the
 * oracle needs no lateness rule. Without `keyBy` the window keys by the input's Kafka key
 * (user_id) with no repartition; with `keyBy` it re-keys through a repartition topic first.
 */
export function proofJob(prefix: string, options: { keyBy?: string } = {}): ProofJob {
  const name = `${prefix}job`;
  const inputTopic = `${prefix}user-activity`;
  const outputTopic = `${prefix}windows-out`;
  const store = `${prefix}per-minute`;
  const spec: JobSpec = {
    name,
    source: { topics: [inputTopic], timestampField: 'ts' },
    nodes: [
      ...(options.keyBy === undefined
        ? []
        : [{ kind: 'key-by' as const, name: 'rekey', key: options.keyBy }]),
      {
        kind: 'window',
        name: 'per-minute',
        window: { type: 'tumbling', size: '1m', grace: '1h' },
        aggregations: { events: { fn: 'count' }, revenue: { fn: 'sum', of: 'price' } },
        emit: 'update',
        store: { name: store, queryable: true, retention: '2h' },
      },
      { kind: 'to-topic', name: 'out', topic: outputTopic },
    ],
  };
  return {
    spec,
    name,
    inputTopic,
    outputTopic,
    store,
    consumedTopics:
      options.keyBy === undefined ? [inputTopic] : [inputTopic, `${name}-rekey-repartition`],
    keyField: options.keyBy,
  };
}

/** Writes the spec as a job file (JSON is YAML) and returns its path. */
export async function writeJobFile(dir: string, spec: JobSpec): Promise<string> {
  const path = join(dir, `${spec.name}.yaml`);
  await writeFile(path, `${JSON.stringify(spec, null, 2)}\n`);
  return path;
}

export interface ProduceOptions {
  readonly brokers: readonly string[];
  /** Topic prefix; activity goes to `<prefix>user-activity` (4 partitions). */
  readonly prefix: string;
  readonly count: number;
  /** Events/s, wall clock; 0 = as fast as possible. */
  readonly ratePerSec: number;
  /** Events/s of event time (default 1000: 200k events span ~3.3 minutes of windows). */
  readonly eventRatePerSec?: number;
  readonly seed: number;
  /** Event time of the first event, epoch ms (default: now). */
  readonly startMs?: number;
  readonly users?: number;
}

/** Produces shop activity with `sluice generate`; rejects if the generator fails. */
export async function produceActivity(options: ProduceOptions): Promise<void> {
  const errors: string[] = [];
  const args = [
    '--topics',
    'activity',
    '--count',
    String(options.count),
    '--rate',
    String(options.ratePerSec),
    '--event-rate',
    String(options.eventRatePerSec ?? 1000),
    '--seed',
    String(options.seed),
    '--topic-prefix',
    options.prefix,
    '--brokers',
    options.brokers.join(','),
    '--quiet',
    ...(options.startMs === undefined ? [] : ['--start', String(options.startMs)]),
    ...(options.users === undefined ? [] : ['--users', String(options.users)]),
  ];
  const code = await generateCommand(args, {
    stdout: () => undefined,
    stderr: (text) => errors.push(text),
    // Never listen for Ctrl-C here: the caller owns the process.
    signal: new AbortController().signal,
  });
  if (code !== 0) throw new Error(`sluice generate exited ${code}: ${errors.join('')}`);
}

export interface DrainOptions {
  readonly brokers: readonly string[];
  readonly group: string;
  readonly topics: readonly string[];
  readonly timeoutMs: number;
  /** Checked each round; throw to stop waiting (e.g. the instance died). */
  readonly check?: () => void;
}

/**
 * Waits until the group's committed offsets equal the end offsets of every partition of
 * `topics` twice in a row (a commit lands after state and outputs are flushed, so then every
 * record is in the stores and on the output topic). Returns the ms waited.
 */
export async function waitForDrain(options: DrainOptions): Promise<number> {
  const started = Date.now();
  const admin = await KafkaAdmin.connect(options.brokers, 'proof-drain-watch');
  let streak = 0;
  let last = '';
  try {
    while (Date.now() - started < options.timeoutMs) {
      options.check?.();
      let drained = true;
      const parts: string[] = [];
      for (const topic of options.topics) {
        const ends = await admin.endOffsets(topic);
        const committed = await admin.committedOffsets(options.group, topic);
        for (const [p, end] of ends) {
          const at = committed.get(p) ?? '-1';
          parts.push(`${topic}[${p}] ${at}/${end}`);
          if (at !== end) drained = false;
        }
      }
      last = parts.join(', ');
      streak = drained ? streak + 1 : 0;
      if (streak >= 2) return Date.now() - started;
      await new Promise((r) => setTimeout(r, 300));
    }
  } finally {
    await admin.close();
  }
  throw new Error(`group ${options.group} not drained after ${options.timeoutMs} ms: ${last}`);
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Deletes every topic whose name starts with `prefix` (the run's inputs, outputs, internals). */
export async function deleteTopicsWithPrefix(
  brokers: readonly string[],
  prefix: string,
): Promise<void> {
  const admin = await KafkaAdmin.connect(brokers, 'proof-cleanup');
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    await admin.deleteTopics(topics);
  } finally {
    await admin.close();
  }
}
