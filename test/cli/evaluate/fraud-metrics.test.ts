// Fraud scoring of `sluice evaluate` against hand-counted labels and alerts: recall, exact overall
// precision, false positives attributed by reasons, duplicates, incidents and latency.
import { describe, expect, it } from 'vitest';
import {
  fraudMetrics,
  type FraudAlertRecord,
  type FraudLabelRecord,
} from '../../../src/cli/evaluate/fraud-metrics.js';

const label = (txnId: string, pattern: string, incidentId = ''): FraudLabelRecord => ({
  txnId,
  pattern,
  incidentId,
});
const alert = (txnId: string, reasons: string[], emittedAtMs: number): FraudAlertRecord => ({
  txnId,
  reasons,
  emittedAtMs,
});

describe('fraudMetrics', () => {
  const labels = [
    label('t1', 'card_testing', 'i1'),
    label('t2', 'card_testing', 'i1'),
    label('t3', 'card_testing', 'i2'),
    label('t4', 'spending_spike', 'i3'),
    label('t5', 'spending_spike', 'i4'),
  ];
  const produced = new Map([
    ['t1', 1000],
    ['t2', 2000],
    ['t4', 4000],
    ['f1', 0],
  ]);
  const alerts = [
    alert('t1', ['small probes then a big one'], 1010),
    alert('t1', ['small probes then a big one'], 1500), // replay: counts once, earliest kept
    alert('t2', ['small probes then a big one', 'new merchant'], 2030),
    alert('t4', ['amount far above usual'], 4050),
    alert('f1', ['amount far above usual'], 10), // FP like spending_spike
    alert('f2', ['new merchant'], 20), // FP: only card_testing's detections share it
    alert('f3', ['something else'], 30), // FP resembling nothing: split over every pattern
  ];
  const f = fraudMetrics(labels, alerts, produced, [
    'card_testing',
    'account_takeover',
    'spending_spike',
  ]);

  it('recall per pattern and overall, per payment and per incident', () => {
    expect(f.patterns.card_testing).toMatchObject({
      labelled: 3,
      detected: 2,
      incidents: 2,
      incidentsDetected: 1,
    });
    expect(f.patterns.card_testing!.recall).toBeCloseTo(2 / 3, 12);
    expect(f.patterns.spending_spike).toMatchObject({ labelled: 2, detected: 1, recall: 0.5 });
    expect(f.patterns.account_takeover).toMatchObject({ labelled: 0, detected: 0, recall: 0 });
    expect(f.overall).toMatchObject({
      labelled: 5,
      alerts: 6,
      truePositives: 3,
      falsePositives: 3,
    });
    expect(f.overall.recall).toBeCloseTo(3 / 5, 12);
    expect(f.overall.precision).toBeCloseTo(3 / 6, 12);
  });

  it('charges each false positive to the pattern whose detections share its reasons', () => {
    // f1 → spending_spike; f2 → card_testing (1/2 of its detections say "new merchant");
    // f3 → a third to each of the three patterns.
    expect(f.patterns.spending_spike!.falsePositives).toBeCloseTo(1 + 1 / 3, 12);
    expect(f.patterns.card_testing!.falsePositives).toBeCloseTo(1 + 1 / 3, 12);
    expect(f.patterns.account_takeover!.falsePositives).toBeCloseTo(1 / 3, 12);
    const sum = Object.values(f.patterns).reduce((s, p) => s + p.falsePositives, 0);
    expect(sum).toBeCloseTo(f.overall.falsePositives, 12);
    expect(f.patterns.card_testing!.precision).toBeCloseTo(2 / (2 + 4 / 3), 12);
    expect(f.patterns.account_takeover!.precision).toBe(0);
    expect(f.patterns.card_testing!.reasons).toEqual({
      'small probes then a big one': 2,
      'new merchant': 1,
    });
  });

  it('latency = earliest emitted_at minus produce time, nearest-rank percentiles', () => {
    expect(f.patterns.card_testing!.latencyMsP50).toBe(10);
    expect(f.patterns.card_testing!.latencyMsP95).toBe(30);
    expect(f.patterns.spending_spike!.latencyMsP50).toBe(50);
    expect(f.patterns.account_takeover!.latencyMsP50).toBeNaN();
    expect(f.overall.latencyMsP50).toBe(30);
  });

  it('appends patterns seen only in the labels; no alerts → precision 0', () => {
    const g = fraudMetrics([label('x', 'novel')], [], new Map(), ['card_testing']);
    expect(Object.keys(g.patterns)).toEqual(['card_testing', 'novel']);
    expect(g.patterns.novel).toMatchObject({ labelled: 1, detected: 0, precision: 0, recall: 0 });
    expect(g.overall).toMatchObject({ alerts: 0, precision: 0, recall: 0 });
  });
});
