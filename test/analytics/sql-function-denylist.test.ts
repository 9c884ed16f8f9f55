// Denied functions are found in DuckDB's parse tree wherever they are called; range and
// generate_series only as scalar functions.

import { describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { deniedFunctionsIn } from '../../src/analytics/sql-function-denylist.js';
import type { JsonValue } from '../../src/core/record.js';

async function tree(sql: string): Promise<JsonValue> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll('SELECT json_serialize_sql($1::VARCHAR)', [sql]);
    return JSON.parse(reader.getRowsJS()[0]![0] as string) as JsonValue;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

describe('deniedFunctionsIn', () => {
  it('finds denied calls in any clause, any case, nested anywhere', async () => {
    const sql = `WITH c AS (SELECT * FROM "Enable_Logging"())
      SELECT REPEAT('x', 2) FROM c
      WHERE 1 IN (SELECT lpad('a', 3, 'b') FROM query('select 1'))`;
    expect(deniedFunctionsIn(await tree(sql))).toEqual([
      'enable_logging',
      'lpad',
      'query',
      'repeat',
    ]);
  });

  it('allows range and generate_series as table functions only', async () => {
    expect(deniedFunctionsIn(await tree('SELECT * FROM range(10), generate_series(1, 3)'))).toEqual(
      [],
    );
    expect(deniedFunctionsIn(await tree('SELECT range(10)'))).toEqual(['range']);
    // A scalar call in a table function's arguments is still scalar.
    expect(
      deniedFunctionsIn(await tree('SELECT * FROM range(len(generate_series(1, 1000000000)))')),
    ).toEqual(['generate_series']);
  });

  it('passes ordinary analytics', async () => {
    const sql = `SELECT key, time_bucket(INTERVAL 1 minute, epoch_ms(startMs)) AS m, sum(views)
      FROM t QUALIFY row_number() OVER (PARTITION BY key ORDER BY startMs DESC) = 1`;
    expect(deniedFunctionsIn(await tree(sql))).toEqual([]);
  });

  it('walks a deeply nested tree without overflowing the stack', () => {
    let node: JsonValue = { function_name: 'repeat' };
    for (let i = 0; i < 100_000; i++) node = { children: [node] };
    expect(deniedFunctionsIn(node)).toEqual(['repeat']);
  });
});
