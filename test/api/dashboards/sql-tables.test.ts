// Table names a dashboard query reads, as the contract test needs them.
import { describe, expect, it } from 'vitest';
import { sqlTables } from '../../../src/api/dashboards/sql-tables.js';

describe('sqlTables', () => {
  it('finds FROM and JOIN tables, comma joins and subqueries, once each', () => {
    expect(sqlTables('SELECT * FROM a JOIN b ON a.x = b.x LEFT JOIN "Mixed" USING (y)')).toEqual([
      'a',
      'b',
      'Mixed',
    ]);
    expect(sqlTables('select 1 from main.Fraud_Alerts f, accounts a, cards where 1')).toEqual([
      'fraud_alerts',
      'accounts',
      'cards',
    ]);
    expect(
      sqlTables(
        'SELECT (SELECT max(ts) FROM t1) FROM (SELECT * FROM t2) s WHERE x IN (SELECT y FROM t1)',
      ),
    ).toEqual(['t1', 't2']);
  });

  it('leaves out CTE names, table functions and FROM inside expressions, strings and comments', () => {
    expect(
      sqlTables(`WITH recent AS (SELECT * FROM alerts), top AS (SELECT * FROM recent)
        SELECT extract(epoch FROM ts), trim(both ' ' from name), 'from nowhere'
        FROM top, unnest(reasons) AS r -- FROM commented
        /* JOIN hidden */ JOIN range(10) ON true`),
    ).toEqual(['alerts']);
    expect(sqlTables('SELECT 1')).toEqual([]);
  });
});
