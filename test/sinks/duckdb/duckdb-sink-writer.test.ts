// The DuckDB sink writer and its tables: schema derived from records and widened as they
// change, declared columns, the `<table>_latest` view, and a table reopened after a restart.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DuckdbDatabase } from '../../../src/analytics/duckdb-database.js';
import type { JsonObject } from '../../../src/core/record.js';
import { DuckdbSinkWriter } from '../../../src/sinks/duckdb/duckdb-sink-writer.js';
import type { DuckdbTableOptions } from '../../../src/sinks/duckdb/duckdb-table-options.js';

let dir: string;
let database: DuckdbDatabase;
let writer: DuckdbSinkWriter;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-duckdb-writer-'));
  database = await DuckdbDatabase.open(join(dir, 'sluice.duckdb'));
  writer = await DuckdbSinkWriter.open(database.instance);
});

afterEach(async () => {
  await writer.close();
  database.close();
  rmSync(dir, { recursive: true, force: true });
});

async function rows(sql: string): Promise<Record<string, unknown>[]> {
  const connection = await database.connect();
  try {
    return (await connection.runAndReadAll(sql)).getRowObjectsJS();
  } finally {
    connection.closeSync();
  }
}

async function columns(table: string): Promise<Record<string, string>> {
  const list = await rows(
    `SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = '${table}' ORDER BY column_index`,
  );
  return Object.fromEntries(list.map((r) => [String(r.column_name), String(r.data_type)]));
}

async function append(options: DuckdbTableOptions, values: JsonObject[], ingestedMs = 1_000) {
  writer.register(options);
  await writer.append(
    options.table,
    values.map((value) => ({ value, ingestedMs })),
  );
}

const windowResult = (key: string, startMs: number, events: number): JsonObject => ({
  key,
  startMs,
  endMs: startMs + 60_000,
  events,
  revenue: 0,
  top_items: [{ item: 'i1', count: events }],
});

describe('DuckdbSinkWriter', () => {
  it('derives the table from the first records: numbers, strings, nested values as JSON', async () => {
    await append({ table: 'per_minute' }, [windowResult('books', 0, 1)], 1_700_000_000_123);
    expect(await columns('per_minute')).toEqual({
      key: 'VARCHAR',
      startMs: 'BIGINT',
      endMs: 'BIGINT',
      events: 'BIGINT',
      revenue: 'BIGINT',
      top_items: 'JSON',
      _seq: 'BIGINT',
      _ingested_at: 'TIMESTAMP',
    });
    const [row] = await rows(
      `SELECT key, startMs, events, top_items->>'$[0].item' AS item, _seq, epoch_ms(_ingested_at) AS ingested FROM per_minute`,
    );
    expect(row).toEqual({
      key: 'books',
      startMs: 0n,
      events: 1n,
      item: 'i1',
      _seq: 1n,
      ingested: 1_700_000_000_123n,
    });
  });

  it('adds columns for new fields and widens BIGINT → DOUBLE and mixed types → JSON', async () => {
    const options = { table: 'evolving' };
    await append(options, [{ a: 1, b: 'x', c: 2 }]);
    await append(options, [{ a: 2.5, b: 7, d: true }]);
    expect(await columns('evolving')).toEqual({
      a: 'DOUBLE',
      b: 'JSON',
      c: 'BIGINT',
      _seq: 'BIGINT',
      _ingested_at: 'TIMESTAMP',
      d: 'BOOLEAN',
    });
    expect(await rows('SELECT a, b::VARCHAR AS b, c, d FROM evolving ORDER BY _seq')).toEqual([
      { a: 1, b: '"x"', c: 2n, d: null },
      { a: 2.5, b: '7', c: null, d: true },
    ]);
  });

  it('widens within one batch before creating the table, and ignores null-only fields', async () => {
    await append({ table: 'mixed' }, [
      { n: 1, s: null },
      { n: 1.5, s: null },
    ]);
    expect(await columns('mixed')).toEqual({
      n: 'DOUBLE',
      _seq: 'BIGINT',
      _ingested_at: 'TIMESTAMP',
    });
  });

  it('treats field names that differ only in case as one column, as DuckDB does', async () => {
    await append({ table: 'cased' }, [{ startMs: 1 }, { startms: 2 }]);
    expect(await rows('SELECT startMs FROM cased ORDER BY _seq')).toEqual([
      { startMs: 1n },
      { startMs: 2n },
    ]);
  });

  it('keeps declared columns only, with their types (TIMESTAMP from epoch ms or ISO text)', async () => {
    const options: DuckdbTableOptions = {
      table: 'alerts',
      columns: { txn_id: 'VARCHAR', score: 'DOUBLE', reasons: 'JSON', ts: 'TIMESTAMP' },
      latestBy: ['txn_id'],
    };
    await append(options, [
      { txn_id: 't1', score: 1, reasons: ['new-device'], ts: 1_700_000_000_000, extra: 'x' },
      { txn_id: 't2', score: 0.5, reasons: [], ts: '2023-11-14T22:13:20.500Z' },
    ]);
    expect(await columns('alerts')).toEqual({
      txn_id: 'VARCHAR',
      score: 'DOUBLE',
      reasons: 'JSON',
      ts: 'TIMESTAMP',
      _seq: 'BIGINT',
      _ingested_at: 'TIMESTAMP',
    });
    expect(
      await rows('SELECT txn_id, score, reasons::VARCHAR AS r, epoch_ms(ts) AS ts FROM alerts'),
    ).toEqual([
      { txn_id: 't1', score: 1, r: '["new-device"]', ts: 1_700_000_000_000n },
      { txn_id: 't2', score: 0.5, r: '[]', ts: 1_700_000_000_500n },
    ]);
  });

  it('serves the newest version of each window in <table>_latest', async () => {
    const options = { table: 'windows' };
    await append(options, [windowResult('a', 0, 1), windowResult('b', 0, 1)]);
    await append(options, [windowResult('a', 0, 2), windowResult('a', 60_000, 1)]);
    await append(options, [windowResult('a', 0, 3)]);
    expect(await rows('SELECT count(*) AS n FROM windows')).toEqual([{ n: 5n }]);
    expect(
      await rows('SELECT key, startMs, events FROM windows_latest ORDER BY key, startMs'),
    ).toEqual([
      { key: 'a', startMs: 0n, events: 3n },
      { key: 'a', startMs: 60_000n, events: 1n },
      { key: 'b', startMs: 0n, events: 1n },
    ]);
  });

  it('widens a column that the latest view reads (revenue 0, then 12.5)', async () => {
    const options = { table: 'revenue' };
    await append(options, [windowResult('a', 0, 1)]);
    await append(options, [{ ...windowResult('a', 0, 2), revenue: 12.5 }]);
    expect((await columns('revenue')).revenue).toBe('DOUBLE');
    expect(await rows('SELECT revenue FROM revenue_latest')).toEqual([{ revenue: 12.5 }]);
  });

  it('leaves out of the view a session window whose newest version is a retraction', async () => {
    const options = { table: 'sessions' };
    await append(options, [
      { key: 'u1', startMs: 0, endMs: 10, events: 1 },
      { key: 'u1', startMs: 20, endMs: 30, events: 1 },
    ]);
    await append(options, [
      { key: 'u1', startMs: 20, endMs: 30, retracted: true },
      { key: 'u1', startMs: 0, endMs: 30, events: 2 },
    ]);
    expect(
      await rows('SELECT startMs, endMs, events FROM sessions_latest ORDER BY startMs'),
    ).toEqual([{ startMs: 0n, endMs: 30n, events: 2n }]);
  });

  it('has no view when latestBy is empty or the rows are not window results', async () => {
    await append({ table: 'plain' }, [{ a: 1 }]);
    await append({ table: 'nolatest', latestBy: [] }, [windowResult('a', 0, 1)]);
    expect(await rows('SELECT view_name FROM duckdb_views() WHERE NOT internal')).toEqual([]);
  });

  it('continues _seq and the schema after the file is reopened', async () => {
    const options = { table: 'kept' };
    await append(options, [windowResult('a', 0, 1), windowResult('a', 0, 2)]);
    await writer.close();
    database.close();
    database = await DuckdbDatabase.open(join(dir, 'sluice.duckdb'));
    writer = await DuckdbSinkWriter.open(database.instance);
    await append(options, [windowResult('a', 0, 3)]);
    expect(await rows('SELECT _seq, events FROM kept ORDER BY _seq')).toEqual([
      { _seq: 1n, events: 1n },
      { _seq: 2n, events: 2n },
      { _seq: 3n, events: 3n },
    ]);
    expect(await rows('SELECT events FROM kept_latest')).toEqual([{ events: 3n }]);
  });

  it('refuses a declared type that differs from the existing table', async () => {
    await append({ table: 'typed', columns: { a: 'BIGINT' } }, [{ a: 1 }]);
    await writer.close();
    database.close();
    database = await DuckdbDatabase.open(join(dir, 'sluice.duckdb'));
    writer = await DuckdbSinkWriter.open(database.instance);
    await expect(
      append({ table: 'typed', columns: { a: 'VARCHAR' } }, [{ a: 'x' }]),
    ).rejects.toThrow(/has column a BIGINT, the job declares VARCHAR/);
  });

  it('lets nodes share a table only with the same options', () => {
    writer.register({ table: 'shared', latestBy: ['id'] });
    writer.register({ table: 'shared', latestBy: ['id'] });
    expect(() => writer.register({ table: 'shared' })).toThrow(/different columns or latestBy/);
  });

  it('keeps appending after a failed operation', async () => {
    await expect(writer.append('unregistered', [])).rejects.toThrow(/not registered/);
    await append({ table: 'after' }, [{ a: 1 }]);
    expect(await rows('SELECT a FROM after')).toEqual([{ a: 1n }]);
  });
});
