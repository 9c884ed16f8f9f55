// The DuckDB sink benchmark runs end to end on a small input and reports a rate.

import { describe, expect, it } from 'vitest';
import { measureDuckdbSinkRowsPerSec } from '../../../src/sinks/duckdb/measure-duckdb-sink-rows-per-sec.js';

describe('measureDuckdbSinkRowsPerSec', () => {
  it('appends every row and reports rows per second', async () => {
    const result = await measureDuckdbSinkRowsPerSec(2_500, { commitEvery: 1_000, keys: 10 });
    expect(result.rows).toBe(2_500);
    expect(result.seconds).toBeGreaterThan(0);
    expect(result.rowsPerSec).toBeCloseTo(2_500 / result.seconds);
    expect(result.cpuSeconds).toBeGreaterThan(0);
    expect(result.rowsPerCpuSec).toBeCloseTo(2_500 / result.cpuSeconds);
  });
});
