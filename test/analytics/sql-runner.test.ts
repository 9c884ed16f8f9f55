// The read-only SQL runner over a real DuckDB file: result shape and JSON values, the row
// limit, the time limit, concurrency, and statements it refuses before running them.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckdbDatabase } from '../../src/analytics/duckdb-database.js';
import { SqlRunner } from '../../src/analytics/sql-runner.js';
import type { SqlOutcome } from '../../src/core/sql-query.js';
import { DuckdbSinkWriter } from '../../src/sinks/duckdb/duckdb-sink-writer.js';

let dir: string;
let database: DuckdbDatabase;
let writer: DuckdbSinkWriter;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-sql-runner-'));
  database = await DuckdbDatabase.open(join(dir, 'sluice.duckdb'));
  writer = await DuckdbSinkWriter.open(database.instance);
  writer.register({ table: 'alerts' });
  await writer.append('alerts', [
    {
      value: { txn_id: 't1', score: 0.9, reasons: ['new-device', 'far'], ts: 1_700_000_000_000 },
      ingestedMs: 1_700_000_000_500,
    },
  ]);
});

afterAll(async () => {
  await writer.close();
  database.close();
  rmSync(dir, { recursive: true, force: true });
});

function failure(outcome: SqlOutcome): { reason: string; message: string } {
  if (outcome.ok) throw new Error(`expected a failure, got ${JSON.stringify(outcome.result)}`);
  return { reason: outcome.reason, message: outcome.message };
}

describe('SqlRunner', () => {
  it('returns typed columns and JSON rows: safe integers as numbers, JSON columns embedded', async () => {
    const runner = new SqlRunner(database);
    const outcome = await runner.query(
      `SELECT txn_id, score, reasons, ts, _ingested_at, 9007199254740993::BIGINT AS big,
         1.25::DECIMAL(5,2) AS dec, [1, 2] AS list, {'a': 1} AS struct
       FROM alerts`,
    );
    expect(outcome).toEqual({
      ok: true,
      result: {
        columns: [
          { name: 'txn_id', type: 'VARCHAR' },
          { name: 'score', type: 'DOUBLE' },
          { name: 'reasons', type: 'JSON' },
          { name: 'ts', type: 'BIGINT' },
          { name: '_ingested_at', type: 'TIMESTAMP' },
          { name: 'big', type: 'BIGINT' },
          { name: 'dec', type: 'DECIMAL(5,2)' },
          { name: 'list', type: 'INTEGER[]' },
          { name: 'struct', type: 'STRUCT("a" INTEGER)' },
        ],
        rows: [
          [
            't1',
            0.9,
            ['new-device', 'far'],
            1_700_000_000_000,
            '2023-11-14 22:13:20.5',
            '9007199254740993',
            1.25,
            [1, 2],
            { a: 1 },
          ],
        ],
        truncated: false,
      },
    });
  });

  it('stops at the row limit and says so', async () => {
    const runner = new SqlRunner(database, { maxRows: 5 });
    const five = await runner.query('SELECT * FROM range(5)');
    expect(five.ok && five.result).toMatchObject({ truncated: false });
    expect(five.ok && five.result.rows).toEqual([[0], [1], [2], [3], [4]]);
    const many = await runner.query('SELECT * FROM range(100000)');
    expect(many.ok && many.result.truncated).toBe(true);
    expect(many.ok && many.result.rows).toHaveLength(5);
  });

  it('interrupts a statement at the time limit', async () => {
    const runner = new SqlRunner(database, { timeoutMs: 200 });
    const started = performance.now();
    const outcome = await runner.query(
      'SELECT count(*) FROM range(1000000000) a, range(1000000000) b',
    );
    expect(failure(outcome)).toEqual({
      reason: 'timeout',
      message: 'statement interrupted after the 200 ms time limit',
    });
    expect(performance.now() - started).toBeLessThan(5_000);
    // The instance is fine afterwards.
    expect((await runner.query('SELECT 1 AS one')).ok).toBe(true);
  });

  it('refuses a statement beyond the concurrency limit, and runs again once one ends', async () => {
    const runner = new SqlRunner(database, { maxConcurrent: 1, timeoutMs: 300 });
    const long = runner.query('SELECT count(*) FROM range(1000000000) a, range(1000000000) b');
    expect(failure(await runner.query('SELECT 1'))).toEqual({
      reason: 'busy',
      message: '1 statements are running; try again shortly',
    });
    expect(failure(await long).reason).toBe('timeout');
    expect((await runner.query('SELECT 1')).ok).toBe(true);
  });

  it('refuses anything but one read-only query, before running it', async () => {
    const runner = new SqlRunner(database);
    const cases: Array<[string, string, RegExp]> = [
      ['INSERT INTO alerts (txn_id) VALUES (1)', 'refused', /^INSERT statement refused/],
      ['DROP TABLE alerts', 'refused', /^DROP statement refused/],
      ['SELECT 1; SELECT 2', 'refused', /^found 2 statements/],
      ['-- nothing', 'refused', /^found no statement/],
      [
        'PRAGMA show_tables',
        'refused',
        /^PRAGMA statement refused.*write PRAGMA x as SELECT \* FROM pragma_x\(\)$/,
      ],
      ["SELECT length(repeat('x', 4000000000))", 'refused', /^function not allowed: repeat$/],
      ["SELECT * FROM query('SELECT 1')", 'refused', /^function not allowed: query$/],
      ['SELECT range(3)', 'refused', /^function not allowed: range$/],
      ["SELECT repeat('x', 3)", 'refused', /^function not allowed: repeat$/],
      ['SELEC 1', 'invalid', /Parser Error/],
      ['SELECT * FROM missing', 'invalid', /Catalog Error: Table with name missing does not exist/],
    ];
    for (const [sql, reason, message] of cases) {
      const f = failure(await runner.query(sql));
      expect(f.reason, sql).toBe(reason);
      expect(f.message, sql).toMatch(message);
    }
    expect(await runner.query('SELECT count(*) AS n FROM alerts')).toMatchObject({
      ok: true,
      result: { rows: [[1]] },
    });
  });

  it('allows the read-only forms DuckDB types as SELECT', async () => {
    const runner = new SqlRunner(database);
    for (const sql of [
      'FROM alerts',
      'WITH a AS (SELECT 1 AS x) SELECT x FROM a',
      'VALUES (1), (2)',
      'SHOW TABLES',
      'DESCRIBE alerts',
      'SUMMARIZE alerts',
      "SELECT * FROM pragma_table_info('alerts')",
      'SELECT * FROM range(3) r, generate_series(1, 2) g',
    ]) {
      const outcome = await runner.query(sql);
      expect(outcome.ok, `${sql}: ${outcome.ok ? '' : outcome.message}`).toBe(true);
    }
  });

  it('refuses long statements and statements after close', async () => {
    const runner = new SqlRunner(database, { maxSqlChars: 10 });
    expect(failure(await runner.query('SELECT 1 + 1 + 1'))).toEqual({
      reason: 'refused',
      message: 'statement is 16 characters; at most 10',
    });
    await runner.close();
    expect(failure(await runner.query('SELECT 1')).reason).toBe('busy');
  });

  it('close() interrupts running statements', async () => {
    const runner = new SqlRunner(database, { timeoutMs: 60_000 });
    const long = runner.query('SELECT count(*) FROM range(1000000000) a, range(1000000000) b');
    await runner.close();
    expect(failure(await long).reason).toBe('timeout');
  });
});
