// Benchmark of the DuckDB sink (for `sluice bench`): window results pushed through the to-duckdb
// processor into a fresh DuckDB file, committing as the runtime does, timed end to end.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { SluiceError } from '../../core/errors.js';
import type { ProcessorContext } from '../../core/processor.js';
import type { JsonObject, StreamRecord } from '../../core/record.js';
import { DuckdbSinkProcessor } from './duckdb-sink-processor.js';
import { DuckdbSinkWriter } from './duckdb-sink-writer.js';

export interface DuckdbSinkBenchOptions {
  /** Rows between commits (the runtime commits every second). Default 10,000. */
  readonly commitEvery?: number;
  /** Distinct keys (categories); windows advance a minute every `keys` rows. Default 1,000. */
  readonly keys?: number;
}

export interface DuckdbSinkBenchResult {
  readonly rows: number;
  /** Wall time from the first `process` to the end of the last commit, seconds. */
  readonly seconds: number;
  readonly rowsPerSec: number;
  /**
   * CPU time of the whole process (all threads, DuckDB's included) over the same span, seconds:
   * on a busy machine, rows per CPU second is the steadier figure.
   */
  readonly cpuSeconds: number;
  readonly rowsPerCpuSec: number;
}

const MINUTE_MS = 60_000;

/**
 * Appends `rows` distinct window results `{key, startMs, endMs, events, views, purchases,
 * revenue, buyers, top_items}` (top_items a JSON array, as activity-metrics writes) to a table
 * in a temporary DuckDB file (1 thread), through DuckdbSinkProcessor and DuckdbSinkWriter,
 * committing every `commitEvery` rows; checks the row count and deletes the file. The values
 * are built before the clock starts.
 */
export async function measureDuckdbSinkRowsPerSec(
  rows: number,
  options: DuckdbSinkBenchOptions = {},
): Promise<DuckdbSinkBenchResult> {
  const commitEvery = options.commitEvery ?? 10_000;
  const keys = options.keys ?? 1_000;
  const dir = mkdtempSync(join(tmpdir(), 'sluice-duckdb-bench-'));
  const instance = await DuckDBInstance.create(join(dir, 'bench.duckdb'), { threads: '1' });
  try {
    const writer = await DuckdbSinkWriter.open(instance);
    writer.register({ table: 'bench_minutely' });
    const sink = new DuckdbSinkProcessor(writer, { table: 'bench_minutely' });
    const ctx = benchContext();
    // Built before timing: producing window results is the window operator's cost, not ours.
    const records = Array.from({ length: rows }, (_, i) => record(windowResult(i, keys)));
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    for (let done = 0; done < rows;) {
      const end = Math.min(done + commitEvery, rows);
      for (let i = done; i < end; i++) sink.process(records[i] as StreamRecord, ctx);
      await sink.onCommit();
      done = end;
    }
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuStarted);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    await writer.close();
    const check = await instance.connect();
    const count = Number(
      (await check.runAndReadAll('SELECT count(*) FROM bench_minutely')).getRowsJS()[0]?.[0],
    );
    check.closeSync();
    if (count !== rows) {
      throw new SluiceError('INTERNAL', `DuckDB sink benchmark wrote ${count} of ${rows} rows`);
    }
    return {
      rows,
      seconds,
      rowsPerSec: rows / seconds,
      cpuSeconds,
      rowsPerCpuSec: rows / cpuSeconds,
    };
  } finally {
    instance.closeSync();
    rmSync(dir, { recursive: true, force: true });
  }
}

function windowResult(i: number, keys: number): JsonObject {
  const startMs = 1_700_000_040_000 + Math.floor(i / keys) * MINUTE_MS;
  const events = 1 + (i % 97);
  return {
    key: `category-${i % keys}`,
    startMs,
    endMs: startMs + MINUTE_MS,
    events,
    views: events - 1,
    purchases: i % 3,
    revenue: (i % 3) * 19.99,
    buyers: 1 + (i % 7),
    top_items: [
      { value: `item-${i % 5_000}`, count: 3 },
      { value: `item-${(i + 1) % 5_000}`, count: 1 },
    ],
  };
}

function record(value: JsonObject): StreamRecord {
  const origin = { topic: 'bench', partition: 0, offset: '0', timestampMs: 0 };
  return {
    key: null,
    value,
    timestampMs: 0,
    headers: {},
    origin,
    raw: { ...origin, key: null, value: null, headers: {} },
  };
}

function benchContext(): ProcessorContext {
  return {
    taskId: { job: 'bench', subtopology: 0, partition: 0 },
    node: 'to-duckdb',
    forward: () => undefined,
    send: () => undefined,
    deadLetter: (_record, error) => {
      throw error;
    },
    getStore: <S>(name: string): S => {
      throw new SluiceError('INTERNAL', `no store ${name} in the DuckDB sink benchmark`);
    },
    countLate: () => undefined,
    nowMs: () => Date.now(),
    checkpoint: { get: () => undefined, set: () => undefined },
  };
}
