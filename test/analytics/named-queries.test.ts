// Every named query runs through the read-only runner over tables shaped like the ones the
// shipped jobs write (activity_minutely from activity-metrics, fraud_alerts from fraud-signals).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckdbDatabase } from '../../src/analytics/duckdb-database.js';
import { NAMED_QUERIES } from '../../src/analytics/named-queries.js';
import { SqlRunner } from '../../src/analytics/sql-runner.js';
import type { JsonObject } from '../../src/core/record.js';
import { DuckdbSinkWriter } from '../../src/sinks/duckdb/duckdb-sink-writer.js';

let dir: string;
let database: DuckdbDatabase;
let writer: DuckdbSinkWriter;
let runner: SqlRunner;

const T0 = 1_700_000_040_000 - (1_700_000_040_000 % 60_000);

const minute = (
  category: string,
  startMs: number,
  events: number,
  revenue: number,
): JsonObject => ({
  key: category,
  startMs,
  endMs: startMs + 60_000,
  events,
  views: events - 1,
  carts: 1,
  purchases: revenue > 0 ? 1 : 0,
  revenue,
  buyers: 1,
  top_items: [{ value: 'i1', count: 2 }],
});

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-named-queries-'));
  database = await DuckdbDatabase.open(join(dir, 'sluice.duckdb'));
  writer = await DuckdbSinkWriter.open(database.instance);
  writer.register({ table: 'activity_minutely' });
  writer.register({
    table: 'fraud_alerts',
    columns: {
      txn_id: 'VARCHAR',
      account_id: 'VARCHAR',
      card_id: 'VARCHAR',
      score: 'DOUBLE',
      reasons: 'JSON',
      ts: 'BIGINT',
      emitted_at: 'BIGINT',
    },
    latestBy: ['txn_id'],
  });
  const at = (value: JsonObject) => ({ value, ingestedMs: T0 });
  await writer.append('activity_minutely', [
    at(minute('books', T0, 3, 0)),
    at(minute('games', T0, 2, 10)),
    at(minute('books', T0 + 60_000, 5, 12.5)),
  ]);
  // A newer version of books@T0 (emit: update) replaces the first in the view.
  await writer.append('activity_minutely', [at(minute('books', T0, 4, 20))]);
  const alert = (txn: string, account: string, score: number, ts: number): JsonObject => ({
    txn_id: txn,
    account_id: account,
    card_id: 'c1',
    score,
    reasons: ['new-device'],
    ts,
    emitted_at: ts + 5,
  });
  await writer.append('fraud_alerts', [
    at(alert('t1', 'a1', 0.9, T0 + 1_000)),
    at(alert('t2', 'a1', 0.7, T0 + 2_000)),
    at(alert('t3', 'a2', 0.95, T0 + 61_000)),
    // Repeated after a crash: counted once.
    at(alert('t1', 'a1', 0.9, T0 + 1_000)),
  ]);
  runner = new SqlRunner(database);
});

afterAll(async () => {
  await runner.close();
  await writer.close();
  database.close();
  rmSync(dir, { recursive: true, force: true });
});

async function run(name: string): Promise<unknown[][]> {
  const query = NAMED_QUERIES.find((q) => q.name === name)!;
  const outcome = await runner.query(query.sql);
  if (!outcome.ok) throw new Error(`${name}: ${outcome.message}`);
  return outcome.result.rows as unknown[][];
}

describe('named queries', () => {
  it('have unique kebab-case names and a description', () => {
    const names = NAMED_QUERIES.map((q) => q.name);
    expect(new Set(names).size).toBe(names.length);
    for (const q of NAMED_QUERIES) {
      expect(q.name).toMatch(/^[a-z0-9-]+$/);
      expect(q.description.length).toBeGreaterThan(10);
    }
  });

  it('each runs through the read-only runner', async () => {
    for (const q of NAMED_QUERIES) {
      const outcome = await runner.query(q.sql);
      expect(outcome.ok, `${q.name}: ${outcome.ok ? '' : outcome.message}`).toBe(true);
    }
  });

  it('tables lists the tables and views', async () => {
    expect((await run('tables')).map((r) => [r[0], r[1]])).toEqual([
      ['activity_minutely', 'table'],
      ['activity_minutely_latest', 'view'],
      ['fraud_alerts', 'table'],
      ['fraud_alerts_latest', 'view'],
    ]);
  });

  it('activity-per-minute shows the newest version of each window', async () => {
    const rows = await run('activity-per-minute');
    expect(rows.map((r) => [r[0], r[2], r[6]])).toEqual([
      ['books', 5, 12.5],
      ['books', 4, 20],
      ['games', 2, 10],
    ]);
  });

  it('revenue-per-minute sums categories per minute', async () => {
    expect((await run('revenue-per-minute')).map((r) => [r[1], r[2], r[3]])).toEqual([
      [30, 2, 6],
      [12.5, 1, 5],
    ]);
  });

  it('fraud queries count each transaction once', async () => {
    expect((await run('fraud-alerts-per-minute')).map((r) => r[1])).toEqual([2, 1]);
    expect((await run('fraud-top-accounts')).map((r) => [r[0], r[1], r[2]])).toEqual([
      ['a1', 2, 0.9],
      ['a2', 1, 0.95],
    ]);
  });
});
