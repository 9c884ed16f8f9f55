// Extension point of `sluice bench`: measurements beyond the windowed-job comparison (DuckDB
// sink and SQL, fraud scoring, restore speed, …) are added here and run after the built-ins.
//
// A step is a `BenchStep` (bench-step.ts): `run(ctx)` may read the preloaded topic
// (`ctx.topic`, `ctx.events`, `ctx.startOffsets`), earlier figures (`ctx.figures.job_eps`),
// put state under `ctx.workDir`, register what it creates with `ctx.cleanupLater`, and
// returns figures (results-JSON keys in snake_case with their unit: `duckdb_rows_per_s`,
// `fraud_eps`, `restore_eps`) and table rows. A throw is reported and the next step runs.
//
// Example:
//   import { duckdbSinkStep } from './duckdb-sink-step.js';
//   export const EXTRA_BENCH_STEPS: readonly BenchStep[] = [duckdbSinkStep];

import type { BenchStep } from './bench-step.js';
import { duckdbSinkStep } from './duckdb-sink-step.js';
import { fraudJobStep } from './fraud-job-step.js';

export const EXTRA_BENCH_STEPS: readonly BenchStep[] = [duckdbSinkStep, fraudJobStep];
