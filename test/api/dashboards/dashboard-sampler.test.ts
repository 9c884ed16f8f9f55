// A dashboard's frames over time: metric panels every tick, SQL panels at their own refresh
// and only while watched, results sent once when they change, and the SQL empty states.
import { describe, expect, it } from 'vitest';
import { parseDashboardText } from '../../../src/api/dashboards/dashboard-loader.js';
import { DashboardSampler } from '../../../src/api/dashboards/dashboard-sampler.js';
import type { DashboardSpec, SqlResult } from '../../../src/api/dashboards/dashboard-spec.js';
import { MetricsRegistry } from '../../../src/metrics/metrics-registry.js';

const SPEC: DashboardSpec = parseDashboardText(
  `name: d
title: D
panels:
  - { title: Rate, metric: sluice_records_in_total, show: rate, chart: line }
  - { title: Slow gauge, metric: sluice_state_entries, chart: number, refresh: 3s }
  - { title: Alerts, sql: SELECT count(*) FROM fraud_alerts, chart: number, refresh: 2s }
`,
  'dashboards/d.yaml',
).spec!;

/** Lets queued promise callbacks run (queries start on a resolved promise). */
const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('DashboardSampler', () => {
  it('runs SQL panels at their refresh while watched, and sends each new result once', async () => {
    const metrics = new MetricsRegistry();
    const queries: string[] = [];
    let count = 1;
    const runSql = async (sql: string): Promise<SqlResult> => {
      queries.push(sql);
      return { columns: [{ name: 'n', type: 'BIGINT' }], rows: [[BigInt(count)]] };
    };
    const sampler = new DashboardSampler(SPEC, { metrics, runSql });
    expect(sampler.snapshot(0).panels.p2).toEqual({ kind: 'empty', message: 'Loading…' });

    // Not watched: metrics are sampled, SQL is not run.
    expect(Object.keys(sampler.tick(0, false).panels)).toEqual(['p0', 'p1']);
    expect(queries).toEqual([]);

    sampler.tick(1000, true);
    await sampler.idle();
    expect(queries).toEqual(['SELECT count(*) FROM fraud_alerts']);
    // The result goes out with the next tick; the 3 s gauge panel is not due at 2 s.
    expect(sampler.tick(2000, true).panels).toEqual({
      // No job has read a record yet: no series.
      p0: { kind: 'append', timeMs: 2000, values: {} },
      p2: { kind: 'number', value: 1 },
    });
    await sampler.idle();
    expect(queries).toHaveLength(1); // 2 s refresh: next run at 3 s
    sampler.tick(3000, true);
    await sampler.idle();
    expect(queries).toHaveLength(2);
    // Same result again: not sent.
    expect(sampler.tick(4000, true).panels.p2).toBeUndefined();
    count = 5;
    sampler.tick(5000, true);
    await sampler.idle();
    expect(sampler.tick(6000, true).panels.p2).toEqual({ kind: 'number', value: 5 });
    expect(sampler.snapshot(6000).panels.p2).toEqual({ kind: 'number', value: 5 });
  });

  it('shows "SQL not available" without a runner and an empty state for a missing table', async () => {
    const metrics = new MetricsRegistry();
    const without = new DashboardSampler(SPEC, { metrics });
    without.tick(0, true);
    expect(without.snapshot(0).panels.p2).toMatchObject({
      kind: 'empty',
      message: expect.stringMatching(/^SQL not available/),
    });

    const missing = new DashboardSampler(SPEC, {
      metrics,
      runSql: () => {
        throw new Error('Catalog Error: Table with name fraud_alerts does not exist!');
      },
    });
    missing.tick(0, true);
    await missing.idle();
    expect(missing.tick(1000, true).panels.p2).toMatchObject({
      kind: 'empty',
      message: expect.stringMatching(/^No data yet: table fraud_alerts does not exist/),
    });
  });

  it('does not start a query while the previous one runs', async () => {
    let release: () => void = () => undefined;
    let runs = 0;
    const sampler = new DashboardSampler(SPEC, {
      metrics: new MetricsRegistry(),
      runSql: () => {
        runs += 1;
        return new Promise<SqlResult>((resolve) => {
          release = () => resolve({ columns: [], rows: [] });
        });
      },
    });
    sampler.tick(0, true);
    await flush();
    sampler.tick(10_000, true);
    await flush();
    expect(runs).toBe(1);
    release();
    await sampler.idle();
    sampler.tick(20_000, true);
    await flush();
    expect(runs).toBe(2);
    release();
    await sampler.idle();
  });
});
