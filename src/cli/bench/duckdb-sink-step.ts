// Bench step: rows/s of the DuckDB sink (to-duckdb), appending 200k window results through the
// sink processor and writer into a temporary DuckDB file, committing every 10k rows.

import { measureDuckdbSinkRowsPerSec } from '../../sinks/duckdb/measure-duckdb-sink-rows-per-sec.js';
import type { BenchStep } from './bench-step.js';

const ROWS = 200_000;

export const duckdbSinkStep: BenchStep = {
  name: 'duckdb-sink',
  async run(ctx) {
    ctx.progress(`duckdb sink: appending ${ROWS.toLocaleString('en-US')} window rows`);
    const result = await measureDuckdbSinkRowsPerSec(ROWS);
    return {
      figures: {
        duckdb_rows_per_s: Math.round(result.rowsPerSec),
        duckdb_rows_per_cpu_s: Math.round(result.rowsPerCpuSec),
      },
      rows: [
        {
          label: 'DuckDB sink (to-duckdb, rows)',
          cpuSeconds: result.cpuSeconds,
          detail: `${Math.round(result.rowsPerSec).toLocaleString('en-US')} rows/s, ${Math.round(result.rowsPerCpuSec).toLocaleString('en-US')} rows per CPU s`,
        },
      ],
    };
  },
};
