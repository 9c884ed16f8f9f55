// Fraud figures of `sluice evaluate`, from the labels the generator wrote (`fraud-labels`) and the
// alerts the fraud job wrote (`fraud-alerts`): precision, recall and alert latency per injected
// pattern and overall. Pure: the command reads the topics and passes the records in.

import { percentile } from '../bench/latency-summary.js';

/** One `fraud-labels` record. */
export interface FraudLabelRecord {
  readonly txnId: string;
  readonly pattern: string;
  /** Incident the payment belongs to ('' if unknown): for the incident-level recall. */
  readonly incidentId: string;
}

/** One `fraud-alerts` record. */
export interface FraudAlertRecord {
  readonly txnId: string;
  readonly reasons: readonly string[];
  /** Wall-clock time the job emitted the alert, epoch ms. */
  readonly emittedAtMs: number;
}

export interface PatternFigures {
  /** Labelled payments of the pattern. */
  readonly labelled: number;
  /** Labelled payments of the pattern that got an alert (true positives). */
  readonly detected: number;
  /** detected / labelled, in [0, 1] (0 with no labels). */
  readonly recall: number;
  /** False-positive alerts attributed to the pattern (fractional: see fraudMetrics). */
  readonly falsePositives: number;
  /** detected / (detected + falsePositives), in [0, 1] (0 when nothing is attributed). */
  readonly precision: number;
  readonly incidents: number;
  /** Incidents with at least one alerted payment. */
  readonly incidentsDetected: number;
  /** Alert latency of the detected payments, ms (NaN with none): emitted_at − produce time. */
  readonly latencyMsP50: number;
  readonly latencyMsP95: number;
  /** Reasons on the pattern's true-positive alerts, most frequent first: reason → count. */
  readonly reasons: Readonly<Record<string, number>>;
}

export interface FraudFigures {
  readonly patterns: Readonly<Record<string, PatternFigures>>;
  readonly overall: {
    readonly labelled: number;
    /** Distinct payments alerted (duplicates of one payment count once). */
    readonly alerts: number;
    readonly truePositives: number;
    readonly falsePositives: number;
    /** truePositives / alerts, in [0, 1] (0 with no alerts). */
    readonly precision: number;
    /** truePositives / labelled, in [0, 1] (0 with no labels). */
    readonly recall: number;
    readonly latencyMsP50: number;
    readonly latencyMsP95: number;
  };
}

/**
 * Scores alerts against labels, per payment (`txn_id`); a payment alerted more than once (an
 * at-least-once replay) counts once, with its earliest `emitted_at`.
 *
 * - recall of pattern P = labelled payments of P with an alert / labelled payments of P;
 * - overall precision = alerts on labelled payments / all alerted payments (exact);
 * - per-pattern precision = TP_P / (TP_P + FP_P), where each false-positive alert is attributed
 *   to the pattern whose true positives it resembles: for each pattern, the share of its
 *   true-positive alerts that carry each reason; a false positive goes to the pattern with the
 *   highest sum of those shares over the alert's reasons (split evenly on a tie, and over every
 *   pattern when no pattern shares a reason with it). So Σ FP_P = FP and a rule that misfires
 *   costs the pattern it was written for;
 * - alert latency = `emitted_at` − `producedAtMs.get(txn_id)` (the evaluator's wall clock when
 *   it handed the payment to the producer), over true positives, nearest-rank percentiles.
 *
 * `patterns` fixes the order and includes patterns without labels; others seen are appended.
 */
export function fraudMetrics(
  labels: readonly FraudLabelRecord[],
  alerts: readonly FraudAlertRecord[],
  producedAtMs: ReadonlyMap<string, number>,
  patterns: readonly string[] = [],
): FraudFigures {
  const labelOf = new Map<string, FraudLabelRecord>();
  for (const l of labels) labelOf.set(l.txnId, l);
  const names = [...patterns];
  for (const l of labelOf.values()) if (!names.includes(l.pattern)) names.push(l.pattern);

  const firstAlert = new Map<string, FraudAlertRecord>();
  for (const a of alerts) {
    const seen = firstAlert.get(a.txnId);
    if (!seen || a.emittedAtMs < seen.emittedAtMs) firstAlert.set(a.txnId, a);
  }

  interface Tally {
    labelled: number;
    detected: number;
    falsePositives: number;
    incidents: Set<string>;
    incidentsDetected: Set<string>;
    latenciesMs: number[];
    reasons: Map<string, number>;
  }
  const tallies = new Map<string, Tally>(
    names.map((n) => [
      n,
      {
        labelled: 0,
        detected: 0,
        falsePositives: 0,
        incidents: new Set(),
        incidentsDetected: new Set(),
        latenciesMs: [],
        reasons: new Map(),
      },
    ]),
  );
  const allLatenciesMs: number[] = [];
  for (const label of labelOf.values()) {
    const t = tallies.get(label.pattern) as Tally;
    t.labelled++;
    const incident = label.incidentId || label.txnId;
    t.incidents.add(incident);
    const alert = firstAlert.get(label.txnId);
    if (!alert) continue;
    t.detected++;
    t.incidentsDetected.add(incident);
    for (const r of new Set(alert.reasons)) t.reasons.set(r, (t.reasons.get(r) ?? 0) + 1);
    const producedMs = producedAtMs.get(label.txnId);
    if (producedMs !== undefined) {
      t.latenciesMs.push(alert.emittedAtMs - producedMs);
      allLatenciesMs.push(alert.emittedAtMs - producedMs);
    }
  }

  let falsePositives = 0;
  for (const alert of firstAlert.values()) {
    if (labelOf.has(alert.txnId)) continue;
    falsePositives++;
    const owners = attribute(alert, names, tallies);
    for (const owner of owners) (tallies.get(owner) as Tally).falsePositives += 1 / owners.length;
  }

  const sorted = (xs: number[]): number[] => [...xs].sort((a, b) => a - b);
  const figures: Record<string, PatternFigures> = {};
  for (const [name, t] of tallies) {
    const lat = sorted(t.latenciesMs);
    figures[name] = {
      labelled: t.labelled,
      detected: t.detected,
      recall: t.labelled > 0 ? t.detected / t.labelled : 0,
      falsePositives: t.falsePositives,
      precision:
        t.detected + t.falsePositives > 0 ? t.detected / (t.detected + t.falsePositives) : 0,
      incidents: t.incidents.size,
      incidentsDetected: t.incidentsDetected.size,
      latencyMsP50: percentile(lat, 0.5),
      latencyMsP95: percentile(lat, 0.95),
      reasons: Object.fromEntries([...t.reasons].sort((a, b) => b[1] - a[1])),
    };
  }
  const truePositives = firstAlert.size - falsePositives;
  const all = sorted(allLatenciesMs);
  return {
    patterns: figures,
    overall: {
      labelled: labelOf.size,
      alerts: firstAlert.size,
      truePositives,
      falsePositives,
      precision: firstAlert.size > 0 ? truePositives / firstAlert.size : 0,
      recall: labelOf.size > 0 ? truePositives / labelOf.size : 0,
      latencyMsP50: percentile(all, 0.5),
      latencyMsP95: percentile(all, 0.95),
    },
  };
}

/** The patterns a false-positive alert is charged to (see fraudMetrics). */
function attribute(
  alert: FraudAlertRecord,
  names: readonly string[],
  tallies: ReadonlyMap<string, { detected: number; reasons: ReadonlyMap<string, number> }>,
): string[] {
  let best = 0;
  let owners: string[] = [];
  for (const name of names) {
    const t = tallies.get(name);
    if (!t || t.detected === 0) continue;
    let score = 0;
    for (const r of new Set(alert.reasons)) score += (t.reasons.get(r) ?? 0) / t.detected;
    if (score > best) {
      best = score;
      owners = [name];
    } else if (score === best && score > 0) {
      owners.push(name);
    }
  }
  return owners.length > 0 ? owners : [...names];
}
