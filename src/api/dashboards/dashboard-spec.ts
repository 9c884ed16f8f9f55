// The typed form of a dashboard file (dashboards/*.yaml): panels that read a metric of the
// registry or run a SQL query, and how each is drawn. The loader builds it; the sampler reads it.

import type { MetricKey } from '../../metrics/metric-names.js';

/** How a panel is drawn: a time series, bars per label, a table, or one big number. */
export type ChartType = 'line' | 'bar' | 'table' | 'number';

export const CHART_TYPES: readonly ChartType[] = ['line', 'bar', 'table', 'number'];

/**
 * What a metric panel shows of each series: `value` (a counter's total or a gauge's level) or
 * `rate` (per second, from the counter's increase over `overMs`; for a histogram, observations
 * per second).
 */
export type MetricShow = 'value' | 'rate';

interface PanelBase {
  /** Stable id inside its dashboard (`p0`, `p1`, …): the key of the panel in stream frames. */
  readonly id: string;
  readonly title: string;
  readonly chart: ChartType;
  /** Display unit: `bytes`, `s`, `ms`, `%` (a 0..1 ratio), or any label such as `records`. */
  readonly unit: string;
  /** Columns of the dashboard grid this panel spans (1–3). */
  readonly width: number;
  /** Most series (line), bars or rows kept; the largest values win. */
  readonly limit: number;
  /** How often the panel's data is recomputed, ms (never below the dashboard's refresh). */
  readonly refreshMs: number;
  /** Line in the dashboard file where the panel starts (for messages). */
  readonly line: number;
}

export interface MetricPanelSpec extends PanelBase {
  readonly source: 'metric';
  readonly metric: MetricKey;
  readonly show: MetricShow;
  /** Histogram quantiles to draw, each in (0, 1); empty for counters and gauges. */
  readonly quantiles: readonly number[];
  /** Labels whose values split the metric into series; empty = one total. */
  readonly by: readonly string[];
  /** Label filters; a value may hold `*` wildcards and `|` alternatives (`*fraud*`, `4*|5*`). */
  readonly where: Readonly<Record<string, string>>;
  /** Span of a rate or a quantile, ms: the change between now and `overMs` ago. */
  readonly overMs: number;
}

/**
 * A SQL panel. Its result maps to the chart by column position: line — first column the time
 * (epoch ms), every other column a series; bar — first column the label, second the value;
 * number — the first cell; table — every column.
 */
export interface SqlPanelSpec extends PanelBase {
  readonly source: 'sql';
  readonly sql: string;
  /** Tables the query reads (from its FROM and JOIN clauses, CTE names left out). */
  readonly tables: readonly string[];
}

export type PanelSpec = MetricPanelSpec | SqlPanelSpec;

export interface DashboardSpec {
  /** URL name: `/dashboards/<name>`; kebab-case. */
  readonly name: string;
  readonly title: string;
  readonly description: string;
  /** How often new data is pushed to open pages, ms (at most 1000: dashboards are live). */
  readonly refreshMs: number;
  /** Time span of line charts, ms. */
  readonly windowMs: number;
  readonly panels: readonly PanelSpec[];
  /** The file it was loaded from. */
  readonly file: string;
}

/** One column of a SQL result. */
export interface SqlColumn {
  readonly name: string;
  readonly type: string;
}

export interface SqlResult {
  readonly columns: readonly SqlColumn[];
  readonly rows: readonly (readonly unknown[])[];
}

/** Runs one read-only query (DuckDB); rejects with the database's message on failure. */
export type SqlRunner = (sql: string) => Promise<SqlResult>;
