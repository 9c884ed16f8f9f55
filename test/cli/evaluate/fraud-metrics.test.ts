// Fraud figures of `sluice evaluate`: the scoring stage's quality figures in the evaluator's
// pattern order, plus alert latency from produce times (earliest alert of a payment).
import { describe, expect, it } from 'vitest';
import { fraudMetrics } from '../../../src/cli/evaluate/fraud-metrics.js';

const label = (txn_id: string, pattern: string, incident_id: string) => ({
  txn_id,
  pattern,
  incident_id,
});
const alert = (txn_id: string, reasons: string[], emitted_at: number) => ({
  txn_id,
  reasons,
  ts: 0,
  emitted_at,
});

describe('fraudMetrics', () => {
  const labels = [
    label('t1', 'spending_spike', 'i1'),
    label('t2', 'card_testing', 'i2'),
    label('t3', 'card_testing', 'i2'),
    label('t4', 'card_testing', 'i3'),
    label('t5', 'spending_spike', 'i4'),
  ];
  const produced = new Map([
    ['t1', 1000],
    ['t2', 2000],
    ['t3', 3000],
    ['f1', 0],
  ]);
  const alerts = [
    alert('t1', ['amount spike'], 1050),
    alert('t2', ['probe'], 2010),
    alert('t2', ['probe'], 2500), // redelivered: counts once, the earliest emitted_at is kept
    alert('t3', ['probe', 'cash-out'], 3030),
    alert('f1', ['amount spike'], 10), // a false alert that looks like a spending spike
  ];
  const f = fraudMetrics(labels, alerts, produced, [
    'card_testing',
    'account_takeover',
    'spending_spike',
  ]);

  it('lists the labelled patterns in the given order, with recall and incidents', () => {
    expect(Object.keys(f.patterns)).toEqual(['card_testing', 'spending_spike']);
    expect(f.patterns.card_testing).toMatchObject({
      labelled: 3,
      detected: 2,
      incidents: 2,
      incidentsDetected: 1,
    });
    expect(f.patterns.card_testing!.recall).toBeCloseTo(2 / 3, 12);
    expect(f.patterns.spending_spike).toMatchObject({ labelled: 2, detected: 1, recall: 0.5 });
  });

  it('overall precision is exact; the false alert is charged mostly to the pattern it resembles', () => {
    expect(f.overall).toMatchObject({
      labelled: 5,
      alerts: 4,
      duplicateAlerts: 1,
      truePositives: 3,
      falsePositives: 1,
      precision: 0.75,
      recall: 0.6,
      falsePositiveReasons: { 'amount spike': 1 },
    });
    const spike = f.patterns.spending_spike!;
    const testing = f.patterns.card_testing!;
    expect(spike.falsePositives + testing.falsePositives).toBeCloseTo(1, 12);
    expect(spike.falsePositives).toBeGreaterThan(0.5);
    expect(spike.precision).toBeLessThan(testing.precision);
  });

  it('latency = earliest emitted_at minus produce time, nearest-rank percentiles', () => {
    expect(f.patterns.card_testing!.latencyMsP50).toBe(10);
    expect(f.patterns.card_testing!.latencyMsP95).toBe(30);
    expect(f.patterns.spending_spike!.latencyMsP50).toBe(50);
    expect(f.overall.latencyMsP50).toBe(30);
    expect(f.overall.latencyMsP95).toBe(50);
  });

  it('no alerts: no latency samples', () => {
    const g = fraudMetrics([label('x', 'novel', 'i')], [], new Map());
    expect(g.patterns.novel).toMatchObject({ labelled: 1, detected: 0, recall: 0 });
    expect(g.overall.latencyMsP50).toBeNaN();
  });
});
