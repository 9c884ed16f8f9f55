// Fraud figures of `sluice evaluate`, from the labels the generator wrote (`fraud-labels`) and the
// alerts the fraud job wrote (`fraud-alerts`): the scoring stage's detection quality (precision,
// recall, false alerts attributed by reasons) plus alert latency from the evaluator's produce times.

import {
  evaluateFraudAlerts,
  type FraudAlertInput,
  type FraudLabelInput,
} from '../../scoring/fraud/fraud-evaluation.js';
import { percentile } from '../bench/latency-summary.js';

export interface PatternFigures {
  /** Labelled payments of the pattern. */
  readonly labelled: number;
  /** Labelled payments of the pattern that got an alert (true positives). */
  readonly detected: number;
  /** detected / labelled, in [0, 1]. */
  readonly recall: number;
  /** False alerts attributed to the pattern (fractional; see evaluateFraudAlerts). */
  readonly falsePositives: number;
  /** detected / (detected + falsePositives), in [0, 1]. */
  readonly precision: number;
  readonly incidents: number;
  /** Incidents with at least one alerted payment. */
  readonly incidentsDetected: number;
  /** Alert latency of the detected payments, ms (NaN with none): emitted_at − produce time. */
  readonly latencyMsP50: number;
  readonly latencyMsP95: number;
}

export interface FraudFigures {
  readonly patterns: Readonly<Record<string, PatternFigures>>;
  readonly overall: {
    readonly labelled: number;
    /** Distinct payments alerted (duplicates of one payment count once). */
    readonly alerts: number;
    readonly duplicateAlerts: number;
    readonly truePositives: number;
    readonly falsePositives: number;
    /** truePositives / alerts, in [0, 1]. */
    readonly precision: number;
    /** truePositives / labelled, in [0, 1]. */
    readonly recall: number;
    readonly latencyMsP50: number;
    readonly latencyMsP95: number;
    /** Reasons carried by false alerts, with counts. */
    readonly falsePositiveReasons: Readonly<Record<string, number>>;
  };
}

/**
 * Scores `alerts` against `labels` with the scoring stage's evaluateFraudAlerts (per payment:
 * recall per pattern, exact overall precision, each false alert charged to the patterns whose true
 * alerts carry the same reasons — see there), and adds alert latency: `emitted_at` −
 * `producedAtMs.get(txn_id)` (the evaluator's wall clock when it handed the payment to the
 * producer), over true positives, earliest alert per payment, nearest-rank percentiles.
 * Patterns are listed in `order` first, then any others the labels name.
 */
export function fraudMetrics(
  labels: readonly FraudLabelInput[],
  alerts: readonly (FraudAlertInput & { readonly emitted_at: number })[],
  producedAtMs: ReadonlyMap<string, number>,
  order: readonly string[] = [],
): FraudFigures {
  const quality = evaluateFraudAlerts(alerts, labels);
  const firstEmittedMs = new Map<string, number>();
  for (const a of alerts) {
    const seen = firstEmittedMs.get(a.txn_id);
    if (seen === undefined || a.emitted_at < seen) firstEmittedMs.set(a.txn_id, a.emitted_at);
  }
  const latencies = new Map<string, number[]>();
  const all: number[] = [];
  for (const label of labels) {
    const emittedMs = firstEmittedMs.get(label.txn_id);
    const producedMs = producedAtMs.get(label.txn_id);
    if (emittedMs === undefined || producedMs === undefined) continue;
    let list = latencies.get(label.pattern);
    if (!list) latencies.set(label.pattern, (list = []));
    list.push(emittedMs - producedMs);
    all.push(emittedMs - producedMs);
  }
  const sorted = (xs: readonly number[] = []): number[] => [...xs].sort((a, b) => a - b);
  const rank = (p: string): number => (order.includes(p) ? order.indexOf(p) : order.length);
  const patterns: Record<string, PatternFigures> = {};
  for (const p of [...quality.patterns].sort((a, b) => rank(a.pattern) - rank(b.pattern))) {
    const lat = sorted(latencies.get(p.pattern));
    patterns[p.pattern] = {
      labelled: p.labelled,
      detected: p.detected,
      recall: p.recall,
      falsePositives: p.falsePositives,
      precision: p.precision,
      incidents: p.incidents,
      incidentsDetected: p.incidentsDetected,
      latencyMsP50: percentile(lat, 0.5),
      latencyMsP95: percentile(lat, 0.95),
    };
  }
  const allSorted = sorted(all);
  return {
    patterns,
    overall: {
      labelled: quality.labelled,
      alerts: quality.alerted,
      duplicateAlerts: quality.duplicateAlerts,
      truePositives: quality.truePositives,
      falsePositives: quality.falsePositives,
      precision: quality.precision,
      recall: quality.recall,
      latencyMsP50: percentile(allSorted, 0.5),
      latencyMsP95: percentile(allSorted, 0.95),
      falsePositiveReasons: quality.falsePositiveReasons,
    },
  };
}
