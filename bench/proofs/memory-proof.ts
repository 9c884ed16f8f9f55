// Memory proof on a real broker: N generated events through the windowed proof job keyed by a
// unique field (event_id → one store key and one live window per event) in a `sluice run` child
// process, whose RSS is sampled every second; PASS if its peak stays within --max-rss-mb.
//
//   npm run build && npx tsx bench/proofs/memory-proof.ts --brokers 127.0.0.1:9292
//       [--events 10000000] [--max-rss-mb 1024] [--key-by event_id] [--state-memory-mb 256]
//       [--probe] [--snapshot-at-keys N] [--snapshot-at-rss-mb M] [--keep]
//
// Events carry 1,000 events per second of event time and the store keeps windows 2 h after they
// end, so with unique keys about min(N, 7.26M) keys are live at the end. --probe makes the child
// write process.memoryUsage() each second (heap vs external vs RSS); --snapshot-at-keys (or
// --snapshot-at-rss-mb) also writes one heap snapshot into the work dir once the store holds that
// many keys (or the child's RSS reaches that many MiB).

import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { KafkaAdmin } from '../../src/sources/kafka/kafka-admin.js';
import { waitForAllTasks } from '../../test/integration/support/crash-scenario.js';
import { produceActivity, type ProofJob } from '../../test/integration/support/proof-env.js';
import { proofProcesses } from '../../test/integration/support/proof-processes.js';
import type { SluiceProcess } from '../../test/integration/support/sluice-process.js';
import { topicSize } from '../../test/integration/support/window-readers.js';
import { runProof } from './proof-run.js';

const { values } = parseArgs({
  options: {
    brokers: { type: 'string', default: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092' },
    events: { type: 'string', default: '1000000' },
    seed: { type: 'string', default: '13' },
    'key-by': { type: 'string', default: 'event_id' },
    'max-rss-mb': { type: 'string', default: '1024' },
    'state-memory-mb': { type: 'string' },
    'commit-interval': { type: 'string', default: '1000' },
    probe: { type: 'boolean', default: false },
    'snapshot-at-keys': { type: 'string' },
    'snapshot-at-rss-mb': { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});

const MiB = 1024 * 1024;
/** How often progress is printed, ms. */
const PROGRESS_INTERVAL_MS = 5_000;

/** The child's last process.memoryUsage(), bytes (written by the --probe preload module). */
interface MemoryUsage {
  readonly rss: number;
  readonly heapTotal: number;
  readonly heapUsed: number;
  readonly external: number;
  readonly arrayBuffers: number;
  /** Sum of the worker threads' heapTotal (their own isolates), bytes. */
  readonly workerHeapTotal?: number;
}

/**
 * Preload module of --probe: each thread overwrites its own file with process.memoryUsage()
 * every second (the main thread `<file>`, producer worker threads `<file>.worker-<id>`, whose
 * heaps are separate isolates).
 */
const PROBE_MODULE = `
import { writeFileSync } from 'node:fs';
import { isMainThread, threadId } from 'node:worker_threads';
const file = process.env.SLUICE_MEMORY_PROBE_FILE;
if (file) {
  const own = isMainThread ? file : file + '.worker-' + threadId;
  setInterval(() => {
    try { writeFileSync(own, JSON.stringify(process.memoryUsage())); } catch {}
  }, 1000).unref();
}
`;

runProof(
  'memory-proof',
  { brokers: values.brokers, keep: values.keep },
  async ({ brokers, prefix, workDir, log }) => {
    const events = Number(values.events);
    const maxRssMb = Number(values['max-rss-mb']);
    const keyBy = values['key-by'];
    const probeFile = join(workDir, 'memory-usage.json');
    if (values['state-memory-mb'] !== undefined) {
      process.env.SLUICE_STATE_MEMORY_MB = values['state-memory-mb'];
    }
    const snapshotAtKeys =
      values['snapshot-at-keys'] === undefined ? undefined : Number(values['snapshot-at-keys']);
    const snapshotAtRssMb =
      values['snapshot-at-rss-mb'] === undefined ? undefined : Number(values['snapshot-at-rss-mb']);
    if (values.probe || snapshotAtKeys !== undefined || snapshotAtRssMb !== undefined) {
      const probeModule = join(workDir, 'memory-probe.mjs');
      writeFileSync(probeModule, PROBE_MODULE);
      process.env.SLUICE_MEMORY_PROBE_FILE = probeFile;
      process.env.NODE_OPTIONS = [
        process.env.NODE_OPTIONS ?? '',
        `--import=${probeModule}`,
        `--diagnostic-dir=${workDir}`,
        '--heapsnapshot-signal=SIGUSR2',
      ].join(' ');
    }
    const { job, spawn } = await proofProcesses({
      brokers,
      workDir,
      prefix,
      ...(keyBy === '' || keyBy === 'none' ? {} : { keyBy }),
      commitIntervalMs: Number(values['commit-interval']),
    });

    const produceStarted = Date.now();
    await withProgress(
      produceActivity({
        brokers,
        prefix,
        count: events,
        ratePerSec: 0,
        seed: Number(values.seed),
        // 1,000 events per second of event time, ending now (Kafka refuses timestamps far ahead).
        startMs: Date.now() - events,
      }),
      async () => {
        const produced = await topicSize(brokers, job.inputTopic).catch(() => 0);
        log(`producing: ${produced}/${events} events`);
      },
    );
    log(`produced ${events} events in ${Date.now() - produceStarted} ms`);

    const proc = spawn();
    const sampler = new RssSampler(proc.pid, values.probe ? probeFile : undefined);
    sampler.start();
    let snapshotSent = false;
    try {
      const taskCount = 4 * job.consumedTopics.length;
      await waitForAllTasks(proc, job, 120_000, taskCount);
      const startedMs = Date.now();
      log(`pid ${proc.pid} runs all ${taskCount} tasks; sampling VmRSS every second`);
      const admin = await KafkaAdmin.connect(brokers, 'memory-proof-watch');
      let drainedMs: number | undefined;
      let keys = 0;
      try {
        let streak = 0;
        for (;;) {
          if (!proc.running) throw new Error(`pid ${proc.pid} exited: ${lastLines(proc)}`);
          const progress = await groupProgress(admin, job);
          keys = await liveKeys(proc, job).catch(() => keys);
          const elapsedS = (Date.now() - startedMs) / 1000;
          log(
            `consumed ${progress.input}/${progress.inputEnd} input, ` +
              `${progress.repartition}/${progress.repartitionEnd} repartitioned; ` +
              `store ≈ ${keys} keys; ${sampler.describe()}; ` +
              `${Math.round(progress.input / Math.max(elapsedS, 0.001))} events/s`,
          );
          const snapshotDue =
            (snapshotAtKeys !== undefined && keys >= snapshotAtKeys) ||
            (snapshotAtRssMb !== undefined && sampler.peakRssMb >= snapshotAtRssMb);
          if (snapshotDue && !snapshotSent) {
            snapshotSent = true;
            log(`${keys} keys, ${sampler.describe()}: heap snapshot (SIGUSR2) into ${workDir}`);
            proc.kill('SIGUSR2');
          }
          streak = progress.drained ? streak + 1 : 0;
          if (streak >= 2) {
            drainedMs = Date.now() - startedMs;
            break;
          }
          await new Promise((r) => setTimeout(r, PROGRESS_INTERVAL_MS));
        }
      } finally {
        await admin.close();
      }
      keys = await liveKeys(proc, job).catch(() => keys);
      sampler.stop();
      const peakHwmMb = sampler.highWaterMarkMb();
      await proc.stop();
      const eventsPerSecond = Math.round((events * 1000) / Math.max(drainedMs ?? 0, 1));
      console.log(
        `events ${events}; store ≈ ${keys} live keys (${keyBy === 'event_id' ? 'one window each' : 'keys'}); ` +
          `drained in ${drainedMs} ms → ${eventsPerSecond} events/s`,
      );
      console.log(
        `peak RSS ${sampler.peakRssMb} MiB sampled (VmHWM ${peakHwmMb ?? '?'} MiB), ` +
          `limit ${maxRssMb} MiB; ${sampler.describePeakUsage()}`,
      );
      const peak = Math.max(sampler.peakRssMb, peakHwmMb ?? 0);
      const ok = peak <= maxRssMb;
      console.log(ok ? 'PASS' : 'FAIL');
      return ok ? 0 : 1;
    } finally {
      sampler.stop();
      proc.kill('SIGKILL');
      await proc.exited;
      writeFileSync(join(workDir, 'sluice.log'), `${proc.lines.join('\n')}\n`);
    }
  },
);

/** Samples a process's VmRSS (and, with a probe file, its process.memoryUsage()) every second. */
class RssSampler {
  peakRssMb = 0;
  private lastRssMb = 0;
  private lastUsage: MemoryUsage | undefined;
  private peakUsage: MemoryUsage | undefined;
  private timer: NodeJS.Timeout | undefined;
  private hwmMb: number | undefined;

  constructor(
    private readonly pid: number,
    private readonly probeFile: string | undefined,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.sample(), 1000);
    this.sample();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The kernel's own peak RSS of the process (VmHWM), MiB, while it runs. */
  highWaterMarkMb(): number | undefined {
    this.sample();
    return this.hwmMb;
  }

  describe(): string {
    const usage = this.lastUsage === undefined ? '' : ` (${formatUsage(this.lastUsage)})`;
    return `RSS ${this.lastRssMb} MiB, peak ${this.peakRssMb} MiB${usage}`;
  }

  describePeakUsage(): string {
    return this.peakUsage === undefined
      ? 'no heap probe (run with --probe)'
      : `at peak heap: ${formatUsage(this.peakUsage)}`;
  }

  private sample(): void {
    let status: string;
    try {
      status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    } catch {
      return; // exited
    }
    const rssKb = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
    const hwmKb = Number(/^VmHWM:\s+(\d+)/m.exec(status)?.[1] ?? 0);
    this.lastRssMb = Math.round(rssKb / 1024);
    if (hwmKb > 0) this.hwmMb = Math.round(hwmKb / 1024);
    if (this.probeFile !== undefined) {
      try {
        const main = JSON.parse(readFileSync(this.probeFile, 'utf8')) as MemoryUsage;
        let workerHeapTotal = 0;
        const dir = dirname(this.probeFile);
        const prefix = `${basename(this.probeFile)}.worker-`;
        for (const name of readdirSync(dir)) {
          if (!name.startsWith(prefix)) continue;
          const worker = JSON.parse(readFileSync(join(dir, name), 'utf8')) as MemoryUsage;
          workerHeapTotal += worker.heapTotal;
        }
        this.lastUsage = { ...main, workerHeapTotal };
      } catch {
        // not written yet, or caught mid-write: keep the previous sample
      }
    }
    if (this.lastRssMb > this.peakRssMb) {
      this.peakRssMb = this.lastRssMb;
      this.peakUsage = this.lastUsage;
    }
  }
}

function formatUsage(u: MemoryUsage): string {
  const mb = (bytes: number): number => Math.round(bytes / MiB);
  return (
    `heapUsed ${mb(u.heapUsed)} / heapTotal ${mb(u.heapTotal)} MiB, ` +
    `external ${mb(u.external)} MiB (arrayBuffers ${mb(u.arrayBuffers)}), ` +
    `worker heaps ${mb(u.workerHeapTotal ?? 0)} MiB`
  );
}

/** Runs `report` every PROGRESS_INTERVAL_MS until `work` settles. */
async function withProgress<T>(work: Promise<T>, report: () => Promise<void>): Promise<T> {
  const timer = setInterval(() => void report(), PROGRESS_INTERVAL_MS);
  try {
    return await work;
  } finally {
    clearInterval(timer);
  }
}

interface GroupProgress {
  readonly input: number;
  readonly inputEnd: number;
  readonly repartition: number;
  readonly repartitionEnd: number;
  readonly drained: boolean;
}

/** Committed vs end offsets of the job's group on its input (and repartition) topic. */
async function groupProgress(admin: KafkaAdmin, job: ProofJob): Promise<GroupProgress> {
  const totals: number[] = [];
  let drained = true;
  for (const topic of job.consumedTopics) {
    const ends = await admin.endOffsets(topic).catch(() => new Map<number, string>());
    const committed = await admin
      .committedOffsets(job.name, topic)
      .catch(() => new Map<number, string>());
    let at = 0;
    let end = 0;
    for (const [p, e] of ends) {
      const c = committed.get(p) ?? '-1';
      if (c !== e) drained = false;
      at += Math.max(0, Number(c));
      end += Number(e);
    }
    if (ends.size === 0) drained = false;
    totals.push(at, end);
  }
  return {
    input: totals[0] ?? 0,
    inputEnd: totals[1] ?? 0,
    repartition: totals[2] ?? 0,
    repartitionEnd: totals[3] ?? 0,
    drained,
  };
}

/** sluice_state_entries of the job's window store: RocksDB's estimate of its keys. */
async function liveKeys(proc: SluiceProcess, job: ProofJob): Promise<number> {
  const res = await proc.getJson<string>('/metrics', 5_000);
  let keys = 0;
  for (const line of String(res.body).split('\n')) {
    if (
      line.startsWith('sluice_state_entries{') &&
      line.includes(`job="${job.name}"`) &&
      line.includes(`store="${job.store}"`)
    ) {
      keys += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return keys;
}

function lastLines(proc: SluiceProcess): string {
  return proc.lines.slice(-15).join('\n');
}
