// Metric panels over time: rates from counter increases, histogram quantiles over the last
// `over`, label filters and grouping, and the frames each chart type gets. Time is given.
import { describe, expect, it } from 'vitest';
import { parseDashboardText } from '../../../src/api/dashboards/dashboard-loader.js';
import type { MetricPanelSpec } from '../../../src/api/dashboards/dashboard-spec.js';
import { globMatch, MetricPanelSampler } from '../../../src/api/dashboards/metric-panel-sampler.js';
import type { JobStatusView } from '../../../src/core/query.js';
import { MetricsRegistry } from '../../../src/metrics/metrics-registry.js';

/** One metric panel from YAML lines (indented as a panel's fields). */
function panel(fields: string): MetricPanelSpec {
  const { spec, problems } = parseDashboardText(
    `name: t\ntitle: T\nwindow: 10s\npanels:\n  - title: P\n${fields.replace(/^/gm, '    ')}\n`,
    'dashboards/t.yaml',
  );
  expect(problems).toEqual([]);
  return spec!.panels[0] as MetricPanelSpec;
}

describe('MetricPanelSampler', () => {
  it('draws a rate per job from counter increases over `over`, appending one point a tick', () => {
    const metrics = new MetricsRegistry();
    const a = metrics.counter('recordsIn', { job: 'a' });
    const sampler = new MetricPanelSampler(
      panel('metric: sluice_records_in_total\nshow: rate\nby: job\nover: 2s\nchart: line'),
      { metrics },
      10_000,
    );
    expect(sampler.tick(1000)).toEqual({ kind: 'append', timeMs: 1000, values: { a: null } });
    a.inc(100);
    expect(sampler.tick(2000)).toEqual({ kind: 'append', timeMs: 2000, values: { a: 100 } });
    a.inc(300);
    // 400 records between t=1s and t=3s.
    expect(sampler.tick(3000)).toEqual({ kind: 'append', timeMs: 3000, values: { a: 200 } });
    metrics.counter('recordsIn', { job: 'b' }).inc(50);
    expect(sampler.tick(4000)).toEqual({ kind: 'append', timeMs: 4000, values: { a: 150, b: 25 } });
    expect(sampler.snapshot()).toEqual({
      kind: 'series',
      timesMs: [1000, 2000, 3000, 4000],
      series: [
        { name: 'a', values: [null, 100, 200, 150] },
        { name: 'b', values: [null, null, null, 25] },
      ],
    });
  });

  it('forgets points older than the window and treats a counter that went down as reset', () => {
    const metrics = new MetricsRegistry();
    const c = metrics.counter('recordsIn', { job: 'a' });
    const sampler = new MetricPanelSampler(
      panel('metric: sluice_records_in_total\nshow: rate\nover: 1s\nchart: line'),
      { metrics },
      3000,
    );
    for (let t = 1; t <= 5; t++) {
      c.inc(10);
      sampler.tick(t * 1000);
    }
    c.value = 5;
    expect(sampler.tick(6000)).toMatchObject({ values: { total: 5 } });
    const snapshot = sampler.snapshot();
    expect(snapshot).toEqual({
      kind: 'series',
      timesMs: [3000, 4000, 5000, 6000],
      series: [{ name: 'total', values: [10, 10, 10, 5] }],
    });
  });

  it('takes histogram quantiles over the last `over`, not since the start', () => {
    const metrics = new MetricsRegistry();
    const h = metrics.histogram('endToEndLatency', { job: 'a' });
    const sampler = new MetricPanelSampler(
      panel(
        'metric: sluice_end_to_end_latency_seconds\nquantiles: [0.5, 0.99]\nover: 2s\nchart: line',
      ),
      { metrics },
      60_000,
    );
    for (let i = 0; i < 100; i++) h.observe(2); // slow at first: 1 s < 2 s ≤ 2.5 s
    sampler.tick(1000);
    for (let i = 0; i < 100; i++) h.observe(0.003); // then fast: 2.5 ms < 3 ms ≤ 5 ms
    sampler.tick(2000);
    const frame = sampler.tick(3000);
    expect(frame?.kind).toBe('append');
    const values = (frame as { values: Record<string, number> }).values;
    expect(Object.keys(values)).toEqual(['p50', 'p99']);
    expect(values.p50).toBeGreaterThan(0.0025);
    expect(values.p99).toBeLessThanOrEqual(0.005);
    // Nothing observed within the last 2 s: no quantile, a gap in the line.
    sampler.tick(5000);
    expect(sampler.tick(6000)).toMatchObject({ values: { p50: null, p99: null } });
  });

  it('filters labels with wildcards and alternatives, and groups by several labels', () => {
    const metrics = new MetricsRegistry();
    metrics.counter('httpRequests', { route: '/jobs', status: '200' }).inc(7);
    metrics.counter('httpRequests', { route: '/jobs', status: '404' }).inc(2);
    metrics.counter('httpRequests', { route: '/stores/:store', status: '500' }).inc(1);
    metrics.counter('httpRequests', { route: '/stores/:store', status: '503' }).inc(3);
    const sampler = new MetricPanelSampler(
      panel(
        "metric: sluice_http_requests_total\nwhere: { status: '4*|5*' }\nby: [route]\nchart: bar",
      ),
      { metrics },
      60_000,
    );
    expect(sampler.tick(1000)).toEqual({
      kind: 'bars',
      labels: ['/stores/:store', '/jobs'],
      values: [4, 2],
    });
    // Unchanged: nothing to send.
    expect(sampler.tick(2000)).toBeUndefined();
    expect(globMatch('*fraud*', 'x-fraud-detection')).toBe(true);
    expect(globMatch('*fraud*', 'frau')).toBe(false);
    expect(globMatch('a.b', 'axb')).toBe(false);
  });

  it('gives tables a row per group and numbers one total', () => {
    const metrics = new MetricsRegistry();
    metrics.gauge('stateEntries', { job: 'j', store: 's1' }).set(10);
    metrics.gauge('stateEntries', { job: 'j', store: 's2' }).set(30);
    const table = new MetricPanelSampler(
      panel('metric: sluice_state_entries\nby: [job, store]\nchart: table'),
      { metrics },
      60_000,
    );
    expect(table.tick(1000)).toEqual({
      kind: 'table',
      columns: ['job', 'store', 'value'],
      rows: [
        ['j', 's2', 30],
        ['j', 's1', 10],
      ],
    });
    const number = new MetricPanelSampler(
      panel('metric: sluice_state_entries\nchart: number'),
      { metrics },
      60_000,
    );
    expect(number.tick(1000)).toEqual({ kind: 'number', value: 40 });
    const latency = new MetricPanelSampler(
      panel(
        'metric: sluice_end_to_end_latency_seconds\nquantiles: [0.5, 0.99]\nby: job\nchart: table',
      ),
      { metrics },
      60_000,
    );
    metrics.histogram('endToEndLatency', { job: 'j' }).observe(0.01);
    expect(latency.tick(1000)).toMatchObject({
      columns: ['job', 'p50', 'p99'],
      rows: [['j', expect.any(Number), expect.any(Number)]],
    });
  });

  it('reads consumer lag from job status while the registry has no lag gauge', () => {
    const metrics = new MetricsRegistry();
    const status = (): JobStatusView[] => [
      {
        job: 'a',
        state: 'running',
        tasks: [
          {
            subtopology: 0,
            partition: 0,
            status: 'running',
            watermarkMs: null,
            positions: {},
            lag: { t: 5 },
          },
          {
            subtopology: 0,
            partition: 1,
            status: 'running',
            watermarkMs: null,
            positions: {},
            lag: { t: 7 },
          },
        ],
      },
    ];
    const sampler = new MetricPanelSampler(
      panel('metric: sluice_consumer_lag_records\nby: job\nchart: bar'),
      { metrics, status },
      60_000,
    );
    expect(sampler.tick(1000)).toEqual({ kind: 'bars', labels: ['a'], values: [12] });
    // Once the runtime sets the gauge, the registry wins.
    metrics.gauge('consumerLag', { job: 'a', topic: 't', partition: '0' }).set(1);
    expect(sampler.tick(2000)).toEqual({ kind: 'bars', labels: ['a'], values: [1] });
  });

  it('keeps at most `limit` series on a line, the largest first when there are too many', () => {
    const metrics = new MetricsRegistry();
    for (const [job, n] of [
      ['a', 1],
      ['b', 9],
      ['c', 5],
    ] as const)
      metrics.gauge('assignedPartitions', { job }).set(n);
    const sampler = new MetricPanelSampler(
      panel('metric: sluice_assigned_partitions\nby: job\nlimit: 2\nchart: line'),
      { metrics },
      60_000,
    );
    expect(sampler.tick(1000)).toEqual({ kind: 'append', timeMs: 1000, values: { b: 9, c: 5 } });
  });
});
