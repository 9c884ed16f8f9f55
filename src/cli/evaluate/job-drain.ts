// Waits until running jobs have processed everything on their input and internal topics: every
// task's position has reached the log end offset of each partition it reads, and stayed there
// while the end offsets did not move (records a first sub-topology forwards through a
// repartition topic show up at its end a moment after the first one finished).

import { errorMessage } from '../../core/errors.js';
import type { Topology } from '../../core/topology.js';
import type { KafkaAdmin } from '../../sources/kafka/kafka-admin.js';
import type { RunningService } from '../sluice-service.js';

export interface DrainOptions {
  /** Fail when positions do not move for this long, ms. */
  readonly idleTimeoutMs: number;
  /** Time between checks, ms. */
  readonly pollMs: number;
  /** How long a drained state must hold with unchanged end offsets, ms. */
  readonly settleMs: number;
  /** Called now and then with a progress line. */
  readonly progress?: (line: string) => void;
}

const DEFAULTS: DrainOptions = { idleTimeoutMs: 120_000, pollMs: 100, settleMs: 500 };

/**
 * Resolves once every job of `topologies` (running in `service`) has caught up with the ends of
 * its topics; throws when a job fails or no task position moves for `idleTimeoutMs`. Assumes the
 * topics start at offset 0 (fresh topics), as an evaluation run's do.
 */
export async function waitForJobsDrained(
  service: RunningService,
  admin: KafkaAdmin,
  topologies: readonly Topology[],
  options: Partial<DrainOptions> = {},
): Promise<void> {
  const o: DrainOptions = { ...DEFAULTS, ...options };
  let lastSignature = '';
  let lastMoveMs = performance.now();
  let lastProgressMs = 0;
  let lastProgressBehind: number | undefined;
  let drainedSince: { ms: number; ends: string } | undefined;
  for (;;) {
    for (const status of service.engine.status()) {
      if (status.state === 'failed') {
        throw new Error(`job ${status.job} failed: ${status.error ?? 'unknown error'}`);
      }
    }
    const check = await drainCheck(service, admin, topologies);
    const nowMs = performance.now();
    if (check.behind === 0) {
      if (drainedSince === undefined || drainedSince.ends !== check.ends) {
        drainedSince = { ms: nowMs, ends: check.ends };
      } else if (nowMs - drainedSince.ms >= o.settleMs) {
        return;
      }
    } else {
      drainedSince = undefined;
    }
    if (check.positions !== lastSignature) {
      lastSignature = check.positions;
      lastMoveMs = nowMs;
    } else if (check.behind > 0 && nowMs - lastMoveMs > o.idleTimeoutMs) {
      throw new Error(
        `jobs made no progress for ${o.idleTimeoutMs} ms with ${check.behind} records to go`,
      );
    }
    if (o.progress && check.behind > 0 && nowMs - lastProgressMs >= 5_000) {
      // Rate and ETA from the backlog's change since the previous line.
      let rate = '';
      if (lastProgressBehind !== undefined && lastProgressMs > 0) {
        const perSec = ((lastProgressBehind - check.behind) * 1000) / (nowMs - lastProgressMs);
        rate =
          perSec > 0
            ? ` · ${Math.round(perSec).toLocaleString('en-US')} records/s · ETA ${Math.ceil(check.behind / perSec)} s`
            : ' · no progress in the last interval';
      }
      lastProgressMs = nowMs;
      lastProgressBehind = check.behind;
      o.progress(`${check.behind.toLocaleString('en-US')} records still to process${rate}`);
    }
    await new Promise((resolve) => setTimeout(resolve, o.pollMs));
  }
}

interface DrainCheck {
  /** Records between the tasks' positions and the end offsets (unread partitions included). */
  readonly behind: number;
  /** Every end offset, as a comparable string. */
  readonly ends: string;
  /** Every position, as a comparable string. */
  readonly positions: string;
}

async function drainCheck(
  service: RunningService,
  admin: KafkaAdmin,
  topologies: readonly Topology[],
): Promise<DrainCheck> {
  let behind = 0;
  const ends: string[] = [];
  const positions: string[] = [];
  for (const topology of topologies) {
    const views = service.engine.runner(topology.job)?.taskViews() ?? [];
    for (const sub of topology.subtopologies) {
      for (const topic of sub.sourceTopics) {
        let endOffsets: Map<number, string>;
        try {
          endOffsets = await admin.endOffsets(topic);
        } catch (err) {
          // An internal topic the job has not created yet: nothing to compare with.
          ends.push(`${topic}:? ${errorMessage(err)}`);
          behind++;
          continue;
        }
        for (const [partition, end] of endOffsets) {
          ends.push(`${topic}:${partition}=${end}`);
          const view = views.find((v) => v.subtopology === sub.id && v.partition === partition);
          const position = view?.positions[topic] ?? '0';
          positions.push(`${topic}:${partition}=${position}`);
          behind += Math.max(0, Number(BigInt(end) - BigInt(position)));
        }
      }
    }
  }
  return { behind, ends: ends.join(','), positions: positions.join(',') };
}
