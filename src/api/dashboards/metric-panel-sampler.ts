// One metric panel of a dashboard over time: reads the registry's children on every tick,
// groups them by the panel's `by` labels, and turns the readings into values (level, rate per
// second, histogram quantiles over the last `over`) and then into frames for the page.

import type { JobStatusView } from '../../core/query.js';
import { METRICS } from '../../metrics/metric-names.js';
import {
  CounterChild,
  GaugeChild,
  HistogramChild,
  type MetricsRegistry,
} from '../../metrics/metrics-registry.js';
import type { Cell, PanelFrame } from './dashboard-frame.js';
import type { MetricPanelSpec } from './dashboard-spec.js';

/** Where metric panels read from. */
export interface MetricSources {
  readonly metrics: MetricsRegistry;
  /**
   * Job status; consumer lag comes from here (per job, topic, partition) while nothing sets the
   * registry's lag gauge.
   */
  readonly status?: () => readonly JobStatusView[];
}

/** A group's reading at one tick: a level, or a histogram's cumulative bucket counts. */
type Reading = number | { readonly counts: readonly number[]; readonly buckets: readonly number[] };

interface Sample {
  readonly timeMs: number;
  readonly groups: ReadonlyMap<string, { readonly labels: readonly string[]; reading: Reading }>;
}

/** The series a panel draws at one tick: name → value, plus the `by` labels of each. */
interface Derived {
  readonly values: Map<string, number | null>;
  readonly labels: Map<string, { readonly group: readonly string[]; readonly column: string }>;
}

export class MetricPanelSampler {
  /** Raw readings back to `overMs` ago (rates and quantiles are differences against them). */
  private readonly samples: Sample[] = [];
  private readonly timesMs: number[] = [];
  private readonly history = new Map<string, Array<number | null>>();
  private latest: Derived = { values: new Map(), labels: new Map() };
  private lastSentJson = '';

  constructor(
    readonly panel: MetricPanelSpec,
    private readonly sources: MetricSources,
    private readonly windowMs: number,
  ) {}

  /** Reads the metric at `nowMs`; returns the change for the page, or undefined if none. */
  tick(nowMs: number): PanelFrame | undefined {
    const sample = this.read(nowMs);
    const baseline = this.baseline(nowMs);
    this.samples.push(sample);
    while (
      this.samples.length > 2 &&
      (this.samples[1] as Sample).timeMs <= nowMs - this.panel.overMs
    ) {
      this.samples.shift();
    }
    this.latest = this.derive(sample, baseline);
    if (this.panel.chart === 'line') return this.appendPoint(nowMs);
    const frame = this.currentFrame();
    const json = JSON.stringify(frame);
    if (json === this.lastSentJson) return undefined;
    this.lastSentJson = json;
    return frame;
  }

  /** Everything the page needs to draw the panel from scratch. */
  snapshot(): PanelFrame {
    if (this.panel.chart !== 'line') return this.currentFrame();
    return {
      kind: 'series',
      timesMs: [...this.timesMs],
      series: [...this.history].map(([name, values]) => ({ name, values: [...values] })),
    };
  }

  private appendPoint(nowMs: number): PanelFrame {
    this.timesMs.push(nowMs);
    const values: Record<string, number | null> = {};
    // Series keep the order they first appeared in; past the panel's limit, the largest of
    // the new ones get the places left.
    const known = [...this.latest.values].filter(([name]) => this.history.has(name));
    const fresh = [...this.latest.values].filter(([name]) => !this.history.has(name));
    if (this.history.size + fresh.length > this.panel.limit) {
      fresh.sort((a, b) => (b[1] ?? -1) - (a[1] ?? -1));
    }
    for (const [name, value] of [...known, ...fresh]) {
      let series = this.history.get(name);
      if (series === undefined) {
        if (this.history.size >= this.panel.limit) continue;
        series = new Array<number | null>(this.timesMs.length - 1).fill(null);
        this.history.set(name, series);
      }
      series.push(value);
      values[name] = value;
    }
    for (const [name, series] of this.history) {
      if (series.length < this.timesMs.length) {
        series.push(null);
        values[name] = null;
      }
    }
    while (this.timesMs.length > 0 && (this.timesMs[0] as number) < nowMs - this.windowMs) {
      this.timesMs.shift();
      for (const series of this.history.values()) series.shift();
    }
    return { kind: 'append', timeMs: nowMs, values };
  }

  private currentFrame(): PanelFrame {
    const { panel } = this;
    const entries = [...this.latest.values].filter(
      (e): e is [string, number] => e[1] !== null && Number.isFinite(e[1]),
    );
    if (panel.chart === 'number') {
      const total = entries.reduce((sum, [, v]) => sum + v, 0);
      return { kind: 'number', value: entries.length === 0 ? null : total };
    }
    if (panel.chart === 'bar') {
      // Counters exist from a task's start: bars of zero would only crowd the chart.
      const top = entries
        .filter(([, v]) => v !== 0)
        .sort((a, b) => b[1] - a[1])
        .slice(0, panel.limit);
      if (top.length === 0) {
        return { kind: 'empty', message: `None yet: no ${METRICS[panel.metric].name} above 0` };
      }
      return { kind: 'bars', labels: top.map(([n]) => n), values: top.map(([, v]) => v) };
    }
    // Table: one row per group, one column per quantile (or the value).
    const columns = [...new Set([...this.latest.labels.values()].map((l) => l.column))];
    const rows = new Map<string, Cell[]>();
    for (const [name, value] of this.latest.values) {
      const label = this.latest.labels.get(name);
      if (label === undefined) continue;
      const key = label.group.join('\u0000');
      let row = rows.get(key);
      if (row === undefined) {
        row = [...label.group, ...columns.map(() => null)];
        rows.set(key, row);
      }
      row[label.group.length + columns.indexOf(label.column)] = value;
    }
    const sorted = [...rows.values()]
      .sort((a, b) => Number(b[panel.by.length] ?? 0) - Number(a[panel.by.length] ?? 0))
      .slice(0, panel.limit);
    return { kind: 'table', columns: [...panel.by, ...columns], rows: sorted };
  }

  private read(nowMs: number): Sample {
    const { panel } = this;
    const groups = new Map<string, { labels: readonly string[]; reading: Reading }>();
    const add = (labels: Readonly<Record<string, string>>, reading: Reading): void => {
      for (const [label, pattern] of Object.entries(panel.where)) {
        if (!globMatch(pattern, labels[label] ?? '')) return;
      }
      const values = panel.by.map((l) => labels[l] ?? '');
      const key = values.join(' · ');
      const group = groups.get(key);
      if (group === undefined) {
        groups.set(key, {
          labels: values,
          reading:
            typeof reading === 'number' ? reading : { ...reading, counts: [...reading.counts] },
        });
      } else if (typeof group.reading === 'number' && typeof reading === 'number') {
        group.reading += reading;
      } else if (typeof group.reading !== 'number' && typeof reading !== 'number') {
        const counts = group.reading.counts.map((c, i) => c + (reading.counts[i] ?? 0));
        group.reading = { buckets: group.reading.buckets, counts };
      }
    };
    const children = this.sources.metrics.children(panel.metric);
    for (const { labels, child } of children) {
      if (child instanceof HistogramChild) {
        // The last count is the +Inf bucket: observations above the largest bound.
        const above = child.count - child.counts.reduce((a, b) => a + b, 0);
        add(labels, { buckets: child.buckets, counts: [...child.counts, above] });
      } else if (child instanceof CounterChild || child instanceof GaugeChild) {
        add(labels, child.value);
      }
    }
    if (children.length === 0 && panel.metric === 'consumerLag' && this.sources.status) {
      for (const job of this.sources.status()) {
        for (const task of job.tasks) {
          for (const [topic, lag] of Object.entries(task.lag)) {
            add({ job: job.job, topic, partition: String(task.partition) }, lag);
          }
        }
      }
    }
    return { timeMs: nowMs, groups };
  }

  /** The newest sample at least `overMs` old, else the oldest one (a shorter span at start). */
  private baseline(nowMs: number): Sample | undefined {
    let chosen: Sample | undefined;
    for (const sample of this.samples) {
      if (sample.timeMs <= nowMs - this.panel.overMs) chosen = sample;
    }
    return chosen ?? this.samples[0];
  }

  private derive(now: Sample, baseline: Sample | undefined): Derived {
    const { panel } = this;
    const values = new Map<string, number | null>();
    const labels = new Map<string, { group: readonly string[]; column: string }>();
    const elapsedS = baseline === undefined ? 0 : (now.timeMs - baseline.timeMs) / 1000;
    for (const [key, { labels: group, reading }] of now.groups) {
      const before = baseline?.groups.get(key)?.reading;
      const prefix = panel.by.length === 0 ? '' : key;
      if (panel.quantiles.length > 0) {
        if (typeof reading === 'number') continue;
        const histogram = histogramOf(reading, before);
        for (const q of panel.quantiles) {
          const column = quantileName(q);
          const name = prefix === '' ? column : `${prefix} ${column}`;
          values.set(name, histogram.count === 0 ? null : histogram.quantile(q));
          labels.set(name, { group, column });
        }
        continue;
      }
      const name = prefix === '' ? 'total' : prefix;
      const total = typeof reading === 'number' ? reading : sum(reading.counts);
      let value: number | null = total;
      if (panel.show === 'rate') {
        const previous =
          before === undefined ? 0 : typeof before === 'number' ? before : sum(before.counts);
        // A counter that went down was reset (a restarted task): count from zero.
        const increase = total >= previous ? total - previous : total;
        value = elapsedS > 0 ? increase / elapsedS : null;
      }
      values.set(name, value);
      labels.set(name, { group, column: panel.show === 'rate' ? 'per second' : 'value' });
    }
    return { values, labels };
  }
}

/** The observations between `before` and `now` (all of them when there is no `before`). */
function histogramOf(
  now: { readonly counts: readonly number[]; readonly buckets: readonly number[] },
  before: Reading | undefined,
): HistogramChild {
  const histogram = new HistogramChild(now.buckets);
  const previous = typeof before === 'object' ? before.counts : [];
  let reset = false;
  const delta = now.counts.map((c, i) => {
    const d = c - (previous[i] ?? 0);
    if (d < 0) reset = true;
    return d;
  });
  const counts = reset ? now.counts : delta;
  now.buckets.forEach((_, i) => (histogram.counts[i] = counts[i] ?? 0));
  histogram.count = sum(counts);
  return histogram;
}

function quantileName(q: number): string {
  return `p${Number((q * 100).toFixed(2))}`;
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** `*` matches any run of characters and `|` separates alternatives; the rest is literal. */
export function globMatch(pattern: string, value: string): boolean {
  return pattern.split('|').some((alternative) => {
    const regex = new RegExp(
      `^${alternative
        .split('*')
        .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*')}$`,
    );
    return regex.test(value);
  });
}
