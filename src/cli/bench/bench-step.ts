// The unit `sluice bench` is made of: a measurement step that reads the shared context (the
// preloaded topic, earlier figures) and returns figures for the results JSON and table rows.
// New measurements (e.g. DuckDB, fraud scoring) are new steps; see extra-bench-steps.ts.

import type { BenchOptions } from './bench-options.js';
import type { BenchWorkload } from './bench-workload.js';

/** Figures by results-JSON key (snake_case, unit in the name: `_eps`, `_ms`, `_s`, `_mb`). */
export type BenchFigures = Record<string, number | null>;

/** One line of the printed table. */
export interface BenchRow {
  readonly label: string;
  /** Records per second; the table adds its ratio to the client and broker ceilings. */
  readonly eventsPerSec?: number;
  /** The client ceiling this row is compared with (default: the first, `client_ceiling_eps`). */
  readonly clientCeilingEps?: number;
  /** CPU seconds over the measured interval. */
  readonly cpuSeconds?: number;
  /** Peak resident set size, MiB. */
  readonly peakRssMb?: number;
  /** Free text for the last column (latency percentiles, caveats). */
  readonly detail?: string;
}

export interface BenchStepResult {
  readonly figures: BenchFigures;
  readonly rows: readonly BenchRow[];
  /** Remarks printed under the table (e.g. why a figure is not comparable). */
  readonly notes?: readonly string[];
}

export interface BenchContext {
  readonly options: BenchOptions;
  readonly brokers: readonly string[];
  /** The preloaded input topic. */
  readonly topic: string;
  /** Records in `topic`: every step that drains it waits for this many. */
  readonly events: number;
  /** Partition of `topic` → its first offset (0 for a freshly preloaded topic). */
  readonly startOffsets: ReadonlyMap<number, number>;
  readonly workload: BenchWorkload;
  /** Unique per run; steps put it in the names of the topics, groups and jobs they create. */
  readonly runId: string;
  /** A private temporary folder for state (removed at the end unless --keep). */
  readonly workDir: string;
  /** Figures of the steps so far (e.g. `job_eps` for the latency step's rate). */
  readonly figures: Readonly<BenchFigures>;
  /** A progress line on stderr. */
  readonly progress: (line: string) => void;
  /** Topics and consumer groups to delete when the run ends (kept with --keep). */
  readonly cleanupLater: (created: {
    topics?: readonly string[];
    groups?: readonly string[];
  }) => void;
}

export interface BenchStep {
  /** Short id, used in progress lines and as the key of a failure in the results JSON. */
  readonly name: string;
  /** A reason to skip the step for these options, or undefined to run it. */
  skipReason?(ctx: BenchContext): string | undefined;
  /** Runs the measurement. A throw is reported and the run goes on with the next step. */
  run(ctx: BenchContext): Promise<BenchStepResult>;
}
