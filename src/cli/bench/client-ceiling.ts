// The kafkajs ceiling of `sluice bench`: the client Sluice uses, with the fetch settings of the
// benchmark job's consumer (the consumer thread's), reading the whole input topic with a new
// group and doing nothing with the records. No job can run faster on this client than this.
// Those settings are also the client's fastest measured here: 1.25-1.32M events/s with 2 MiB
// responses against 0.66-0.83M with the in-process consumer's 16 MiB (see bench/README.md).

import { Kafka, logLevel } from 'kafkajs';
import { systemClock } from '../../core/clock.js';
import {
  THREAD_FETCH_BYTES,
  THREAD_FETCH_BYTES_PER_PARTITION,
} from '../../sources/kafka/consumer-thread-source.js';
import { PhaseProgress } from './phase-progress.js';
import { cpuSecondsBetween } from './resource-sampler.js';

export interface ClientCeilingOptions {
  readonly brokers: readonly string[];
  readonly topic: string;
  /** Records in the topic: the run ends when this many arrived. */
  readonly events: number;
  /** A new group, so the consumer starts at the earliest offset. */
  readonly groupId: string;
  readonly progress: (line: string) => void;
  /** Fail when no record arrives for this long; default 60 000 ms. */
  readonly idleTimeoutMs?: number;
}

export interface ClientCeilingResult {
  /** Records after the first delivery / time from the first delivery to the last, per second. */
  readonly eventsPerSec: number;
  /** From the first batch handed to eachBatch to the one completing `events`, ms. */
  readonly elapsedMs: number;
  /** From `run()` to the first batch (group join, first fetch), ms. */
  readonly startupMs: number;
  /** This process's CPU over `elapsedMs`, s. */
  readonly cpuSeconds: number;
}

/**
 * Drains `topic` with a kafkajs consumer configured like the benchmark job's (512 KiB per
 * partition, 2 MiB per fetch, 100 ms max wait, one partition at a time, no auto-commit) and an
 * eachBatch that only counts. Throughput excludes the group join: it counts the records after
 * the first delivered batch over the time since that batch, as the other figures do.
 */
export async function measureClientCeiling(
  options: ClientCeilingOptions,
): Promise<ClientCeilingResult> {
  const kafka = new Kafka({
    clientId: 'sluice-bench-client-ceiling',
    brokers: [...options.brokers],
    logLevel: logLevel.NOTHING,
  });
  // The job's fetch settings (its consumer thread's), so the two differ only in the work.
  const consumer = kafka.consumer({
    groupId: options.groupId,
    maxBytesPerPartition: THREAD_FETCH_BYTES_PER_PARTITION,
    maxBytes: THREAD_FETCH_BYTES,
    maxWaitTimeInMs: 100,
    sessionTimeout: 30_000,
    heartbeatInterval: 3_000,
  });
  const progress = new PhaseProgress(
    'client ceiling',
    systemClock,
    options.progress,
    options.events,
  );
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: options.topic, fromBeginning: true });
    let count = 0;
    let first: { ms: number; count: number; cpu: NodeJS.CpuUsage } | undefined;
    let lastArrivalMs = performance.now();
    const runAtMs = performance.now();
    const done = new Promise<{ ms: number; cpu: NodeJS.CpuUsage }>((resolve, reject) => {
      const idleMs = options.idleTimeoutMs ?? 60_000;
      const watchdog = setInterval(() => {
        if (performance.now() - lastArrivalMs > idleMs) {
          clearInterval(watchdog);
          reject(new Error(`client ceiling: no record for ${idleMs} ms (${count} read)`));
        }
      }, 1000);
      consumer
        .run({
          autoCommit: false,
          partitionsConsumedConcurrently: 1,
          eachBatch: async ({ batch }) => {
            const nowMs = performance.now();
            lastArrivalMs = nowMs;
            count += batch.messages.length;
            first ??= { ms: nowMs, count, cpu: process.cpuUsage() };
            progress.update(count);
            if (count >= options.events) {
              clearInterval(watchdog);
              resolve({ ms: nowMs, cpu: process.cpuUsage() });
            }
          },
        })
        .catch((err: unknown) => {
          clearInterval(watchdog);
          reject(err instanceof Error ? err : new Error(String(err)));
        });
    });
    const last = await done;
    const start = first;
    if (start === undefined) throw new Error('client ceiling: finished without a first batch');
    const elapsedMs = Math.max(1, last.ms - start.ms);
    return {
      eventsPerSec: ((options.events - start.count) * 1000) / elapsedMs,
      elapsedMs,
      startupMs: start.ms - runAtMs,
      cpuSeconds: cpuSecondsBetween(start.cpu, last.cpu),
    };
  } finally {
    await consumer.disconnect();
  }
}
