// Detection quality from alerts and labels: recall per pattern, overall precision, false alerts
// charged to the patterns whose true alerts carry the same reasons, duplicates, time range.
import { describe, expect, it } from 'vitest';
import {
  evaluateFraudAlerts,
  formatFraudQuality,
  type FraudAlertInput,
  type FraudLabelInput,
} from '../../../src/scoring/fraud/fraud-evaluation.js';

const labels: FraudLabelInput[] = [
  { txn_id: 'a1', pattern: 'takeover', incident_id: 'i1', ts: 100 },
  { txn_id: 'a2', pattern: 'takeover', incident_id: 'i1', ts: 110 },
  { txn_id: 's1', pattern: 'spike', incident_id: 'i2', ts: 120 },
  { txn_id: 's2', pattern: 'spike', incident_id: 'i3', ts: 130 },
];

function alert(txn_id: string, reasons: string[], ts = 200, emitted_at?: number): FraudAlertInput {
  return emitted_at === undefined ? { txn_id, reasons, ts } : { txn_id, reasons, ts, emitted_at };
}

describe('evaluateFraudAlerts', () => {
  const alerts = [
    alert('a1', ['far', 'new device'], 100, 150),
    alert('a2', ['far', 'new device'], 110, 170),
    alert('a2', ['far', 'new device'], 110, 900), // redelivered: counts once
    alert('s1', ['amount'], 120, 125),
    alert('n1', ['amount']),
    alert('n2', ['amount']),
  ];
  const report = evaluateFraudAlerts(alerts, labels, { transactions: 1004 });

  it('counts true and false positives once per transaction', () => {
    expect(report.alerted).toBe(5);
    expect(report.duplicateAlerts).toBe(1);
    expect(report.truePositives).toBe(3);
    expect(report.falsePositives).toBe(2);
    expect(report.precision).toBeCloseTo(3 / 5, 12);
    expect(report.recall).toBeCloseTo(3 / 4, 12);
    expect(report.falsePositiveRate).toBeCloseTo(2 / 1000, 12);
    expect(report.falsePositiveReasons).toEqual({ amount: 2 });
  });

  it('recall and incidents per pattern', () => {
    const [spike, takeover] = report.patterns;
    expect(takeover).toMatchObject({ pattern: 'takeover', labelled: 2, detected: 2, recall: 1 });
    expect(takeover).toMatchObject({ incidents: 1, incidentsDetected: 1 });
    expect(spike).toMatchObject({ pattern: 'spike', labelled: 2, detected: 1, recall: 0.5 });
    expect(spike).toMatchObject({ incidents: 2, incidentsDetected: 1 });
  });

  it('charges false alerts by their reasons (naive Bayes over true alerts)', () => {
    const [spike, takeover] = report.patterns;
    // Vocabulary {far, new device, amount}. Reasons of an FP: {amount}.
    // spike (1 true alert: {amount}): p(amount) = 2/3, p(far) = p(new device) = 1/3
    //   → L = 2/3 · 2/3 · 2/3 = 8/27
    // takeover (2 true alerts: {far, new device}): p(far) = p(new device) = 3/4, p(amount) = 1/4
    //   → L = 1/4 · 1/4 · 1/4 = 1/64
    const spikeShare = 8 / 27 / (8 / 27 + 1 / 64);
    expect(spike!.falsePositives).toBeCloseTo(2 * spikeShare, 9);
    expect(takeover!.falsePositives).toBeCloseTo(2 * (1 - spikeShare), 9);
    expect(spike!.precision).toBeCloseTo(1 / (1 + 2 * spikeShare), 9);
  });

  it('alert delay from emitted_at − ts', () => {
    expect(report.alertDelayMs).toEqual({ p50: 50, p99: 60, max: 60 });
  });

  it('splits false alerts evenly when nothing was detected', () => {
    const r = evaluateFraudAlerts([alert('n1', ['x'])], labels);
    expect(r.patterns.map((p) => p.falsePositives)).toEqual([0.5, 0.5]);
    expect(r.patterns.map((p) => p.precision)).toEqual([0, 0]);
  });

  it('leaves out what happened before fromMs', () => {
    const r = evaluateFraudAlerts(alerts, labels, { fromMs: 115 });
    // a1 (ts 100) and a2 (110) are history now; s1, s2 remain.
    expect(r.labelled).toBe(2);
    expect(r.truePositives).toBe(1);
    expect(r.falsePositives).toBe(2);
  });

  it('prints one line per pattern and an overall line', () => {
    const text = formatFraudQuality(report);
    expect(text).toMatch(/^pattern\s+labelled\s+detected\s+recall/);
    expect(text).toMatch(/\ntakeover\s+2\s+2\s+1\.000\s/);
    expect(text).toMatch(/\noverall\s+4\s+3\s+0\.750\s+2\s+0\.600/);
    expect(text).toContain('false alerts by reason: amount: 2');
  });
});
