import { describe, expect, it } from 'vitest';
import { percentile, summarizeLatencies } from '../../../src/cli/bench/latency-summary.js';

describe('latency percentiles', () => {
  it('uses the nearest rank', () => {
    const sorted = Array.from({ length: 200 }, (_, i) => i + 1); // 1..200
    expect(percentile(sorted, 0.5)).toBe(100);
    expect(percentile(sorted, 0.99)).toBe(198);
    expect(percentile(sorted, 1)).toBe(200);
    expect(percentile([7], 0.99)).toBe(7);
    expect(percentile([], 0.5)).toBeNaN();
  });

  it('summarises samples in any order', () => {
    const s = summarizeLatencies([30, 10, 20, 40]);
    expect(s).toEqual({
      count: 4,
      minMs: 10,
      p50Ms: 20,
      p90Ms: 40,
      p99Ms: 40,
      maxMs: 40,
      meanMs: 25,
    });
    expect(summarizeLatencies([]).p99Ms).toBeNaN();
  });
});
