// A small Prometheus registry: counters, gauges and histograms with labels, rendered in the
// text exposition format for GET /metrics. Hot paths hold a child handle and add to a number.

import { METRICS, type MetricDefinition, type MetricKey } from './metric-names.js';

type Labels = Readonly<Record<string, string>>;

/** Default histogram buckets, in seconds: 0.5 ms … 10 s. */
const DEFAULT_BUCKETS_S = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

export class CounterChild {
  value = 0;
  inc(by = 1): void {
    this.value += by;
  }
}

export class GaugeChild {
  value = 0;
  set(v: number): void {
    this.value = v;
  }
  inc(by = 1): void {
    this.value += by;
  }
}

export class HistogramChild {
  readonly counts: number[];
  sum = 0;
  count = 0;
  constructor(readonly buckets: readonly number[]) {
    this.counts = new Array<number>(buckets.length).fill(0);
  }
  observe(v: number): void {
    this.sum += v;
    this.count += 1;
    for (let i = 0; i < this.buckets.length; i++) {
      if (v <= (this.buckets[i] as number)) {
        this.counts[i] = (this.counts[i] as number) + 1;
        return;
      }
    }
  }
  /** Approximate quantile (0..1) by linear interpolation inside the bucket, in the unit observed. */
  quantile(q: number): number {
    if (this.count === 0) return 0;
    const rank = q * this.count;
    let seen = 0;
    for (let i = 0; i < this.buckets.length; i++) {
      const c = this.counts[i] as number;
      if (seen + c >= rank && c > 0) {
        const lower = i === 0 ? 0 : (this.buckets[i - 1] as number);
        const upper = this.buckets[i] as number;
        return lower + ((rank - seen) / c) * (upper - lower);
      }
      seen += c;
    }
    return this.buckets[this.buckets.length - 1] as number;
  }
}

type Child = CounterChild | GaugeChild | HistogramChild;

interface Family {
  readonly def: MetricDefinition;
  readonly children: Map<string, { labels: Labels; child: Child }>;
}

export class MetricsRegistry {
  private readonly families = new Map<string, Family>();

  counter(key: MetricKey, labels: Labels): CounterChild {
    return this.child(key, labels, () => new CounterChild()) as CounterChild;
  }

  gauge(key: MetricKey, labels: Labels): GaugeChild {
    return this.child(key, labels, () => new GaugeChild()) as GaugeChild;
  }

  histogram(key: MetricKey, labels: Labels): HistogramChild {
    return this.child(key, labels, () => new HistogramChild(DEFAULT_BUCKETS_S)) as HistogramChild;
  }

  /** Current value of a counter or gauge summed over children matching `labels` (for status pages). */
  sum(key: MetricKey, labels: Labels = {}): number {
    const family = this.families.get(METRICS[key].name);
    if (!family) return 0;
    let total = 0;
    for (const { labels: l, child } of family.children.values()) {
      if (!Object.entries(labels).every(([k, v]) => l[k] === v)) continue;
      if (child instanceof HistogramChild) total += child.count;
      else total += child.value;
    }
    return total;
  }

  /** Children of one metric with their labels (for dashboards and tests). */
  children(key: MetricKey): Array<{ labels: Labels; child: Child }> {
    return [...(this.families.get(METRICS[key].name)?.children.values() ?? [])];
  }

  /** Prometheus text exposition format 0.0.4. */
  render(): string {
    const lines: string[] = [];
    for (const { def, children } of this.families.values()) {
      lines.push(`# HELP ${def.name} ${def.help}`, `# TYPE ${def.name} ${def.type}`);
      for (const { labels, child } of children.values()) {
        if (child instanceof HistogramChild) {
          let cumulative = 0;
          child.buckets.forEach((le, i) => {
            cumulative += child.counts[i] as number;
            lines.push(`${def.name}_bucket${fmt({ ...labels, le: String(le) })} ${cumulative}`);
          });
          lines.push(`${def.name}_bucket${fmt({ ...labels, le: '+Inf' })} ${child.count}`);
          lines.push(`${def.name}_sum${fmt(labels)} ${child.sum}`);
          lines.push(`${def.name}_count${fmt(labels)} ${child.count}`);
        } else {
          lines.push(`${def.name}${fmt(labels)} ${child.value}`);
        }
      }
    }
    return lines.join('\n') + '\n';
  }

  private child(key: MetricKey, labels: Labels, make: () => Child): Child {
    const def = METRICS[key];
    let family = this.families.get(def.name);
    if (!family) {
      family = { def, children: new Map() };
      this.families.set(def.name, family);
    }
    const id = def.labels.map((l) => labels[l] ?? '').join('\u0000');
    let entry = family.children.get(id);
    if (!entry) {
      entry = { labels, child: make() };
      family.children.set(id, entry);
    }
    return entry.child;
  }
}

function fmt(labels: Labels): string {
  const parts = Object.entries(labels).map(
    ([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`,
  );
  return parts.length ? `{${parts.join(',')}}` : '';
}
