// `sluice bench` (`npm run bench`): preloads the input topic, runs the measurement steps one
// after another on the same broker and data, prints the table and writes the results JSON,
// then deletes the topics and groups it created.

import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { loadConfig } from '../../config/sluice-config.js';
import { errorMessage, toSluiceError } from '../../core/errors.js';
import { ensureLocalKafka } from '../local-kafka/index.js';
import { BENCH_HELP, parseBenchOptions, type BenchOptions } from './bench-options.js';
import {
  buildResults,
  formatGoals,
  formatInteger,
  formatTable,
  withRatios,
  type MachineInfo,
} from './bench-report.js';
import type { BenchContext, BenchFigures, BenchRow } from './bench-step.js';
import { BENCH_STEPS } from './bench-steps.js';
import {
  BENCH_KEYS,
  BENCH_PARTITIONS,
  BENCH_VALUE_BYTES,
  BenchWorkload,
} from './bench-workload.js';
import { preloadTopic, topicExtent } from './topic-preloader.js';

/**
 * Runs `sluice bench <args>`. Exit code: 0 every step ran, 1 a step failed (the others still
 * ran and the results say which), 2 bad flags. Table and results on stdout, progress on stderr.
 */
export async function benchCommand(args: string[]): Promise<number> {
  let options: BenchOptions;
  try {
    options = parseBenchOptions(
      args,
      BENCH_STEPS.map((s) => s.name),
    );
  } catch (err) {
    console.error(
      `sluice bench: ${toSluiceError(err, 'CONFIG_INVALID').message}\nRun "sluice bench --help" for the flags.`,
    );
    return 2;
  }
  if (options.help) {
    process.stdout.write(BENCH_HELP);
    return 0;
  }
  const progress = (line: string): void => {
    process.stderr.write(`bench: ${line}\n`);
  };
  const config = loadConfig(process.env);
  const brokers =
    options.brokers ??
    config.brokers ??
    (await ensureLocalKafka({ port: config.localKafkaPort })).brokers;
  const loadBefore = loadavg();
  const startedMs = Date.now();
  const runId = `${startedMs.toString(36)}-${randomBytes(2).toString('hex')}`;
  const workload = new BenchWorkload(BENCH_KEYS, BENCH_PARTITIONS);
  const workDir = await mkdtemp(join(tmpdir(), 'sluice-bench-'));
  const created = { topics: new Set<string>(), groups: new Set<string>() };
  const figures: BenchFigures = {};
  const rows: BenchRow[] = [];
  const notes: string[] = [];
  const errors: Record<string, string> = {};
  const skipped: Record<string, string> = {};
  let events = options.events;
  progress(`brokers ${brokers.join(',')}, run ${runId}, work dir ${workDir}`);
  try {
    if (options.skipPreload) {
      progress(`reusing topic ${options.topic} (--skip-preload)`);
    } else {
      progress(`preload: ${formatInteger(options.events)} events into ${options.topic}…`);
      const loaded = await preloadTopic({
        brokers,
        topic: options.topic,
        events: options.events,
        workload,
        progress,
      });
      created.topics.add(options.topic);
      figures.preload_eps = loaded.eventsPerSec;
      progress(
        `preload: done in ${(loaded.elapsedMs / 1000).toFixed(1)} s, ${formatInteger(loaded.eventsPerSec)} events/s, ${(loaded.bytes / options.events).toFixed(0)} B/event`,
      );
    }
    const extent = await topicExtent(brokers, options.topic);
    if (extent === undefined || extent.records === 0) {
      throw new Error(`topic ${options.topic} does not exist or is empty`);
    }
    if (extent.records !== options.events) {
      if (!options.skipPreload) {
        throw new Error(
          `topic ${options.topic} holds ${extent.records} records, not ${options.events}`,
        );
      }
      progress(`topic ${options.topic} holds ${formatInteger(extent.records)} records: using that`);
    }
    events = extent.records;
    const ctx: BenchContext = {
      options,
      brokers,
      topic: options.topic,
      events,
      startOffsets: extent.startOffsets,
      workload,
      runId,
      workDir,
      figures,
      progress,
      cleanupLater: (what) => {
        for (const t of what.topics ?? []) created.topics.add(t);
        for (const g of what.groups ?? []) created.groups.add(g);
      },
    };
    for (const step of BENCH_STEPS) {
      const reason =
        options.only !== undefined && !options.only.includes(step.name)
          ? 'not in --only'
          : step.skipReason?.(ctx);
      if (reason !== undefined) {
        skipped[step.name] = reason;
        progress(`${step.name}: skipped (${reason})`);
        continue;
      }
      const stepStartedMs = Date.now();
      try {
        const result = await step.run(ctx);
        Object.assign(figures, result.figures);
        rows.push(...result.rows);
        notes.push(...(result.notes ?? []));
        progress(`${step.name}: done in ${((Date.now() - stepStartedMs) / 1000).toFixed(1)} s`);
      } catch (err) {
        errors[step.name] = errorMessage(err);
        progress(`${step.name}: FAILED: ${errorMessage(err)}`);
      }
    }
  } catch (err) {
    errors.setup = errorMessage(err);
    progress(`FAILED: ${errorMessage(err)}`);
  } finally {
    if (options.keep) {
      progress(
        `--keep: leaving topics ${[...created.topics].join(', ') || '(none)'} and ${workDir}`,
      );
    } else {
      await cleanUp(brokers, created, progress);
      await rm(workDir, { recursive: true, force: true });
    }
  }

  const machine: MachineInfo = {
    cores: availableParallelism(),
    cpu_model: cpus()[0]?.model ?? 'unknown',
    total_mem_mb: Math.round(totalmem() / (1024 * 1024)),
    platform: `${process.platform}-${process.arch}`,
    node: process.version,
    node_flags: [...process.execArgv],
    load_avg_before: loadBefore.map((l) => Number(l.toFixed(2))),
    load_avg_after: loadavg().map((l) => Number(l.toFixed(2))),
  };
  const results = buildResults({
    figures,
    events,
    topic: options.topic,
    machine,
    timestampMs: startedMs,
    errors,
    skipped,
    settings: {
      emit: options.emit,
      partitions: workload.partitions,
      keys: workload.keys,
      value_bytes: BENCH_VALUE_BYTES,
      commit_interval_ms: config.commitIntervalMs,
      state_memory_mb: config.stateMemoryBytes / (1024 * 1024),
      latency_seconds: options.latencySeconds,
      brokers: brokers.join(','),
    },
  });
  const outFile = resolve(options.outFile);
  await mkdir(dirname(outFile), { recursive: true });
  await writeFile(outFile, `${JSON.stringify(results, null, 2)}\n`);

  const lines = [
    '',
    `sluice bench · ${formatInteger(events)} events · ${machine.cores} cores · node ${[machine.node, ...machine.node_flags].join(' ')} · load ${machine.load_avg_before.join(' ')} → ${machine.load_avg_after.join(' ')}`,
    '',
    formatTable(rows, figures),
    '',
    formatGoals(withRatios(figures)),
  ];
  for (const note of notes) lines.push(`note: ${note}`);
  for (const [step, message] of Object.entries(errors)) lines.push(`FAILED ${step}: ${message}`);
  lines.push('', `results: ${options.outFile}`, '');
  process.stdout.write(lines.join('\n'));
  return Object.keys(errors).length > 0 ? 1 : 0;
}

/** Deletes what the run created; leftovers are reported, not fatal. */
async function cleanUp(
  brokers: readonly string[],
  created: { topics: ReadonlySet<string>; groups: ReadonlySet<string> },
  progress: (line: string) => void,
): Promise<void> {
  if (created.topics.size === 0 && created.groups.size === 0) return;
  const admin = new Kafka({
    clientId: 'sluice-bench-cleanup',
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
  }).admin();
  try {
    await admin.connect();
    const existing = new Set(await admin.listTopics());
    const topics = [...created.topics].filter((t) => existing.has(t));
    if (topics.length > 0) await admin.deleteTopics({ topics });
    const groups = [...created.groups];
    if (groups.length > 0) {
      // A group that never committed offsets may be gone already: that is not a leftover.
      await admin.deleteGroups(groups).catch(() => undefined);
    }
    progress(`cleaned up ${topics.length} topics and ${groups.length} groups`);
  } catch (err) {
    progress(`cleanup incomplete: ${errorMessage(err)}`);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
