// Dashboard files: the shipped ones load; every kind of mistake is reported with file:line:col,
// the path inside the file and a message that says what to write instead.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  loadDashboards,
  parseDashboardText,
  parseDurationMs,
} from '../../../src/api/dashboards/dashboard-loader.js';
import { formatDashboardProblem } from '../../../src/api/dashboards/dashboard-problem.js';
import type { MetricPanelSpec, SqlPanelSpec } from '../../../src/api/dashboards/dashboard-spec.js';

/** Problems of a dashboard text (file `d.yaml`) as printed lines. */
function problems(text: string): string[] {
  return parseDashboardText(text, 'dashboards/d.yaml').problems.map(formatDashboardProblem);
}

const HEAD = 'name: d\ntitle: D\npanels:\n';

describe('dashboard loader', () => {
  it('loads the shipped dashboards without a problem', async () => {
    const result = await loadDashboards('dashboards');
    expect(result.problems.map(formatDashboardProblem)).toEqual([]);
    expect(result.dashboards.map((d) => d.name)).toEqual(['fraud', 'overview', 'recommendations']);
    for (const d of result.dashboards) {
      expect(d.refreshMs).toBeLessThanOrEqual(1000);
      expect(d.panels.length).toBeGreaterThan(0);
    }
  });

  it('reads a metric panel with defaults and a SQL panel with its tables', () => {
    const { spec, problems: found } = parseDashboardText(
      `${HEAD}  - title: Rate
    metric: sluice_records_in_total
    show: rate
    by: job
    where: { job: '*fraud*' }
    chart: line
  - title: Latency
    metric: sluice_end_to_end_latency_seconds
    quantiles: [0.5, 0.99]
    chart: bar
  - title: Alerts
    sql: SELECT count(*) FROM fraud_alerts a JOIN accounts b USING (account_id);
    chart: number
`,
      'dashboards/d.yaml',
    );
    expect(found).toEqual([]);
    const [rate, latency, alerts] = spec!.panels as [
      MetricPanelSpec,
      MetricPanelSpec,
      SqlPanelSpec,
    ];
    expect(spec!.refreshMs).toBe(1000);
    expect(spec!.windowMs).toBe(300_000);
    expect(rate).toMatchObject({
      id: 'p0',
      source: 'metric',
      metric: 'recordsIn',
      show: 'rate',
      by: ['job'],
      where: { job: '*fraud*' },
      unit: '/s',
      overMs: 5000,
      limit: 8,
      line: 4,
    });
    expect(latency).toMatchObject({ quantiles: [0.5, 0.99], unit: 's', limit: 10 });
    expect(alerts).toMatchObject({
      source: 'sql',
      sql: 'SELECT count(*) FROM fraud_alerts a JOIN accounts b USING (account_id)',
      tables: ['fraud_alerts', 'accounts'],
      refreshMs: 5000,
    });
  });

  it('names an unknown metric with its line, column and the closest real name', () => {
    expect(
      problems(`${HEAD}  - title: X\n    metric: sluice_record_in_total\n    chart: line\n`),
    ).toEqual([
      'dashboards/d.yaml:5:13: panels[0].metric: unknown metric "sluice_record_in_total" (did you mean "sluice_records_in_total"?); dashboards use the names in src/metrics/metric-names.ts',
    ]);
  });

  it('checks labels, chart types and what each metric type can show', () => {
    const text = `${HEAD}  - title: A
    metric: sluice_records_in_total
    by: topic
    chart: pie
  - title: B
    metric: sluice_end_to_end_latency_seconds
    chart: line
  - title: C
    metric: sluice_consumer_lag_records
    show: rate
    chart: line
  - title: D
    metric: sluice_records_in_total
    quantiles: [0.5]
    where: { store: x }
    chart: line
  - title: E
    metric: sluice_records_in_total
    by: job
    chart: number
`;
    expect(problems(text)).toEqual([
      'dashboards/d.yaml:7:12: panels[0].chart: expected one of line, bar, table, number',
      'dashboards/d.yaml:6:9: panels[0].by: sluice_records_in_total has no label "topic" (labels: job)',
      'dashboards/d.yaml:9:13: panels[1].metric: sluice_end_to_end_latency_seconds is a histogram: give quantiles (e.g. [0.5, 0.99]) or show: rate',
      'dashboards/d.yaml:13:11: panels[2].show: sluice_consumer_lag_records is a gauge: show its value',
      'dashboards/d.yaml:17:16: panels[3].quantiles: sluice_records_in_total is a counter: quantiles are for histograms',
      'dashboards/d.yaml:18:14: panels[3].where.store: sluice_records_in_total has no label "store" (labels: job)',
      'dashboards/d.yaml:22:9: panels[4].by: a number panel shows one total: remove by',
    ]);
  });

  it('reports unknown fields with a suggestion, and a panel with no or two sources', () => {
    const text = `name: d
title: D
refesh: 1s
panels:
  - title: A
    chart: line
  - title: B
    metric: sluice_records_in_total
    sql: SELECT 1
    chart: line
  - title: C
    sql: DELETE FROM t
    chart: table
    show: rate
`;
    expect(problems(text)).toEqual([
      'dashboards/d.yaml:3:1: refesh: unknown field (did you mean "refresh"?); known: name, title, description, refresh, window, panels',
      'dashboards/d.yaml:5:5: panels[0]: a panel needs a source: metric (a sluice_* metric name) or sql (a query)',
      'dashboards/d.yaml:7:5: panels[1]: a panel has either metric or sql, not both',
      'dashboards/d.yaml:14:11: panels[2].show: only for metric panels',
      'dashboards/d.yaml:12:10: panels[2].sql: a panel query starts with SELECT, WITH or FROM',
    ]);
  });

  it('keeps dashboards live: refresh at most 1s, and a panel never refreshes faster', () => {
    expect(
      problems(
        `name: d\ntitle: D\nrefresh: 5s\nwindow: 2s\npanels:\n  - title: A\n    sql: SELECT 1\n    chart: number\n    refresh: 50ms\n`,
      ),
    ).toEqual([
      'dashboards/d.yaml:3:10: refresh: must be from 100ms to 1s',
      'dashboards/d.yaml:4:9: window: must be from 10s to 1h',
      'dashboards/d.yaml:9:14: panels[0].refresh: must be from the dashboard refresh (1s) to 1h',
    ]);
  });

  it('requires name (matching the file), title and panels; reports YAML syntax errors', () => {
    expect(problems('title: D\npanels: []\n')).toEqual([
      'dashboards/d.yaml:1:1: name: missing',
      'dashboards/d.yaml:2:9: panels: expected a non-empty list of panels',
    ]);
    expect(problems('name: other\ntitle: D\npanels:\n  - 1\n')).toEqual([
      'dashboards/d.yaml:1:7: name: "other" must match the file name (d), so /dashboards/<name> finds its file',
      'dashboards/d.yaml:4:5: panels[0]: expected a panel (a mapping with title, chart, …)',
    ]);
    expect(problems('name: d\ntitle: [unclosed\n')[0]).toMatch(
      /^dashboards\/d\.yaml:\d+:\d+: YAML syntax error/,
    );
    expect(problems('- a\n')).toEqual([
      'dashboards/d.yaml:1:1: a dashboard file is a mapping with name, title and panels',
    ]);
  });

  it('loads a directory: missing is empty, bad files are reported and left out', async () => {
    expect(await loadDashboards('/nonexistent/dashboards')).toEqual({
      dashboards: [],
      problems: [],
    });
    const dir = await mkdtemp(join(tmpdir(), 'sluice-dash-'));
    try {
      await writeFile(
        join(dir, 'good.yaml'),
        'name: good\ntitle: G\npanels:\n  - { title: N, sql: SELECT 1, chart: number }\n',
      );
      await writeFile(
        join(dir, 'bad.yml'),
        'name: bad\ntitle: B\npanels:\n  - { title: N, metric: nope, chart: number }\n',
      );
      await writeFile(join(dir, 'notes.txt'), 'ignored');
      const result = await loadDashboards(dir);
      expect(result.dashboards.map((d) => d.name)).toEqual(['good']);
      expect(result.problems.map(formatDashboardProblem)).toEqual([
        `${join(dir, 'bad.yml')}:4:25: panels[0].metric: unknown metric "nope"; dashboards use the names in src/metrics/metric-names.ts`,
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("accepts the README's example dashboard", async () => {
    const readme = await readFile('README.md', 'utf8');
    const section = readme.slice(readme.indexOf('## Dashboards'));
    const example = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
    expect(example).toBeDefined();
    const { spec, problems: found } = parseDashboardText(example!, 'dashboards/overview.yaml');
    expect(found.map(formatDashboardProblem)).toEqual([]);
    expect(spec!.panels.map((p) => p.source)).toEqual(['metric', 'metric', 'sql']);
  });

  it('parses durations', () => {
    expect(parseDurationMs('500ms')).toBe(500);
    expect(parseDurationMs('1.5s')).toBe(1500);
    expect(parseDurationMs('5m')).toBe(300_000);
    expect(parseDurationMs('1h')).toBe(3_600_000);
    expect(parseDurationMs(250)).toBe(250);
    expect(parseDurationMs('5 minutes')).toBeUndefined();
    expect(parseDurationMs(-1)).toBeUndefined();
  });
});
