// Golden cases: a job file, input records and the expected outputs, run on the TestDriver one
// record per batch with a commit after each — straight through, or with restarts in between.

import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { JsonObject, RecordHeaders } from '../../src/core/record.js';
import type { Topology } from '../../src/core/topology.js';
import { parseJobText } from '../../src/jobs/job-loader.js';
import { formatJobProblem } from '../../src/jobs/job-problem.js';
import { buildTopology } from '../../src/jobs/topology-builder.js';
import { TestDriver, type TestInput, type TestOutput } from '../../src/runtime/test-driver.js';

export const CASES_DIR = join(import.meta.dirname, 'cases');

/** One line of input.jsonl: `value` is JSON-encoded, `raw` is sent as these exact bytes (UTF-8). */
export interface GoldenInput {
  readonly topic: string;
  readonly key?: string | null;
  readonly value?: JsonObject;
  readonly raw?: string;
  readonly timestampMs: number;
  readonly partition?: number;
  readonly headers?: RecordHeaders;
}

/** One line of expected.jsonl: `headers` lists only the headers checked (a subset). */
export interface GoldenOutput {
  readonly topic: string;
  readonly key: string | null;
  readonly value: unknown;
  readonly headers?: RecordHeaders;
}

/** Optional case.json: TestDriver options. */
export interface GoldenOptions {
  /** Partitions of every topic (sources and repartition topics). Default 1. */
  readonly partitions?: number;
  /** Commit after every this many input records in the redelivery runs (default 3). */
  readonly commitEvery?: number;
  /**
   * A known bug that makes restarts diverge from the straight run: why, and after which records
   * a restart diverges, at commit boundaries and with redelivery. The test checks exactly these
   * diverge (so it fails, and this entry must go, once the bug is fixed).
   */
  readonly knownRestartBug?: {
    readonly reason: string;
    readonly atCommitBoundaries: readonly number[];
    readonly withRedelivery: readonly number[];
  };
}

export interface GoldenCase {
  readonly name: string;
  readonly dir: string;
  readonly topology: Topology;
  readonly inputs: readonly GoldenInput[];
  readonly expected: readonly GoldenOutput[];
  readonly options: GoldenOptions;
}

/** What a run leaves: outputs on every non-internal topic, and every store's contents. */
export interface GoldenRun {
  readonly outputs: readonly TestOutput[];
  /** `store/partition` → key → value, keys sorted. */
  readonly stores: Readonly<Record<string, Record<string, unknown>>>;
}

/** Headers compared on dead letters: why, where, and which input record. */
export const DLQ_HEADERS_CHECKED = [
  'sluice-error-code',
  'sluice-node',
  'sluice-source-topic',
  'sluice-source-partition',
  'sluice-source-offset',
] as const;

export function caseNames(): string[] {
  return readdirSync(CASES_DIR, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

export function loadGoldenCase(name: string): GoldenCase {
  const dir = join(CASES_DIR, name);
  const file = join(dir, 'job.yaml');
  const { spec, problems } = parseJobText(readFileSync(file, 'utf8'), file);
  if (!spec) throw new Error(`${file}: ${problems.map(formatJobProblem).join('\n')}`);
  const optionsFile = join(dir, 'case.json');
  const options = existsSync(optionsFile)
    ? (JSON.parse(readFileSync(optionsFile, 'utf8')) as GoldenOptions)
    : {};
  const expectedFile = join(dir, 'expected.jsonl');
  return {
    name,
    dir,
    topology: buildTopology(spec),
    inputs: readJsonLines<GoldenInput>(join(dir, 'input.jsonl')),
    expected: existsSync(expectedFile) ? readJsonLines<GoldenOutput>(expectedFile) : [],
    options,
  };
}

function readJsonLines<T>(file: string): T[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, i) => {
      try {
        return JSON.parse(line) as T;
      } catch (err) {
        throw new Error(`${file}:${i + 1}: ${(err as Error).message}`);
      }
    });
}

function toTestInput(input: GoldenInput): TestInput {
  return {
    key: input.key ?? null,
    value: input.raw !== undefined ? input.raw : (input.value ?? null),
    timestampMs: input.timestampMs,
    ...(input.partition === undefined ? {} : { partition: input.partition }),
    ...(input.headers === undefined ? {} : { headers: input.headers }),
  };
}

export interface RunPlan {
  /** Restart (crash + redeliver from the committed offsets) after this many input records. */
  readonly restartAfter?: number;
  /** Commit after every this many records (default 1: after each). Always commits at the end. */
  readonly commitEvery?: number;
}

/**
 * Pipes the inputs one record per batch. With `restartAfter = k`, the driver restarts after the
 * k-th record (0 = before the first): whatever was not committed is redelivered by the driver.
 */
export async function runGoldenCase(c: GoldenCase, plan: RunPlan = {}): Promise<GoldenRun> {
  const driver = new TestDriver(c.topology, { partitions: c.options.partitions ?? 1 });
  const commitEvery = plan.commitEvery ?? 1;
  for (let i = 0; i <= c.inputs.length; i++) {
    if (plan.restartAfter === i) await driver.restart();
    const input = c.inputs[i];
    if (input === undefined) break;
    await driver.pipe(input.topic, [toTestInput(input)]);
    if ((i + 1) % commitEvery === 0) await driver.commit();
  }
  await driver.commit();
  const run = {
    outputs: visibleOutputs(driver, c.topology),
    stores: await storeContents(driver, c),
  };
  await driver.close();
  return run;
}

/** Outputs on every topic the job writes but its repartition topics: topic by topic, each in order. */
function visibleOutputs(driver: TestDriver, topology: Topology): TestOutput[] {
  const internal = new Set(
    topology.subtopologies.filter((s) => s.internalSource).flatMap((s) => s.sourceTopics),
  );
  const topics = new Set<string>([topology.deadLetterTopic]);
  for (const sub of topology.subtopologies) {
    for (const node of sub.nodes) {
      for (const t of node.outputTopics) if (!internal.has(t.name)) topics.add(t.name);
    }
  }
  return [...topics].flatMap((t) => driver.outputs(t));
}

async function storeContents(
  driver: TestDriver,
  c: GoldenCase,
): Promise<Record<string, Record<string, unknown>>> {
  const out: Record<string, Record<string, unknown>> = {};
  const names = c.topology.subtopologies.flatMap((s) =>
    s.nodes.flatMap((n) => n.stores.map((d) => d.name)),
  );
  for (const name of names) {
    for (let p = 0; p < (c.options.partitions ?? 1); p++) {
      const store = driver.store(name, p);
      if (!store) continue;
      const entries: Array<[string, unknown]> = [];
      for await (const entry of store.entries()) entries.push(entry);
      entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      out[`${name}/${p}`] = Object.fromEntries(entries);
    }
  }
  return out;
}

/** The expected-file form of an output: checked headers only (DLQ headers; none elsewhere). */
export function toGoldenOutput(output: TestOutput, deadLetterTopic: string): GoldenOutput {
  const base = { topic: output.topic, key: output.key, value: output.value };
  if (output.topic !== deadLetterTopic) return base;
  const headers: RecordHeaders = {};
  for (const name of DLQ_HEADERS_CHECKED) {
    const value = output.headers[name];
    if (value !== undefined) headers[name] = value;
  }
  return { ...base, headers };
}

/** Writes expected.jsonl from a run (UPDATE_GOLDEN=1); the result must then be checked by hand. */
export function writeExpected(c: GoldenCase, run: GoldenRun): void {
  const lines = run.outputs.map((o) =>
    JSON.stringify(toGoldenOutput(o, c.topology.deadLetterTopic)),
  );
  writeFileSync(join(c.dir, 'expected.jsonl'), lines.map((l) => `${l}\n`).join(''));
}

/** Outputs grouped by topic, each in the order written. */
export function byTopic<T extends { readonly topic: string }>(
  outputs: readonly T[],
): Record<string, T[]> {
  const out: Record<string, T[]> = {};
  for (const o of outputs) (out[o.topic] ??= []).push(o);
  return out;
}

/** Distinct `(topic, key, value)` triples, as sorted JSON strings. */
export function distinctOutputs(outputs: readonly TestOutput[]): string[] {
  return [...new Set(outputs.map((o) => JSON.stringify([o.topic, o.key, o.value])))].sort();
}

/** The last value written per `(topic, key)`, as sorted JSON strings. */
export function lastPerKey(outputs: readonly TestOutput[]): string[] {
  const last = new Map<string, string>();
  for (const o of outputs) last.set(JSON.stringify([o.topic, o.key]), JSON.stringify(o.value));
  return [...last].map(([k, v]) => `${k} => ${v}`).sort();
}

/**
 * Where a restarted run ends differently from the straight run; undefined if it does not. Stores
 * must be equal, and outputs equal as a set of `(topic, key, value)` with the same last value per
 * key (redelivered records may repeat outputs); with `exactOutputs`, equal record for record.
 */
export function restartDivergence(
  straight: GoldenRun,
  restarted: GoldenRun,
  options: { exactOutputs?: boolean } = {},
): string | undefined {
  const sequence = (run: GoldenRun): string[] =>
    run.outputs.map((o) => JSON.stringify([o.topic, o.key, o.value]));
  const checks: Array<[string, unknown, unknown]> = [
    ['stores', straight.stores, restarted.stores],
    ['distinct outputs', distinctOutputs(straight.outputs), distinctOutputs(restarted.outputs)],
    ['last value per key', lastPerKey(straight.outputs), lastPerKey(restarted.outputs)],
  ];
  if (options.exactOutputs === true) {
    checks.push(['output sequence', sequence(straight), sequence(restarted)]);
  }
  for (const [what, expected, actual] of checks) {
    if (!isDeepStrictEqual(expected, actual)) {
      return `${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`;
    }
  }
  return undefined;
}
