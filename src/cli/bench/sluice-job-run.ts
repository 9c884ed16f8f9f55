// The Sluice phase of `sluice bench`: runs the benchmark job in this process through
// startService (the same engine, stores and API as `sluice run`), drains the preloaded topic
// from the beginning and measures throughput, CPU and peak RSS.

import { loadConfig } from '../../config/sluice-config.js';
import { systemClock } from '../../core/clock.js';
import type { JobSpec } from '../../jobs/job-spec.js';
import { buildTopology } from '../../jobs/topology-builder.js';
import type { Logger } from '../../runtime/logger.js';
import { startService, type RunningService } from '../sluice-service.js';
import { PhaseProgress } from './phase-progress.js';
import { cpuSecondsBetween, ResourceSampler } from './resource-sampler.js';

export interface BenchServiceOptions {
  readonly brokers: readonly string[];
  readonly spec: JobSpec;
  /** A fresh folder: the job starts with empty stores (no restore). */
  readonly stateDir: string;
  /** Query API port on 127.0.0.1; 0 = no API. */
  readonly apiPort: number;
  /** Warnings and errors of the engine (its info lines are dropped). */
  readonly log: (line: string) => void;
}

/**
 * Starts one job the way `sluice run` does, with the process configuration (environment) left
 * at what the user set (commit interval, state memory) except the state dir and API address.
 */
export async function startBenchService(options: BenchServiceOptions): Promise<RunningService> {
  const config = {
    ...loadConfig(process.env),
    brokers: [...options.brokers],
    stateDir: options.stateDir,
    apiHost: '127.0.0.1',
    apiPort: options.apiPort,
  };
  const logger: Logger = {
    info: () => undefined,
    warn: (m) => options.log(`sluice warn: ${m}`),
    error: (m) => options.log(`sluice error: ${m}`),
  };
  return startService({
    topologies: [buildTopology(options.spec)],
    brokers: config.brokers,
    config,
    logger,
  });
}

/** Records the job's tasks have finished processing: Σ (position − start offset) per partition. */
export function processedRecords(
  service: RunningService,
  job: string,
  topic: string,
  startOffsets: ReadonlyMap<number, number>,
): number {
  let total = 0;
  for (const view of service.engine.runner(job)?.taskViews() ?? []) {
    const position = view.positions[topic];
    if (position === undefined) continue;
    total += Number(position) - (startOffsets.get(view.partition) ?? 0);
  }
  return total;
}

export interface SluiceThroughputOptions {
  readonly brokers: readonly string[];
  readonly spec: JobSpec;
  readonly topic: string;
  readonly events: number;
  /** Start offset of each partition of `topic` (its low watermark). */
  readonly startOffsets: ReadonlyMap<number, number>;
  readonly stateDir: string;
  readonly progress: (line: string) => void;
  /** Fail when no record is processed for this long; default 120 000 ms. */
  readonly idleTimeoutMs?: number;
}

export interface SluiceThroughputResult {
  /** Records processed after the first poll that saw any / time since that poll, per second. */
  readonly eventsPerSec: number;
  /** From the first processed records to the last, ms. */
  readonly elapsedMs: number;
  /** From startService() to the first processed records (group join, task and store init), ms. */
  readonly startupMs: number;
  /** The graceful stop after the last record: final commit, closing stores, leaving the group, ms. */
  readonly stopMs: number;
  /** events / (elapsedMs + stopMs): counting the final commit as part of the work. */
  readonly eventsPerSecWithStop: number;
  /** This process's CPU (every thread, RocksDB's included) over `elapsedMs`, s. */
  readonly cpuSeconds: number;
  /** Peak RSS of this process sampled from start to stop, MiB. */
  readonly peakRssMb: number;
  /** Window results written to the job's output topic. */
  readonly outputRecords: number;
  readonly deadLetters: number;
  readonly commitIntervalMs: number;
  /**
   * Where the wall time went, from the engine's histograms over the whole run: processing
   * fetched batches, and commits (flush outputs and changelog, RocksDB batch, offsets). The
   * rest of `elapsedMs` is the consumer fetching (kafkajs fetches only between batches).
   */
  readonly breakdown: {
    readonly batches: number;
    readonly batchSeconds: number;
    readonly commits: number;
    readonly commitSeconds: number;
  };
}

/** How often progress is polled: the figures' resolution (and it runs between batches only). */
const POLL_MS = 20;

/**
 * Starts the job, waits until its tasks processed `events` records, stops it gracefully and
 * returns the figures. Throughput runs from the first poll that sees processed records to the
 * one that sees all of them (task positions advance once a whole batch is processed).
 */
export async function measureSluiceThroughput(
  options: SluiceThroughputOptions,
): Promise<SluiceThroughputResult> {
  const { spec, topic, events } = options;
  const job = spec.name;
  const sampler = new ResourceSampler().start();
  const startedMs = performance.now();
  const service = await startBenchService({
    brokers: options.brokers,
    spec,
    stateDir: options.stateDir,
    apiPort: 0,
    log: options.progress,
  });
  let stopped = false;
  try {
    const progress = new PhaseProgress('sluice job', systemClock, options.progress, events);
    const idleMs = options.idleTimeoutMs ?? 120_000;
    let first: { ms: number; count: number; cpu: NodeJS.CpuUsage } | undefined;
    let lastCount = 0;
    let lastChangeMs = performance.now();
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      const nowMs = performance.now();
      const status = service.engine.status()[0];
      if (status?.state === 'failed') throw new Error(`job ${job} failed: ${status.error ?? ''}`);
      const count = processedRecords(service, job, topic, options.startOffsets);
      if (count !== lastCount) {
        lastCount = count;
        lastChangeMs = nowMs;
      } else if (nowMs - lastChangeMs > idleMs) {
        throw new Error(`job ${job}: no progress for ${idleMs} ms (${count} of ${events} records)`);
      }
      if (count > 0 && first === undefined) first = { ms: nowMs, count, cpu: process.cpuUsage() };
      progress.update(count);
      if (count >= events && first !== undefined) {
        const cpu = process.cpuUsage();
        const elapsedMs = Math.max(1, nowMs - first.ms);
        const stopStartMs = performance.now();
        stopped = true;
        await service.stop();
        const stopMs = performance.now() - stopStartMs;
        sampler.stop();
        const metrics = service.engine.metrics;
        const batches = metrics.histogram('batchDuration', { job });
        const commits = metrics.histogram('commitDuration', { job });
        return {
          eventsPerSec: ((events - first.count) * 1000) / elapsedMs,
          elapsedMs,
          startupMs: first.ms - startedMs,
          stopMs,
          eventsPerSecWithStop: (events * 1000) / (elapsedMs + stopMs),
          cpuSeconds: cpuSecondsBetween(first.cpu, cpu),
          peakRssMb: sampler.peakRssMb,
          outputRecords: metrics.sum('recordsOut', { job, topic: outputTopicOf(spec) }),
          deadLetters: metrics.sum('deadLetters', { job }),
          commitIntervalMs: loadConfig(process.env).commitIntervalMs,
          breakdown: {
            batches: batches.count,
            batchSeconds: batches.sum,
            commits: commits.count,
            commitSeconds: commits.sum,
          },
        };
      }
    }
  } finally {
    sampler.stop();
    if (!stopped) await service.stop().catch(() => undefined);
  }
}

/** The topic of the spec's to-topic node ('' if none). */
export function outputTopicOf(spec: JobSpec): string {
  for (const node of spec.nodes) if (node.kind === 'to-topic') return node.topic;
  return '';
}
