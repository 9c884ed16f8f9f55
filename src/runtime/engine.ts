// The engine: runs a set of built topologies on Kafka, one JobRunner (consumer group) each,
// and exposes their status and stores to the query API. It never reads job files.

import { randomUUID } from 'node:crypto';
import { systemClock, type Clock } from '../core/clock.js';
import { errorMessage } from '../core/errors.js';
import type { Topology } from '../core/topology.js';
import { MetricsRegistry } from '../metrics/metrics-registry.js';
import type { ConsumerThreadMode } from '../config/sluice-config.js';
import { JobRunner, type TaskView } from './job-runner.js';
import { consoleLogger, type Logger } from './logger.js';
import type { TaskStateFactory } from './task-state.js';

export interface EngineOptions {
  readonly topologies: readonly Topology[];
  readonly brokers: readonly string[];
  readonly stateFactory: TaskStateFactory;
  readonly commitIntervalMs?: number;
  /** Where each job's consumer runs (default 'auto'); see ConsumerThreadMode. */
  readonly consumerThread?: ConsumerThreadMode;
  /** Consumer-group session timeout, ms (default: the source's, 30 s). */
  readonly sessionTimeoutMs?: number;
  readonly metrics?: MetricsRegistry;
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly apiAddress?: string;
}

export interface JobStatus {
  readonly job: string;
  readonly state: 'running' | 'restoring' | 'failed' | 'stopped';
  readonly tasks: TaskView[];
  readonly error?: string;
}

export class Engine {
  readonly metrics: MetricsRegistry;
  readonly instanceId = randomUUID().slice(0, 8);
  private readonly runners: JobRunner[];
  private running = false;

  constructor(private readonly options: EngineOptions) {
    this.metrics = options.metrics ?? new MetricsRegistry();
    this.runners = options.topologies.map(
      (topology) =>
        new JobRunner({
          topology,
          brokers: options.brokers,
          metrics: this.metrics,
          clock: options.clock ?? systemClock,
          logger: options.logger ?? consoleLogger,
          stateFactory: options.stateFactory,
          commitIntervalMs: options.commitIntervalMs ?? 1000,
          consumerThread: options.consumerThread ?? 'auto',
          ...(options.sessionTimeoutMs === undefined
            ? {}
            : { sessionTimeoutMs: options.sessionTimeoutMs }),
          apiAddress: options.apiAddress ?? '',
          instanceId: this.instanceId,
        }),
    );
  }

  get topologies(): readonly Topology[] {
    return this.options.topologies;
  }

  async start(): Promise<void> {
    for (const runner of this.runners) await runner.start();
    this.running = true;
  }

  /** Graceful stop: each job finishes its batch, commits and leaves its group. */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.runners.map((r) => r.stop()));
  }

  status(): JobStatus[] {
    return this.runners.map((r) => {
      const tasks = r.taskViews();
      const failure = r.failure;
      return {
        job: r.job,
        state: failure
          ? 'failed'
          : !this.running
            ? 'stopped'
            : tasks.some((t) => t.status === 'restoring')
              ? 'restoring'
              : 'running',
        tasks,
        ...(failure ? { error: errorMessage(failure) } : {}),
      };
    });
  }

  /** A job's runner, for store access by the query API. */
  runner(job: string): JobRunner | undefined {
    return this.runners.find((r) => r.job === job);
  }

  get jobRunners(): readonly JobRunner[] {
    return this.runners;
  }
}
