// Runs the broker's consumer ceiling for `npm run bench`: Kafka's own kafka-consumer-perf-test
// (org.apache.kafka.tools.ConsumerPerformance) reads the preloaded topic with a new group.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { localKafkaClassPath } from '../local-kafka/index.js';

export interface ConsumerPerfBaselineOptions {
  brokers: string[];
  topic: string;
  /** Records to read (`--num-records`): the topic's record count. */
  records: number;
  /** Fail when no record arrives for this long (`--timeout`); default 30 000 ms. */
  timeoutMs?: number;
  /** Delete the tool's consumer group afterwards; default true. */
  deleteGroup?: boolean;
}

export interface ConsumerPerfBaselineResult {
  /** Records read (`data.consumed.in.nMsg`). */
  records: number;
  /** Fetch time (`fetch.time.ms`): the run less the group join, in ms. */
  elapsedMs: number;
  /** `fetch.nMsg.sec`: records / fetch time, excluding the group join. */
  eventsPerSec: number;
  /** `fetch.MB.sec`: MiB (2^20 bytes, keys + values) / fetch time. */
  mbPerSec: number;
  /** `rebalance.time.ms`: joining the group and getting the assignment, in ms. */
  rebalanceMs: number;
  /** `nMsg.sec`: records / the whole run (group join included). */
  totalEventsPerSec: number;
}

/** Heap of the tool, as `bin/kafka-consumer-perf-test.sh` sets it. */
const TOOL_HEAP = '-Xmx512M';

/**
 * Runs ConsumerPerformance with a new group id (so it reads from the earliest offset) and
 * parses its CSV summary. Rejects when the tool fails or reads fewer than `records` records
 * (it stops after `timeoutMs` without data).
 */
export async function runConsumerPerfBaseline(
  opts: ConsumerPerfBaselineOptions,
): Promise<ConsumerPerfBaselineResult> {
  const { javaPath, classPath } = await localKafkaClassPath({ quiet: true });
  const group = `sluice-bench-perf-${Date.now()}-${randomBytes(3).toString('hex')}`;
  const args = [
    TOOL_HEAP,
    '-cp',
    classPath,
    'org.apache.kafka.tools.ConsumerPerformance',
    '--bootstrap-server',
    opts.brokers.join(','),
    '--topic',
    opts.topic,
    '--num-records',
    String(opts.records),
    '--group',
    group,
    '--timeout',
    String(opts.timeoutMs ?? 30_000),
  ];
  try {
    const { code, output } = await runTool(javaPath, args);
    if (code !== 0) throw new Error(`ConsumerPerformance failed (exit ${code}):\n${output.trim()}`);
    const result = parseConsumerPerfOutput(output);
    if (result.records < opts.records) {
      throw new Error(
        `ConsumerPerformance read ${result.records} of ${opts.records} records from ${opts.topic}`,
      );
    }
    return result;
  } finally {
    if (opts.deleteGroup ?? true) await deleteGroup(opts.brokers, group);
  }
}

/**
 * Parses the tool's summary: a header line starting `start.time, end.time, …` and the
 * comma-separated values line after it. Columns are found by name, not position.
 */
export function parseConsumerPerfOutput(output: string): ConsumerPerfBaselineResult {
  const lines = output.split('\n').map((l) => l.trim());
  const headerAt = lines.findIndex((l) => l.startsWith('start.time,'));
  const valuesLine = headerAt >= 0 ? lines[headerAt + 1] : undefined;
  if (valuesLine === undefined || valuesLine === '') {
    throw new Error(`no ConsumerPerformance summary in its output:\n${output.trim()}`);
  }
  const names = (lines[headerAt] as string).split(',').map((s) => s.trim());
  const values = valuesLine.split(',').map((s) => s.trim());
  const column = (name: string): number => {
    const at = names.indexOf(name);
    const value = at >= 0 ? Number(values[at]) : Number.NaN;
    if (!Number.isFinite(value))
      throw new Error(`ConsumerPerformance column ${name} missing in: ${valuesLine}`);
    return value;
  };
  return {
    records: column('data.consumed.in.nMsg'),
    elapsedMs: column('fetch.time.ms'),
    eventsPerSec: column('fetch.nMsg.sec'),
    mbPerSec: column('fetch.MB.sec'),
    rebalanceMs: column('rebalance.time.ms'),
    totalEventsPerSec: column('nMsg.sec'),
  };
}

function runTool(javaPath: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(javaPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

/** Best effort: a leftover group only costs the broker a few bytes of offsets. */
async function deleteGroup(brokers: string[], group: string): Promise<void> {
  const admin = new Kafka({
    clientId: 'sluice-bench',
    brokers,
    logLevel: logLevel.NOTHING,
  }).admin();
  try {
    await admin.connect();
    await admin.deleteGroups([group]);
  } catch {
    // Ignored on purpose: see above.
  } finally {
    await admin.disconnect();
  }
}
