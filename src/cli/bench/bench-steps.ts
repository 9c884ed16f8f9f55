// The measurements of `sluice bench`, in the order they run (one at a time: the machine is
// small and shared): the two consumer ceilings, the Sluice job, Kafka Streams, then latency.
// Steps added by other features go in extra-bench-steps.ts and run after these.

import { join } from 'node:path';
import { benchJobInternalTopics, benchJobSpec } from './bench-job.js';
import type {
  BenchContext,
  BenchFigures,
  BenchRow,
  BenchStep,
  BenchStepResult,
} from './bench-step.js';
import { formatInteger } from './bench-report.js';
import { measureClientCeiling } from './client-ceiling.js';
import { runConsumerPerfBaseline } from './consumer-perf-baseline.js';
import { measureEndToEndLatency } from './end-to-end-latency.js';
import { EXTRA_BENCH_STEPS } from './extra-bench-steps.js';
import { runKafkaStreamsBaseline } from './kafka-streams-baseline.js';
import { measureSluiceThroughput } from './sluice-job-run.js';

const clientCeiling: BenchStep = {
  name: 'client-ceiling',
  async run(ctx) {
    const groupId = `sluice-bench-client-${ctx.runId}`;
    ctx.cleanupLater({ groups: [groupId] });
    ctx.progress('client ceiling: kafkajs consumer, eachBatch does nothing');
    const r = await measureClientCeiling({
      brokers: ctx.brokers,
      topic: ctx.topic,
      events: ctx.events,
      groupId,
      progress: ctx.progress,
    });
    return {
      figures: {
        client_ceiling_eps: r.eventsPerSec,
        client_ceiling_cpu_s: r.cpuSeconds,
        client_ceiling_startup_ms: r.startupMs,
      },
      rows: [
        {
          label: 'kafkajs consumer, no processing',
          eventsPerSec: r.eventsPerSec,
          cpuSeconds: r.cpuSeconds,
          detail: "the client Sluice uses, the job's fetch settings",
        },
      ],
    };
  },
};

const brokerCeiling: BenchStep = {
  name: 'broker-ceiling',
  async run(ctx) {
    ctx.progress('broker ceiling: kafka-consumer-perf-test (JVM)…');
    const r = await runConsumerPerfBaseline({
      brokers: [...ctx.brokers],
      topic: ctx.topic,
      records: ctx.events,
    });
    return {
      figures: { broker_ceiling_eps: r.eventsPerSec, broker_ceiling_mib_per_s: r.mbPerSec },
      rows: [
        {
          label: 'kafka-consumer-perf-test',
          eventsPerSec: r.eventsPerSec,
          detail: `${r.mbPerSec.toFixed(1)} MiB/s, Java consumer, no processing`,
        },
      ],
    };
  },
};

const sluiceJob: BenchStep = {
  name: 'sluice-job',
  async run(ctx) {
    const job = `sluice-bench-job-${ctx.runId}`;
    const spec = benchJobSpec({
      job,
      inputTopic: ctx.topic,
      outputTopic: `${job}-output`,
      emit: ctx.options.emit,
    });
    ctx.cleanupLater({ topics: [`${job}-output`, ...benchJobInternalTopics(spec)], groups: [job] });
    ctx.progress(`sluice job: ${job} (tumbling 1m count + sum, emit ${ctx.options.emit})`);
    const r = await measureSluiceThroughput({
      brokers: ctx.brokers,
      spec,
      topic: ctx.topic,
      events: ctx.events,
      startOffsets: ctx.startOffsets,
      stateDir: join(ctx.workDir, 'sluice-job'),
      progress: ctx.progress,
    });
    return {
      figures: {
        job_eps: r.eventsPerSec,
        job_eps_with_stop: r.eventsPerSecWithStop,
        cpu_s: r.cpuSeconds,
        peak_rss_mb: r.peakRssMb,
        job_elapsed_ms: r.elapsedMs,
        job_startup_ms: r.startupMs,
        job_stop_ms: r.stopMs,
        job_output_records: r.outputRecords,
        job_dead_letters: r.deadLetters,
        job_commit_interval_ms: r.commitIntervalMs,
        job_batches: r.breakdown.batches,
        job_batch_s: r.breakdown.batchSeconds,
        job_commits: r.breakdown.commits,
        job_commit_s: r.breakdown.commitSeconds,
      },
      rows: [
        {
          label: `sluice job (emit ${ctx.options.emit})`,
          eventsPerSec: r.eventsPerSec,
          cpuSeconds: r.cpuSeconds,
          peakRssMb: r.peakRssMb,
          detail: `${formatInteger(r.outputRecords)} outputs, commit every ${r.commitIntervalMs} ms, stop ${Math.round(r.stopMs)} ms (${formatInteger(r.eventsPerSecWithStop)}/s with it)`,
        },
      ],
      notes:
        r.deadLetters > 0
          ? [`the Sluice job dead-lettered ${r.deadLetters} records (expected 0)`]
          : [],
    };
  },
};

/**
 * The client ceiling and the job measured again, alternated, `--pairs` − 1 times: on a shared
 * machine one pair's ratio moves with the load of the moment, so the headline ratio is the
 * median pair (withRatios). Every pair is in the table and the results.
 */
const ratioPairs: BenchStep = {
  name: 'ratio-pairs',
  skipReason: (ctx) =>
    ctx.options.pairs <= 1
      ? '--pairs 1'
      : ctx.figures.client_ceiling_eps == null || ctx.figures.job_eps == null
        ? 'client-ceiling and sluice-job did not both run'
        : undefined,
  async run(ctx) {
    const figures: BenchFigures = {};
    const rows: BenchRow[] = [];
    const notes: string[] = [];
    for (let pair = 2; pair <= ctx.options.pairs; pair++) {
      ctx.progress(`ratio pairs: pair ${pair} of ${ctx.options.pairs}`);
      // Own group, job and state names per pair: nothing carries over from the earlier runs.
      const pairCtx: BenchContext = { ...ctx, runId: `${ctx.runId}-p${pair}` };
      const ceiling = await clientCeiling.run(pairCtx);
      const job = await sluiceJob.run(pairCtx);
      const ceilingEps = ceiling.figures.client_ceiling_eps ?? null;
      figures[`pair${pair}_client_ceiling_eps`] = ceilingEps;
      figures[`pair${pair}_job_eps`] = job.figures.job_eps ?? null;
      figures[`pair${pair}_cpu_s`] = job.figures.cpu_s ?? null;
      for (const row of [...ceiling.rows, ...job.rows]) {
        rows.push({
          ...row,
          label: `${row.label}, pair ${pair}`,
          ...(ceilingEps === null ? {} : { clientCeilingEps: ceilingEps }),
        });
      }
      notes.push(...(job.notes ?? []));
    }
    return { figures, rows, notes };
  },
};

/** Kafka Streams with its defaults (commit 30 s), or with the commit interval Sluice uses. */
function kafkaStreams(name: string, commitIntervalMs: number | undefined): BenchStep {
  const prefix = commitIntervalMs === undefined ? 'kafka_streams' : 'kafka_streams_commit_1s';
  return {
    name,
    skipReason: (ctx) => (ctx.options.kafkaStreams ? undefined : '--no-kafka-streams'),
    async run(ctx): Promise<BenchStepResult> {
      const applicationId = `sluice-bench-ks-${ctx.runId}${commitIntervalMs === undefined ? '' : `-c${commitIntervalMs}`}`;
      ctx.progress(
        `kafka streams: ${applicationId} (commit ${commitIntervalMs ?? 'default 30000'} ms; JVM, builds bench/kafka-streams on first use)…`,
      );
      const r = await runKafkaStreamsBaseline({
        brokers: [...ctx.brokers],
        topic: ctx.topic,
        expectedRecords: ctx.events,
        applicationId,
        stateDir: join(ctx.workDir, 'kafka-streams'),
        deleteTopics: !ctx.options.keep,
        ...(commitIntervalMs === undefined ? {} : { commitIntervalMs }),
      });
      return {
        figures: {
          [`${prefix}_eps`]: r.eventsPerSec,
          [`${prefix}_eps_with_close`]: r.eventsPerSecWithClose,
          [`${prefix}_cpu_s`]: r.cpuSeconds ?? null,
          [`${prefix}_peak_rss_mb`]: r.peakRssMb ?? null,
          [`${prefix}_close_ms`]: r.closeMs,
          [`${prefix}_output_records`]: r.outputRecords,
          [`${prefix}_commit_interval_ms`]: r.commitIntervalMs,
        },
        rows: [
          {
            label: `kafka streams (commit ${r.commitIntervalMs} ms)`,
            eventsPerSec: r.eventsPerSec,
            ...(r.cpuSeconds === undefined ? {} : { cpuSeconds: r.cpuSeconds }),
            ...(r.peakRssMb === undefined ? {} : { peakRssMb: r.peakRssMb }),
            detail: `${formatInteger(r.outputRecords)} outputs, close ${Math.round(r.closeMs)} ms (${formatInteger(r.eventsPerSecWithClose)}/s with it)`,
          },
        ],
        notes: [
          ...(r.droppedRecords > 0 ? [`Kafka Streams dropped ${r.droppedRecords} records`] : []),
          ...(r.cleanupError ? [`Kafka Streams cleanup: ${r.cleanupError}`] : []),
        ],
      };
    },
  };
}

const endToEndLatency: BenchStep = {
  name: 'e2e-latency',
  skipReason: (ctx) => (ctx.options.latencySeconds === 0 ? '--latency-seconds 0' : undefined),
  async run(ctx) {
    const jobEps = ctx.figures.job_eps ?? null;
    const ratePerSec = ctx.options.latencyRate ?? (jobEps === null ? null : Math.round(jobEps / 2));
    if (ratePerSec === null || ratePerSec < 1) {
      throw new Error('no job throughput to take half of: pass --latency-rate N');
    }
    const job = `sluice-bench-live-${ctx.runId}`;
    const topic = `${job}-input`;
    const spec = benchJobSpec({
      job,
      inputTopic: topic,
      outputTopic: `${job}-output`,
      emit: ctx.options.emit,
    });
    ctx.cleanupLater({
      topics: [topic, `${job}-output`, ...benchJobInternalTopics(spec)],
      groups: [job],
    });
    const r = await measureEndToEndLatency({
      brokers: ctx.brokers,
      spec,
      topic,
      partitions: ctx.workload.partitions,
      ratePerSec,
      durationMs: ctx.options.latencySeconds * 1000,
      stateDir: join(ctx.workDir, 'live-job'),
      probeKeyPrefix: `probe-${ctx.runId}`,
      progress: ctx.progress,
    });
    const s = r.summary;
    const notes: string[] = [];
    if (s.count < 200) notes.push(`only ${s.count} latency probes completed (wanted >= 200)`);
    if (r.timeouts > 0) notes.push(`${r.timeouts} latency probes were not visible within 5 s`);
    if (r.droppedBehind > 0) {
      notes.push(
        `the latency load fell behind and skipped ${formatInteger(r.droppedBehind)} events`,
      );
    }
    if (r.sendErrors > 0) notes.push(`${r.sendErrors} latency-phase sends failed`);
    if (r.achievedRatePerSec < 0.95 * r.ratePerSec) {
      notes.push(
        `the latency load reached ${formatInteger(r.achievedRatePerSec)} of ${formatInteger(r.ratePerSec)} events/s`,
      );
    }
    return {
      figures: {
        e2e_p50_ms: s.p50Ms,
        e2e_p90_ms: s.p90Ms,
        e2e_p99_ms: s.p99Ms,
        e2e_max_ms: s.maxMs,
        e2e_probes: s.count,
        e2e_timeouts: r.timeouts,
        e2e_rate_eps: r.ratePerSec,
        e2e_achieved_rate_eps: r.achievedRatePerSec,
        e2e_dropped_behind: r.droppedBehind,
        e2e_event_loop_delay_max_ms: r.diagnostics.eventLoopDelayMaxMs,
        e2e_event_loop_delay_p99_ms: r.diagnostics.eventLoopDelayP99Ms,
        e2e_commits: r.diagnostics.commits,
        e2e_commit_p99_ms: r.diagnostics.commitP99Ms,
        e2e_commit_max_bucket_ms: r.diagnostics.commitMaxBucketMs,
        e2e_batch_p99_ms: r.diagnostics.batchP99Ms,
      },
      rows: [
        {
          label: 'e2e latency, live job',
          peakRssMb: r.peakRssMb,
          detail: `${formatInteger(r.achievedRatePerSec)} events/s; produce → visible in API: p50 ${s.p50Ms.toFixed(1)} ms, p99 ${s.p99Ms.toFixed(1)} ms, max ${s.maxMs.toFixed(1)} ms (${s.count} probes)`,
        },
      ],
      notes,
    };
  },
};

/** Every step, in run order: the built-in measurements, then EXTRA_BENCH_STEPS. */
export const BENCH_STEPS: readonly BenchStep[] = [
  clientCeiling,
  brokerCeiling,
  sluiceJob,
  ratioPairs,
  kafkaStreams('kafka-streams', undefined),
  kafkaStreams('kafka-streams-commit-1s', 1000),
  endToEndLatency,
  ...EXTRA_BENCH_STEPS,
];
