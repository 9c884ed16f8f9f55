import { describe, expect, it } from 'vitest';
import {
  HEADLINE_FIGURES,
  buildResults,
  formatGoals,
  formatTable,
  median,
  withRatios,
} from '../../../src/cli/bench/bench-report.js';

const machine = {
  cores: 2,
  cpu_model: 'test cpu',
  total_mem_mb: 8000,
  platform: 'linux-x64',
  node: 'v20',
  node_flags: ['--max-semi-space-size=32'],
  load_avg_before: [0.5, 0.4, 0.3],
  load_avg_after: [1.5, 0.6, 0.4],
};

describe('bench report', () => {
  it('derives the ratios and keeps every headline key (null when unknown)', () => {
    const f = withRatios({
      client_ceiling_eps: 200_000,
      broker_ceiling_eps: 400_000,
      job_eps: 120_000,
    });
    expect(f.ratio).toBeCloseTo(0.6);
    expect(f.ratio_vs_broker_ceiling).toBeCloseTo(0.3);
    expect(f.ratio_vs_kafka_streams).toBeNull();
    for (const key of HEADLINE_FIGURES) expect(f).toHaveProperty(key);
    expect(withRatios({ job_eps: 1, client_ceiling_eps: 0 }).ratio).toBeNull();
  });

  it('builds the results JSON with numeric headline keys, machine and time', () => {
    const results = buildResults({
      figures: {
        client_ceiling_eps: 200_000.4,
        job_eps: 123_456.7,
        kafka_streams_eps: 100_000,
        e2e_p99_ms: 12.3456,
        cpu_s: Number.NaN,
        job_extra: 1,
      },
      events: 2_000_000,
      topic: 'sluice-bench-input',
      machine,
      timestampMs: Date.UTC(2026, 0, 2, 3, 4, 5),
      errors: { 'broker-ceiling': 'java missing' },
      skipped: {},
      settings: { emit: 'final' },
    });
    expect(results).toMatchObject({
      client_ceiling_eps: 200_000,
      job_eps: 123_457,
      ratio: 0.6173,
      ratio_vs_kafka_streams: 1.235,
      broker_ceiling_eps: null,
      e2e_p99_ms: 12.35,
      cpu_s: null,
      job_extra: 1,
      events: 2_000_000,
      timestamp: '2026-01-02T03:04:05.000Z',
      machine: { cores: 2 },
      errors: { 'broker-ceiling': 'java missing' },
    });
    expect(JSON.parse(JSON.stringify(results))).toEqual(results);
  });

  it('prints a table with the ratio of each throughput to both ceilings', () => {
    const table = formatTable(
      [
        { label: 'client', eventsPerSec: 200_000, cpuSeconds: 3.21 },
        { label: 'job', eventsPerSec: 100_000, peakRssMb: 321.4, detail: 'emit final' },
        { label: 'latency', detail: 'p99 9 ms' },
      ],
      { client_ceiling_eps: 200_000, broker_ceiling_eps: 400_000 },
    );
    const lines = table.split('\n');
    expect(lines[0]).toMatch(
      /^measure\s+events\/s\s+÷client\s+÷broker\s+CPU s\s+peak RSS MiB\s+detail$/,
    );
    expect(lines[2]).toMatch(/^client\s+200,000\s+1\.00\s+0\.50\s+3\.2$/);
    expect(lines[3]).toMatch(/^job\s+100,000\s+0\.50\s+0\.25\s+321\s+emit final$/);
    expect(lines[4]).toMatch(/^latency\s+p99 9 ms$/);
  });

  it('checks the goals', () => {
    const goals = formatGoals({
      client_ceiling_eps: 100,
      job_eps: 60,
      broker_ceiling_eps: 200,
      e2e_p99_ms: 80,
    });
    expect(goals).toMatch(/job \/ kafkajs client ceiling\s+0\.600\s+\(goal >= 0\.5\)\s+met/);
    expect(goals).toMatch(
      /job \/ broker ceiling \(perf-test\)\s+0\.300\s+\(goal >= 0\.5\)\s+NOT met/,
    );
    expect(goals).toMatch(/job \/ Kafka Streams\s+n\/a .* not measured/);
    expect(goals).toMatch(/latency p99, ms\s+80\.0\s+\(goal <= 50\)\s+NOT met/);
  });

  it('takes the median of the alternated pairs as the ratio, and lists every pair', () => {
    const figures = {
      client_ceiling_eps: 100,
      job_eps: 46,
      pair2_client_ceiling_eps: 200,
      pair2_job_eps: 110,
      pair3_client_ceiling_eps: 100,
      pair3_job_eps: 53,
    };
    const f = withRatios(figures);
    expect(f.ratio).toBeCloseTo(0.53);
    expect(f.ratio_pairs).toBe(3);
    expect([f.ratio_pair1, f.ratio_pair2, f.ratio_pair3]).toEqual([0.46, 0.55, 0.53]);
    expect(formatGoals(figures)).toMatch(
      /job \/ kafkajs client ceiling\s+0\.530\s+\(goal >= 0\.5\)\s+met\s+\(median of 3 alternated pairs: 0\.460, 0\.550, 0\.530\)/,
    );
    // A pair whose job failed counts no ratio; one pair alone is just its ratio.
    expect(withRatios({ ...figures, pair3_job_eps: null }).ratio).toBeCloseTo(0.505);
    expect(withRatios({ client_ceiling_eps: 100, job_eps: 46 }).ratio_pairs).toBeUndefined();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([])).toBeNull();
  });

  it('compares a pair row with its own pair ceiling', () => {
    const table = formatTable(
      [{ label: 'job, pair 2', eventsPerSec: 100_000, clientCeilingEps: 400_000 }],
      { client_ceiling_eps: 200_000 },
    );
    expect(table.split('\n')[2]).toMatch(/^job, pair 2\s+100,000\s+0\.25$/);
  });
});
