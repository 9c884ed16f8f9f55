// The crash-consistency proof: the windowed proof job runs as a child process that is SIGKILLed
// several times at random moments while traffic arrives, restarted each time on the same state
// dir; after the last restart drains the input, its store and output topic must equal the
// oracle — no record lost, none counted twice.

import { proofProcesses } from './proof-processes.js';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SluiceProcess } from './sluice-process.js';
import { produceActivity, PROOF_WINDOW_MS, waitForDrain, type ProofJob } from './proof-env.js';
import { compareWindows, windowOracle, type WindowComparison } from './window-oracle.js';
import { lastOutputWindows, readWholeTopic, servedWindows, windowSpan } from './window-readers.js';

export interface CrashScenarioOptions {
  readonly brokers: readonly string[];
  /** Scratch folder of this run (job file, state dir, process logs); the caller removes it. */
  readonly workDir: string;
  /** Prefix of every topic, the job name and the store of this run. */
  readonly prefix: string;
  readonly events: number;
  /** Production rate while the job is being killed, events/s (0 = all before the first start). */
  readonly ratePerSec: number;
  readonly kills: number;
  /** Each kill comes this long after the restarted process opened its first task: [min, max] ms. */
  readonly killDelayMs: readonly [number, number];
  readonly seed: number;
  readonly commitIntervalMs: number;
  readonly sessionTimeoutMs: number;
  /** Re-key through a repartition topic first (e.g. 'category'); default: window by user_id. */
  readonly keyBy?: string;
  readonly log: (line: string) => void;
  /** Random numbers in [0, 1) for the kill delays (default Math.random). */
  readonly random?: () => number;
  /** Longest wait for the final drain, ms. */
  readonly drainTimeoutMs?: number;
}

export interface KillRecord {
  readonly round: number;
  /** From the process' first task opening to the kill, ms. */
  readonly delayMs: number;
  /** From spawn to the kill, ms. */
  readonly uptimeMs: number;
  /** Sum of the job's input positions just before the kill (records processed, per its API). */
  readonly positionBeforeKill: number | undefined;
  /**
   * How the killed process' stores opened, from its log (a store reopened from its local
   * checkpoint alone logs nothing): catch-up (local state plus a newer commit from the
   * changelog), restored, empty.
   */
  readonly openedFrom: readonly string[];
}

export interface CrashReport {
  readonly job: ProofJob;
  readonly inputRecords: number;
  readonly oracleWindows: number;
  readonly kills: readonly KillRecord[];
  /** Windows in the store, read through the final instance's API. */
  readonly store: WindowComparison;
  /** Last value per window on the output topic. */
  readonly output: WindowComparison;
  readonly outputRecords: number;
  readonly deadLetters: number;
  readonly drainMs: number;
  readonly totalMs: number;
}

const TASK_STARTED = /job \S+: task \d+:\d+ started/;
const STORE_OPENED = /state \S+: (restored|catch-up|empty|local|reset), \d+ records replayed/;

export async function runCrashScenario(options: CrashScenarioOptions): Promise<CrashReport> {
  const started = Date.now();
  const { brokers, log } = options;
  const random = options.random ?? Math.random;
  const { job, spawn } = await proofProcesses({
    brokers,
    workDir: options.workDir,
    prefix: options.prefix,
    ...(options.keyBy === undefined ? {} : { keyBy: options.keyBy }),
    commitIntervalMs: options.commitIntervalMs,
    sessionTimeoutMs: options.sessionTimeoutMs,
  });
  const keepLog = (proc: SluiceProcess, name: string): Promise<void> =>
    writeFile(join(options.workDir, `${name}.log`), `${proc.lines.join('\n')}\n`);

  // Resolves with the producer's failure (if any), so a failure during the kills is not unhandled.
  const producing: Promise<Error | undefined> = produceActivity({
    brokers,
    prefix: options.prefix,
    count: options.events,
    ratePerSec: options.ratePerSec,
    seed: options.seed,
  }).then(
    () => undefined,
    (err: unknown) => (err instanceof Error ? err : new Error(String(err))),
  );
  if (options.ratePerSec === 0) await producing;

  const kills: KillRecord[] = [];
  for (let round = 1; round <= options.kills; round++) {
    const proc = spawn();
    try {
      await proc.waitForLine(TASK_STARTED, { timeoutMs: 120_000 });
      const openedAtMs = Date.now();
      const [min, max] = options.killDelayMs;
      const delayMs = Math.round(min + random() * (max - min));
      await new Promise((r) => setTimeout(r, delayMs));
      const positionBeforeKill = await inputPosition(proc, job).catch(() => undefined);
      proc.kill('SIGKILL');
      const exit = await proc.exited;
      const record: KillRecord = {
        round,
        delayMs: Date.now() - openedAtMs,
        uptimeMs: Date.now() - proc.startedAtMs,
        positionBeforeKill,
        openedFrom: proc.linesMatching(STORE_OPENED).map((m) => m[1]!),
      };
      kills.push(record);
      log(
        `kill ${round}/${options.kills}: SIGKILL ${record.delayMs} ms after the first task opened ` +
          `(uptime ${record.uptimeMs} ms, input position ${positionBeforeKill ?? '?'}, ` +
          `stores opened: ${summarise(record.openedFrom)}) → ${exit.signal ?? exit.code}`,
      );
    } finally {
      proc.kill('SIGKILL');
      await proc.exited;
      await keepLog(proc, `run-${round}`);
    }
  }

  const final = spawn();
  try {
    const producerError = await producing;
    if (producerError !== undefined) throw producerError;
    // The killed runs may have committed everything already: drain only counts once the final
    // instance owns every partition.
    await waitForAllTasks(final, job, 120_000, 4 * job.consumedTopics.length);
    const drainMs = await waitForDrain({
      brokers,
      group: job.name,
      topics: job.consumedTopics,
      timeoutMs: options.drainTimeoutMs ?? 180_000,
      check: () => {
        if (!final.running) throw new Error('the final instance exited before draining');
      },
    });
    const input = await readWholeTopic(brokers, job.inputTopic);
    const oracle = windowOracle(input, {
      ...(job.keyField === undefined ? {} : { keyField: job.keyField }),
      timestampField: 'ts',
      sizeMs: PROOF_WINDOW_MS,
    });
    const served = await servedWindows(final, job.store, {
      ...windowSpan(oracle.windows, PROOF_WINDOW_MS),
      sizeMs: PROOF_WINDOW_MS,
    });
    const stopped = await final.stop();
    if (stopped.code !== 0) log(`final instance stopped with ${JSON.stringify(stopped)}`);
    const outputRecords = await readWholeTopic(brokers, job.outputTopic);
    const deadLetters = (
      await readWholeTopic(brokers, job.spec.deadLetterTopic ?? `${job.name}-dlq`)
    ).length;
    const report: CrashReport = {
      job,
      inputRecords: input.length,
      oracleWindows: oracle.windows.size,
      kills,
      store: compareWindows(oracle.windows, served),
      output: compareWindows(oracle.windows, lastOutputWindows(outputRecords)),
      outputRecords: outputRecords.length,
      deadLetters,
      drainMs,
      totalMs: Date.now() - started,
    };
    return report;
  } finally {
    final.kill('SIGKILL');
    await final.exited;
    await keepLog(final, 'run-final');
  }
}

/** Waits until the instance runs a task for every partition of the job's first source topic. */
export async function waitForAllTasks(
  proc: SluiceProcess,
  job: ProofJob,
  timeoutMs: number,
  partitions = 4,
): Promise<void> {
  await proc.waitForApi(timeoutMs);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!proc.running) throw new Error(`pid ${proc.pid} exited while waiting for its tasks`);
    const res = await proc.getJson<{ state: string; tasks: Array<{ status: string }> }>(
      `/jobs/${job.name}`,
    );
    const running = res.body.tasks?.filter((t) => t.status === 'running').length ?? 0;
    if (res.status === 200 && res.body.state === 'running' && running >= partitions) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`pid ${proc.pid}: job ${job.name} did not run all ${partitions} tasks in time`);
}

/** Sum of the job's task positions on its first source topic, from `GET /jobs/:job`. */
async function inputPosition(proc: SluiceProcess, job: ProofJob): Promise<number> {
  const res = await proc.getJson<{ tasks: Array<{ positions: Record<string, string> }> }>(
    `/jobs/${job.name}`,
    1_000,
  );
  let sum = 0;
  for (const t of res.body.tasks) sum += Number(t.positions[job.inputTopic] ?? 0);
  return sum;
}

function summarise(values: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].map(([v, n]) => `${v} ×${n}`).join(', ') || 'none yet';
}
