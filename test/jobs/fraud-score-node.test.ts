// The fraud-score node kind: spec → options, rules inline or from a file, and every way a job
// file can get it wrong reported with the node's name.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FRAUD_SCORE_DEFAULTS, fraudScoreNode } from '../../src/jobs/fraud-score-node.js';
import type { FraudScoreNodeSpec } from '../../src/jobs/job-spec.js';
import { parseJobText } from '../../src/jobs/job-loader.js';
import { readFileSync } from 'node:fs';
import { buildTopology } from '../../src/jobs/topology-builder.js';

function spec(overrides: Partial<FraudScoreNodeSpec> = {}): FraudScoreNodeSpec {
  return {
    kind: 'fraud-score',
    name: 'score',
    windows: { '1m': '1m' },
    profile: { warmup: 5 },
    geo: { minDistanceKm: 100, impossibleSpeedKmh: 900 },
    cardTesting: { window: '5m', smallAmount: 2, largeAmount: 100, minSmall: 3 },
    rules: [{ name: 'big', when: 'amount > 1000', weight: 0.9, reason: 'big' }],
    alert: { threshold: 0.5, topic: 'fraud-alerts' },
    ...overrides,
  };
}

describe('fraudScoreNode', () => {
  it('declares the account and alert stores (default names) and the alert topic', () => {
    const node = fraudScoreNode(spec());
    expect(node.stores.map((s) => s.name)).toEqual(['score', 'score-alerts']);
    expect(node.stores[0]!.stateId).toContain(`recent=${FRAUD_SCORE_DEFAULTS.maxRecent}/60000`);
    expect(node.outputTopics).toEqual([{ name: 'fraud-alerts' }]);
  });

  it('wants exactly one of rules and rulesFile', () => {
    expect(() => fraudScoreNode(spec({ rulesFile: 'x.yaml' }))).toThrow(
      /node score: give exactly one of "rules" and "rulesFile"/,
    );
    const { rules: _, ...none } = spec();
    expect(() => fraudScoreNode(none)).toThrow(/exactly one/);
  });

  it('reports bad parameters, rules and files with the node name', () => {
    expect(() => fraudScoreNode(spec({ windows: { '1 m': '1m' } }))).toThrow(
      /node score: windows.1 m name must be a-z and 0-9 only/,
    );
    expect(() => fraudScoreNode(spec({ windows: { w: 'soon' } }))).toThrow(/invalid duration/);
    expect(() => fraudScoreNode(spec({ alert: { threshold: 0, topic: 'a' } }))).toThrow(
      /alert.threshold must be in \(0, 1\]/,
    );
    expect(() =>
      fraudScoreNode(
        spec({ cardTesting: { window: '5m', smallAmount: 5, largeAmount: 2, minSmall: 3 } }),
      ),
    ).toThrow(/largeAmount must be larger than smallAmount/);
    expect(() =>
      fraudScoreNode(
        spec({ rules: [{ name: 'r', when: 'card_count_1h > 3', weight: 1, reason: 'r' }] }),
      ),
    ).toThrow(/unknown name "card_count_1h"/);
    expect(() =>
      fraudScoreNode(spec({ rules: undefined, rulesFile: '/no/such/rules.yaml' })),
    ).toThrow(
      expect.objectContaining({
        code: 'JOB_INVALID',
        message: expect.stringMatching(/node score: fraud rules file/),
      }),
    );
  });

  it('reads rules from a file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-fraud-node-'));
    try {
      const file = join(dir, 'rules.yaml');
      writeFileSync(
        file,
        'rules:\n  - {name: a, when: card_count_1m > 3, weight: 0.5, reason: busy}\n',
      );
      const { rules: _, ...withoutRules } = spec();
      expect(fraudScoreNode({ ...withoutRules, rulesFile: file }).name).toBe('score');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('jobs/fraud-signals.yaml', () => {
  it('loads, builds, and repartitions by account before scoring', () => {
    const { spec: job, problems } = parseJobText(
      readFileSync('jobs/fraud-signals.yaml', 'utf8'),
      'jobs/fraud-signals.yaml',
    );
    expect(problems).toEqual([]);
    const topology = buildTopology(job!);
    expect(topology.subtopologies.map((s) => s.nodes.map((n) => n.kind))).toEqual([
      ['key-by'],
      ['fraud-score'],
    ]);
    expect(topology.subtopologies[1]!.sourceTopics).toEqual([
      'fraud-signals-by-account-repartition',
    ]);
  });
});
