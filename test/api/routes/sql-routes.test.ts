// POST /sql and the named queries through app.inject over a real DuckDB file in a temp dir:
// results, limits, body validation, and every hostile statement refused (4xx) or bounded.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckdbDatabase } from '../../../src/analytics/duckdb-database.js';
import { SqlRunner } from '../../../src/analytics/sql-runner.js';
import { buildServer } from '../../../src/api/build-server.js';
import { sqlRoutes } from '../../../src/api/routes/sql-routes.js';
import type { SqlQueryService } from '../../../src/core/sql-query.js';
import { DuckdbSinkWriter } from '../../../src/sinks/duckdb/duckdb-sink-writer.js';
import { FakeQueryBackend } from '../fake-query-backend.js';

const TIMEOUT_MS = 1_000;

let dir: string;
let database: DuckdbDatabase;
let writer: DuckdbSinkWriter;
let runner: SqlRunner;
let app: FastifyInstance;

async function serverWith(sql: SqlQueryService): Promise<FastifyInstance> {
  const backend = new FakeQueryBackend();
  return buildServer({
    backend,
    metrics: backend.metrics,
    plugins: [(scope) => sqlRoutes(scope, sql)],
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-sql-routes-'));
  writeFileSync(join(dir, 'secret.csv'), 'password\nhunter2\n');
  database = await DuckdbDatabase.open(join(dir, 'sluice.duckdb'));
  writer = await DuckdbSinkWriter.open(database.instance);
  writer.register({ table: 'activity_minutely' });
  await writer.append('activity_minutely', [
    {
      value: { key: 'books', startMs: 0, endMs: 60_000, events: 3, top_items: [{ value: 'b1' }] },
      ingestedMs: 1_000,
    },
    {
      value: { key: 'books', startMs: 0, endMs: 60_000, events: 4, top_items: [{ value: 'b2' }] },
      ingestedMs: 2_000,
    },
  ]);
  runner = new SqlRunner(database, { timeoutMs: TIMEOUT_MS });
  app = await serverWith(runner);
});

afterAll(async () => {
  await app.close();
  await runner.close();
  await writer.close();
  database.close();
  rmSync(dir, { recursive: true, force: true });
});

async function post(sql: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await app.inject({ method: 'POST', url: '/sql', payload: { sql } });
  return { status: response.statusCode, body: response.json() };
}

describe('POST /sql', () => {
  it('answers columns, rows and truncated', async () => {
    const { status, body } = await post(
      'SELECT key, startMs, events, top_items FROM activity_minutely_latest',
    );
    expect(status).toBe(200);
    expect(body).toEqual({
      columns: [
        { name: 'key', type: 'VARCHAR' },
        { name: 'startMs', type: 'BIGINT' },
        { name: 'events', type: 'BIGINT' },
        { name: 'top_items', type: 'JSON' },
      ],
      rows: [['books', 0, 4, [{ value: 'b2' }]]],
      truncated: false,
    });
  });

  it('returns at most 10,000 rows and says when it cut', async () => {
    const { status, body } = await post('SELECT * FROM range(25000)');
    expect(status).toBe(200);
    expect(body.truncated).toBe(true);
    expect(body.rows).toHaveLength(10_000);
  });

  it('validates the body', async () => {
    for (const payload of [{}, { sql: '' }, { sql: 1 }, { sql: 'SELECT 1', extra: 1 }]) {
      const response = await app.inject({ method: 'POST', url: '/sql', payload });
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
    }
    expect((await post(`SELECT ${'1 + '.repeat(30_000)}1`)).status).toBe(400);
  });

  it('answers 429 with Retry-After when too many statements run', async () => {
    const busy = await serverWith({
      query: async () => ({ ok: false, reason: 'busy', message: '2 statements are running' }),
      namedQueries: () => [],
    });
    const response = await busy.inject({
      method: 'POST',
      url: '/sql',
      payload: { sql: 'SELECT 1' },
    });
    expect(response.statusCode).toBe(429);
    expect(response.headers['retry-after']).toBe('1');
    expect(response.json()).toEqual({ error: 'busy', message: '2 statements are running' });
    await busy.close();
  });

  /** Hostile statements: each must be refused (4xx) or stopped by a limit, never a 2xx or 5xx. */
  const HOSTILE: Array<[sql: string, status: number, error: string, message: RegExp]> = [
    [`SELECT * FROM read_csv('${'/etc/passwd'}')`, 400, 'invalid_sql', /Permission Error/],
    [`SELECT * FROM read_csv_auto('SECRET')`, 400, 'invalid_sql', /Permission Error/],
    ["SELECT * FROM read_text('/etc/hostname')", 400, 'invalid_sql', /Permission Error/],
    ["SELECT * FROM glob('/*')", 400, 'invalid_sql', /Permission Error/],
    [
      "SELECT * FROM read_parquet('https://example.com/x.parquet')",
      400,
      'invalid_sql',
      /Permission Error/,
    ],
    ["COPY activity_minutely TO '/tmp/sluice-exfil.csv'", 403, 'refused', /COPY statement refused/],
    [
      "COPY (SELECT 1) TO '/tmp/sluice-exfil.parquet' (FORMAT parquet)",
      403,
      'refused',
      /COPY statement refused/,
    ],
    ["EXPORT DATABASE '/tmp/sluice-export'", 403, 'refused', /EXPORT statement refused/],
    ["ATTACH '/tmp/sluice-other.duckdb' AS other", 403, 'refused', /ATTACH statement refused/],
    ['DETACH sluice', 403, 'refused', /DETACH statement refused/],
    ['INSTALL httpfs', 403, 'refused', /INSTALL statement refused/],
    ['LOAD httpfs', 403, 'refused', /LOAD statement refused/],
    ['SET enable_external_access = true', 403, 'refused', /SET statement refused/],
    ["SET memory_limit = '64GB'", 403, 'refused', /SET statement refused/],
    ['RESET threads', 403, 'refused', /RESET statement refused/],
    ['PRAGMA enable_profiling', 403, 'refused', /PRAGMA statement refused/],
    ['PRAGMA show_tables', 403, 'refused', /PRAGMA x as SELECT/],
    ["SELECT getenv('HOME')", 400, 'invalid_sql', /getenv does not exist/],
    ["SELECT current_setting('enable_external_access')", 200, '', /./],
    ['CREATE TABLE x AS SELECT 1 AS a', 403, 'refused', /CREATE statement refused/],
    ['CREATE MACRO m() AS 1', 403, 'refused', /CREATE statement refused/],
    ["CREATE SECRET (TYPE s3, KEY_ID 'k', SECRET 's')", 403, 'refused', /CREATE statement refused/],
    [
      "INSERT INTO activity_minutely (key) VALUES ('x')",
      403,
      'refused',
      /INSERT statement refused/,
    ],
    ['UPDATE activity_minutely SET events = 0', 403, 'refused', /UPDATE statement refused/],
    ['DELETE FROM activity_minutely', 403, 'refused', /DELETE statement refused/],
    ['DROP TABLE activity_minutely', 403, 'refused', /DROP statement refused/],
    ['ALTER TABLE activity_minutely ADD COLUMN x INT', 403, 'refused', /ALTER statement refused/],
    ['SELECT 1; DROP TABLE activity_minutely', 403, 'refused', /found 2 statements/],
    ['/* x */ -- y\n  DROP TABLE activity_minutely', 403, 'refused', /^DROP statement refused/],
    ['BEGIN TRANSACTION', 403, 'refused', /BEGIN statement refused/],
    ['CHECKPOINT', 403, 'refused', /CHECKPOINT statement refused/],
    ['VACUUM', 403, 'refused', /VACUUM statement refused/],
    ['CALL pragma_version()', 403, 'refused', /CALL statement refused/],
    ['EXPLAIN ANALYZE SELECT 1', 403, 'refused', /EXPLAIN statement refused/],
    [
      "SELECT * FROM query('DROP TABLE activity_minutely')",
      403,
      'refused',
      /function not allowed: query/,
    ],
    ["SELECT * FROM query('SELECT 1')", 403, 'refused', /function not allowed: query/],
    ['SELECT * FROM enable_logging()', 403, 'refused', /function not allowed: enable_logging/],
    ['SELECT * FROM force_checkpoint()', 403, 'refused', /function not allowed: force_checkpoint/],
    ["SELECT nextval('seq')", 400, 'invalid_sql', /Sequence with name seq does not exist/],
    ["SELECT length(repeat('x', 4000000000))", 403, 'refused', /function not allowed: repeat/],
    ['SELECT len(range(0, 1000000000))', 403, 'refused', /function not allowed: range/],
    ['SELECT count(*) FROM range(1e9) a, range(1e9) b', 400, 'invalid_sql', /No function matches/],
    [
      'SELECT count(*) FROM range(1000000000) a, range(1000000000) b',
      400,
      'timeout',
      /interrupted after the 1000 ms/,
    ],
    [
      'WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r',
      400,
      'timeout',
      /interrupted/,
    ],
    [
      'SELECT list(range) FROM range(1000000000)',
      400,
      'invalid_sql|timeout',
      /Out of Memory Error|interrupted/,
    ],
    ['SELECT * FROM range(100000000) ORDER BY random()', 400, 'timeout', /interrupted/],
  ];

  const outcomes: Array<{ sql: string; status: number; message: string }> = [];

  for (const [sql, status, error, message] of HOSTILE) {
    it(`${status} for ${sql.slice(0, 70)}`, { timeout: 30_000 }, async () => {
      const started = performance.now();
      const { status: got, body } = await post(sql);
      const ms = Math.round(performance.now() - started);
      const text = got === 200 ? `rows: ${JSON.stringify(body.rows)}` : String(body.message);
      outcomes.push({
        sql,
        status: got,
        message: `${text.split('\n')[0]!.slice(0, 110)} (${ms} ms)`,
      });
      expect(got).toBe(status);
      if (status !== 200) {
        expect(String(body.error)).toMatch(new RegExp(`^(${error})$`));
        expect(String(body.message)).toMatch(message);
      } else {
        // Reading a setting is fine: it shows the lock held.
        expect(body.rows).toEqual([[false]]);
      }
    });
  }

  it('leaves the data and the instance intact after the hostile statements', async () => {
    const { status, body } = await post('SELECT count(*) AS n FROM activity_minutely');
    expect(status).toBe(200);
    expect(body.rows).toEqual([[2]]);
    if (process.env.SLUICE_PRINT_SQL_OUTCOMES) {
      console.log(
        ['| statement | status | message |', '| --- | --- | --- |']
          .concat(
            outcomes.map(
              (o) =>
                `| \`${o.sql.replaceAll('|', '\\|').replaceAll('\n', ' ')}\` | ${o.status} | ${o.message.replaceAll('|', '\\|')} |`,
            ),
          )
          .join('\n'),
      );
    }
  });
});

describe('GET /sql/queries', () => {
  it('lists the named queries and runs one by name', async () => {
    const list = await app.inject({ method: 'GET', url: '/sql/queries' });
    expect(list.statusCode).toBe(200);
    expect(list.json<Array<{ name: string }>>().map((q) => q.name)).toContain('tables');
    const run = await app.inject({ method: 'GET', url: '/sql/queries/tables' });
    expect(run.statusCode).toBe(200);
    expect(run.json<{ rows: unknown[][] }>().rows.map((r) => r[0])).toEqual([
      'activity_minutely',
      'activity_minutely_latest',
    ]);
    const missing = await app.inject({ method: 'GET', url: '/sql/queries/nope' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ error: 'not_found', message: 'unknown query "nope"' });
  });
});
