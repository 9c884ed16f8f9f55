// The client side of the latency phase of `sluice bench`, run in a worker thread so that it
// does not share the engine's event loop: produces the workload at a fixed rate and, now and
// then, one probe event for a new key, timing produce() → the key's count visible in the API.

import { CompressionTypes, Kafka, Partitioners, logLevel, type Message } from 'kafkajs';
import { RatePacer } from '../generate/rate-pacer.js';
import { BenchWorkload } from './bench-workload.js';

export interface LatencyDriverOptions {
  readonly brokers: readonly string[];
  readonly topic: string;
  readonly partitions: number;
  /** Background load, events/s (wall clock). */
  readonly ratePerSec: number;
  /** Probes start until then, ms; the load runs until the last probe is answered. */
  readonly durationMs: number;
  /** Load only, no probes, for this long first (the job warms up), ms. */
  readonly warmupMs: number;
  /** Time between probe starts, ms (a probe still running delays the next). */
  readonly probeIntervalMs: number;
  /** A probe not visible after this long counts as timed out, ms. */
  readonly probeTimeoutMs: number;
  /**
   * Shortest pause between two API polls of one probe, ms. The pause grows to a tenth of the
   * time waited so far (at most 20 ms): the resolution stays within ~10% of each sample, and a
   * stalled job is not also flooded with requests.
   */
  readonly pollIntervalMs: number;
  /** e.g. `http://127.0.0.1:41234` */
  readonly apiBaseUrl: string;
  readonly store: string;
  /** Probe keys are `<prefix>-<n>`: new keys, so "visible" means the first window exists. */
  readonly probeKeyPrefix: string;
}

export interface LatencyDriverResult {
  /** produce() call → first API answer showing the probe counted, one per probe, ms. */
  readonly samplesMs: number[];
  readonly timeouts: number;
  /** Load events acknowledged. */
  readonly produced: number;
  /** produced / load duration, events/s. */
  readonly achievedRatePerSec: number;
  readonly sendErrors: number;
  /** Load events not sent because the driver fell more than a second behind its schedule. */
  readonly droppedBehind: number;
}

/** Most load batches awaiting acks at once; beyond it the load falls behind (reported). */
const MAX_IN_FLIGHT = 8;
/**
 * Largest send, in events. kafkajs groups a send's messages per partition in quadratic time
 * and memory, so one huge send (e.g. after a stall) could stall this thread for seconds.
 */
const MAX_CHUNK = 2_000;
/** Probes keep clear of minute boundaries by this much: grace is 0, a probe there may be late. */
const BOUNDARY_MARGIN_MS = 250;
const WINDOW_MS = 60_000;
const MAX_POLL_INTERVAL_MS = 20;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs the load and the probes until `durationMs` has passed; resolves with the samples. */
export async function runLatencyDriver(
  options: LatencyDriverOptions,
): Promise<LatencyDriverResult> {
  const kafka = new Kafka({
    clientId: 'sluice-bench-latency',
    brokers: [...options.brokers],
    logLevel: logLevel.NOTHING,
  });
  const producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
  });
  await producer.connect();
  const workload = new BenchWorkload(undefined, options.partitions);
  // One acknowledged record first: topic metadata and the connection are ready before timing.
  const warm = workload.event(0, Date.now());
  await producer
    .send({
      topic: options.topic,
      acks: 1,
      messages: [{ key: warm.key, value: warm.value, partition: warm.partition }],
    })
    .catch(async (err: unknown) => {
      await producer.disconnect();
      throw err;
    });
  const startMs = performance.now();
  const endMs = startMs + options.durationMs;
  let produced = 0;
  let sendErrors = 0;
  let droppedBehind = 0;
  let probesDone = false;

  const load = async (): Promise<void> => {
    const chunk = Math.max(1, Math.min(MAX_CHUNK, Math.round(options.ratePerSec / 50)));
    let pacer = new RatePacer(options.ratePerSec, startMs, chunk);
    let paced = 0;
    let generated = 0;
    const inFlight: Array<Promise<void>> = [];
    // Runs on until the last probe is answered, so no probe ever sees an idle job.
    while (performance.now() < endMs || !probesDone) {
      const nowMs = performance.now();
      const behind = pacer.due(paced, nowMs);
      if (behind > options.ratePerSec) {
        // More than a second behind (the broker or this thread stalled): catching up in a burst
        // would measure the burst, so the backlog is dropped and pacing starts again from now.
        droppedBehind += behind;
        pacer = new RatePacer(options.ratePerSec, nowMs, chunk);
        paced = 0;
        continue;
      }
      const allowance = pacer.allowance(paced, nowMs);
      if (allowance === 0) {
        await sleep(pacer.waitMs(paced, nowMs));
        continue;
      }
      const tsMs = Date.now();
      const messages: Message[] = new Array<Message>(allowance);
      for (let j = 0; j < allowance; j++) {
        const e = workload.event(generated + j, tsMs);
        messages[j] = { key: e.key, value: e.value, partition: e.partition };
      }
      generated += allowance;
      paced += allowance;
      inFlight.push(
        producer
          .send({
            topic: options.topic,
            messages,
            acks: 1,
            compression: CompressionTypes.None,
          })
          .then(
            () => {
              produced += messages.length;
            },
            () => {
              sendErrors++;
            },
          ),
      );
      if (inFlight.length >= MAX_IN_FLIGHT) await inFlight.shift();
    }
    await Promise.all(inFlight);
  };

  const probes = async (): Promise<{ samplesMs: number[]; timeouts: number }> => {
    const samplesMs: number[] = [];
    let timeouts = 0;
    try {
      await sleep(options.warmupMs);
      let nextAtMs = performance.now();
      let n = 0;
      while (performance.now() < endMs) {
        const waitMs = nextAtMs - performance.now();
        if (waitMs > 0) await sleep(waitMs);
        const phaseMs = Date.now() % WINDOW_MS;
        if (phaseMs > WINDOW_MS - BOUNDARY_MARGIN_MS || phaseMs < BOUNDARY_MARGIN_MS) {
          await sleep(2 * BOUNDARY_MARGIN_MS);
          continue;
        }
        nextAtMs = performance.now() + options.probeIntervalMs;
        const key = `${options.probeKeyPrefix}-${n++}`;
        const latencyMs = await probe(key);
        if (latencyMs === undefined) timeouts++;
        else samplesMs.push(latencyMs);
      }
    } finally {
      probesDone = true;
    }
    return { samplesMs, timeouts };
  };

  /** One probe: produce() a record for a new key, poll the API until it is counted. */
  const probe = async (key: string): Promise<number | undefined> => {
    const url = `${options.apiBaseUrl}/stores/${encodeURIComponent(options.store)}/keys/${encodeURIComponent(key)}`;
    const t0 = performance.now();
    const tsMs = Date.now();
    const sent = producer
      .send({
        topic: options.topic,
        acks: 1,
        messages: [
          {
            key,
            value: `{"key":"${key}","amount":1,"ts":${tsMs},"probe":true}`,
            partition: workload.partitionOf(key),
            timestamp: String(tsMs),
          },
        ],
      })
      .then(
        () => true,
        () => false,
      );
    const latencyMs = await pollUntilCounted(url, t0, options);
    if (!(await sent)) sendErrors++;
    return latencyMs;
  };

  try {
    const [, probed] = await Promise.all([load(), probes()]);
    return {
      samplesMs: probed.samplesMs,
      timeouts: probed.timeouts,
      produced,
      achievedRatePerSec: (produced * 1000) / (performance.now() - startMs),
      sendErrors,
      droppedBehind,
    };
  } finally {
    await producer.disconnect();
  }
}

/** Polls the key until a window with count ≥ 1 shows; ms since `t0`, or undefined on timeout. */
async function pollUntilCounted(
  url: string,
  t0: number,
  options: LatencyDriverOptions,
): Promise<number | undefined> {
  for (;;) {
    const response = await fetch(url);
    if (response.status === 200) {
      const body = (await response.json()) as { windows?: Array<{ value?: { count?: unknown } }> };
      const atMs = performance.now();
      if (
        (body.windows ?? []).some((w) => typeof w.value?.count === 'number' && w.value.count >= 1)
      )
        return atMs - t0;
    } else {
      // Drain the body so the keep-alive connection is reused.
      await response.arrayBuffer();
    }
    if (performance.now() - t0 > options.probeTimeoutMs) return undefined;
    const waitedMs = performance.now() - t0;
    await sleep(Math.min(MAX_POLL_INTERVAL_MS, Math.max(options.pollIntervalMs, waitedMs / 10)));
  }
}
