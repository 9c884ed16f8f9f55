// Dashboard queries run one at a time, in call order, and a failure stays with its caller.
import { describe, expect, it } from 'vitest';
import type { SqlResult } from '../../../src/api/dashboards/dashboard-spec.js';
import { serialSqlRunner } from '../../../src/api/dashboards/serial-sql-runner.js';

describe('serialSqlRunner', () => {
  it('never runs two queries at once and keeps going after a failure', async () => {
    let running = 0;
    let most = 0;
    const order: string[] = [];
    const run = serialSqlRunner(async (sql) => {
      running += 1;
      most = Math.max(most, running);
      order.push(sql);
      await new Promise((resolve) => setImmediate(resolve));
      running -= 1;
      if (sql === 'bad') throw new Error('Parser Error');
      return { columns: [], rows: [[sql]] } satisfies SqlResult;
    });
    const results = await Promise.allSettled([run('a'), run('bad'), run('c')]);
    expect(most).toBe(1);
    expect(order).toEqual(['a', 'bad', 'c']);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(results[2]).toMatchObject({ value: { rows: [['c']] } });
  });
});
