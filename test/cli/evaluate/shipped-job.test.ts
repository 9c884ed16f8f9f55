// The shipped jobs renamed for one evaluation run: names and every topic prefixed, nothing else.
import { describe, expect, it } from 'vitest';
import {
  alertTopicOf,
  loadShippedJob,
  prefixedJobSpec,
} from '../../../src/cli/evaluate/shipped-job.js';
import type { JobSpec } from '../../../src/jobs/job-spec.js';

describe('prefixedJobSpec', () => {
  const spec: JobSpec = {
    name: 'demo',
    source: { topics: ['in-a', 'in-b'], timestampField: 'ts' },
    nodes: [
      { kind: 'filter', name: 'f', where: 'x > 1' },
      { kind: 'to-topic', name: 'out', topic: 'results' },
    ],
    deadLetterTopic: 'bad',
  };

  it('prefixes the name, source, dead-letter and output topics', () => {
    const p = prefixedJobSpec(spec, 'run1-');
    expect(p.name).toBe('run1-demo');
    expect(p.source).toEqual({ topics: ['run1-in-a', 'run1-in-b'], timestampField: 'ts' });
    expect(p.deadLetterTopic).toBe('run1-bad');
    expect(p.nodes[0]).toEqual(spec.nodes[0]);
    expect(p.nodes[1]).toEqual({ kind: 'to-topic', name: 'out', topic: 'run1-results' });
    // The original is untouched.
    expect(spec.source.topics).toEqual(['in-a', 'in-b']);
  });

  it("prefixes the fraud-score node's alert topic", () => {
    const fraud: JobSpec = {
      name: 'fraud',
      source: { topics: ['transactions'] },
      nodes: [
        {
          kind: 'fraud-score',
          name: 'score',
          windows: { '1m': '1m' },
          profile: { warmup: 3 },
          geo: { minDistanceKm: 100, impossibleSpeedKmh: 900 },
          cardTesting: { window: '10m', smallAmount: 2, largeAmount: 200, minSmall: 3 },
          rules: [{ name: 'big', when: 'amount > 1000', weight: 0.9, reason: 'big' }],
          alert: { threshold: 0.5, topic: 'fraud-alerts', keep: 10 },
        },
      ],
    };
    const p = prefixedJobSpec(fraud, 'r-');
    expect(alertTopicOf(p)).toBe('r-fraud-alerts');
    expect(p.nodes[0]).toMatchObject({ alert: { threshold: 0.5, keep: 10 } });
  });

  it('leaves the dead-letter topic to its default when unset', () => {
    const { deadLetterTopic: _, ...rest } = spec;
    expect(prefixedJobSpec(rest, 'p-')).not.toHaveProperty('deadLetterTopic');
  });

  it('loads and prefixes the shipped recommendations job; a missing file is undefined', async () => {
    const recs = await loadShippedJob('jobs/recommendations.yaml', 'eval-x-');
    expect(recs?.name).toBe('eval-x-recommendations');
    expect(recs?.source.topics).toEqual(['eval-x-user-activity']);
    expect(recs && alertTopicOf(recs)).toBeUndefined();
    expect(await loadShippedJob('jobs/no-such-job.yaml', 'p-')).toBeUndefined();
    const fraud = await loadShippedJob('jobs/fraud-signals.yaml', 'eval-x-');
    expect(fraud && alertTopicOf(fraud)).toBe('eval-x-fraud-alerts');
    expect(fraud?.source.topics).toEqual(['eval-x-transactions']);
  });
});
