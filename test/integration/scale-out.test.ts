// Issue "windowed state" acceptance on the real broker: two instances of one windowed job (two
// child processes, own ports and state dirs) split the partitions, each forwards queries for keys
// the other owns, and when one stops (SIGTERM) while traffic arrives, the other takes its
// partitions over from the changelog and goes on; the final windows equal the oracle.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partitionForKey } from '../../src/runtime/key-partitioner.js';
import { testBrokers, uniqueTestName } from './kafka-test-env.js';
import { waitForAllTasks } from './support/crash-scenario.js';
import {
  deleteTopicsWithPrefix,
  freePort,
  produceActivity,
  proofJob,
  PROOF_WINDOW_MS,
  waitForDrain,
  writeJobFile,
  type ProofJob,
} from './support/proof-env.js';
import { assertBuilt, SluiceProcess } from './support/sluice-process.js';
import { compareWindows, formatComparison, windowOracle } from './support/window-oracle.js';
import {
  lastOutputWindows,
  readWholeTopic,
  servedWindows,
  windowSpan,
} from './support/window-readers.js';

const FIRST_EVENTS = 20_000;
const MORE_EVENTS = 30_000;
const PARTITIONS = 4;

interface JobView {
  state: string;
  tasks: Array<{ partition: number; status: string; positions: Record<string, string> }>;
}

interface KeyAnswer {
  store: string;
  key: string;
  windows: Array<{ startMs: number; value: { events: number; revenue: number } }>;
}

describe('scale-out: two instances share, forward and hand over partitions', () => {
  const brokers = testBrokers();
  const prefix = `${uniqueTestName('scale')}-`;
  let workDir = '';
  const processes: SluiceProcess[] = [];

  beforeAll(async () => {
    assertBuilt();
    workDir = await mkdtemp(join(tmpdir(), 'sluice-scale-it-'));
  });
  afterAll(async () => {
    for (const p of processes) {
      p.kill('SIGKILL');
      await p.exited;
    }
    await deleteTopicsWithPrefix(brokers, prefix).catch(() => undefined);
    if (workDir && process.env.SLUICE_KEEP_PROOF_DIRS !== '1') {
      await rm(workDir, { recursive: true, force: true });
    }
  });

  it('splits partitions, forwards queries, and survives one instance stopping', async () => {
    const job = proofJob(prefix);
    const jobFile = await writeJobFile(workDir, job.spec);
    const start = async (name: string): Promise<SluiceProcess> => {
      const proc = SluiceProcess.start({
        jobFiles: [jobFile],
        brokers,
        stateDir: join(workDir, `state-${name}`),
        apiPort: await freePort(),
        commitIntervalMs: 200,
        sessionTimeoutMs: 6_000,
      });
      processes.push(proc);
      return proc;
    };

    await produceActivity({ brokers, prefix, count: FIRST_EVENTS, ratePerSec: 0, seed: 5 });
    const a = await start('a');
    await waitForAllTasks(a, job, 120_000, PARTITIONS);
    const b = await start('b');
    const split = await waitForSplit(a, b, job, 90_000);
    console.log(`partitions: A ${JSON.stringify(split.a)}, B ${JSON.stringify(split.b)}`);
    expect(split.a.length).toBeGreaterThan(0);
    expect(split.b.length).toBeGreaterThan(0);
    expect([...split.a, ...split.b].sort()).toEqual([0, 1, 2, 3]);

    await waitForDrain({ brokers, group: job.name, topics: job.consumedTopics, timeoutMs: 60_000 });
    const firstInput = await readWholeTopic(brokers, job.inputTopic);
    const firstOracle = windowOracle(firstInput, { timestampField: 'ts', sizeMs: PROOF_WINDOW_MS });
    const keys = [...new Set(firstInput.map((r) => r.key!.toString('utf8')))].sort();

    // A query on either instance for a key the other owns is answered by the owner.
    let forwarded = 0;
    for (const [asked, owner, owned] of [
      [a, b, split.b],
      [b, a, split.a],
    ] as const) {
      const sample = keys.filter((k) => owned.includes(partitionForKey(k, PARTITIONS))).slice(0, 5);
      expect(sample).toHaveLength(5);
      for (const key of sample) {
        const path = `/stores/${encodeURIComponent(job.store)}/keys/${encodeURIComponent(key)}`;
        const via = await asked.getJson<KeyAnswer>(path);
        const direct = await owner.getJson<KeyAnswer>(path);
        expect(via.status, JSON.stringify(via.body)).toBe(200);
        expect(direct.status).toBe(200);
        expect(via.body).toEqual(direct.body);
        expect(answerTotals(via.body)).toEqual(oracleTotals(firstOracle.windows, key));
        forwarded++;
      }
    }
    console.log(`forwarded queries answered by the owner: ${forwarded}/10`);

    // More traffic; B leaves in the middle of it, A takes B's partitions over.
    let producerError: unknown;
    const producing = produceActivity({
      brokers,
      prefix,
      count: MORE_EVENTS,
      ratePerSec: 2_000,
      seed: 6,
    }).catch((err: unknown) => {
      producerError = err;
    });
    await new Promise((r) => setTimeout(r, 3_000));
    const aLinesBefore = a.lines.length;
    const stoppedAt = Date.now();
    const exit = await b.stop();
    expect(exit.code).toBe(0);
    await waitForAllTasks(a, job, 90_000, PARTITIONS);
    const handoverMs = Date.now() - stoppedAt;
    const reopened = a
      .linesMatching(
        /state \S+\/(\d+): (restored|catch-up|local|empty), (\d+) records replayed/,
        aLinesBefore,
      )
      .map((m) => `partition ${m[1]}: ${m[2]} (${m[3]} records)`);
    console.log(
      `B stopped (exit ${exit.code}); A runs all ${PARTITIONS} partitions ${handoverMs} ms later; ` +
        `B's stores on A: ${reopened.join(', ') || 'opened from local state'}`,
    );
    const positionsAtHandover = await inputPositions(a, job);

    await producing;
    expect(producerError).toBeUndefined();
    await waitForDrain({
      brokers,
      group: job.name,
      topics: job.consumedTopics,
      timeoutMs: 120_000,
    });
    const positionsAtEnd = await inputPositions(a, job);
    console.log(
      `A input positions: at handover ${positionsAtHandover}, at the end ${positionsAtEnd}`,
    );
    expect(positionsAtEnd).toBe(FIRST_EVENTS + MORE_EVENTS);
    expect(positionsAtEnd).toBeGreaterThan(positionsAtHandover);

    const input = await readWholeTopic(brokers, job.inputTopic);
    const oracle = windowOracle(input, { timestampField: 'ts', sizeMs: PROOF_WINDOW_MS });
    const served = await servedWindows(a, job.store, {
      ...windowSpan(oracle.windows, PROOF_WINDOW_MS),
      sizeMs: PROOF_WINDOW_MS,
    });
    expect((await a.stop()).code).toBe(0);
    const output = lastOutputWindows(await readWholeTopic(brokers, job.outputTopic));
    const store = compareWindows(oracle.windows, served);
    const topic = compareWindows(oracle.windows, output);
    console.log(formatComparison('store via API of the remaining instance', store));
    console.log(formatComparison('output topic, last value per window', topic));
    expect(input).toHaveLength(FIRST_EVENTS + MORE_EVENTS);
    for (const c of [store, topic]) {
      expect(c.examples, c.examples.join('\n')).toEqual([]);
      expect(c.lost).toBe(0);
      expect(c.doubleCounted).toBe(0);
      expect(c.observedWindows).toBe(oracle.windows.size);
    }
  }, 300_000);
});

/** Waits until both instances run tasks, every partition exactly once between them. */
async function waitForSplit(
  a: SluiceProcess,
  b: SluiceProcess,
  job: ProofJob,
  timeoutMs: number,
): Promise<{ a: number[]; b: number[] }> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  await b.waitForApi(timeoutMs);
  while (Date.now() < deadline) {
    const [va, vb] = await Promise.all([
      a.getJson<JobView>(`/jobs/${job.name}`),
      b.getJson<JobView>(`/jobs/${job.name}`),
    ]);
    const running = (v: JobView): number[] =>
      v.tasks
        .filter((t) => t.status === 'running')
        .map((t) => t.partition)
        .sort((x, y) => x - y);
    const pa = running(va.body);
    const pb = running(vb.body);
    last = `A ${va.body.state} ${JSON.stringify(pa)}, B ${vb.body.state} ${JSON.stringify(pb)}`;
    const all = [...pa, ...pb].sort((x, y) => x - y);
    if (
      pa.length > 0 &&
      pb.length > 0 &&
      va.body.tasks.length === pa.length &&
      vb.body.tasks.length === pb.length &&
      JSON.stringify(all) === JSON.stringify([0, 1, 2, 3])
    ) {
      return { a: pa, b: pb };
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`partitions never split between the instances: ${last}`);
}

/** Sum of the instance's input positions (next offsets) over its tasks. */
async function inputPositions(proc: SluiceProcess, job: ProofJob): Promise<number> {
  const view = await proc.getJson<JobView>(`/jobs/${job.name}`);
  return view.body.tasks.reduce((sum, t) => sum + Number(t.positions[job.inputTopic] ?? 0), 0);
}

function answerTotals(answer: KeyAnswer): string[] {
  return answer.windows.map((w) => `${w.startMs}:${w.value.events}:${w.value.revenue}`).sort();
}

function oracleTotals(
  table: ReadonlyMap<string, { events: number; revenue: number }>,
  key: string,
): string[] {
  const out: string[] = [];
  for (const [id, w] of table) {
    const at = id.lastIndexOf('|');
    if (id.slice(0, at) === key) out.push(`${id.slice(at + 1)}:${w.events}:${w.revenue}`);
  }
  return out.sort();
}
