// `sluice evaluate`: generates traffic with labelled fraud and held-out future activity, runs the
// shipped fraud and recommendation jobs on the real broker in this process, scores them (and two
// recommendation baselines), prints the table and writes bench-results/evaluate.json.

import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { offlineItemKnn } from '../../analytics/offline-item-knn.js';
import { loadConfig } from '../../config/sluice-config.js';
import { errorMessage, toSluiceError } from '../../core/errors.js';
import type { Topology } from '../../core/topology.js';
import type { JobSpec } from '../../jobs/job-spec.js';
import { buildTopology } from '../../jobs/topology-builder.js';
import type { Logger } from '../../runtime/logger.js';
import {
  hitRateAtK,
  ndcgAtK,
  nextViewCases,
  popularItems,
  type EvaluationEvent,
  type NextViewCase,
  type RankingCase,
} from '../../scoring/recommendations/recs-evaluation.js';
import type { FraudAlertInput, FraudLabelInput } from '../../scoring/fraud/fraud-evaluation.js';
import { KafkaAdmin } from '../../sources/kafka/kafka-admin.js';
import { percentile } from '../bench/latency-summary.js';
import { FRAUD_PATTERNS } from '../generate/fraud-patterns.js';
import type { GeneratedMessage } from '../generate/demo-data-generator.js';
import { DemoProducer } from '../generate/demo-producer.js';
import { ensureLocalKafka } from '../local-kafka/index.js';
import { findFreePort } from '../local-kafka/port-probe.js';
import { startService, type RunningService } from '../sluice-service.js';
import { EVALUATE_HELP, parseEvaluateOptions, type EvaluateOptions } from './evaluate-options.js';
import {
  evaluationResults,
  evaluationTargets,
  formatEvaluationReport,
  type FreshnessFigures,
  type RecsFigures,
} from './evaluation-report.js';
import { evaluationTraffic, type EvaluationTraffic } from './evaluation-traffic.js';
import { fraudMetrics, type FraudFigures } from './fraud-metrics.js';
import { waitForJobsDrained } from './job-drain.js';
import { sendPaced } from './paced-send.js';
import { RecommendationsClient } from './recommendations-client.js';
import { measureRecsFreshness } from './recs-freshness-probe.js';
import { alertTopicOf, loadShippedJob } from './shipped-job.js';
import { readTopicSnapshot } from './topic-snapshot.js';

const PARTITIONS = 4;
const K = 10;
const FRESHNESS_TRIALS = 20;

/**
 * Runs `sluice evaluate <args>`. Exit code: 0 the evaluation ran (whether or not the targets are
 * met: the table says), 1 it could not run, 2 bad flags. Table on stdout, progress on stderr.
 */
export async function evaluateCommand(args: string[]): Promise<number> {
  let options: EvaluateOptions;
  try {
    options = parseEvaluateOptions(args);
  } catch (err) {
    console.error(
      `sluice evaluate: ${toSluiceError(err, 'CONFIG_INVALID').message}\nRun "sluice evaluate --help" for the flags.`,
    );
    return 2;
  }
  if (options.help) {
    process.stdout.write(EVALUATE_HELP);
    return 0;
  }
  const progress = (line: string): void => {
    process.stderr.write(`evaluate: ${line}\n`);
  };
  try {
    await runEvaluation(options, progress);
    return 0;
  } catch (err) {
    progress(`FAILED: ${errorMessage(err)}`);
    return 1;
  }
}

async function runEvaluation(
  options: EvaluateOptions,
  progress: (line: string) => void,
): Promise<void> {
  const startedMs = Date.now();
  const config = loadConfig(process.env);
  const brokers =
    options.brokers ??
    config.brokers ??
    (await ensureLocalKafka({ port: config.localKafkaPort })).brokers;
  const prefix = `eval-${startedMs.toString(36)}-${randomBytes(3).toString('hex')}-`;
  const recsSpec = await loadShippedJob(options.recsJob, prefix);
  if (!recsSpec) throw new Error(`${options.recsJob} not found (run from the Sluice folder)`);
  const fraudSpec = await loadShippedJob(options.fraudJob, prefix);
  const fraudSkipped = fraudSpec ? undefined : `${options.fraudJob} not found`;
  if (fraudSkipped) progress(`fraud: skipped, ${fraudSkipped}`);

  progress(`generating ${options.events.toLocaleString('en-US')} events (seed ${options.seed})…`);
  const traffic = evaluationTraffic({
    seed: options.seed,
    events: options.events,
    holdoutShare: options.holdoutShare,
    fraudRate: options.fraudRate,
    fraudWarmupShare: options.fraudWarmupShare,
    startMs: startedMs,
    topicPrefix: prefix,
  });
  const stateDir = await mkdtemp(join(tmpdir(), 'sluice-evaluate-'));
  const specs: JobSpec[] = fraudSpec ? [recsSpec, fraudSpec] : [recsSpec];
  const topologies = specs.map((s) => buildTopology(s));
  const producer = new DemoProducer({ brokers, acks: -1 });
  let service: RunningService | undefined;
  let admin: KafkaAdmin | undefined;
  try {
    await producer.ensureTopics(
      [traffic.topics.activity, traffic.topics.transactions, traffic.topics.fraudLabels],
      PARTITIONS,
    );
    const apiPort = await findFreePort('127.0.0.1');
    const logger: Logger = {
      info: () => undefined,
      warn: (m) => progress(`sluice warn: ${m}`),
      error: (m) => progress(`sluice error: ${m}`),
    };
    progress(`brokers ${brokers.join(',')}, topics ${prefix}*, state ${stateDir}, API :${apiPort}`);
    service = await startService({
      topologies,
      brokers,
      config: { ...config, brokers, stateDir, apiHost: '127.0.0.1', apiPort },
      logger,
      dashboardsDir: join(stateDir, 'no-dashboards'),
    });
    admin = await KafkaAdmin.connect(brokers, 'sluice-evaluate');
    const client = new RecommendationsClient(`http://${service.apiAddress}`);

    // Recommendations: the training activity at full speed, then queries on the idle job.
    progress(
      `recs: producing ${traffic.trainingMessages.length.toLocaleString('en-US')} activity events…`,
    );
    const activitySent = await sendPaced(producer, traffic.trainingMessages, {
      ratePerSec: 0,
      maxBatch: 500,
      maxInFlight: 4,
    });
    progress(
      `recs: produced in ${(activitySent.elapsedMs / 1000).toFixed(1)} s; waiting for the job…`,
    );
    const recsTopology = topologies[0] as Topology;
    const drainStartMs = performance.now();
    await waitForJobsDrained(service, admin, [recsTopology], { progress });
    progress(
      `recs: job caught up ${((performance.now() - drainStartMs) / 1000).toFixed(1)} s after the last produce`,
    );
    const recs = await evaluateRecommendations(traffic, client, progress);
    const freshness = await measureFreshness(traffic, client, producer, progress);

    // Fraud: the warm-up payments as fast as possible (the accounts' history), then the scored
    // ones live at the given rate, alert latency from the produce time of each.
    let fraud: FraudFigures | undefined;
    let fraudWithWarmup: FraudFigures | undefined;
    let achievedRate = 0;
    if (fraudSpec) {
      const fraudTopology = topologies[1] as Topology;
      await waitForTasks(service, fraudTopology.job, PARTITIONS);
      progress(
        `fraud: producing ${count(traffic.warmupPayments, 'transactions').toLocaleString('en-US')} warm-up payments…`,
      );
      await sendPaced(producer, traffic.warmupPayments, {
        ratePerSec: 0,
        maxBatch: 500,
        maxInFlight: 4,
      });
      await waitForJobsDrained(service, admin, [fraudTopology], { progress });
      const producedAtMs = new Map<string, number>();
      progress(
        `fraud: producing ${count(traffic.scoredPayments, 'transactions').toLocaleString('en-US')} scored payments at ${options.transactionRatePerSec}/s…`,
      );
      const sent = await sendPaced(producer, traffic.scoredPayments, {
        ratePerSec: options.transactionRatePerSec,
        maxBatch: 500,
        maxInFlight: 8,
        onSend: (batch, sentAtMs) => {
          for (const m of batch)
            if (m.stream === 'transactions') producedAtMs.set(txnIdOf(m.value), sentAtMs);
        },
      });
      achievedRate = (sent.events * 1000) / Math.max(1, sent.elapsedMs);
      await waitForJobsDrained(service, admin, [fraudTopology], { progress });
      const alertTopic = alertTopicOf(fraudSpec) ?? `${prefix}fraud-alerts`;
      const records = await readTopicSnapshot(brokers, [alertTopic, traffic.topics.fraudLabels]);
      const labels = records.filter((r) => r.topic === traffic.topics.fraudLabels).map(toLabel);
      const alerts = records.filter((r) => r.topic === alertTopic).map(toAlert);
      // Scored = the payments produced live; producedAtMs holds exactly their ids.
      fraud = fraudMetrics(
        labels.filter((l) => producedAtMs.has(l.txn_id)),
        alerts.filter((a) => producedAtMs.has(a.txn_id)),
        producedAtMs,
        FRAUD_PATTERNS,
      );
      fraudWithWarmup = fraudMetrics(labels, alerts, producedAtMs, FRAUD_PATTERNS);
    }

    const input = {
      fraud,
      fraudWithWarmup,
      ...(fraudSkipped ? { fraudSkipped } : {}),
      recs,
      freshness,
      run: {
        recsJob: options.recsJob,
        fraudJob: options.fraudJob,
        seed: options.seed,
        events: options.events,
        activityTraining: traffic.training.length,
        activityHeldOut: traffic.heldOut.length,
        warmupPayments: count(traffic.warmupPayments, 'transactions'),
        scoredPayments: count(traffic.scoredPayments, 'transactions'),
        scoredFraudLabels: count(traffic.scoredPayments, 'fraud-labels'),
        transactionRatePerSec: options.transactionRatePerSec,
        achievedTransactionRatePerSec: achievedRate,
        brokers,
        startedAt: new Date(startedMs).toISOString(),
        elapsedSeconds: (Date.now() - startedMs) / 1000,
      },
    };
    process.stdout.write(formatEvaluationReport(input));
    await mkdir(dirname(options.outFile), { recursive: true });
    await writeFile(options.outFile, `${JSON.stringify(evaluationResults(input), null, 2)}\n`);
    const missed = evaluationTargets(input).filter((t) => !t.met).length;
    process.stdout.write(
      `${missed === 0 ? 'All targets met' : `${missed} target(s) not met`}; results in ${options.outFile}\n`,
    );
  } finally {
    await service?.stop().catch((err: unknown) => progress(`stop: ${errorMessage(err)}`));
    await producer.close().catch(() => undefined);
    await admin?.close().catch(() => undefined);
    if (!options.keep) {
      await deleteRunArtifacts(
        brokers,
        prefix,
        specs.map((s) => s.name),
      ).catch((err: unknown) => progress(`cleanup: ${errorMessage(err)}`));
      await rm(stateDir, { recursive: true, force: true });
    } else {
      progress(
        `kept topics ${prefix}*, groups ${specs.map((s) => s.name).join(', ')}, state ${stateDir}`,
      );
    }
  }
}

/** Held-out next views against the API, popularity and the DuckDB item-kNN. */
async function evaluateRecommendations(
  traffic: EvaluationTraffic,
  client: RecommendationsClient,
  progress: (line: string) => void,
): Promise<RecsFigures> {
  const cases = nextViewCases(traffic.training, traffic.heldOut);
  const users = cases.map((c) => c.userId);
  progress(`recs: querying GET /recommendations for ${users.length} held-out users…`);
  const answers = await client.recommendMany(users, K, 8);
  const coldStarts = [...answers.lists.values()].filter((l) => l.coldStart).length;
  if (coldStarts > 0) progress(`recs: ${coldStarts} users got cold-start (trending) answers`);
  const streaming = rankingCases(cases, (u) => answers.lists.get(u)?.items ?? []);
  const popular = popularItems(traffic.training, K);
  const popularity = rankingCases(cases, () => popular);
  progress('recs: offline item-kNN in DuckDB…');
  const knnLists = await offlineItemKnn(traffic.training, users, K);
  const knn = rankingCases(cases, (u) => knnLists.get(u) ?? []);
  const same = (list: RankingCase[]): RankingCase[] => list.filter((_, i) => cases[i]?.sameSession);
  const latencies = [...answers.latenciesMs].sort((a, b) => a - b);
  return {
    cases: cases.length,
    sameSessionCases: cases.filter((c) => c.sameSession).length,
    hitRateAt10: hitRateAtK(streaming, K),
    ndcgAt10: ndcgAtK(streaming, K),
    fullLists: [...answers.lists.values()].filter((l) => l.items.length >= K).length,
    popularityHitRateAt10: hitRateAtK(popularity, K),
    popularityNdcgAt10: ndcgAtK(popularity, K),
    itemKnnHitRateAt10: hitRateAtK(knn, K),
    itemKnnNdcgAt10: ndcgAtK(knn, K),
    sameSessionHitRateAt10: hitRateAtK(same(streaming), K),
    itemKnnSameSessionHitRateAt10: hitRateAtK(same(knn), K),
    queryMsP50: percentile(latencies, 0.5),
    queryMsP99: percentile(latencies, 0.99),
  };
}

function rankingCases(
  cases: readonly NextViewCase[],
  ranked: (userId: string) => readonly string[],
): RankingCase[] {
  return cases.map((c) => ({ relevant: c.itemId, ranked: ranked(c.userId) }));
}

/** New views for users with history → time until their recommendations change. */
async function measureFreshness(
  traffic: EvaluationTraffic,
  client: RecommendationsClient,
  producer: DemoProducer,
  progress: (line: string) => void,
): Promise<FreshnessFigures> {
  progress(`recs: freshness, ${FRESHNESS_TRIALS} trials…`);
  const lastTsMs = traffic.training.reduce((max, e) => Math.max(max, e.tsMs), 0);
  const result = await measureRecsFreshness({
    client,
    send: (key, value, timestampMs) =>
      producer.send([
        { topic: traffic.topics.activity, key, value, timestampMs, stream: 'activity' },
      ]),
    userIds: usersByActivity(traffic.training).slice(0, FRESHNESS_TRIALS * 3),
    items: itemsByViews(traffic.training).slice(0, 50),
    trials: FRESHNESS_TRIALS,
    eventTimeMs: lastTsMs + 1_000,
  });
  const sorted = [...result.samplesMs].sort((a, b) => a - b);
  return {
    trials: result.samplesMs.length + result.unchanged,
    unchanged: result.unchanged,
    p50Ms: percentile(sorted, 0.5),
    maxMs: sorted.length ? (sorted[sorted.length - 1] as number) : Number.NaN,
  };
}

/** Users by number of training events, most active first. */
function usersByActivity(training: readonly EvaluationEvent[]): string[] {
  const counts = new Map<string, number>();
  for (const e of training) counts.set(e.userId, (counts.get(e.userId) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([u]) => u);
}

/** Items by training views, most viewed first, with their category. */
function itemsByViews(
  training: readonly EvaluationEvent[],
): Array<{ itemId: string; category: string }> {
  const category = new Map<string, string>();
  for (const e of training) category.set(e.itemId, e.category);
  return popularItems(training, category.size).map((itemId) => ({
    itemId,
    category: category.get(itemId) ?? '',
  }));
}

/** Waits until the job has a task on every partition of its first sub-topology. */
async function waitForTasks(
  service: RunningService,
  job: string,
  partitions: number,
): Promise<void> {
  const deadlineMs = performance.now() + 60_000;
  while (performance.now() < deadlineMs) {
    const status = service.engine.status().find((s) => s.job === job);
    if (status?.state === 'failed') throw new Error(`job ${job} failed: ${status.error ?? ''}`);
    const running = status?.tasks.filter((t) => t.subtopology === 0 && t.status === 'running');
    if ((running?.length ?? 0) >= partitions) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`job ${job} has no tasks on all ${partitions} partitions after 60 s`);
}

function count(messages: readonly GeneratedMessage[], stream: GeneratedMessage['stream']): number {
  let n = 0;
  for (const m of messages) if (m.stream === stream) n++;
  return n;
}

function txnIdOf(value: Buffer): string {
  return String((JSON.parse(value.toString('utf8')) as { txn_id?: unknown }).txn_id);
}

function toLabel(r: { value: Buffer | null; timestampMs: number }): FraudLabelInput {
  const v = JSON.parse(r.value?.toString('utf8') ?? '{}') as Record<string, unknown>;
  return {
    txn_id: String(v.txn_id),
    pattern: String(v.pattern),
    ...(typeof v.incident_id === 'string' ? { incident_id: v.incident_id } : {}),
    // The generator stamps a label with its payment's event time.
    ts: r.timestampMs,
  };
}

function toAlert(r: { value: Buffer | null }): FraudAlertInput & { readonly emitted_at: number } {
  const v = JSON.parse(r.value?.toString('utf8') ?? '{}') as Record<string, unknown>;
  return {
    txn_id: String(v.txn_id),
    reasons: Array.isArray(v.reasons) ? v.reasons.map(String) : [],
    ts: Number(v.ts),
    emitted_at: Number(v.emitted_at),
  };
}

/** Deletes the run's topics (`<prefix>*`) and the jobs' consumer groups. */
async function deleteRunArtifacts(
  brokers: readonly string[],
  prefix: string,
  groups: readonly string[],
): Promise<void> {
  const kafka = new Kafka({
    clientId: 'sluice-evaluate-cleanup',
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.deleteGroups([...groups]).catch(() => undefined);
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
}
