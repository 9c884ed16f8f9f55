// The local Kafka manager: fetch (once), format, start, find, stop a single-node KRaft broker
// on 127.0.0.1 for `sluice kafka`, `npm start` without KAFKA_BROKERS, the tests and CI.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { appendFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { SluiceError } from '../../core/errors.js';
import { brokerConfig, brokerLog4jConfig, renderProperties } from './broker-config.js';
import {
  isBrokerProcess,
  isProcessAlive,
  readPidFile,
  removePidFile,
  spawnBroker,
  terminateProcess,
  writePidFile,
} from './broker-process.js';
import { brokerAnswers, waitForBroker } from './broker-readiness.js';
import { ensureKafkaDistribution, kafkaClassPath } from './kafka-distribution.js';
import { javaRuntime, type JavaRuntime } from './java-runtime.js';
import {
  KAFKA_HOST,
  localKafkaLayout,
  resolveKafkaPort,
  type LocalKafkaLayout,
} from './local-kafka-layout.js';
import { findFreePort, isPortFree } from './port-probe.js';
import {
  formatDurationMs,
  progressTicker,
  silentLog,
  type ProgressLog,
} from './progress-ticker.js';

export interface LocalKafkaOptions {
  /** Broker port; default `SLUICE_KAFKA_PORT`, else 9092. The controller takes port + 1 if free. */
  port?: number;
  /** No progress lines at all. */
  quiet?: boolean;
  /** Where progress lines go; default stderr. Ignored when `quiet`. */
  log?: ProgressLog;
  /** Folder holding `.sluice/`; default the Sluice package root. */
  rootDir?: string;
}

export interface StartLocalKafkaOptions extends LocalKafkaOptions {
  /** How long to wait for the broker to answer after spawning it; default 90 000 ms. */
  startTimeoutMs?: number;
  /** Broker heap in MiB (-Xms = -Xmx); default 1024. */
  heapMb?: number;
  /** Delete the broker's topic data before starting (a new empty cluster). */
  fresh?: boolean;
}

export interface StopLocalKafkaOptions extends LocalKafkaOptions {
  /** Time between SIGTERM and SIGKILL; default 30 000 ms. */
  gracefulMs?: number;
}

export interface LocalKafka {
  /** Bootstrap servers, e.g. `['127.0.0.1:9092']`. */
  brokers: string[];
  /** True when this call spawned the broker; false when it was already running. */
  startedByUs: boolean;
  /** The broker's log4j2 log file. */
  logFile: string;
  pid: number;
}

export interface LocalKafkaStatus {
  running: boolean;
  /** Only when running. */
  pid?: number;
  /** Only when running: the broker answered a metadata request just now. */
  answering?: boolean;
  port: number;
  brokers: string[];
  version: string;
  /** True once the jars have been fetched. */
  fetched: boolean;
  logFile: string;
  dataDir: string;
}

export interface StopResult {
  /** False when no broker of ours was running on the port. */
  wasRunning: boolean;
  pid?: number;
  /** True when SIGTERM was not enough and SIGKILL ended it. */
  killed: boolean;
}

const DEFAULT_START_TIMEOUT_MS = 90_000;
const DEFAULT_GRACEFUL_MS = 30_000;
const DEFAULT_HEAP_MB = 1024;
/** How long a second starter waits for the first before giving up. */
const START_LOCK_WAIT_MS = 300_000;

/**
 * Makes sure a local broker is running on `127.0.0.1:<port>` and answers metadata requests.
 * Reuses our own running broker (found by the pid file); otherwise checks Java, fetches the
 * jars on first use, formats storage on first use, spawns the broker detached and waits for it.
 * The broker keeps running after this process exits; stop it with `stopLocalKafka`.
 *
 * Throws SluiceError: KAFKA_JAVA_MISSING, KAFKA_MAVEN_MISSING (first fetch only),
 * KAFKA_PORT_TAKEN (another process holds the port), KAFKA_START_FAILED (fetch, format or
 * start failed; the message names the log file).
 */
export async function ensureLocalKafka(options: StartLocalKafkaOptions = {}): Promise<LocalKafka> {
  const log = progressLog(options);
  const layout = localKafkaLayout(layoutOptions(options));
  await mkdir(join(layout.brokerDir, 'logs'), { recursive: true });
  const releaseLock = await acquireStartLock(layout, log);
  try {
    const running = await runningBroker(layout);
    if (running !== undefined) {
      // It may still be starting (another process spawned it a moment ago).
      const outcome = await waitForBroker({
        host: KAFKA_HOST,
        port: layout.port,
        timeoutMs: options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS,
        hasExited: () => !isProcessAlive(running),
      });
      if (outcome !== 'ready') {
        throw new SluiceError(
          'KAFKA_START_FAILED',
          `Kafka (pid ${running}) on ${brokerAddress(layout)} is running but does not answer; ` +
            `see ${layout.logFile}, or restart it with sluice kafka stop && sluice kafka start`,
        );
      }
      log(`Kafka is already running on ${brokerAddress(layout)} (pid ${running})`);
      log(`  log: ${layout.logFile}`);
      return {
        brokers: [brokerAddress(layout)],
        startedByUs: false,
        logFile: layout.logFile,
        pid: running,
      };
    }
    return await startBroker(layout, options, log);
  } finally {
    await releaseLock();
  }
}

/**
 * Stops our broker on the port: SIGTERM, then SIGKILL after `gracefulMs`. Resolves once the
 * process is gone. A broker that sluice did not start is never touched.
 */
export async function stopLocalKafka(options: StopLocalKafkaOptions = {}): Promise<StopResult> {
  const log = progressLog(options);
  const layout = localKafkaLayout(layoutOptions(options));
  const pid = await runningBroker(layout);
  if (pid === undefined) {
    log(`No Kafka started by sluice is running on ${brokerAddress(layout)}`);
    return { wasRunning: false, killed: false };
  }
  log(`Stopping Kafka on ${brokerAddress(layout)} (pid ${pid})…`);
  const startedMs = Date.now();
  const outcome = await terminateProcess(pid, {
    gracefulMs: options.gracefulMs ?? DEFAULT_GRACEFUL_MS,
    onWaiting: (elapsedMs) => log(`  shutting down… ${Math.round(elapsedMs / 1000)} s`),
  });
  await removePidFile(layout.pidFile);
  const killed = outcome === 'killed';
  log(
    killed
      ? `  did not stop within ${formatDurationMs(options.gracefulMs ?? DEFAULT_GRACEFUL_MS)}; killed (SIGKILL)`
      : `  stopped in ${formatDurationMs(Date.now() - startedMs)}`,
  );
  return { wasRunning: true, pid, killed };
}

/** Whether our broker on the port runs, and where its files are. Never starts anything. */
export async function localKafkaStatus(options: LocalKafkaOptions = {}): Promise<LocalKafkaStatus> {
  const layout = localKafkaLayout(layoutOptions(options));
  const pid = await runningBroker(layout);
  const base = {
    port: layout.port,
    brokers: [brokerAddress(layout)],
    version: layout.version,
    fetched: existsSync(layout.fetchMarkerFile),
    logFile: layout.logFile,
    dataDir: layout.dataDir,
  };
  if (pid === undefined) return { running: false, ...base };
  return { running: true, pid, answering: await brokerAnswers(KAFKA_HOST, layout.port), ...base };
}

/**
 * Java and the class path of the fetched Kafka jars (fetching them if needed), to run Kafka's
 * own tools, e.g. `java -cp <classPath> org.apache.kafka.tools.ConsumerPerformance …`
 * (kafka-consumer-perf-test) or `org.apache.kafka.tools.ProducerPerformance`.
 */
export async function localKafkaClassPath(
  options: LocalKafkaOptions = {},
): Promise<{ javaPath: string; classPath: string; version: string }> {
  const layout = localKafkaLayout(layoutOptions(options));
  const java = javaRuntime();
  await ensureKafkaDistribution(layout, progressLog(options));
  return { javaPath: java.javaPath, classPath: kafkaClassPath(layout), version: layout.version };
}

async function startBroker(
  layout: LocalKafkaLayout,
  options: StartLocalKafkaOptions,
  log: ProgressLog,
): Promise<LocalKafka> {
  const startedMs = Date.now();
  if (!(await isPortFree(layout.port, KAFKA_HOST))) {
    throw new SluiceError(
      'KAFKA_PORT_TAKEN',
      `port ${layout.port} on ${KAFKA_HOST} is in use by another process (not a broker sluice ` +
        `started). Stop it, point Sluice at it with KAFKA_BROKERS=${brokerAddress(layout)} if it ` +
        `is a Kafka broker, or pick another port with --port / SLUICE_KAFKA_PORT.`,
    );
  }
  const java = javaRuntime();
  await ensureKafkaDistribution(layout, log);

  const controllerPort = await pickControllerPort(layout.port);
  if (options.fresh === true) {
    log(`Deleting the old topic data in ${layout.dataDir} (--fresh)`);
    await rm(layout.dataDir, { recursive: true, force: true });
  }
  await writeFile(
    layout.serverPropertiesFile,
    renderProperties(
      brokerConfig({
        host: KAFKA_HOST,
        port: layout.port,
        controllerPort,
        dataDir: layout.dataDir,
      }),
      'Generated by sluice kafka at each start: edits are overwritten.',
    ),
  );
  await writeFile(layout.log4jConfigFile, brokerLog4jConfig(layout.logFile));
  if (!existsSync(join(layout.dataDir, 'meta.properties'))) {
    await formatStorage(layout, java, log);
  }

  log(`Starting Kafka ${layout.version} on ${brokerAddress(layout)}…`);
  // Marks where this run begins in the .out file, which keeps output of earlier runs.
  await appendFile(layout.outFile, `--- sluice kafka start ${new Date().toISOString()}\n`);
  const child = spawnBroker({
    javaPath: java.javaPath,
    classPath: kafkaClassPath(layout),
    serverPropertiesFile: layout.serverPropertiesFile,
    log4jConfigFile: layout.log4jConfigFile,
    outFile: layout.outFile,
    heapMb: options.heapMb ?? DEFAULT_HEAP_MB,
  });
  const pid = child.pid;
  if (pid === undefined) {
    throw new SluiceError('KAFKA_START_FAILED', `could not spawn ${java.javaPath}`);
  }
  let exitCode: number | undefined;
  child.once('exit', (code, signal) => {
    exitCode = code ?? (signal === null ? -1 : 128);
  });
  await writePidFile(layout.pidFile, pid);

  const timeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  const ticker = progressTicker(log, 'waiting for the broker to answer');
  const outcome = await waitForBroker({
    host: KAFKA_HOST,
    port: layout.port,
    timeoutMs,
    hasExited: () => exitCode !== undefined || !isProcessAlive(pid),
  });
  ticker.stop();
  if (outcome !== 'ready') {
    if (outcome === 'timeout') await terminateProcess(pid, { gracefulMs: 10_000 });
    await removePidFile(layout.pidFile);
    const why =
      outcome === 'timeout'
        ? `did not answer within ${formatDurationMs(timeoutMs)} (stopped it)`
        : `exited during start-up${typeof exitCode === 'number' ? ` with code ${exitCode}` : ''}`;
    throw new SluiceError(
      'KAFKA_START_FAILED',
      `Kafka on ${brokerAddress(layout)} ${why}. See ${layout.logFile} and ${layout.outFile}.\n` +
        (await logTail(layout)),
    );
  }
  log(
    `Kafka ${layout.version} is running on ${brokerAddress(layout)} (pid ${pid}, ` +
      `ready in ${formatDurationMs(Date.now() - startedMs)})`,
  );
  log(`  log: ${layout.logFile}`);
  return { brokers: [brokerAddress(layout)], startedByUs: true, logFile: layout.logFile, pid };
}

/** The pid of our broker on this port, or undefined (removing a stale pid file). */
async function runningBroker(layout: LocalKafkaLayout): Promise<number | undefined> {
  const pid = await readPidFile(layout.pidFile);
  if (pid === undefined) return undefined;
  if (isBrokerProcess(pid, layout.serverPropertiesFile)) return pid;
  await removePidFile(layout.pidFile);
  return undefined;
}

/** Port + 1 like Kafka's sample configs when free, else whatever the kernel hands out. */
async function pickControllerPort(port: number): Promise<number> {
  if (port < 65535 && (await isPortFree(port + 1, KAFKA_HOST))) return port + 1;
  return findFreePort(KAFKA_HOST);
}

async function formatStorage(
  layout: LocalKafkaLayout,
  java: JavaRuntime,
  log: ProgressLog,
): Promise<void> {
  log(`Formatting KRaft storage in ${layout.dataDir}…`);
  const ticker = progressTicker(log, 'formatting');
  // No log4j2 config: the tool then logs errors only, to the output captured below, and
  // its config dump stays out of the broker's log.
  const args = [
    '-cp',
    kafkaClassPath(layout),
    'kafka.tools.StorageTool',
    'format',
    '--cluster-id',
    newClusterId(),
    '--config',
    layout.serverPropertiesFile,
  ];
  const { code, output } = await runToCompletion(java.javaPath, args);
  ticker.stop();
  if (code !== 0) {
    throw new SluiceError(
      'KAFKA_START_FAILED',
      `formatting Kafka storage in ${layout.dataDir} failed (exit ${code}):\n${output.trim()}`,
    );
  }
}

/**
 * A cluster id in Kafka's `Uuid` text form: 16 random bytes, base64url without padding.
 * Ids starting with `-` are skipped, as Kafka does, since tools would read them as options.
 */
export function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

async function runToCompletion(
  command: string,
  args: string[],
): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

/**
 * One start at a time per port: a second `ensureLocalKafka` (say `npm start` while the test
 * setup starts the broker) waits for the first and then finds the broker running.
 */
async function acquireStartLock(
  layout: LocalKafkaLayout,
  log: ProgressLog,
): Promise<() => Promise<void>> {
  const lockFile = join(layout.brokerDir, 'start.lock');
  const startedMs = Date.now();
  let told = false;
  for (;;) {
    try {
      await writeFile(lockFile, `${process.pid}\n`, { flag: 'wx' });
      return async () => rm(lockFile, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = await readPidFile(lockFile);
    if (holder === undefined || !isProcessAlive(holder)) {
      await rm(lockFile, { force: true });
      continue;
    }
    if (!told) {
      log(`Waiting for another sluice process (pid ${holder}) that is starting Kafka…`);
      told = true;
    }
    if (Date.now() - startedMs > START_LOCK_WAIT_MS) {
      throw new SluiceError(
        'KAFKA_START_FAILED',
        `process ${holder} has been starting Kafka for over ${START_LOCK_WAIT_MS / 1000} s ` +
          `(lock ${lockFile})`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function logTail(layout: LocalKafkaLayout): Promise<string> {
  const parts: string[] = [];
  for (const file of [layout.outFile, layout.logFile]) {
    const text = await readFile(file, 'utf8').catch(() => '');
    const lines = text
      .trimEnd()
      .split('\n')
      .filter((l) => l !== '');
    if (lines.length > 0) parts.push(`--- last lines of ${file}:\n${lines.slice(-15).join('\n')}`);
  }
  return parts.join('\n');
}

function brokerAddress(layout: LocalKafkaLayout): string {
  return `${KAFKA_HOST}:${layout.port}`;
}

function layoutOptions(options: LocalKafkaOptions): { port: number; rootDir?: string } {
  const port = resolveKafkaPort(options.port);
  return options.rootDir === undefined ? { port } : { port, rootDir: options.rootDir };
}

function progressLog(options: LocalKafkaOptions): ProgressLog {
  if (options.quiet === true) return silentLog;
  return options.log ?? ((line) => process.stderr.write(`${line}\n`));
}
