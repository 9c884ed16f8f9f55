// The restore proof: the windowed proof job runs to the end of its input as a child process,
// some keys are queried over the API, the process stops (SIGTERM) and its state dir is deleted;
// a new process must rebuild every store from the changelog and answer the same. Measures the
// restore's records/s from the StoreManager's log lines and the restore metric.

import { proofProcesses } from './proof-processes.js';
import { rm } from 'node:fs/promises';
import { waitForAllTasks } from './crash-scenario.js';
import { produceActivity, PROOF_WINDOW_MS, waitForDrain, type ProofJob } from './proof-env.js';
import type { SluiceProcess } from './sluice-process.js';
import { compareWindows, windowOracle, type WindowComparison } from './window-oracle.js';
import { readWholeTopic, servedWindows, topicSize, windowSpan } from './window-readers.js';

export interface RestoreScenarioOptions {
  readonly brokers: readonly string[];
  readonly workDir: string;
  readonly prefix: string;
  readonly events: number;
  readonly seed: number;
  /** Re-key first (e.g. 'event_id': one store key per record, so one changelog record each). */
  readonly keyBy?: string;
  /** Keys to query before and after the restore. */
  readonly sampleKeys: number;
  /** Also compare every window served after the restore with the oracle. */
  readonly compareAll: boolean;
  readonly commitIntervalMs: number;
  readonly log: (line: string) => void;
  readonly drainTimeoutMs?: number;
}

export interface RestoreFigures {
  /** Store partitions rebuilt from the changelog. */
  readonly partitions: number;
  /** Changelog records replayed, from the log lines. */
  readonly records: number;
  /** Sum of the partitions' restore durations as logged (scan + replay), ms. */
  readonly restoreMs: number;
  /** From the first "restoring from" line to the last "records replayed" line, ms. */
  readonly wallMs: number;
  /** records / restoreMs: the replay rate (partitions restore one after another). */
  readonly recordsPerSecond: number;
  /** records / wallMs. */
  readonly wallRecordsPerSecond: number;
  /** sluice_restore_records_total summed over the job's stores. */
  readonly metricRecords: number;
}

export interface RestoreReport {
  readonly job: ProofJob;
  readonly inputRecords: number;
  /** Records in the changelog topic (all partitions, before compaction) when the state was deleted. */
  readonly changelogRecords: number;
  readonly figures: RestoreFigures;
  readonly sampledKeys: readonly string[];
  /** Sampled keys whose answer after the restore differs from the one before. */
  readonly changedAnswers: readonly string[];
  /** Sampled keys whose answer before the restore differs from the oracle. */
  readonly wrongAnswers: readonly string[];
  /** Every window after the restore against the oracle (when `compareAll`). */
  readonly afterRestore: WindowComparison | undefined;
  readonly firstRunMs: number;
}

interface KeyAnswer {
  windows: Array<{ key: string; startMs: number; endMs: number; value: Record<string, unknown> }>;
}

const RESTORING = /^(\S+) INFO\s+state \S+: restoring from /;
const REPLAYED = /^(\S+) INFO\s+state \S+: restored, (\d+) records replayed in (\d+) ms/;

export async function runRestoreScenario(options: RestoreScenarioOptions): Promise<RestoreReport> {
  const { brokers, log } = options;
  const { job, stateDir, spawn } = await proofProcesses({
    brokers,
    workDir: options.workDir,
    prefix: options.prefix,
    ...(options.keyBy === undefined ? {} : { keyBy: options.keyBy }),
    commitIntervalMs: options.commitIntervalMs,
  });
  const taskCount = 4 * job.consumedTopics.length;

  await produceActivity({
    brokers,
    prefix: options.prefix,
    count: options.events,
    ratePerSec: 0,
    seed: options.seed,
    // 1,000 events per second of event time, ending now: Kafka refuses timestamps more than an
    // hour ahead of its clock, which 10M events starting now would reach.
    startMs: Date.now() - options.events,
  });
  log(`produced ${options.events} events`);
  const input = await readWholeTopic(brokers, job.inputTopic);
  const oracle = windowOracle(input, {
    ...(job.keyField === undefined ? {} : { keyField: job.keyField }),
    timestampField: 'ts',
    sizeMs: PROOF_WINDOW_MS,
  });
  const keys = [
    ...new Set([...oracle.windows.keys()].map((id) => id.slice(0, id.lastIndexOf('|')))),
  ];
  keys.sort();
  const step = Math.max(1, Math.floor(keys.length / options.sampleKeys));
  const sampledKeys = keys.filter((_, i) => i % step === 0).slice(0, options.sampleKeys);

  const firstStarted = Date.now();
  const first = spawn();
  let before: Map<string, string>;
  try {
    await waitForAllTasks(first, job, 120_000, taskCount);
    await waitForDrain({
      brokers,
      group: job.name,
      topics: job.consumedTopics,
      timeoutMs: options.drainTimeoutMs ?? 180_000,
      check: () => {
        if (!first.running) throw new Error('the first instance exited before draining');
      },
    });
    before = await queryKeys(first, job.store, sampledKeys);
    const exit = await first.stop();
    if (exit.code !== 0) throw new Error(`first instance stopped with ${JSON.stringify(exit)}`);
  } finally {
    first.kill('SIGKILL');
    await first.exited;
  }
  const firstRunMs = Date.now() - firstStarted;
  log(`first run processed everything in ${firstRunMs} ms; queried ${sampledKeys.length} keys`);
  const expected = oracleAnswers(oracle.windows, new Set(sampledKeys));
  const wrongAnswers = sampledKeys.filter((key) => before.get(key) !== expected.get(key));

  const changelog = `${job.name}-${job.store}-changelog`;
  const changelogRecords = await topicSize(brokers, changelog);
  await rm(stateDir, { recursive: true, force: true });
  log(`deleted ${stateDir}; changelog ${changelog} holds ${changelogRecords} records`);

  const second = spawn();
  try {
    await waitForAllTasks(second, job, 600_000, taskCount);
    const figures = await restoreFigures(second, job);
    const after = await queryKeys(second, job.store, sampledKeys);
    const changedAnswers = sampledKeys.filter((key) => after.get(key) !== before.get(key));
    const afterRestore = options.compareAll
      ? compareWindows(
          oracle.windows,
          await servedWindows(second, job.store, {
            ...windowSpan(oracle.windows, PROOF_WINDOW_MS),
            sizeMs: PROOF_WINDOW_MS,
          }),
        )
      : undefined;
    await second.stop();
    return {
      job,
      inputRecords: input.length,
      changelogRecords,
      figures,
      sampledKeys,
      changedAnswers,
      wrongAnswers,
      afterRestore,
      firstRunMs,
    };
  } finally {
    second.kill('SIGKILL');
    await second.exited;
  }
}

/** `GET /stores/:store/keys/:key` for each key; the body as canonical text (404 → ''). */
async function queryKeys(
  proc: SluiceProcess,
  store: string,
  keys: readonly string[],
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const key of keys) {
    const path = `/stores/${encodeURIComponent(store)}/keys/${encodeURIComponent(key)}`;
    const res = await proc.getJson<KeyAnswer>(path);
    if (res.status !== 200) {
      throw new Error(`GET ${path} → ${res.status}: ${JSON.stringify(res.body).slice(0, 300)}`);
    }
    out.set(key, canonicalAnswer(res.body.windows));
  }
  return out;
}

/** `startMs:events:revenue;…` of a key's windows, in start order. */
function canonicalAnswer(windows: KeyAnswer['windows']): string {
  return windows
    .map((w) => `${w.startMs}:${String(w.value['events'])}:${String(w.value['revenue'])}`)
    .sort()
    .join(';');
}

/** The oracle's answers for `keys`, in the form of `canonicalAnswer`. */
function oracleAnswers(
  table: ReadonlyMap<string, { events: number; revenue: number }>,
  keys: ReadonlySet<string>,
): Map<string, string> {
  const rows = new Map<string, string[]>();
  for (const [id, w] of table) {
    const at = id.lastIndexOf('|');
    const key = id.slice(0, at);
    if (!keys.has(key)) continue;
    let list = rows.get(key);
    if (!list) rows.set(key, (list = []));
    list.push(`${id.slice(at + 1)}:${w.events}:${w.revenue}`);
  }
  return new Map([...rows].map(([key, list]) => [key, list.sort().join(';')]));
}

async function restoreFigures(proc: SluiceProcess, job: ProofJob): Promise<RestoreFigures> {
  const starts = proc.linesMatching(RESTORING).map((m) => Date.parse(m[1]!));
  const ends = proc.linesMatching(REPLAYED);
  const records = ends.reduce((sum, m) => sum + Number(m[2]), 0);
  const restoreMs = ends.reduce((sum, m) => sum + Number(m[3]), 0);
  const wallMs =
    ends.length > 0 && starts.length > 0
      ? Math.max(...ends.map((m) => Date.parse(m[1]!))) - Math.min(...starts)
      : 0;
  const metrics = await proc.getJson<string>('/metrics');
  let metricRecords = 0;
  for (const line of String(metrics.body).split('\n')) {
    if (line.startsWith('sluice_restore_records_total{') && line.includes(`job="${job.name}"`)) {
      metricRecords += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return {
    partitions: ends.length,
    records,
    restoreMs,
    wallMs,
    recordsPerSecond: restoreMs > 0 ? Math.round((records * 1000) / restoreMs) : 0,
    wallRecordsPerSecond: wallMs > 0 ? Math.round((records * 1000) / wallMs) : 0,
    metricRecords,
  };
}
