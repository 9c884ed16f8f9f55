// Runs the Kafka Streams (Java) baseline of `npm run bench`: builds bench/kafka-streams (in the
// package root) once, rebuilt when its sources change, drains the input topic through the same
// windowed count + sum job Sluice runs, and returns the JVM's throughput, CPU and peak RSS figures.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { localKafkaClassPath } from '../local-kafka/index.js';
import { sluiceRootDir } from '../local-kafka/local-kafka-layout.js';

export interface KafkaStreamsBaselineOptions {
  brokers: string[];
  /** Input topic, preloaded with `expectedRecords` JSON events keyed by their key string. */
  topic: string;
  /** The run ends when this many records went through the topology. */
  expectedRecords: number;
  /** A new one per run: Kafka Streams then reads the topic from the beginning. */
  applicationId: string;
  /** Kafka Streams' `state.dir`; the run's own state is wiped at the end. */
  stateDir: string;
  /** Kafka Streams' `commit.interval.ms`; default: Kafka Streams' own (30 000 ms at at_least_once). */
  commitIntervalMs?: number;
  /** Kafka Streams' `num.stream.threads`; default: Kafka Streams' own (1). */
  numStreamThreads?: number;
  /** Output topic of the window updates; default `<applicationId>-output`. */
  outputTopic?: string;
  /** Give up when no record arrives for this long; default 120 000 ms. */
  idleTimeoutMs?: number;
  /** Delete the output topic, the app's internal topics and its group after the run; default true. */
  deleteTopics?: boolean;
  /** JVM max heap in MiB; default 1024. */
  heapMb?: number;
}

export interface KafkaStreamsBaselineResult {
  /** Records that went through the topology (= expectedRecords on success). */
  records: number;
  /** From the first record through the topology to the last (the N-th), in ms. */
  elapsedMs: number;
  /** (records − 1) / elapsed: processing throughput, excluding start-up and the final close. */
  eventsPerSec: number;
  /** JVM process CPU (all threads, RocksDB's included) over the `elapsedMs` interval, in s. */
  cpuSeconds?: number;
  /** JVM process CPU from its start until the last record (start-up and JIT included), in s. */
  cpuSecondsTotal?: number;
  /** Peak resident set (VmHWM) of the JVM over the whole run, in MiB. */
  peakRssMb?: number;
  /** From `KafkaStreams.start()` to the first record (group join, task and store init), in ms. */
  startupMs: number;
  /** From `KafkaStreams.start()` to the last record, in ms. */
  wallMs: number;
  /** `KafkaStreams.close()`: the final commit (cache → RocksDB, changelog, output, offsets), in ms. */
  closeMs: number;
  /**
   * records / (elapsedMs + closeMs): throughput counting the final commit as part of the
   * work, fairer when the run is shorter than `commitIntervalMs` (all flushing happens at close).
   */
  eventsPerSecWithClose: number;
  /** Window updates forwarded to the output topic (the record cache absorbs most updates). */
  outputRecords: number;
  /** Kafka Streams' dropped-records-total (late records, bad timestamps). */
  droppedRecords: number;
  /** The effective `commit.interval.ms`. */
  commitIntervalMs: number;
  numStreamThreads: number;
  processingGuarantee: string;
  /** Set when deleting the run's topics or group failed (the figures are still valid). */
  cleanupError?: string;
}

/** The Maven project; found from the package root, so it works from src/ (tsx) and dist/. */
const PROJECT_DIR = join(sluiceRootDir(), 'bench', 'kafka-streams');
const MAIN_CLASS = 'sluice.bench.WindowedCountSum';
const STAMP_FILE = join(PROJECT_DIR, 'target', 'build-stamp.txt');
const CLASSPATH_FILE = join(PROJECT_DIR, 'target', 'classpath.txt');
const STDERR_TAIL_LINES = 40;

/**
 * Drains `topic` with the Kafka Streams app in a child JVM and returns its figures. Builds the
 * app first when its sources changed. Rejects when the build fails, the app exits non-zero
 * (no record for `idleTimeoutMs`, a dead stream thread), or prints no result line; the error
 * carries the tail of the JVM's stderr.
 */
export async function runKafkaStreamsBaseline(
  opts: KafkaStreamsBaselineOptions,
): Promise<KafkaStreamsBaselineResult> {
  const { javaPath } = await localKafkaClassPath({ quiet: true });
  const classPath = await ensureKafkaStreamsBuild();
  const args = [
    `-Xmx${opts.heapMb ?? 1024}m`,
    // Kafka's logs at WARN on stderr; stdout carries only the result line.
    '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn',
    '-Dorg.slf4j.simpleLogger.logFile=System.err',
    '-cp',
    classPath,
    MAIN_CLASS,
    `--bootstrap-servers=${opts.brokers.join(',')}`,
    `--input-topic=${opts.topic}`,
    `--output-topic=${opts.outputTopic ?? `${opts.applicationId}-output`}`,
    `--application-id=${opts.applicationId}`,
    `--state-dir=${opts.stateDir}`,
    `--expected-records=${opts.expectedRecords}`,
    `--idle-timeout-ms=${opts.idleTimeoutMs ?? 120_000}`,
    `--delete-topics=${opts.deleteTopics ?? true}`,
  ];
  if (opts.commitIntervalMs !== undefined)
    args.push(`--commit-interval-ms=${opts.commitIntervalMs}`);
  if (opts.numStreamThreads !== undefined)
    args.push(`--num-stream-threads=${opts.numStreamThreads}`);

  const { code, stdout, stderrTail } = await runJava(javaPath, args);
  const line = stdout
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('{'));
  if (line === undefined) {
    throw new Error(`Kafka Streams baseline printed no result (exit ${code}):\n${stderrTail}`);
  }
  const parsed = JSON.parse(line) as Record<string, unknown>;
  if (code !== 0 || parsed.ok !== true) {
    throw new Error(
      `Kafka Streams baseline failed (exit ${code}): ${String(parsed.error)}\n${stderrTail}`,
    );
  }
  return toResult(parsed);
}

/**
 * Builds bench/kafka-streams with `mvn -q -B package` unless the stamp in target/ matches the
 * current pom and sources; returns the run class path (classes + dependency jars).
 */
export async function ensureKafkaStreamsBuild(): Promise<string> {
  const digest = await sourceDigest();
  const stamp = existsSync(STAMP_FILE) ? (await readFile(STAMP_FILE, 'utf8')).trim() : '';
  if (stamp !== digest || !existsSync(CLASSPATH_FILE)) {
    const { code, output } = await runMaven(['-q', '-B', 'package']);
    if (code !== 0) {
      throw new Error(`building ${PROJECT_DIR} failed (mvn exit ${code}):\n${output.trim()}`);
    }
    await writeFile(STAMP_FILE, `${digest}\n`);
  }
  const dependencies = (await readFile(CLASSPATH_FILE, 'utf8')).trim();
  return `${join(PROJECT_DIR, 'target', 'classes')}:${dependencies}`;
}

/** SHA-256 over the pom and every file under src/, in path order. */
async function sourceDigest(): Promise<string> {
  const hash = createHash('sha256');
  const files = [join(PROJECT_DIR, 'pom.xml'), ...(await listFiles(join(PROJECT_DIR, 'src')))];
  for (const file of files.sort()) {
    hash.update(file.slice(PROJECT_DIR.length));
    hash.update('\0');
    hash.update(await readFile(file));
    hash.update('\0');
  }
  return hash.digest('hex');
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(path)));
    else out.push(path);
  }
  return out;
}

function runMaven(args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('mvn', args, { cwd: PROJECT_DIR, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', (err) =>
      reject(new Error(`cannot run mvn (is Maven installed?): ${err.message}`, { cause: err })),
    );
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

function runJava(
  javaPath: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderrTail: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(javaPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderrLines: string[] = [];
    let partial = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      stderrLines = [...stderrLines, ...lines].slice(-STDERR_TAIL_LINES);
    });
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({
        code: code ?? 1,
        stdout,
        stderrTail: [...stderrLines, partial].filter((l) => l !== '').join('\n'),
      }),
    );
  });
}

function toResult(raw: Record<string, unknown>): KafkaStreamsBaselineResult {
  const num = (name: string): number => {
    const value = raw[name];
    if (typeof value !== 'number')
      throw new Error(`result field ${name} is not a number: ${String(value)}`);
    return value;
  };
  const peakRssMb = num('peakRssMb');
  const result: KafkaStreamsBaselineResult = {
    records: num('records'),
    elapsedMs: num('elapsedMs'),
    eventsPerSec: num('eventsPerSec'),
    cpuSeconds: num('cpuSecondsProcessing'),
    cpuSecondsTotal: num('cpuSecondsTotal'),
    startupMs: num('startupMs'),
    wallMs: num('wallMs'),
    closeMs: num('closeMs'),
    eventsPerSecWithClose: num('records') / ((num('elapsedMs') + num('closeMs')) / 1000),
    outputRecords: num('outputRecords'),
    droppedRecords: num('droppedRecords'),
    commitIntervalMs: num('commitIntervalMs'),
    numStreamThreads: num('numStreamThreads'),
    processingGuarantee: String(raw.processingGuarantee),
  };
  if (peakRssMb >= 0) result.peakRssMb = peakRssMb;
  if (typeof raw.cleanupError === 'string') result.cleanupError = raw.cleanupError;
  return result;
}
