// Detection quality of fraud alerts against the generator's labels (`fraud-labels`): recall per
// pattern, overall precision, and a per-pattern precision that attributes each false alert to
// the patterns whose true alerts carry the same reasons. Pure: the quality test and
// `sluice evaluate` (alerts read from Kafka) share it.

/** A `fraud-labels` value: the fraudulent transaction and its pattern. */
export interface FraudLabelInput {
  readonly txn_id: string;
  readonly pattern: string;
  readonly incident_id?: string;
  /** The transaction's event time, epoch ms, when known (the label message's timestamp). */
  readonly ts?: number;
}

/** What evaluation reads of a `fraud-alerts` value. */
export interface FraudAlertInput {
  readonly txn_id: string;
  readonly reasons: readonly string[];
  /** Event time of the alerted transaction, epoch ms. */
  readonly ts: number;
  /** Wall clock when the alert was made, epoch ms. */
  readonly emitted_at?: number;
}

export interface FraudEvaluationOptions {
  /**
   * Only transactions with event time ≥ this count (epoch ms): earlier ones built the profiles'
   * history. Labels without `ts` always count.
   */
  readonly fromMs?: number;
  /** Transactions scored in the evaluated range, to report the false-alert rate. */
  readonly transactions?: number;
}

export interface PatternQuality {
  readonly pattern: string;
  /** Labelled transactions of this pattern. */
  readonly labelled: number;
  /** Of those, how many alerted (true positives). */
  readonly detected: number;
  /** detected / labelled (1 when nothing is labelled). */
  readonly recall: number;
  /** False alerts attributed to this pattern (fractional: see evaluateFraudAlerts). */
  readonly falsePositives: number;
  /** detected / (detected + falsePositives) (1 with no alert at all). */
  readonly precision: number;
  /** Incidents with at least one alerted transaction, of those labelled (labels with incident_id). */
  readonly incidents: number;
  readonly incidentsDetected: number;
}

export interface FraudQualityReport {
  /** Distinct transactions alerted (duplicates from redelivery count once). */
  readonly alerted: number;
  /** Alerts beyond the first for the same transaction. */
  readonly duplicateAlerts: number;
  readonly labelled: number;
  readonly truePositives: number;
  readonly falsePositives: number;
  /** truePositives / alerted. */
  readonly precision: number;
  /** truePositives / labelled. */
  readonly recall: number;
  /** falsePositives / (transactions − labelled), when `transactions` was given. */
  readonly falsePositiveRate: number | undefined;
  readonly patterns: readonly PatternQuality[];
  /** Reasons carried by false alerts, with counts. */
  readonly falsePositiveReasons: Readonly<Record<string, number>>;
  /** emitted_at − ts over alerts that have both, ms (a latency only when ts is wall-clock based). */
  readonly alertDelayMs:
    { readonly p50: number; readonly p99: number; readonly max: number } | undefined;
}

function ratio(num: number, den: number): number {
  return den === 0 ? 1 : num / den;
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/**
 * Scores alerts against labels. An alert on a labelled transaction is a true positive of that
 * label's pattern; an alert on any other transaction is a false positive. Recall is per pattern;
 * precision is overall, and per pattern P it is TP_P / (TP_P + FP_P), where each false alert is
 * split across patterns by the posterior of a naive Bayes model over alert reasons fitted on the
 * true alerts (uniform prior, Laplace smoothing): a false alert that carries only the
 * amount-spike reason is charged to the pattern whose true alerts look like that. With no true
 * alert at all, false alerts are split evenly. Charging every false alert to every pattern in
 * proportion to its share of true alerts would just repeat the overall precision.
 */
export function evaluateFraudAlerts(
  alerts: Iterable<FraudAlertInput>,
  labels: Iterable<FraudLabelInput>,
  options: FraudEvaluationOptions = {},
): FraudQualityReport {
  const fromMs = options.fromMs ?? Number.NEGATIVE_INFINITY;
  const labelOf = new Map<string, FraudLabelInput>();
  for (const label of labels) {
    if (label.ts !== undefined && label.ts < fromMs) continue;
    labelOf.set(label.txn_id, label);
  }
  const firstAlert = new Map<string, FraudAlertInput>();
  let duplicateAlerts = 0;
  const delays: number[] = [];
  for (const alert of alerts) {
    if (alert.ts < fromMs) continue;
    if (firstAlert.has(alert.txn_id)) {
      duplicateAlerts++;
      continue;
    }
    firstAlert.set(alert.txn_id, alert);
    if (alert.emitted_at !== undefined) delays.push(alert.emitted_at - alert.ts);
  }

  const patterns = [...new Set([...labelOf.values()].map((l) => l.pattern))].sort();
  const detected = new Map<string, number>(patterns.map((p) => [p, 0]));
  const reasonCounts = new Map<string, Map<string, number>>(patterns.map((p) => [p, new Map()]));
  const vocabulary = new Set<string>();
  const falseAlerts: FraudAlertInput[] = [];
  const falsePositiveReasons: Record<string, number> = {};
  for (const alert of firstAlert.values()) {
    for (const r of alert.reasons) vocabulary.add(r);
    const label = labelOf.get(alert.txn_id);
    if (label === undefined) {
      falseAlerts.push(alert);
      for (const r of alert.reasons) falsePositiveReasons[r] = (falsePositiveReasons[r] ?? 0) + 1;
      continue;
    }
    detected.set(label.pattern, detected.get(label.pattern)! + 1);
    const counts = reasonCounts.get(label.pattern)!;
    for (const r of new Set(alert.reasons)) counts.set(r, (counts.get(r) ?? 0) + 1);
  }

  const charged = new Map<string, number>(patterns.map((p) => [p, 0]));
  for (const alert of falseAlerts) {
    const weights = attribution(alert.reasons, patterns, detected, reasonCounts, vocabulary);
    patterns.forEach((p, i) => charged.set(p, charged.get(p)! + weights[i]!));
  }

  const incidents = new Map<string, { pattern: string; hit: boolean }>();
  for (const label of labelOf.values()) {
    if (label.incident_id === undefined) continue;
    const entry = incidents.get(label.incident_id) ?? { pattern: label.pattern, hit: false };
    if (firstAlert.has(label.txn_id)) entry.hit = true;
    incidents.set(label.incident_id, entry);
  }

  const labelledBy = new Map<string, number>(patterns.map((p) => [p, 0]));
  for (const label of labelOf.values())
    labelledBy.set(label.pattern, labelledBy.get(label.pattern)! + 1);
  const perPattern: PatternQuality[] = patterns.map((pattern) => {
    const tp = detected.get(pattern)!;
    const fp = charged.get(pattern)!;
    const own = [...incidents.values()].filter((i) => i.pattern === pattern);
    return {
      pattern,
      labelled: labelledBy.get(pattern)!,
      detected: tp,
      recall: ratio(tp, labelledBy.get(pattern)!),
      falsePositives: fp,
      precision: ratio(tp, tp + fp),
      incidents: own.length,
      incidentsDetected: own.filter((i) => i.hit).length,
    };
  });

  const truePositives = firstAlert.size - falseAlerts.length;
  delays.sort((a, b) => a - b);
  return {
    alerted: firstAlert.size,
    duplicateAlerts,
    labelled: labelOf.size,
    truePositives,
    falsePositives: falseAlerts.length,
    precision: ratio(truePositives, firstAlert.size),
    recall: ratio(truePositives, labelOf.size),
    falsePositiveRate:
      options.transactions === undefined
        ? undefined
        : falseAlerts.length / Math.max(1, options.transactions - labelOf.size),
    patterns: perPattern,
    falsePositiveReasons,
    alertDelayMs:
      delays.length === 0
        ? undefined
        : {
            p50: quantile(delays, 0.5),
            p99: quantile(delays, 0.99),
            max: delays[delays.length - 1]!,
          },
  };
}

/** Posterior weight of each pattern for a false alert's reasons (sums to 1). */
function attribution(
  reasons: readonly string[],
  patterns: readonly string[],
  detected: ReadonlyMap<string, number>,
  reasonCounts: ReadonlyMap<string, ReadonlyMap<string, number>>,
  vocabulary: ReadonlySet<string>,
): number[] {
  const present = new Set(reasons);
  const trained = patterns.filter((p) => detected.get(p)! > 0);
  if (trained.length === 0) return patterns.map(() => 1 / Math.max(1, patterns.length));
  const logs = patterns.map((p) => {
    const n = detected.get(p)!;
    if (n === 0) return Number.NEGATIVE_INFINITY;
    const counts = reasonCounts.get(p)!;
    let log = 0;
    for (const r of vocabulary) {
      const pr = ((counts.get(r) ?? 0) + 1) / (n + 2);
      log += Math.log(present.has(r) ? pr : 1 - pr);
    }
    return log;
  });
  const max = Math.max(...logs);
  const exps = logs.map((l) => (l === Number.NEGATIVE_INFINITY ? 0 : Math.exp(l - max)));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / total);
}

/** The report as a fixed-width table (one line per pattern, then overall), for printing. */
export function formatFraudQuality(report: FraudQualityReport): string {
  const pad = (s: string | number, n: number): string => String(s).padStart(n);
  const lines = [
    `${'pattern'.padEnd(18)}${pad('labelled', 9)}${pad('detected', 9)}${pad('recall', 8)}${pad('FP(attr)', 9)}${pad('precision', 10)}${pad('incidents', 11)}`,
  ];
  for (const p of report.patterns) {
    lines.push(
      `${p.pattern.padEnd(18)}${pad(p.labelled, 9)}${pad(p.detected, 9)}${pad(p.recall.toFixed(3), 8)}` +
        `${pad(p.falsePositives.toFixed(1), 9)}${pad(p.precision.toFixed(3), 10)}` +
        `${pad(`${p.incidentsDetected}/${p.incidents}`, 11)}`,
    );
  }
  lines.push(
    `${'overall'.padEnd(18)}${pad(report.labelled, 9)}${pad(report.truePositives, 9)}${pad(report.recall.toFixed(3), 8)}` +
      `${pad(report.falsePositives, 9)}${pad(report.precision.toFixed(3), 10)}`,
  );
  const rate =
    report.falsePositiveRate === undefined
      ? ''
      : `, false-alert rate ${(report.falsePositiveRate * 100).toFixed(3)}% of legitimate payments`;
  lines.push(`alerts ${report.alerted} (+${report.duplicateAlerts} duplicates)${rate}`);
  const reasons = Object.entries(report.falsePositiveReasons)
    .sort((a, b) => b[1] - a[1])
    .map(([r, n]) => `${r}: ${n}`)
    .join('; ');
  if (reasons !== '') lines.push(`false alerts by reason: ${reasons}`);
  if (report.alertDelayMs !== undefined) {
    const d = report.alertDelayMs;
    lines.push(`alert delay (emitted_at - ts): p50 ${d.p50} ms, p99 ${d.p99} ms, max ${d.max} ms`);
  }
  return lines.join('\n');
}
