// The results JSON keeps exactly the keys (plus extras), targets are judged at their
// thresholds, and the printed table names every pattern and ranker.
import { describe, expect, it } from 'vitest';
import {
  evaluationResults,
  evaluationTargets,
  formatEvaluationReport,
  type EvaluationInput,
} from '../../../src/cli/evaluate/evaluation-report.js';
import { fraudMetrics } from '../../../src/cli/evaluate/fraud-metrics.js';

const recs = {
  cases: 100,
  sameSessionCases: 40,
  hitRateAt10: 0.3,
  ndcgAt10: 0.15,
  fullLists: 100,
  popularityHitRateAt10: 0.1,
  popularityNdcgAt10: 0.05,
  itemKnnHitRateAt10: 0.32,
  itemKnnNdcgAt10: 0.16,
  sameSessionHitRateAt10: 0.5,
  itemKnnSameSessionHitRateAt10: 0.52,
  queryMsP50: 3,
  queryMsP99: 9,
};
const run = {
  recsJob: 'jobs/recommendations.yaml',
  fraudJob: 'jobs/fraud-signals.yaml',
  seed: 1,
  events: 1000,
  activityTraining: 450,
  activityHeldOut: 50,
  warmupPayments: 250,
  scoredPayments: 250,
  scoredFraudLabels: 5,
  transactionRatePerSec: 100,
  achievedTransactionRatePerSec: 99,
  brokers: ['127.0.0.1:9092'],
  startedAt: '2025-01-01T00:00:00.000Z',
  elapsedSeconds: 12,
};
const fraud = fraudMetrics(
  [
    { txn_id: 'a', pattern: 'card_testing', incident_id: 'i' },
    { txn_id: 'b', pattern: 'spending_spike', incident_id: 'j' },
  ],
  [
    { txn_id: 'a', reasons: ['r'], ts: 0, emitted_at: 105 },
    { txn_id: 'b', reasons: ['s'], ts: 0, emitted_at: 230 },
  ],
  new Map([
    ['a', 100],
    ['b', 200],
  ]),
  ['card_testing', 'spending_spike'],
);
const input: EvaluationInput = {
  fraud,
  recs,
  freshness: { trials: 20, unchanged: 0, p50Ms: 12, maxMs: 40 },
  run,
};

describe('evaluationResults', () => {
  it('has the issue keys', () => {
    const r = evaluationResults(input) as {
      fraud: {
        patterns: Record<string, Record<string, unknown>>;
        overall: Record<string, unknown>;
      };
      recs: Record<string, unknown>;
    };
    expect(r.fraud.patterns.card_testing).toMatchObject({
      precision: 1,
      recall: 1,
      latency_ms_p50: 5,
    });
    expect(r.fraud.patterns.spending_spike).toMatchObject({ latency_ms_p50: 30 });
    expect(r.fraud.overall).toMatchObject({ precision: 1, recall: 1 });
    expect(r.recs).toMatchObject({
      hit_rate_at_10: 0.3,
      ndcg_at_10: 0.15,
      popularity_hit_rate_at_10: 0.1,
      item_knn_hit_rate_at_10: 0.32,
      freshness_ms_p50: 12,
    });
    // Survives JSON (no NaN, no undefined).
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it('writes fraud: null with the reason when the fraud job did not run', () => {
    const r = evaluationResults({ ...input, fraud: undefined, fraudSkipped: 'no job file' });
    expect(r.fraud).toBeNull();
    expect(r.fraud_skipped).toBe('no job file');
  });
});

describe('evaluationTargets', () => {
  it('judges each target at its threshold', () => {
    const met = Object.fromEntries(evaluationTargets(input).map((t) => [t.name, t.met]));
    expect(met).toEqual({
      'fraud.card_testing.precision': true,
      'fraud.card_testing.recall': true,
      'fraud.spending_spike.precision': true,
      'fraud.spending_spike.recall': true,
      'recs.above_popularity': true,
      'recs.within_10pct_of_item_knn': true, // 0.30 / 0.32 = 0.9375
      'recs.freshness_p50_under_1s': true,
    });
    const worse = evaluationTargets({
      ...input,
      recs: { ...recs, hitRateAt10: 0.28 }, // 0.875 of the kNN
      freshness: { trials: 20, unchanged: 1, p50Ms: 12, maxMs: 40 },
    });
    expect(worse.find((t) => t.name === 'recs.within_10pct_of_item_knn')?.met).toBe(false);
    expect(worse.find((t) => t.name === 'recs.freshness_p50_under_1s')?.met).toBe(false);
  });
});

describe('formatEvaluationReport', () => {
  it('prints every pattern, ranker, freshness and target', () => {
    const text = formatEvaluationReport(input);
    for (const s of [
      'card_testing',
      'spending_spike',
      'overall',
      'sluice (GET /recommendations)',
      'popularity',
      'item-kNN (DuckDB, offline)',
      'Freshness',
      'met      recs.above_popularity',
    ]) {
      expect(text).toContain(s);
    }
    expect(formatEvaluationReport({ ...input, fraudWithWarmup: fraud })).toContain(
      'with the warm-up payments too',
    );
  });
});
