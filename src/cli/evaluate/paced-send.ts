// Sends generated messages to Kafka at a wall-clock rate, several batches in flight, and tells
// the caller when each batch left: `sluice evaluate` keys alert latency on those times.

import { toSluiceError } from '../../core/errors.js';
import type { GeneratedMessage } from '../generate/demo-data-generator.js';
import type { DemoSink } from '../generate/demo-producer.js';
import { RatePacer } from '../generate/rate-pacer.js';

export interface PacedSendOptions {
  /** Events/s in wall-clock time; 0 = as fast as possible. Labels ride along with their event. */
  readonly ratePerSec: number;
  /** Largest batch, events. */
  readonly maxBatch: number;
  /** Batches awaiting acks at once. */
  readonly maxInFlight: number;
  /** Called with each batch right before it is handed to the producer (`Date.now()`, epoch ms). */
  readonly onSend?: (batch: readonly GeneratedMessage[], sentAtMs: number) => void;
}

export interface PacedSendResult {
  /** Event messages sent (labels not counted). */
  readonly events: number;
  readonly elapsedMs: number;
}

/**
 * Sends `messages` in order. A `fraud-labels` message counts with the event before it, so a label
 * never travels ahead of its payment and the rate is one of events. Resolves when every batch is
 * acknowledged; the first failure rejects (after the batches in flight settle).
 */
export async function sendPaced(
  sink: DemoSink,
  messages: readonly GeneratedMessage[],
  options: PacedSendOptions,
): Promise<PacedSendResult> {
  const units: GeneratedMessage[][] = [];
  for (const m of messages) {
    const last = units[units.length - 1];
    if (m.stream === 'fraud-labels' && last !== undefined) last.push(m);
    else units.push([m]);
  }
  const startMs = Date.now();
  const pacer = new RatePacer(options.ratePerSec, startMs, options.maxBatch);
  const inFlight: Promise<void>[] = [];
  let failure: unknown;
  let sent = 0;
  while (sent < units.length && failure === undefined) {
    const remaining = units.length - sent;
    const n = pacer.allowance(sent, Date.now(), remaining);
    if (n === 0) {
      await new Promise((resolve) =>
        setTimeout(resolve, pacer.waitMs(sent, Date.now(), remaining)),
      );
      continue;
    }
    const batch = units.slice(sent, sent + n).flat();
    sent += n;
    options.onSend?.(batch, Date.now());
    inFlight.push(
      sink.send(batch).catch((err: unknown) => {
        failure ??= err;
      }),
    );
    if (inFlight.length >= options.maxInFlight) await inFlight.shift();
  }
  await Promise.all(inFlight);
  if (failure !== undefined) throw toSluiceError(failure);
  return { events: sent, elapsedMs: Date.now() - startMs };
}
