// `sluice generate`: parses flags, creates the topics, then paces the demo-data generator into
// Kafka in batches (several in flight), with progress on stderr and a summary on stdout.

import { systemClock, type Clock } from '../../core/clock.js';
import { toSluiceError } from '../../core/errors.js';
import { CORRUPTION_KIND_NAMES } from './corruptor.js';
import { DemoDataGenerator, type GeneratorStats } from './demo-data-generator.js';
import { DemoProducer, DryRunSink, type DemoSink } from './demo-producer.js';
import { FRAUD_PATTERNS } from './fraud-patterns.js';
import { GENERATE_HELP, parseGenerateOptions, type GenerateOptions } from './generate-options.js';
import { ProgressReporter, formatCount, formatDuration } from './progress-reporter.js';
import { RatePacer } from './rate-pacer.js';

/** What the command touches outside itself; tests replace all of it. */
export interface GenerateIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly clock: Clock;
  /** Waits `ms` of the clock's time (tests: advance a manual clock and return). */
  readonly sleep: (ms: number) => Promise<void>;
  /** Builds the destination; default: Kafka, or nothing for --dry-run. */
  readonly createSink: (options: GenerateOptions) => DemoSink;
  /** Aborting stops the run cleanly (flush, summary). Default: Ctrl-C (SIGINT). */
  readonly signal?: AbortSignal;
}

export interface GenerateResult {
  readonly stats: GeneratorStats;
  readonly elapsedMs: number;
  readonly rejectedOversized: number;
  /** True if stopped by the signal before reaching --count or --duration. */
  readonly interrupted: boolean;
}

const defaultIo: GenerateIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  clock: systemClock,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  createSink: (o) =>
    o.dryRun ? new DryRunSink() : new DemoProducer({ brokers: o.brokers, acks: o.acks }),
};

/**
 * Runs `sluice generate <args>`. Exit code: 0 done, 1 failed (e.g. Kafka unreachable),
 * 2 bad flags. Messages, summary and errors go through `io` (default: the process).
 */
export async function generateCommand(
  args: string[],
  io: Partial<GenerateIo> = {},
): Promise<number> {
  const env: GenerateIo = { ...defaultIo, ...io };
  let options: GenerateOptions;
  try {
    options = parseGenerateOptions(args, env.env, env.clock.nowMs());
  } catch (err) {
    const error = toSluiceError(err, 'CONFIG_INVALID');
    env.stderr(`sluice generate: ${error.message}\nRun "sluice generate --help" for the flags.\n`);
    return 2;
  }
  if (options.help) {
    env.stdout(GENERATE_HELP);
    return 0;
  }
  try {
    const result = await runGenerate(options, env);
    env.stdout(formatSummary(options, result));
    return 0;
  } catch (err) {
    const error = toSluiceError(err);
    env.stderr(`sluice generate: [${error.code}] ${error.message}\n`);
    if (error.code === 'KAFKA_UNAVAILABLE') {
      env.stderr('Is a broker running? Start one with "sluice kafka start", or set --brokers.\n');
    }
    return 1;
  }
}

/** The produce loop: pace, generate a chunk, send it without waiting, bound what is in flight. */
export async function runGenerate(
  options: GenerateOptions,
  io: GenerateIo,
): Promise<GenerateResult> {
  const generator = new DemoDataGenerator(options.generator);
  const sink = io.createSink(options);
  const stop = new AbortController();
  const onSigint = (): void => stop.abort();
  const external = io.signal;
  if (external === undefined) process.once('SIGINT', onSigint);
  else external.addEventListener('abort', onSigint, { once: true });

  try {
    await sink.ensureTopics(generator.topics(), options.partitions);
    const startMs = io.clock.nowMs();
    const pacer = new RatePacer(options.ratePerSec, startMs, options.batchSize);
    const progress = new ProgressReporter(
      io.clock,
      (line) => {
        if (!options.quiet) io.stderr(`${line}\n`);
      },
      {
        ...(options.count !== undefined ? { total: options.count } : {}),
        ...(options.durationMs !== undefined ? { durationMs: options.durationMs } : {}),
      },
    );
    const inFlight: Promise<void>[] = [];
    let failure: unknown;
    let sent = 0;
    let batches = 0;
    while (!stop.signal.aborted && failure === undefined) {
      const nowMs = io.clock.nowMs();
      const leftMs =
        options.durationMs === undefined ? Infinity : startMs + options.durationMs - nowMs;
      const remaining = options.count === undefined ? Infinity : options.count - sent;
      if (leftMs <= 0 || remaining <= 0) break;
      const n = pacer.allowance(sent, nowMs, remaining);
      if (n === 0) {
        await io.sleep(Math.min(pacer.waitMs(sent, nowMs, remaining), leftMs));
        continue;
      }
      const batch = [...generator.take(n)];
      sent += n;
      // Not awaited here: up to maxInFlight batches travel at once; the first error stops the run.
      inFlight.push(
        sink.send(batch).catch((err: unknown) => {
          failure ??= err;
        }),
      );
      if (inFlight.length >= options.maxInFlight) await inFlight.shift();
      progress.update(sent);
      // At full speed nothing else would yield: let Ctrl-C and socket events through now and then.
      if (++batches % 16 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    await Promise.all(inFlight);
    if (failure !== undefined) throw toSluiceError(failure);
    return {
      stats: generator.stats(),
      elapsedMs: io.clock.nowMs() - startMs,
      rejectedOversized: sink.rejectedOversized,
      interrupted: stop.signal.aborted,
    };
  } finally {
    if (external === undefined) process.off('SIGINT', onSigint);
    else external.removeEventListener('abort', onSigint);
    await sink.close().catch(() => undefined);
  }
}

/** The end-of-run report: counts per topic, fraud per pattern, corruptions per kind. */
export function formatSummary(options: GenerateOptions, result: GenerateResult): string {
  const { stats, elapsedMs } = result;
  const rate = elapsedMs > 0 ? (stats.events * 1000) / elapsedMs : stats.events;
  const names = options.generator.topicNames;
  const lines: string[] = [];
  const how = options.dryRun ? 'generated (dry run, nothing sent)' : 'produced';
  lines.push(
    `${how} ${formatCount(stats.events)} events in ${formatDuration(elapsedMs)} ` +
      `(${formatCount(rate)} ev/s)${result.interrupted ? ', interrupted' : ''}; ` +
      `seed ${options.generator.seed}, start ${new Date(options.generator.startMs).toISOString()}`,
  );
  lines.push(
    `  event time ${new Date(stats.firstEventMs).toISOString()} .. ` +
      `${new Date(stats.lastEventMs).toISOString()}`,
  );
  const topicCount = (topic: string): string => formatCount(stats.messagesByTopic[topic] ?? 0);
  if (options.generator.streams.includes('activity')) {
    const a = stats.activityByType;
    lines.push(
      `  ${names.activity}: ${topicCount(names.activity)} ` +
        `(view ${formatCount(a.view)}, add_to_cart ${formatCount(a.add_to_cart)}, ` +
        `purchase ${formatCount(a.purchase)})`,
    );
  }
  if (options.generator.streams.includes('transactions')) {
    lines.push(`  ${names.transactions}: ${topicCount(names.transactions)}`);
    const perPattern = FRAUD_PATTERNS.map(
      (p) =>
        `${p} ${formatCount(stats.fraudTransactionsByPattern[p])} ` +
        `in ${formatCount(stats.fraudIncidentsByPattern[p])} incidents`,
    );
    lines.push(
      `  ${names.fraudLabels}: ${topicCount(names.fraudLabels)} (${perPattern.join(', ')})`,
    );
  }
  const corrupted = CORRUPTION_KIND_NAMES.reduce((sum, k) => sum + stats.corruptionsByKind[k], 0);
  if (options.generator.corruptRate > 0 || corrupted > 0) {
    const kinds = CORRUPTION_KIND_NAMES.map(
      (k) => `${k} ${formatCount(stats.corruptionsByKind[k])}`,
    );
    lines.push(`  corrupted: ${formatCount(corrupted)} (${kinds.join(', ')})`);
  }
  if (result.rejectedOversized > 0) {
    lines.push(
      `  note: the broker refused ${result.rejectedOversized} oversized values ` +
        '(topic max.message.bytes below 1 MiB + 1 KiB)',
    );
  }
  return `${lines.join('\n')}\n`;
}
