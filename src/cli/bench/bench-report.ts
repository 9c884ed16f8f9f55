// The output of `sluice bench`: headline ratios derived from the steps' figures, the results
// JSON (bench-results/latest.json) and the table printed on stdout. Pure: no I/O here.

import type { BenchFigures, BenchRow } from './bench-step.js';
import { formatCount } from '../progress-format.js';

/** Keys the results JSON always has (null when the step that measures it was skipped or failed). */
export const HEADLINE_FIGURES = [
  'client_ceiling_eps',
  'broker_ceiling_eps',
  'job_eps',
  'ratio',
  'ratio_vs_broker_ceiling',
  'kafka_streams_eps',
  'ratio_vs_kafka_streams',
  'e2e_p50_ms',
  'e2e_p99_ms',
  'cpu_s',
  'peak_rss_mb',
] as const;

/** A goal from the issue / DESIGN.md, checked in the summary under the table. */
interface Goal {
  readonly figure: string;
  readonly label: string;
  readonly op: '>=' | '<=';
  readonly target: number;
}

export const BENCH_GOALS: readonly Goal[] = [
  { figure: 'ratio', label: 'job / kafkajs client ceiling', op: '>=', target: 0.5 },
  {
    figure: 'ratio_vs_broker_ceiling',
    label: 'job / broker ceiling (perf-test)',
    op: '>=',
    target: 0.5,
  },
  { figure: 'ratio_vs_kafka_streams', label: 'job / Kafka Streams', op: '>=', target: 1.0 },
  { figure: 'e2e_p99_ms', label: 'end-to-end latency p99, ms', op: '<=', target: 50 },
];

export interface MachineInfo {
  readonly cores: number;
  readonly cpu_model: string;
  readonly total_mem_mb: number;
  readonly platform: string;
  readonly node: string;
  /** Options node was started with (the shipped scripts set the young-generation size). */
  readonly node_flags: readonly string[];
  /** 1, 5 and 15-minute load averages before the first step. */
  readonly load_avg_before: readonly number[];
  /** The same after the last step. */
  readonly load_avg_after: readonly number[];
}

export interface BenchResults extends Record<string, unknown> {
  readonly timestamp: string;
  readonly events: number;
  readonly topic: string;
  readonly machine: MachineInfo;
  /** Step name → error message, for steps that failed. */
  readonly errors: Readonly<Record<string, string>>;
  /** Step name → why it was skipped. */
  readonly skipped: Readonly<Record<string, string>>;
}

/** `a / b`, or null when either is missing or b is not positive. */
function ratioOf(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a === null || a === undefined || b === null || b === undefined || !(b > 0)) return null;
  return a / b;
}

/** The figures plus the headline ratios, with every headline key present (null if unknown). */
export function withRatios(figures: Readonly<BenchFigures>): BenchFigures {
  const out: BenchFigures = {};
  for (const key of HEADLINE_FIGURES) out[key] = null;
  Object.assign(out, figures);
  // One ratio per alternated (client ceiling, job) pair; the headline is their median.
  const pairRatios = pairRatiosOf(figures);
  out.ratio = median(pairRatios);
  if (pairRatios.length > 1) {
    out.ratio_pairs = pairRatios.length;
    pairRatios.forEach((r, i) => (out[`ratio_pair${i + 1}`] = r));
  }
  out.ratio_vs_broker_ceiling = ratioOf(figures.job_eps, figures.broker_ceiling_eps);
  out.ratio_vs_kafka_streams = ratioOf(figures.job_eps, figures.kafka_streams_eps);
  for (const [key, value] of Object.entries(out)) {
    if (value !== null && !Number.isFinite(value)) out[key] = null;
  }
  return out;
}

/** Ratios of pair 1 (`job_eps` ÷ `client_ceiling_eps`) and of pairs 2… that have both figures. */
function pairRatiosOf(figures: Readonly<BenchFigures>): number[] {
  const out: number[] = [];
  const first = ratioOf(figures.job_eps, figures.client_ceiling_eps);
  if (first !== null) out.push(first);
  for (let pair = 2; `pair${pair}_job_eps` in figures; pair++) {
    const r = ratioOf(figures[`pair${pair}_job_eps`], figures[`pair${pair}_client_ceiling_eps`]);
    if (r !== null) out.push(r);
  }
  return out;
}

/** The middle value (the mean of the two middle ones for an even count); null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The results JSON: headline keys first, then the other figures, machine and run info. */
export function buildResults(input: {
  readonly figures: Readonly<BenchFigures>;
  readonly events: number;
  readonly topic: string;
  readonly machine: MachineInfo;
  readonly timestampMs: number;
  readonly errors: Readonly<Record<string, string>>;
  readonly skipped: Readonly<Record<string, string>>;
  readonly settings: Readonly<Record<string, string | number | boolean>>;
}): BenchResults {
  const figures = withRatios(input.figures);
  const rounded: BenchFigures = {};
  for (const [key, value] of Object.entries(figures)) rounded[key] = roundFigure(value);
  return {
    ...rounded,
    events: input.events,
    topic: input.topic,
    timestamp: new Date(input.timestampMs).toISOString(),
    machine: input.machine,
    settings: input.settings,
    errors: input.errors,
    skipped: input.skipped,
  };
}

/** Keeps 4 significant digits (and whole numbers whole): enough for run-to-run noise. */
function roundFigure(value: number | null): number | null {
  if (value === null) return null;
  if (Math.abs(value) >= 1000) return Math.round(value);
  return Number(value.toPrecision(4));
}

/** The table of rows: throughput with its ratios to both ceilings, CPU, RSS and details. */
export function formatTable(rows: readonly BenchRow[], figures: Readonly<BenchFigures>): string {
  const client = figures.client_ceiling_eps ?? null;
  const broker = figures.broker_ceiling_eps ?? null;
  const header = ['measure', 'events/s', '÷client', '÷broker', 'CPU s', 'peak RSS MiB', 'detail'];
  const body = rows.map((row) => [
    row.label,
    row.eventsPerSec === undefined ? '' : formatInteger(row.eventsPerSec),
    formatRatio(ratioOf(row.eventsPerSec, row.clientCeilingEps ?? client)),
    formatRatio(ratioOf(row.eventsPerSec, broker)),
    row.cpuSeconds === undefined ? '' : row.cpuSeconds.toFixed(1),
    row.peakRssMb === undefined ? '' : formatInteger(row.peakRssMb),
    row.detail ?? '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
  // Text columns left-aligned, numbers right-aligned.
  const leftAligned = new Set([0, header.length - 1]);
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (leftAligned.has(i) ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '─'.repeat(w)).join('  ');
  return [line(header), rule, ...body.map(line)].join('\n');
}

/** Goal lines under the table: `job / Kafka Streams   1.23  (goal >= 1)  met`. */
export function formatGoals(figures: Readonly<BenchFigures>): string {
  const all = withRatios(figures);
  const width = Math.max(...BENCH_GOALS.map((g) => g.label.length));
  return BENCH_GOALS.map((goal) => {
    const value = all[goal.figure] ?? null;
    // Ratios to three places: 0.4953 shown as "0.50" next to "NOT met" reads as a mistake.
    const shown = value === null ? 'n/a' : goal.op === '<=' ? value.toFixed(1) : value.toFixed(3);
    const met =
      value === null
        ? 'not measured'
        : (goal.op === '>=' ? value >= goal.target : value <= goal.target)
          ? 'met'
          : 'NOT met';
    const pairs = all.ratio_pairs ?? null;
    const detail =
      goal.figure === 'ratio' && pairs !== null
        ? `  (median of ${pairs} alternated pairs: ${Array.from({ length: pairs }, (_, i) => (all[`ratio_pair${i + 1}`] ?? 0).toFixed(3)).join(', ')})`
        : '';
    return `${goal.label.padEnd(width)}  ${shown.padStart(6)}  (goal ${goal.op} ${goal.target})  ${met}${detail}`;
  }).join('\n');
}

/** 1234567.8 → "1,234,568". */
/** Rounded, with thousands separators (the same format as progress lines). */
export const formatInteger = formatCount;

function formatRatio(r: number | null): string {
  return r === null ? '' : r.toFixed(2);
}
